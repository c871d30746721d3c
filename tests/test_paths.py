"""Atomic writes: what the user saves is whole, keeps sensible permissions, never clobbered."""

from __future__ import annotations

import os
import stat

import pytest

from ballerina_tui.paths import atomic_write_text


def test_a_new_file_gets_the_umask_mode_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        target = tmp_path / "out.md"
        atomic_write_text(target, "hello")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text(encoding="utf-8") == "hello"


def test_a_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    atomic_write_text(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text(encoding="utf-8") == "new"


def test_no_overwrite_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.md"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        atomic_write_text(target, "theirs", overwrite=False)
    assert target.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_missing_folder_and_folder_path_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic_write_text(tmp_path / "nope" / "out.md", "x")
    with pytest.raises(IsADirectoryError):
        atomic_write_text(tmp_path, "x")
