#!/usr/bin/env bash
# What the LLM was worth: a hybrid session against a scripted endpoint that
# refuses json_schema with a 400. The planner falls back to json_object once and
# remembers it for the next session; the "worth" figures in --json equal the
# counts of the session's trials in the database; the summary and `llmcc explain`
# show them.
source "$(dirname "$0")/lib/common.bash"
require python3 sqlite3 gcc valgrind
write_sqrt_project "$WORK/proj" && cd "$WORK/proj"
export LLMCC_CC=gcc
make -s CC=llmcc

reply='{"candidates":[{"opt":"-O3","options":["-fno-math-errno"],"pipeline":"","rationale":"inline sqrt"},{"opt":"-O1","options":[],"pipeline":"","rationale":"smaller"},{"opt":"-O2","options":["-fplugin=/tmp/evil.so"],"pipeline":"","rationale":"evil"}]}'
python3 -c 'import json,sys; print(json.dumps([{"content": sys.argv[1], "usage": {"prompt_tokens": 200, "completion_tokens": 40}}]))' \
  "$reply" > "$WORK/script.json"
python3 "$LLMCC_SOURCE_DIR/tests/fake_llm/fake_llm_server.py" --kind no-json-schema --script "$WORK/script.json" \
  --log "$WORK/requests.log" --lifetime 300 >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
on_exit "kill $SERVER_PID 2>/dev/null"
for _ in $(seq 1 100); do [[ -s "$WORK/server.out" ]] && break; sleep 0.1; done
PORT=$(head -1 "$WORK/server.out")
[[ -n "$PORT" ]] || fail "fake server did not start: $(cat "$WORK/server.err")"
export LLMCC_LLM_URL="http://127.0.0.1:$PORT/v1" LLMCC_LLM_MODEL=fake-model LLMCC_LLM_K=3

llmcc tune --build-dir . --bench ./prog --tu k.c --objective instructions --budget 6 --planner hybrid --json \
  >"$WORK/s1.json" 2>"$WORK/p1.txt" || fail "hybrid tune failed: $(tail -5 "$WORK/p1.txt")"
formats() { python3 -c 'import json,sys
for l in open(sys.argv[1]):
    b = json.loads(json.loads(l)["body"])
    print(b.get("response_format", {}).get("type", "none"))' "$WORK/requests.log"; }
assert_eq "$(formats | head -2 | tr '\n' ' ')" "json_schema json_object " "one refusal, then json_object"
assert_eq "$(formats | grep -c json_schema)" "1" "json_schema asked once"
assert_contains "$(cat "$WORK/p1.txt")" "refused response format json_schema" "the fallback is told"

db="$LLMCC_DIR/llmcc.db"
session=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["session"])' "$WORK/s1.json")
# The first screening trial of each (TU, config), as planner_worth reads them.
first="SELECT * FROM trials WHERE id IN (SELECT MIN(id) FROM trials WHERE session_id=$session AND planner<>'confirm' GROUP BY tu_key, config_id)"
counts() { # $1 = the SQL condition picking the origin
  local o="$1"
  local confirmed winners
  confirmed=$(sqlite3 "$db" "SELECT COUNT(*) FROM ($first) f WHERE $o AND EXISTS (SELECT 1 FROM trials c WHERE c.session_id=$session AND c.planner='confirm' AND c.verdict='ok' AND c.tu_key=f.tu_key AND c.config_id=f.config_id)")
  winners=$(sqlite3 "$db" "SELECT COUNT(*) FROM ($first) f JOIN winners w ON w.session_id=$session AND w.tu_key=f.tu_key AND w.config_id=f.config_id WHERE $o")
  echo "$(sqlite3 -separator ' ' "$db" "SELECT COUNT(*), COALESCE(SUM(verdict='rejected'),0), COALESCE(SUM(verdict NOT IN ('rejected','compile_error')),0), COALESCE(SUM(verdict IN ('ok','identical')),0), COALESCE(SUM(verdict='ok' AND speedup>1),0) FROM ($first) WHERE $o") $confirmed $winners"
}
from_json() { # $1 = origin key
  python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["worth"][sys.argv[2]]
print(" ".join(str(w[k]) for k in ["proposed","rejected","compiled","correct","faster","confirmed","winners"]))' "$WORK/s1.json" "$1"
}
llm_db=$(counts "operator='llm'")
builtin_db=$(counts "operator<>'llm'")
assert_eq "$(from_json llm)" "$llm_db" "LLM worth equals the trials table"
assert_eq "$(from_json builtin)" "$builtin_db" "built-in worth equals the trials table"
[[ ${llm_db%% *} -eq 2 ]] || fail "expected the two valid LLM proposals to be tried, got: $llm_db"
usage=$(python3 -c 'import json,sys; u=json.load(open(sys.argv[1]))["worth"]["llm_usage"]
print(u["requests"], u["tokens"], u["wait_sec"] >= 0)' "$WORK/s1.json")
requests=$(( $(wc -l < "$WORK/requests.log") - 1 )) # the refused one is inside a request
assert_eq "$usage" "$requests $((requests * 240)) True" "LLM usage: the requests the server saw, its token counts"
assert_contains "$(llmcc explain k.c)" "LLM proposals: $(from_json llm | cut -d' ' -f1) made" "explain shows the worth"

# A second session remembers the endpoint refuses json_schema: no refused request.
: > "$WORK/requests.log"
export LLMCC_LLM_MODEL=fake-model-2 # a fresh prompt hash, so the cache does not answer
llmcc tune --build-dir . --bench ./prog --tu k.c --objective instructions --budget 3 --planner hybrid \
  >"$WORK/s2.txt" 2>"$WORK/p2.txt" || fail "second tune failed: $(tail -5 "$WORK/p2.txt")"
assert_eq "$(formats | sort -u | tr '\n' ' ')" "json_object " "the refusal is remembered per endpoint"
assert_contains "$(cat "$WORK/s2.txt")" "LLM proposals: " "the summary shows the worth"
assert_contains "$(cat "$WORK/s2.txt")" "LLM cost: " "the summary shows the cost"
pass "LLM worth: json_schema fallback remembered, worth figures match the trials table"
