"""The side-by-side claim diff: aligned rows, one column per reviewer, wrapped text."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import set_cell_size
from textual.binding import Binding

from ballerina_tui.app.glyphs import STATUS_GLYPH
from ballerina_tui.app.widgets.lineview import Item, Line, LineView, wrap_offsets
from ballerina_tui.app.widgets.reader import flat

SEPARATOR = " │ "
KINDS = ("unique", "shared", "conflict")


def column_widths(width: int, columns: int) -> int:
    columns = max(1, columns)
    return max(4, (width - len(SEPARATOR) * (columns - 1)) // columns)


@dataclass(frozen=True)
class RowRef:
    row: int
    column: int


class DiffView(LineView):
    BINDINGS = [
        Binding("left", "column(-1)", "Column left", show=False, id="diff.left"),
        Binding("right", "column(1)", "Column right", show=False, id="diff.right"),
    ]

    COMPONENT_CLASSES = {
        "diff--r0",
        "diff--r1",
        "diff--r2",
        "diff--r3",
        "diff--r4",
        "diff--r5",
        "diff--shared",
        "diff--changed",
        "diff--conflict",
        "diff--sep",
        "diff--reason",
        "diff--empty",
    }

    DEFAULT_CSS = """
    DiffView > .diff--r0 { color: $text-primary; }
    DiffView > .diff--r1 { color: $text-secondary; }
    DiffView > .diff--r2 { color: $text-success; }
    DiffView > .diff--r3 { color: $text-warning; }
    DiffView > .diff--r4 { color: $text-error; }
    DiffView > .diff--r5 { color: $text-accent; }
    DiffView > .diff--shared { color: $foreground 80%; }
    DiffView > .diff--changed { text-style: bold underline; color: $text-accent; }
    DiffView > .diff--conflict { color: $text-error; text-style: bold; }
    DiffView > .diff--sep { color: $foreground 30%; }
    DiffView > .diff--reason { color: $text-muted; text-style: italic; }
    DiffView > .diff--empty { color: $foreground 30%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.analysis = None
        self.review_ids: list[str] = []
        self.colour_of: dict[str, int] = {}
        self.rows: list = []
        self.kinds: set[str] = set(KINDS)
        self.column = 0
        self._shown_rows: list[int] = []

    def set_rows(self, analysis, review_ids: list[str], colour_of: dict[str, int]) -> None:
        from ballerina_tui.claims import diff_rows

        self.analysis = analysis
        self.review_ids = review_ids
        self.colour_of = colour_of
        self.rows = diff_rows(analysis, review_ids) if analysis is not None and review_ids else []
        self.column = min(self.column, max(0, len(review_ids) - 1))
        self.refresh_lines()

    def set_kinds(self, kinds: set[str]) -> None:
        self.kinds = kinds
        self.refresh_lines()

    @property
    def visible_rows(self) -> list:
        return [self.rows[n] for n in self._shown_rows]

    def current_claims(self) -> list:
        item = self.current_item
        if item is None:
            return []
        ref: RowRef = item.data
        row = self.rows[ref.row]
        rid = self.review_ids[ref.column] if ref.column < len(self.review_ids) else None
        claims = row.cells.get(rid, []) if rid else []
        if not claims:  # the focused column is empty in this row: take the first claim
            claims = next((c for c in row.cells.values() if c), [])
        return claims

    def action_column(self, step: int) -> None:
        if not self.review_ids:
            return
        self.column = (self.column + step) % len(self.review_ids)
        current = self.current_item
        keep = RowRef(current.data.row, self.column) if current is not None else None
        self.refresh_lines(keep=keep)

    def is_difference(self, row) -> bool:
        if row.kind != "shared":
            return True
        filled = [c for c in row.cells.values() if c]
        return len(filled) < len(self.review_ids)

    def jump(self, step: int) -> bool:
        """Move to the next (``step`` 1) or previous (-1) row that differs. False at the end."""
        n = self.cursor + step
        while 0 <= n < len(self.items):
            if self.is_difference(self.rows[self.items[n].data.row]):
                self.move_cursor(n)
                return True
            n += step
        return False

    # ------------------------------------------------------------------ layout

    def _conflict_reason(self, row) -> str | None:
        if self.analysis is None:
            return None
        ids = {c.id for claims in row.cells.values() for c in claims}
        for conflict in self.analysis.conflicts:
            if conflict.a in ids and conflict.b in ids:
                return conflict.reason
        return None

    def build(self, width: int) -> tuple[list[Line], list[Item]]:
        from ballerina_tui.claims import word_diff

        lines: list[Line] = []
        items: list[Item] = []
        self._shown_rows = []
        if self.analysis is None:
            return [Line("The claim analysis is not ready yet…", [(0, 36, "diff--reason")])], []
        if not self.rows:
            return [Line("Nothing to compare.", [(0, 19, "diff--reason")])], []
        ncols = len(self.review_ids)
        col_w = column_widths(width, ncols)
        for row_index, row in enumerate(self.rows):
            if row.kind not in self.kinds:
                continue
            self._shown_rows.append(row_index)
            cells: list[tuple[str, list[tuple[int, int, str]]]] = []
            texts = {
                rid: " ".join(c.text for c in row.cells.get(rid, [])) for rid in self.review_ids
            }
            for rid in self.review_ids:
                text = flat(texts[rid])
                spans: list[tuple[int, int, str]] = []
                if not text:
                    cells.append(("", spans))
                    continue
                if row.kind == "unique":
                    spans.append((0, len(text), f"diff--r{self.colour_of.get(rid, 0) % 6}"))
                elif row.kind == "conflict":
                    spans.append((0, len(text), "diff--conflict"))
                else:
                    spans.append((0, len(text), "diff--shared"))
                    other = next((texts[o] for o in self.review_ids if o != rid and texts[o]), None)
                    if other is not None:
                        try:
                            mine, _ = word_diff(texts[rid], other)
                        except Exception:  # noqa: BLE001 - emphasis is a nicety
                            mine = []
                        spans.extend((s, e, "diff--changed") for s, e in mine)
                cells.append((text, spans))
            wrapped = [wrap_offsets(text, col_w) if text else [(0, 0)] for text, _ in cells]
            height = max(len(w) for w in wrapped)
            first = len(lines)
            column_spans: dict[int, list[tuple[int, int, int]]] = {}
            for k in range(height):
                parts: list[str] = []
                line_spans: list[tuple[int, int, str]] = []
                x = 0
                for col, ((text, spans), offsets) in enumerate(zip(cells, wrapped, strict=True)):
                    if col:
                        parts.append(SEPARATOR)
                        line_spans.append((x, x + len(SEPARATOR), "diff--sep"))
                        x += len(SEPARATOR)
                    if k < len(offsets) and text:
                        a, b = offsets[k]
                        piece = text[a:b]
                        for s, e, style in spans:
                            if s < b and e > a:
                                line_spans.append((x + max(s, a) - a, x + min(e, b) - a, style))
                    elif not text and k == 0:
                        piece = "·"
                        line_spans.append((x, x + 1, "diff--empty"))
                    else:
                        piece = ""
                    # Pad and crop by terminal cells, not characters: emoji and CJK take
                    # two cells each, and padding by characters pushed every column after
                    # a wide one out of line. Offsets here count characters of the line.
                    cell = set_cell_size(piece, col_w)
                    column_spans.setdefault(col, []).append((first + k, x, x + len(cell)))
                    parts.append(cell)
                    x += len(cell)
                gutter = f" {STATUS_GLYPH.get(row.kind, ' ')}" if k == 0 else ""
                lines.append(Line("".join(parts), line_spans, gutter))
            if row.kind == "conflict":
                reason = self._conflict_reason(row)
                if reason:
                    text = flat("≠ " + reason)
                    for a, b in wrap_offsets(text, width):
                        lines.append(Line(text[a:b], [(0, b - a, "diff--reason")]))
            spans_for_cursor = column_spans.get(min(self.column, ncols - 1), [])
            last = len(lines) - 1
            items.append(Item(first, last, spans_for_cursor, RowRef(row_index, self.column)))
            lines.append(Line(""))
        if not items:
            lines = [Line("No rows of the chosen kinds.", [(0, 28, "diff--reason")])]
        return lines, items
