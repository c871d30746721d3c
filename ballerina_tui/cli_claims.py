"""Command-line forms of the claim engine: ``claims``, ``diff`` and ``report``."""

from __future__ import annotations

import sys
from itertools import islice

from ballerina_tui.cli import CliError, _console, _emit_json, _index, _load, _write_output, safe


def _analysis(args):
    from ballerina_tui.claims import analyze
    from ballerina_tui.cli_corrections import corrected_analysis
    from ballerina_tui.cli_progress import progress_bar

    corpus = _load(args)
    with progress_bar() as progress:  # on stderr, only when it is a terminal
        analysis = analyze(corpus, _index(args, corpus, progress), progress=progress)
    return corpus, corrected_analysis(corpus, analysis)


def _review_id(corpus, name: str) -> str:
    review = corpus.find(name)
    if review is None:
        known = ", ".join(r.id for r in corpus.reviews)
        raise CliError(f"no review called {name!r} (reviews: {known})")
    return review.id


# --------------------------------------------------------------------------- claims


def cmd_claims(args) -> int:
    corpus, analysis = _analysis(args)
    review = _review_id(corpus, args.review) if args.review else None
    if args.json:
        _stream_json(analysis.iter_json(review=review, unique_only=args.unique))
        return 0
    from rich.padding import Padding
    from rich.text import Text

    from ballerina_tui.styles import GLYPHS, STATUS_STYLES, reviewer_colours
    from ballerina_tui.textutil import display_safe

    colours = reviewer_colours(corpus.ids)
    console = _console()
    handles = {r.id: r.handle for r in corpus.reviews}
    counted = _counts(analysis)
    # Into a pipe or a file there is no colour to show and nothing to wrap to: plain lines,
    # one per claim, written straight (Rich spent 0.5 ms a line wrapping them to 80
    # columns: 78 s for 10,000 reviews' 154,749 claims).
    plain = not console.is_terminal
    current, lines = None, []

    def flush() -> None:
        # One print per review, not per claim: Rich's cost is mostly per call (a 1,000-review
        # listing took 26 s). Lines are wrapped one by one either way: the same output.
        if lines and plain:
            sys.stdout.write("".join("  " + line + "\n" for line in lines))
        elif lines:
            console.print(Padding(Text("\n").join(lines), (0, 0, 0, 2)))
        lines.clear()

    for claim in analysis.selected(review=review, unique_only=args.unique):
        if claim.review != current:
            flush()
            current = claim.review
            counts = counted.get(current) or {"unique": 0, "shared": 0, "conflict": 0}
            head = (
                (display_safe(handles[current]), f"bold {colours[current]}"),
                (
                    f"  {counts['unique']} unique · {counts['shared']} shared · "
                    f"{counts['conflict']} conflicting",
                    "dim",
                ),
            )
            if plain:
                sys.stdout.write("".join(text for text, _style in head) + "\n")
            else:
                console.print(Text.assemble(*head))
        status = claim.status
        text = display_safe(claim.text)
        if plain:
            # A claim can run over a line break of its paragraph: still one line per claim.
            text = text.replace("\n", " ")
        parts = [
            (f"{GLYPHS[status]} ", STATUS_STYLES[status]),
            (text, colours[claim.review] if status == "unique" else ""),
        ]
        if claim.shared_with:
            parts.append((safe(f"  = {_who(claim.shared_with, handles)}"), "dim"))
        if claim.contradicts:
            parts.append((safe(f"  ≠ {', '.join(claim.contradicts)}"), "red"))
        lines.append("".join(text for text, _style in parts) if plain else Text.assemble(*parts))
    flush()
    return 0


# At most this many reviewers are named after a shared claim in the plain listing; the
# rest are counted ("and 4,993 more"). A group spanning thousands of reviews would
# otherwise print thousands of handles after each of its thousands of claims (about 2.5 GB
# of text at 10,000 generated reviews). ``--json`` lists them all.
SHARED_NAMED = 12


def _who(shared_with, handles: dict[str, str]) -> str:
    named = [handles[r] for r in islice(shared_with, SHARED_NAMED)]
    more = len(shared_with) - len(named)
    return ", ".join(named) + (f" and {more:,} more" if more > 0 else "")


def _counts(analysis) -> dict[str, dict[str, int]]:
    """``analysis.counts`` of every review, in one pass over the claims."""
    out: dict[str, dict[str, int]] = {}
    for claim in analysis.claims:
        counts = out.setdefault(claim.review, {"unique": 0, "shared": 0, "conflict": 0})
        counts[claim.status] += 1
    return out


def _stream_json(pieces, size: int = 1 << 20) -> None:
    """Write a document given in pieces, about ``size`` characters at a time."""
    out, held, batch = sys.stdout, 0, []
    for piece in pieces:
        batch.append(piece)
        held += len(piece)
        if held >= size:
            out.write("".join(batch))
            batch, held = [], 0
    batch.append("\n")
    out.write("".join(batch))


# --------------------------------------------------------------------------- diff


def _diff_json(analysis, shown: list[str], rows) -> dict:
    from ballerina_tui.claims import word_diff

    out_rows = []
    for row in rows:
        cells = {}
        pair = [c for r in shown for c in row.cells[r]]
        for rid in shown:
            items = []
            for claim in row.cells[rid]:
                item = claim.to_json()
                item["status"] = claim.status
                if row.kind == "shared" and len(pair) > 1:
                    other = next(c for c in pair if c.review != rid)
                    item["differs"] = [list(s) for s in word_diff(claim.text, other.text)[0]]
                items.append(item)
            cells[rid] = items
        out_rows.append({"kind": row.kind, "group": row.group, "cells": cells})
    return {
        "reviews": [
            {"id": r.id, "handle": r.handle, "title": r.title}
            for r in analysis.reviews
            if r.id in shown
        ],
        "rows": out_rows,
    }


def render_diff(analysis, shown: list[str], rows, *, width: int | None = None):
    """A Rich table: one column per review, a glyph column, aligned rows."""
    from rich.table import Table
    from rich.text import Text

    from ballerina_tui.claims import word_diff
    from ballerina_tui.styles import GLYPHS, reviewer_colours
    from ballerina_tui.textutil import display_safe

    colours = reviewer_colours([r.id for r in analysis.reviews])
    handles = {r.id: r.handle for r in analysis.reviews}
    table = Table(show_lines=False, expand=True, pad_edge=False, box=None, padding=(0, 1))
    table.add_column("", width=1, no_wrap=True)
    for rid in shown:
        table.add_column(Text(display_safe(handles[rid]), style=f"bold {colours[rid]}"), ratio=1)
    for row in rows:
        cells = []
        pair = [c for r in shown for c in row.cells[r]]
        for rid in shown:
            text = Text()
            for n, claim in enumerate(row.cells[rid]):
                if n:
                    text.append("\n")
                piece = Text(display_safe(claim.text))
                if row.kind == "unique":
                    piece.stylize(colours[rid])
                elif row.kind == "conflict":
                    piece.stylize("red")
                elif len(pair) > 1:
                    other = next(c for c in pair if c.review != rid)
                    for s, e in word_diff(claim.text, other.text)[0]:
                        piece.stylize("bold underline", s, e)
                text.append_text(piece)
            cells.append(text)
        glyph = GLYPHS[row.kind]
        table.add_row(Text(glyph, style="bold red" if row.kind == "conflict" else "bold"), *cells)
    return table


def _print_agreement(console, analysis, shown: list[str], only: str | None) -> None:
    """Many reviewers: one row per claim group, most agreed on first, each claim in full."""
    from rich.padding import Padding
    from rich.text import Text

    from ballerina_tui.agreement import agreement_rows, headline
    from ballerina_tui.agreement import bar as agreement_bar
    from ballerina_tui.styles import GLYPHS
    from ballerina_tui.textutil import display_safe

    handles = {r.id: r.handle for r in analysis.reviews}
    rows = agreement_rows(analysis, shown)
    top = headline(rows)
    console.print(
        Text.assemble(
            (f"{len(shown)} reviewers: ", "bold"),
            f"{top['shared']} claims shared, {top['unique']} said by only one, "
            f"{top['conflict']} in conflict",
        )
    )
    if top["consensus"]:
        best = top["consensus"][0]
        console.print(
            Text.assemble(
                ("most agree: ", "bold"),
                (best.label + " ", "bold green"),
                display_safe(best.claim.text),
            )
        )
    console.print()
    for row in rows:
        if only and row.status != only:
            continue
        style = "bold red" if row.status == "conflict" else "bold"
        console.print(
            Text.assemble(
                (f"{GLYPHS[row.status]} ", style),
                (f"{row.count:>3} of {row.total} ", "bold"),
                (agreement_bar(row.count, row.total) + "  ", "cyan"),
                display_safe(row.claim.text),
            )
        )
        who = ", ".join(handles.get(r, r) for r in row.reviews[:8])
        more = f" and {row.count - 8} more" if row.count > 8 else ""
        console.print(Padding(Text(display_safe(who + more), style="dim"), (0, 0, 0, 6)))
    console.print(
        Text(
            "= said by several · + by only one · ≠ they contradict; "
            "name two to four reviews for side-by-side columns",
            style="dim",
        )
    )


def cmd_diff(args) -> int:
    from ballerina_tui.claims import diff_rows

    corpus, analysis = _analysis(args)
    names = args.reviews_to_compare
    if len(names) == 1:
        raise CliError("diff needs two reviews (or none, to compare all of them)")
    shown = [_review_id(corpus, n) for n in names] if names else corpus.ids
    if len(set(shown)) != len(shown):
        raise CliError("diff needs two different reviews")
    rows = diff_rows(analysis, shown)
    if args.only:
        rows = [r for r in rows if r.kind == args.only]
    if args.json:
        _emit_json(_diff_json(analysis, shown, rows))
        return 0
    from rich.text import Text

    from ballerina_tui.styles import GLYPHS

    console = _console()
    from ballerina_tui.agreement import SIDE_BY_SIDE_MAX

    if len(shown) > SIDE_BY_SIDE_MAX:
        _print_agreement(console, analysis, shown, args.only)
        return 0
    console.print(render_diff(analysis, shown, rows))
    legend = Text.assemble(
        (f"{GLYPHS['unique']} ", "bold"),
        "only this reviewer (in their colour)   ",
        (f"{GLYPHS['shared']} ", "bold"),
        "said by several (differing words underlined)   ",
        (f"{GLYPHS['conflict']} ", "bold red"),
        "they contradict each other",
        style="dim",
    )
    console.print(legend)
    return 0


# --------------------------------------------------------------------------- report


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines() or [""])


def _cite(corpus, claim) -> str:
    """A claim's heading, or its paragraph ("¶ 3") in a review without headings."""
    return corpus.section_label(claim.review, claim.start, claim.section)


def build_report(corpus, analysis) -> str:
    """The Markdown report: the consensus with agreement counts first, then what each
    reviewer alone claims, the shared claims in full, and the conflicts."""
    from ballerina_tui.textutil import one_line

    handles = {r.id: r.handle for r in corpus.reviews}
    total = len(corpus.reviews)
    title = corpus.film or str(corpus.root)
    out = [f"# Claims report: {title}", ""]
    out.append(
        f"{total} reviews: "
        + ", ".join(f"**{r.handle}** ({r.title})" for r in corpus.reviews)
        + "."
    )
    out.append("")
    from ballerina_tui.agreement import agreement_rows, headline

    rows = agreement_rows(analysis)
    top = headline(rows)
    out += [
        "## What most reviewers agree on",
        "",
        f"{top['shared']} claims made by two or more reviewers, {top['unique']} by only one, "
        f"{top['conflict']} in conflict. The most shared first:",
        "",
    ]
    for row in [r for r in rows if r.count > 1][:10]:
        out += [f"- **{row.count} of {total}**: {one_line(row.claim.text, 300)}"]
    out.append("")
    out.append("## What each reviewer alone claims")
    for review in corpus.reviews:
        unique = [c for c in analysis.for_review(review.id) if c.unique]
        out += ["", f"### {review.handle}: {len(unique)} claim(s) no one else makes", ""]
        for claim in unique:
            out += [_quote(claim.text), f"— *{_cite(corpus, claim)}*", ""]
    out += ["## Shared claims", ""]
    shared = [g for g in analysis.groups if len(g.reviews) > 1]
    shared.sort(key=lambda g: (-len(g.reviews), g.id))
    for group in shared:
        out += [
            f"### {len(group.reviews)} of {total} reviewers: "
            + ", ".join(handles[r] for r in group.reviews),
            "",
        ]
        for cid in group.claims:
            claim = analysis.claim(cid)
            out += [_quote(claim.text), f"— {handles[claim.review]}, *{_cite(corpus, claim)}*", ""]
    out += ["## Conflicts", ""]
    if not analysis.conflicts:
        out += ["No conflicting claims found.", ""]
    for conflict in analysis.conflicts:
        a, b = analysis.claim(conflict.a), analysis.claim(conflict.b)
        out += [f"### {handles[a.review]} ≠ {handles[b.review]}: {conflict.reason}", ""]
        out += [_quote(a.text), f"— {handles[a.review]}, *{_cite(corpus, a)}*", ""]
        out += [_quote(b.text), f"— {handles[b.review]}, *{_cite(corpus, b)}*", ""]
    # Reviews are user input: the report keeps their text but no control character or
    # escape, whether it goes to the terminal or to a file.
    return safe("\n".join(out).rstrip() + "\n")


def cmd_report(args) -> int:
    corpus, analysis = _analysis(args)
    text = build_report(corpus, analysis)
    path = _write_output(args.output or "-", text, force=args.force)
    if path is not None:
        sys.stderr.write(safe(f"wrote {path}") + "\n")
    return 0


def add_commands(sub) -> None:
    p = sub.add_parser("claims", help="the claims of each review: unique, shared, conflicting")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--review", metavar="ID", help="only this review (id or handle)")
    p.add_argument("--unique", action="store_true", help="only claims no other reviewer makes")
    p.set_defaults(func=cmd_claims)

    p = sub.add_parser("diff", help="side-by-side claims of two reviews (or all)")
    p.add_argument(
        "reviews_to_compare",
        nargs="*",
        metavar="REVIEW",
        help="two review ids or handles; none compares all reviews",
    )
    p.add_argument("--only", choices=("unique", "shared", "conflict"), help="show only these rows")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("report", help="a Markdown report of unique, shared and conflicting claims")
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (default, or -: standard output)"
    )
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(func=cmd_report)
