"""Progress reporting and cancellation for long work (index building, claim analysis).

The engine takes an optional ``progress`` callable and calls it as work advances:
``progress(stage, done, total)`` where ``stage`` is a short word ("index", "claims"),
``done`` counts finished units (reviews) and ``total`` is how many there are. The
caller shows it (a Rich bar on the command line, a line in the app) and may raise
:class:`Cancelled` from inside the callable to stop the work: the engine then leaves
what it owns whole (an index writer is cancelled, nothing half-committed) and lets the
exception propagate. No Textual or Rich import here.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[str, int, int], None]


class Cancelled(Exception):
    """Raised by a progress callable to stop long work; the engine re-raises it."""


def report(progress: ProgressFn | None, stage: str, done: int, total: int) -> None:
    """Call ``progress`` if there is one."""
    if progress is not None:
        progress(stage, done, total)
