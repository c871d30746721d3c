"""Hardening campaign, part 2b: two instances, a full or unusable cache, failed exports.

- Several processes add, annotate and remove highlights at the same moment: the file ends
  with exactly the expected set (lock, re-read, merge on every write).
- A running app whose store is stale merges with what another process saved meanwhile.
- A cache directory where nothing can be written (no space: ``RLIMIT_FSIZE``; a file in
  the way) still gives a working index, in memory, and says so.
- Export to a missing folder, a folder, a write-protected file: a clear message, the old
  file intact, no partial or temporary file left behind.
- An index is never opened from a review folder (Whoosh indexes hold pickles).
"""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from ballerina_tui.corpus import load_corpus
from ballerina_tui.highlights import HighlightStore, make_highlight
from tests.test_app_support import make_app, settle

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "reviews"

WORKER = """
import sys, time
from pathlib import Path
from ballerina_tui.corpus import load_corpus
from ballerina_tui.highlights import HighlightStore, make_highlight
corpus = load_corpus(sys.argv[1])
path, me, workers, go = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])
blocks = [(r, b) for r in corpus.reviews for b in r.blocks if b.kind == "paragraph"]
mine = [rb for n, rb in enumerate(blocks) if n % workers == me]
store = HighlightStore.for_corpus(corpus, path)
while not go.exists():
    time.sleep(0.001)
for n, (review, block) in enumerate(mine):
    item = make_highlight(review, block.start, block.end)
    store.add(item)
    store.set_note(item.id, f"worker {me} note {n}")
    if n % 3 == 2:
        store.remove(item.id)
"""


@pytest.mark.slow
def test_four_processes_adding_noting_and_removing_at_once_lose_nothing(tmp_path):
    corpus = load_corpus(BUNDLED)
    path = tmp_path / "h.yaml"
    go = tmp_path / "go"
    workers = 4
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(BUNDLED), str(path), str(n), str(workers), str(go)]
        )
        for n in range(workers)
    ]
    go.touch()
    assert all(p.wait(120) == 0 for p in procs)
    blocks = [(r, b) for r in corpus.reviews for b in r.blocks if b.kind == "paragraph"]
    expected = {}
    for me in range(workers):
        mine = [rb for n, rb in enumerate(blocks) if n % workers == me]
        for n, (review, block) in enumerate(mine):
            if n % 3 != 2:
                expected[make_highlight(review, block.start, block.end).id] = (
                    f"worker {me} note {n}"
                )
    kept = {h.id: h.note for h in HighlightStore.for_corpus(corpus, path).items}
    assert kept == expected
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_a_running_app_merges_with_highlights_saved_by_another_process(tmp_path):
    script = (
        "import sys\n"
        "from ballerina_tui.corpus import load_corpus\n"
        "from ballerina_tui.highlights import HighlightStore, make_highlight\n"
        "corpus = load_corpus(sys.argv[1])\n"
        "store = HighlightStore.for_corpus(corpus)\n"
        "review = corpus.reviews[-1]\n"
        "for b in [b for b in review.blocks if b.kind == 'paragraph'][:5]:\n"
        "    store.add(make_highlight(review, b.start, b.end))\n"
    )

    async def go():
        app = make_app()
        app.export_dir = tmp_path
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            assert app.store.items == []
            proc = subprocess.run([sys.executable, "-c", script, str(BUNDLED)], timeout=60)
            assert proc.returncode == 0
            await pilot.press("j", "h")  # the app's store is stale: it must merge on write
            await pilot.pause()
            assert len(app.store.items) == 6
            await pilot.press("e", "enter")
            await pilot.pause()
        text = (tmp_path / "ballerina-highlights.md").read_text(encoding="utf-8")
        assert text.count("id: `") == 6

    asyncio.run(go())
    assert len(HighlightStore.for_corpus(load_corpus(BUNDLED)).items) == 6


# --------------------------------------------------------------------------- no cache


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from ballerina_tui.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
@pytest.mark.parametrize("limit", [0, 4096, 60_000])
def test_a_full_disk_gives_an_in_memory_index_that_says_so(tmp_path, limit):
    """Writes beyond ``limit`` bytes fail with EFBIG, as on a full disk, at several points
    of the build: creating the files, mid-segment, at the manifest."""
    env = os.environ.copy()
    env["BALLERINA_TUI_CACHE_DIR"] = str(tmp_path / "cache")
    for args in (["index", "--json"], ["search", "--json", "Ruska"]):
        proc = subprocess.run(
            [sys.executable, "-c", FULL_DISK, str(limit), "--reviews", str(BUNDLED), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        data = json.loads(proc.stdout)
        if args[0] == "index":
            assert data["in_memory"] is True and "in-memory" in data["note"]
            assert data["passages"] > 100
        else:
            assert data["total"] > 0
        assert "in-memory index" in proc.stderr
    # With the disk free again the next start builds a proper index.
    proc = subprocess.run(
        [sys.executable, "-m", "ballerina_tui", "--reviews", str(BUNDLED), "index", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["in_memory"] is False


def test_the_app_runs_and_says_so_when_the_cache_cannot_be_used(tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("in the way", encoding="utf-8")
    monkeypatch.setenv("BALLERINA_TUI_CACHE_DIR", str(blocker / "cache"))

    async def go():
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            assert app.index is not None and app.index.in_memory
            assert any("in-memory index" in n.message for n in app._notifications)
            await pilot.press("slash", *"ruska")
            await settle(app, pilot)
            assert app.screen.query_one("#results").option_count > 0
            assert app.analysis is not None

    asyncio.run(go())
    assert blocker.read_text(encoding="utf-8") == "in the way"


# --------------------------------------------------------------------------- export


def _seed_highlight():
    corpus = load_corpus(BUNDLED)
    review = corpus.reviews[0]
    block = next(b for b in review.blocks if b.kind == "paragraph")
    HighlightStore.for_corpus(corpus).add(make_highlight(review, block.start, block.end))


def _export(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ballerina_tui", "--reviews", str(BUNDLED), "export", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=os.environ.copy(),
    )


def test_cli_export_failures_are_one_clear_line_and_lose_nothing(tmp_path):
    _seed_highlight()
    (tmp_path / "folder").mkdir()
    protected = tmp_path / "protected.md"
    protected.write_text("my own notes\n", encoding="utf-8")
    protected.chmod(0o444)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    cases = {
        "missing/out.md": "does not exist",
        "folder": "is a folder",
        "afile/out.md": "",  # a file where the folder should be
    }
    for target, words in cases.items():
        for force in ([], ["--force"]):
            proc = _export("-o", target, *force, cwd=tmp_path)
            assert proc.returncode == 2, (target, proc.stdout)
            lines = proc.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("ballerina-tui: error: ")
            assert words in lines[0], lines[0]
    proc = _export("-o", "protected.md", cwd=tmp_path)
    assert proc.returncode == 2 and "write-protected" in proc.stderr
    proc = _export("-o", "protected.md", "--force", cwd=tmp_path)
    assert proc.returncode == 2 and "write-protected" in proc.stderr
    assert protected.read_text(encoding="utf-8") == "my own notes\n"
    assert oct(protected.stat().st_mode & 0o777) == oct(0o444)
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    # And a good target still works, with the usual permissions.
    proc = _export("-o", "folder/out.md", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "folder" / "out.md").read_text(encoding="utf-8").count("id: `") == 1


def test_app_export_dialog_failures_keep_the_dialog_open_with_a_reason(tmp_path):
    from textual.widgets import Input, Static

    from ballerina_tui.app.screens.dialogs import ExportScreen

    _seed_highlight()
    (tmp_path / "folder").mkdir()
    protected = tmp_path / "protected.md"
    protected.write_text("my own notes\n", encoding="utf-8")
    protected.chmod(0o444)

    async def go():
        app = make_app()
        app.export_dir = tmp_path
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("e")
            screen = app.screen
            assert isinstance(screen, ExportScreen)
            for value, words, presses in (
                ("missing/out.md", "does not exist", 1),
                ("folder", "is a folder", 1),
                ("protected.md", "write-protected", 2),  # enter, then enter to overwrite
            ):
                screen.query_one(Input).value = value
                for _ in range(presses):
                    await pilot.press("enter")
                    await pilot.pause()
                assert app.screen is screen, value
                status = screen.query_one("#export-status", Static).render().plain
                assert words in status, (value, status)
            assert app.is_running

    asyncio.run(go())
    assert protected.read_text(encoding="utf-8") == "my own notes\n"
    assert not (tmp_path / "missing").exists()
    assert list((tmp_path / "folder").iterdir()) == []


# --------------------------------------------------------------------------- index location


class _Boom:
    def __reduce__(self):
        return (Path.touch, (Path(os.environ.get("BOOM_PATH", "/nonexistent/boom")),))


def test_an_index_planted_in_the_review_folder_is_never_opened(tmp_path, monkeypatch):
    """Whoosh reads its TOC with pickle: an index shipped inside a shared review folder
    would run code if it were ever opened. Ours live only in the cache directory."""
    from ballerina_tui.index import ReviewIndex
    from ballerina_tui.paths import cache_dir
    from ballerina_tui.search import search

    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "review.md").write_text("# Review\n\nThe Director trains Eve.\n", "utf-8")
    boom = tmp_path / "BOOM"
    monkeypatch.setenv("BOOM_PATH", str(boom))
    payload = pickle.dumps(_Boom())
    for name in ("_MAIN_1.toc", "MAIN_WRITELOCK", "index/_MAIN_1.toc", "manifest.json"):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
    (folder / "index" / "x.md").write_text("# X\n\ntext\n", "utf-8")
    corpus = load_corpus(folder)
    index = ReviewIndex(corpus)
    assert index.dir.resolve().is_relative_to(cache_dir().resolve())
    assert search(index, "director").total == 1
    assert not boom.exists()
    # The pickles are still there, untouched: nothing was written into the review folder.
    assert (folder / "_MAIN_1.toc").read_bytes() == payload
