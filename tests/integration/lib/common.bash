# Shared helpers for integration tests (sourced; not a test itself).
# Each test gets a private work directory and database, removed on exit.
set -euo pipefail

: "${LLMCC_BIN_DIR:?run through ctest (LLMCC_BIN_DIR unset)}"
: "${LLMCC_SOURCE_DIR:?}"
export PATH="$LLMCC_BIN_DIR:$PATH"
export LLMCC_QUIET="${LLMCC_QUIET:-}"
unset LLMCC_CC LLMCC_CXX LLMCC_DB LLMCC_DISABLE LLMCC_TRIAL_FILE LLMCC_CONFIG CC CXX || true

T="$(mktemp -d /tmp/llmcc-test-XXXXXX)"
export LLMCC_DIR="$T/cache"
export XDG_CONFIG_HOME="$T/config" # no user config leaks in
_cleanup_hooks=()
on_exit() { _cleanup_hooks+=("$1"); }
_cleanup() {
  local rc=$?
  for h in "${_cleanup_hooks[@]}"; do eval "$h" || true; done
  if [[ $rc -eq 0 || -z "${LLMCC_KEEP_TEST_DIR:-}" ]]; then rm -rf "$T"; else echo "kept $T"; fi
}
trap _cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
pass() { echo "ok: $*"; }
assert_eq() { [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"; }
assert_contains() { [[ "$1" == *"$2"* ]] || fail "$3: '$2' not found in: $1"; }
assert_not_contains() { [[ "$1" != *"$2"* ]] || fail "$3: unexpected '$2' in: $1"; }

# "gcc g++" and/or "clang clang++", whichever exist.
compiler_pairs() {
  command -v gcc >/dev/null && command -v g++ >/dev/null && echo "gcc:g++"
  command -v clang >/dev/null && command -v clang++ >/dev/null && echo "clang:clang++"
}

# stats_json KEY: a top-level number, or counters.KEY (0 when absent).
stat_counter() {
  llmcc stats --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['counters'].get('$1',0))"
}
stat_field() {
  llmcc stats --json | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}

# make_logging_compiler NAME REAL: a fake compiler that logs its argv, one line
# per call, to $T/<NAME>.log, then runs REAL.
make_logging_compiler() {
  local name="$1" real="$2"
  mkdir -p "$T/fakebin"
  cat >"$T/fakebin/$name" <<SH
#!/bin/sh
printf '%s\n' "\$*" >> "$T/$name.log"
exec $(command -v "$real") "\$@"
SH
  chmod +x "$T/fakebin/$name"
  echo "$T/fakebin/$name"
}

# A small multi-TU C/C++ project: a static library, a program and a test.
write_sample_project() {
  local d="$1"
  mkdir -p "$d/src" "$d/include"
  cat >"$d/include/mathlib.h" <<'EOF2'
#pragma once
#ifdef __cplusplus
extern "C" {
#endif
unsigned long checksum(const unsigned char* p, unsigned long n);
double poly(double x, int terms);
#ifdef __cplusplus
}
#endif
EOF2
  cat >"$d/src/checksum.c" <<'EOF2'
#include "mathlib.h"
unsigned long checksum(const unsigned char* p, unsigned long n) {
  unsigned long h = 1469598103934665603UL;
  for (unsigned long i = 0; i < n; ++i) { h ^= p[i]; h *= 1099511628211UL; }
  return h;
}
EOF2
  cat >"$d/src/poly.c" <<'EOF2'
#include "mathlib.h"
double poly(double x, int terms) {
  double s = 0, t = 1;
  for (int i = 0; i < terms; ++i) { s += t / (i + 1); t *= x; }
  return s;
}
EOF2
  cat >"$d/src/main.cpp" <<'EOF2'
#include <cstdio>
#include <vector>
#include "mathlib.h"
int main() {
  std::vector<unsigned char> buf(100000);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = (unsigned char)(i * 7 + 3);
  std::printf("%lu %.9f\n", checksum(buf.data(), buf.size()), poly(0.5, 40));
  return 0;
}
EOF2
  cat >"$d/src/test_lib.cpp" <<'EOF2'
#include <cstdio>
#include "mathlib.h"
int main() {
  const unsigned char a[] = {1, 2, 3};
  if (checksum(a, 3) == checksum(a, 2)) { std::puts("bad checksum"); return 1; }
  if (poly(0.0, 5) != 1.0) { std::puts("bad poly"); return 1; }
  std::puts("tests passed");
  return 0;
}
EOF2
  cat >"$d/CMakeLists.txt" <<'EOF2'
cmake_minimum_required(VERSION 3.16)
project(sample C CXX)
add_library(mathlib STATIC src/checksum.c src/poly.c)
target_include_directories(mathlib PUBLIC include)
add_executable(app src/main.cpp)
target_link_libraries(app mathlib)
add_executable(test_lib src/test_lib.cpp)
target_link_libraries(test_lib mathlib)
enable_testing()
add_test(NAME test_lib COMMAND test_lib)
EOF2
  cat >"$d/Makefile" <<'EOF2'
CC ?= cc
CXX ?= c++
CFLAGS ?= -O2
CXXFLAGS ?= -O2
CPPFLAGS += -Iinclude
all: app test_lib
libmathlib.a: src/checksum.o src/poly.o
	ar rcs $@ $^
app: src/main.o libmathlib.a
	$(CXX) $(CXXFLAGS) -o $@ src/main.o -L. -lmathlib
test_lib: src/test_lib.o libmathlib.a
	$(CXX) $(CXXFLAGS) -o $@ src/test_lib.o -L. -lmathlib
clean:
	rm -f src/*.o libmathlib.a app test_lib
EOF2
}
