#!/usr/bin/env bash
# README.md's five-minute walkthrough, run verbatim: the fenced block after
# <!-- walkthrough --> runs in a copy of the checkout (its tracked files as they
# are now) whose build/bin is the llmcc under test.
source "$(dirname "$0")/lib/common.bash"
require valgrind make cc
clone="$WORK/clone"
mkdir -p "$clone"
if git -C "$LLMCC_SOURCE_DIR" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$LLMCC_SOURCE_DIR" && git ls-files -z | xargs -0 cp --parents -t "$clone")
else
  (cd "$LLMCC_SOURCE_DIR" && tar --exclude=./build -cf - .) | (cd "$clone" && tar -xf -)
fi
mkdir -p "$clone/build"
ln -s "$LLMCC_BIN_DIR" "$clone/build/bin"
python3 - "$clone/README.md" >"$WORK/walkthrough.sh" <<'PY' || fail "README.md has no walkthrough block"
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"<!-- walkthrough -->\s*```sh\n(.*?)```", text, re.S)
assert m, "no ```sh block after <!-- walkthrough -->"
print(m.group(1), end="")
PY
[[ $(wc -l <"$WORK/walkthrough.sh") -ge 5 ]] || fail "the walkthrough block is too short"
# The harness's PATH already has llmcc: take it out, so the walkthrough's own
# `export PATH` is what finds it.
PATH="${PATH#"$LLMCC_BIN_DIR:"}"
command -v llmcc >/dev/null && skip "an installed llmcc is in PATH; the walkthrough would not test this build"
(cd "$clone" && TMPDIR="$WORK" bash -euo pipefail "$WORK/walkthrough.sh") >"$WORK/walkthrough.out" 2>&1 ||
  fail "the walkthrough failed: $(tail -20 "$WORK/walkthrough.out")"
out=$(cat "$WORK/walkthrough.out")
assert_contains "$out" "kernel.c  tuned" "the tune summary"
assert_contains "$out" "undo:       llmcc forget kernel.c" "explain"
assert_contains "$out" "wrote report.html" "report"
assert_contains "$out" "(exact match)" "show after the rebuild"
assert_contains "$out" "to team.llmcc (" "the share step exports a bundle"
pass "README walkthrough runs as written"
