#!/usr/bin/env bash
# TU keys are the same in two checkouts of the same code (paths under the
# checkout root are made relative), change when the code changes, and a winner
# found in one checkout is used in the other.
source "$(dirname "$0")/lib/common.bash"
command -v gcc >/dev/null || skip "gcc missing"
export LLMCC_CC=gcc
for d in alice/work/proj bob/elsewhere/proj; do
  mkdir -p "$WORK/$d/src" && git -C "$WORK/$d" init -q
  cat > "$WORK/$d/src/k.c" <<'EOF2'
#include <stdio.h>
const char* where(void) { return __FILE__; }
int k(int n) { int s = 0; for (int i = 0; i < n; ++i) s += i * i; return s; }
EOF2
  (cd "$WORK/$d" && llmcc -O2 -c "$WORK/$d/src/k.c" -o k.o)
done
key_of() { (cd "$WORK/$1" && llmcc show src/k.c --json) | python3 -c 'import json,sys; print(json.load(sys.stdin)["tu_key"])'; }
a=$(key_of alice/work/proj) b=$(key_of bob/elsewhere/proj)
[[ -n $a ]] || fail "empty key"
assert_eq "$a" "$b" "keys of two checkouts"
echo 'int extra(void) { return 1; }' >> "$WORK/bob/elsewhere/proj/src/k.c"
(cd "$WORK/bob/elsewhere/proj" && llmcc -O2 -c src/k.c -o k.o)
c=$(key_of bob/elsewhere/proj)
[[ "$c" != "$a" ]] || fail "key did not change with the code"
pass "same key across checkouts ($a), new key for new code"
