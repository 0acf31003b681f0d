#!/usr/bin/env bash
# The PGO overfitting guard (issue 15): the profile is trained on the benchmark
# itself, so with --bench-holdout a second, different input decides whether a
# PGO winner stands. Here the training input runs one hot case and the holdout
# input another: clang's profile wins on the first and loses on the second
# (instruction counts: deterministic), so the winner is refused, with the
# exact reason, and no winner is stored. Without --bench-holdout the same
# session keeps the PGO winner, unless --verify runs the other input: the
# verify run is then the holdout (issue 15, point 3), whose note a resumed
# session does not repeat.
source "$(dirname "$0")/lib/common.bash"
require valgrind sqlite3 make clang llvm-profdata-14
export LLMCC_CC=clang

new_project() {
  rm -rf "$WORK/$1" && mkdir -p "$WORK/$1" && cp "$LLMCC_SOURCE_DIR/tests/integration/data/pgo-holdout"/* "$WORK/$1/"
  cd "$WORK/$1"
  fresh_db "$1"
  run_quiet make -s CC=llmcc
}
tune() {
  llmcc tune --build-dir . --bench "./prog 200000 1" --tu kern.c --objective instructions --budget 1 --pgo "$@" \
    --json >"$WORK/summary.json" 2>"$WORK/progress.txt" || fail "tune failed: $(tail -5 "$WORK/progress.txt")"
}
field() { python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tus"][0]; print(t[sys.argv[2]])' "$WORK/summary.json" "$1"; }
notes() { python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["notes"]))' "$WORK/summary.json"; }
pgo_winner() {
  llmcc winners --json | python3 -c 'import json,sys; w=json.load(sys.stdin); print(w[0]["config"].get("pgo", "") if w else "none")'
}

note "without a holdout input the PGO winner stands"
new_project kept
tune
hash=$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT hash FROM profiles")
assert_eq "$(field status)" "tuned" "the profile wins on the training input"
assert_eq "$(pgo_winner)" "$hash" "the winner uses the profile"

note "the holdout input refuses it"
new_project refused
want=$(./prog 200000 6)
tune --bench-holdout "./prog 200000 6"
hash=$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT hash FROM profiles")
[[ -n $hash ]] || fail "no profile was trained"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT verdict FROM trials WHERE planner = 'confirm'")" "ok" \
  "the profile was a confirmed win on the training input"
ratio=$(notes | sed -n 's/^kern.c: holdout \([0-9.]*\)x for pgo=use against the plain build: PGO dropped$/\1/p')
[[ -n $ratio ]] || fail "no holdout note: $(notes)"
python3 -c "import sys; sys.exit(0 if float('$ratio') < 1 else 1)" || fail "holdout ratio $ratio is not a loss"
assert_eq "$(field status)" "no_gain" "no winner"
assert_eq "$(field reason)" "the PGO winner was slower on the holdout input (${ratio}x against the plain build)" \
  "the exact reason"
assert_eq "$(pgo_winner)" "none" "no winner is stored"
assert_eq "$(./prog 200000 6)" "$want" "the program is left as the user builds it"

note "without --bench-holdout, the --verify run is the holdout input"
new_project verify
tune --verify "./prog 200000 6"
assert_contains "$(notes)" "PGO holdout input: the --verify command (no --bench-holdout)" "the note names the input"
# The same command under callgrind: the same count as --bench-holdout's, to the digit.
assert_contains "$(notes)" "kern.c: holdout ${ratio}x for pgo=use against the plain build: PGO dropped" \
  "the verify run refuses the PGO winner"
assert_eq "$(field status)" "no_gain" "no winner (verify holdout)"
assert_eq "$(field reason)" "the PGO winner was slower on the holdout input (${ratio}x against the plain build)" \
  "the exact reason (verify holdout)"
assert_eq "$(pgo_winner)" "none" "no winner is stored (verify holdout)"

note "a --verify run on the training input keeps the PGO winner"
new_project verify-kept
tune --verify "./prog 200000 1"
hash=$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT hash FROM profiles")
kept=$(notes | sed -n 's/^kern.c: holdout \([0-9.]*\)x for pgo=use against the plain build: PGO kept$/\1/p')
[[ -n $kept ]] || fail "no holdout note: $(notes)"
python3 -c "import sys; sys.exit(0 if float('$kept') >= 1 else 1)" || fail "holdout ratio $kept is a loss"
assert_eq "$(field status)" "tuned" "the profile stands"
assert_eq "$(pgo_winner)" "$hash" "the winner uses the profile (verify holdout)"

note "--bench-holdout wins over --verify"
new_project both
tune --verify "./prog 200000 6" --bench-holdout "./prog 200000 1"
assert_contains "$(notes)" "PGO kept" "the --bench-holdout input decides"
[[ "$(notes)" != *"PGO holdout input: the --verify command"* ]] || fail "the verify note with --bench-holdout"
assert_eq "$(field status)" "tuned" "the profile stands (both)"

note "a resumed session does not say the holdout note again"
new_project resumed
# The benchmark interrupts the session (Ctrl-C) on its third run, the first
# candidate's: the interrupted run prints its summary, the note in it.
cat >bench.sh <<'SH'
#!/bin/sh
n=$(($(cat runs 2>/dev/null || echo 0) + 1))
echo "$n" >runs
[ "$n" -eq 3 ] && kill -INT "$PPID"
exec ./prog 200000 1
SH
chmod +x bench.sh
rc=0
llmcc tune --build-dir . --bench ./bench.sh --binary prog --tu kern.c --objective instructions --budget 2 --pgo \
  --verify "./prog 200000 6" --json >"$WORK/summary.json" 2>"$WORK/progress.txt" || rc=$?
assert_eq "$rc" "130" "the first run was interrupted"
assert_eq "$(notes | grep -c 'PGO holdout input')" "1" "the interrupted run says the note"
llmcc tune --resume --build-dir . --json >"$WORK/summary.json" 2>"$WORK/progress.txt" \
  || fail "resume failed: $(tail -5 "$WORK/progress.txt")"
assert_eq "$(notes | grep -c 'PGO holdout input')" "0" "the resumed run does not say it again"
stored=$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT summary_json FROM sessions" |
  python3 -c 'import json,sys; print(sum(n.startswith("PGO holdout input") for n in json.load(sys.stdin)["notes"]))')
assert_eq "$stored" "1" "the stored summary keeps it once"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT state FROM sessions")" "done" "the session finished"

pass "the PGO overfitting guard"
