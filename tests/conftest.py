"""Shared fixtures. Every test gets its own cache and data directories: nothing a test
does touches the user's real index or highlights."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_REVIEWS = ROOT / "data" / "reviews"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BALLERINA_TUI_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("BALLERINA_TUI_DATA_DIR", str(base / "data"))
    monkeypatch.delenv("BALLERINA_TUI_REVIEWS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield base


@pytest.fixture
def bundled_copy(tmp_path) -> Path:
    """A writable copy of the bundled reviews (and characters) to change in a test."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target / "reviews"


@pytest.fixture(scope="session")
def corpus():
    from ballerina_tui.corpus import load_corpus

    return load_corpus(BUNDLED_REVIEWS)
