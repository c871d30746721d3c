"""The claim engine's one-pass analyzers give exactly the words of the Whoosh chains."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ballerina_tui.analysis import claim_analyzer, plain_analyzer
from ballerina_tui.claims.evidence import FUNCTION_WORDS
from ballerina_tui.claims.terms import ClaimTerms, plain_tokens
from ballerina_tui.corpus import load_corpus

ROOT = Path(__file__).resolve().parent.parent
TRICKY = [
    "Rooney's fight-scenes aren't just a copy of Wick’s (8.8/10) — the assassins' code.",
    "Pokémon, ÆON and İstanbul: NAÏVE café-goers didn’t see the spin-off in 2023.",
    "a I x 25-year-old candle-lit opera-house; he's it's o'clock 'quoted' don''t",
    "",
    "   ",
    "ﬁlm ﬂoor Straße ǅemal",
]


def chain_terms(analyzer, text: str) -> list[str]:
    return [t.text for t in analyzer(text)]


def chain_plain(text: str) -> list[tuple[str, int, int]]:
    return [(t.text, t.startchar, t.endchar) for t in plain_analyzer()(text, chars=True)]


def texts() -> list[str]:
    corpus = load_corpus(ROOT / "data" / "reviews")
    out = list(TRICKY)
    for review in corpus.reviews:
        out.extend(review.text.split("\n"))
    return out


def test_claim_terms_match_the_chain_on_the_bundled_reviews():
    fast = ClaimTerms(FUNCTION_WORDS)
    chain = claim_analyzer(FUNCTION_WORDS)
    lines = texts()
    assert sum(len(fast(line)) for line in lines) > 1000  # the reviews were read
    for line in lines:
        assert fast(line) == chain_terms(chain, line), line
        assert fast(line) == chain_terms(chain, line), line  # and again from the cache


def test_plain_tokens_match_the_chain_with_offsets():
    for line in texts():
        assert plain_tokens(line) == chain_plain(line), line


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_same_words_on_any_text(text):
    assert ClaimTerms(FUNCTION_WORDS)(text) == chain_terms(claim_analyzer(FUNCTION_WORDS), text)
    assert plain_tokens(text) == chain_plain(text)
