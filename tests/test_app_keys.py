"""``j``/``k`` (and ``g``/``G``) move in every list of these screens (issue 14)."""

from __future__ import annotations

import asyncio

from ballerina_tui.app.screens.highlights import HighlightsScreen
from ballerina_tui.app.screens.search import SearchScreen
from tests.test_app_support import make_app, settle

SIZE = (100, 32)


def test_j_and_k_move_in_the_review_list():
    async def go():
        app = make_app(analyze_in_background=False)
        async with app.run_test(size=SIZE) as pilot:
            reviews = app.screen.query_one("#reviews")
            reviews.focus()
            await pilot.pause()
            assert reviews.highlighted == 0
            await pilot.press("j", "j")
            assert reviews.highlighted == 2
            # The reader follows the list.
            await pilot.pause()
            assert app.screen.query_one("#reader").review is app.corpus.reviews[2]
            await pilot.press("k")
            assert reviews.highlighted == 1
            await pilot.press("G")
            assert reviews.highlighted == len(app.corpus.reviews) - 1
            await pilot.press("g")
            assert reviews.highlighted == 0

    asyncio.run(go())


def test_j_and_k_move_in_search_results_but_type_in_the_box():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)  # the index is there
            await pilot.press("slash", *"john")  # j and k in the box are letters
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            assert screen.query_one("#query").value == "john"
            results = screen.query_one("#results")
            await settle(app, pilot)
            assert results.option_count > 3
            await pilot.press("down")  # into the results
            assert results.has_focus
            await pilot.press("j")
            first = results.highlighted
            assert first is not None
            await pilot.press("j", "j")
            assert results.highlighted == first + 2
            await pilot.press("k")
            assert results.highlighted == first + 1
            assert screen.query_one("#query").value == "john"

    asyncio.run(go())


def test_j_and_k_move_in_the_highlights_list():
    async def go():
        app = make_app(analyze_in_background=False)
        async with app.run_test(size=SIZE) as pilot:
            for review in app.corpus.reviews[:3]:
                block = next(b for b in review.blocks if b.kind == "paragraph")
                app.toggle_highlight(review.id, block.start, block.end)
            await pilot.press("H")
            await pilot.pause()
            assert isinstance(app.screen, HighlightsScreen)
            view = app.screen.query_one("#highlights")
            assert view.has_focus and view.highlighted == 0
            await pilot.press("j", "j")
            assert view.highlighted == 2
            await pilot.press("k")
            assert view.highlighted == 1

    asyncio.run(go())


def test_j_and_k_move_in_the_card_list_and_the_diff_pickers():
    async def go():
        from ballerina_tui.app.screens.cards import CardsScreen
        from ballerina_tui.app.screens.corrections import LinkPicker

        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("c")
            await pilot.pause()
            assert isinstance(app.screen, CardsScreen)
            cards = app.screen.query_one("#characters")
            assert cards.has_focus and cards.option_count > 3
            start = cards.highlighted or 0
            await pilot.press("j", "j")
            assert cards.highlighted == start + 2
            await pilot.press("k")
            assert cards.highlighted == start + 1
            await pilot.press("escape", "d")
            await pilot.pause()
            picker = app.screen.query_one("#reviewers")
            picker.focus()
            await pilot.pause()
            before = picker.highlighted or 0
            await pilot.press("j")
            assert picker.highlighted == before + 1
            await pilot.press("k")
            assert picker.highlighted == before
            await pilot.press("tab")  # to the claim columns
            await pilot.press("l")
            await pilot.pause()
            assert isinstance(app.screen, LinkPicker)
            options = app.screen.query_one("#link-options")
            assert options.option_count > 2
            first = options.highlighted or 0
            await pilot.press("j")
            assert options.highlighted == first + 1

    asyncio.run(go())
