#!/usr/bin/env python3
"""Renders bench/tune_kernels.py's JSON (one file or several, e.g. one per
compiler) as the markdown tables of docs/benchmarks.md."""
import json
import math
import statistics
import sys


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def best_at(entry, k):
    """Mean over seeds of the best screening speedup within the first k trials."""
    curves = entry.get("curves")
    if curves:
        return statistics.mean(c[min(k, len(c)) - 1] if c else 1.0 for c in curves)
    return entry[f"best_after_{k}"]


def trials_to_reach(curve, target):
    """First trial count at which `curve` reaches `target` (within 1%), or None."""
    for k, best in enumerate(curve, start=1):
        if best >= target * 0.99:
            return k
    return None


def render(rows, budget):
    half = "builtin@half" if all("builtin@half_vs_O3" in p for p in rows) else None
    print("| kernel | compiler | -O3 -march=native | built-in | random |" + (f" built-in, {budget // 2} trials |" if half else "") +
          " built-in vs native | outputs | built-in winner (seed 1) |")
    print("|---|---|---|---|---|" + ("---|" if half else "") + "---|---|---|")
    for p in rows:
        b = p["planners"]["builtin"]
        cfg = b["config"] if len(b["config"]) < 60 else b["config"][:57] + "..."
        print(f"| {p['kernel']} | {p['compiler']} | {p['native_vs_O3']:.3f} | {p['builtin_vs_O3']:.3f} | "
              f"{p['random_vs_O3']:.3f} | " + (f"{p[half + '_vs_O3']:.3f} | " if half else "") +
              f"{p['builtin_vs_native']:.3f} | {'same' if p['outputs_match'] else 'DIFFER'} | `{cfg or '-'}` |")
    print()
    for key, label in (("native_vs_O3", "-O3 -march=native vs -O3"), ("builtin_vs_O3", "built-in tuned vs -O3"),
                       ("random_vs_O3", "random-search tuned vs -O3"), ("builtin_vs_native", "built-in vs -O3 -march=native"),
                       ("builtin_vs_random", "built-in vs random")):
        vals = [p[key] for p in rows]
        print(f"- {label}: geomean {geomean(vals):.3f}x, min {min(vals):.3f}x, max {max(vals):.3f}x ({len(vals)} pairs)")
    slower = [f"{p['compiler']} {p['kernel']}" for p in rows if p["builtin_vs_O3"] < 0.99]
    print(f"- kernels where the built-in result is slower than -O3 (beyond 1% noise): {', '.join(slower) or 'none'}")
    if half:
        ratio = [p[half + "_vs_O3"] / p["random_vs_O3"] for p in rows]
        print(f"- built-in with {budget // 2} trials vs random search with {budget} (tuned programs, side by side): "
              f"geomean {geomean(ratio):.3f}x, min {min(ratio):.3f}x; at least as fast (within 2%) on "
              f"{sum(1 for r in ratio if r >= 0.98)}/{len(rows)} pairs")
        print(f"- built-in with {budget // 2} trials vs -O3: geomean {geomean([p[half + '_vs_O3'] for p in rows]):.3f}x")
    print()

    # Search efficiency: best screening speedup found after k trials, mean over seeds.
    ks = sorted({k for k in (10, 20, 40) if k <= budget} | {budget // 2, budget})
    print("| kernel | compiler | built-in best@" + "/".join(map(str, ks)) + " | random best@" + "/".join(map(str, ks)) +
          f" | built-in trials to random's {budget}-trial best (per seed) |")
    print("|---|---|---|---|---|")
    reached_half = 0
    reach_counts = []
    for p in rows:
        b, r = p["planners"]["builtin"], p["planners"]["random"]
        per_seed = []
        for bc, rc in zip(b.get("curves", []), r.get("curves", [])):
            per_seed.append(trials_to_reach(bc, rc[-1]))
        if per_seed:
            reach_counts += [k if k is not None else 2 * budget for k in per_seed]
        if best_at(b, budget // 2) >= best_at(r, budget) * 0.99:
            reached_half += 1
        print(f"| {p['kernel']} | {p['compiler']} | " + " / ".join(f"{best_at(b, k):.3f}" for k in ks) + " | " +
              " / ".join(f"{best_at(r, k):.3f}" for k in ks) + " | " +
              ", ".join("never" if k is None else str(k) for k in per_seed) + " |")
    print()
    print(f"- built-in best after {budget // 2} trials >= random's best after {budget} (within 1%, mean over seeds): "
          f"{reached_half}/{len(rows)} pairs")
    if reach_counts:
        print(f"- trials the built-in planner needs to reach random's {budget}-trial best: median "
              f"{statistics.median(reach_counts):g} over {len(reach_counts)} (pair, seed) runs "
              f"('never' counted as {2 * budget}); within {budget // 2} trials in "
              f"{sum(1 for k in reach_counts if k <= budget // 2)}/{len(reach_counts)}")

    render_sources(rows)


def render_sources(rows):
    """Which kind of trial found each session's best (the first trial within 1% of
    it): seeds, exploration draws or the bandit's operators. What a small-budget
    schedule is chosen from (issue 12); needs the trial rows of newer runs."""
    found, tried = {}, {}
    for p in rows:
        for seed in p["planners"]["builtin"]["seeds"]:
            trials = [t for t in seed.get("trial_rows", []) if not t["repeat"]]
            for t in trials:
                tried[t["operator"]] = tried.get(t["operator"], 0) + 1
            ok = [t for t in trials if t["verdict"] == "ok" and t["speedup"]]
            if not ok:
                continue
            best = max(t["speedup"] for t in ok)
            if best < 1.01:
                continue  # nothing found: no source to credit
            first = next(t for t in ok if t["speedup"] >= best * 0.99)
            found[first["operator"]] = found.get(first["operator"], 0) + 1
    if not tried:
        return
    print()
    print("| built-in operator | measured trials | sessions whose best it found |")
    print("|---|---|---|")
    for op in sorted(tried, key=lambda o: (-found.get(o, 0), -tried[o])):
        print(f"| {op} | {tried[op]} | {found.get(op, 0)} |")


all_rows = []
budget = 0
for path in sys.argv[1:]:
    d = json.load(open(path))
    all_rows += d["results"]
    budget = max(budget, d["budget"])
# The kernels written after the planner was developed (issue 12) are reported
# apart: they measure generalisation, the old ones partly memory.
for suite, title in (("old", "Original kernels"), ("new", "New kernels (never tuned for)")):
    rows = [p for p in all_rows if p.get("suite", "old") == suite]
    if rows:
        print(f"#### {title}\n")
        render(rows, budget)
        print()
