"""Whether the index folder may be handed to Whoosh, which unpickles its TOC and segments.

Two checks, both before Whoosh opens anything:

- The cache folders are ours: owned by the user and not writable by group or others
  (:func:`check_cache_trust`), else the caller builds an in-memory index.
- The index folder holds exactly the files we wrote (:func:`verified`): the manifest lists
  each file's SHA-256 and, since issue 10, its *stamp* taken right after it was hashed:
  size, modification and status-change times (ns), inode and device. A file whose stamp is
  unchanged is not read again; any other file is hashed and must match its recorded digest.
  A planted or unlisted file, or a listed one missing, fails the check.

What the stamps keep of the guarantee: writing to a file (or ``os.utime`` on it) sets its
status-change time to the current time, which no unprivileged process can set back, and
replacing it gives a new inode. So an unchanged stamp means the bytes are the ones we
hashed, unless the system clock was turned back, a privileged process forged the times, or
the filesystem does not keep a status-change time. A changed stamp costs a hash, not trust
(a cache copied with ``cp -a`` or restored from a backup is hashed once, then re-stamped).
As before, this guards against files we did not write (planted, swapped, half-written),
not against someone who can write the index folder *and* its manifest: that is only the
user, which :func:`check_cache_trust` makes sure of.

The cost at start-up is one ``stat`` per index file (a few dozen), where hashing read the
whole index (tens of MB at 10,000 reviews).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

# Files in the index folder Whoosh never unpickles: its write lock and our lock files.
UNREAD_SUFFIXES = ("WRITELOCK", ".lock")


def file_stamp(info: os.stat_result) -> list[int]:
    """What tells a file we hashed from one that may have changed since."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def index_entries(folder: Path, manifest_name: str) -> dict[str, os.stat_result]:
    """Every file in the index folder that Whoosh may read, with its ``lstat``."""
    out: dict[str, os.stat_result] = {}
    with os.scandir(folder) as it:
        for entry in it:
            name = entry.name
            if name == manifest_name or name.endswith(UNREAD_SUFFIXES):
                continue
            if name.startswith(f".{manifest_name}."):
                continue  # our own temporary manifest (atomic_write_text)
            out[name] = entry.stat(follow_symlinks=False)
    return out


def index_files(
    folder: Path,
    manifest_name: str,
    known: dict[str, str] | None = None,
    known_stamps: dict[str, list] | None = None,
) -> tuple[dict[str, str], dict[str, list[int]]]:
    """SHA-256 and stamp of every index file, for the manifest.

    A file whose stamp equals the one recorded with ``known`` keeps its recorded digest
    (Whoosh never rewrites a segment file: a commit adds new files and deletes old ones),
    so an update hashes only the files it wrote."""
    known, known_stamps = known or {}, known_stamps or {}
    digests: dict[str, str] = {}
    stamps: dict[str, list[int]] = {}
    for name, info in sorted(index_entries(folder, manifest_name).items()):
        stamp = file_stamp(info)
        if name in known and known_stamps.get(name) == stamp:
            digests[name] = known[name]
        else:
            digests[name] = sha256_file(folder / name)
            after = os.lstat(folder / name)
            # Changed while we read it: record no stamp, so the next open hashes it again.
            if file_stamp(after) != stamp:
                continue
        stamps[name] = stamp
    return digests, stamps


def check_files(folder: Path, manifest_name: str, manifest: dict | None) -> tuple[bool, int]:
    """Whether ``folder`` holds exactly the files ``manifest`` lists, unchanged, and how
    many of them had to be hashed (their stamp was missing or changed)."""
    if manifest is None or not manifest.get("files"):
        return False, 0
    files: dict[str, str] = manifest["files"]
    stamps = manifest.get("stamps")
    if not isinstance(stamps, dict):
        stamps = {}
    hashed = 0
    try:
        entries = index_entries(folder, manifest_name)
        if set(entries) != set(files):
            return False, hashed
        for name, info in entries.items():
            if not stat.S_ISREG(info.st_mode):
                return False, hashed
            if stamps.get(name) == file_stamp(info):
                continue
            hashed += 1
            if sha256_file(folder / name) != files[name]:
                return False, hashed
    except OSError:
        return False, hashed
    return True, hashed


def verified(folder: Path, manifest_name: str, manifest: dict | None) -> bool:
    """Whether ``folder`` holds exactly the files ``manifest`` lists, unchanged."""
    return check_files(folder, manifest_name, manifest)[0]


def check_cache_trust(folders) -> None:
    """Raise ``PermissionError`` when a folder is not ours (owner, group/other-writable)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # pragma: no cover - non-POSIX
        return
    for folder in folders:
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(info.st_mode):
            info = os.stat(folder)
        if info.st_uid != getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise PermissionError(
                errno.EPERM,
                f"{folder} is not owned by you or is writable by others, so its index "
                "is not trusted",
            )
