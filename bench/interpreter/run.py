#!/usr/bin/env python3
"""Interpreter overhead: the same three programs in mrs and in CPython. Each program times its
own work (start-up excluded: tic/toc in mrs, perf_counter in Python); each runs in a fresh
process, best of 5. The ratio is CPython time / mrs time (> 1: mrs is faster). Process start-up
is reported separately.

    python3 bench/interpreter/run.py [.build/release/mrs]
"""
import os, subprocess, sys, time

mrs = sys.argv[1] if len(sys.argv) > 1 else ".build/release/mrs"
here = os.path.dirname(os.path.abspath(__file__))
programs = [
    ("loop", "10^6 iterations with arithmetic and an if"),
    ("recursion", "recursive fib(25), 242785 calls"),
    ("records", "the lecture's loop over 5000 records, 100 passes"),
]

def best(cmd, runs=5):
    results = [subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split() for _ in range(runs)]
    return min(float(r[1]) for r in results), results[0][0]

def startup(cmd, runs=10):
    times = []
    for _ in range(runs):
        t = time.perf_counter(); subprocess.run(cmd, capture_output=True, check=True); times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]

print(f"{'program':<12}{'mrs s':>9}{'python s':>10}{'python/mrs':>12}   what")
for name, what in programs:
    t_mrs, r_mrs = best([mrs, os.path.join(here, name + ".mrs")])
    t_py, r_py = best([sys.executable, os.path.join(here, name + ".py")])
    note = "" if r_mrs == r_py else f"   (results differ: {r_mrs} vs {r_py})"
    print(f"{name:<12}{t_mrs:>9.4f}{t_py:>10.4f}{t_py / t_mrs:>12.2f}   {what}{note}")
print(f"process start-up (median): mrs -e 1 {startup([mrs, '-e', '1']) * 1e3:.1f} ms, python3 -c 1 {startup([sys.executable, '-c', '1']) * 1e3:.1f} ms")
