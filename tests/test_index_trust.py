"""The index folder is trusted by stamps, hashed only where a stamp changed (issue 10).

Opening a fresh index read and hashed every index file (tens of MB at 10,000 reviews);
now each file's stamp (size, mtime, ctime, inode, device) recorded after hashing is
compared, and only a file whose stamp changed is hashed again. These tests check that the
guarantee holds: a file changed in place, even with its size and mtime put back, is caught.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from ballerina_tui import index_trust
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex


@pytest.fixture
def counted_hashes(monkeypatch) -> list[str]:
    """The names of the files hashed from now on."""
    calls: list[str] = []
    real = index_trust.sha256_file

    def counting(path):
        calls.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(index_trust, "sha256_file", counting)
    return calls


def _built(folder: Path) -> ReviewIndex:
    index = ReviewIndex(load_corpus(folder))
    index.ensure()
    assert not index.in_memory
    return index


def _manifest(index: ReviewIndex) -> dict:
    return json.loads(index.manifest_path.read_text(encoding="utf-8"))


def _largest_segment_file(index: ReviewIndex) -> Path:
    files = [p for p in index.dir.iterdir() if p.name in _manifest(index)["files"]]
    return max(files, key=lambda p: p.stat().st_size)


def test_every_listed_file_has_a_stamp(bundled_copy):
    index = _built(bundled_copy)
    manifest = _manifest(index)
    assert set(manifest["stamps"]) == set(manifest["files"])
    for name, stamp in manifest["stamps"].items():
        assert stamp == index_trust.file_stamp(os.lstat(index.dir / name))


def test_a_fresh_index_opens_without_hashing_a_file(bundled_copy, counted_hashes):
    _built(bundled_copy)
    counted_hashes.clear()
    reopened = ReviewIndex.for_folder(bundled_copy)
    reopened.ensure()
    assert reopened.last_update.touched == []
    assert counted_hashes == []


def test_a_file_changed_in_place_with_size_and_mtime_put_back_is_caught(bundled_copy):
    index = _built(bundled_copy)
    target = _largest_segment_file(index)
    before = target.stat()
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    time.sleep(0.01)  # a coarse clock still moves the status-change time
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    ok, hashed = index_trust.check_files(index.dir, "manifest.json", _manifest(index))
    assert not ok and hashed == 1
    # And the index is rebuilt rather than loaded.
    again = ReviewIndex(load_corpus(bundled_copy))
    again.ensure()
    assert again.last_update.rebuilt


def test_a_touched_file_is_hashed_once_then_restamped(bundled_copy, counted_hashes):
    index = _built(bundled_copy)
    target = _largest_segment_file(index)
    time.sleep(0.01)
    os.utime(target)  # same bytes, new times
    counted_hashes.clear()
    reopened = ReviewIndex.for_folder(bundled_copy)
    reopened.ensure()
    assert not reopened.last_update.rebuilt
    assert target.name in counted_hashes
    stamp = _manifest(index)["stamps"][target.name]
    assert stamp == index_trust.file_stamp(os.lstat(target))
    counted_hashes.clear()
    ReviewIndex.for_folder(bundled_copy).ensure()
    assert counted_hashes == []


def test_a_manifest_without_stamps_is_verified_by_hashing_then_stamped(bundled_copy):
    index = _built(bundled_copy)
    manifest = _manifest(index)
    del manifest["stamps"]
    index.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    reopened = ReviewIndex.for_folder(bundled_copy)
    reopened.ensure()
    assert not reopened.last_update.rebuilt
    assert set(_manifest(index)["stamps"]) == set(manifest["files"])


def test_an_update_hashes_only_the_files_it_wrote(bundled_copy, counted_hashes):
    index = _built(bundled_copy)
    old = set(_manifest(index)["files"])
    (bundled_copy / "zz-new.md").write_text(
        "---\nid: zz-new\nhandle: newcomer\n---\n\nA short new review of the film.\n",
        encoding="utf-8",
    )
    counted_hashes.clear()
    updated = ReviewIndex(load_corpus(bundled_copy))
    updated.ensure()
    assert updated.last_update.added == ["zz-new"]
    new = set(_manifest(updated)["files"])
    # Only files that did not exist before (the new segment, TOC, words list) are hashed.
    assert counted_hashes
    assert set(counted_hashes) <= (new - old) | {"words.txt"}
