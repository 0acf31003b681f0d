#!/usr/bin/env python3
"""Small-budget schedules of the built-in planner, side by side (issue 12).

Each variant is a directory of llmcc binaries (built from a different schedule).
For every kernel, compiler, budget and seed, `llmcc tune --objective instructions`
runs once per variant (and once with random search, for reference) on the same
-O3 build of the kernel. Instruction counts come from callgrind, so a result does
not depend on the machine's load: the comparison is exact, and one seed per pair
is a fair reading of the planner's own randomness, not of noise.

Per session it records the confirmed ratio (the -O3 build's instructions over the
winner's), the best screening ratio after each trial that used the budget, and
which operator proposed each trial.

Budgets run one after another, every kernel at the first budget before any at
the second, and the JSON is written after every session, so a run stopped early
keeps whole budgets; random search runs after the variants. --random-budgets
runs random search alone at other budgets (the issue's "built-in at 20 at least
as fast as random at 40"). Random search does not look at its budget, so its
first k trials at 40 are its k trials at budget k: --render reads random search
at a smaller budget off the curve of a larger one where it was not run (marked *).
--short tunes tune_kernels.py's short forms of the kernels (repetitions divided
by about 30: a callgrind run takes about a second, not a minute); the results say
so, and whether a short kernel's winners are the full kernel's is not checked.

Usage: bench/schedule_bench.py --variant base=/tmp/bin-a --variant mutate=/tmp/bin-b
                               [--budgets 12,20,10] [--seeds 1] [--kernels new|old|all|a,b]
                               [--compilers gcc,clang] [--random] [--random-budgets 40] [--short]
                               [--out results.json]
Table: bench/schedule_bench.py --render results.json [more.json ...]   (files are merged)
"""
import argparse
import json
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tune_kernels import SUITES, kernel_build_dir  # noqa: E402  (one kernel list, one project setup, --short)


def tune(workdir, env, planner, budget, seed):
    cmd = ["llmcc", "tune", "--build-dir", ".", "--bench", "./prog", "--tu", "kernel.c", "--objective",
           "instructions", "--budget", str(budget), "--planner", planner, "--seed", str(seed), "--json", "-q"]
    p = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"tune failed: {p.stderr[-2000:]}")
    summary = json.loads(p.stdout)
    db = sqlite3.connect(os.path.join(env["LLMCC_DIR"], "llmcc.db"))
    db.execute("ATTACH ? AS tuning", (os.path.join(env["LLMCC_DIR"], "llmcc.tuning.db"),))
    rows = db.execute("SELECT t.verdict, t.detail, t.speedup, t.operator, c.canonical FROM trials t JOIN configs c "
                      "ON c.id = t.config_id WHERE t.session_id=? AND t.planner != 'confirm' ORDER BY t.id",
                      (summary["session"],)).fetchall()
    curve, best = [], 1.0
    for verdict, detail, speedup, _, _ in rows:
        # Code already measured is not run again and does not use the budget
        # (tuner/budget.h, TrialCount): not a point of the curve.
        if verdict == "identical" or detail == "same object code as an earlier candidate":
            continue
        if verdict == "ok" and speedup:
            best = max(best, speedup)
        curve.append(best)
    tu = summary["tus"][0]
    return {"status": tu["status"], "ratio": tu["speedup"] if tu["status"] == "tuned" else 1.0,
            "config": tu["config"], "curve": curve,
            "trials": [{"verdict": v, "detail": d, "speedup": s, "operator": o, "config": c}
                       for v, d, s, o, c in rows]}


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def run_all(args):
    variants = [v.split("=", 1) for v in args.variant]
    builtin = [(label, os.path.abspath(d), "builtin") for label, d in variants]
    # Random search does not depend on the schedule: the first variant's binaries run it.
    random_search = ("random", os.path.abspath(variants[0][1]), "random")
    budgets = [int(b) for b in args.budgets.split(",") if b]  # "": random search alone
    random_budgets = [int(b) for b in args.random_budgets.split(",") if b]
    # The variants first, the budgets in the order given: what a schedule is chosen
    # on is saved before the reference runs start.
    passes = [(b, builtin) for b in budgets]
    passes += [(b, [random_search]) for b in (budgets if args.random else []) + random_budgets]
    work = tempfile.mkdtemp(prefix="llmcc-sched-")
    out = {"budgets": args.budgets, "random_budgets": args.random_budgets, "seeds": args.seeds,
           "objective": "instructions", "short": args.short,
           "variants": [label for label, _, _ in builtin] + (["random"] if args.random or random_budgets else []),
           "results": []}
    for budget, planners in passes:
        for compiler in args.compilers.split(","):
            for kernel in SUITES.get(args.kernels, args.kernels.split(",")):
                for seed in range(1, args.seeds + 1):
                    row = {"kernel": kernel, "compiler": compiler, "budget": budget, "seed": seed, "by": {}}
                    out["results"].append(row)
                    for label, bindir, planner in planners:
                        d = os.path.join(work, f"{compiler}-{kernel}-{budget}-{seed}-{label}")
                        env = kernel_build_dir(d, kernel, bindir, compiler, args.short)
                        started = time.time()
                        r = tune(d, env, planner, budget, seed)
                        r["seconds"] = round(time.time() - started, 1)
                        row["by"][label] = r
                        print(f"{compiler:5} {kernel:9} b{budget:<3} seed {seed} {label:8} {r['status']:8} "
                              f"{r['ratio']:.3f}x  {r['config']}  ({r['seconds']:.0f}s)", flush=True)
                        shutil.rmtree(d, ignore_errors=True)
                        with open(args.out, "w") as f:
                            json.dump(out, f, indent=1)
    shutil.rmtree(work, ignore_errors=True)


def reached(curve, target):
    """Trials a session's screening curve took to reach `target` (0.1%: counts are exact), or None."""
    return next((k + 1 for k, best in enumerate(curve) if best >= target * 0.999), None)


def render(paths):
    """One set of tables over all the files: a pair's sessions may come from separate runs."""
    sessions, labels, short = {}, [], set()
    for path in paths:
        data = json.load(open(path))
        short.add(bool(data.get("short")))
        labels += [v for v in data["variants"] if v not in labels]
        for r in data["results"]:
            for label, result in r["by"].items():
                sessions[(r["compiler"], r["kernel"], r["seed"], r["budget"], label)] = result
    variants = [v for v in labels if v != "random"]
    base = variants[0]
    budgets = sorted({k[3] for k in sessions if k[4] != "random"})
    random_only = sorted({k[3] for k in sessions} - set(budgets))
    pairs = sorted({k[:3] for k in sessions}, key=lambda k: (k[0], SUITES["all"].index(k[1])
                                                                 if k[1] in SUITES["all"] else 99, k[2]))
    far = random_only[-1] if random_only else None

    def ratio(p, budget, v):
        """(confirmed ratio, whether read off random search's curve at `far`) or None."""
        if p + (budget, v) in sessions:
            return sessions[p + (budget, v)]["ratio"], False
        r = sessions.get(p + (far, "random")) if v == "random" and far and far > budget else None
        if r is None:
            return None
        return (r["curve"][min(budget, len(r["curve"])) - 1] if r["curve"] else 1.0), True

    print("Kernels: " + ("--short forms" if short == {True} else "full" if short == {False} else "MIXED short/full")
          + "; confirmed instruction ratios over the -O3 build (callgrind), not time.\n")
    cols = variants + (["random"] if "random" in labels else [])
    print("| " + " | ".join(["compiler", "budget", "pairs"] + [f"{v} geomean" for v in cols]
                            + [f"{v} vs {base}: wins/ties/losses, worst" for v in variants[1:]]) + " |")
    print("|---|---|---|" + "---|" * (len(cols) + len(variants) - 1))
    for compiler in sorted({p[0] for p in pairs}):
        for budget in budgets + random_only:
            here = [p for p in pairs if p[0] == compiler]
            have = [v for v in cols if any(ratio(p, budget, v) for p in here)]
            # The pairs every variant has; random search over those of them it has.
            rows = [p for p in here if all(ratio(p, budget, v) for v in have if v != "random" or have == ["random"])]
            if not rows or (budget not in random_only and not any(v != "random" for v in have)):
                continue
            cells = []
            for v in cols:
                got = [ratio(p, budget, v) for p in rows]
                got = [g for g in got if g]
                cells.append("-" if not got else f"{geomean([g[0] for g in got]):.3f}x"
                             + ("*" if any(g[1] for g in got) else "")
                             + (f" ({len(got)} of the pairs)" if len(got) < len(rows) else ""))
            wtl = []
            for v in variants[1:]:
                if v not in have or base not in have:
                    wtl.append("-")
                    continue
                a = [(sessions[p + (budget, v)]["ratio"], sessions[p + (budget, base)]["ratio"]) for p in rows]
                worst = min(x / y for x, y in a)
                wtl.append(f"{sum(x > y * 1.001 for x, y in a)}/{sum(abs(x - y) <= y * 0.001 for x, y in a)}/"
                           f"{sum(x < y * 0.999 for x, y in a)}, {worst:.3f}")
            print("| " + " | ".join([compiler, str(budget), str(len(rows))] + cells + wtl) + " |")

    if far:
        print(f"\n\\* random search at that budget read off its run at {far}: the best screening ratio after "
              "that many trials (its draws do not depend on the budget).")
    print("\nPer pair and budget (confirmed ratio; last column: trials each variant's screening took to reach "
          f"random search's best after {far} trials, '-' if not within its budget):\n" if far else
          "\nPer pair and budget (confirmed ratio):\n")
    head = "| compiler | kernel | seed | budget | " + " | ".join(cols)
    if far:
        head += f" | random@{far} | trials to random@{far}'s best ({', '.join(variants)})"
    print(head + " |")
    print("|---|---|---|---|" + "---|" * (len(cols) + (2 if far else 0)))
    reach = {v: [] for v in variants}
    for p in pairs:
        for budget in budgets:
            if not any(p + (budget, v) in sessions for v in variants):
                continue
            cells = []
            for v in cols:
                got = ratio(p, budget, v)
                cells.append(f"{got[0]:.3f}x" + ("*" if got[1] else "") if got else "-")
            line = f"| {p[0]} | {p[1]} | {p[2]} | {budget} | " + " | ".join(cells)
            if far:
                r40 = sessions.get(p + (far, "random"))
                if r40:
                    target = r40["curve"][-1] if r40["curve"] else 1.0
                    ks = []
                    for v in variants:
                        s = sessions.get(p + (budget, v))
                        k = reached(s["curve"], target) if s else None
                        if s:
                            reach[v].append((budget, k))
                        ks.append(str(k) if k else "-")
                    line += f" | {r40['ratio']:.3f}x | " + ", ".join(ks)
                else:
                    line += " | - | -"
            print(line + " |")
    for v, ks in reach.items():
        for budget in budgets:
            got = [k for b, k in ks if b == budget]
            if got:
                print(f"\n- {v} at budget {budget}: reached random@{far}'s best screening on "
                      f"{sum(k is not None for k in got)}/{len(got)} pairs"
                      + (f", median trials over those {statistics.median([k for k in got if k]):.1f}"
                         if any(got) else ""))

    ops = {}
    for key, s in sessions.items():
        trials = s["trials"]
        best = max(range(len(trials)), key=lambda i: trials[i]["speedup"] or 0, default=None)
        if best is not None and (trials[best]["speedup"] or 0) > 1.0:
            counts = ops.setdefault((key[4], key[3]), {})
            counts[trials[best]["operator"]] = counts.get(trials[best]["operator"], 0) + 1
    print("\nOperator that proposed each session's best screening trial:\n")
    for (v, budget), counts in sorted(ops.items()):
        print(f"- {v} at {budget}: " + ", ".join(f"{o} {n}" for o, n in sorted(counts.items(), key=lambda kv: -kv[1])))
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", action="append", default=[], help="LABEL=BINDIR (repeat; the first is the base)")
    ap.add_argument("--budgets", default="12,20,10", help="in the order they run; '' for none (random search alone)")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--kernels", default="new")
    ap.add_argument("--compilers", default="gcc,clang")
    ap.add_argument("--random", action="store_true", help="also random search at each budget")
    ap.add_argument("--random-budgets", default="", metavar="N[,N]",
                    help="random search alone at these budgets, after the others (e.g. 40)")
    ap.add_argument("--short", action="store_true", help="each kernel's repetitions divided by about 30")
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
