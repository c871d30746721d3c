"""A tmux pane on a private server, for tests that drive the real app in a terminal."""

from __future__ import annotations

import subprocess
import time
import uuid


class TmuxPane:
    """One session ``t`` on its own tmux server (``-L``), so the tests never see, or are
    seen by, another tmux server on the machine."""

    key_delay = 0.05
    wait_timeout = 15.0

    def __init__(self, prefix: str = "ballerina-test") -> None:
        self.socket = f"{prefix}-{uuid.uuid4().hex[:8]}"

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        ).stdout

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "t", "-l", text)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "t", key)
            time.sleep(self.key_delay)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, *needles: str, timeout: float | None = None) -> str:
        deadline = time.monotonic() + (timeout or self.wait_timeout)
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if all(n in text for n in needles):
                return text
            time.sleep(0.1)
        raise AssertionError(f"never saw {needles!r} on screen:\n{text}")

    def close(self) -> None:
        self.tmux("kill-server")
