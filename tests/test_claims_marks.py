"""One review's marks read ahead of the cached analysis (``claims/marks.py``, issue 10:
at 10,000 reviews the open review waited 12 s for its marks on a warm start).

The marks file must give each review exactly what the analysis marks, be found only for
the folder and characters it was made from, never lay spans on another text, and turn
anything it cannot read into "no preview". In the app, the preview shows before the
analysis lands and the analysis then replaces it. Nothing here is timed."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from itertools import islice

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballerina_tui.claims import analyze, marks
from ballerina_tui.claims import linking as linking_module
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex, folder_signature
from tests.test_app_support import hold, wait_until


def _analysed(folder):
    corpus = load_corpus(folder)
    index = ReviewIndex(corpus)
    return corpus, analyze(corpus, index)


def _name(folder, corpus):
    return marks.stamp(folder_signature(folder), corpus.characters_path)


def _rows(items) -> list[tuple]:
    return sorted(
        (
            c.id,
            c.start,
            c.end,
            c.status,
            tuple(islice(c.shared_with, marks.SHARED_KEPT)),
            c.shared_count,
            tuple(c.contradicts),
        )
        for c in items
    )


def test_the_marks_file_gives_each_review_what_the_analysis_marks(bundled_copy):
    corpus, analysis = _analysed(bundled_copy)
    name = _name(bundled_copy, corpus)
    assert marks.exists(name)
    statuses = set()
    for review in corpus.reviews:
        found = marks.load(name, review)
        assert found is not None and found.review == review.id
        assert _rows(found.for_review(review.id)) == _rows(analysis.for_review(review.id))
        assert found.for_review("someone-else") == []
        statuses |= {m.status for m in found.marks}
        for mark in found.marks:
            assert found.claim(mark.id) is mark
    # The bundled reviews have all three kinds: the comparison above covers each.
    assert statuses == {"unique", "shared", "conflict"}


def test_a_claim_of_another_review_is_known_by_its_review(bundled_copy):
    corpus, analysis = _analysed(bundled_copy)
    conflict = next(c for c in analysis.claims if c.contradicts)
    review = next(r for r in corpus.reviews if r.id == conflict.review)
    found = marks.load(_name(bundled_copy, corpus), review)
    other = found.claim(conflict.contradicts[0])
    assert other.review == analysis.claim(conflict.contradicts[0]).review
    with pytest.raises(KeyError):
        found.claim("no-colon-here")


def test_a_changed_folder_or_characters_file_finds_no_marks(bundled_copy):
    corpus, _analysis = _analysed(bundled_copy)
    before = _name(bundled_copy, corpus)
    path = corpus.reviews[1].path
    info = os.stat(path)
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    assert _name(bundled_copy, corpus) != before
    assert not marks.exists(_name(bundled_copy, corpus))

    corpus, _analysis = _analysed(bundled_copy)
    now = _name(bundled_copy, corpus)
    assert marks.exists(now)
    characters = corpus.characters_path
    assert characters is not None
    text = characters.read_text(encoding="utf-8")
    characters.write_text(text + "\n", encoding="utf-8")
    assert _name(bundled_copy, corpus) != now
    assert marks.stamp(None, characters) is None  # an index in memory: no marks file


def test_marks_are_never_laid_on_a_text_they_were_not_cut_from(bundled_copy):
    corpus, _analysis = _analysed(bundled_copy)
    name = _name(bundled_copy, corpus)
    review = corpus.reviews[0]
    assert marks.load(name, review) is not None
    assert marks.load(name, dataclasses.replace(review, digest="0" * 64)) is None
    assert marks.load(name, dataclasses.replace(review, id="not-in-the-folder")) is None
    # A span past the end of the text (the file was edited without the digest changing
    # is impossible, but a damaged marks file is not) is refused, not clipped.
    short = dataclasses.replace(review, text=review.text[:10])
    assert marks.load(name, short) is None


def test_a_warm_analysis_writes_a_missing_marks_file_without_recomputing(bundled_copy, monkeypatch):
    corpus, analysis = _analysed(bundled_copy)
    name = _name(bundled_copy, corpus)
    marks._path(name).unlink()
    monkeypatch.setattr(linking_module, "link_claims", _refuse)
    corpus, warm = _analysed(bundled_copy)
    assert marks.exists(name)
    review = corpus.reviews[2]
    assert _rows(marks.load(name, review).marks) == _rows(analysis.for_review(review.id))


def _refuse(*args, **kwargs):
    raise AssertionError("the analysis was recomputed")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A folder's marks file, its bytes and the corpus (made once for the fuzzing)."""
    import shutil

    from tests.conftest import ROOT

    base = tmp_path_factory.mktemp("marks")
    folder = base / "data" / "reviews"
    shutil.copytree(ROOT / "data", base / "data")
    cache = base / "cache"
    old = os.environ.get("BALLERINA_TUI_CACHE_DIR")
    os.environ["BALLERINA_TUI_CACHE_DIR"] = str(cache)
    try:
        corpus, _analysis = _analysed(folder)
        name = _name(folder, corpus)
        data = marks._path(name).read_bytes()
    finally:
        if old is None:
            del os.environ["BALLERINA_TUI_CACHE_DIR"]
        else:
            os.environ["BALLERINA_TUI_CACHE_DIR"] = old
    return corpus, data


def _check_loads_safely(corpus, data: bytes) -> None:
    name = "fuzzed"
    marks._path(name).parent.mkdir(parents=True, exist_ok=True)
    marks._path(name).write_bytes(data)
    for review in corpus.reviews:
        found = marks.load(name, review)
        if found is None:
            continue
        for mark in found.marks:
            assert 0 <= mark.start < mark.end <= len(review.text)
            assert mark.status in ("unique", "shared", "conflict")
            assert mark.review == review.id


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_damaged_marks_file_never_breaks_a_load(written, data):
    """Cut, flipped or spliced bytes: every load gives a sound preview or none."""
    corpus, good = written
    cut = data.draw(st.integers(0, len(good)))
    flips = data.draw(
        st.lists(st.tuples(st.integers(0, max(len(good) - 1, 0)), st.binary(max_size=6)))
    )
    damaged = bytearray(good[:cut] if data.draw(st.booleans()) else good)
    for at, junk in flips:
        if at < len(damaged):
            damaged[at : at + len(junk)] = junk
    _check_loads_safely(corpus, bytes(damaged))


_ROW_VALUES = st.one_of(
    st.integers(-5, 10**6),
    st.text(max_size=5),
    st.none(),
    st.lists(st.integers(-3, 3), max_size=3),
    st.floats(allow_nan=True),
)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(_ROW_VALUES, min_size=0, max_size=8), max_size=4))
def test_rows_of_any_shape_give_a_sound_preview_or_none(written, rows):
    import json

    corpus, _good = written
    review = corpus.reviews[0]
    line = json.dumps([review.digest, rows]).encode() + b"\n"
    header = json.dumps({"engine": marks_engine(), "reviews": {review.id: [0, len(line)]}}).encode()
    _check_loads_safely(corpus, header + b"\n" + line)


def marks_engine() -> str:
    from ballerina_tui.claims.cache import ENGINE_VERSION

    return ENGINE_VERSION


# --------------------------------------------------------------------------- the app


def _held_analysis(monkeypatch):
    """Make the app's analysis wait until the returned event is set."""
    import ballerina_tui.claims as claims_package

    return hold(monkeypatch, claims_package, "analyze")[0]


def test_the_open_review_is_marked_from_the_cache_before_the_analysis_lands(
    bundled_copy, monkeypatch
):
    from ballerina_tui.app.app import BallerinaApp
    from ballerina_tui.app.widgets.reader import Reader
    from ballerina_tui.claims.marks import ReviewMarks

    _corpus, analysis = _analysed(bundled_copy)
    release = _held_analysis(monkeypatch)
    app = BallerinaApp.for_folder(bundled_copy, blink=False)
    first = app.corpus.reviews[0]

    async def go() -> None:
        try:
            async with app.run_test(size=(110, 36)) as pilot:
                await wait_until(lambda: app.marks_at is not None, pilot)
                reader = app.main_screen.query_one(Reader)
                assert app.analysis is None
                assert isinstance(reader.analysis, ReviewMarks)
                preview = _rows(reader.analysis.for_review(first.id))
                assert preview == _rows(analysis.for_review(first.id))
                shown = "\n".join(line.text for line in reader.lines)
                assert any(glyph in shown for glyph in ("+", "=", "≠"))
                await pilot.press("down")  # onto a claim: the status line explains it
                await pilot.pause()
                status = str(app.main_screen.query_one("#status").render())
                assert any(
                    words in status
                    for words in ("only this reviewer", "shared with", "conflicts with")
                )
                release.set()
                await wait_until(lambda: app.analysis is not None, pilot)
                await pilot.pause()
                assert reader.analysis is app.analysis
                assert _rows(reader.analysis.for_review(first.id)) == preview
        finally:
            release.set()

    asyncio.run(go())


def test_no_preview_when_the_fan_has_corrections(bundled_copy, monkeypatch):
    from ballerina_tui.app.app import BallerinaApp
    from ballerina_tui.app.widgets.reader import Reader
    from ballerina_tui.corrections import UNLINK, ClaimRef, CorrectionStore, make_correction

    corpus, analysis = _analysed(bundled_copy)
    shared = next(c for c in analysis.for_review(corpus.reviews[0].id) if not c.unique)
    CorrectionStore.for_corpus(corpus).add(
        make_correction(UNLINK, ClaimRef(shared.review, shared.text, shared.start))
    )
    release = _held_analysis(monkeypatch)
    app = BallerinaApp.for_folder(bundled_copy, blink=False)

    async def go() -> None:
        try:
            async with app.run_test(size=(110, 36)) as pilot:
                await wait_until(lambda: not app.loading, pilot)
                await pilot.pause(0.3)
                assert app.main_screen.query_one(Reader).analysis is None
                assert app.marks_at is None
                release.set()
                await wait_until(lambda: app.analysis is not None, pilot)
                await wait_until(lambda: app.marks_at is not None, pilot)
                # The corrected analysis: the unlinked claim now stands alone.
                assert app.analysis.claim(shared.id).unique
        finally:
            release.set()

    asyncio.run(go())


def test_the_status_line_names_a_few_reviewers_and_counts_the_rest():
    from ballerina_tui.app.screens.main import NAMES_SHOWN, _listed

    names = [f"fan-{n}" for n in range(20)]
    assert _listed(names[:3]) == "fan-0, fan-1, fan-2"
    text = _listed(names)
    assert text.startswith(", ".join(names[:NAMES_SHOWN]))
    assert text.endswith(f"and {20 - NAMES_SHOWN} more")
    assert _listed(names[:2], 1_502) == "fan-0, fan-1 and 1,500 more"


def test_the_folder_spelled_another_way_finds_the_same_marks(bundled_copy, monkeypatch):
    """``claims`` run as ``--reviews reviews`` and the app started on the absolute path
    (or ``./reviews/``) are one folder: one signature, one marks file."""
    corpus, _analysis = _analysed(bundled_copy)
    name = _name(bundled_copy, corpus)
    monkeypatch.chdir(bundled_copy.parent)
    for spelled in ("reviews", "./reviews/", str(bundled_copy) + "/"):
        assert folder_signature(spelled) == folder_signature(bundled_copy)
        again = load_corpus(spelled)
        assert marks.stamp(folder_signature(spelled), again.characters_path) == name
        assert marks.load(name, again.reviews[0]) is not None


def test_a_preview_that_fails_leaves_the_analysis_to_run(bundled_copy, monkeypatch):
    from ballerina_tui.app.app import BallerinaApp

    _analysed(bundled_copy)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the preview")

    monkeypatch.setattr(marks, "load", broken)
    app = BallerinaApp.for_folder(bundled_copy, blink=False)

    async def go() -> None:
        async with app.run_test(size=(110, 36)) as pilot:
            await wait_until(lambda: app.analysis is not None, pilot)
            assert app.analysis_state == ""
            await wait_until(lambda: app.marks_at is not None, pilot)

    asyncio.run(go())
