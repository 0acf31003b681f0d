#!/usr/bin/env bash
# The automatic sync: host A pushes; on teammate B, with only `remote` set, a
# plain `make` starts one detached background pull (the build never waits for
# it), and a later build applies the pulled winner (the tuning host's object,
# byte for byte). At most one pull per interval and per cache directory, none
# while another holds the lock, none with remote_sync_interval=0 or without a
# remote. Deterministic: the test waits for the sync lock, never for a time.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/servers.bash"
require sqlite3 gcc git nginx curl flock make
export LLMCC_CC=gcc

HTTP_PORT=$(free_port)
start_nginx "$WORK/nginx" "$HTTP_PORT"
HTTP="http://127.0.0.1:$HTTP_PORT/team"

mkdir -p "$WORK/a/src"
cd "$WORK/a"
git init -q .
printf 'int f(int x){int s=0;for(int i=0;i<x;i++)s+=i*i;return s;}\n' >src/hot.c
printf '#include <stdio.h>\nint f(int);\nint main(void){printf("%%d\\n",f(100));return 0;}\n' >src/main.c
printf 'prog: hot.o main.o\n\t$(CC) hot.o main.o -o prog\n%%.o: src/%%.c\n\t$(CC) -O2 -c $< -o $@\nclean:\n\trm -f *.o prog\n' >Makefile
build() { # extra make arguments
  local out
  out=$(make -s CC=llmcc "$@" 2>&1) || fail "build failed: $out"
  assert_eq "$(./prog)" "328350" "program output"
  make -s clean
}

# Host A tunes (a winner written as tune would) and pushes by hand.
fresh_db a
make -s CC=llmcc
info=$(llmcc show src/hot.c --json)
key=$(json_get "$info" 'j["tu_key"]') cid=$(json_get "$info" 'j["compiler"]["id"]')
host=$(json_get "$info" 'j["host"]') class=$(json_get "$info" 'j["hw_class"]')
insert_winner "$LLMCC_DIR/llmcc.db" "$key" src/hot.c "$cid" "$host" "$class"
make -s clean
make -s CC=llmcc
cp hot.o "$WORK/tuned-hot.o"
make -s clean
assert_contains "$(llmcc cache push --remote "$HTTP")" "pushed, 1 winner(s) stored" "A pushes"
[[ ! -e "$LLMCC_DIR/remote-sync.stamp" ]] || fail "no remote configured on A, yet a sync stamp"

# Teammate B: another checkout, another database, the remote in the environment.
cp -r "$WORK/a" "$WORK/b"
cd "$WORK/b"
fresh_db b
export LLMCC_REMOTE="$HTTP"
LOCK="$LLMCC_DIR/remote-sync.lock" STAMP="$LLMCC_DIR/remote-sync.stamp"
wait_sync() { flock "$LOCK" true; } # the pull a compile started holds the lock until it ends

note "B's first plain build starts the pull"
build
[[ -f "$STAMP" ]] || fail "the build did not start a sync"
wait_sync
assert_eq "$(stat_counter remote.hit)" "1" "one background pull (it said: $(cat "$LLMCC_DIR/remote-sync.log" 2>&1))"
assert_contains "$(cat "$LLMCC_DIR/remote-sync.log")" "1 winner(s): added 1" "the pull's report in remote-sync.log"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT origin FROM winners")" "remote" "the winner arrived"
note "the next build applies it"
tuned_before=$(stat_counter compile.tuned)
make -s CC=llmcc
cmp "$WORK/tuned-hot.o" hot.o || fail "the pulled winner did not give the tuning host's object"
assert_eq "$(stat_counter compile.tuned)" "$((tuned_before + 1))" "the later build's tuned compile"
make -s clean
wait_sync
assert_eq "$(stat_counter remote.hit)" "1" "no second pull within the interval"

note "a stale stamp: exactly one more pull, even for a parallel build"
touch -d '1 hour ago' "$STAMP"
build -j3
wait_sync
assert_eq "$(stat_counter remote.hit)" "2" "one pull for the whole parallel build"

note "another process holds the lock: no pull starts, the build goes on"
touch -d '1 hour ago' "$STAMP"
exec 9>"$LOCK"
flock 9
build
out=$(timeout 20 llmcc cache pull --background 2>&1) || fail "a background pull waited for the lock"
assert_eq "$out" "" "a background pull exits at once, quietly, when another syncs"
exec 9>&-
wait_sync
assert_eq "$(stat_counter remote.hit)" "2" "no pull while the lock was held"
[[ $(find "$STAMP" -mmin +30) ]] || fail "the stamp was touched without a pull"

note "remote_sync_interval=0 turns it off; no remote, no stamp"
LLMCC_REMOTE_SYNC_INTERVAL=0 build
wait_sync
assert_eq "$(stat_counter remote.hit)" "2" "interval 0: no pull"
unset LLMCC_REMOTE
rm -f "$STAMP"
build
[[ ! -e "$STAMP" ]] || fail "a sync stamp without a remote"
assert_eq "$(stat_counter remote.hit)" "2" "no remote: no pull"

# Tuning trials never start one (they measure; the database must hold still).
export LLMCC_REMOTE="$HTTP"
touch -d '1 hour ago' "$STAMP"
echo '{}' >"$WORK/trial.json"
LLMCC_TRIAL_FILE="$WORK/trial.json" make -s CC=llmcc >/dev/null 2>&1 || true
make -s clean
wait_sync
assert_eq "$(stat_counter remote.hit)" "2" "a trial build started no pull"
pass "automatic sync"
