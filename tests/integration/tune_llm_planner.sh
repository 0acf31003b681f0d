#!/usr/bin/env bash
# `llmcc tune --planner hybrid` against a scripted OpenAI-compatible server on
# 127.0.0.1: good proposals are used, a hostile one is dropped by the allow-list,
# the API key goes only in the Authorization header, and when the endpoint is
# down or talks garbage the session still completes with the built-in planner.
source "$(dirname "$0")/lib/common.bash"
require python3 gcc valgrind
write_sqrt_project "$WORK/proj" && cd "$WORK/proj"
export LLMCC_CC=gcc
make -s CC=llmcc

start_server() { # $1 = script file; sets PORT and SERVER_PID
  python3 "$LLMCC_SOURCE_DIR/tests/fake_llm/fake_llm_server.py" --script "$1" --log "$WORK/requests.log" \
    --lifetime 300 >"$WORK/server.out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  on_exit "kill $SERVER_PID 2>/dev/null"
  for _ in $(seq 1 100); do [[ -s "$WORK/server.out" ]] && break; sleep 0.1; done
  PORT=$(head -1 "$WORK/server.out")
  [[ -n "$PORT" ]] || fail "fake server did not start: $(cat "$WORK/server.err")"
}
reply='{"candidates":[{"opt":"-O3","options":["-fno-math-errno"],"rationale":"sqrt in a loop: let it inline and vectorise"},{"opt":"-O2","options":["-fplugin=/tmp/evil.so"],"rationale":"evil"}]}'
python3 -c 'import json,sys; print(json.dumps([{"content": sys.argv[1]}]))' "$reply" > "$WORK/good.json"
start_server "$WORK/good.json"
export LLMCC_LLM_URL="http://127.0.0.1:$PORT/v1" LLMCC_LLM_MODEL=fake-model
export OPENAI_API_KEY="sk-test-do-not-leak-1234"
llmcc tune --build-dir . --bench ./prog --tu k.c --objective instructions --budget 5 --planner hybrid --json \
  >"$WORK/s1.json" 2>"$WORK/p1.txt" || fail "hybrid tune failed: $(tail -5 "$WORK/p1.txt")"
notes=$(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["notes"]))' "$WORK/s1.json")
assert_contains "$notes" "1 proposal(s) accepted" "LLM accounting in the summary"
assert_contains "$notes" " rejected" "hostile proposal rejected"
db="$LLMCC_DIR/llmcc.db"
llm_trials=$(sqlite3 "$db" "SELECT COUNT(*) FROM trials WHERE operator='llm'" 2>/dev/null || echo 0)
[[ $llm_trials -ge 1 ]] || fail "no LLM proposal was tried"
assert_not_contains "$(sqlite3 "$db" "SELECT json FROM configs")" "fplugin" "hostile flag stored"
log=$(cat "$WORK/requests.log")
assert_contains "$log" "Bearer sk-test-do-not-leak-1234" "key in the Authorization header"
bodies=$(python3 -c 'import json,sys
for l in open(sys.argv[1]): print(json.loads(l)["body"])' "$WORK/requests.log")
assert_not_contains "$bodies" "sk-test-do-not-leak" "key in the prompt"
assert_not_contains "$(sqlite3 "$db" .dump)" "sk-test-do-not-leak" "key in the database"
assert_contains "$bodies" "k.c" "the prompt names the TU"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true

# Garbage replies, then a dead endpoint: the session completes with the built-in planner.
printf '[{"raw": "this is not json"}]' > "$WORK/garbage.json"
start_server "$WORK/garbage.json"
# (Another model name: replies are cached by model and prompt, and this prompt was answered above.)
export LLMCC_LLM_URL="http://127.0.0.1:$PORT/v1" LLMCC_LLM_MODEL=fake-model-2
llmcc tune --build-dir . --bench ./prog --tu k.c --objective instructions --budget 4 --planner hybrid --json \
  >"$WORK/s2.json" 2>"$WORK/p2.txt" || fail "tune with a garbage endpoint failed"
assert_contains "$(cat "$WORK/s2.json" "$WORK/p2.txt")" "continuing with the built-in planner" "garbage endpoint status"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
LLMCC_LLM_MODEL=fake-model-3 llmcc tune --build-dir . --bench ./prog --tu k.c --objective instructions --budget 4 --planner hybrid --json \
  >"$WORK/s3.json" 2>"$WORK/p3.txt" || fail "tune with a dead endpoint failed"
assert_contains "$(cat "$WORK/s3.json" "$WORK/p3.txt")" "continuing with the built-in planner" "dead endpoint status"
assert_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["state"])' "$WORK/s3.json")" "done" "session state"
assert_eq "$(./prog)" "$(./prog)" "program runs"
pass "hybrid planner: proposals used and checked, key kept private, sessions complete when the LLM fails"
