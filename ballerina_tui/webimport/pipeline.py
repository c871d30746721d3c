"""The whole import: source -> page -> article -> review file -> index.

``import_review`` is what the ``add`` command and the app's "Add review" dialog call.
Nothing touches the folder until the article has been found, checked against the reviews
already there and rendered; then one atomic write, then the incremental index update.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ballerina_tui.progress import ProgressFn, report
from ballerina_tui.textutil import one_line
from ballerina_tui.webimport.errors import ImportFailed
from ballerina_tui.webimport.fetch import check_url, fetch
from ballerina_tui.webimport.limits import DEFAULT_TIMEOUT, MAX_BYTES

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt",)


@dataclass
class ImportResult:
    id: str
    path: Path
    folder: Path
    title: str
    handle: str
    source: str
    date: str | None
    words: int
    sections: list[str]
    replaced: Path | None = None
    created_folder: bool = False
    index: dict | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "path": str(self.path),
            "folder": str(self.folder),
            "title": self.title,
            "handle": self.handle,
            "source": self.source,
            "date": self.date,
            "words": self.words,
            "sections": len(self.sections),
            "section_titles": self.sections,
            "replaced": str(self.replaced) if self.replaced else None,
            "index": self.index,
            "notes": self.notes,
        }


# --------------------------------------------------------------------------- the folder


def user_reviews_dir() -> Path:
    """The user's own review folder, under the user data directory."""
    from ballerina_tui.paths import data_dir

    return data_dir() / "reviews"


def inside_package(folder: Path) -> bool:
    """Whether ``folder`` is (in) the installed package or the bundled data."""
    from ballerina_tui.paths import bundled_data_dir

    package = Path(__file__).resolve().parent.parent
    resolved = folder.expanduser().resolve()
    for base in (package, bundled_data_dir().resolve()):
        if resolved == base or base in resolved.parents:
            return True
    return any(part in ("site-packages", "dist-packages") for part in resolved.parts)


def target_folder(reviews: Path | str | None) -> tuple[Path, bool]:
    """Where a new review goes: ``(folder, is_default)``.

    ``reviews`` (``--reviews`` or ``$BALLERINA_TUI_REVIEWS``) when given; without it the
    user's own folder under the user data directory. A missing folder is created when the
    review is written. The bundled reviews live inside the installed package and are
    never written to.
    """
    if reviews is None:
        return user_reviews_dir(), True
    folder = Path(reviews).expanduser()
    if inside_package(folder):
        raise ImportFailed(
            f"{folder} is part of the installed package; add reviews to a folder of your own "
            f"(default: {user_reviews_dir()})"
        )
    # A folder that does not exist yet is created when the review is written (and only
    # then: a failed import leaves no trace).
    if folder.exists() and not folder.is_dir():
        raise ImportFailed(f"{folder}: not a folder")
    return folder, False


# --------------------------------------------------------------------------- reading


def _read_file(path: Path, max_bytes: int) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImportFailed(f"{path}: not a regular file")
        if info.st_size > max_bytes:
            raise ImportFailed(f"{path} is larger than {max_bytes // (1024 * 1024)} MiB")
        chunks, total = [], 0
        while chunk := os.read(fd, min(1 << 20, max_bytes + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise ImportFailed(f"{path} is larger than {max_bytes // (1024 * 1024)} MiB")
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _is_url(source: str) -> bool:
    head = source.split(":", 1)[0]
    return "://" in source or (
        ":" in source and head.isalpha() and len(head) > 1 and not Path(source).exists()
    )


def read_source(source: str, *, timeout: float, max_bytes: int, progress: ProgressFn | None):
    """``(article, sources)``: the article and the URLs/paths it is known by."""
    from ballerina_tui.webimport.decode import decode_page
    from ballerina_tui.webimport.extract import extract_html, extract_text

    source = source.strip()
    if not source:
        raise ImportFailed("give a URL (http:// or https://) or a saved .html or .txt file")
    if _is_url(source):
        check_url(source)
        page = fetch(source, timeout=timeout, max_bytes=max_bytes, progress=progress)
        html = decode_page(page.data, page.charset)
        report(progress, "extract", 0, 1)
        article = extract_html(html, url=page.final_url)
        report(progress, "extract", 1, 1)
        # The source is the URL that was asked for; where it redirected and the page's
        # canonical URL count as the same page when looking for duplicates.
        return article, source, [source, page.final_url, article.url or ""]
    path = Path(source).expanduser()
    if not path.exists():
        raise ImportFailed(f"{source}: no such file (URLs start with http:// or https://)")
    suffix = path.suffix.lower()
    if suffix not in HTML_SUFFIXES + TEXT_SUFFIXES:
        raise ImportFailed(f"{path}: give a saved .html page or a .txt file")
    data = _read_file(path, max_bytes)
    report(progress, "extract", 0, 1)
    if suffix in HTML_SUFFIXES:
        article = extract_html(decode_page(data), url=None)
        # A saved page usually names its address (canonical link, og:url): that is the source.
        origin = article.url if article.url and "://" in article.url else str(path.resolve())
    else:
        article = extract_text(decode_page(data))
        origin = str(path.resolve())
    report(progress, "extract", 1, 1)
    return article, origin, [origin, str(path.resolve())]


# --------------------------------------------------------------------------- the import


def import_review(
    source: str,
    reviews: Path | str | None = None,
    *,
    review_id: str | None = None,
    handle: str | None = None,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BYTES,
    progress: ProgressFn | None = None,
    update_index: bool = True,
) -> ImportResult:
    """Add the review at ``source`` (URL, .html or .txt) to the folder ``reviews``.

    Raises :class:`ImportFailed` (one line) for every failure, leaving the folder as it
    was; ``progress(stage, done, total)`` is called for "fetch", "extract", "write" and
    "index" and may raise :class:`~ballerina_tui.progress.Cancelled`.
    """
    from ballerina_tui.paths import atomic_write_text
    from ballerina_tui.webimport import write

    folder, is_default = target_folder(reviews)
    if review_id is not None:
        write.check_id(review_id)
    article, origin, sources = read_source(
        source, timeout=timeout, max_bytes=max_bytes, progress=progress
    )
    report(progress, "write", 0, 1)
    existing = write.existing_reviews(folder)
    the_handle = write.make_handle(article, handle)
    suffix = ".md" if article.markdown else ".txt"

    # Render once with a provisional id to compare the text with what is there.
    probe = write.render(article, review_id="x", handle=the_handle, source=origin)
    parsed = write.parse_rendered(probe, markdown=article.markdown)
    duplicate = write.find_duplicate(existing, sources, parsed.paragraphs)
    replaced: Path | None = None
    taken = {e.id for e in existing}
    if duplicate is not None:
        item, why = duplicate
        if not force:
            raise ImportFailed(f"{why}; use --force to replace it")
        replaced = item.path
        taken.discard(item.id)
    if review_id is not None:
        clash = next((e for e in existing if e.id == review_id), None)
        if clash is not None and (replaced is None or clash.path != replaced):
            if not force:
                raise ImportFailed(
                    f"id '{review_id}' is already used by {clash.path.name}; choose another --id "
                    "or use --force to replace it"
                )
            if replaced is not None:
                raise ImportFailed(
                    f"--force would replace both {replaced.name} and {clash.path.name}; "
                    "choose another --id"
                )
            replaced = clash.path
        the_id = review_id
    elif replaced is not None:
        the_id = next(e.id for e in existing if e.path == replaced)
    else:
        the_id = write.choose_id(write.default_id(article, the_handle), taken, folder, suffix)
    # A replaced review is written beside the old file under its (maybe new) name, and the
    # old file is removed only once the new one is whole.
    base = replaced.parent if replaced is not None else folder
    target = base / f"{the_id}{suffix}"
    if replaced is not None and target != replaced and target.exists():
        raise ImportFailed(f"{target.name} already exists; choose another --id")
    text = write.render(article, review_id=the_id, handle=the_handle, source=origin)
    parsed = write.parse_rendered(text, markdown=article.markdown)

    created = False
    if not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ImportFailed(f"cannot create {folder}: {exc.strerror or exc}") from None
        created = True
    try:
        atomic_write_text(target, text, overwrite=target == replaced)
    except FileExistsError:
        raise ImportFailed(f"{target} appeared meanwhile; run the command again") from None
    except OSError as exc:
        raise ImportFailed(f"cannot write {target}: {exc.strerror or exc}") from None
    if replaced is not None and target != replaced:
        try:
            replaced.unlink()
        except OSError:
            pass
    report(progress, "write", 1, 1)

    result = ImportResult(
        id=the_id,
        path=target,
        folder=folder,
        title=article.title or the_id,
        handle=the_handle,
        source=origin,
        date=article.date,
        words=parsed.words,
        sections=parsed.sections,
        replaced=replaced,
        created_folder=created,
    )
    if update_index:
        _update_index(result, progress)
    return result


def _update_index(result: ImportResult, progress: ProgressFn | None) -> None:
    """Bring the folder's index up to date: only the new review is indexed."""
    from ballerina_tui.characters import CharactersError
    from ballerina_tui.corpus import CorpusError, load_corpus
    from ballerina_tui.index import ReviewIndex
    from ballerina_tui.progress import Cancelled

    try:
        corpus = load_corpus(result.folder)
        index = ReviewIndex(corpus)
        index.ensure(progress=progress)
    except Cancelled:
        raise
    except (CorpusError, CharactersError, OSError) as exc:
        result.notes.append(f"the index was not updated: {one_line(str(exc), 160)}")
        return
    if index.note:
        result.notes.append(index.note)
    update = index.last_update
    if update is not None:
        result.index = {
            "added": update.added,
            "changed": update.changed,
            "removed": update.removed,
            "rebuilt": update.rebuilt,
            "seconds": round(update.seconds, 3),
        }
