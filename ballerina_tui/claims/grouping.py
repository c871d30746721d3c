"""Grouping claims that assert the same thing: mutual best matches, guarded against chains."""

from __future__ import annotations

import math
import re

from ballerina_tui.claims.evidence import ENTITY
from ballerina_tui.claims.model import Claim, _UnionFind
from ballerina_tui.claims.scoring import (
    Params,
    combine,
    proper_names,
    stemmed_aspects,
    strong_score,
)
from ballerina_tui.textutil import APOSTROPHES

GUARD_MEMBERS = 10  # members of each group checked against the other before a merge
_LETTERS = re.compile(r"[^\W\d_]+")
# Function words weigh what they would in a corpus of the two claims alone: log 3 for one
# that only one of them holds, log 3/2 for one both hold (see :meth:`Scorer.coverage`).
_OWN_WORD = math.log(3)
_BOTH_WORD = math.log(1.5)
# A claim that ends like this ends its sentence; one that does not goes on in the next claim.
_SENTENCE_END = re.compile(r"[.!?\u2026][\"\u201d\u2019')\]]*\s*$")


def sentences_of(claims: list[Claim]) -> list[int]:
    """A sentence number per claim: consecutive claims of one paragraph belong to one
    sentence until a claim ends with a full stop (the segmenter cuts sentences into
    claims; this finds the cuts again without the review's text)."""
    out: list[int] = []
    sentence = -1
    prev: Claim | None = None
    for claim in claims:
        if (
            prev is None
            or (prev.review, prev.paragraph) != (claim.review, claim.paragraph)
            or _SENTENCE_END.search(prev.text)
        ):
            sentence += 1
        out.append(sentence)
        prev = claim
    return out


class Scorer:
    """The evidence and the score of any pair of claims of one analysis."""

    def __init__(self, claims: list[Claim], aligner, vectors, params: Params) -> None:
        from ballerina_tui.analysis import claim_analyzer
        from ballerina_tui.claims.evidence import FUNCTION_WORDS

        self.claims = claims
        self.aligner = aligner
        self.vectors = vectors
        self.params = params
        stem = claim_analyzer(FUNCTION_WORDS)
        aspect_of = stemmed_aspects(stem)
        self.aspects: list[frozenset[str]] = []
        self.names: list[frozenset[str]] = []
        df: dict[str, int] = {}
        for claim, f in zip(claims, aligner.features, strict=True):
            self.aspects.append(frozenset(aspect_of[t] for t in f.terms if t in aspect_of))
            names = {t for t in f.terms if t.startswith(ENTITY)}
            names |= proper_names(claim.text, FUNCTION_WORDS)
            self.names.append(frozenset(names))
            for name in names:
                df[name] = df.get(name, 0) + 1
        # A name most claims carry (the film's lead) is no evidence of anything.
        common = max(3, int(0.05 * len(claims)))
        self.names = [frozenset(n for n in names if df[n] <= common) for names in self.names]
        self._cache: dict[tuple[int, int], float] = {}
        # Sentences cut into several claims: sentence number -> its claims.
        self.sentence = sentences_of(claims)
        pieces: dict[int, list[int]] = {}
        for i, n in enumerate(self.sentence):
            pieces.setdefault(n, []).append(i)
        self.pieces = {n: members for n, members in pieces.items() if len(members) > 1}
        self._function_words = FUNCTION_WORDS
        self._function: list[frozenset[str] | None] = [None] * len(claims)

    def function(self, i: int) -> frozenset[str]:
        """The function words of claim ``i`` ("the", "by", "was", "after"), found when first
        asked for: only pairs judged by :meth:`strong_parts` need them."""
        words = self._function[i]
        if words is None:
            text = self.claims[i].text.translate(APOSTROPHES).casefold()
            words = frozenset(w for w in _LETTERS.findall(text) if w in self._function_words)
            self._function[i] = words
        return words

    def parts(self, a: int, b: int, lexical: float | None = None) -> dict:
        f = self.aligner.features
        lex = self.aligner.similarity(a, b) if lexical is None else lexical
        cos = float(self.vectors[a] @ self.vectors[b]) if self.vectors is not None else 0.0
        return {
            "lexical": round(lex, 4),
            # How much of each claim the other covers (IDF-weighted, no bonuses), function
            # words included (:func:`_coverage`).
            "coverage": round(self.coverage(a, b), 4),
            "dense": round(cos, 4),
            "names": sorted(n.removeprefix(ENTITY) for n in self.names[a] & self.names[b]),
            "numbers": sorted(f[a].numbers & f[b].numbers),
            # Numbers one gives and the other does not: evidence they say different things.
            "numbers_apart": sorted(f[a].numbers ^ f[b].numbers),
            "aspects": sorted(self.aspects[a] & self.aspects[b]),
        }

    def coverage(self, a: int, b: int) -> float:
        """How much of each claim the other covers, leaning on the larger one."""
        fa, fb = self.aligner.features[a], self.aligner.features[b]
        weights = self.aligner.weights
        return _coverage(
            sum(weights[t] for t in fa.terms & fb.terms),
            fa.weight,
            fb.weight,
            self.function(a),
            self.function(b),
            self.aligner.GAMMA,
        )

    def score(
        self, a: int, b: int, lexical: float | None = None, dense: float | None = None
    ) -> float:
        key = (a, b) if a < b else (b, a)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        f = self.aligner.features
        if lexical is None:
            lexical = self.aligner.similarity(a, b)
        if dense is None:
            dense = float(self.vectors[a] @ self.vectors[b]) if self.vectors is not None else 0.0
        value = combine(
            lexical,
            0.0,
            dense,
            len(self.names[a] & self.names[b]),
            len(f[a].numbers & f[b].numbers),
            bool(self.aspects[a] & self.aspects[b]),
            self.params,
        )
        if len(self._cache) < 300_000:
            self._cache[key] = value
        return value

    def score_many(self, pairs: list[tuple[int, int]], lexical: dict) -> dict:
        """:meth:`score` of many pairs, the cosines computed in one vectorised pass."""
        dense = [0.0] * len(pairs)
        if self.vectors is not None and pairs:
            import numpy as np

            left = np.fromiter((a for a, _b in pairs), dtype=np.int64, count=len(pairs))
            right = np.fromiter((b for _a, b in pairs), dtype=np.int64, count=len(pairs))
            dense = []
            for lo in range(0, len(pairs), 8192):
                va, vb = self.vectors[left[lo : lo + 8192]], self.vectors[right[lo : lo + 8192]]
                dense.extend(np.einsum("ij,ij->i", va, vb).tolist())
        return {
            pair: self.score(*pair, lexical=lexical.get(pair), dense=cos)
            for pair, cos in zip(pairs, dense, strict=True)
        }

    def strong(self, a: int, b: int) -> float:
        """The score that links a pair on its own (no mutual best match needed): the
        lowest :func:`~ballerina_tui.claims.scoring.strong_score` of :meth:`strong_parts`."""
        return min(strong_score(q, self.params) for q in self.strong_parts(a, b))

    def strong_parts(self, a: int, b: int) -> list[dict]:
        """The evidence a link on its own must pass, every item of it.

        First the pair's own evidence. Then, when one claim is a piece of a sentence the
        segmenter cut ("China is scrambling to stop the disease" / "where most of its
        people live") and the other a whole sentence that says more than the piece, the
        evidence of the whole sentence against the piece's whole sentence: what it says
        beyond the piece must be the rest of that sentence, not something the piece's
        reviewer never said ("The other inmate fell" is no paraphrase of "The other inmate
        fell but Selenski shimmed down the rope"). This only ever takes a link away."""
        out = [self.parts(a, b)]
        for x, y in ((a, b), (b, a)):
            members = self.pieces.get(self.sentence[x])
            if members and self.sentence[y] not in self.pieces and self._says_more(y, x):
                out.append(self._sentence_parts(members, y))
                break
        return out

    def _says_more(self, y: int, x: int) -> bool:
        """Whether ``y`` holds at least a clause more than ``x``: ``p.surplus_terms`` terms
        of its own ("The answer: between Chapter 3 and Chapter 4" says no more than "takes
        place between Chapter 3 and Chapter 4")."""
        fy, fx = self.aligner.features[y], self.aligner.features[x]
        return len(fy.terms - fx.terms) >= self.params.surplus_terms

    def _sentence_parts(self, members: list[int], y: int) -> dict:
        """The evidence :func:`strong_score` reads, for a cut sentence against claim ``y``."""
        f = self.aligner.features
        weights = self.aligner.weights
        terms = set().union(*(f[i].terms for i in members))
        numbers = set().union(*(f[i].numbers for i in members))
        words = frozenset().union(*(self.function(i) for i in members))
        cos = 0.0
        if self.vectors is not None:
            v = sum(self.vectors[i] for i in members)
            norm = float((v @ v) ** 0.5)
            cos = float(v @ self.vectors[y]) / norm if norm else 0.0
        return {
            "coverage": _coverage(
                sum(weights[t] for t in terms & f[y].terms),
                sum(weights[t] for t in terms),
                f[y].weight,
                words,
                self.function(y),
                self.aligner.GAMMA,
            ),
            "dense": cos,
            "numbers_apart": sorted(numbers ^ f[y].numbers),
        }

    def evidence(self, a: int, b: int) -> dict:
        out = self.parts(a, b)
        out["score"] = round(self.score(a, b), 4)
        return out


def _coverage(
    shared: float, weight_a: float, weight_b: float, words_a, words_b, gamma: float
) -> float:
    """The shared weight over a weighted geometric mean of the two claims' weights, leaning
    on the larger one (``gamma`` is the smaller one's share): terms count by their IDF in
    the corpus, function words by :data:`_OWN_WORD` / :data:`_BOTH_WORD`.

    Function words are evidence of how a sentence is built ("was acquired by" / "bought",
    "after the vote" / "before the vote"): a sentence that adds a clause adds its "which",
    "by" and "after". Their rarity across many reviews is no evidence (a review's "himself"
    is as rare as a name there), so they weigh what they would between the two claims
    alone: next to the rare terms of a large corpus they count for little, between two
    sentences that have only each other they count as much as any word."""
    both = len(words_a & words_b) * _BOTH_WORD
    a = weight_a + both + len(words_a - words_b) * _OWN_WORD
    b = weight_b + both + len(words_b - words_a) * _OWN_WORD
    small, large = (a, b) if a <= b else (b, a)
    if small <= 0:
        return 0.0
    return (shared + both) / (small**gamma * large ** (1 - gamma))


def cluster(
    claims: list[Claim],
    scored: dict[tuple[int, int], float],
    uf: _UnionFind,
    scorer: Scorer,
    p: Params,
) -> dict[tuple[int, int], float]:
    """Join the groups of linked claims; return the links made, with their scores.

    A pair links when it is a *mutual best match* between its two reviews (each claim is
    the other's best-scored candidate in that review) scoring at least ``p.mutual``, or
    when it scores at least ``p.strong`` whatever else is near. Being the best of one is
    no evidence: a mutual best match counts only when both reviews have at least
    ``p.alternatives`` claims. Two groups merge only if every pair across them (from
    different reviews, up to :data:`GUARD_MEMBERS` each) scores ``p.floor`` on average:
    one loose resemblance cannot chain unrelated claims together.
    """
    review = [c.review for c in claims]
    count: dict[str, int] = {}
    for r in review:
        count[r] = count.get(r, 0) + 1
    best: dict[tuple[int, str], tuple[float, int]] = {}
    for (a, b), s in scored.items():
        for x, y in ((a, b), (b, a)):
            key = (x, review[y])
            if s > best.get(key, (-1.0, -1))[0]:
                best[key] = (s, y)
    members: dict[int, list[int]] = {}
    for i in range(len(claims)):
        root = uf.find(i)
        if root == i:
            members[root] = [i]
    lowest = p.floor
    linked: dict[tuple[int, int], float] = {}
    refused: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    # Best first; equal scores in the dict's order (a stable sort, reversed comparisons):
    # the pairs alone are sorted, not millions of (pair, score) tuples made for it.
    for a, b in sorted(scored, key=scored.__getitem__, reverse=True):
        s = scored[(a, b)]
        if s < lowest:
            break
        # Pairs already in one group, or between two groups already refused, are passed
        # over before their evidence is weighed: the same outcome, without computing
        # ``strong`` for each of them (most candidate pairs of a large corpus).
        ga, gb = uf.find(a), uf.find(b)
        if ga == gb:
            continue
        # The same comparison gives the same answer: a refusal is not computed again
        # (two large groups can be joined by thousands of candidate pairs).
        tried = (tuple(members[ga][:GUARD_MEMBERS]), tuple(members[gb][:GUARD_MEMBERS]))
        if tried in refused:
            continue
        ra, rb = review[a], review[b]
        mutual = best[(a, rb)][1] == b and best[(b, ra)][1] == a
        enough = count[ra] >= p.alternatives and count[rb] >= p.alternatives
        if not (mutual and enough and s >= p.mutual) and scorer.strong(a, b) < p.strong:
            continue
        if not _guard(members[ga], members[gb], review, scorer, p.floor):
            refused.add(tried)
            continue
        uf.union(ga, gb)
        root = uf.find(ga)
        other = gb if root == ga else ga
        members[root].extend(members.pop(other))  # in place: a growing group is not copied
        linked[(a, b)] = s
    return linked


def _guard(xs: list[int], ys: list[int], review: list[str], scorer: Scorer, floor: float) -> bool:
    """Average link: the mean score of the pairs across two groups must reach ``floor``."""
    total = count = 0
    for x in xs[:GUARD_MEMBERS]:
        for y in ys[:GUARD_MEMBERS]:
            if review[x] != review[y]:
                total += scorer.score(x, y)
                count += 1
    return not count or total / count >= floor
