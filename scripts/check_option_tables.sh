#!/usr/bin/env bash
# Verifies flags/data/{gcc,clang}.json against the local compilers: every -O level,
# flag spelling (both polarities of a bool, every enum value, int bounds), --param and
# -mllvm bound, -march/-mtune value and pipeline pass must be accepted with -Werror,
# in C and C++, so that applying a table entry can never break a user's -Werror
# build. Unsafe-math flags are also tried pairwise (they interact), minus the pairs
# the table declares as conflicts.
#
# Usage: scripts/check_option_tables.sh [--family gcc|clang|all] [--all-pairs]
#            [--gcc CMD] [--clang CMD] [--opt CMD] [--data DIR]
# Exit: 0 all good; 1 bad entries (listed); 2 usage; 77 nothing checked (no compiler).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v python3 >/dev/null 2>&1; then
  echo "check_option_tables: python3 not found; skipping" >&2
  exit 77
fi
exec python3 - "$here/../flags/data" "$@" <<'PY'
import argparse, concurrent.futures as cf, json, os, re, shutil, subprocess, sys, tempfile

ap = argparse.ArgumentParser(prog="check_option_tables.sh")
ap.add_argument("default_data")
ap.add_argument("--family", default="all", choices=["gcc", "clang", "all"])
ap.add_argument("--all-pairs", action="store_true", help="try every pair of flag spellings (slow)")
ap.add_argument("--gcc", default="gcc")
ap.add_argument("--clang", default="clang")
ap.add_argument("--opt", default=None)
ap.add_argument("--data", default=None)
args = ap.parse_args()
data_dir = args.data or args.default_data

bad = []  # (family, entry, message)
checked = []


def report(family, entry, msg):
    bad.append((family, entry, msg.strip().splitlines()[0] if msg.strip() else "rejected"))


def run(cmd):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=120)
    except subprocess.TimeoutExpired:
        return False, "timed out"
    return p.returncode == 0, p.stdout.decode(errors="replace")


def run_batch(batch):
    """A batch is one compile with many options; on failure each option is retried
    alone so the report names the culprit (or says it is an interaction)."""
    fam, entry, cmd, singles = batch
    ok, out = run(cmd)
    if ok:
        return []
    if not singles:
        return [(fam, entry, out)]
    failures = []
    for s_entry, s_cmd in singles:
        s_ok, s_out = run(s_cmd)
        if not s_ok:
            failures.append((fam, s_entry, s_out))
    if not failures:
        failures.append((fam, entry + " (only together: an interaction)", out))
    return failures


def parallel(jobs):
    """jobs: (family, entry, cmd) or (family, entry, cmd, singles) for batches.
    Runs them all; reports the failures."""
    workers = max(2, os.cpu_count() or 2)
    with cf.ThreadPoolExecutor(max_workers=workers) as ex:
        futs = [ex.submit(run_batch, j if len(j) == 4 else (j[0], j[1], j[2], [])) for j in jobs]
        for f in cf.as_completed(futs):
            for fam, entry, out in f.result():
                report(fam, entry, out)


def flag_spellings(f):
    name, kind = f["name"], f["kind"]
    if kind == "bool":
        neg = ("-fno-" + name[2:]) if name.startswith("-f") else ("-mno-" + name[2:])
        return [name, neg]
    if kind == "enum":
        return [name + "=" + v for v in f["values"]]
    if kind == "int":
        return [name + "=" + str(f["min"]), name + "=" + str(f["max"])]
    return []


def structural(fam, t):
    ok = True
    def err(entry, msg):
        nonlocal ok
        ok = False
        report(fam, entry, msg)
    for key in ["opt_levels", "flags", "march_values", "mtune_values", "cpus", "unsafe_groups", "semantic_flags"]:
        if key not in t:
            err(key, "missing key")
    names = [f.get("name", "") for f in t.get("flags", [])]
    for n in set(x for x in names if names.count(x) > 1):
        err(n, "duplicate flag")
    for f in t.get("flags", []):
        n = f.get("name", "")
        if not re.fullmatch(r"-[fm](?!no-)[A-Za-z0-9][A-Za-z0-9_.+-]*", n):
            err(n, "flag name must be a positive -f/-m spelling")
        if f.get("kind") not in ("bool", "enum", "int"):
            err(n, "bad kind")
        if f.get("kind") == "enum" and not f.get("values"):
            err(n, "enum without values")
        if f.get("kind") == "int" and not (f.get("min", 0) <= f.get("max", -1)):
            err(n, "int flag with min > max")
        if f.get("group") in ("unsafe-math", "math-errno") and f.get("group") not in t.get("unsafe_groups", []):
            err(n, "unsafe group not listed in unsafe_groups")
    for key in ("params", "mllvm"):
        seen = set()
        for p in t.get(key, []):
            n = p.get("name", "")
            if n in seen:
                err(n, "duplicate " + key)
            seen.add(n)
            if not re.fullmatch(r"[a-z0-9][a-zA-Z0-9_.-]*", n):
                err(n, "bad name")
            if not (p["min"] <= p["default"] <= p["max"]):
                err(n, "default outside [min, max]")
            for v in p.get("values", []):
                if not (p["min"] <= v <= p["max"]):
                    err(n, "value %d outside [min, max]" % v)
    spellings = set(sum((flag_spellings(f) for f in t.get("flags", [])), []))
    levels = set(t.get("opt_levels", []) + t.get("unsafe_opt_levels", []))
    for c in t.get("conflicts", []):
        for s in [c.get("option")] + c.get("with", []):
            if s not in spellings and s not in levels:
                err(s, "conflict names an option the table does not have")
    for cpu in t.get("cpus", []):
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,31}", cpu):
            err(cpu, "cpu name does not match ^[a-z0-9][a-z0-9._-]{0,31}$")
    passes = sum(t.get("passes", {}).values(), [])
    for p in set(x for x in passes if passes.count(x) > 1):
        err(p, "pass listed twice")
    for p in t.get("mssa_passes", []):
        if p not in t.get("passes", {}).get("loop", []):
            err(p, "mssa pass must be a loop pass")
    return ok


def compile_cmd(cc, lang, opts):
    return [cc, "-Werror", "-c", "-x", lang, "/dev/null", "-o", "/dev/null"] + opts


def check_family(fam, cc, t):
    if shutil.which(cc) is None:
        print("check_option_tables: %s not found; skipping the %s table" % (cc, fam), file=sys.stderr)
        return
    checked.append(fam)
    if not structural(fam, t):
        return
    levels = t["opt_levels"] + t.get("unsafe_opt_levels", [])
    conflicts = set()
    for c in t.get("conflicts", []):
        for w in c["with"]:
            conflicts.add((c["option"], w))
            conflicts.add((w, c["option"]))
    jobs = []
    for lv in levels:
        for lang in ("c", "c++"):
            jobs.append((fam, lv, compile_cmd(cc, lang, [lv])))
    unsafe = set(t["unsafe_groups"])
    for f in t["flags"]:
        for s in flag_spellings(f):
            jobs.append((fam, s, compile_cmd(cc, "c", ["-O2", s])))
    # Every spelling in C++ and at every -O level. Safe flags go in batches (one per
    # polarity or value index: all pairs of them were found compatible with
    # --all-pairs), which keeps this test quick; the unsafe ones interact, so they go
    # one by one.
    for lang, lv in [("c++", "-O2")] + [("c", lv) for lv in levels]:
        batches = {}
        for f in t["flags"]:
            for i, s in enumerate(flag_spellings(f)):
                if (s, lv) in conflicts:
                    continue
                if f["group"] in unsafe:
                    jobs.append((fam, "%s with %s (%s)" % (s, lv, lang), compile_cmd(cc, lang, [lv, s])))
                else:
                    batches.setdefault(i, []).append(s)
        for i, spellings in sorted(batches.items()):
            singles = [("%s with %s (%s)" % (s, lv, lang), compile_cmd(cc, lang, [lv, s])) for s in spellings]
            jobs.append((fam, "batch %d with %s (%s)" % (i, lv, lang), compile_cmd(cc, lang, [lv] + spellings),
                         singles))
        for s in f.get("implies", []):
            jobs.append((fam, "%s (implied by %s)" % (s, f["name"]), compile_cmd(cc, "c", ["-O2", s])))
    for p in t.get("params", []):
        for v in sorted(set([p["min"], p["max"], p["default"]] + p.get("values", []))):
            s = "--param=%s=%d" % (p["name"], v)
            jobs.append((fam, s, compile_cmd(cc, "c", ["-O2", s])))
    for k in t.get("mllvm", []):
        for v in sorted(set([k["min"], k["max"], k["default"]] + k.get("values", []))):
            jobs.append((fam, "-mllvm -%s=%d" % (k["name"], v),
                         compile_cmd(cc, "c", ["-O2", "-mllvm", "-%s=%d" % (k["name"], v)])))
    for v in t["march_values"] + t["cpus"]:
        jobs.append((fam, "-march=" + v, compile_cmd(cc, "c", ["-O2", "-march=" + v])))
    for v in t["mtune_values"] + t["cpus"]:
        jobs.append((fam, "-mtune=" + v, compile_cmd(cc, "c", ["-O2", "-mtune=" + v])))
    # Pairs: the unsafe groups always (their flags override each other and warn);
    # everything with --all-pairs.
    pool = [s for f in t["flags"] if args.all_pairs or f["group"] in unsafe for s in flag_spellings(f)]
    pool += t.get("unsafe_opt_levels", [])
    for a in pool:
        for b in pool:
            if a == b or (a, b) in conflicts or a.split("=")[0] == b.split("=")[0]:
                continue
            if re.sub(r"^-([fm])no-", r"-\1", a) == re.sub(r"^-([fm])no-", r"-\1", b):
                continue
            jobs.append((fam, "%s then %s" % (a, b), compile_cmd(cc, "c", ["-O2", a, b])))
    parallel(jobs)


def find_opt():
    if args.opt:
        return args.opt
    for name in ("opt-14", "opt"):
        if shutil.which(name):
            return name
    return None


IR = """define i32 @f(i32* %p, i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [0, %entry], [%i1, %loop]
  %s = phi i32 [0, %entry], [%s1, %loop]
  %g = getelementptr i32, i32* %p, i32 %i
  %v = load i32, i32* %g
  %s1 = add i32 %s, %v
  %i1 = add i32 %i, 1
  %c = icmp slt i32 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i32 %s1
}
define i32 @g(i32* %p) {
  %r = call i32 @f(i32* %p, i32 8)
  ret i32 %r
}
"""


def check_passes(fam, t):
    passes = t.get("passes", {})
    if not passes:
        return
    opt = find_opt()
    if opt is None:
        print("check_option_tables: opt not found; skipping the pass list", file=sys.stderr)
        return
    mssa = set(t.get("mssa_passes", []))
    with tempfile.TemporaryDirectory() as d:
        ir = os.path.join(d, "t.ll")
        with open(ir, "w") as fh:
            fh.write(IR)
        jobs = []
        for level, names in passes.items():
            for p in names:
                if p == "default":
                    pipe = "default<O2>"
                elif level == "loop":
                    pipe = "function(%s(%s))" % ("loop-mssa" if p in mssa else "loop", p)
                else:
                    pipe = {"module": "%s", "cgscc": "cgscc(%s)", "function": "function(%s)"}[level] % p
                # Runs in the temp dir so a pass that writes files could not litter.
                jobs.append((fam, "pass " + p, ["env", "-C", d, opt, "-passes=" + pipe, "-disable-output", ir]))
        parallel(jobs)


families = ["gcc", "clang"] if args.family == "all" else [args.family]
for fam in families:
    path = os.path.join(data_dir, fam + ".json")
    try:
        with open(path) as fh:
            table = json.load(fh)
    except Exception as e:  # noqa: BLE001 - any failure to read is a bad table
        report(fam, path, "cannot load: %s" % e)
        checked.append(fam)
        continue
    check_family(fam, args.gcc if fam == "gcc" else args.clang, table)
    if fam in checked:
        check_passes(fam, table)

if bad:
    print("check_option_tables: %d bad entr%s:" % (len(bad), "y" if len(bad) == 1 else "ies"))
    for fam, entry, msg in sorted(set(bad)):
        print("  %s: %s: %s" % (fam, entry, msg))
    sys.exit(1)
if not checked:
    sys.exit(77)
print("check_option_tables: %s tables OK" % ", ".join(checked))
PY
