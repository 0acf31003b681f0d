#!/usr/bin/env bash
# CC=llmcc CXX=llmcc++ builds a multi-TU project (static library, program, test)
# with CMake+Ninja, CMake+Makefiles and plain make, with gcc and clang: same
# program output as a plain build, every TU captured, and with no tuned configs
# byte-identical object files.
source "$(dirname "$0")/lib/common.bash"

write_sample_project "$WORK/proj"
checked=0
for pair in "${PAIRS[@]}"; do
  read -r cc cxx <<<"$pair"
  for gen in Ninja "Unix Makefiles" make; do
    tag="$cc-${gen// /_}"
    plain="$WORK/plain-$tag" wrapped="$WORK/wrapped-$tag"
    if [[ $gen == make ]]; then
      cp -r "$WORK/proj" "$plain"; cp -r "$WORK/proj" "$wrapped"
      make -s -C "$plain" CC="$cc" CXX="$cxx" >/dev/null
      LLMCC_CC="$cc" LLMCC_CXX="$cxx" make -s -C "$wrapped" CC=llmcc CXX=llmcc++ >/dev/null
      objs=(src/checksum.o src/poly.o src/main.o src/test_lib.o)
    else
      CC="$cc" CXX="$cxx" cmake -S "$WORK/proj" -B "$plain" -G "$gen" -DCMAKE_BUILD_TYPE=Release >/dev/null
      cmake --build "$plain" >/dev/null
      LLMCC_CC="$cc" LLMCC_CXX="$cxx" CC=llmcc CXX=llmcc++ \
        cmake -S "$WORK/proj" -B "$wrapped" -G "$gen" -DCMAKE_BUILD_TYPE=Release >/dev/null
      LLMCC_CC="$cc" LLMCC_CXX="$cxx" cmake --build "$wrapped" >/dev/null
      objs=()
      while IFS= read -r o; do objs+=("${o#$plain/}"); done < <(find "$plain" -name '*.o' -path '*CMakeFiles/*.dir/*' | sort)
      (cd "$wrapped" && LLMCC_CC="$cc" LLMCC_CXX="$cxx" ctest --output-on-failure >/dev/null) || fail "$tag: ctest failed"
    fi
    assert_eq "$("$wrapped/app")" "$("$plain/app")" "$tag program output"
    assert_eq "$("$wrapped/test_lib")" "tests passed" "$tag test output"
    [[ ${#objs[@]} -ge 4 ]] || fail "$tag: expected 4 objects, found ${#objs[@]}"
    for o in "${objs[@]}"; do
      cmp -s "$plain/$o" "$wrapped/$o" || fail "$tag: $o differs from the plain compiler's"
    done
    checked=$((checked + 1))
    pass "$tag: output identical, ${#objs[@]} objects byte-identical"
  done
done
[[ $checked -gt 0 ]] || skip "no compiler"

# Every TU of every build was captured (4 per build), every program link too.
captured=$(stat_field captured_compiles)
[[ $captured -ge $((checked * 4)) ]] || fail "captured $captured compiles, expected at least $((checked * 4))"
plain_compiles=$(stat_counter compile.plain)
[[ $plain_compiles -ge $((checked * 4)) ]] || fail "compile.plain = $plain_compiles"
assert_eq "$(stat_counter compile.tuned)" "0" "no tuned compiles without winners"
links=$(stat_counter link)
[[ $links -ge $((checked * 2)) ]] || fail "links recorded: $links"
probes=$(stat_counter passthrough.probe)
pass "captured $captured compiles, $links links, $probes probes passed through"
