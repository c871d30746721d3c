"""Glyphs and names shared by the screens: colour is never the only signal."""

from __future__ import annotations

STATUS_GLYPH = {"unique": "+", "shared": "=", "conflict": "≠"}
STATUS_WORD = {"unique": "unique", "shared": "shared", "conflict": "conflicting"}

# Reviewer colours come from the theme, so they follow a light or dark theme; each
# reviewer also has a letter shown beside their colour.
REVIEWER_STYLES = ("$primary", "$secondary", "$success", "$warning", "$error", "$accent")


def reviewer_style(index: int) -> str:
    return REVIEWER_STYLES[index % len(REVIEWER_STYLES)]


def bar(count: int, most: int, width: int = 12) -> str:
    """A small horizontal bar: ``count`` out of ``most`` in ``width`` cells."""
    if most <= 0 or count <= 0:
        return ""
    cells = max(1, round(width * count / most))
    return "█" * cells


STATUS_STYLE = {"unique": "$text-success", "shared": "$text-secondary", "conflict": "$text-error"}
