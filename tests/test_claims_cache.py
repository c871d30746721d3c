"""The claim analysis is cached on disk: a warm start never recomputes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballerina_tui.claims import analyze
from ballerina_tui.claims import linking as linking_module
from ballerina_tui.corpus import load_corpus

REVIEWS = {
    "a.md": "# A\n\nThe heist lasts thirty minutes without a word. Tony plans it in a cafe. "
    "The ending is bleak and perfect.\n",
    "b.md": "# B\n\nThe silent heist lasts about thirty minutes. Tony plans everything. "
    "The music is sparse and cold.\n",
}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("BALLERINA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "reviews"
    root.mkdir()
    for name, text in REVIEWS.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _refuse(*args, **kwargs):
    raise AssertionError("the analysis was recomputed")


def test_warm_start_reads_the_cache_and_does_not_recompute(folder, monkeypatch):
    cold = analyze(load_corpus(folder))
    monkeypatch.setattr(linking_module, "link_claims", _refuse)
    warm = analyze(load_corpus(folder))
    assert warm.to_json() == cold.to_json()
    assert [c.text for c in warm.claims] == [c.text for c in cold.claims]
    assert warm.near == cold.near
    # Evidence for a pair nobody asked about yet is rebuilt on demand, not stored.
    a, b = warm.claims[0].id, next(c.id for c in warm.claims if c.review != "a")
    assert warm.evidence(a, b)["score"] == pytest.approx(cold.evidence(a, b)["score"], abs=1e-3)


def test_an_edit_or_another_extra_key_misses_the_cache(folder, monkeypatch):
    analyze(load_corpus(folder))
    monkeypatch.setattr(linking_module, "link_claims", _refuse)
    with pytest.raises(AssertionError, match="recomputed"):
        analyze(load_corpus(folder), extra_key="corrections:1")
    (Path(folder) / "b.md").write_text(REVIEWS["b.md"] + "\nA new line.\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="recomputed"):
        analyze(load_corpus(folder))


def test_a_corrupt_cache_file_is_ignored_and_rewritten(folder):
    from ballerina_tui.claims import cache

    first = analyze(load_corpus(folder))
    for path in cache.folder().glob("*.json"):
        path.write_text("{not json", encoding="utf-8")
    again = analyze(load_corpus(folder))
    assert again.to_json() == first.to_json()
    assert all(p.read_text(encoding="utf-8").startswith("{") for p in cache.folder().glob("*"))


def test_near_is_held_as_arrays_and_reads_as_the_lists_it_stands_for():
    import numpy as np

    from ballerina_tui.claims.model import Near

    ids = ["a:1", "a:2", "b:1", "c:1"]
    index = {c: i for i, c in enumerate(ids)}
    near = Near(
        ids,
        index,
        np.array([0, 2, 2, 3, 4]),
        np.array([2, 3, 0, 1], dtype=np.int32),
        np.array([0.912345678, 0.5, 0.25, 0.125]),
    )
    as_dict = {
        "a:1": [("b:1", 0.9123), ("c:1", 0.5)],
        "b:1": [("a:1", 0.25)],
        "c:1": [("a:2", 0.125)],
    }
    assert near == as_dict and dict(near) == as_dict
    assert near.get("a:2") is None and "a:2" not in near and "zz:9" not in near
    assert Near.from_json(ids, index, near.to_json()) == as_dict
    for bad in (
        {"starts": [0, 1], "other": [0], "score": [0.5]},  # one row for four claims
        {"starts": [0, 0, 0, 0, 1], "other": [7], "score": [0.5]},  # no claim 7
        {"starts": [0, 1, 0, 1, 1], "other": [1], "score": [0.5]},  # rows backwards
        {"starts": [0, 0, 0, 0, 1], "other": [1], "score": []},
        {"starts": [0, 0, 0, 0, 1], "other": [10**30], "score": [0.5]},  # no int64
        {"starts": [0, 0, 0, 0, 1], "other": [[1]], "score": [[0.5]]},
        {"starts": [0, 0, 0, 0, 1], "other": ["b:1"], "score": [0.5]},
    ):
        with pytest.raises((ValueError, TypeError)):  # what the cache treats as broken
            Near.from_json(ids, index, bad)


def test_a_cache_with_broken_near_arrays_is_recomputed(folder):
    import json

    from ballerina_tui.claims import cache

    first = analyze(load_corpus(folder))
    (stored,) = cache.folder().glob("*.json")
    data = json.loads(stored.read_text(encoding="utf-8"))
    assert data["near"]["other"]  # something to break
    data["near"]["other"] = [10**6 for _ in data["near"]["other"]]
    stored.write_text(json.dumps(data), encoding="utf-8")
    again = analyze(load_corpus(folder))
    assert again.to_json() == first.to_json() and again.near == first.near
