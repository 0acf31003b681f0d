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

p=0
for pair in "${PAIRS[@]}"; do
  p=$((p + 1))
  e=0
  read -r cc cxx <<<"$pair"
  for example in cmake-library mixed-c-cxx; do
    generators=("Ninja" "Unix Makefiles")
    # Alternate so each compiler and each example meets both generators.
    generator="${generators[$(((p + e) % 2))]}"
    e=$((e + 1))
    label="launcher $example $cc ($generator)"
    plain_reference "$example" "$cc" "$cxx"
    ref="$REF"
    note "$label"
    fresh_db "launcher-$example-$cc"
    dir="$WORK/launcher-$example-$cc"
    run_quiet cmake -S "$EXAMPLES/$example" -B "$dir" -G "$generator" -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_CXX_COMPILER="$cxx" "${launchers[@]}" "${NO_BENCH[@]}"
    run_quiet cmake --build "$dir" -j2
    check_cmake_build "$label" "$example" "$dir" "$ref"
  done
done

pass "CMake launcher builds: same output, every TU and link captured"
