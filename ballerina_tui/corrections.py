"""The fan's corrections to the claim analysis: links and broken links. No Textual import.

A fan who reads the diff knows better than the engine: two claims say the same thing in
other words (*link* them), or a claim was put in a group where it does not belong (*break*
its link to the group, or to one claim of it). Corrections live in the user data directory,
one YAML file per review folder (``corrections/<folder key>.yaml``), written the way
highlights are (:mod:`ballerina_tui.highlights`):

- every write takes an inter-process lock, re-reads the file and applies just this change
  to what is on disk (two instances correcting at once lose nothing), then replaces the
  file atomically;
- a file that cannot be read is moved aside (``*.unreadable-<time>``), never overwritten.

A claim is stored by its review id, its text and where it was (:class:`ClaimRef`), never by
its engine id alone: ids are renumbered when a review changes or the engine segments
differently. :func:`resolve` finds the claim again (same text first, nearest to the old
place; else the claim that now holds that text).

:func:`apply_corrections` re-derives groups, ``shared_with``, ``unique`` and which conflicts
show, so every consumer (``claims --json``, ``diff``, ``report``, the export's tags, the
app) sees the corrected analysis. The original analysis is left untouched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ballerina_tui.paths import atomic_write_text, corpus_key, data_dir, file_lock

FORMAT_VERSION = 1
LINK = "link"
UNLINK = "unlink"
KINDS = (LINK, UNLINK)


def _norm(text: str) -> str:
    return " ".join(text.split())


# =========================================================================== claim refs


@dataclass(frozen=True)
class ClaimRef:
    """A claim as the fan saw it: review, text, and where it started then."""

    review: str
    text: str
    start: int = 0

    @property
    def key(self) -> str:
        digest = hashlib.sha1(_norm(self.text).encode("utf-8", "surrogatepass")).hexdigest()
        return f"{self.review}-{digest[:10]}"

    @classmethod
    def of(cls, claim) -> ClaimRef:
        return cls(claim.review, claim.text, claim.start)

    def to_dict(self) -> dict:
        return {"review": self.review, "text": self.text, "start": self.start}

    @classmethod
    def from_dict(cls, data) -> ClaimRef | None:
        if not isinstance(data, dict):
            return None
        review, text, start = data.get("review"), data.get("text"), data.get("start", 0)
        if not isinstance(review, str) or not isinstance(text, str) or not text.strip():
            return None
        if not isinstance(start, int) or isinstance(start, bool):
            start = 0
        return cls(review, text, start)


def resolve(ref: ClaimRef, analysis) -> str | None:
    """The id of the claim ``ref`` names in ``analysis`` now, or ``None`` when it is gone.

    The same text (whitespace aside) in the same review wins, nearest to the old place;
    else the claim whose span now holds that text, or most of it (the engine may cut the
    sentence differently after an update).
    """
    claims = [c for c in analysis.claims if c.review == ref.review]
    want = _norm(ref.text)
    same = [c for c in claims if _norm(c.text) == want]
    if same:
        return min(same, key=lambda c: abs(c.start - ref.start)).id
    review = next((r for r in analysis.reviews if r.id == ref.review), None)
    if review is None:
        return None
    parts = ref.text.split()
    pattern = r"\s+".join(re.escape(p) for p in parts)
    found = list(re.finditer(pattern, review.text)) if parts else []
    if not found:
        return None
    place = min(found, key=lambda m: abs(m.start() - ref.start))
    overlap = {
        c.id: min(c.end, place.end()) - max(c.start, place.start())
        for c in claims
        if c.start < place.end() and place.start() < c.end
    }
    if not overlap:
        return None
    best = max(overlap, key=lambda cid: overlap[cid])
    return best if overlap[best] * 2 >= place.end() - place.start() else None


# =========================================================================== corrections


@dataclass(frozen=True)
class Correction:
    """``link`` a and b; ``unlink`` a from b, or from its whole group when b is None."""

    kind: str
    a: ClaimRef
    b: ClaimRef | None = None
    created: str = ""

    @property
    def id(self) -> str:
        keys = [self.a.key] if self.b is None else [self.a.key, self.b.key]
        if self.kind == LINK:
            keys.sort()  # a link has no direction
        return f"{self.kind}-" + hashlib.sha1("|".join(keys).encode()).hexdigest()[:10]

    def involves(self, ref: ClaimRef) -> bool:
        return self.a.key == ref.key or (self.b is not None and self.b.key == ref.key)

    def to_dict(self) -> dict:
        out = {"id": self.id, "kind": self.kind, "a": self.a.to_dict()}
        out["b"] = self.b.to_dict() if self.b is not None else None
        out["created"] = self.created
        return out

    @classmethod
    def from_dict(cls, data) -> Correction | None:
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            return None
        a = ClaimRef.from_dict(data.get("a"))
        b = ClaimRef.from_dict(data.get("b")) if data.get("b") is not None else None
        if a is None or (data.get("kind") == LINK and b is None):
            return None
        created = data.get("created") if isinstance(data.get("created"), str) else ""
        return cls(data["kind"], a, b, created)


def make_correction(kind: str, a, b=None) -> Correction:
    """A correction of claims ``a`` (and ``b``): claim objects or :class:`ClaimRef`."""
    if kind not in KINDS:
        raise ValueError(f"unknown correction {kind!r}")
    ref_a = a if isinstance(a, ClaimRef) else ClaimRef.of(a)
    ref_b = None if b is None else (b if isinstance(b, ClaimRef) else ClaimRef.of(b))
    if kind == LINK and ref_b is None:
        raise ValueError("a link needs two claims")
    if ref_b is not None and ref_a.key == ref_b.key:
        raise ValueError("a claim cannot be linked to itself")
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    return Correction(kind, ref_a, ref_b, now)


def corrections_key(corrections) -> str:
    """A short digest of the corrections, in order (for the analysis cache key)."""
    ids = "\n".join(c.id for c in corrections)
    return hashlib.sha1(ids.encode()).hexdigest()[:12]


def store_path(corpus_root: Path) -> Path:
    return data_dir() / "corrections" / f"{corpus_key(corpus_root)}.yaml"


@dataclass
class CorrectionStore:
    """The corrections of one review folder, backed by a YAML file."""

    path: Path
    root: str = ""
    items: list[Correction] = field(default_factory=list)
    note: str | None = None  # set when the file could not be read (and, on write, moved aside)

    @classmethod
    def for_corpus(cls, corpus, path: Path | None = None) -> CorrectionStore:
        store = cls(
            path=Path(path) if path is not None else store_path(corpus.root),
            root=str(corpus.root),
        )
        store.reload()
        return store

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def reload(self) -> list[Correction]:
        self.items = self._read(move_bad_aside=False)
        return self.items

    def _read(self, *, move_bad_aside: bool) -> list[Correction]:
        import yaml

        try:
            source = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            return self._unreadable(f"cannot read {self.path}: {exc}", move_bad_aside)
        try:
            data = yaml.safe_load(source)
        except yaml.YAMLError as exc:
            reason = " ".join(str(exc).split())[:160]
            return self._unreadable(f"{self.path} is not valid YAML ({reason})", move_bad_aside)
        if data is None:
            return []
        if not isinstance(data, dict) or not isinstance(data.get("corrections", []), list):
            return self._unreadable(f"{self.path} is not a corrections file", move_bad_aside)
        out: dict[str, Correction] = {}
        for entry in data.get("corrections") or []:
            item = Correction.from_dict(entry)
            if item is not None:
                out.pop(item.id, None)  # the latest wins and keeps its place in time
                out[item.id] = item
        return list(out.values())

    def _unreadable(self, message: str, move_bad_aside: bool) -> list[Correction]:
        if move_bad_aside:
            aside = self.path.with_name(
                f"{self.path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}"
            )
            try:
                self.path.rename(aside)
                self.note = f"{message}; kept it as {aside.name} and started a new file"
            except OSError:
                raise OSError(f"{message}; not overwriting it") from None
        else:
            self.note = message
        return []

    def _update(self, change: Callable[[list[Correction]], list[Correction]]) -> None:
        import yaml

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(self.lock_path):
            updated = change(self._read(move_bad_aside=True))
            document = {
                "version": FORMAT_VERSION,
                "reviews": self.root,
                "corrections": [c.to_dict() for c in updated],
            }
            text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
            atomic_write_text(self.path, "# ballerina-tui claim corrections\n" + text)
        self.items = updated

    def add(self, correction: Correction) -> Correction:
        """Record a correction; it replaces any earlier one it overrides."""

        def change(items: list[Correction]) -> list[Correction]:
            return [c for c in items if not _overridden(c, correction)] + [correction]

        self._update(change)
        return correction

    def remove(self, correction_id: str) -> bool:
        existed = False

        def change(items: list[Correction]) -> list[Correction]:
            nonlocal existed
            existed = any(c.id == correction_id for c in items)
            return [c for c in items if c.id != correction_id]

        self._update(change)
        return existed


def _overridden(old: Correction, new: Correction) -> bool:
    """Whether ``new`` makes ``old`` pointless (same pair, or ``a`` unlinked from all)."""
    if old.id == new.id:
        return True
    pair_old = {old.a.key, old.b.key if old.b else None}
    pair_new = {new.a.key, new.b.key if new.b else None}
    if new.b is not None and pair_old == pair_new:
        return True  # link a b after unlink a b (either way round), and the reverse
    if new.kind == UNLINK and new.b is None and old.kind == LINK:
        return old.involves(new.a)
    return False


def load_corrections(corpus) -> CorrectionStore:
    return CorrectionStore.for_corpus(corpus)


# =========================================================================== applying


@dataclass
class Applied:
    """What one correction did to an analysis (kept on the corrected analysis)."""

    correction: Correction
    a: str | None  # claim ids now, None when the claim is gone
    b: str | None

    @property
    def active(self) -> bool:
        return self.a is not None and (self.correction.b is None or self.b is not None)


def apply_corrections(analysis, corrections):
    """A copy of ``analysis`` with the fan's links and breaks applied, in order.

    ``link a b`` puts the groups of a and b together; ``unlink a`` takes a out of its group
    (alone); ``unlink a b`` takes a out of b's group. Groups the corrections did not touch
    keep their ids; changed ones get new ids. ``shared_with`` and ``unique`` follow the new
    groups; a conflict between two claims that the corrections put in one group is dropped
    (the fan says they assert the same thing). Corrections whose claims are gone are skipped and reported
    in ``corrections_applied`` (a list of :class:`Applied`) on the result.
    """
    applied = [
        Applied(c, resolve(c.a, analysis), resolve(c.b, analysis) if c.b else None)
        for c in corrections
    ]
    from ballerina_tui.claims import ClaimGroup

    if not any(a.active for a in applied):
        result = dataclasses.replace(analysis)
        _carry_over(analysis, result)
        result.corrections_applied = applied
        return result
    group_of = {c.id: c.group for c in analysis.claims}
    original = {g.id: list(g.claims) for g in analysis.groups}
    members = {gid: list(ids) for gid, ids in original.items()}
    fresh = 0

    def new_group() -> str:
        nonlocal fresh
        fresh += 1
        return f"~{fresh}"

    def move(cid: str, target: str) -> None:
        members[group_of[cid]].remove(cid)
        members.setdefault(target, []).append(cid)
        group_of[cid] = target

    for item in applied:
        if not item.active:
            continue
        a, b = item.a, item.b
        if item.correction.kind == LINK:
            ga, gb = group_of[a], group_of[b]
            if ga != gb:
                for cid in list(members[gb]):
                    move(cid, ga)
        elif b is None or group_of[a] == group_of[b]:
            if len(members[group_of[a]]) > 1:
                move(a, new_group())

    order = {c.id: n for n, c in enumerate(analysis.claims)}
    reviews_of = {c.id: c.review for c in analysis.claims}
    taken = {int(g[1:]) for g in original if g[1:].isdigit()}
    next_n = max(taken, default=0)
    rename: dict[str, str] = {}
    groups = []
    for gid, ids in sorted(
        ((g, i) for g, i in members.items() if i), key=lambda gi: min(order[c] for c in gi[1])
    ):
        ids = sorted(ids, key=order.__getitem__)
        if gid in original and sorted(original[gid], key=order.__getitem__) == ids:
            rename[gid] = gid
        else:
            next_n += 1
            rename[gid] = f"g{next_n}"
        group_reviews = list(dict.fromkeys(reviews_of[c] for c in ids))
        groups.append(ClaimGroup(rename[gid], ids, group_reviews))
    reviews_in = {g.id: g.reviews for g in groups}
    base_group = {c.id: c.group for c in analysis.claims}
    conflicts = [  # the fan's links say these two assert the same thing: no conflict
        x
        for x in analysis.conflicts
        if base_group[x.a] == base_group[x.b] or rename[group_of[x.a]] != rename[group_of[x.b]]
    ]
    against: dict[str, list[str]] = {}
    for x in conflicts:
        against.setdefault(x.a, []).append(x.b)
        against.setdefault(x.b, []).append(x.a)
    claims = []
    for claim in analysis.claims:
        gid = rename[group_of[claim.id]]
        shared = [r for r in reviews_in[gid] if r != claim.review]
        claims.append(
            dataclasses.replace(
                claim,
                group=gid,
                shared_with=shared,
                unique=not shared,
                contradicts=[c for c in claim.contradicts if c in against.get(claim.id, [])],
            )
        )
    result = dataclasses.replace(analysis, claims=claims, groups=groups, conflicts=conflicts)
    _carry_over(analysis, result)
    result.corrections_applied = applied
    return result


def _carry_over(source, target) -> None:
    """Keep what the engine attached to its analysis outside the dataclass fields.

    Also what the copy's ``__post_init__`` reset to None (the scorer, or the factory that
    rebuilds it for a cached analysis): without it a corrected analysis explained every
    unlinked pair as "score 0.00"."""
    for name, value in vars(source).items():
        if name not in vars(target) or (getattr(target, name) is None and value is not None):
            setattr(target, name, value)


def corrected(corpus, analysis, store: CorrectionStore | None = None):
    """``analysis`` with the stored corrections of ``corpus``'s folder applied."""
    store = store if store is not None else CorrectionStore.for_corpus(corpus)
    return apply_corrections(analysis, store.items)


def corrections_for(analysis, claim_id: str) -> list[Applied]:
    """The corrections that touch ``claim_id`` in a corrected analysis."""
    return [
        a
        for a in getattr(analysis, "corrections_applied", [])
        if a.active and claim_id in (a.a, a.b)
    ]


# =========================================================================== candidates


_FUNCTION_WORDS = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been it its "
    "this that these those he she they his her their i you we my our your not no so very "
    "too also just than then there here has have had do does did will would can could "
    "into about over more most some such what which who whom whose all one up out when how "
    "only even much many like get gets got if because being".split()
)


def _content_words(text: str) -> set[str]:
    from ballerina_tui.textutil import fold

    return {w for w in re.findall(r"\w+", fold(text).lower()) if w not in _FUNCTION_WORDS}


def _fallback_near(analysis, claim_id: str) -> list[tuple[str, float]]:
    """Every claim of another review, ranked by shared content words (Jaccard).

    Used only while the engine offers no ``near`` of its own."""
    words = getattr(analysis, "_content_words", None)
    if words is None:  # once per analysis: the picker and explain rank often
        words = {c.id: _content_words(c.text) for c in analysis.claims}
        analysis._content_words = words
    me = analysis.claim(claim_id)
    mine = words[me.id]
    out = []
    for other in analysis.claims:
        if other.review == me.review:
            continue
        theirs = words[other.id]
        union = mine | theirs
        score = len(mine & theirs) / len(union) if union else 0.0
        if score > 0:
            out.append((other.id, round(score, 3)))
    out.sort(key=lambda item: -item[1])
    return out


def nearest(analysis, claim_id: str, *, limit: int = 8, per_review: int | None = None):
    """The best candidates for ``claim_id`` in other reviews: ``[(claim id, score)]``.

    The engine's own ``near`` when it has one, else a ranking by shared content words.
    ``per_review`` keeps at most that many from each other review.
    """
    engine = getattr(analysis, "near", None)
    if isinstance(engine, Mapping) and claim_id in engine:
        ranked = [(cid, float(s)) for cid, s in engine[claim_id]]
    else:
        ranked = _fallback_near(analysis, claim_id)
    if per_review is not None:
        seen: dict[str, int] = {}
        kept = []
        for cid, score in ranked:
            review = analysis.claim(cid).review
            if seen.get(review, 0) < per_review:
                seen[review] = seen.get(review, 0) + 1
                kept.append((cid, score))
        ranked = kept
    return ranked[:limit]


def evidence(analysis, a_id: str, b_id: str) -> dict:
    """What links ``a_id`` and ``b_id``, or keeps them apart, as plain data.

    The engine's ``evidence`` when it has one; always with ``linked`` (same group now) and
    ``by_fan`` (a correction of the fan links or separates them)."""
    engine = getattr(analysis, "evidence", None)
    out: dict = {}
    if callable(engine):
        try:
            out = dict(engine(a_id, b_id) or {})
        except (KeyError, ValueError):
            out = {}
    if not out:
        a, b = analysis.claim(a_id), analysis.claim(b_id)
        wa, wb = _content_words(a.text), _content_words(b.text)
        union = wa | wb
        out = {
            "shared words": sorted(wa & wb),
            "score": round(len(wa & wb) / len(union), 3) if union else 0.0,
        }
        if a.group != b.group:
            out["not linked"] = (
                f"{len(wa & wb)} of {len(union)} content words in common; "
                "no engine evidence for this pair"
            )
    a, b = analysis.claim(a_id), analysis.claim(b_id)
    out["linked"] = a.group == b.group
    fan = [x.correction.kind for x in corrections_for(analysis, a_id) if b_id in (x.a, x.b)]
    if fan:
        out["by_fan"] = fan[-1]
    return out
