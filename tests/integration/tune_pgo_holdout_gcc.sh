#!/usr/bin/env bash
# The PGO overfitting guard with gcc (issue 15), in tune_pgo_holdout's shape:
# the training input calls one target of an indirect call, the holdout input
# another. gcc's profile promotes the first (instruction counts:
# deterministic), wins on the training input and loses on the holdout, so the
# PGO winner is refused with the exact reason. -O3's profile twin (the best
# plain config's) hits gcc's coverage-mismatch trap, is trained again with -O3
# and measured: the best winner uses a profile, the holdout refuses it against
# the best winner without one, and that one is kept.
source "$(dirname "$0")/lib/common.bash"
require valgrind sqlite3 make gcc
export LLMCC_CC=gcc

new_project() {
  rm -rf "$WORK/$1" && mkdir -p "$WORK/$1" && cp "$LLMCC_SOURCE_DIR/tests/integration/data/pgo-holdout-gcc"/* "$WORK/$1/"
  cd "$WORK/$1"
  fresh_db "$1"
  run_quiet make -s CC=llmcc
}
tune() {
  llmcc tune --build-dir . --bench "./prog 200000 1" --tu kern.c --objective instructions --pgo "$@" \
    --json >"$WORK/summary.json" 2>"$WORK/progress.txt" || fail "tune failed: $(tail -5 "$WORK/progress.txt")"
}
field() { python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tus"][0]; print(t[sys.argv[2]])' "$WORK/summary.json" "$1"; }
notes() { python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["notes"]))' "$WORK/summary.json"; }
winner() {
  llmcc winners --json | python3 -c 'import json,sys; w=json.load(sys.stdin); print((w[0]["config"]["opt"] + " " + w[0]["config"].get("pgo", "")).strip() if w else "none")'
}
db() { sqlite3 "$LLMCC_DIR/llmcc.db" "$1"; }

note "without a holdout input the PGO winner stands"
new_project kept
tune --budget 1
assert_eq "$(field status)" "tuned" "the profile wins on the training input"
used=$(llmcc winners --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["config"].get("pgo", "none"))')
assert_eq "$(db "SELECT COUNT(*) FROM profiles WHERE hash = '$used'")" "1" "the winner uses a trained profile"

note "the holdout input refuses it"
new_project refused
want=$(./prog 200000 6)
# A real gain must be above 1.3x here (min-gain/10 on instructions), so -O3's
# 1.25x is no rival and the guard measures against the plain build.
tune --budget 1 --min-gain 3 --bench-holdout "./prog 200000 6"
hash=$(db "SELECT hash FROM profiles")
[[ -n $hash ]] || fail "no profile was trained"
assert_eq "$(db "SELECT verdict FROM trials WHERE planner = 'confirm'")" "ok" \
  "the profile was a confirmed win on the training input"
ratio=$(notes | sed -n 's/^kern.c: holdout \([0-9.]*\)x for \(-O3 \)\{0,1\}pgo=use against the plain build: PGO dropped$/\1/p')
[[ -n $ratio ]] || fail "no holdout note: $(notes)"
python3 -c "import sys; sys.exit(0 if float('$ratio') < 1 else 1)" || fail "holdout ratio $ratio is not a loss"
assert_eq "$(field status)" "no_gain" "no winner"
assert_eq "$(field reason)" "the PGO winner was slower on the holdout input (${ratio}x against the plain build)" \
  "the exact reason"
assert_eq "$(winner)" "none" "no winner is stored"
assert_eq "$(./prog 200000 6)" "$want" "the program is left as the user builds it"

note "-O3's twin is trained again after the coverage mismatch, and refused on the holdout too"
new_project retrain
tune --budget 6 --bench-holdout "./prog 200000 6"
trials=$(db "SELECT t.operator || ' ' || t.verdict FROM trials t JOIN configs c ON c.id = t.config_id
             WHERE c.json LIKE '%\"-O3\"%' AND c.json LIKE '%\"options\":[]%' AND c.json LIKE '%pgo%'
             AND t.planner != 'confirm' ORDER BY t.id")
assert_eq "$trials" "pgo profile_mismatch
pgo-retrain ok" "the -O3 twin is marked, then measured with a profile trained at -O3"
[[ $(db "SELECT COUNT(*) FROM profiles") -ge 2 ]] || fail "no profile trained at -O3"
assert_eq "$(db "SELECT COUNT(*) FROM trials WHERE verdict = 'compile_error'")" "0" "not a compile error"
# Confirmation re-measures the best screening only, a PGO one here: the best
# without a profile is confirmed too, so the guard has a rival to fall back to.
dropped=$(notes | sed -n 's/^kern.c: holdout \([0-9.]*\)x for -O3 pgo=use against \(-O3[^:]*\): PGO dropped$/\1/p')
[[ -n $dropped ]] || fail "no holdout note against an -O3 winner: $(notes)"
python3 -c "import sys; sys.exit(0 if float('$dropped') < 1 else 1)" || fail "holdout ratio $dropped is not a loss"
assert_eq "$(field status)" "tuned" "the winner without a profile is kept"
assert_eq "$(winner)" "-O3" "the winner is -O3, without a profile"
assert_eq "$(db "SELECT state FROM sessions")" "done" "the session finished"
pass "the PGO overfitting guard with gcc"
