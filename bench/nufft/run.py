#!/usr/bin/env python3
"""NUFFT: mrs (mrs-bench nufft) next to FINUFFT (Python, nthreads=2) on the same points, single
precision, tolerance 1e-4, unscaled, medians of RUNS runs. Plan (sorting, kernel, FFTW plan) and
execution are timed apart. Accuracy of both against FINUFFT in double precision at 1e-12.

    python3 bench/nufft/run.py [.build/release] [runs]
"""
import os, subprocess, sys, tempfile, time
import numpy as np
import finufft

build = sys.argv[1] if len(sys.argv) > 1 else ".build/release"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 11
tol = 1e-4
threads = 2

def radial(n, spokes, readout):
    """Radial spokes of `readout` samples over [-n/2, n/2) (cycles/FOV), angles uniform over pi."""
    r = (np.arange(readout) - readout // 2) * (n / readout)
    a = np.pi * np.arange(spokes) / spokes
    kx = np.outer(np.cos(a), r).ravel(); ky = np.outer(np.sin(a), r).ravel()
    return np.stack([kx, ky], axis=1)  # [M, D]: sample-major, as mrs's [D, M] column-major

def median_time(f):
    ts = []
    for _ in range(runs):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]

def rel(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)

def case(name, shape, traj):
    d = len(shape); m = traj.shape[0]
    rng = np.random.default_rng(1)
    img_f = (rng.standard_normal(shape[::-1]) + 1j * rng.standard_normal(shape[::-1])).astype(np.complex64)
    samples = (rng.standard_normal(m) + 1j * rng.standard_normal(m)).astype(np.complex64)
    with tempfile.TemporaryDirectory() as tmp:
        np.ascontiguousarray(traj, dtype=np.float64).tofile(os.path.join(tmp, "traj.bin"))
        img_f.tofile(os.path.join(tmp, "image.bin"))  # column-major image: reversed C shape
        samples.tofile(os.path.join(tmp, "samples.bin"))
        out = subprocess.run([os.path.join(build, "mrs-bench"), "nufft", tmp, str(tol), str(runs)] + [str(n) for n in shape],
                             capture_output=True, text=True, check=True).stdout
        mrs = {l.split()[0]: l.split()[1] for l in out.strip().splitlines()}
        mrs_y = np.fromfile(os.path.join(tmp, "mrs_y.bin"), dtype=np.complex64)
        mrs_x = np.fromfile(os.path.join(tmp, "mrs_x.bin"), dtype=np.complex64).reshape(shape[::-1]).T
    img = img_f.T  # img[i0, i1, ...] = f(i0, i1, ...)
    pts = [np.ascontiguousarray(2 * np.pi * traj[:, q] / shape[q]) for q in range(d)]
    pts32 = [p.astype(np.float32) for p in pts]
    img_c = np.ascontiguousarray(img)

    def make(t, dtype, eps, pts_):
        p = finufft.Plan(t, tuple(shape), eps=eps, dtype=dtype, nthreads=threads, isign=-1 if t == 2 else 1)
        p.setpts(*pts_)
        return p
    plan2 = make(2, "complex64", tol, pts32); plan1 = make(1, "complex64", tol, pts32)
    fy = plan2.execute(img_c); fx = plan1.execute(samples)
    t_plan = median_time(lambda: make(2, "complex64", tol, pts32))
    t2 = median_time(lambda: plan2.execute(img_c)); t1 = median_time(lambda: plan1.execute(samples))
    ref2 = make(2, "complex128", 1e-12, pts).execute(img_c.astype(np.complex128))
    ref1 = make(1, "complex128", 1e-12, pts).execute(samples.astype(np.complex128))

    p, a2, a1 = float(mrs["plan"]), float(mrs["type2"]), float(mrs["type1"])
    print(f"{name}: image {shape}, {m} points, tol {tol:g}, complex64, kernel width {mrs['width']}, grid {mrs['grid']}")
    print(f"  {'':8}{'mrs ms':>10}{'FINUFFT ms':>12}{'FINUFFT/mrs':>13}")
    for label, a, b in [("plan", p, t_plan), ("type 2", a2, t2), ("type 1", a1, t1)]:
        print(f"  {label:8}{a * 1e3:10.2f}{b * 1e3:12.2f}{b / a:13.2f}")
    print(f"  rel. error vs FINUFFT double 1e-12: type 2 mrs {rel(mrs_y, ref2):.2e}, FINUFFT {rel(fy, ref2):.2e}; "
          f"type 1 mrs {rel(mrs_x, ref1):.2e}, FINUFFT {rel(fx, ref1):.2e}")
    print(f"  rel. difference mrs vs FINUFFT (single): type 2 {rel(mrs_y, fy):.2e}, type 1 {rel(mrs_x, fx):.2e}")

case("2-D radial", [256, 256], radial(256, 402, 512))
rng = np.random.default_rng(2)
case("3-D random", [64, 64, 64], (rng.random((500_000, 3)) - 0.5) * 64)
