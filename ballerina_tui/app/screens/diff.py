"""The diff screen: pick reviewers, read their claims aligned side by side."""

from __future__ import annotations

from rich.cells import set_cell_size
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, SelectionList, Static
from textual.widgets.selection_list import Selection

from ballerina_tui.app.glyphs import STATUS_GLYPH, reviewer_style
from ballerina_tui.app.widgets.diffview import KINDS, SEPARATOR, DiffView, column_widths
from ballerina_tui.textutil import display_safe


class DiffScreen(Screen):
    HELP_TITLE = "Diff"
    BINDINGS = [
        Binding("tab", "app.focus_next", "Next pane", show=False, id="diff.next_pane"),
        Binding(
            "n", "next_difference", "Next diff", id="diff.next", tooltip="Next row that differs"
        ),
        Binding(
            "N",
            "previous_difference",
            "Prev diff",
            id="diff.previous",
            tooltip="Previous row that differs",
        ),
        Binding(
            "u",
            "filter('unique')",
            "Unique",
            id="diff.filter_unique",
            tooltip="Show or hide claims only one reviewer makes (+)",
        ),
        Binding(
            "s",
            "filter('shared')",
            "Shared",
            id="diff.filter_shared",
            tooltip="Show or hide shared claims (=)",
        ),
        Binding(
            "x",
            "filter('conflict')",
            "Conflicts",
            id="diff.filter_conflict",
            tooltip="Show or hide conflicting claims (≠)",
        ),
        Binding(
            "h",
            "highlight",
            "Highlight",
            id="diff.highlight",
            tooltip="Highlight the claim in the focused column (left/right moves)",
        ),
        Binding(
            "enter,o",
            "open",
            "Open",
            id="diff.open",
            tooltip="Open the focused claim in the reader",
        ),
        Binding(
            "l", "link", "Link", show=False, id="diff.link", tooltip="Link the claim to a candidate"
        ),
        Binding(
            "b",
            "unlink",
            "Break link",
            show=False,
            id="diff.unlink",
            tooltip="Break the claim's link",
        ),
        Binding(
            "w",
            "explain",
            "Why",
            show=False,
            id="diff.explain",
            tooltip="Why unique, or what linked it",
        ),
        Binding("escape", "app.back", "Back", show=False, id="diff.back"),
    ]

    def compose(self) -> ComposeResult:
        corpus = self.app.corpus
        with Horizontal(id="diff-panes"):
            yield SelectionList(
                *(
                    Selection(
                        Content.assemble(("■ ", reviewer_style(n)), display_safe(r.handle)),
                        r.id,
                        True,
                    )
                    for n, r in enumerate(corpus.reviews)
                ),
                id="reviewers",
            )
            with Vertical(id="diff-main"):
                yield Static(id="diff-header")
                yield DiffView(id="diff")
                yield Static(id="diff-legend")
        yield Footer()

    def on_mount(self) -> None:
        picker = self.query_one(SelectionList)
        picker.border_title = "Reviewers"
        self.colour_of = {r.id: n for n, r in enumerate(self.app.corpus.reviews)}
        self.watch(self.app, "claims_version", lambda _v: self._reload(), init=False)
        self._reload()
        self.query_one(DiffView).focus()

    def _selected(self) -> list[str]:
        chosen = set(self.query_one(SelectionList).selected)
        return [rid for rid in self.app.corpus.ids if rid in chosen]

    def _reload(self) -> None:
        view = self.query_one(DiffView)
        view.set_rows(self.app.analysis, self._selected(), self.colour_of)
        self._update_chrome()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        self._reload()

    def on_line_view_relaid(self, event: DiffView.Relaid) -> None:
        self._update_chrome()

    def _update_chrome(self) -> None:
        view = self.query_one(DiffView)
        corpus = self.app.corpus
        ids = view.review_ids
        width = view.text_width
        col_w = column_widths(width, len(ids))
        parts: list = [" " * view.GUTTER]
        for n, rid in enumerate(ids):
            if n:
                parts.append(SEPARATOR)
            handle = display_safe(corpus.get(rid).handle)
            style = reviewer_style(self.colour_of.get(rid, 0))
            # By cells, like the rows below: a wide handle must not shift the columns.
            parts.append((set_cell_size(f"■ {handle}", col_w), f"bold {style}"))
        if not ids:
            parts.append(("pick at least one reviewer (space toggles)", "$text-warning"))
        self.query_one("#diff-header", Static).update(Content.assemble(*parts))
        shown = {k: (k in view.kinds) for k in KINDS}
        rows = view.visible_rows
        counts = {k: sum(1 for r in rows if r.kind == k) for k in KINDS}
        legend = [
            (f"{STATUS_GLYPH['unique']} unique", "bold"),
            (" to one reviewer, in their colour  ", "$text-muted"),
            (f"{STATUS_GLYPH['shared']} shared", "bold"),
            (" (differing words ", "$text-muted"),
            ("underlined", "underline bold"),
            (")  ", "$text-muted"),
            (f"{STATUS_GLYPH['conflict']} conflicting", "bold $text-error"),
            ("\nshowing: ", "$text-muted"),
        ]
        for kind, key in (("unique", "u"), ("shared", "s"), ("conflict", "x")):
            mark = "☑" if shown[kind] else "☐"
            legend.append(
                (f"{mark} {kind} {counts[kind]} ({key})  ", "" if shown[kind] else "$text-muted")
            )
        legend.append(("· n/N next/previous difference · ←/→ column", "$text-muted"))
        self.query_one("#diff-legend", Static).update(Content.assemble(*legend))

    # ------------------------------------------------------------------ actions

    def action_filter(self, kind: str) -> None:
        view = self.query_one(DiffView)
        kinds = set(view.kinds)
        kinds ^= {kind}
        view.set_kinds(kinds)
        self._update_chrome()

    def action_next_difference(self) -> None:
        if not self.query_one(DiffView).jump(1):
            self.notify("no more differences below", markup=False, timeout=2)

    def action_previous_difference(self) -> None:
        if not self.query_one(DiffView).jump(-1):
            self.notify("no more differences above", markup=False, timeout=2)

    def action_highlight(self) -> None:
        claims = self.query_one(DiffView).current_claims()
        if not claims:
            self.notify("no claim here", markup=False, timeout=2)
            return
        for claim in claims:
            self.app.toggle_highlight(claim.review, claim.start, claim.end)

    def action_open(self) -> None:
        claims = self.query_one(DiffView).current_claims()
        if claims:
            self.app.open_in_reader(claims[0].review, claims[0].start)

    def _claim_id(self) -> str | None:
        claims = self.query_one(DiffView).current_claims()
        return claims[0].id if claims else None

    def action_link(self) -> None:
        from ballerina_tui.app.screens.corrections import open_link_picker

        open_link_picker(self.app, self._claim_id())

    def action_unlink(self) -> None:
        from ballerina_tui.app.screens.corrections import break_link

        break_link(self.app, self._claim_id())

    def action_explain(self) -> None:
        from ballerina_tui.app.screens.corrections import open_explain

        open_explain(self.app, self._claim_id())
