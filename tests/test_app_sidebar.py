"""The review list at scale: filter (f) and sort (S) in the sidebar, with 30 reviews."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ballerina_tui.app.app import BallerinaApp


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reviews"
    folder.mkdir()
    for n in range(30):
        handle = f"fan{n:02d}" if n != 17 else "zelda"
        words = " ".join(["The heist is long and quiet."] * (n + 1))
        (folder / f"r{n:02d}.md").write_text(
            f"---\nid: r{n:02d}\nhandle: {handle}\nrating: {n % 10 + 1}/10\n---\n"
            f"Review {n} of the film\n\n{words}\n",
            encoding="utf-8",
        )
    return folder


def _ids(app) -> list[str]:
    reviews = app.screen.query_one("#reviews")
    return [reviews.get_option_at_index(i).id for i in range(reviews.option_count)]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BALLERINA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BALLERINA_TUI_DATA_DIR", str(tmp_path / "data"))


def test_filter_box_narrows_the_review_list_and_escape_brings_all_back(tmp_path, cache):
    async def run():
        app = BallerinaApp.for_folder(_folder(tmp_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            for _ in range(50):
                if len(_ids(app)) == 30:
                    break
                await pilot.pause(0.1)
            assert len(_ids(app)) == 30
            await pilot.press("f")
            assert app.focused.id == "review-filter"
            await pilot.press(*"zel")
            await pilot.pause()
            assert _ids(app) == ["r17"]
            assert "1/30" in str(app.screen.query_one("#reviews").border_title)
            await pilot.press("enter")
            assert app.focused.id == "reviews"
            assert app.screen.query_one("#reader").review.id == "r17"
            await pilot.press("f", "escape")
            await pilot.pause()
            assert len(_ids(app)) == 30

    asyncio.run(run())


def test_sort_key_cycles_rating_and_length(tmp_path, cache):
    async def run():
        app = BallerinaApp.for_folder(_folder(tmp_path))
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(50):
                if len(_ids(app)) == 30:
                    break
                await pilot.pause(0.1)
            app.screen.query_one("#reviews").focus()
            await pilot.press("S")  # by rating: the 10/10 reviews first
            ids = _ids(app)
            assert ids[:3] == ["r09", "r19", "r29"]
            assert "by rating" in str(app.screen.query_one("#reviews").border_title)
            await pilot.press("S")  # by length: the longest review first
            assert _ids(app)[0] == "r29" and _ids(app)[-1] == "r00"
            await pilot.press("S", "S")  # unique claims, then folder order again
            assert _ids(app) == [f"r{n:02d}" for n in range(30)]

    asyncio.run(run())


def test_counts_arrive_in_place_the_list_keeps_its_place(tmp_path, cache):
    """When the analysis lands the entries get their counts without the list being
    rebuilt: the same options, the highlighted review and the scroll position kept."""
    from ballerina_tui.app.widgets.review_entry import ReviewEntry

    async def run():
        app = BallerinaApp.for_folder(_folder(tmp_path), analyze_in_background=False)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(100):
                if len(_ids(app)) == 30:
                    break
                await pilot.pause(0.05)
            reviews = app.screen.query_one("#reviews")
            reviews.focus()
            for _ in range(20):
                await pilot.press("down")
            await pilot.pause()
            before = list(reviews.options)
            scroll, highlighted = reviews.scroll_y, reviews.highlighted
            assert scroll > 0 and highlighted == 20
            assert all("claims: …" in str(o.prompt) for o in before)
            from ballerina_tui.claims import analyze

            app.set_analysis(analyze(app.corpus))
            await pilot.pause()
            await pilot.pause()
            after = list(reviews.options)
            assert [id(o) for o in after] == [id(o) for o in before]
            assert (reviews.scroll_y, reviews.highlighted) == (scroll, highlighted)
            for option in after:
                assert isinstance(option.prompt, ReviewEntry)
                assert "unique" in str(option.prompt) and "claims: …" not in str(option.prompt)

    asyncio.run(run())
