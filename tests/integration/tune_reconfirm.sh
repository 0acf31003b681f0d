#!/usr/bin/env bash
# llmcc tune --reconfirm: a bundle brings two winners to a fresh database (a
# teammate's checkout elsewhere): kernel.c's, tuned for real, which holds, and
# checksum.c's, whose config builds the plain object (1.000x), which does not.
# With --objective instructions (callgrind) the verdicts cannot flake. The one
# that holds stays, marked confirmed on this machine; the other is dropped with
# its re-measurement kept as a trial; a second --reconfirm has nothing to do.
# The drop is recorded: pulls (from a file: store) and imports skip that winner,
# but not another config for the TU; forget and cache clear end the record.
# B had pushed both winners before the drop (to a file: store and a real
# Redis): its next push withdraws the dropped one from its entry, so a fresh
# state directory pulls only kernel.c.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/servers.bash"
require valgrind gcc make sqlite3 redis-server redis-cli
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
REDIS_PORT=$(free_port)
start_redis "$REDIS_PORT"
b_stores=("file:$WORK/store-b" "redis://127.0.0.1:$REDIS_PORT/2")
for s in "${b_stores[@]}"; do
  assert_eq "$(llmcc cache push --remote "$s")" "$s: pushed, 2 winner(s) stored" "B serves both before --reconfirm"
done

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
why="does not hold on this machine: 1.000x [1.000, 1.000] (needs > 1.001x)"
assert_contains "$out" "dropped:    -O2 on instructions: $why (llmcc tune --reconfirm session " "explain names the drop"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.tuning.db" "SELECT source_rel || '|' || objective || '|' || canonical || '|' ||
  reason || '|' || (session_id > 0) FROM rejections")" \
  'checksum.c|instructions|{"opt":"-O2","options":[],"pipeline":""}|'"$why|1" "the drop is recorded once"

note "a push withdraws what this host dropped"
for s in "${b_stores[@]}"; do
  assert_eq "$(llmcc cache push --remote "$s")" "$s: pushed, 1 winner(s) stored; 1 dropped winner withdrawn" \
    "$s: the push withdraws checksum.c"
  fresh="$WORK/db-fresh-${s%%:*}"
  out=$(LLMCC_DIR="$fresh" llmcc cache pull --remote "$s" 2>&1)
  assert_contains "$out" "$s: 1 winner(s): added 1, replaced 0, skipped 0, rejected 0" "$s: a fresh pull gets one"
  assert_eq "$(sqlite3 "$fresh/llmcc.db" 'SELECT source_rel FROM winners')" "kernel.c" \
    "$s: the fresh state directory has kernel.c only"
  assert_eq "$(llmcc cache push --remote "$s")" "$s: pushed, 1 winner(s) stored" "$s: nothing more to withdraw"
done

# Nothing left to re-measure.
out=$(llmcc tune --reconfirm --build-dir . --bench "./makec_demo 3" --objective instructions 2>&1) &&
  fail "a second --reconfirm succeeded: $out"
assert_contains "$out" "nothing to re-measure" "second --reconfirm"

# The drop is remembered: the same winner arriving again is skipped by a pull
# (manual, dry run, automatic), and by an import of the bundle it came in.
note "a pull brings back nothing this host dropped"
shared="file:$WORK/shared"
(cd "$w" && LLMCC_DIR="$WORK/db-a" llmcc cache push --remote "$shared" >/dev/null) || fail "push from A"
counts="added 0, replaced 0, skipped 2 (1 dropped on this host by tune --reconfirm), rejected 0"
skipped_line="  skipped checksum.c: dropped on this host by tune --reconfirm: -O2 on instructions: $why"
out=$(llmcc cache pull --remote "$shared" --dry-run 2>&1)
assert_contains "$out" "$shared: 2 winner(s): dry run: would have $counts" "dry-run pull"
out=$(llmcc cache pull --remote "$shared" 2>&1)
assert_contains "$out" "$shared: 2 winner(s): $counts" "pull skips the dropped winner"
assert_contains "$out" "$skipped_line (llmcc tune --reconfirm session " "pull says why"
run_quiet llmcc cache pull --remote "$shared" --background # what the automatic sync runs
assert_eq "$(sqlite3 "$DB_B" 'SELECT source_rel FROM winners')" "kernel.c" "no pull brought checksum.c back"
shown=$(llmcc show checksum.c)
assert_contains "$shown" "config:    none (compiled exactly as recorded)" "show: no winner for checksum.c"
assert_contains "$shown" "dropped:   -O2 on instructions: $why" "show names the drop"
out=$(llmcc cache import "$WORK/team.llmcc" 2>&1 | tail -n +2) # after the bundle's provenance line
assert_contains "$out" "$counts" "import skips the dropped winner"
assert_contains "$out" "$skipped_line" "import says why"
assert_eq "$(sqlite3 "$DB_B" 'SELECT source_rel FROM winners')" "kernel.c" "no import brought checksum.c back"

note "another config for the same TU is accepted"
o1='{"opt":"-O1","options":[],"pipeline":""}'
insert_winner "$DB_A" "$key" checksum.c "$cid" thirdhost "$class" "$o1" instructions
(cd "$w" && LLMCC_DIR="$WORK/db-a" llmcc cache export -o "$WORK/team2.llmcc" >/dev/null) || fail "export from A"
out=$(llmcc cache import "$WORK/team2.llmcc" 2>&1 | tail -n +2)
assert_contains "$out" "added 1, replaced 0, skipped 2 (1 dropped on this host by tune --reconfirm), rejected 0" \
  "the -O1 winner comes in, the -O2 one does not"
assert_eq "$(sqlite3 "$DB_B" "SELECT source_rel || ' ' || host_fp FROM winners WHERE source_rel='checksum.c'")" \
  "checksum.c thirdhost" "the other config is stored"
explained=$(llmcc explain checksum.c) || fail "explain checksum.c: $explained"
assert_contains "$explained" "config:     -O1" "explain shows the accepted winner"
assert_contains "$explained" "dropped:    -O2 on instructions: $why" "explain still names the drop"

note "forget and cache clear end the record"
out=$(llmcc forget checksum.c)
assert_contains "$out" "forgot checksum.c: -O1 " "forget drops the winner"
assert_contains "$out" "forgot that checksum.c was dropped here: -O2 on instructions: $why" "forget drops the record"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.tuning.db" 'SELECT COUNT(*) FROM rejections')" "0" "no record after forget"
out=$(llmcc cache import "$WORK/team.llmcc" 2>&1 | tail -n +2)
assert_contains "$out" "added 1, replaced 0, skipped 1, rejected 0" "after forget the -O2 winner comes in again"
o2='{"opt":"-O2","options":[],"pipeline":""}'
sqlite3 "$LLMCC_DIR/llmcc.tuning.db" "INSERT INTO rejections VALUES('$key', '$cid', '$class', 'instructions', '$o2',
  '$o2', 'checksum.c', 1.0, 1.0, 1.0, 'planted', 9, 100)"
assert_eq "$(llmcc cache clear --winners --yes)" "cleared: winners" "cache clear --winners"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.tuning.db" 'SELECT COUNT(*) FROM rejections')" "0" "no record after cache clear"
pass "tune --reconfirm keeps the imported winner that holds and drops the one that does not, for good"
