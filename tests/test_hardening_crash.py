"""Hardening campaign, part 2: ``kill -9`` while saving highlights and while indexing.

A child process saves highlights in a loop (printing each id once its save returned) or
builds the index over a generated corpus; the parent kills it with SIGKILL at a moment
drawn from a fixed seed. After every kill the next start must have every highlight that
was acknowledged before it and an index that opens, holds each passage exactly once and
answers a search.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ballerina_tui.corpus import load_corpus
from ballerina_tui.highlights import HighlightStore
from ballerina_tui.index import ReviewIndex, review_passages

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

SEED = 20250606
HIGHLIGHT_TRIALS = 16
INDEX_TRIALS = 10

SAVER = """
import sys
from ballerina_tui.corpus import load_corpus
from ballerina_tui.highlights import HighlightStore, make_highlight
corpus = load_corpus(sys.argv[1])
store = HighlightStore.for_corpus(corpus, sys.argv[2])
tag = sys.argv[3]
print("ready", flush=True)
n = 0
for review in corpus.reviews:
    for block in review.blocks:
        item = make_highlight(review, block.start, block.end, note=f"{tag} {n}")
        if store.get(item.id) is None:
            store.add(item)
            store.set_note(item.id, f"{tag} {n}")
            print(item.id, flush=True)
        n += 1
print("done", flush=True)
"""

INDEXER = """
import sys
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex
print("ready", flush=True)
ReviewIndex(load_corpus(sys.argv[1])).ensure(rebuild=len(sys.argv) > 2)
print("done", flush=True)
"""


def _corpus_folder(tmp_path: Path, reviews: int, paragraphs: int) -> Path:
    rng = random.Random(SEED)
    words = (
        "Eve trains with the Ruska Roma while Winston and the Director argue about the "
        "Continental and John Wick arrives in the snow with a flamethrower"
    ).split()
    folder = tmp_path / "reviews"
    folder.mkdir()
    for r in range(reviews):
        body = [f"# Review {r}\n"]
        for p in range(paragraphs):
            if p % 10 == 0:
                body.append(f"## Part {p // 10}\n")
            body.append(" ".join(rng.choice(words) for _ in range(rng.randint(20, 60))) + ".\n")
        (folder / f"r{r:03}.md").write_text("\n".join(body), encoding="utf-8")
    return folder


def _start(script: str, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _kill_after(proc: subprocess.Popen, delay: float) -> list[str]:
    """SIGKILL ``proc`` after ``delay`` seconds; return the lines it printed before."""
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    return [line for line in out.splitlines() if line]


# --------------------------------------------------------------------------- highlights


@pytest.mark.slow
def test_kill_9_while_saving_highlights_loses_nothing_acknowledged(tmp_path):
    folder = _corpus_folder(tmp_path, reviews=6, paragraphs=60)
    corpus = load_corpus(folder)
    path = tmp_path / "data" / "highlights.yaml"
    rng = random.Random(SEED)
    acknowledged: dict[str, str] = {}
    killed_mid_run = 0
    for trial in range(HIGHLIGHT_TRIALS):
        proc = _start(SAVER, str(folder), str(path), f"t{trial}")
        printed = _kill_after(proc, rng.uniform(0.05, 0.6))
        killed_mid_run += "done" not in printed
        for line in printed:
            if line != "done":
                acknowledged.setdefault(line, f"t{trial}")
        store = HighlightStore.for_corpus(corpus, path)
        assert store.note is None, f"trial {trial}: {store.note}"
        kept = {h.id for h in store.items}
        missing = set(acknowledged) - kept
        assert not missing, f"trial {trial}: lost {len(missing)} acknowledged highlight(s)"
        # Kept highlights are whole: the text is the review's, at its place.
        for item in store.items:
            review = corpus.get(item.review)
            assert review.text[item.start : item.end] == item.text
    print(
        f"highlights: {killed_mid_run}/{HIGHLIGHT_TRIALS} kills mid-run, {len(acknowledged)} kept"
    )
    assert killed_mid_run >= HIGHLIGHT_TRIALS // 2, "the kills never landed mid-run"
    # Left-over temporary files from killed writes are never read as highlights.
    assert len(HighlightStore.for_corpus(corpus, path).items) >= len(acknowledged)
    # A later save still works and tidies nothing it should not.
    store = HighlightStore.for_corpus(corpus, path)
    review = corpus.reviews[0]
    from ballerina_tui.highlights import make_highlight

    # A part of a block: never one of the whole-block highlights the savers made (toggling
    # one of those would rightly remove it).
    block = review.blocks[-1]
    fresh = make_highlight(review, block.start, block.start + (block.end - block.start) // 2)
    assert fresh.id not in acknowledged
    assert store.toggle(fresh) is True
    after = {h.id for h in HighlightStore.for_corpus(corpus, path).items}
    assert set(acknowledged) | {fresh.id} <= after


# --------------------------------------------------------------------------- index


def _assert_index_whole(corpus) -> None:
    index = ReviewIndex(corpus)
    ix = index.ensure()
    expected = {
        (r.id, p.start, p.end) for r in corpus.reviews for p in review_passages(r, index.characters)
    }
    with ix.searcher() as searcher:
        stored = [(f["rid"], f["start"], f["end"]) for f in searcher.all_stored_fields()]
    assert len(stored) == len(set(stored)), "a passage is in the index twice"
    assert set(stored) == expected
    from ballerina_tui.search import search

    assert search(index, "Ruska").total > 0
    assert index.ensure() is ix


@pytest.mark.slow
def test_kill_9_while_building_or_updating_the_index_leaves_a_working_one(tmp_path):
    folder = _corpus_folder(tmp_path, reviews=12, paragraphs=40)
    rng = random.Random(SEED)
    started = time.perf_counter()
    ReviewIndex(load_corpus(folder)).ensure()
    build = time.perf_counter() - started
    killed_mid_run = 0
    for trial in range(INDEX_TRIALS):
        # Change a few reviews so the child has an update to make, or rebuild outright.
        rebuild = trial % 2 == 0
        for name in rng.sample(sorted(p.name for p in folder.iterdir()), 3):
            path = folder / name
            path.write_text(
                path.read_text("utf-8") + f"\nTrial {trial} adds a line about Ruska.\n", "utf-8"
            )
        proc = _start(INDEXER, str(folder), *(["rebuild"] if rebuild else []))
        printed = _kill_after(proc, rng.uniform(0.0, build * 1.2))
        killed_mid_run += "done" not in printed
        corpus = load_corpus(folder)
        _assert_index_whole(corpus)
        assert "done" in printed or proc.returncode == -signal.SIGKILL
    print(f"index: {killed_mid_run}/{INDEX_TRIALS} kills landed mid-run")
    assert killed_mid_run >= INDEX_TRIALS // 3, "the kills never landed mid-run"
