"""Quit benchmark: how long the process takes to exit when the user quits during the
background work (issue 13: within 1 s, the index left whole).

Runs the app in a pseudo-terminal on a folder of raw reviews (default: the shared IMDb
reviews recombined into 1,000 raw ``.txt`` files), waits until the status line shows the
claim analysis (or the index build, with ``--cold``) running, sends the key and stops the
clock when the process has exited. Then checks the index still opens and answers a search.

    python benchmarks/bench_quit.py [--reviews DIR] [--key q|ctrl+q|ctrl+c] [--cold] [--runs N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"q": b"q", "ctrl+q": b"\x11", "ctrl+c": b"\x03"}


def _drain(master: int, seen: bytearray) -> None:
    while True:
        ready, _, _ = select.select([master], [], [], 0)
        if not ready:
            return
        try:
            chunk = os.read(master, 65536)
        except OSError:
            return
        if not chunk:
            return
        seen += chunk


def quit_once(reviews: Path, key: bytes, marker: bytes, env: dict) -> tuple[float, float]:
    """(seconds from launch to the work being on screen, seconds from key to exit)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
    command = [sys.executable, "-m", "ballerina_tui", "--reviews", str(reviews)]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = bytearray()
    try:
        deadline = start + 60
        while marker not in seen:
            if time.perf_counter() > deadline or proc.poll() is not None:
                raise RuntimeError(f"never saw {marker!r} on screen")
            select.select([master], [], [], 0.02)
            _drain(master, seen)
        running = time.perf_counter() - start
        time.sleep(0.5)  # well inside the work
        _drain(master, seen)
        if proc.poll() is not None:
            raise RuntimeError("the work ended before the key was sent")
        sent = time.perf_counter()
        os.write(master, key)
        while proc.poll() is None:
            select.select([master], [], [], 0.01)
            _drain(master, seen)
            if time.perf_counter() - sent > 60:
                raise RuntimeError("still running 60 s after the key")
        return running, time.perf_counter() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=Path, default=None)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--key", choices=sorted(KEYS), default="q")
    parser.add_argument("--cold", action="store_true", help="quit during the index build")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-quit-"))
    try:
        reviews = args.reviews
        if reviews is None:
            sys.path.insert(0, str(ROOT / "scripts"))
            from raw_films import write_raw

            reviews = work / "reviews"
            write_raw(ROOT.parent / "shared" / "films", reviews, args.count)
        env = dict(
            os.environ,
            TERM="xterm-256color",
            BALLERINA_TUI_CACHE_DIR=str(work / "cache"),
            BALLERINA_TUI_DATA_DIR=str(work / "data"),
        )
        cli = [sys.executable, "-m", "ballerina_tui", "--reviews", str(reviews)]
        marker = b"indexing" if args.cold else b"analysing claims"
        for run in range(args.runs):
            if args.cold:
                shutil.rmtree(work / "cache", ignore_errors=True)
            else:
                subprocess.run([*cli, "index"], env=env, check=True, stdout=subprocess.DEVNULL)
            running, exit_after = quit_once(reviews, KEYS[args.key], marker, env)
            check = subprocess.run(
                [*cli, "search", "--json", "film"], env=env, capture_output=True, text=True
            )
            whole = check.returncode == 0 and '"hits"' in check.stdout
            print(
                f"run {run + 1}: {marker.decode()} on screen after {running:.2f} s; "
                f"{args.key} -> exited in {exit_after:.3f} s; index afterwards: "
                f"{'opens and answers a search' if whole else 'BROKEN: ' + check.stderr[:200]}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
