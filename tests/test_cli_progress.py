"""Progress on the command line: a bar on a terminal, nothing extra otherwise (issue 10);
ctrl+c and cancelling leave a working index."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ballerina_tui.corpus import load_corpus
from ballerina_tui.progress import Cancelled
from ballerina_tui.progress_rate import Rate, clock

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "reviews"


def _run_with_stderr_on_a_pty(args: list[str], tmp_path: Path) -> tuple[int, bytes, bytes]:
    master, slave = pty.openpty()
    stdout = (tmp_path / "stdout").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ballerina_tui", *args],
        stdout=stdout,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, TERM="xterm-256color", COLUMNS="120"),
    )
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
        if proc.poll() is None and len(seen) > 1 << 22:
            break
    proc.wait()
    stdout.close()
    out = (tmp_path / "stdout").read_bytes()
    os.close(master)
    return proc.returncode, out, seen


def test_progress_bar_on_a_terminal(tmp_path):
    code, out, err = _run_with_stderr_on_a_pty(
        ["--reviews", str(BUNDLED), "claims", "--json"], tmp_path
    )
    assert code == 0
    assert out.startswith(b"{")  # stdout untouched
    assert b"indexing" in err and b"analysing claims" in err
    assert b"4/4" in err and b"reviews/s" in err and b"left" in err


def test_no_progress_when_stderr_is_not_a_terminal():
    proc = subprocess.run(
        [sys.executable, "-m", "ballerina_tui", "--reviews", str(BUNDLED), "claims", "--json"],
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0
    assert proc.stderr == b""
    assert proc.stdout.startswith(b"{")


def test_cancelled_index_build_leaves_a_working_index(tmp_path):
    from ballerina_tui.index import ReviewIndex
    from ballerina_tui.search import Searcher

    folder = tmp_path / "reviews"
    shutil.copytree(BUNDLED, folder)
    corpus = load_corpus(folder)
    calls: list[tuple[str, int, int]] = []

    def stop_after_two(stage: str, done: int, total: int) -> None:
        calls.append((stage, done, total))
        if done >= 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        ReviewIndex(corpus).ensure(progress=stop_after_two)
    assert calls[-1] == ("index", 2, len(corpus.reviews))
    index = ReviewIndex(corpus)
    index.ensure()
    assert index.status()["reviews"] == len(corpus.reviews)
    with Searcher(index) as searcher:
        result = searcher.search("ballerina", limit=200)
    # Every review is in the index, the two the cancelled build had reached included.
    assert {h.review for h in result.hits} == set(corpus.ids)


def test_cancelled_analysis_leaves_a_working_index(tmp_path):
    from ballerina_tui.claims import analyze
    from ballerina_tui.index import ReviewIndex

    corpus = load_corpus(BUNDLED)
    index = ReviewIndex(corpus)

    def stop_in_claims(stage: str, done: int, total: int) -> None:
        if stage == "claims" and done >= 1:
            raise Cancelled

    with pytest.raises(Cancelled):
        analyze(corpus, index, progress=stop_in_claims)
    again = analyze(corpus, ReviewIndex(corpus))
    assert again.claims


def test_rate_line_figures():
    rate = Rate()
    rate.update("claims", 0, 1000, now=10.0)
    assert rate.line().startswith("analysing claims 0/1,000")
    rate.update("claims", 250, 1000, now=15.0)
    assert rate.line() == "analysing claims 250/1,000 · 50 reviews/s · 0:15 left"
    rate.update("index", 1, 4, now=16.0)  # a new stage starts its own clock
    assert rate.started == 16.0
    assert clock(3700) == "1:01:40"


def test_ctrl_c_during_the_index_build_exits_cleanly_and_leaves_a_working_index(tmp_path):
    import signal
    import time

    films = Path(__file__).resolve().parent.parent.parent / "shared" / "films"
    if not films.is_dir():
        pytest.skip("../shared/films is not here")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from raw_films import write_raw

    folder = tmp_path / "raw"
    write_raw(films, folder, 300)
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ballerina_tui", "--reviews", str(folder), "claims", "--json"],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 120
    while b"indexing" not in seen and time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            seen += os.read(master, 65536)
    assert b"indexing" in seen
    proc.send_signal(signal.SIGINT)  # what ctrl+c sends
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    proc.wait()
    os.close(master)
    assert proc.returncode == 130
    assert b"Traceback" not in seen
    assert b"interrupted" in seen
    again = subprocess.run(
        [sys.executable, "-m", "ballerina_tui", "--reviews", str(folder), "search", "--json", "x"],
        capture_output=True,
        env=env,
    )
    assert again.returncode == 0, again.stderr
    status = subprocess.run(
        [sys.executable, "-m", "ballerina_tui", "--reviews", str(folder), "index", "--json"],
        capture_output=True,
        env=env,
        text=True,
    )
    import json

    assert json.loads(status.stdout)["reviews"] == 300
