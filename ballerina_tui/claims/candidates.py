"""Candidate pairs from the dense signal, and each claim's nearest candidates.

Lexical candidates come from the claims' shared terms (:func:`.pairs.lexical_candidates`).
Dense candidates add, for each claim, its nearest claims by WordLlama cosine: its best in
each other review while there are few reviews, and its ``k`` best overall. The matrix is
computed block by block, so memory stays bounded whatever the corpus size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ballerina_tui.claims.model import Claim

if TYPE_CHECKING:
    from ballerina_tui.claims.pairs import Pairs

K_DENSE = 8  # nearest claims overall, per claim
PER_REVIEW_UP_TO = 40  # below this many reviews, also each claim's best in every review
MIN_COSINE = 0.2  # a dense neighbour below this is not worth scoring
MAX_EXACT = 60_000  # above this many distinct claims, only lexical candidates
NEAR = 10  # candidates kept per claim in ``ClaimAnalysis.near``


def embed_claims(texts: list[str]):
    """Unit vectors of the claims, or ``None`` when the model cannot be loaded."""
    from ballerina_tui.claims import dense

    try:
        return dense.embed(texts)
    except dense.DenseUnavailable:
        return None


def dense_candidates(claims: list[Claim], rep: list[int], vectors) -> set[tuple[int, int]]:
    """Pairs ``(a, b)``, ``a < b``, of representatives in different reviews that are near."""
    import numpy as np

    reps = sorted(set(rep))
    if len(reps) < 2 or len(reps) > MAX_EXACT:
        return set()
    codes_of: dict[str, int] = {}
    codes = np.array([codes_of.setdefault(claims[i].review, len(codes_of)) for i in reps])
    matrix = vectors[reps]
    n = len(reps)
    # Reps are in reading order, so each review's claims are one contiguous range.
    bounds = np.flatnonzero(np.diff(codes)) + 1
    ranges = list(zip(np.r_[0, bounds], np.r_[bounds, n], strict=False))
    per_review = len(ranges) <= PER_REVIEW_UP_TO
    k = min(K_DENSE, n - 1)
    rows = max(8, min(1024, 8_000_000 // n))
    out: set[tuple[int, int]] = set()
    for lo in range(0, n, rows):
        hi = min(n, lo + rows)
        sims = matrix[lo:hi] @ matrix.T
        sims[codes[lo:hi, None] == codes[None, :]] = -2.0
        picks = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k > 0 else None
        for r in range(hi - lo):
            found = set(picks[r].tolist()) if picks is not None else set()
            if per_review:
                for s, e in ranges:
                    found.add(int(s + np.argmax(sims[r, s:e])))
            a = reps[lo + r]
            for j in found:
                if sims[r, j] >= MIN_COSINE:
                    b = reps[j]
                    out.add((a, b) if a < b else (b, a))
    return out


def nearest(pairs: Pairs):
    """Each claim's best-scored candidates in other reviews, best first (equal scores: the
    later claim first), up to :data:`NEAR`: ``(starts, other, score)``, claim ``i``'s
    candidates ``other[starts[i]:starts[i + 1]]`` (see :class:`.model.Near`)."""
    import numpy as np

    m = len(pairs)
    x = np.concatenate((pairs.a, pairs.b)).astype(np.int32)
    y = np.concatenate((pairs.b, pairs.a)).astype(np.int32)
    order = np.lexsort((-y, -np.concatenate((pairs.score, pairs.score)), x))
    del y
    x = x[order]
    starts = np.flatnonzero(np.r_[True, x[1:] != x[:-1]])
    rank = np.arange(len(x), dtype=np.int64)
    rank -= np.repeat(starts, np.diff(np.r_[starts, len(x)]))
    keep = order[rank < NEAR]  # positions in the doubled list, best first per claim
    del x, rank, order, starts
    at = keep % m
    mine = np.where(keep < m, pairs.a[at], pairs.b[at])  # sorted: the order was by claim
    other = np.where(keep < m, pairs.b[at], pairs.a[at]).astype(np.int32)
    starts = np.searchsorted(mine, np.arange(pairs.n + 1)).astype(np.int64)
    return starts, other, pairs.score[at].astype(np.float64)
