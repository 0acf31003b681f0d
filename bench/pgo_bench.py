#!/usr/bin/env python3
r"""PGO benchmark (issue 15): tuned+PGO vs tuned-only vs PGO-only vs -O3.

For each program (bench/kernels interp, sort, hashing; examples/make-c as the
multi-TU example) and compiler (gcc, clang):
  -O3       the whole program at -O3, no llmcc;
  pgo-only  the user's -O2 with a profile from the same benchmark (plain
            compiler: instrumented build, one run, merge, use), no llmcc;
  tuned     `llmcc tune` (built-in planner), the build left with its winners;
  tuned+pgo `llmcc tune --pgo` with the same budget and seed, in a fresh
            directory and database.
Then every variant runs side by side in interleaved rounds, CPU time
(user+sys); min and median are reported. Outputs must match.
With --objective instructions the sessions tune on callgrind instruction
counts and every variant is counted once under callgrind (deterministic: the
machine's load does not change the figure; fewer instructions is not always
less time).

With --short the kernels run their short forms (bench/tune_kernels.py SHORT,
about 1/30 of the work: a callgrind run takes about a second) and make-c its
input 40, unless --make-c-size says otherwise.

Usage: bench/pgo_bench.py --bin build/bin [--budget 6] [--rounds 7] [--seed 1]
                          [--programs interp,sort,hashing,make-c] [--compilers gcc,clang]
                          [--objective time|instructions] [--short] [--out results.json]

The timed side-by-side of docs/benchmarks.md section 6, on a quiet machine, is one command:
  bench/pgo_bench.py --bin build/bin --budget 12 --rounds 9 \
      --programs interp,sort,csvparse,make-c --compilers gcc,clang --out bench/results/pgo_<date>.json
"""
import argparse
import glob
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MAKEFILE = """CC ?= cc
CFLAGS ?= -O2
prog: kernel.o
\t$(CC) $(CFLAGS) $(LDFLAGS) -o $@ kernel.o -lm
kernel.o: kernel.c
\t$(CC) $(CFLAGS) -c kernel.c -o kernel.o
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


MAKE_C_SIZE = "200"
SHORT = False


def project(name, dest):
    """A fresh copy of the program: (directory, binary, bench argv)."""
    os.makedirs(dest)
    if name == "make-c":
        for f in glob.glob(os.path.join(ROOT, "examples", "make-c", "*")):
            shutil.copy(f, dest)
        return dest, os.path.join(dest, "makec_demo"), ["./makec_demo", MAKE_C_SIZE]
    sys.path.insert(0, HERE)
    from tune_kernels import kernel_source
    with open(os.path.join(dest, "kernel.c"), "w") as f:
        f.write(kernel_source(name, SHORT))
    with open(os.path.join(dest, "Makefile"), "w") as f:
        f.write(MAKEFILE)
    return dest, os.path.join(dest, "prog"), ["./prog"]


def plain_build(d, cc, cflags, ldflags=""):
    run(["make", "-s", "-B", "CC=" + cc, "CFLAGS=" + cflags, "LDFLAGS=" + ldflags], cwd=d)


def pgo_only(d, binary, bench, cc):
    prof = os.path.join(d, "pgo-prof")
    if cc == "gcc":
        gen = "-O2 -fprofile-generate=%s -fprofile-update=atomic" % prof
        plain_build(d, cc, gen, "-fprofile-generate")
        run(bench, cwd=d)
        plain_build(d, cc, "-O2 -fprofile-use=%s -fprofile-partial-training" % prof)
    else:
        gen = "-O2 -fprofile-instr-generate=%s/p-%%p.profraw" % prof
        plain_build(d, cc, gen, "-fprofile-instr-generate")
        run(bench, cwd=d)
        merged = os.path.join(prof, "merged.profdata")
        run(["llvm-profdata-14", "merge", "--sparse", "-o", merged] + glob.glob(prof + "/*.profraw"))
        plain_build(d, cc, "-O2 -fprofile-instr-use=" + merged)


def tuned(d, binary, bench, cc, llmcc_bin, budget, pgo, objective="time", seed=1):
    env = dict(os.environ, LLMCC_DIR=os.path.join(d, ".state"), LLMCC_CC=cc,
               PATH=llmcc_bin + ":" + os.environ["PATH"])
    run(["make", "-s", "-B", "CC=llmcc", "CFLAGS=-O2"], cwd=d, env=env)
    cmd = ["llmcc", "tune", "--build-dir", ".", "--bench", " ".join(bench), "--budget", str(budget),
           "--repeats", "3", "--max-tus", "2", "--seed", str(seed), "--objective", objective, "--json"]
    if pgo:
        cmd.append("--pgo")
    summary = json.loads(run(cmd, cwd=d, env=env).stdout)

    # Every trial of the session stays with the row, a TU without a winner's too: a
    # surprising result is read from them.
    r = subprocess.run(["llmcc", "report", "--build-dir", ".", "--format", "json"], cwd=d, env=env, text=True,
                       capture_output=True)
    try:
        whole = json.loads(r.stdout)
        report = {t.get("source"): dict(t, notes=whole.get("notes", [])) for t in whole.get("tus", [])}
    except ValueError:
        report = {}
    return {t["source"]: {"winner": t.get("config", "") or t.get("status"), "trials": t.get("trials"),
                          "profile_trials": t.get("profile_trials", 0),
                          "report": report.get(t["source"], r.stderr)}
            for t in summary.get("tus", [])}


def cpu_time(binary_dir, bench):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(bench, cwd=binary_dir, check=True, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def instructions(binary_dir, bench):
    """Instructions of the run (every process, as llmcc counts them) and its output."""
    with tempfile.TemporaryDirectory(prefix="llmcc-cg-") as tmp:
        out = subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes",
                              "--callgrind-out-file=" + tmp + "/cg.%p", "--log-file=" + tmp + "/log.%p"] + bench,
                             cwd=binary_dir, check=True, capture_output=True, text=True).stdout
        total = 0
        for f in glob.glob(tmp + "/cg.*"):
            for line in open(f):
                if line.startswith("summary:") or line.startswith("totals:"):
                    total += int(line.split()[1])
                    break
        return float(total), out


def main():
    global MAKE_C_SIZE, SHORT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--budget", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--programs", default="interp,sort,hashing,make-c")
    ap.add_argument("--compilers", default="gcc,clang")
    ap.add_argument("--objective", default="time", choices=["time", "instructions"])
    ap.add_argument("--make-c-size", default="", help="make-c's input size (callgrind is ~50x slower; default "
                    + MAKE_C_SIZE + ", 40 with --short)")
    ap.add_argument("--short", action="store_true", help="the kernels' short forms (bench/tune_kernels.py)")
    ap.add_argument("--seed", type=int, default=1, help="the sessions' planner seed")
    ap.add_argument("--out", default="")
    a = ap.parse_args()
    SHORT = a.short
    MAKE_C_SIZE = a.make_c_size or ("40" if a.short else MAKE_C_SIZE)
    if a.objective == "instructions":
        a.rounds = 1  # deterministic
    llmcc_bin = os.path.abspath(a.bin)
    results = {"load_before": os.getloadavg(), "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
               "objective": a.objective, "budget": a.budget, "seed": a.seed, "short": a.short,
               "make_c_size": MAKE_C_SIZE, "bin": llmcc_bin, "rows": []}
    work = tempfile.mkdtemp(prefix="llmcc-pgo-bench-")
    try:
        for cc in a.compilers.split(","):
            for name in a.programs.split(","):
                variants = {}
                configs = {}
                for v in ["-O3", "pgo-only", "tuned", "tuned+pgo"]:
                    d, binary, bench = project(name, os.path.join(work, cc, name, v.replace("+", "_")))
                    if v == "-O3":
                        plain_build(d, cc, "-O3")
                    elif v == "pgo-only":
                        pgo_only(d, binary, bench, cc)
                    else:
                        configs[v] = tuned(d, binary, bench, cc, llmcc_bin, a.budget, v == "tuned+pgo", a.objective,
                                           a.seed)
                    variants[v] = d
                    shown = {tu: {k: x for k, x in c.items() if k != "report"} for tu, c in configs.get(v, {}).items()}
                    print(f"{cc} {name}: built {v} {shown or ''}", file=sys.stderr, flush=True)
                times = {v: [] for v in variants}
                outputs = {}
                for _ in range(a.rounds):
                    for v, d in variants.items():
                        t, out = (instructions if a.objective == "instructions" else cpu_time)(d, bench)
                        times[v].append(t)
                        outputs.setdefault(v, out)
                ref = outputs["-O3"]
                row = {"compiler": cc, "program": name, "configs": configs,
                       "outputs_match": all(o == ref for o in outputs.values()),
                       "min": {v: min(ts) for v, ts in times.items()},
                       "median": {v: statistics.median(ts) for v, ts in times.items()},
                       "samples": times}
                results["rows"].append(row)
                print(json.dumps({k: row[k] for k in ("compiler", "program", "min", "median", "outputs_match")}),
                      file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["load_after"] = os.getloadavg()
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    text = json.dumps(results, indent=1)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    unit = "M instructions" if a.objective == "instructions" else "min / med (s)"
    print(f"| compiler | program | -O3 {unit} | pgo-only | tuned | tuned+pgo |")
    print("|---|---|---|---|---|---|")
    for r in results["rows"]:
        if a.objective == "instructions":
            cells = [f"{r['min'][v] / 1e6:.2f}" for v in ["-O3", "pgo-only", "tuned", "tuned+pgo"]]
        else:
            cells = [f"{r['min'][v]:.3f} / {r['median'][v]:.3f}" for v in ["-O3", "pgo-only", "tuned", "tuned+pgo"]]
        print(f"| {r['compiler']} | {r['program']} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
