"""The claim engine: what each reviewer alone claims, what they share, where they conflict.

Public API (the CLI and the app use only this):

- :func:`analyze` ``(corpus, index=None) -> ClaimAnalysis``
- :class:`ClaimAnalysis` with ``claims``, ``groups``, ``conflicts``, lookups and ``to_json``
- :func:`diff_rows` ``(analysis, review_ids) -> list[DiffRow]`` aligned rows for a diff
- :func:`word_diff` ``(a, b) -> (spans_a, spans_b)`` the words that differ in a shared pair

One module per step: :mod:`.segmenting`, :mod:`.evidence`, :mod:`.linking`,
:mod:`.conflicts`, :mod:`.diffrows`. No Textual import here.
"""

from __future__ import annotations

from ballerina_tui.claims.diffrows import diff_rows, word_diff
from ballerina_tui.claims.evidence import ENTITY, FUNCTION_WORDS, NEGATIONS, _passage_map
from ballerina_tui.claims.linking import analyze
from ballerina_tui.claims.model import (
    CONFLICT,
    SHARED,
    UNIQUE,
    Claim,
    ClaimAnalysis,
    ClaimGroup,
    Conflict,
    DiffRow,
)
from ballerina_tui.claims.segmenting import (
    MIN_CLAIM_WORDS,
    clause_spans,
    is_claim_text,
    segment_review,
    sentence_spans,
)

__all__ = [
    "CONFLICT",
    "ENTITY",
    "FUNCTION_WORDS",
    "MIN_CLAIM_WORDS",
    "NEGATIONS",
    "SHARED",
    "UNIQUE",
    "Claim",
    "ClaimAnalysis",
    "ClaimGroup",
    "Conflict",
    "DiffRow",
    "_passage_map",
    "analyze",
    "clause_spans",
    "diff_rows",
    "is_claim_text",
    "segment_review",
    "sentence_spans",
    "word_diff",
]
