"""A fix to the installed Textual, applied once when the app is imported.

Textual's ``Timer`` with an interval of zero or less never awaits: its catch-up branch
recomputes a count from that interval forever, on the event loop's thread, and the app
freezes. A toast gives its timer ``notification.time_left``, which is negative when the
toast is made a fraction of a millisecond after the toast rack checked that the
notification had not expired (a busy machine, many notifications at once): seen in
``tests/test_hardening_terminal.py`` under load, where the test spun for over ten minutes.
Every timer's interval is kept positive here, so a timer already due fires at once.
"""

from __future__ import annotations

MIN_INTERVAL = 0.01  # seconds: what a timer already due (interval <= 0) waits


def apply() -> None:
    """Keep every Textual timer's interval positive (idempotent)."""
    from textual.timer import Timer

    init = Timer.__init__
    if getattr(init, "_ballerina_fixed", False):
        return

    def __init__(self, event_target, interval: float, *args, **kwargs) -> None:
        init(self, event_target, interval, *args, **kwargs)
        if not self._interval > 0:  # also NaN
            self._interval = MIN_INTERVAL

    __init__._ballerina_fixed = True  # type: ignore[attr-defined]
    Timer.__init__ = __init__  # type: ignore[method-assign]
