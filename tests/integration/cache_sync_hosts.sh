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

# The layout: one entry per host (and state directory: "<fingerprint>-<store id>")
# under its class, nothing else written.
prefix_a="llmcc/v1/${CLASS_A//\//+}/hosts/"
store_id_of() { sqlite3 "$WORK/db-h$1/llmcc.db" "SELECT json_extract(value, '\$.id') FROM meta WHERE key='store_id'"; }
for h in "${HOSTS[@]}"; do
  [[ $(store_id_of "$h") =~ ^[0-9a-f]{16}$ ]] || fail "host $h: no store id in its database"
done
# (Beside them, each class's index of entries: concurrent pushes may each
# rewrite it, and a name lost there is put back by that host's next push.)
assert_eq "$(redis-cli -p "$REDIS_PORT" -n 1 --scan --pattern 'llmcc/*/hosts/*' | sort | paste -sd,)" \
  "$({
    for h in 1 3 5 7; do echo "$prefix_a$(fp_of $h)-$(store_id_of $h)"; done
    for h in 2 4 6 8; do echo "llmcc/v1/${CLASS_B//\//+}/hosts/$(fp_of $h)-$(store_id_of $h)"; done
  } | sort | paste -sd,)" \
  "redis holds one key per host"
assert_eq "$(ls "$WORK/nginx/store/team/$prefix_a" | paste -sd,)" \
  "$(for h in 1 3 5 7; do echo "$(fp_of $h)-$(store_id_of $h)"; done | sort | paste -sd,)" \
  "nginx holds one file per host of class A"

# A class-A entry planted under class B's prefix: its winners are not stored.
rm -rf "$WORK/db-h9"
cp -r "$BASE" "$WORK/db-h9"
for r in 1 2 3; do add_winner 9 "$r"; done
LLMCC_DIR="$WORK/db-h9" LLMCC_TEST_HOST_FP=planted llmcc cache push --remote "$REDIS" >/dev/null
planted="${prefix_a}planted-$(store_id_of 9)"
redis-cli -p "$REDIS_PORT" -n 1 rename "$planted" "llmcc/v1/${CLASS_B//\//+}/hosts/intruder" >/dev/null
export LLMCC_DIR="$WORK/intruded" LLMCC_TEST_HOST_FP=$(fp_of 2) LLMCC_TEST_HW_CLASS=$CLASS_B
rm -rf "$LLMCC_DIR"
cp -r "$BASE" "$LLMCC_DIR"
out=$(llmcc cache pull --remote "$REDIS" 2>&1)
assert_contains "$out" "hosts/intruder: dropped 3 winner(s) of another hardware class" "the planted entry is named"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT count(*) FROM winners WHERE hw_class='$CLASS_A'")" "0" \
  "no class-A winner stored on a class-B host"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT count(*) FROM winners WHERE hw_class='$CLASS_B'")" "12" \
  "the class's own winners still arrive"

# Two state directories of one host (one fingerprint) push at once, three
# rounds each: two keys, and a fresh directory pulls every winner of both. An
# entry of the layout before store ids (".../hosts/<fingerprint>", planted by
# renaming a third directory's entry) is still read, and no push removes it.
note "two state directories, one fingerprint, at once"
SAME_FP=fakehostsame
for d in 10 11 12; do
  rm -rf "$WORK/db-h$d"
  cp -r "$BASE" "$WORK/db-h$d"
  sqlite3 "$WORK/db-h$d/llmcc.db" "DELETE FROM winners"
done
insert_winner "$WORK/db-h12/llmcc.db" "$(tu_of 12 1)" hot.c "$cid" "$SAME_FP" "$CLASS_A"
LLMCC_DIR="$WORK/db-h12" LLMCC_TEST_HOST_FP=$SAME_FP LLMCC_TEST_HW_CLASS=$CLASS_A \
  llmcc cache push --remote "$REDIS $HTTP" >/dev/null
old_layout="$prefix_a$SAME_FP"
redis-cli -p "$REDIS_PORT" -n 1 rename "$old_layout-$(store_id_of 12)" "$old_layout" >/dev/null
mv "$WORK/nginx/store/team/$old_layout-$(store_id_of 12)" "$WORK/nginx/store/team/$old_layout"
same_fp_session() { # d
  local d=$1 r
  export LLMCC_DIR="$WORK/db-h$d" LLMCC_TEST_HOST_FP=$SAME_FP LLMCC_TEST_HW_CLASS=$CLASS_A
  for r in $(seq 1 $ROUNDS); do
    insert_winner "$LLMCC_DIR/llmcc.db" "$(tu_of "$d" "$r")" hot.c "$cid" "$SAME_FP" "$CLASS_A"
    llmcc cache push --remote "$REDIS $HTTP" || return 1
  done
}
same_fp_session 10 >"$WORK/same10.log" 2>&1 &
p10=$!
same_fp_session 11 >"$WORK/same11.log" 2>&1 &
p11=$!
wait "$p10" || { cat "$WORK/same10.log" >&2; fail "state directory 10's pushes failed"; }
wait "$p11" || { cat "$WORK/same11.log" >&2; fail "state directory 11's pushes failed"; }
[[ $(store_id_of 10) != "$(store_id_of 11)" ]] || fail "two state directories got one store id"
assert_eq "$(redis-cli -p "$REDIS_PORT" -n 1 --scan --pattern "$prefix_a$SAME_FP*" | sort | paste -sd,)" \
  "$(printf '%s\n' "$old_layout" "$old_layout-$(store_id_of 10)" "$old_layout-$(store_id_of 11)" | sort | paste -sd,)" \
  "redis: one key per state directory, the old-layout key kept"
want_same=$(for d in 10 11; do for r in $(seq 1 $ROUNDS); do tu_of "$d" "$r"; echo; done; done; tu_of 12 1; echo)
want_same=$(sort <<<"$want_same" | grep -v '^$' | paste -sd,)
for remote in "$REDIS" "$HTTP"; do
  export LLMCC_DIR="$WORK/pull-same" LLMCC_TEST_HOST_FP=fakehostfresh LLMCC_TEST_HW_CLASS=$CLASS_A
  rm -rf "$LLMCC_DIR"
  cp -r "$BASE" "$LLMCC_DIR"
  sqlite3 "$LLMCC_DIR/llmcc.db" "DELETE FROM winners"
  out=$(llmcc cache pull --remote "$remote" 2>&1)
  got=$(sqlite3 "$LLMCC_DIR/llmcc.db" \
    "SELECT group_concat(tu_key) FROM (SELECT tu_key FROM winners WHERE host_fp='$SAME_FP' ORDER BY tu_key)")
  assert_eq "$got" "$want_same" "both state directories' winners and the old-layout entry's from $remote"
done
unset LLMCC_TEST_HOST_FP LLMCC_TEST_HW_CLASS
pass "8 hosts push and pull at once; two state directories of one host push at once"
