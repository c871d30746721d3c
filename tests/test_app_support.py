"""Helpers shared by the app tests (no tests here)."""

from __future__ import annotations

import threading
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


async def open_screen(app, pilot, key: str):
    """Settle, press ``key`` (the binding that opens a screen) and return the screen."""
    await settle(app, pilot)
    await pilot.press(key)
    await pilot.pause()
    return app.screen


async def wait_until(predicate, pilot, limit: int = 1500) -> None:
    """Pause ``pilot`` 20 ms at a time until ``predicate()`` holds (at most ``limit``
    times, then fail)."""
    for _ in range(limit):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never became true")


def hold(monkeypatch, owner, name: str):
    """Make ``owner.name`` wait (30 s at most) until the returned event is set; returns
    ``(event, the function it stands for)``. Set the event in a ``finally``."""
    release = threading.Event()
    real = getattr(owner, name)

    def held(*args, **kwargs):
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)
    return release, real


def lines_text(view) -> str:
    return "\n".join(line.text for line in view.lines)


async def quiet(app, pilot) -> None:
    """Settle and drop notifications (their timing would make snapshots flaky)."""
    await settle(app, pilot)
    app.clear_notifications()
    await pilot.pause()
