#!/usr/bin/env bash
# llmcc explain and llmcc forget on a TU with a winner (kernel.c of
# examples/make-c, tuned) and one without (main.c): explain says how to undo a
# winner, forget removes it and keeps the trials, and the next build compiles
# the TU as the build says.
source "$(dirname "$0")/lib/common.bash"
require valgrind gcc make sqlite3
export LLMCC_CC=gcc
db="$LLMCC_DIR/llmcc.db"
w="$WORK/make-c" && cp -r "$EXAMPLES/make-c" "$w" && cd "$w"
run_quiet make -s CC=llmcc
run_quiet llmcc tune --build-dir . --bench "./makec_demo 3" --objective instructions --budget 8 --tu kernel.c -q
assert_eq "$(sqlite3 "$db" 'SELECT COUNT(*) FROM winners')" "1" "one winner stored"
trials=$(sqlite3 "$db" 'SELECT COUNT(*) FROM trials')
[[ $trials -ge 2 ]] || fail "only $trials trials stored"

# explain: the winner and how to undo it; nothing for a TU without one.
out=$(llmcc explain kernel.c)
assert_contains "$out" "undo:       llmcc forget kernel.c  (the next build compiles it as the build says; the trials stay)" "explain kernel.c"
assert_eq "$(llmcc explain kernel.c --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["undo"])')" \
  "llmcc forget kernel.c" "explain --json's undo"
out=$(llmcc explain main.c 2>&1) && fail "explain main.c succeeded: $out"
assert_eq "$out" "llmcc: no tuned configuration for main.c: it compiles as the build says (see llmcc winners)" "explain main.c"

# forget: nothing for main.c, and a usage error without an argument.
out=$(llmcc forget main.c 2>&1) && fail "forget main.c succeeded: $out"
assert_eq "$out" "llmcc: no tuned configuration for main.c: nothing to forget (see llmcc winners)" "forget main.c"
set +e
out=$(llmcc forget 2>&1); status=$?
set -e
assert_eq "$status" "2" "forget with no argument"
assert_eq "$out" "llmcc: forget: name a source or --all-from-session N" "forget with no argument"
out=$(llmcc forget --all-from-session 99 2>&1) && fail "forget of an unknown session succeeded"
assert_eq "$out" "llmcc: no tuned configuration for session 99: nothing to forget (see llmcc winners)" "forget session 99"
assert_eq "$(sqlite3 "$db" 'SELECT COUNT(*) FROM winners')" "1" "failed forgets removed nothing"

# --all-from-session, on a copy of the database.
sqlite3 "$db" ".backup '$WORK/copy.db'"
sqlite3 "$db" ".backup tuning '$WORK/copy.tuning.db'" # the trials, beside it (cache/local/schema.h)
session=$(sqlite3 "$db" 'SELECT session_id FROM winners')
out=$(LLMCC_DB="$WORK/copy.db" llmcc forget --all-from-session "$session" --json)
assert_eq "$(json_get "$out" 'len(j)')" "1" "forget --all-from-session --json"
assert_eq "$(json_get "$out" 'j[0]["source_rel"]')" "kernel.c" "forget --all-from-session --json"
assert_eq "$(json_get "$out" 'j[0]["trials_kept"]')" "$trials" "forget --all-from-session --json"
assert_eq "$(sqlite3 "$WORK/copy.db" 'SELECT COUNT(*) FROM winners')" "0" "forget --all-from-session"

# forget kernel.c: the winner goes, the evidence stays, the next build is plain.
config=$(sqlite3 "$db" 'SELECT c.json FROM winners w JOIN configs c ON c.id=w.config_id')
out=$(llmcc forget kernel.c)
assert_contains "$out" "forgot kernel.c: " "forget kernel.c"
assert_contains "$out" "; $trials trial(s) kept" "forget kernel.c"
assert_contains "$out" "rebuild to compile kernel.c as the build says" "forget kernel.c"
assert_eq "$(sqlite3 "$db" 'SELECT COUNT(*) FROM winners')" "0" "winner removed"
assert_eq "$(sqlite3 "$db" 'SELECT COUNT(*) FROM trials')" "$trials" "trials kept"
[[ -n "$config" ]] || fail "no winner config read"
out=$(llmcc explain kernel.c 2>&1) && fail "explain kernel.c after forget succeeded: $out"
run_quiet make -s clean
run_quiet make -s CC=llmcc
assert_eq "$(llmcc show kernel.c --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["how"])')" "none" \
  "kernel.c after forget"
pass "explain and forget, with a winner and without"
