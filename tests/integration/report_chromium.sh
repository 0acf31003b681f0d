#!/usr/bin/env bash
# llmcc report of a real tuning session of examples/make-c (gcc and clang,
# instructions objective: deterministic): the HTML page opens in headless
# Chromium with no console error and no request for anything, a screenshot
# shows the plots drawn, and the numbers of the JSON, the HTML and the Markdown
# are the database's.
source "$(dirname "$0")/lib/common.bash"
require valgrind make sqlite3
command -v chromium >/dev/null || skip "chromium is not installed (scripts/deps.sh installs it)"
require_pairs

# chromium_load <html> <name>: dumps the DOM to <name>.dom and the log to <name>.log;
# every host name resolves to nothing, so a request could not succeed anyway.
chromium_load() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$WORK/chromium-$2" \
    --host-resolver-rules="MAP * ~NOTFOUND" --enable-logging=stderr --v=0 --dump-dom "file://$1" \
    >"$WORK/$2.dom" 2>"$WORK/$2.log" || fail "chromium failed on $1: $(tail -5 "$WORK/$2.log")"
}

# The check catches what it should: a page that asks for an image is reported.
printf '%s\n' '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src '"'none'"'">' \
  '</head><body><img src="http://example.com/x.png"><p>bad</p></body></html>' >"$WORK/bad.html"
chromium_load "$WORK/bad.html" bad
grep -q 'CONSOLE.*http://example.com/x.png' "$WORK/bad.log" || fail "chromium did not report the blocked request"

ran=0
for pair in "${PAIRS[@]}"; do
  read -r cc cxx <<<"$pair"
  export LLMCC_DIR="$WORK/cache-$cc" LLMCC_CC="$cc"
  db="$LLMCC_DIR/llmcc.db"
  w="$WORK/$cc" && cp -r "$EXAMPLES/make-c" "$w" && cd "$w"
  run_quiet make -s CC=llmcc
  # Not -q: a quiet session does not measure the whole program.
  run_quiet llmcc tune --build-dir . --bench "./makec_demo 3" --objective instructions --budget 8
  session=$(sqlite3 "$db" 'SELECT MAX(id) FROM sessions')
  run_quiet llmcc report --build-dir . -o report.html
  run_quiet llmcc report --session "$session" --format json -o report.json
  run_quiet llmcc report --build-dir . --format md -o report.md

  # Self-contained: no script, nothing fetched; the policy forbids loading anything.
  grep -q "default-src 'none'" report.html || fail "$cc: no Content-Security-Policy"
  ! grep -Eqi '<script|<link|<img|src=|href=|url\(' report.html || fail "$cc: the page refers to something outside it"
  chromium_load "$w/report.html" "report-$cc"
  ! grep -q 'CONSOLE' "$WORK/report-$cc.log" || fail "$cc: console messages: $(grep CONSOLE "$WORK/report-$cc.log")"
  grep -q 'id="llmcc-report-end"' "$WORK/report-$cc.dom" || fail "$cc: the page did not load to its end"
  [[ $(grep -c '<svg' "$WORK/report-$cc.dom") -ge 3 ]] || fail "$cc: fewer than 3 plots in the page"

  # A screenshot with the plots drawn: many pixels in the plots' blue (#1f77b4).
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$WORK/chromium-shot-$cc" \
    --host-resolver-rules="MAP * ~NOTFOUND" --hide-scrollbars --window-size=1200,2400 \
    --screenshot="$w/report.png" "file://$w/report.html" >/dev/null 2>&1 || fail "$cc: no screenshot"
  read -r width height not_white blue < <(python3 "$LLMCC_SOURCE_DIR/tests/integration/lib/png_pixels.py" \
    report.png 31,119,180)
  assert_eq "$width x $height" "1200 x 2400" "$cc: screenshot size"
  [[ $not_white -gt 50000 && $blue -gt 200 ]] || fail "$cc: screenshot looks empty ($not_white drawn, $blue blue)"
  note "$cc: screenshot $width x $height, $not_white pixels drawn, $blue in the plots' blue"

  # The numbers are the database's: JSON against sqlite3, then the pages against the JSON.
  python3 - "$db" report.json report.html report.md "$session" <<'PY' || fail "$cc: the report's numbers differ from the database's"
import json, sqlite3, sys
db, rj, html, md, session = sys.argv[1], json.load(open(sys.argv[2])), open(sys.argv[3]).read(), open(sys.argv[4]).read(), int(sys.argv[5])
con = sqlite3.connect(db)
con.execute("ATTACH ? AS tuning", (db[:-3] + ".tuning.db",))  # the tuner's tables (cache/local/schema.h)
assert rj["session"]["id"] == session
n = con.execute("SELECT COUNT(*) FROM trials WHERE session_id=?", (session,)).fetchone()[0]
assert rj["session"]["trials"] == n, (rj["session"]["trials"], n)
winners = con.execute("SELECT w.tu_key, w.speedup, w.speedup_low, w.speedup_high, c.json FROM winners w "
                      "JOIN configs c ON c.id=w.config_id WHERE w.session_id=?", (session,)).fetchall()
assert winners, "no winner stored"
checked = 0
for key, s, lo, hi, cfg in winners:
    tu = [t for t in rj["tus"] if t["tu_key"] == key][0]
    g = tu["gain"]["plain"]
    assert (g["speedup"], g["low"], g["high"]) == (s, lo, hi), (g, s, lo, hi)
    text = f"{s:.3f}x [{lo:.3f}, {hi:.3f}]"
    assert text in html and text in md, text
    rows = con.execute("SELECT t.speedup, t.verdict, t.planner FROM trials t WHERE t.session_id=? AND t.tu_key=? "
                       "AND t.planner != 'confirm' ORDER BY t.id", (session, key)).fetchall()
    conv = tu["convergence"]
    assert [(p["speedup"], p["verdict"]) for p in conv] == [(r[0], r[1]) for r in rows], (conv, rows)
    best = 1.0
    for p, r in zip(conv, rows):
        if r[1] == "ok" and r[0] is not None:
            best = max(best, r[0])
        assert p["best"] == best
    for ref in ("o3", "o3_native"):
        if tu["gain"][ref]:
            t = tu["gain"][ref]
            assert abs(t["speedup"] * t["reference"] - s) < 1e-12
            text = f'{t["speedup"]:.3f}x [{t["low"]:.3f}, {t["high"]:.3f}]'
            assert text in html and text in md, text
    checked += 1
compile_sec = con.execute("SELECT SUM(compile_sec) FROM trials WHERE session_id=?", (session,)).fetchone()[0]
assert abs(rj["time"]["compile_sec"] - compile_sec) < 1e-9
summary = json.loads(con.execute("SELECT summary_json FROM sessions WHERE id=?", (session,)).fetchone()[0])
p = summary["program"]
text = f'{p["speedup"]:.3f}x [{p["low"]:.3f}, {p["high"]:.3f}]'
assert text in html and text in md, text
print(f"{checked} winner(s), {n} trials: the JSON, HTML and Markdown agree with the database")
PY
  ran=$((ran + 1))
  pass "$cc: report opens in chromium, plots drawn, numbers match the database"
  cd "$WORK"
done
[[ $ran -gt 0 ]] || skip "no compiler"
