# The one harness of the integration tests, sourced by every
# tests/integration/*.sh (not a test itself: ctest registers only *.sh).
#
# Each test gets a private work directory $WORK, its own llmcc database
# ($LLMCC_DIR, or one per build with fresh_db) and no user configuration; $WORK
# is removed on exit (kept with LLMCC_TEST_KEEP=1, for debugging). A failed
# check ends the test (fail); a missing tool skips it (skip, exit 77); a test
# that reaches its end passed.
set -euo pipefail

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
skip() {
  echo "SKIP: $*"
  exit 77
}
pass() { echo "ok: $*"; }
assert_eq() { [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"; }
assert_contains() { [[ "$1" == *"$2"* ]] || fail "$3: '$2' not found in: $1"; }
assert_not_contains() { [[ "$1" != *"$2"* ]] || fail "$3: unexpected '$2' in: $1"; }

: "${LLMCC_BIN_DIR:?run through ctest (LLMCC_BIN_DIR is not set)}"
: "${LLMCC_SOURCE_DIR:?run through ctest (LLMCC_SOURCE_DIR is not set)}"

# The wrapper by path, for build systems that want one (launchers, Bazel's CC);
# `llmcc`, `llmcc++` and `llmcc-tool` are also first in PATH (`make CC=llmcc`).
LLMCC="$LLMCC_BIN_DIR/llmcc"
EXAMPLES="$LLMCC_SOURCE_DIR/examples"
[[ -x "$LLMCC" ]] || skip "$LLMCC is not built"
command -v python3 >/dev/null || skip "python3 is needed to read llmcc's JSON output"
export PATH="$LLMCC_BIN_DIR:$PATH"

# The tests read llmcc's database with the sqlite3 shell while llmcc (or a
# wrapper process a killed tune left running) may hold a write lock: wait for
# it as llmcc does, instead of failing with "database is locked".
# llmcc keeps the tuner's tables (trials, sessions, profiles, ...) in a second
# file beside llmcc.db (cache/local/schema.h): attach it as llmcc does, so a
# query reads both files as one database.
sqlite3() {
  local a attach=()
  for a in "$@"; do
    if [[ $a == *.db && $a != *.tuning.db && -f ${a%.db}.tuning.db ]]; then
      attach=(-cmd "ATTACH '${a%.db}.tuning.db' AS tuning")
      break
    fi
  done
  command sqlite3 -cmd ".timeout 10000" "${attach[@]}" "$@"
}

# require <command>...: skips the test unless every command is installed.
require() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null || skip "$c is not installed"
  done
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/llmcc-test-XXXXXX")"
_cleanup_hooks=()
# on_exit <shell command>: run when the test ends, pass or fail.
on_exit() { _cleanup_hooks+=("$1"); }
_cleanup() {
  local hook
  for hook in "${_cleanup_hooks[@]+"${_cleanup_hooks[@]}"}"; do
    eval "$hook" || true
  done
  if [[ -n "${LLMCC_TEST_KEEP:-}" ]]; then
    echo "kept $WORK" >&2
    return
  fi
  # Bazel leaves read-only outputs behind.
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap _cleanup EXIT

# The tests never use the user's database, configuration or compiler choice.
export HOME="$WORK/home"
export XDG_CONFIG_HOME="$WORK/config"
mkdir -p "$HOME"
export LLMCC_DIR="$WORK/cache"
export LLMCC_QUIET="${LLMCC_QUIET:-}"
unset LLMCC_CC LLMCC_CXX LLMCC_DB LLMCC_DISABLE LLMCC_TRIAL_FILE LLMCC_CONFIG CC CXX || true

# A fresh database directory for the next build, so counts are exact.
fresh_db() {
  export LLMCC_DIR="$WORK/db-$1"
  rm -rf "$LLMCC_DIR"
  mkdir -p "$LLMCC_DIR"
}

# Seconds since the test started, for the log.
SECONDS=0
note() { echo "[$(printf '%3d' "$SECONDS")s] $*"; }

# Runs a command quietly; on failure shows the end of its output and fails.
run_quiet() {
  local log="$WORK/last.log"
  "$@" >"$log" 2>&1 && return 0
  local status=$?
  tail -n 40 "$log" >&2
  fail "command failed ($status): $*"
}

# ---- Compilers ------------------------------------------------------------

# PAIRS: "gcc g++" and/or "clang clang++", the C/C++ compiler pairs installed.
# (An array rather than a pipe: builds in the loop body must not eat its stdin.)
PAIRS=()
if command -v gcc >/dev/null && command -v g++ >/dev/null; then
  PAIRS+=("gcc g++")
fi
if command -v clang >/dev/null && command -v clang++ >/dev/null; then
  PAIRS+=("clang clang++")
fi
# require_pairs: skips the test unless at least one pair is installed.
require_pairs() {
  ((${#PAIRS[@]} > 0)) || skip "neither gcc/g++ nor clang/clang++ is installed"
}

# make_logging_compiler NAME REAL: a fake compiler that logs its argv, one line
# per call, to $WORK/<NAME>.log, then runs REAL.
make_logging_compiler() {
  local name="$1" real="$2"
  mkdir -p "$WORK/fakebin"
  cat >"$WORK/fakebin/$name" <<SH
#!/bin/sh
printf '%s\n' "\$*" >> "$WORK/$name.log"
exec $(command -v "$real") "\$@"
SH
  chmod +x "$WORK/fakebin/$name"
  echo "$WORK/fakebin/$name"
}

# ---- What llmcc recorded --------------------------------------------------

# json_get <json-text> <python expression over j>
json_get() {
  python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}
# stat_counter KEY: counters.KEY of `llmcc stats` (0 when absent).
stat_counter() {
  llmcc stats --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['counters'].get('$1',0))"
}
# stat_field KEY: a top-level field of `llmcc stats`.
stat_field() {
  llmcc stats --json | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}

# expect_captured <label> <compiles> [<links>]: the database of this build holds
# exactly these captures, each compile was handled by llmcc (no passthrough).
expect_captured() {
  local label="$1" compiles="$2" links="${3:-}"
  local stats
  stats="$("$LLMCC" stats --json)" || fail "$label: llmcc stats failed"
  local got
  got="$(json_get "$stats" 'j["captured_compiles"]')"
  [[ "$got" == "$compiles" ]] || fail "$label: captured_compiles=$got, expected $compiles"
  got="$(json_get "$stats" 'j["counters"].get("compile.plain",0)+j["counters"].get("compile.tuned",0)')"
  [[ "$got" == "$compiles" ]] || fail "$label: compile counters=$got, expected $compiles ($stats)"
  if [[ -n "$links" ]]; then
    got="$(json_get "$stats" 'j["captured_links"]')"
    [[ "$got" == "$links" ]] || fail "$label: captured_links=$got, expected $links"
  fi
}

# expect_sources_captured <label> <source>...: llmcc recorded a compile of each.
expect_sources_captured() {
  local label="$1" src
  shift
  for src in "$@"; do
    if ! "$LLMCC" show "$src" --json >/dev/null 2>"$WORK/show.err"; then
      fail "$label: no compile of $src recorded: $(cat "$WORK/show.err")"
    fi
  done
}

# expect_same_output <label> <expected-file> <command...>
expect_same_output() {
  local label="$1" expected="$2"
  shift 2
  local out
  out="$("$@" 2>&1)" || fail "$label: $* failed: $out"
  if [[ "$out" != "$(cat "$expected")" ]]; then
    diff <(echo "$out") "$expected" >&2 || true
    fail "$label: output of $* differs from $expected"
  fi
}

# ---- Projects -------------------------------------------------------------

# write_sqrt_project DIR: a two-TU Makefile program whose hot loop calls sqrt
# (-fno-math-errno lets it inline): what the LLM tests propose configs for.
write_sqrt_project() {
  mkdir -p "$1"
  printf '#include <math.h>\ndouble k(int n){double s=0;for(int i=1;i<n;i++)s+=sqrt((double)i);return s;}\n' >"$1/k.c"
  printf '#include <stdio.h>\ndouble k(int);\nint main(void){printf("%%.3e\\n",k(200000));return 0;}\n' >"$1/main.c"
  printf 'prog: main.o k.o\n\t$(CC) -o $@ main.o k.o -lm\n%%.o: %%.c\n\t$(CC) -O2 -c $< -o $@\n' >"$1/Makefile"
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

# ---- The CMake examples ---------------------------------------------------

# Per example: its TUs (relative to the example), the links of a full build and
# the demo program whose output is compared. cmake-library is configured
# without Google Benchmark unless a test asks for it (saves a heavy TU).
IMGPROC_TUS=(src/image.cpp src/filters.cpp src/checksum.cpp src/matrix.cpp src/rle.cpp
  apps/imgproc_demo.cpp tests/imgproc_test.cpp)
IMGPROC_LINKS=2 # imgproc_demo, imgproc_test
MIXED_TUS=(c/base64.c c/varint.c cxx/record.cpp cxx/workload.cpp apps/mixed_demo.cpp
  tests/test_c.c tests/test_cxx.cpp)
MIXED_LINKS=3 # mixed_demo, test_c, test_cxx
NO_BENCH=(-DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON)

demo_of() {
  case "$1" in
    cmake-library) echo imgproc_demo ;;
    mixed-c-cxx) echo mixed_demo ;;
  esac
}

# plain_reference <example> <cc> <cxx>: builds the example's demo without llmcc
# and sets REF to the file holding its output (a variable, not output: fail in
# a command substitution would end only the substitution).
plain_reference() {
  local example="$1" cc="$2" cxx="$3"
  local dir="$WORK/plain-$example-$cc"
  REF="$WORK/plain-$example-$cc.txt"
  if [[ ! -f "$REF" ]]; then
    run_quiet cmake -S "$EXAMPLES/$example" -B "$dir" -G Ninja -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_CXX_COMPILER="$cxx" "${NO_BENCH[@]}"
    run_quiet cmake --build "$dir" --target "$(demo_of "$example")"
    "$dir/$(demo_of "$example")" >"$REF"
    expect_same_output "plain $example $cc" "$EXAMPLES/$example/expected_output.txt" cat "$REF"
  fi
}

# begin_case <label> <example> <cc> <cxx> <name>: the plain build's output in
# REF, the label in the log, and a fresh database <name>.
begin_case() {
  plain_reference "$2" "$3" "$4"
  note "$1"
  fresh_db "$5"
}

# each_example_build <fn>: runs `fn <cc> <cxx> <example> <generator>` for both
# CMake examples under every compiler pair, alternating Ninja and Unix Makefiles
# so each compiler and each example meets both generators.
each_example_build() {
  local fn="$1" generators=("Ninja" "Unix Makefiles")
  local p=0 e pair cc cxx example
  for pair in "${PAIRS[@]}"; do
    p=$((p + 1))
    e=0
    read -r cc cxx <<<"$pair"
    for example in cmake-library mixed-c-cxx; do
      "$fn" "$cc" "$cxx" "$example" "${generators[$(((p + e) % 2))]}"
      e=$((e + 1))
    done
  done
}

# check_cmake_build <label> <example> <build-dir> <expected-output-file> [config]:
# demo output, ctest, and that exactly the example's TUs and links were captured.
check_cmake_build() {
  local label="$1" example="$2" dir="$3" ref="$4" config="${5:-}"
  local bin="$dir"
  [[ -n "$config" ]] && bin="$dir/$config"
  expect_same_output "$label" "$ref" "$bin/$(demo_of "$example")"
  local ctest_args=(--test-dir "$dir" --output-on-failure)
  [[ -n "$config" ]] && ctest_args+=(-C "$config")
  run_quiet ctest "${ctest_args[@]}"
  local prefix=IMGPROC
  [[ "$example" == mixed-c-cxx ]] && prefix=MIXED
  local -n tus="${prefix}_TUS"
  local links_var="${prefix}_LINKS"
  local links="${!links_var}"
  expect_captured "$label" "${#tus[@]}" "$links"
  expect_sources_captured "$label" "${tus[@]/#/$EXAMPLES/$example/}"
}
