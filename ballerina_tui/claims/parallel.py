"""The per-review half of an analysis, shared between processes: each review cut into
claims, each claim's features (:func:`.evidence.claim_features`) and its embedding.

None of it looks beyond one review, and at 10,000 reviews it is about 50 s of one core.
From :data:`PARALLEL_REVIEWS` reviews on, with more than one core, the reviews are cut
into contiguous shares, one per child process (:class:`~ballerina_tui.children.Children`)
while the calling process waits, and the results are put back in folder order. The
claims, features and vectors are those of one process (tested).
"""

from __future__ import annotations

from ballerina_tui import children
from ballerina_tui.children import Children, child_main, shares, tell
from ballerina_tui.progress import ProgressFn
from ballerina_tui.progress import report as report_progress

PARALLEL_REVIEWS = 2000  # below this, starting a process (about 1 s with the model) costs more
MAX_PROCESSES = 4
_TELL_EVERY = 25  # reviews between a child's progress lines


class _Reviews:
    """What :func:`~.linking.build_claims` reads of a corpus: its reviews."""

    def __init__(self, reviews: list) -> None:
        self.reviews = reviews


def process_count(reviews: int, threshold: int | None = None) -> int:
    limit = PARALLEL_REVIEWS if threshold is None else threshold
    return children.process_count(reviews, limit, MAX_PROCESSES)


def share_work(reviews: list, characters, dense: bool, progress: ProgressFn | None = None):
    """Claims, features and embeddings (or ``None``) of ``reviews``, in one process."""
    from ballerina_tui.claims.candidates import embed_claims
    from ballerina_tui.claims.evidence import claim_features
    from ballerina_tui.claims.linking import build_claims

    mentions: list = []
    claims = build_claims(_Reviews(reviews), characters, progress, mentions)
    features = claim_features(claims, characters, mentions)
    del mentions
    vectors = embed_claims([c.text for c in claims]) if dense and claims else None
    return claims, features, vectors


def _child_work(reviews: list, characters, dense: bool):
    """A child's share (``python -m ballerina_tui.claims.parallel IN OUT``), telling the
    parent how many of its reviews it has cut."""

    def progress(_stage, done, _total):
        if done % _TELL_EVERY == 0:
            tell(done)

    out = share_work(reviews, characters, dense, progress)
    tell(len(reviews))
    return out


def per_review(
    reviews: list,
    characters,
    *,
    dense: bool = True,
    progress: ProgressFn | None = None,
    threshold: int | None = None,
):
    """``(claims, features, vectors)`` of all ``reviews`` in folder order; ``vectors`` is
    ``None`` when there is no dense signal. Shared between processes for large folders;
    ``progress("claims", done, total)`` may raise to cancel (the children are stopped)."""
    total = len(reviews)
    parts = process_count(total, threshold)
    if parts == 1:
        return share_work(reviews, characters, dense, progress)
    import numpy as np

    runs = shares(reviews, parts)
    # Every share is a child's, the calling process only waits: cutting reviews here
    # left about 100 MB of freed small objects scattered among the kept ones, which the
    # rest of the analysis (arrays) never reuses, and the results arrive packed.
    helpers = Children(
        "ballerina_tui.claims.parallel",
        [(run, characters, dense) for run in runs],
        prefix="ballerina-claims-",
    )
    try:
        results = helpers.wait(
            lambda: report_progress(progress, "claims", helpers.done(), total),
            "claim process",
        )
    except BaseException:
        helpers.abandon()
        raise
    report_progress(progress, "claims", total, total)
    claims = [c for part in results for c in part[0]]
    features = [f for part in results for f in part[1]]
    vectors = None
    held = [part for part in results if part[0]]
    if dense and held and all(part[2] is not None for part in held):
        vectors = np.concatenate([part[2] for part in held])
    return claims, features, vectors


if __name__ == "__main__":
    import sys

    sys.exit(child_main(sys.argv[1:], _child_work))
