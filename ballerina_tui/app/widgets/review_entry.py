"""The reviews sidebar's entries, cheap to lay out again at 10,000 reviews.

An entry is three lines of :class:`~textual.content.Content`: the handle (kind, rating),
the title, and the claim counts. :class:`~textual.widgets.OptionList` asks every entry its
height whenever its options change; asked of one joined ``Content``, that wrapped every
title again (2.7 s of the UI thread when the counts arrived for 10,000 reviews). Here the
parts are kept: the handle and title lines once per review, the counts line once per
distinct tally (shared by every review with the same counts), each with its height at
every width it was measured at, so an entry's height is a sum of cached numbers.
"""

from __future__ import annotations

from textual.content import Content
from textual.visual import Visual

from ballerina_tui.app.glyphs import STATUS_GLYPH
from ballerina_tui.textutil import display_safe, one_line

TITLE_CHARS = 60


class _Part:
    """A line of an entry and its wrapped height at each width it was asked at (the
    sidebar gains and loses its scroll bar as it fills: two widths, both kept)."""

    __slots__ = ("content", "heights")

    def __init__(self, content: Content) -> None:
        self.content = content
        self.heights: dict[tuple, int] = {}

    def height(self, rules, width: int, key: tuple) -> int:
        found = self.heights.get(key)
        if found is None:
            found = self.heights[key] = self.content.get_height(rules, width)
        return found


class ReviewEntry(Visual):
    """One sidebar entry: its lines as separate parts, joined only to draw."""

    def __init__(self, parts: tuple[_Part, ...]) -> None:
        self.parts = parts
        self._joined: Content | None = None

    @property
    def content(self) -> Content:
        if self._joined is None:
            self._joined = Content("\n").join([part.content for part in self.parts])
        return self._joined

    @property
    def plain(self) -> str:
        return self.content.plain

    def __str__(self) -> str:
        return self.plain

    def render_strips(self, width, height, style, options):
        return self.content.render_strips(width, height, style, options)

    def get_optimal_width(self, rules, container_width: int) -> int:
        return max(p.content.get_optimal_width(rules, container_width) for p in self.parts)

    def get_minimal_width(self, rules) -> int:
        return max(p.content.get_minimal_width(rules) for p in self.parts)

    def get_height(self, rules, width: int) -> int:
        # Each part is one line of text (titles are flattened): their wrapped heights add
        # up to the joined text's. The rules that change wrapping are part of the key.
        get = rules.get
        key = (width, get("line_pad", 0), get("text_overflow", "fold"), get("text_wrap", "wrap"))
        return sum(part.height(rules, width, key) for part in self.parts)


_PENDING = _Part(Content.styled("claims: …", "$text-muted"))


class ReviewEntries:
    """Makes the entries, keeping the parts that do not change between refills."""

    def __init__(self) -> None:
        self._heads: dict[tuple[str, str], tuple[_Part, _Part]] = {}
        self._tallies: dict[tuple[int, int, int], _Part] = {}

    def entry(self, review, counts: dict | None) -> ReviewEntry:
        key = (review.id, review.digest)
        head = self._heads.get(key)
        if head is None:
            head = self._heads[key] = _head(review)
        return ReviewEntry((*head, self._tally(counts)))

    def _tally(self, counts: dict | None) -> _Part:
        if counts is None:
            return _PENDING
        key = (counts["unique"], counts["shared"], counts["conflict"])
        tally = self._tallies.get(key)
        if tally is None:
            tally = self._tallies[key] = _Part(
                Content.assemble(
                    (f"{STATUS_GLYPH['unique']}{key[0]} unique", "$text-success"),
                    " ",
                    (f"{STATUS_GLYPH['shared']}{key[1]} shared", "$text-secondary"),
                    " ",
                    (f"{STATUS_GLYPH['conflict']}{key[2]} conflict", "$text-error"),
                )
            )
        return tally


def _head(review) -> tuple[_Part, _Part]:
    """The handle line (kind, rating) and the title line of a review's entry."""
    handle = Content.assemble(
        (display_safe(review.handle), "bold"),
        ("  " + display_safe(review.kind), "italic $text-muted"),
        (f"  {display_safe(review.rating)}" if review.rating else "", "$text-warning"),
    )
    return _Part(handle), _Part(Content(display_safe(one_line(review.title, TITLE_CHARS))))
