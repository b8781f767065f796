#!/usr/bin/env python3
"""Elementwise and reduction speed of mrs next to NumPy on the same 16.7M-element complex64
arrays (same shape and memory layout), printing the ratio NumPy time / mrs time (>1: mrs faster).

    python3 bench/arrays/run.py [path/to/mrs] [runs]
"""
import os, subprocess, sys, tempfile, time
import numpy as np

mrs = sys.argv[1] if len(sys.argv) > 1 else ".build/release/mrs"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
shape = (256, 256, 16, 16)          # [RO, E1, CHA, N]: 16.7M complex64 elements, 128 MiB each

rng = np.random.default_rng(1)
def make():
    x = (rng.standard_normal(shape, dtype=np.float32) + 1j * rng.standard_normal(shape, dtype=np.float32)).astype(np.complex64)
    return np.asfortranarray(x)     # mrs arrays are column-major: give NumPy the same layout
a, b, c = make(), make(), make()

ops = [
    ("a*b+c", lambda: a * b + c),
    ("abs", lambda: np.abs(a)),
    ("sum(axis=3)", lambda: a.sum(axis=3)),
    ("rss(axis=2)", lambda: np.sqrt((np.abs(a) ** 2).sum(axis=2))),
]
numpy_times, numpy_results = {}, {}
for name, f in ops:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter(); r = f(); best = min(best, time.perf_counter() - t)
    numpy_times[name], numpy_results[name] = best, r

with tempfile.TemporaryDirectory() as d:
    for n, x in (("a", a), ("b", b), ("c", c)):
        np.save(os.path.join(d, n + ".npy"), x)
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([mrs, os.path.join(here, "arrays.mrs"), d, str(runs)], capture_output=True, text=True, check=True).stdout
    mrs_times = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in out.strip().splitlines()}
    got = np.load(os.path.join(d, "mrs.npz"))
    check = {"a*b+c": "fma", "abs": "abs", "sum(axis=3)": "sum", "rss(axis=2)": "rss"}
    errors = {k: float(np.abs(got[v] - numpy_results[k]).max() / np.abs(numpy_results[k]).max()) for k, v in check.items()}

print(f"{'operation':<14}{'numpy s':>10}{'mrs s':>10}{'numpy/mrs':>11}{'max rel diff':>14}")
for name, _ in ops:
    print(f"{name:<14}{numpy_times[name]:>10.4f}{mrs_times[name]:>10.4f}{numpy_times[name] / mrs_times[name]:>11.2f}{errors[name]:>14.1e}")
print(f"shape {list(shape)} complex64, best of {runs}; cores: {os.cpu_count()}")
