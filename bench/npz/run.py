#!/usr/bin/env python3
"""Writing and reading a 256 MiB complex64 array (4096 x 8192) as .npz, stored (numpy.savez) and
deflated at zlib level 6 (numpy.savez_compressed): mrs's NPZ.write/NPZ.read through libzip
(`mrs-bench npz`) next to NumPy. The data is smooth with rounded noise, so deflate has something
to do. Best of RUNS (default 3) for each; ratios are NumPy's time / mrs's time. Each side also
loads the other's archive and checks the values.

    python3 bench/npz/run.py [.build/release/mrs-bench] [RUNS]
"""
import os, subprocess, sys, tempfile, time
import numpy as np

bench = sys.argv[1] if len(sys.argv) > 1 else ".build/release/mrs-bench"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3

def best(f):
    times = []
    for _ in range(runs):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return min(times)

rng = np.random.default_rng(1)
i = np.arange(4096, dtype=np.float32)[:, None]; j = np.arange(8192, dtype=np.float32)[None, :]
x = np.asfortranarray(np.sin(i / 40) * np.cos(j / 90) + 1j * np.round(rng.standard_normal((4096, 8192)), 1)).astype(np.complex64)
x = np.asfortranarray(x)

with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR", "/tmp")) as d:
    np.save(os.path.join(d, "data.npy"), x)
    out = subprocess.run([bench, "npz", d, str(runs)], capture_output=True, text=True, check=True).stdout
    mrs = {k: float(v) for k, v in (line.split() for line in out.splitlines())}
    peer = {}
    for name, save in [("stored", np.savez), ("compressed", np.savez_compressed)]:
        path = os.path.join(d, f"np_{name}.npz")
        peer[f"write_{name}"] = best(lambda: save(path, x=x))
        peer[f"read_{name}"] = best(lambda: np.load(path)["x"])
        theirs = np.load(os.path.join(d, f"mrs_{name}.npz"))["x"]
        assert theirs.shape == x.shape and np.array_equal(theirs, x), f"NumPy read mrs's {name} archive wrongly"
        sizes = (os.path.getsize(os.path.join(d, f"mrs_{name}.npz")), os.path.getsize(path))
        print(f"{name}: archive {sizes[0] / 2**20:.1f} MiB (mrs), {sizes[1] / 2**20:.1f} MiB (NumPy)")

print(f"{x.nbytes / 2**20:.0f} MiB complex64 {x.shape}, best of {runs}")
for key in ["write_stored", "read_stored", "write_compressed", "read_compressed"]:
    print(f"  {key:<18} mrs {mrs[key]:7.3f} s   NumPy {peer[key]:7.3f} s   NumPy / mrs {peer[key] / mrs[key]:5.2f}")
