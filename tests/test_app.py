"""Pilot tests of every flow of the app (App.run_test)."""

from __future__ import annotations

import asyncio

import pytest

from ballerina_tui.app.screens.cards import CardsScreen
from ballerina_tui.app.screens.dialogs import ExportScreen, HelpScreen, NoteScreen
from ballerina_tui.app.screens.diff import DiffScreen
from ballerina_tui.app.screens.highlights import HighlightsScreen
from ballerina_tui.app.screens.main import MainScreen
from ballerina_tui.app.screens.search import SearchScreen
from ballerina_tui.app.widgets.diffview import DiffView
from ballerina_tui.app.widgets.reader import Reader
from tests.test_app_support import FILM2, lines_text, make_app, settle

SIZE = (100, 32)


def run(coro):
    return asyncio.run(coro)


def test_startup_lists_reviews_and_fills_counts():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            reviews = app.screen.query_one("#reviews")
            assert reviews.option_count == len(app.corpus.reviews)
            await settle(app, pilot)
            assert app.analysis is not None
            first = reviews.get_option_at_index(0).prompt.plain
            assert app.corpus.reviews[0].handle in first
            assert "unique" in first and "shared" in first and "conflict" in first
            reader = app.screen.query_one(Reader)
            assert reader.review is app.corpus.reviews[0]
            assert app.corpus.reviews[0].title[:20] in lines_text(reader)

    run(go())


def test_reader_keys_marks_and_panes():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            reader = app.screen.query_one(Reader)
            assert reader.has_focus
            assert reader.cursor == 0
            await pilot.press("j", "j")
            assert reader.cursor == 2
            await pilot.press("k")
            assert reader.cursor == 1
            await pilot.press("G")
            assert reader.cursor == len(reader.items) - 1
            assert reader.scroll_y > 0
            await pilot.press("g")
            assert reader.cursor == 0
            await pilot.press("pagedown")
            await pilot.pause()
            assert reader.scroll_y > 0
            # Claim marks: glyphs inline, toggled with m.
            assert any(g in lines_text(reader) for g in "+=≠")
            with_marks = lines_text(reader)
            await pilot.press("m")
            assert lines_text(reader) != with_marks
            await pilot.press("m")
            assert lines_text(reader) == with_marks
            # tab to the sidebar, pick another review.
            await pilot.press("tab")
            sidebar = app.screen.query_one("#reviews")
            assert sidebar.has_focus
            await pilot.press("down")
            await pilot.pause()
            assert reader.review is app.corpus.reviews[1]

    run(go())


def test_search_live_results_enter_and_next_hit():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("slash")
            assert isinstance(app.screen, SearchScreen)
            await pilot.press(*"ruska")
            await settle(app, pilot)
            screen = app.screen
            results = screen.query_one("#results")
            assert results.option_count > 1
            status = screen.query_one("#search-status").render().plain
            assert "1/" in status and "passage" in status
            first_hit = screen.result.hits[0]
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            reader = app.screen.query_one(Reader)
            assert reader.review.id == first_hit.review
            assert reader.hits
            span = reader.current_span
            assert span.start <= reader.hits[0][0] < span.end or span.start == first_hit.start
            await pilot.press("n")
            assert app.search_position == 1
            second = app.search_result.hits[1]
            assert reader.review.id == second.review
            await pilot.press("N")
            assert app.search_position == 0

    run(go())


def test_search_enter_before_results_lands_on_hit_and_escape_closes():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("slash", *"winston", "enter")
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen)
            assert app.screen.query_one(Reader).hits
            await pilot.press("slash")
            assert isinstance(app.screen, SearchScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)

    run(go())


def test_search_bad_query_keeps_box_open_and_fuzzy_fallback():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("slash", *'"mother ruska', "enter")
            await settle(app, pilot)
            assert isinstance(app.screen, SearchScreen)
            status = app.screen.query_one("#search-status").render().plain
            assert "cannot search" in status and "quote" in status
            query = app.screen.query_one("#query")
            query.value = "Ruskka"
            await pilot.pause(0.3)
            await settle(app, pilot)
            status = app.screen.query_one("#search-status").render().plain
            assert "showing results for" in status
            assert app.screen.query_one("#results").option_count > 0

    run(go())


def test_cards_show_actors_and_jump_to_mention():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("c")
            assert isinstance(app.screen, CardsScreen)
            await pilot.pause()
            screen = app.screen
            first = screen.cards[0].character  # the most-mentioned first (issue 9)
            assert first.actor
            head = screen.query_one("#card-head").render().plain
            assert first.name in head and first.actor in head
            assert f"named by {len(app.corpus.reviews)} of {len(app.corpus.reviews)}" in head
            listed = screen.query_one("#characters").get_option_at_index(0).prompt
            assert first.actor in str(listed)  # the actor beside the name in the list
            await pilot.press("enter")  # into the card's items
            items = screen.query_one("#card-items")
            assert items.has_focus
            await pilot.press("down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            reader = app.screen.query_one(Reader)
            assert reader.current_span is not None

    run(go())


def test_diff_rows_filters_next_and_two_reviewers():
    async def go():
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(app, pilot)
            await pilot.press("d")
            assert isinstance(app.screen, DiffScreen)
            await pilot.pause()
            view = app.screen.query_one(DiffView)
            kinds = {row.kind for row in view.visible_rows}
            assert "unique" in kinds
            assert any(line.gutter.strip() == "+" for line in view.lines)
            legend = app.screen.query_one("#diff-legend").render().plain
            assert "+ unique" in legend and "= shared" in legend and "≠ conflicting" in legend
            await pilot.press("u")
            assert "unique" not in {row.kind for row in view.visible_rows}
            await pilot.press("u")
            await pilot.press("s")
            assert {row.kind for row in view.visible_rows} <= {"unique", "conflict"}
            await pilot.press("s")
            before = view.cursor
            await pilot.press("n")
            assert view.cursor > before or view.is_difference(view.visible_rows[0])
            # Only two reviewers.
            picker = app.screen.query_one("#reviewers")
            for rid in app.corpus.ids[2:]:
                picker.deselect(rid)
            # The views follow the ticks after a short debounce (keys are never lost).
            await pilot.pause(0.4)
            assert view.review_ids == app.corpus.ids[:2]
            header = app.screen.query_one("#diff-header").render().plain
            assert app.corpus.reviews[0].handle in header

    run(go())


def test_highlight_note_delete_and_export(tmp_path):
    async def go():
        app = make_app()
        app.export_dir = tmp_path
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            reader = app.screen.query_one(Reader)
            await pilot.press("j")
            span = reader.current_span
            await pilot.press("h")
            assert len(app.store.items) == 1
            kept = app.store.items[0]
            assert kept.review == span.review and kept.start == span.start
            assert app.store.path.exists()
            assert any("★" in line.gutter for line in reader.lines)
            # Again removes it; once more keeps it.
            await pilot.press("h")
            assert app.store.items == []
            await pilot.press("h")
            await pilot.press("H")
            assert isinstance(app.screen, HighlightsScreen)
            await pilot.press("o")
            assert isinstance(app.screen, NoteScreen)
            await pilot.press(*"my note", "enter")
            await pilot.pause()
            assert app.store.items[0].note == "my note"
            # Export: default name, then confirm before overwriting.
            await pilot.press("e")
            assert isinstance(app.screen, ExportScreen)
            await pilot.press("enter")
            await pilot.pause()
            target = tmp_path / "ballerina-highlights.md"
            text = target.read_text(encoding="utf-8")
            assert kept.text.split()[0] in text and "my note" in text and kept.id in text
            target.write_text("old", encoding="utf-8")
            await pilot.press("e", "enter")
            await pilot.pause()
            assert isinstance(app.screen, ExportScreen)
            assert "exists" in app.screen.query_one("#export-status").render().plain
            assert target.read_text(encoding="utf-8") == "old"
            await pilot.press("enter")
            await pilot.pause()
            assert target.read_text(encoding="utf-8") != "old"
            # Delete from the list.
            await pilot.press("x")
            assert app.store.items == []

    run(go())


def test_highlight_persists_across_runs():
    async def first():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("h")
        return app.store.items[0].id

    kept = run(first())

    async def second():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert [h.id for h in app.store.items] == [kept]
            assert any("★" in line.gutter for line in app.screen.query_one(Reader).lines)

    run(second())


def test_help_is_built_from_live_bindings_and_palette_has_actions():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            commands = {c.title for c in app.get_system_commands(app.screen)}
            assert {"Search", "Diff", "Characters", "Highlight", "Export", "Marks"} <= commands
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            keys = {row[1] for row in app.screen._rows}
            assert {"Highlight", "Marks", "Next hit", "Search"} <= keys
            await pilot.press("escape")
            await pilot.press("d")
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            assert "Next diff" in {row[1] for row in app.screen._rows}

    run(go())


def test_q_goes_back_then_quits():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            for key in ("d", "c", "H", "slash"):
                await pilot.press(key)
                assert not isinstance(app.screen, MainScreen)
                if key == "slash":
                    await pilot.press("escape")
                else:
                    await pilot.press("q")
                assert isinstance(app.screen, MainScreen)
            await pilot.press("q")
            await pilot.pause()
        assert app.return_code == 0

    run(go())


def test_hostile_review_text_stays_text(tmp_path):
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "evil.md").write_text(
        "---\nhandle: '[@click=app.quit]x'\ntitle: '[b]Bold[/b] title'\n---\n\n"
        "# [@click=app.quit]Heading\n\n"
        "A paragraph with [@click=app.quit]click me[/] and [red]red[/red] and \x1b[31mansi.\n",
        encoding="utf-8",
    )
    (folder / "zbad.md").write_bytes(b"not \xc3\x28 utf-8")

    async def go():
        app = make_app(folder)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            reader = app.screen.query_one(Reader)
            text = lines_text(reader)
            assert "[@click=app.quit]click me[/]" in text
            assert "[b]Bold[/b] title" in text
            assert "\x1b" not in text and "␛" in text
            sidebar = app.screen.query_one("#reviews").get_option_at_index(0).prompt.plain
            assert "[@click=app.quit]x" in sidebar
            # Clicking the text runs nothing.
            await pilot.click(Reader, offset=(5, 6))
            await pilot.pause()
            assert app.is_running
            await pilot.press("slash", *"click")
            await settle(app, pilot)
            prompt = app.screen.query_one("#results").get_option_at_index(0).prompt.plain
            assert "[@click=app.quit]" in prompt
            # The file that could not be loaded was reported.
            assert any("zbad.md" in n.message for n in app._notifications)

    run(go())


def test_second_film(tmp_path):
    async def go():
        app = make_app(FILM2)
        app.export_dir = tmp_path
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert app.analysis is not None
            await pilot.press("c")
            screen = app.screen
            # Cards come most-mentioned first (issue 9): find Holly's, whatever its place.
            names = [card.character.name for card in screen.cards]
            at = names.index("Holly Martins")
            listed = str(screen.query_one("#characters").get_option_at_index(at).prompt)
            assert "Joseph Cotten" in listed
            first = screen.cards[0].character
            head = screen.query_one("#card-head").render().plain
            assert first.name in head and (first.actor or "") in head
            await pilot.press("escape")
            await pilot.press("d")
            view = app.screen.query_one(DiffView)
            assert view.visible_rows
            await pilot.press("a")
            reader = app.screen.query_one(Reader)
            await pilot.press("h", "e", "enter")
            await pilot.pause()
            text = (tmp_path / "ballerina-highlights.md").read_text(encoding="utf-8")
            assert "film: The Third Man (1949)" in text
            assert reader.review.handle in text

    run(go())


@pytest.mark.parametrize("size", [(40, 12), (80, 24)])
def test_small_terminals_do_not_crash(size):
    async def go():
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            for keys in (
                ("j", "m", "h"),
                ("slash", *"wick", "enter"),
                ("n", "N"),
                ("c", "tab", "j"),
                ("d", "n", "right", "u"),
                ("H", "o", "escape"),
                ("e", "escape"),
                ("f1", "escape"),
                ("a",),
            ):
                await pilot.press(*keys)
                await settle(app, pilot)
            assert app.is_running

    run(go())


def test_no_color_is_respected(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")

    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert app.no_color
            # Status is still readable without colour: the glyphs carry it.
            prompt = app.screen.query_one("#reviews").get_option_at_index(0).prompt.plain
            assert "+" in prompt and "=" in prompt and "≠" in prompt

    run(go())
