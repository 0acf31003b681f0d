#!/usr/bin/env bash
# Transfer by code features: `llmcc similar` lists the tuned TUs nearest to a
# source with their winners, and tuning that source tries the winners of the
# neighbours nearer than tuner/transfer.h's kSimilarDistance after the planner's
# core known-good seeds (each one screened like any trial); a far neighbour's
# winner is no seed.
source "$(dirname "$0")/lib/common.bash"
require gcc sqlite3 python3 valgrind
[[ -f "$LLMCC_BIN_DIR/llmcc_features.so" ]] || skip "the GCC feature plugin was not built (gcc-12-plugin-dev)"
export LLMCC_CC=gcc
DATA="$LLMCC_SOURCE_DIR/tests/integration/data/features"
cd "$WORK" && mkdir proj && cd proj
cat > k.c <<'C'
int k(int n, int m, const int *a) {
  int s = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++)
      s += a[i * m + j] * 3;
  return s;
}
C
printf '#include <stdio.h>\nint k(int,int,const int*);\nstatic int a[1000];\nint main(void){for(int i=0;i<1000;i++)a[i]=i;printf("%%d\\n",k(10,100,a));return 0;}\n' > main.c
printf 'prog: main.o k.o\n\t$(CC) -o $@ main.o k.o\n%%.o: %%.c\n\t$(CC) -O2 -c $< -o $@\n' > Makefile
make -s CC=llmcc
# Two tuned TUs elsewhere in the database: a nested loop like k.c and a switch.
cp "$DATA/loop2.c" "$DATA/switchy.c" .
llmcc gcc -O2 -c loop2.c -o loop2.o && llmcc gcc -O2 -c switchy.c -o switchy.o
db="$LLMCC_DIR/llmcc.db"
winner() { # <source> <opt> <option> <speedup>
  local show key compiler host cls canon
  show=$(llmcc show "$1" --json)
  key=$(json_get "$show" 'j["tu_key"]') compiler=$(json_get "$show" 'j["compiler"]["id"]')
  host=$(json_get "$show" 'j["host"]') cls=$(json_get "$show" 'j["hw_class"]')
  canon="{\"opt\":\"$2\",\"options\":[\"$3\"],\"pipeline\":\"\"}"
  llmcc features "$1" >/dev/null || fail "features of $1"
  sqlite3 "$db" "INSERT OR IGNORE INTO configs(canonical, json) VALUES('$canon', '$canon');
    INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective, config_id,
      speedup, speedup_low, speedup_high, created)
    VALUES('$key', '$1', '$1', '$compiler', '$host', '$cls', 'size',
      (SELECT id FROM configs WHERE canonical='$canon'), $4, $4, $4, 1)" || fail "inserting a winner"
}
winner loop2.c -O1 -funroll-loops 1.2
winner switchy.c -Os -fpeel-loops 1.5

near=$(llmcc similar k.c --objective size --json) || fail "llmcc similar"
assert_eq "$(json_get "$near" '[n["source_rel"] for n in j]')" "['loop2.c', 'switchy.c']" "nearest first"
assert_eq "$(json_get "$near" '[w["config"] for n in j for w in n["winners"]]')" \
  "['-O1 -funroll-loops', '-Os -fpeel-loops']" "their winners"
assert_eq "$(json_get "$near" 'j[0]["distance"] < j[1]["distance"]')" "True" "distances in order"
assert_eq "$(llmcc similar k.c --objective time)" "no tuned TU of gcc on $(json_get "$(llmcc show k.c --json)" 'j["hw_class"]') for time has features yet" \
  "no winner for another objective"
table=$(llmcc similar k.c --objective size -k 1)
assert_contains "$table" "loop2.c" "-k 1: the nearest"
assert_not_contains "$table" "switchy.c" "-k 1: only the nearest"
pass "llmcc similar"

assert_eq "$(json_get "$near" '[round(n["distance"], 2) for n in j]')" "[0.08, 1.53]" "loop2.c is near, switchy.c far"
llmcc tune --build-dir . --bench ./prog --tu k.c --objective size --budget 8 >"$WORK/tune.log" 2>&1 ||
  fail "tune: $(tail -5 "$WORK/tune.log")"
seeds=$(sqlite3 "$db" "SELECT c.canonical FROM trials t JOIN configs c ON c.id=t.config_id
  WHERE t.source LIKE '%/k.c' AND t.operator='seed' ORDER BY t.id")
# The five core size seeds (-O2 is the baseline, not proposed), then loop2.c's
# winner; switchy.c's -Os -fpeel-loops never.
assert_eq "$seeds" '{"opt":"-Os","options":[],"pipeline":""}
{"opt":"-Oz","options":[],"pipeline":""}
{"opt":"-Os","options":["-march=native"],"pipeline":""}
{"opt":"-O1","options":[],"pipeline":""}
{"opt":"-O1","options":["-funroll-loops"],"pipeline":""}' \
  "the near neighbour's winner after the core known-good seeds; the far one's is no seed"
assert_eq "$(sqlite3 "$db" "SELECT COUNT(*) FROM tus WHERE source_rel='k.c' AND features_json IS NOT NULL")" "1" "tuning stored k.c's features"
pass "tuning seeds from the neighbours' winners"
