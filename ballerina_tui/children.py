"""Work handed to child processes: ``python -m MODULE IN OUT``, a pickle each way.

Plain processes rather than ``multiprocessing``: its "spawn" start re-runs the caller's
main module (any script without a ``__main__`` guard would start itself again, and a pool
whose workers fail to start waits forever), and forking the app, which calls this from a
worker thread, is unsafe. The pickles live in a private temporary folder (mode 0700) and
are read only by the process that wrote the other end.

A child may report how far it got by printing a count per line on its standard output
(:func:`tell`); :meth:`Children.done` adds up the last count of each.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

POLL = 0.1  # seconds between progress reports while the children finish


def core_count() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def process_count(items: int, threshold: int, most: int) -> int:
    """How many processes should share ``items`` pieces of work: one per usable core, at
    most ``most``, and one below ``threshold`` (starting a process costs more there)."""
    if items < threshold:
        return 1
    return max(1, min(core_count(), most, items))


def thread_map(work: Callable, items: list, most: int = 4) -> list:
    """``[work(item) for item in items]``, in that order, on one thread per usable core
    (at most ``most``). Only worth it where ``work`` spends its time in numpy or
    ``scipy.sparse`` calls that release the GIL; the results are those of one thread."""
    threads = min(core_count(), most, len(items))
    if threads <= 1:
        return [work(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads, thread_name_prefix="ballerina-") as pool:
        return list(pool.map(work, items))


def shares(items: list, parts: int) -> list[list]:
    """``items`` cut into ``parts`` contiguous runs of (nearly) equal length, in order."""
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for n in range(parts):
        end = start + size + (1 if n < extra else 0)
        out.append(items[start:end])
        start = end
    return out


class Children:
    """One child process per payload, each running ``python -m module IN OUT``."""

    def __init__(self, module: str, payloads: list[tuple], prefix: str = "ballerina-") -> None:
        import pickle
        import subprocess
        import sys
        import tempfile

        self.tmp = Path(tempfile.mkdtemp(prefix=prefix))  # mode 0700
        package_parent = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_parent, env.get("PYTHONPATH", "")) if p
        )
        self.procs: list = []
        self.outputs: list[Path] = []
        self._counts: list[int] = []
        self._pending: list[bytes] = []
        try:
            for n, payload in enumerate(payloads):
                given, output = self.tmp / f"share{n}.in", self.tmp / f"share{n}.out"
                with open(given, "wb") as f:
                    pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)
                errors = open(self.tmp / f"share{n}.err", "wb")  # noqa: SIM115 - kept for the child
                with errors:
                    proc = subprocess.Popen(
                        [sys.executable, "-m", module, given, output],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE,
                        stderr=errors,
                        env=env,
                    )
                os.set_blocking(proc.stdout.fileno(), False)
                self.procs.append(proc)
                self.outputs.append(output)
                self._counts.append(0)
                self._pending.append(b"")
        except BaseException:
            self.abandon()
            raise

    def done(self) -> int:
        """The sum of the counts the children last told (:func:`tell`)."""
        for n, proc in enumerate(self.procs):
            with contextlib.suppress(OSError, ValueError):
                data = proc.stdout.read()
                if data:
                    lines = (self._pending[n] + data).split(b"\n")
                    self._pending[n] = lines.pop()
                    for line in reversed(lines):
                        if line.strip().isdigit():
                            self._counts[n] = int(line)
                            break
        return sum(self._counts)

    def wait(self, tick: Callable[[], None], what: str = "process") -> list:
        """The children's results in order, once all are done; ``tick`` is called every
        :data:`POLL` seconds meanwhile (it may raise to cancel: then call :meth:`abandon`)."""
        import pickle
        import subprocess

        for proc in self.procs:
            while True:
                tick()
                try:
                    proc.wait(POLL)
                    break
                except subprocess.TimeoutExpired:
                    continue
        results = []
        for n, (proc, output) in enumerate(zip(self.procs, self.outputs, strict=True)):
            if proc.returncode != 0 or not output.exists():
                error = self._last_error(n)
                self.abandon()
                raise RuntimeError(f"{what} {n + 1} failed: {error}")
            with open(output, "rb") as f:
                results.append(pickle.load(f))  # written by our own child, in our 0700 folder
        self.close()
        return results

    def _last_error(self, n: int) -> str:
        try:
            lines = (self.tmp / f"share{n}.err").read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1] if lines else f"exit code {self.procs[n].returncode}"

    def close(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(OSError):
                proc.stdout.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def abandon(self) -> None:
        """Stop the children at once and remove what they were given and wrote."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
        for proc in self.procs:
            with contextlib.suppress(Exception):
                proc.wait(5)
        self.close()


def tell(count: int) -> None:
    """In a child: tell the parent how far it got (see :meth:`Children.done`)."""
    import sys

    with contextlib.suppress(OSError, ValueError):
        sys.stdout.write(f"{count}\n")
        sys.stdout.flush()


def child_main(argv: list[str], work: Callable) -> int:
    """The child's side: ``work(*payload)`` on the payload pickled in IN, its result
    pickled to OUT (written whole, then renamed)."""
    import pickle

    given, output = argv
    with open(given, "rb") as f:
        payload = pickle.load(f)  # written by our parent, in its 0700 folder
    result = work(*payload)
    partial = f"{output}.part"
    with open(partial, "wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, output)
    return 0
