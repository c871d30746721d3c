"""The search screen: live results as you type, run in a worker so typing never waits."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ballerina_tui.app.widgets.lists import KeyList
from ballerina_tui.textutil import display_safe

DEBOUNCE = 0.15
LIMIT = 50
SNIPPET = 220


def snippet(text: str, spans: list[tuple[int, int]], size: int = SNIPPET):
    """A window of ``text`` around its first hit, and the hits shifted into it."""
    if len(text) <= size:
        return text, list(spans), False, False
    first = spans[0][0] if spans else 0
    start = max(0, min(first - size // 3, len(text) - size))
    # Start on a word boundary.
    if start:
        space = text.find(" ", start, start + 20)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + size)
    shifted = [
        (max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end
    ]
    return text[start:end], shifted, start > 0, end < len(text)


def hit_prompt(n: int, hit, corpus=None) -> Content:
    text, spans, cut_left, cut_right = snippet(hit.text, hit.highlights)
    flat = display_safe(text).replace("\n", " ").replace("\t", " ")
    body = Content(flat)
    for s, e in spans:
        body = body.stylize("bold reverse", s, e)
    if cut_left:
        body = Content("…") + body
    if cut_right:
        body = body + Content("…")
    head = Content.assemble(
        (f"{n:>2}. ", "$text-muted"),
        (display_safe(hit.handle), "bold $text-primary"),
        " · ",
        (display_safe(_section(hit, corpus)), "italic"),
    )
    return Content("\n").join([head, body])


def _section(hit, corpus) -> str:
    """The hit's heading; a passage without one is cited by its paragraph number."""
    if corpus is None:
        return hit.section or "\u2014"
    return corpus.section_label(hit.review, hit.start, hit.section)


class SearchScreen(Screen):
    BINDINGS = [
        Binding("escape", "close", "Close", id="search.close", tooltip="Close the search"),
        Binding("down", "focus_results", "Results", show=False, id="search.results"),
        Binding(
            "h",
            "highlight",
            "Highlight",
            id="search.highlight",
            tooltip="Highlight the selected passage (again to remove)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._pending: str | None = None
        self._open_when_done = False
        self.result = None
        self._shown_query: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder='search: ruska, "mother ruska", character:Winston, mentr~, by:critic',
            id="query",
        )
        yield Static(id="search-status")
        yield KeyList(id="results")
        yield Footer()

    def on_mount(self) -> None:
        query = self.query_one(Input)
        query.cursor_blink = self.app.blink
        previous = self.app.search_result
        if previous is not None:
            query.value = previous.query
        self._status(Content.styled("type to search all the reviews", "$text-muted"))
        self.watch(self.app, "index_ready", self._index_ready, init=False)
        query.focus()

    def _status(self, content: Content) -> None:
        self.query_one("#search-status", Static).update(content)

    # ------------------------------------------------------------------ searching

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._pending = event.value
        if not event.value.strip():
            self.query_one("#results", OptionList).clear_options()
            self.result = None
            self._status(Content.styled("type to search all the reviews", "$text-muted"))
            return
        self._timer = self.set_timer(DEBOUNCE, self._fire)

    def _fire(self) -> None:
        query = self._pending
        if query is None or not query.strip():
            return
        if not self.app.index_ready:
            self._status(Content.styled("indexing the reviews…", "$text-muted"))
            return
        self._status(Content.styled("searching…", "$text-muted"))
        self.run_search(query)

    def _index_ready(self, ready: bool) -> None:
        if ready and self._pending:
            self._fire()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        from ballerina_tui.search import QueryError, Searcher

        worker = get_current_worker()
        searcher = Searcher(self.app.index)  # one searcher per thread (Whoosh's rule)
        try:
            result = searcher.search(query, limit=LIMIT)
        except QueryError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show_error, query, str(exc))
            return
        finally:
            searcher.close()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_result, query, result)

    def _show_error(self, query: str, reason: str) -> None:
        if query != self.query_one(Input).value:
            return
        self._open_when_done = False
        self._status(Content.assemble(("cannot search: ", "bold $text-error"), reason))

    def _show_result(self, query: str, result) -> None:
        if query != self.query_one(Input).value:
            return
        self.result = result
        self._shown_query = query
        results = self.query_one("#results", OptionList)
        results.clear_options()
        results.add_options(
            Option(hit_prompt(n, hit, self.app.corpus), id=str(n - 1))
            for n, hit in enumerate(result.hits, 1)
        )
        if result.hits:
            results.highlighted = 0
        self._status(self._summary(result))
        if self._open_when_done:
            self._open_when_done = False
            self._open(0 if results.highlighted is None else results.highlighted)

    def _summary(self, result) -> Content:
        parts: list[Content | tuple[str, str] | str] = []
        if result.corrected:
            few = any(note.startswith("only ") for note in result.notes)
            lead = "few results" if few else "no results"
            parts.append((f"{lead}; showing results for ", "italic"))
            parts.append((display_safe(result.corrected), "bold italic"))
            parts.append(" · ")
        if not result.hits:
            parts.append(("no results", "$text-warning"))
        else:
            shown = len(result.hits)
            more = f" (first {shown} shown)" if result.total > shown else ""
            current = self.query_one("#results", OptionList).highlighted
            position = f"{(current or 0) + 1}/{shown} · " if shown else ""
            parts.append((f"{position}{result.total} passage(s){more}", "bold"))
            parts.append(("  enter opens · n/N next/previous in the reader", "$text-muted"))
        for note in result.notes:
            parts.append(("  · " + display_safe(note), "$text-warning"))
        return Content.assemble(*parts)

    @on(OptionList.OptionHighlighted, "#results")
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        if self.result is not None:
            self._status(self._summary(self.result))

    # ------------------------------------------------------------------ opening

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            return
        if self.result is not None and self._shown_query == event.value:
            self._open(self.query_one("#results", OptionList).highlighted or 0)
            return
        self._open_when_done = True
        if self._timer is not None:
            self._timer.stop()
        self._pending = event.value
        self._fire()

    @on(OptionList.OptionSelected, "#results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option_index)

    def _open(self, index: int) -> None:
        result = self.result
        if result is None or not result.hits:
            return
        index = max(0, min(index, len(result.hits) - 1))
        hit = result.hits[index]
        app = self.app
        app.search_result = result
        app.search_position = index
        spans = [(hit.start + s, hit.start + e) for s, e in hit.highlights] or [
            (hit.start, hit.end)
        ]
        app.open_in_reader(hit.review, spans[0][0], hits=spans)

    # ------------------------------------------------------------------ actions

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_focus_results(self) -> None:
        self.query_one("#results", OptionList).focus()

    def action_highlight(self) -> None:
        results = self.query_one("#results", OptionList)
        if self.result is None or results.highlighted is None or not self.result.hits:
            self.notify("no result selected", markup=False, timeout=2)
            return
        hit = self.result.hits[results.highlighted]
        self.app.toggle_highlight(hit.review, hit.start, hit.end)
