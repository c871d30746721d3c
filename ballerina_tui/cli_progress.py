"""A Rich progress bar for long command-line work (index building, claim analysis).

Drawn on stderr, and only when stderr is a terminal: piped or redirected output gets
nothing extra. The bar shows the same figures as the app's progress line (count, rate,
time left) and disappears when the work is done.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ballerina_tui.progress import ProgressFn


def wants_progress(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


@contextmanager
def progress_bar(stream=None) -> Iterator[ProgressFn | None]:
    """Yield a ``progress(stage, done, total)`` callable drawing a bar, or ``None``."""
    stream = sys.stderr if stream is None else stream
    if not wants_progress(stream):
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    from ballerina_tui.progress_rate import STAGE_NAMES

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            shown = f"{speed:,.0f}" if speed is not None else "…"
            return Text(f"{shown} reviews/s", style="progress.data.speed")

    console = Console(file=stream, stderr=stream is sys.stderr, highlight=False)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        TextColumn("left"),
        console=console,
        transient=True,
    )
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(STAGE_NAMES.get(stage, stage), total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with bar:
        yield update
