"""Linking: the analysis pipeline, and grouping claims that assert the same thing."""

from __future__ import annotations

import re

from ballerina_tui.claims.conflicts import _find_conflicts
from ballerina_tui.claims.evidence import _Aligner, _passage_map
from ballerina_tui.claims.model import Claim, ClaimAnalysis, ClaimGroup, Conflict, _UnionFind
from ballerina_tui.claims.segmenting import segment_review
from ballerina_tui.corpus import Corpus
from ballerina_tui.progress import ProgressFn
from ballerina_tui.progress import report as report_progress


def _normalised(text: str) -> str:
    from ballerina_tui.textutil import fold

    return " ".join(re.findall(r"\w+", fold(text)))


def analyze(corpus: Corpus, index=None, *, progress: ProgressFn | None = None) -> ClaimAnalysis:
    """Segment every review into claims, align them across reviews and flag conflicts.

    ``progress`` is called as ``progress("claims", done, total)`` and may raise
    :class:`~ballerina_tui.progress.Cancelled` to stop the analysis."""
    from ballerina_tui.index import ReviewIndex

    if index is None:
        index = ReviewIndex(corpus)
    ix = index.ensure(progress=progress)
    characters = index.characters

    claims: list[Claim] = []
    total = len(corpus.reviews)
    for done, review in enumerate(corpus.reviews):
        report_progress(progress, "claims", done, total)
        for n, (start, end, section, paragraph) in enumerate(segment_review(review), 1):
            text = review.text[start:end]
            claims.append(
                Claim(
                    id=f"{review.id}:{n}",
                    review=review.id,
                    text=text,
                    section=section,
                    start=start,
                    end=end,
                    characters=tuple(characters.mentioned(text)),
                    paragraph=paragraph,
                )
            )
    aligner = _Aligner(claims, characters)
    uf = _UnionFind(len(claims))

    # Word-for-word the same claim (a review that copies another): same group at once.
    first_of: dict[str, int] = {}
    for i, claim in enumerate(claims):
        key = _normalised(claim.text)
        if key in first_of:
            uf.union(first_of[key], i)
        else:
            first_of[key] = i

    rep = [uf.find(i) for i in range(len(claims))]
    shared = aligner.candidate_pairs(ix, _passage_map(ix, claims), rep)
    scored = {pair: aligner.similarity(*pair, weight) for pair, weight in shared.items()}
    _cluster(claims, scored, uf)

    conflicts = _find_conflicts(claims, aligner, scored, uf, rep)
    report_progress(progress, "claims", total, total)
    return _assemble(corpus, claims, uf, conflicts)


def _cluster(claims: list[Claim], scored: dict[tuple[int, int], float], uf: _UnionFind) -> None:
    """Group claims that assert the same thing.

    Pairs are taken from the most similar down. Two groups merge only when the pair that
    joins them is above :attr:`_Aligner.SAME` *and* every pair of claims across the two
    groups (from different reviews) is above :attr:`_Aligner.FLOOR`: one loose resemblance
    cannot chain two unrelated claims together, as plain single-link grouping would.
    Claims already in one group (word-for-word copies) stay together.
    """
    members: dict[int, list[int]] = {}
    for i in range(len(claims)):
        members.setdefault(uf.find(i), []).append(i)
    # One representative per word-for-word group keeps the checks small on copied text.
    rep_sim: dict[tuple[int, int], float] = {}
    for (a, b), sim in scored.items():
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        key = (ra, rb) if ra < rb else (rb, ra)
        if sim > rep_sim.get(key, 0.0):
            rep_sim[key] = sim
    reps = {root: [root] for root in members}
    review_of = {root: {claims[i].review for i in idx} for root, idx in members.items()}
    # Each claim is compared only with its closest claim in each other review.
    best: dict[tuple[int, str], tuple[float, int]] = {}
    for (ra, rb), sim in rep_sim.items():
        for x, y in ((ra, rb), (rb, ra)):
            for review in review_of[y]:
                if sim > best.get((x, review), (0.0, -1))[0]:
                    best[(x, review)] = (sim, y)
    keep = {(min(x, y), max(x, y)) for (x, _r), (_s, y) in best.items()}
    for (ra, rb), sim in sorted(rep_sim.items(), key=lambda item: -item[1]):
        if sim < _Aligner.SAME:
            break
        if (ra, rb) not in keep:
            continue
        ga, gb = uf.find(ra), uf.find(rb)
        if ga == gb:
            continue
        ok = True
        for x in reps[ga]:
            for y in reps[gb]:
                if review_of[x] & review_of[y] and len(review_of[x] | review_of[y]) == 1:
                    continue  # the same review twice: nothing to compare
                key = (x, y) if x < y else (y, x)
                if rep_sim.get(key, 0.0) < _Aligner.FLOOR:
                    ok = False
                    break
            if not ok:
                break
        if not ok:
            continue
        uf.union(ga, gb)
        root = uf.find(ga)
        reps[root] = reps.pop(ga, []) + reps.pop(gb, []) if root in (ga, gb) else reps[root]


def _assemble(
    corpus: Corpus, claims: list[Claim], uf: _UnionFind, conflicts: list[Conflict]
) -> ClaimAnalysis:
    members: dict[int, list[int]] = {}
    for i in range(len(claims)):
        members.setdefault(uf.find(i), []).append(i)
    groups: list[ClaimGroup] = []
    for n, root in enumerate(sorted(members), 1):
        idx = members[root]
        gid = f"g{n}"
        reviews = list(dict.fromkeys(claims[i].review for i in idx))
        groups.append(ClaimGroup(gid, [claims[i].id for i in idx], reviews))
        for i in idx:
            claims[i].group = gid
            claims[i].shared_with = [r for r in reviews if r != claims[i].review]
            claims[i].unique = not claims[i].shared_with
    by_id = {c.id: c for c in claims}
    for conflict in conflicts:
        by_id[conflict.a].contradicts.append(conflict.b)
        by_id[conflict.b].contradicts.append(conflict.a)
    return ClaimAnalysis(list(corpus.reviews), claims, groups, conflicts)
