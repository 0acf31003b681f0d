#!/usr/bin/env bash
# Meson with llmcc as the compiler: CC=llmcc CXX=llmcc++ meson setup (the real
# compilers from LLMCC_CC/LLMCC_CXX), gcc and clang. Meson identifies the
# compiler from `$CC --version`, so llmcc must answer every identification probe
# exactly as the real compiler; llmcc's own version is `llmcc version`. Meson
# must identify the real compiler as it does without llmcc, the programs must
# give a plain build's output, and llmcc must capture every TU and link of the
# build (Meson's configure-time checks go to a separate database).
source "$(dirname "$0")/lib/common.bash"
require_pairs
require meson ninja

# The probes reach the real compiler byte for byte: stdout, stderr and exit code.
probe() { # <program> <args...>: prints what the call printed, labelled by stream
  local out err rc=0
  out="$("$@" 2>"$WORK/probe.err")" || rc=$?
  err="$(cat "$WORK/probe.err")"
  printf 'stdout:\n%s\nstderr:\n%s\nrc=%s\n' "$out" "$err" "$rc"
}
check_probes() { # <label> <real compiler path> <llmcc or llmcc++>
  local label="$1" real="$2" wrapper="$3" args
  for args in "--version" "-v" "-dumpversion" "-dumpfullversion" "-dumpmachine" "-print-search-dirs" \
    "-print-libgcc-file-name" "-print-multi-directory" "-print-sysroot" "-print-prog-name=ld"; do
    # shellcheck disable=SC2086
    assert_eq "$(probe "$wrapper" $args)" "$(probe "$real" $args)" "$label: $wrapper $args"
  done
}

# Without LLMCC_CC/LLMCC_CXX the real compilers are cc and c++ from PATH.
if command -v cc >/dev/null && command -v c++ >/dev/null; then
  check_probes "default compilers" "$(command -v cc)" llmcc
  check_probes "default compilers" "$(command -v c++)" llmcc++
fi
version="$(sed -n 's/^project(llmcc VERSION \([0-9.]*\).*/\1/p' "$LLMCC_SOURCE_DIR/CMakeLists.txt")"
assert_eq "$(llmcc version)" "llmcc $version" "llmcc version"
assert_contains "$(llmcc --help)" "llmcc version" "llmcc --help names llmcc version"

# The project: a static C library, a C++ program and a C++ test linked to it.
write_sample_project "$WORK/proj"
cat >"$WORK/proj/meson.build" <<'MESON'
project('sample', 'c', 'cpp', default_options: ['buildtype=release'])
inc = include_directories('include')
mathlib = static_library('mathlib', 'src/checksum.c', 'src/poly.c', include_directories: inc)
app = executable('app', 'src/main.cpp', link_with: mathlib, include_directories: inc)
test_lib = executable('test_lib', 'src/test_lib.cpp', link_with: mathlib, include_directories: inc)
test('test_lib', test_lib)
MESON
TUS=(src/checksum.c src/poly.c src/main.cpp src/test_lib.cpp)
LINKS=2 # app, test_lib

# compiler_line <setup log> <language>: how Meson identified the compiler.
compiler_line() {
  grep "^$2 compiler for the host machine: " "$1" || fail "no $2 compiler line in $1"
}

for pair in "${PAIRS[@]}"; do
  read -r cc cxx <<<"$pair"
  label="CC=llmcc meson $cc"
  note "$label"
  export LLMCC_CC="$cc" LLMCC_CXX="$cxx"
  check_probes "$label" "$(command -v "$cc")" llmcc
  check_probes "$label" "$(command -v "$cxx")" llmcc++

  plain="$WORK/plain-$cc"
  CC="$cc" CXX="$cxx" run_quiet meson setup "$plain" "$WORK/proj"
  cp "$WORK/last.log" "$WORK/plain-$cc-setup.log"
  run_quiet ninja -C "$plain"

  wrapped="$WORK/llmcc-$cc"
  fresh_db "meson-configure-$cc"
  CC=llmcc CXX=llmcc++ run_quiet meson setup "$wrapped" "$WORK/proj"
  cp "$WORK/last.log" "$WORK/llmcc-$cc-setup.log"
  # Meson identified the real compiler behind llmcc exactly as without it.
  for lang in C C++; do
    want="$(compiler_line "$WORK/plain-$cc-setup.log" "$lang")"
    exe="$cc"
    wrapper=llmcc
    [[ "$lang" == C++ ]] && exe="$cxx" && wrapper=llmcc++
    want="${want/": $exe ("/": $wrapper ("}"
    assert_eq "$(compiler_line "$WORK/llmcc-$cc-setup.log" "$lang")" "$want" "$label: $lang compiler"
  done
  family=gcc
  [[ "$cc" == clang ]] && family=clang
  assert_contains "$(compiler_line "$WORK/llmcc-$cc-setup.log" C)" "llmcc ($family " "$label: C compiler id"
  assert_contains "$(compiler_line "$WORK/llmcc-$cc-setup.log" C++)" "llmcc++ ($family " "$label: C++ compiler id"

  fresh_db "meson-$cc"
  run_quiet ninja -C "$wrapped"
  assert_eq "$("$wrapped/app")" "$("$plain/app")" "$label: program output"
  assert_eq "$("$wrapped/test_lib")" "tests passed" "$label: test output"
  run_quiet meson test -C "$wrapped"
  expect_captured "$label" "${#TUS[@]}" "$LINKS"
  expect_sources_captured "$label" "${TUS[@]/#/$WORK/proj/}"
  # The wrapper ran the compiler it was asked for.
  shown="$(llmcc show "$WORK/proj/src/main.cpp" --json)"
  assert_eq "$(json_get "$shown" 'j["compiler"]["path"]')" "$(realpath "$(command -v "$cxx")")" \
    "$label: main.cpp compiled by"
  unset LLMCC_CC LLMCC_CXX
done

pass "CC=llmcc CXX=llmcc++ Meson builds: compiler identified, same output, every TU and link captured"
