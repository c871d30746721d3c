"""The claim engine's data: claims, groups, conflicts, diff rows and the analysis."""

from __future__ import annotations

from dataclasses import dataclass, field

from ballerina_tui.corpus import Review

UNIQUE = "unique"
SHARED = "shared"
CONFLICT = "conflict"


@dataclass
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

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "review": self.review,
            "text": self.text,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "group": self.group,
            "shared_with": list(self.shared_with),
            "unique": self.unique,
            "contradicts": list(self.contradicts),
        }


@dataclass
class ClaimGroup:
    id: str  # "g<n>"
    claims: list[str]
    reviews: list[str]

    def to_json(self) -> dict:
        return {"id": self.id, "claims": list(self.claims), "reviews": list(self.reviews)}


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

    def __post_init__(self) -> None:
        self._by_id = {c.id: c for c in self.claims}
        self._groups = {g.id: g for g in self.groups}

    def claim(self, claim_id: str) -> Claim:
        return self._by_id[claim_id]

    def group(self, group_id: str) -> ClaimGroup:
        return self._groups[group_id]

    def for_review(self, review_id: str) -> list[Claim]:
        return [c for c in self.claims if c.review == review_id]

    def claim_at(self, review_id: str, offset: int) -> Claim | None:
        """The claim of ``review_id`` whose span contains ``offset``."""
        for claim in self.claims:
            if claim.review == review_id and claim.start <= offset < claim.end:
                return claim
        return None

    def counts(self, review_id: str) -> dict[str, int]:
        """How many of a review's claims are unique, shared and conflicting."""
        out = {UNIQUE: 0, SHARED: 0, CONFLICT: 0}
        for claim in self.for_review(review_id):
            out[claim.status] += 1
        return out

    def to_json(self, *, review: str | None = None, unique_only: bool = False) -> dict:
        claims = [
            c
            for c in self.claims
            if (review is None or c.review == review) and (not unique_only or c.unique)
        ]
        wanted_groups = {c.group for c in claims}
        return {
            "reviews": [{"id": r.id, "handle": r.handle, "title": r.title} for r in self.reviews],
            "claims": [c.to_json() for c in claims],
            "groups": [g.to_json() for g in self.groups if g.id in wanted_groups],
        }


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
