"""The figures shown for long work: count, rate and time left (no Textual or Rich import).

The command line draws them with a Rich progress bar; the app shows :meth:`Rate.line` in
its status line. Both read the same ``progress(stage, done, total)`` calls
(:mod:`ballerina_tui.progress`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

STAGE_NAMES = {"load": "loading reviews", "index": "indexing", "claims": "analysing claims"}


def clock(seconds: float) -> str:
    """``75`` → ``1:15``; ``3700`` → ``1:01:40``."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class Rate:
    """Where a stage of long work stands, fed by ``progress(stage, done, total)`` calls."""

    stage: str = ""
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)
    now: float = 0.0

    def update(self, stage: str, done: int, total: int, *, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if stage != self.stage or done < self.done:
            self.stage, self.started = stage, now
        self.done, self.total, self.now = done, total, now

    @property
    def per_second(self) -> float | None:
        elapsed = self.now - self.started
        return self.done / elapsed if self.done and elapsed > 0 else None

    @property
    def seconds_left(self) -> float | None:
        rate = self.per_second
        if rate is None or self.total <= self.done:
            return None
        return (self.total - self.done) / rate

    def line(self) -> str:
        """``analysing claims 340/1,000 · 42 reviews/s · 0:15 left``."""
        if not self.stage:
            return ""
        bits = [f"{STAGE_NAMES.get(self.stage, self.stage)} {self.done:,}/{self.total:,}"]
        rate = self.per_second
        bits.append(f"{rate:,.0f} reviews/s" if rate is not None else "… reviews/s")
        left = self.seconds_left
        bits.append(f"{clock(left)} left" if left is not None else "–:–– left")
        return " · ".join(bits)
