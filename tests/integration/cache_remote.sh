#!/usr/bin/env bash
# Remote stores against real servers: push from one database, pull into a fresh
# one (another LLMCC_DIR, another checkout), and the wrapper there builds the
# tuning host's tuned object byte for byte, through nginx (WebDAV), Redis and a
# shared directory. Then the faults: unreachable ports, 500s, garbage entries,
# a hung server (kill -STOP) under operation-timeout, 403 on PUT (read-only
# from then on): every pull exits 0, the build still succeeds, the counters in
# `llmcc stats` say what happened, and credentials never appear in any output.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/servers.bash"
require sqlite3 gcc git nginx redis-server redis-cli curl
export LLMCC_CC=gcc

# The compile path never links the remote code.
libs=$(ldd "$LLMCC_BIN_DIR/llmcc")
for lib in libcurl libhiredis libzstd libcrypto; do
  assert_not_contains "$libs" "$lib" "llmcc (the compile path) links $lib"
done

# A second nginx refuses writes (403), as a read-only team store would.
HTTP_PORT=$(free_port)
start_nginx "$WORK/nginx" "$HTTP_PORT" ""
RO_PORT=$(free_port)
start_nginx "$WORK/nginx-ro" "$RO_PORT" "limit_except GET { deny all; }"
REDIS_PORT=$(free_port)
start_redis "$REDIS_PORT"

tuning_host "$WORK/a"
DB_A="$LLMCC_DIR"

HTTP="http://teammate:hunter2@127.0.0.1:$HTTP_PORT/llmcc"
REDIS="redis://127.0.0.1:$REDIS_PORT/3"
FILE="file:$WORK/shared"
n=0
for remote in "$HTTP" "$REDIS" "$FILE"; do
  n=$((n + 1))
  note "store $n: ${remote//hunter2/***}"
  cd "$WORK/a"
  export LLMCC_DIR="$DB_A"
  out=$(llmcc cache push --remote "$remote" 2>&1)
  assert_contains "$out" "pushed, 1 winner(s) stored" "push to store $n"
  assert_not_contains "$out" "hunter2" "push output redacts the password"

  rm -rf "$WORK/b$n"
  cp -r "$WORK/a" "$WORK/b$n"
  cd "$WORK/b$n"
  rm -f ./*.o prog
  fresh_db "b$n"
  out=$(llmcc cache pull --remote "$remote" 2>&1)
  assert_contains "$out" "1 winner(s): added 1, replaced 0, skipped 0, rejected 0" "pull from store $n"
  assert_not_contains "$out" "hunter2" "pull output redacts the password"
  out=$(llmcc cache pull --remote "$remote" 2>&1)
  assert_contains "$out" "added 0, replaced 0, skipped 1, rejected 0" "second pull from store $n"
  build_hot
  cmp "$WORK/tuned-hot.o" hot.o || fail "store $n: the pulled winner did not give the tuning host's object"
  assert_eq "$(stat_counter compile.tuned)" "1" "store $n: tuned compile"
  assert_eq "$(stat_counter remote.hit)" "2" "store $n: remote hits"
  explain=$(llmcc explain src/hot.c)
  assert_contains "$explain" "origin:     remote" "store $n: explain says remote"
  assert_contains "$explain" "pulled from ${remote//hunter2/***}/llmcc/v1/" "store $n: explain names the store"
  assert_not_contains "$explain" "hunter2" "explain redacts the password"
  if grep -q hunter2 "$LLMCC_DIR"/llmcc.db*; then fail "the password was stored in the database"; fi
done
# The key layout: format version, hardware class, the pushing host and its state
# directory's store id in the key (each writes only its own entry); the legacy
# single key is not written.
store_id=$(sqlite3 "$DB_A/llmcc.db" "SELECT json_extract(value, '\$.id') FROM meta WHERE key='store_id'")
[[ $store_id =~ ^[0-9a-f]{16}$ ]] || fail "no store id in the pushing database: '$store_id'"
keyname="llmcc/v1/${class//\//+}/hosts/$host-$store_id"
[[ -f "$WORK/nginx/store/llmcc/$keyname" ]] || fail "nginx store lacks $keyname"
[[ -f "$WORK/shared/$keyname" ]] || fail "file store lacks $keyname"
assert_eq "$(redis-cli -p "$REDIS_PORT" -n 3 exists "$keyname")" "1" "redis key $keyname"
legacy="llmcc/v1/${class//\//+}/winners"
[[ ! -e "$WORK/shared/$legacy" ]] || fail "push wrote the legacy key"
# A store written by an older llmcc (one key per class) is still read.
mkdir -p "$WORK/legacy/${legacy%/winners}"
cp "$WORK/shared/$keyname" "$WORK/legacy/$legacy"
fresh_db legacy
out=$(llmcc cache pull --remote "file:$WORK/legacy" 2>&1)
assert_contains "$out" "1 winner(s): added 1, replaced 0, skipped 0, rejected 0" "pull of the legacy layout"

# Two hosts push to one store: neither loses the other's winner.
cd "$WORK/a"
export LLMCC_DIR="$WORK/db-b1"
sqlite3 "$LLMCC_DIR/llmcc.db" "UPDATE winners SET host_fp='otherhost', tu_key='$(printf '%032d' 7)'"
llmcc cache push --remote "$REDIS" >/dev/null
export LLMCC_DIR="$DB_A"
out=$(llmcc cache push --remote "$REDIS")
assert_contains "$out" "pushed, 1 winner(s) stored" "each state directory pushes its own entry"
fresh_db two-hosts
out=$(llmcc cache pull --remote "$REDIS" 2>&1)
assert_contains "$out" "2 winner(s): added 2, replaced 0, skipped 0, rejected 0" "a second host's winner kept"

# ---- Faults: every pull exits 0 and the build goes on ----------------------
cd "$WORK/b1"
fresh_db faults
pull_fault() { # label remote counter
  local out before
  before=$(stat_counter "$3")
  out=$(llmcc cache pull --remote "$2" 2>&1) || fail "$1: pull failed the command: $out"
  assert_contains "$out" "warning" "$1 warns"
  assert_eq "$(stat_counter "$3")" "$((before + 1))" "$1 counted as $3"
  build_hot
  echo "$out"
}
out=$(pull_fault "unreachable http" "http://127.0.0.1:1/llmcc" remote.error)
assert_contains "$out" "http://127.0.0.1:1/llmcc/llmcc/v1/" "unreachable: names the URL"
pull_fault "unreachable redis" "redis://127.0.0.1:1" remote.error >/dev/null

python3 "$LLMCC_SOURCE_DIR/tests/support/fault_store_server.py" --mode status --status 500 >"$WORK/f500.port" &
on_exit "kill $! 2>/dev/null"
wait_for "500 server" test -s "$WORK/f500.port"
out=$(pull_fault "HTTP 500" "http://127.0.0.1:$(cat "$WORK/f500.port")/x" remote.error)
assert_contains "$out" "HTTP 500" "500 reported"

python3 "$LLMCC_SOURCE_DIR/tests/support/fault_store_server.py" --mode garbage >"$WORK/fg.port" &
on_exit "kill $! 2>/dev/null"
wait_for "garbage server" test -s "$WORK/fg.port"
out=$(pull_fault "garbage entry" "http://127.0.0.1:$(cat "$WORK/fg.port")/x" remote.error)
assert_contains "$out" "unreadable entry" "garbage is an unreadable entry"
mkdir -p "$WORK/broken/${keyname%/*}"
head -c 100 "$WORK/shared/$keyname" >"$WORK/broken/$keyname"
out=$(pull_fault "truncated entry" "file:$WORK/broken" remote.error)
assert_contains "$out" "unreadable entry" "truncated entry"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" 'SELECT count(*) FROM winners')" "0" "no winner from broken stores"

python3 "$LLMCC_SOURCE_DIR/tests/support/fault_store_server.py" --mode hang >"$WORK/fh.port" &
on_exit "kill $! 2>/dev/null"
wait_for "hanging server" test -s "$WORK/fh.port"
SECONDS=0
out=$(pull_fault "hung http server" "http://127.0.0.1:$(cat "$WORK/fh.port")/x|operation-timeout=300" remote.timeout)
kill -STOP "$REDIS_PID"
out=$(pull_fault "stopped redis" "redis://127.0.0.1:$REDIS_PORT|operation-timeout=300" remote.timeout)
kill -CONT "$REDIS_PID"
((SECONDS < 30)) || fail "two hung stores cost ${SECONDS}s"

# 403 on PUT: reported, counted, and the store is used read-only.
export LLMCC_DIR="$DB_A"
if out=$(llmcc cache push --remote "http://127.0.0.1:$RO_PORT/llmcc" 2>&1); then fail "push to a read-only store succeeded"; fi
assert_contains "$out" "HTTP 403" "403 reported"
assert_contains "$out" "using it read-only from now on" "403 falls back to read-only"
assert_eq "$(stat_counter remote.denied)" "1" "denied counter"
out=$(llmcc cache push --remote "$HTTP|read-only")
assert_contains "$out" "read-only: not pushed" "read-only attribute"

# A malformed setting is the one fatal error: a typo must not silently disable sharing.
if out=$(llmcc cache pull --remote "ftp://x" 2>&1); then fail "a bad scheme was accepted"; fi
assert_contains "$out" "unknown scheme" "bad scheme"
if out=$(llmcc cache pull --remote "$HTTP|connect-timeout=abc" 2>&1); then fail "a bad attribute was accepted"; fi
assert_contains "$out" "bad attribute" "bad attribute"
assert_not_contains "$out" "hunter2" "the error redacts the password"
pass "remote stores"
