#!/usr/bin/env bash
# The automatic sync against failing stores: nginx killed while the build's
# pull runs, Redis stopped (kill -STOP) under operation-timeout, 500s, an
# unreachable port. Every build succeeds; the pull ends within its timeouts;
# the circuit breaker (one file per cache directory) opens, the next automatic
# pull skips the store and says so in `llmcc stats` (remote.skipped), and a
# manual pull that works closes it. A 401/403 on PUT keeps the store read-only,
# across processes.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/servers.bash"
require sqlite3 gcc git nginx redis-server redis-cli curl flock make
export LLMCC_CC=gcc

HTTP_PORT=$(free_port)
start_nginx "$WORK/nginx" "$HTTP_PORT"
REDIS_PORT=$(free_port)
start_redis "$REDIS_PORT"

mkdir -p "$WORK/b/src"
cd "$WORK/b"
git init -q .
for i in 1 2 3 4 5 6; do printf 'int f%d(int x){return x*%d;}\n' "$i" "$i" >"src/t$i.c"; done
printf 'int main(void){return 0;}\n' >src/main.c
printf 'OBJS=t1.o t2.o t3.o t4.o t5.o t6.o main.o\nprog: $(OBJS)\n\t$(CC) $(OBJS) -o prog\n%%.o: src/%%.c\n\t$(CC) -O2 -c $< -o $@\nclean:\n\trm -f *.o prog\n' >Makefile
build() {
  local out
  out=$(make -s CC=llmcc -j2 2>&1) || fail "build failed: $out"
  [[ -x prog ]] || fail "no program"
  make -s clean
}
fresh_db b
LOCK="$LLMCC_DIR/remote-sync.lock" STAMP="$LLMCC_DIR/remote-sync.stamp"
BREAKER="$LLMCC_DIR/remote-breaker.json"
wait_sync() { flock "$LOCK" true; }
stale() { touch -d '1 hour ago' "$STAMP"; }
breaker_failures() { # store
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stores"].get(sys.argv[2],{}).get("failures",0))' "$BREAKER" "$1"
}

# Something to pull, so a pull that gets through has work to do.
printf 'int g(int x){return x+1;}\n' >"$WORK/seed.c"
(
  cd "$WORK" && fresh_db seed && llmcc -O2 -c seed.c -o seed.o
  info=$(llmcc show seed.c --json)
  cfg='{"opt":"-O3","options":[],"pipeline":""}'
  sqlite3 "$LLMCC_DIR/llmcc.db" <<SQL
INSERT OR IGNORE INTO configs(canonical, json) VALUES('$cfg', '$cfg');
INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective,
  config_id, baseline, best, speedup, speedup_low, speedup_high, created)
  VALUES('$(json_get "$info" 'j["tu_key"]')', 'seed.c', 'seed.c', '$(json_get "$info" 'j["compiler"]["id"]')',
  '$(json_get "$info" 'j["host"]')', '$(json_get "$info" 'j["hw_class"]')', 'time',
  (SELECT id FROM configs WHERE canonical='$cfg'), 2.0, 1.6, 1.25, 1.1, 1.4, 100);
SQL
  llmcc cache push --remote "http://127.0.0.1:$HTTP_PORT/team redis://127.0.0.1:$REDIS_PORT" >/dev/null
)

note "nginx killed while the build's pull runs"
export LLMCC_REMOTE="http://127.0.0.1:$HTTP_PORT/team"
make -s CC=llmcc -j2 >"$WORK/killed-build.log" 2>&1 &
build_pid=$!
for _ in $(seq 1 200); do [[ -e "$STAMP" ]] && break; sleep 0.05; done
kill "$(cat "$WORK/nginx/pid")"
wait "$build_pid" || { cat "$WORK/killed-build.log" >&2; fail "the build failed when nginx died"; }
make -s clean
wait_sync
build # and the next one, with nginx gone
wait_sync

note "a hung Redis (kill -STOP) under operation-timeout"
export LLMCC_REMOTE="redis://127.0.0.1:$REDIS_PORT|operation-timeout=500"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
kill -STOP "$REDIS_PID"
stale
SECONDS=0
build
wait_sync
((SECONDS < 20)) || fail "the hung store held the pull for ${SECONDS}s"
assert_eq "$(stat_counter remote.timeout)" "1" "the hang counted as a timeout"
assert_eq "$(breaker_failures "$REDIS_URL")" "1" "the breaker recorded it"
stale
build
wait_sync
assert_eq "$(stat_counter remote.skipped)" "1" "the next automatic pull skipped the open breaker"
assert_eq "$(stat_counter remote.timeout)" "1" "and did not wait for the store again"
kill -CONT "$REDIS_PID"
out=$(llmcc cache pull 2>&1)
assert_contains "$out" "1 winner(s)" "a manual pull tries (and gets through) while the breaker is open"
assert_eq "$(breaker_failures "$REDIS_URL")" "0" "a success closes the breaker"

note "500s and an unreachable port"
start_fault_server f500 --mode status --status 500
F500=$FAULT_PORT
export LLMCC_REMOTE="http://127.0.0.1:$F500/x http://127.0.0.1:1/x"
errors=$(stat_counter remote.error) # the pull nginx died under may have failed, too
stale
build
wait_sync
assert_eq "$(stat_counter remote.error)" "$((errors + 2))" "a 500 and a refused connection"
stale
build
wait_sync
assert_eq "$(stat_counter remote.skipped)" "3" "both skipped by their breakers"
assert_eq "$(stat_counter remote.error)" "$((errors + 2))" "and not tried again"

note "403 on PUT: read-only, remembered by the next process"
RO_PORT=$(free_port)
start_nginx "$WORK/nginx-ro" "$RO_PORT" "limit_except GET { deny all; }"
unset LLMCC_REMOTE
cd "$WORK"
export LLMCC_DIR="$WORK/db-seed"
if out=$(llmcc cache push --remote "http://127.0.0.1:$RO_PORT/x" 2>&1); then fail "a push to a read-only store succeeded"; fi
assert_contains "$out" "HTTP 403" "403 reported"
if out=$(llmcc cache push --remote "http://127.0.0.1:$RO_PORT/x" 2>&1); then fail "the second push succeeded"; fi
assert_contains "$out" "refused a write; used read-only for another" "the next push remembers"
assert_eq "$(stat_counter remote.denied)" "1" "the store was asked once"
assert_eq "$(stat_counter remote.skipped)" "1" "then skipped"
pass "sync faults"
