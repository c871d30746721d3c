"""Conflicts: pairs of claims in different reviews that cannot both be true."""

from __future__ import annotations

from ballerina_tui.claims.evidence import ENTITY, _Aligner, _Features
from ballerina_tui.claims.model import Claim, Conflict, _UnionFind


def _same_subject(fa: _Features, fb: _Features) -> bool:
    """Whether two claims are about the same people: the same subject, or, when one is
    about several people ("they"), the other names all of them."""
    if not fa.subject or not fb.subject:
        return False
    if fa.subject == fb.subject:
        return True
    for one, other, f_other in ((fa.subject, fb.subject, fb), (fb.subject, fa.subject, fa)):
        if len(one) > 1 and other <= one and one <= f_other.entities:
            return True
    return False


def _find_conflicts(
    claims: list[Claim],
    aligner: _Aligner,
    scored: dict[tuple[int, int], float],
    uf: _UnionFind,
    rep: list[int],
) -> list[Conflict]:
    """Pairs of claims in different reviews that cannot both be true.

    - *Negation*: both are about the same people (or nobody in particular), and what one
      negates ("They don't fight", "not merely a cameo") the other asserts.
    - *Different number*: the same statement otherwise, with different numbers or dates.
    - *Different person*: the same statement otherwise, naming different people.
    """
    features = aligner.features
    weights = aligner.weights
    names = aligner.names
    denials: list[tuple[int, int, str]] = []
    found: dict[tuple[int, int], str] = {}
    for (a, b), sim in scored.items():
        fa, fb = features[a], features[b]
        same_people = _same_subject(fa, fb)
        if fa.negated != fb.negated and same_people:
            neg, pos = (a, b) if fa.negated else (b, a)
            fneg, fpos = features[neg], features[pos]
            hit = {t for t in fneg.negated_terms & fpos.terms if not t.startswith(ENTITY)}
            # What is negated must be something the other claim asserts, and distinctive.
            hit = {t for t in hit if weights.get(t, 0) >= aligner.min_predicate_weight}
            if fneg.restrictive and not (fneg.explicit and fpos.explicit):
                hit = set()
            if hit and sim >= aligner.NEGATION:
                stem = max(hit, key=lambda t: weights.get(t, 0))
                word = fneg.negated_words.get(stem, stem)
                found[(a, b)] = f"“{word}” is denied in one and asserted in the other"
                denials.append((neg, pos, word))
                continue
        if (
            len(fa.subject) == 1
            and len(fb.subject) == 1
            and not (fa.subject & fb.entities)
            and not (fb.subject & fa.entities)
            and uf.find(a) != uf.find(b)
            and aligner.same_kind(fa.subject, fb.subject)
            and len(aligner.shared_words(a, b)) >= 3
            and aligner.content_similarity(a, b) >= aligner.SAME_ROLE
        ):
            (x,), (y,) = fa.subject, fb.subject
            found[(a, b)] = (
                f"different people for the same thing: {names.get(x, x)} / {names.get(y, y)}"
            )
            continue
        if sim < aligner.SAME:
            continue
        if fa.numbers and fb.numbers and not (fa.numbers & fb.numbers):
            found[(a, b)] = (
                f"different numbers for the same thing: {', '.join(sorted(fa.numbers))} "
                f"vs {', '.join(sorted(fb.numbers))}"
            )
    # "They don't fight. They don't team up.": a run of plain denials about the same subject
    # in one paragraph is one statement of non-involvement; what contradicts one denial
    # contradicts its neighbours too.
    for neg, pos, word in denials:
        for other in (neg - 2, neg - 1, neg + 1, neg + 2):
            if not 0 <= other < len(claims) or other == pos:
                continue
            fo, fn = features[other], features[neg]
            same_paragraph = (claims[other].review, claims[other].paragraph) == (
                claims[neg].review,
                claims[neg].paragraph,
            )
            if (
                same_paragraph
                and fo.negated
                and not fo.restrictive
                and not fn.restrictive
                and fo.subject
                and fo.subject == fn.subject
            ):
                key = (min(other, pos), max(other, pos))
                found.setdefault(key, f"denied together with “{word}”, which the other asserts")
    # Pairs were found between representatives: word-for-word copies conflict too.
    copies: dict[int, list[int]] = {}
    if found:
        for i in range(len(claims)):
            copies.setdefault(rep[i], []).append(i)
    out: dict[tuple[int, int], str] = {}
    for (a, b), reason in sorted(found.items()):
        links = [(x, b) for x in copies.get(rep[a], [a])]
        links += [(a, y) for y in copies.get(rep[b], [b])]
        for x, y in links:
            if claims[x].review != claims[y].review:
                out.setdefault((min(x, y), max(x, y)), reason)
    return [Conflict(claims[a].id, claims[b].id, reason) for (a, b), reason in sorted(out.items())]
