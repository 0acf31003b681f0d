#!/usr/bin/env python3
"""Renders bench/tune_kernels.py's JSON as the markdown table of docs/benchmarks.md."""
import json
import math
import sys


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


d = json.load(open(sys.argv[1]))
rows = d["results"]
print("| kernel | compiler | -O3 -march=native | built-in | random | built-in best@10 / @20 | "
      "random best@10 / @20 | outputs | built-in winner |")
print("|---|---|---|---|---|---|---|---|---|")
for p in rows:
    b, r = p["planners"]["builtin"], p["planners"]["random"]
    cfg = b["config"] if len(b["config"]) < 60 else b["config"][:57] + "..."
    print(f"| {p['kernel']} | {p['compiler']} | {p['native_vs_O3']:.3f} | {p['builtin_vs_O3']:.3f} | "
          f"{p['random_vs_O3']:.3f} | {b['best_after_10']:.3f} / {b['best_after_20']:.3f} | "
          f"{r['best_after_10']:.3f} / {r['best_after_20']:.3f} | {'same' if p['outputs_match'] else 'DIFFER'} | "
          f"`{cfg or '-'}` |")
print()
for key, label in (("native_vs_O3", "-O3 -march=native vs -O3"), ("builtin_vs_O3", "built-in tuned vs -O3"),
                   ("random_vs_O3", "random-search tuned vs -O3"), ("builtin_vs_native", "built-in vs -O3 -march=native"),
                   ("builtin_vs_random", "built-in vs random")):
    vals = [p[key] for p in rows]
    print(f"- {label}: geomean {geomean(vals):.3f}x, min {min(vals):.3f}x, max {max(vals):.3f}x ({len(vals)} pairs)")
slower = [f"{p['compiler']} {p['kernel']}" for p in rows if p["builtin_vs_O3"] < 0.99]
print(f"- kernels where the built-in result is slower than -O3 (beyond 1% noise): {', '.join(slower) or 'none'}")
reach = sum(1 for p in rows if p["planners"]["builtin"]["best_after_10"] >= p["planners"]["random"]["best_after_20"] * 0.99)
print(f"- built-in best after 10 trials >= random's best after 20 (within 1%): {reach}/{len(rows)} pairs")
