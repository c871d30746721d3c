"""Highlights: spans of review text the user keeps, with a note. No Textual import.

Highlights live in the user data directory, one YAML file per review folder
(``highlights/<folder key>.yaml``). Each is keyed by a stable id made from the review id
and the text of the span, so it survives re-indexing, a re-analysis and edits elsewhere in
the review: when the review changes, :func:`locate` finds the text again.

Nothing the user saved is ever lost:

- every write takes an inter-process lock, re-reads the file and applies just this
  change to what is on disk (so two instances merge instead of overwriting each other),
  then replaces the file atomically;
- a file that cannot be read is moved aside (``*.unreadable-<time>``), never overwritten;
- an entry that does not validate (a wrong-typed field such as ``text: 1984``, a missing
  text, the partial last entry of a cut-short file) is kept in the file exactly as it
  was, after the usable ones, and the user is told once (:attr:`HighlightStore.note`);
- keys this version does not know, on an entry or at the top of the file, survive every
  rewrite; the file carries its schema ``version``.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ballerina_tui.corpus import Corpus, Review
from ballerina_tui.paths import atomic_write_text, corpus_key, data_dir, file_lock

FORMAT_VERSION = 2  # 2: entries that do not validate and unknown keys are kept
MAX_NOTE_CHARS = 4000


def normalise_span(text: str) -> str:
    """The form of a span's text that its id is computed from (whitespace collapsed)."""
    return " ".join(text.split())


def highlight_id(review_id: str, text: str) -> str:
    """Stable id: the review id and a digest of the span's text, e.g. ``critic-3fa2c19b0d``."""
    digest = hashlib.sha1(normalise_span(text).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{review_id}-{digest[:10]}"


@dataclass
class Highlight:
    id: str
    review: str
    text: str
    start: int
    end: int
    section: str = ""
    note: str = ""
    created: str = ""
    # Keys of the stored entry this version does not know: written back unchanged.
    extra: dict = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["extra"]
        return data

    def to_storage(self) -> dict:
        """The mapping written to the file: the known fields, then the unknown keys."""
        return {**self.to_dict(), **{k: v for k, v in self.extra.items() if k not in _FIELDS}}

    @classmethod
    def from_dict(cls, data: dict) -> Highlight | None:
        """A highlight from a stored mapping, or ``None`` when the entry is unusable."""
        return cls.validate(data)[0]

    @classmethod
    def validate(cls, data) -> tuple[Highlight | None, str | None]:
        """``(highlight, None)`` for a usable entry, ``(None, reason)`` for one that is not.

        Strict on purpose: an entry whose fields have the wrong type (``text: 1984``,
        ``note: [a, b]``) is not guessed at but kept verbatim by the store.
        """
        if not isinstance(data, dict):
            return None, "is not a mapping of keys to values"
        review, text = data.get("review"), data.get("text")
        if not isinstance(review, str) or not review.strip():
            return None, f"'review' must be text ({_kind(review)})"
        if not isinstance(text, str) or not text.strip():
            return None, f"'text' must be text ({_kind(text)})"
        for key in ("id", "section", "note", "created"):
            if data.get(key) is not None and not isinstance(data[key], str):
                return None, f"'{key}' must be text ({_kind(data[key])})"

        # ``start``/``end`` are only hints (``locate`` finds the text again): a bad one
        # is read as 0 rather than refusing the highlight.
        def _int(value) -> int:
            return value if isinstance(value, int) and not isinstance(value, bool) else 0

        def _str(value) -> str:
            return value if isinstance(value, str) else ""

        start = _int(data.get("start"))
        end = _int(data.get("end")) or start + len(text)
        item = cls(
            id=_str(data.get("id")) or highlight_id(review, text),
            review=review,
            text=text,
            start=start,
            end=end,
            section=_str(data.get("section")),
            note=_str(data.get("note"))[:MAX_NOTE_CHARS],
            created=_str(data.get("created")),
            extra={k: v for k, v in data.items() if k not in _FIELDS},
        )
        return item, None


_FIELDS = ("id", "review", "text", "start", "end", "section", "note", "created")


def _kind(value) -> str:
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return "got yes/no"
    if isinstance(value, int | float):
        return "got a number"
    if isinstance(value, list):
        return "got a list"
    if isinstance(value, dict):
        return "got a mapping"
    if isinstance(value, str):
        return "got empty text"
    return f"got a {type(value).__name__}"


def make_highlight(review: Review, start: int, end: int, *, note: str = "") -> Highlight:
    """A highlight of ``review.text[start:end]`` (surrounding whitespace trimmed)."""
    start = max(0, min(start, len(review.text)))
    end = max(start, min(end, len(review.text)))
    while start < end and review.text[start].isspace():
        start += 1
    while end > start and review.text[end - 1].isspace():
        end -= 1
    if end <= start:
        raise ValueError("cannot highlight an empty span")
    text = review.text[start:end]
    return Highlight(
        id=highlight_id(review.id, text),
        review=review.id,
        text=text,
        start=start,
        end=end,
        section=review.section_at(start),
        note=note,
        created=datetime.now(UTC).replace(microsecond=0).isoformat(),
    )


def locate(highlight: Highlight, review: Review) -> tuple[int, int] | None:
    """Where the highlight's text is in ``review`` now, or ``None`` when it is gone.

    The stored offsets are tried first; then every exact occurrence (the nearest to the
    old place wins); then a match that ignores differences in whitespace.
    """
    text = review.text
    if text[highlight.start : highlight.end] == highlight.text:
        return highlight.start, highlight.end
    found = []
    pos = text.find(highlight.text)
    while pos != -1:
        found.append(pos)
        pos = text.find(highlight.text, pos + 1)
    if found:
        best = min(found, key=lambda p: abs(p - highlight.start))
        return best, best + len(highlight.text)
    parts = highlight.text.split()
    if not parts:
        return None
    pattern = r"\s+".join(re.escape(p) for p in parts)
    matches = list(re.finditer(pattern, text))
    if matches:
        best = min(matches, key=lambda m: abs(m.start() - highlight.start))
        return best.start(), best.end()
    return None


_TOP_KEYS = ("version", "reviews", "film", "highlights")


def _entry_lines(source: str) -> list[int]:
    """The line (1-based) where each entry of the ``highlights`` list starts."""
    import yaml

    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, ValueError, RecursionError):
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if getattr(key, "value", None) == "highlights" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def store_path(corpus_root: Path) -> Path:
    return data_dir() / "highlights" / f"{corpus_key(corpus_root)}.yaml"


@dataclass
class HighlightStore:
    """The highlights of one review folder, backed by a YAML file."""

    path: Path
    root: str = ""
    film: str | None = None
    items: list[Highlight] = field(default_factory=list)
    note: str | None = None  # set when the file or an entry in it could not be used
    _kept: list = field(default_factory=list, repr=False)  # entries that did not validate
    _top: dict = field(default_factory=dict, repr=False)  # top-level keys we do not know
    _told: bool = field(default=False, repr=False)  # the user has been told about _kept

    @classmethod
    def for_corpus(cls, corpus: Corpus, path: Path | None = None) -> HighlightStore:
        store = cls(
            path=Path(path) if path is not None else store_path(corpus.root),
            root=str(corpus.root),
            film=corpus.film,
        )
        store.reload()
        return store

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    # ------------------------------------------------------------------ reading

    def reload(self) -> list[Highlight]:
        """Re-read the file (no lock: a reader sees the old file or the new one)."""
        self.items = self._read(move_bad_aside=False)
        return self.items

    def _read(self, *, move_bad_aside: bool) -> list[Highlight]:
        import yaml

        self._kept, self._top = [], {}
        try:
            source = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            return self._unreadable(f"cannot read {self.path}: {exc}", move_bad_aside)
        try:
            data = yaml.safe_load(source)
        except (yaml.YAMLError, ValueError, RecursionError) as exc:
            reason = " ".join(str(exc).split())[:160]
            return self._unreadable(f"{self.path} is not valid YAML ({reason})", move_bad_aside)
        if data is None:
            return []
        if not isinstance(data, dict) or not isinstance(data.get("highlights", []), list):
            return self._unreadable(f"{self.path} is not a highlights file", move_bad_aside)
        self._top = {k: v for k, v in data.items() if k not in _TOP_KEYS}
        if isinstance(data.get("version"), int) and data["version"] > FORMAT_VERSION:
            self._top["version"] = data["version"]  # a newer writer's number is kept
        out: dict[str, Highlight] = {}
        rejected: list[tuple[int, str]] = []
        for n, entry in enumerate(data.get("highlights") or []):
            item, reason = Highlight.validate(entry)
            if item is None:
                self._kept.append(entry)
                rejected.append((n, reason or "is not usable"))
            else:
                out.setdefault(item.id, item)
        if rejected and not self._told:
            self._told = True
            lines = _entry_lines(source)
            n, reason = rejected[0]
            where = f"{self.path}:{lines[n]}" if n < len(lines) else str(self.path)
            count = len(rejected)
            more = f" (and {count - 1} more)" if count > 1 else ""
            self.note = (
                f"{where}: a highlight cannot be used: {reason}{more}; it is kept in the "
                "file as it is: fix or delete it there"
            )
        return list(out.values())

    def _unreadable(self, message: str, move_bad_aside: bool) -> list[Highlight]:
        if move_bad_aside:
            aside = self.path.with_name(
                f"{self.path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}"
            )
            try:
                self.path.rename(aside)
                self.note = f"{message}; kept it as {aside.name} and started a new file"
            except OSError:
                raise OSError(f"{message}; not overwriting it") from None
        else:
            self.note = message
        return []

    # ------------------------------------------------------------------ writing

    def _update(self, change: Callable[[list[Highlight]], list[Highlight]]) -> list[Highlight]:
        """Lock, re-read what is on disk, apply ``change``, write atomically."""
        import yaml

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(self.lock_path):
            current = self._read(move_bad_aside=True)
            updated = change(current)
            document = {
                "version": FORMAT_VERSION,
                "reviews": self.root,
                "film": self.film,
                **self._top,
                # Entries that do not validate stay, verbatim, after the usable ones.
                "highlights": [h.to_storage() for h in updated] + self._kept,
            }
            text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
            atomic_write_text(self.path, "# ballerina-tui highlights\n" + text)
        self.items = updated
        return updated

    def get(self, highlight_id: str) -> Highlight | None:
        return next((h for h in self.items if h.id == highlight_id), None)

    def add(self, highlight: Highlight) -> Highlight:
        def change(items: list[Highlight]) -> list[Highlight]:
            if any(h.id == highlight.id for h in items):
                return items
            return [*items, highlight]

        self._update(change)
        return self.get(highlight.id) or highlight

    def remove(self, highlight_id: str) -> bool:
        existed = False

        def change(items: list[Highlight]) -> list[Highlight]:
            nonlocal existed
            existed = any(h.id == highlight_id for h in items)
            return [h for h in items if h.id != highlight_id]

        self._update(change)
        return existed

    def toggle(self, highlight: Highlight) -> bool:
        """Add the highlight, or remove it when it is already kept. True when added."""
        added = False

        def change(items: list[Highlight]) -> list[Highlight]:
            nonlocal added
            if any(h.id == highlight.id for h in items):
                return [h for h in items if h.id != highlight.id]
            added = True
            return [*items, highlight]

        self._update(change)
        return added

    def set_note(self, highlight_id: str, note: str) -> bool:
        found = False
        note = note.strip()[:MAX_NOTE_CHARS]

        def change(items: list[Highlight]) -> list[Highlight]:
            nonlocal found
            for item in items:
                if item.id == highlight_id:
                    item.note = note
                    found = True
            return items

        self._update(change)
        return found

    # ------------------------------------------------------------------ views

    def for_review(self, review_id: str) -> list[Highlight]:
        return [h for h in self.items if h.review == review_id]

    def in_corpus_order(self, corpus: Corpus) -> list[Highlight]:
        """Highlights sorted by review (in corpus order) and place in the review."""
        order = {rid: n for n, rid in enumerate(corpus.ids)}
        return sorted(self.items, key=lambda h: (order.get(h.review, len(order)), h.start, h.id))


def spans_for_review(
    highlights: Iterable[Highlight], review: Review
) -> list[tuple[int, int, Highlight]]:
    """Where each highlight of ``review`` is now (highlights whose text is gone are left out)."""
    out = []
    for item in highlights:
        if item.review != review.id:
            continue
        place = locate(item, review)
        if place is not None:
            out.append((place[0], place[1], item))
    return sorted(out, key=lambda t: t[0])
