#!/usr/bin/env bash
# The hot TU of a CMake project built with BUILD_SHARED_LIBS=ON lives in the
# project's own libkern.so (issue 18): it is found through the program's link,
# tuned with the library rebuilt and swapped in for every measurement, and the
# program the benchmark loads really changes. Deterministic (instructions).
source "$(dirname "$0")/lib/common.bash"
require valgrind cmake ninja
require_pairs
for pair in "${PAIRS[@]}"; do
  read -r cc _ <<<"$pair"
  fresh_db "$cc"
  src="$WORK/src-$cc" b="$WORK/build-$cc"
  cp -r "$LLMCC_SOURCE_DIR/tests/integration/data/shared-lib" "$src"
  # Release at -O1: -O3's unrolling is a gain on any CPU, where a gain over
  # -O3 would depend on what -march=native means here (with clang 14 on a CPU
  # it does not know, the same code as -O3).
  run_quiet env CC="$LLMCC" LLMCC_CC="$cc" cmake -S "$src" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE=-O1 -DBUILD_SHARED_LIBS=ON
  export LLMCC_CC="$cc"
  run_quiet cmake --build "$b"
  plain_out=$("$b/app" 30)
  lib=$(readlink -f "$b/libkern.so")
  cp "$lib" "$WORK/lib-before"
  llmcc tune --build-dir "$b" --target app --bench "$b/app 30" --objective instructions --budget 4 --json \
    >"$WORK/tune.json" 2>"$WORK/tune.err" || fail "$cc: tune failed: $(tail -5 "$WORK/tune.err")"
  python3 - "$WORK/tune.json" <<'PY' || fail "$cc: $(cat "$WORK/tune.json")"
import json, sys
s = json.load(open(sys.argv[1]))
kern = [t for t in s["tus"] if t["source"].endswith("kern.c")]
assert kern and kern[0]["status"] == "tuned", s["tus"]
assert kern[0]["speedup"] > 1.0, kern[0]
assert s["program"]["speedup"] > 1.0, s.get("program")
print("kern.c", kern[0]["speedup"], "program", s["program"]["speedup"])
PY
  # What the benchmark loads changed: the library, not the program binary.
  cmp -s "$lib" "$WORK/lib-before" && fail "$cc: libkern.so did not change"
  assert_eq "$("$b/app" 30)" "$plain_out" "$cc: output after tuning"
  assert_eq "$(llmcc show "$src/src/kern.c" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["how"])')" \
    "exact" "$cc: show kern.c"
  pass "$cc: hot TU in an in-tree shared library tuned"
done
