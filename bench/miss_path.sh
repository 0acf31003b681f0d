#!/bin/bash
# The miss path's instruction count, as docs/benchmarks.md measures it: a fresh
# state directory, a database made by two compiles, its WAL checkpointed, then
# two compiles of the same one-line C file under callgrind (up to the exec of
# the real compiler). Prints the two counts and the state directory's files.
# usage: bench/miss_path.sh BINDIR   (REMOTE=URL also configures a remote store)
set -e
bin=$(cd "$1" && pwd) # absolute: the script changes directory
d=$(mktemp -d /tmp/llmcc-miss.XXXX)
cd "$d"
export LLMCC_DIR=$d/state LLMCC_CC=gcc
[[ -n ${REMOTE:-} ]] && export LLMCC_REMOTE=$REMOTE
echo 'int f(int x) { return x + 1; }' > t.c
"$bin/llmcc" -O2 -c t.c
"$bin/llmcc" -O2 -c t.c
sqlite3 "$LLMCC_DIR/llmcc.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
for i in 1 2; do
  valgrind --tool=callgrind --dump-before=execv --callgrind-out-file=$d/cg.$i.%p "$bin/llmcc" -O2 -c t.c 2>$d/vg.$i.log
  grep -h "^summary:" "$d"/cg.$i.*.1 | awk '{print $2}'
done
ls "$LLMCC_DIR"
