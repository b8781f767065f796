# 10^6 iterations with arithmetic and an if.
import time
t = time.perf_counter()
s = 0
for i in range(1000000):
    if i % 3 == 0:
        s += i * 2
    else:
        s -= 1
print(s, time.perf_counter() - t)
