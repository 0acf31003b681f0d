#!/usr/bin/env python3
"""Wrapper overhead on the compile path, as ratios measured side by side.

1. Full build: a generated project of --tus C files (make -j2), built with the
   plain compiler, through llmcc (empty database: the miss path), through llmcc
   with a database holding winners for other files (still a miss), and through
   ccache with an empty cache (cold). Variants interleaved, --reps rounds,
   wall time, min and median, ratio to plain.
2. Per compile: --compiles sequential compiles of one small file, plain vs
   llmcc (miss), interleaved in blocks; the median per-compile difference in ms.

Usage: bench/wrapper_overhead.py --bin build/bin [--tus 60] [--reps 5] [--compiles 100]
"""
import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time

CXX_KERNEL = """
#include <algorithm>
#include <map>
#include <string>
#include <vector>
#include <iostream>
namespace n{i} {{
std::map<std::string, std::vector<int>> index(const std::vector<std::string>& words) {{
  std::map<std::string, std::vector<int>> out;
  for (size_t k = 0; k < words.size(); ++k) out[words[k]].push_back(int(k) * {i});
  for (auto& [w, v] : out) std::sort(v.begin(), v.end());
  return out;
}}
void print(const std::vector<std::string>& words) {{ for (auto& [w, v] : index(words)) std::cout << w << v.size(); }}
}}
"""

KERNEL = """
#include <stddef.h>
double work_{i}(const double* a, const double* b, size_t n) {{
  double s = 0;
  for (size_t k = 0; k < n; ++k) s += a[k] * b[k] + {i} * 0.5;
  for (size_t k = 1; k < n; ++k) s -= a[k - 1] / (b[k] + 1.0);
  return s;
}}
struct item_{i} {{ int key; double value; }};
int cmp_{i}(const void* x, const void* y) {{
  const struct item_{i}* a = x; const struct item_{i}* b = y;
  return (a->key > b->key) - (a->key < b->key);
}}
"""


def timed(cmd, cwd, env):
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--tus", type=int, default=60)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--compiles", type=int, default=100)
    ap.add_argument("--lang", choices=["c", "c++"], default="c",
                    help="c: tiny C TUs (worst case); c++: TUs that include STL headers (typical)")
    args = ap.parse_args()
    bindir = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="llmcc-overhead-")
    src = os.path.join(work, "src")
    os.makedirs(src)
    ext = "c" if args.lang == "c" else "cpp"
    for i in range(args.tus):
        with open(os.path.join(src, f"t{i}.{ext}"), "w") as f:
            if args.lang == "c":
                f.write("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <math.h>\n")
                f.write(KERNEL.format(i=i))
            else:
                f.write(CXX_KERNEL.format(i=i))
    with open(os.path.join(src, "Makefile"), "w") as f:
        objs = " ".join(f"t{i}.o" for i in range(args.tus))
        f.write(f"all: {objs}\n%.o: %.{ext}\n\t$(CC) -O2 -c $< -o $@\nclean:\n\trm -f *.o\n")

    base_env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], LLMCC_CC=args.cc, LLMCC_QUIET="1")
    # A database that already knows winners for 200 other files (a realistic team cache).
    warm_dir = os.path.join(work, "warm-cache")
    env_warm = dict(base_env, LLMCC_DIR=warm_dir)
    subprocess.run(["llmcc", "-O2", "-c", os.path.join(src, f"t0.{ext}"), "-o", os.path.join(work, "x.o")],
                   env=env_warm, check=True)
    db = sqlite3.connect(os.path.join(warm_dir, "llmcc.db"))
    cid = db.execute("SELECT id FROM compilers LIMIT 1").fetchone()[0]
    db.execute("INSERT INTO configs(canonical, json) VALUES('c', '{\"opt\":\"-O3\",\"options\":[],\"pipeline\":\"\"}')")
    for i in range(200):
        db.execute("INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective,"
                   " config_id, created) VALUES(?, ?, ?, ?, 'h', 'c', 'time', 1, 1)",
                   (f"k{i}", f"other/o{i}.c", f"o{i}.c", cid))
    db.commit()
    db.close()

    variants = {
        "plain": ([f"CC={args.cc}"], base_env),
        "llmcc (empty db)": (["CC=llmcc"], None),
        "llmcc (200 winners, miss)": (["CC=llmcc"], env_warm),
    }
    if shutil.which("ccache"):
        variants["ccache (cold)"] = ([f"CC=ccache {args.cc}"], None)
    times = {k: [] for k in variants}
    for rep in range(args.reps):
        names = list(variants)
        names = names[rep % len(names):] + names[:rep % len(names)]
        for name in names:
            make_args, env = variants[name]
            if env is None and name.startswith("llmcc"):
                env = dict(base_env, LLMCC_DIR=os.path.join(work, f"empty-{rep}"))
            if name.startswith("ccache"):
                env = dict(base_env, CCACHE_DIR=os.path.join(work, f"ccache-{rep}"))
            subprocess.run(["make", "-s", "clean"], cwd=src, check=True)
            times[name].append(timed(["make", "-s", "-j2", *make_args], src, env))
    print(f"Full build of {args.tus} {args.lang} TUs, make -j2, {args.reps} interleaved rounds (wall seconds):")
    print("| variant | min | median | median / plain |")
    print("|---|---|---|---|")
    plain = statistics.median(times["plain"])
    for name, ts in times.items():
        print(f"| {name} | {min(ts):.3f} | {statistics.median(ts):.3f} | {statistics.median(ts) / plain:.3f} |")

    # Per compile, sequential, in interleaved blocks of 10.
    one = os.path.join(src, f"t1.{ext}")
    per = {"plain": [], "llmcc": []}
    env_miss = dict(base_env, LLMCC_DIR=os.path.join(work, "seq-cache"))
    blocks = max(1, args.compiles // 10)
    for b in range(blocks):
        for name in (["plain", "llmcc"] if b % 2 == 0 else ["llmcc", "plain"]):
            cmd = [args.cc if name == "plain" else "llmcc", "-O2", "-c", one, "-o", os.path.join(work, "one.o")]
            t = time.perf_counter()
            for _ in range(10):
                subprocess.run(cmd, env=env_miss, check=True)
            per[name].append((time.perf_counter() - t) / 10)
    p, l = statistics.median(per["plain"]), statistics.median(per["llmcc"])
    print(f"\nPer compile ({blocks * 10} each, interleaved blocks): plain {p * 1000:.2f} ms, "
          f"llmcc {l * 1000:.2f} ms, overhead {(l - p) * 1000:.2f} ms ({l / p:.3f}x)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
