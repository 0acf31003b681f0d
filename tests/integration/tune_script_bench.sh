#!/usr/bin/env bash
# A real project's shapes (issue 18), deterministic (instructions objective):
# a Makefile recipe that compiles its library's sources in one `cc -c a.c b.c
# c.c` command, and a benchmark written as a shell script, named without
# --binary. The sources are split and captured one by one, the profile follows
# the script's children and ranks the program's own TUs, the budget follows the
# profile, and the hot library TU is tuned, verified and applied.
source "$(dirname "$0")/lib/common.bash"
require valgrind make ar
require_pairs
bench="sh -c './prog 20 && ./prog 10'"
for pair in "${PAIRS[@]}"; do
  read -r cc _ <<<"$pair"
  fresh_db "$cc"
  export LLMCC_CC="$cc"
  w="$WORK/$cc"
  cp -r "$LLMCC_SOURCE_DIR/tests/integration/data/script-bench" "$w"
  cd "$w"
  run_quiet make CC=llmcc
  plain_out=$(sh -c './prog 20 && ./prog 10')
  # The recipe's three sources were split and captured one by one (and main.c).
  [[ $(stat_counter compile.split) -eq 1 ]] || fail "$cc: the library recipe was not split"
  assert_eq "$(stat_counter passthrough.multiple_sources)" "0" "$cc: nothing passed through"
  for tu in hot.c warm.c cold.c main.c; do
    llmcc show "$tu" >/dev/null 2>&1 || fail "$cc: $tu was not captured"
  done

  # The script runs ./prog: found without --binary; the shell's instructions do
  # not count, the hot TUs are ranked, and the budget follows their shares.
  llmcc tune --build-dir . --bench "$bench" --objective instructions --budget 12 --dry-run \
    >"$WORK/dry.out" 2>"$WORK/dry.err" || fail "$cc: dry run failed: $(tail -5 "$WORK/dry.err")"
  llmcc tune --build-dir . --bench "$bench" --objective instructions --budget 12 --dry-run --json \
    >"$WORK/dry.json" 2>&1 || fail "$cc: dry run --json failed: $(tail -5 "$WORK/dry.json")"
  ranking=$(grep -A4 "hot TUs" "$WORK/dry.err")
  assert_contains "$ranking" "hot TUs (share of prog's instructions):" "$cc: ranking header"
  first=$(sed -n 2p <<<"$ranking")
  assert_contains "$first" "hot.c" "$cc: hot.c ranks first"
  python3 - "$WORK/dry.json" "$w/prog" <<'PY' || fail "$cc: dry-run plan: $(cat "$WORK/dry.json")"
import json, re, sys
s = json.load(open(sys.argv[1]))
assert "binary: " + sys.argv[2] in s["notes"], s["notes"]
plan = {t["source"]: t["reason"] for t in s["tus"]}
assert set(plan) == {"hot.c", "warm.c"}, plan   # cold.c and main.c are under 5%
trials = {k: int(v.split()[0]) for k, v in plan.items()}
share = {k: float(re.search(r"\(([0-9.]+)% of the profile\)", v).group(1)) for k, v in plan.items()}
assert share["hot.c"] > 50 and 5 <= share["warm.c"] < share["hot.c"], share
assert trials["hot.c"] > trials["warm.c"] >= 4, trials
print("plan:", plan)
PY

  # A script that runs no program built through llmcc: a clear error.
  if llmcc tune --build-dir . --bench "sh -c 'true'" --budget 2 >"$WORK/none.out" 2>&1; then
    fail "$cc: a benchmark that runs nothing of ours was accepted"
  fi
  assert_contains "$(cat "$WORK/none.out")" "names none of the programs that were. Pass --binary" "$cc: error"
  assert_contains "$(cat "$WORK/none.out")" "prog" "$cc: error lists the recorded binary"

  # Tune the library's hot TU through the recipe, with a verify script.
  printf '#!/bin/sh\n[ "$(./prog 3)" = "%s" ]\n' "$(./prog 3)" >verify.sh
  chmod +x verify.sh
  llmcc tune --build-dir . --bench "$bench" --objective instructions --budget 4 --tu hot.c \
    --verify ./verify.sh --json >"$WORK/tune.json" 2>"$WORK/tune.err" ||
    fail "$cc: tune failed: $(tail -5 "$WORK/tune.err")"
  status=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tus"][0]["status"])' "$WORK/tune.json")
  assert_eq "$status" "tuned" "$cc: hot.c tuned: $(cat "$WORK/tune.json")"
  assert_eq "$(sh -c './prog 20 && ./prog 10')" "$plain_out" "$cc: output after tuning"
  ./verify.sh || fail "$cc: verify fails after tuning"
  # A clean rebuild through the same recipe applies the winner to hot.c alone.
  run_quiet make clean
  run_quiet make CC=llmcc
  assert_eq "$(llmcc show hot.c --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["how"])')" \
    "exact" "$cc: show hot.c"
  assert_eq "$(llmcc show warm.c --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["how"])')" \
    "none" "$cc: show warm.c"
  assert_eq "$(sh -c './prog 20 && ./prog 10')" "$plain_out" "$cc: output after the clean rebuild"
  pass "$cc: split recipe captured, script benchmark profiled, hot library TU tuned"
  cd "$WORK"
done
