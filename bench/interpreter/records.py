# The lecture's loop: 5000 readout records, keep those of one slice and repetition (x100 passes).
import time
t = time.perf_counter()
recs = []
for i in range(5000):
    recs.append({"slice": i % 12, "repetition": (i // 12) % 3, "e1": i % 64})
kept = 0
for p in range(100):
    for r in recs:
        if r["slice"] == 0 and r["repetition"] == 2:
            kept += 1
print(kept, time.perf_counter() - t)
