"""The linking decision's evidence against a link: numbers apart, and a cut sentence.

A pair of claims links on its own (no mutual best match needed, as in a corpus of two
one-sentence reviews) when its strong score reaches ``Params.strong``. Two rules take
links away there, never add any:

- two claims that give different numbers are less likely the same statement;
- a piece of a sentence the segmenter cut, against a whole sentence that says more than
  the piece, is judged sentence against sentence: the surplus must be what the rest of
  the piece's sentence says.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

from ballerina_tui.characters import CharacterSet
from ballerina_tui.claims import analyze, sentence_spans
from ballerina_tui.claims.linking import build_claims, link_claims
from ballerina_tui.claims.scoring import PARAMS, strong_score
from ballerina_tui.corpus import load_corpus

from .test_claims import write_reviews


def _linked(tmp_path, a: str, b: str, params=PARAMS) -> bool:
    """Whether any claim of review ``a`` ends up grouped with a claim of review ``b``."""
    corpus = load_corpus(write_reviews(tmp_path / "reviews", {"a.txt": a, "b.txt": b}))
    claims = build_claims(corpus, CharacterSet())
    state = link_claims(claims, CharacterSet(), params)
    return any(
        x.review != y.review and state.uf.find(i) == state.uf.find(j)
        for i, x in enumerate(claims)
        for j, y in enumerate(claims)
    )


def test_numbers_apart_take_the_strong_score_down():
    same = {"coverage": 0.3, "dense": 0.6, "numbers_apart": []}
    apart = dict(same, numbers_apart=["14", "24"])
    assert strong_score(same, PARAMS) >= PARAMS.strong > strong_score(apart, PARAMS)
    drop = strong_score(same, PARAMS) - strong_score(apart, PARAMS)
    assert drop == pytest.approx(PARAMS.numbers_apart)


def test_the_evidence_names_the_numbers_apart(tmp_path):
    os.environ["BALLERINA_TUI_CACHE_DIR"] = str(tmp_path / "cache")
    corpus = load_corpus(
        write_reviews(
            tmp_path / "reviews",
            {
                "a.txt": "The long bond firmed 24/32 in late trading on Friday.\n",
                "b.txt": "The long bond firmed 14/32 in late trading on Friday.\n",
            },
        )
    )
    analysis = analyze(corpus, cache=False)
    a = next(c for c in analysis.claims if c.review == "a")
    b = next(c for c in analysis.claims if c.review == "b")
    evidence = analysis.evidence(a.id, b.id)
    assert evidence["numbers_apart"] == ["14", "24"]
    assert "32" in evidence["numbers"]


CUT = (
    "The heist is shot in near silence, which makes the robbery the best scene of the whole "
    "film and the reason to own the disc.\n"
)


def test_a_cut_piece_does_not_link_a_whole_sentence_that_says_something_else(tmp_path):
    # "The heist is shot in near silence" is the first piece of review a's sentence; b's
    # one sentence says that and more, and its more is not the rest of a's sentence.
    whole = "The heist is shot in near silence and the police never find the jewels.\n"
    assert not _linked(tmp_path / "rule", CUT, whole)
    # Without the rule (a surplus no sentence can reach) the piece alone would link.
    off = dataclasses.replace(PARAMS, surplus_terms=10_000)
    assert _linked(tmp_path / "off", CUT, whole, off)


def test_a_cut_piece_still_links_a_sentence_that_says_no_more(tmp_path):
    assert _linked(tmp_path, CUT, "The heist is shot in near silence.\n")


def test_two_cut_sentences_are_still_compared_piece_by_piece(tmp_path):
    other = "The heist is shot in near silence, and it is the best scene of the whole film.\n"
    assert _linked(tmp_path, CUT, other)


def test_sentences_do_not_end_at_titles_months_or_initialisms():
    text = (
        "Gov. Davis met Sen. Boxer on Sept. 11 at 5 p.m. in the U.S. Capitol. "
        "The film opens Oct. 3 in cinemas."
    )
    spans = [text[s:e] for s, e in sentence_spans(text, 0, len(text))]
    assert spans == [
        "Gov. Davis met Sen. Boxer on Sept. 11 at 5 p.m. in the U.S. Capitol.",
        "The film opens Oct. 3 in cinemas.",
    ]


def _scorer(tmp_path, a: str, b: str):
    corpus = load_corpus(write_reviews(tmp_path / "reviews", {"a.txt": a, "b.txt": b}))
    claims = build_claims(corpus, CharacterSet())
    return link_claims(claims, CharacterSet(), PARAMS).scorer


def test_function_words_count_in_the_coverage(tmp_path):
    # The same content words, built differently: "was praised by" is not "praised". On
    # content words alone each covers all of the other (1.0).
    scorer = _scorer(
        tmp_path,
        "The director was praised by the critics.\n",
        "The director praised the critics.\n",
    )
    assert scorer.aligner.features[0].terms == scorer.aligner.features[1].terms
    assert scorer.coverage(0, 1) < 0.6
    # A function word both hold counts for them, not against them.
    same = _scorer(
        tmp_path / "same",
        "The director was praised by the critics.\n",
        "The director was praised by the critics!\n",
    )
    assert same.coverage(0, 1) == pytest.approx(1.0)


def test_function_words_weigh_what_they_would_between_the_two_claims(tmp_path):
    # Among many reviews a function word one reviewer uses ("even", "himself") is as rare
    # as a name; it still weighs only log 3 against the rare words the two claims share
    # (weighed by their rarity in the corpus, these two words would take it to 0.81).
    filler = "".join(f"Scene {n} of the film is set in a different town.\n" for n in range(30))
    scorer = _scorer(
        tmp_path,
        filler + "Even Keanu Reeves himself appears as the assassin in the last reel.\n",
        "Keanu Reeves appears as the assassin in the last reel.\n",
    )
    a = next(i for i, c in enumerate(scorer.claims) if "himself" in c.text)
    b = next(i for i, c in enumerate(scorer.claims) if c.review == "b")
    assert scorer.function(a) - scorer.function(b) == {"even", "himself"}
    assert scorer.coverage(a, b) > 0.85
