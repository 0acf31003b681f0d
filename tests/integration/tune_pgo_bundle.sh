#!/usr/bin/env bash
# Profiles travel with their PGO winners (issue 15): `tune --pgo` on host A,
# the winner exported to a bundle (and pushed to a file store), imported (and
# pulled) into a fresh LLMCC_DIR in another checkout directory; the build there
# applies the profile from the receiver's state directory and gives A's tuned
# object byte for byte, with gcc and with clang. The training run writes only
# into llmcc's state directory although the user's LLVM_PROFILE_FILE and
# GCOV_PREFIX point elsewhere. A bundle whose profile bytes are altered, or
# which lacks them, has its PGO winner rejected by reason. A winner already
# here whose local profile is gone or altered gets the bundle's back.
source "$(dirname "$0")/lib/common.bash"
require valgrind sqlite3 make
DATA="$LLMCC_SOURCE_DIR/tests/integration/data/pgo-branchy"

checkout() { rm -rf "$WORK/$1" && mkdir -p "$WORK/$1" && cp "$DATA"/* "$WORK/$1/" && cd "$WORK/$1"; }
profile_files_in() { find "$@" \( -name '*.gcda' -o -name '*.profraw' -o -name '*.profdata' \) -print 2>/dev/null || true; }
rebuild() { rm -f ./*.o prog && run_quiet make -s CC=llmcc; }

ran=0
for cc in gcc clang; do
  command -v "$cc" >/dev/null || { note "$cc missing"; continue; }
  [[ $cc == clang ]] && ! command -v llvm-profdata-14 >/dev/null && { note "llvm-profdata-14 missing"; continue; }
  ran=$((ran + 1))
  export LLMCC_CC="$cc"
  ext=$([[ $cc == gcc ]] && echo gcda || echo profdata)

  note "$cc: tune --pgo on A, with the user's own profiling variables set"
  checkout "a-$cc"
  fresh_db "a-$cc"
  DIR_A="$LLMCC_DIR"
  run_quiet make -s CC=llmcc
  mkdir -p "$WORK/user-profiles"
  LLVM_PROFILE_FILE="$WORK/user-profiles/user-%p.profraw" GCOV_PREFIX="$WORK/user-profiles" GCOV_PREFIX_STRIP=1 \
    llmcc tune --build-dir . --bench "./prog 200000" --tu kern.c --objective instructions --budget 1 --pgo --json \
    >"$WORK/summary.json" 2>"$WORK/progress.txt" || fail "tune failed: $(tail -5 "$WORK/progress.txt")"
  hash=$(sqlite3 "$DIR_A/llmcc.db" "SELECT hash FROM profiles")
  [[ -n $hash ]] || fail "$cc: no profile was trained: $(tail -5 "$WORK/progress.txt")"
  assert_eq "$(profile_files_in "$WORK/user-profiles")" "" "$cc: the training run ignored the user's profiling variables"
  winner=$(llmcc winners --json | python3 -c 'import json,sys; w=json.load(sys.stdin); print(w[0]["config"].get("pgo", "") if w else "none")')
  assert_eq "$winner" "$hash" "$cc: the winner uses the trained profile"
  rebuild
  cp kern.o "$WORK/tuned-$cc.o"
  want=$(./prog 200000)

  note "$cc: export and import into a fresh state directory in another checkout"
  out=$(llmcc cache export -o "$WORK/team-$cc.llmcc")
  assert_contains "$out" "exported 1 winner(s)" "$cc: export"
  assert_not_contains "$out" "left out" "$cc: the profile travels with the winner"
  checkout "b-$cc"
  fresh_db "b-$cc"
  out=$(llmcc cache import "$WORK/team-$cc.llmcc")
  assert_contains "$out" "added 1, replaced 0, skipped 0, rejected 0" "$cc: import"
  assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT path FROM profiles WHERE hash = '$hash'")" \
    "$LLMCC_DIR/profiles/$hash.$ext" "$cc: the profile is kept in the receiver's state directory"
  cmp "$DIR_A/profiles/$hash.$ext" "$LLMCC_DIR/profiles/$hash.$ext" || fail "$cc: the imported profile differs"
  rebuild
  assert_eq "$(stat_counter pgo.applied)" "1" "$cc: the receiver's build applied the profile"
  cmp "$WORK/tuned-$cc.o" kern.o || fail "$cc: the imported PGO winner did not give A's tuned object"
  assert_eq "$(./prog 200000)" "$want" "$cc: the program is right"
  assert_eq "$(profile_files_in "$WORK/a-$cc" "$WORK/b-$cc")" "" "$cc: no profile file in either checkout"

  note "$cc: a winner already here whose profile file is gone gets it back from the bundle"
  rm "$LLMCC_DIR/profiles/$hash.$ext"
  rebuild
  assert_eq "$(stat_counter pgo.profile_missing)" "1" "$cc: without its file the profile is dropped"
  out=$(llmcc cache import "$WORK/team-$cc.llmcc" 2>&1 | tail -n +2) # after the bundle's provenance line
  assert_eq "$out" "added 0, replaced 0, skipped 1, rejected 0; restored 1 profile(s)
  skipped kern.c: already here; its profile was restored (local one: the file is missing or altered)" \
    "$cc: the import restores the profile"
  cmp "$DIR_A/profiles/$hash.$ext" "$LLMCC_DIR/profiles/$hash.$ext" || fail "$cc: the restored profile differs"
  rebuild
  assert_eq "$(stat_counter pgo.applied)" "2" "$cc: the rebuild applied the restored profile"
  cmp "$WORK/tuned-$cc.o" kern.o || fail "$cc: the restored profile did not give A's tuned object"
  out=$(llmcc cache import "$WORK/team-$cc.llmcc" 2>&1 | tail -n +2) # after the bundle's provenance line
  assert_eq "$out" "added 0, replaced 0, skipped 1, rejected 0
  skipped kern.c: already here" "$cc: nothing to restore the second time"

  note "$cc: through a file store"
  (cd "$WORK/a-$cc" && LLMCC_DIR="$DIR_A" llmcc cache push --remote "file:$WORK/shared-$cc" >/dev/null)
  checkout "c-$cc"
  fresh_db "c-$cc"
  out=$(llmcc cache pull --remote "file:$WORK/shared-$cc" 2>&1)
  assert_contains "$out" "1 winner(s): added 1, replaced 0, skipped 0, rejected 0" "$cc: pull"
  rebuild
  cmp "$WORK/tuned-$cc.o" kern.o || fail "$cc: the pulled PGO winner did not give A's tuned object"
  # The profile altered in place: a pull of the same winner puts the right bytes back.
  printf 'altered' >"$LLMCC_DIR/profiles/$hash.$ext"
  out=$(llmcc cache pull --remote "file:$WORK/shared-$cc" 2>&1)
  assert_contains "$out" "1 winner(s): added 0, replaced 0, skipped 1, rejected 0; restored 1 profile(s)" \
    "$cc: the pull restores the profile"
  cmp "$DIR_A/profiles/$hash.$ext" "$LLMCC_DIR/profiles/$hash.$ext" || fail "$cc: the pulled profile differs"
  rebuild
  cmp "$WORK/tuned-$cc.o" kern.o || fail "$cc: the pulled profile did not give A's tuned object"

  note "$cc: a bundle with altered or missing profile bytes"
  python3 - "$WORK/team-$cc.llmcc" "$WORK" "$cc" <<'PY'
import json, struct, subprocess, sys
src, work, cc = sys.argv[1:]
raw = open(src, "rb").read()
assert raw[:8] == b"LLMCCBND"
size = struct.unpack("<Q", raw[16:24])[0]
doc = json.loads(subprocess.run(["zstd", "-dcq"], input=raw[32:32 + size], capture_output=True, check=True).stdout)
def write(name, d):
    body = json.dumps(d).encode()
    # From a file, so that the frame declares its content size, as llmcc's do.
    open(f"{work}/{name}.json", "wb").write(body)
    payload = subprocess.run(["zstd", "-cq", f"{work}/{name}.json"], capture_output=True, check=True).stdout
    open(f"{work}/{name}-{cc}.llmcc", "wb").write(raw[:16] + struct.pack("<QQ", len(payload), len(body)) + payload)
altered = json.loads(json.dumps(doc))
p = altered["winners"][0]["profile"]
p["bytes"] = ("0" if p["bytes"][0] != "0" else "1") + p["bytes"][1:]
write("altered", altered)
missing = json.loads(json.dumps(doc))
del missing["winners"][0]["profile"]
write("missing", missing)
PY
  for bad in "altered:profile bytes do not hash to the winner's profile" \
    "missing:the winner uses a profile the entry does not carry"; do
    checkout "d-$cc"
    fresh_db "d-${bad%%:*}-$cc"
    out=$(llmcc cache import "$WORK/${bad%%:*}-$cc.llmcc" --json)
    assert_eq "$(json_get "$out" '[j["added"], j["rejected"]]')" "[0, 1]" "$cc, ${bad%%:*}: rejected"
    assert_eq "$(json_get "$out" 'j["entries"][0]["reason"]')" "bad profile: ${bad#*:}" "$cc, ${bad%%:*}: the reason"
    assert_eq "$(sqlite3 "$LLMCC_DIR/llmcc.db" "SELECT COUNT(*) FROM profiles")" "0" "$cc, ${bad%%:*}: no profile stored"
    assert_eq "$(find "$LLMCC_DIR" -path '*profiles*' -type f | wc -l)" "0" "$cc, ${bad%%:*}: no profile file"
  done
done
[[ $ran -gt 0 ]] || skip "neither gcc nor clang"
pass "profiles travel with their winners"
