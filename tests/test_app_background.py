"""The app's background work: progress line, quitting at once, ctrl+c (issues 10, 13, 14).

The analysis is replaced by a stand-in that reports progress and then blocks, so the
tests control where the work is when the user quits. Nothing here is timed.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from ballerina_tui.app.screens.main import StatusLine
from tests.test_app_support import make_app, wait_until

SIZE = (100, 32)


class StuckAnalysis:
    """An ``analyze`` that reports 5 of 10 reviews done, then blocks until released.

    ``cooperative`` makes it keep calling ``progress`` while it waits (so a cancel can
    stop it); otherwise it waits without ever calling back, like a long step with no
    progress reports.
    """

    def __init__(self, *, cooperative: bool) -> None:
        self.cooperative = cooperative
        self.started = threading.Event()
        self.release = threading.Event()
        self.finished = threading.Event()
        self.cancelled = threading.Event()

    def __call__(self, corpus, index=None, *, progress=None):
        from ballerina_tui.progress import Cancelled

        try:
            progress("claims", 5, 10)
            self.started.set()
            # Released by the test, or gives up after a while (an app that waits for
            # its work then still finishes, and the test fails instead of hanging).
            for _ in range(500):
                if self.release.wait(0.02):
                    break
                if self.cooperative:
                    progress("claims", 5, 10)
        except Cancelled:
            self.cancelled.set()
            raise
        finally:
            self.finished.set()
        raise RuntimeError("released")


@pytest.fixture
def stuck(monkeypatch):
    made: list[StuckAnalysis] = []

    def install(*, cooperative: bool) -> StuckAnalysis:
        fake = StuckAnalysis(cooperative=cooperative)
        monkeypatch.setattr("ballerina_tui.claims.analyze", fake)
        made.append(fake)
        return fake

    yield install
    for fake in made:
        fake.release.set()


def test_progress_line_shows_count_rate_and_time_left_while_the_app_stays_usable(stuck):
    fake = stuck(cooperative=True)

    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(fake.started.is_set, pilot)
            await wait_until(lambda: "5/10" in app.progress_line, pilot)
            status = app.screen.query_one(StatusLine)
            await wait_until(lambda: "5/10" in str(status.render()), pilot)
            line = str(status.render())
            assert "analysing claims 5/10" in line
            assert "reviews/s" in line and "left" in line
            # The rest of the app is usable meanwhile: search opens and answers.
            await pilot.press("slash")
            await pilot.press(*"ruska")
            await wait_until(lambda: app.screen.query_one("#results").option_count > 0, pilot)
            await pilot.press("escape")
            fake.release.set()
            await wait_until(lambda: app.progress_line == "", pilot)

    asyncio.run(go())


@pytest.mark.parametrize("key", ["q", "ctrl+q", "ctrl+c"])
def test_quitting_during_the_analysis_does_not_wait_for_it(stuck, key):
    # The stand-in never calls back while it waits: only a quit that does not wait for
    # the work lets the app finish before the work does.
    fake = stuck(cooperative=False)

    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(fake.started.is_set, pilot)
            await pilot.press(key)
            await pilot.pause()
        return app

    app = asyncio.run(go())
    assert app.return_code == 0
    assert not fake.finished.is_set()  # the app is gone while the work still runs
    fake.release.set()
    assert fake.finished.wait(5)


def test_quitting_cancels_work_that_reports_progress(stuck):
    fake = stuck(cooperative=True)

    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(fake.started.is_set, pilot)
            await pilot.press("q")
        return app

    asyncio.run(go())
    assert fake.cancelled.wait(5)  # Cancelled was raised inside the engine's loop


def test_first_ctrl_c_quits():
    async def go():
        app = make_app(analyze_in_background=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert not app.is_running
        return app

    assert asyncio.run(go()).return_code == 0


def test_ctrl_c_in_the_search_box_copies_a_selection_instead():
    async def go():
        app = make_app(analyze_in_background=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("slash")
            await pilot.press(*"ruska")
            search = app.screen.query_one("#query")
            search.select_all()
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert app.is_running
            assert app.clipboard == "ruska"

    asyncio.run(go())


def test_a_failing_index_is_reported_in_the_app_not_as_a_traceback(monkeypatch, capsys):
    def broken(self, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("ballerina_tui.index.ReviewIndex.ensure", broken)

    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(lambda: "disk full" in app.analysis_state, pilot)
            assert app.is_running
            status = str(app.screen.query_one(StatusLine).render())
            assert "background work failed: disk full" in status

    asyncio.run(go())
    assert "Traceback" not in capsys.readouterr().err
