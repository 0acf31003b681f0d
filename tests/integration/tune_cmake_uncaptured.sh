#!/usr/bin/env bash
# `llmcc tune --build-dir` on a CMake build that never went through llmcc: the
# File API finds the target's binary, llmcc adds itself as compiler and linker
# launcher, rebuilds once to record everything, and tunes.
source "$(dirname "$0")/lib/common.bash"
command -v valgrind >/dev/null || skip "valgrind missing"
command -v gcc >/dev/null || skip "gcc missing"
write_sample_project "$WORK/proj"
CC=gcc CXX=g++ cmake -S "$WORK/proj" -B "$WORK/b" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$WORK/b" >/dev/null
want=$("$WORK/b/app")
assert_eq "$(stat_field captured_compiles)" "0" "nothing captured before"
llmcc tune --build-dir "$WORK/b" --target app --bench "$WORK/b/app" --objective instructions --budget 3 --json \
  >"$WORK/s.json" 2>"$WORK/p.txt" || fail "tune failed: $(tail -5 "$WORK/p.txt")"
state=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["state"])' "$WORK/s.json")
assert_eq "$state" "done" "session state"
assert_contains "$(cat "$WORK/s.json")" "compiler/linker launcher" "the summary says what was changed"
[[ $(stat_field captured_compiles) -ge 3 ]] || fail "compiles were not captured"
grep -q "CMAKE_CXX_COMPILER_LAUNCHER:.*llmcc" "$WORK/b/CMakeCache.txt" || fail "launcher not in the cache"
assert_eq "$("$WORK/b/app")" "$want" "program output"
pass "uncaptured CMake build tuned through the File API"
