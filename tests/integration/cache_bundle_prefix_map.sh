#!/usr/bin/env bash
# Checkouts without a root marker (no .git, no .llmcc.conf), built as Debian's
# packages build them, with -ffile-prefix-map=DIR=.: the directory the build
# maps away is the checkout's root. So a winner from one such checkout, shared
# by a bundle, is the exact match in another checkout elsewhere, and gives the
# tuning host's object there.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/servers.bash" # the shared two-file project
require sqlite3 gcc git
export LLMCC_CC=gcc

# The object of src/hot.c as a package build makes it, from the build directory.
package_build() {
  mkdir -p build
  (cd build && llmcc -O2 -ffile-prefix-map="$1"=. -c ../src/hot.c -o hot.o)
}

hot_project "$WORK/a"
rm -rf "$WORK/a/.git"
cp -r "$WORK/a" "$WORK/b"

cd "$WORK/a"
fresh_db a
package_build "$WORK/a"
info=$(cd build && llmcc show ../src/hot.c --json)
key=$(json_get "$info" 'j["tu_key"]') cid=$(json_get "$info" 'j["compiler"]["id"]')
host=$(json_get "$info" 'j["host"]') class=$(json_get "$info" 'j["hw_class"]')
assert_eq "$(json_get "$info" 'j["source_rel"]')" "src/hot.c" "the mapped directory is the root"
insert_winner "$LLMCC_DIR/llmcc.db" "$key" src/hot.c "$cid" "$host" "$class"
package_build "$WORK/a"
cp build/hot.o "$WORK/tuned-hot.o"
llmcc cache export -o "$WORK/team.llmcc" >/dev/null

cd "$WORK/b"
fresh_db b
out=$(llmcc cache import "$WORK/team.llmcc")
assert_contains "$out" "added 1, replaced 0, skipped 0, rejected 0" "import"
package_build "$WORK/b"
cmp "$WORK/tuned-hot.o" build/hot.o || fail "the other checkout did not get the tuning host's object"
info=$(cd build && llmcc show ../src/hot.c --json)
assert_eq "$(json_get "$info" 'j["source_rel"]')" "src/hot.c" "the other checkout's root"
assert_eq "$(json_get "$info" 'j["how"]')" "exact" "the shared winner is the exact match"
assert_eq "$(json_get "$info" 'j["tu_key"]')" "$key" "the same key in both checkouts"

pass "unmarked checkouts built with -ffile-prefix-map share a winner as an exact match"
