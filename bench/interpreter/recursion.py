# A recursive function: fib(25) makes 242785 calls.
import time
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
t = time.perf_counter()
r = fib(25)
print(r, time.perf_counter() - t)
