"""Loading a folder of reviews.

A review is a ``.md``/``.markdown``/``.txt`` file, optionally with YAML front matter. The
loader never trusts the file: bad encodings, malformed or hostile front matter, duplicate
ids and unreadable files become :class:`LoadProblem` entries (file and line, one line of
text) and the other reviews load as usual.

All offsets (``start``/``end`` of blocks, passages, claims) index :attr:`Review.text`: the
file decoded to ``str`` with a byte-order mark removed and ``\\r\\n``/``\\r``/U+0085 turned
into ``\\n`` (what ``open(path, encoding="utf-8").read()`` gives for an ordinary file), and
with HTML line breaks, paragraph tags, simple inline tags and character references in the
body turned into text (``<br /><br />`` → a blank line, ``<i>`` → nothing, ``&amp;`` → ``&``).
For a file without HTML that is the file's text itself; otherwise
:meth:`Review.file_span` maps any span back to where it came from in the file's text
(:attr:`Review.file_text`).
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ballerina_tui.front_matter import (  # noqa: F401 - re-exported
    MAX_FRONT_MATTER_CHARS,
    ReviewFileError,
    _meta_str,
    _safe_yaml_mapping,
    split_front_matter,
)
from ballerina_tui.textutil import normalize_newlines, one_line, slugify, word_count

REVIEW_SUFFIXES = (".md", ".markdown", ".txt")
MAX_FILE_BYTES = 32 * 1024 * 1024
CHARACTERS_FILE = "characters.yaml"
# Part of every review's digest: bump it when the loader turns the same bytes into
# different text, blocks or sections, so that indexes built by an older loader are redone.
LOADER_VERSION = b"ballerina-tui loader 2\0"


class CorpusError(Exception):
    """The folder as a whole cannot be used (missing, empty, not a folder)."""


@dataclass(frozen=True)
class LoadProblem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Block:
    """A heading, paragraph or list item of a review, with its place in :attr:`Review.text`."""

    kind: str  # "heading" | "paragraph" | "item"
    start: int
    end: int
    section: str
    index: int
    level: int = 0


@dataclass
class Review:
    id: str
    handle: str
    title: str
    kind: str
    rating: str | None
    source: str | None
    path: Path
    text: str
    body_start: int
    blocks: list[Block]
    digest: str
    film: str | None = None
    meta: dict = field(default_factory=dict)
    # The file's decoded text when HTML was turned into text (else ``None``: same as text).
    file_text: str | None = None
    text_map: TextMap | None = field(default=None, repr=False)

    def file_span(self, start: int, end: int) -> tuple[int, int]:
        """Where ``text[start:end]`` came from in the file's decoded text."""
        if self.text_map is None:
            return start, end
        return self.text_map.file_span(start, end)

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]

    @property
    def body(self) -> str:
        return self.text[self.body_start :]

    @property
    def words(self) -> int:
        return sum(word_count(self.block_text(b)) for b in self.blocks)

    @property
    def sections(self) -> list[str]:
        seen: dict[str, None] = {}
        for block in self.blocks:
            seen.setdefault(block.section, None)
        return list(seen)

    def section_at(self, offset: int) -> str:
        """The heading over ``offset``; ``""`` before any heading (or in a review without)."""
        section = ""
        for block in self.blocks:
            if block.start > offset:
                break
            section = block.section
        return section

    def paragraph_at(self, offset: int) -> int:
        """1-based number of the paragraph (or list item) at ``offset``; 0 before the first."""
        number = 0
        for block in self.blocks:
            if block.start > offset:
                break
            if block.kind != "heading":
                number += 1
        return number

    def section_label(self, offset: int) -> str:
        """What to cite a span by: its heading, or its paragraph ("¶ 3") when it has none."""
        section = self.section_at(offset)
        if section:
            return section
        number = self.paragraph_at(offset)
        return f"\u00b6 {number}" if number else "\u2014"

    def summary(self) -> dict:
        return {
            "id": self.id,
            "handle": self.handle,
            "title": self.title,
            "kind": self.kind,
            "rating": self.rating,
            "words": self.words,
            "path": str(self.path),
        }


@dataclass
class Corpus:
    root: Path
    reviews: list[Review]
    problems: list[LoadProblem]
    characters_path: Path | None = None
    film: str | None = None

    def get(self, review_id: str) -> Review:
        for review in self.reviews:
            if review.id == review_id:
                return review
        raise KeyError(review_id)

    def find(self, name: str) -> Review | None:
        """A review by id, handle or unambiguous id prefix (case-insensitive)."""
        key = name.casefold()
        for review in self.reviews:
            if review.id.casefold() == key or review.handle.casefold() == key:
                return review
        matches = [r for r in self.reviews if r.id.casefold().startswith(key)]
        return matches[0] if len(matches) == 1 else None

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.reviews]

    def section_label(self, review_id: str, offset: int, section: str = "") -> str:
        """What to cite a span by: its heading, else its paragraph number ("¶ 3")."""
        if section:
            return section
        try:
            return self.get(review_id).section_label(offset)
        except KeyError:
            return "\u2014"


# --------------------------------------------------------------------------- decoding


def decode_review_bytes(data: bytes) -> str:
    """Bytes to text: UTF-8 (BOM optional) or UTF-16/32 with a BOM; anything else is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        encoding = "utf-8"
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        encoding = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReviewFileError(
            f"not {encoding.upper()} text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
            line,
        ) from None
    text = text.lstrip("\ufeff") if encoding != "utf-8" else text
    return normalize_newlines(text)


# --------------------------------------------------------------------------- HTML in text

# Text saved from the web keeps its markup: IMDb reviews separate paragraphs with
# "<br /><br />", and carry <i>…</i> and &amp;. Only these forms are touched; any other
# "<" stays text ("a < b", "<3").
_INLINE_TAGS = (
    "a|abbr|b|big|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|"
    "strong|sub|sup|tt|u|var"
)
_HTML_RE = re.compile(
    r"(?P<br>(?:<br\s*/?>[ \t]*)+)"
    r"|(?P<para></?(?:p|div|blockquote|h[1-6])(?:\s[^<>]{0,200})?>|<hr\s*/?>)"
    rf"|(?P<tag></?(?:{_INLINE_TAGS})(?:\s[^<>]{{0,200}})?/?>)"
    r"|(?P<ent>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)",
    re.IGNORECASE,
)
_BR_RE = re.compile(r"<br", re.IGNORECASE)


@dataclass(frozen=True)
class TextMap:
    """Maps offsets of cleaned text back to the text it was made from.

    The cleaned text is a run of segments: a copied segment maps character for
    character; a replacement (``\\n\\n`` for ``<br /><br />``, ``&`` for ``&amp;``) maps
    every one of its characters to the whole source span it replaced.
    """

    starts: tuple[int, ...]  # where each segment starts in the cleaned text
    sources: tuple[tuple[int, int, bool], ...]  # (source start, source end, copied)
    length: int  # of the cleaned text
    source_length: int

    def _char(self, offset: int) -> tuple[int, int]:
        seg = bisect_right(self.starts, offset) - 1
        src_start, src_end, copied = self.sources[seg]
        if copied:
            at = src_start + offset - self.starts[seg]
            return at, at + 1
        return src_start, src_end

    def file_start(self, offset: int) -> int:
        if offset >= self.length:
            return self.source_length
        return self._char(max(0, offset))[0]

    def file_end(self, offset: int) -> int:
        if offset <= 0:
            return self.file_start(0)
        return self._char(min(offset, self.length) - 1)[1]

    def file_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            at = self.file_start(start)
            return at, at
        return self.file_start(start), self.file_end(end)


def html_to_text(text: str, start: int = 0) -> tuple[str, TextMap | None]:
    """Turn HTML breaks, tags and character references after ``start`` into text.

    Returns the new text and a :class:`TextMap` back to ``text`` (``None`` when nothing
    changed). Line breaks become ``\\n``, two or more in a row (or a paragraph tag) a
    blank line; inline tags vanish; ``&amp;`` and friends become their character.
    """
    if "<" not in text and "&" not in text:
        return text, None
    out: list[str] = []
    starts: list[int] = []
    sources: list[tuple[int, int, bool]] = []
    length = 0
    pos = start

    def emit(piece: str, src_start: int, src_end: int, copied: bool) -> None:
        nonlocal length
        if not piece:
            return
        out.append(piece)
        starts.append(length)
        sources.append((src_start, src_end, copied))
        length += len(piece)

    emit(text[:start], 0, start, True)
    for match in _HTML_RE.finditer(text, start):
        kind = match.lastgroup
        raw = match.group()
        if kind == "br":
            piece = "\n\n" if len(_BR_RE.findall(raw)) > 1 else "\n"
        elif kind == "para":
            piece = "\n\n"
        elif kind == "tag":
            piece = ""
        else:
            piece = html.unescape(raw)
            if piece == raw:
                continue  # not a reference html knows: leave it as it is
            piece = normalize_newlines(piece).replace("\xa0", " ")
        emit(text[pos : match.start()], pos, match.start(), True)
        emit(piece, match.start(), match.end(), False)
        pos = match.end()
    if pos == start:
        return text, None  # no tag or reference that we turn into text
    emit(text[pos:], pos, len(text), True)
    if not starts:  # everything was a tag: the text is empty
        starts, sources = [0], [(len(text), len(text), False)]
    return "".join(out), TextMap(tuple(starts), tuple(sources), length, len(text))


# --------------------------------------------------------------------------- body structure

_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_MD_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+(\S.*)$")
_TERMINAL = (".", "!", ",", ";", ":", '"', "\u201d", "'", "\u2019", "\u2026")


def looks_like_heading(line: str, *, first: bool = False) -> bool:
    """Guess whether a bare line of a plain-text review is a heading.

    Headings are short, do not end like a sentence, and are not quotes. A short line that
    ends with a question mark counts when it is in title case ("Who Are the Ruska Roma?").
    The first line of a file may be longer: it is usually the article's title.
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 120:
        return False
    if stripped[0] in "\"\u201c\u2018'([-*•":
        return False
    tokens = stripped.split()
    if len(tokens) > (30 if first else 14):
        return False
    if stripped.endswith(_TERMINAL):
        return False
    if stripped.endswith("?"):
        long_words = [t for t in tokens if len(t) > 3 and t[0].isalpha()]
        if not long_words:
            return False
        capitalised = sum(1 for t in long_words if t[0].isupper())
        return len(tokens) <= 10 and capitalised / len(long_words) >= 0.75
    return True


def _line_spans(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        yield pos, stop
        pos = stop + 1


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def parse_blocks(text: str, body_start: int, *, markdown: bool, title: str) -> list[Block]:
    """Split the body into headings, paragraphs and list items with their offsets."""
    lines = [(s, e) for s, e in _line_spans(text, body_start, len(text))]
    nonblank = [(s, e) for s, e in lines if text[s:e].strip()]
    blanks = len(lines) - len(nonblank)
    # Plain text with one paragraph per line (the usual export of a web page) versus
    # hard-wrapped text where blank lines separate paragraphs.
    line_paragraphs = not markdown and (
        blanks < 0.2 * max(1, len(nonblank)) or any(e - s > 200 for s, e in nonblank)
    )

    blocks: list[Block] = []
    section = title
    pending_item_marker = False
    para: list[tuple[int, int]] = []

    def flush_para() -> None:
        if not para:
            return
        s, e = _strip_span(text, para[0][0], para[-1][1])
        if e > s:
            blocks.append(Block("paragraph", s, e, section, len(blocks)))
        para.clear()

    for n, (s, e) in enumerate(lines):
        raw = text[s:e]
        if not raw.strip():
            flush_para()
            continue
        hs, he = _strip_span(text, s, e)
        line = text[hs:he]
        if markdown:
            m = _MD_HEADING.match(line)
            if m:
                flush_para()
                level = len(m.group(1))
                # Other spaces than ' ' and tab (a no-break space pasted from the web)
                # are not part of the heading either.
                cs, ce = _strip_span(text, hs + m.start(2), hs + m.end(2))
                if ce > cs:
                    section = text[cs:ce]
                    blocks.append(Block("heading", cs, ce, section, len(blocks), level))
                continue
            m = _MD_ITEM.match(raw)
            if m:
                flush_para()
                cs, ce = _strip_span(text, s + m.start(1), s + m.end(1))
                blocks.append(Block("item", cs, ce, section, len(blocks)))
                continue
            para.append((s, e))
            continue
        # Plain text.
        if line in ("-", "*", "•"):
            flush_para()
            pending_item_marker = True
            continue
        if pending_item_marker:
            pending_item_marker = False
            blocks.append(Block("item", hs, he, section, len(blocks)))
            continue
        m = _MD_ITEM.match(raw)
        if m and line[0] in "-*•+":
            flush_para()
            cs, ce = _strip_span(text, s + m.start(1), s + m.end(1))
            blocks.append(Block("item", cs, ce, section, len(blocks)))
            continue
        # In hard-wrapped text a heading stands alone: a line followed by more text is the
        # start of a paragraph, however it ends ("…and the film lets").
        alone = n + 1 == len(lines) or not text[lines[n + 1][0] : lines[n + 1][1]].strip()
        if line_paragraphs or (not para and alone):
            if looks_like_heading(line, first=not blocks):
                flush_para()
                section = line
                blocks.append(Block("heading", hs, he, section, len(blocks), 2))
                continue
        if line_paragraphs:
            flush_para()
            blocks.append(Block("paragraph", hs, he, section, len(blocks)))
        else:
            para.append((s, e))
    flush_para()
    if not markdown and blocks and blocks[-1].kind == "heading" and len(blocks) > 1:
        # A short last line with nothing under it is a sign-off ("Regards Simon",
        # "9/10"), not a heading.
        last = blocks[-1]
        section = blocks[-2].section if blocks[-2].kind != "heading" else ""
        blocks[-1] = Block("paragraph", last.start, last.end, section, last.index)
    return blocks


# --------------------------------------------------------------------------- one review


def _read_capped(path: Path) -> bytes:
    """The file's bytes, refusing anything but a regular file of at most MAX_FILE_BYTES.

    Opened non-blocking and checked with ``fstat`` on the open descriptor: a named pipe
    (or a link to one) would otherwise block the loader forever, and a link to a device
    such as ``/dev/zero`` would be read without end. The read itself is capped too, so a
    file that grows while we read it cannot exhaust memory.
    """
    import stat

    limit = f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ReviewFileError(f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReviewFileError("not a regular file (a pipe, device or socket?)")
        if info.st_size > MAX_FILE_BYTES:
            raise ReviewFileError(limit)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, MAX_FILE_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise ReviewFileError(limit)
    except OSError as exc:
        raise ReviewFileError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def load_review(path: Path, *, root: Path | None = None) -> Review:
    """Load one review file. Raises :class:`ReviewFileError` with a line number when bad."""
    path = Path(path)
    data = _read_capped(path)
    text = decode_review_bytes(data)
    if "\x00" in text:
        raise ReviewFileError(
            "contains NUL bytes (a binary file?)", text[: text.index("\x00")].count("\n") + 1
        )
    meta, body_start = split_front_matter(text)
    file_text = text
    text, text_map = html_to_text(text, body_start)
    markdown = path.suffix.lower() in (".md", ".markdown")

    stem_id = slugify(path.stem)
    review_id = _meta_str(meta, "id") or stem_id
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", review_id):
        review_id = slugify(review_id)[:80]

    title = _meta_str(meta, "title")
    # Blocks before the first heading (all of them, in a review without headings) have
    # no section: they are cited by paragraph number, never by a made-up name.
    blocks = parse_blocks(text, body_start, markdown=markdown, title="")
    if not title:
        if blocks and blocks[0].kind == "heading":
            title = one_line(text[blocks[0].start : blocks[0].end], 100)
        elif blocks:
            title = short_title(text[blocks[0].start : blocks[0].end]) or path.stem
        else:
            title = path.stem
    handle = _meta_str(meta, "handle") or review_id
    handle = re.sub(r"\s+", "-", handle)[:40]
    return Review(
        id=review_id,
        handle=handle,
        title=title,
        kind=_meta_str(meta, "kind") or "review",
        rating=_meta_str(meta, "rating"),
        source=_meta_str(meta, "source"),
        film=_meta_str(meta, "film"),
        path=path,
        text=text,
        body_start=body_start,
        blocks=blocks,
        digest=hashlib.sha256(LOADER_VERSION + data).hexdigest(),
        meta={k: v for k, v in meta.items() if isinstance(k, str)},
        file_text=file_text if text_map is not None else None,
        text_map=text_map,
    )


_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)]*(?=\s|$)")
TITLE_CHARS = 60


def short_title(paragraph: str, limit: int = TITLE_CHARS) -> str:
    """A title made from a review's first paragraph: its first sentence, cut at a word.

    "Rififi, directed by Jules Dassin, is in line with the Melville crime pictures (…)"
    becomes "Rififi, directed by Jules Dassin, is in line with the…".
    """
    text = " ".join(paragraph.split())
    for match in _SENTENCE_END.finditer(text):
        before = text[: match.start()].split()
        # Not after an initial or a short abbreviation ("J. Dassin", "Mr. Rififi").
        if before and len(before[-1].strip("\"'(")) <= 2 and before[-1][:1].isupper():
            continue
        text = text[: match.end()]
        break
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2014") + "\u2026"


# --------------------------------------------------------------------------- a folder


def _display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def iter_review_files(root: Path, problems: list[LoadProblem]) -> list[Path]:
    """Review files under ``root`` (subfolders included, symlinked folders not followed)."""
    return [Path(p) for p in review_file_names(root, problems)]


def review_file_names(root: Path, problems: list[LoadProblem]) -> list[str]:
    """:func:`iter_review_files` as plain strings: making 10,000 ``Path`` objects took
    five times as long as the directory walk itself."""
    found: list[str] = []

    def on_error(exc: OSError) -> None:
        where = exc.filename or str(root)
        problems.append(
            LoadProblem(
                _display_path(Path(where), root), None, f"cannot read folder: {exc.strerror or exc}"
            )
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(REVIEW_SUFFIXES):
                continue
            found.append(os.path.join(dirpath, name))
    return found


def find_characters_file(root: Path) -> Path | None:
    for candidate in (root / CHARACTERS_FILE, root.parent / CHARACTERS_FILE):
        if candidate.is_file():
            return candidate
    return None


class ReviewStream:
    """A folder's reviews, loaded a batch at a time (the app's first frame needs one).

    Lists the review files up front (names only); :meth:`next_batch` loads the next ones
    with :func:`load_corpus`'s rules (bad files become :attr:`problems`, a duplicate id is
    skipped). Raises :class:`CorpusError` when the folder is missing or not a folder.
    """

    def __init__(self, root: Path | str | None = None) -> None:
        from ballerina_tui.paths import default_reviews_dir

        root = Path(root).expanduser() if root is not None else default_reviews_dir()
        if not root.exists():
            raise CorpusError(f"{root}: no such folder")
        if not root.is_dir():
            raise CorpusError(f"{root}: not a folder")
        self.root = root
        self.problems: list[LoadProblem] = []
        self.paths = review_file_names(root, self.problems)
        self.position = 0  # files looked at so far
        self.loaded = 0  # reviews loaded so far
        self.films: set[str] = set()
        self._seen: dict[str, Path] = {}

    @property
    def done(self) -> bool:
        return self.position >= len(self.paths)

    def next_batch(self, size: int | None = None) -> list[Review]:
        """Up to ``size`` more reviews (all that are left when ``None``)."""
        reviews: list[Review] = []
        root = self.root
        while self.position < len(self.paths) and (size is None or len(reviews) < size):
            path = Path(self.paths[self.position])
            self.position += 1
            shown = _display_path(path, root)
            try:
                review = load_review(path, root=root)
            except ReviewFileError as exc:
                self.problems.append(LoadProblem(shown, exc.line, str(exc)))
                continue
            except (OSError, ValueError, RecursionError, MemoryError) as exc:  # pragma: no cover
                self.problems.append(
                    LoadProblem(shown, None, f"cannot load: {one_line(str(exc), 120)}")
                )
                continue
            if review.id in self._seen:
                self.problems.append(
                    LoadProblem(
                        shown,
                        2 if review.meta.get("id") else None,
                        f"duplicate review id '{review.id}' (already used by "
                        f"{_display_path(self._seen[review.id], root)}); skipped",
                    )
                )
                continue
            self._seen[review.id] = path
            if review.film:
                self.films.add(review.film)
            reviews.append(review)
        self.loaded += len(reviews)
        return reviews

    @property
    def film(self) -> str | None:
        return next(iter(self.films)) if len(self.films) == 1 else None

    def start(self, first: int | None = 1) -> Corpus:
        """A :class:`Corpus` of the first ``first`` reviews (all when ``None``), to be
        extended with the next batches (its :attr:`Corpus.problems` is this stream's list).
        Raises :class:`CorpusError` when the whole folder holds no loadable review."""
        reviews = self.next_batch(first)
        if not reviews:
            self._no_reviews()
        return Corpus(
            root=self.root,
            reviews=reviews,
            problems=self.problems,
            characters_path=find_characters_file(self.root),
            film=self.film,
        )

    def _no_reviews(self) -> None:
        detail = f" ({len(self.problems)} file(s) could not be loaded)" if self.problems else ""
        raise CorpusError(f"{self.root}: no review files (.md, .txt) found{detail}")


def load_corpus(root: Path | str | None = None) -> Corpus:
    """Load every review under ``root`` (default: the bundled reviews).

    Raises :class:`CorpusError` when the folder is missing or holds no loadable review.
    """
    return ReviewStream(root).start(None)
