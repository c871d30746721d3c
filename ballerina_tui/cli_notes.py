"""Commands for highlights and character cards: ``export``, ``highlights``, ``characters``.

They call the same engine functions as the app (:mod:`ballerina_tui.highlights`,
:mod:`ballerina_tui.export`, :mod:`ballerina_tui.cards`). No Textual import.
"""

from __future__ import annotations

import sys

from ballerina_tui.cli import CliError, _emit_json, _index, _load, _warn, _write_output, safe


def try_analyze(corpus, index=None):
    """The claim analysis, or ``None`` (with a warning) when the engine cannot run."""
    from ballerina_tui.claims import analyze
    from ballerina_tui.cli_corrections import corrected_analysis
    from ballerina_tui.cli_progress import progress_bar

    try:
        with progress_bar() as progress:  # on stderr, only when it is a terminal
            return corrected_analysis(corpus, analyze(corpus, index, progress=progress))
    except NotImplementedError:
        _warn("the claim engine is not available; claim status tags are left out")
        return None


def _characters(args, corpus, *, discovered: bool = False):
    from ballerina_tui.characters import CharactersError, corpus_characters, load_characters

    try:
        file_set = load_characters(corpus.characters_path)
        # Export tags what the file names; the cards add the people the reviews name.
        return corpus_characters(corpus, file_set) if discovered else file_set
    except CharactersError as exc:
        line = f":{exc.line}" if exc.line else ""
        raise CliError(f"{corpus.characters_path}{line}: {exc}") from None


def _store(corpus):
    from ballerina_tui.highlights import HighlightStore

    store = HighlightStore.for_corpus(corpus)
    if store.note:
        _warn(store.note)
    return store


def cmd_export(args) -> int:
    from ballerina_tui.export import DEFAULT_EXPORT_NAME, render_markdown

    corpus = _load(args)
    characters = _characters(args, corpus)
    store = _store(corpus)
    index = _index(args, corpus)
    analysis = try_analyze(corpus, index)
    text = render_markdown(
        corpus, store.in_corpus_order(corpus), characters=characters, analysis=analysis
    )
    path = _write_output(args.output or DEFAULT_EXPORT_NAME, text, force=args.force)
    if path is None:  # `-o -`: the export itself went to standard output
        return 0
    if args.json:
        _emit_json({"path": str(path), "highlights": len(store.items)})
    else:
        sys.stdout.write(safe(f"wrote {len(store.items)} highlight(s) to {path}") + "\n")
    return 0


def cmd_highlights(args) -> int:
    from ballerina_tui.highlights import locate
    from ballerina_tui.textutil import one_line

    corpus = _load(args)
    store = _store(corpus)
    rows = []
    for item in store.in_corpus_order(corpus):
        review = corpus.find(item.review)
        where = locate(item, review) if review is not None else None
        data = item.to_dict()
        data["found"] = where is not None
        if where is not None:
            data["start"], data["end"] = where
        rows.append(data)
    if args.json:
        _emit_json({"path": str(store.path), "highlights": rows})
        return 0
    if not rows:
        sys.stdout.write("no highlights yet (press h in the app)\n")
        return 0
    for row in rows:
        missing = "" if row["found"] else "  (no longer in the review)"
        sys.stdout.write(
            safe(f"{row['id']}  {row['review']} · {row['section'] or '—'}{missing}") + "\n"
        )
        sys.stdout.write(safe(f"    {one_line(row['text'], 160)}") + "\n")
        if row["note"]:
            sys.stdout.write(safe(f"    note: {one_line(row['note'], 160)}") + "\n")
    return 0


def cmd_characters(args) -> int:
    from ballerina_tui.cards import build_cards, find_cards

    corpus = _load(args)
    characters = _characters(args, corpus, discovered=True)
    index = _index(args, corpus) if len(characters) else None
    if index is not None:
        index.characters = characters
    analysis = try_analyze(corpus, index) if index is not None else None
    cards = build_cards(corpus, characters, analysis)
    if args.name:
        cards = find_cards(cards, characters, args.name)
        if not cards:
            raise CliError(f"no character called {args.name!r}")
    if args.json:
        _emit_json({"characters": [c.to_json() for c in cards]})
        return 0
    from rich.text import Text

    from ballerina_tui.cli import _console
    from ballerina_tui.textutil import display_safe

    console = _console()
    if not cards:
        console.print(Text("no characters named in these reviews (a characters.yaml adds some)"))
        return 0
    for card in cards:
        ch = card.character
        head = Text(display_safe(ch.name), style="bold")
        if ch.actor:
            head.append(f"  ({display_safe(ch.actor)})", style="italic")
        console.print(head)
        if ch.aliases:
            console.print(Text("  aka " + display_safe(", ".join(ch.aliases)), style="dim"))
        if ch.description:
            console.print(Text("  " + display_safe(ch.description)))
        if ch.role and ch.role != "character":
            console.print(Text(f"  {ch.role}", style="italic"))
        counts = ", ".join(f"{r.handle} {r.count}" for r in card.reviewers if r.count)
        console.print(
            Text(
                f"  named by {card.readers} of {card.reviewer_count} reviewers, "
                f"{card.total} time(s): " + display_safe(counts),
                style="dim",
            )
        )
        for line in card.reviewers:
            for claim in line.claims:
                glyph = {"unique": "+", "shared": "=", "conflict": "≠"}[claim.status]
                console.print(
                    Text(f"  {glyph} {display_safe(line.handle)}: {display_safe(claim.text)}")
                )
        console.print()
    return 0


def add_commands(sub) -> None:
    p = sub.add_parser("export", help="export highlights to Markdown")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write (default ./ballerina-highlights.md; - for standard output)",
    )
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("highlights", help="list the highlights kept for these reviews")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_highlights)

    p = sub.add_parser("characters", help="character cards: who, mentions, claims")
    p.add_argument("name", nargs="?", help="one character (name, alias or actor)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_characters)
