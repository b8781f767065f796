#!/usr/bin/env python3
"""GRAPPA: mrs (mrs-bench grappa) next to PyGrappa's cgrappa and mdgrappa on the same arrays.

2-D: ismrmrd_generate_cartesian_shepp_logan -m 256 -c 8 -a 2 -w 32 -n 0 -r 2; repetition 0
(R = 2 with a 32-line calibration block, k-space [512, 256], 8 coils) is the input, the union of
repetitions 0 and 1 the truth, the 32 centre lines of the union the calibration data. Kernels:
the 5 × 5 grid window (mrs [5, 3]; PyGrappa kernel_size=(5, 5)) and Gadgetron's 5 × 4 (window
5 × 7; mdgrappa (5, 7)). λ = 0.01 in PyGrappa's definition for all. NRMSE of the RSS image with
readout oversampling removed. 3-D: a synthetic 128 × 128 × 64 phantom, 16 coils, R = 2 × 2
with a 24 × 24 calibration block, kernel 5 × 2 × 2 (window 5 × 3 × 3; mdgrappa (5, 3, 3)).

    swift build -c release -j 2 --product mrs-bench
    python3 bench/grappa/run.py [.build/release/mrs-bench]
"""
import os, subprocess, sys, tempfile, time
import numpy as np

bench = sys.argv[1] if len(sys.argv) > 1 else ".build/release/mrs-bench"
from pygrappa import cgrappa, mdgrappa


def rss(k, crop=True):
    axes = tuple(range(k.ndim - 1))
    im = np.fft.fftshift(np.fft.ifftn(np.fft.ifftshift(k, axes=axes), axes=axes, norm="ortho"), axes=axes)
    r = np.sqrt((abs(im) ** 2).sum(-1))
    n = r.shape[0]
    return r[n // 4: 3 * n // 4] if crop else r


def nrmse(x, y):
    return float(np.linalg.norm(x - y) / np.linalg.norm(y))


def timed(f, runs=1):
    best, out = 1e30, None
    for _ in range(runs):
        t = time.perf_counter(); out = f(); best = min(best, time.perf_counter() - t)
    return best, out


def run_mrs(d, data, calib, accel, kernel, runs=5):
    """data/calib with E2 axis; returns (filled, {calibrate, apply, total, gflops...})."""
    dp, cp, op = (os.path.join(d, n) for n in ("data.bin", "ref.bin", "out.bin"))
    np.asfortranarray(data, dtype=np.complex64).ravel(order="F").tofile(dp)
    np.asfortranarray(calib, dtype=np.complex64).ravel(order="F").tofile(cp)
    sh = lambda a: ",".join(map(str, a.shape))
    out = subprocess.run([bench, "grappa", dp, sh(data), cp, sh(calib), ",".join(map(str, accel)),
                          ",".join(map(str, kernel)), op, str(runs)], capture_output=True, text=True, check=True).stdout
    filled = np.fromfile(op, dtype=np.complex64).reshape(data.shape, order="F")
    info = {}
    for line in out.splitlines():
        w = line.split()
        if w[0] == "calibrate": info["cal"], info["cal_gf"] = float(w[1]), float(w[5])
        if w[0] == "apply": info["app"], info["app_gf"] = float(w[3]), float(w[7])
        if w[0] == "total": info["tot"], info["gflop"], info["tot_gf"] = float(w[5]), float(w[7]), float(w[9])
        if w[0] == "kernel": info["desc"] = line[7:]
    return filled, info


def report(name, t, e, t_mrs, extra=""):
    print(f"  {name:34s} {t:8.3f} s  NRMSE {e:.5f}   {t / t_mrs:7.1f}× mrs {extra}")


with tempfile.TemporaryDirectory() as d:
    h5 = os.path.join(d, "sl.h5")
    subprocess.run(["ismrmrd_generate_cartesian_shepp_logan", "-o", h5, "-m", "256", "-c", "8", "-a", "2",
                    "-w", "32", "-n", "0", "-r", "2"], check=True, capture_output=True)
    import h5py
    f = h5py.File(h5, "r"); ds = f["dataset/data"]; head = ds["head"]
    ro, nc = int(head["number_of_samples"][0]), int(head["active_channels"][0])
    e1, rep = head["idx"]["kspace_encode_step_1"], head["idx"]["repetition"]
    k0 = np.zeros((ro, 256, nc), np.complex64); full = np.zeros_like(k0)
    for i in range(len(ds)):
        x = ds["data"][i].view(np.complex64).reshape(nc, ro).T
        full[:, e1[i]] = x
        if rep[i] == 0: k0[:, e1[i]] = x
    calib = full[:, 112:144].copy()
    truth = rss(full)
    print(f"2-D: k-space {k0.shape[:2]}, {nc} coils, R = 2, 32 calibration lines; zero filled NRMSE {nrmse(rss(k0), truth):.4f}")
    for mk, pk in (([5, 3], (5, 5)), ([5, 4], (5, 7))):
        filled, info = run_mrs(d, k0[:, :, None], calib[:, :, None], [2, 1], mk)
        e = nrmse(rss(filled[:, :, 0]), truth)
        print(f" kernel mrs {mk} / PyGrappa {pk}: {info['desc']}")
        t = info["tot"]
        print(f"  {'mrs calibrate':34s} {info['cal']:8.3f} s  ({info['cal_gf']:.1f} GFLOP/s)")
        print(f"  {'mrs apply (patterns cached)':34s} {info['app']:8.3f} s  ({info['app_gf']:.1f} GFLOP/s)")
        print(f"  {'mrs calibrate + first apply':34s} {t:8.3f} s  NRMSE {e:.5f}   ({info['gflop']:.2f} GFLOP, {info['tot_gf']:.1f} GFLOP/s)")
        tm, (rm, wm) = timed(lambda: mdgrappa(k0, calib, kernel_size=pk, lamda=0.01, ret_weights=True))
        ta, _ = timed(lambda: mdgrappa(k0, calib, kernel_size=pk, lamda=0.01, weights=wm))
        report("mdgrappa (calibrate + apply)", tm, nrmse(rss(rm), truth), t)
        print(f"  {'  of which apply with given weights':34s} {ta:8.3f} s  {ta / info['app']:7.1f}× mrs apply")
        k128, c128 = k0.astype(np.complex128), calib.astype(np.complex128)
        try:
            tc, rc = timed(lambda: cgrappa(k128, c128, kernel_size=pk, lamda=0.01))
            report("cgrappa (calibrate + apply)", tc, nrmse(rss(rc), truth), t)
        except ValueError as e:  # cgrappa 0.26.3 fails on non-square kernels
            print(f"  {'cgrappa (calibrate + apply)':34s} fails with kernel_size={pk}: {e}")

    # 3-D synthetic phantom.
    nx, ny, nz, ncoil = 128, 128, 64, 16
    x, y, z = np.meshgrid(*(np.linspace(-1, 1, n, endpoint=False) for n in (nx, ny, nz)), indexing="ij")
    obj = ((x / 0.8) ** 2 + (y / 0.7) ** 2 + (z / 0.85) ** 2 < 1) * (1 + 0.5 * np.cos(3 * x) * np.sin(2 * y)) \
        + 0.7 * ((x / 0.2) ** 2 + ((y - 0.2) / 0.3) ** 2 + (z / 0.3) ** 2 < 1)
    maps = []
    for c in range(ncoil):
        a = 2 * np.pi * c / ncoil
        cx, cy, cz = 1.2 * np.cos(a), 1.2 * np.sin(a), 0.6 * np.sin(3 * a)
        maps.append(np.exp(-((x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2) / 1.4) * np.exp(1j * (0.7 * c + x * np.sin(a) + y * np.cos(a))))
    maps = np.stack(maps, -1)
    img = (obj[..., None] * maps).astype(np.complex64)
    full3 = np.fft.fftshift(np.fft.fftn(np.fft.ifftshift(img, axes=(0, 1, 2)), axes=(0, 1, 2), norm="ortho"), axes=(0, 1, 2)).astype(np.complex64)
    keep = np.zeros((ny, nz), bool); keep[::2, ::2] = True; keep[52:76, 20:44] = True
    data3 = full3 * keep[None, :, :, None]
    calib3 = full3[:, 52:76, 20:44].copy()
    truth3 = rss(full3, crop=False)
    print(f"3-D: k-space {full3.shape[:3]}, {ncoil} coils, R = 2 × 2, 24 × 24 calibration block; zero filled NRMSE {nrmse(rss(data3, crop=False), truth3):.4f}")
    filled3, info3 = run_mrs(d, data3, calib3, [2, 2], [5, 2, 2], runs=3)
    t3 = info3["tot"]
    print(f" kernel mrs [5, 2, 2] / mdgrappa (5, 3, 3): {info3['desc']}")
    print(f"  {'mrs calibrate':34s} {info3['cal']:8.3f} s  ({info3['cal_gf']:.1f} GFLOP/s)")
    print(f"  {'mrs apply (patterns cached)':34s} {info3['app']:8.3f} s  ({info3['app_gf']:.1f} GFLOP/s)")
    print(f"  {'mrs calibrate + first apply':34s} {t3:8.3f} s  NRMSE {nrmse(rss(filled3, crop=False), truth3):.5f}   ({info3['gflop']:.2f} GFLOP, {info3['tot_gf']:.1f} GFLOP/s)")
    script = ("import sys, time, numpy as np\nfrom pygrappa import mdgrappa\n"
              "k = np.load(sys.argv[1]); c = np.load(sys.argv[2]); t = time.perf_counter()\n"
              "r = mdgrappa(k, c, kernel_size=(5, 3, 3), lamda=0.01)\nprint(time.perf_counter() - t)\nnp.save(sys.argv[3], r)\n")
    np.save(os.path.join(d, "k3.npy"), data3); np.save(os.path.join(d, "c3.npy"), calib3)
    try:
        out = subprocess.run([sys.executable, "-c", script, os.path.join(d, "k3.npy"), os.path.join(d, "c3.npy"), os.path.join(d, "r3.npy")],
                             capture_output=True, text=True, timeout=120, check=True).stdout
        tm3 = float(out.split()[0]); r3 = np.load(os.path.join(d, "r3.npy"))
        report("mdgrappa (calibrate + apply)", tm3, nrmse(rss(r3, crop=False), truth3), t3)
    except subprocess.TimeoutExpired:
        print("  mdgrappa (calibrate + apply)        did not finish within 120 s (killed)")
