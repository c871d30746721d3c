"""Many pairs of claims at once: lexical candidates from one sparse product, and the
evidence of each pair computed as arrays (numpy, ``scipy.sparse``).

Comparing claims one pair at a time in Python was most of an analysis once a folder
held thousands of reviews: 10,000 reviews whose claims are mostly said once give about
150,000 claims and 6 million candidate pairs, and walking the posting lists claim by
claim took 130 s of the 320 s. Here the claims are rows of a sparse matrix (a column
per term, the term's IDF weight as the value); the shared weight of every pair that
shares a term is one matrix product, taken a block of rows at a time so that memory
stays bounded, and the similarity of a list of pairs is a handful of row-wise products.

The numbers are those of :meth:`_Aligner.similarity` and :meth:`Scorer.score` (the same
formula, summed in another order: they agree to the last few bits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHUNK = 1 << 18  # pairs per vectorised step: bounded memory for any number of pairs
BLOCK_ENTRIES = 6_000_000  # products computed per block of rows (about 100 MB at most)
PAIR_BLOCK = 1 << 16  # pairs whose evidence is computed together (a dozen arrays of 0.5 MB)
SMALL_BLOCK = 4096  # fewer pairs than this are not shared between threads


def by_blocks(work, n: int, block: int | None = None) -> np.ndarray:
    """``work(lo, hi)`` (the array of pairs ``lo`` to ``hi``) of all ``n`` pairs, a block at
    a time, the blocks shared between the cores: millions of pairs in one go held a dozen
    temporary arrays of their size (350 MB at 10,000 reviews). Each pair's value is its
    own, so the result is that of one go."""
    from ballerina_tui.children import core_count, thread_map

    # A few thousand pairs and more are worth sharing between the cores (the guard asks
    # for about 15,000 at a time).
    block = block or min(PAIR_BLOCK, max(SMALL_BLOCK, -(-n // core_count())))
    if n <= block:
        return work(0, n)
    parts = thread_map(lambda lo: work(lo, min(n, lo + block)), list(range(0, n, block)))
    return np.concatenate(parts)


def _csr(rows: list[int], cols: list[int], shape: tuple[int, int], data=None):
    import scipy.sparse as sp

    rows_a = np.asarray(rows, dtype=np.int64)
    cols_a = np.asarray(cols, dtype=np.int64)
    values = np.ones(len(rows_a)) if data is None else np.asarray(data, dtype=np.float64)
    out = sp.csr_matrix((values, (rows_a, cols_a)), shape=shape)
    out.sum_duplicates()
    out.sort_indices()
    return out


def _incidence(sets, keep=None):
    """A binary claims x items matrix of ``sets`` (one iterable per claim), and the ids.

    The ids follow the items' sorted order, not the order the sets give them in (which
    for strings changes with Python's hash seed): a product sums in column order, and a
    tie between equal weights goes to the earlier column, so the analysis of a folder is
    the same in every run."""
    ids: dict = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, items in enumerate(sets):
        for item in items:
            if keep is not None and not keep(item):
                continue
            j = ids.get(item)
            if j is None:
                j = ids[item] = len(ids)
            rows.append(i)
            cols.append(j)
    ordered = sorted(ids)
    rank = np.empty(max(1, len(ids)), dtype=np.int64)
    rank[[ids[item] for item in ordered]] = np.arange(len(ordered))
    ids = {item: n for n, item in enumerate(ordered)}
    cols_a = rank[np.asarray(cols, dtype=np.int64)] if cols else cols
    return _csr(rows, cols_a, (len(sets), max(1, len(ids)))), ids


def rowwise(left, right, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``sum_j left[a[k], j] * right[b[k], j]`` for every ``k``: the dot product of the
    rows of each pair, ``CHUNK`` pairs at a time; only pairs whose two rows both hold
    something are looked at (a claim's names or numbers: most claims have none)."""
    out = np.zeros(len(a))
    filled = np.diff(left.indptr) > 0
    if left is not right:
        held = np.diff(right.indptr) > 0
    else:
        held = filled
    some = filled[a] & held[b]
    if not some.all():
        sel = np.flatnonzero(some)
        out[sel] = rowwise(left, right, a[sel], b[sel]) if len(sel) else 0.0
        return out
    for lo in range(0, len(a), CHUNK):
        hi = min(len(a), lo + CHUNK)
        product = left[a[lo:hi]].multiply(right[b[lo:hi]])
        out[lo:hi] = np.asarray(product.sum(axis=1)).ravel()
    return out


class ClaimMatrix:
    """The claims' terms as sparse rows, with what comparing many pairs needs.

    Built from the :class:`~ballerina_tui.claims.evidence._Features` of an analysis and
    its term weights: only terms held by two claims or more can be shared, so only
    those get a column."""

    def __init__(self, features, weights: dict[str, float], df: dict[str, int]) -> None:
        from ballerina_tui.claims.evidence import ENTITY

        n = len(features)
        self.n = n
        self.binary, ids = _incidence([f.terms for f in features], lambda t: df[t] >= 2)
        self.terms = list(ids)
        self.term_weight = np.array([weights[t] for t in self.terms] or [0.0])
        self.weighted = self.binary.copy()
        self.weighted.data = self.term_weight[self.weighted.indices]
        self.total = np.array([f.weight for f in features], dtype=np.float64)
        self.bigrams, _ids = _incidence([f.bigrams for f in features])
        # A rare character one claim names (by name or through the actor), and which
        # characters each claim names either way: :func:`_names_missing` for many pairs.
        bases = [{t.removesuffix("~actor") for t in f.key_entities} for f in features]
        self.key_names, base_ids = _incidence(bases)
        rows: list[int] = []
        cols: list[int] = []
        for i, f in enumerate(features):
            for t in f.terms:
                if t.startswith(ENTITY):
                    j = base_ids.get(t.removesuffix("~actor"))
                    if j is not None:
                        rows.append(i)
                        cols.append(j)
        self.named = _csr(rows, cols, self.key_names.shape)
        self.named.data[:] = 1.0
        self.key_count = np.diff(self.key_names.indptr).astype(np.float64)

    def names_missing(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether claim ``a[k]`` names a rare character that ``b[k]`` does not."""
        out = np.zeros(len(a), dtype=bool)
        has = self.key_count[a] > 0
        if has.any():
            sel = np.flatnonzero(has)
            found = rowwise(self.key_names, self.named, a[sel], b[sel])
            out[sel] = found < self.key_count[a[sel]]
        return out

    def similarity(self, a: np.ndarray, b: np.ndarray, shared=None, *, params) -> np.ndarray:
        """:meth:`_Aligner.similarity` of every pair ``(a[k], b[k])``. ``shared``: the
        shared weight already known (the candidates' own, rare terms only)."""
        return by_blocks(
            lambda lo, hi: self._similarity(
                a[lo:hi], b[lo:hi], None if shared is None else shared[lo:hi], params
            ),
            len(a),
        )

    def _similarity(self, a: np.ndarray, b: np.ndarray, shared, params) -> np.ndarray:
        wa, wb = self.total[a], self.total[b]
        small, large = np.minimum(wa, wb), np.maximum(wa, wb)
        common = rowwise(self.binary, self.binary, a, b)
        # Most pairs of a large folder share fewer than MIN_SHARED terms: 0, and the rest
        # of the evidence is computed for the others only.
        some = np.flatnonzero((small > 0) & (common >= params.MIN_SHARED))
        out = np.zeros(len(a))
        if not len(some):
            return out
        a, b, small, large = a[some], b[some], small[some], large[some]
        shared = rowwise(self.weighted, self.binary, a, b) if shared is None else shared[some]
        with np.errstate(divide="ignore", invalid="ignore"):
            sim = shared / (small**params.GAMMA * large ** (1 - params.GAMMA))
        sim = sim * (1 + params.BIGRAM * rowwise(self.bigrams, self.bigrams, a, b))
        missing = self.names_missing(a, b) | self.names_missing(b, a)
        out[some] = np.where(missing, sim * params.MISSING_NAME, sim)
        return out


@dataclass
class Pairs:
    """Candidate pairs ``(a[k], b[k])``, ``a < b``, sorted, with their evidence.

    ``lexical``: the lexical similarity the score used; ``is_lexical``: whether the pair
    came from shared terms (the others come from the dense signal alone); ``score``: the
    combined score (:meth:`Scorer.score`)."""

    a: np.ndarray
    b: np.ndarray
    lexical: np.ndarray
    is_lexical: np.ndarray
    score: np.ndarray
    n: int  # claims in the analysis (for the keys)
    dense: np.ndarray | None = None  # the cosine of each pair, when there is a dense signal

    def __post_init__(self) -> None:
        self.keys = self.a * self.n + self.b

    def __len__(self) -> int:
        return len(self.a)

    def find(self, x: int, y: int) -> int:
        """The position of pair ``{x, y}``, or -1."""
        a, b = (x, y) if x < y else (y, x)
        key = a * self.n + b
        k = int(np.searchsorted(self.keys, key))
        return k if k < len(self.keys) and self.keys[k] == key else -1

    def find_many(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """:meth:`find` of many pairs at once."""
        a, b = np.minimum(xs, ys), np.maximum(xs, ys)
        keys = a * self.n + b
        if not len(self.keys):
            return np.full(len(keys), -1, dtype=np.int64)
        k = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[k] == keys, k, -1)


def lexical_candidates(
    matrix: ClaimMatrix, reviews: list[str], rep: list[int], per_claim: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of claims from different reviews that share a not-too-common term, with the
    summed weight of the terms they share: ``(a, b, weight)``, ``a < b``, sorted.

    Word-for-word copies are compared once, through their representative ``rep[i]``. A
    term held by more than ``cap`` representatives carries little weight and would make
    the work quadratic: it is left out here (it still counts in each claim's total
    weight). Each claim keeps its ``per_claim`` partners of heaviest shared weight."""
    import scipy.sparse as sp

    from ballerina_tui.children import thread_map

    n = matrix.n
    rep_a = np.asarray(rep, dtype=np.int64)
    reps = np.unique(rep_a)
    if len(reps) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    cap = max(12, int(len(reps) ** 0.5 * 2))
    row_of = np.full(n, -1, dtype=np.int64)
    row_of[reps] = np.arange(len(reps))
    codes: dict[str, int] = {}
    review_code = np.array([codes.setdefault(r, len(codes)) for r in reviews], dtype=np.int64)
    # A representative whose copies lie in several reviews is compared within its own too:
    # it gets a review code of its own (negative), which no other representative has.
    multi = np.zeros(len(reps), dtype=bool)
    np.logical_or.at(multi, row_of[rep_a], review_code != review_code[rep_a])
    code = review_code[reps].astype(np.int32)
    code[multi] = -1 - np.flatnonzero(multi).astype(np.int32)
    # Each representative holds every term any of its copies holds.
    holds = (
        sp.csr_matrix((np.ones(n), (row_of[rep_a], np.arange(n))), shape=(len(reps), n))
        @ matrix.binary
    )
    holds.data[:] = 1.0
    holders = np.bincount(holds.indices, minlength=holds.shape[1])
    kept = ((holders >= 2) & (holders <= cap)).astype(np.float64)
    right = (holds @ sp.diags(kept)).tocsr()
    right.eliminate_zeros()
    left = (right @ sp.diags(matrix.term_weight * kept)).tocsr()
    right_t = right.T.tocsr()
    # Rows per block: about BLOCK_ENTRIES products in each (a row meets at most
    # cap x its terms others).
    per_row = max(1, right.nnz // len(reps)) * cap
    block = max(64, min(8192, BLOCK_ENTRIES // per_row))

    def picked(lo: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The pairs kept of rows ``lo`` to ``lo + block``: (row, column, weight)."""
        hi = min(len(reps), lo + block)
        product = (left[lo:hi] @ right_t).tocsr()
        indptr, cols, weight = product.indptr, product.indices, product.data
        rows = np.repeat(np.arange(lo, hi, dtype=np.int32), np.diff(indptr))
        ok = (cols != rows) & (code[rows] != code[cols])
        rows, cols, weight = rows[ok], cols[ok], weight[ok]
        counts = np.bincount(rows - lo, minlength=hi - lo)
        starts = np.concatenate(([0], np.cumsum(counts)))
        over = counts > per_claim
        keep = [np.flatnonzero(np.repeat(~over, counts))]
        keep += [
            s + np.argpartition(-weight[s:e], per_claim - 1)[:per_claim]
            for s, e in zip(starts[:-1][over].tolist(), starts[1:][over].tolist(), strict=True)
        ]
        chosen = np.concatenate(keep)
        return rows[chosen], cols[chosen], weight[chosen]

    # The blocks share the cores (the products and the array steps release the GIL).
    parts = thread_map(picked, list(range(0, len(reps), block)))
    reps32 = reps.astype(np.int32)
    a = reps32[np.concatenate([part[0] for part in parts])]
    b = reps32[np.concatenate([part[1] for part in parts])]
    weight = np.concatenate([part[2] for part in parts])
    del parts
    lo_, hi_ = np.minimum(a, b), np.maximum(a, b)
    del a, b
    key = lo_.astype(np.int64)
    key *= n
    key += hi_
    _keys, first = np.unique(key, return_index=True)
    del key, _keys
    return lo_[first].astype(np.int64), hi_[first].astype(np.int64), weight[first]
