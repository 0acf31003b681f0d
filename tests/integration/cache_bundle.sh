#!/usr/bin/env bash
# Bundles end to end: a winner exported from one database and imported into a
# fresh one (another LLMCC_DIR, another checkout directory) is applied by the
# wrapper there, giving the byte-identical object the tuning host built; import
# is idempotent, --dry-run changes nothing, and hostile bundles (truncated,
# garbled, wrong version, huge, forbidden flags, bad signatures) are refused
# without touching the database.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/servers.bash" # the shared two-file project
require sqlite3 gcc git
export LLMCC_CC=gcc

hot_project "$WORK/a"
cd "$WORK/a"
cp -r "$WORK/a" "$WORK/b" # the teammate's checkout, elsewhere

# The tuning host: a plain build, then a winner for hot.c (as `llmcc tune` stores it).
fresh_db a
build_hot
cp hot.o "$WORK/plain-hot.o"
hot_tu_info
mkey=$(json_get "$(llmcc show src/main.c --json)" 'j["tu_key"]')
put_winner() { # db tu_key source config-json lower-bound
  local base
  base=$(basename "$3")
  sqlite3 "$1" <<SQL
INSERT OR IGNORE INTO configs(canonical, json) VALUES('$4', '$4');
INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective,
  config_id, baseline, best, speedup, speedup_low, speedup_high, created)
  VALUES('$2', '$3', '$base', '$cid', '$host', '$class', 'time',
  (SELECT id FROM configs WHERE canonical='$4'), 2.0, 1.6, 1.25, $5, 1.4, 100);
SQL
}
DB_A="$LLMCC_DIR/llmcc.db"
put_winner "$DB_A" "$key" src/hot.c '{"opt":"-O3","options":["-funroll-loops"],"pipeline":""}' 1.1
build_hot
cp hot.o "$WORK/tuned-hot.o"
cmp -s "$WORK/plain-hot.o" "$WORK/tuned-hot.o" && fail "the winner did not change hot.o"
assert_eq "$(stat_counter compile.tuned)" "1" "tuned on the tuning host"

out=$(llmcc cache export -o "$WORK/team.llmcc")
assert_contains "$out" "exported 1 winner(s) to $WORK/team.llmcc" "export"
assert_contains "$out" "unsigned" "export without a team key"
assert_eq "$(head -c 8 "$WORK/team.llmcc")" "LLMCCBND" "bundle magic"
out=$(llmcc cache export --hw-class no/such/class -o "$WORK/none.llmcc")
assert_contains "$out" "exported 0 winner(s)" "export --hw-class filters"
out=$(llmcc cache export --project "$WORK/a" -o "$WORK/project.llmcc")
assert_contains "$out" "exported 1 winner(s)" "export --project"
out=$(llmcc cache export --project "$WORK/b" -o "$WORK/project.llmcc")
assert_contains "$out" "exported 0 winner(s)" "export --project of a checkout not built here"

# The teammate: a fresh database, a dry run first, then the import and a build.
cd "$WORK/b"
fresh_db b
DB_B="$LLMCC_DIR/llmcc.db"
out=$(llmcc cache import "$WORK/team.llmcc" --dry-run)
assert_contains "$out" "dry run: would have added 1, replaced 0, skipped 0, rejected 0" "dry run"
assert_eq "$(sqlite3 "$DB_B" 'SELECT count(*) FROM winners')" "0" "dry run stores nothing"
out=$(llmcc cache import "$WORK/team.llmcc")
assert_contains "$out" "1 winner(s) from host $host ($class)" "import names the provenance"
assert_contains "$out" "added 1, replaced 0, skipped 0, rejected 0" "import"
out=$(llmcc cache import "$WORK/team.llmcc")
assert_contains "$out" "added 0, replaced 0, skipped 1, rejected 0" "import is idempotent"
assert_eq "$(sqlite3 "$DB_B" 'SELECT count(*) FROM winners')" "1" "one winner after two imports"
build_hot
cmp "$WORK/tuned-hot.o" hot.o || fail "the imported winner did not give the tuning host's object"
assert_eq "$(stat_counter compile.tuned)" "1" "tuned compiles with the imported winner"
winners=$(llmcc winners)
assert_contains "$winners" "bundle" "winners says the origin"
explain=$(llmcc explain src/hot.c)
assert_contains "$explain" "origin:     bundle" "explain says the origin"
assert_contains "$explain" "imported from $WORK/team.llmcc" "explain names the bundle"

# A better-evidenced winner for the same TU replaces it; a weaker one does not.
cd "$WORK/a"
export LLMCC_DIR="$WORK/db-a"
sqlite3 "$DB_A" "DELETE FROM winners"
put_winner "$DB_A" "$key" src/hot.c '{"opt":"-O3","options":["-fpeel-loops"],"pipeline":""}' 1.05
llmcc cache export -o "$WORK/weaker.llmcc" >/dev/null
sqlite3 "$DB_A" "DELETE FROM winners"
put_winner "$DB_A" "$key" src/hot.c '{"opt":"-O2","options":["-funroll-all-loops"],"pipeline":""}' 1.3
llmcc cache export -o "$WORK/stronger.llmcc" >/dev/null
export LLMCC_DIR="$WORK/db-b"
out=$(llmcc cache import "$WORK/weaker.llmcc")
assert_contains "$out" "added 0, replaced 0, skipped 1, rejected 0" "weaker winner skipped"
assert_contains "$out" "skipped src/hot.c: the stored -O3 -funroll-loops (lower bound 1.100x, 0 trials) is at least as well evidenced" "skip reason"
out=$(llmcc cache import "$WORK/stronger.llmcc")
assert_contains "$out" "replaced src/hot.c: -O3 -funroll-loops (lower bound 1.100x) replaced by -O2 -funroll-all-loops (lower bound 1.300x)" "replace reason"

# Forbidden flags: rejected by reason, nothing of them stored.
export LLMCC_DIR="$WORK/db-a"
sqlite3 "$DB_A" "DELETE FROM winners"
for bad in '-fplugin=/tmp/evil.so' '-B/tmp' '@/etc/passwd' '-mllvm -load=/tmp/x.so'; do
  sqlite3 "$DB_A" "DELETE FROM winners"
  put_winner "$DB_A" "$mkey" src/main.c "{\"opt\":\"-O3\",\"options\":[\"$bad\"],\"pipeline\":\"\"}" 1.5
  llmcc cache export -o "$WORK/evil.llmcc" >/dev/null
  export LLMCC_DIR="$WORK/db-b"
  out=$(llmcc cache import "$WORK/evil.llmcc")
  assert_contains "$out" "added 0, replaced 0, skipped 0, rejected 1" "$bad rejected"
  assert_contains "$out" "rejected src/main.c: forbidden config:" "$bad rejection reason"
  export LLMCC_DIR="$WORK/db-a"
done
assert_eq "$(sqlite3 "$DB_B" "SELECT count(*) FROM configs WHERE json LIKE '%plugin%' OR json LIKE '%-B%' OR json LIKE '%@%' OR json LIKE '%load%'")" "0" "no forbidden config stored"
assert_eq "$(sqlite3 "$DB_B" 'SELECT count(*) FROM winners')" "1" "only the good winner"

# Hostile files: refused with a message, exit 1, the database byte for byte as it was.
export LLMCC_DIR="$WORK/db-b"
before=$(sqlite3 "$DB_B" .dump | sha256sum)
refuse() { # label file expected-message
  local err
  if err=$(llmcc cache import "$2" 2>&1); then fail "$1: import of a hostile bundle succeeded: $err"; fi
  assert_contains "$err" "$3" "$1"
  assert_contains "$err" "(nothing imported)" "$1 says nothing was imported"
  assert_eq "$(sqlite3 "$DB_B" .dump | sha256sum)" "$before" "$1 leaves the database untouched"
}
size=$(stat -c %s "$WORK/team.llmcc")
head -c $((size - 1)) "$WORK/team.llmcc" >"$WORK/truncated.llmcc"
refuse truncated "$WORK/truncated.llmcc" "truncated or trailing data"
head -c 20 "$WORK/team.llmcc" >"$WORK/header.llmcc"
refuse "truncated header" "$WORK/header.llmcc" "bad magic or truncated header"
patch() { # in out offset python-bytes
  python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); o=int(sys.argv[3]); v=eval(sys.argv[4]); b[o:o+len(v)]=v; open(sys.argv[2],"wb").write(b)' "$@"
}
patch "$WORK/team.llmcc" "$WORK/v2.llmcc" 8 'b"\x02"'
refuse "wrong version" "$WORK/v2.llmcc" "bundle format version 2 is not supported (this llmcc reads version 1)"
patch "$WORK/team.llmcc" "$WORK/huge.llmcc" 24 '(1<<62).to_bytes(8,"little")'
refuse "huge declared size" "$WORK/huge.llmcc" "over the limit"
patch "$WORK/team.llmcc" "$WORK/garbled.llmcc" 40 'b"\xde\xad\xbe\xef\xde\xad\xbe\xef"'
refuse garbled "$WORK/garbled.llmcc" "bundle payload"
truncate -s 100M "$WORK/big.llmcc"
refuse "huge file" "$WORK/big.llmcc" "larger than any bundle llmcc reads"
printf 'SELECT * FROM winners; DROP TABLE winners;' >"$WORK/sql.llmcc"
refuse "not a bundle" "$WORK/sql.llmcc" "not an llmcc bundle"
refuse "missing file" "$WORK/no-such.llmcc" "not a regular file"

# Signing with a team key.
export LLMCC_DIR="$WORK/db-a"
sqlite3 "$DB_A" "DELETE FROM winners"
put_winner "$DB_A" "$key" src/hot.c '{"opt":"-O3","options":["-funroll-loops"],"pipeline":""}' 1.9
out=$(LLMCC_TEAM_KEY=s3cret llmcc cache export -o "$WORK/signed.llmcc")
assert_contains "$out" "signed with LLMCC_TEAM_KEY" "signed export"
export LLMCC_DIR="$WORK/db-b"
export LLMCC_TEAM_KEY=wrong
refuse "bad signature" "$WORK/signed.llmcc" "bundle signature does not match LLMCC_TEAM_KEY: refused"
refuse "unsigned with a key set" "$WORK/team.llmcc" "bundle is not signed, and LLMCC_TEAM_KEY is set: refused"
export LLMCC_TEAM_KEY=s3cret
out=$(llmcc cache import "$WORK/signed.llmcc")
assert_contains "$out" "verified" "signature verified"
assert_contains "$out" "replaced 1" "signed winner imported"
unset LLMCC_TEAM_KEY
out=$(llmcc cache import "$WORK/signed.llmcc" --json)
assert_eq "$(json_get "$out" 'j["skipped"]')" "1" "signed bundle without a key: read, not verified"
grep -q s3cret "$DB_B" "$DB_B-wal" 2>/dev/null && fail "the team key was stored"

# Trial history (export --with-history): the trials behind each exported winner
# travel with it; import stores them once, under one imported session, each row
# through the allow-list; llmcc explain shows them as evidence.
unset LLMCC_TEAM_KEY
export LLMCC_DIR="$WORK/db-a"
TUNING_A="$WORK/db-a/llmcc.tuning.db"
plant_trial() { # config-json verdict speedup created [tu_key]
  sqlite3 "$DB_A" "INSERT OR IGNORE INTO configs(canonical, json) VALUES('$1', '$1')"
  local cfg
  cfg=$(sqlite3 "$DB_A" "SELECT id FROM configs WHERE canonical='$1'")
  sqlite3 "$TUNING_A" "INSERT INTO trials(session_id, tu_key, source, config_id, planner, operator, verdict, detail,
    objective, score, samples_json, speedup, speedup_low, speedup_high, compile_sec, object_hash, created,
    base_samples_json, run_sec, verify_sec) VALUES(1, '${5:-$key}', '$WORK/a/src/hot.c', $cfg, 'search', 'flip',
    '$2', 'gcc: error in $WORK/a/src/hot.c', 'time', 1.6, '[1.6,1.61]', $3, 1.1, 1.4, 0.25, 'deadbeef', $4,
    '[2.0,2.01]', 1.5, 0)"
}
sqlite3 "$TUNING_A" "INSERT INTO sessions(id, state, build_dir, args_json, created, updated)
  VALUES(1, 'done', '$WORK/a/build', '{}', 100, 100)"
plant_trial '{"opt":"-O3","options":["-funroll-loops"],"pipeline":""}' ok 1.25 101
plant_trial '{"opt":"-O3","options":["-fpeel-loops"],"pipeline":""}' identical 1.0 102
plant_trial '{"opt":"-O2","options":["-funroll-all-loops"],"pipeline":""}' compile_error NULL 103
plant_trial '{"opt":"-O3","options":["-funroll-loops"],"pipeline":""}' ok 1.3 104 "$mkey" # no winner: not exported
source_trials=$(sqlite3 "$TUNING_A" "SELECT count(*) FROM trials WHERE tu_key='$key'")
assert_eq "$source_trials" "3" "trials planted on the tuning host"
# What a session stores when the allow-list refuses a proposal: never exported.
plant_trial '{"opt":"-O3","options":["-fplugin=/tmp/evil.so"],"pipeline":""}' rejected NULL 105
out=$(llmcc cache export -o "$WORK/plain.llmcc")
assert_not_contains "$out" "trial history" "no history without --with-history"
out=$(llmcc cache export --with-history -o "$WORK/history.llmcc")
assert_contains "$out" "exported 1 winner(s) to $WORK/history.llmcc" "export --with-history"
assert_contains "$out" "with the trial history: 3 trial(s) (left out 1 the tuner refused or could not measure)" \
  "export --with-history counts the winner's trials and leaves out the refused one"
unpack() { # bundle -> its JSON on stdout
  python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(b[32:])' "$1" | zstd -dc
}
content=$(unpack "$WORK/history.llmcc")
assert_not_contains "$content" "$WORK" "no local path travels in the history"
assert_not_contains "$content" "deadbeef" "no object hash travels in the history"
assert_eq "$(json_get "$content" 'j["history"]["version"]')" "1" "history section version"
assert_eq "$(json_get "$content" 'sorted(t["verdict"] for t in j["history"]["trials"])')" "['compile_error', 'identical', 'ok']" "history verdicts"

cd "$WORK/b"
fresh_db c
TUNING_C="$LLMCC_DIR/llmcc.tuning.db"
out=$(llmcc cache import "$WORK/history.llmcc" --dry-run)
assert_contains "$out" "trial history: would have added 3, skipped 0 (already here), rejected 0" "history dry run"
assert_eq "$(sqlite3 "$TUNING_C" 'SELECT count(*) FROM trials' 2>/dev/null || echo 0)" "0" "a dry run stores no trial"
out=$(llmcc cache import "$WORK/history.llmcc")
assert_contains "$out" "added 1, replaced 0, skipped 0, rejected 0" "winner imported with its history"
assert_contains "$out" "trial history: added 3, skipped 0 (already here), rejected 0" "history imported"
assert_eq "$(sqlite3 "$TUNING_C" "SELECT count(*) FROM trials WHERE tu_key='$key'")" "$source_trials" "as many trials as the source for that TU"
assert_eq "$(sqlite3 "$TUNING_C" "SELECT count(*) FROM sessions WHERE build_dir LIKE 'import:bundle:%'")" "1" "one imported session"
assert_eq "$(sqlite3 "$TUNING_C" "SELECT count(*) FROM trials WHERE source LIKE '%$WORK%' OR detail LIKE '%$WORK%'")" "0" "no foreign path stored"
out=$(llmcc cache import "$WORK/history.llmcc")
assert_contains "$out" "trial history: added 0, skipped 3 (already here), rejected 0" "second import adds no trial"
assert_eq "$(sqlite3 "$TUNING_C" 'SELECT count(*) FROM trials')" "3" "three trials after two imports"
assert_eq "$(sqlite3 "$TUNING_C" 'SELECT count(*) FROM sessions')" "1" "one session after two imports"
out=$(llmcc cache import "$WORK/team.llmcc")
assert_not_contains "$out" "trial history" "a bundle without history imports as before"
explain=$(llmcc explain src/hot.c)
assert_contains "$explain" "evidence (3 trials):" "explain shows the imported trials"
assert_contains "$explain" "compile_error" "explain shows every verdict"
ej=$(llmcc explain src/hot.c --json)
assert_eq "$(json_get "$ej" 'len(j[0]["trials"])')" "3" "explain --json lists the imported trials"

# A hand-made bundle whose history has a -fplugin= row: that row alone is
# rejected, by reason; the others are stored; nothing forbidden reaches a table.
unpack "$WORK/history.llmcc" | python3 -c '
import json, sys
j = json.load(sys.stdin)
rows = j["history"]["trials"]
evil = dict(rows[0]); evil["config"] = {"opt": "-O3", "options": ["-fplugin=/tmp/evil.so"], "pipeline": ""}; evil["created"] = 200
late = dict(rows[0]); late["created"] = 201
bad_path = dict(rows[0]); bad_path["source_rel"] = "../../etc/passwd"; bad_path["created"] = 202
rows += [evil, late, bad_path]
open(sys.argv[1], "w").write(json.dumps(j))' "$WORK/evil.json"
zstd -q -f --check -19 "$WORK/evil.json" -o "$WORK/evil.zst"
python3 -c '
import struct, sys
frame = open(sys.argv[1], "rb").read(); n = len(open(sys.argv[2], "rb").read())
open(sys.argv[3], "wb").write(b"LLMCCBND" + struct.pack("<IIQQ", 1, 0, len(frame), n) + frame)' \
  "$WORK/evil.zst" "$WORK/evil.json" "$WORK/evil-history.llmcc"
out=$(llmcc cache import "$WORK/evil-history.llmcc")
assert_contains "$out" "trial history: added 1, skipped 3 (already here), rejected 2" "forbidden history row rejected"
assert_contains "$out" "rejected 1 trial(s): forbidden config" "rejection counted by reason"
assert_contains "$out" "rejected 1 trial(s): bad path" "path traversal in history rejected"
assert_eq "$(sqlite3 "$DB_B" "SELECT count(*) FROM configs WHERE json LIKE '%plugin%'")" "0" "no forbidden config stored"
assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT count(*) FROM configs WHERE json LIKE '%plugin%'")" "0" "no forbidden history config stored"
assert_eq "$(sqlite3 "$TUNING_C" 'SELECT count(*) FROM trials')" "4" "only the good new row stored"
pass "bundles"
