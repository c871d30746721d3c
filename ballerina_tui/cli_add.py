"""``ballerina-tui add URL|FILE.html|FILE.txt``: add a review from the web (or a saved page).

The work is done by :mod:`ballerina_tui.webimport` (the app's "Add review" dialog calls the
same function); this module only parses options and prints. trafilatura is imported only
when the command runs.
"""

from __future__ import annotations

import argparse
import sys


def cmd_add(args) -> int:
    from ballerina_tui.cli import CliError, _console, _emit_json, _warn
    from ballerina_tui.webimport import ImportFailed, import_review

    if args.timeout <= 0:
        raise CliError("--timeout must be more than 0 seconds")
    try:
        result = import_review(
            args.source,
            args.reviews,
            review_id=args.id,
            handle=args.handle,
            force=args.force,
            timeout=args.timeout,
        )
    except ImportFailed as exc:
        raise CliError(str(exc)) from None
    for note in result.notes:
        _warn(note)
    if args.json:
        _emit_json(result.to_json())
        return 0
    from rich.text import Text

    from ballerina_tui.textutil import display_safe

    console = _console()
    verb = "replaced" if result.replaced else "added"
    console.print(
        Text.assemble(
            (f"{verb} ", "bold"),
            (display_safe(result.id), "bold cyan"),
            f": {result.words:,} words, {len(result.sections)} section(s), ",
            (display_safe(result.title), "italic"),
        )
    )
    console.print(Text(f"  file    {display_safe(str(result.path))}"))
    console.print(Text(f"  source  {display_safe(result.source)}"))
    if result.index is not None:
        touched = result.index["added"] + result.index["changed"]
        console.print(
            Text(
                f"  index   updated ({display_safe(', '.join(touched)) or 'no change'}) in "
                f"{result.index['seconds']:.2f} s"
            )
        )
    if args.reviews is None:
        console.print(
            Text(
                f"  This is your own review folder. Open it with: "
                f"ballerina-tui --reviews {display_safe(str(result.folder))}",
                style="dim",
            )
        )
    return 0


def add_commands(sub) -> None:
    from ballerina_tui.webimport.limits import DEFAULT_TIMEOUT

    p = sub.add_parser(
        "add",
        help="add a review from a web page, a saved .html page or a .txt file",
        description="Fetch the page (or read the file), keep the article's text and write it "
        "as a Markdown review with front matter into the review folder, then update the "
        "index. Without --reviews the review goes to your own folder under the user data "
        "directory (the bundled reviews are part of the package).",
    )
    p.add_argument("source", metavar="URL|FILE", help="http(s) URL, or a saved .html/.txt file")
    # Also accepted after the command (`add URL --reviews DIR`); SUPPRESS keeps the value
    # given before the command when it is not repeated here.
    p.add_argument("--reviews", metavar="DIR", default=argparse.SUPPRESS, help="review folder")
    p.add_argument("--id", metavar="ID", help="the review's id (default: from the author or site)")
    p.add_argument(
        "--handle", metavar="H", help="the reviewer's short name (default: author or site)"
    )
    p.add_argument(
        "--force", action="store_true", help="replace a review with the same source or text"
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up fetching after this long (default {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_add)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: ballerina-tui add URL")
