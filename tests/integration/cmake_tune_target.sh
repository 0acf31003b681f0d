# End to end: examples/cmake-library with llmcc's CMake module
# (IMGPROC_USE_LLMCC=ON), then `cmake --build --target llmcc-tune-bench_imgproc`
# with a small deterministic budget (objective size: no timing, no ISA
# assumptions). Afterwards winners must exist, `llmcc show` must report them
# (how=exact), the objects in the build dir must be exactly what the winning
# command produces, and the programs must still give the plain outputs.
source "$(dirname "$0")/lib/common.bash"
require_pairs

require cmake ninja
"$LLMCC" tune --help >/dev/null 2>&1 || skip "llmcc tune is not available in this build"

SRC="$EXAMPLES/cmake-library"
BUDGET="${LLMCC_TEST_TUNE_BUDGET:-4}"

# One compiler keeps the runtime modest; LLMCC_TEST_ALL_COMPILERS=1 runs both.
pairs=("${PAIRS[0]}")
[[ -n "${LLMCC_TEST_ALL_COMPILERS:-}" ]] && pairs=("${PAIRS[@]}")

for pair in "${pairs[@]}"; do
  read -r cc cxx <<<"$pair"
  label="llmcc-tune-bench_imgproc $cc"
  begin_case "$label: configure and build through the module" cmake-library "$cc" "$cxx" "tune-$cc"
  dir="$WORK/tune-$cc"
  run_quiet cmake -S "$SRC" -B "$dir" -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DIMGPROC_USE_LLMCC=ON -Dllmcc_DIR="$LLMCC_SOURCE_DIR/cmake-module" -DLLMCC_EXECUTABLE="$LLMCC" \
    -DIMGPROC_TUNE_OBJECTIVE=size -DIMGPROC_TUNE_BUDGET="$BUDGET"
  run_quiet cmake --build "$dir" -j2
  if [[ ! -x "$dir/bench_imgproc" ]]; then
    skip "Google Benchmark is not installed (no bench_imgproc to tune)"
  fi

  note "$label: tuning (budget $BUDGET, objective size)"
  if ! cmake --build "$dir" --target llmcc-tune-bench_imgproc >"$WORK/tune-$cc.log" 2>&1; then
    tail -n 40 "$WORK/tune-$cc.log" >&2
    fail "$label: the tuning target failed"
  fi

  winners="$("$LLMCC" winners --json)" || fail "$label: llmcc winners failed"
  count="$(json_get "$winners" 'len(j)')"
  if [[ "$count" == 0 ]]; then
    tail -n 40 "$WORK/tune-$cc.log" >&2
    fail "$label: tuning stored no winner"
  fi
  note "$label: $count winner(s)"
  mapfile -t winner_files < <(json_get "$winners" '"\n".join(w["source_rel"] for w in j)')

  for rel in "${winner_files[@]}"; do
    src=""
    for tu in "${IMGPROC_TUS[@]}" bench/bench_imgproc.cpp; do
      [[ "$rel" == *"$tu" ]] && src="$SRC/$tu"
    done
    if [[ -z "$src" ]]; then
      fail "$label: winner for $rel, which is not a TU of the example"
    fi
    shown="$(cd "$dir" && "$LLMCC" show "$src" --json)" || fail "$label: llmcc show $src failed"
    how="$(json_get "$shown" 'j["how"]')"
    [[ "$how" == exact ]] || fail "$label: llmcc show $rel: how=$how, expected exact"

    # The object in the build dir must be what the winning command produces:
    # recompile with that command into a scratch file and compare bytes.
    python3 - "$shown" "$dir" "$WORK/check.o" >"$WORK/recompile.args" <<'PY'
import json, os, sys
cmd = json.loads(sys.argv[1])["command"]
out, args, skip = None, [], False
for i, a in enumerate(cmd):
    if skip:
        skip = False
        continue
    if a in ("-MF", "-MT", "-MQ"):
        skip = True
        continue
    if a in ("-MD", "-MMD"):
        continue
    if a == "-o":
        out = cmd[i + 1]
        args += ["-o", sys.argv[3]]
        skip = True
        continue
    args.append(a)
# The object's path, then the argv, one word a line (compile arguments hold no newlines).
print(os.path.join(sys.argv[2], out))
print("\n".join(args))
PY
    mapfile -t lines <"$WORK/recompile.args"
    object="${lines[0]}"
    argv=("${lines[@]:1}")
    if ! (cd "$dir" && "${argv[@]}") >"$WORK/recompile.log" 2>&1; then
      fail "$label: recompiling $rel with the winning command failed: $(cat "$WORK/recompile.log")"
    elif ! cmp -s "$object" "$WORK/check.o"; then
      fail "$label: $object is not what the winning command for $rel produces"
    fi
  done

  # A clean rebuild gets the winners from the database: tuned compiles counted.
  before="$(json_get "$("$LLMCC" stats --json)" 'j["counters"].get("compile.tuned",0)')"
  run_quiet cmake --build "$dir" --clean-first -j2
  after="$(json_get "$("$LLMCC" stats --json)" 'j["counters"].get("compile.tuned",0)')"
  ((after - before >= count)) || fail "$label: a clean rebuild compiled $((after - before)) TUs with winners, expected >= $count"

  expect_same_output "$label" "$REF" "$dir/imgproc_demo"
  run_quiet "$dir/imgproc_test"
  run_quiet "$dir/bench_imgproc" --benchmark_min_time=0.01
done

pass "llmcc-tune target: winners stored, shown, reproduced, same output"
