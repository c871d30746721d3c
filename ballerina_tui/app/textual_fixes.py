"""A fix to the installed Textual, applied once when the app is imported.

A toast mounted after its notification's time is up froze the whole app. ``Toast`` starts
its timer with ``notification.time_left``, which is negative when the toast is made a
fraction of a millisecond after the toast rack checked that the notification had not
expired (a busy machine, many notifications at once). Textual's ``Timer`` with a negative
interval never awaits: its catch-up branch recomputes a count from a negative interval
forever, on the event loop's thread (seen in ``tests/test_hardening_terminal.py`` under
load: the test spun for over ten minutes). The toast's timeout is kept positive here, so
an expired toast goes at once.
"""

from __future__ import annotations

MIN_TOAST_SECONDS = 0.01  # an expired toast's time on screen


def apply() -> None:
    """Keep every toast's timeout positive (idempotent)."""
    from textual.widgets._toast import Toast

    mount = Toast.__dict__.get("_on_mount")
    if mount is None or getattr(mount, "_ballerina_fixed", False):
        return

    def _on_mount(self, event) -> None:
        self._timeout = max(self._timeout, MIN_TOAST_SECONDS)
        mount(self, event)

    _on_mount._ballerina_fixed = True  # type: ignore[attr-defined]
    Toast._on_mount = _on_mount  # type: ignore[method-assign]
