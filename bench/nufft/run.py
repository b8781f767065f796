#!/usr/bin/env python3
"""NUFFT: mrs (`mrs-bench nufft`) next to FINUFFT (Python, single precision) and SigPy, same points.

Cases: 2-D 256² image with 402 radial spokes × 512 samples; 3-D 64³ image with 1 000 000 random
points. For tolerance 1e-3 and 1e-5 and 1 and 2 threads: plan (sort points, kernel, FFT plan) and
execution of type 2 (image → samples) and type 1 (samples → image) timed apart, medians of RUNS
runs, unscaled. FINUFFT gets the same tolerance and threads (OMP_WAIT_POLICY=passive); SigPy
(`sigpy.nufft` / `nufft_adjoint`, Numba, one thread) gets oversampling 2 and mrs's kernel width for
that tolerance. Accuracy: relative error against a direct NUDFT in double precision on a random
subset of 1000 samples (type 2) and 1000 pixels (type 1; 250 in 3-D, where each costs 10⁶ terms).

    python3 bench/nufft/run.py [.build/release] [runs]
"""
import os
os.environ.setdefault("OMP_WAIT_POLICY", "passive")   # before FINUFFT loads OpenMP
import subprocess, sys, tempfile, time
import numpy as np
import finufft
try:
    import sigpy
except ImportError:
    sigpy = None
    print("SigPy is not installed (pip install sigpy): its columns are skipped")

build = sys.argv[1] if len(sys.argv) > 1 else ".build/release"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 11
tolerances = [1e-3, 1e-5]
thread_counts = [1, 2]

def radial(n, spokes, readout):
    """Radial spokes of `readout` samples over [-n/2, n/2) (cycles/FOV), angles uniform over pi."""
    r = (np.arange(readout) - readout // 2) * (n / readout)
    a = np.pi * np.arange(spokes) / spokes
    kx = np.outer(np.cos(a), r).ravel(); ky = np.outer(np.sin(a), r).ravel()
    return np.stack([kx, ky], axis=1)  # [M, D]: sample-major, as mrs's [D, M] column-major

def median_time(f, n):
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]

def rel(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)

def exact_type2(img, traj, idx):
    """y_j = sum_x f(x) exp(-2 pi i k_j.x / N), x centred, via one factor per axis."""
    shape = img.shape
    f = [np.exp(-2j * np.pi * np.outer(traj[idx, q], np.arange(n) - n // 2) / n) for q, n in enumerate(shape)]
    if len(shape) == 2:
        return ((f[0] @ img) * f[1]).sum(axis=1)
    t = np.einsum("jx,xyz->jyz", f[0], img)
    return np.einsum("jyz,jy,jz->j", t, f[1], f[2])

def exact_type1(samples, traj, shape, pixels):
    """f(x) = sum_j c_j exp(+2 pi i k_j.x / N) at the given pixel indices [P, D]."""
    x = (pixels - np.array(shape) // 2) / np.array(shape)
    out = np.zeros(len(pixels), dtype=np.complex128)
    for s in range(0, len(traj), 20000):
        out += samples[s:s + 20000].astype(np.complex128) @ np.exp(2j * np.pi * traj[s:s + 20000] @ x.T)
    return out

def case(name, shape, traj, runs):
    d = len(shape); m = traj.shape[0]; total = int(np.prod(shape))
    rng = np.random.default_rng(1)
    img_f = (rng.standard_normal(shape[::-1]) + 1j * rng.standard_normal(shape[::-1])).astype(np.complex64)
    samples = (rng.standard_normal(m) + 1j * rng.standard_normal(m)).astype(np.complex64)
    img = np.ascontiguousarray(img_f.T)  # img[i0, i1, ...] = f(i0, i1, ...)
    sub = rng.choice(m, 1000, replace=False)
    pixels = np.stack([rng.integers(0, n, 1000 if d == 2 else 250) for n in shape], axis=1)
    flat = np.ravel_multi_index(tuple(pixels.T), shape)
    t0 = time.perf_counter()
    ref2 = exact_type2(img.astype(np.complex128), traj, sub)
    ref1 = exact_type1(samples, traj, shape, pixels)
    print(f"\n{name}: image {shape}, {m} points, complex64, unscaled; direct NUDFT on the subsets took {time.perf_counter() - t0:.1f} s")
    pts32 = [np.ascontiguousarray(2 * np.pi * traj[:, q] / shape[q]).astype(np.float32) for q in range(d)]
    rows, equal = [], []
    def run_mrs(tol, threads, extra=()):
        with tempfile.TemporaryDirectory() as tmp:
            np.ascontiguousarray(traj, dtype=np.float64).tofile(os.path.join(tmp, "traj.bin"))
            img_f.tofile(os.path.join(tmp, "image.bin"))  # column-major image: reversed C shape
            samples.tofile(os.path.join(tmp, "samples.bin"))
            out = subprocess.run([os.path.join(build, "mrs-bench"), "nufft", "--threads", str(threads), *extra, tmp, str(tol), str(runs)]
                                 + [str(n) for n in shape], capture_output=True, text=True, check=True).stdout
            mrs = {l.split()[0]: l.split()[1] for l in out.strip().splitlines()}
            mrs_y = np.fromfile(os.path.join(tmp, "mrs_y.bin"), dtype=np.complex64)
            mrs_x = np.fromfile(os.path.join(tmp, "mrs_x.bin"), dtype=np.complex64).reshape(shape[::-1]).T
        return mrs, (rel(mrs_y[sub], ref2), rel(mrs_x.ravel()[flat], ref1))

    for tol in tolerances:
        sig = None
        for threads in thread_counts:
            extra = ("--voronoi",) if d == 2 and tol == tolerances[0] and threads == thread_counts[-1] else ()
            mrs, err_mrs = run_mrs(tol, threads, extra)
            if "voronoi" in mrs:
                print(f"  voronoiDensity of the {m} samples ({threads} threads): {float(mrs['voronoi']) * 1e3:.0f} ms")

            def make(t):
                p = finufft.Plan(t, tuple(shape), eps=tol, dtype="complex64", nthreads=threads, isign=-1 if t == 2 else 1)
                p.setpts(*pts32)
                return p
            plan2 = make(2); plan1 = make(1)
            fy = plan2.execute(img); fx = plan1.execute(samples)
            f_plan = median_time(lambda: make(2), runs)
            f2 = median_time(lambda: plan2.execute(img), runs); f1 = median_time(lambda: plan1.execute(samples), runs)
            width = int(mrs["width"])
            if sigpy is not None and sig is None:
                # SigPy is orthonormal: multiply by sqrt(N) to compare with the unscaled transforms.
                s2 = lambda: sigpy.nufft(img, traj, oversamp=2.0, width=width)
                s1 = lambda: sigpy.nufft_adjoint(samples, traj, oshape=tuple(shape), oversamp=2.0, width=width)
                sy = s2() * np.sqrt(total); sx = s1() * np.sqrt(total)   # also compiles the Numba kernels
                n_s = 3 if d == 2 else 1
                sig = (median_time(s2, n_s), median_time(s1, n_s), rel(sy[sub], ref2), rel(sx.ravel()[flat], ref1))
            rows.append(dict(tol=tol, threads=threads, width=width, grid=mrs["grid"],
                             mrs=(float(mrs["plan"]), float(mrs["type2"]), float(mrs["type1"])),
                             fin=(f_plan, f2, f1),
                             err_mrs=err_mrs, err_fin=(rel(fy[sub], ref2), rel(fx.ravel()[flat], ref1)), sig=sig))
            # FINUFFT may pick a wider kernel (or σ = 1.25) than the tolerance strictly needs; when it
            # ends up much more accurate, time mrs at a tenth of the tolerance too, for equal accuracy.
            if max(rows[-1]["err_fin"]) < 0.5 * max(err_mrs):
                mrs10, err10 = run_mrs(tol / 10, threads)
                equal.append((tol, threads, int(mrs10["width"]), float(mrs10["type2"]), float(mrs10["type1"]), err10,
                              f2, f1, rows[-1]["err_fin"]))
    print(f"  {'tol':>6} {'thr':>3} {'w':>2} | {'mrs plan/t2/t1 ms':>22} | {'FINUFFT plan/t2/t1 ms':>22} | {'mrs÷FIN t2,t1':>13} |"
          f" {'err mrs t2,t1':>17} | {'err FIN t2,t1':>17} | {'SigPy t2/t1 ms':>16} | {'SigPy÷mrs':>11} | {'err SigPy':>17}")
    for r in rows:
        a, b = r["mrs"], r["fin"]
        line = (f"  {r['tol']:6.0e} {r['threads']:3d} {r['width']:2d} | {a[0]*1e3:6.1f} {a[1]*1e3:7.1f} {a[2]*1e3:7.1f} |"
                f" {b[0]*1e3:6.1f} {b[1]*1e3:7.1f} {b[2]*1e3:7.1f} | {a[1]/b[1]:6.2f} {a[2]/b[2]:6.2f} |"
                f" {r['err_mrs'][0]:.1e} {r['err_mrs'][1]:.1e} | {r['err_fin'][0]:.1e} {r['err_fin'][1]:.1e} |")
        if r["sig"] is None:
            line += " SigPy not installed"
        else:
            s = r["sig"]
            line += f" {s[0]*1e3:7.0f} {s[1]*1e3:7.0f} | {s[0]/a[1]:5.0f} {s[1]/a[2]:5.0f} | {s[2]:.1e} {s[3]:.1e}"
        print(line)
    for tol, threads, w, a2, a1, e, f2, f1, ef in equal:
        print(f"  equal accuracy: FINUFFT at tol {tol:.0e}, {threads} thr reaches {ef[0]:.1e}/{ef[1]:.1e}; mrs at tol {tol / 10:.0e} (w {w})"
              f" reaches {e[0]:.1e}/{e[1]:.1e} in {a2 * 1e3:.1f}/{a1 * 1e3:.1f} ms: mrs÷FIN {a2 / f2:.2f} {a1 / f1:.2f}")
    print(f"  grid {rows[0]['grid']} (σ = 2); SigPy runs single-threaded with the same oversampling and width; "
          "mrs÷FIN < 1 means mrs is faster")

case("2-D radial", [256, 256], radial(256, 402, 512), runs)
rng = np.random.default_rng(2)
case("3-D random", [64, 64, 64], (rng.random((1_000_000, 3)) - 0.5) * 64, max(3, runs // 2))
