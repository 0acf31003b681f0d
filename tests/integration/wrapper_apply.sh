#!/usr/bin/env bash
# A config in the database is applied to exactly its TU (visible in `llmcc show`
# and in the compile command), replacing only the optimisation part; hostile
# configs are rejected with a warning while the compile still succeeds.
source "$(dirname "$0")/lib/common.bash"
command -v sqlite3 >/dev/null || skip "sqlite3 missing"
command -v gcc >/dev/null || skip "gcc missing"
cd "$WORK"
export LLMCC_CC=$(make_logging_compiler fakecc gcc)
mkdir -p src && git init -q . # the checkout root: source paths are keyed relative to it
printf 'int f(int x){int s=0;for(int i=0;i<x;i++)s+=i;return s;}\n' > src/hot.c
printf '#include <stdio.h>\nint f(int);\nint main(void){printf("%%d\\n",f(100));return 0;}\n' > src/main.c

build() {
  : > "$WORK/fakecc.log"
  llmcc -O2 -g -DKEEP=1 -Wall -fno-strict-aliasing -c src/hot.c -o hot.o 2>"$WORK/warn.txt"
  llmcc -O2 -c src/main.c -o main.o
  llmcc hot.o main.o -o prog
  assert_eq "$(./prog)" "4950" "program output"
}
build
info=$(llmcc show src/hot.c --json)
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))" "$info" "$1"; }
key=$(field 'd["tu_key"]') cid=$(field 'd["compiler"]["id"]') host=$(field 'd["host"]')
class=$(field 'd["hw_class"]') rel=$(field 'd["source_rel"]')
assert_eq "$rel" "src/hot.c" "project-relative source"
assert_eq "$(field 'd["how"]')" "none" "no winner yet"

put_winner() { # $1 = config JSON
  sqlite3 "$LLMCC_DIR/llmcc.db" <<SQL
DELETE FROM winners;
INSERT OR IGNORE INTO configs(canonical, json) VALUES('$1', '$1');
INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective,
  config_id, speedup, speedup_low, speedup_high, created)
  VALUES('$key', 'src/hot.c', 'hot.c', '$cid', '$host', '$class', 'time',
  (SELECT id FROM configs WHERE canonical='$1'), 1.2, 1.1, 1.3, 1);
SQL
}

# A good config: applied to hot.c only, replacing -O2, keeping -g, -D, -W and the
# user's semantic flag.
put_winner '{"opt":"-O3","options":["-funroll-loops"],"pipeline":""}'
build
hot_cmd=$(grep 'src/hot.c' "$WORK/fakecc.log" | grep -v -- ' -E ')
main_cmd=$(grep 'src/main.c' "$WORK/fakecc.log")
assert_contains "$hot_cmd" "-O3" "tuned opt level"
assert_contains "$hot_cmd" "-funroll-loops" "tuned flag"
assert_not_contains "$hot_cmd" "-O2" "user opt level replaced"
for keep in -g -DKEEP=1 -Wall -fno-strict-aliasing "-o hot.o"; do assert_contains "$hot_cmd" "$keep" "kept $keep"; done
assert_not_contains "$main_cmd" "-funroll-loops" "other TU untouched"
assert_contains "$main_cmd" "-O2" "other TU keeps its flags"
show=$(llmcc show src/hot.c)
assert_contains "$show" "-O3 -funroll-loops (exact match)" "llmcc show"
assert_eq "$(stat_counter compile.tuned)" "1" "tuned compiles"

# Hostile configs from a tampered database: rejected, warned about, compile fine.
for bad in '"-fplugin=/tmp/evil.so"' '"-B/tmp"' '"@/etc/passwd"' '"-o x"' '"-mllvm -load=/tmp/x.so"' \
           '"-I/etc"' '"-D__EVIL__"' '"-Xlinker"' '"-fno-unroll-loops; rm -rf /"' '"-specs=/tmp/x"' \
           '"-wrapper /bin/sh"' '"-include /etc/passwd"' '"-fpass-plugin=/tmp/x.so"'; do
  put_winner "{\"opt\":\"-O3\",\"options\":[$bad],\"pipeline\":\"\"}"
  build
  hot_cmd=$(grep 'src/hot.c' "$WORK/fakecc.log" | grep -v -- ' -E ')
  assert_contains "$(cat "$WORK/warn.txt")" "ignoring the stored config" "warning for $bad"
  assert_not_contains "$hot_cmd" "-O3" "hostile config $bad not applied"
  assert_contains "$hot_cmd" "-O2" "plain flags for $bad"
  bare=${bad//\"/}
  assert_not_contains "$hot_cmd" "$bare" "$bad on the command line"
done
assert_eq "$(llmcc show src/hot.c --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["how"])')" "rejected" "show says rejected"
rejected=$(stat_counter fallback.config_rejected)
[[ $rejected -ge 13 ]] || fail "fallback.config_rejected = $rejected"

# A tuned compile that fails (say, a compiler upgrade dropped a flag) falls back to
# the user's own command: the build does not break.
cat > "$WORK/fakebin/picky" <<SH
#!/bin/sh
case "\$*" in *max-unroll-times*) echo "picky: unknown parameter" >&2; exit 1;; esac
exec $(command -v gcc) "\$@"
SH
chmod +x "$WORK/fakebin/picky"
export LLMCC_CC="$WORK/fakebin/picky"
build
put_winner '{"opt":"-O3","options":["--param=max-unroll-times=8"],"pipeline":""}'
# The compiler identity changed (another binary): re-read the key for it.
info=$(llmcc show src/hot.c --json)
key=$(field 'd["tu_key"]') cid=$(field 'd["compiler"]["id"]')
put_winner '{"opt":"-O3","options":["--param=max-unroll-times=8"],"pipeline":""}'
build
assert_contains "$(cat "$WORK/warn.txt")" "compiling with the original flags" "fallback warning"
assert_eq "$(stat_counter fallback.tuned_compile_failed)" "1" "fallback counted"
pass "config applied to exactly its TU; 13 hostile configs rejected; builds never broke"
