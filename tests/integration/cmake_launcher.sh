# The CMake compiler-launcher path, no project change:
#   -DCMAKE_<LANG>_COMPILER_LAUNCHER=llmcc -DCMAKE_<LANG>_LINKER_LAUNCHER=llmcc
# for both CMake examples, gcc and clang, Ninja and Unix Makefiles. Outputs must
# equal plain builds'; llmcc must capture every TU and link.
source "$(dirname "$0")/lib/common.bash"
require_pairs

require cmake ninja

launchers=()
for lang in C CXX; do
  launchers+=("-DCMAKE_${lang}_COMPILER_LAUNCHER=$LLMCC" "-DCMAKE_${lang}_LINKER_LAUNCHER=$LLMCC")
done

launcher_build() {
  local cc="$1" cxx="$2" example="$3" generator="$4"
  local label="launcher $example $cc ($generator)" dir="$WORK/launcher-$example-$cc"
  begin_case "$label" "$example" "$cc" "$cxx" "launcher-$example-$cc"
  run_quiet cmake -S "$EXAMPLES/$example" -B "$dir" -G "$generator" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_CXX_COMPILER="$cxx" "${launchers[@]}" "${NO_BENCH[@]}"
  run_quiet cmake --build "$dir" -j2
  check_cmake_build "$label" "$example" "$dir" "$REF"
}
each_example_build launcher_build

pass "CMake launcher builds: same output, every TU and link captured"
