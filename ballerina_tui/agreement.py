"""The agreement view as data: one row per claim group, for many reviewers at once.

Side-by-side columns read well for two to four reviewers; for a film's thirty critics the
question is "how many of them say this?". Built only on the public objects of
:class:`ballerina_tui.claims.ClaimAnalysis` (``claims``, ``groups``, ``conflicts``).
The app's diff screen, ``diff`` and ``report`` on the command line use these functions.
No Textual import.
"""

from __future__ import annotations

from dataclasses import dataclass

from ballerina_tui.textutil import fold

# More reviewers than this: the agreement view; this many or fewer: side-by-side columns.
SIDE_BY_SIDE_MAX = 4
KINDS = ("unique", "shared", "conflict")


@dataclass
class AgreementRow:
    group: str
    claim: object  # the representative claims.Claim
    claims: list  # every claim of the group made by a shown reviewer, in reviewer order
    reviews: list[str]  # the shown reviewers who make it
    total: int  # how many reviewers are shown
    status: str  # "unique" | "shared" | "conflict"
    characters: tuple[str, ...] = ()
    order: int = 0  # reading order of the representative claim

    @property
    def count(self) -> int:
        return len(self.reviews)

    @property
    def label(self) -> str:
        return f"{self.count} of {self.total}"


def _representative(claims: list) -> object:
    """The claim closest to the group's median length: neither a fragment nor a ramble."""
    lengths = sorted(len(c.text) for c in claims)
    median = lengths[len(lengths) // 2]
    return min(claims, key=lambda c: (abs(len(c.text) - median), c.id))


def agreement_rows(analysis, review_ids: list[str] | None = None) -> list[AgreementRow]:
    """One row per claim group with a claim by a shown reviewer, most agreed on first."""
    shown = list(review_ids) if review_ids is not None else [r.id for r in analysis.reviews]
    rank = {rid: n for n, rid in enumerate(shown)}
    by_id = {c.id: c for c in analysis.claims}
    position = {c.id: n for n, c in enumerate(analysis.claims)}
    in_conflict: set[str] = set()
    for conflict in analysis.conflicts:
        a, b = by_id.get(conflict.a), by_id.get(conflict.b)
        if a is not None and b is not None and a.review in rank and b.review in rank:
            in_conflict.update((conflict.a, conflict.b))
    rows: list[AgreementRow] = []
    for group in analysis.groups:
        claims = [by_id[cid] for cid in group.claims if cid in by_id and by_id[cid].review in rank]
        if not claims:
            continue
        claims.sort(key=lambda c: (rank[c.review], c.start))
        reviews = list(dict.fromkeys(c.review for c in claims))
        if any(c.id in in_conflict for c in claims):
            status = "conflict"
        else:
            status = "shared" if len(reviews) > 1 else "unique"
        chars = tuple(dict.fromkeys(ch for c in claims for ch in (c.characters or ())))
        rep = _representative(claims)
        rows.append(
            AgreementRow(
                group=group.id,
                claim=rep,
                claims=claims,
                reviews=reviews,
                total=len(shown),
                status=status,
                characters=chars,
                order=min(position[c.id] for c in claims),
            )
        )
    return sort_rows(rows, "agreement")


def sort_rows(rows: list[AgreementRow], by: str = "agreement") -> list[AgreementRow]:
    """``agreement``: most reviewers first; ``reading``: the order of the reviews."""
    if by == "reading":
        return sorted(rows, key=lambda r: r.order)
    return sorted(rows, key=lambda r: (-r.count, r.status != "conflict", r.order))


def bar(count: int, total: int, width: int = 8) -> str:
    """``count`` of ``total`` as a bar of ``width`` cells (█ filled, ░ empty)."""
    if total <= 0:
        return ""
    filled = max(1 if count else 0, round(width * count / total))
    return "█" * filled + "░" * (width - filled)


def parse_filter(text: str) -> dict[str, str]:
    """``by:HANDLE``, ``char:NAME`` and free words: the filter box's small language."""
    out = {"reviewer": "", "character": "", "text": ""}
    words = []
    for word in text.split():
        low = word.lower()
        if low.startswith(("by:", "@")):
            out["reviewer"] = word.split(":", 1)[1] if ":" in word else word[1:]
        elif low.startswith(("char:", "character:")):
            out["character"] = word.split(":", 1)[1]
        else:
            words.append(word)
    out["text"] = " ".join(words)
    return out


def filter_rows(
    rows: list[AgreementRow],
    *,
    kinds: set[str] | frozenset[str] = frozenset(KINDS),
    reviewer: str = "",
    character: str = "",
    text: str = "",
    handles: dict[str, str] | None = None,
    characters=None,
) -> list[AgreementRow]:
    """Rows of the given kinds, made by ``reviewer`` (id or handle, any part), about
    ``character`` (a name or alias, see ``CharacterSet.resolve``), containing ``text``."""
    handles = handles or {}
    who = fold(reviewer).strip()
    words = fold(text).split()
    wanted_chars: set[str] | None = None
    if character.strip():
        wanted_chars = set(characters.resolve(character)) if characters is not None else set()
    out = []
    for row in rows:
        if row.status not in kinds:
            continue
        if who and not any(
            who in fold(rid) or who in fold(handles.get(rid, "")) for rid in row.reviews
        ):
            continue
        if wanted_chars is not None:
            about = set(row.characters)
            if characters is not None and not about:
                about = {cid for c in row.claims for cid in characters.mentioned(c.text)}
            if not about & wanted_chars:
                continue
        if words:
            body = fold(" ".join(c.text for c in row.claims))
            if not all(w in body for w in words):
                continue
        out.append(row)
    return out


def headline(rows: list[AgreementRow], limit: int = 3) -> dict:
    """The answer to a fan's first question: what most agree on, what only one says."""
    shared = [r for r in rows if r.count > 1]
    shared.sort(key=lambda r: (-r.count, r.order))
    unique = [r for r in rows if r.count == 1]
    return {
        "consensus": shared[:limit],
        "unique": len(unique),
        "shared": len(shared),
        "conflict": sum(1 for r in rows if r.status == "conflict"),
    }


def distinct_labels(labels: list[str], width: int) -> list[str]:
    """Labels cut to ``width`` characters that stay distinct where the full ones are:
    a shared head is shortened before the differing tail ("us…1651", "us…1652")."""
    width = max(1, width)
    cut = [label if len(label) <= width else label[: width - 1] + "…" for label in labels]
    if len(set(cut)) == len(set(labels)) or width < 3:
        return cut
    out = []
    for label in labels:
        if len(label) <= width:
            out.append(label)
            continue
        tail = max(1, min(len(label), (2 * width) // 3))
        head = max(0, width - tail - 1)
        out.append(label[:head] + "…" + label[-tail:] if head else "…" + label[-(width - 1) :])
    return out
