"""Widgets for many reviewers: the reviewer picker and the agreement view.

Only showing and dispatching: rows come from :mod:`ballerina_tui.agreement`, sorting and
filtering of reviewers from :func:`reviewer_order`. Review text reaches the screen only
through ``Content`` objects built from :func:`display_safe` text.
"""

from __future__ import annotations

import re

from rich.segment import Segment
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from ballerina_tui.agreement import bar
from ballerina_tui.app.glyphs import STATUS_GLYPH, STATUS_STYLE, reviewer_style
from ballerina_tui.textutil import display_safe, one_line

TICK, UNTICK = "✓", " "
SORTS = ("order", "rating", "length", "unique")


def _rating(review) -> float:
    m = re.match(r"\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)", review.rating or "")
    if not m or float(m.group(2)) == 0:
        return -1.0
    return float(m.group(1)) / float(m.group(2))


def reviewer_order(reviews, by: str, analysis=None) -> list:
    """Reviews sorted for the picker: folder order, rating, length or unique claims."""
    if by == "rating":
        return sorted(reviews, key=lambda r: -_rating(r))
    if by == "length":
        return sorted(reviews, key=lambda r: -len(r.text))
    if by == "unique" and analysis is not None:
        unique = {r.id: analysis.counts(r.id)["unique"] for r in reviews}
        return sorted(reviews, key=lambda r: -unique[r.id])
    return list(reviews)


class ReviewerPicker(SelectionList):
    """The reviewer list: a tick glyph as well as a colour; all / none / only this."""

    BINDINGS = [
        Binding("a", "pick_all", "All", id="picker.all", tooltip="Tick every reviewer"),
        Binding("n", "pick_none", "None", id="picker.none", tooltip="Untick every reviewer"),
        Binding("o", "pick_only", "Only this", id="picker.only", tooltip="Tick only this reviewer"),
        Binding("S", "cycle_sort", "Sort", id="picker.sort", tooltip="Sort reviewers"),
        Binding("j", "cursor_down", "Down", show=False, id="picker.down"),
        Binding("k", "cursor_up", "Up", show=False, id="picker.up"),
    ]

    class SortChanged(Message):
        def __init__(self, by: str) -> None:
            super().__init__()
            self.by = by

    sort_by = "order"

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3:
            return strip
        _, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except Exception:  # noqa: BLE001 - past the last option
            return strip
        inner = segments[1]
        glyph = TICK if selection.value in self._selected else UNTICK
        segments[1] = Segment(glyph * len(inner.text), inner.style, inner.control)
        return Strip(segments, strip.cell_length)

    def action_pick_all(self) -> None:
        self.select_all()

    def action_pick_none(self) -> None:
        self.deselect_all()

    def action_pick_only(self) -> None:
        if self.highlighted is None:
            return
        value = self.get_option_at_index(self.highlighted).value
        with self.prevent(SelectionList.SelectedChanged):
            self.deselect_all()
        self.select(value)

    def action_cycle_sort(self) -> None:
        self.sort_by = SORTS[(SORTS.index(self.sort_by) + 1) % len(SORTS)]
        self.post_message(self.SortChanged(self.sort_by))

    def fill(self, reviews, colour_of: dict[str, int], chosen: set[str], text: str = "") -> None:
        """Show ``reviews`` whose handle or id contains ``text``, keeping the ticks."""
        key = text.casefold().strip()
        highlighted = self.highlighted
        with self.prevent(SelectionList.SelectedChanged):
            self.clear_options()
            self.add_options(
                Selection(
                    Content.assemble(
                        ("■ ", reviewer_style(colour_of.get(r.id, 0))), display_safe(r.handle)
                    ),
                    r.id,
                    r.id in chosen,
                )
                for r in reviews
                if not key or key in r.handle.casefold() or key in r.id.casefold()
            )
        if self.option_count:
            self.highlighted = min(highlighted or 0, self.option_count - 1)


def row_prompt(row, handles: dict[str, str], names: dict[str, str]) -> Content:
    glyph = STATUS_GLYPH[row.status]
    style = STATUS_STYLE[row.status]
    head = [
        (f"{glyph} ", f"bold {style}"),
        (f"{row.count:>2} of {row.total} ", "bold"),
        (bar(row.count, row.total), style),
        "  ",
        (display_safe(one_line(row.claim.text, 600)), ""),
    ]
    who = [handles.get(r, r) for r in row.reviews[:4]]
    more = f" +{row.count - 4}" if row.count > 4 else ""
    about = [names.get(c, c) for c in row.characters[:3]]
    tail = "   " + display_safe(", ".join(who)) + more
    if about:
        tail += " · about " + display_safe(", ".join(about))
    return Content.assemble(*head, "\n", (tail, "$text-muted"))


def detail_prompts(row, handles: dict[str, str], colour_of: dict[str, int]) -> list[Option]:
    """Each reviewer's own words for one row, with a key to jump to the reader."""
    out = [
        Option(
            Content.assemble(
                (f"{STATUS_GLYPH[row.status]} {row.label} reviewers say this", "bold"),
                ("  (enter opens in the reader, escape goes back)", "$text-muted"),
            ),
            disabled=True,
        )
    ]
    for n, claim in enumerate(row.claims):
        out.append(
            Option(
                Content.assemble(
                    ("■ ", reviewer_style(colour_of.get(claim.review, 0))),
                    (display_safe(handles.get(claim.review, claim.review)), "bold"),
                    "\n",
                    display_safe(one_line(claim.text, 1200)),
                ),
                id=f"d{n}",
            )
        )
    return out


class AgreementList(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="agreement.down"),
        Binding("k", "cursor_up", "Up", show=False, id="agreement.up"),
    ]
