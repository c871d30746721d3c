"""Hardening campaign, part 3b: the real app in a real terminal (tmux) on hostile reviews.

``q``, ``ctrl+c`` and ``ctrl+q`` must each leave the terminal sane: back on the normal
screen, cursor visible, mouse reporting off, the line discipline cooked with echo, and the
shell usable. Skipped where tmux is missing (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys

import pytest

from tests.hostile.make_small import FOLDER
from tests.tmux_support import TmuxPane

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Pane(TmuxPane):
    key_delay = 0.1
    wait_timeout = 30.0

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__("ballerina-hard")
        self.env = env

    def start(self, width: int = 100, height: int = 30) -> None:
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        self.tmux(
            "new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height),
            f"env -i {exports} bash --norc --noprofile",
        )  # fmt: skip
        self.tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))
        self.type("PS1='READY$ '; clear\n")
        self.wait_for("READY$")

    def flags(self) -> dict[str, str]:
        names = ("alternate_on", "cursor_flag", "mouse_any_flag", "keypad_cursor_flag")
        out = self.tmux("display", "-p", "-t", "t", " ".join(f"#{{{n}}}" for n in names))
        return dict(zip(names, out.split(), strict=False))


@pytest.fixture
def pane(tmp_path, _isolated_dirs):
    env = {
        "BALLERINA_TUI_CACHE_DIR": os.environ["BALLERINA_TUI_CACHE_DIR"],
        "BALLERINA_TUI_DATA_DIR": os.environ["BALLERINA_TUI_DATA_DIR"],
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    session = Pane(env)
    session.start()
    yield session
    session.close()


@pytest.mark.parametrize("quit_keys", [("q",), ("C-c",), ("C-q",)], ids=["q", "ctrl+c", "ctrl+q"])
def test_every_way_out_leaves_a_sane_terminal(pane, quit_keys, tmp_path):
    app = f"{shlex.quote(sys.executable)} -m ballerina_tui --reviews {shlex.quote(str(FOLDER))}"
    # Split markers ("EX""IT") so the typed command line itself never matches them.
    pane.type(f'cd {shlex.quote(str(tmp_path))} && {app}; echo EX""IT:$?\n')
    pane.wait_for("Reviews", "Marks")
    assert pane.flags()["alternate_on"] == "1"
    # Walk over the hostile reviews and the screens, waiting for each to show, then leave.
    pane.keys("j", "j", "/")
    pane.wait_for("esc Close")
    pane.type("click")
    pane.wait_for("passage(s)")
    pane.keys("Escape")
    pane.wait_for("m Marks")
    pane.keys("d")
    pane.wait_for("Reviewers")
    pane.keys("a")
    pane.wait_for("m Marks")
    # ctrl+c quits on the first press (issue 14), like q and ctrl+q.
    pane.keys(*quit_keys)
    screen = pane.wait_for("EXIT:")
    assert "Traceback" not in screen
    code = screen.rsplit("EXIT:", 1)[1].split()[0]
    assert code in ("0", "130"), screen
    flags = pane.flags()
    assert flags["alternate_on"] == "0", flags
    assert flags["cursor_flag"] == "1", flags
    assert flags["mouse_any_flag"] == "0", flags
    pane.type(
        "clear; stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo|isig)' | tr '\\n' ' '; echo; echo typed-\"\"ok\n"
    )
    screen = pane.wait_for("typed-ok")
    modes = screen.rsplit("typed-ok", 1)[0].rsplit("\n", 2)[-2]
    assert "-icanon" not in modes and "icanon" in modes, screen
    assert "-echo " not in modes + " " and "echo" in modes, screen
    assert "-isig" not in modes, screen
    assert not list(tmp_path.glob("*.svg")), "a screenshot was written"
