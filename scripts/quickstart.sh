#!/usr/bin/env bash
# The main job, end to end, offline: install what is missing, build llmcc, build
# an example project through it, tune the example's hot TU with the built-in
# planner, and print the before/after table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LLMCC_BUILD:-$root/build}"
LLMCC_WITH_BAZEL=0 "$root/scripts/build.sh"

work="$build/quickstart"
rm -rf "$work" && mkdir -p "$work"
cp -r "$root/examples/make-c" "$work/make-c"
export PATH="$build/bin:$PATH"
# A private database, so the quickstart leaves your own cache alone.
export LLMCC_DIR="$work/cache"
cd "$work/make-c"

echo "== 1. build the example through llmcc (make CC=llmcc)"
make -s CC=llmcc
./makec_demo 200
llmcc stats | sed -n '2,3p'

echo
echo "== 2. tune it: built-in planner, time objective, every candidate checked with 'make check'"
llmcc tune --build-dir . --bench "./makec_demo 200" --verify "make -s check" \
  --budget "${LLMCC_QUICKSTART_BUDGET:-16}" --seed 1

echo
echo "== 3. a clean rebuild picks the winner from the database"
make -s clean && make -s CC=llmcc
llmcc show kernel.c | grep -E '^(config|evidence|command):'
./makec_demo 200 | diff -u "$root/examples/make-c/expected_output.txt" - && echo "output: identical to the expected checksum"
