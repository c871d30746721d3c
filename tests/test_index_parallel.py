"""A large index build shared between processes (issue 10: the build at 10,000 reviews).

The processes are forced here with a handful of reviews; the index they write must be the
one a single process writes, in the same order, and nothing of a cancelled or failed build
may stay in the index folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ballerina_tui.index as index_module
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex
from ballerina_tui.index_parallel import ChildShares, process_count, shares
from ballerina_tui.progress import Cancelled
from ballerina_tui.search import Searcher

QUERIES = [
    "ruska",
    "john wick",
    '"Mother Ruska"',
    "section:introduction ballet",
    "danc*",
    "choreografy~",
]


def _processes(monkeypatch, n: int) -> None:
    monkeypatch.setattr(index_module, "process_count", lambda total, threshold=None: n)


def _stored(ix) -> list[tuple]:
    with ix.searcher() as s:
        return [(f["pid"], f["start"], f["end"]) for f in s.all_stored_fields()]


def _hits(index: ReviewIndex) -> list[list[tuple]]:
    searcher = Searcher(index)
    out = []
    for q in QUERIES:
        result = searcher.search(q, limit=50)
        out.append([(h.review, h.start, round(h.score, 6)) for h in result.hits] + [result.total])
    return out


def _build(folder: Path, root: Path, n: int, monkeypatch) -> ReviewIndex:
    _processes(monkeypatch, n)
    index = ReviewIndex(load_corpus(folder), root=root)
    index.ensure()
    return index


@pytest.mark.parametrize("n", [2, 3])
def test_the_same_index_as_one_process(bundled_copy, tmp_path, monkeypatch, n):
    one = _build(bundled_copy, tmp_path / "one", 1, monkeypatch)
    many = _build(bundled_copy, tmp_path / "many", n, monkeypatch)
    assert len(many.ensure()._segments()) == n
    assert len(one.ensure()._segments()) == 1
    assert _stored(many.ensure()) == _stored(one.ensure())  # folder order kept
    assert _hits(many) == _hits(one)
    assert many.vocabulary() == one.vocabulary()  # the spelling vocabulary of every share


def test_reopened_trusted_and_updated_one_review_at_a_time(bundled_copy, tmp_path, monkeypatch):
    _build(bundled_copy, tmp_path, 2, monkeypatch)
    _processes(monkeypatch, 1)
    again = ReviewIndex(load_corpus(bundled_copy), root=tmp_path)
    again.ensure()
    report = again.last_update
    assert not report.rebuilt and not report.added and not report.changed
    new = bundled_copy / "zz-new.md"
    new.write_text("---\nid: zz-new\nhandle: newcomer\n---\nA quokka dances.\n", "utf-8")
    third = ReviewIndex(load_corpus(bundled_copy), root=tmp_path)
    third.ensure()
    assert third.last_update.added == ["zz-new"] and not third.last_update.rebuilt
    assert [h.review for h in Searcher(third).search("quokka").hits] == ["zz-new"]


def _leftovers(index: ReviewIndex) -> list[str]:
    from whoosh.index import TOC

    storage_files = sorted(os.listdir(index.dir))
    if not any(f.endswith(".toc") for f in storage_files):
        return storage_files
    gen = TOC._latest_generation(index.ensure().storage, "MAIN")
    toc = TOC.read(index.ensure().storage, "MAIN", gen)
    listed = {s.segment_id() for s in toc.segments}
    return [
        f
        for f in storage_files
        if (f.startswith("MAIN_") and f != "MAIN_WRITELOCK" and f.split(".")[0] not in listed)
        or f.startswith("MAIN.tmp")
    ]


@pytest.mark.parametrize("when", ["indexing", "waiting"])
def test_cancelled_build_leaves_nothing_behind(bundled_copy, tmp_path, monkeypatch, when):
    """Cancelled while this process indexes its share, or once its segment is written and
    it waits for the children (it reports all but one review then)."""
    _processes(monkeypatch, 2)
    index = ReviewIndex(load_corpus(bundled_copy), root=tmp_path)
    started: list[int] = []
    made: list[ChildShares] = []
    real = ChildShares.__init__

    def remember(self, *args):
        made.append(self)
        real(self, *args)

    monkeypatch.setattr(ChildShares, "__init__", remember)

    def progress(stage, done, total):
        started.append(done)
        if (done >= 1) if when == "indexing" else (done == total - 1):
            raise Cancelled

    with pytest.raises(Cancelled):
        index.ensure(progress=progress)
    assert [f for f in os.listdir(index.dir) if f.startswith("MAIN_") and f.endswith(".seg")] == []
    assert not any(f.startswith("MAIN.tmp") for f in os.listdir(index.dir))
    assert made and not made[0].children.tmp.exists()  # the hand-over folder
    assert all(proc.poll() is not None for proc in made[0].children.procs)  # none left running
    # The next build works and is complete.
    index.reset()
    index.ensure()
    assert index.ensure().doc_count() == 238
    assert _leftovers(index) == []


def test_a_failing_child_fails_the_build_and_cleans_up(bundled_copy, tmp_path, monkeypatch):
    _processes(monkeypatch, 2)
    index = ReviewIndex(load_corpus(bundled_copy), root=tmp_path)
    real = ChildShares.__init__

    def broken(self, folder, indexname, reviews, parts):
        # The child is told to open an index that is not there.
        real(self, folder, "NOSUCHINDEX", reviews, parts)
        self.indexname = indexname

    monkeypatch.setattr(ChildShares, "__init__", broken)
    with pytest.raises(RuntimeError, match="indexing process 1 failed: .*"):
        index.ensure()
    assert [f for f in os.listdir(index.dir) if f.endswith(".seg")] == []
    monkeypatch.undo()
    _processes(monkeypatch, 1)
    index.reset()
    assert index.ensure().doc_count() == 238


def test_a_script_without_a_main_guard_can_build_in_parallel(bundled_copy, tmp_path):
    """The children never re-run the caller's main module (multiprocessing's "spawn" did:
    a script without ``if __name__ == "__main__"`` started itself again)."""
    import subprocess
    import sys

    script = tmp_path / "script.py"
    script.write_text(
        "import ballerina_tui.index as m\n"
        "from ballerina_tui.corpus import load_corpus\n"
        "m.process_count = lambda total, threshold=None: 2\n"
        f"ix = m.ReviewIndex(load_corpus({str(bundled_copy)!r})).ensure()\n"
        "print(len(ix._segments()), ix.doc_count())\n",
        "utf-8",
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.split() == ["2", "238"]


@given(st.lists(st.integers(), max_size=50), st.integers(1, 6))
def test_shares_are_contiguous_and_even(items, parts):
    runs = shares(items, parts)
    assert len(runs) == parts
    assert [x for run in runs for x in run] == items
    assert max(map(len, runs)) - min(map(len, runs)) <= 1


def test_small_writes_stay_in_one_process():
    assert process_count(10) == 1
    assert process_count(1999) == 1
    assert 1 <= process_count(10_000) <= 4
    assert process_count(5, threshold=2) >= 1


def test_the_bundled_index_dir_is_clean_after_a_parallel_build(bundled_copy, tmp_path, monkeypatch):
    index = _build(bundled_copy, tmp_path, 2, monkeypatch)
    assert _leftovers(index) == []
    shutil.rmtree(tmp_path)
