#!/usr/bin/env bash
# Every entry of flags/data/{gcc,clang}.json must be accepted by the local compilers
# with -Werror (see scripts/check_option_tables.sh). Skips (77) without the compilers.
set -euo pipefail

src="${LLMCC_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
for tool in gcc clang python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "option_tables: $tool not found; skipping"
    exit 77
  fi
done
if ! command -v opt-14 >/dev/null 2>&1 && ! command -v opt >/dev/null 2>&1; then
  echo "option_tables: opt not found; skipping"
  exit 77
fi
exec bash "$src/scripts/check_option_tables.sh"
