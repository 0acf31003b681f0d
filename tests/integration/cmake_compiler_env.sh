# CMake with llmcc as the compiler: CC=llmcc CXX=llmcc++ (the real compilers
# from LLMCC_CC/LLMCC_CXX), for both CMake examples, gcc and clang, with Ninja
# and with Unix Makefiles. Outputs must equal plain builds'; llmcc must capture
# every TU and link of the build (CMake's configure-time compiler checks go to
# a separate database).
source "$(dirname "$0")/lib/common.bash"
require_pairs

require cmake ninja

env_build() {
  local cc="$1" cxx="$2" example="$3" generator="$4"
  export LLMCC_CC="$cc" LLMCC_CXX="$cxx"
  local label="CC=llmcc $example $cc ($generator)" dir="$WORK/env-$example-$cc"
  begin_case "$label" "$example" "$cc" "$cxx" "env-configure-$example-$cc"
  local ref="$REF"
  CC=llmcc CXX=llmcc++ run_quiet cmake -S "$EXAMPLES/$example" -B "$dir" -G "$generator" "${NO_BENCH[@]}"
  # CMake identified the real compiler behind the wrapper.
  local want_id=GNU
  [[ "$cc" == clang ]] && want_id=Clang
  grep -q "^CMAKE_CXX_COMPILER_ID:.*=$want_id\$\|CMAKE_CXX_COMPILER_ID \"$want_id\"" \
    "$dir"/CMakeFiles/*/CMakeCXXCompiler.cmake ||
    fail "$label: CMake did not identify $cxx behind llmcc++"
  fresh_db "env-$example-$cc"
  run_quiet cmake --build "$dir" -j2
  check_cmake_build "$label" "$example" "$dir" "$ref"
}
each_example_build env_build
unset LLMCC_CC LLMCC_CXX

pass "CC=llmcc CXX=llmcc++ CMake builds: same output, every TU and link captured"
