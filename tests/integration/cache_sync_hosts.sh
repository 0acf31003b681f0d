#!/usr/bin/env bash
# Eight simulated hosts (separate state directories, fake fingerprints, two
# hardware classes) push and pull at once, three rounds each, against one Redis
# and one nginx, each adding a winner every round: every host ends with every
# winner of its class and none of the other's, and each store holds one entry
# per host. An entry of one class hidden under the other's key is dropped.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/servers.bash"
require sqlite3 gcc git nginx redis-server redis-cli curl flock
export LLMCC_CC=gcc

HTTP_PORT=$(free_port)
start_nginx "$WORK/nginx" "$HTTP_PORT"
REDIS_PORT=$(free_port)
start_redis "$REDIS_PORT"
HTTP="http://127.0.0.1:$HTTP_PORT/team"
REDIS="redis://127.0.0.1:$REDIS_PORT/1"

mkdir -p "$WORK/src"
cd "$WORK/src"
git init -q .
printf 'int f(int x){int s=0;for(int i=0;i<x;i++)s+=i*i;return s;}\n' >hot.c
fresh_db base
llmcc -O2 -c hot.c -o hot.o
cid=$(json_get "$(llmcc show hot.c --json)" 'j["compiler"]["id"]')
BASE="$LLMCC_DIR"

CLASS_A="x86_64/FakeVendorA/x86-64-v2"
CLASS_B="x86_64/FakeVendorB/x86-64-v3"
class_of() { if (($1 % 2)); then echo "$CLASS_A"; else echo "$CLASS_B"; fi; }
fp_of() { printf 'fakehost%08d' "$1"; }
tu_of() { printf '%030d%02d' "$1" "$2"; } # host, round: a TU key of its own

# One winner of host h, round r, in its database.
add_winner() { # h r
  insert_winner "$WORK/db-h$1/llmcc.db" "$(tu_of "$1" "$2")" hot.c "$cid" "$(fp_of "$1")" "$(class_of "$1")"
}

HOSTS=(1 2 3 4 5 6 7 8)
ROUNDS=3
for h in "${HOSTS[@]}"; do
  rm -rf "$WORK/db-h$h"
  cp -r "$BASE" "$WORK/db-h$h"
  sqlite3 "$WORK/db-h$h/llmcc.db" "DELETE FROM winners"
done

# A host's whole session: each round a new winner, then push and pull both stores.
host_session() { # h
  local h=$1 r
  export LLMCC_DIR="$WORK/db-h$h" LLMCC_TEST_HOST_FP LLMCC_TEST_HW_CLASS
  LLMCC_TEST_HOST_FP=$(fp_of "$h")
  LLMCC_TEST_HW_CLASS=$(class_of "$h")
  for r in $(seq 1 $ROUNDS); do
    add_winner "$h" "$r"
    llmcc cache push --remote "$REDIS $HTTP" || return 1
    llmcc cache pull --remote "$REDIS $HTTP" || return 1
  done
}
note "8 hosts, $ROUNDS rounds, at once"
pids=()
for h in "${HOSTS[@]}"; do
  host_session "$h" >"$WORK/host$h.log" 2>&1 &
  pids+=($!)
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { cat "$WORK/host${HOSTS[$i]}.log" >&2; fail "host ${HOSTS[$i]}'s session failed"; }
done
for h in "${HOSTS[@]}"; do
  if grep -q "warning" "$WORK/host$h.log"; then
    cat "$WORK/host$h.log" >&2
    fail "host $h: a store failed"
  fi
done

# Every TU key of a class, sorted, as the database should hold them.
expected_keys() { # class
  local h r
  for h in "${HOSTS[@]}"; do
    [[ $(class_of "$h") == "$1" ]] || continue
    for r in $(seq 1 $ROUNDS); do tu_of "$h" "$r"; echo; done
  done | sort | paste -sd,
}
EXPECT_A=$(expected_keys "$CLASS_A")
EXPECT_B=$(expected_keys "$CLASS_B")
assert_eq "$(echo "$EXPECT_A" | tr , '\n' | wc -l)" "12" "class A has 4 hosts x 3 winners"

# A last pull of each store alone, after every push: nothing lost, nothing of the other class.
for remote in "$REDIS" "$HTTP"; do
  for h in "${HOSTS[@]}"; do
    export LLMCC_DIR="$WORK/pull-$h" LLMCC_TEST_HOST_FP=$(fp_of "$h") LLMCC_TEST_HW_CLASS=$(class_of "$h")
    rm -rf "$LLMCC_DIR"
    cp -r "$BASE" "$LLMCC_DIR"
    out=$(llmcc cache pull --remote "$remote" 2>&1)
    assert_contains "$out" "12 winner(s): added 12, replaced 0, skipped 0, rejected 0" "host $h pulls its class from $remote"
    want=$EXPECT_A other=$CLASS_B
    [[ $(class_of "$h") == "$CLASS_B" ]] && want=$EXPECT_B other=$CLASS_A
    got=$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT group_concat(tu_key) FROM (SELECT tu_key FROM winners WHERE hw_class='$(class_of "$h")' ORDER BY tu_key)")
    assert_eq "$got" "$want" "host $h: every winner of its class from $remote"
    assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT count(*) FROM winners WHERE hw_class='$other'")" "0" \
      "host $h: no winner of the other class from $remote"
  done
  unset LLMCC_TEST_HOST_FP LLMCC_TEST_HW_CLASS
done
# And each host's own database after its session ended: its class, complete, only.
for h in "${HOSTS[@]}"; do
  export LLMCC_DIR="$WORK/db-h$h" LLMCC_TEST_HOST_FP=$(fp_of "$h") LLMCC_TEST_HW_CLASS=$(class_of "$h")
  llmcc cache pull --remote "$REDIS" >/dev/null
  want=$EXPECT_A
  [[ $(class_of "$h") == "$CLASS_B" ]] && want=$EXPECT_B
  assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT group_concat(tu_key) FROM (SELECT tu_key FROM winners ORDER BY tu_key)")" \
    "$want" "host $h's own database"
done

# The layout: one entry per host under its class, nothing else written.
prefix_a="llmcc/v1/${CLASS_A//\//+}/hosts/"
assert_eq "$(redis-cli -p "$REDIS_PORT" -n 1 --scan --pattern 'llmcc/*' | sort | paste -sd,)" \
  "$({
    for h in 1 3 5 7; do echo "$prefix_a$(fp_of $h)"; done
    for h in 2 4 6 8; do echo "llmcc/v1/${CLASS_B//\//+}/hosts/$(fp_of $h)"; done
  } | sort | paste -sd,)" \
  "redis holds one key per host"
assert_eq "$(ls "$WORK/nginx/store/team/$prefix_a" | paste -sd,)" "$(for h in 1 3 5 7; do fp_of $h; echo; done | paste -sd,)" \
  "nginx holds one file per host of class A"

# A class-A entry planted under class B's prefix: its winners are not stored.
rm -rf "$WORK/db-h9"
cp -r "$BASE" "$WORK/db-h9"
for r in 1 2 3; do add_winner 9 "$r"; done
LLMCC_DIR="$WORK/db-h9" LLMCC_TEST_HOST_FP=planted llmcc cache push --remote "$REDIS" >/dev/null
redis-cli -p "$REDIS_PORT" -n 1 rename "${prefix_a}planted" "llmcc/v1/${CLASS_B//\//+}/hosts/intruder" >/dev/null
export LLMCC_DIR="$WORK/intruded" LLMCC_TEST_HOST_FP=$(fp_of 2) LLMCC_TEST_HW_CLASS=$CLASS_B
rm -rf "$LLMCC_DIR"
cp -r "$BASE" "$LLMCC_DIR"
out=$(llmcc cache pull --remote "$REDIS" 2>&1)
assert_contains "$out" "hosts/intruder: dropped 3 winner(s) of another hardware class" "the planted entry is named"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT count(*) FROM winners WHERE hw_class='$CLASS_A'")" "0" \
  "no class-A winner stored on a class-B host"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT count(*) FROM winners WHERE hw_class='$CLASS_B'")" "12" \
  "the class's own winners still arrive"
pass "8 hosts push and pull at once"
