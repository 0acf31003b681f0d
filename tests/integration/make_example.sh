# examples/make-c with plain make: `make CC=llmcc` (real compiler from
# LLMCC_CC) for gcc and clang, out of tree. The checksum must equal a plain
# build's and `make check` must pass; llmcc must capture the 4 TUs and the link.
source "$(dirname "$0")/lib/common.bash"
require_pairs

require make

MAKEFILE="$EXAMPLES/make-c/Makefile"
SOURCES=(main.c data.c kernel.c checksum.c)

for pair in "${PAIRS[@]}"; do
  read -r cc _ <<<"$pair"
  note "$cc: plain make"
  plain="$WORK/plain-$cc"
  mkdir -p "$plain"
  run_quiet make -C "$plain" -f "$MAKEFILE" CC="$cc" -j2
  ref="$WORK/plain-$cc.txt"
  "$plain/makec_demo" >"$ref"
  expect_same_output "make plain $cc" "$EXAMPLES/make-c/expected_output.txt" cat "$ref"

  note "$cc: make CC=llmcc"
  fresh_db "make-$cc"
  build="$WORK/llmcc-$cc"
  mkdir -p "$build"
  LLMCC_CC="$cc" run_quiet make -C "$build" -f "$MAKEFILE" CC=llmcc -j2
  expect_same_output "make llmcc $cc" "$ref" "$build/makec_demo"
  expect_captured "make llmcc $cc" "${#SOURCES[@]}" 1
  expect_sources_captured "make llmcc $cc" "${SOURCES[@]/#/$EXAMPLES/make-c/}"
  # The wrapper ran the compiler it was asked for (GCC and Clang disagree on __clang__).
  shown="$(cd "$build" && "$LLMCC" show "$EXAMPLES/make-c/kernel.c" --json)"
  compiler="$(json_get "$shown" 'j["compiler"]["path"]')"
  [[ "$(basename "$compiler")" == "$cc"* || "$compiler" == *"$cc"* ]] ||
    fail "make llmcc $cc: kernel.c was compiled by $compiler"
  LLMCC_CC="$cc" run_quiet make -C "$build" -f "$MAKEFILE" CC=llmcc check

  # Nothing to do on a second make: llmcc must not disturb make's up-to-date checks.
  LLMCC_CC="$cc" run_quiet make -C "$build" -f "$MAKEFILE" CC=llmcc
  expect_captured "make llmcc $cc (no-op rebuild)" "${#SOURCES[@]}" 1
done

pass "make CC=llmcc: same output, every TU and the link captured, no-op rebuild"
