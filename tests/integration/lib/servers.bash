# Real stores for the sharing tests, sourced after common.bash: nginx (WebDAV,
# with the JSON directory index per-host pulls list), redis-server, and the
# fault server. Each is stopped when the test ends and waited for until it answers.
# Also what the sharing tests share without a server: insert_winner and the
# two-file project (hot_project, build_hot, hot_tu_info).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_for <label> <command...>: until the command succeeds (10 s at most).
wait_for() {
  local i
  for i in $(seq 1 100); do
    "${@:2}" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "$1 did not start"
}

# start_nginx <dir> <port> [extra location rules]: the pid is in <dir>/pid.
start_nginx() {
  mkdir -p "$1/store" "$1/tmp"
  # As root, nginx's workers would run as nobody, who cannot enter $WORK (mode 700).
  local user=""
  [[ $(id -u) == 0 ]] && user="user root;"
  cat >"$1/nginx.conf" <<CONF
$user pid $1/nginx.pid; error_log stderr; events {}
http { access_log off; client_body_temp_path $1/tmp;
  server { listen 127.0.0.1:$2;
    location / { root $1/store; dav_methods PUT DELETE; create_full_put_path on;
                 autoindex on; autoindex_format json; client_max_body_size 16m; ${3:-} } } }
CONF
  nginx -p "$1" -c "$1/nginx.conf" -e stderr -g 'daemon off;' 2>"$1/nginx.log" &
  echo $! >"$1/pid"
  on_exit "kill $(cat "$1/pid") 2>/dev/null"
  wait_for nginx curl -s -o /dev/null "http://127.0.0.1:$2/"
}

# start_redis <port>: sets REDIS_PID.
start_redis() {
  redis-server --bind 127.0.0.1 --port "$1" --save '' --appendonly no >"$WORK/redis-$1.log" 2>&1 &
  REDIS_PID=$!
  on_exit "kill -CONT $REDIS_PID 2>/dev/null; kill $REDIS_PID 2>/dev/null"
  wait_for redis redis-cli -p "$1" ping
}

# start_fault_server <name> <args...>: sets FAULT_PORT (tests/support/fault_store_server.py).
# Not in $(...): the cleanup hook must be registered in the test's own shell.
start_fault_server() {
  local name=$1
  shift
  python3 "$LLMCC_SOURCE_DIR/tests/support/fault_store_server.py" "$@" >"$WORK/$name.port" 2>"$WORK/$name.log" &
  on_exit "kill $! 2>/dev/null"
  wait_for "$name server" test -s "$WORK/$name.port"
  FAULT_PORT=$(cat "$WORK/$name.port")
}

# insert_winner <db> <tu-key> <source-rel> <compiler-id> <host> <class> [config-json [objective]]:
# a winner (default -O3 -funroll-loops, on time) at 1.25x [1.1, 1.4], written as
# tune would store it.
insert_winner() {
  local cfg=${7:-'{"opt":"-O3","options":["-funroll-loops"],"pipeline":""}'} objective=${8:-time}
  sqlite3 "$1" <<SQL
INSERT OR IGNORE INTO configs(canonical, json) VALUES('$cfg', '$cfg');
INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective,
  config_id, baseline, best, speedup, speedup_low, speedup_high, created)
  VALUES('$2', '$3', '${3##*/}', '$4', '$5', '$6', '$objective',
  (SELECT id FROM configs WHERE canonical='$cfg'), 2.0, 1.6, 1.25, 1.1, 1.4, 100);
SQL
}

# hot_project DIR: the two-file C program the sharing tests tune and share
# (src/hot.c, src/main.c), under git in DIR; build_hot builds it through llmcc
# in the current directory and checks its output; hot_tu_info sets key, cid,
# host and class from `llmcc show src/hot.c`.
hot_project() {
  mkdir -p "$1/src"
  git -C "$1" init -q .
  printf 'int f(int x){int s=0;for(int i=0;i<x;i++)s+=i*i;return s;}\n' >"$1/src/hot.c"
  printf '#include <stdio.h>\nint f(int);\nint main(void){printf("%%d\\n",f(100));return 0;}\n' >"$1/src/main.c"
}
build_hot() {
  llmcc -O2 -c src/hot.c -o hot.o
  llmcc -O2 -c src/main.c -o main.o
  llmcc hot.o main.o -o prog
  assert_eq "$(./prog)" "328350" "program output"
}
hot_tu_info() {
  local info
  info=$(llmcc show src/hot.c --json)
  key=$(json_get "$info" 'j["tu_key"]') cid=$(json_get "$info" 'j["compiler"]["id"]')
  host=$(json_get "$info" 'j["host"]') class=$(json_get "$info" 'j["hw_class"]')
}
# tuning_host DIR: the tuning host of the sharing tests: hot_project in DIR
# (the current directory afterwards), state directory "a", a planted winner for
# hot.c, built; its tuned object is $WORK/tuned-hot.o and key, cid, host and
# class are set.
tuning_host() {
  hot_project "$1"
  cd "$1" || fail "cannot enter $1"
  fresh_db a
  build_hot
  hot_tu_info
  insert_winner "$LLMCC_DIR/llmcc.db" "$key" src/hot.c "$cid" "$host" "$class"
  build_hot
  cp hot.o "$WORK/tuned-hot.o"
}
