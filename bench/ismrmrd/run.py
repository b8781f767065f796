#!/usr/bin/env python3
"""Reading every acquisition (headers + samples into arrays) of a 363 MB ISMRMRD file
(ismrmrd_generate_cartesian_shepp_logan -m 256 -c 16 -r 20: 5120 readouts of 512×16 samples):
mrs next to ismrmrd-python's read_acquisition loop and h5py's bulk read of the compound dataset.
Each reader runs in a fresh process, best of 3; ratios are their time / mrs's time.

    python3 bench/ismrmrd/run.py [.build/release/mrs]
"""
import os, subprocess, sys, tempfile, textwrap

mrs = sys.argv[1] if len(sys.argv) > 1 else ".build/release/mrs"
here = os.path.dirname(os.path.abspath(__file__))

def best(cmd, runs=3):
    times = []
    for _ in range(runs):
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()
        times.append(float(out[0]))
    return min(times), out[1:]

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "shepp_logan.h5")
    subprocess.run(["ismrmrd_generate_cartesian_shepp_logan", "-o", path, "-m", "256", "-c", "16", "-r", "20"],
                   check=True, capture_output=True)
    size = os.path.getsize(path) / 2**20
    python_loop = textwrap.dedent("""
        import sys, time, ismrmrd
        t = time.perf_counter()
        d = ismrmrd.Dataset(sys.argv[1], 'dataset', False)
        n = d.number_of_acquisitions(); samples = 0
        for i in range(n):
            a = d.read_acquisition(i); samples += a.data.size
        print(time.perf_counter() - t, n, samples)
    """)
    h5py_bulk = textwrap.dedent("""
        import sys, time, h5py
        t = time.perf_counter()
        with h5py.File(sys.argv[1], 'r') as f:
            rows = f['dataset/data'][:]
        samples = sum(r['data'].size // 2 for r in rows)
        print(time.perf_counter() - t, len(rows), samples)
    """)
    t_mrs, info = best([mrs, os.path.join(here, "read.mrs"), path])
    t_h5, _ = best([sys.executable, "-c", h5py_bulk, path])
    t_py, _ = best([sys.executable, "-c", python_loop, path], runs=1)

print(f"read all {info[0]} acquisitions ({int(info[1]) // int(info[0])} samples each) of a {size:.0f} MiB file")
for name, t in [("mrs (for a in f)", t_mrs), ("h5py bulk read", t_h5), ("ismrmrd-python read_acquisition loop", t_py)]:
    print(f"  {name:<40}{t:8.3f} s   {t / t_mrs:7.1f}× mrs")
print("targets: ismrmrd-python ≥ 10× mrs, h5py ≥ 1× mrs")
