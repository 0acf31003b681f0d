#!/usr/bin/env bash
# 64 wrapper processes at once on one database: no compile fails, no record is lost
# (records that meet a busy database are spooled and ingested later).
source "$(dirname "$0")/lib/common.bash"
command -v cc >/dev/null || skip "no cc"
cd "$WORK"
N=64
for i in $(seq 1 $N); do printf 'int f%d(int x){return x*%d;}\n' "$i" "$i" > "u$i.c"; done
llmcc -O2 -c u1.c -o warm.o # creates the database and the compiler identity
pids=()
for i in $(seq 1 $N); do
  llmcc -O2 -c "u$i.c" -o "u$i.o" 2>"err$i.txt" &
  pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
assert_eq "$failed" "0" "failed compiles"
for i in $(seq 1 $N); do [[ -s "u$i.o" ]] || fail "u$i.o missing"; done
compiles=$(stat_field captured_compiles)
assert_eq "$compiles" "$((N + 1))" "captured compiles (incl. spooled)"
assert_eq "$(stat_counter compile.plain)" "$((N + 1))" "compile.plain"
spooled=$(stat_counter capture.spooled)
# And again, with links: 64 concurrent links.
pids=()
for i in $(seq 1 $N); do
  printf 'int main(void){return 0;}\n' > "m$i.c"
  llmcc -O2 "m$i.c" -o "m$i" 2>>err_links.txt &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a link failed: $(cat err_links.txt)"; done
assert_eq "$(stat_counter link)" "$N" "links recorded"
[[ -z "$(ls "$LLMCC_DIR/spool"/*.json 2>/dev/null)" ]] || fail "spool not drained"
pass "$N concurrent compiles and $N links: none failed, none lost ($spooled spooled)"
