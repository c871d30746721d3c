"""The diff screen: pick reviewers; two to four read side by side, more as agreement rows.

With more than :data:`~ballerina_tui.agreement.SIDE_BY_SIDE_MAX` reviewers ticked, the
screen shows one row per claim group ("12 of 30", a bar, the status glyph, the claim in
full width), sortable and filterable; enter opens a row into each reviewer's own words.
"""

from __future__ import annotations

from rich.cells import set_cell_size
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from ballerina_tui.app.background import worth_a_thread
from ballerina_tui.app.glyphs import STATUS_GLYPH, STATUS_STYLE, reviewer_style
from ballerina_tui.app.widgets.agreement import (
    AgreementList,
    ReviewerPicker,
    detail_prompts,
    reviewer_order,
    row_prompt,
)
from ballerina_tui.app.widgets.diffview import KINDS, SEPARATOR, DiffView, column_widths
from ballerina_tui.textutil import display_safe, one_line

# Rows of the agreement view laid out at once (in the chosen order), the rest counted: at
# 10,000 reviews there are over 100,000, and laying them all out held the screen for 10 s.
LISTED_ROWS = 1000
# Seconds of no typing after which a large reviewer list is filtered (on_input_changed).
FILTER_PAUSE = 0.15


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
        Binding(
            "r",
            "sort",
            "Sort",
            id="diff.sort",
            tooltip="Claims by agreement or in reading order (many reviewers)",
        ),
        Binding("slash", "focus_filter", "Filter", id="diff.filter", tooltip="Filter box"),
        Binding("escape", "back_or_close", "Back", show=False, id="diff.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.chosen: set[str] = set()
        self.sort_by = "agreement"  # or "reading"
        self.rows: list = []  # agreement rows after filtering
        self._all_rows: list = []
        self._rows_pending = False  # the rows are being gathered in the background
        self._detail = None  # the row opened into its reviewers' words
        self._reload_timer = None
        self._filter_timer = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="diff-panes"):
            with Vertical(id="reviewer-pane"):
                yield Input(placeholder="filter reviewers", id="reviewer-filter")
                yield ReviewerPicker(id="reviewers")
                yield Static(id="reviewer-help")
            with Vertical(id="diff-main"):
                yield Static(id="diff-header")
                yield DiffView(id="diff")
                with Vertical(id="agreement"):
                    yield Input(
                        placeholder="filter claims: words, by:HANDLE, char:NAME  (/ to focus)",
                        id="claim-filter",
                    )
                    yield AgreementList(id="agreement-rows")
                    yield AgreementList(id="agreement-detail")
                yield Static(id="diff-legend")
        yield Footer()

    def on_mount(self) -> None:
        picker = self.query_one(ReviewerPicker)
        picker.border_title = "Reviewers"
        reviews = self.app.corpus.reviews
        self.colour_of = {r.id: n for n, r in enumerate(reviews)}
        self.handles = {r.id: r.handle for r in reviews}
        self.chosen = {r.id for r in reviews}
        self._fill_picker()
        self.query_one("#agreement-detail").display = False
        self.query_one("#agreement-rows").border_title = "Claims, most agreed on first"
        self.watch(self.app, "claims_version", lambda _v: self._reload(), init=False)
        self._reload()
        if self.mode == "agreement":
            self.query_one("#agreement-rows").focus()
        else:
            self.query_one(DiffView).focus()

    # ------------------------------------------------------------------ reviewers

    def _fill_picker(self) -> None:
        picker = self.query_one(ReviewerPicker)
        text = self.query_one("#reviewer-filter", Input).value
        order = reviewer_order(self.app.corpus.reviews, picker.sort_by, self.app.analysis)
        picker.fill(order, self.colour_of, self.chosen, text)
        self._fill_picker_help_only()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "reviewer-filter":
            if not worth_a_thread(len(self.app.corpus.reviews)):
                self._fill_picker()
                return
            # A picker of thousands takes 0.5-0.9 s to fill and lay out (10,000 reviewers):
            # once typing pauses, not once per key.
            if self._filter_timer is not None:
                self._filter_timer.stop()
            self._filter_timer = self.set_timer(FILTER_PAUSE, self._filter_typed)
        elif event.input.id == "claim-filter":
            self._show_agreement()

    def _filter_typed(self) -> None:
        self._filter_timer = None
        self._fill_picker()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "reviewer-filter":
            if self._filter_timer is not None:  # Enter: the list as typed, at once
                self._filter_timer.stop()
                self._filter_typed()
            self.query_one(ReviewerPicker).focus()
        elif event.input.id == "claim-filter":
            self.query_one("#agreement-rows").focus()

    def on_reviewer_picker_sort_changed(self, event: ReviewerPicker.SortChanged) -> None:
        self._fill_picker()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        picker = self.query_one(ReviewerPicker)
        listed = {picker.get_option_at_index(n).value for n in range(picker.option_count)}
        # The ticks of reviewers hidden by the filter stay as they were.
        self.chosen = (self.chosen - listed) | set(picker.selected)
        self._fill_picker_help_only()
        # Toggles are instant; the views follow a moment after the last one, so keys
        # pressed quickly are never lost behind a rebuild.
        if self._reload_timer is not None:
            self._reload_timer.stop()
        self._reload_timer = self.set_timer(0.15, self._reload)

    def _fill_picker_help_only(self) -> None:
        picker = self.query_one(ReviewerPicker)
        self.query_one("#reviewer-help", Static).update(
            Content.assemble(
                (f"{len(self.chosen)} of {len(self.app.corpus.reviews)} ticked\n", "bold"),
                ("space tick\na all · n none\no only this\nS sort: ", "$text-muted"),
                (picker.sort_by, "bold"),
            )
        )

    def _selected(self) -> list[str]:
        return [rid for rid in self.app.corpus.ids if rid in self.chosen]

    @property
    def mode(self) -> str:
        from ballerina_tui.agreement import SIDE_BY_SIDE_MAX

        return "agreement" if len(self.chosen) > SIDE_BY_SIDE_MAX else "columns"

    def _reload(self) -> None:
        self._reload_timer = None
        agreement = self.mode == "agreement"
        view = self.query_one(DiffView)
        view.display = not agreement
        self.query_one("#agreement").display = agreement
        if agreement:
            from ballerina_tui.agreement import agreement_rows

            analysis = self.app.analysis
            view.set_rows(None, [], self.colour_of)
            if analysis is not None and worth_a_thread(len(self.app.corpus.reviews)):
                self._rows_pending = True
                self._gather_rows(analysis, self._selected())
            else:
                self._rows_pending = False
                self._all_rows = (
                    agreement_rows(analysis, self._selected()) if analysis is not None else []
                )
            self._show_agreement()
        else:
            view.set_rows(self.app.analysis, self._selected(), self.colour_of)
        self._update_chrome()

    # A description of its own: Textual otherwise describes a worker by the repr of its
    # arguments (the whole analysis).
    @work(exclusive=True, group="diff-rows", exit_on_error=False, description="gathering rows")
    async def _gather_rows(self, analysis, selected: list[str]) -> None:
        from ballerina_tui.agreement import agreement_rows
        from ballerina_tui.app.background import in_daemon_thread

        rows = await in_daemon_thread("ballerina-tui-diff", agreement_rows, analysis, selected)
        if analysis is self.app.analysis:
            self._all_rows, self._rows_pending = rows, False
            self._show_agreement()

    # ------------------------------------------------------------------ agreement

    def _show_agreement(self) -> None:
        from ballerina_tui.agreement import filter_rows, parse_filter, sort_rows

        view = self.query_one(DiffView)
        wanted = parse_filter(self.query_one("#claim-filter", Input).value)
        rows = filter_rows(
            self._all_rows,
            kinds=view.kinds,
            handles=self.handles,
            characters=self.app.characters,
            **wanted,
        )
        self.rows = sort_rows(rows, self.sort_by)
        names = {c.id: c.name for c in self.app.characters}
        listing = self.query_one("#agreement-rows", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        if self.app.analysis is None:
            listing.add_option(
                Option(Content("The claim analysis is not ready yet…"), disabled=True)
            )
        elif self._rows_pending:
            listing.add_option(Option(Content("Gathering the claims…"), disabled=True))
        elif not self.rows:
            listing.add_option(Option(Content("No claims match."), disabled=True))
        else:
            listed = self.rows[:LISTED_ROWS]
            listing.add_options(
                Option(row_prompt(row, self.handles, names), id=f"r{n}")
                for n, row in enumerate(listed)
            )
            if len(self.rows) > len(listed):
                more = len(self.rows) - len(listed)
                listing.add_option(
                    Option(
                        Content.styled(
                            f"… and {more:,} more rows: narrow them with the filter (/)",
                            "$text-muted",
                        ),
                        disabled=True,
                    )
                )
            listing.highlighted = min(highlighted or 0, len(listed) - 1)
        self._update_chrome()

    def _current_row(self):
        listing = self.query_one("#agreement-rows", OptionList)
        if listing.highlighted is None or not self.rows:
            return None
        option = listing.get_option_at_index(listing.highlighted)
        if not (option.id or "").startswith("r"):
            return None
        return self.rows[int(option.id[1:])]

    def _open_detail(self, row) -> None:
        self._detail = row
        detail = self.query_one("#agreement-detail", OptionList)
        detail.clear_options()
        detail.add_options(detail_prompts(row, self.handles, self.colour_of))
        detail.border_title = f"{row.label} reviewers, in their own words"
        detail.display = True
        self.query_one("#agreement-rows").display = False
        detail.highlighted = 1 if detail.option_count > 1 else None
        detail.focus()

    def _close_detail(self) -> bool:
        if self._detail is None:
            return False
        self._detail = None
        self.query_one("#agreement-detail").display = False
        rows = self.query_one("#agreement-rows")
        rows.display = True
        rows.focus()
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "agreement-rows":
            row = self._current_row()
            if row is not None:
                self._open_detail(row)
        elif event.option_list.id == "agreement-detail" and self._detail is not None:
            claim = self._detail_claim()
            if claim is not None:
                self.app.open_in_reader(claim.review, claim.start)

    def _detail_claim(self):
        detail = self.query_one("#agreement-detail", OptionList)
        if self._detail is None or detail.highlighted is None:
            return None
        option = detail.get_option_at_index(detail.highlighted)
        if not (option.id or "").startswith("d"):
            return None
        return self._detail.claims[int(option.id[1:])]

    def action_back_or_close(self) -> None:
        if not self._close_detail():
            self.app.action_back()

    def action_sort(self) -> None:
        self.sort_by = "reading" if self.sort_by == "agreement" else "agreement"
        self.query_one("#agreement-rows").border_title = (
            "Claims, most agreed on first"
            if self.sort_by == "agreement"
            else "Claims, in reading order"
        )
        self._show_agreement()

    def action_focus_filter(self) -> None:
        if self.mode == "agreement":
            self.query_one("#claim-filter").focus()
        else:
            self.query_one("#reviewer-filter").focus()

    def on_line_view_relaid(self, event: DiffView.Relaid) -> None:
        self._update_chrome()

    def _update_chrome(self) -> None:
        if self.mode == "agreement":
            self._agreement_chrome()
            return
        view = self.query_one(DiffView)
        corpus = self.app.corpus
        ids = view.review_ids
        width = view.text_width
        col_w = column_widths(width, len(ids))
        labels = distinct_labels([corpus.get(rid).handle for rid in ids], max(1, col_w - 2))
        parts: list = [" " * view.GUTTER]
        for n, rid in enumerate(ids):
            if n:
                parts.append(SEPARATOR)
            handle = display_safe(labels[n])
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

    def _agreement_chrome(self) -> None:
        from ballerina_tui.agreement import headline

        view = self.query_one(DiffView)
        top = headline(self._all_rows)
        total = len(self.chosen)
        header: list = []
        if top["consensus"]:
            best = top["consensus"][0]
            header += [
                ("Most agree: ", "bold"),
                (f"{best.label} ", f"bold {STATUS_STYLE['shared']}"),
                display_safe(one_line(best.claim.text, 160)),
            ]
        else:
            header.append(("No claim is made by two of these reviewers.", "bold"))
        self.query_one("#diff-header", Static).update(Content.assemble(*header))
        shown = {k: (k in view.kinds) for k in KINDS}
        legend: list = [
            (f"{total} reviewers · ", "bold"),
            (f"{top['shared']} claims shared · ", ""),
            (f"{top['unique']} said by only one · ", ""),
            (f"{top['conflict']} in conflict", f"{STATUS_STYLE['conflict']}"),
            ("\nshowing: ", "$text-muted"),
        ]
        counts = {k: sum(1 for r in self._all_rows if r.status == k) for k in KINDS}
        for kind, key in (("unique", "u"), ("shared", "s"), ("conflict", "x")):
            mark = "☑" if shown[kind] else "☐"
            legend.append(
                (
                    f"{mark} {STATUS_GLYPH[kind]} {kind} {counts[kind]} ({key})  ",
                    "" if shown[kind] else "$text-muted",
                )
            )
        order = "agreement" if self.sort_by == "agreement" else "reading order"
        legend.append((f"· r sort: {order} · / filter · enter: their words", "$text-muted"))
        self.query_one("#diff-legend", Static).update(Content.assemble(*legend))

    # ------------------------------------------------------------------ actions

    def action_filter(self, kind: str) -> None:
        view = self.query_one(DiffView)
        kinds = set(view.kinds)
        kinds ^= {kind}
        view.set_kinds(kinds)
        if self.mode == "agreement":
            self._show_agreement()
        self._update_chrome()

    def action_next_difference(self) -> None:
        if self.mode == "agreement":
            self.query_one("#agreement-rows", OptionList).action_cursor_down()
            return
        if not self.query_one(DiffView).jump(1):
            self.notify("no more differences below", markup=False, timeout=2)

    def action_previous_difference(self) -> None:
        if self.mode == "agreement":
            self.query_one("#agreement-rows", OptionList).action_cursor_up()
            return
        if not self.query_one(DiffView).jump(-1):
            self.notify("no more differences above", markup=False, timeout=2)

    def _focused_claims(self) -> list:
        if self.mode != "agreement":
            return self.query_one(DiffView).current_claims()
        if self._detail is not None:
            claim = self._detail_claim()
            return [claim] if claim is not None else []
        row = self._current_row()
        return [row.claim] if row is not None else []

    def action_highlight(self) -> None:
        claims = self._focused_claims()
        if not claims:
            self.notify("no claim here", markup=False, timeout=2)
            return
        for claim in claims:
            self.app.toggle_highlight(claim.review, claim.start, claim.end)

    def action_open(self) -> None:
        if self.mode == "agreement" and self._detail is None:
            row = self._current_row()
            if row is not None:
                self._open_detail(row)
            return
        claims = self._focused_claims()
        if claims:
            self.app.open_in_reader(claims[0].review, claims[0].start)

    def _claim_id(self) -> str | None:
        claims = self._focused_claims()  # the column's claim, or the agreement row's
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


def distinct_labels(handles: list[str], width: int) -> list[str]:
    """Handles cut to ``width`` cells that stay told apart: "user-1651" and "user-1652"
    in a narrow column become "us…1651" and "us…1652", not "user-" twice."""
    from ballerina_tui.agreement import distinct_labels as engine

    return engine(handles, width)
