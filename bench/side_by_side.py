#!/usr/bin/env python3
"""Times commands side by side: interleaved rounds, the order rotated each
round, CPU time of each run (user+sys of the process and its children, from
the kernel's accounting), then min and median per command and the ratio of
each command's median to the first one's (> 1: faster than the first).

Usage: bench/side_by_side.py [--rounds 9] [--warmup 1] NAME=COMMAND [NAME=COMMAND ...]
COMMAND is split as a shell splits words (shlex) and exec'd, never run through
a shell; write `sh -c '...'` yourself for a pipeline. Outputs are discarded.
"""
import argparse
import resource
import shlex
import statistics
import subprocess
import sys


def cpu_seconds(argv):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("commands", nargs="+", metavar="NAME=COMMAND")
    args = ap.parse_args()
    named = []
    for spec in args.commands:
        name, sep, cmd = spec.partition("=")
        if not sep or not cmd:
            ap.error(f"expected NAME=COMMAND, got {spec!r}")
        named.append((name, shlex.split(cmd)))
    for _ in range(args.warmup):
        for _, argv in named:
            cpu_seconds(argv)
    times = {name: [] for name, _ in named}
    for r in range(args.rounds):
        k = r % len(named)
        for name, argv in named[k:] + named[:k]:
            times[name].append(cpu_seconds(argv))
    first = statistics.median(times[named[0][0]])
    print(f"{'command':<24} {'min s':>8} {'median s':>9} {'vs ' + named[0][0]:>14}")
    for name, _ in named:
        med = statistics.median(times[name])
        print(f"{name:<24} {min(times[name]):8.3f} {med:9.3f} {first / med:13.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
