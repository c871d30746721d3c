"""The Whoosh index of a review folder, kept in the user cache directory.

One document per passage (heading, paragraph or list item; very long paragraphs are cut
into pieces of at most :data:`MAX_PASSAGE_CHARS`). The index is reused while the folder is
unchanged and updated review by review when it changes: a manifest beside the index keeps
each review's content digest, and only reviews whose digest differs are re-indexed.

Safety:
- Updates run under an inter-process file lock, and Whoosh's own write lock is a second
  guard, so two instances take turns instead of corrupting the index.
- An index that cannot be opened or read (corrupt, from an older schema, half-written) is
  thrown away and rebuilt.
- An index is only ever opened from our own cache directory, never from a review folder
  (Whoosh stores pickles). When the cache directory cannot be written, the index is built
  in memory and :attr:`ReviewIndex.note` says so.

This module imports Whoosh; nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ballerina_tui.characters import CharacterSet
from ballerina_tui.corpus import Corpus, Review
from ballerina_tui.paths import atomic_write_text, cache_dir, corpus_key, file_lock
from ballerina_tui.progress import ProgressFn
from ballerina_tui.progress import report as report_progress

SCHEMA_VERSION = 4
MAX_PASSAGE_CHARS = 4000
WRITER_TIMEOUT = 30.0


@dataclass(frozen=True)
class Passage:
    review: str
    handle: str
    section: str
    kind: str
    paragraph: int
    start: int
    end: int
    text: str
    characters: tuple[str, ...]


def _cut_points(text: str, limit: int) -> list[int]:
    """Where to cut a long text so every piece is at most ``limit`` characters."""
    cuts = [0]
    pos = 0
    while len(text) - pos > limit:
        window = text[pos : pos + limit]
        best = -1
        for pattern in (r"[.!?…][\"'”’)]*\s+", r"[;:,]\s+", r"\s+"):
            found = [m.end() for m in re.finditer(pattern, window) if m.end() > limit // 2]
            if found:
                best = found[-1]
                break
        cut = pos + (best if best > 0 else limit)
        cuts.append(cut)
        pos = cut
    return cuts


def review_passages(review: Review, characters: CharacterSet) -> list[Passage]:
    passages: list[Passage] = []
    for block in review.blocks:
        text = review.block_text(block)
        cuts = _cut_points(text, MAX_PASSAGE_CHARS) + [len(text)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = text[a:b]
            # Keep offsets exact: trim whitespace by moving the span, not by editing text.
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            s, e = block.start + a + lead, block.start + b - trail
            if e <= s:
                continue
            body = review.text[s:e]
            passages.append(
                Passage(
                    review=review.id,
                    handle=review.handle,
                    section=block.section,
                    kind=block.kind,
                    paragraph=block.index,
                    start=s,
                    end=e,
                    text=body,
                    characters=tuple(characters.mentioned(body)),
                )
            )
    return passages


def make_schema():
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

    from ballerina_tui.analysis import review_analyzer

    analyzer = review_analyzer()
    return Schema(
        pid=ID(unique=True, stored=True),
        rid=ID(stored=True),
        review=KEYWORD(lowercase=True),  # id and handle, for review: queries
        handle=STORED(),
        section=TEXT(analyzer=analyzer, stored=True, multitoken_query="phrase"),
        kind=ID(stored=True),
        paragraph=NUMERIC(stored=True),
        start=STORED(),
        end=STORED(),
        digest=STORED(),
        # "spin-off" or "8.8/10" typed as one word must match as a phrase, not as AND.
        text=TEXT(
            analyzer=analyzer,
            stored=True,
            chars=True,
            phrase=True,
            spelling=True,
            multitoken_query="phrase",
        ),
        characters=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
    )


def _documents(review: Review, characters: CharacterSet) -> Iterator[dict]:
    for n, p in enumerate(review_passages(review, characters)):
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
            "text": p.text,
            "characters": ",".join(p.characters),
        }


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


class ReviewIndex:
    """The index of one corpus. Call :meth:`ensure` before searching (cheap when fresh)."""

    def __init__(
        self, corpus: Corpus, *, root: Path | None = None, characters: CharacterSet | None = None
    ):
        self.corpus = corpus
        self._characters = characters  # None: the file merged with discovery, on first use
        base = Path(root) if root is not None else cache_dir()
        self.base = base / "index"
        self.dir = self.base / corpus_key(corpus.root)
        self.lock_path = self.base / f"{corpus_key(corpus.root)}.lock"
        self.manifest_path = self.dir / "manifest.json"
        self.note: str | None = None
        self.last_update: UpdateReport | None = None
        self._ix = None
        self._in_memory = False
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ public

    @property
    def in_memory(self) -> bool:
        return self._in_memory

    @property
    def characters(self) -> CharacterSet:
        """``characters.yaml`` merged with the people the reviews name (computed once)."""
        if self._characters is None:
            from ballerina_tui.characters import corpus_characters

            self._characters = corpus_characters(self.corpus)
        return self._characters

    @characters.setter
    def characters(self, value: CharacterSet) -> None:
        self._characters = value

    def characters_digest(self) -> str:
        path = self.corpus.characters_path
        data = path.read_bytes() if path is not None and path.is_file() else b""
        # The file only: discovered names follow the reviews, and folding them in here
        # would rebuild the whole index whenever one review changes. ``character:`` queries
        # expand to the names at query time.
        # "+discovered": passages are tagged with discovered names too (issue 9), so an
        # index built before that is retagged once.
        return hashlib.sha256(data + b"\0+discovered").hexdigest()

    def wanted(self) -> dict[str, str]:
        return {r.id: r.digest for r in self.corpus.reviews}

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
        return data

    def _write_manifest(self, ix, indexed: dict[str, str]) -> None:
        manifest = {
            "schema": SCHEMA_VERSION,
            "generation": ix.latest_generation(),
            "characters": self.characters_digest(),
            "root": str(self.corpus.root),
            "reviews": indexed,
        }
        atomic_write_text(self.manifest_path, json.dumps(manifest, indent=1, sort_keys=True))

    def _fresh(self, manifest: dict | None, ix) -> bool:
        return (
            manifest is not None
            and manifest.get("schema") == SCHEMA_VERSION
            and manifest.get("characters") == self.characters_digest()
            and manifest.get("generation") == ix.latest_generation()
            and manifest.get("reviews") == self.wanted()
        )

    def _open_existing(self):
        from whoosh import index as windex

        try:
            # exists_in() reads the TOC too: a damaged one raises here, not only in open_dir().
            if not windex.exists_in(str(self.dir)):
                return None
            ix = windex.open_dir(str(self.dir))
            # Touch the schema and a reader: a corrupt TOC or segment fails here.
            with ix.reader() as reader:
                reader.doc_count()
            if set(ix.schema.names()) != set(make_schema().names()):
                return None
            return ix
        except Exception:  # noqa: BLE001 - any failure to read means rebuild
            return None

    def _ensure_on_disk(self, *, rebuild: bool, progress: ProgressFn | None = None):
        from whoosh import index as windex

        self.base.mkdir(parents=True, exist_ok=True)
        if not rebuild:
            # Fast path, no lock: a fresh index needs no writer.
            ix = self._open_existing()
            if ix is not None and self._fresh(self._read_manifest(), ix):
                return ix, UpdateReport([], [], [], False, 0.0)
        with file_lock(self.lock_path):
            ix = self._open_existing()
            manifest = self._read_manifest()
            # A readable index of our schema is rebuilt in place, in one commit that drops
            # every old segment: other instances reading it keep a consistent generation.
            # Deleting the folder under them made their next read fail (EmptyIndexError).
            reusable = (
                ix is not None and manifest is not None and manifest.get("schema") == SCHEMA_VERSION
            )
            full = rebuild or not reusable or manifest.get("characters") != self.characters_digest()
            clear = full and reusable
            if full and not reusable:
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir.mkdir(parents=True, exist_ok=True)
                ix = windex.create_in(str(self.dir), make_schema())
            if full:
                indexed: dict[str, str] = {}
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
            self._write_manifest(ix, wanted)
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
        from whoosh.writing import CLEAR

        writer = ix.writer(timeout=WRITER_TIMEOUT, delay=0.05)
        try:
            for rid in to_delete:
                writer.delete_by_term("rid", rid)
            by_id = {r.id: r for r in self.corpus.reviews}
            report_progress(progress, "index", 0, len(to_add))
            for done, rid in enumerate(to_add, 1):
                for doc in _documents(by_id[rid], self.characters):
                    writer.add_document(**doc)
                report_progress(progress, "index", done, len(to_add))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=CLEAR if clear else None)

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
