"""The fast path for plain word queries scores and counts exactly as Whoosh does."""

from __future__ import annotations

import pytest

from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex
from ballerina_tui.search import Searcher, _PlainTermScorer

QUERIES = [
    "rooney",
    "john wick",
    "wick AND rooney",
    "winston OR charon",
    "ruska roma ballet",
    "the ballet",
    "deming",
    "nosuchwordanywhere",
]


def whoosh_only(searcher: Searcher, query: str):
    """The same search with the fast path turned off, and the exact total."""
    searcher._fast.run = lambda *args, **kwargs: None
    try:
        result = searcher.search(query, limit=20)
        parsed = searcher.parse(query)
        exact = len(searcher._searcher.search(parsed, limit=None))
    finally:
        del searcher._fast.run
    return result, exact


def assert_same(searcher: Searcher, query: str) -> None:
    slow, exact = whoosh_only(searcher, query)
    fast = searcher.search(query, limit=20)
    assert [(h.review, h.start, h.end) for h in fast.hits] == [
        (h.review, h.start, h.end) for h in slow.hits
    ], query
    for a, b in zip(fast.hits, slow.hits, strict=True):
        assert a.score == pytest.approx(b.score, rel=1e-9, abs=1e-9)
        assert a.highlights == b.highlights
    # Whoosh's own count under a limit undercounts some OR queries; the exact count is
    # what the fast path reports.
    assert fast.total == exact, query


def test_plain_queries_take_the_fast_path_and_match_whoosh(bundled_copy, tmp_path):
    corpus = load_corpus(bundled_copy)
    searcher = Searcher(ReviewIndex(corpus, root=tmp_path / "cache"))
    for query in QUERIES:
        assert _PlainTermScorer.plan(searcher.parse(query)) is not None, query
        assert_same(searcher, query)
    searcher.close()


def test_other_queries_keep_whoosh(bundled_copy, tmp_path):
    corpus = load_corpus(bundled_copy)
    searcher = Searcher(ReviewIndex(corpus, root=tmp_path / "cache"))
    for query in ('"mother ruska"', "review:critic deming", "mentr~", "train*", "cameo -keanu"):
        assert _PlainTermScorer.plan(searcher.parse(query)) is None, query
    searcher.close()


def test_after_an_update_deleted_passages_are_not_counted_and_the_cache_is_fresh(
    bundled_copy, tmp_path
):
    corpus = load_corpus(bundled_copy)
    index = ReviewIndex(corpus, root=tmp_path / "cache")
    searcher = Searcher(index)
    before = searcher.search("deming", limit=20)
    assert before.total == 1
    # Change the review: the old passages are deleted in their segment, new ones added.
    path = bundled_copy / "critic.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Peter Deming", "Peter Deming and Deming"),
        encoding="utf-8",
    )
    updated = ReviewIndex(load_corpus(bundled_copy), root=tmp_path / "cache")
    updated.ensure()
    assert updated.last_update.changed == ["critic"]
    for query in ("deming", "rooney", "john wick", "winston OR charon"):
        assert_same(searcher, query)
    hit = searcher.search("deming", limit=20).hits[0]
    assert hit.text.count("Deming") == 2
    searcher.close()
