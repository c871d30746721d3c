"""The reader: one review, section by section, with claim marks, hits and highlights."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from ballerina_tui.app.glyphs import STATUS_GLYPH
from ballerina_tui.app.widgets.lineview import Item, Line, LineView, wrap_offsets
from ballerina_tui.textutil import display_safe


@dataclass(frozen=True)
class Span:
    """What the reader cursor rests on: a claim or a whole passage of the review."""

    review: str
    start: int
    end: int
    claim: str | None = None


def flat(text: str) -> str:
    """Review text made safe to draw on one run of lines: one character for one."""
    return display_safe(text).replace("\n", " ").replace("\t", " ")


class Reader(LineView):
    BINDINGS = [
        Binding(
            "m",
            "toggle_marks",
            "Marks",
            id="reader.marks",
            tooltip="Mark claims inline by status: + unique, = shared, ≠ conflicting",
        ),
        Binding(
            "l",
            "link",
            "Link",
            show=False,
            id="reader.link",
            tooltip="Link the claim to a candidate",
        ),
        Binding(
            "b", "unlink", "Break link", show=False, id="reader.unlink", tooltip="Break its link"
        ),
    ]

    COMPONENT_CLASSES = {
        "reader--heading",
        "reader--title",
        "reader--unique",
        "reader--shared",
        "reader--conflict",
        "reader--glyph-unique",
        "reader--glyph-shared",
        "reader--glyph-conflict",
        "reader--hit",
        "reader--highlight",
        "reader--meta",
    }

    DEFAULT_CSS = """
    Reader > .reader--title { text-style: bold; color: $accent; }
    Reader > .reader--heading { text-style: bold underline; color: $primary; }
    Reader > .reader--meta { color: $text-muted; text-style: italic; }
    Reader > .reader--unique { color: $text-success; }
    Reader > .reader--shared { color: $text-secondary; text-style: italic; }
    Reader > .reader--conflict { color: $text-error; text-style: bold; }
    Reader > .reader--glyph-unique { color: $text-success; text-style: bold; }
    Reader > .reader--glyph-shared { color: $text-secondary; text-style: bold; }
    Reader > .reader--glyph-conflict { color: $text-error; text-style: bold; }
    Reader > .reader--hit { text-style: bold reverse; }
    Reader > .reader--highlight { background: $warning 30%; text-style: underline; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.review = None
        self.analysis = None
        self.marks = True
        self.hits: list[tuple[int, int]] = []  # offsets into review.text
        self.highlight_spans: list[tuple[int, int]] = []

    # ------------------------------------------------------------------ data

    def show(self, review, *, keep: Span | None = None) -> None:
        changed = self.review is not review
        self.review = review
        if changed:
            self.hits = []
        self.refresh_lines(keep=keep)
        if changed and keep is None:
            self.scroll_home(animate=False)

    def set_analysis(self, analysis) -> None:
        self.analysis = analysis
        if self.review is not None:
            self.refresh_lines()

    def set_highlights(self, spans: list[tuple[int, int]]) -> None:
        self.highlight_spans = spans
        if self.review is not None:
            self.refresh_lines()

    def set_hits(self, hits: list[tuple[int, int]]) -> None:
        self.hits = hits
        if self.review is not None:
            self.refresh_lines()

    def action_toggle_marks(self) -> None:
        self.marks = not self.marks
        self.refresh_lines()
        self.notify(
            "claim marks on: + unique, = shared, ≠ conflicting"
            if self.marks
            else "claim marks off",
            timeout=2,
        )

    def action_link(self) -> None:
        from ballerina_tui.app.screens.corrections import open_link_picker

        span = self.current_span
        open_link_picker(self.app, span.claim if span is not None else None)

    def action_unlink(self) -> None:
        from ballerina_tui.app.screens.corrections import break_link

        span = self.current_span
        break_link(self.app, span.claim if span is not None else None)

    @property
    def current_span(self) -> Span | None:
        item = self.current_item
        return item.data if item is not None and isinstance(item.data, Span) else None

    def go_to_offset(self, offset: int, *, top: bool = True) -> None:
        """Put the cursor on what holds ``offset`` and scroll it into view."""
        for n, item in enumerate(self.items):
            span = item.data
            if isinstance(span, Span) and span.start <= offset < max(span.end, span.start + 1):
                self.move_cursor(n, top=top)
                return
        best = None
        for n, item in enumerate(self.items):
            if isinstance(item.data, Span) and item.data.start <= offset:
                best = n
        if best is not None:
            self.move_cursor(best, top=top)

    # ------------------------------------------------------------------ layout

    @property
    def marked(self) -> bool:
        """Whether the open review shows claim marks."""
        return self.marks and bool(self._claims())

    def _claims(self):
        if self.analysis is None or self.review is None:
            return []
        try:
            return sorted(self.analysis.for_review(self.review.id), key=lambda c: c.start)
        except (KeyError, AttributeError):
            return []

    def build(self, width: int) -> tuple[list[Line], list[Item]]:
        review = self.review
        if review is None:
            return [Line("No review selected.", [(0, 19, "reader--meta")])], []
        lines: list[Line] = []
        items: list[Item] = []
        claims = self._claims()
        meta_bits = [review.handle, review.kind]
        if review.rating:
            meta_bits.append(f"rated {review.rating}")
        meta_bits.append(f"{review.words} words")
        for start, end in wrap_offsets(flat(review.title), width):
            lines.append(Line(flat(review.title)[start:end], [(0, end - start, "reader--title")]))
        meta = flat(" · ".join(meta_bits))
        lines.append(Line(meta[:width], [(0, min(len(meta), width), "reader--meta")]))
        lines.append(Line(""))
        for n, block in enumerate(review.blocks):
            if block.kind == "heading" and n and lines and lines[-1].text:
                lines.append(Line(""))
            in_block = [c for c in claims if c.start < block.end and c.end > block.start]
            self._layout_block(block, in_block, width, lines, items)
            if block.kind != "item" or (
                n + 1 < len(review.blocks) and review.blocks[n + 1].kind != "item"
            ):
                lines.append(Line(""))
        return lines, items

    def _layout_block(self, block, claims, width, lines: list[Line], items: list[Item]) -> None:
        review = self.review
        source = review.text
        pieces: list[tuple[str, int | None, str | None]] = []  # (text, source start, style)
        if block.kind == "item":
            pieces.append(("• ", None, None))
        pos = block.start
        marks = self.marks and block.kind != "heading"
        for claim in claims:
            cs, ce = max(claim.start, block.start), min(claim.end, block.end)
            if cs > pos:
                pieces.append((flat(source[pos:cs]), pos, None))
            if marks:
                pieces.append((STATUS_GLYPH[claim.status], None, f"reader--glyph-{claim.status}"))
            style = f"reader--{claim.status}" if marks and claim.status != "unique" else None
            pieces.append((flat(source[cs:ce]), cs, style))
            pos = max(pos, ce)
        if pos < block.end:
            pieces.append((flat(source[pos : block.end]), pos, None))
        display = "".join(p[0] for p in pieces)
        # Map source offsets to display offsets.
        disp_of: dict[int, int] = {}
        spans: list[tuple[int, int, str]] = []
        at = 0
        for text, src, style in pieces:
            if src is not None:
                for k in range(len(text) + 1):
                    disp_of.setdefault(src + k, at + k)
            if style:
                spans.append((at, at + len(text), style))
            at += len(text)
        if block.kind == "heading":
            spans.append((0, len(display), "reader--heading"))

        def to_display(start: int, end: int) -> tuple[int, int] | None:
            start, end = max(start, block.start), min(end, block.end)
            if end <= start:
                return None
            return disp_of.get(start, 0), disp_of.get(end, len(display))

        marked_lines: set[int] = set()
        for hs, he in self.highlight_spans:
            place = to_display(hs, he)
            if place:
                spans.append((*place, "reader--highlight"))
        for hs, he in self.hits:
            place = to_display(hs, he)
            if place:
                spans.append((*place, "reader--hit"))
        first = len(lines)
        wrapped = wrap_offsets(display, width)
        for a, b in wrapped:
            line_spans = [
                (max(s, a) - a, min(e, b) - a, style) for s, e, style in spans if s < b and e > a
            ]
            if any(style == "reader--highlight" for *_, style in line_spans):
                marked_lines.add(len(lines))
            lines.append(Line(display[a:b], line_spans))
        for line in marked_lines:
            lines[line].gutter = " ★"

        def item_for(start: int, end: int, data: Span) -> Item | None:
            place = to_display(start, end)
            if place is None:
                return None
            ds, de = place
            item_spans = []
            for k, (a, b) in enumerate(wrapped):
                if a < de and b > ds or (a == b == ds):
                    item_spans.append((first + k, max(ds, a) - a, min(de, b) - a))
            if not item_spans:
                return None
            return Item(item_spans[0][0], item_spans[-1][0], item_spans, data)

        if claims and block.kind != "heading":
            for claim in claims:
                item = item_for(
                    claim.start, claim.end, Span(review.id, claim.start, claim.end, claim.id)
                )
                if item:
                    items.append(item)
        else:
            item = item_for(block.start, block.end, Span(review.id, block.start, block.end))
            if item:
                items.append(item)
