"""A scrolling view that lays out its own lines and renders only the visible ones.

Like toolong's log view: subclasses build a list of :class:`Line` (plain text plus styled
spans, styles named by component class so the theme applies) and a list of :class:`Item`
(what the cursor moves over: a claim, a paragraph, a diff row). Only the lines on screen
are turned into strips. Review text is never parsed as markup: lines are plain strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

_WORD = re.compile(r"\S+\s*|\s+")


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of ``text`` to ``width`` cells: ``(start, end)`` of each line.

    ``\\n`` breaks a line; a word longer than a line is folded. Every character of the
    text belongs to exactly one line except the newlines themselves, so offsets map back.
    """
    width = max(1, width)
    out: list[tuple[int, int]] = []
    pos = 0
    for hard in text.split("\n"):
        base = pos
        pos += len(hard) + 1
        if not hard:
            out.append((base, base))
            continue
        line_start = base
        line_cells = 0
        for match in _WORD.finditer(hard):
            word_start, word_end = base + match.start(), base + match.end()
            word = match.group()
            visible = cell_len(word.rstrip())
            if line_cells and line_cells + visible > width:
                out.append((line_start, word_start))
                line_start, line_cells = word_start, 0
            while visible > width:  # fold a word longer than the line
                cells = 0
                cut = word_start
                while cut < word_end and cells + cell_len(text[cut]) <= width:
                    cells += cell_len(text[cut])
                    cut += 1
                cut = max(cut, word_start + 1)
                out.append((line_start, cut))
                line_start = word_start = cut
                word = text[cut:word_end]
                visible = cell_len(word.rstrip())
                line_cells = 0
            line_cells += cell_len(word)
        out.append((line_start, base + len(hard)))
    return out


@dataclass
class Line:
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # style = component class
    gutter: str = ""  # drawn in the gutter column(s), styled "lineview--gutter"


@dataclass
class Item:
    """Something the cursor can rest on: ``spans`` are (line, start, end) ranges of it."""

    first: int
    last: int
    spans: list[tuple[int, int, int]]
    data: object = None


class LineView(ScrollView, can_focus=True):
    """Base class: subclasses implement :meth:`build` returning lines and items."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="cursor.down", tooltip="Next item"),
        Binding("k,up", "cursor_up", "Up", show=False, id="cursor.up", tooltip="Previous item"),
        Binding("g,home", "cursor_first", "Top", show=False, id="cursor.top", tooltip="First item"),
        Binding("G,end", "cursor_last", "End", show=False, id="cursor.end", tooltip="Last item"),
        Binding("pagedown", "page_down", "Page down", show=False, id="cursor.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="cursor.page_up"),
    ]

    COMPONENT_CLASSES = {"lineview--cursor", "lineview--gutter"}

    DEFAULT_CSS = """
    LineView {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    LineView > .lineview--cursor { background: $primary 45%; }
    LineView:blur > .lineview--cursor { background: $primary 20%; }
    LineView > .lineview--gutter { color: $accent; text-style: bold; }
    """

    GUTTER = 2
    cursor = reactive(0, always_update=True)

    class Relaid(Message):
        """The lines were laid out again (new data or a new width)."""

        def __init__(self, view: LineView) -> None:
            super().__init__()
            self.view = view

        @property
        def control(self) -> LineView:
            return self.view

    class CursorMoved(Message):
        def __init__(self, view: LineView, item: Item | None) -> None:
            super().__init__()
            self.view = view
            self.item = item

        @property
        def control(self) -> LineView:
            return self.view

    def __init__(self, *, name=None, id=None, classes=None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.lines: list[Line] = []
        self.items: list[Item] = []
        self._built_width = -1
        self._strip_cache: dict[tuple[int, bool, int], Strip] = {}
        self._style_cache: dict[str, Style] = {}
        self._cursor_lines: dict[int, list[tuple[int, int]]] = {}

    # ------------------------------------------------------------------ layout

    def build(self, width: int) -> tuple[list[Line], list[Item]]:  # pragma: no cover
        raise NotImplementedError

    @property
    def text_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width
        return max(8, width - self.GUTTER)

    def refresh_lines(self, *, keep: object = None) -> None:
        """Lay the content out again (after a data change or a resize)."""
        width = self.text_width
        old = self.current_item
        lines, items = self.build(width)
        self.lines, self.items = lines, items
        self._built_width = width
        self._strip_cache.clear()
        self.virtual_size = Size(width + self.GUTTER, len(lines))
        wanted = keep if keep is not None else (old.data if old is not None else None)
        index = 0
        if wanted is not None:
            index = self.find_item(wanted)
            index = 0 if index is None else index
        self.set_reactive(LineView.cursor, min(index, max(0, len(items) - 1)))
        self._update_cursor_lines()
        self.refresh()
        self.post_message(self.Relaid(self))

    def find_item(self, data: object) -> int | None:
        for n, item in enumerate(self.items):
            if item.data == data:
                return n
        return None

    def on_resize(self, event: events.Resize) -> None:
        if self.text_width != self._built_width:
            self.refresh_lines()
            self.call_after_refresh(self.scroll_to_cursor, animate=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip_cache = {}
        self._style_cache = {}

    # ------------------------------------------------------------------ cursor

    @property
    def current_item(self) -> Item | None:
        if 0 <= self.cursor < len(self.items):
            return self.items[self.cursor]
        return None

    def _update_cursor_lines(self) -> None:
        spans: dict[int, list[tuple[int, int]]] = {}
        item = self.current_item
        if item is not None:
            for line, start, end in item.spans:
                spans.setdefault(line, []).append((start, end))
        old = set(self._cursor_lines)
        self._cursor_lines = spans
        for line in old | set(spans):
            for has in (True, False):
                self._strip_cache.pop((line, has, self._built_width), None)

    def watch_cursor(self, value: int) -> None:
        self._update_cursor_lines()
        self.refresh()
        self.post_message(self.CursorMoved(self, self.current_item))

    def move_cursor(self, index: int, *, animate: bool = False, top: bool = False) -> None:
        if not self.items:
            return
        self.cursor = max(0, min(index, len(self.items) - 1))
        self.scroll_to_cursor(animate=animate, top=top)

    def scroll_to_cursor(self, *, animate: bool = False, top: bool = False) -> None:
        item = self.current_item
        if item is None:
            return
        height = item.last - item.first + 1
        region = Region(
            0, item.first, 1, min(height, max(1, self.scrollable_content_region.height))
        )
        self.scroll_to_region(region, animate=animate, top=top, force=True, spacing=None)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_first(self) -> None:
        self.move_cursor(0)
        self.scroll_home(animate=False)

    def action_cursor_last(self) -> None:
        self.move_cursor(len(self.items) - 1)

    def _first_visible_item(self) -> int | None:
        top = round(self.scroll_y)
        for n, item in enumerate(self.items):
            if item.last >= top:
                return n
        return None

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + self.scrollable_content_region.height, animate=False)
        self.call_after_refresh(self._cursor_to_view)

    def action_page_up(self) -> None:
        self.scroll_to(y=self.scroll_y - self.scrollable_content_region.height, animate=False)
        self.call_after_refresh(self._cursor_to_view)

    def _cursor_to_view(self) -> None:
        index = self._first_visible_item()
        if index is not None:
            self.cursor = index

    def item_at_line(self, line: int, column: int = 0) -> int | None:
        best = None
        for n, item in enumerate(self.items):
            if item.first <= line <= item.last:
                for span_line, start, end in item.spans:
                    if span_line == line and start <= column < end:
                        return n
                if best is None:
                    best = n
        return best

    def on_click(self, event: events.Click) -> None:
        line = round(self.scroll_y) + event.y
        column = event.x - self.GUTTER
        index = self.item_at_line(line, column)
        if index is not None:
            self.cursor = index
        self.focus()

    # ------------------------------------------------------------------ rendering

    def style_for(self, name: str) -> Style:
        """The partial Rich style of a component class, its colours made opaque.

        Textual's partial Rich styles drop alpha and cannot express ``auto`` colours:
        ``$primary 45%`` came out as full ``$primary`` (a heading under the cursor was drawn
        in its own background colour) and ``$text-muted`` as white (the meta line vanished
        in the light theme). Blend them over this widget's background instead.
        """
        cached = self._style_cache.get(name)
        if cached is not None:
            return cached
        try:
            styles = self.get_component_styles(name)
        except KeyError:
            return Style()
        style = styles.partial_rich_style
        background = self.background_colors[1]
        if styles.has_rule("background") and styles.background.a > 0:
            background = background + styles.background
            style += Style(bgcolor=background.rich_color)
        if styles.has_rule("color"):
            color = styles.color
            if color.auto or (styles.has_rule("auto_color") and styles.auto_color):
                color = background.get_contrast_text(color.a)
            if color.a > 0:
                style += Style(color=(background + color).rich_color)
        self._style_cache[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.size.width
        base = self.rich_style
        if index >= len(self.lines) or index < 0:
            return Strip.blank(width, base)
        cursor_spans = self._cursor_lines.get(index)
        key = (index, bool(cursor_spans), self._built_width)
        strip = self._strip_cache.get(key)
        if strip is None:
            strip = self._render(index, cursor_spans, base)
            if len(self._strip_cache) > 2000:
                self._strip_cache.clear()
            self._strip_cache[key] = strip
        return strip.crop_extend(0, width, base)

    def _render(self, index: int, cursor_spans, base: Style) -> Strip:
        line = self.lines[index]
        gutter = line.gutter.ljust(self.GUTTER)[: self.GUTTER]
        if cursor_spans and self.GUTTER:
            gutter = "▌" + gutter[1:]
        text = Text(gutter + line.text, no_wrap=True, end="")
        # A span, not Text(style=…): Text.render drops the base style of a text without spans.
        text.stylize(base)
        offset = self.GUTTER
        if gutter.strip():
            text.stylize(self.style_for("lineview--gutter"), 0, offset)
        for start, end, style in line.spans:
            text.stylize(self.style_for(style), start + offset, end + offset)
        for start, end in cursor_spans or ():
            text.stylize(self.style_for("lineview--cursor"), start + offset, end + offset)
        segments = list(text.render(self.app.console))
        return Strip(segments, cell_len(text.plain)).simplify()


def blank_strip(width: int, style: Style) -> Strip:
    return Strip([Segment(" " * width, style)], width)
