"""The claim analysis cached on disk, so a warm start never recomputes it.

One file per key under ``<cache dir>/claims/``, JSON lines (:data:`FORMAT`). The key is a digest of the engine
version, every review (id, handle and the digest of its file), the characters file and an
``extra_key`` the caller passes (the fan's corrections, for instance). A file that cannot
be read, or that does not fit the corpus, is ignored and rewritten: the cache is never
trusted over the reviews. Writes are atomic.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from ballerina_tui.claims.model import Claim, ClaimAnalysis, ClaimGroup, Conflict, Near, _others

ENGINE_VERSION = "claims-2.6"
KEEP = 8  # cached analyses kept (oldest removed first)


def folder() -> Path:
    from ballerina_tui.paths import cache_dir

    return cache_dir() / "claims"


def key_for(corpus, characters, extra_key: str = "") -> str:
    h = hashlib.sha256()
    h.update(ENGINE_VERSION.encode())
    for review in corpus.reviews:
        h.update(f"\0{review.id}\0{review.handle}\0{review.digest}".encode("utf-8", "replace"))
    path = getattr(corpus, "characters_path", None)
    if path is not None:
        try:
            h.update(b"\0chars\0" + Path(path).read_bytes())
        except OSError:
            h.update(b"\0chars-unreadable")
    h.update(f"\0{len(characters) if characters is not None else 0}".encode())
    h.update(b"\0extra\0" + extra_key.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def _path(key: str) -> Path:
    return folder() / f"{key}.json"


FORMAT = 3  # JSON lines: a header, then sections a chunk per line
# Items per line. Each line is parsed in one call that holds the GIL (json's C parser does
# not let go of it): one document of 70 MB, at 10,000 reviews, froze the app's screen for
# 1.7 s while it was read in the background. A line of this many items parses in ~20 ms.
CHUNK = 2000
# The nearest-candidate arrays are kept as their bytes (little-endian), in base64, this
# many characters a line: as decimal numbers they were half the file (35 MB at 10,000
# reviews) and 1.3 s to write, 0.7 s to read; as bytes, 0.1 s both ways, the same values.
B64_CHUNK = 1 << 20  # a multiple of 4: each line decodes on its own
_ARRAYS = {"near.starts": "<i8", "near.other": "<i4", "near.score": "<f8"}
_SECTIONS = ("claims", "groups", "conflicts", "links", *_ARRAYS)


def store(key: str, analysis: ClaimAnalysis) -> None:
    from ballerina_tui.paths import atomic_write_text

    try:
        folder().mkdir(parents=True, exist_ok=True)
        atomic_write_text(_path(key), "".join(_lines(analysis)))
        _prune()
    except OSError:
        pass  # a cache that cannot be written only costs time


def _lines(analysis: ClaimAnalysis):
    def line(value) -> str:
        return json.dumps(value, separators=(",", ":")) + "\n"

    near = _near_arrays(analysis)
    sections = {
        "claims": [
            [c.id, c.review, c.section, c.start, c.end, list(c.characters), c.paragraph, c.group]
            for c in analysis.claims
        ],
        "groups": [[g.id, g.claims, g.reviews] for g in analysis.groups],
        "conflicts": [[x.a, x.b, x.reason] for x in analysis.conflicts],
        "links": [[a, b, ev] for (a, b), ev in analysis.links.items()],
        "near.starts": near["starts"],
        "near.other": near["other"],
        "near.score": near["score"],
    }
    counts = {name: len(rows) for name, rows in sections.items()}
    yield line({"engine": ENGINE_VERSION, "format": FORMAT, "counts": counts})
    for name, rows in sections.items():
        if name in _ARRAYS:
            text = base64.b64encode(rows.astype(_ARRAYS[name]).tobytes()).decode("ascii")
            for at in range(0, len(text), B64_CHUNK):
                yield line([name, [text[at : at + B64_CHUNK]]])
            continue
        for at in range(0, len(rows), CHUNK):
            yield line([name, rows[at : at + CHUNK]])


def _read(path: Path) -> dict | None:
    """The sections of a cache file, or ``None`` when it is not one of this format or not
    whole (the header counts each section's items)."""
    sections: dict[str, list] = {name: [] for name in _SECTIONS}
    with open(path, encoding="utf-8") as handle:
        header = json.loads(handle.readline())
        if not isinstance(header, dict):
            return None
        if header.get("engine") != ENGINE_VERSION or header.get("format") != FORMAT:
            return None
        for text in handle:
            name, rows = json.loads(text)
            if not isinstance(rows, list):
                raise ValueError(f"{name}: not a list")
            sections[name].extend(rows)
    import numpy as np

    for name, dtype in _ARRAYS.items():
        chunks = sections[name]
        if not all(isinstance(chunk, str) for chunk in chunks):
            raise ValueError(f"{name}: not base64 text")
        raw = b"".join(base64.b64decode(chunk, validate=True) for chunk in chunks)
        sections[name] = np.frombuffer(raw, dtype=dtype)  # ValueError if cut mid-number
    if header.get("counts") != {name: len(rows) for name, rows in sections.items()}:
        return None
    return sections


def _near_arrays(analysis: ClaimAnalysis) -> dict:
    near = analysis.near
    if not isinstance(near, Near):  # made by hand (tests): as arrays
        import numpy as np

        index = analysis._index
        rows = [near.get(c.id, []) for c in analysis.claims]
        starts = np.cumsum([0] + [len(r) for r in rows])
        other = np.array([index[c] for r in rows for c, _s in r], dtype=np.int32)
        score = np.array([s for r in rows for _c, s in r], dtype=np.float64)
        near = Near([c.id for c in analysis.claims], index, starts, other, score)
    return {"starts": near.starts, "other": near.other, "score": near.score}


def _prune() -> None:
    files = sorted(folder().glob("*.json"), key=lambda p: p.stat().st_mtime)
    for old in files[:-KEEP]:
        try:
            old.unlink()
        except OSError:
            pass


def load(key: str, corpus) -> ClaimAnalysis | None:
    """The cached analysis for ``key``, or ``None`` (missing, unreadable or stale).

    With the garbage collector paused: the collections that building 150,000 claims
    (and the decoded document) set off took a third of the 6.7 s of reading 10,000
    reviews' analysis."""
    from ballerina_tui.claims.linking import paused_gc

    with paused_gc():
        return _load(key, corpus)


def _load(key: str, corpus) -> ClaimAnalysis | None:
    try:
        data = _read(_path(key))
        if data is None:
            return None
        texts = {r.id: r.text for r in corpus.reviews}
        claims = []
        for cid, review, section, start, end, chars, paragraph, group in data["claims"]:
            claims.append(
                Claim(
                    id=cid,
                    review=review,
                    text=texts[review][start:end],
                    section=section,
                    start=start,
                    end=end,
                    characters=tuple(chars),
                    paragraph=paragraph,
                    group=group,
                )
            )
        groups = [ClaimGroup(g, list(cl), list(rv)) for g, cl, rv in data["groups"]]
        conflicts = [Conflict(a, b, reason) for a, b, reason in data["conflicts"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    by_group = {g.id: g for g in groups}
    for claim in claims:
        group = by_group.get(claim.group)
        if group is None:
            return None
        claim.shared_with = _others(group.reviews, claim.review)
        claim.unique = not claim.shared_with
    by_id = {c.id: c for c in claims}
    for conflict in conflicts:
        by_id[conflict.a].contradicts.append(conflict.b)
        by_id[conflict.b].contradicts.append(conflict.a)
    analysis = ClaimAnalysis(list(corpus.reviews), claims, groups, conflicts)
    try:
        near = {part: data[f"near.{part}"] for part in ("starts", "other", "score")}
        analysis.near = Near.from_json([c.id for c in claims], analysis._index, near)
    except (ValueError, KeyError, TypeError):
        return None
    analysis.links = {(a, b): ev for a, b, ev in data["links"]}
    analysis._scorer_factory = _rebuild_scorer(corpus)
    return analysis


def _rebuild_scorer(corpus):
    """Evidence for pairs nobody asked about until now: rebuilt on first use only."""

    def factory(analysis: ClaimAnalysis):
        from ballerina_tui.characters import load_characters
        from ballerina_tui.claims.candidates import embed_claims
        from ballerina_tui.claims.evidence import _Aligner
        from ballerina_tui.claims.grouping import Scorer
        from ballerina_tui.claims.scoring import PARAMS

        try:
            characters = load_characters(corpus.characters_path)
        except Exception:  # noqa: BLE001 - evidence without names is still evidence
            from ballerina_tui.characters import CharacterSet

            characters = CharacterSet()
        aligner = _Aligner(analysis.claims, characters)
        vectors = embed_claims([c.text for c in analysis.claims])
        return Scorer(analysis.claims, aligner, vectors, PARAMS)

    return factory
