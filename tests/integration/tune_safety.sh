#!/usr/bin/env bash
# Wrong programs are never kept: a compiler that miscompiles under one flag and
# makes the program crash under another (a fake compiler standing in for real
# miscompiles) leads to "mismatch" and "crash" verdicts, the session goes on, and
# the winner contains neither flag. A killed session resumes where it stopped.
source "$(dirname "$0")/lib/common.bash"
command -v gcc >/dev/null || skip "gcc missing"
command -v sqlite3 >/dev/null || skip "sqlite3 missing"
cd "$WORK" && mkdir -p proj && cd proj
cat > kern.c <<'EOF2'
#include <stdlib.h>
long kern(long n) {
  long s = 0;
  for (long i = 0; i < n; ++i) s += (i * i) % 7;
#ifdef FAKE_MISCOMPILE
  s += 1;
#endif
#ifdef FAKE_CRASH
  abort();
#endif
  return s;
}
EOF2
printf '#include <stdio.h>\nlong kern(long);\nint main(void){printf("%%ld\\n",kern(2000000));return 0;}\n' > main.c
cat > Makefile <<'EOF2'
prog: main.o kern.o
	$(CC) -o $@ main.o kern.o
%.o: %.c
	$(CC) -O1 -c $< -o $@
EOF2
# The "compiler": gcc, but -O3 silently changes the result and -O2 makes it crash.
mkdir -p "$WORK/fakebin"
cat > "$WORK/fakebin/badcc" <<SH
#!/bin/sh
extra=""
case " \$* " in *" -O3 "*) extra="-DFAKE_MISCOMPILE";; esac
case " \$* " in *" -O2 "*) extra="-DFAKE_CRASH";; esac
exec $(command -v gcc) \$extra "\$@"
SH
chmod +x "$WORK/fakebin/badcc"
export LLMCC_CC="$WORK/fakebin/badcc"
make -s CC=llmcc
want=$(./prog)
llmcc tune --build-dir . --bench ./prog --tu kern.c --objective instructions --budget 10 --json \
  >"$WORK/summary.json" 2>"$WORK/progress.txt" || fail "tune failed: $(tail -5 "$WORK/progress.txt")"
db="$LLMCC_DIR/llmcc.db"
verdicts=$(sqlite3 "$db" "SELECT verdict, COUNT(*) FROM trials GROUP BY verdict ORDER BY verdict")
echo "$verdicts"
assert_contains "$verdicts" "mismatch" "a miscompiling candidate was caught"
assert_contains "$verdicts" "crash" "a crashing candidate was caught"
n=$(sqlite3 "$db" "SELECT COUNT(*) FROM trials WHERE planner != 'confirm'")
[[ $n -ge 8 ]] || fail "the session stopped after $n trials"
assert_eq "$(sqlite3 "$db" "SELECT state FROM sessions")" "done" "session finished despite failures"
winner=$(llmcc winners --json | python3 -c 'import json,sys; w=json.load(sys.stdin); print(w[0]["config"]["opt"] if w else "none")')
[[ "$winner" != "-O3" && "$winner" != "-O2" ]] || fail "a wrong program won: $winner"
assert_eq "$(./prog)" "$want" "the program left in the build is right"

# Resume: kill a session (SIGKILL, as a crash would) after 3 trials; --resume
# finishes it without repeating them.
rm -rf "$LLMCC_DIR"
make -s clean 2>/dev/null || rm -f *.o prog
export LLMCC_CC=gcc
make -s CC=llmcc
db="$LLMCC_DIR/llmcc.db"
# In its own process group, so that the kill takes the trial build and the
# benchmark with it and the resume below does not race their leftovers.
setsid llmcc tune --build-dir . --bench ./prog --tu kern.c --objective instructions --budget 8 -q >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  n=$(sqlite3 "$db" "SELECT COUNT(*) FROM trials" 2>/dev/null || echo 0)
  [[ $n -ge 3 ]] && break
  sleep 0.1
done
kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
before=$(sqlite3 "$db" "SELECT COUNT(*) FROM trials WHERE planner != 'confirm'")
[[ $before -ge 3 && $before -lt 8 ]] || skip "could not interrupt mid-session (got $before trials)"
llmcc tune --resume --build-dir . --json >"$WORK/resumed.json" 2>"$WORK/progress.txt" || fail "resume failed: $(tail -5 "$WORK/progress.txt")"
after=$(sqlite3 "$db" "SELECT COUNT(*) FROM trials WHERE planner != 'confirm'")
# The budget counts measured trials: a candidate that compiled to code already
# measured (verdict identical, or a copied verdict) is free (tuner/budget.h).
measured=$(sqlite3 "$db" "SELECT COUNT(*) FROM trials WHERE planner != 'confirm' AND verdict != 'identical'
                            AND COALESCE(detail, '') != 'same object code as an earlier candidate'")
assert_eq "$measured" "8" "resumed session completes its budget exactly"
repeats=$(sqlite3 "$db" "SELECT COUNT(*) FROM trials WHERE planner != 'confirm'
                           AND (verdict = 'identical' OR detail = 'same object code as an earlier candidate')")
[[ $repeats -le 8 ]] || fail "more free repeats ($repeats) than the budget allows"
assert_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tus"][0]["trials"])' "$WORK/resumed.json")" "8" \
  "the summary counts the measured trials of both runs"
dups=$(sqlite3 "$db" "SELECT COUNT(*) - COUNT(DISTINCT config_id) FROM trials WHERE planner != 'confirm'")
assert_eq "$dups" "0" "no config tried twice across the kill"
assert_eq "$(sqlite3 "$db" "SELECT state FROM sessions")" "done" "session state"
assert_eq "$(./prog)" "$want" "output after resume"
pass "miscompiles and crashes rejected; killed session resumed ($before + $((after - before)) trials)"
