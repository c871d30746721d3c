"""Startup benchmark: time from launching ``ballerina-tui`` to its first screen, warm index.

Runs the app in a pseudo-terminal, reads what it draws and stops the clock when the
first screen (the review list) is on the screen; then sends ``q``. A benchmark, not a
test: it prints the figures.

    python benchmarks/bench_startup.py [--runs N] [--reviews DIR]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import time

MARKER = b"Reviews"


def launch_once(reviews: str | None, timeout: float = 10.0) -> float:
    command = [sys.executable, "-m", "ballerina_tui"]
    if reviews:
        command += ["--reviews", reviews]
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    seen = b""
    elapsed = None
    deadline = start + timeout
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.01)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen += chunk
                if MARKER in seen:
                    elapsed = time.perf_counter() - start
                    break
        # Let it finish drawing, then quit the way a user does.
        time.sleep(0.5)
        os.write(master, b"q")
        end = time.perf_counter() + 5
        while proc.poll() is None and time.perf_counter() < end:
            select.select([master], [], [], 0.05)
            try:
                os.read(master, 65536)
            except OSError:
                pass
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
    if elapsed is None:
        raise RuntimeError("the first screen never appeared")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reviews", default=None)
    args = parser.parse_args()
    # Warm the index (and the import caches) first.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ballerina_tui",
            *(["--reviews", args.reviews] if args.reviews else []),
            "index",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    launch_once(args.reviews)
    times = [launch_once(args.reviews) for _ in range(args.runs)]
    print(
        f"first screen after launch, warm index, {args.runs} runs: "
        f"median {statistics.median(times):.3f} s, best {min(times):.3f} s, "
        f"worst {max(times):.3f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
