#!/usr/bin/env python3
"""Tuning quality on the kernels in bench/kernels, with gcc and clang.

For each kernel and compiler:
  1. build through llmcc with CFLAGS=-O3 (the baseline a user would pick);
  2. `llmcc tune` with the built-in planner and, separately, with random search,
     at the same trial budget and seed(s);
  3. measure -O3, -O3 -march=native, the built-in winner and the random winner
     side by side: interleaved rounds, CPU time (user+sys), median of N;
  4. from the trials table, the best screening speedup each planner had found
     after 10, 20 and 40 trials.

Usage: bench/tune_kernels.py --bin build/bin [--budget 40] [--seeds 1] [--rounds 7]
                             [--kernels a,b] [--compilers gcc,clang] [--out results.json]
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
KERNELS = ["stencil", "matmul", "sort", "hashing", "interp", "nbody", "bitops", "sparse"]
MAKEFILE = """CC ?= cc
CFLAGS ?= -O3
prog: kernel.o
\t$(CC) -o $@ kernel.o -lm
kernel.o: kernel.c
\t$(CC) $(CFLAGS) -c kernel.c -o kernel.o
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


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
    rows = db.execute("SELECT verdict, speedup FROM trials WHERE session_id=? AND planner != 'confirm' "
                      "ORDER BY id", (summary["session"],)).fetchall()
    best, curve = 1.0, []
    for verdict, speedup in rows:
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
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--kernels", default=",".join(KERNELS))
    ap.add_argument("--compilers", default="gcc,clang")
    ap.add_argument("--out", default="tune_kernels.json")
    ap.add_argument("--planners", default="builtin,random", help="which planners to run (comparisons need both)")
    args = ap.parse_args()

    bindir = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="llmcc-bench-")
    results = []
    for compiler in args.compilers.split(","):
        for kernel in args.kernels.split(","):
            pair = {"kernel": kernel, "compiler": compiler, "planners": {}}
            binaries = {}
            for planner in args.planners.split(","):
                curves = []
                for seed in range(1, args.seeds + 1):
                    d = os.path.join(work, f"{compiler}-{kernel}-{planner}-{seed}")
                    os.makedirs(d)
                    shutil.copy(os.path.join(HERE, "kernels", kernel + ".c"), os.path.join(d, "kernel.c"))
                    with open(os.path.join(d, "Makefile"), "w") as f:
                        f.write(MAKEFILE)
                    env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], LLMCC_CC=compiler,
                               LLMCC_DIR=os.path.join(d, "cache"), LLMCC_QUIET="1")
                    run(["make", "-s", "CC=llmcc"], cwd=d, env=env)
                    started = time.time()
                    summary, curve = tune(d, env, planner, args.budget, seed)
                    curves.append(curve)
                    tu = summary["tus"][0]
                    print(f"{compiler:5} {kernel:8} {planner:7} seed {seed}: {tu['status']:8} "
                          f"{tu['speedup']:.3f}x [{tu['speedup_low']:.3f}, {tu['speedup_high']:.3f}] "
                          f"{tu['config']}  ({time.time() - started:.0f}s)", flush=True)
                    if seed == 1:
                        binaries[planner] = os.path.join(d, f"{planner}.bin")
                        shutil.copy(os.path.join(d, "prog"), binaries[planner])
                        pair["planners"][planner] = {"config": tu["config"], "status": tu["status"],
                                                     "confirmed": tu["speedup"]}
                for k in (10, 20, 40):
                    pair["planners"][planner][f"best_after_{k}"] = statistics.mean(best_after(c, k) for c in curves)
                # Per seed, padded to the budget: a session that stopped early keeps its best.
                pair["planners"][planner]["curves"] = [[best_after(c, k) for k in range(1, args.budget + 1)]
                                                       for c in curves]
            # Reference builds: -O3 and -O3 -march=native, plain compiler.
            ref = os.path.join(work, f"{compiler}-{kernel}-ref")
            os.makedirs(ref)
            src = os.path.join(HERE, "kernels", kernel + ".c")
            for name, flags in (("O3", ["-O3"]), ("native", ["-O3", "-march=native"])):
                binaries[name] = os.path.join(ref, name)
                run([compiler, *flags, src, "-o", binaries[name], "-lm"])
            # Side by side, interleaved, rotating the order each round.
            names = ["O3", "native"] + [n for n in ("builtin", "random") if n in binaries]
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
            for n in names[1:]:
                pair[f"{n}_vs_O3"] = med["O3"] / med[n]
            if "builtin" in med:
                pair["builtin_vs_native"] = med["native"] / med["builtin"]
            if "builtin" in med and "random" in med:
                pair["builtin_vs_random"] = med["random"] / med["builtin"]
            print("  -> vs -O3: " + "  ".join(f"{n} {pair[n + '_vs_O3']:.3f}x" for n in names[1:]) +
                  f"  outputs match: {pair['outputs_match']}", flush=True)
            results.append(pair)
            with open(args.out, "w") as f:
                json.dump({"budget": args.budget, "seeds": args.seeds, "rounds": args.rounds,
                           "results": results}, f, indent=2)

    if any("random" not in p["planners"] or "builtin" not in p["planners"] for p in results):
        shutil.rmtree(work, ignore_errors=True)
        return 0
    print("\n| kernel | compiler | -O3 -march=native | built-in | random | built-in vs native | "
          "built-in best@10/20/40 | random best@10/20/40 | built-in config |")
    print("|---|---|---|---|---|---|---|---|---|")
    for p in results:
        b, r = p["planners"]["builtin"], p["planners"]["random"]
        print(f"| {p['kernel']} | {p['compiler']} | {p['native_vs_O3']:.3f} | {p['builtin_vs_O3']:.3f} | "
              f"{p['random_vs_O3']:.3f} | {p['builtin_vs_native']:.3f} | "
              f"{b['best_after_10']:.2f}/{b['best_after_20']:.2f}/{b['best_after_40']:.2f} | "
              f"{r['best_after_10']:.2f}/{r['best_after_20']:.2f}/{r['best_after_40']:.2f} | `{b['config']}` |")
    for key in ("native_vs_O3", "builtin_vs_O3", "random_vs_O3", "builtin_vs_native"):
        print(f"geomean {key}: {geomean([p[key] for p in results]):.3f}")
    reach = []
    for p in results:
        b, r = p["planners"]["builtin"], p["planners"]["random"]
        reach.append(b["best_after_20"] >= r["best_after_40"] * 0.99)
    print(f"built-in at 20 trials reaches random's 40-trial best (within 1%): {sum(reach)}/{len(reach)} pairs")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
