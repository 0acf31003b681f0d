#!/usr/bin/env bash
# llmcc features: exact counts from the GCC plugin and the LLVM analyser on small
# programs of known shape, gcc and clang agreeing where they must; extraction
# is cached by TU key, never runs on an ordinary build, and a gcc the plugin was
# not built for is skipped with a message (falling back to the other extractor).
source "$(dirname "$0")/lib/common.bash"
require gcc clang sqlite3 python3
[[ -f "$LLMCC_BIN_DIR/llmcc_features.so" ]] || skip "the GCC feature plugin was not built (gcc-12-plugin-dev)"
[[ -x "$LLMCC_BIN_DIR/llmcc-llvm-features" ]] || skip "the LLVM feature analyser was not built (llvm-14-dev)"
DATA="$LLMCC_SOURCE_DIR/tests/integration/data/features"
PROGRAMS="straight loop2 switchy fp indirect"

# The non-zero counts of each program, per extractor (all others are 0).
declare -A WANT=(
  [straight.gcc-plugin]="functions=1 basic_blocks=1 statements=5 blocks_small=1 int_ops=4 const_operand_ops=1"
  [straight.llvm]="functions=1 basic_blocks=1 statements=5 blocks_small=1 int_ops=4 const_operand_ops=1"
  [loop2.gcc-plugin]="functions=1 basic_blocks=7 statements=16 edges=8 blocks_1_succ=4 blocks_2_succ=2 blocks_1_pred=4 blocks_2_pred=2 blocks_small=7 phis=4 phi_args=8 cond_branches=2 loads=1 int_ops=6 const_operand_ops=3 loops=2 max_loop_depth=2"
  [loop2.llvm]="functions=1 basic_blocks=11 statements=11 edges=12 blocks_1_succ=8 blocks_2_succ=2 blocks_1_pred=8 blocks_2_pred=2 blocks_small=11 phis=4 phi_args=8 cond_branches=2 loads=1 int_ops=5 const_operand_ops=2 loops=2 max_loop_depth=2"
  [switchy.gcc-plugin]="functions=1 basic_blocks=8 statements=8 edges=12 blocks_1_succ=6 blocks_3p_succ=1 blocks_1_pred=6 blocks_3p_pred=1 blocks_small=8 phis=1 phi_args=6 switches=1 int_ops=5 const_operand_ops=5"
  [switchy.llvm]="functions=1 basic_blocks=8 statements=7 edges=12 blocks_1_succ=6 blocks_3p_succ=1 blocks_1_pred=6 blocks_3p_pred=1 blocks_small=8 phis=1 phi_args=6 switches=1 int_ops=5 const_operand_ops=5"
  [fp.gcc-plugin]="functions=1 basic_blocks=1 statements=7 blocks_small=1 fp_ops=6 const_operand_ops=2"
  [fp.llvm]="functions=1 basic_blocks=1 statements=7 blocks_small=1 fp_ops=6 const_operand_ops=2"
  [indirect.gcc-plugin]="functions=3 basic_blocks=3 statements=9 blocks_small=3 direct_calls=1 indirect_calls=2 int_ops=3 const_operand_ops=2"
  [indirect.llvm]="functions=3 basic_blocks=3 statements=9 blocks_small=3 direct_calls=1 indirect_calls=2 int_ops=3 const_operand_ops=2"
)
nonzero() { # <features json>: its non-zero counts, by name
  python3 -c 'import json,sys; c=json.loads(sys.argv[1])["counts"]; print(" ".join(sorted(f"{k}={v}" for k,v in c.items() if v)))' "$1"
}
want() { tr ' ' '\n' <<<"${WANT[$1]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'; }
agreed() { # the fields both compilers must agree on
  python3 -c 'import json,sys; c=json.loads(sys.argv[1])["counts"]; print([c[k] for k in ("functions","loops","max_loop_depth","direct_calls","indirect_calls")])' "$1"
}

for cc in gcc clang; do
  want_ex=$([[ $cc == gcc ]] && echo gcc-plugin || echo llvm)
  fresh_db "$cc"
  log=$(make_logging_compiler "$cc" "$cc")
  mkdir -p "$WORK/$cc" && cd "$WORK/$cc" && cp "$DATA"/*.c .
  for p in $PROGRAMS; do
    LLMCC_CC="$log" llmcc -O2 -g -c "$p.c" -o "$p.o" || fail "$cc: building $p.c through llmcc"
  done
  # An ordinary build never extracts features: no plugin, no bitcode, no row.
  assert_not_contains "$(cat "$WORK/$cc.log")" "-fplugin" "$cc: ordinary build loads no plugin"
  assert_not_contains "$(cat "$WORK/$cc.log")" "-emit-llvm" "$cc: ordinary build emits no bitcode"
  assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" 'SELECT COUNT(*) FROM tus WHERE features_json IS NOT NULL')" "0" "$cc: no features after a build"
  for p in $PROGRAMS; do
    j=$(llmcc features "$p.c" --json) || fail "$cc: llmcc features $p.c"
    assert_eq "$(json_get "$j" 'j["extractor"]')" "$want_ex" "$cc $p: extractor"
    assert_eq "$(json_get "$j" 'j["schema"]')" "1" "$cc $p: schema version"
    assert_eq "$(json_get "$j" 'j["cached"]')" "False" "$cc $p: first extraction"
    assert_eq "$(nonzero "$j")" "$(want "$p.$want_ex")" "$cc $p: counts"
    eval "AGREE_${cc}_$p='$(agreed "$j")'"
  done
  assert_contains "$(cat "$WORK/$cc.log")" "$([[ $cc == gcc ]] && echo -fplugin= || echo -emit-llvm)" \
    "$cc: llmcc features ran the extractor"
  # Cached by TU key: the second time runs no compiler.
  lines=$(wc -l < "$WORK/$cc.log")
  j=$(llmcc features loop2.c --json)
  assert_eq "$(json_get "$j" 'j["cached"]')" "True" "$cc: second extraction is cached"
  assert_eq "$(nonzero "$j")" "$(want "loop2.$want_ex")" "$cc: cached counts"
  assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" 'SELECT COUNT(*) FROM tus WHERE feature_schema=1 AND features_json IS NOT NULL')" "5" \
    "$cc: one row per TU"
  # `llmcc features` computes the key (one preprocessing run), nothing else.
  assert_eq "$(grep -c -- '-fplugin\|-emit-llvm' <(tail -n +$((lines + 1)) "$WORK/$cc.log"))" "0" "$cc: cached: no extraction"
  table=$(llmcc features loop2.c)
  assert_contains "$table" "extractor: $want_ex (schema 1, cached)" "$cc: table header"
  assert_contains "$table" "max_loop_depth     2      0.1099" "$cc: table row with the normalised value"
done
for p in $PROGRAMS; do
  a="AGREE_gcc_$p" b="AGREE_clang_$p"
  assert_eq "${!a}" "${!b}" "$p: gcc and clang agree on functions, loops, depth and calls"
done
pass "exact counts from both extractors; gcc and clang agree; cached; never on a build"

# The IR instruction count after a pipeline (clang), for scoring pipelines without linking.
cd "$WORK/clang" && export LLMCC_DIR="$WORK/db-clang"
assert_eq "$(llmcc features loop2.c --pipeline 'default<O2>')" "27" "IR instructions after default<O2>"
assert_eq "$(llmcc features loop2.c --pipeline 'sroa')" "$(llmcc features loop2.c --pipeline 'sroa')" "deterministic"
out=$(llmcc features loop2.c --pipeline 'no-such-pass' 2>&1) && fail "a bad pipeline succeeded"
assert_contains "$out" "bad pipeline" "a bad pipeline is an error"
pass "IR instruction count after a pipeline"

# A gcc the plugin was not built for: skipped with one message, the other
# extractor used, and no failed compile.
mkdir -p "$WORK/tools" && cp "$LLMCC_BIN_DIR"/llmcc_features.so "$LLMCC_BIN_DIR"/llmcc-llvm-features "$WORK/tools/"
echo "11.9.0 x86_64-linux-gnu" > "$WORK/tools/llmcc_features.gcc"
fresh_db mismatch
cd "$WORK/gcc" && llmcc gcc -O2 -c loop2.c -o loop2.o
out=$(LLMCC_FEATURES_DIR="$WORK/tools" llmcc features loop2.c --json 2>"$WORK/err") || fail "mismatched gcc: failed"
assert_contains "$(cat "$WORK/err")" "the GCC feature plugin was built for gcc 11.9.0 x86_64-linux-gnu, not for" \
  "mismatched gcc: message"
assert_contains "$(cat "$WORK/err")" "come from llvm instead" "mismatched gcc: falls back"
assert_eq "$(json_get "$out" 'j["extractor"]')" "llvm" "mismatched gcc: LLVM counts"
assert_eq "$(nonzero "$out")" "$(want loop2.llvm)" "mismatched gcc: the LLVM counts"
# Neither extractor: one clear error, no crash.
mkdir -p "$WORK/none" && fresh_db none && llmcc gcc -O2 -c loop2.c -o loop2.o
out=$(LLMCC_FEATURES_DIR="$WORK/none" llmcc features loop2.c 2>&1) &&
  fail "no extractor: succeeded"
assert_contains "$out" "the GCC feature plugin is not installed" "no extractor: why"
assert_contains "$out" "the LLVM feature analyser is not installed" "no extractor: nor the other"
assert_contains "$out" "no feature extractor could describe loop2.c" "no extractor: error"
pass "a mismatched or missing extractor degrades with a message"

pass "done"
