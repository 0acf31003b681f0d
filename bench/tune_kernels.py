#!/usr/bin/env python3
"""Tuning quality on the kernels in bench/kernels, with gcc and clang.

For each kernel and compiler:
  1. build through llmcc with CFLAGS=-O3 (the baseline a user would pick);
  2. `llmcc tune` with the built-in planner and, separately, with random search,
     at the same trial budget and seed(s);
  3. the built-in planner again with half the budget (builtin@half): "reaches
     random search's result in half the trials" is judged on the programs;
  4. measure -O3, -O3 -march=native and every tuned program (each planner, each
     seed) side by side: interleaved rounds, CPU time (user+sys), median of N;
  5. from the trials table, the best screening speedup each planner had found
     after 10, 20 and 40 trials.

Usage: bench/tune_kernels.py --bin build/bin [--budget 40] [--seeds 3] [--rounds 7]
                             [--kernels old|new|all|a,b] [--compilers gcc,clang] [--out results.json]
                             [--planners builtin,random,builtin@half]
Tables: bench/render_tune_kernels.py results.json [more.json ...]
"""
import argparse
import json
import math
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The suite the built-in planner was developed on, and kernels written later that
# it was never tuned on (issue 12): results are reported per suite, so the
# second measures generalisation, not memory.
OLD_KERNELS = ["stencil", "matmul", "sort", "hashing", "interp", "nbody", "bitops", "sparse"]
NEW_KERNELS = ["strsearch", "csvparse", "pqsim", "fft", "mandel", "vmthread", "crc"]
SUITES = {"old": OLD_KERNELS, "new": NEW_KERNELS, "all": OLD_KERNELS + NEW_KERNELS}
MAKEFILE = """CC ?= cc
CFLAGS ?= -O3
prog: kernel.o
\t$(CC) -o $@ kernel.o -lm
kernel.o: kernel.c
\t$(CC) $(CFLAGS) -c kernel.c -o kernel.o
"""


# --short (leave_one_out.py, schedule_bench.py): each kernel's outer repetition
# count (or its input, where the repetition is one pass) divided by about 30, so a
# callgrind run takes about a second, not 30-65 s; every string must be in the file.
SHORT = {
    "stencil": [("#define SWEEPS 3000", "#define SWEEPS 100")],
    "matmul": [("#define N 750", "#define N 250")],
    "sort": [("#define COUNT 1500000", "#define COUNT 50000")],
    "hashing": [("#define ROUNDS 200", "#define ROUNDS 7")],
    "interp": [("int64_t n = 60000", "int64_t n = 2000")],
    "nbody": [("#define STEPS 2500000", "#define STEPS 100000")],
    "bitops": [("#define PASSES 360", "#define PASSES 12")],
    "sparse": [("#define REPS 80", "#define REPS 3")],
    "strsearch": [("#define TEXT (4u << 20)", "#define TEXT (4u << 15)")],
    "csvparse": [("#define ROWS 120000", "#define ROWS 20000"), ("#define ROUNDS 32", "#define ROUNDS 6")],
    "pqsim": [("#define EVENTS 1500000", "#define EVENTS 50000")],
    "fft": [("#define ROUNDS 30", "#define ROUNDS 1")],
    "mandel": [("#define H 600", "#define H 20")],
    "vmthread": [("run(400000, &fib)", "run(13000, &fib)"), ("{LI, 8, 0, 0, 2500000}", "{LI, 8, 0, 0, 80000}")],
    "crc": [("#define ROUNDS 30", "#define ROUNDS 1")],
}


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def kernel_source(kernel, short=False):
    """The text of bench/kernels/<kernel>.c, or its --short form."""
    with open(os.path.join(HERE, "kernels", kernel + ".c")) as f:
        text = f.read()
    if short:
        for old, new in SHORT[kernel]:
            if old not in text:
                raise RuntimeError(f"--short: '{old}' is not in {kernel}.c")
            text = text.replace(old, new)
    return text


def kernel_build_dir(d, kernel, bindir, compiler, short=False):
    """A fresh project dir for one kernel, built through llmcc at -O3; returns its environment."""
    os.makedirs(d)
    with open(os.path.join(d, "kernel.c"), "w") as f:
        f.write(kernel_source(kernel, short))
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write(MAKEFILE)
    env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], LLMCC_CC=compiler,
               LLMCC_DIR=os.path.join(d, "cache"), LLMCC_QUIET="1")
    run(["make", "-s", "CC=llmcc"], cwd=d, env=env)
    return env


def cpu_time(binary):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([binary], check=True, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def tune(workdir, env, planner, budget, seed):
    """Runs llmcc tune in `workdir`; returns (summary, best-after-k curve)."""
    cmd = ["llmcc", "tune", "--build-dir", ".", "--bench", "./prog", "--tu", "kernel.c",
           "--budget", str(budget), "--planner", planner, "--seed", str(seed), "--repeats", "3",
           "--json", "-q"]
    p = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"tune failed: {p.stderr[-2000:]}")
    summary = json.loads(p.stdout)
    db = sqlite3.connect(os.path.join(env["LLMCC_DIR"], "llmcc.db"))
    db.execute("ATTACH ? AS tuning", (os.path.join(env["LLMCC_DIR"], "llmcc.tuning.db"),))  # trials live there
    rows = db.execute("SELECT verdict, detail, speedup, operator FROM trials WHERE session_id=? "
                      "AND planner != 'confirm' ORDER BY id", (summary["session"],)).fetchall()
    # Which operator (seed, explore, a bandit operator) each trial came from: what
    # a small-budget schedule is chosen from (issue 12).
    summary["trial_rows"] = [{"operator": op, "verdict": v, "speedup": sp, "repeat": v == "identical" or
                              d == "same object code as an earlier candidate"} for v, d, sp, op in rows]
    best, curve = 1.0, []
    for verdict, detail, speedup, _ in rows:
        # A candidate whose code was already measured is not run again and does
        # not use the budget (tuner/budget.h, TrialCount): not a point of the curve.
        if verdict == "identical" or detail == "same object code as an earlier candidate":
            continue
        if verdict == "ok" and speedup:
            best = max(best, speedup)
        curve.append(best)
    return summary, curve


def best_after(curve, k):
    if not curve:
        return 1.0
    return curve[min(k, len(curve)) - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="directory with llmcc, llmcc++, llmcc-tool")
    ap.add_argument("--budget", type=int, default=40)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--kernels", default="old", help="old, new, all, or a comma-separated list")
    ap.add_argument("--compilers", default="gcc,clang")
    ap.add_argument("--out", default="tune_kernels.json")
    ap.add_argument("--planners", default="builtin,random,builtin@half",
                    help="planners to run; NAME@N runs NAME with a budget of N trials, NAME@half with half --budget")
    args = ap.parse_args()

    def planner_budget(spec):
        name, _, budget = spec.partition("@")
        if not budget:
            return name, args.budget
        return name, args.budget // 2 if budget == "half" else int(budget)

    bindir = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="llmcc-bench-")
    results = []
    specs = args.planners.split(",")
    for compiler in args.compilers.split(","):
        for kernel in SUITES.get(args.kernels, args.kernels.split(",")):
            pair = {"kernel": kernel, "suite": "new" if kernel in NEW_KERNELS else "old", "compiler": compiler,
                    "planners": {}}
            binaries = {}  # name -> path; tuned ones per seed: "builtin#2"
            for spec in specs:
                planner, budget = planner_budget(spec)
                curves = []
                seeds = []
                for seed in range(1, args.seeds + 1):
                    d = os.path.join(work, f"{compiler}-{kernel}-{spec.replace('@', '-')}-{seed}")
                    env = kernel_build_dir(d, kernel, bindir, compiler)
                    started = time.time()
                    summary, curve = tune(d, env, planner, budget, seed)
                    curves.append(curve)
                    tu = summary["tus"][0]
                    print(f"{compiler:5} {kernel:8} {spec:12} seed {seed}: {tu['status']:8} "
                          f"{tu['speedup']:.3f}x [{tu['speedup_low']:.3f}, {tu['speedup_high']:.3f}] "
                          f"{tu['config']}  ({time.time() - started:.0f}s)", flush=True)
                    name = f"{spec}#{seed}"
                    binaries[name] = os.path.join(d, "tuned.bin")
                    shutil.copy(os.path.join(d, "prog"), binaries[name])
                    seeds.append({"config": tu["config"], "status": tu["status"], "confirmed": tu["speedup"],
                                  "trials": len(curve), "seconds": time.time() - started,
                                  "trial_rows": summary["trial_rows"]})
                entry = {"budget": budget, "seeds": seeds, "config": seeds[0]["config"]}
                for k in (10, 20, 40):
                    entry[f"best_after_{k}"] = statistics.mean(best_after(c, k) for c in curves)
                # Per seed, padded to the budget: a session that stopped early keeps its best.
                entry["curves"] = [[best_after(c, k) for k in range(1, budget + 1)] for c in curves]
                pair["planners"][spec] = entry
            # Reference builds: -O3 and -O3 -march=native, plain compiler.
            ref = os.path.join(work, f"{compiler}-{kernel}-ref")
            os.makedirs(ref)
            src = os.path.join(HERE, "kernels", kernel + ".c")
            for name, flags in (("O3", ["-O3"]), ("native", ["-O3", "-march=native"])):
                binaries[name] = os.path.join(ref, name)
                run([compiler, *flags, src, "-o", binaries[name], "-lm"])
            # Every binary side by side, interleaved, rotating the order each round.
            names = list(binaries)
            times = {n: [] for n in names}
            outputs = {}
            for r in range(args.rounds):
                order = names[r % len(names):] + names[:r % len(names)]
                for n in order:
                    t, out = cpu_time(binaries[n])
                    times[n].append(t)
                    outputs.setdefault(n, out)
            pair["outputs_match"] = len(set(outputs.values())) == 1
            med = {n: statistics.median(v) for n, v in times.items()}
            pair["median_sec"] = med
            pair["min_sec"] = {n: min(v) for n, v in times.items()}
            pair["native_vs_O3"] = med["O3"] / med["native"]
            for spec in specs:
                per_seed = [med["O3"] / med[f"{spec}#{seed}"] for seed in range(1, args.seeds + 1)]
                pair["planners"][spec]["vs_O3_per_seed"] = per_seed
                pair[f"{spec}_vs_O3"] = geomean(per_seed)
            if "builtin" in specs:
                pair["builtin_vs_native"] = pair["builtin_vs_O3"] / pair["native_vs_O3"]
                if "random" in specs:
                    pair["builtin_vs_random"] = pair["builtin_vs_O3"] / pair["random_vs_O3"]
            print("  -> vs -O3 (geomean over seeds): " + f"native {pair['native_vs_O3']:.3f}x  " +
                  "  ".join(f"{s} {pair[s + '_vs_O3']:.3f}x" for s in specs) +
                  f"  outputs match: {pair['outputs_match']}", flush=True)
            results.append(pair)
            with open(args.out, "w") as f:
                json.dump({"budget": args.budget, "seeds": args.seeds, "rounds": args.rounds, "planners": specs,
                           "results": results}, f, indent=2)

    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
