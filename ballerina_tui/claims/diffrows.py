"""Diff rows: aligned rows for a side-by-side view, and the words that differ in a pair."""

from __future__ import annotations

from ballerina_tui.claims.model import CONFLICT, SHARED, UNIQUE, ClaimAnalysis, DiffRow
from ballerina_tui.textutil import WORD_RE


def word_diff(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of the words of ``a`` and of ``b`` that the other does not have.

    Words are compared case- and accent-insensitively, in order (as a diff tool would):
    used to emphasise what differs inside a pair of shared claims.
    """
    import difflib

    from ballerina_tui.textutil import fold

    wa = list(WORD_RE.finditer(a))
    wb = list(WORD_RE.finditer(b))
    matcher = difflib.SequenceMatcher(
        a=[fold(m.group(0)) for m in wa], b=[fold(m.group(0)) for m in wb], autojunk=False
    )
    spans_a: list[tuple[int, int]] = []
    spans_b: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        spans_a.extend((m.start(), m.end()) for m in wa[i1:i2])
        spans_b.extend((m.start(), m.end()) for m in wb[j1:j2])
    return spans_a, spans_b


def diff_rows(analysis: ClaimAnalysis, review_ids: list[str]) -> list[DiffRow]:
    """Aligned rows for a side-by-side view of ``review_ids`` (two or more).

    Every claim of the shown reviews appears in the row of its group: ``shared`` when two
    or more shown reviews make it, ``unique`` when only one of them does (it may still be
    shared with a review that is not shown: its own ``status`` says so). Each conflict
    between two shown reviews adds a ``conflict`` row with both quotes. Rows follow the
    reading order of the articles (by relative position).
    """
    shown = [r for r in review_ids if any(rv.id == r for rv in analysis.reviews)]
    length = {r.id: max(1, len(r.text)) for r in analysis.reviews}
    rows: list[tuple[float, int, DiffRow]] = []
    seen_groups: set[str] = set()
    order = 0
    for claim in analysis.claims:
        if claim.review not in shown or claim.group in seen_groups:
            continue
        seen_groups.add(claim.group)
        members = [analysis.claim(cid) for cid in analysis.group(claim.group).claims]
        cells = {r: [m for m in members if m.review == r] for r in shown}
        present = [r for r in shown if cells[r]]
        kind = SHARED if len(present) > 1 else UNIQUE
        position = min(m.start / length[m.review] for m in members if m.review in shown)
        rows.append((position, order, DiffRow(kind, cells, claim.group)))
        order += 1
    for conflict in analysis.conflicts:
        a, b = analysis.claim(conflict.a), analysis.claim(conflict.b)
        if a.review in shown and b.review in shown:
            cells = {r: [] for r in shown}
            cells[a.review].append(a)
            cells[b.review].append(b)
            position = min(a.start / length[a.review], b.start / length[b.review])
            rows.append((position, order, DiffRow(CONFLICT, cells, None)))
            order += 1
    rows.sort(key=lambda item: (item[0], item[1]))
    return [row for _, _, row in rows]
