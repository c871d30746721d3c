"""Exporting highlights to Markdown. No Textual import.

The file has YAML front matter (title, film, reviewers, exported date) and a section per
reviewer; each highlight is a block quote followed by a citation line (reviewer, section),
its claim status tag (``#unique``, ``#shared``, ``#conflict``), its stable id, the note and
``[[Character]]`` links for the characters it mentions. The whole file is written from the
stored highlights each time, so exporting again never duplicates anything.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ballerina_tui.corpus import Corpus
from ballerina_tui.highlights import Highlight, locate
from ballerina_tui.paths import write_output
from ballerina_tui.textutil import display_safe, has_invisible

DEFAULT_EXPORT_NAME = "ballerina-highlights.md"
STATUS_ORDER = ("conflict", "unique", "shared")


def span_status(analysis, review_id: str, start: int, end: int) -> str | None:
    """The claim status of a span: the status of the claims it overlaps.

    A span touching a conflicting claim is ``conflict``; else one touching a claim only
    this review makes is ``unique``; else ``shared``. ``None`` without analysis or claims.
    """
    if analysis is None:
        return None
    statuses = {
        c.status
        for c in analysis.for_review(review_id)
        if c.start < end and start < c.end or (start == end and c.start <= start < c.end)
    }
    return next((s for s in STATUS_ORDER if s in statuses), None)


def _quote(text: str) -> list[str]:
    lines = display_safe(text).split("\n")
    return [f"> {line}".rstrip() for line in lines]


def render_markdown(
    corpus: Corpus,
    highlights: list[Highlight],
    *,
    characters=None,
    analysis=None,
    exported: date | None = None,
    title: str | None = None,
) -> str:
    """The Markdown export of ``highlights`` (in corpus order, grouped by reviewer)."""
    import yaml

    exported = exported or date.today()
    film = corpus.film or (characters.film if characters is not None else None)
    by_review: dict[str, list[Highlight]] = {}
    for item in highlights:
        by_review.setdefault(item.review, []).append(item)
    reviews = [r for r in corpus.reviews if r.id in by_review]
    orphans = [rid for rid in by_review if rid not in {r.id for r in corpus.reviews}]
    front = {
        "title": title or (f"Highlights: {film}" if film else "Highlights"),
        "film": film,
        "reviewers": [r.handle for r in reviews] + orphans,
        "exported": exported.isoformat(),
        "highlights": len(highlights),
    }
    # The front matter keeps exact values; YAML escapes control characters itself, and a
    # bidi override or zero-width character makes us dump with escapes (\\u202E) instead.
    plain = not any(has_invisible(str(v)) for v in [*front.values(), *front["reviewers"]])
    dumped = yaml.safe_dump(front, allow_unicode=plain, sort_keys=False).rstrip()
    out = ["---", dumped, "---", ""]
    head = len(out)
    # The film comes from a review's front matter: never let its bytes reach the heading raw.
    out.append(f"# {display_safe(' '.join(front['title'].split()))}")
    out.append("")
    if not highlights:
        out.append("_No highlights yet._")
        out.append("")
    sections = [(r.id, r.handle, r.title, r) for r in reviews] + [
        (rid, rid, "(review no longer in the folder)", None) for rid in orphans
    ]
    for rid, handle, review_title, review in sections:
        out.append(f"## {display_safe(handle)} — {display_safe(review_title)}")
        out.append("")
        items = by_review[rid]
        placed = []
        for item in items:
            where = locate(item, review) if review is not None else None
            placed.append((where[0] if where else 1 << 60, item, where))
        for _, item, where in sorted(placed, key=lambda t: (t[0], t[1].id)):
            out.extend(_quote(item.text))
            section = (
                review.section_label(where[0]) if (review and where) else item.section or "\u2014"
            )
            status = span_status(analysis, rid, *where) if where else None
            cite = f"— **{display_safe(handle)}**, _{display_safe(section or '')}_"
            tags = f" #{status}" if status else ""
            out.append(">")
            out.append(f"> {cite}{tags} · id: `{item.id}`")
            if where is None:
                out.append("> _(this passage is no longer in the review)_")
            out.append("")
            if item.note:
                out.append(f"**Note:** {display_safe(item.note).strip()}")
                out.append("")
            if characters is not None:
                names = [characters.get(cid).name for cid in characters.mentioned(item.text)]
                if names:
                    out.append("Characters: " + " ".join(f"[[{display_safe(n)}]]" for n in names))
                    out.append("")
    # Files keep the text but never the escapes: the whole body goes through the same
    # display-safe function as the terminal, so `export -o -` and the file are one thing.
    body = display_safe("\n".join(out[head:]))
    return "\n".join(out[:head]) + "\n" + body.rstrip("\n") + "\n"


def write_export(path: Path, text: str, *, force: bool = False) -> Path:
    """Write the export by the ``-o`` rules of :func:`ballerina_tui.paths.write_output`.

    A regular file is replaced atomically and only with ``force``; a device or a FIFO is
    written in place. Raises ``FileExistsError`` for an existing file without ``force``
    and :class:`~ballerina_tui.paths.OutputError` for anything else that cannot be written.
    """
    path = Path(path).expanduser()
    if path.is_file() and not force:
        raise FileExistsError(str(path))
    return write_output(path, text, force=force)
