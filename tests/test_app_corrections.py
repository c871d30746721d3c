"""Pilot tests for the fan's corrections in the app: link picker, break, explain."""

from __future__ import annotations

import asyncio

from textual.widgets import OptionList

from ballerina_tui.app.screens.corrections import ExplainScreen, LinkPicker
from ballerina_tui.app.screens.diff import DiffScreen
from ballerina_tui.app.widgets.diffview import DiffView
from ballerina_tui.app.widgets.reader import Reader
from ballerina_tui.corrections import CorrectionStore
from tests.test_app_support import make_app, settle


def _text(screen) -> str:
    return str(screen.query_one("#explain-text").render())


def test_diff_link_picker_explain_and_break():
    async def go():
        app = make_app()
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("d")
            assert isinstance(app.screen, DiffScreen)
            await pilot.pause()
            view = app.screen.query_one(DiffView)
            while view.current_claims()[0].status != "unique":
                await pilot.press("j")
            claim = view.current_claims()[0]
            # Explain a unique claim: its nearest candidates per review, with scores.
            await pilot.press("w")
            await pilot.pause()
            assert isinstance(app.screen, ExplainScreen)
            text = _text(app.screen)
            assert claim.id in text and "Nearest not linked" in text and "Linked to" not in text
            await pilot.press("escape")
            # Link it to the first candidate of the picker.
            await pilot.press("l")
            await pilot.pause()
            assert isinstance(app.screen, LinkPicker)
            options = app.screen.query_one(OptionList)
            assert options.option_count >= 1
            first = options.get_option_at_index(0)
            assert "." in str(first.prompt).split()[0]  # starts with its score
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, DiffScreen)
            linked = app.analysis.claim(claim.id)
            assert not linked.unique and app.analysis.claim(first.id).group == linked.group
            assert [c.kind for c in CorrectionStore.for_corpus(app.corpus).items] == ["link"]
            # The diff now shows them in one shared row.
            row = next(r for r in view.visible_rows if r.group == linked.group)
            assert row.kind == "shared"
            # Explain on the shared row: what linked it (the fan).
            view.move_cursor(
                next(n for n, it in enumerate(view.items) if view.rows[it.data.row] is row)
            )
            await pilot.press("w")
            await pilot.pause()
            text = _text(app.screen)
            assert "Linked to" in text and "by you" in text and first.id in text
            await pilot.press("escape")
            # Break it again.
            await pilot.press("b")
            await pilot.pause()
            assert app.analysis.claim(claim.id).unique
            assert [c.kind for c in CorrectionStore.for_corpus(app.corpus).items] == ["unlink"]

    asyncio.run(go())


def test_reader_link_key():
    async def go():
        app = make_app()
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            reader = app.screen.query_one(Reader)
            reader.focus()
            for _ in range(60):
                span = reader.current_span
                if span is not None and span.claim and app.analysis.claim(span.claim).unique:
                    break
                await pilot.press("j")
            claim_id = reader.current_span.claim
            await pilot.press("l")
            await pilot.pause()
            assert isinstance(app.screen, LinkPicker)
            await pilot.press("escape")
            await pilot.pause()
            assert app.analysis.claim(claim_id).unique  # escape links nothing
            await pilot.press("l")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert not app.analysis.claim(claim_id).unique
            assert not reader.analysis.claim(claim_id).unique  # the reader was refreshed
            await pilot.press("b")
            await pilot.pause()
            assert app.analysis.claim(claim_id).unique

    asyncio.run(go())


def _review(folder, rid: str, body: str) -> None:
    (folder / f"{rid}.md").write_text(
        f"---\nid: {rid}\nhandle: {rid}\ntitle: T {rid}\nkind: analysis\n---\n\n"
        f"# T {rid}\n\n{body}\n",
        encoding="utf-8",
    )


def test_explain_and_picker_show_review_text_literally(tmp_path):
    """Review text that looks like markup is shown as written, never interpreted."""
    hostile = "The [bold red]score[/] by $accent composers is [link=x]loud[/link] and brash."
    _review(tmp_path, "one", hostile + " The heist scene runs thirty silent minutes.")
    _review(tmp_path, "two", "Some composers wrote a score that is never loud.")

    async def go():
        app = make_app(tmp_path)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            claim = next(c for c in app.analysis.claims if "[bold red]" in c.text)
            from ballerina_tui.app.screens.corrections import (
                break_link,
                open_explain,
                open_link_picker,
            )

            open_explain(app, claim.id)
            await pilot.pause()
            text = _text(app.screen)
            assert "[bold red]score[/]" in text and "[link=x]loud[/link]" in text
            await pilot.press("escape")
            await pilot.pause()
            other = next(c for c in app.analysis.claims if c.review == "two")
            break_link(app, other.id)  # the engine grouped them: break it, then pick
            await pilot.pause()
            open_link_picker(app, other.id)
            await pilot.pause()
            assert isinstance(app.screen, LinkPicker)
            prompts = [
                str(app.screen.query_one(OptionList).get_option_at_index(n).prompt)
                for n in range(app.screen.query_one(OptionList).option_count)
            ]
            assert any("[bold red]score[/]" in p for p in prompts)

    asyncio.run(go())
