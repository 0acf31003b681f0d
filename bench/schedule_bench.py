#!/usr/bin/env python3
"""Small-budget schedules of the built-in planner, side by side (issue 12).

Each variant is a directory of llmcc binaries (built from a different schedule).
For every kernel, compiler, budget and seed, `llmcc tune --objective instructions`
runs once per variant (and once with random search, for reference) on the same
-O3 build of the kernel. Instruction counts come from callgrind, so a result does
not depend on the machine's load: the comparison is exact, and one seed per pair
is a fair reading of the planner's own randomness, not of noise.

Per session it records the confirmed ratio (the -O3 build's instructions over the
winner's), the best screening ratio after each trial, and which operator proposed
each trial.

Usage: bench/schedule_bench.py --variant base=/tmp/bin-a --variant mutate=/tmp/bin-b
                               [--budgets 10,12,20] [--seeds 1] [--kernels new|old|all|a,b]
                               [--compilers gcc,clang] [--random] [--out results.json]
Table: bench/schedule_bench.py --render results.json
"""
import argparse
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tune_kernels import SUITES, kernel_build_dir  # noqa: E402  (one kernel list, one project setup)


def tune(workdir, env, planner, budget, seed):
    cmd = ["llmcc", "tune", "--build-dir", ".", "--bench", "./prog", "--tu", "kernel.c", "--objective",
           "instructions", "--budget", str(budget), "--planner", planner, "--seed", str(seed), "--json", "-q"]
    p = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"tune failed: {p.stderr[-2000:]}")
    summary = json.loads(p.stdout)
    db = sqlite3.connect(os.path.join(env["LLMCC_DIR"], "llmcc.db"))
    db.execute("ATTACH ? AS tuning", (os.path.join(env["LLMCC_DIR"], "llmcc.tuning.db"),))
    rows = db.execute("SELECT t.verdict, t.speedup, t.operator, c.canonical FROM trials t JOIN configs c "
                      "ON c.id = t.config_id WHERE t.session_id=? AND t.planner != 'confirm' ORDER BY t.id",
                      (summary["session"],)).fetchall()
    curve, best = [], 1.0
    for verdict, speedup, _, _ in rows:
        if verdict in ("ok", "identical") and speedup:
            best = max(best, speedup)
        curve.append(best)
    tu = summary["tus"][0]
    return {"status": tu["status"], "ratio": tu["speedup"] if tu["status"] == "tuned" else 1.0,
            "config": tu["config"], "curve": curve,
            "trials": [{"verdict": v, "speedup": s, "operator": o, "config": c} for v, s, o, c in rows]}


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def run_all(args):
    variants = [v.split("=", 1) for v in args.variant]
    planners = [(label, os.path.abspath(d), "builtin") for label, d in variants]
    if args.random:
        planners.append(("random", os.path.abspath(variants[0][1]), "random"))
    work = tempfile.mkdtemp(prefix="llmcc-sched-")
    out = {"budgets": args.budgets, "seeds": args.seeds, "variants": [p[0] for p in planners], "results": []}
    for compiler in args.compilers.split(","):
        for kernel in SUITES.get(args.kernels, args.kernels.split(",")):
            for budget in (int(b) for b in args.budgets.split(",")):
                for seed in range(1, args.seeds + 1):
                    row = {"kernel": kernel, "compiler": compiler, "budget": budget, "seed": seed, "by": {}}
                    for label, bindir, planner in planners:
                        d = os.path.join(work, f"{compiler}-{kernel}-{budget}-{seed}-{label}")
                        env = kernel_build_dir(d, kernel, bindir, compiler)
                        started = time.time()
                        r = tune(d, env, planner, budget, seed)
                        r["seconds"] = round(time.time() - started, 1)
                        row["by"][label] = r
                        print(f"{compiler:5} {kernel:9} b{budget:<3} seed {seed} {label:8} {r['status']:8} "
                              f"{r['ratio']:.3f}x  {r['config']}  ({r['seconds']:.0f}s)", flush=True)
                        shutil.rmtree(d, ignore_errors=True)
                    out["results"].append(row)
                    with open(args.out, "w") as f:
                        json.dump(out, f, indent=1)
    shutil.rmtree(work, ignore_errors=True)


def render(paths):
    for path in paths:
        data = json.load(open(path))
        labels = data["variants"]
        print(f"### {path}\n")
        print("| compiler | budget | pairs | " + " | ".join(f"{v} geomean" for v in labels) + " | "
              + " | ".join(f"{v} wins/ties/losses vs {labels[0]}" for v in labels[1:]) + " |")
        print("|---|---|---|" + "---|" * (2 * len(labels) - 1))
        groups = {}
        for r in data["results"]:
            groups.setdefault((r["compiler"], r["budget"]), []).append(r)
        for (compiler, budget), rows in sorted(groups.items()):
            rows = [r for r in rows if all(v in r["by"] for v in labels)]
            means = [geomean([r["by"][v]["ratio"] for r in rows]) for v in labels]
            wtl = []
            for v in labels[1:]:
                a = [(r["by"][v]["ratio"], r["by"][labels[0]]["ratio"]) for r in rows]
                wtl.append(f"{sum(x > y * 1.001 for x, y in a)}/{sum(abs(x - y) <= y * 0.001 for x, y in a)}/"
                           f"{sum(x < y * 0.999 for x, y in a)}")
            print(f"| {compiler} | {budget} | {len(rows)} | " + " | ".join(f"{m:.3f}x" for m in means) + " | "
                  + " | ".join(wtl) + " |")
        print("\nPer pair (confirmed instruction ratio over the -O3 build):\n")
        print("| compiler | kernel | budget | " + " | ".join(labels) + " |")
        print("|---|---|---|" + "---|" * len(labels))
        for r in data["results"]:
            print(f"| {r['compiler']} | {r['kernel']} | {r['budget']} | "
                  + " | ".join(f"{r['by'][v]['ratio']:.3f}x" if v in r["by"] else "-" for v in labels) + " |")
        ops = {}
        for r in data["results"]:
            for v in labels:
                if v not in r["by"]:
                    continue
                trials = r["by"][v]["trials"]
                best = max(range(len(trials)), key=lambda i: trials[i]["speedup"] or 0, default=None)
                if best is not None and (trials[best]["speedup"] or 0) > 1.0:
                    ops.setdefault(v, {}).setdefault(trials[best]["operator"], 0)
                    ops[v][trials[best]["operator"]] += 1
        print("\nOperator that proposed each session's best screening trial:\n")
        for v, counts in ops.items():
            print(f"- {v}: " + ", ".join(f"{o} {n}" for o, n in sorted(counts.items(), key=lambda kv: -kv[1])))
        print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", action="append", default=[], help="LABEL=BINDIR (repeat; the first is the base)")
    ap.add_argument("--budgets", default="10,12,20")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--kernels", default="new")
    ap.add_argument("--compilers", default="gcc,clang")
    ap.add_argument("--random", action="store_true", help="also random search at each budget")
    ap.add_argument("--out", default="schedule_bench.json")
    ap.add_argument("--render", nargs="+", metavar="JSON", help="print the tables of earlier runs")
    args = ap.parse_args()
    if args.render:
        render(args.render)
        return 0
    if not args.variant:
        ap.error("give at least one --variant LABEL=BINDIR")
    run_all(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
