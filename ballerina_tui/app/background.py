"""Slow work off the UI thread, in a daemon thread the app never waits for at exit.

Textual's thread workers run in asyncio's default executor, and the process waits for
that executor when it exits: a screen that started 20 s of work just before ``q`` kept the
app alive until it ended. :func:`in_daemon_thread` runs the call in a daemon thread and
lets an async worker await its result.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

# From this many reviews a screen's slow work (the cards: about 2 ms a review; the diff's
# rows: 0.2 ms) goes to a daemon thread, the screen saying so meanwhile; below, at once.
BACKGROUND_FROM = 200


def worth_a_thread(reviews: int) -> bool:
    return reviews >= BACKGROUND_FROM


async def in_daemon_thread(name: str, fn, *args):
    """``fn(*args)`` in a daemon thread named ``name``; its result (or its exception)."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result, error) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        try:
            result, error = fn(*args), None
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is gone: the app has exited
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
