#!/usr/bin/env bash
# Host claims that last, against a file: store and a real Redis: with a 3 s
# claim_ttl and every trial slower than that (a --verify that sleeps 4 s), the
# session's claim is held, unexpired and the session's own, in every sample
# taken (every 0.2 s) from the first that shows it to the last, its expiry
# moved later while a trial runs, and it is released at the end. A claim another host takes over mid-TU
# is reported once and left alone, and the TU is finished. A TU skipped because
# another host held it is not done for --resume: once the claim is gone,
# --resume tunes it (and only it).
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/servers.bash"
require valgrind gcc make sqlite3 redis-server redis-cli python3
export LLMCC_CC=gcc
export COLUMNS=400 # progress lines whole, not wrapped at 80 columns
export LLMCC_CLAIM_TTL=3

REDIS_PORT=$(free_port)
start_redis "$REDIS_PORT"
rcli() { redis-cli -p "$REDIS_PORT" -n 1 "$@"; }
SHARED="$WORK/shared"
mkdir -p "$SHARED"
export LLMCC_REMOTE="file:$SHARED"

w="$WORK/make-c" && cp -r "$EXAMPLES/make-c" "$w" && cd "$w"
fresh_db host-a
run_quiet make -s CC=llmcc
class=$(json_get "$(llmcc show kernel.c --json)" 'j["hw_class"]')
prefix="llmcc/v1/${class//\//+}/claims"
kernel_key=$(json_get "$(llmcc show kernel.c --json)" 'j["tu_key"]')
[[ -n $kernel_key ]] || fail "no TU key from llmcc show"
slow_tune() { # budget [more tune args]: each trial runs --verify, which takes over a second
  llmcc tune --build-dir . --bench "./makec_demo 3" --verify "sleep 1.2" --objective instructions --budget "$@"
}
longer_than_ttl_tune() { # budget [more tune args]: each trial's --verify outlasts the claim's ttl
  llmcc tune --build-dir . --bench "./makec_demo 3" --verify "sleep 4" --objective instructions --budget "$@"
}

# The claim's value, sampled with the time until $WORK/stop appears: "<unix ms> <value or ->".
sample_claim() { # reader command...
  rm -f "$WORK/stop" "$WORK/samples"
  while [[ ! -e $WORK/stop ]]; do
    echo "$(date +%s%3N) $("$@" 2>/dev/null || true)" >>"$WORK/samples"
    sleep 0.2
  done
}
file_claim() { cat "$SHARED/$prefix/$kernel_key"; }
redis_claim() { rcli GET "$prefix/$kernel_key"; }
# From the samples: the first claim's expiry, whether a sample after it still
# showed the same owner's claim, unexpired, with a later expiry, and whether
# every sample from the first showing the claim to the last did (a sample
# with no claim, another owner's or an expired one in between is a lapse).
check_samples() {
  python3 - "$WORK/samples" <<'PY'
import json, sys
samples = []
for line in open(sys.argv[1]):
    t, _, value = line.strip().partition(" ")
    try:
        c = json.loads(value)
    except ValueError:
        c = None
    samples.append((int(t), c if isinstance(c, dict) else None))
held = [i for i, (_, c) in enumerate(samples) if c]
first = samples[held[0]][1] if held else None
held_after = 0
lapses = []
expiries = set()
for t, c in samples[held[0]:held[-1] + 1] if held else []:
    if not c or c["owner"] != first["owner"] or c["expires_ms"] <= t:
        lapses.append(t)
        continue
    expiries.add(c["expires_ms"])
    if t > first["expires_ms"] + 500:
        held_after += 1
print(f"{'claimed' if first else 'never claimed'}, {'held past the first expiry' if held_after else 'not held past its expiry'}, "
      f"{'expiry moved' if len(expiries) > 1 else 'expiry never moved'}, "
      f"{'never lapsed' if not lapses else f'lapsed {len(lapses)} time(s) of {len(samples)}'}")
PY
}

for store in file redis; do
  note "renewal: $store store"
  if [[ $store == redis ]]; then
    export LLMCC_REMOTE="redis://127.0.0.1:$REDIS_PORT/1"
    reader=redis_claim
  else
    reader=file_claim
  fi
  sample_claim "$reader" &
  sampler=$!
  on_exit "kill $sampler 2>/dev/null"
  out=$(longer_than_ttl_tune 2 --tu kernel.c 2>&1) || fail "$store: tune failed: $out"
  touch "$WORK/stop"
  wait "$sampler"
  assert_contains "$out" "[kernel.c] 2/2" "$store: the TU ran its budget"
  assert_not_contains "$out" "claim lost" "$store: the claim was never lost"
  assert_not_contains "$out" "could not renew" "$store: no renewal failed"
  assert_eq "$(check_samples)" "claimed, held past the first expiry, expiry moved, never lapsed" \
    "$store: the claim lasted through trials longer than its ttl"
  assert_eq "$("$reader" 2>/dev/null || true)" "" "$store: the claim is released at the end"
  if [[ $store == redis ]]; then
    assert_eq "$(rcli --scan --pattern 'llmcc/*')" "" "redis: no claim left"
  else
    assert_eq "$(find "$SHARED/$prefix" -type f ! -name '*.lock' | wc -l)" "0" "file: no claim file left"
  fi
  llmcc forget kernel.c >/dev/null 2>&1 || true
done
export LLMCC_REMOTE="file:$SHARED"

note "a claim taken over mid-TU"
foreign='{"v":1,"owner":"otherhost-1-0000abcd","host":"buildbox-7 (otherhost)","expires_ms":4102444800000}'
take_over() { # once the session's claim is there, another host's replaces it (as after an expiry)
  local i
  for i in $(seq 1 300); do
    [[ -s $SHARED/$prefix/$kernel_key ]] && break
    sleep 0.05
  done
  printf '%s' "$foreign" >"$SHARED/$prefix/$kernel_key.new"
  mv "$SHARED/$prefix/$kernel_key.new" "$SHARED/$prefix/$kernel_key"
}
take_over &
taker=$!
out=$(slow_tune 4 --tu kernel.c 2>&1) || fail "tune with a claim taken over failed: $out"
wait "$taker"
assert_eq "$(grep -c 'claim lost' <<<"$out")" "1" "the lost claim is said once"
assert_contains "$out" \
  "[kernel.c] claim lost: it expired and host buildbox-7 (otherhost) holds it until 2100-01-01 00:00:00 UTC; finishing this TU anyway" \
  "the line names the new holder"
assert_contains "$out" "[kernel.c] 4/4" "the TU is finished anyway"
assert_contains "$out" "done after 4 trials" "the session ran its budget"
assert_eq "$(cat "$SHARED/$prefix/$kernel_key")" "$foreign" "the new holder's claim is neither renewed over nor released"
rm -f "$SHARED/$prefix/$kernel_key"
llmcc forget kernel.c >/dev/null 2>&1 || true

note "--resume retries a TU another host held"
unset LLMCC_CLAIM_TTL
fresh_db host-r
R="$LLMCC_DIR"
run_quiet make -s clean
run_quiet make -s CC=llmcc
printf '%s' "$foreign" >"$SHARED/$prefix/$kernel_key"
tune() { llmcc tune --build-dir . --bench "./makec_demo 3" --objective instructions "$@"; }
out=$(tune --budget 4 --tu kernel.c --tu checksum.c 2>&1) || fail "tune with a foreign claim failed: $out"
assert_contains "$out" \
  "[kernel.c] claimed_elsewhere: claimed by host buildbox-7 (otherhost) until 2100-01-01 00:00:00 UTC, skipping" \
  "the claimed TU is skipped"
assert_contains "$out" "[checksum.c] 1/" "the other TU is tuned"
tuning_db="$R/llmcc.tuning.db"
session=$(sqlite3 "$tuning_db" "SELECT MAX(id) FROM sessions")
checksum_trials() { sqlite3 "$tuning_db" "SELECT COUNT(*) FROM trials WHERE source LIKE '%/checksum.c'"; }
before=$(checksum_trials)
[[ $before -gt 0 ]] || fail "no trial of checksum.c recorded"
# Still held: resuming skips it again, and it stays to be retried.
out=$(tune --resume 2>&1) || fail "resume while still claimed failed: $out"
assert_contains "$out" "llmcc tune: session $session," "the same session is resumed"
assert_contains "$out" "[kernel.c] claimed_elsewhere: claimed by host buildbox-7" "still held: skipped again"
assert_not_contains "$out" "[checksum.c] 1/" "a done TU is not tuned again"
# The other host is done: the claim is gone, and --resume tunes the TU.
rm -f "$SHARED/$prefix/$kernel_key"
out=$(tune --resume 2>&1) || fail "resume after the claim went failed: $out"
assert_contains "$out" "llmcc tune: session $session," "the same session is resumed again"
assert_contains "$out" "[kernel.c] 1/" "the formerly claimed TU is tuned"
assert_not_contains "$out" "claimed_elsewhere" "nothing is skipped now"
assert_not_contains "$out" "[checksum.c] 1/" "checksum.c is still done"
assert_eq "$(checksum_trials)" "$before" "no new trial of checksum.c"
assert_eq "$(find "$SHARED/$prefix" -type f ! -name '*.lock' | wc -l)" "0" "no claim is left"
# Now every TU is done: nothing to resume.
if out=$(tune --resume 2>&1); then fail "resumed a finished session: $out"; fi
assert_contains "$out" "finished; nothing to resume" "a finished session is not resumed"
pass "claims are renewed while a trial longer than their ttl runs, a lost claim is reported and left alone, --resume retries claimed TUs"
