# Shared helpers of the build-system integration tests (sourced, not a test:
# ctest only registers *.sh). Every test gets a private work directory and
# llmcc database, removed on exit (kept with LLMCC_TEST_KEEP=1, for debugging).
set -euo pipefail

: "${LLMCC_BIN_DIR:?run through ctest (LLMCC_BIN_DIR is not set)}"
: "${LLMCC_SOURCE_DIR:?run through ctest (LLMCC_SOURCE_DIR is not set)}"

LLMCC="$LLMCC_BIN_DIR/llmcc"
EXAMPLES="$LLMCC_SOURCE_DIR/examples"
if [[ ! -x "$LLMCC" ]]; then
  echo "SKIP: $LLMCC is not built"
  exit 77
fi
if ! command -v python3 >/dev/null; then
  echo "SKIP: python3 is needed to read llmcc's JSON output"
  exit 77
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/llmcc-it-XXXXXX")"
CLEANUP_HOOKS=()
cleanup() {
  local hook
  for hook in "${CLEANUP_HOOKS[@]+"${CLEANUP_HOOKS[@]}"}"; do
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
trap cleanup EXIT
# The tests never use the user's database or configuration.
export HOME="$WORK/home"
mkdir -p "$HOME"
unset LLMCC_DB LLMCC_CC LLMCC_CXX LLMCC_TRIAL_FILE
# `make CC=llmcc`, CC=llmcc and the generated Bazel tuning script find it by name.
export PATH="$LLMCC_BIN_DIR:$PATH"

FAILURES=0
fail() {
  echo "FAIL: $*" >&2
  FAILURES=$((FAILURES + 1))
}
finish() {
  if ((FAILURES > 0)); then
    echo "$FAILURES check(s) failed" >&2
    exit 1
  fi
  echo "PASS"
}

# Runs a command quietly; on failure shows its output and counts a failure.
# Returns 1 on failure (never the command's own status: 77 would read as "skipped").
run_quiet() {
  local log="$WORK/last.log"
  "$@" >"$log" 2>&1 && return 0
  local status=$?
  fail "command failed ($status): $*"
  tail -n 40 "$log" >&2
  return 1
}

# A fresh database directory for the next build, so counts are exact.
fresh_db() {
  export LLMCC_DIR="$WORK/db-$1"
  rm -rf "$LLMCC_DIR"
  mkdir -p "$LLMCC_DIR"
}

# PAIRS: "gcc g++" and/or "clang clang++", the C/C++ compiler pairs installed.
# (An array rather than a pipe: builds in the loop body must not eat its stdin.)
PAIRS=()
if command -v gcc >/dev/null && command -v g++ >/dev/null; then
  PAIRS+=("gcc g++")
fi
if command -v clang >/dev/null && command -v clang++ >/dev/null; then
  PAIRS+=("clang clang++")
fi
if ((${#PAIRS[@]} == 0)); then
  echo "SKIP: neither gcc/g++ nor clang/clang++ is installed"
  exit 77
fi

# json_get <json-text> <python expression over j>
json_get() {
  python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

# expect_captured <label> <compiles> [<links>]: the database of this build holds
# exactly these captures, each compile was handled by llmcc (no passthrough).
expect_captured() {
  local label="$1" compiles="$2" links="${3:-}"
  local stats
  stats="$("$LLMCC" stats --json)" || { fail "$label: llmcc stats failed"; return; }
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
  if ! out="$("$@" 2>&1)"; then
    fail "$label: $* failed: $out"
    return
  fi
  if [[ "$out" != "$(cat "$expected")" ]]; then
    fail "$label: output of $* differs from $expected"
    diff <(echo "$out") "$expected" >&2 || true
  fi
}

# Seconds since the test started, for the log.
SECONDS=0
note() { echo "[$(printf '%3d' "$SECONDS")s] $*"; }

# ---- CMake examples -------------------------------------------------------

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
# and sets REF to the file holding its output (a variable, not output: a
# command substitution would lose the failure count).
plain_reference() {
  local example="$1" cc="$2" cxx="$3"
  local dir="$WORK/plain-$example-$cc"
  REF="$WORK/plain-$example-$cc.txt"
  if [[ ! -f "$REF" ]]; then
    run_quiet cmake -S "$EXAMPLES/$example" -B "$dir" -G Ninja -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_CXX_COMPILER="$cxx" "${NO_BENCH[@]}" || return 1
    run_quiet cmake --build "$dir" --target "$(demo_of "$example")" || return 1
    "$dir/$(demo_of "$example")" >"$REF"
    expect_same_output "plain $example $cc" "$EXAMPLES/$example/expected_output.txt" cat "$REF"
  fi
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
  run_quiet ctest "${ctest_args[@]}" || true
  local prefix=IMGPROC
  [[ "$example" == mixed-c-cxx ]] && prefix=MIXED
  local -n tus="${prefix}_TUS"
  local links_var="${prefix}_LINKS"
  local links="${!links_var}"
  expect_captured "$label" "${#tus[@]}" "$links"
  expect_sources_captured "$label" "${tus[@]/#/$EXAMPLES/$example/}"
}
