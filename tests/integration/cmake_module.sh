# llmcc's CMake module (cmake-module/):
#  1. find_package(llmcc) from the source checkout + global llmcc_enable(),
#     examples/cmake-library with IMGPROC_USE_LLMCC=ON (Ninja), gcc and clang;
#  2. include(llmcc.cmake) + llmcc_enable(TARGETS ...) around mixed-c-cxx with
#     Unix Makefiles: only the listed targets go through llmcc;
#  3. Ninja Multi-Config: a Release build, and the llmcc-tune target rebuilds
#     that configuration;
#  4. `cmake --install` of llmcc: find_package(llmcc <version>) from the prefix
#     finds the installed llmcc, and rejects an incompatible version.
# Outputs must equal plain builds'; llmcc must capture exactly the expected TUs.
source "$(dirname "$0")/lib/common.bash"
require_pairs

require cmake ninja

MODULE=(-Dllmcc_DIR="$LLMCC_SOURCE_DIR/cmake-module" -DLLMCC_EXECUTABLE="$LLMCC")

# 1. find_package + global llmcc_enable() (the example's own integration).
for pair in "${PAIRS[@]}"; do
  read -r cc cxx <<<"$pair"
  label="module global cmake-library $cc"
  begin_case "$label" cmake-library "$cc" "$cxx" "module-$cc"
  dir="$WORK/module-$cc"
  run_quiet cmake -S "$EXAMPLES/cmake-library" -B "$dir" -G Ninja -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_CXX_COMPILER="$cxx" -DIMGPROC_USE_LLMCC=ON "${MODULE[@]}" "${NO_BENCH[@]}"
  grep -q "^CMAKE_CXX_COMPILER_LAUNCHER" "$dir/CMakeCache.txt" &&
    fail "$label: llmcc_enable() should set the launcher for the project, not in the user's cache"
  run_quiet cmake --build "$dir" -j2
  check_cmake_build "$label" cmake-library "$dir" "$REF"
done

# Benchmarks present: the tuning target exists and runs `llmcc tune` on them.
read -r cc cxx <<<"${PAIRS[0]}"
if [[ -f /usr/include/benchmark/benchmark.h ]] || [[ -n "$(find /usr /usr/local -name benchmarkConfig.cmake -print -quit 2>/dev/null)" ]]; then
  label="module tuning target ($cc)"
  note "$label"
  fresh_db "module-bench-$cc"
  dir="$WORK/module-bench-$cc"
  if run_quiet cmake -S "$EXAMPLES/cmake-library" -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
    -DIMGPROC_USE_LLMCC=ON -DIMGPROC_TUNE_OBJECTIVE=size -DIMGPROC_TUNE_BUDGET=3 "${MODULE[@]}"; then
    commands="$(ninja -C "$dir" -t commands llmcc-tune-bench_imgproc | tail -n 1)"
    for want in "$LLMCC tune --build-dir $dir --target bench_imgproc" \
      "--bench \"$dir/bench_imgproc --benchmark_min_time=0.05\"" "--verify $dir/imgproc_test" \
      "--objective size" "--budget 3" "cmake --build $dir --target bench_imgproc"; do
      [[ "$commands" == *"$want"* ]] || fail "$label: '$want' missing from: $commands"
    done
  fi
fi

# 2. include() from the checkout + per-target llmcc_enable, Unix Makefiles.
for pair in "${PAIRS[@]}"; do
  read -r cc cxx <<<"$pair"
  label="module per-target mixed-c-cxx $cc"
  begin_case "$label" mixed-c-cxx "$cc" "$cxx" "per-target-$cc"
  wrap="$WORK/wrap-src"
  mkdir -p "$wrap"
  cat >"$wrap/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(wrap C CXX)
include("$LLMCC_SOURCE_DIR/cmake-module/llmcc.cmake")
add_subdirectory("$EXAMPLES/mixed-c-cxx" mixed)
llmcc_enable(TARGETS codec records mixed_demo)
CMAKE
  dir="$WORK/per-target-$cc"
  run_quiet cmake -S "$wrap" -B "$dir" -G "Unix Makefiles" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_CXX_COMPILER="$cxx" -DLLMCC_EXECUTABLE="$LLMCC"
  run_quiet cmake --build "$dir" -j2
  expect_same_output "$label" "$REF" "$dir/mixed/mixed_demo"
  enabled=(c/base64.c c/varint.c cxx/record.cpp cxx/workload.cpp apps/mixed_demo.cpp)
  expect_captured "$label" "${#enabled[@]}" 1
  expect_sources_captured "$label" "${enabled[@]/#/$EXAMPLES/mixed-c-cxx/}"
  for src in tests/test_c.c tests/test_cxx.cpp; do
    "$LLMCC" show "$EXAMPLES/mixed-c-cxx/$src" --json >/dev/null 2>&1 &&
      fail "$label: $src was compiled through llmcc but its target was not enabled"
  done
done

# 3. Ninja Multi-Config.
read -r cc cxx <<<"${PAIRS[0]}"
label="module Ninja Multi-Config cmake-library $cc"
begin_case "$label" cmake-library "$cc" "$cxx" "multi-$cc"
dir="$WORK/multi-$cc"
if run_quiet cmake -S "$EXAMPLES/cmake-library" -B "$dir" -G "Ninja Multi-Config" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_CXX_COMPILER="$cxx" -DIMGPROC_USE_LLMCC=ON "${MODULE[@]}" &&
  run_quiet cmake --build "$dir" --config Release -j2; then
  if [[ -f "$dir/Release/bench_imgproc" ]]; then
    # With benchmarks the build has one more TU and link; check those separately.
    expect_same_output "$label" "$REF" "$dir/Release/imgproc_demo"
    expect_captured "$label" $((${#IMGPROC_TUS[@]} + 1)) $((IMGPROC_LINKS + 1))
    expect_sources_captured "$label" "${IMGPROC_TUS[@]/#/$EXAMPLES/cmake-library/}" \
      "$EXAMPLES/cmake-library/bench/bench_imgproc.cpp"
    commands="$(ninja -C "$dir" -f build-Release.ninja -t commands llmcc-tune-bench_imgproc | tail -n 1)"
    [[ "$commands" == *"--build-cmd"*"--config Release"* ]] ||
      fail "$label: the tuning target does not rebuild the Release configuration: $commands"
    [[ "$commands" == *"$dir/Release/bench_imgproc"* ]] ||
      fail "$label: the tuning target does not bench the Release binary: $commands"
  else
    check_cmake_build "$label" cmake-library "$dir" "$REF" Release
  fi
fi

# 4. The installed package.
label="installed package"
note "$label"
# DESTDIR keeps every install rule inside $WORK, even one that ignores --prefix.
prefix="$WORK/dest/opt/llmcc"
if [[ -z "${LLMCC_BUILD_DIR:-}" ]]; then
  note "LLMCC_BUILD_DIR is not set: install not exercised"
elif DESTDIR="$WORK/dest" run_quiet cmake --install "$LLMCC_BUILD_DIR" --prefix /opt/llmcc; then
  for f in llmccConfig.cmake llmccConfigVersion.cmake llmcc.cmake; do
    [[ -f "$prefix/lib/cmake/llmcc/$f" ]] || fail "$label: lib/cmake/llmcc/$f was not installed"
  done
  version="$(sed -n 's/^project(llmcc VERSION \([0-9.]*\).*/\1/p' "$LLMCC_SOURCE_DIR/CMakeLists.txt")"
  consumer="$WORK/consumer"
  mkdir -p "$consumer"
  cat >"$consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(consumer NONE)
find_package(llmcc ${WANT} QUIET)
message(STATUS "llmcc_FOUND=${llmcc_FOUND} llmcc_VERSION=${llmcc_VERSION} LLMCC_EXECUTABLE=${LLMCC_EXECUTABLE}")
if(llmcc_FOUND)
  if(NOT COMMAND llmcc_enable OR NOT COMMAND llmcc_add_tuning)
    message(FATAL_ERROR "the package did not define llmcc_enable/llmcc_add_tuning")
  endif()
endif()
CMAKE
  out="$(cmake -S "$consumer" -B "$consumer/build" -DCMAKE_PREFIX_PATH="$prefix" -DWANT="$version" 2>&1)" ||
    fail "$label: configuring a consumer failed: $out"
  [[ "$out" == *"llmcc_FOUND=1 llmcc_VERSION=$version LLMCC_EXECUTABLE=$prefix/bin/llmcc"* ]] ||
    fail "$label: find_package(llmcc $version) did not find the installed llmcc: $out"
  out="$(cmake -S "$consumer" -B "$consumer/build-99" -DCMAKE_PREFIX_PATH="$prefix" -DWANT=99.0 2>&1)" ||
    fail "$label: configuring a consumer failed: $out"
  [[ "$out" == *"llmcc_FOUND=0"* ]] || fail "$label: find_package(llmcc 99.0) accepted version $version: $out"
fi

pass "CMake module: global, per-target, multi-config and installed package"
