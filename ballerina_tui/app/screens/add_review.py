"""The "Add review" dialog: a URL or a path in, a new review in the sidebar out.

The import is the engine's (:func:`ballerina_tui.webimport.import_review`, the same as
``ballerina-tui add``) and runs in a thread worker; its ``progress`` callback moves the
bar and is where escape cancels it. Nothing from the page reaches a widget except as
:class:`~textual.content.Content` (plain text, never markup).
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, ProgressBar, Static
from textual.worker import Worker, WorkerState

from ballerina_tui.textutil import display_safe, one_line

STAGES = ("fetch", "extract", "write", "index")
STAGE_TEXT = {
    "fetch": "fetching the page",
    "extract": "finding the article",
    "write": "writing the review",
    "index": "indexing it",
}


def destination(root: Path) -> tuple[Path, bool]:
    """Where the app adds a review: the open folder, or the user's own folder when the
    open folder is the bundled one (part of the installed package). ``(folder, moved)``."""
    from ballerina_tui.webimport.pipeline import inside_package, user_reviews_dir

    if inside_package(root):
        return user_reviews_dir(), True
    return root, False


class AddReviewScreen(ModalScreen):
    """Ask for a URL or a file; import it in a worker with progress; dismiss with the result."""

    DEFAULT_CSS = """
    AddReviewScreen { align: center middle; }
    #add-box {
        width: 80%;
        max-width: 100;
        height: auto;
        border: round $accent;
        border-title-color: $text-accent;
        border-subtitle-color: $text-accent;
        background: $surface;
        padding: 0 1;
    }
    #add-box Input { margin: 1 0 0 0; }
    #add-where { margin: 1 0 0 0; color: $text-muted; }
    #add-progress { margin: 1 0 0 0; }
    #add-status { margin: 1 0 0 0; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="add.cancel")]

    def __init__(self) -> None:
        super().__init__()
        self._cancel_requested = False
        self._importing = False
        self._folder: Path | None = None
        self._moved = False

    def compose(self) -> ComposeResult:
        self._folder, self._moved = destination(self.app.corpus.root)
        with Vertical(id="add-box") as box:
            box.border_title = "Add a review"
            box.border_subtitle = "enter adds · escape cancels"
            yield Static(
                Content("A web page (https://…), or a saved .html or .txt file:"), id="add-prompt"
            )
            yield Input(placeholder="https://… or ~/Downloads/review.html", id="add-source")
            where = f"Adds to {display_safe(str(self._folder))}"
            if self._moved:
                where += " (your own folder: the bundled reviews are read-only)"
            yield Static(Content(where), id="add-where")
            bar = ProgressBar(total=len(STAGES), show_eta=False, id="add-progress")
            bar.display = False
            yield bar
            yield Static(Content(""), id="add-status")

    def on_mount(self) -> None:
        source = self.query_one(Input)
        source.cursor_blink = self.app.blink
        source.focus()

    # ------------------------------------------------------------------ events

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if self._importing:
            return
        value = event.value.strip()
        if not value:
            self._status("give a URL or a file", "$text-error")
            return
        self._importing = True
        self._cancel_requested = False
        self.query_one(Input).disabled = True
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(progress=0)
        self._status(STAGE_TEXT["fetch"] + "…", "$text-muted")
        self._import(value)

    @work(thread=True, exclusive=True, group="add-review", exit_on_error=False)
    def _import(self, source: str) -> tuple[str, object]:
        """Runs in a thread; returns ``(outcome, result or message)``. The screen acts on it
        when the worker has finished (dismissing from inside it would cancel it)."""
        from ballerina_tui.progress import Cancelled
        from ballerina_tui.webimport import ImportFailed, import_review

        def progress(stage: str, done: int, total: int) -> None:
            if self._cancel_requested:
                raise Cancelled
            self.app.call_from_thread(self._progress, stage, done, total)

        try:
            # None: the user's own folder, created on the first review.
            folder = None if self._moved else self._folder
            return "added", import_review(source, folder, progress=progress)
        except Cancelled:
            return "cancelled", "cancelled: nothing was added"
        except ImportFailed as exc:
            return "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - the app stays up whatever the page does
            return "failed", f"could not add it: {exc}"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "add-review" or event.state != WorkerState.SUCCESS:
            return
        outcome, value = event.worker.result
        if outcome == "added":
            self._importing = False
            self.dismiss(value)
        else:
            self._stopped(str(value), outcome == "cancelled")

    def _progress(self, stage: str, done: int, total: int) -> None:
        if stage not in STAGES:
            return
        step = STAGES.index(stage)
        fraction = done / total if total else 0.0
        self.query_one(ProgressBar).update(progress=step + min(1.0, fraction))
        text = STAGE_TEXT[stage]
        if stage == "fetch" and done:
            text += f" ({done / 1024:.0f} KiB)"
        self._status(text + "…", "$text-muted")

    def _stopped(self, message: str, cancelled: bool) -> None:
        self._importing = False
        if cancelled:
            self.dismiss(None)
            return
        source = self.query_one(Input)
        source.disabled = False
        source.focus()
        self.query_one(ProgressBar).display = False
        self._status(one_line(message, 300), "$text-error")

    def _status(self, text: str, style: str) -> None:
        self.query_one("#add-status", Static).update(Content.styled(display_safe(text), style))

    def action_cancel(self) -> None:
        if self._importing:
            self._cancel_requested = True
            self._status("cancelling…", "$text-warning")
            return
        self.dismiss(None)


def review_added(app, result) -> None:
    """Show the new review: reload its folder, select it in the sidebar, re-analyse."""
    if result is None:
        return
    from ballerina_tui.corpus import CorpusError, load_corpus
    from ballerina_tui.highlights import HighlightStore

    try:
        corpus = load_corpus(result.folder)
    except CorpusError as exc:
        app.notify(f"added, but the folder cannot be read: {exc}", severity="error", markup=False)
        return
    moved = Path(corpus.root).resolve() != Path(app.corpus.root).resolve()
    app.corpus = corpus
    app.characters, app.characters_problem = app._load_characters(corpus)
    app.file_characters = app.characters  # merged with discovery by the next prepare()
    if moved:
        app.store = HighlightStore.for_corpus(corpus)
    app.index = None
    app.index_ready = False
    app.analysis = None
    app.analysis_state = "analysing claims…"
    app.search_result = None
    app._back_to_main()
    main = app.main_screen
    if main is not None:
        main._fill_sidebar()
        main.open_review(result.id, 0)
    verb = "replaced" if result.replaced else "added"
    where = f" to {result.folder}" if moved else ""
    app.notify(
        f"{verb} {result.id}{where}: {result.words:,} words, {len(result.sections)} section(s)",
        title="Review added",
        markup=False,
    )
    for note in result.notes:
        app.notify(note, severity="warning", markup=False)
    if app.analyze_in_background:
        app.prepare()
