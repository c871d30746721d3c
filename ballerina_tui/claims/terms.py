"""Claim words in one pass: the claim engine's analyzers without Whoosh's filter chain.

:func:`ballerina_tui.analysis.claim_analyzer` and :func:`~ballerina_tui.analysis.plain_analyzer`
are chains of Whoosh filters, one generator per step and per word; over every claim of a
large corpus they were the largest single cost of an analysis. The functions here give the
same words (``tests/test_claims_terms.py`` checks them against the chains) with one regex
pass, and cache each distinct token's result: a corpus has far fewer distinct words than
words.
"""

from __future__ import annotations

import re

from ballerina_tui.analysis import TOKEN_PATTERN, _stem, fold_token
from ballerina_tui.textutil import APOSTROPHES

_PLAIN = re.compile(TOKEN_PATTERN, re.UNICODE)
_COMPOUND = re.compile(r"\w+(?:[-.']\w+)*", re.UNICODE)  # CompoundTokenizer's expression
_CACHE_LIMIT = 500_000


def _fold(word: str) -> str:
    """Lower-case, possessive dropped, accents folded (the plain analyzer on one token)."""
    return fold_token(word.lower())


class ClaimTerms:
    """``claim_analyzer(function_words)`` as a function: text -> the stems, in order."""

    def __init__(self, function_words: frozenset[str]) -> None:
        from whoosh.analysis import STOP_WORDS

        self.stops = frozenset(STOP_WORDS) | function_words
        self._cache: dict[str, str | None] = {}

    def _term(self, token: str) -> str | None:
        word = _fold(token)
        if len(word) < 2 or word in self.stops:
            return None
        return _stem(word)

    def __call__(self, text: str) -> list[str]:
        cache = self._cache
        out = []
        for m in _COMPOUND.finditer(text.translate(APOSTROPHES)):
            token = m.group(0)
            try:
                term = cache[token]
            except KeyError:
                term = self._term(token)
                if len(cache) < _CACHE_LIMIT:
                    cache[token] = term
            if term is not None:
                out.append(term)
        return out


def plain_tokens(text: str) -> list[tuple[str, int, int]]:
    """``plain_analyzer()`` with character offsets: ``[(word, start, end)]``."""
    return [
        (_fold(m.group(0)), m.start(), m.end())
        for m in _PLAIN.finditer(text.translate(APOSTROPHES))
    ]
