"""Modal dialogs: help (built from the live bindings), export, a highlight's note."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from ballerina_tui.textutil import display_safe


def _where(node) -> str:
    from textual.app import App

    if isinstance(node, App):
        return "everywhere"
    if isinstance(node, Screen):
        return "this screen"
    return type(node).__name__.lower()


def help_rows(screen: Screen) -> list[tuple[str, str, str, str]]:
    """``(keys, description, tooltip, where)`` for every binding active on ``screen``.

    Keys that share an action (``question_mark`` and ``f1``) are folded into one row.
    """
    app = screen.app
    rows: dict[tuple[int, str], list] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        key = (id(active.node), binding.action)
        display = app.get_key_display(binding)
        if key in rows:
            if display not in rows[key][0]:
                rows[key][0].append(display)
            continue
        rows[key] = [[display], binding.description, binding.tooltip, _where(active.node)]
    order = {"everywhere": 2, "this screen": 1}
    out = [(" ".join(k), d, t, w) for k, d, t, w in rows.values()]
    return sorted(out, key=lambda r: order.get(r[3], 0))


class HelpScreen(ModalScreen):
    """Keys of the screen the help was opened from, generated from its live bindings."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self._rows = help_rows(screen)
        self._title = getattr(screen, "HELP_TITLE", type(screen).__name__.removesuffix("Screen"))

    def compose(self) -> ComposeResult:
        from rich.table import Table
        from rich.text import Text

        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("key", no_wrap=True, style="bold")
        table.add_column("does")
        table.add_column("where", style="dim", no_wrap=True)
        for keys, description, tooltip, where in self._rows:
            does = Text(description)
            if tooltip:
                does.append(f" — {tooltip}", style="dim")
            table.add_row(Text(keys), does, Text(where))
        with Vertical(id="help-box") as box:
            box.border_title = f"Keys: {self._title}"
            box.border_subtitle = "escape closes · ctrl+p: every command"
            with VerticalScroll():
                yield Static(table, id="help-table")

    def action_dismiss(self) -> None:
        self.dismiss()


class ExportScreen(ModalScreen):
    """Ask where to export the highlights; confirm before overwriting a file."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self) -> None:
        super().__init__()
        self._confirm: Path | None = None

    def compose(self) -> ComposeResult:
        from ballerina_tui.export import DEFAULT_EXPORT_NAME

        with Vertical(id="export-box") as box:
            box.border_title = "Export highlights to Markdown"
            count = len(self.app.store.items)
            yield Static(Content(f"{count} highlight(s). Write them to:"))
            yield Input(value=DEFAULT_EXPORT_NAME, id="export-path")
            yield Static(
                Content.styled("enter writes · escape cancels", "$text-muted"), id="export-status"
            )

    def on_mount(self) -> None:
        path_input = self.query_one(Input)
        path_input.cursor_blink = self.app.blink
        path_input.focus()

    @on(Input.Changed)
    def _changed(self) -> None:
        self._confirm = None

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        status = self.query_one("#export-status", Static)
        if not value:
            status.update(Content.styled("give a file name", "$text-error"))
            return
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = self.app.export_dir / path
        if path.is_dir():
            # Not "exists: overwrite?": a folder is never overwritten.
            status.update(
                Content.styled(
                    f"{display_safe(str(path))} is a folder: give a file name", "$text-error"
                )
            )
            return
        if path.exists() and self._confirm != path:
            self._confirm = path
            status.update(
                Content.assemble(
                    (f"{display_safe(str(path))} exists. ", "bold $text-warning"),
                    "Press enter again to overwrite it, escape to cancel.",
                )
            )
            return
        try:
            written = self.app.write_export(path, force=self._confirm == path)
        except FileExistsError:
            self._confirm = path
            status.update(
                Content.styled("the file appeared meanwhile: enter overwrites", "$text-warning")
            )
            return
        except OSError as exc:
            status.update(Content.styled(f"cannot write: {exc}", "$text-error"))
            return
        self.dismiss(written)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[str | None]):
    """Edit the note of one highlight."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, quote: str, note: str) -> None:
        super().__init__()
        self._quote = quote
        self._note = note

    def compose(self) -> ComposeResult:
        from ballerina_tui.textutil import one_line

        with Vertical(id="note-box") as box:
            box.border_title = "Note"
            yield Static(Content(display_safe(one_line(self._quote, 300))), id="note-quote")
            yield Input(value=self._note, placeholder="your note", id="note-input")
            yield Static(Content.styled("enter saves · escape cancels", "$text-muted"))

    def on_mount(self) -> None:
        note = self.query_one(Input)
        note.cursor_blink = self.app.blink
        note.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
