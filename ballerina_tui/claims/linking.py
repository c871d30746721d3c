"""Linking: the analysis pipeline, and grouping claims that assert the same thing."""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import threading

from ballerina_tui.claims.candidates import dense_candidates, embed_claims, nearest
from ballerina_tui.claims.conflicts import _find_conflicts
from ballerina_tui.claims.evidence import _Aligner
from ballerina_tui.claims.grouping import Scorer, cluster
from ballerina_tui.claims.model import (
    Claim,
    ClaimAnalysis,
    ClaimGroup,
    Conflict,
    _others,
    _UnionFind,
)
from ballerina_tui.claims.scoring import PARAMS, Params
from ballerina_tui.claims.segmenting import segment_review
from ballerina_tui.corpus import Corpus
from ballerina_tui.progress import ProgressFn
from ballerina_tui.progress import report as report_progress


def _normalised(text: str) -> str:
    from ballerina_tui.textutil import fold

    return " ".join(re.findall(r"\w+", fold(text)))


def build_claims(
    corpus: Corpus,
    characters,
    progress: ProgressFn | None = None,
    mentions: list | None = None,
) -> list[Claim]:
    """Every claim of every review, in reading order.

    ``mentions``, when given, receives each claim's character mentions (one list per
    claim), so that linking need not look for them again."""
    claims: list[Claim] = []
    total = len(corpus.reviews)
    for done, review in enumerate(corpus.reviews):
        report_progress(progress, "claims", done, total)
        for n, (start, end, section, paragraph) in enumerate(segment_review(review), 1):
            text = review.text[start:end]
            found = characters.mentions(text)
            if mentions is not None:
                mentions.append(found)
            claims.append(
                Claim(
                    id=f"{review.id}:{n}",
                    review=review.id,
                    text=text,
                    section=section,
                    start=start,
                    end=end,
                    characters=tuple(dict.fromkeys(m.character for m in found)),
                    paragraph=paragraph,
                )
            )
    return claims


def analyze(
    corpus: Corpus,
    index=None,
    *,
    progress: ProgressFn | None = None,
    params: Params | None = None,
    extra_key: str = "",
    cache: bool = True,
    parallel_from: int | None = None,
) -> ClaimAnalysis:
    """Segment every review into claims, link them across reviews and flag conflicts.

    ``progress`` is called as ``progress("claims", done, total)`` and may raise
    :class:`~ballerina_tui.progress.Cancelled` to stop the analysis. The result is cached
    on disk (see :mod:`.cache`), keyed by the reviews, the characters, the engine version
    and ``extra_key``; ``cache=False`` neither reads nor writes it. From
    ``parallel_from`` reviews on (default :data:`.parallel.PARALLEL_REVIEWS`), the
    per-review work is shared between processes."""
    steady_malloc()
    with paused_gc():
        return _analyze(corpus, index, progress, params, extra_key, cache, parallel_from)


_M_TRIM_THRESHOLD = -1  # mallopt(3) parameters (glibc's malloc.h)
_M_MMAP_THRESHOLD = -3
_STEADY_BYTES = 256 * 1024


@functools.cache
def steady_malloc() -> bool:
    """Keep glibc's malloc from holding on to what an analysis frees (Linux only; once
    per process; False where there is no glibc).

    glibc serves blocks above its mmap threshold straight from the system and gives them
    back on free, but each such free raises the threshold (up to 32 MB), so later arrays
    of a few MB come from the heap and stay there after they are freed: at 10,000 reviews
    the resident peak was 2.5 GB, of which about 550 MB was freed arrays. A fixed
    threshold also turns the adjustment off (``mallopt``, the documented way)."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False  # not glibc (musl has no mallopt)
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(
        mallopt(_M_MMAP_THRESHOLD, _STEADY_BYTES) and mallopt(_M_TRIM_THRESHOLD, _STEADY_BYTES)
    )


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextlib.contextmanager
def paused_gc():
    """Python's cyclic garbage collector off while an analysis builds its objects.

    An analysis allocates millions of long-lived sets, dicts and tuples and no reference
    cycles to speak of; each full collection walked all of them again (about 30% of the
    CPU time at 1,000 reviews, more as the heap grows). Counted across threads: the
    collector is back as it was when the last analysis ends, however it ends."""
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def _analyze(
    corpus, index, progress, params, extra_key, cache, parallel_from=None
) -> ClaimAnalysis:
    from ballerina_tui.claims import cache as disk_cache
    from ballerina_tui.index import ReviewIndex

    if index is None:
        index = ReviewIndex(corpus)
    # The index first: once it has looked at the folder, the people the reviews name are
    # read from beside it instead of being found again in every review.
    index.ensure(progress=progress)
    key = None
    if cache and params is None:
        key = disk_cache.key_for(corpus, index.characters, extra_key)
        cached = disk_cache.load(key, corpus)
        if cached is not None:
            total = len(corpus.reviews)
            report_progress(progress, "claims", total, total)
            _store_marks(index, corpus, cached, only_missing=True)
            return cached
    from ballerina_tui.claims.parallel import per_review

    claims, features, vectors = per_review(
        corpus.reviews, index.characters, progress=progress, threshold=parallel_from
    )
    total = len(corpus.reviews)
    state = link_claims(
        claims, index.characters, params or PARAMS, features=features, vectors=vectors
    )
    conflicts = _find_conflicts(
        claims,
        state.aligner,
        state.pairs,
        state.uf,
        state.rep,
        state.scorer,
        (params or PARAMS).mutual,
        set(state.linked),
    )
    evidence = state.scorer.parts_many(list(state.linked))
    state.release()
    analysis = _assemble(corpus, claims, state.uf, conflicts)
    analysis.attach(state.near, state.scorer, state.linked, evidence)
    state.near = None
    report_progress(progress, "claims", total, total)
    if key is not None:
        disk_cache.store(key, analysis)
        _store_marks(index, corpus, analysis)
    return analysis


def _store_marks(index, corpus, analysis, *, only_missing: bool = False) -> None:
    """The marks file a later start shows the open review's marks from (:mod:`.marks`)."""
    from ballerina_tui.claims import marks

    name = marks.stamp(getattr(index, "signature", None), corpus.characters_path)
    if not (only_missing and marks.exists(name)):
        marks.store(name, corpus, analysis)


class LinkState:
    """What linking leaves behind: groups, per-pair evidence, nearest candidates."""

    def __init__(self, aligner, scorer, uf, rep, pairs, near, linked) -> None:
        self.aligner = aligner
        self.scorer = scorer
        self.uf = uf
        self.rep = rep
        self.pairs = pairs  # every candidate pair, with its lexical similarity and score
        self.near = near  # claim index -> [(other index, score)], best first
        self.linked = linked  # (a, b) -> score of each link made

    def release(self) -> None:
        """Let go of what only linking and the conflict scan needed; the scorer keeps each
        candidate's score (to explain any pair later) and its own evidence."""
        self.pairs.lexical = self.pairs.is_lexical = self.pairs.dense = None
        self.scorer.release()


def link_claims(
    claims: list[Claim],
    characters,
    params: Params,
    *,
    dense: bool = True,
    mentions: list | None = None,
    features: list | None = None,
    vectors=None,
) -> LinkState:
    """Features, candidates, scores and groups of ``claims`` (no conflicts).

    ``features`` and ``vectors``, when given, are the claims' own (see :mod:`.parallel`):
    they are not computed again."""
    aligner = _Aligner(claims, characters, mentions, features)
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
    if vectors is None and dense and claims:
        vectors = embed_claims([c.text for c in claims])
    scorer = Scorer(claims, aligner, vectors, params)
    pairs = candidate_pairs(claims, aligner, scorer, rep, vectors)
    scorer.table = pairs
    near = nearest(pairs)
    linked = cluster(claims, pairs, uf, scorer, params)
    return LinkState(aligner, scorer, uf, rep, pairs, near, linked)


def candidate_pairs(claims, aligner, scorer, rep: list[int], vectors):
    """The pairs worth comparing, scored: claims sharing rare terms (each claim's
    :attr:`_Aligner.PER_CLAIM` heaviest), and each claim's nearest by the dense signal."""
    import numpy as np

    from ballerina_tui.claims.pairs import ClaimMatrix, Pairs, lexical_candidates

    matrix = ClaimMatrix(aligner.features, aligner.weights, aligner.df)
    n = len(claims)
    a, b, shared = lexical_candidates(matrix, [c.review for c in claims], rep, aligner.PER_CLAIM)
    lexical = matrix.similarity(a, b, shared, params=aligner)
    del shared
    is_lexical = np.ones(len(a), dtype=bool)
    if vectors is not None:
        near = dense_candidates(claims, rep, vectors)
        if near:
            da, db = np.array(sorted(near), dtype=np.int64).T
            keys = a * n + b
            extra = ~np.isin(da * n + db, keys)
            da, db = da[extra], db[extra]
            a, b = np.concatenate((a, da)), np.concatenate((b, db))
            # A pair only the dense signal found: its similarity over every shared term.
            lexical = np.concatenate((lexical, matrix.similarity(da, db, params=aligner)))
            is_lexical = np.concatenate((is_lexical, np.zeros(len(da), dtype=bool)))
            order = np.argsort(a * n + b, kind="stable")
            a, b, lexical, is_lexical = a[order], b[order], lexical[order], is_lexical[order]
    score, dense = scorer.score_pairs(a, b, lexical)
    scorer.matrix = matrix
    return Pairs(a, b, lexical, is_lexical, score, n, dense if vectors is not None else None)


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
            claims[i].shared_with = _others(reviews, claims[i].review)
            claims[i].unique = not claims[i].shared_with
    by_id = {c.id: c for c in claims}
    for conflict in conflicts:
        by_id[conflict.a].contradicts.append(conflict.b)
        by_id[conflict.b].contradicts.append(conflict.a)
    return ClaimAnalysis(list(corpus.reviews), claims, groups, conflicts)
