#!/usr/bin/env python3
"""Reconstruction of all 3 repetitions of the workshop's multiband file (epi_sms: 12 slices,
multiband 2 + in-plane R = 2, 12 coils — split-slice and plain slice-GRAPPA, then in-plane
GRAPPA) next to the single-band R = 2 path on the same head (epi_r2: GRAPPA only); each the best
of 3 fresh mrs processes, timing reconstruct() alone (after opening the file).

    python3 bench/sms/run.py [.build/release/mrs]      (makes the datasets if they are missing)
"""
import os, subprocess, sys

mrs = sys.argv[1] if len(sys.argv) > 1 else ".build/release/mrs"
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))

def dataset(name):
    path = os.path.join(root, "datasets", name + ".h5")
    if not os.path.exists(path):
        subprocess.run([mrs, os.path.join(root, "datasets", name + ".mrs"), path], check=True, capture_output=True)
    return path

def best(args, runs=3):
    # The last line is the script's; reconstruct() prints what it did to the EPI readouts first.
    results = [subprocess.run([mrs, os.path.join(here, "recon.mrs")] + args, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1].split()
               for _ in range(runs)]
    return min(float(r[0]) for r in results), results[0]

sms, r2 = dataset("epi_sms"), dataset("epi_r2")
t_split, r_split = best([sms, "split"])
t_slice, r_slice = best([sms, "slice"])
t_r2, r_r2 = best([r2])
print("reconstruct() of 3 repetitions × 12 slices × 12 coils, 80 × 80 (160 samples with oversampling)")
print(f"  epi_r2  single-band, R = 2 (GRAPPA)                   {t_r2:7.3f} s")
print(f"  epi_sms multiband 2 + R = 2, split-slice + GRAPPA     {t_split:7.3f} s   {t_split / t_r2:5.2f}× single-band")
print(f"  epi_sms multiband 2 + R = 2, slice-GRAPPA + GRAPPA    {t_slice:7.3f} s   {t_slice / t_r2:5.2f}× single-band")
print(f"  slices out: {r_split[1]}, {r_slice[1]}, {r_r2[1]}; repetitions {r_split[2]}, {r_r2[2]}")
