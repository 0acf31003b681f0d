#!/usr/bin/env bash
# Host claims through a real Redis: a TU another host has claimed (a claim
# planted in the store, so the test is deterministic) is skipped with a line
# naming the holder and the expiry, the budget goes to the next TU, and the
# session's own claims are gone when it ends. Then the other host tunes the
# skipped TU, both push, and a fresh database pulls both winners. --no-claims
# ignores the claim; a dead store costs one warning and tuning goes on. Then the
# same through nginx's WebDAV (claims there are advisory: PUT, wait, GET back):
# a foreign claim is honoured, the session's own is deleted, an expired one is
# taken over.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/servers.bash"
require valgrind gcc make sqlite3 redis-server redis-cli nginx curl
export LLMCC_CC=gcc
export COLUMNS=400 # progress lines whole, not wrapped at 80 columns

REDIS_PORT=$(free_port)
start_redis "$REDIS_PORT"
export LLMCC_REMOTE="redis://127.0.0.1:$REDIS_PORT/1"
rcli() { redis-cli -p "$REDIS_PORT" -n 1 "$@"; }

w="$WORK/make-c" && cp -r "$EXAMPLES/make-c" "$w" && cd "$w"
fresh_db host-a
A="$LLMCC_DIR"
run_quiet make -s CC=llmcc
class=$(json_get "$(llmcc show kernel.c --json)" 'j["hw_class"]')
prefix="llmcc/v1/${class//\//+}/claims"
kernel_key=$(json_get "$(llmcc show kernel.c --json)" 'j["tu_key"]')
checksum_key=$(json_get "$(llmcc show checksum.c --json)" 'j["tu_key"]')
[[ -n $kernel_key && -n $checksum_key ]] || fail "no TU keys from llmcc show"

# Another host holds kernel.c until 2100.
foreign='{"v":1,"owner":"otherhost-1-0000abcd","host":"buildbox-7 (otherhost)","expires_ms":4102444800000}'
assert_eq "$(rcli SET "$prefix/$kernel_key" "$foreign")" "OK" "planting the foreign claim"

out=$(llmcc tune --build-dir . --bench "./makec_demo 3" --objective instructions --budget 6 \
  --tu kernel.c --tu checksum.c 2>&1) || fail "tune with a foreign claim failed: $out"
assert_contains "$out" \
  "[kernel.c] claimed_elsewhere: claimed by host buildbox-7 (otherhost) until 2100-01-01 00:00:00 UTC, skipping" \
  "the claimed TU is skipped"
assert_not_contains "$out" "host claims unavailable" "tune with a live store"
db="$A/llmcc.db"
assert_eq "$(sqlite3 "$db" "SELECT COUNT(*) FROM trials WHERE source LIKE '%/kernel.c'")" "0" "no trial of kernel.c"
checksum_trials=$(sqlite3 "$db" "SELECT COUNT(*) FROM trials WHERE source LIKE '%/checksum.c'")
# kernel.c's share of the budget (3 of 6) went to checksum.c.
[[ $checksum_trials -gt 3 ]] || fail "checksum.c got $checksum_trials trials: not kernel.c's share of the budget"
assert_eq "$(rcli GET "$prefix/$kernel_key")" "$foreign" "the foreign claim is untouched"
assert_eq "$(rcli EXISTS "$prefix/$checksum_key")" "0" "the session released its claim"
assert_eq "$(sqlite3 "$db" "SELECT COUNT(*) FROM winners WHERE source_rel='kernel.c'")" "0" "no winner for kernel.c on A"

# --no-claims: the claim is not looked at.
out=$(llmcc tune --build-dir . --bench "./makec_demo 3" --objective instructions --budget 2 --tu kernel.c \
  --no-claims 2>&1) || fail "tune --no-claims failed: $out"
assert_not_contains "$out" "claimed by" "tune --no-claims"
assert_eq "$(rcli GET "$prefix/$kernel_key")" "$foreign" "--no-claims leaves the claim alone"
llmcc forget kernel.c >/dev/null 2>&1 || true # A keeps what it tuned while kernel.c was claimed

# The other host finishes: its claim goes, it tunes kernel.c in its own state directory.
assert_eq "$(rcli DEL "$prefix/$kernel_key")" "1" "the other host releases its claim"
wb="$WORK/make-c-b" && cp -r "$EXAMPLES/make-c" "$wb" && cd "$wb"
fresh_db host-b
B="$LLMCC_DIR"
run_quiet make -s CC=llmcc
out=$(llmcc tune --build-dir . --bench "./makec_demo 3" --objective instructions --budget 8 --tu kernel.c 2>&1) ||
  fail "tune on host B failed: $out"
assert_not_contains "$out" "claimed by" "host B's tune"
assert_eq "$(rcli KEYS "$prefix/*")" "" "no claim is left in the store"

# Both push (as two hosts), and a fresh database gets both winners.
a_winners=$(sqlite3 "$A/llmcc.db" 'SELECT source_rel FROM winners ORDER BY source_rel' | tr '\n' ' ')
b_winners=$(sqlite3 "$B/llmcc.db" 'SELECT source_rel FROM winners ORDER BY source_rel' | tr '\n' ' ')
assert_eq "$b_winners" "kernel.c " "host B's winners"
LLMCC_DIR="$A" LLMCC_TEST_HOST_FP=fakehosta run_quiet llmcc cache push
LLMCC_DIR="$B" LLMCC_TEST_HOST_FP=fakehostb run_quiet llmcc cache push
fresh_db host-c
run_quiet llmcc cache pull
c_winners=$(sqlite3 "$LLMCC_DIR/llmcc.db" 'SELECT source_rel FROM winners ORDER BY source_rel' | tr '\n' ' ')
expected=$(printf '%s\n' $a_winners $b_winners | sort -u | tr '\n' ' ')
assert_eq "$c_winners" "$expected" "the pulled winners are both hosts'"

# A dead store: one warning, and tuning goes on.
dead=$(free_port)
out=$(LLMCC_DIR="$B" LLMCC_REMOTE="redis://127.0.0.1:$dead/1" llmcc tune --build-dir . --bench "./makec_demo 3" \
  --objective instructions --budget 2 --tu kernel.c --tu checksum.c 2>&1) || fail "tune with a dead store failed: $out"
assert_eq "$(grep -c 'host claims unavailable' <<<"$out")" "1" "one warning for a dead store"
assert_contains "$out" "[kernel.c] 1/2 ok" "tuning went on with a dead store"
assert_contains "$out" "done after 2 trials" "tuning went on with a dead store"
# nginx (WebDAV): a claim planted with curl, as another host's PUT would leave it.
NGINX_PORT=$(free_port)
start_nginx "$WORK/nginx" "$NGINX_PORT"
base="http://127.0.0.1:$NGINX_PORT"
http_code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
export LLMCC_REMOTE="$base" LLMCC_DIR="$B"
cd "$wb"
assert_eq "$(http_code -X PUT --data-binary "$foreign" "$base/$prefix/$kernel_key")" "201" "planting the claim on nginx"
out=$(llmcc tune --build-dir . --bench "./makec_demo 3" --objective instructions --budget 4 \
  --tu kernel.c --tu checksum.c 2>&1) || fail "tune against nginx with a foreign claim failed: $out"
assert_contains "$out" \
  "[kernel.c] claimed_elsewhere: claimed by host buildbox-7 (otherhost) until 2100-01-01 00:00:00 UTC, skipping" \
  "nginx: the claimed TU is skipped"
assert_not_contains "$out" "host claims unavailable" "nginx: tune with a live store"
assert_not_contains "$out" "[kernel.c] 1/" "nginx: no trial of the claimed TU"
assert_contains "$out" "[checksum.c] 1/" "nginx: the unclaimed TU is tuned"
assert_eq "$(curl -s "$base/$prefix/$kernel_key")" "$foreign" "nginx: the foreign claim is untouched"
assert_eq "$(http_code "$base/$prefix/$checksum_key")" "404" "nginx: the session deleted its own claim"

# A claim whose expiry has passed (a host that died mid-tune) is taken over.
expired='{"v":1,"owner":"otherhost-1-0000abcd","host":"buildbox-7 (otherhost)","expires_ms":1000}'
assert_eq "$(http_code -X PUT --data-binary "$expired" "$base/$prefix/$kernel_key")" "204" "planting an expired claim"
out=$(llmcc tune --build-dir . --bench "./makec_demo 3" --objective instructions --budget 2 --tu kernel.c 2>&1) ||
  fail "tune against nginx with an expired claim failed: $out"
assert_not_contains "$out" "claimed by" "nginx: an expired claim is taken over"
assert_contains "$out" "[kernel.c] 1/2" "nginx: the TU of an expired claim is tuned"
assert_contains "$out" "done after 2 trials" "nginx: the session ran its budget"
assert_eq "$(http_code "$base/$prefix/$kernel_key")" "404" "nginx: the taken-over claim is released"
assert_eq "$(find "$WORK/nginx/store" -path '*/claims/*' -type f | wc -l)" "0" "nginx: no claim file is left"
pass "host claims (Redis, nginx): a claimed TU is skipped, claims are released, expired ones taken over, both hosts' winners survive"
