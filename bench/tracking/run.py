#!/usr/bin/env python3
"""Tractography: mrs (mrs-bench tracking) next to DIPY on the same synthetic data, seeds and
parameters, for two volumes (3 b0 + 30 directions at b = 1000, Rician-like noise, 2 mm voxels):

  small  64³, one curved bundle in isotropic background; 2 seeds per axis in every bundle voxel
         of one plane;
  large  128 × 128 × 64, two straight bundles crossing at right angles (half-and-half signal where
         they overlap); 2 seeds per axis in every bundle voxel of two planes per bundle.

Timed: the WLS tensor fit (DIPY TensorModel(fit_method="WLS")), deterministic tracking (DIPY
DeterministicMaximumDirectionGetter on the tensor ODF) and probabilistic tracking (mrs
TrackingOptions.method = .probabilistic with a fixed generator seed; DIPY
ProbabilisticDirectionGetter.from_pmf on the tensor ODF, random_seed fixed). Both tools use 0.5 mm
steps, a 30° cone, FA threshold 0.2 (DIPY ThresholdStoppingCriterion on the tensor FA) and one
streamline per seed (DIPY max_cross=1, maxlen 1000 steps). DIPY's pmf array is computed once
beforehand (the tensor ODF on default_sphere, 362 directions on the hemisphere: fit.odf's formula,
evaluated in chunks because fit.odf itself takes ~19 s on 64³) and that time is shown apart;
mrs evaluates the tensor ODF on 724 directions of the whole sphere at every step, inside its time.

Medians of RUNS runs (the large volume: max(1, RUNS // 2) runs for DIPY's fit and tracking).
Points per second counts every streamline point produced.

    python3 bench/tracking/run.py [.build/release] [runs]
"""
import os, subprocess, sys, tempfile, time
import numpy as np
import nibabel as nib
from dipy.core.gradients import gradient_table
from dipy.reconst.dti import TensorModel
from dipy.data import default_sphere
from dipy.direction import DeterministicMaximumDirectionGetter, ProbabilisticDirectionGetter
from dipy.tracking.local_tracking import LocalTracking
from dipy.tracking.stopping_criterion import ThresholdStoppingCriterion
from dipy.tracking.streamline import Streamlines

build = sys.argv[1] if len(sys.argv) > 1 else ".build/release"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
SEED = 1

def median_time(f, k):
    ts = []
    for _ in range(k):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]

i = np.arange(30); z = 1 - (i + 0.5) / 30; r = np.sqrt(1 - z * z); phi = i * np.pi * (3 - np.sqrt(5))
bvecs = np.vstack([np.zeros((3, 3)), np.stack([r * np.cos(phi), r * np.sin(phi), z], 1)])
bvals = np.r_[np.zeros(3), np.full(30, 1000.0)]
offs = np.array([[a, b, c] for a in (-0.25, 0.25) for b in (-0.25, 0.25) for c in (-0.25, 0.25)])

def signal(t):
    """Noise-free signal of a fibre along unit vectors t [..., 3]."""
    proj = np.einsum("...c,gc->...g", t, bvecs)
    return 100 * np.exp(-bvals * (0.3e-3 + 1.4e-3 * proj ** 2))

def noisy(sig, rng):
    return np.abs(sig + 2 * (rng.standard_normal(sig.shape) + 1j * rng.standard_normal(sig.shape))).astype(np.float32)

def world_seeds(seed_vox, affine):
    return (seed_vox[:, None, :] + offs[None]).reshape(-1, 3) @ affine[:3, :3].T + affine[:3, 3]

def small_case():
    n = 64
    rng = np.random.default_rng(1)
    x, y, zz = np.meshgrid(np.arange(n), np.arange(n), np.arange(n), indexing="ij")
    dx, dy = x - 4.0, y - 4.0
    rad = np.hypot(dx, dy); ang = np.arctan2(dy, dx)
    inside = np.hypot(rad - 40, zz - n / 2) <= 8
    t = np.stack([-np.sin(ang), np.cos(ang), np.zeros_like(ang)], -1)
    sig = np.where(inside[..., None], signal(t), 100 * np.exp(-bvals * 0.8e-3))
    affine = np.diag([2.0, 2.0, 2.0, 1.0]); affine[:3, 3] = [-60, -60, -60]
    seeds = world_seeds(np.argwhere(inside & (x == 30)).astype(float), affine)
    return "64^3, 1 curved bundle", noisy(sig, rng), affine, seeds

def large_case():
    shape = (128, 128, 64)
    rng = np.random.default_rng(2)
    x, y, zz = np.meshgrid(*(np.arange(s) for s in shape), indexing="ij")
    a = np.hypot(y - 64, zz - 32) <= 8          # along x
    b = np.hypot(x - 64, zz - 32) <= 8          # along y
    iso = 100 * np.exp(-bvals * 0.8e-3)
    sa = signal(np.array([1.0, 0, 0])); sb = signal(np.array([0, 1.0, 0]))
    sig = np.empty(shape + (len(bvals),))
    sig[:] = iso
    sig[a & ~b] = sa; sig[b & ~a] = sb; sig[a & b] = 0.5 * (sa + sb)
    affine = np.diag([2.0, 2.0, 2.0, 1.0]); affine[:3, 3] = [-128, -128, -64]
    vox = np.concatenate([np.argwhere(a & ~b & np.isin(x, (32, 96))), np.argwhere(b & ~a & np.isin(y, (32, 96)))])
    seeds = world_seeds(vox.astype(float), affine)
    return "128x128x64, 2 crossing bundles", noisy(sig, rng), affine, seeds

def run_mrs(data, affine, seeds, k):
    with tempfile.TemporaryDirectory() as tmp:
        nib.save(nib.Nifti1Image(data, affine), os.path.join(tmp, "dwi.nii.gz"))
        np.savetxt(os.path.join(tmp, "bvals"), bvals[None], fmt="%g")
        np.savetxt(os.path.join(tmp, "bvecs"), bvecs.T, fmt="%.8f")
        np.save(os.path.join(tmp, "seeds.npy"), np.asfortranarray(seeds.T))
        out = subprocess.run([os.path.join(build, "mrs-bench"), "tracking", tmp, str(k), str(SEED)],
                             capture_output=True, text=True, check=True).stdout
    return {l.split()[0]: float(l.split()[1]) for l in out.strip().splitlines()}

def tensor_odf(fit, sphere, chunk=65536):
    """fit.odf(sphere) (DIPY's formula, Aganj 2010) evaluated in chunks of voxels with einsum:
    the same numbers, but DIPY's own np.dot over all voxels at once takes ~19 s on 64³."""
    evals = fit.evals.reshape(-1, 3); evecs = fit.evecs.reshape(-1, 3, 3)
    odf = np.zeros((len(evals), len(sphere.vertices)))
    ok = np.flatnonzero((evals > 0).all(-1))
    for c in range(0, len(ok), chunk):
        j = ok[c:c + chunk]
        e = evecs[j] / np.sqrt(evals[j])[:, None, :]                 # columns scaled by 1/√λ
        proj = (sphere.vertices @ e.transpose(1, 0, 2).reshape(3, -1)).reshape(-1, len(j), 3)
        q = np.einsum("vnj,vnj->nv", proj, proj)
        odf[j] = q ** -1.5 / (4 * np.pi * np.sqrt(np.prod(evals[j], -1)))[:, None]
    return odf.reshape(fit.evals.shape[:-1] + (len(sphere.vertices),))

def run_dipy(data, affine, seeds, k):
    gtab = gradient_table(bvals, bvecs=bvecs)
    model = TensorModel(gtab, fit_method="WLS")
    fit = model.fit(data)
    res = {"fit": median_time(lambda: model.fit(data), k)}
    t = time.perf_counter()
    odf = np.nan_to_num(tensor_odf(fit, default_sphere)); odf[odf < 0] = 0
    res["odf"] = time.perf_counter() - t
    sc = ThresholdStoppingCriterion(fit.fa, 0.2)
    for key, dg, rs in (("track", DeterministicMaximumDirectionGetter.from_pmf(odf, max_angle=30, sphere=default_sphere), None),
                        ("ptrack", ProbabilisticDirectionGetter.from_pmf(odf, max_angle=30, sphere=default_sphere), SEED)):
        out = {}
        def track():
            out["sl"] = Streamlines(LocalTracking(dg, sc, seeds, affine, step_size=0.5, maxlen=1000,
                                                  max_cross=1, random_seed=rs))
        res[key] = median_time(track, k)
        sl = out["sl"]
        res[key + "_sl"] = len(sl); res[key + "_pts"] = sum(len(s) for s in sl)
    del odf
    return res

rows = []
for name, make, k in (("small", small_case, runs), ("large", large_case, max(1, runs // 2))):
    label, data, affine, seeds = make()
    m = run_mrs(data, affine, seeds, runs)
    d = run_dipy(data, affine, seeds, k)
    rows.append((name, label, data.shape, len(seeds), k, m, d))
    del data

print(f"{runs} runs (medians; DIPY on the large volume: {max(1, runs // 2)})")
for name, label, shape, nseeds, k, m, d in rows:
    print(f"\n{name}: {label}, {'x'.join(map(str, shape))}, {nseeds} seeds")
    print(f"  {'':15} {'mrs s':>8} {'dipy s':>8} {'ratio':>7}   {'mrs lines/points':>18} {'dipy lines/points':>18} "
          f"{'mrs pts/s':>10} {'dipy pts/s':>10} {'ratio':>7}")
    print(f"  {'DTI WLS fit':15} {m['fit']:8.3f} {d['fit']:8.3f} {d['fit'] / m['fit']:6.1f}x")
    for key, what in (("track", "deterministic"), ("ptrack", "probabilistic")):
        mk = "streamlines" if key == "track" else "pstreamlines"
        mp = "points" if key == "track" else "ppoints"
        mrate = m[mp] / m[key]; drate = d[key + "_pts"] / d[key]
        print(f"  {what:15} {m[key]:8.3f} {d[key]:8.3f} {d[key] / m[key]:6.1f}x   "
              f"{int(m[mk]):>8}/{int(m[mp]):<9} {d[key + '_sl']:>8}/{d[key + '_pts']:<9} "
              f"{mrate:10.3g} {drate:10.3g} {mrate / drate:6.1f}x")
    print(f"  (DIPY pmf: the tensor ODF on default_sphere took {d['odf']:.2f} s, not in DIPY's tracking times)")
