#!/usr/bin/env python3
"""A whole multi-coil recon (read → buffer → inverse FFT → rss) of
ismrmrd_generate_cartesian_shepp_logan -m 256 -c 16 -r 20 (20 repetitions, 16 coils, readout
oversampling 2): mrs next to an ismrmrd-python + NumPy script doing the same; fresh processes.

    python3 bench/recon/run.py [.build/release/mrs]
"""
import os, subprocess, sys, tempfile

mrs = sys.argv[1] if len(sys.argv) > 1 else ".build/release/mrs"
here = os.path.dirname(os.path.abspath(__file__))

def best(cmd, runs):
    results = [subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split() for _ in range(runs)]
    return min(float(r[0]) for r in results), results[0]

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "sl.h5")
    subprocess.run(["ismrmrd_generate_cartesian_shepp_logan", "-o", path, "-m", "256", "-c", "16", "-r", "20"], check=True, capture_output=True)
    t_mrs, r_mrs = best([mrs, os.path.join(here, "recon.mrs"), path], 3)
    t_py, r_py = best([sys.executable, os.path.join(here, "recon.py"), path], 1)

print("recon of 20 repetitions × 16 coils, 512×256 k-space each")
print(f"  mrs (buffer, ifft, rss)                 {t_mrs:8.3f} s")
print(f"  ismrmrd-python + NumPy                  {t_py:8.3f} s   {t_py / t_mrs:6.1f}× mrs")
print(f"  images: {r_mrs[1]} vs {r_py[1]}; sum of the first: {float(r_mrs[2]):.6g} vs {float(r_py[2]):.6g}")
