"""A large index build split across processes, each writing its own Whoosh segment.

Whoosh's pure-Python writer is the wall of an index build (about 30,000 indexed words per
CPU second). A full build of many reviews is cut into contiguous shares, one per core: the
calling process indexes the last share with its own writer (which holds the index lock)
while child processes each write one finished segment of the others into the same folder,
with no lock of their own. The parent then commits one table of contents that lists the
children's segments in folder order, then its own: passage numbers keep the folder's order,
so ties rank as they would after a one-process build.

Not Whoosh's ``MpWriter``: it waits one second for each sub-writer's result and silently
drops the segments that come later. Here a child's failure fails the build, and a cancelled
or failed build leaves exactly the files of the last commit (the children's half-written
segments and pools are removed).
"""

from __future__ import annotations

import contextlib
import os
import shutil

from ballerina_tui.progress import ProgressFn
from ballerina_tui.progress import report as report_progress

# A write of at least this many reviews is shared between processes (below it, starting a
# process costs more than it saves: about 0.3 s to import Whoosh and this package).
PARALLEL_REVIEWS = 2000
MAX_PROCESSES = 4
_POLL = 0.1  # seconds between progress reports while the children finish


def process_count(reviews: int, threshold: int | None = None) -> int:
    """How many processes should index ``reviews`` reviews: one per usable core, at most
    :data:`MAX_PROCESSES`, and one when the write is small."""
    if reviews < (PARALLEL_REVIEWS if threshold is None else threshold):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_PROCESSES, reviews))


def shares(items: list, parts: int) -> list[list]:
    """``items`` cut into ``parts`` contiguous runs of (nearly) equal length, in order."""
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for n in range(parts):
        end = start + size + (1 if n < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def index_share(folder: str, indexname: str, reviews: list) -> tuple[object, set[str]]:
    """In a child process: write ``reviews`` into a new segment of the index in ``folder``
    and return the finished segment (for the parent's table of contents) and the words."""
    import gc

    from ballerina_tui.whoosh_boot import prepare

    prepare()
    from whoosh.filedb.filestore import FileStorage

    from ballerina_tui.analysis import collect_words
    from ballerina_tui.index import _documents
    from ballerina_tui.index_writer import open_writer

    storage = FileStorage(folder)
    # Every Whoosh writer of an index keeps its posting pool in the same "MAIN.tmp" folder
    # and deletes that folder when it finishes: this process's pool gets its own.
    shared_temp = storage.temp_storage
    storage.temp_storage = lambda name=None: shared_temp(f"{name or indexname}.{os.getpid()}")
    ix = storage.open_index(indexname)
    gc.disable()  # a bulk write: see index_writer._collector_paused
    writer = open_writer(ix, lock=False)  # the parent holds the index lock for the whole build
    words: set[str] = set()
    try:
        with collect_words(words):
            for review in reviews:
                for doc in _documents(review):
                    writer.add_document(**doc)
        segment = writer._finalize_segment()
    except BaseException:
        writer.cancel()
        raise
    writer._finish()
    return segment, words


class ChildShares:
    """The child processes writing all but the last share of a parallel build.

    Each is ``python -m ballerina_tui.index_parallel IN OUT``: its share is handed over
    as a pickle in a private temporary folder and its segment comes back the same way.
    Plain processes rather than ``multiprocessing``: its "spawn" start re-runs the
    caller's main module (any script without a ``__main__`` guard would start itself
    again, and a pool whose workers fail to start waits forever), and forking the app,
    which calls this from a worker thread, is unsafe."""

    def __init__(self, folder: str, indexname: str, reviews: list, parts: int) -> None:
        import pickle
        import subprocess
        import sys
        import tempfile
        from pathlib import Path

        self.folder = folder
        self.indexname = indexname
        runs = shares(reviews, parts)
        self.own = runs[-1]  # the caller's share: its segment comes last
        self.tmp = Path(tempfile.mkdtemp(prefix="ballerina-index-"))  # mode 0700
        package_parent = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_parent, env.get("PYTHONPATH", "")) if p
        )
        self.procs: list = []
        self.outputs: list[Path] = []
        try:
            for n, run in enumerate(runs[:-1]):
                given, output = self.tmp / f"share{n}.in", self.tmp / f"share{n}.out"
                with open(given, "wb") as f:
                    pickle.dump((folder, indexname, run), f, protocol=pickle.HIGHEST_PROTOCOL)
                errors = open(self.tmp / f"share{n}.err", "wb")  # noqa: SIM115 - kept for the child
                with errors:
                    proc = subprocess.Popen(
                        [sys.executable, "-m", "ballerina_tui.index_parallel", given, output],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=errors,
                        env=env,
                    )
                self.procs.append(proc)
                self.outputs.append(output)
        except BaseException:
            self.abandon()
            raise

    def wait(self, progress: ProgressFn | None, done: int, total: int) -> tuple[list, set]:
        """The children's segments in share order and their words, once all are done;
        progress goes on being reported (and may cancel) meanwhile."""
        import pickle
        import subprocess

        for proc in self.procs:
            while True:
                report_progress(progress, "index", done, total)
                try:
                    proc.wait(_POLL)
                    break
                except subprocess.TimeoutExpired:
                    continue
        segments, words = [], set()
        for n, (proc, output) in enumerate(zip(self.procs, self.outputs, strict=True)):
            if proc.returncode != 0 or not output.exists():
                raise RuntimeError(f"indexing process {n + 1} failed: {self._last_error(n)}")
            with open(output, "rb") as f:
                segment, found = pickle.load(f)  # written by our own child, in our 0700 folder
            segments.append(segment)
            words |= found
        shutil.rmtree(self.tmp, ignore_errors=True)
        return segments, words

    def _last_error(self, n: int) -> str:
        try:
            lines = (self.tmp / f"share{n}.err").read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1] if lines else f"exit code {self.procs[n].returncode}"

    def abandon(self) -> None:
        """Stop the children at once and remove whatever they wrote."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
        for proc in self.procs:
            with contextlib.suppress(Exception):
                proc.wait(5)
        shutil.rmtree(self.tmp, ignore_errors=True)
        remove_uncommitted(self.folder, self.indexname)


def remove_uncommitted(folder: str, indexname: str) -> None:
    """Delete segment files the index's table of contents does not list, and the
    children's posting pools (what a cancelled or failed parallel build leaves)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC, clean_files

    storage = FileStorage(folder)
    with contextlib.suppress(Exception):
        generation = TOC._latest_generation(storage, indexname)
        toc = TOC.read(storage, indexname, generation)
        clean_files(storage, indexname, toc.generation, toc.segments)
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.is_dir() and entry.name.startswith(f"{indexname}.tmp"):
                shutil.rmtree(entry.path, ignore_errors=True)


def _main(argv: list[str]) -> int:
    """``python -m ballerina_tui.index_parallel IN OUT``: index the share pickled in IN,
    pickle (segment, words) to OUT."""
    import pickle

    given, output = argv
    with open(given, "rb") as f:
        folder, indexname, reviews = pickle.load(f)  # written by our parent, 0700 folder
    result = index_share(folder, indexname, reviews)
    partial = f"{output}.part"
    with open(partial, "wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, output)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
