"""The per-review half of an analysis shared between processes gives what one process gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ballerina_tui import children as children_module
from ballerina_tui.claims import analyze
from ballerina_tui.claims.parallel import per_review
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex
from ballerina_tui.progress import Cancelled

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "reviews"


@pytest.fixture
def bundled(tmp_path, monkeypatch):
    monkeypatch.setenv("BALLERINA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    corpus = load_corpus(BUNDLED)
    index = ReviewIndex(corpus)
    index.ensure()
    return corpus, index


def test_shared_between_processes_equals_one_process(bundled, monkeypatch):
    corpus, index = bundled
    monkeypatch.setattr(children_module, "core_count", lambda: 3)
    seen: list[int] = []
    one = per_review(corpus.reviews, index.characters)
    many = per_review(
        corpus.reviews, index.characters, threshold=1, progress=lambda s, d, t: seen.append(d)
    )
    assert [c.id for c in many[0]] == [c.id for c in one[0]]
    assert many[0] == one[0]
    assert many[1] == one[1]
    assert one[2] is not None and np.array_equal(many[2], one[2])
    assert seen and seen == sorted(seen) and max(seen) == len(corpus.reviews)


def test_analysis_in_several_processes_is_the_same_analysis(bundled, monkeypatch):
    corpus, index = bundled
    monkeypatch.setattr(children_module, "core_count", lambda: 2)
    one = analyze(corpus, index, cache=False)
    two = analyze(corpus, index, cache=False, parallel_from=1)
    assert [(c.id, c.group, c.unique) for c in two.claims] == [
        (c.id, c.group, c.unique) for c in one.claims
    ]
    assert two.links.keys() == one.links.keys()
    assert two.conflicts == one.conflicts and len(one.conflicts) > 0


def test_cancelling_stops_the_children_and_removes_their_files(bundled, monkeypatch):
    corpus, index = bundled
    monkeypatch.setattr(children_module, "core_count", lambda: 2)
    made: list = []
    real = children_module.Children.__init__

    def remember(self, *args, **kwargs):
        made.append(self)
        real(self, *args, **kwargs)

    monkeypatch.setattr(children_module.Children, "__init__", remember)

    def progress(stage, done, total):
        if done >= 1:
            raise Cancelled

    with pytest.raises(Cancelled):
        per_review(corpus.reviews, index.characters, threshold=1, progress=progress)
    assert made and not made[0].tmp.exists()
    assert all(proc.poll() is not None for proc in made[0].procs)


def test_a_child_that_fails_names_its_error():
    children = children_module.Children("ballerina_tui.no_such_module", [(1,)])
    with pytest.raises(RuntimeError, match=r"work 1 failed: .*No module named"):
        children.wait(lambda: None, "work")
    assert not children.tmp.exists()
