#!/usr/bin/env bash
# A store that cannot list a directory (nginx's WebDAV without autoindex, as an
# object store behind plain GET/PUT): push names its entry in the class's index
# key, and a pull into a fresh state directory finds the winner through it and
# builds the tuning host's object byte for byte. A garbled index is reported and
# does not stop a pull from a store that lists.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/servers.bash"
require sqlite3 gcc git nginx curl
export LLMCC_CC=gcc

PORT=$(free_port)
# Every directory URL refused, as a server without an index would.
start_nginx "$WORK/nginx" "$PORT" "location ~ /\$ { deny all; }"
LIST_PORT=$(free_port)
start_nginx "$WORK/nginx-list" "$LIST_PORT" ""

tuning_host "$WORK/a"
DB_A="$LLMCC_DIR"
STORE="http://127.0.0.1:$PORT/llmcc"

out=$(llmcc cache push --remote "$STORE" 2>&1)
assert_contains "$out" "pushed, 1 winner(s) stored" "push to a store that cannot list"
assert_not_contains "$out" "index of entries was not updated" "the index was written"
prefix="llmcc/v1/${class//\//+}"
# The server really cannot list: a directory GET is refused.
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/llmcc/$prefix/hosts/")
assert_eq "$code" "403" "nginx without autoindex refuses the listing"
index=$(curl -sf "http://127.0.0.1:$PORT/llmcc/$prefix/index")
names=$(json_get "$index" 'len(j["hosts"])')
assert_eq "$names" "1" "the index names one entry"
entry=$(json_get "$index" 'j["hosts"][0]')
curl -sf -o /dev/null "http://127.0.0.1:$PORT/llmcc/$prefix/hosts/$entry" || fail "the index names an entry that is not there"
out=$(llmcc cache push --remote "$STORE" 2>&1)
assert_contains "$out" "pushed, 1 winner(s) stored" "second push"
index2=$(curl -sf "http://127.0.0.1:$PORT/llmcc/$prefix/index")
assert_eq "$index2" "$index" "a second push leaves the index as it was"

rm -rf "$WORK/b" && cp -r "$WORK/a" "$WORK/b" && cd "$WORK/b" && rm -f ./*.o prog
fresh_db b
out=$(llmcc cache pull --remote "$STORE" 2>&1)
assert_contains "$out" "1 winner(s): added 1, replaced 0, skipped 0, rejected 0" "pull through the index"
build_hot
cmp "$WORK/tuned-hot.o" hot.o || fail "the winner pulled through the index did not give the tuning host's object"
assert_eq "$(stat_counter compile.tuned)" "1" "tuned compile after the pull"

# Without an index, the listing's own error says what to configure.
curl -sf -X DELETE "http://127.0.0.1:$PORT/llmcc/$prefix/index" >/dev/null || fail "cannot delete the index"
fresh_db c
out=$(llmcc cache pull --remote "$STORE" 2>&1) || fail "a pull that cannot list must not fail: $out"
assert_contains "$out" "autoindex" "no index and no listing: the message names the setting"

# A store that lists, with a garbled index beside the entries: the listing is
# used, the index is reported, the winner still arrives.
cd "$WORK/a" && export LLMCC_DIR="$DB_A"
LISTING="http://127.0.0.1:$LIST_PORT/llmcc"
out=$(llmcc cache push --remote "$LISTING" 2>&1)
assert_contains "$out" "pushed, 1 winner(s) stored" "push to the listing store"
printf 'not json' | curl -sf -X PUT --data-binary @- "http://127.0.0.1:$LIST_PORT/llmcc/$prefix/index" >/dev/null \
  || fail "cannot plant a garbled index"
cd "$WORK/b"
fresh_db d
out=$(llmcc cache pull --remote "$LISTING" 2>&1)
assert_contains "$out" "added 1, replaced 0, skipped 0, rejected 0" "pull from a listing store with a garbled index"
assert_contains "$out" "unreadable index $prefix/index" "the garbled index is reported"
pass "a store without listings is read through the index"
