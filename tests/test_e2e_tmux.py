"""The app in a real terminal (tmux), driven as a fan would. Skipped without tmux."""

from __future__ import annotations

import os
import shlex
import shutil
import sys

import pytest

from tests.tmux_support import TmuxPane

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Tmux(TmuxPane):
    def __init__(self, workdir, env: dict[str, str]) -> None:
        super().__init__("ballerina-test")
        self.workdir = workdir
        self.env = env

    def start(self) -> None:
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        app = f"{shlex.quote(sys.executable)} -m ballerina_tui"
        sanity = "stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' '"
        command = (
            f"cd {shlex.quote(str(self.workdir))} && env {exports} {app}; "
            f"echo EXIT:$?; echo TTY: $({sanity}); sleep 120"
        )
        self.tmux("kill-session", "-t", "t")
        self.tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", command)
        self.tmux("resize-window", "-t", "t", "-x", "120", "-y", "40")


@pytest.fixture
def term(tmp_path, _isolated_dirs, corpus):
    env = {
        # The very folder the test reads: an installed package has its own copy of the
        # bundled reviews elsewhere, with highlights kept under another name.
        "BALLERINA_TUI_REVIEWS": str(corpus.root),
        "BALLERINA_TUI_CACHE_DIR": os.environ["BALLERINA_TUI_CACHE_DIR"],
        "BALLERINA_TUI_DATA_DIR": os.environ["BALLERINA_TUI_DATA_DIR"],
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
    }
    session = Tmux(tmp_path, env)
    yield session
    session.close()


def test_fan_session(term, tmp_path, corpus):
    from ballerina_tui.characters import load_characters
    from ballerina_tui.highlights import HighlightStore

    actor = next(c.actor for c in load_characters(corpus.characters_path) if c.actor)
    term.start()
    term.wait_for("Reviews", "unique")  # first screen, claim counts filled in
    # Search: / + a query + enter lands on the hit.
    term.keys("/")
    term.wait_for("search:")
    term.type("winston")
    term.keys("Enter")
    screen = term.wait_for("search winston: hit 1/")
    assert "Winston" in screen
    # The diff marks claims unique to one reviewer.
    term.keys("d")
    screen = term.wait_for("unique to one reviewer", "n/N")
    assert " + " in screen or "▌+" in screen
    # Cards show actors.
    term.keys("c")
    term.wait_for("played by", actor)
    # Highlight in the reader, export to Markdown.
    term.keys("a", "j", "h")
    term.wait_for("highlighted")
    term.keys("e")
    term.wait_for("Export highlights")
    term.keys("Enter")
    term.wait_for("exported 1 highlight")
    store = HighlightStore.for_corpus(corpus)
    assert len(store.items) == 1
    quote = store.items[0].text
    exported = (tmp_path / "ballerina-highlights.md").read_text(encoding="utf-8")
    assert quote.split("\n")[0] in exported
    # q quits from the main screen and leaves the terminal sane.
    term.keys("q")
    screen = term.wait_for("EXIT:0", "TTY:")
    assert "icanon" in screen and "echo" in screen
    assert "-icanon" not in screen and "-echo" not in screen
    # A second run still has the highlight.
    term.start()
    term.wait_for("Reviews")
    term.keys("H")
    term.wait_for("Highlights (1)", quote.split()[0])
    term.keys("q", "q")
    term.wait_for("EXIT:0")
