"""Turning an article into a review file in a folder: front matter, duplicates, the write.

The front matter is made with ``yaml.safe_dump`` (values quoted by YAML, never by string
formatting), the file is parsed back with the corpus loader before it is written, and it
is written with :func:`ballerina_tui.paths.atomic_write_text`: the folder holds the old
state or the new file, never half a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ballerina_tui.corpus import (
    ReviewFileError,
    iter_review_files,
    load_review,
    parse_blocks,
    split_front_matter,
)
from ballerina_tui.textutil import fold, one_line, slugify
from ballerina_tui.webimport.errors import ImportFailed
from ballerina_tui.webimport.extract import Article

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")
SAME_TEXT = 0.9  # share of the new review's paragraph text already in one review


def normalize_url(url: str) -> str:
    """A URL as compared for duplicates: scheme and host lower-cased, no fragment, no
    default port, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port not in (None, 80 if scheme == "http" else 443) else None
    netloc = f"{host}:{port}" if port else host
    path = parts.path.rstrip("/")
    if not scheme and not host:
        return url.strip()
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def make_handle(article: Article, given: str | None) -> str:
    raw = given or article.author or article.sitename or "web"
    handle = re.sub(r"\s+", "-", one_line(raw, 200))[:40].strip("-")
    return handle or "web"


def render(article: Article, *, review_id: str, handle: str, source: str) -> str:
    """The review file's text: YAML front matter, then the article."""
    import yaml

    meta: dict[str, str] = {"id": review_id, "handle": handle}
    meta["title"] = article.title or review_id
    meta["kind"] = "review"
    if article.date:
        meta["date"] = article.date
    meta["source"] = source
    if article.author:
        meta["author"] = article.author
    if article.sitename:
        meta["site"] = article.sitename
    front = yaml.safe_dump(
        meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
    )
    body = article.body
    if article.markdown and article.title and not body.lstrip().startswith("# "):
        body = f"# {article.title}\n\n{body}"
    return f"---\n{front}---\n\n{body}\n"


@dataclass
class Parsed:
    """The new file as the loader will see it."""

    words: int
    sections: list[str]
    paragraphs: list[str]


def _paragraph_keys(text: str, blocks) -> list[str]:
    out = []
    for block in blocks:
        if block.kind == "heading":
            continue
        key = " ".join(fold(text[block.start : block.end]).split())
        if key:
            out.append(key)
    return out


def parse_rendered(text: str, *, markdown: bool) -> Parsed:
    """Parse the file text with the corpus loader's own functions (a self-check)."""
    from ballerina_tui.textutil import word_count

    try:
        meta, body_start = split_front_matter(text)
    except ReviewFileError as exc:  # pragma: no cover - we made it with safe_dump
        raise ImportFailed(f"internal error: the front matter does not read back ({exc})") from None
    blocks = parse_blocks(text, body_start, markdown=markdown, title=str(meta.get("title", "")))
    sections = list(dict.fromkeys(b.section for b in blocks))
    words = sum(word_count(text[b.start : b.end]) for b in blocks)
    return Parsed(words=words, sections=sections, paragraphs=_paragraph_keys(text, blocks))


@dataclass
class Existing:
    id: str
    path: Path
    source: str | None
    paragraphs: list[str]


def existing_reviews(folder: Path) -> list[Existing]:
    """The reviews already in ``folder`` (files that cannot be read are skipped)."""
    if not folder.is_dir():
        return []
    out = []
    for path in iter_review_files(folder, []):
        try:
            review = load_review(path, root=folder)
        except (ReviewFileError, OSError, ValueError, RecursionError):
            continue
        out.append(
            Existing(
                id=review.id,
                path=path,
                source=review.source,
                paragraphs=_paragraph_keys(review.text, review.blocks),
            )
        )
    return out


def find_duplicate(
    existing: list[Existing], sources: list[str], paragraphs: list[str]
) -> tuple[Existing, str] | None:
    """The review that is the same as the new one (same source URL, or the same text)."""
    wanted = {normalize_url(s) for s in sources if s}
    for item in existing:
        if item.source and normalize_url(item.source) in wanted:
            return item, f"{item.source} was already added as '{item.id}' ({item.path.name})"
    total = sum(len(p) for p in paragraphs)
    if not total:
        return None
    for item in existing:
        have = set(item.paragraphs)
        shared = sum(len(p) for p in paragraphs if p in have)
        if shared >= SAME_TEXT * total:
            return item, f"the same text is already in the folder as '{item.id}' ({item.path.name})"
    return None


def choose_id(base: str, taken: set[str], folder: Path, suffix: str) -> str:
    """``base``, or ``base-2``, ``base-3``… : an id no review and no file in the folder uses."""
    stem = base[:70].strip("-.") or "review"
    candidate = stem
    n = 2
    while candidate in taken or (folder / f"{candidate}{suffix}").exists():
        candidate = f"{stem}-{n}"
        n += 1
    return candidate


def default_id(article: Article, handle: str) -> str:
    return slugify(handle)[:40].strip("-") or slugify(article.title or "review")[:40].strip("-")


def check_id(review_id: str) -> str:
    if not ID_RE.fullmatch(review_id):
        raise ImportFailed(
            f"bad --id {one_line(review_id, 40)!r}: use letters, digits, '-', '_' or '.' (at most 80)"
        )
    return review_id
