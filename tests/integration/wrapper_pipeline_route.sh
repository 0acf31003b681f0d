#!/usr/bin/env bash
# The clang pass-pipeline route: front end -> opt -passes=... -> code generation.
# default<O3> through the route gives the same code as plain -O3; a custom
# pipeline builds a working program; the dependency file names the real object;
# a hostile pipeline never reaches opt.
source "$(dirname "$0")/lib/common.bash"
command -v clang >/dev/null || skip "clang missing"
export LLMCC_CC=clang
cd "$WORK"
printf '#define SCALE 3\n' > h.h
printf '#include "h.h"\nint k(int n){int s=0;for(int i=0;i<n;i++)s+=(i%%5)*SCALE;return s;}\n' > k.c
printf '#include <stdio.h>\nint k(int);\nint main(void){printf("%%d\\n",k(1000));return 0;}\n' > main.c
trial() { # $1 = pipeline
  printf '{"entries":[{"source":"%s/k.c","config":{"opt":"-O3","options":[],"pipeline":"%s"}}]}\n' "$WORK" "$1" > trial.json
}
trial 'default<O3>'
LLMCC_TRIAL_FILE="$WORK/trial.json" llmcc -O2 -I. -MD -c k.c -o k.o || fail "pipeline compile failed"
clang -O3 -I. -c k.c -o ref.o
cmp -s <(objdump -d k.o | tail -n +4) <(objdump -d ref.o | tail -n +4) || fail "default<O3> route differs from -O3"
assert_contains "$(cat k.d)" "k.o: k.c h.h" "dependency file"

trial 'default<O3>,function(slp-vectorizer,instcombine,simplifycfg)'
LLMCC_TRIAL_FILE="$WORK/trial.json" llmcc -O2 -I. -c k.c -o k.o || fail "custom pipeline compile failed"
llmcc -O2 -c main.c -o main.o && llmcc main.o k.o -o prog
assert_eq "$(./prog)" "6000" "program built through a custom pipeline"

# A pipeline that is not built from known passes is refused before anything runs.
trial 'function(instcombine);-load=/tmp/evil.so'
out=$(LLMCC_TRIAL_FILE="$WORK/trial.json" llmcc -O2 -I. -c k.c -o k.o 2>&1) || true
assert_contains "$out" "pipeline" "hostile pipeline rejected with a reason"
[[ -s k.o ]] || fail "the compile did not fall back to the plain command"
pass "pass-pipeline route: same code for default<O3>, custom pipelines work, hostile ones refused"
