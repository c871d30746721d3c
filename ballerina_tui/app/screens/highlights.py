"""The highlights screen: every kept highlight, with its note; open, annotate, delete."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ballerina_tui.app.glyphs import STATUS_GLYPH, STATUS_STYLE
from ballerina_tui.app.widgets.lists import KeyList
from ballerina_tui.textutil import display_safe, one_line


class HighlightsScreen(Screen):
    HELP_TITLE = "Highlights"
    BINDINGS = [
        Binding(
            "o", "note", "Note", id="highlights.note", tooltip="Write a note for this highlight"
        ),
        Binding("x", "delete", "Delete", id="highlights.delete", tooltip="Delete this highlight"),
        Binding("h", "delete", "Unhighlight", show=False, id="highlights.unhighlight"),
        Binding("escape", "app.back", "Back", show=False, id="highlights.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="highlights-title", classes="screen-title")
        yield KeyList(id="highlights")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "highlights_version", lambda _v: self._fill(), init=False)
        self.watch(self.app, "claims_version", lambda _v: self._fill(), init=False)
        self._fill()
        self.query_one(OptionList).focus()

    def _fill(self) -> None:
        from ballerina_tui.export import span_status
        from ballerina_tui.highlights import locate

        app = self.app
        corpus = app.corpus
        items = app.store.in_corpus_order(corpus)
        self.query_one("#highlights-title", Static).update(
            Content.assemble(
                (f"Highlights ({len(items)})", "bold"),
                ("  enter opens · o note · x delete · e export", "$text-muted"),
            )
        )
        view = self.query_one(OptionList)
        highlighted = view.highlighted
        view.clear_options()
        if not items:
            view.add_option(
                Option(
                    Content.styled(
                        "No highlights yet: press h in the reader, a card, the diff or a search result.",
                        "$text-muted",
                    ),
                    disabled=True,
                )
            )
            return
        for item in items:
            review = corpus.find(item.review)
            where = locate(item, review) if review is not None else None
            status = span_status(app.analysis, item.review, *where) if where else None
            head = Content.assemble(
                ("★ ", "$text-warning"),
                (display_safe(review.handle if review else item.review), "bold"),
                " · ",
                (
                    display_safe(
                        review.section_label(where[0])
                        if where and review
                        else item.section or "\u2014"
                    ),
                    "italic",
                ),
                (
                    f"  {STATUS_GLYPH[status]} #{status}" if status else "",
                    STATUS_STYLE.get(status or "", "$text-muted"),
                ),
                ("" if where else "  (no longer in the review)", "$text-error"),
            )
            lines = [head, Content(display_safe(one_line(item.text, 400)))]
            if item.note:
                lines.append(
                    Content.assemble(("note: ", "bold $text-accent"), display_safe(item.note))
                )
            view.add_option(Option(Content("\n").join(lines), id=item.id))
        view.highlighted = min(highlighted or 0, view.option_count - 1)

    def _current(self):
        view = self.query_one(OptionList)
        if view.highlighted is None:
            return None
        option = view.get_option_at_index(view.highlighted)
        return self.app.store.get(option.id) if option.id else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from ballerina_tui.highlights import locate

        item = self.app.store.get(event.option.id) if event.option.id else None
        review = self.app.corpus.find(item.review) if item else None
        if item is None or review is None:
            return
        where = locate(item, review)
        if where is None:
            self.notify("this passage is no longer in the review", markup=False)
            return
        self.app.open_in_reader(review.id, where[0])

    def action_note(self) -> None:
        from ballerina_tui.app.screens.dialogs import NoteScreen

        item = self._current()
        if item is None:
            return

        def save(note: str | None) -> None:
            if note is None:
                return
            try:
                self.app.store.set_note(item.id, note)
            except OSError as exc:
                self.notify(f"could not save: {exc}", severity="error", markup=False)
                return
            self.app.highlights_version += 1

        self.app.push_screen(NoteScreen(item.text, item.note), save)

    def action_delete(self) -> None:
        item = self._current()
        if item is None:
            return
        try:
            self.app.store.remove(item.id)
        except OSError as exc:
            self.notify(f"could not save: {exc}", severity="error", markup=False)
            return
        self.app.highlights_version += 1
        self.notify("highlight deleted", markup=False, timeout=2)
