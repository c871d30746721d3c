"""The app started from a folder draws its first frame from one review and loads the rest
in the background, the sidebar growing batch by batch (issue 10: 10,000 reviews were all
loaded before the first frame). Nothing here is timed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import OptionList

from ballerina_tui.app.app import BallerinaApp
from ballerina_tui.corpus import CorpusError, ReviewStream, load_corpus
from tests.test_app_support import wait_until

SIZE = (100, 32)


def _folder(tmp_path: Path, count: int = 23) -> Path:
    folder = tmp_path / "reviews"
    folder.mkdir()
    for n in range(count):
        (folder / f"r{n:03d}.md").write_text(
            f"---\nid: r{n:03d}\nhandle: fan-{n}\n---\n\nReview number {n} of the film. "
            "The dancing was good and the ending was long.\n",
            encoding="utf-8",
        )
    (folder / "r005b.md").write_text("---\nid: [broken\n---\nx\n", encoding="utf-8")
    (folder / "r010b.md").write_text("---\nid: r010\n---\n\nA duplicate id.\n", encoding="utf-8")
    return folder


def test_the_stream_loads_what_load_corpus_loads(tmp_path):
    folder = _folder(tmp_path)
    whole = load_corpus(folder)
    stream = ReviewStream(folder)
    corpus = stream.start()
    assert len(corpus.reviews) == 1
    while not stream.done:
        corpus.reviews.extend(stream.next_batch(4))
    assert [r.id for r in corpus.reviews] == [r.id for r in whole.reviews]
    assert [str(p) for p in corpus.problems] == [str(p) for p in whole.problems]
    assert len(corpus.problems) == 2


def test_a_folder_without_a_loadable_review_is_refused_up_front(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "bad.md").write_text("---\nid: [x\n---\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="could not be loaded"):
        BallerinaApp.for_folder(empty)
    with pytest.raises(CorpusError, match="no such folder"):
        BallerinaApp.for_folder(tmp_path / "missing")


def test_the_first_frame_has_one_review_and_the_sidebar_grows(tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    monkeypatch.setattr(BallerinaApp, "LOAD_BATCH", 5)
    app = BallerinaApp.for_folder(folder, blink=False, analyze_in_background=False)
    assert len(app.corpus.reviews) == 1 and app.loading
    sizes: list[int] = []
    real = app._add_reviews

    def recording(corpus, batch):
        real(corpus, batch)
        sizes.append(app.main_screen.query_one("#reviews", OptionList).option_count)

    app._add_reviews = recording

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(lambda: not app.loading, pilot)
            await pilot.pause()
            sidebar = app.main_screen.query_one("#reviews", OptionList)
            ids = [sidebar.get_option_at_index(i).id for i in range(sidebar.option_count)]
            assert ids == [r.id for r in load_corpus(folder).reviews]
            assert app.corpus.reviews[0].id == "r000"
            assert app.first_frame_at is not None
            # Both problems were told, once each.
            shown = [n.message for n in app._notifications]
            assert sum("duplicate review id" in m for m in shown) == 1
            assert sum("malformed front matter" in m for m in shown) == 1

    asyncio.run(go())
    assert sizes == sorted(sizes) and len(sizes) == 5  # 22 more reviews, 5 at a time
    assert sizes[-1] == 23


def test_the_index_and_claims_follow_the_loading(tmp_path):
    folder = _folder(tmp_path, count=6)
    app = BallerinaApp.for_folder(folder, blink=False)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(lambda: app.index is not None, pilot)
            assert not app.loading
            # The index was built over the whole folder, not the first frame's one review.
            assert app.index.wanted().keys() == {r.id for r in load_corpus(folder).reviews}
            await wait_until(lambda: app.claims_version > 0, pilot)

    asyncio.run(go())
