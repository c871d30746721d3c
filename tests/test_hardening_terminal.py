"""Hardening campaign, part 3: every screen, any terminal, hostile review text.

The app is driven with ``App.run_test`` over the hostile fixtures (plus a characters file
whose names and descriptions are markup and escapes). On every screen, at 40×12, 80×24 and
250×70, through bursts of resizes, in the dark and light themes and with ``NO_COLOR``:

- nothing crashes and the app keeps running;
- the composed screen holds no control, bidi-override or zero-width character (they are
  drawn as visible stand-ins) and no ``@click`` action that came from review text: the
  oracle reads the style metadata of every rendered segment, so markup that had been
  parsed anywhere would show up here even if nobody clicked it;
- clicking on the text runs nothing (no quit, no screenshot file);
- nothing is drawn in the colour of its own background.
"""

from __future__ import annotations

import asyncio
import shutil
import unicodedata
from pathlib import Path

import pytest

from ballerina_tui.app.screens.cards import CardsScreen
from ballerina_tui.app.screens.dialogs import ExportScreen, HelpScreen, NoteScreen
from ballerina_tui.app.screens.diff import DiffScreen
from ballerina_tui.app.screens.highlights import HighlightsScreen
from ballerina_tui.app.screens.main import MainScreen
from ballerina_tui.app.screens.search import SearchScreen
from tests.hostile.make_small import FOLDER
from tests.test_app_support import make_app, settle

SIZES = [(40, 12), (80, 24), (250, 70)]

HOSTILE_CHARACTERS = """\
film: "[@click=app.quit]Film[/] \x1b[31m"
characters:
  - id: director
    name: "[@click=app.quit]The Director"
    kind: "[b]character[/b]"
    actor: "[ @click=app.screenshot('x')]Anjelica"
    aliases: [Director, "[$accent @click=app.screenshot('y')]Ruska"]
    affiliation: "\\e]0;pwned\\a Ruska Roma"
    description: "Runs [red]everything[/red] \\e[2J and \\u202eright to left."
  - id: eve
    name: Eve
    aliases: [Rooney]
    description: "芭蕾舞者 🩰 with a very long description that has to wrap on a forty column terminal."
"""

# Characters that must never reach the terminal as themselves.
FORBIDDEN = {chr(c) for c in range(0x20)} | {chr(c) for c in range(0x7F, 0xA0)}
FORBIDDEN |= {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"}
FORBIDDEN |= {"\u2069", "\u200b", "\u200e", "\u200f", "\u061c", "\ufeff"}
HOSTILE_ACTIONS = ("app.quit", "app.screenshot")


def run(coro):
    return asyncio.run(coro)


@pytest.fixture
def hostile(tmp_path) -> Path:
    folder = tmp_path / "reviews"
    shutil.copytree(FOLDER, folder)
    (folder / "characters.yaml").write_text(HOSTILE_CHARACTERS, encoding="utf-8")
    return folder


@pytest.fixture
def guarded(monkeypatch, tmp_path):
    """Record any quit or screenshot action instead of running it; work in tmp_path."""
    from ballerina_tui.app.app import BallerinaApp

    calls: list[str] = []

    async def fake_quit(self):
        calls.append("quit")

    def fake_screenshot(self, filename=None, path=None):
        calls.append(f"screenshot {filename}")

    monkeypatch.setattr(BallerinaApp, "action_quit", fake_quit)
    monkeypatch.setattr(BallerinaApp, "action_screenshot", fake_screenshot)
    monkeypatch.chdir(tmp_path)
    return calls


# --------------------------------------------------------------------------- oracles


# Not WCAG's 4.5: the themes are Textual's. This catches text drawn in (nearly) its own
# background colour, which is what "unreadable" looked like before the fixes.
MIN_CONTRAST = 1.4


def contrast(a, b) -> float:
    """WCAG contrast ratio of two Rich colours (1.0: the same, 21: black on white)."""

    def luminance(colour) -> float:
        triplet = colour.get_truecolor()
        out = []
        for channel in triplet:
            c = channel / 255
            out.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def composed(app):
    """The screen as the terminal gets it: composed, then through the app's line filters
    (``NO_COLOR`` is one: it turns every colour to grey)."""
    from textual.color import Color

    strips = app.screen._compositor.render_strips()
    background = Color.parse(app.current_theme.background or "black")
    for line_filter in app.get_line_filters():
        strips = [strip.apply_filter(line_filter, background) for strip in strips]
    return strips


def check_screen(app, where: str) -> None:
    """The composed screen is readable and carries no action that came from review text."""
    from rich.cells import cell_len
    from textual.screen import ModalScreen

    # Behind a dialog the screen is faded on purpose: judge contrast inside the dialog.
    judged = app.screen.children[0].region if isinstance(app.screen, ModalScreen) else None
    for y, strip in enumerate(composed(app)):
        x = 0
        for segment in strip:
            text, style = segment.text, segment.style
            inside = judged is None or judged.contains(x, y)
            x += cell_len(text)
            bad = set(text) & FORBIDDEN
            assert not bad, f"{where}: raw {sorted(map(hex, map(ord, bad)))} on line {y}"
            if style is None:
                continue
            click = (style.meta or {}).get("@click")
            if click is not None:
                action = str(click)
                assert not any(h in action for h in HOSTILE_ACTIONS), (
                    f"{where}: review markup became an action {action!r} on line {y}: {text!r}"
                )
            # Words only: borders, scrollbars and shading are drawn dim on purpose.
            has_words = any(ch.isalnum() for ch in text)
            if inside and has_words and style.color is not None and style.bgcolor is not None:
                ratio = contrast(style.color, style.bgcolor)
                assert ratio >= MIN_CONTRAST, (
                    f"{where}: {text!r} is {style.color.name} on {style.bgcolor.name} "
                    f"(contrast {ratio:.2f}) on line {y}"
                )


async def click_on_text(pilot, needles=("@click", "pwned", "␛[")) -> int:
    """Click every cell where hostile text is drawn (and the cells just after it)."""
    clicks = 0
    screen = pilot.app.screen
    height = pilot.app.size.height
    for y, strip in enumerate(composed(pilot.app)):
        if y >= height - 1:  # the footer's keys are real bindings
            break
        line = "".join(segment.text for segment in strip)
        for needle in needles:
            start = line.find(needle)
            while start != -1:
                for x in (start, start + 1, start + len(needle)):
                    if pilot.app.screen is not screen or not pilot.app.is_running:
                        return clicks
                    await pilot.click(offset=(x, y))
                    clicks += 1
                start = line.find(needle, start + len(needle))
    return clicks


async def visit_every_screen(app, pilot, where: str) -> None:
    """Articles (every review), search, cards, diff, highlights, note, help, export."""
    await settle(app, pilot)
    assert isinstance(app.screen, MainScreen)
    for n in range(len(app.corpus.reviews)):
        app.screen.query_one("#reviews").highlighted = n
        await pilot.pause()
        await pilot.press("j", "G", "h")
        await pilot.pause()
        check_screen(app, f"{where} article {app.corpus.reviews[n].id}")
    for keys, screen_type in (
        (("slash", *"click"), SearchScreen),
        (("escape", "c"), CardsScreen),
        (("down", "tab", "j"), CardsScreen),
        (("d",), DiffScreen),
        (("n", "right", "n"), DiffScreen),
        (("H",), HighlightsScreen),
        (("o",), NoteScreen),
        (("escape", "f1"), HelpScreen),
        (("escape", "e"), ExportScreen),
    ):
        await pilot.press(*keys)
        await settle(app, pilot)
        assert isinstance(app.screen, screen_type), (keys, app.screen)
        check_screen(app, f"{where} {screen_type.__name__} after {keys}")
    await pilot.press("escape", "a")
    await pilot.pause()


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_at_every_size_with_hostile_reviews(hostile, guarded, size, tmp_path):
    async def go():
        app = make_app(hostile)
        app.export_dir = tmp_path
        async with app.run_test(size=size, notifications=True) as pilot:
            await visit_every_screen(app, pilot, f"{size}")
            assert app.is_running
        assert guarded == []
        assert not list(tmp_path.glob("*.svg")) and not (tmp_path / "x").exists()

    run(go())


def test_every_skipped_file_is_shown_in_the_app_with_file_and_line(hostile):
    from ballerina_tui.corpus import load_corpus
    from tests.hostile.make_small import REJECTS

    async def go():
        app = make_app(hostile)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            messages = [n.message for n in app._notifications]
            for name, (_data, line) in REJECTS.items():
                assert sum(m.startswith(f"{name}:{line}: ") for m in messages) == 1, name
            assert len(load_corpus(hostile).problems) == len(REJECTS)

    run(go())


def test_clicking_all_over_hostile_text_runs_nothing(hostile, guarded, tmp_path):
    async def go():
        app = make_app(hostile)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            clicks = 0
            for rid in ("markup", "escapes"):
                app.screen.query_one("#reviews").highlighted = app.corpus.ids.index(rid)
                await pilot.pause()
                clicks += await click_on_text(pilot)
                await pilot.pause()
                assert app.is_running
                assert isinstance(app.screen, MainScreen)
            for key in ("c", "d", "H"):
                await pilot.press("escape", "a", key)
                await settle(app, pilot)
                clicks += await click_on_text(pilot)
                await settle(app, pilot)
                assert app.is_running
            await pilot.press("escape", "a", "slash", *"click")
            await settle(app, pilot)
            clicks += await click_on_text(pilot)
            assert app.is_running
        assert clicks > 20
        assert guarded == []
        assert not list(tmp_path.rglob("*.svg"))

    run(go())


@pytest.mark.parametrize("theme", ["textual-light", "no-color"])
def test_light_theme_and_no_color_through_a_burst_of_resizes(hostile, guarded, theme, monkeypatch):
    if theme == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")

    async def go():
        from textual.events import Resize
        from textual.geometry import Size

        app = make_app(hostile)
        async with app.run_test(size=(80, 24)) as pilot:
            if theme != "no-color":
                app.theme = theme
            else:
                assert app.no_color
            await settle(app, pilot)
            for key in ("a", "slash", "c", "d", "H", "f1", "e"):
                if key != "a":
                    await pilot.press("escape", "a", key)
                await settle(app, pilot)
                # A burst: many resizes queued before the app gets to draw any of them.
                for width, height in [(40, 12), (250, 70), (41, 13), (120, 30), (39, 11)] * 3:
                    app._driver._size = Size(width, height)
                    app.post_message(Resize(Size(width, height), Size(width, height)))
                for width, height in SIZES + [(20, 6), (80, 24)]:
                    await pilot.resize_terminal(width, height)
                    await pilot.pause()
                    check_screen(app, f"{theme} {type(app.screen).__name__} {width}x{height}")
                    if theme == "no-color":
                        colours = {
                            colour.get_truecolor()
                            for strip in composed(app)
                            for seg in strip
                            if seg.style is not None
                            for colour in (seg.style.color, seg.style.bgcolor)
                            if colour is not None and not colour.is_default
                        }
                        assert all(r == g == b for r, g, b in colours), colours
            assert app.is_running
        assert guarded == []

    run(go())


def test_notifications_and_titles_with_hostile_file_names(tmp_path, guarded):
    """A file name is hostile text too: it shows up in the skipped-file notification."""
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "good.md").write_text("# Good\n\nThe Director trains Eve.\n", encoding="utf-8")
    (folder / "[@click=app.quit]bad\x1b[31m.md").write_bytes(b"caf\xe9\n")
    (folder / "[$accent @click=app.screenshot('z')]x.md").write_bytes(b"\x00")

    async def go():
        app = make_app(folder)
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await settle(app, pilot)
            check_screen(app, "notifications")
            assert await click_on_text(pilot, ("@click",)) > 0
            await pilot.pause()
            assert app.is_running
        assert guarded == []

    run(go())


def test_wide_text_keeps_the_diff_columns_aligned(tmp_path):
    """Emoji and CJK take two cells: the column separators still line up in every row."""
    from rich.cells import cell_len

    from ballerina_tui.app.widgets.diffview import SEPARATOR, DiffView

    folder = tmp_path / "reviews"
    folder.mkdir()
    shared = "The Director trains Eve in the old theatre every night."
    (folder / "a.md").write_text(
        f"# A\n\n{shared}\n\n芭蕾舞者 🩰 Eve 全く素晴らしい 😀👍🏽 dances with 伊芙 in Prague at dawn.\n",
        encoding="utf-8",
    )
    (folder / "b.md").write_text(
        f"# B\n\n{shared}\n\n한국어 텍스트 👨‍👩‍👧‍👦 Winston never leaves the Continental hotel lobby.\n",
        encoding="utf-8",
    )

    async def go():
        app = make_app(folder)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("d")
            await settle(app, pilot)
            view = app.screen.query_one(DiffView)
            assert view.lines
            positions = set()
            for line in view.lines:
                if SEPARATOR.strip() in line.text:
                    at = line.text.index(SEPARATOR.strip())
                    positions.add(cell_len(line.text[:at]))
            assert len(positions) == 1, positions
            for line in view.lines:
                assert cell_len(line.text) <= view.text_width
                assert not any(unicodedata.category(ch) == "Cc" for ch in line.text)

    run(go())
