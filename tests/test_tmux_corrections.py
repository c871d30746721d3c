"""A fan corrects the claim diff in a real terminal: link, quit, restart, still linked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from tests.test_e2e_tmux import pytestmark, term  # noqa: F401 - the tmux fixture and marks


def _cli(*args: str) -> str:
    env = dict(os.environ)
    done = subprocess.run(
        [sys.executable, "-m", "ballerina_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    return done.stdout


def test_link_survives_a_restart_and_reaches_the_cli(term, tmp_path, corpus):  # noqa: F811
    from ballerina_tui.claims import analyze
    from ballerina_tui.corrections import CorrectionStore, apply_corrections, resolve

    term.start()
    term.wait_for("Reviews", "unique")
    term.keys("d")
    term.wait_for("unique to one reviewer")
    term.keys("l")
    term.wait_for("Link to")
    term.keys("Enter")
    term.wait_for("linked ")
    items = CorrectionStore.for_corpus(corpus).items
    assert [c.kind for c in items] == ["link"]
    analysis = apply_corrections(analyze(corpus), items)
    a, b = resolve(items[0].a, analysis), resolve(items[0].b, analysis)
    term.keys("q", "q")
    term.wait_for("EXIT:0")
    # Restart: the diff still shows the link, and says the fan made it.
    term.start()
    term.wait_for("Reviews", "unique")
    term.keys("d")
    term.wait_for("unique to one reviewer")
    term.keys("w")
    screen = term.wait_for("Linked to", "by you")
    assert b in screen or a in screen
    term.keys("Escape")
    time.sleep(0.5)  # a lone escape, not alt+h
    term.keys("h")
    term.wait_for("highlighted")
    term.keys("q", "q")
    term.wait_for("EXIT:0")
    claims = {c["id"]: c for c in json.loads(_cli("claims", "--json"))["claims"]}
    assert claims[a]["group"] == claims[b]["group"]
    assert claims[a]["shared_with"] and claims[b]["shared_with"]
    report = _cli("report")
    shared = " ".join(report.split("## Shared claims")[1].split("## Conflicts")[0].split())
    assert " ".join(analysis.claim(a).text.split()[:6]) in shared
    exported = _cli("export", "-o", "-")
    assert "#shared" in exported and "#unique" not in exported
