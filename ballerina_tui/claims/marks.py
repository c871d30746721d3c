"""One review's claim marks, read before the whole cached analysis is.

At 10,000 reviews a warm app start reads every review file (about 4 s) and the cached
analysis (70 MB of JSON, 4-7 s) before it can mark the open review's claims. The marks of
one review need neither: beside each cached analysis, :func:`store` writes a *marks file*
holding every review's claim spans and statuses, one JSON line per review, behind a
header that gives each line's place. :func:`load` reads the header and the one line it
needs.

A marks file is named by a digest of what the analysis was made from that costs no
review read to check: the folder's signature as the index took it
(:func:`ballerina_tui.index.folder_signature`: every review file's path below the folder,
size and modification time), the characters file's inode, size and modification time, and
the engine version. Any change to the folder gives another name, so the file is not found. It is
only a preview: the full analysis, checked against every review's digest, replaces it
when it lands. Each line also keeps its review's digest, so spans are never laid on a
text they were not cut from.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ballerina_tui.claims.model import CONFLICT, SHARED, UNIQUE

SUFFIX = ".marks"
KEEP = 8  # marks files kept (oldest removed first)
# Reviews kept of each claim's others: a claim of a large group is shared with thousands,
# which made the file larger than the whole analysis (124 MB at 10,000 reviews).
SHARED_KEPT = 8
_STATUSES = (UNIQUE, SHARED, CONFLICT)


@dataclass(slots=True)
class Mark:
    """What the reader shows of a claim: its span, status and the other side."""

    id: str
    review: str
    start: int
    end: int
    status: str
    shared_with: tuple[str, ...] = ()  # the first SHARED_KEPT of them
    contradicts: tuple[str, ...] = ()
    shared_count: int = 0  # all the other reviews that say it


@dataclass
class ReviewMarks:
    """The marks of one review, answering what the reader asks of an analysis."""

    review: str
    marks: list[Mark]
    _by_id: dict[str, Mark] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {m.id: m for m in self.marks}

    def for_review(self, review_id: str) -> list[Mark]:
        return list(self.marks) if review_id == self.review else []

    def claim(self, claim_id: str) -> Mark:
        """A claim of this review, or a bare one of another (its review from its id)."""
        mark = self._by_id.get(claim_id)
        if mark is not None:
            return mark
        review, sep, _n = claim_id.rpartition(":")
        if not sep:
            raise KeyError(claim_id)
        return Mark(claim_id, review, 0, 0, UNIQUE)


def stamp(signature: str | None, characters_path: Path | str | None) -> str | None:
    """The marks file's name for a folder of this signature and characters file (``None``
    when the folder has no signature: an index kept in memory)."""
    if not signature:
        return None
    from ballerina_tui.claims.cache import ENGINE_VERSION

    if characters_path is None:
        chars = "none"
    else:
        try:
            info = os.stat(characters_path)
            # Not its path: the folder may be spelled another way next time.
            chars = f"{info.st_ino}\0{info.st_size}\0{info.st_mtime_ns}"
        except OSError:
            chars = "unreadable"
    text = f"{ENGINE_VERSION}\0{signature}\0{chars}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _path(name: str) -> Path:
    from ballerina_tui.claims.cache import folder

    return folder() / f"{name}{SUFFIX}"


def exists(name: str | None) -> bool:
    return name is not None and _path(name).is_file()


def store(name: str | None, corpus, analysis) -> None:
    """Write the marks file ``name`` for ``analysis`` of ``corpus`` (atomic, best effort)."""
    if name is None:
        return
    from ballerina_tui.paths import atomic_write_bytes

    digests = {r.id: r.digest for r in corpus.reviews}
    lines: list[bytes] = []
    places: dict[str, list[int]] = {}
    at = 0
    for review_id, digest in digests.items():
        rows = [
            [
                c.id,
                c.start,
                c.end,
                _STATUSES.index(c.status),
                list(c.shared_with[:SHARED_KEPT]) if c.shared_with else 0,
                list(c.contradicts) if c.contradicts else 0,
                len(c.shared_with),
            ]
            for c in analysis.for_review(review_id)
        ]
        line = json.dumps([digest, rows], separators=(",", ":")).encode() + b"\n"
        places[review_id] = [at, len(line)]
        lines.append(line)
        at += len(line)
    from ballerina_tui.claims.cache import ENGINE_VERSION

    header = json.dumps({"engine": ENGINE_VERSION, "reviews": places}, separators=(",", ":"))
    try:
        _path(name).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(_path(name), header.encode() + b"\n" + b"".join(lines))
        _prune()
    except OSError:
        pass  # only a preview: a start without it waits for the whole analysis


def _prune() -> None:
    from ballerina_tui.claims.cache import folder

    files = sorted(folder().glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
    for old in files[:-KEEP]:
        try:
            old.unlink()
        except OSError:
            pass


def load(name: str | None, review) -> ReviewMarks | None:
    """The marks of ``review`` (a loaded review) from the marks file ``name``, or ``None``
    when there is no such file, it does not hold the review at this digest, or it cannot
    be read as one we wrote."""
    if name is None:
        return None
    from ballerina_tui.claims.cache import ENGINE_VERSION

    try:
        with open(_path(name), "rb") as handle:
            header = json.loads(handle.readline())
            if header.get("engine") != ENGINE_VERSION:
                return None
            offset, length = header["reviews"][review.id]
            body = handle.tell()
            handle.seek(body + int(offset))
            digest, rows = json.loads(handle.read(int(length)))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if digest != review.digest:
        return None
    try:
        return ReviewMarks(review.id, [_mark(review, row) for row in rows])
    except (ValueError, TypeError, IndexError):
        return None


def _mark(review, row: list) -> Mark:
    claim_id, start, end, status, shared, contradicts, shared_count = row
    if not all(isinstance(n, int) for n in (start, end, shared_count)):
        raise TypeError("not a claim row")
    if not 0 <= start < end <= len(review.text):
        raise ValueError("span outside the review")
    return Mark(
        str(claim_id),
        review.id,
        start,
        end,
        _STATUSES[status],
        tuple(str(r) for r in shared) if shared else (),
        tuple(str(c) for c in contradicts) if contradicts else (),
        shared_count,
    )
