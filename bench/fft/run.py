#!/usr/bin/env python3
"""Centred 2-D FFT of a [256, 256, 32] complex64 stack: mrs next to the bare FFTW transform with
the same plan (mrs-bench, one process) and NumPy/SciPy (this script), medians of 21 runs.

    python3 bench/fft/run.py [.build/release]
"""
import os, subprocess, sys, time
import numpy as np

build = sys.argv[1] if len(sys.argv) > 1 else ".build/release"
nx, ny, nz, runs = 256, 256, 32, 21
out = subprocess.run([os.path.join(build, "mrs-bench"), "fft", str(nx), str(ny), str(nz), str(runs)],
                     capture_output=True, text=True, check=True).stdout
times = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in out.strip().splitlines()}

# NumPy arrays in the same memory layout as mrs (first index fastest).
rng = np.random.default_rng(1)
x = np.asfortranarray((rng.standard_normal((nx, ny, nz)) + 1j * rng.standard_normal((nx, ny, nz))).astype(np.complex64))
def centred_numpy():
    return np.fft.fftshift(np.fft.fftn(np.fft.ifftshift(x, axes=(0, 1)), axes=(0, 1), norm="ortho"), axes=(0, 1))
def median_time(f):
    ts = []
    for _ in range(runs):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]
times["numpy centred fftn"] = median_time(centred_numpy)
try:
    import scipy.fft as sf
    def centred_scipy():
        return sf.fftshift(sf.fftn(sf.ifftshift(x, axes=(0, 1)), axes=(0, 1), norm="ortho", workers=os.cpu_count()), axes=(0, 1))
    times[f"scipy centred fftn ({os.cpu_count()} workers)"] = median_time(centred_scipy)
except ImportError:
    pass

mrs = times["mrs centred orthonormal fft"]
print(f"centred 2-D FFT of [{nx}, {ny}, {nz}] complex64, median of {runs}")
for name, t in times.items():
    print(f"  {name:<36}{t * 1e3:8.2f} ms   {t / mrs:6.2f}× mrs")
print(f"mrs / bare FFTW = {mrs / times['bare fftw (same plan)']:.2f} (target ≤ 1.3)")
