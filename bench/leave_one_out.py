#!/usr/bin/env python3
"""Transfer by code features, leave-one-out on bench/kernels (issue 14).

For each compiler and each held-out kernel:
  1. the other kernels are the database's tuned TUs: each is built through
     llmcc, its features extracted (`llmcc features`), and its winner from a
     previous `bench/tune_kernels.py` run on this machine stored as a winner
     (--donors FILE, the built-in planner's confirmed config; stored under
     --objective, whatever objective found it);
  2. the held-out kernel is tuned twice at the same budget and seed: cold (a
     database without donors) and seeded (with them: the built-in planner tries
     the nearest donors' winners first, each screened like any trial);
  3. from the trials table: the best screening speedup after N trials, and the
     trial at which each run first reached 95% of the better of the two.

Without --donors, the donors are tuned here: every kernel is first tuned cold
(an empty database) and those cold runs' winners are the donors of the others.
With `--objective instructions` (callgrind) that is exact: a trial's score does
not depend on the machine's load, so the held-out kernel's own cold run is its
cold baseline and the comparison seeded vs cold is free of timing noise.

Usage: bench/leave_one_out.py --bin build/bin [--donors bench/results/X_gcc*.json [--modes cold,seeded]]
                              [--compilers gcc,clang]
                              [--kernels all|old|new|nbody,sparse] [--objective instructions]
                              [--budget 10] [--seed 1] [--out loo.json]
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The kernels' project layout and the command runner are tune_kernels.py's own.
from tune_kernels import MAKEFILE, SUITES, run  # noqa: E402


def project(d, kernel):
    os.makedirs(d)
    shutil.copy(os.path.join(HERE, "kernels", kernel + ".c"), os.path.join(d, "kernel.c"))
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write(MAKEFILE)


def add_donor(d, kernel, config, speedup, env, objective):
    """Builds `kernel` through llmcc, extracts its features, stores `config` as its winner."""
    project(d, kernel)
    run(["make", "-s", "CC=llmcc"], cwd=d, env=env)
    run(["llmcc", "features", "kernel.c"], cwd=d, env=env)
    show = json.loads(run(["llmcc", "show", "kernel.c", "--json"], cwd=d, env=env).stdout)
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
    canon = json.dumps({"opt": opt, "options": sorted(set(options)), "pipeline": ""}, separators=(",", ":"))
    db = sqlite3.connect(os.path.join(env["LLMCC_DIR"], "llmcc.db"))
    db.execute("INSERT OR IGNORE INTO configs(canonical, json) VALUES(?, ?)",
               (canon, json.dumps({"opt": opt, "options": options, "pipeline": ""})))
    db.execute("INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective,"
               " config_id, speedup, speedup_low, speedup_high, origin, created) VALUES(?,?,?,?,?,?,?,"
               " (SELECT id FROM configs WHERE canonical=?),?,?,?,'bench',1)",
               (show["tu_key"], f"{kernel}/kernel.c", "kernel.c", show["compiler"]["id"], show["host"],
                show["hw_class"], objective, canon, speedup, speedup, speedup))
    db.commit()


def tune(d, env, budget, seed, objective):
    cmd = ["llmcc", "tune", "--build-dir", ".", "--bench", "./prog", "--tu", "kernel.c", "--budget", str(budget),
           "--seed", str(seed), "--repeats", "3", "--objective", objective, "--json", "-q"]
    p = subprocess.run(cmd, cwd=d, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"tune failed: {p.stderr[-2000:]}")
    summary = json.loads(p.stdout)
    db = sqlite3.connect(os.path.join(env["LLMCC_DIR"], "llmcc.db"))
    db.execute("ATTACH ? AS tuning", (os.path.join(env["LLMCC_DIR"], "llmcc.tuning.db"),))  # trials live there
    rows = db.execute("SELECT t.verdict, t.speedup, c.canonical, t.detail FROM trials t JOIN configs c"
                      " ON c.id=t.config_id WHERE t.session_id=? AND t.planner != 'confirm' ORDER BY t.id",
                      (summary["session"],)).fetchall()
    best, curve = 1.0, []
    for verdict, speedup, _, detail in rows:
        # As in tune_kernels.py: a candidate whose code was already measured does
        # not use the budget, so it is not a point of the curve.
        if verdict == "identical" or detail == "same object code as an earlier candidate":
            continue
        if verdict == "ok" and speedup:
            best = max(best, speedup)
        curve.append(best)
    first = [json.loads(r[2]) for r in rows[:3]]
    return summary, curve, first


def trials_to_95(curve, best):
    """First trial whose best-so-far has 95% of the best gain (speedup - 1) of either run."""
    if best <= 1.0:
        return None
    return next((i + 1 for i, x in enumerate(curve) if x - 1 >= 0.95 * (best - 1)), None)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--donors", nargs="+", help="bench/tune_kernels.py results (their builtin configs); "
                    "without it the kernels' own cold runs here are the donors")
    ap.add_argument("--compilers", default="gcc")
    ap.add_argument("--kernels", default="old", help="old, new, all, or a comma-separated list")
    ap.add_argument("--objective", default="time", choices=["time", "instructions"])
    ap.add_argument("--budget", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--modes", default="cold,seeded", help="with --donors: run only these of cold,seeded "
                    "(the two can run as separate processes into separate --out files)")
    ap.add_argument("--out", default="leave_one_out.json")
    args = ap.parse_args()
    kernels = SUITES.get(args.kernels, args.kernels.split(","))
    donors = {}
    for path in args.donors or []:
        for e in json.load(open(path))["results"]:
            b = e["planners"].get("builtin", {})
            if b.get("config"):
                donors[(e["compiler"], e["kernel"])] = (b["config"], b.get("seeds", [{}])[0].get("confirmed", 1.0))
    bindir = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="llmcc-loo-")
    results = {}

    def save():
        with open(args.out, "w") as f:
            json.dump({"budget": args.budget, "seed": args.seed, "objective": args.objective,
                       "donors": "files" if args.donors else "cold runs", "results": list(results.values())},
                      f, indent=1)

    def one(compiler, held, mode):
        entry = results.setdefault((compiler, held), {"compiler": compiler, "kernel": held})
        d = os.path.join(work, f"{compiler}-{held}-{mode}")
        env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], LLMCC_CC=compiler,
                   LLMCC_DIR=os.path.join(d + "-db"), LLMCC_QUIET="1")
        if mode == "seeded":
            for (c, k), winner in sorted(donors.items()):
                if c == compiler and k != held:
                    add_donor(os.path.join(d + "-donors", k), k, *winner, env, args.objective)
        project(d, held)
        run(["make", "-s", "CC=llmcc"], cwd=d, env=env)
        if mode == "seeded":
            near = json.loads(run(["llmcc", "similar", "kernel.c", "--objective", args.objective, "--json"],
                                  cwd=d, env=env).stdout)
            entry["neighbours"] = [(n["source_rel"], round(n["distance"], 4)) for n in near]
        started = time.time()
        summary, curve, first = tune(d, env, args.budget, args.seed, args.objective)
        tu = summary["tus"][0]
        entry[mode] = {"curve": curve, "status": tu["status"], "confirmed": tu["speedup"], "config": tu["config"],
                       "first_trials": first, "seconds": round(time.time() - started)}
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
        if not args.donors:  # every kernel's cold run first: they are the others' donors
            for held in kernels:
                one(compiler, held, "cold")
        for held in kernels:
            for mode in args.modes.split(",") if args.donors else ["seeded"]:
                one(compiler, held, mode)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
