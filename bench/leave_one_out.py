#!/usr/bin/env python3
"""Transfer by code features, leave-one-out on bench/kernels (issue 14).

For each compiler:
  1. cold: every kernel is tuned in an empty database (nothing to transfer);
     that run is both the kernel's cold-start baseline and, through its
     confirmed winner, a donor for the others;
  2. one donor database: every kernel with a winner is built through llmcc, its
     features extracted (`llmcc features`) and its winner stored (objective
     --objective);
  3. seeded: for each held-out kernel, a copy of the donor database from which
     `llmcc forget` removed the held-out kernel's winner (its features stay, but
     a TU without a winner is nobody's neighbour), then the held-out kernel is
     tuned at the same budget and seed as its cold run. The built-in planner
     seeds from the neighbours nearer than tuner/transfer.h's kSimilarDistance,
     after its core known-good seeds; farther ones only reach the LLM prompt;
  4. from the trials table: the best screening speedup after each trial, and
     the trial at which each run first reached 95% of the better run's gain.

So a held-out kernel costs one seeded session, its cold session is shared with
the donor phase, and the donor database is built once per compiler.

With `--objective instructions` (callgrind) a trial's score is an instruction
count: the same whatever the load of the machine (to ~1e-6: the directory a
program runs in moves it a little), so seeded and cold runs made at different
times, beside other processes, are compared free of timing noise. `--short`
divides each kernel's repetition count by about 30 (a callgrind run of a full
kernel takes 30-45 s here, a budget-10 session some 8 minutes): the same code,
so the same features; whether its winners are the full kernel's is not
checked, and the results say --short.

--modes cold and then --modes seeded --cold COLD.json split the two phases
(e.g. the cold runs with another build whose tuning is the same on an empty
database). --donors FILE... takes the donors from bench/tune_kernels.py results
instead of the cold runs (their built-in planner's configs).

Usage: bench/leave_one_out.py --bin build/bin [--compilers gcc,clang] [--kernels all|old|new|nbody,sparse]
                              [--objective instructions] [--short] [--budget 10] [--seed 1]
                              [--modes cold|seeded|distances] [--cold cold.json...] [--donors results.json...]
                              [--out loo.json]
       bench/leave_one_out.py --table loo_gcc.json [loo_clang.json ...]
"""
import argparse
import json
import os
import shutil
import statistics
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The kernels' project layout, their --short form and the command runner are tune_kernels.py's own.
from tune_kernels import MAKEFILE, SUITES, kernel_source, run  # noqa: E402

# tuner/transfer.h kSimilarDistance, for the tables.
SIMILAR_DISTANCE = 0.3


def project(d, kernel, short):
    """A project of one TU, `<kernel>.c`: the file names differ, so no kernel is
    another's "same source" (tuner/transfer.h transfer_seeds)."""
    os.makedirs(d)
    with open(os.path.join(d, kernel + ".c"), "w") as f:
        f.write(kernel_source(kernel, short))
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write(MAKEFILE.replace("kernel.", kernel + "."))


def canonical(config):
    words = config.split()
    opt = next((w for w in words if w.startswith("-O")), "")
    options, i = [], 0
    rest = [w for w in words if w != opt]
    while i < len(rest):  # "-mllvm X" is one option
        if rest[i] == "-mllvm" and i + 1 < len(rest):
            options.append(rest[i] + " " + rest[i + 1])
            i += 2
        else:
            options.append(rest[i])
            i += 1
    return opt, options


def add_donor(d, kernel, config, speedup, env, objective, short):
    """Builds `kernel` through llmcc, extracts its features, stores `config` as its winner."""
    project(d, kernel, short)
    run(["make", "-s", "CC=llmcc"], cwd=d, env=env)
    run(["llmcc", "features", kernel + ".c"], cwd=d, env=env)
    show = json.loads(run(["llmcc", "show", kernel + ".c", "--json"], cwd=d, env=env).stdout)
    opt, options = canonical(config)
    canon = json.dumps({"opt": opt, "options": sorted(set(options)), "pipeline": ""}, separators=(",", ":"))
    db = sqlite3.connect(os.path.join(env["LLMCC_DIR"], "llmcc.db"))
    db.execute("INSERT OR IGNORE INTO configs(canonical, json) VALUES(?, ?)",
               (canon, json.dumps({"opt": opt, "options": options, "pipeline": ""})))
    db.execute("INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective,"
               " config_id, speedup, speedup_low, speedup_high, origin, created) VALUES(?,?,?,?,?,?,?,"
               " (SELECT id FROM configs WHERE canonical=?),?,?,?,'bench',1)",
               (show["tu_key"], kernel + ".c", kernel + ".c", show["compiler"]["id"], show["host"],
                show["hw_class"], objective, canon, speedup, speedup, speedup))
    db.commit()
    db.close()


def tune(d, kernel, env, budget, seed, objective):
    cmd = ["llmcc", "tune", "--build-dir", ".", "--bench", "./prog", "--tu", kernel + ".c", "--budget", str(budget),
           "--seed", str(seed), "--repeats", "3", "--objective", objective, "--json", "-q"]
    p = subprocess.run(cmd, cwd=d, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"tune failed: {p.stderr[-2000:]}")
    summary = json.loads(p.stdout)
    db = sqlite3.connect(os.path.join(env["LLMCC_DIR"], "llmcc.db"))
    db.execute("ATTACH ? AS tuning", (os.path.join(env["LLMCC_DIR"], "llmcc.tuning.db"),))  # trials live there
    rows = db.execute("SELECT t.verdict, t.speedup, c.canonical, t.detail, t.operator FROM trials t JOIN configs c"
                      " ON c.id=t.config_id WHERE t.session_id=? AND t.planner != 'confirm' ORDER BY t.id",
                      (summary["session"],)).fetchall()
    db.close()
    best, curve, trials = 1.0, [], []
    for verdict, speedup, canon, detail, operator in rows:
        # As in tune_kernels.py: a candidate whose code was already measured does
        # not use the budget, so it is not a point of the curve.
        repeat = verdict == "identical" or detail == "same object code as an earlier candidate"
        trials.append({"config": json.loads(canon), "operator": operator, "verdict": verdict, "speedup": speedup,
                       "repeat": repeat})
        if repeat:
            continue
        if verdict == "ok" and speedup:
            best = max(best, speedup)
        curve.append(best)
    return summary, curve, trials


def trials_to_95(curve, best):
    """First trial whose best-so-far has 95% of the best gain (speedup - 1) of either run."""
    if best <= 1.0:
        return None
    return next((i + 1 for i, x in enumerate(curve) if x - 1 >= 0.95 * (best - 1)), None)


def at(curve, k):
    return curve[min(k, len(curve)) - 1] if curve else 1.0


def table(paths):
    """Markdown: per kernel and compiler, trials to 95% and the gain at the budget, then medians."""
    rows = []
    for path in paths:
        data = json.load(open(path))
        for e in data["results"]:
            if "cold" in e and "seeded" in e:
                rows.append((data["budget"], e))
    print("| compiler | kernel | nearest (distance) | neighbours lending seeds | trials to 95%: seeded / cold "
          "| best at budget: seeded / cold |")
    print("|---|---|---|---|---|---|")
    per = {}
    for budget, e in rows:
        near = e.get("neighbours", [])
        nearest = f"{near[0][0]} ({near[0][1]:.2f})" if near else "none"
        # tuner/transfer.h kSimilarDistance: only these neighbours lend seeds.
        lending = sum(1 for _, dist in near if dist < SIMILAR_DISTANCE)
        s95, c95 = e["seeded"].get("trials_to_95"), e["cold"].get("trials_to_95")
        sb, cb = at(e["seeded"]["curve"], budget), at(e["cold"]["curve"], budget)
        fmt95 = lambda v: "-" if v is None else str(v)  # noqa: E731
        print(f"| {e['compiler']} | {e['kernel']} | {nearest} | {lending} "
              f"| {fmt95(s95)} / {fmt95(c95)} | {sb:.3f} / {cb:.3f} |")
        p = per.setdefault(e["compiler"], {"s95": [], "c95": [], "sb": [], "cb": [], "same": 0, "n": 0})
        # A run that never reached 95% counts as budget + 1 in the median.
        p["s95"].append(s95 if s95 is not None else budget + 1)
        p["c95"].append(c95 if c95 is not None else budget + 1)
        p["sb"].append(sb)
        p["cb"].append(cb)
        p["n"] += 1
        # Equal to 1e-4: a program's count moves by ~1e-6 with its directory's
        # name (the environment and argv on its stack).
        p["same"] += len(e["seeded"]["curve"]) == len(e["cold"]["curve"]) and all(
            abs(a - b) <= 1e-4 * b for a, b in zip(e["seeded"]["curve"], e["cold"]["curve"]))
    print()
    print("| compiler | kernels | median trials to 95%: seeded / cold | median best at budget: seeded / cold "
          "| seeded curve = cold curve (to 1e-4) |")
    print("|---|---|---|---|---|")
    for c, p in per.items():
        print(f"| {c} | {p['n']} | {statistics.median(p['s95'])} / {statistics.median(p['c95'])} "
              f"| {statistics.median(p['sb']):.3f} / {statistics.median(p['cb']):.3f} | {p['same']} of {p['n']} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", help="a directory with llmcc (a copy, so rebuilding does not disturb a run)")
    ap.add_argument("--donors", nargs="+", help="bench/tune_kernels.py results (their builtin configs); "
                    "without it the kernels' own cold runs here are the donors")
    ap.add_argument("--compilers", default="gcc")
    ap.add_argument("--kernels", default="all", help="old, new, all, or a comma-separated list")
    ap.add_argument("--objective", default="instructions", choices=["time", "instructions"])
    ap.add_argument("--short", action="store_true", help="each kernel's repetitions divided by about 30")
    ap.add_argument("--budget", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--modes", default="cold,seeded", help="run only these of cold,seeded; distances: only the "
                    "features' pairwise distances")
    ap.add_argument("--cold", nargs="+", help="earlier --modes cold results: their cold runs are this run's "
                    "cold baselines and donors")
    ap.add_argument("--out", default="leave_one_out.json")
    ap.add_argument("--table", nargs="+", help="print the markdown tables of these results and exit")
    args = ap.parse_args()
    if args.table:
        table(args.table)
        return 0
    if not args.bin:
        ap.error("--bin is required")
    kernels = SUITES.get(args.kernels, args.kernels.split(","))
    modes = args.modes.split(",")
    donors = {}
    results = {}
    for path in args.cold or []:
        for e in json.load(open(path))["results"]:
            if "cold" in e:
                results[(e["compiler"], e["kernel"])] = {"compiler": e["compiler"], "kernel": e["kernel"],
                                                         "cold": e["cold"]}
                if not args.donors and e["cold"]["status"] == "tuned" and e["cold"]["config"]:
                    donors[(e["compiler"], e["kernel"])] = (e["cold"]["config"], e["cold"]["confirmed"])
    for path in args.donors or []:
        for e in json.load(open(path))["results"]:
            b = e["planners"].get("builtin", {})
            if b.get("config"):
                donors[(e["compiler"], e["kernel"])] = (b["config"], b.get("seeds", [{}])[0].get("confirmed", 1.0))
    bindir = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="llmcc-loo-")

    def save():
        with open(args.out, "w") as f:
            json.dump({"budget": args.budget, "seed": args.seed, "objective": args.objective, "short": args.short,
                       "donors": "files" if args.donors else "cold runs", "cold": args.cold or "this run",
                       "results": list(results.values())},
                      f, indent=1)

    def environment(compiler, llmcc_dir):
        return dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], LLMCC_CC=compiler, LLMCC_DIR=llmcc_dir,
                    LLMCC_QUIET="1")

    def session(compiler, held, mode, env):
        entry = results.setdefault((compiler, held), {"compiler": compiler, "kernel": held})
        d = os.path.join(work, compiler, mode, held)
        project(d, held, args.short)
        run(["make", "-s", "CC=llmcc"], cwd=d, env=env)
        if mode == "seeded":
            src = held + ".c"
            near = json.loads(run(["llmcc", "similar", src, "--objective", args.objective, "--json", "-k", "3"],
                                  cwd=d, env=env).stdout)
            entry["neighbours"] = [(n["source_rel"], round(n["distance"], 4)) for n in near]
            every = json.loads(run(["llmcc", "similar", src, "--objective", args.objective, "--json", "-k", "100"],
                                   cwd=d, env=env).stdout)
            entry["distances"] = {n["source_rel"]: round(n["distance"], 4) for n in every}
        started = time.time()
        summary, curve, trials = tune(d, held, env, args.budget, args.seed, args.objective)
        tu = summary["tus"][0]
        entry[mode] = {"curve": curve, "status": tu["status"], "confirmed": tu["speedup"], "config": tu["config"],
                       "trials": trials, "seconds": round(time.time() - started)}
        if mode == "cold" and not args.donors and tu["status"] == "tuned" and tu["config"]:
            donors[(compiler, held)] = (tu["config"], tu["speedup"])
        print(f"{compiler:5} {held:9} {mode:6}: best@{args.budget} {curve[-1] if curve else 1:.3f}x "
              f"{tu['status']} {tu['speedup']:.3f}x {tu['config']} ({time.time() - started:.0f}s)", flush=True)
        if "cold" in entry and "seeded" in entry:
            best = max(max(entry["cold"]["curve"] or [1]), max(entry["seeded"]["curve"] or [1]))
            for m in ("cold", "seeded"):
                entry[m]["trials_to_95"] = trials_to_95(entry[m]["curve"], best)
        save()

    for compiler in args.compilers.split(","):
        if "distances" in modes:
            # Features only (no tuning): each kernel with a placeholder winner, so
            # `llmcc similar` lists it; which held-out kernels have a neighbour
            # nearer than kSimilarDistance, i.e. where seeded can differ from cold.
            db = os.path.join(work, compiler, "distances-db")
            env = environment(compiler, db)
            for k in kernels:
                add_donor(os.path.join(work, compiler, "distances", k), k, "-O2", 1.0, env, args.objective, args.short)
            for k in kernels:
                every = json.loads(run(["llmcc", "similar", k + ".c", "--objective", args.objective, "--json", "-k",
                                        "100"], cwd=os.path.join(work, compiler, "distances", k), env=env).stdout)
                entry = results.setdefault((compiler, k), {"compiler": compiler, "kernel": k})
                entry["distances"] = {n["source_rel"][:-2]: round(n["distance"], 4) for n in every}
                near = [f"{o} {d:.3f}" for o, d in sorted(entry["distances"].items(), key=lambda x: x[1])
                        if d < SIMILAR_DISTANCE]
                print(f"{compiler:5} {k:9} nearest {min(entry['distances'].values()):.3f}; "
                      f"under {SIMILAR_DISTANCE}: {', '.join(near) or 'none'}", flush=True)
            save()
        if "cold" in modes and not args.cold:  # each in an empty database: its cold run, and the others' donor
            for held in kernels:
                session(compiler, held, "cold", environment(compiler, os.path.join(work, compiler, "cold", held + "-db")))
        if "seeded" not in modes:
            continue
        donor_db = os.path.join(work, compiler, "donors-db")
        env = environment(compiler, donor_db)
        for (c, k), winner in sorted(donors.items()):
            if c == compiler:
                add_donor(os.path.join(work, compiler, "donors", k), k, *winner, env, args.objective, args.short)
        for held in kernels:
            db = os.path.join(work, compiler, "seeded", held + "-db")
            shutil.copytree(donor_db, db)
            env = environment(compiler, db)
            if (compiler, held) in donors:
                run(["llmcc", "forget", held + ".c"], cwd=os.path.join(work, compiler, "donors", held), env=env)
            session(compiler, held, "seeded", env)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
