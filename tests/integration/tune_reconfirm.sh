#!/usr/bin/env bash
# llmcc tune --reconfirm: a bundle brings two winners to a fresh database (a
# teammate's checkout elsewhere): kernel.c's, tuned for real, which holds, and
# checksum.c's, whose config builds the plain object (1.000x), which does not.
# With --objective instructions (callgrind) the verdicts cannot flake. The one
# that holds stays, marked confirmed on this machine; the other is dropped with
# its re-measurement kept as a trial; a second --reconfirm has nothing to do.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/servers.bash"
require valgrind gcc make sqlite3
export LLMCC_CC=gcc
export COLUMNS=400 # progress lines whole, not wrapped at 80 columns

w="$WORK/make-c" && cp -r "$EXAMPLES/make-c" "$w" && cd "$w"
fresh_db a
run_quiet make -s CC=llmcc
run_quiet llmcc tune --build-dir . --bench "./makec_demo 3" --objective instructions --budget 8 --tu kernel.c -q
DB_A="$LLMCC_DIR/llmcc.db"
assert_eq "$(sqlite3 "$DB_A" 'SELECT source_rel FROM winners')" "kernel.c" "the tuned winner"
info=$(llmcc show checksum.c --json)
key=$(json_get "$info" 'j["tu_key"]') cid=$(json_get "$info" 'j["compiler"]["id"]')
host=$(json_get "$info" 'j["host"]') class=$(json_get "$info" 'j["hw_class"]')
insert_winner "$DB_A" "$key" checksum.c "$cid" otherhost "$class" '{"opt":"-O2","options":[],"pipeline":""}' instructions
out=$(llmcc cache export -o "$WORK/team.llmcc")
assert_contains "$out" "exported 2 winner(s)" "export"

# The teammate: another checkout, a fresh database, the bundle imported.
wb="$WORK/make-c-b" && cp -r "$EXAMPLES/make-c" "$wb" && cd "$wb"
fresh_db b
DB_B="$LLMCC_DIR/llmcc.db"
run_quiet llmcc cache import "$WORK/team.llmcc"
assert_eq "$(sqlite3 "$DB_B" "SELECT source_rel || ' ' || origin FROM winners ORDER BY source_rel" | tr '\n' ,)" \
  "checksum.c bundle,kernel.c bundle," "imported winners"
assert_contains "$(llmcc explain checksum.c)" "not re-measured on this machine" "explain before --reconfirm"
run_quiet make -s CC=llmcc

out=$(llmcc tune --reconfirm --build-dir . --bench "./makec_demo 3" --objective instructions 2>&1) ||
  fail "tune --reconfirm failed: $out"
assert_contains "$out" "[kernel.c] confirmed: holds on this machine: " "kernel.c holds"
assert_contains "$out" "; kept, confirmed here" "kernel.c holds"
assert_contains "$out" \
  "[checksum.c] dropped: does not hold on this machine: 1.000x [1.000, 1.000] (needs > 1.001x); dropped, its re-measurement kept as a trial" \
  "checksum.c does not"
assert_eq "$(sqlite3 "$DB_B" 'SELECT source_rel FROM winners')" "kernel.c" "only kernel.c's winner stays"
assert_eq "$(sqlite3 "$DB_B" "SELECT verdict FROM trials WHERE planner='confirm' ORDER BY source" | tr '\n' ,)" \
  "not_confirmed,ok," "both re-measurements kept, checksum.c then kernel.c"
explained=$(llmcc explain kernel.c)
assert_contains "$explained" "confirmed on this machine (" "explain after --reconfirm"
assert_not_contains "$explained" "not re-measured" "explain after --reconfirm"
out=$(llmcc explain checksum.c 2>&1) && fail "checksum.c still has a winner: $out"

# Nothing left to re-measure.
out=$(llmcc tune --reconfirm --build-dir . --bench "./makec_demo 3" --objective instructions 2>&1) &&
  fail "a second --reconfirm succeeded: $out"
assert_contains "$out" "nothing to re-measure" "second --reconfirm"
pass "tune --reconfirm keeps the imported winner that holds and drops the one that does not"
