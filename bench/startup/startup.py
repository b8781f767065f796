#!/usr/bin/env python3
"""Start-up time of mrs: from process start to the first REPL prompt on a pseudo-terminal, and
the whole run of `mrs -e 1`, each the median of N runs, side by side with python3 doing the
same (its first `>>> ` prompt, and `python3 -c 1`).

usage: bench/startup/startup.py [MRS_BINARY] [-n RUNS]
(default binary: .build/release/mrs; build it with `swift build -c release --product mrs`)
"""
import argparse
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def time_to_prompt(argv, prompt, env):
    """Seconds from fork to the prompt appearing on the pty; then ends the process with Ctrl-D."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    seen = b""
    elapsed = None
    deadline = start + 30
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if prompt in seen:
            elapsed = time.perf_counter() - start
            break
    # libedit draws the prompt just before it switches the terminal to raw mode; a Ctrl-D
    # typed in between would be swallowed, so let it settle (this is after the measurement).
    time.sleep(0.2)
    os.write(fd, b"\x04")
    # Drain until the child closes the terminal, then reap it.
    while True:
        ready, _, _ = select.select([fd], [], [], 5)
        if not ready:
            break
        try:
            if not os.read(fd, 4096):
                break
        except OSError:
            break
    os.close(fd)
    os.waitpid(pid, 0)
    if elapsed is None:
        raise RuntimeError(f"no prompt {prompt!r} from {argv}: {seen!r}")
    return elapsed


def time_run(argv, env):
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def summary(times):
    ms = sorted(t * 1000 for t in times)
    return f"median {statistics.median(ms):6.1f} ms  (min {ms[0]:.1f}, max {ms[-1]:.1f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mrs", nargs="?", default=".build/release/mrs")
    parser.add_argument("-n", "--runs", type=int, default=20)
    args = parser.parse_args()
    mrs = os.path.abspath(args.mrs)
    if not os.access(mrs, os.X_OK):
        sys.exit(f"{mrs} is not built: swift build -c release --product mrs")
    python = sys.executable

    home = tempfile.mkdtemp(prefix="mrs-bench-")
    env = dict(os.environ, TERM="xterm", NO_COLOR="1", HOME=home,
               MRS_HISTORY=os.path.join(home, "history"), PYTHONSTARTUP="")
    # A full history file (the REPL keeps 5000 entries), in libedit's format.
    full = os.path.join(home, "full_history")
    with open(full, "w") as f:
        f.write("_HiStOrY_V2_\n")
        for i in range(5000):
            f.write(f"img\\040=\\040rss(ifft(k{i},\\040axes=[0,\\0401]),\\040axis=2)\n")
    env_full = dict(env, MRS_HISTORY=full)
    cases = [
        ("mrs: first prompt (pty)", lambda: time_to_prompt([mrs], b"mrs> ", env)),
        ("mrs: first prompt, 5000-entry history", lambda: time_to_prompt([mrs], b"mrs> ", env_full)),
        ("python3 -i: first prompt (pty)", lambda: time_to_prompt([python, "-i", "-q"], b">>> ", env)),
        ("mrs -e 1", lambda: time_run([mrs, "-e", "1"], env)),
        ("python3 -c 1", lambda: time_run([python, "-c", "1"], env)),
    ]
    print(f"{args.runs} runs each, {os.cpu_count()} CPUs; {mrs}")
    results = {}
    try:
        for name, run in cases:
            run()  # warm the page cache
            results[name] = [run() for _ in range(args.runs)]
            print(f"  {name:38s} {summary(results[name])}")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    ratio_prompt = statistics.median(results["mrs: first prompt (pty)"]) / statistics.median(results["python3 -i: first prompt (pty)"])
    ratio_e = statistics.median(results["mrs -e 1"]) / statistics.median(results["python3 -c 1"])
    print(f"  ratio mrs/python3: prompt {ratio_prompt:.2f}, one-liner {ratio_e:.2f}")


if __name__ == "__main__":
    main()
