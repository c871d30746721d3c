"""The claim engine's data: claims, groups, conflicts, diff rows and the analysis."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _encode_str

from ballerina_tui.corpus import Review

UNIQUE = "unique"
SHARED = "shared"
CONFLICT = "conflict"


@dataclass(slots=True)
class Claim:
    id: str  # "<review id>:<n>", n counting from 1 in reading order
    review: str
    text: str  # verbatim review.text[start:end]
    section: str
    start: int
    end: int
    characters: tuple[str, ...] = ()
    paragraph: int = 0  # index of the block (paragraph or list item) it comes from
    group: str = ""
    shared_with: list[str] = field(default_factory=list)
    unique: bool = True
    contradicts: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``conflict`` if it contradicts another claim, else ``shared`` or ``unique``."""
        if self.contradicts:
            return CONFLICT
        return UNIQUE if self.unique else SHARED

    @property
    def shared_count(self) -> int:
        """How many other reviews say it."""
        return len(self.shared_with)

    def to_json(self, *, shared_with: bool = True) -> dict:
        """The claim's JSON; ``shared_with=False`` leaves that list empty (a streamed
        writer fills it in)."""
        return {
            "id": self.id,
            "review": self.review,
            "text": self.text,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "group": self.group,
            "shared_with": list(self.shared_with) if shared_with else [],
            "unique": self.unique,
            "contradicts": list(self.contradicts),
        }


@dataclass
class ClaimGroup:
    id: str  # "g<n>"
    claims: list[str]
    reviews: list[str]

    def to_json(self, links: list[dict] | None = None) -> dict:
        out = {"id": self.id, "claims": list(self.claims), "reviews": list(self.reviews)}
        if links is not None:
            out["links"] = links
        return out


@dataclass(frozen=True)
class Conflict:
    a: str  # claim id
    b: str  # claim id
    reason: str  # one line: why these two cannot both be true


@dataclass
class DiffRow:
    """One aligned row of a diff: the claims of each shown review that belong together."""

    kind: str  # UNIQUE | SHARED | CONFLICT
    cells: dict[str, list[Claim]]  # review id -> claims (empty list: nothing in that column)
    group: str | None = None


@dataclass
class ClaimAnalysis:
    reviews: list[Review]
    claims: list[Claim]
    groups: list[ClaimGroup]
    conflicts: list[Conflict]

    # claim id -> its best candidates in other reviews, ``[(other claim id, score)]``, best
    # first (up to ten): what a fan picks from to link a claim by hand.
    near: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    # (claim id, claim id) -> the evidence of each link the engine made (with its score).
    links: dict[tuple[str, str], dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_id = {c.id: c for c in self.claims}
        self._groups = {g.id: g for g in self.groups}
        self._index = {c.id: i for i, c in enumerate(self.claims)}
        # Each review's claims in reading order: the sidebar asks for every review's
        # counts, and scanning all claims for each took 170 s at 10,000 reviews.
        self._by_review: dict[str, list[Claim]] = {}
        for c in self.claims:
            self._by_review.setdefault(c.review, []).append(c)
        self._scorer = None
        self._scorer_factory = None

    def attach(self, near, scorer, linked: dict, evidence: list[dict] | None = None) -> None:
        """Keep the linking's results: ``near`` as :func:`.candidates.nearest` gives it
        and ``linked`` by claim index, the scorer. ``evidence``: each link's
        :meth:`~.grouping.Scorer.parts`, in ``linked``'s order, when already known."""
        ids = [c.id for c in self.claims]
        self.near = Near(ids, self._index, *near)
        self._scorer = scorer
        self.links = {}
        if evidence is None:
            evidence = [scorer.parts(a, b) for a, b in linked]
        for ((a, b), score), parts in zip(linked.items(), evidence, strict=True):
            parts["score"] = round(score, 4)
            self.links[(ids[a], ids[b])] = parts

    def _get_scorer(self):
        if self._scorer is None and self._scorer_factory is not None:
            self._scorer = self._scorer_factory(self)
        return self._scorer

    def evidence(self, a_id: str, b_id: str) -> dict:
        """The evidence and score for any pair of claims, and whether (and why not) linked.

        Keys: ``lexical``, ``dense`` (cosine), ``names``, ``numbers``, ``aspects``,
        ``score``, ``linked`` (bool), ``why`` (one line)."""
        from ballerina_tui.claims.scoring import PARAMS

        a, b = self._by_id[a_id], self._by_id[b_id]
        link = self.links.get((a_id, b_id)) or self.links.get((b_id, a_id))
        scorer = self._get_scorer()
        if link is not None:
            out = dict(link)
        elif scorer is not None:
            out = scorer.evidence(self._index[a_id], self._index[b_id])
        else:
            out = {"score": 0.0}
        score = out.get("score", 0.0)
        if a.review == b.review:
            out.update(linked=False, why="the same review")
        elif link is not None:
            out.update(linked=True, why="linked: the best match of each other, or a close one")
        elif a.group == b.group:
            out.update(linked=True, why="linked through other claims of their group")
        else:
            out["linked"] = False
            best_a = next(
                (c for c, _s in self.near.get(a_id, []) if c.split(":")[0] == b.review), None
            )
            best_b = next(
                (c for c, _s in self.near.get(b_id, []) if c.split(":")[0] == a.review), None
            )
            if score < PARAMS.mutual:
                out["why"] = f"score {score:.2f} below the link threshold {PARAMS.mutual:.2f}"
            elif best_a not in (None, b_id):
                out["why"] = f"{a_id} matches {best_a} better in {b.review}"
            elif best_b not in (None, a_id):
                out["why"] = f"{b_id} matches {best_b} better in {a.review}"
            else:
                out["why"] = "their groups hold claims too far apart to merge"
        return out

    def _claim_json(self, claim: Claim, *, shared_with: bool = True) -> dict:
        out = claim.to_json(shared_with=shared_with)
        out["near"] = [{"claim": c, "score": s} for c, s in self._first_near(claim.id)]
        return out

    def _first_near(self, claim_id: str, count: int = 3) -> list[tuple[str, float]]:
        """The first ``count`` of ``near[claim_id]`` (none if it has none), without making
        the others into a list (Near.best)."""
        if isinstance(self.near, Near):
            return self.near.best(claim_id, count)
        return self.near.get(claim_id, [])[:count]

    def _claim_text(self, claim: Claim, shared: _SharedWithText, first=None) -> str:
        """``_indented(self._claim_json(claim), 4)``, written out for the usual types (a
        claim's text is most of the time of writing 10,000 reviews' claims). ``first``:
        :meth:`Near.firsts`, when made."""
        near = first(claim.id) if first is not None else self._first_near(claim.id)
        if not (
            type(claim.start) is int
            and type(claim.end) is int
            and type(claim.unique) is bool
            and all(type(c) is str and type(s) is float and s - s == 0.0 for c, s in near)
            and all(type(x) is str for x in (claim.id, claim.review, claim.text))
            and all(type(x) is str for x in (claim.section, claim.group, *claim.contradicts))
        ):
            return _claim_text(self._claim_json(claim, shared_with=False), claim, shared)
        enc = _encode_str
        if claim.contradicts:
            contradicts = (
                "[\n        " + ",\n        ".join(map(enc, claim.contradicts)) + "\n      ]"
            )
        else:
            contradicts = "[]"
        if near:
            near_text = (
                "[\n        "
                + ",\n        ".join(
                    '{\n          "claim": '
                    + enc(c)
                    + ',\n          "score": '
                    + float.__repr__(s)
                    + "\n        }"
                    for c, s in near
                )
                + "\n      ]"
            )
        else:
            near_text = "[]"
        return (
            '{\n      "id": '
            + enc(claim.id)
            + ',\n      "review": '
            + enc(claim.review)
            + ',\n      "text": '
            + enc(claim.text)
            + ',\n      "section": '
            + enc(claim.section)
            + ',\n      "start": '
            + int.__repr__(claim.start)
            + ',\n      "end": '
            + int.__repr__(claim.end)
            + ',\n      "group": '
            + enc(claim.group)
            + ',\n      "shared_with": '
            + (shared.text(claim.shared_with) if claim.shared_with else "[]")
            + ',\n      "unique": '
            + ("true" if claim.unique else "false")
            + ',\n      "contradicts": '
            + contradicts
            + ',\n      "near": '
            + near_text
            + "\n    }"
        )

    def _group_links(self, group: ClaimGroup) -> list[dict]:
        members = set(group.claims)
        return [
            {"a": a, "b": b, **evidence}
            for (a, b), evidence in self.links.items()
            if a in members and b in members
        ]

    def _links_by_group(self, group_ids: set[str]) -> dict[str, list[dict]]:
        """What ``_group_links`` gives each of ``group_ids``, in one pass over the links
        (asking group by group read every link once per group: 10,000 reviews hold tens
        of thousands of groups and of links)."""
        holders: dict[str, list[str]] = {}
        for group in self.groups:
            if group.id in group_ids:
                for cid in dict.fromkeys(group.claims):
                    holders.setdefault(cid, []).append(group.id)
        out: dict[str, list[dict]] = {gid: [] for gid in group_ids}
        for (a, b), evidence in self.links.items():
            of_a = holders.get(a)
            if not of_a:
                continue
            of_b = holders.get(b, ())
            for gid in of_a:
                if gid in of_b:
                    out[gid].append({"a": a, "b": b, **evidence})
        return out

    def claim(self, claim_id: str) -> Claim:
        return self._by_id[claim_id]

    def group(self, group_id: str) -> ClaimGroup:
        return self._groups[group_id]

    def for_review(self, review_id: str) -> list[Claim]:
        return list(self._by_review.get(review_id, ()))

    def claim_at(self, review_id: str, offset: int) -> Claim | None:
        """The claim of ``review_id`` whose span contains ``offset``."""
        for claim in self._by_review.get(review_id, ()):
            if claim.start <= offset < claim.end:
                return claim
        return None

    def counts(self, review_id: str) -> dict[str, int]:
        """How many of a review's claims are unique, shared and conflicting."""
        out = {UNIQUE: 0, SHARED: 0, CONFLICT: 0}
        for claim in self._by_review.get(review_id, ()):
            out[claim.status] += 1
        return out

    def selected(self, *, review: str | None = None, unique_only: bool = False) -> list[Claim]:
        """The claims ``to_json`` lists: of ``review`` only, only unique ones, or all."""
        return [
            c
            for c in self.claims
            if (review is None or c.review == review) and (not unique_only or c.unique)
        ]

    def to_json(self, *, review: str | None = None, unique_only: bool = False) -> dict:
        claims = self.selected(review=review, unique_only=unique_only)
        wanted_groups = {c.group for c in claims}
        links = self._links_by_group(wanted_groups)
        return {
            "reviews": [{"id": r.id, "handle": r.handle, "title": r.title} for r in self.reviews],
            "claims": [self._claim_json(c) for c in claims],
            "groups": [g.to_json(links[g.id]) for g in self.groups if g.id in wanted_groups],
        }

    def iter_json(self, *, review: str | None = None, unique_only: bool = False):
        """``json.dumps(self.to_json(...), ensure_ascii=False, indent=2)``, the same text,
        as pieces: one claim (or group) at a time, never the whole document at once.

        A group spanning thousands of reviews lists all but one of them in each of its
        claims' ``shared_with`` (at 10,000 generated reviews: 219 million entries, about
        4 GB of output); the list is encoded once per group and cut per claim, and only
        one claim's text is held at a time."""
        claims = self.selected(review=review, unique_only=unique_only)
        wanted_groups = {c.group for c in claims}
        reviews = [{"id": r.id, "handle": r.handle, "title": r.title} for r in self.reviews]
        yield '{\n  "reviews": ' + _indented(reviews, 2) + ',\n  "claims": '
        shared = _SharedWithText()
        first = self.near.firsts(3) if isinstance(self.near, Near) and claims else None
        yield from _stream_list(self._claim_text(c, shared, first) for c in claims)
        yield ',\n  "groups": '
        links = self._links_by_group(wanted_groups)
        yield from _stream_list(
            _indented(g.to_json(links.pop(g.id)), 4)
            for g in self.groups
            if g.id in wanted_groups and g.id in links
        )
        yield "\n}"


# --------------------------------------------------------------------------- streamed JSON

_EMPTY_SHARED = '\n      "shared_with": [],\n'  # a claim's key, at its depth in the document


def _indented(value, depth: int) -> str:
    """``value`` as ``json.dumps(indent=2, ensure_ascii=False)`` writes it ``depth`` spaces
    in (first line not indented: it follows its key). Encoded text never holds a raw
    newline.

    Strings, numbers, lists and dicts with string keys are written here, with json's own
    string and float encoders (its indenting encoder is pure Python and took most of the
    time of writing 10,000 reviews' claims); anything else goes through ``json.dumps``."""
    return _encode(value, " " * depth)


def _encode(value, indent: str) -> str:
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and value - value == 0.0:  # finite (json writes NaN and Infinity)
        return float.__repr__(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    inner = indent + "  "
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        if all(type(item) is str for item in value):  # a group's claims and reviews
            body = (",\n" + inner).join(map(_encode_str, value))
        else:
            body = (",\n" + inner).join([_encode(item, inner) for item in value])
        return "[\n" + inner + body + "\n" + indent + "]"
    if kind is dict and all(type(key) is str for key in value):
        if not value:
            return "{}"
        # Strings and finite floats written here (most of a link's evidence), the rest
        # through _encode: one call per value was most of the time of writing the groups.
        body = (",\n" + inner).join(
            [
                _encode_str(key)
                + ": "
                + (
                    _encode_str(item)
                    if type(item) is str
                    else float.__repr__(item)
                    if type(item) is float and item - item == 0.0
                    else _encode(item, inner)
                )
                for key, item in value.items()
            ]
        )
        return "{\n" + inner + body + "\n" + indent + "}"
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + indent)


def _stream_list(items):
    """A list of already indented items (depth 4) inside the top-level object."""
    first = True
    for text in items:
        yield ("[\n    " if first else ",\n    ") + text
        first = False
    yield "[]" if first else "\n  ]"


class _SharedWithText:
    """``shared_with`` lists as JSON text: each group's reviews encoded once, each claim's
    list cut out of it (all of them but the claim's own review)."""

    SEP = ",\n        "

    def __init__(self) -> None:
        self._groups: dict[int, tuple[list[str], str, list[int]]] = {}

    def text(self, shared) -> str:
        import json

        if not shared:
            return "[]"
        if not isinstance(shared, Others):
            items = [json.dumps(r, ensure_ascii=False) for r in shared]
            return "[\n        " + self.SEP.join(items) + "\n      ]"
        reviews, skip = shared._reviews, shared._skip
        known = self._groups.get(id(reviews))
        if known is None or known[0] is not reviews:
            items = [json.dumps(r, ensure_ascii=False) for r in reviews]
            joined = self.SEP.join(items)
            starts, at = [], 0
            for item in items:
                starts.append(at)
                at += len(item) + len(self.SEP)
            starts.append(at)  # where an item after the last would start
            known = self._groups[id(reviews)] = (reviews, joined, starts)
        _reviews, joined, starts = known
        last = len(reviews) - 1
        if skip > last:
            body = joined
        elif skip == 0:
            body = joined[starts[1] :]
        elif skip == last:
            body = joined[: starts[last] - len(self.SEP)]
        else:
            body = joined[: starts[skip]] + joined[starts[skip + 1] :]
        return "[\n        " + body + "\n      ]"


def _claim_text(data: dict, claim: Claim, shared: _SharedWithText) -> str:
    """One claim of ``iter_json`` (depth 4), its ``shared_with`` cut from its group's.

    ``data`` is the claim's JSON with an empty ``shared_with``: the key's line is found by
    its line break and indentation (encoded text never holds a raw line break)."""
    text = _indented(data, 4)
    if claim.shared_with:
        at = text.find(_EMPTY_SHARED)
        if at < 0:  # not where a claim's keys put it: encode the list as it is
            data["shared_with"] = list(claim.shared_with)
            return _indented(data, 4)
        opening = at + len(_EMPTY_SHARED) - 4  # the "[" of "[],"
        text = text[:opening] + shared.text(claim.shared_with) + text[opening + 2 :]
    return text


class Near(Mapping):
    """claim id -> its best candidates in other reviews, ``[(other claim id, score)]``
    best first, held as three arrays (``starts`` into ``other`` and ``score``, one row
    per claim, as :func:`.candidates.nearest` gives them) and made into lists only when
    asked for: 150,000 claims' ten candidates as lists of tuples took about 300 MB."""

    def __init__(self, ids: list[str], index: dict[str, int], starts, other, score) -> None:
        self._ids = ids
        self._index = index
        self.starts, self.other, self.score = starts, other, score

    def __getitem__(self, claim_id: str) -> list[tuple[str, float]]:
        i = self._index.get(claim_id)
        if i is None:
            raise KeyError(claim_id)
        lo, hi = int(self.starts[i]), int(self.starts[i + 1])
        if lo == hi:
            raise KeyError(claim_id)
        return self._row(lo, hi)

    def best(self, claim_id: str, count: int) -> list[tuple[str, float]]:
        """``self[claim_id][:count]``, or ``[]`` for a claim with no candidates."""
        i = self._index.get(claim_id)
        if i is None:
            return []
        lo = int(self.starts[i])
        return self._row(lo, min(int(self.starts[i + 1]), lo + count))

    def _row(self, lo: int, hi: int) -> list[tuple[str, float]]:
        ids = self._ids
        return [
            (ids[j], round(s, 4))
            for j, s in zip(self.other[lo:hi].tolist(), self.score[lo:hi].tolist(), strict=True)
        ]

    def firsts(self, count: int):
        """:meth:`best` of every claim, made at once: a function of a claim's id. (One call
        to ``best`` per claim spent most of its time in NumPy's own overheads.)"""
        import numpy as np

        lo = self.starts[:-1]
        lengths = np.minimum(self.starts[1:], lo + count) - lo
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        at = np.repeat(lo - offsets[:-1], lengths) + np.arange(int(offsets[-1]))
        others = self.other[at].tolist()
        scores = [round(s, 4) for s in self.score[at].tolist()]
        bounds = offsets.tolist()
        ids, index = self._ids, self._index

        def first(claim_id: str) -> list[tuple[str, float]]:
            i = index.get(claim_id)
            if i is None:
                return []
            return [(ids[others[k]], scores[k]) for k in range(bounds[i], bounds[i + 1])]

        return first

    def _rows(self):
        import numpy as np

        return np.flatnonzero(np.diff(self.starts) > 0).tolist()

    def __iter__(self) -> Iterator[str]:
        return (self._ids[i] for i in self._rows())

    def __len__(self) -> int:
        return len(self._rows())

    def to_json(self) -> dict:
        """The arrays, for the on-disk cache (:mod:`.cache`)."""
        return {
            "starts": self.starts.tolist(),
            "other": self.other.tolist(),
            "score": self.score.tolist(),
        }

    @classmethod
    def from_json(cls, ids: list[str], index: dict[str, int], data: dict) -> Near:
        import numpy as np

        try:
            starts = np.asarray(data["starts"], dtype=np.int64)
            other = np.asarray(data["other"], dtype=np.int64)
            score = np.asarray(data["score"], dtype=np.float64)
        except OverflowError as error:
            raise ValueError("near: a number out of range") from error
        if starts.ndim != 1 or other.ndim != 1 or score.ndim != 1:
            raise ValueError("near: not flat arrays")
        if len(starts) != len(ids) + 1 or len(other) != len(score) or starts[-1] != len(other):
            raise ValueError("near: arrays of the wrong size")
        if len(other) and (other.min() < 0 or other.max() >= len(ids)):
            raise ValueError("near: a claim out of range")
        if (np.diff(starts) < 0).any() or starts[0] != 0:
            raise ValueError("near: rows out of order")
        return cls(ids, index, starts, other.astype(np.int32), score)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _others(reviews: list[str], own: str) -> Others:
    """``reviews`` without ``own`` (listed once), as a read-only view: a group spanning
    thousands of reviews would otherwise hold a list of thousands per claim (quadratic
    memory: 1.4 GB of lists at 10,000 generated reviews)."""
    return Others(reviews, own)


class Others(Sequence):
    """The reviews of a group but one, without copying them; compares equal to the list."""

    __slots__ = ("_reviews", "_skip")

    def __init__(self, reviews: list[str], own: str) -> None:
        self._reviews = reviews
        try:
            self._skip = reviews.index(own)
        except ValueError:
            self._skip = len(reviews)

    def __len__(self) -> int:
        return len(self._reviews) - (self._skip < len(self._reviews))

    def __getitem__(self, i):
        if isinstance(i, slice):  # only the items asked for (the marks file keeps 8 of 1,388)
            reviews, skip = self._reviews, self._skip
            return [reviews[k + (k >= skip)] for k in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._reviews[i + (i >= self._skip)]

    def __iter__(self):
        for n, review in enumerate(self._reviews):
            if n != self._skip:
                yield review

    def __eq__(self, other) -> bool:
        if isinstance(other, (Others, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment] - a list is not hashable either

    def __repr__(self) -> str:
        return repr(list(self))
