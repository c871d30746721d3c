"""The engine and the plain commands never pay for what they do not use.

``list`` imports neither Whoosh nor Textual; ``search`` and ``index`` import Whoosh but never
Textual. Checked in a fresh interpreter, after the command has really run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKER = "@@modules@@"

PROBE = f"""
import contextlib, io, json, sys
from ballerina_tui.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
heavy = sorted({{name.split(".")[0] for name in sys.modules}} & {{"textual", "whoosh"}})
print("{MARKER}" + json.dumps({{"code": code, "heavy": heavy, "out": out.getvalue()}}))
"""


def run_command(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "--reviews", str(ROOT / "data" / "reviews"), *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith(MARKER))
    report = json.loads(line[len(MARKER) :])
    assert report["code"] == 0, report
    return report


def test_list_imports_neither_whoosh_nor_textual():
    report = run_command("list", "--json")
    assert len(json.loads(report["out"])["reviews"]) == 4  # the command really ran
    assert report["heavy"] == []


@pytest.mark.parametrize("query", ["Peter Deming", "Petr Demng", "character:winston", "mentr~"])
def test_search_does_not_import_textual(query):
    report = run_command("search", "--json", query)
    assert json.loads(report["out"])["hits"]  # the command really ran and found something
    assert report["heavy"] == ["whoosh"]


def test_index_does_not_import_textual():
    report = run_command("index", "--json")
    assert json.loads(report["out"])["reviews"] == 4
    assert report["heavy"] == ["whoosh"]


def test_engine_modules_do_not_import_textual():
    modules = [
        "ballerina_tui.corpus",
        "ballerina_tui.characters",
        "ballerina_tui.textutil",
        "ballerina_tui.paths",
        "ballerina_tui.analysis",
        "ballerina_tui.index",
        "ballerina_tui.search",
        "ballerina_tui.cli",
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'textual'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_loading_a_corpus_does_not_import_whoosh():
    code = (
        "import sys\n"
        "from ballerina_tui.corpus import load_corpus\n"
        "from ballerina_tui.characters import load_characters\n"
        "corpus = load_corpus()\n"
        "load_characters(corpus.characters_path).mentions('Winston')\n"
        "print(len(corpus.reviews), 'whoosh' in sys.modules, 'textual' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["4", "False", "False"]
