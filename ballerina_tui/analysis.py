"""The Whoosh analyzer used for review text: the one place that decides what a "word" is.

Words are runs of letters and digits, joined across ``.`` and ``'`` so that ``8.8`` and
``don't`` stay whole; curly apostrophes fold to ``'`` before tokenising (one character for
one, so character offsets still index the original text); possessive ``'s`` is dropped;
accents fold (``Pokémon`` = ``pokemon``); English stop words go; the rest is Porter-stemmed.

Classes here are pickled into the index schema: keep their import path stable and bump
:data:`ballerina_tui.index.SCHEMA_VERSION` when their behaviour changes.
"""

from __future__ import annotations

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

from ballerina_tui.textutil import APOSTROPHES

TOKEN_PATTERN = r"\w+(?:[.']\w+)*"


class ApostropheTokenizer(RegexTokenizer):
    """A regex tokenizer that sees curly apostrophes as straight ones."""

    def __init__(self) -> None:
        super().__init__(expression=TOKEN_PATTERN)

    def __call__(self, value, **kwargs):  # type: ignore[override]
        return super().__call__(value.translate(APOSTROPHES), **kwargs)


class PossessiveFilter(Filter):
    """``rooney's`` → ``rooney``; ``assassins'`` → ``assassins``."""

    def __call__(self, tokens):  # type: ignore[override]
        for token in tokens:
            text = token.text
            if text.endswith("'s"):
                token.text = text[:-2]
            elif text.endswith("'"):
                token.text = text[:-1]
            yield token


def review_analyzer():
    return (
        ApostropheTokenizer()
        | LowercaseFilter()
        | PossessiveFilter()
        | CharsetFilter(accent_map)
        | StopFilter(minsize=1)
        | StemFilter()
    )


def plain_analyzer():
    """Same words, unstemmed, stop words kept: used for the claim engine's word weights."""
    return (
        ApostropheTokenizer() | LowercaseFilter() | PossessiveFilter() | CharsetFilter(accent_map)
    )


class CompoundTokenizer(ApostropheTokenizer):
    """Like :class:`ApostropheTokenizer`, but a hyphenated compound is one word:
    "spin-off", "25-year-old", "candle-lit" each say one thing."""

    def __init__(self) -> None:
        RegexTokenizer.__init__(self, expression=r"\w+(?:[-.']\w+)*")


def claim_analyzer(function_words: frozenset[str]):
    """The review analyzer with a longer stop list, for weighing what a claim asserts.

    Produces the same stems as :func:`review_analyzer` (so most claim terms are index
    terms), minus function words and single characters, with hyphenated compounds kept
    whole (those are not index terms: the claim engine tracks them itself).
    """
    from whoosh.analysis import STOP_WORDS

    return (
        CompoundTokenizer()
        | LowercaseFilter()
        | PossessiveFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=frozenset(STOP_WORDS) | function_words, minsize=2)
        | StemFilter()
    )
