#!/usr/bin/env bash
# Profile-guided tuning (issue 15), with gcc and with clang: `llmcc tune --pgo`
# trains a profile with the benchmark, the profile-use candidate wins on a
# branchy kernel (instruction counts: deterministic), and a plain rebuild
# through the wrapper applies the profile from llmcc's state directory. No
# profile file is ever left in the source or build tree; a source edit makes
# the profile stale (dropped and counted); without llvm-profdata, clang tunes
# without PGO and says so once; gcc's coverage-mismatch trap (an error) and its
# missing-profile warning mark the trial, and the candidate is measured again
# with a profile trained with its flags. Profile trials come after the plain
# trials and on top of the budget (tuner/pgo_schedule.h).
source "$(dirname "$0")/lib/common.bash"
require valgrind sqlite3 make
DATA="$LLMCC_SOURCE_DIR/tests/integration/data/pgo-branchy"

# new_project DIR: the branchy kernel in a fresh directory with a fresh database.
new_project() {
  rm -rf "$WORK/$1" && mkdir -p "$WORK/$1" && cp "$DATA"/* "$WORK/$1/" && cd "$WORK/$1"
  fresh_db "$1"
}
no_profile_files() {
  local found
  found=$(find "$WORK/$1" \( -name '*.gcda' -o -name '*.profraw' -o -name '*.profdata' \) -print)
  assert_eq "$found" "" "$2: no profile file in the source or build tree"
}
tune() {
  llmcc tune --build-dir . --bench "./prog 200000" --tu kern.c --objective instructions "$@" --json \
    >"$WORK/summary.json" 2>"$WORK/progress.txt" || fail "tune failed: $(tail -5 "$WORK/progress.txt")"
}

for cc in gcc clang; do
  command -v "$cc" >/dev/null || { note "$cc missing"; continue; }
  [[ $cc == clang ]] && require llvm-profdata-14
  note "$cc: tune --pgo"
  new_project "$cc"
  export LLMCC_CC="$cc"
  run_quiet make -s CC=llmcc
  want=$(./prog 200000)
  # One plain trial, then the profile trials, PGO alone first. (With more,
  # clang's -O3 -march=native wins on instructions here, 2.31x, over its own
  # profile twin, 2.21x.)
  tune --budget 1 --pgo
  db="$LLMCC_DIR/llmcc.db"
  assert_eq "$(sqlite3 "$db" "SELECT COUNT(*) FROM profiles WHERE family='$cc'")" "1" "$cc: one trained profile"
  hash=$(sqlite3 "$db" "SELECT hash FROM profiles")
  assert_eq "$(sqlite3 "$db" "SELECT path FROM profiles")" "$LLMCC_DIR/profiles/$hash.$([[ $cc == gcc ]] && echo gcda || echo profdata)" \
    "$cc: the profile is content-addressed in the state directory"
  first=$(sqlite3 "$db" "SELECT t.operator || ' ' || t.verdict || ' ' || c.json FROM trials t JOIN configs c ON c.id = t.config_id
                         WHERE c.json LIKE '%\"pgo\"%' ORDER BY t.id LIMIT 1")
  assert_eq "$first" "pgo ok {\"opt\":\"\",\"options\":[],\"pgo\":\"$hash\",\"pipeline\":\"\"}" \
    "$cc: PGO alone is the first profile trial"
  order=$(sqlite3 "$db" "SELECT MAX(CASE WHEN c.json NOT LIKE '%\"pgo\"%' THEN t.id END) < MIN(CASE WHEN c.json LIKE '%\"pgo\"%' THEN t.id END)
                         FROM trials t JOIN configs c ON c.id = t.config_id WHERE t.planner != 'confirm'")
  assert_eq "$order" "1" "$cc: the profile trials come after the plain ones"
  assert_eq "$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tus"][0]; print(t["trials"], t["profile_trials"])' "$WORK/summary.json")" \
    "1 $(sqlite3 "$db" "SELECT COUNT(*) FROM trials t JOIN configs c ON c.id = t.config_id WHERE c.json LIKE '%\"pgo\"%'
                        AND t.planner != 'confirm' AND t.operator = 'pgo'")" "$cc: the summary counts the profile trials apart"
  winner=$(llmcc winners --json | python3 -c 'import json,sys; w=json.load(sys.stdin); print(w[0]["config"].get("pgo", "") if w else "none")')
  assert_eq "$winner" "$hash" "$cc: the winner uses the trained profile"
  assert_eq "$(./prog 200000)" "$want" "$cc: the tuned program is right"
  no_profile_files "$cc" "$cc after tuning"

  note "$cc: a plain rebuild through the wrapper applies the profile"
  rm -f kern.o prog
  before=$(stat_counter pgo.applied)
  run_quiet make -s CC=llmcc
  assert_eq "$(stat_counter pgo.applied)" "$((before + 1))" "$cc: the rebuild used the profile"
  show=$(llmcc show kern.c)
  if [[ $cc == gcc ]]; then
    assert_contains "$show" "-fprofile-use=$LLMCC_DIR/profiles/use/$hash -fprofile-partial-training" "$cc: show"
  else
    assert_contains "$show" "-fprofile-instr-use=$LLMCC_DIR/profiles/$hash.profdata" "$cc: show"
  fi
  # The same compile without the profile gives other code.
  "$cc" -O2 -c kern.c -o "$WORK/plain-$cc.o"
  ! cmp -s kern.o "$WORK/plain-$cc.o" || fail "$cc: the PGO object is the plain one"
  assert_eq "$(./prog 200000)" "$want" "$cc: the rebuilt program is right"
  no_profile_files "$cc" "$cc after the rebuild"

  note "$cc: a source edit makes the profile stale"
  sed -i 's/x + 12345/x + 12347/' kern.c
  run_quiet make -s CC=llmcc
  assert_eq "$(stat_counter pgo.profile_stale)" "1" "$cc: the stale profile is counted"
  assert_contains "$(llmcc stats)" "profile dropped: the source changed since training" "$cc: stats names it"
  assert_contains "$(llmcc show kern.c)" "not applied: pgo=use (the source changed since the profile was trained)" \
    "$cc: show says why"
  assert_eq "$(./prog 200000)" "$(cd "$WORK" && "$cc" -O2 "$WORK/$cc/main.c" "$WORK/$cc/kern.c" -o edited && ./edited 200000)" \
    "$cc: the edited program is right"
done

if command -v clang >/dev/null; then
  note "clang without llvm-profdata: no PGO, one clear message"
  new_project noprofdata
  export LLMCC_CC=clang
  run_quiet make -s CC=llmcc
  mkdir -p "$WORK/bin"
  for f in /usr/bin/* /bin/*; do
    case "$(basename "$f")" in llvm-profdata*) continue ;; esac
    [[ -e "$WORK/bin/$(basename "$f")" ]] || ln -s "$f" "$WORK/bin/$(basename "$f")"
  done
  PATH="$LLMCC_BIN_DIR:$WORK/bin" tune --budget 2 --pgo
  msg="PGO is off for this session: llvm-profdata-14 (or llvm-profdata) is not in PATH"
  assert_contains "$(cat "$WORK/progress.txt")" "$msg" "the reason is said"
  assert_eq "$(grep -c "$msg" "$WORK/progress.txt")" "1" "said once"
  assert_contains "$(cat "$WORK/summary.json")" "$msg" "the summary keeps it"
  assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT COUNT(*) FROM profiles")" "0" "no profile"
  assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT state FROM sessions")" "done" "the session finished"
fi

if command -v gcc >/dev/null; then
  note "gcc: the coverage-mismatch trap marks the trial and the session goes on"
  new_project mismatch
  # gcc itself, except that flags other than the user's -O2 with a profile
  # fail as gcc does when the early-pass flags differ from the training
  # build's, whatever profile it is: the retrained twin fails again.
  mkdir -p "$WORK/fakebin"
  cat >"$WORK/fakebin/mismatchcc" <<SH
#!/bin/sh
use= other=
for a in "\$@"; do case "\$a" in -fprofile-use=*) use=1;; -O2|-fprofile-*) ;; -O*|-f*|-m*|--param*) other=1;; esac; done
if [ -n "\$use" ] && [ -n "\$other" ]; then
  echo "kern.c:16:15: error: number of counters in profile data for function 'kern' does not match its profile data (counter 'arcs', expected 9 and have 13) [-Werror=coverage-mismatch]" >&2
  exit 1
fi
exec $(command -v gcc) "\$@"
SH
  chmod +x "$WORK/fakebin/mismatchcc"
  export LLMCC_CC="$WORK/fakebin/mismatchcc"
  run_quiet make -s CC=llmcc
  tune --budget 8 --pgo
  db="$LLMCC_DIR/llmcc.db"
  # The twin of the best plain config is marked, retrained once, marked again, and left marked.
  marked=$(sqlite3 "$db" "SELECT t.operator || ' ' || t.verdict FROM trials t JOIN configs c ON c.id = t.config_id
                          WHERE c.json LIKE '%\"pgo\"%' AND t.planner != 'confirm' ORDER BY t.id")
  assert_eq "$marked" "pgo ok
pgo profile_mismatch
pgo-retrain profile_mismatch" "the twin is marked, trained again once, and stays marked"
  assert_eq "$(sqlite3 "$db" "SELECT COUNT(*) FROM trials WHERE verdict = 'compile_error'")" "0" "not a plain compile error"
  assert_eq "$(sqlite3 "$db" "SELECT state FROM sessions")" "done" "the session finished"
  # The budget counts plain trials (code already measured is free, up to the
  # budget: tuner/budget.h); profile trials come on top, at most 2 + 8/12.
  counts=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tus"][0]; print(t["trials"], t["profile_trials"])' \
    "$WORK/summary.json")
  assert_eq "$counts" "8 2" "the session spent its budget, and two profile trials on top"
  p=$(sqlite3 "$db" "SELECT COUNT(*) FROM trials t JOIN configs c ON c.id = t.config_id WHERE t.planner != 'confirm'
                       AND t.operator = 'pgo'")
  assert_eq "$p" "2" "PGO alone and the best config's twin, on top of the budget"
  no_profile_files mismatch "after the mismatch"
fi
if command -v gcc >/dev/null; then
  note "gcc: a profile holds for one set of early-pass flags: the mismatching twin is trained again with its own"
  DATA="$LLMCC_SOURCE_DIR/tests/integration/data/pgo-early"
  new_project early
  export LLMCC_CC=gcc
  run_quiet make -s CC=llmcc
  want=$(./prog 200000)
  tune --budget 6 --pgo
  db="$LLMCC_DIR/llmcc.db"
  # PGO alone, the first profile trial, uses the profile trained with the user's flags.
  first=$(sqlite3 "$db" "SELECT json_extract(c.json, '$.pgo') FROM trials t JOIN configs c ON c.id = t.config_id
                         WHERE c.json LIKE '%\"pgo\"%' ORDER BY t.id LIMIT 1")
  assert_eq "$(sqlite3 "$db" "SELECT COUNT(*) FROM profiles")" "2" "two profiles"
  second=$(sqlite3 "$db" "SELECT hash FROM profiles WHERE hash != '$first'")
  [[ -n $second ]] || fail "no second profile: $(sqlite3 "$db" "SELECT operator, verdict FROM trials")"
  trials() { sqlite3 "$db" "SELECT t.operator || ' ' || t.verdict || ' ' || json_extract(c.json, '$.pgo') FROM trials t
                            JOIN configs c ON c.id = t.config_id WHERE c.json LIKE '%\"-O3\"%' AND c.json LIKE '%pgo%'
                            AND t.planner != 'confirm' ORDER BY t.id"; }
  # Real gcc 12: -O3 inlines `helper` early where -O2 does not.
  assert_eq "$(trials)" "pgo profile_mismatch $first
pgo-retrain ok $second" "the -O3 twin is marked, then measured with a profile trained at -O3"
  assert_contains "$(sqlite3 "$db" "SELECT detail FROM trials WHERE verdict = 'profile_mismatch'")" \
    "[-Werror=coverage-mismatch]" "the trial keeps gcc's message"
  assert_eq "$(sqlite3 "$db" "SELECT COUNT(*) FROM trials WHERE verdict = 'compile_error'")" "0" "not a compile error"
  assert_eq "$(sqlite3 "$db" "SELECT state FROM sessions")" "done" "the session finished"
  winner=$(llmcc winners --json | python3 -c 'import json,sys; w=json.load(sys.stdin)[0]["config"]; print(w["opt"], w.get("pgo", ""))')
  assert_eq "$winner" "-O3 $second" "the winner is -O3 with the profile trained at -O3"
  rm -f kern.o prog
  before=$(stat_counter pgo.applied)
  run_quiet make -s CC=llmcc
  assert_eq "$(stat_counter pgo.applied)" "$((before + 1))" "the rebuild used the -O3 profile"
  assert_eq "$(./prog 200000)" "$want" "the program is right"
  no_profile_files early "after retraining"
fi
if command -v gcc >/dev/null; then
  note "gcc: a profile gcc does not find for the config (-Wmissing-profile) marks the trial too"
  DATA="$LLMCC_SOURCE_DIR/tests/integration/data/pgo-branchy"
  new_project missing
  # gcc itself, except that flags other than the user's -O2 with the first
  # profile it is given (the one trained with the user's flags) warn as gcc
  # does when early inlining removed a function the config keeps: the build
  # succeeds, part of the profile is silently unused.
  cat >"$WORK/fakebin/missingcc" <<SH
#!/bin/sh
for a in "\$@"; do case "\$a" in -fprofile-use=*) use="\${a#-fprofile-use=}";; esac; done
if [ -n "\$use" ]; then
  [ -f "$WORK/first-use" ] || echo "\$use" >"$WORK/first-use"
  other=
  for a in "\$@"; do case "\$a" in -O2|-fprofile-*) ;; -O*|-f*|-m*|--param*) other=1;; esac; done
  if [ -n "\$other" ] && [ "\$use" = "\$(cat "$WORK/first-use")" ]; then
    echo "kern.c:3:12: warning: profile for function 'helper' not found in profile data [-Wmissing-profile]" >&2
  fi
fi
exec $(command -v gcc) "\$@"
SH
  chmod +x "$WORK/fakebin/missingcc"
  rm -f "$WORK/first-use"
  export LLMCC_CC="$WORK/fakebin/missingcc"
  run_quiet make -s CC=llmcc
  want=$(./prog 200000)
  tune --budget 4 --pgo
  db="$LLMCC_DIR/llmcc.db"
  profile_trials() { sqlite3 "$db" "SELECT t.operator || ' ' || t.verdict FROM trials t JOIN configs c ON c.id = t.config_id
                                    WHERE c.json LIKE '%\"pgo\"%' AND t.planner != 'confirm' ORDER BY t.id"; }
  # Budget 4: PGO alone and one twin, that of the best plain config.
  assert_eq "$(profile_trials)" "pgo ok
pgo profile_mismatch
pgo-retrain ok" "the twin is marked, then measured with a profile trained with its flags"
  assert_eq "$(sqlite3 "$db" "SELECT COUNT(*) FROM profiles")" "2" "two profiles"
  assert_contains "$(sqlite3 "$db" "SELECT detail FROM trials WHERE verdict = 'profile_mismatch'")" \
    "not found in profile data [-Wmissing-profile]" "the trial keeps gcc's warning"
  assert_eq "$(sqlite3 "$db" "SELECT state FROM sessions")" "done" "the session finished"
  assert_eq "$(./prog 200000)" "$want" "the program is right"
  no_profile_files missing "after the missing profile"
fi
pass "profile-guided tuning"
