#!/usr/bin/env bash
# The database never grows without bound: each new tuning session drops the
# trial history beyond the newest `trial_history` sessions (winners stay), and
# says so. Compiles never prune.
source "$(dirname "$0")/lib/common.bash"
require sqlite3 gcc make
export LLMCC_CC=gcc LLMCC_TRIAL_HISTORY=2
cd "$WORK" && mkdir proj && cd proj
printf 'int k(int n){int s=0;for(int i=0;i<n;i++)s+=i%%7;return s;}\n' >k.c
printf '#include <stdio.h>\nint k(int);\nint main(void){printf("%%d\\n",k(1000000));return 0;}\n' >main.c
printf 'prog: main.o k.o\n\t$(CC) -o $@ main.o k.o\n%%.o: %%.c\n\t$(CC) -O2 -c $< -o $@\n' >Makefile
make -s CC=llmcc
db="$LLMCC_DIR/llmcc.db"
for i in 1 2 3; do
  out=$(llmcc tune --build-dir . --bench ./prog --tu k.c --budget 1 --repeats 2 2>&1) || fail "tune $i: $out"
  if (( i < 3 )); then
    assert_not_contains "$out" "dropped the trial history" "tune $i"
  else
    ids=$(sqlite3 "$db" 'SELECT group_concat(id, " ") FROM sessions')
    assert_eq "$ids" "2 3" "the sessions kept"
    assert_contains "$out" "dropped the trial history of 1 old session(s) (" "tune 3"
    assert_contains "$out" "trials; trial_history = 2)" "tune 3"
  fi
done
assert_eq "$(sqlite3 "$db" 'SELECT COUNT(*) FROM trials WHERE session_id NOT IN (2, 3)')" "0" "no trial of a dropped session"
rm -f *.o prog
make -s CC=llmcc
assert_eq "$(sqlite3 "$db" 'SELECT COUNT(*) FROM sessions')" "2" "compiles do not prune"
pass "tune keeps the newest trial_history sessions"
