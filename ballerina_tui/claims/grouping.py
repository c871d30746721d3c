"""Grouping claims that assert the same thing: mutual best matches, guarded against chains."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from ballerina_tui.claims.evidence import _NONE, ENTITY
from ballerina_tui.claims.model import Claim, _UnionFind
from ballerina_tui.claims.scoring import (
    Params,
    combine,
    stemmed_aspects,
    strong_score,
)
from ballerina_tui.textutil import APOSTROPHES

if TYPE_CHECKING:
    import numpy as np

    from ballerina_tui.claims.pairs import Pairs

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
        # (Most claims name nobody and no aspect: they share one empty set, not one each.)
        for f in aligner.features:
            self.aspects.append(frozenset(aspect_of[t] for t in f.terms if t in aspect_of) or _NONE)
            names = {t for t in f.terms if t.startswith(ENTITY)}
            names |= f.proper
            self.names.append(frozenset(names) or _NONE)
            for name in names:
                df[name] = df.get(name, 0) + 1
        # A name most claims carry (the film's lead) is no evidence of anything.
        common = max(3, int(0.05 * len(claims)))
        self.names = [
            frozenset(n for n in names if df[n] <= common) or _NONE for names in self.names
        ]
        self._cache: dict[int, float] = {}  # pair (see :meth:`_key`) -> score
        self._n = len(claims)
        # Sentences cut into several claims: sentence number -> its claims.
        self.sentence = sentences_of(claims)
        pieces: dict[int, list[int]] = {}
        for i, n in enumerate(self.sentence):
            pieces.setdefault(n, []).append(i)
        self.pieces = {n: members for n, members in pieces.items() if len(members) > 1}
        self._function_words = FUNCTION_WORDS
        self._function: list[frozenset[str] | None] = [None] * len(claims)
        # The candidate pairs and their scores, once :func:`link_claims` has them: the
        # score of a candidate is read there rather than computed again.
        self.table: Pairs | None = None
        self.matrix = None  # the claims' term matrix (:class:`.pairs.ClaimMatrix`), once made
        self._matrices = None  # names and numbers as incidence matrices, once made
        self._aspect_masks = None
        self._function_matrix = None

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
        lex = self.aligner.similarity(a, b) if lexical is None else lexical
        cos = float(self.vectors[a] @ self.vectors[b]) if self.vectors is not None else 0.0
        # How much of each claim the other covers (IDF-weighted, no bonuses), function
        # words included (:func:`_coverage`).
        return self._parts(a, b, lex, self.coverage(a, b), cos)

    def _parts(self, a: int, b: int, lexical: float, coverage: float, dense: float) -> dict:
        """The evidence :meth:`parts` shows, given the pair's three numbers."""
        f = self.aligner.features
        return {
            "lexical": round(lexical, 4),
            "coverage": round(coverage, 4),
            "dense": round(dense, 4),
            "names": sorted(n.removeprefix(ENTITY) for n in self.names[a] & self.names[b]),
            "numbers": sorted(f[a].numbers & f[b].numbers),
            # Numbers one gives and the other does not: evidence they say different things.
            "numbers_apart": sorted(f[a].numbers ^ f[b].numbers),
            "aspects": sorted(self.aspects[a] & self.aspects[b]),
        }

    def cosines(self, a, b):
        """The dense cosine of each pair ``(a[k], b[k])`` (arrays), a block of pairs at a
        time (two blocks of 16 MB of vectors); zeros without a dense signal."""
        import numpy as np

        out = np.zeros(len(a))
        if self.vectors is not None:
            step = 16_384
            for lo in range(0, len(a), step):
                va, vb = self.vectors[a[lo : lo + step]], self.vectors[b[lo : lo + step]]
                out[lo : lo + step] = np.einsum("ij,ij->i", va, vb)
        return out

    def coverage(self, a: int, b: int) -> float:
        """How much of each claim the other covers, leaning on the larger one."""
        fa, fb = self.aligner.features[a], self.aligner.features[b]
        weights = self.aligner.weights
        return _coverage(
            math.fsum(weights[t] for t in fa.terms & fb.terms),
            fa.weight,
            fb.weight,
            self.function(a),
            self.function(b),
            self.aligner.GAMMA,
        )

    def score(
        self, a: int, b: int, lexical: float | None = None, dense: float | None = None
    ) -> float:
        key = self._key(a, b)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if self.table is not None and lexical is None and dense is None:
            k = self.table.find(a, b)
            if k >= 0:
                return float(self.table.score[k])
        return self._compute(a, b, key, lexical, dense)

    def _key(self, a: int, b: int) -> int:
        """The cache's key of a pair: one number, not a tuple of two (300,000 of them)."""
        return a * self._n + b if a < b else b * self._n + a

    def _compute(
        self, a: int, b: int, key: int, lexical: float | None, dense: float | None
    ) -> float:
        """:func:`~.scoring.combine` of the pair's evidence: the guard of a large folder
        computes millions of these (most share fewer than two terms: no similarity)."""
        fa, fb = self.aligner.features[a], self.aligner.features[b]
        if lexical is None:
            if len(fa.terms & fb.terms) < self.aligner.MIN_SHARED:
                lexical = 0.0
            else:
                lexical = self.aligner.similarity(a, b)
        if dense is None:
            dense = float(self.vectors[a] @ self.vectors[b]) if self.vectors is not None else 0.0
        value = combine(
            lexical,
            0.0,
            dense,
            len(self.names[a] & self.names[b]),
            len(fa.numbers & fb.numbers),
            bool(self.aspects[a] & self.aspects[b]),
            self.params,
        )
        if len(self._cache) < 300_000:
            self._cache[key] = value
        return value

    def _names_numbers(self):
        """Each claim's rare names and its numbers as incidence matrices (made once)."""
        from ballerina_tui.claims.pairs import _incidence

        if self._matrices is None:
            names, _ = _incidence(self.names)
            numbers, _ = _incidence([f.numbers for f in self.aligner.features])
            self._matrices = (names, numbers)
        return self._matrices

    def aspect_masks(self):
        """Each claim's aspects as the bits of one integer (an array, made once)."""
        import numpy as np

        if self._aspect_masks is None:
            ids: dict[str, int] = {}
            self._aspect_masks = np.array(
                [sum(1 << ids.setdefault(x, len(ids)) for x in asp) for asp in self.aspects],
                dtype=np.int64,
            )
        return self._aspect_masks

    def score_pairs(self, a, b, lexical):
        """:meth:`score` of the pairs ``(a[k], b[k])`` given their ``lexical`` similarity,
        and their cosines, as two arrays: the cosines, shared names, numbers and aspects
        computed for all pairs at once (see :mod:`.pairs`)."""
        import numpy as np

        from ballerina_tui.claims.pairs import by_blocks, rowwise

        names, numbers = self._names_numbers()
        masks = self.aspect_masks()
        p = self.params
        dense = by_blocks(lambda lo, hi: self.cosines(a[lo:hi], b[lo:hi]), len(a))

        def block(lo: int, hi: int) -> np.ndarray:
            x, y = a[lo:hi], b[lo:hi]
            return (
                np.minimum(lexical[lo:hi], 1.5)
                + p.dense * np.maximum(0.0, dense[lo:hi] - p.dense_floor)
                + np.where((masks[x] & masks[y]) != 0, p.aspect, 0.0)
                + p.name * np.minimum(rowwise(names, names, x, y), 3)
                + p.number * np.minimum(rowwise(numbers, numbers, x, y), 3)
            )

        return by_blocks(block, len(a)), dense

    def scores(self, pairs: list[tuple[int, int]]) -> list[float]:
        """:meth:`score` of each of ``pairs``: candidates read from the table in one
        look-up, the cosines of the others in one product, and those kept."""
        keys = [(a, b) if a < b else (b, a) for a, b in pairs]
        out: list[float | None] = [self._cache.get(self._key(a, b)) for a, b in keys]
        todo = [k for k, v in enumerate(out) if v is None]
        if not todo:
            return out  # type: ignore[return-value]
        import numpy as np

        xs = np.array([keys[k][0] for k in todo], dtype=np.int64)
        ys = np.array([keys[k][1] for k in todo], dtype=np.int64)
        found = self.table.find_many(xs, ys).tolist() if self.table is not None else []
        dense = self.cosines(xs, ys).tolist()
        for n, k in enumerate(todo):
            if found and found[n] >= 0:
                out[k] = float(self.table.score[found[n]])
            else:
                a, b = keys[k]
                out[k] = self._compute(a, b, self._key(a, b), None, dense[n])
        return out  # type: ignore[return-value]

    def pair_scores(self, xs, ys):
        """:meth:`score` of the pairs ``(xs[k], ys[k])`` (arrays), all at once: the
        candidates' read from the table, the others' similarity and score computed as
        arrays (:meth:`.pairs.ClaimMatrix.similarity`, :meth:`score_pairs`), the same
        numbers as one at a time to the last few bits. Each distinct pair is scored once.

        One pair at a time, a score costs a few microseconds of Python, and the guard of
        10,000 reviews asks for millions of pairs that are no candidates."""
        import numpy as np

        n = len(self.claims)
        keys, where = np.unique(np.minimum(xs, ys) * n + np.maximum(xs, ys), return_inverse=True)
        a, b = keys // n, keys % n
        out = np.empty(len(keys))
        found = self.table.find_many(a, b)
        known = found >= 0
        out[known] = self.table.score[found[known]]
        fresh = np.flatnonzero(~known)
        if len(fresh):
            fa, fb = a[fresh], b[fresh]
            lexical = self.matrix.similarity(fa, fb, params=self.aligner)
            out[fresh] = self.score_pairs(fa, fb, lexical)[0]
        return out[where]

    def release(self) -> None:
        """Drop the matrices made for comparing many pairs at once."""
        self.matrix = self._matrices = self._function_matrix = None
        self._cache.clear()  # (scores computed again if asked: the same numbers)

    def may_be_strong(self, pairs: Pairs, at) -> np.ndarray:
        """Whether each pair ``at`` could link on its own (:meth:`strong` ≥ ``strong``),
        from its own evidence computed for all of them at once: :meth:`strong` is the
        lowest of several scores, this the first, so a pair below it (with a margin for
        the rounding :meth:`parts` does) is below :meth:`strong` too."""
        import numpy as np

        from ballerina_tui.claims.pairs import by_blocks, rowwise

        p = self.params
        if self.matrix is None or pairs.dense is None:
            return np.ones(len(at), dtype=bool)
        numbers = self._names_numbers()[1]
        number_counts = np.diff(numbers.indptr)
        self._functions()  # made once, before the blocks share it

        def block(lo: int, hi: int) -> np.ndarray:
            some = at[lo:hi]
            a, b = pairs.a[some], pairs.b[some]
            coverage = self.coverage_many(a, b)
            shared = rowwise(numbers, numbers, a, b)
            apart = number_counts[a] + number_counts[b] - 2 * shared > 0
            own = (
                coverage
                + p.strong_dense * np.maximum(0.0, pairs.dense[some] - p.dense_floor)
                - np.where(apart, p.numbers_apart, 0.0)
            )
            return own >= p.strong - 1e-3

        return by_blocks(block, len(at))

    def _functions(self):
        """Each claim's function words as an incidence matrix (made once)."""
        from ballerina_tui.claims.pairs import _incidence

        if self._function_matrix is None:
            functions = [self.function(i) for i in range(len(self.claims))]
            self._function_matrix = _incidence(functions)[0]
            # Kept as the matrix only: the sets of every claim took about 80 MB at
            # 10,000 reviews (:meth:`function` finds one again when asked).
            del functions
            self._function = [None] * len(self.claims)
        return self._function_matrix

    def coverage_many(self, a, b):
        """:meth:`coverage` of the pairs ``(a[k], b[k])`` (arrays), all at once."""
        import numpy as np

        from ballerina_tui.claims.pairs import rowwise

        words = self._functions()
        counts = np.diff(words.indptr)
        shared = rowwise(self.matrix.weighted, self.matrix.binary, a, b)
        both_n = rowwise(words, words, a, b)
        both = both_n * _BOTH_WORD
        wa = self.matrix.total[a] + both + (counts[a] - both_n) * _OWN_WORD
        wb = self.matrix.total[b] + both + (counts[b] - both_n) * _OWN_WORD
        small, large = np.minimum(wa, wb), np.maximum(wa, wb)
        with np.errstate(divide="ignore", invalid="ignore"):
            coverage = (shared + both) / (
                small**self.aligner.GAMMA * large ** (1 - self.aligner.GAMMA)
            )
        return np.where(small > 0, coverage, 0.0)

    def parts_many(self, pairs: list[tuple[int, int]]) -> list[dict]:
        """:meth:`parts` of each of ``pairs``: the similarity, coverage and cosine of all
        of them computed as arrays (the evidence of 100,000 links took 8 s one by one)."""
        if self.matrix is None or not pairs:
            return [self.parts(a, b) for a, b in pairs]
        import numpy as np

        a = np.array([x for x, _ in pairs], dtype=np.int64)
        b = np.array([y for _, y in pairs], dtype=np.int64)
        lexical = self.matrix.similarity(a, b, params=self.aligner).tolist()
        coverage = self.coverage_many(a, b).tolist()
        dense = self.cosines(a, b).tolist()
        return [
            self._parts(x, y, lexical[k], coverage[k], dense[k]) for k, (x, y) in enumerate(pairs)
        ]

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
                math.fsum(weights[t] for t in terms & f[y].terms),
                math.fsum(weights[t] for t in terms),
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
    pairs: Pairs,
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
    import numpy as np

    review = [c.review for c in claims]
    codes: dict[str, int] = {}
    code_list = [codes.setdefault(r, len(codes)) for r in review]
    code = np.array(code_list, dtype=np.int64)
    count = np.bincount(code, minlength=len(codes))
    qualifies = _mutual_best(pairs, code) & (pairs.score >= p.mutual)
    qualifies &= (count[code[pairs.a]] >= p.alternatives) & (count[code[pairs.b]] >= p.alternatives)
    members: dict[int, list[int]] = {}
    for i in range(len(claims)):
        root = uf.find(i)
        if root == i:
            members[root] = [i]
    lowest = p.floor
    # Which of the pairs that do not link as mutual best matches could link on their own:
    # the others are passed over without :meth:`Scorer.strong` (the same outcome).
    maybe = np.zeros(len(pairs), dtype=bool)
    look = np.flatnonzero((pairs.score >= lowest) & ~qualifies)
    maybe[look] = scorer.may_be_strong(pairs, look)
    linked: dict[tuple[int, int], float] = {}
    refused: set[tuple[int, int, int, int]] = set()
    # Best first; equal scores in the pairs' order (a stable sort).
    order = np.argsort(-pairs.score, kind="stable")
    above = int(np.searchsorted(-pairs.score[order], -lowest, side="right"))
    # Only a mutual best match or a pair that may be strong can link: the others are
    # left out before the loop (at 10,000 reviews, most of the pairs above the floor).
    order = order[:above]
    order = order[(qualifies | maybe)[order]]
    ahead = scorer.matrix is not None and scorer.table is not None
    step = 1 << 12
    for lo in range(0, len(order), step):
        ks = order[lo : lo + step]
        chunk = list(
            zip(
                pairs.a[ks].tolist(),
                pairs.b[ks].tolist(),
                pairs.score[ks].tolist(),
                qualifies[ks].tolist(),
                maybe[ks].tolist(),
                strict=True,
            )
        )
        # The guard's verdicts on this chunk's pairs of groups, computed at once; a group
        # merged since (``touched``) is checked again.
        verdicts = {}
        if ahead:
            verdicts = _verdicts_ahead(chunk, uf, members, refused, code, scorer, p.floor)
        touched: set[int] = set()
        for a, b, s, mutual, may in chunk:
            # Pairs already in one group, or between two groups already refused, are
            # passed over before their evidence is weighed: the same outcome, without
            # computing ``strong`` for each of them (most candidate pairs of a large corpus).
            ga, gb = uf.find(a), uf.find(b)
            if ga == gb:
                continue
            # The same comparison gives the same answer: a refusal is not computed again
            # (two large groups can be joined by thousands of candidate pairs).
            tried = _refusal_key(members, ga, gb)
            if tried in refused:
                continue
            if not mutual and (not may or scorer.strong(a, b) < p.strong):
                continue
            verdict = None
            if ga not in touched and gb not in touched:
                verdict = verdicts.get((ga, gb) if ga < gb else (gb, ga))
            if verdict is None:
                verdict = _guard(members[ga], members[gb], code_list, scorer, p.floor)
            if not verdict:
                refused.add(tried)
                continue
            touched.update((ga, gb))
            uf.union(ga, gb)
            root = uf.find(ga)
            other = gb if root == ga else ga
            members[root].extend(members.pop(other))  # in place: a growing group is not copied
            linked[(a, b)] = s
    return linked


def _refusal_key(members, ga: int, gb: int) -> tuple[int, int, int, int]:
    """What the guard compares when joining groups ``ga`` and ``gb``: a group's first
    :data:`GUARD_MEMBERS` members are told by its root and how many it has up to that, as
    its list starts with its root and only ever grows at the end."""
    return (
        ga,
        min(len(members[ga]), GUARD_MEMBERS),
        gb,
        min(len(members[gb]), GUARD_MEMBERS),
    )


def _verdicts_ahead(  # noqa: PLR0913 - the loop's state
    chunk, uf: _UnionFind, members, refused, code, scorer: Scorer, floor: float
) -> dict:
    """:func:`_guard` of each pair of groups that ``chunk``'s pairs join, with the groups
    as they are now: ``{(root, root): passes}``, every score computed at once
    (:meth:`Scorer.pair_scores`). Pairs come best first, so by the time the loosest come
    (most of the guard's work) their groups are mostly made."""
    import numpy as np

    seen: set[tuple[int, int]] = set()
    keys: list[tuple[int, int]] = []
    starts: list[int] = []
    xs: list[int] = []
    ys: list[int] = []
    # (Every pair of ``chunk`` is a mutual best match or may be strong: cluster leaves
    # the others out.)
    for a, b, *_rest in chunk:
        ga, gb = uf.find(a), uf.find(b)
        key = (ga, gb) if ga < gb else (gb, ga)
        if ga == gb or key in seen:
            continue
        seen.add(key)
        if _refusal_key(members, ga, gb) in refused:
            continue
        left, right = members[ga][:GUARD_MEMBERS], members[gb][:GUARD_MEMBERS]
        keys.append(key)
        starts.append(len(xs))
        for x in left:
            xs.extend([x] * len(right))
            ys.extend(right)
    if not keys:
        return {}
    x, y = np.array(xs, dtype=np.int64), np.array(ys, dtype=np.int64)
    cross = code[x] != code[y]
    scores = np.zeros(len(x))
    scores[cross] = scorer.pair_scores(x[cross], y[cross])
    counts = np.add.reduceat(cross.astype(np.int64), starts).tolist()
    values = scores.tolist()  # (0 for pairs within one review: no change to a sum)
    bounds = [*starts, len(values)]
    return {
        key: not counts[k] or math.fsum(values[bounds[k] : bounds[k + 1]]) / counts[k] >= floor
        for k, key in enumerate(keys)
    }


def _mutual_best(pairs: Pairs, code):
    """Whether each pair is a mutual best match: ``b`` the best-scored candidate of ``a``
    among the claims of ``b``'s review, and the reverse (ties: the earlier pair)."""
    import numpy as np

    m = len(pairs)
    # Each pair is met as (a, b) at 2k and then (b, a) at 2k + 1: a stable sort keeps
    # that order among equal scores. (Arrays of 2m, made and dropped one by one: at
    # 10,000 reviews each is 64 MB.)
    reviews = int(code.max(initial=0)) + 1
    key = np.empty(2 * m, dtype=np.int64)  # one claim, one other review
    key[0::2] = pairs.a * reviews + code[pairs.b]
    key[1::2] = pairs.b * reviews + code[pairs.a]
    scores = np.repeat(pairs.score, 2)
    np.negative(scores, out=scores)
    order = np.argsort(scores, kind="stable")
    del scores
    by_key = key[order]
    del key
    again = np.argsort(by_key, kind="stable")  # by key, then best score first
    order = order[again]
    key = by_key[again]
    del by_key, again
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    del key
    best = np.zeros(2 * m, dtype=bool)
    best[order[first]] = True
    return best[0::2] & best[1::2]


def _guard(xs: list[int], ys: list[int], code: list[int], scorer: Scorer, floor: float) -> bool:
    """Average link: the mean score of the pairs across two groups must reach ``floor``.

    The sum is exact (``math.fsum``): summed in another order, a mean can land either
    side of the floor (0.09999999999999999 or 0.1), and :func:`_verdicts_ahead` meets
    the pairs in another order."""
    cross = [(x, y) for x in xs[:GUARD_MEMBERS] for y in ys[:GUARD_MEMBERS] if code[x] != code[y]]
    return not cross or math.fsum(scorer.scores(cross)) / len(cross) >= floor
