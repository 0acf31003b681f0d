#!/usr/bin/env bash
# Pull throughput from Redis and nginx (WebDAV): a database with N winners for
# this host's hardware class is pushed once, then pulled into fresh state
# directories, timed (winners/s). Starts its own redis-server and nginx on free
# ports, as tests/integration/cache_remote.sh does, and stops them.
# usage: bench/pull_throughput.sh BINDIR N [ROUNDS]
set -euo pipefail
bin=$(cd "$1" && pwd) n=$2 rounds=${3:-3}
export PATH="$bin:$PATH" LLMCC_CC=gcc
work=$(mktemp -d /tmp/llmcc-pull.XXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "$1 did not start" >&2; exit 1; }

rport=$(free_port) hport=$(free_port)
redis-server --bind 127.0.0.1 --port "$rport" --save '' --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)
mkdir -p "$work/nginx/store" "$work/nginx/tmp"
user=""; [[ $(id -u) == 0 ]] && user="user root;"
cat >"$work/nginx/nginx.conf" <<CONF
$user pid $work/nginx/nginx.pid; error_log stderr; events {}
http { access_log off; client_body_temp_path $work/nginx/tmp;
  server { listen 127.0.0.1:$hport;
    location / { root $work/nginx/store; dav_methods PUT DELETE; create_full_put_path on; client_max_body_size 512m;
      autoindex on; autoindex_format json; } } }
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e stderr -g 'daemon off;' 2>"$work/nginx/log" &
pids+=($!)
wait_for redis-cli -p "$rport" ping
wait_for curl -s -o /dev/null "http://127.0.0.1:$hport/"

# The source database: one real compile (a compiler identity and this host), then N winners.
cd "$work" && printf 'int f(int x){return x+1;}\n' >a.c
export LLMCC_DIR="$work/src"
llmcc -O2 -c a.c -o a.o
info=$(llmcc show a.c --json)
get() { python3 -c "import json,sys; print(json.loads(sys.argv[1])$1)" "$info"; }
cid=$(get '["compiler"]["id"]') host=$(get '["host"]') class=$(get '["hw_class"]')
cfg='{"opt":"-O3","options":["-funroll-loops"],"pipeline":""}'
sqlite3 "$LLMCC_DIR/llmcc.db" <<SQL
INSERT INTO configs(canonical, json) VALUES('$cfg', '$cfg');
WITH RECURSIVE i(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM i WHERE k + 1 < $n)
INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective, config_id,
  baseline, best, speedup, speedup_low, speedup_high, trials, created)
SELECT printf('%032x', k), printf('src/d%d/f%d.c', k % 100, k), printf('f%d.c', k), '$cid', '$host', '$class',
  'time', 1, 2.0, 1.6, 1.25, 1.2, 1.3, 10, 100 FROM i;
SQL
for store in "redis://127.0.0.1:$rport" "http://127.0.0.1:$hport/llmcc"; do
  llmcc cache push --remote "$store" >/dev/null
  for r in $(seq 1 "$rounds"); do
    export LLMCC_DIR="$work/dst-$r-${store%%:*}"
    llmcc -O2 -c a.c -o a.o # the compiler identity, as a teammate's first build records it
    t0=$(date +%s.%N)
    llmcc cache pull --remote "$store" >"$work/pull.out"
    t1=$(date +%s.%N)
    got=$(sqlite3 "$LLMCC_DIR/llmcc.db" 'SELECT COUNT(*) FROM winners')
    python3 -c "import sys; n, t = int(sys.argv[1]), float(sys.argv[3]) - float(sys.argv[2]); print(f'{sys.argv[4]} round {sys.argv[5]}: {n} winners in {t:.2f} s = {n / t:,.0f} winners/s')" \
      "$got" "$t0" "$t1" "${store%%:*}" "$r"
    [[ $got == "$n" ]] || { echo "pulled $got of $n winners: $(cat "$work/pull.out")" >&2; exit 1; }
  done
done
export LLMCC_DIR="$work/src"
echo "source database: $(stat -c %s "$work/src/llmcc.db") bytes for $n winners"
