"""The article in a page: its text as Markdown, and its metadata, with trafilatura.

trafilatura (https://trafilatura.readthedocs.io) removes the page furniture (navigation,
ads, comment sections, related links, share buttons), keeps headings as Markdown ``#``
headings and paragraphs as paragraphs, and reads the title, author, date and site name
from the page's metadata. It is imported here, inside the functions, and nowhere else.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from ballerina_tui.textutil import one_line, word_count
from ballerina_tui.webimport.errors import ImportFailed

MIN_WORDS = 40  # less than this is a teaser, a login form or an error page, not a review
# trafilatura's cost grows faster than the number of elements (2-core machine, see
# benchmarks/bench_add.py: 10,000 paragraphs 2.7 s, 40,000 18 s). Above FAST_ABOVE it runs
# without its fallback extractors; above MAX_ELEMENTS the page is refused.
FAST_ABOVE = 5_000
MAX_ELEMENTS = 25_000
_TAG = re.compile(r"<[A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PASSWORD = re.compile(r"<input[^>]+type\s*=\s*[\"']?password", re.I)
_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer")


@dataclass
class Article:
    """What was found: Markdown text (no front matter) and what the page says about it."""

    body: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    sitename: str | None = None
    url: str | None = None
    markdown: bool = True


def _quiet() -> None:
    # trafilatura and its helpers log warnings ("discarding data", …) that would reach
    # stderr through logging's last-resort handler and break our one-line errors.
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def clean_text(text: str) -> str:
    """Newlines as ``\\n``, no control characters, no trailing spaces, no runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


def _field(value) -> str | None:
    if value is None:
        return None
    text = one_line(_CONTROL.sub("", str(value)), 200)
    return text or None


def extract_html(html: str, *, url: str | None = None) -> Article:
    """The article of an HTML page, or :class:`ImportFailed` when there is none."""
    _quiet()
    try:
        from trafilatura import bare_extraction
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ImportFailed(
            f"trafilatura is not installed ({exc}); reinstall ballerina-tui"
        ) from None
    if not html.strip():
        raise ImportFailed("the page is empty")
    elements = sum(1 for _ in _TAG.finditer(html))
    if elements > MAX_ELEMENTS:
        raise ImportFailed(
            f"the page is too large to read ({elements:,} HTML elements; at most {MAX_ELEMENTS:,})"
        )
    try:
        # trafilatura's own Markdown output escapes characters (``\\*``) and adds emphasis
        # marks, so the words would no longer be the article's: we walk its tree instead.
        doc = bare_extraction(
            html,
            url=url,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=True,
            deduplicate=False,
            with_metadata=True,
            # Precision over recall: on a short review the default let a banner ad and
            # the byline in (measured over the bundled and the shared films' pages).
            favor_precision=True,
            fast=elements > FAST_ABOVE,
        )
        body = tree_to_markdown(doc.body) if doc is not None and doc.body is not None else ""
    except ImportFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - lxml/trafilatura on hostile HTML
        raise ImportFailed(
            f"cannot read the page: {one_line(str(exc) or type(exc).__name__, 100)}"
        ) from None
    body = clean_text(body)
    if word_count(body) < MIN_WORDS:
        if _PASSWORD.search(html):
            raise ImportFailed("the page asks for a password: it is behind a login, not an article")
        raise ImportFailed("nothing article-like found on the page")
    return Article(
        body=body,
        title=_field(doc.title),
        author=_field(doc.author),
        date=_field(doc.date),
        sitename=_field(doc.sitename) or _field(doc.hostname),
        url=_field(doc.url),
    )


# --------------------------------------------------------------------------- tree -> Markdown


def _inline(element) -> str:
    """The text of an element, line breaks (``<lb/>``) kept, other whitespace folded."""
    parts: list[str] = []

    def walk(node) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == "lb":
                parts.append("\n")
            elif child.tag not in ("graphic",):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _heading_level(element) -> int:
    match = re.fullmatch(r"h([1-6])", (element.get("rend") or "").strip().lower())
    return int(match.group(1)) if match else 2


def tree_to_markdown(body) -> str:
    """trafilatura's XML body as Markdown blocks: ``#`` headings, paragraphs, ``-`` items.

    Only block structure is added; the words are left exactly as they were (no escaping,
    no emphasis marks), so every sentence of the article can be found verbatim.
    """
    blocks: list[str] = []

    def add(text: str) -> None:
        if text.strip():
            blocks.append(text)

    def walk(node) -> None:
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "head":
                text = " ".join(_inline(child).split())
                if text:
                    add("#" * _heading_level(child) + " " + text)
            elif tag == "list":
                ordered = (child.get("rend") or "").lower() == "ol"
                n = 0
                for item in child:
                    if item.tag != "item":
                        continue
                    text = " ".join(_inline(item).split())
                    if text:
                        n += 1
                        add(f"{n}. {text}" if ordered else f"- {text}")
            elif tag == "table":
                for row in child.iter("row"):
                    cells = [" ".join(_inline(cell).split()) for cell in row]
                    add(" | ".join(c for c in cells if c))
            elif tag in ("quote", "div", "main", "body", "section"):
                if any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in child):
                    walk(child)
                else:
                    add(_inline(child))
            elif tag in ("graphic",):
                continue
            else:  # p, code and anything else: a paragraph
                add(_inline(child))

    walk(body)
    return "\n\n".join(blocks)


_BLOCK_TAGS = {"p", "head", "list", "table", "quote", "div", "code", "section"}


def extract_text(text: str) -> Article:
    """A plain-text review: kept as it is; the title is its first line."""
    body = clean_text(text)
    if word_count(body) < MIN_WORDS:
        raise ImportFailed("the file holds too little text to be a review")
    first = next((line for line in body.split("\n") if line.strip()), "")
    return Article(body=body, title=_field(first), markdown=False)
