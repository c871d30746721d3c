"""Pilot tests of the app's "Add review" dialog (key, palette, worker, sidebar)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input, OptionList, ProgressBar, Static

from ballerina_tui.app.screens.add_review import AddReviewScreen
from ballerina_tui.app.screens.main import MainScreen
from ballerina_tui.app.widgets.reader import Reader
from ballerina_tui.corpus import load_review
from tests.test_app_support import FILM2, lines_text, make_app, settle
from tests.webpages import WEB, blog_page

SIZE = (100, 32)
ROOT = Path(__file__).resolve().parent.parent


def run(coro):
    return asyncio.run(coro)


def status_text(app) -> str:
    return str(app.screen.query_one("#add-status", Static).render())


async def submit(pilot, text: str) -> None:
    source = pilot.app.screen.query_one(Input)
    source.value = text
    await pilot.press("enter")


def test_plus_adds_a_saved_page_and_it_lands_in_the_sidebar(bundled_copy, tmp_path):
    # A review of another film (the fixture corpus), as a blog page.
    review = load_review(FILM2 / "classic.md")
    page = tmp_path / "classic.html"
    page.write_text(blog_page(review, url="https://example.org/r"), encoding="utf-8")

    async def go():
        app = make_app(bundled_copy)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            before = app.screen.query_one("#reviews", OptionList).option_count
            await pilot.press("plus")
            assert isinstance(app.screen, AddReviewScreen)
            where = str(app.screen.query_one("#add-where", Static).render())
            assert str(bundled_copy) in where
            await submit(pilot, str(page))
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen), status_text(app)
            sidebar = app.screen.query_one("#reviews", OptionList)
            assert sidebar.option_count == before + 1
            new_id = app.corpus.reviews[sidebar.highlighted].id
            assert (bundled_copy / f"{new_id}.md").is_file()
            reader = app.screen.query_one(Reader)
            assert reader.review.id == new_id
            opening = review.block_text(next(b for b in review.blocks if b.kind == "paragraph"))
            assert opening.split()[0] in lines_text(reader)
            assert " ".join(opening.split()[:4]) in " ".join(lines_text(reader).split())
            # The analysis ran again, on the new corpus.
            assert app.analysis is not None
            assert app.analysis.counts(new_id) is not None
            assert app.index is not None and app.index.corpus is app.corpus

    run(go())


def test_a_failure_is_one_line_in_the_dialog_and_nothing_changes(bundled_copy):
    async def go():
        app = make_app(bundled_copy)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            files = sorted(p.name for p in bundled_copy.iterdir())
            await pilot.press("plus")
            await submit(pilot, str(WEB / "no-article.html"))
            await settle(app, pilot)
            assert isinstance(app.screen, AddReviewScreen)
            assert "nothing article-like" in status_text(app)
            assert not app.screen.query_one(ProgressBar).display
            assert not app.screen.query_one(Input).disabled
            # The same text as a review already there.
            await submit(pilot, str(WEB / "blog-critic.html"))
            await settle(app, pilot)
            assert "same text" in status_text(app)
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
            assert sorted(p.name for p in bundled_copy.iterdir()) == files
            assert len(app.corpus.reviews) == 4

    run(go())


def test_bundled_folder_sends_the_review_to_the_users_folder(_isolated_dirs):
    async def go():
        app = make_app()  # the bundled reviews: part of the package
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("plus")
            mine = _isolated_dirs / "data" / "reviews"
            where = str(app.screen.query_one("#add-where", Static).render())
            assert str(mine) in where and "read-only" in where
            await submit(pilot, str(WEB / "blog-critic.html"))
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen), status_text(app)
            assert app.corpus.root == mine
            assert [r.id for r in app.corpus.reviews] == ["jane-critic"]
            assert sorted(p.name for p in (ROOT / "data" / "reviews").iterdir()) == [
                "breakdown.md",
                "critic.md",
                "preview.md",
                "wickverse.md",
            ]

    run(go())


def test_hostile_page_text_is_never_markup(bundled_copy, tmp_path):
    review = load_review(ROOT / "data" / "reviews" / "preview.md")
    (bundled_copy / "preview.md").unlink()
    hostile = "[@click=app.quit]Click[/] [b]bold[/b] \x1b[31mred"
    page = blog_page(review, author=hostile).replace(
        '<h1 class="entry-title">', f'<h1 class="entry-title">{hostile} '
    )
    path = tmp_path / "hostile.html"
    path.write_text(page, encoding="utf-8")

    async def go():
        app = make_app(bundled_copy)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("plus")
            await submit(pilot, str(path))
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen)
            sidebar = app.screen.query_one("#reviews", OptionList)
            prompt = sidebar.get_option_at_index(sidebar.highlighted).prompt.plain
            assert "[@click=app.quit]Click[/]" in prompt
            await pilot.click("#reviews", offset=(10, 1 + 3 * sidebar.highlighted))
            await pilot.pause()
            assert app.is_running  # the [@click] was text, not an action

    run(go())


def test_palette_has_add_review_and_escape_cancels_a_running_import(bundled_copy):
    async def go():
        app = make_app(bundled_copy)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert "Add review" in titles
            await pilot.press("plus")
            screen = app.screen
            screen._importing = True  # as while a page downloads
            await pilot.press("escape")
            assert app.screen is screen and screen._cancel_requested
            assert "cancelling" in status_text(app)
            screen._stopped("cancelled: nothing was added", True)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)

    run(go())
