"""Conflicts: pairs of claims in different reviews that cannot both be true."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ballerina_tui.claims.evidence import ENTITY, _Aligner, _Features
from ballerina_tui.claims.model import Claim, Conflict, _UnionFind

if TYPE_CHECKING:
    from ballerina_tui.claims.pairs import Pairs

# "might appear", "word on the street is", "rumoured": a claim made as a possibility.
_HEDGE = re.compile(
    r"(?i)\b(?:might|possibly|perhaps|rumou?r(?:ed|s)?|reportedly|allegedly"
    r"|speculat\w*|word on the street|is said to|are said to|expected to"
    r"|supposedly)\b"
)
# Quantities two claims can give different values for. Personal ratings ("my vote is 7",
# "I give it 9/10") are opinions, never contradictions, and are left out.
_RATING = re.compile(r"(?i)\b(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(10|5|100|4)\b")
_RUNTIME = re.compile(
    r"(?i)(?<!first )(?<!last )(?<!final )(?<!many )\b(\d+)\s*(?:minutes|mins?\b|-minute)"
)
# A year is a value of the same quantity only when both claims say what happened in it.
_EVENT = re.compile(
    r"(?i)\b(?:released?|release|premiered?|came out|made in|filmed|shot in|opened|set in"
    r"|won|debuted)\b"
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b(?!['\u2019]?s\b)")
# A question asserts nothing: "Is he saying this is the end?" neither denies nor states it.
_QUESTION = re.compile(
    r"(?:\?\W*$)|(?:^\W*(?:is|are|was|were|do|does|did|can|could|would|will|should|has|have"
    r"|isn't|aren't|doesn't|didn't|why|how)\s+\w)",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_PERSONAL = re.compile(r"(?i)\b(?:i|my|me|i'd|i'll|i’d|i’ll)\b")
_ROLE = re.compile(
    r"\b(directed|written|produced|scored|composed|raised|trained|played|shot|edited|narrated"
    r"|voiced)\s+by\s+([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})"
)


def is_question(text: str) -> bool:
    """A question, with or without its "?" (a line break may have cut it off)."""
    return bool(_QUESTION.search(text))


def quantities(text: str) -> dict[str, set[str]]:
    """The rating, runtime and year values a claim states (not personal ratings)."""
    out: dict[str, set[str]] = {}
    if not _DIGIT.search(text):
        return out  # every value is written in digits: most claims have none
    if not _PERSONAL.search(text):
        for m in _RATING.finditer(text):
            out.setdefault("rating", set()).add(f"{float(m.group(1)):g}/{m.group(2)}")
    for m in _RUNTIME.finditer(text):
        out.setdefault("runtime", set()).add(f"{m.group(1)} minutes")
    if _EVENT.search(text):
        for m in _YEAR.finditer(text):
            out.setdefault("year", set()).add(m.group(1))
    return out


def roles(text: str) -> list[tuple[str, str, frozenset[str]]]:
    """ "O'Malley is voiced by X" -> [("voiced", "X", {"o'malley"})]: the role, who holds
    it, and the words just before it (what or whom the role is about)."""
    out = []
    if "by" not in text:
        return out  # every role is "… by" someone
    for m in _ROLE.finditer(text):
        before = re.findall(r"[\w’']+", text[max(0, m.start() - 40) : m.start()])[-3:]
        about = frozenset(w.casefold() for w in before if len(w) > 3 and w.casefold() not in _SMALL)
        out.append((m.group(1), m.group(2), about))
    return out


_SMALL = frozenset("that this with which whose were have been also film movie".split())
_MODAL = re.compile(
    r"(?i)\b(?:might|possibly|perhaps|supposedly|reportedly|allegedly)\s+"
    r"(?:have\s+|be\s+|been\s+)*([A-Za-z][\w’']*)"
)


def _hedge_on_same_thing(hedged: str, other: str, other_terms: set[str], stem) -> bool:
    """The hedge bears on what the other claim states: the verb after the hedge is one the
    other uses, and a name just before the hedge (its subject) is named in the other too."""
    m = _MODAL.search(hedged)
    if m is None:
        return False
    verbs = {t.text for t in stem(m.group(1))}
    if not verbs & other_terms:
        return False
    before = re.findall(r"[\w’']+", hedged[max(0, m.start() - 30) : m.start()])[-3:]
    names = [w for w in before if w[:1].isupper()]
    return all(name.casefold() in other.casefold() for name in names)


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
    pairs: Pairs,
    uf: _UnionFind,
    rep: list[int],
    scorer=None,
    mutual: float = 1.0,
    direct: set[tuple[int, int]] | frozenset = frozenset(),
) -> list[Conflict]:
    """Pairs of claims in different reviews that cannot both be true.

    - *Negation*: both are about the same people (or nobody in particular), and what one
      negates ("They don't fight", "not merely a cameo") the other asserts.
    - *Different number*: the same statement otherwise, with different numbers or dates.
    - *Different person*: the same statement otherwise, naming different people.

    Only candidate pairs are looked at, and of those only the ones that could give one
    (see :func:`_worth_a_look`).
    """
    features = aligner.features
    weights = aligner.weights
    names = aligner.names
    denials: list[tuple[int, int, str]] = []
    found: dict[tuple[int, int], str] = {}
    quantity = {}
    role = {}
    look = _worth_a_look(features, pairs, uf, scorer, aligner.NEGATION, mutual, direct)
    for k in look.tolist():
        a, b = int(pairs.a[k]), int(pairs.b[k])
        sim = float(pairs.lexical[k]) if pairs.is_lexical[k] else 0.0
        fa, fb = features[a], features[b]
        # Linked: the engine linked these two directly (not merely through a group).
        linked = (a, b) in direct
        for i in (a, b):
            if i not in quantity:
                quantity[i] = quantities(claims[i].text)
                role[i] = roles(claims[i].text)
        if linked and fa.negated == fb.negated:
            hedged = [bool(_HEDGE.search(claims[i].text)) for i in (a, b)]
            if hedged[0] != hedged[1]:
                h, o = (a, b) if hedged[0] else (b, a)
                if _hedge_on_same_thing(
                    claims[h].text, claims[o].text, features[o].terms, aligner.stem
                ):
                    found[(a, b)] = "stated as fact in one, only as a possibility in the other"
                    continue
        clash = _quantity_clash(quantity[a], quantity[b], linked) if linked else ""
        if clash:
            found[(a, b)] = clash
            continue
        for verb, who, about in role[a] if linked else ():
            for verb_b, other, about_b in role[b]:
                if verb_b == verb and about & about_b and not _same_name(who, other):
                    found[(a, b)] = f"different people {verb} by: {who} / {other}"
                    break
        if (a, b) in found:
            continue
        same_people = _same_subject(fa, fb)
        if (
            fa.negated != fb.negated
            and same_people
            and not any(is_question(claims[i].text) for i in (a, b))
        ):
            neg, pos = (a, b) if fa.negated else (b, a)
            fneg, fpos = features[neg], features[pos]
            hit = {t for t in fneg.negated_terms & fpos.terms if not t.startswith(ENTITY)}
            # What is negated must be something the other claim asserts, and distinctive.
            hit = {t for t in hit if weights.get(t, 0) >= aligner.min_predicate_weight}
            if fneg.restrictive and not (fneg.explicit and fpos.explicit):
                hit = set()
            if fneg.contrast_terms & fpos.terms:
                hit = set()  # "the beginning, not the end" / "from beginning to end"
            if hit and sim >= aligner.NEGATION:
                stem = max(hit, key=lambda t: (weights.get(t, 0), t))
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


def _worth_a_look(features, pairs: Pairs, uf: _UnionFind, scorer, negation, mutual, direct):
    """Positions of the pairs that can contradict each other: related (linked, in one
    group, close in words, or about one aspect) and either linked directly, one a denial
    and the other not, or each about one person. The checks in :func:`_find_conflicts`
    need one of these; most candidate pairs of a large folder have none."""
    import numpy as np

    n = len(features)
    root = np.array([uf.find(i) for i in range(n)], dtype=np.int64)
    a, b = pairs.a, pairs.b
    related = (root[a] == root[b]) | (pairs.score >= mutual)
    related |= pairs.is_lexical & (pairs.lexical >= negation)
    if scorer is not None:
        masks = scorer.aspect_masks()
        related |= (masks[a] & masks[b]) != 0
    negated = np.array([f.negated for f in features], dtype=bool)
    single = np.array([len(f.subject) == 1 for f in features], dtype=bool)
    interesting = (negated[a] != negated[b]) & pairs.is_lexical & (pairs.lexical >= negation)
    # "different people for the same thing" needs two groups, one person each, and three
    # shared words (names aside: counting them too only keeps more pairs).
    people = single[a] & single[b] & (root[a] != root[b])
    matrix = getattr(scorer, "matrix", None)
    if matrix is not None and people.any():
        from ballerina_tui.claims.pairs import rowwise

        at = np.flatnonzero(people)
        people[at] = rowwise(matrix.binary, matrix.binary, a[at], b[at]) >= 3
    interesting |= people
    if direct:
        linked = np.array(sorted(direct), dtype=np.int64).reshape(-1, 2)
        at = pairs.find_many(linked[:, 0], linked[:, 1])
        mark = np.zeros(len(pairs), dtype=bool)
        mark[at[at >= 0]] = True
        interesting |= mark
    return np.flatnonzero(related & interesting)


def _quantity_clash(qa: dict[str, set[str]], qb: dict[str, set[str]], linked: bool) -> str:
    """Two values for the same quantity: a rating, a runtime, or (linked claims) a year."""
    for kind in ("rating", "runtime", "year"):
        va, vb = qa.get(kind), qb.get(kind)
        if not va or not vb or va & vb or len(va) > 1 or len(vb) > 1:
            continue
        if kind == "year" and not linked:
            continue  # two years in claims about one aspect are usually two events
        (x,), (y,) = va, vb
        return f"different {kind}: {x} / {y}"
    return ""


def _same_name(x: str, y: str) -> bool:
    """ "Jules Dassin" and "Dassin" are one person: one name ends the other."""
    wx, wy = x.casefold().split(), y.casefold().split()
    short, long = sorted((wx, wy), key=len)
    return long[-len(short) :] == short or wx[-1:] == wy[-1:]
