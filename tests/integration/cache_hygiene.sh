#!/usr/bin/env bash
# Cache hygiene: `llmcc cache stats` counts what the database holds, `gc` drops
# old trial history and winners of compilers no longer installed (listing, not
# dropping, the pulled ones; with the records of winners --reconfirm dropped for
# them) and fits a size, `clear` needs --yes, `vacuum`
# shrinks the files. The tuner's tables live in llmcc.tuning.db: a corrupt one
# is a clear error in tool commands and never touches a compile.
source "$(dirname "$0")/lib/common.bash"
require sqlite3 gcc
export LLMCC_CC=gcc

cd "$WORK"
printf 'int f(int x){return x+1;}\n' >a.c
llmcc -O2 -c a.c -o a.o
db="$LLMCC_DIR/llmcc.db" tdb="$LLMCC_DIR/llmcc.tuning.db"
[[ -f $db && -f $tdb ]] || fail "the first compile did not create both files: $(ls "$LLMCC_DIR")"
# The compile path's file holds only what a compile reads.
assert_eq "$(command sqlite3 "$db" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type='table' ORDER BY name)")" \
  "commands compilers configs stats winners" "tables of llmcc.db"
assert_eq "$(command sqlite3 "$tdb" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type='table' ORDER BY name)")" \
  "hosts llm_cache meta native_targets profiles rejections sessions trials tus" "tables of llmcc.tuning.db"

info=$(llmcc show a.c --json)
cid=$(json_get "$info" 'j["compiler"]["id"]')
version=$(json_get "$info" 'j["compiler"]["version"]')
now=$(date +%s) old=$(( $(date +%s) - 40 * 86400 ))
sqlite3 "$db" <<SQL
INSERT INTO configs(id, canonical, json) VALUES(100, 'c', '{"opt":"-O3","options":[],"pipeline":""}');
INSERT INTO compilers(id, path, mtime_ns, size, family, version, target, binary_hash, version_text, created)
  VALUES('gone0000000000', '$WORK/gone/gcc', 1, 1, 'gcc', '9.9.9', 'x86_64-linux-gnu', 'h', 'gcc 9.9.9', 1);
INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective, config_id, origin, created)
  VALUES('k1', 'here.c', 'here.c', '$cid', 'h', 'class-a', 'time', 100, 'local', 1),
        ('k2', 'old_local.c', 'old_local.c', 'gone0000000000', 'h', 'class-a', 'time', 100, 'local', 1),
        ('k3', 'old_pulled.c', 'old_pulled.c', 'gone0000000000', 'h', 'class-b', 'time', 100, 'remote', 1),
        ('k4', 'old_bundle.c', 'old_bundle.c', 'gone0000000000', 'h', 'class-b', 'time', 100, 'bundle', 1);
INSERT INTO sessions(id, state, build_dir, args_json, created, updated)
  VALUES(1, 'done', '/b', '{}', $old, $old), (2, 'done', '/b', '{}', $old, $old), (3, 'done', '/b', '{}', $now, $now);
INSERT INTO trials(session_id, tu_key, source, config_id, planner, operator, verdict, objective, created)
  VALUES(1, 'k1', 'a.c', 100, 'builtin', 'seed', 'ok', 'time', $old), (1, 'k1', 'a.c', 100, 'builtin', 'seed', 'ok', 'time', $old),
        (2, 'k1', 'a.c', 100, 'builtin', 'seed', 'ok', 'time', $old), (2, 'k1', 'a.c', 100, 'builtin', 'seed', 'ok', 'time', $old),
        (3, 'k1', 'a.c', 100, 'builtin', 'seed', 'ok', 'time', $now), (3, 'k1', 'a.c', 100, 'builtin', 'seed', 'ok', 'time', $now);
INSERT INTO llm_cache(prompt_hash, model, request_json, response_text, created)
  VALUES('p-old', 'm', '{}', 'r', $old), ('p-new', 'm', '{}', 'r', $now);
SQL
# Records of winners tune --reconfirm dropped: the removed compiler's go with it.
o2='{"opt":"-O2","options":[],"pipeline":""}'
sqlite3 "$tdb" "INSERT INTO rejections VALUES
  ('k5', 'gone0000000000', 'class-a', 'instructions', '$o2', '$o2', 'dropped_old.c', 1.0, 1.0, 1.0, 'planted', 3, $now),
  ('k6', '$cid', 'class-a', 'instructions', '$o2', '$o2', 'dropped_here.c', 1.0, 1.0, 1.0, 'planted', 3, $now)"

here="gcc $version (${cid:0:12})"
gone="gcc 9.9.9 (gone00000000)"
# format_table pads each column to its widest cell plus two spaces.
table=$(python3 - "$here" "$gone" <<'PY'
import sys
rows = [["hw class", "compiler", "origin", "winners"], ["class-a", sys.argv[1], "local", "1"],
        ["class-a", sys.argv[2], "local", "1"], ["class-b", sys.argv[2], "bundle", "1"], ["class-b", sys.argv[2], "remote", "1"]]
rows = [rows[0]] + sorted(rows[1:], key=lambda r: (r[0], r[1], r[2]))
w = [max(len(r[i]) for r in rows) for i in range(4)]
print("\n".join("".join(c + " " * (w[i] - len(c) + 2) if i < 3 else c for i, c in enumerate(r)) for r in rows))
PY
)
stats=$(llmcc cache stats)
assert_eq "$(grep -v '^files: ' <<<"$stats")" "winners: 4
$table
trial history: 3 session(s), 6 trial(s)
profiles: 0, LLM replies: 2, captured commands: 1" "cache stats"
[[ $(grep '^files: ' <<<"$stats") =~ ^files:\ $db\ [0-9]+\ bytes,\ $tdb\ [0-9]+\ bytes\ \(with\ their\ WAL\)$ ]] ||
  fail "cache stats files line: $stats"

counts() { sqlite3 "$db" "SELECT (SELECT COUNT(*) FROM winners) || ' ' || (SELECT COUNT(*) FROM sessions) || ' ' ||
  (SELECT COUNT(*) FROM trials) || ' ' || (SELECT COUNT(*) FROM llm_cache)"; }
assert_eq "$(counts)" "4 3 6 2" "before gc"

expected_gc() { # verb
  echo "older than 30 day(s): $1 2 session(s) with 4 trial(s), 1 LLM reply(ies)
compilers no longer installed: $1 2 winner(s)
  old_bundle.c  $gone  class-b  bundle
  old_local.c  $gone  class-a  local
compilers no longer installed: $1 1 record(s) of winners tune --reconfirm dropped here
  dropped_old.c  $gone  class-a  -O2 on instructions
kept 1 winner(s) of compilers no longer installed: pulled from a remote store, which still serves them (llmcc forget drops one here; delete it from the store to drop it for everyone)
  old_pulled.c  $gone  class-b  remote"
}
out=$(llmcc cache gc --max-age 30 --dry-run)
assert_eq "$(grep -v '^in use: ' <<<"$out")" "dry run: nothing is changed
$(expected_gc 'would drop')" "gc --dry-run"
assert_eq "$(counts)" "4 3 6 2" "gc --dry-run changed nothing"

out=$(llmcc cache gc --max-age 30d)
assert_eq "$(grep -v '^in use: ' <<<"$out")" "$(expected_gc dropped)" "gc --max-age"
[[ $(grep '^in use: ' <<<"$out") =~ ^in\ use:\ [0-9]+\ -\>\ [0-9]+\ bytes\;\ files:\ [0-9]+\ -\>\ [0-9]+\ bytes$ ]] || fail "gc sizes: $out"
assert_eq "$(counts)" "2 1 2 1" "after gc --max-age"
assert_eq "$(sqlite3 "$tdb" 'SELECT source_rel FROM rejections')" "dropped_here.c" "the drop records gc kept"
assert_eq "$(sqlite3 "$db" "SELECT group_concat(source_rel, ' ') FROM (SELECT source_rel FROM winners ORDER BY source_rel)")" \
  "here.c old_pulled.c" "the winners gc kept"

# A size no database fits: every trial and reply goes, winners stay, and gc says so.
out=$(llmcc cache gc --max-size 1)
assert_eq "$(grep -v '^in use: ' <<<"$out")" "compilers no longer installed: dropped 0 winner(s)
compilers no longer installed: dropped 0 record(s) of winners tune --reconfirm dropped here
kept 1 winner(s) of compilers no longer installed: pulled from a remote store, which still serves them (llmcc forget drops one here; delete it from the store to drop it for everyone)
  old_pulled.c  $gone  class-b  remote
over 1 bytes: dropped 1 session(s) with 2 trial(s), 1 LLM reply(ies)
still over 1 bytes: only winners are left, and gc never drops a winner for size" "gc --max-size"
assert_eq "$(counts)" "2 0 0 0" "after gc --max-size"
out=$(llmcc cache gc --max-size 10X 2>&1) && fail "gc took a bad size"
assert_eq "$out" "llmcc: error: --max-size 10X: not a size (bytes, or with K, M, G)" "gc bad size"

# clear needs --yes and says what it drops.
out=$(llmcc cache clear --winners 2>&1) && fail "clear ran without --yes"
assert_eq "$out" "llmcc: error: cache clear drops winners for good: add --yes to do it" "clear without --yes"
assert_eq "$(counts)" "2 0 0 0" "clear without --yes changed nothing"
out=$(llmcc cache clear --yes 2>&1) && fail "clear ran without a selector"
assert_eq "$out" "llmcc: error: cache clear: name what to clear: --winners, --trials or --all" "clear without a selector"
assert_eq "$(llmcc cache clear --winners --yes)" "cleared: winners" "clear --winners"
assert_eq "$(counts)" "0 0 0 0" "after clear --winners"
assert_eq "$(llmcc cache clear --all --yes)" "cleared: winners, trial history, LLM replies and profile records, counters" "clear --all"
assert_eq "$(sqlite3 "$db" 'SELECT COUNT(*) FROM commands')" "1" "clear --all keeps the captured build"

# vacuum: both files, never larger.
out=$(llmcc cache vacuum)
[[ $out =~ ^$db:\ ([0-9]+)\ -\>\ ([0-9]+)\ bytes$'\n'$tdb:\ ([0-9]+)\ -\>\ ([0-9]+)\ bytes$ ]] || fail "vacuum output: $out"
(( BASH_REMATCH[2] <= BASH_REMATCH[1] && BASH_REMATCH[4] <= BASH_REMATCH[3] )) || fail "vacuum grew a file: $out"

# A corrupt tuning file: compiles go on untouched and silent; tools name the file.
head -c 8192 /dev/urandom >"$tdb"
rm -f "$tdb-wal" "$tdb-shm"
cp "$tdb" corrupt.copy
err=$(llmcc -O2 -c a.c -o a2.o 2>&1) || fail "a compile failed beside a corrupt tuning file: $err"
assert_eq "$err" "" "the compile said nothing"
cmp -s a.o a2.o || fail "the object differs"
cmp -s "$tdb" corrupt.copy || fail "the compile touched the corrupt tuning file"
out=$(llmcc cache stats 2>&1) && fail "cache stats succeeded on a corrupt tuning file"
assert_eq "$out" "llmcc: error: tuning database $tdb: file is not a database (code 26)" "cache stats, corrupt tuning file"
cmp -s "$tdb" corrupt.copy || fail "cache stats touched the corrupt tuning file"
pass "cache stats, gc, clear, vacuum; the tuning file is apart from the compile path"
