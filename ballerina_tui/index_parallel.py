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

from ballerina_tui import children
from ballerina_tui.children import Children, child_main, shares
from ballerina_tui.progress import ProgressFn
from ballerina_tui.progress import report as report_progress

# A write of at least this many reviews is shared between processes (below it, starting a
# process costs more than it saves: about 0.3 s to import Whoosh and this package).
PARALLEL_REVIEWS = 2000
MAX_PROCESSES = 4


def process_count(reviews: int, threshold: int | None = None) -> int:
    """How many processes should index ``reviews`` reviews (:func:`.children.process_count`)."""
    limit = PARALLEL_REVIEWS if threshold is None else threshold
    return children.process_count(reviews, limit, MAX_PROCESSES)


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
    """The child processes writing all but the last share of a parallel build
    (:class:`~ballerina_tui.children.Children`: ``python -m ballerina_tui.index_parallel
    IN OUT``, a pickle each way)."""

    def __init__(self, folder: str, indexname: str, reviews: list, parts: int) -> None:
        self.folder = folder
        self.indexname = indexname
        runs = shares(reviews, parts)
        self.own = runs[-1]  # the caller's share: its segment comes last
        try:
            self.children = Children(
                "ballerina_tui.index_parallel",
                [(folder, indexname, run) for run in runs[:-1]],
                prefix="ballerina-index-",
            )
        except BaseException:
            remove_uncommitted(folder, indexname)
            raise

    def wait(self, progress: ProgressFn | None, done: int, total: int) -> tuple[list, set]:
        """The children's segments in share order and their words, once all are done;
        progress goes on being reported (and may cancel) meanwhile."""
        results = self.children.wait(
            lambda: report_progress(progress, "index", done, total), "indexing process"
        )
        segments, words = [], set()
        for segment, found in results:
            segments.append(segment)
            words |= found
        return segments, words

    def abandon(self) -> None:
        """Stop the children at once and remove whatever they wrote."""
        self.children.abandon()
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
    return child_main(argv, index_share)


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
