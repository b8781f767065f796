#!/usr/bin/env python3
"""Tractography: mrs (mrs-bench tracking) next to DIPY on the same synthetic data: WLS tensor fit
of a 64³ volume (3 b0 + 30 directions at b = 1000, a curved bundle in isotropic background) and
deterministic tracking (0.5 mm step, 30°, FA 0.2) from 2 seeds per axis in every bundle voxel of
one plane; DIPY tracks with DeterministicMaximumDirectionGetter on the tensor ODF and LocalTracking.
Medians of RUNS runs; points per second counts every streamline point produced.

    python3 bench/tracking/run.py [.build/release] [runs]
"""
import os, subprocess, sys, tempfile, time
import numpy as np
import nibabel as nib
from dipy.core.gradients import gradient_table
from dipy.reconst.dti import TensorModel
from dipy.data import default_sphere
from dipy.direction import DeterministicMaximumDirectionGetter
from dipy.tracking.local_tracking import LocalTracking
from dipy.tracking.stopping_criterion import ThresholdStoppingCriterion
from dipy.tracking.streamline import Streamlines

build = sys.argv[1] if len(sys.argv) > 1 else ".build/release"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
n = 64

def median_time(f):
    ts = []
    for _ in range(runs):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]

rng = np.random.default_rng(1)
i = np.arange(30); z = 1 - (i + 0.5) / 30; r = np.sqrt(1 - z * z); phi = i * np.pi * (3 - np.sqrt(5))
bvecs = np.vstack([np.zeros((3, 3)), np.stack([r * np.cos(phi), r * np.sin(phi), z], 1)])
bvals = np.r_[np.zeros(3), np.full(30, 1000.0)]
x, y, zz = np.meshgrid(np.arange(n), np.arange(n), np.arange(n), indexing="ij")
dx, dy = x - 4.0, y - 4.0
rad = np.hypot(dx, dy); ang = np.arctan2(dy, dx)
inside = np.hypot(rad - 40, zz - n / 2) <= 8
t = np.stack([-np.sin(ang), np.cos(ang), np.zeros_like(ang)], -1)
proj = np.einsum("xyzc,gc->xyzg", t, bvecs)
adc = np.where(inside[..., None], 0.3e-3 + 1.4e-3 * proj ** 2, 0.8e-3)
sig = 100 * np.exp(-bvals * adc)
data = np.abs(sig + 2 * (rng.standard_normal(sig.shape) + 1j * rng.standard_normal(sig.shape))).astype(np.float32)
affine = np.diag([2.0, 2.0, 2.0, 1.0]); affine[:3, 3] = [-60, -60, -60]
seed_vox = np.argwhere(inside & (x == 30)).astype(float)
offs = np.array([[a, b, c] for a in (-0.25, 0.25) for b in (-0.25, 0.25) for c in (-0.25, 0.25)])
seeds = (seed_vox[:, None, :] + offs[None]).reshape(-1, 3) @ affine[:3, :3].T + affine[:3, 3]

with tempfile.TemporaryDirectory() as tmp:
    nib.save(nib.Nifti1Image(data, affine), os.path.join(tmp, "dwi.nii.gz"))
    np.savetxt(os.path.join(tmp, "bvals"), bvals[None], fmt="%g")
    np.savetxt(os.path.join(tmp, "bvecs"), bvecs.T, fmt="%.8f")
    np.save(os.path.join(tmp, "seeds.npy"), np.asfortranarray(seeds.T))
    out = subprocess.run([os.path.join(build, "mrs-bench"), "tracking", tmp, str(runs)],
                         capture_output=True, text=True, check=True).stdout
    mrs = {l.split()[0]: float(l.split()[1]) for l in out.strip().splitlines()}

gtab = gradient_table(bvals, bvecs=bvecs)
model = TensorModel(gtab, fit_method="WLS")
fit = model.fit(data)
t_fit = median_time(lambda: model.fit(data))
odf = np.nan_to_num(fit.odf(default_sphere)); odf[odf < 0] = 0
dg = DeterministicMaximumDirectionGetter.from_pmf(odf, max_angle=30, sphere=default_sphere)
sc = ThresholdStoppingCriterion(fit.fa, 0.2)
result = {}
def track():
    result["sl"] = Streamlines(LocalTracking(dg, sc, seeds, affine, step_size=0.5, maxlen=1000))
t_track = median_time(track)
sl = result["sl"]; pts = sum(len(s) for s in sl)

print(f"data {n}^3 x {len(bvals)}, {len(seeds)} seeds, {runs} runs (medians)")
print(f"DTI WLS fit   mrs {mrs['fit']:.3f} s   dipy {t_fit:.3f} s   ratio {t_fit / mrs['fit']:.1f}x")
print(f"tracking      mrs {mrs['track']:.3f} s ({int(mrs['streamlines'])} streamlines, {int(mrs['points'])} points, "
      f"{mrs['points'] / mrs['track']:.3g} points/s)")
print(f"              dipy {t_track:.3f} s ({len(sl)} streamlines, {pts} points, {pts / t_track:.3g} points/s)   "
      f"ratio (points/s) {(mrs['points'] / mrs['track']) / (pts / t_track):.1f}x")
