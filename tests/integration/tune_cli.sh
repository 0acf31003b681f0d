#!/usr/bin/env bash
# llmcc tune's user interface: --help, --dry-run shows the plan without running
# anything, and mistakes get a clear message instead of a crash.
source "$(dirname "$0")/lib/common.bash"
command -v gcc >/dev/null || skip "gcc missing"
export LLMCC_CC=gcc
help=$(llmcc tune --help)
for opt in --build-dir --bench --verify --objective --budget --time --tu --planner --resume --dry-run --json; do
  assert_contains "$help" "$opt" "tune --help"
done
cd "$WORK" && mkdir proj && cd proj
printf 'int k(int n){int s=0;for(int i=0;i<n;i++)s+=i%%7;return s;}\n' > k.c
printf '#include <stdio.h>\nint k(int);\nint main(void){printf("%%d\\n",k(1000000));return 0;}\n' > main.c
printf 'prog: main.o k.o\n\t$(CC) -o $@ main.o k.o\n%%.o: %%.c\n\t$(CC) -O2 -c $< -o $@\n' > Makefile
make -s CC=llmcc
before=$(md5sum k.o)
plan=$(llmcc tune --build-dir . --bench ./prog --tu k.c --dry-run)
assert_contains "$plan" "binary: $WORK/proj/prog" "dry-run names the binary"
assert_contains "$plan" "rebuild: make -C" "dry-run names the rebuild command"
assert_contains "$plan" "tune k.c" "dry-run names the TU"
assert_eq "$(md5sum k.o)" "$before" "dry-run rebuilt nothing"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" 'SELECT COUNT(*) FROM trials')" "0" "dry-run ran no trial"

expect_error() { # $1 = expected text; rest = args
  local want="$1"; shift
  local out
  out=$(llmcc tune "$@" 2>&1) && fail "llmcc tune $* succeeded"
  assert_contains "$out" "$want" "llmcc tune $*"
}
expect_error "--bench is required" --build-dir .
expect_error "not found" --build-dir . --bench ./no-such-binary
expect_error "does not exist" --build-dir /no/such/dir --bench ./prog
expect_error "unbalanced quote" --build-dir . --bench "./prog 'oops"
expect_error "--time" --build-dir . --bench ./prog --time soon
expect_error "--bench-regex" --build-dir . --bench ./prog --bench-regex "(["
expect_error "not a TU of" --build-dir . --bench ./prog --tu nosuch.c
expect_error "no tuning session" --resume --build-dir .
printf '#!/bin/sh\necho hi\n' > script.sh && chmod +x script.sh
expect_error "which was not built through llmcc, and names none of the programs that were" --build-dir . --bench ./script.sh
pass "tune --help, --dry-run and error messages"
