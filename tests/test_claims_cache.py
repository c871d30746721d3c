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


def test_the_cache_is_read_a_line_at_a_time_and_any_damage_means_recompute(folder, monkeypatch):
    """Long sections are cut into lines of CHUNK items (json holds the GIL while it parses
    one, so the app's screen waits at most one line); a line cut short, out of place or of
    the wrong shape makes the whole file a miss."""
    from ballerina_tui.claims import cache

    monkeypatch.setattr(cache, "CHUNK", 2)
    monkeypatch.setattr(cache, "B64_CHUNK", 8)  # 6 bytes a line: numbers cut across lines
    first = analyze(load_corpus(folder))
    (stored,) = cache.folder().glob("*.json")
    good = stored.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    names = [line.split('"')[1] for line in lines[1:]]
    assert names.count("claims") >= 2 and names.count("near.starts") >= 2
    monkeypatch.setattr(linking_module, "link_claims", _refuse)
    assert analyze(load_corpus(folder)).to_json() == first.to_json()  # read from lines
    monkeypatch.undo()
    for damaged in (
        good[: len(good) // 2],  # cut short
        "".join(lines[:2] + lines[3:]),  # a line missing
        "".join(lines[:-1]),  # the last line missing
        "".join(line for line in lines if not line.startswith('["links"')),  # a section
        lines[0] + '["claims", 7]\n' + "".join(lines[1:]),  # not a list
        lines[0] + '["nobody", []]\n' + "".join(lines[1:]),  # unknown section
        lines[0].replace('"engine":"', '"engine":"x') + "".join(lines[1:]),  # another engine
        lines[0] + '["near.score", ["!!!!"]]\n' + "".join(lines[1:]),  # not base64
        lines[0] + '["near.score", [7]]\n' + "".join(lines[1:]),  # not text
        "".join(line for line in lines if line != lines[-1] or '"near.score"' not in line)
        + '["near.score", ["AAAA"]]\n',  # three bytes: not a whole number
    ):
        stored.write_text(damaged, encoding="utf-8")
        assert cache.load(stored.stem, load_corpus(folder)) is None


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
    import base64
    import json

    import numpy as np

    from ballerina_tui.claims import cache

    first = analyze(load_corpus(folder))
    (stored,) = cache.folder().glob("*.json")
    lines = [json.loads(line) for line in stored.read_text(encoding="utf-8").splitlines()]
    (other,) = [line for line in lines[1:] if line[0] == "near.other"]
    values = np.frombuffer(base64.b64decode(other[1][0]), dtype="<i4").copy()
    assert len(values)  # something to break
    values[:] = 10**6  # no such claim
    other[1] = [base64.b64encode(values.tobytes()).decode("ascii")]
    stored.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    again = analyze(load_corpus(folder))
    assert again.to_json() == first.to_json() and again.near == first.near
