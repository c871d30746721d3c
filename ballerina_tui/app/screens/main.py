"""The articles screen: the list of reviews and the reader."""

from __future__ import annotations

from itertools import islice

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from ballerina_tui.app.widgets.agreement import SORTS, reviewer_order
from ballerina_tui.app.widgets.lists import KeyList
from ballerina_tui.app.widgets.reader import Reader, Span
from ballerina_tui.app.widgets.review_entry import ReviewEntries
from ballerina_tui.textutil import display_safe, one_line

# Reviewers named in the status line for a claim; the rest are counted.
NAMES_SHOWN = 8


def _listed(names: list[str], total: int | None = None) -> str:
    """``a, b, c`` or, past :data:`NAMES_SHOWN` (or short of ``total``), ``… and N more``."""
    total = len(names) if total is None else total
    shown = names[:NAMES_SHOWN]
    more = total - len(shown)
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


class StatusLine(Static):
    """One line under the panes: what is loading, the search position."""


class MainScreen(Screen):
    BINDINGS = [
        Binding("tab", "app.focus_next", "Next pane", show=False, id="main.next_pane"),
        Binding(
            "shift+tab", "app.focus_previous", "Previous pane", show=False, id="main.prev_pane"
        ),
        Binding(
            "h",
            "highlight",
            "Highlight",
            id="main.highlight",
            tooltip="Highlight the claim or passage under the cursor (again to remove)",
        ),
        Binding("n", "next_hit", "Next hit", id="main.next_hit", tooltip="Next search hit"),
        Binding("N", "previous_hit", "Prev hit", id="main.prev_hit", tooltip="Previous search hit"),
        Binding(
            "f",
            "filter_reviews",
            "Filter",
            show=False,
            id="main.filter",
            tooltip="Filter the review list by handle, title or rating (escape clears)",
        ),
        Binding(
            "S",
            "sort_reviews",
            "Sort",
            show=False,
            id="main.sort",
            tooltip="Sort the review list: folder order, rating, length, unique claims",
        ),
    ]

    sort_by = "order"

    def __init__(self) -> None:
        super().__init__()
        self._entries = ReviewEntries()

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="sidebar"):
                yield Input(placeholder="filter reviews", id="review-filter")
                yield KeyList(id="reviews")
            yield Reader(id="reader")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        reviews = self.query_one("#reviews", OptionList)
        self._fill_sidebar()
        reviews.highlighted = 0
        reader = self.query_one(Reader)
        reader.border_title = "Reader"
        reader.set_analysis(self.app.analysis)
        self._show_review(self.app.corpus.reviews[0])
        self.watch(self.app, "claims_version", self._claims_changed, init=False)
        self.watch(self.app, "highlights_version", self._highlights_changed, init=False)
        self.watch(self.app, "progress_line", self._progress_changed, init=False)
        self._update_status()
        reader.focus()

    def _visible_reviews(self) -> list:
        """The reviews the sidebar lists: those the filter matches, in the chosen order."""
        words = self.query_one("#review-filter", Input).value.casefold().split()
        reviews = self.app.corpus.reviews
        if words:
            reviews = [
                r
                for r in reviews
                if all(w in f"{r.handle} {r.title} {r.rating or ''}".casefold() for w in words)
            ]
        return reviewer_order(reviews, self.sort_by, self.app.analysis)

    def _fill_sidebar(self) -> None:
        reviews = self.query_one("#reviews", OptionList)
        analysis = self.app.analysis
        current = self.query_one(Reader).review
        shown = self._visible_reviews()
        entries = self._entries
        prompts = [
            entries.entry(review, None if analysis is None else analysis.counts(review.id))
            for review in shown
        ]
        if [option.id for option in reviews.options] == [review.id for review in shown]:
            # Same reviews in the same order (the counts came): new prompts in place, the
            # scroll position and the list's width (its scroll bar) unchanged.
            for n, prompt in enumerate(prompts):
                reviews.replace_option_prompt_at_index(n, prompt)
        else:
            reviews.clear_options()
            reviews.add_options(
                Option(prompt, id=review.id) for review, prompt in zip(shown, prompts, strict=True)
            )
        total = len(self.app.corpus.reviews)
        title = "Reviews" if len(shown) == total else f"Reviews {len(shown)}/{total}"
        if self.sort_by != "order":
            title += f" · by {self.sort_by}"
        reviews.border_title = title
        if shown:
            ids = [r.id for r in shown]
            keep = current.id if current is not None and current.id in ids else ids[0]
            with reviews.prevent(OptionList.OptionHighlighted):
                reviews.highlighted = ids.index(keep)

    def add_reviews(self, batch) -> None:
        """More of the folder has loaded: add it to the sidebar (no claims known yet)."""
        if self.sort_by != "order" or self.query_one("#review-filter", Input).value.strip():
            self._fill_sidebar()
            return
        reviews = self.query_one("#reviews", OptionList)
        entries = self._entries
        reviews.add_options(Option(entries.entry(review, None), id=review.id) for review in batch)

    def _claims_changed(self, _version: int) -> None:
        # The open review's marks first, painted before the sidebar's counts are redone:
        # at 10,000 reviews laying out the sidebar again holds the screen for seconds.
        self.query_one(Reader).set_analysis(self.app.analysis)
        self._update_status()
        self.call_after_refresh(self._note_marks)
        self.call_after_refresh(self._fill_sidebar)

    def preview_marks(self, marks) -> None:
        """Marks of the open review read ahead of the analysis (``claims.marks``): shown
        until the analysis lands, unless another review is open by then."""
        reader = self.query_one(Reader)
        if reader.analysis is not None or reader.review is None:
            return
        if reader.review.id != marks.review:
            return
        reader.set_analysis(marks)
        self._update_status()
        self.call_after_refresh(self._note_marks)

    def _note_marks(self) -> None:
        app = self.app
        if app.marks_at is None and self.query_one(Reader).marked:
            import time

            app.marks_at = time.perf_counter()

    def _progress_changed(self, _line: str) -> None:
        self._update_status()

    def _highlights_changed(self, _version: int) -> None:
        reader = self.query_one(Reader)
        if reader.review is not None:
            reader.set_highlights(self.app.highlight_spans(reader.review))

    def _update_status(self) -> None:
        app = self.app
        bits = []
        if app.progress_line:
            bits.append(app.progress_line)
        elif app.analysis is None:
            bits.append(app.analysis_state or "claims not analysed")
        result = app.search_result
        if result is not None and result.hits:
            bits.append(
                f"search {display_safe(one_line(result.query, 40))}: hit "
                f"{app.search_position + 1}/{len(result.hits)} (n/N)"
            )
        reader = self.query_one(Reader)
        span = reader.current_span
        # The reader's: the analysis, or the open review's marks read ahead of it.
        shown = reader.analysis
        if span is not None and span.claim and shown is not None:
            try:
                claim = shown.claim(span.claim)
            except KeyError:
                claim = None
            if claim is not None:
                bits.append(self._claim_summary(claim))
        self.query_one(StatusLine).update(Content(" · ".join(bits)))

    def _claim_summary(self, claim) -> str:
        corpus = self.app.corpus
        names = {r.id: r.handle for r in corpus.reviews}
        if claim.status == "conflict":
            others = []
            shown = self.query_one(Reader).analysis
            for other_id in claim.contradicts:
                try:
                    others.append(names.get(shown.claim(other_id).review, other_id))
                except KeyError:
                    others.append(other_id)
            return f"≠ conflicts with {_listed(list(dict.fromkeys(others)))}"
        if claim.status == "shared":
            first = [names.get(r, r) for r in islice(claim.shared_with, NAMES_SHOWN)]
            return f"= shared with {_listed(first, claim.shared_count)}"
        return "+ only this reviewer says this"

    def _show_review(self, review, keep: Span | None = None) -> None:
        reader = self.query_one(Reader)
        reader.highlight_spans = self.app.highlight_spans(review)
        reader.show(review, keep=keep)
        reader.border_title = Content(display_safe(review.handle))

    # ------------------------------------------------------------------ events

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id != "reviews" or event.option.id is None:
            return
        reader = self.query_one(Reader)
        if reader.review is not None and reader.review.id == event.option.id:
            return
        self._show_review(self.app.corpus.get(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "reviews":
            self.query_one(Reader).focus()

    def on_line_view_cursor_moved(self, event) -> None:
        self._update_status()

    def open_review(self, review_id: str, offset: int, *, hits=None) -> None:
        review = self.app.corpus.get(review_id)
        reviews = self.query_one("#reviews", OptionList)
        reader = self.query_one(Reader)
        if reader.review is not review:
            self._show_review(review)
        try:
            index = reviews.get_option_index(review_id)
        except Exception:  # noqa: BLE001 - filtered out: show every review again
            filter_box = self.query_one("#review-filter", Input)
            with filter_box.prevent(Input.Changed):
                filter_box.value = ""
            self._fill_sidebar()
            index = reviews.get_option_index(review_id)
        reviews.highlighted = index
        reader.set_hits(hits or [])
        reader.focus()
        reader.go_to_offset(offset)
        self.call_after_refresh(reader.go_to_offset, offset)
        self._update_status()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "review-filter":
            event.stop()
            event.input.set_class(bool(event.input.value), "-active")
            self._fill_sidebar()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "review-filter":
            event.stop()
            reviews = self.query_one("#reviews", OptionList)
            option = reviews.highlighted_option
            reader = self.query_one(Reader)
            if option is not None and (reader.review is None or reader.review.id != option.id):
                self._show_review(self.app.corpus.get(option.id))
            reviews.focus()

    def on_key(self, event) -> None:
        filter_box = self.query_one("#review-filter", Input)
        if event.key == "escape" and filter_box.has_focus:
            event.stop()
            filter_box.value = ""
            self.query_one("#reviews", OptionList).focus()

    # ------------------------------------------------------------------ actions

    def action_filter_reviews(self) -> None:
        self.query_one("#review-filter", Input).focus()

    def action_sort_reviews(self) -> None:
        self.sort_by = SORTS[(SORTS.index(self.sort_by) + 1) % len(SORTS)]
        self._fill_sidebar()
        self.notify(f"reviews sorted by {self.sort_by}", markup=False, timeout=2)

    def action_highlight(self) -> None:
        span = self.query_one(Reader).current_span
        if span is None:
            self.notify("move the cursor onto a passage first", markup=False)
            return
        self.app.toggle_highlight(span.review, span.start, span.end)

    def _go_hit(self, step: int) -> None:
        app = self.app
        result = app.search_result
        if result is None or not result.hits:
            self.notify("no search yet: press / to search", markup=False, timeout=2)
            return
        app.search_position = (app.search_position + step) % len(result.hits)
        hit = result.hits[app.search_position]
        spans = [(hit.start + s, hit.start + e) for s, e in hit.highlights] or [
            (hit.start, hit.end)
        ]
        self.open_review(hit.review, spans[0][0], hits=spans)

    def action_next_hit(self) -> None:
        self._go_hit(1)

    def action_previous_hit(self) -> None:
        self._go_hit(-1)
