#!/usr/bin/env bash
# llmcc tune on examples/make-c with gcc and with clang, deterministic
# (instructions objective): it stores a winner, leaves the build rebuilt with it,
# a clean rebuild through the wrapper reproduces the tuned program, the output is
# unchanged, and the gain is the one reported.
source "$(dirname "$0")/lib/common.bash"
command -v valgrind >/dev/null || skip "valgrind missing"
instructions() { # binary args... -> total Ir
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$@" >/dev/null 2>&1
  awk '/^(summary|totals):/ {print $2; exit}' "$WORK/cg.out"
}
ran=0
for pair in "${PAIRS[@]}"; do
  read -r cc cxx <<<"$pair"
  export LLMCC_DIR="$WORK/cache-$cc" LLMCC_CC="$cc"
  w="$WORK/$cc" && cp -r "$LLMCC_SOURCE_DIR/examples/make-c" "$w" && cd "$w"
  make -s CC=llmcc
  plain_out=$(./makec_demo 3)
  plain_ir=$(instructions ./makec_demo 3)
  llmcc tune --build-dir . --bench "./makec_demo 3" --objective instructions --budget 8 --json >"$WORK/summary.json" \
    2>"$WORK/progress.txt" || fail "$cc: tune failed: $(tail -5 "$WORK/progress.txt")"
  read -r status speedup < <(python3 -c '
import json,sys; s=json.load(open(sys.argv[1])); t=[x for x in s["tus"] if x["source"].endswith("kernel.c")][0]
print(t["status"], s["program"]["speedup"])' "$WORK/summary.json")
  assert_eq "$status" "tuned" "$cc: kernel.c tuned"
  [[ $(llmcc winners --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -ge 1 ]] || fail "$cc: no winner stored"
  tuned_ir=$(instructions ./makec_demo 3)
  assert_eq "$(./makec_demo 3)" "$plain_out" "$cc: output after tuning"
  # A clean rebuild through the wrapper picks the winner and gives the same program.
  cp makec_demo tuned.bin
  make -s clean && make -s CC=llmcc
  cmp -s makec_demo tuned.bin || fail "$cc: clean rebuild differs from the tuned build"
  assert_eq "$(llmcc show kernel.c --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["how"])')" "exact" "$cc: show"
  assert_eq "$(./makec_demo 3)" "$plain_out" "$cc: output after the clean rebuild"
  # The whole-program gain of the clean rebuild is the one the session reported.
  python3 - "$plain_ir" "$tuned_ir" "$speedup" <<'PY' || fail "$cc: measured gain does not match the reported one"
import sys
plain, tuned, reported = map(float, sys.argv[1:])
actual = plain / tuned
print(f"instructions {plain:.0f} -> {tuned:.0f}: {actual:.3f}x (reported {reported:.3f}x)")
assert actual > 1.0 and abs(actual / reported - 1) < 0.005
PY
  ran=$((ran + 1))
  pass "$cc: tuned kernel.c, reproducible clean rebuild, same output"
  cd "$WORK"
done
[[ $ran -gt 0 ]] || skip "no compiler"
