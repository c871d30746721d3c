"""Colours and glyphs shared by the CLI and the app (plain data, no Textual import).

Colour is never the only signal: every status has a glyph, and every reviewer column has
a header with the reviewer's handle.
"""

from __future__ import annotations

GLYPHS = {"unique": "+", "shared": "=", "conflict": "≠"}
STATUS_WORDS = {"unique": "only this reviewer", "shared": "shared", "conflict": "conflicts"}
STATUS_STYLES = {"unique": "bold", "shared": "dim", "conflict": "bold red"}

# Distinct on dark and light backgrounds; reused in order when there are more reviewers.
REVIEWER_COLOURS = (
    "#2e9fd9",
    "#d9822b",
    "#3fae5a",
    "#b35fd9",
    "#d94c6a",
    "#b3a12e",
    "#2eb3a6",
    "#7f7fd9",
)


def reviewer_colour(index: int) -> str:
    return REVIEWER_COLOURS[index % len(REVIEWER_COLOURS)]


def reviewer_colours(review_ids: list[str]) -> dict[str, str]:
    return {rid: reviewer_colour(n) for n, rid in enumerate(review_ids)}
