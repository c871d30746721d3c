"""The index's text format gathers words without a Token per word (issue 10: a third of
the build). Its postings must be exactly what Whoosh's Positions makes with our analyzer."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.formats import Positions

from ballerina_tui.analysis import IndexPositions, collect_words, review_analyzer
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import make_schema, review_passages

ROOT = Path(__file__).resolve().parent.parent
ODD = [
    "",
    "the of and",  # stop words only
    "Rooney's assassins' café naïve DÉJÀ-vu 8.8/10 spin-off o'clock it’s",
    "John Wick: Chapter 4 — the the wick WICK wicks, Wick's",
    "ß straße İstanbul ﬁlm １２３ x²",
    "don't won't can't 'quoted' ''",
]


def _texts() -> list[str]:
    texts = list(ODD)
    for review in load_corpus(ROOT / "data" / "reviews").reviews:
        texts.extend(p.text for p in review_passages(review))
        texts.extend(p.section for p in review_passages(review) if p.section)
    return texts


def _values(fmt, text):
    words: set[str] = set()
    with collect_words(words):
        values = sorted(fmt.word_values(text, review_analyzer(), mode="index"))
    return values, words


@pytest.mark.parametrize("boost", [1.0, 2.5])
def test_the_same_postings_and_words_as_whoosh_positions(boost):
    texts = _texts()
    assert len(texts) > 200
    for text in texts:
        assert _values(IndexPositions(field_boost=boost), text) == _values(
            Positions(field_boost=boost), text
        ), text


def test_other_modes_and_analyzers_take_whoosh_s_path():
    from whoosh.analysis import StandardAnalyzer

    fmt = IndexPositions()
    text = "Dancing dancers danced"
    assert sorted(fmt.word_values(text, StandardAnalyzer(), mode="index")) == sorted(
        Positions().word_values(text, StandardAnalyzer(), mode="index")
    )
    assert sorted(fmt.word_values(text, review_analyzer(), mode="query")) == sorted(
        Positions().word_values(text, review_analyzer(), mode="query")
    )


def test_the_schema_uses_it_for_the_text_fields():
    schema = make_schema()
    assert type(schema["text"].format) is IndexPositions
    assert type(schema["section"].format) is IndexPositions
