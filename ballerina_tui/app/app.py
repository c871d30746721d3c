"""The thin App: owns the loaded data, starts the background work, hands off to screens.

The first screen is drawn straight from the corpus; started from a folder
(:meth:`BallerinaApp.for_folder`) it is drawn from the first review alone, and the rest of the
folder is loaded in the background thread, the sidebar growing a batch at a time, so nothing
proportional to the folder happens before the first frame. The index and the claim analysis
are then built in that thread and screens fill in (counts, marks, diff, cards) when they
land. The thread is a daemon watched by an async worker, so quitting (``q``, ctrl+q,
ctrl+c) never waits for it: the work is told to stop (an index write is cancelled whole)
and the process exits at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from ballerina_tui.app import textual_fixes
from ballerina_tui.characters import CharacterSet
from ballerina_tui.corpus import Corpus, ReviewStream
from ballerina_tui.highlights import HighlightStore

textual_fixes.apply()


def _keep_out_of_gc() -> None:
    """What is loaded so far lives as long as the app: out of the cyclic collector's sight
    (``gc.freeze``), or each full collection walks it all again, on whichever thread
    allocates next, often the UI's (0.1-0.5 s each at 10,000 reviews). Call it with the
    collector paused, or the first collection after the pause walks it all once more."""
    gc.freeze()


class BallerinaApp(App):
    """Read several reviews of one film side by side."""

    TITLE = "ballerina-tui"
    CSS_PATH = "app.tcss"
    # No Header/title markup anywhere: review text only ever reaches widgets as Content.
    BINDINGS = [
        Binding("a", "articles", "Articles", id="app.articles", tooltip="Browse the reviews"),
        Binding("slash", "search", "Search", id="app.search", tooltip="Search all the reviews"),
        Binding("c", "cards", "Characters", id="app.cards", tooltip="One card per character"),
        Binding("d", "diff", "Diff", id="app.diff", tooltip="Compare reviewers' claims"),
        Binding(
            "H", "highlights", "Highlights", id="app.highlights", tooltip="List your highlights"
        ),
        Binding("e", "export", "Export", id="app.export", tooltip="Export highlights to Markdown"),
        Binding(
            "plus",
            "add_review",
            "Add review",
            # Not in the footer (it is full already): in the help, the palette, the README.
            show=False,
            id="app.add_review",
            tooltip="Add a review from a web page or a saved .html/.txt file",
        ),
        Binding("question_mark,f1", "help", "Help", id="app.help", tooltip="Keys for this screen"),
        Binding("q", "back", "Back/Quit", id="app.back", tooltip="Go back; quit from articles"),
        # Not a priority binding: with text selected (in the search box), ctrl+c copies.
        Binding("ctrl+c", "quit", "Quit", show=False, id="app.interrupt", tooltip="Quit now"),
    ]

    index_ready = reactive(False, init=False)
    claims_version = reactive(0, init=False)
    highlights_version = reactive(0, init=False)
    progress_line = reactive("", init=False)
    """Count, rate and time left of the background work while it runs, else empty."""
    # Reviews handed to the app (and its sidebar) at a time while a folder loads.
    LOAD_BATCH = 250

    def __init__(
        self,
        corpus: Corpus,
        *,
        blink: bool = True,
        store: HighlightStore | None = None,
        analyze_in_background: bool = True,
        stream: ReviewStream | None = None,
    ) -> None:
        """``stream``: the rest of ``corpus``'s folder, loaded after the first frame."""
        super().__init__()
        self.corpus = corpus
        self._stream = stream
        self._problems_shown = 0
        self.first_frame_at: float | None = None  # perf_counter() once the first frame is up
        # perf_counter() once the open review's claims are first marked (preview or not)
        self.marks_at: float | None = None
        self.blink = blink
        self.analyze_in_background = analyze_in_background
        self.characters, self.characters_problem = self._load_characters(corpus)
        self.file_characters = self.characters  # merged with discovery off the first frame
        self.store = store if store is not None else HighlightStore.for_corpus(corpus)
        self.index = None
        self.analysis = None
        self.analysis_state = "analysing claims…"
        self.search_result = None  # the last SearchResult opened from the search screen
        self.search_position = 0
        self.export_dir = Path.cwd()
        self._cancel = threading.Event()
        self._work_thread: threading.Thread | None = None
        self._rate = None  # a progress_rate.Rate while the background work runs

    @classmethod
    def for_folder(cls, folder, **kwargs) -> BallerinaApp:
        """The app of a review folder, of which only the first review is read before the
        first frame (raises :class:`~ballerina_tui.corpus.CorpusError` like
        :func:`~ballerina_tui.corpus.load_corpus`)."""
        stream = ReviewStream(folder)
        return cls(stream.start(), stream=stream, **kwargs)

    @property
    def loading(self) -> bool:
        """Whether the folder's reviews are still being loaded."""
        return self._stream is not None

    @staticmethod
    def _load_characters(corpus: Corpus) -> tuple[CharacterSet, str | None]:
        from ballerina_tui.characters import CharactersError, load_characters

        try:
            return load_characters(corpus.characters_path), None
        except (CharactersError, OSError) as exc:
            line = f":{exc.line}" if getattr(exc, "line", None) else ""
            return CharacterSet(), f"{corpus.characters_path}{line}: {exc}"

    # ------------------------------------------------------------------ start-up

    def on_mount(self) -> None:
        from ballerina_tui.app.screens.main import MainScreen

        self.push_screen(MainScreen())
        self._notify_problems()
        if self.characters_problem:
            self.notify(self.characters_problem, severity="error", markup=False, timeout=8)
        if self.store.note:
            self.notify(self.store.note, severity="warning", markup=False, timeout=8)
        # After the first frame: the loading and analysis must not hold up the first screen.
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        import time

        self.first_frame_at = time.perf_counter()
        if self.analyze_in_background or self._stream is not None:
            self.prepare()

    def _notify_problems(self) -> None:
        problems = self.corpus.problems
        for problem in problems[self._problems_shown :]:
            self.notify(str(problem), title="Skipped a file", severity="warning", markup=False)
        self._problems_shown = len(problems)

    @work(exclusive=True, group="prepare", exit_on_error=False)
    async def prepare(self) -> None:
        """Open (or build) the index, then run the claim analysis, in a daemon thread.

        Not a Textual thread worker: those run in asyncio's default executor, which the
        process waits for at exit, so quitting during the analysis kept the process alive
        until it ended. This async worker only waits for the thread and shows progress.
        """
        from ballerina_tui.progress_rate import Rate

        loop = asyncio.get_running_loop()
        finished = loop.create_future()

        def resolve() -> None:
            if not finished.done():
                finished.set_result(None)

        def run() -> None:
            try:
                self._prepare_in_thread()
            finally:
                with contextlib.suppress(RuntimeError):  # the loop is gone: we are exiting
                    loop.call_soon_threadsafe(resolve)

        self._rate = Rate()
        thread = threading.Thread(target=run, name="ballerina-tui-analysis", daemon=True)
        self._work_thread = thread
        timer = self.set_interval(0.25, self._show_progress)
        thread.start()
        try:
            await finished
        finally:
            timer.stop()
            self._rate = None
            self.progress_line = ""

    def _show_progress(self) -> None:
        rate = self._rate
        self.progress_line = rate.line() if rate is not None else ""

    def _progress(self, stage: str, done: int, total: int) -> None:
        """The engine's progress callable: records the figures, stops the work on quit."""
        from ballerina_tui.progress import Cancelled

        if self._cancel.is_set():
            raise Cancelled
        rate = self._rate
        if rate is not None:
            rate.update(stage, done, total)

    def _to_app(self, callback, *args) -> None:
        """Hand a result to the app from the thread, unless the app is going away."""
        from ballerina_tui.progress import Cancelled

        if self._cancel.is_set():
            raise Cancelled
        self.call_from_thread(callback, *args)

    def _prepare_in_thread(self) -> None:
        from ballerina_tui.progress import Cancelled

        try:
            self._prepare_steps()
        except Cancelled:
            return
        except Exception as exc:  # noqa: BLE001 - shown in the app, never a traceback
            if self._cancel.is_set():
                return  # the app is exiting under us: nothing to report to
            with contextlib.suppress(Cancelled, RuntimeError):
                self._to_app(self._set_analysis, None, f"background work failed: {exc}")

    def _prepare_steps(self) -> None:
        from ballerina_tui.characters import merge_characters
        from ballerina_tui.claims.linking import paused_gc
        from ballerina_tui.index import ReviewIndex
        from ballerina_tui.progress import Cancelled

        stream = self._stream
        if stream is not None:
            if self.analyze_in_background:
                self._preview_marks(self.corpus)
            with paused_gc():
                loaded = self._load_rest(self.corpus, stream)
                _keep_out_of_gc()
            if not loaded:
                return
            if not self.analyze_in_background:
                return
        corpus, file_characters = self.corpus, self.file_characters
        index = ReviewIndex(corpus, characters=file_characters)
        index.ensure(progress=self._progress)
        if corpus is not self.corpus:
            return  # a review was added meanwhile: a newer run takes over
        # The file's characters merged with the people the reviews name: in this thread,
        # never on the first frame (kept beside the index); the cards redraw when it lands.
        index.characters = merge_characters(file_characters, index.discovered())
        self.characters = index.characters
        self._to_app(self._set_index, index)
        # One pause from the analysis to the freeze: a collection in between would walk
        # every object the analysis made (they are all still in the youngest generation).
        with paused_gc():
            try:
                from ballerina_tui.claims import analyze

                analysis = analyze(corpus, index, progress=self._progress)
                if corpus is not self.corpus:
                    return
            except NotImplementedError:
                self._to_app(self._set_analysis, None, "claim engine not available")
                return
            except Cancelled:
                raise
            except Exception as exc:  # noqa: BLE001 - the app stays usable without claims
                self._to_app(self._set_analysis, None, f"claim analysis failed: {exc}")
                return
            corrected = self._with_corrections(analysis)
            _keep_out_of_gc()
        self._to_app(self._set_analysis, analysis, None, corrected)

    def _with_corrections(self, analysis):
        """The fan's corrections applied in this thread, not the UI's: even with none, the
        copy re-indexes every claim (about 1 s at 10,000 reviews). ``(store, the
        corrections applied, the result)``; the app uses the result only if the store is
        still its own and holds the same corrections (else it applies them again)."""
        from ballerina_tui.corrections import CorrectionStore, apply_corrections

        store = getattr(self, "corrections", None) or CorrectionStore.for_corpus(self.corpus)
        items = list(store.items)
        return store, items, apply_corrections(analysis, items)

    def _preview_marks(self, corpus: Corpus) -> None:
        """The open review's marks from the cache, before the rest of the folder is read
        (:mod:`ballerina_tui.claims.marks`); the whole analysis replaces them when it
        lands. Not when the fan has corrections: they apply to a whole analysis only."""
        from ballerina_tui.claims import marks
        from ballerina_tui.corrections import CorrectionStore
        from ballerina_tui.index import folder_signature

        try:
            name = marks.stamp(folder_signature(corpus.root), corpus.characters_path)
            found = marks.load(name, corpus.reviews[0])
            if found is None or CorrectionStore.for_corpus(corpus).items:
                return
        except Exception:  # noqa: BLE001 - only a preview: the analysis must still run
            return
        self._to_app(self._set_preview, found)

    def _set_preview(self, marks) -> None:
        main = self.main_screen
        if self.analysis is None and main is not None:
            main.preview_marks(marks)

    def _load_rest(self, corpus: Corpus, stream: ReviewStream) -> bool:
        """Load the rest of the folder in batches, handing each to the app; whether the
        corpus is still the app's when done (a review added meanwhile replaces it)."""
        total = len(stream.paths)
        while not stream.done:
            batch = stream.next_batch(self.LOAD_BATCH)
            self._progress("load", stream.position, total)
            if corpus is not self.corpus:
                return False
            if batch:
                self._to_app(self._add_reviews, corpus, batch)
        self._to_app(self._reviews_loaded, corpus, stream)
        return corpus is self.corpus

    def _add_reviews(self, corpus: Corpus, batch: list) -> None:
        if corpus is not self.corpus:
            return
        corpus.reviews.extend(batch)
        main = self.main_screen
        if main is not None:
            main.add_reviews(batch)

    def _reviews_loaded(self, corpus: Corpus, stream: ReviewStream) -> None:
        if corpus is not self.corpus:
            return
        self._stream = None
        corpus.film = stream.film
        if self.store.film is None:
            self.store.film = corpus.film
        self._notify_problems()

    def stop_background_work(self, wait: float = 0.5) -> None:
        """Tell the background work to stop; wait briefly only while it writes the index.

        An index write is cancelled at the next review (the writer is cancelled whole), so
        a short wait there keeps the index on disk clean; the claim analysis holds nothing
        on disk and is simply abandoned (its thread is a daemon).
        """
        self._cancel.set()
        thread, rate = self._work_thread, self._rate
        if thread is not None and thread.is_alive() and rate is not None and rate.stage == "index":
            thread.join(timeout=wait)

    @property
    def background_work_running(self) -> bool:
        return self._work_thread is not None and self._work_thread.is_alive()

    def exit(self, *args, **kwargs) -> None:
        """Every way out (q, ctrl+q, ctrl+c) stops the background work first."""
        self.stop_background_work()
        super().exit(*args, **kwargs)

    def _set_index(self, index) -> None:
        self.index = index
        if index.note:
            self.notify(index.note, severity="warning", markup=False)
        self.index_ready = True

    def _set_analysis(self, analysis, problem: str | None, corrected=None) -> None:
        """``corrected``: what :meth:`_with_corrections` made of ``analysis``, if anything."""
        self.base_analysis = analysis  # before the fan's corrections
        if analysis is not None:
            from ballerina_tui.app.screens.corrections import with_corrections

            analysis = with_corrections(self, analysis, corrected)
        self.analysis = analysis
        self.analysis_state = problem or ""
        if problem:
            self.notify(problem, severity="warning", markup=False)
        self.claims_version += 1

    def set_analysis(self, analysis) -> None:
        """Give the app an analysis directly (tests, or when analysis ran elsewhere)."""
        self._set_analysis(analysis, None)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity="information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification has its control characters made visible.

        Messages carry file names and error text from outside (a review file called
        ``x\x1b[31m.md`` put a raw escape sequence on the terminal in the skipped-file
        toast). Our own calls pass ``markup=False``; the default stays Textual's because
        Textual's own notices (ctrl+c: "Press [b]ctrl+q[/b] to quit") use markup.
        """
        from ballerina_tui.textutil import display_safe

        super().notify(
            display_safe(message),
            title=display_safe(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    # ------------------------------------------------------------------ highlights

    def toggle_highlight(self, review_id: str, start: int, end: int) -> None:
        """Highlight ``review_id``'s text between the offsets, or remove it if kept."""
        from ballerina_tui.highlights import make_highlight

        try:
            review = self.corpus.get(review_id)
            item = make_highlight(review, start, end)
            added = self.store.toggle(item)
        except (KeyError, ValueError) as exc:
            self.notify(f"nothing to highlight ({exc})", severity="warning", markup=False)
            return
        except OSError as exc:
            self.notify(f"could not save highlights: {exc}", severity="error", markup=False)
            return
        self.highlights_version += 1
        self.notify(
            "highlighted (H lists, e exports)" if added else "highlight removed",
            timeout=2,
            markup=False,
        )

    def write_export(self, path: Path, *, force: bool = False) -> Path:
        """Export every highlight to Markdown at ``path`` (the same code as the CLI)."""
        from ballerina_tui.export import render_markdown, write_export

        self.store.reload()  # another instance may have added some
        items = self.store.in_corpus_order(self.corpus)
        text = render_markdown(
            self.corpus, items, characters=self.characters, analysis=self.analysis
        )
        written = write_export(path, text, force=force)
        self.notify(f"exported {len(items)} highlight(s) to {written}", markup=False)
        return written

    def highlight_spans(self, review) -> list[tuple[int, int]]:
        from ballerina_tui.highlights import spans_for_review

        return [(s, e) for s, e, _ in spans_for_review(self.store.items, review)]

    # ------------------------------------------------------------------ navigation

    @property
    def main_screen(self):
        from ballerina_tui.app.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _back_to_main(self) -> None:
        main = self.main_screen
        while len(self.screen_stack) > 1 and self.screen is not main:
            self.pop_screen()

    def _show(self, screen_type, *args) -> None:
        if isinstance(self.screen, screen_type):
            return
        self._back_to_main()
        self.push_screen(screen_type(*args))

    def action_articles(self) -> None:
        self._back_to_main()

    def action_search(self) -> None:
        from ballerina_tui.app.screens.search import SearchScreen

        self._show(SearchScreen)

    def action_cards(self) -> None:
        from ballerina_tui.app.screens.cards import CardsScreen

        self._show(CardsScreen)

    def action_diff(self) -> None:
        from ballerina_tui.app.screens.diff import DiffScreen

        self._show(DiffScreen)

    def action_highlights(self) -> None:
        from ballerina_tui.app.screens.highlights import HighlightsScreen

        self._show(HighlightsScreen)

    def action_export(self) -> None:
        from ballerina_tui.app.screens.dialogs import ExportScreen

        if isinstance(self.screen, ExportScreen):
            return
        self.push_screen(ExportScreen())

    def action_add_review(self) -> None:
        from ballerina_tui.app.screens.add_review import AddReviewScreen, review_added

        if isinstance(self.screen, AddReviewScreen):
            return
        self.push_screen(AddReviewScreen(), callback=partial(review_added, self))

    def action_help(self) -> None:
        from ballerina_tui.app.screens.dialogs import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def action_back(self) -> None:
        if self.screen is self.main_screen or len(self.screen_stack) <= 1:
            self.exit()
        else:
            self.pop_screen()

    def open_in_reader(
        self, review_id: str, start: int, end: int | None = None, *, hits=None
    ) -> None:
        """Show the review in the reader with the cursor on ``start`` (and hits marked)."""
        self._back_to_main()
        main = self.main_screen
        if main is not None:
            main.open_review(review_id, start, hits=hits)

    # ------------------------------------------------------------------ palette

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every binding of the screen (and the app) is a command, plus Textual's own."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            keys = self.get_key_display(binding)
            help_text = binding.tooltip or binding.description
            yield SystemCommand(
                binding.description,
                f"{help_text} ({keys})",
                partial(self.run_action, binding.action, active.node),
            )
        yield from super().get_system_commands(screen)
