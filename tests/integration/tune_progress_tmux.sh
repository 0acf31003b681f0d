#!/usr/bin/env bash
# llmcc tune's progress on a real 80-column terminal (tmux): one line per trial
# with its verdict, best so far, ETA and the candidate as a difference from a
# named base, and no line longer than the terminal is wide (nothing wraps).
source "$(dirname "$0")/lib/common.bash"
require tmux valgrind gcc make
export LLMCC_CC=gcc
w="$WORK/make-c" && cp -r "$EXAMPLES/make-c" "$w" && cd "$w"
run_quiet make -s CC=llmcc
sock="llmcc-test-$$"
on_exit "tmux -L $sock kill-server 2>/dev/null"
# stderr is the pane's terminal (its width comes from TIOCGWINSZ); the summary
# table goes to a file. COLUMNS would say 200: the terminal's width wins.
tmux -L "$sock" -f /dev/null new-session -d -s tune -x 80 -y 60 \
  "cd '$w' && PATH='$PATH' COLUMNS=200 llmcc tune --build-dir . --bench './makec_demo 3' --objective instructions \
   --budget 8 --tu kernel.c >summary.txt; echo \$? >status.txt; sleep 3600"
for _ in $(seq 600); do
  [[ -s status.txt ]] && break
  sleep 1
done
[[ -s status.txt ]] || fail "llmcc tune did not finish in 10 minutes"
assert_eq "$(cat status.txt)" "0" "llmcc tune's exit status"
# -J joins lines the terminal wrapped: any line longer than 80 here was wrapped.
tmux -L "$sock" capture-pane -p -J -S - -t tune >pane.txt
python3 - pane.txt <<'PY' || fail "progress lines do not fit 80 columns: $(cat pane.txt)"
import re, sys
lines = [l.rstrip() for l in open(sys.argv[1]) if l.strip()]
long = [l for l in lines if len(l) > 80]
assert not long, f"{len(long)} line(s) wider than 80 columns: {long}"
trials = [l for l in lines if re.match(r"^\[kernel\.c\] +\d+/8 \S+ +(-|\d+\.\d{3}x) best \d+\.\d{3}x ETA \d+(s|m\d\ds) \S", l)]
assert len(trials) >= 1, f"no trial lines in: {lines}"
# A seed shows as its named base: the first trials are -O3, -O3 -march=native, ...
assert any(re.search(r" -O3$", l) for l in trials), trials
assert any(re.search(r" -O3 -march=native$", l) for l in trials), trials
print(f"{len(lines)} lines, {len(trials)} trial lines, none wider than 80")
PY
assert_contains "$(cat summary.txt)" "kernel.c" "the summary table"
pass "tune's progress fits an 80-column tmux pane"

# Not a terminal: the width is $COLUMNS; -v prints every config whole.
llmcc tune --build-dir . --bench './makec_demo 3' --objective instructions --budget 3 --tu kernel.c -v \
  >summary-v.txt 2>progress-v.txt || fail "tune -v failed: $(tail -5 progress-v.txt)"
grep -q '^\[kernel\.c\] 1/3 ' progress-v.txt || fail "no trial line with -v: $(cat progress-v.txt)"
COLUMNS=60 llmcc tune --build-dir . --bench './makec_demo 3' --objective instructions --budget 3 --tu kernel.c \
  >/dev/null 2>progress-60.txt || fail "tune failed: $(tail -5 progress-60.txt)"
python3 - progress-60.txt <<'PY' || fail "COLUMNS=60 not followed: $(cat progress-60.txt)"
import sys
lines = [l.rstrip("\n") for l in open(sys.argv[1])]
assert lines and all(len(l) <= 60 for l in lines), [l for l in lines if len(l) > 60]
PY
pass "without a terminal the width is COLUMNS; -v keeps configs whole"
