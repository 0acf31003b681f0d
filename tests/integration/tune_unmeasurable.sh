#!/usr/bin/env bash
# --objective instructions on a CPU whose -march=native code callgrind cannot
# run (valgrind 3.19 decodes no AVX-512: "vex amd64->IR: unhandled instruction
# bytes", then SIGILL). Such a candidate is `unmeasurable`, not a crash: it costs
# no trial, is never kept, the built-in planner stops proposing -march=native,
# and the user is told once why and what measures it.
#
# No test may assume an ISA, so valgrind is faked: a program built with
# -march=native carries a marker (the source tests a macro that -march=native
# defines here and the default target does not, whatever the CPU), and the
# fake valgrind fails on it exactly as the real one fails on AVX-512.
source "$(dirname "$0")/lib/common.bash"
require valgrind sqlite3 make
require_pairs
real_valgrind=$(command -v valgrind)
mkdir -p "$WORK/fakebin"
cat >"$WORK/fakebin/valgrind" <<SH
#!/usr/bin/env bash
log=""
for a in "\$@"; do
  case "\$a" in --log-file=*) log="\${a#--log-file=}" ;; esac
done
for a in "\$@"; do
  if [[ "\$a" != -* && -f "\$a" ]] && grep -q LLMCC-TEST-UNDECODABLE "\$a"; then
    [[ -n "\$log" ]] && printf 'vex amd64->IR: unhandled instruction bytes: 0x62 0xF2 0xFD 0x48 0x19\n' >"\${log//%p/\$\$}"
    kill -ILL \$\$
  fi
done
exec "$real_valgrind" "\$@"
SH
chmod +x "$WORK/fakebin/valgrind"

for pair in "${PAIRS[@]}"; do
  read -r cc _ <<<"$pair"
  # A macro -march=native defines and the default target does not.
  macro=$(comm -13 <("$cc" -dM -E -x c /dev/null | sort) <("$cc" -march=native -dM -E -x c /dev/null | sort) |
    sed -n 's/^#define \([A-Za-z0-9_]*\).*/\1/p' | head -1)
  [[ -n "$macro" ]] || { echo "skip $cc: -march=native defines nothing the default target does not"; continue; }
  fresh_db "$cc"
  export LLMCC_CC="$cc"
  mkdir -p "$WORK/$cc" && cd "$WORK/$cc"
  cat >k.c <<C
#ifdef $macro
__attribute__((used)) const char llmcc_marker[] = "LLMCC-TEST-UNDECODABLE";
#else
__attribute__((used)) const char llmcc_marker[] = "plain";
#endif
int k(int n) {
  int s = 0;
  for (int i = 0; i < n; i++) s += (i * 7) % 13 + llmcc_marker[0] % 2;
  return s;
}
C
  printf '#include <stdio.h>\nint k(int);\nint main(void){printf("%%d\\n",k(300000));return 0;}\n' >main.c
  printf 'prog: main.o k.o\n\t$(CC) -o $@ main.o k.o\n%%.o: %%.c\n\t$(CC) -O2 -c $< -o $@\n' >Makefile
  run_quiet make -s CC=llmcc
  PATH="$WORK/fakebin:$PATH" COLUMNS=1000 llmcc tune --build-dir . --bench ./prog --tu k.c --objective instructions \
    --budget 4 >tune.out 2>tune.err || fail "$cc: tune failed: $(tail -5 tune.err)"
  err=$(cat tune.err)
  assert_contains "$err" "[k.c] callgrind cannot run the code of -O3 -march=native on this CPU (valgrind decodes no AVX-512): such candidates cost no trial and are not kept; --objective time measures them" "$cc: the note"
  [[ $(grep -c "callgrind cannot run the code" tune.err) == 1 ]] || fail "$cc: the note is said once: $err"
  db="$LLMCC_DIR/llmcc.db"
  # One unmeasurable trial: -O3 -march=native. The planner proposes no other
  # -march=native config after it (the seeds -O3 -march=native -funroll-loops
  # and -O2 -march=native are skipped).
  assert_eq "$(sqlite3 "$db" "SELECT c.json FROM trials t JOIN configs c ON c.id = t.config_id WHERE t.verdict = 'unmeasurable'")" \
    '{"opt":"-O3","options":["-march=native"],"pipeline":""}' "$cc: the unmeasurable trial"
  assert_contains "$(sqlite3 "$db" "SELECT detail FROM trials WHERE verdict = 'unmeasurable'")" \
    "killed by signal 4 (Illegal instruction): callgrind cannot run this program (valgrind does not decode some of its instructions, e.g. AVX-512 from -march=native); --objective time measures it" \
    "$cc: the trial's detail"
  assert_eq "$(sqlite3 "$db" "SELECT COUNT(*) FROM trials t JOIN configs c ON c.id = t.config_id WHERE c.json LIKE '%march%'")" \
    "1" "$cc: no other -march=native candidate"
  assert_eq "$(sqlite3 "$db" "SELECT COUNT(*) FROM trials WHERE verdict = 'crash'")" "0" "$cc: nothing is a crash"
  # The budget bought 4 measured programs; the unmeasurable one was free.
  sqlite3 "$db" "SELECT summary_json FROM sessions" >summary.json
  python3 - summary.json <<'PY' || fail "$cc: $(cat summary.json)"
import json, sys
s = json.load(open(sys.argv[1]))
t = s["tus"][0]
assert t["trials"] == 4, t
assert t["failed_trials"] == 1, t
assert "march" not in t["config"], t
# The whole program's -O3 -march=native build (made when a TU was tuned) is
# not comparable either.
if t["status"] == "tuned":
  assert "not compared with the -O3 -march=native build of the program: callgrind cannot run it on this CPU (valgrind decodes no AVX-512); --objective time compares them" in s["notes"], s["notes"]
  assert not s.get("native_measured"), s
PY
  cd "$WORK"
  pass "$cc: a candidate callgrind cannot run is unmeasurable, free, and not proposed again"
done
