"""The agreement view (issue 9) and the reviewer picker (issue 14) at thirty reviewers."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballerina_tui.agreement import (
    agreement_rows,
    distinct_labels,
    filter_rows,
    headline,
    parse_filter,
)
from ballerina_tui.app.screens.diff import DiffScreen
from ballerina_tui.app.screens.main import MainScreen
from ballerina_tui.app.widgets.agreement import TICK, ReviewerPicker
from ballerina_tui.app.widgets.diffview import DiffView
from ballerina_tui.corpus import load_corpus
from tests.agreement_support import SHARED, write_thirty
from tests.test_app_support import make_app, open_screen


@pytest.fixture(scope="module")
def thirty(tmp_path_factory):
    return write_thirty(tmp_path_factory.mktemp("films") / "thirty")


@pytest.fixture(scope="module")
def analysis(thirty, tmp_path_factory):
    from ballerina_tui.claims import analyze
    from ballerina_tui.index import ReviewIndex

    corpus = load_corpus(thirty)
    return analyze(corpus, ReviewIndex(corpus, root=tmp_path_factory.mktemp("cache")))


def run(coro):
    asyncio.run(coro)


# --------------------------------------------------------------------------- engine


def test_rows_count_reviewers_most_agreed_first(analysis):
    rows = agreement_rows(analysis)
    assert rows[0].label == "12 of 30"
    assert rows[0].claim.text.startswith(SHARED[0][1].rstrip("."))
    assert [r.count for r in rows] == sorted((r.count for r in rows), reverse=True)
    # Every claim is in exactly one row.
    assert sorted(c.id for r in rows for c in r.claims) == sorted(c.id for c in analysis.claims)
    top = headline(rows)
    assert top["consensus"][0] is rows[0]
    assert top["unique"] == sum(1 for r in rows if r.count == 1) >= 28


def test_rows_for_some_reviewers_count_only_them(analysis):
    ids = [r.id for r in analysis.reviews][:6]
    rows = agreement_rows(analysis, ids)
    assert rows[0].label == "6 of 6"
    assert all(set(r.reviews) <= set(ids) for r in rows)


def test_filters_kind_reviewer_character_and_text(analysis):
    rows = agreement_rows(analysis)
    handles = {r.id: r.handle for r in analysis.reviews}
    assert all(r.status == "unique" for r in filter_rows(rows, kinds={"unique"}))
    by = filter_rows(rows, reviewer="critic-29", handles=handles)
    assert by and all("r29" in r.reviews for r in by)
    words = filter_rows(rows, text="SILENT robbery")
    assert [r.count for r in words] == [12]
    assert filter_rows(rows, text="no such words anywhere") == []
    assert parse_filter("by:critic-02 char:Ines  silent") == {
        "reviewer": "critic-02",
        "character": "Ines",
        "text": "silent",
    }


def test_filter_by_character_uses_discovered_names(thirty, analysis):
    from ballerina_tui.characters import corpus_characters

    corpus = load_corpus(thirty)
    characters = corpus_characters(corpus)
    rows = agreement_rows(analysis)
    about = filter_rows(rows, character="Ines", characters=characters)
    assert [r.count for r in about] == [7]


def test_distinct_labels_keep_handles_apart():
    handles = [f"user-{n}" for n in range(1640, 1670)]
    for width in (4, 6, 8):
        cut = distinct_labels(handles, width)
        assert all(len(c) <= width for c in cut)
        assert len(set(cut)) == len(handles), width
    assert distinct_labels(["ann", "bob"], 8) == ["ann", "bob"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_filter_box_takes_any_text(analysis, text):
    rows = agreement_rows(analysis)
    wanted = parse_filter(text)
    out = filter_rows(rows, **wanted)
    assert set(map(id, out)) <= set(map(id, rows))


# --------------------------------------------------------------------------- app


def _prompts(option_list) -> list[str]:
    return [str(option_list.get_option_at_index(n).prompt) for n in range(option_list.option_count)]


def test_agreement_view_at_thirty_reviewers(thirty):
    async def go():
        app = make_app(thirty)
        async with app.run_test(size=(110, 34)) as pilot:
            screen = await open_screen(app, pilot, "d")
            assert isinstance(screen, DiffScreen)
            assert screen.mode == "agreement"
            assert not screen.query_one(DiffView).display
            rows = screen.query_one("#agreement-rows")
            assert rows.has_focus
            prompts = _prompts(rows)
            assert "12 of 30" in prompts[0]
            assert SHARED[0][1].rstrip(".") in prompts[0]  # the claim in full
            header = screen.query_one("#diff-header").render().plain
            assert header.startswith("Most agree: 12 of 30")
            legend = screen.query_one("#diff-legend").render().plain
            assert "said by only one" in legend
            # Only unique claims, then back.
            await pilot.press("s", "x")
            assert all(r.count == 1 for r in screen.rows)
            await pilot.press("s", "x")
            # Filter by text.
            await pilot.press("slash", *"beach")
            await pilot.pause()
            assert [r.count for r in screen.rows] == [5]
            await pilot.press("enter")  # back to the rows
            await pilot.press("enter")  # open the row: each reviewer's words
            await pilot.pause()
            detail = screen.query_one("#agreement-detail")
            assert detail.display and detail.has_focus
            words = _prompts(detail)
            assert len(words) == 1 + 5
            assert "critic-00" in words[1] and "beach" in words[1]
            await pilot.press("escape")
            assert rows.has_focus and not detail.display
            await pilot.press("enter", "down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)

    run(go())


def test_hostile_handles_stay_text_in_the_agreement_view(thirty):
    async def go():
        app = make_app(thirty)
        async with app.run_test(size=(110, 34)) as pilot:
            screen = await open_screen(app, pilot, "d")
            picker = screen.query_one(ReviewerPicker)
            listed = _prompts(picker)
            assert any("[bold-red]mark[/]up" in p for p in listed)  # markup shown as text
            assert not any("\x1b" in p or "\x07" in p for p in listed)
            await pilot.press("slash", *"reef")  # a filter that matches nothing
            await pilot.pause()
            assert screen.rows == []
            await pilot.press(*["backspace"] * 4, "enter")
            await pilot.pause()
            assert len(screen.rows) > 30
            header = screen.query_one("#diff-header").render().plain
            assert "\x1b" not in header and "\x07" not in header

    run(go())


def test_picker_tick_glyph_all_none_only_and_fast_toggles(thirty):
    async def go():
        app = make_app(thirty)
        async with app.run_test(size=(110, 34)) as pilot:
            screen = await open_screen(app, pilot, "d")
            picker = screen.query_one(ReviewerPicker)
            picker.focus()
            await pilot.pause()
            line = picker.render_line(0).text
            assert TICK in line  # a glyph, not only a colour
            await pilot.press("n")  # none
            await pilot.pause()
            assert screen.chosen == set()
            assert TICK not in picker.render_line(0).text
            # Two toggles in a row, pressed at once: neither is lost.
            await pilot.press("space", "down", "space")
            await pilot.pause(0.4)
            assert len(screen.chosen) == 2
            assert screen.mode == "columns"
            assert screen.query_one(DiffView).display
            assert len(screen.query_one(DiffView).review_ids) == 2
            await pilot.press("o")  # only this one
            await pilot.pause(0.4)
            assert len(screen.chosen) == 1
            await pilot.press("a")  # all
            await pilot.pause(0.4)
            assert len(screen.chosen) == 30 and screen.mode == "agreement"
            # Many fast toggles: each one lands.
            await pilot.press("n", *(["space", "down"] * 9))
            await pilot.pause(0.4)
            assert len(screen.chosen) == 9

    run(go())


def test_picker_filter_keeps_hidden_ticks(thirty):
    async def go():
        app = make_app(thirty)
        async with app.run_test(size=(110, 34)) as pilot:
            screen = await open_screen(app, pilot, "d")
            screen.query_one("#reviewer-filter").focus()
            await pilot.press(*"critic-1")
            await pilot.pause()
            picker = screen.query_one(ReviewerPicker)
            assert picker.option_count == 10
            picker.focus()
            await pilot.press("space")
            await pilot.pause(0.4)
            assert len(screen.chosen) == 29  # the twenty hidden ones kept their ticks

    run(go())


def test_a_large_picker_is_filtered_once_typing_pauses(thirty, monkeypatch):
    """From the size where screen work goes to a thread (lowered here), the reviewer list
    is refilled once typing pauses, not once per key; Enter refills it at once."""
    from ballerina_tui.app.screens import diff as diff_screen

    monkeypatch.setattr(diff_screen, "worth_a_thread", lambda reviews: True)
    monkeypatch.setattr(diff_screen, "FILTER_PAUSE", 1.0)  # every key lands within it
    fills: list[str] = []
    real = ReviewerPicker.fill

    def counted(self, reviews, colour_of, chosen, text=""):
        fills.append(text)
        real(self, reviews, colour_of, chosen, text)

    monkeypatch.setattr(ReviewerPicker, "fill", counted)

    async def go():
        app = make_app(thirty)
        async with app.run_test(size=(110, 34)) as pilot:
            screen = await open_screen(app, pilot, "d")
            picker = screen.query_one(ReviewerPicker)
            screen.query_one("#reviewer-filter").focus()
            fills.clear()
            await pilot.press(*"critic-1")
            await pilot.pause(1.3)
            assert fills == ["critic-1"]
            assert picker.option_count == 10
            await pilot.press("backspace", "backspace", "enter")
            await pilot.pause()
            assert fills == ["critic-1", "critic"]
            matching = [
                r
                for r in app.corpus.reviews
                if "critic" in r.handle.casefold() or "critic" in r.id.casefold()
            ]
            assert picker.option_count == len(matching) > 10 and picker.has_focus

    run(go())


def test_the_agreement_view_lays_out_the_first_rows_and_counts_the_rest(thirty, monkeypatch):
    """At 10,000 reviews there are over 100,000 rows: the first LISTED_ROWS (lowered here)
    are listed, a last line counts the others, and filtering brings any of them in."""
    from ballerina_tui.app.screens import diff as diff_screen

    monkeypatch.setattr(diff_screen, "LISTED_ROWS", 3)

    async def go():
        app = make_app(thirty)
        async with app.run_test(size=(110, 34)) as pilot:
            screen = await open_screen(app, pilot, "d")
            prompts = _prompts(screen.query_one("#agreement-rows"))
            assert len(screen.rows) > 3 and len(prompts) == 4
            assert (
                prompts[3]
                == f"… and {len(screen.rows) - 3:,} more rows: narrow them with the filter (/)"
            )
            assert "12 of 30" in prompts[0]
            await pilot.press("slash", *"beach")
            await pilot.pause()
            assert [r.count for r in screen.rows] == [5]
            assert len(_prompts(screen.query_one("#agreement-rows"))) == 1

    run(go())


def test_large_folders_gather_the_rows_off_the_ui_thread(thirty, monkeypatch):
    """From BACKGROUND_FROM reviews (lowered here) the rows are gathered in a daemon
    thread: the view says so, the app answers meanwhile, and the rows then arrive as the
    synchronous path gives them."""
    from ballerina_tui import agreement
    from ballerina_tui.app import background
    from tests.test_app_support import hold, wait_until

    monkeypatch.setattr(background, "BACKGROUND_FROM", 1)
    release, real = hold(monkeypatch, agreement, "agreement_rows")

    async def go():
        app = make_app(thirty)
        try:
            async with app.run_test(size=(110, 34)) as pilot:
                screen = await open_screen(app, pilot, "d")
                assert _prompts(screen.query_one("#agreement-rows")) == ["Gathering the claims…"]
                await pilot.press("down", "up")  # the app answers meanwhile
                release.set()
                await wait_until(lambda: screen.rows, pilot)
                prompts = _prompts(screen.query_one("#agreement-rows"))
                assert "12 of 30" in prompts[0]
                expected = real(app.analysis, [r.id for r in app.corpus.reviews])
                assert [r.group for r in screen._all_rows] == [r.group for r in expected]
        finally:
            release.set()

    run(go())
