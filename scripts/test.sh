#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through ctest.
# Servers a test needs are started by that test itself, on 127.0.0.1 only, and
# stopped when it ends.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LLMCC_BUILD:-$root/build}"
"$root/scripts/build.sh"
cd "$build"
# Two cores: run two tests at a time; each test sets its own time limit.
ctest --output-on-failure -j "${LLMCC_TEST_JOBS:-2}" "$@"
