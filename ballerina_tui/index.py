"""The Whoosh index of a review folder, kept in the user cache directory.

One document per passage (heading, paragraph or list item; a long paragraph is cut into
passages of about :data:`PASSAGE_CHARS` at sentence ends). The index is reused while the
folder is unchanged and updated review by review when it changes: a manifest beside the
index keeps each review's content digest, and only reviews whose digest differs are
re-indexed. The manifest also keeps a signature of the folder (every review file's path,
size and modification time): while it matches, the index is fresh without reading or
hashing a single review, so a search over 10,000 reviews starts in a directory walk.

The index does not depend on ``characters.yaml`` (nor on characters found in the reviews):
``character:`` queries are expanded to the names' phrases at query time
(:mod:`ballerina_tui.search`). A ``words.txt`` beside it keeps the unstemmed words of the
reviews, where spelling suggestions and fuzzy words are looked up, and a
``discovered.json`` the people the reviews name (keyed by the folder's signature).

Safety:
- Updates run under an inter-process file lock, and Whoosh's own write lock is a second
  guard, so two instances take turns instead of corrupting the index.
- An index that cannot be opened or read (corrupt, from an older schema, half-written) is
  thrown away and rebuilt.
- An index is only ever opened from our own cache directory, never from a review folder
  (Whoosh stores pickles). When the cache directory cannot be written, the index is built
  in memory and :attr:`ReviewIndex.note` says so.
- The cache is trusted only when it is ours: a cache folder not owned by the user, or
  writable by group or others, gets an in-memory index (and the note says why). The
  manifest keeps a SHA-256 of every index file we wrote and its stamp; before Whoosh opens
  anything (its TOC and segments are pickles) the folder is checked against it (a file
  whose stamp changed is hashed again: :mod:`ballerina_tui.index_trust`), and a planted,
  swapped or unlisted file means a rebuild, never a load.

This module imports Whoosh; nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ballerina_tui.characters import CharacterSet, load_characters
from ballerina_tui.corpus import (
    Corpus,
    Review,
    find_characters_file,
    load_corpus,
)
from ballerina_tui.index_parallel import ChildShares, process_count
from ballerina_tui.index_trust import check_cache_trust, check_files, index_files
from ballerina_tui.index_writer import (  # noqa: F401 - re-exported
    BULK_REVIEWS,
    WRITER_LIMIT_MB,
    WRITER_TIMEOUT,
    _collector_paused,
    open_writer,
)
from ballerina_tui.passages import (  # noqa: F401 - re-exported
    MAX_PASSAGE_CHARS,
    PASSAGE_CHARS,
    Passage,
    review_passages,
)
from ballerina_tui.paths import atomic_write_text, cache_dir, corpus_key, file_lock
from ballerina_tui.progress import ProgressFn
from ballerina_tui.progress import report as report_progress
from ballerina_tui.whoosh_boot import prepare as _prepare_whoosh

_prepare_whoosh()  # before any Whoosh import in this module's functions

SCHEMA_VERSION = 6
WORDS_FILE = "words.txt"
# The people the reviews name, kept beside the index (see ReviewIndex.discovered).
DISCOVERED_FILE = "discovered.json"
DISCOVERED_VERSION = 2


def make_schema():
    """What each passage indexes. Only ``rid`` (to delete a review's passages), ``review``
    (``review:`` queries), ``section`` and ``text`` are indexed; the rest is stored.

    The text keeps positions (phrases) but not character offsets: highlights re-tokenise
    the few hits shown (:mod:`ballerina_tui.search`), which cost less than storing offsets
    for every word of every review. No spelling field (it indexed every word a second
    time): the unstemmed words go to ``words.txt``. No character field: see the module doc.
    """
    from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

    from ballerina_tui.analysis import IndexPositions, review_analyzer

    analyzer = review_analyzer()
    schema = Schema(
        pid=STORED(),
        rid=ID(stored=True),
        review=KEYWORD(lowercase=True),  # id and handle, for review: queries
        handle=STORED(),
        section=TEXT(analyzer=analyzer, stored=True, multitoken_query="phrase"),
        kind=STORED(),
        paragraph=STORED(),
        start=STORED(),
        end=STORED(),
        digest=STORED(),
        label=STORED(),
        file_start=STORED(),
        file_end=STORED(),
        # "spin-off" or "8.8/10" typed as one word must match as a phrase, not as AND.
        text=TEXT(analyzer=analyzer, stored=True, phrase=True, multitoken_query="phrase"),
    )
    for name in ("section", "text"):
        # The same postings as TEXT's Positions, gathered without a Token per word.
        field = schema[name]
        field.format = IndexPositions(field_boost=field.format.field_boost)
    return schema


def _documents(review: Review) -> Iterator[dict]:
    for n, p in enumerate(review_passages(review)):
        yield {
            "pid": f"{review.id}/{n}",
            "rid": review.id,
            "review": f"{review.id} {review.handle}".lower(),
            "handle": review.handle,
            "section": p.section,
            "kind": p.kind,
            "paragraph": p.paragraph,
            "start": p.start,
            "end": p.end,
            "digest": review.digest,
            "label": p.label,
            "file_start": p.file_start,
            "file_end": p.file_end,
            "text": p.text,
        }


def folder_signature(root: Path) -> str:
    """A digest of every review file's path (below ``root``), size and modification time.

    A directory walk and one ``stat`` per file: no file is opened. Equal signatures mean
    the manifest's digests still hold; a different one only means "look closer". Walks
    what :func:`~ballerina_tui.corpus.iter_review_files` reads (hidden names skipped,
    symlinked folders not followed), with plain strings: ``pathlib`` took most of the
    time of a search at 10,000 reviews."""
    from ballerina_tui.corpus import REVIEW_SUFFIXES

    parts: list[str] = []
    top = os.fspath(root)
    # Paths below the folder, not as the folder was spelled: ``reviews``, ``./reviews/``
    # and its absolute path are one folder (one index, one cached analysis's marks).
    cut = len(os.path.join(top, ""))
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            parts.append(f"{folder[cut:]}\0unreadable")
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                if not name.lower().endswith(REVIEW_SUFFIXES):
                    continue
                st = entry.stat()
                parts.append(f"{entry.path[cut:]}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}")
            except OSError:
                parts.append(f"{entry.path[cut:]}\0-")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _manifest_check(manifest: dict) -> str:
    """A digest of what a matching signature makes us trust without reading a review:
    the signature and the reviews' digests, as the manifest holds them."""
    text = json.dumps([manifest.get("signature"), manifest.get("reviews")], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class FolderCorpus:
    """A review folder whose files are loaded only when something asks for them.

    Has what :class:`ReviewIndex` needs up front (``root``, ``characters_path``); any other
    attribute of :class:`~ballerina_tui.corpus.Corpus` loads the folder on first use.
    ``ballerina-tui search`` opens a fresh index through this without reading the reviews.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).expanduser()
        self.characters_path = find_characters_file(self.root)
        self._corpus: Corpus | None = None

    @property
    def loaded(self) -> bool:
        return self._corpus is not None

    def load(self) -> Corpus:
        if self._corpus is None:
            self._corpus = load_corpus(self.root)
        return self._corpus

    def __getattr__(self, name: str):
        # Private names are never the corpus's to give: a cache looked up on the corpus
        # (``corpus_characters``'s) is a miss here, not a reason to read every review (a
        # ``character:`` search of 10,000 reviews took 4 s for that).
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.load(), name)


@dataclass
class UpdateReport:
    added: list[str]
    changed: list[str]
    removed: list[str]
    rebuilt: bool
    seconds: float

    @property
    def touched(self) -> list[str]:
        return self.added + self.changed + self.removed


_SCHEMA_NAMES = {
    "pid",
    "rid",
    "review",
    "handle",
    "section",
    "kind",
    "paragraph",
    "start",
    "end",
    "digest",
    "label",
    "file_start",
    "file_end",
    "text",
}


class ReviewIndex:
    """The index of one corpus. Call :meth:`ensure` before searching (cheap when fresh)."""

    def __init__(
        self,
        corpus: Corpus | FolderCorpus,
        *,
        root: Path | None = None,
        characters: CharacterSet | None = None,
    ):
        self.corpus = corpus
        # None: the file merged with the people the reviews name, on first use.
        self._characters = characters
        base = Path(root) if root is not None else cache_dir()
        self.base = base / "index"
        self.dir = self.base / corpus_key(corpus.root)
        self.lock_path = self.base / f"{corpus_key(corpus.root)}.lock"
        self.manifest_path = self.dir / "manifest.json"
        self.words_path = self.dir / WORDS_FILE
        self.note: str | None = None
        self.last_update: UpdateReport | None = None
        # Problems with single files, as the last load of the folder found them (kept in
        # the manifest, so a search that never loads the folder can still report them).
        self.problems: list[str] = []
        self._ix = None
        self._in_memory = False
        # Reviews from which one write is shared between processes (None: the default,
        # index_parallel.PARALLEL_REVIEWS; tests lower it).
        self.parallel_threshold: int | None = None
        self._signature: str | None = None  # the folder's, once ensure() has looked
        self._hashed = 0  # index files the last check had to hash (stamp missing or changed)
        self._memory_words: set[str] = set()
        self._words: tuple[int, list[str]] | None = None
        self._lock = threading.Lock()
        # For a search about to be made (the command line's): the reader that checked the
        # index is kept for the Searcher (take_reader). Off by default: at 10,000 reviews
        # it holds about 30 MB, which a claims run has better use for.
        self.keep_checked_reader = False
        self._checked_reader = None  # (generation, reader) left open by ensure()
        self._reader_lock = threading.Lock()  # (ensure() holds _lock while it checks)

    @classmethod
    def for_folder(cls, folder: Path | str, *, root: Path | None = None) -> ReviewIndex:
        """The index of a folder, reading its reviews only if the index is not fresh."""
        return cls(FolderCorpus(folder), root=root)

    def known_characters(self) -> CharacterSet:
        """The cards as far as they are known without reading a review: the file's, merged
        with the discovered people when they are kept beside the index. What a plain
        search names in its hits; ``character:`` queries use :attr:`characters`."""
        if self._characters is not None:
            return self._characters
        file_set = load_characters(self.corpus.characters_path)
        cached = self._cached_discovered()
        if cached is None:
            return file_set
        from ballerina_tui.characters.merge import merge_characters

        self._characters = merge_characters(file_set, cached)
        return self._characters

    def discovered(self) -> list:
        """The people and things the reviews name (:mod:`ballerina_tui.characters.discover`).

        Kept beside the index, keyed by the folder's signature: a ``search`` of a fresh
        index reads no review file for them, and any change to the folder recomputes them.
        """
        from ballerina_tui.characters.discover import discover_characters
        from ballerina_tui.characters.merge import review_documents

        cached = self._cached_discovered()
        if cached is not None:
            return cached
        found = discover_characters(review_documents(self.corpus))
        if self._signature is not None and not self._in_memory:
            payload = {
                "version": DISCOVERED_VERSION,
                "signature": self._signature,
                "characters": [c.to_dict() for c in found],
            }
            with contextlib.suppress(OSError):
                atomic_write_text(
                    self.base / DISCOVERED_FILE, json.dumps(payload, separators=(",", ":"))
                )
        return found

    def _cached_discovered(self) -> list | None:
        from ballerina_tui.characters import Character

        if self._signature is None or self._in_memory:
            return None
        try:
            data = json.loads((self.base / DISCOVERED_FILE).read_text(encoding="utf-8"))
            if (
                data.get("version") != DISCOVERED_VERSION
                or data.get("signature") != self._signature
            ):
                return None
            return [
                Character(**{**c, "aliases": tuple(c.get("aliases") or ())})
                for c in data["characters"]
            ]
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # no cache, or not one we wrote: compute

    # ------------------------------------------------------------------ public

    @property
    def in_memory(self) -> bool:
        return self._in_memory

    @property
    def signature(self) -> str | None:
        """The folder's signature as :meth:`ensure` took it, before reading any review
        (``None`` before then, and for an index kept in memory)."""
        return None if self._in_memory else self._signature

    @property
    def characters(self) -> CharacterSet:
        """``characters.yaml`` merged with the people the reviews name (computed once)."""
        if self._characters is None:
            from ballerina_tui.characters import corpus_characters

            # Once ensure() has seen the folder, the discovered people are kept beside the
            # index: a warm ``claims`` need not read every review again for its cache key.
            self._characters = corpus_characters(self.corpus, discovered=self.discovered)
        return self._characters

    @characters.setter
    def characters(self, value: CharacterSet) -> None:
        self._characters = value

    def wanted(self) -> dict[str, str]:
        return {r.id: r.digest for r in self.corpus.reviews}

    def vocabulary(self) -> list[str]:
        """The unstemmed words of the reviews, sorted (for spelling suggestions)."""
        ix = self.ensure()
        generation = -1 if self._in_memory else ix.latest_generation()
        if self._in_memory:
            return sorted(self._memory_words)
        if self._words is None or self._words[0] != generation:
            try:
                words = self.words_path.read_text(encoding="utf-8").split("\n")
            except OSError:
                words = []
            self._words = (generation, sorted(w for w in words if w))
        return self._words[1]

    def ensure(self, *, rebuild: bool = False, progress: ProgressFn | None = None):
        """Open the index, bringing it up to date with the corpus. Returns the Whoosh index.

        ``progress`` is called as ``progress("index", done, total)`` per review indexed and
        may raise :class:`~ballerina_tui.progress.Cancelled`: the writer is then cancelled
        and the index on disk stays as it was."""
        with self._lock:
            if self._ix is not None and not rebuild:
                return self._ix
            start = time.perf_counter()
            try:
                self._ix, report = self._ensure_on_disk(rebuild=rebuild, progress=progress)
            except OSError as exc:
                self.note = (
                    f"cache directory {self.base} is not usable ({exc.strerror or exc}); "
                    "using an in-memory index"
                )
                self._ix, report = self._build_in_memory(progress=progress)
            report.seconds = time.perf_counter() - start
            self.last_update = report
            return self._ix

    def reset(self) -> None:
        """Forget the open index (e.g. after a read error) so the next :meth:`ensure` reopens it."""
        with self._lock:
            self._ix = None

    def is_readable(self) -> bool:
        """Whether the index on disk can still be opened and read (always, in memory)."""
        if self._in_memory:
            return True
        return self._open_existing() is not None

    def recover(self):
        """Throw the on-disk index away and rebuild it (used when reading it fails)."""
        with self._lock:
            self._ix = None
            with contextlib.suppress(OSError):
                with file_lock(self.lock_path):
                    shutil.rmtree(self.dir, ignore_errors=True)
        return self.ensure()

    def status(self) -> dict:
        ix = self.ensure()
        with ix.searcher() as searcher:
            docs = searcher.doc_count()
            per_review: dict[str, int] = {}
            for fields in searcher.all_stored_fields():
                per_review[fields["rid"]] = per_review.get(fields["rid"], 0) + 1
        size = 0
        if not self._in_memory and self.dir.is_dir():
            size = sum(f.stat().st_size for f in self.dir.iterdir() if f.is_file())
        report = self.last_update
        return {
            "path": None if self._in_memory else str(self.dir),
            "in_memory": self._in_memory,
            "note": self.note,
            "corpus": str(self.corpus.root),
            "reviews": len(self.corpus.reviews),
            "passages": docs,
            "passages_per_review": per_review,
            "bytes": size,
            "schema": SCHEMA_VERSION,
            "last_update": None
            if report is None
            else {
                "added": report.added,
                "changed": report.changed,
                "removed": report.removed,
                "rebuilt": report.rebuilt,
                "seconds": round(report.seconds, 4),
            },
        }

    # ------------------------------------------------------------------ internals

    def _read_manifest(self) -> dict | None:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        # A manifest of the wrong shape (edited, damaged) is no manifest: rebuild.
        if not isinstance(data, dict):
            return None
        reviews = data.get("reviews")
        if not isinstance(reviews, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in reviews.items()
        ):
            return None
        files = data.get("files")
        if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()
        ):
            data["files"] = None  # no digests: the index files cannot be verified
        if data.get("check") != _manifest_check(data):
            # Not as we wrote it (edited, or from before the check): its digests are
            # compared with the reviews' instead of being taken on the signature's word.
            data["signature"] = None
        return data

    def _verified(self, manifest: dict | None = None) -> bool:
        """Whether the index folder holds exactly the files the manifest lists, unchanged
        (:func:`~ballerina_tui.index_trust.verified`: a stat per file, a hash only for a
        file whose stamp changed)."""
        if manifest is None:
            manifest = self._read_manifest()
        ok, self._hashed = check_files(self.dir, self.manifest_path.name, manifest)
        return ok

    def _check_cache_trust(self) -> None:
        """Raise ``PermissionError`` when the cache is not ours (owner, group/other-writable)."""
        check_cache_trust((self.base.parent, self.base, self.dir))

    def _write_manifest(
        self, ix, indexed: dict[str, str], signature: str | None = None, previous=None
    ) -> None:
        """``previous``: the manifest before this update, whose digests are reused for the
        files it stamped that are unchanged (only the new segment is hashed)."""
        previous = previous or {}
        files, stamps = index_files(
            self.dir,
            self.manifest_path.name,
            previous.get("files") if isinstance(previous.get("files"), dict) else None,
            previous.get("stamps") if isinstance(previous.get("stamps"), dict) else None,
        )
        problems = [str(p) for p in getattr(self.corpus, "problems", [])]
        self.problems = problems
        manifest = {
            "schema": SCHEMA_VERSION,
            "generation": ix.latest_generation(),
            "root": str(self.corpus.root),
            "signature": signature,
            "problems": problems,
            "reviews": indexed,
            "files": files,
            "stamps": stamps,
        }
        manifest["check"] = _manifest_check(manifest)
        atomic_write_text(self.manifest_path, json.dumps(manifest, separators=(",", ":")))

    def _restamp(self, ix, manifest: dict, signature: str) -> None:
        """Record the stamps of files that had to be hashed (a manifest from before stamps,
        a copied cache), so the next start only stats them, and the folder's signature
        when the reviews were found unchanged by their digests (files touched, or a
        signature of another kind): else every later start reads every review again.
        Best effort, under the lock, and only while the index is still the generation
        just verified."""
        # Never waits: a writer holding the lock writes a stamped manifest itself.
        with contextlib.suppress(OSError), file_lock(self.lock_path, wait=False):
            current = self._read_manifest()
            if current != manifest:
                return
            files, stamps = index_files(
                self.dir, self.manifest_path.name, current["files"], current.get("stamps")
            )
            if files == current["files"] and ix.latest_generation() == current["generation"]:
                updated = {**current, "stamps": stamps, "signature": signature}
                if current.get("signature") != signature:
                    # The folder was just read for its digests: its problems are current.
                    updated["problems"] = [str(p) for p in getattr(self.corpus, "problems", [])]
                updated["check"] = _manifest_check(updated)
                atomic_write_text(self.manifest_path, json.dumps(updated, separators=(",", ":")))

    def _fresh(self, manifest: dict | None, ix, signature: str | None = None) -> bool:
        if (
            manifest is None
            or manifest.get("schema") != SCHEMA_VERSION
            or manifest.get("generation") != ix.latest_generation()
        ):
            return False
        if signature is not None and manifest.get("signature") == signature:
            problems = manifest.get("problems")
            if isinstance(problems, list):
                self.problems = [str(p) for p in problems]
            return True
        return manifest.get("reviews") == self.wanted()

    def _write_words(self, words: set[str]) -> None:
        """Add ``words`` to ``words.txt`` (words of removed reviews stay: suggestions are
        checked against the index before use)."""
        try:
            known = set(self.words_path.read_text(encoding="utf-8").split("\n"))
        except OSError:
            known = set()
        if words - known:
            known |= words
            known.discard("")
            atomic_write_text(self.words_path, "\n".join(sorted(known)) + "\n")

    def _open_existing(self, manifest: dict | None = None, *, keep_reader: bool = False):
        from whoosh import index as windex

        reader = None
        try:
            # Nothing in the folder is unpickled unless it is exactly what we wrote.
            if not self._verified(manifest):
                return None
            # No TOC, or a damaged one, raises here (EmptyIndexError and the like).
            ix = windex.open_dir(str(self.dir))
            # Touch the schema and a reader: a corrupt TOC or segment fails here.
            reader = ix.reader()
            reader.doc_count()
            if set(ix.schema.names()) != _SCHEMA_NAMES:
                return None
            if keep_reader:
                self._keep_reader(ix.latest_generation(), reader)
                reader = None
            return ix
        except Exception:  # noqa: BLE001 - any failure to read means rebuild
            return None
        finally:
            if reader is not None:
                reader.close()

    def _keep_reader(self, generation: int, reader) -> None:
        with self._reader_lock:
            old, self._checked_reader = self._checked_reader, (generation, reader)
        if old is not None:
            old[1].close()

    def take_reader(self, ix):
        """The reader :meth:`ensure` opened to check the index, if it still reads the
        index's latest generation (once; the caller closes it), else ``None``. Opening the
        segments again cost a warm ``search`` of 10,000 reviews 30 ms."""
        with self._reader_lock:
            kept, self._checked_reader = self._checked_reader, None
        if kept is None:
            return None
        generation, reader = kept
        try:
            if generation == ix.latest_generation():
                return reader
        except Exception:  # noqa: BLE001 - the index is read again by whoever asked
            pass
        reader.close()
        return None

    def _ensure_on_disk(self, *, rebuild: bool, progress: ProgressFn | None = None):
        from whoosh import index as windex

        self._check_cache_trust()
        self.base.mkdir(parents=True, exist_ok=True)
        # Before any review is read: a file changed after this is seen next time.
        signature = folder_signature(self.corpus.root)
        self._signature = signature
        if not rebuild:
            # Fast path, no lock: a fresh index needs no writer.
            manifest = self._read_manifest()
            ix = self._open_existing(manifest, keep_reader=self.keep_checked_reader)
            if ix is not None and self._fresh(manifest, ix, signature):
                if self._hashed or manifest.get("signature") != signature:
                    self._restamp(ix, manifest, signature)
                return ix, UpdateReport([], [], [], False, 0.0)
        with file_lock(self.lock_path):
            manifest = self._read_manifest()
            ix = self._open_existing(manifest)
            # A readable index of our schema is rebuilt in place, in one commit that drops
            # every old segment: other instances reading it keep a consistent generation.
            # Deleting the folder under them made their next read fail (EmptyIndexError).
            reusable = (
                ix is not None and manifest is not None and manifest.get("schema") == SCHEMA_VERSION
            )
            full = rebuild or not reusable
            clear = full and reusable
            if full and not reusable:
                # Also what removes a planted or swapped file (see _verified).
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir.mkdir(parents=True, exist_ok=True)
                ix = windex.create_in(str(self.dir), make_schema())
            if full:
                indexed: dict[str, str] = {}
                with contextlib.suppress(OSError):
                    self.words_path.unlink()
            elif manifest.get("generation") == ix.latest_generation():
                indexed = dict(manifest.get("reviews") or {})
            else:
                # The process that last wrote the index died before its manifest: ask the
                # index itself what it holds.
                with ix.searcher() as searcher:
                    indexed = {f["rid"]: f["digest"] for f in searcher.all_stored_fields()}
            wanted = self.wanted()
            added = [r for r in wanted if r not in indexed]
            changed = [r for r in wanted if r in indexed and indexed[r] != wanted[r]]
            removed = [r for r in indexed if r not in wanted]
            if added or changed or removed or full:
                # A review the manifest does not know may still be in the index (a damaged
                # manifest): delete before adding so no passage is ever there twice.
                stale = changed + removed + ([] if full else added)
                self._apply(ix, added + changed, stale, clear=clear, progress=progress)
            # Digests are reused only from a manifest whose folder was verified just now.
            self._write_manifest(ix, wanted, signature, manifest if reusable else None)
            return ix, UpdateReport(added, changed, removed, full, 0.0)

    def _apply(
        self,
        ix,
        to_add: list[str],
        to_delete: list[str],
        *,
        clear: bool = False,
        progress: ProgressFn | None = None,
    ) -> None:
        """One writer, one commit for the whole batch; words.txt after the commit."""
        from whoosh.writing import CLEAR, NO_MERGE

        from ballerina_tui.analysis import collect_words

        words: set[str] = set()

        # A bulk write holds millions of small objects in Whoosh's posting pool: the cyclic
        # garbage collector's passes over them were a fifth of the build's CPU (and there is
        # no cycle to find). Small updates leave it alone.
        by_id = {r.id: r for r in self.corpus.reviews}
        total = len(to_add)
        # A large write on disk is shared with child processes, one per core (see
        # index_parallel); this process indexes the last share.
        parts = 1 if self._in_memory else process_count(total, self.parallel_threshold)
        children = None
        extra: list = []
        own = to_add
        own_segment = None
        with _collector_paused(len(to_add) >= BULK_REVIEWS):
            writer = open_writer(ix)
            try:
                if parts > 1:
                    children = ChildShares(
                        str(self.dir), ix.indexname, [by_id[r] for r in to_add], parts
                    )
                    own = [r.id for r in children.own]
                for rid in to_delete:
                    writer.delete_by_term("rid", rid)
                report_progress(progress, "index", 0, total)
                with collect_words(words):
                    for done, rid in enumerate(own, 1):
                        for doc in _documents(by_id[rid]):
                            writer.add_document(**doc)
                        # Shares are indexed at about the same pace: count them all.
                        report_progress(progress, "index", min(total, done * parts), total)
                if children is not None:
                    # This process's segment is written while the children finish theirs:
                    # written at commit, after them, it took a third of a 10,000-review
                    # build with the other core idle.
                    if writer._added:
                        own_segment = writer._finalize_segment()
                    extra, found = children.wait(progress, total - 1, total)
                    words |= found
                    report_progress(progress, "index", total, total)
            except BaseException:
                segment = getattr(writer, "newsegment", None)
                writer.cancel()
                if children is not None:
                    children.abandon()
                if segment is not None and not self._in_memory:
                    # Whoosh leaves the cancelled segment's files behind; the index folder must
                    # hold exactly what the manifest lists (see _verified), or the next open
                    # would rebuild everything.
                    for leftover in self.dir.glob(f"{segment.segment_id()}.*"):
                        with contextlib.suppress(OSError):
                            leftover.unlink()
                raise
            if children is not None:
                # What Whoosh's commit does, with this process's segment already written:
                # the children's segments as they are, in share order, then its own (no
                # merge: merging them would redo their work in this one process).
                keep = CLEAR if clear else NO_MERGE
                segments = keep(writer, writer.segments) + extra
                if own_segment is not None:
                    segments.append(own_segment)
                else:
                    writer._close_segment()
                writer._commit_toc(segments)
                writer._finish()
            else:
                writer.commit(mergetype=CLEAR if clear else None)
        if self._in_memory:
            self._memory_words |= words
        else:
            self._write_words(words)

    def _build_in_memory(self, progress: ProgressFn | None = None):
        from whoosh.filedb.filestore import RamStorage

        class _RamOnly(RamStorage):
            # Whoosh's RamStorage sorts postings in a FileStorage at $TMPDIR/MAIN.tmp: the
            # in-memory fallback crashed when the disk was full (and two instances shared,
            # then deleted, one temporary folder). Keep that in memory too.
            def temp_storage(self, name=None):
                return RamStorage()

        self._in_memory = True
        ix = _RamOnly().create_index(make_schema())
        self._apply(ix, [r.id for r in self.corpus.reviews], [], progress=progress)
        return ix, UpdateReport([r.id for r in self.corpus.reviews], [], [], True, 0.0)
