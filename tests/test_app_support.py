"""Helpers shared by the app tests (no tests here)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FILM2 = FIXTURES / "film2"


def make_app(reviews: Path | None = None, **kwargs):
    from ballerina_tui.app.app import BallerinaApp
    from ballerina_tui.corpus import load_corpus

    return BallerinaApp(load_corpus(reviews), blink=False, **kwargs)


async def settle(app, pilot) -> None:
    """Wait until the index, the claim analysis and any search have landed."""
    for _ in range(5):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def lines_text(view) -> str:
    return "\n".join(line.text for line in view.lines)


async def quiet(app, pilot) -> None:
    """Settle and drop notifications (their timing would make snapshots flaky)."""
    await settle(app, pilot)
    app.clear_notifications()
    await pilot.pause()
