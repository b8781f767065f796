#!/usr/bin/env python3
"""SPIRiT in mrs next to BART's `pics` (ℓ2, ESPIRiT maps from `bart ecalib`) on the same data.

Data (made by bench/spirit/spirit.mrs): a 256 × 256 brain phantom slice, 8 simulated coils, noise
free, as one E1 × E2 plane [1, 256, 256, 8] undersampled by a variable-density Poisson-disc mask
(R = 3, 24 × 24 calibration block; the dense centre makes the fully sampled block 57 × 55).
mrs: spirit(kernel 5 × 5, λ 0.01, CG); per-iteration time = (t(31 it) − t(1 it)) / 30; to
convergence = tol 1e-4 on ‖r‖/‖b‖. BART: ecalib -m1 -r 57:55 (the same calibration block), pics -l2
-r 0.001 (CG) with -i 1 and -i 31 for the per-iteration time and -i 100 for quality. Both use
2 threads. Image quality of the magnitude against the RSS of the true coil images, after a
least-squares real scale (pics returns a SENSE-combined image whose scale differs from RSS):
NRMSE, PSNR, SSIM (scikit-image).

    swift build -c release --product mrs
    python3 bench/spirit/run.py [.build/release/mrs]
"""
import os, subprocess, sys, tempfile, time
import numpy as np
from skimage.metrics import structural_similarity

mrs = sys.argv[1] if len(sys.argv) > 1 else ".build/release/mrs"
env = dict(os.environ, OMP_NUM_THREADS="2", OMP_WAIT_POLICY="passive")


def readcfl(base):
    dims = [int(x) for x in open(base + ".hdr").read().split("\n")[1].split()]
    return np.fromfile(base + ".cfl", dtype=np.complex64).reshape(dims, order="F")


def scores(x, truth):
    x = abs(x); t = abs(truth)
    a = float((x * t).sum() / (x * x).sum())          # least-squares scale
    x = a * x
    rng = t.max() - t.min()
    nrmse = float(np.linalg.norm(x - t) / np.linalg.norm(t))
    psnr = float(10 * np.log10(rng ** 2 / np.mean((x - t) ** 2)))
    return nrmse, psnr, float(structural_similarity(t, x, data_range=rng)), a


def bart(*args):
    t = time.perf_counter()
    subprocess.run(["bart", *args], check=True, capture_output=True, env=env)
    return time.perf_counter() - t


def best(f, runs=3):
    return min(f() for _ in range(runs))


with tempfile.TemporaryDirectory() as d:
    out = subprocess.run([mrs, "bench/spirit/spirit.mrs", d], capture_output=True, text=True, check=True, env=env).stdout
    info = {}
    for line in out.splitlines():
        w = line.split()
        if w[0].startswith("spirit_") or w[0].startswith("zero_"):
            info[w[0]] = [float(v) for v in w[1:]]
    k, truth = os.path.join(d, "kspace"), np.squeeze(readcfl(os.path.join(d, "truth")))
    maps = os.path.join(d, "maps")
    # ecalib's -r takes the size along X:Y:Z; our plane is [1, E1, E2], so the block is 1 × 57 × 55.
    t_ecalib = best(lambda: bart("ecalib", "-m1", "-r", "1:57:55", k, maps))
    rec = os.path.join(d, "pics")
    t1 = best(lambda: bart("pics", "-S", "-l2", "-r", "0.001", "-i", "1", k, maps, rec))
    t31 = best(lambda: bart("pics", "-S", "-l2", "-r", "0.001", "-i", "31", k, maps, rec))
    t100 = bart("pics", "-S", "-l2", "-r", "0.001", "-i", "100", k, maps, rec)
    pics = np.squeeze(readcfl(rec))
    mine = np.squeeze(readcfl(os.path.join(d, "spirit")))
    q_mrs, q_bart = scores(mine, truth), scores(pics, truth)

    per_mrs = info["spirit_per_iteration"][0]
    per_bart = (t31 - t1) / 30
    print("SPIRiT 256², 8 coils, Poisson disc R = 3 (noise free)")
    print(f"  mrs spirit: {per_mrs * 1e3:7.2f} ms per CG iteration; 1 iteration incl. calibration {info['spirit_one'][0]:.3f} s; "
          f"converged (tol 1e-4) in {info['spirit_converged'][1]:.0f} iterations, {info['spirit_converged'][0]:.3f} s")
    print(f"  BART pics : {per_bart * 1e3:7.2f} ms per CG iteration; ecalib {t_ecalib:.3f} s; pics -i 1 {t1:.3f} s, -i 31 {t31:.3f} s, -i 100 {t100:.3f} s")
    print(f"  ratio BART/mrs per iteration: {per_bart / per_mrs:.2f}; to a converged image: "
          f"{(t_ecalib + t100) / info['spirit_converged'][0]:.2f} (ecalib + pics -i 100 vs spirit to tol 1e-4)")
    fft = info["spirit_fft_pair"][0]
    n, c = 256 * 256, 8
    mix = 8 * n * c * c                       # per-pixel C × C mixing, 8 flops per complex multiply-add
    fftf = 2 * c * 5 * n * np.log2(n)         # 2·C FFTs at 5 N log2 N
    rest = per_mrs - fft
    print(f"  mrs per iteration: FFTs (ifft + fft of 8 coils) {fft * 1e3:.2f} ms = {fftf / fft / 1e9:.1f} GFLOP/s; "
          f"the rest (per-pixel mixing {mix / 1e6:.1f} MFLOP, masking, CG vector updates) {rest * 1e3:.2f} ms = "
          f"{mix / max(rest, 1e-9) / 1e9:.1f} GFLOP/s on the mixing ({100 * mix / max(rest, 1e-9) / 240e9:.1f} % of the 240 GFLOP/s sgemm floor)")
    for name, q in (("mrs spirit", q_mrs), ("BART pics", q_bart)):
        print(f"  {name:10s}: NRMSE {q[0]:.5f}  PSNR {q[1]:.2f} dB  SSIM {q[2]:.5f}  (scale {q[3]:.4f})")
    zf = info["zero_filled_quality"]
    print(f"  zero filled: NRMSE {zf[0]:.5f}  PSNR {zf[1]:.2f} dB  SSIM {zf[2]:.5f}")
