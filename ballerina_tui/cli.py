"""Command line: ``ballerina-tui [--reviews DIR] [COMMAND]``.

With no command the Textual app starts. Every command prints for people by default and
JSON with ``--json``. Errors are one line on stderr and exit status 2; problems with single
review files are warnings and the other reviews are used.

Heavy modules (Whoosh, Textual) are imported inside the commands that need them, so
``list`` never imports either and ``search`` never imports Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from ballerina_tui import __version__
from ballerina_tui.paths import ENV_REVIEWS

PROG = "ballerina-tui"


class CliError(Exception):
    """A one-line error for the user; exit status 2."""


# --------------------------------------------------------------------------- helpers


def _console(stream=None):
    from rich.console import Console

    return Console(file=stream or sys.stdout, highlight=False, soft_wrap=False)


def _emit_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _warn(message: str) -> None:
    from ballerina_tui.textutil import display_safe

    sys.stderr.write(f"{PROG}: warning: {display_safe(message)}\n")


def _load(args):
    """The corpus named by ``--reviews`` (or the environment, or the bundled one)."""
    from ballerina_tui.corpus import CorpusError, load_corpus

    try:
        corpus = load_corpus(args.reviews)
    except CorpusError as exc:
        raise CliError(str(exc)) from None
    for problem in corpus.problems:
        _warn(str(problem))
    return corpus


def _index(args, corpus, progress=None):
    from ballerina_tui.characters import CharactersError
    from ballerina_tui.cli_progress import progress_bar
    from ballerina_tui.index import ReviewIndex

    try:
        index = ReviewIndex(corpus)
    except CharactersError as exc:
        where = corpus.characters_path
        line = f":{exc.line}" if exc.line else ""
        raise CliError(f"{where}{line}: {exc}") from None
    with progress_bar() if progress is None else _given(progress) as shown:
        index.ensure(rebuild=getattr(args, "rebuild", False), progress=shown)
    if index.note:
        _warn(index.note)
    return index


@contextlib.contextmanager
def _given(progress):
    yield progress


def _search_index(args):
    """The index for ``search``: the folder's reviews are read only if it is not fresh."""
    from ballerina_tui.corpus import CorpusError
    from ballerina_tui.index import ReviewIndex
    from ballerina_tui.paths import default_reviews_dir

    folder = args.reviews if args.reviews is not None else default_reviews_dir()
    if not Path(folder).is_dir():
        _load(args)  # the usual one-line error
    index = ReviewIndex.for_folder(folder)
    index.keep_checked_reader = True  # the Searcher reads with it (opened once)
    try:
        index.ensure()
    except CorpusError as exc:
        raise CliError(str(exc)) from None
    for problem in index.problems:
        _warn(problem)
    if index.note:
        _warn(index.note)
    return index


def safe(text) -> str:
    """The one display-safe form of any review-, file- or characters-derived string.

    Every human-facing print path of the CLI passes such strings through here (Rich
    tables, diff, report, claims, characters, highlights, export to stdout): control
    characters, escapes (OSC/CSI/DCS start with ESC), BEL, C1, U+2028/2029 and bidi
    overrides become visible stand-ins, so nothing reaches the terminal as a command.
    ``--json`` output does not use it: JSON escapes are exact.
    """
    from ballerina_tui.textutil import display_safe

    return display_safe(str(text))


def _write_output(target, text: str, *, force: bool) -> Path | None:
    """Write a report or an export by the rules of every ``-o`` option.

    ``-`` is standard output (returns ``None``); a device or a FIFO is written in place;
    a regular file is replaced atomically, keeps its mode, and only with ``force``; a
    folder, a missing folder or no permission is one clear line (exit 2). The text should
    already be display-safe (:func:`safe`): files keep the text, not the escapes.
    """
    from ballerina_tui.paths import OutputError, write_output

    if str(target) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    try:
        return write_output(Path(target).expanduser(), text, force=force)
    except OutputError as exc:
        raise CliError(str(exc)) from None


def _styled(text: str, spans, style: str):
    from rich.text import Text

    from ballerina_tui.textutil import display_safe

    out = Text(display_safe(text))
    for start, end in spans:
        out.stylize(style, start, end)
    return out


# --------------------------------------------------------------------------- commands


def cmd_list(args) -> int:
    corpus = _load(args)
    rows = [r.summary() for r in corpus.reviews]
    if args.json:
        _emit_json({"reviews": rows, "problems": [str(p) for p in corpus.problems]})
        return 0
    from rich.table import Table
    from rich.text import Text

    from ballerina_tui.textutil import display_safe

    table = Table(title=Text(display_safe(str(corpus.root))), title_justify="left")
    for column in ("id", "handle", "title", "kind", "rating", "words"):
        table.add_column(column, justify="right" if column == "words" else "left")
    for row in rows:
        table.add_row(
            *(
                Text(display_safe(str(row[c] if row[c] is not None else "—")))
                for c in ("id", "handle", "title", "kind", "rating", "words")
            )
        )
    _console().print(table)
    return 0


def cmd_search(args) -> int:
    from ballerina_tui.search import QueryError, Searcher

    query = " ".join(args.query)
    index = _search_index(args)
    try:
        with Searcher(index) as searcher:
            result = searcher.search(query, limit=args.limit)
    except QueryError as exc:
        raise CliError(f"bad query: {exc}") from None
    for note in result.notes:
        _warn(note)
    if args.json:
        data = result.to_json()
        _emit_json(data)
        return 0
    from rich.text import Text

    from ballerina_tui.textutil import display_safe

    console = _console()
    if result.corrected:
        few = any(note.startswith("only ") for note in result.notes)
        console.print(
            Text(
                f"{'few' if few else 'no'} results for {display_safe(query)}; showing results for "
                f"{display_safe(result.corrected)}",
                style="italic",
            )
        )
    if not result.hits:
        console.print(Text("no results", style="dim"))
        return 0
    shown = len(result.hits)
    console.print(Text(f"{shown} of {result.total} passage(s)", style="dim"))
    for n, hit in enumerate(result.hits, 1):
        head = Text.assemble(
            (f"{n:>2}. ", "dim"),
            (display_safe(hit.handle), "bold cyan"),
            " · ",
            (display_safe(hit.label), "italic"),
            (f"  [{hit.score:.2f}]", "dim"),
        )
        console.print(head)
        from rich.padding import Padding

        console.print(Padding(_styled(hit.text, hit.highlights, "bold reverse"), (0, 0, 0, 4)))
    return 0


def cmd_index(args) -> int:
    corpus = _load(args)
    index = _index(args, corpus)
    status = index.status()
    if args.json:
        _emit_json(status)
        return 0
    console = _console()
    from rich.text import Text

    from ballerina_tui.textutil import display_safe

    lines = [
        ("index", status["path"] or "(in memory)"),
        ("reviews", str(status["reviews"])),
        ("passages", str(status["passages"])),
        ("size", f"{status['bytes'] / 1024:.0f} KiB"),
    ]
    update = status["last_update"]
    if update:
        if update["rebuilt"]:
            lines.append(("update", f"rebuilt in {update['seconds']:.2f} s"))
        elif any(update[k] for k in ("added", "changed", "removed")):
            parts = [
                f"{k} {', '.join(update[k])}" for k in ("added", "changed", "removed") if update[k]
            ]
            lines.append(("update", "; ".join(parts) + f" in {update['seconds']:.2f} s"))
        else:
            lines.append(("update", "up to date"))
    for key, value in lines:
        console.print(Text.assemble((f"{key:>9}  ", "bold"), display_safe(value)))
    return 0


def cmd_app(args) -> int:
    from ballerina_tui.corpus import CorpusError

    try:
        from ballerina_tui.app.app import BallerinaApp
    except ImportError as exc:  # pragma: no cover - the app ships with the package
        raise CliError(f"the app is not available: {exc}") from None
    try:
        # Only the first review is read before the first frame; the app loads the rest.
        app = BallerinaApp.for_folder(args.reviews)
    except CorpusError as exc:
        raise CliError(str(exc)) from None
    for problem in app.corpus.problems:
        _warn(str(problem))
    app.run()
    code = app.return_code or 0
    if os.environ.get("BALLERINA_TUI_SLOW_EXIT"):
        return code
    # Quitting is instant: the terminal is restored and everything on disk is written
    # (highlights synchronously; an index write was cancelled whole before the app let
    # go), so skip tearing down the interpreter — freeing a large corpus, index and
    # claim analysis object by object took most of a second at 1,000 reviews, and a
    # background thread still stopping would compete with it for the GIL.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Read several reviews of one film side by side: search, characters, "
        "claim diffs and highlights. With no command, starts the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--reviews",
        metavar="DIR",
        default=os.environ.get(ENV_REVIEWS) or None,
        help=f"folder of review files (.md/.txt); default: ${ENV_REVIEWS} or the bundled reviews",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("list", help="list the reviews")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("search", help="search the reviews (Whoosh query syntax)")
    p.add_argument("query", nargs="+", help='e.g. Ruska, "Mother Ruska", character:Winston, mentr~')
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="at most N hits (default 10)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("index", help="show where the index lives and what it holds")
    p.add_argument("--rebuild", action="store_true", help="rebuild it from scratch")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_index)

    _add_engine_commands(sub)
    return parser


# Modules that add their own sub-commands with ``add_commands(subparsers)``.
COMMAND_MODULES = (
    "ballerina_tui.cli_claims",
    "ballerina_tui.cli_notes",
    "ballerina_tui.cli_add",
    "ballerina_tui.cli_corrections",
)


def _add_engine_commands(sub) -> None:
    import importlib

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.add_commands(sub)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.reviews is not None:
        args.reviews = Path(args.reviews).expanduser()
    if getattr(args, "limit", 1) is not None and getattr(args, "limit", 1) < 1:
        parser.error("--limit must be at least 1")
    func = getattr(args, "func", cmd_app)
    try:
        return func(args)
    except CliError as exc:
        from ballerina_tui.textutil import display_safe

        sys.stderr.write(f"{PROG}: error: {display_safe(str(exc))}\n")
        return 2
    except KeyboardInterrupt:
        # ctrl+c: the index writer was cancelled whole on the way out; no traceback.
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130
    except BrokenPipeError:
        # `ballerina-tui search x | head`: the reader went away; that's fine.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
