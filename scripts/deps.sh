#!/usr/bin/env bash
# Installs the Debian packages llmcc needs to build and test, skipping what is
# already there (so a warm machine pays nothing). Sourced or run by quickstart.sh
# and test.sh.
set -euo pipefail

LLMCC_PACKAGES=(
  build-essential cmake ninja-build make pkg-config git
  gcc g++ clang clang-14 llvm-14 llvm-14-dev gcc-12-plugin-dev libclang-rt-14-dev
  nlohmann-json3-dev libcurl4-openssl-dev libcli11-dev libfmt-dev libxxhash-dev
  libsqlite3-dev sqlite3 libgtest-dev libgmock-dev libbenchmark-dev
  libzstd-dev libssl-dev libhiredis-dev nginx redis-server
  valgrind python3 ccache meson
  tmux chromium # the progress test (a fixed-width terminal) and the report test (headless page load)
)
if [[ "${LLMCC_WITH_BAZEL:-1}" == 1 ]]; then
  LLMCC_PACKAGES+=(bazel-bootstrap bazel-rules-java)
fi

missing=()
for p in "${LLMCC_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "llmcc: installing missing packages: ${missing[*]}"
  SUDO=""
  if [[ $(id -u) != 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
