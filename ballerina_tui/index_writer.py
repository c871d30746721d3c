"""Whoosh's segment writer as the index uses it (issue 10: the build's CPU).

Whoosh's pure-Python writer is most of an index build. Around it:
- posting blocks compressed at zlib level 1 (the same index size here as Whoosh's default
  level 3, at less time; readers need no setting);
- the document field lengths remembered at commit (:class:`_RememberedLengths`);
- the cyclic garbage collector paused during a bulk write (:func:`_collector_paused`);
- a posting pool large enough for 10,000 reviews without spilling to disk.
The words themselves are gathered by :class:`~ballerina_tui.analysis.IndexPositions`.
"""

from __future__ import annotations

import contextlib

WRITER_TIMEOUT = 30.0
# Memory for the writer's posting pool (Whoosh's own estimate) before it spills sorted
# runs to disk. 10,000 reviews (1.7 million postings) make about 300 MB: at 256 the pool
# spilled and merging the runs back took 50 s of CPU where 2,048 took 37 s (peak RSS 400 ->
# 460 MB). 512 keeps 10,000 reviews in memory and still bounds a much larger folder.
WRITER_LIMIT_MB = 512
# From this many reviews in one write, the garbage collector is paused (see ``ReviewIndex._apply``).
BULK_REVIEWS = 200
# zlib level of the posting blocks (Whoosh's default is 3; see _apply).
POSTING_COMPRESSION = 1


class _RememberedLengths:
    """A segment's per-document reader that remembers each field length it was asked for.

    At commit Whoosh asks the new segment for the length of the posting's document once
    per *posting* (for its block statistics), each time through the column reader: about
    a quarter of the build's CPU. The answers are the same for every posting of a
    document, so they are kept in a dict; everything else goes to the reader."""

    def __init__(self, reader) -> None:
        self._reader = reader
        self._lengths: dict[str, dict[int, int] | None] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self._lengths.get(fieldname, self)
        if lengths is self:
            # A field with no lengths column (the ids, the spelling field): Whoosh looks
            # for its file again on every call (a stat each: about 1 s of a 10,000-review
            # build). Asked once here.
            lengths = self._lengths[fieldname] = {} if self._has_lengths(fieldname) else None
        if lengths is None:
            return default
        try:
            return lengths[docnum]
        except KeyError:
            length = lengths[docnum] = self._reader.doc_field_length(docnum, fieldname, default)
            return length

    def _has_lengths(self, fieldname) -> bool:
        try:
            from whoosh.codec.whoosh3 import _lenfield

            return bool(self._reader.has_column(_lenfield(fieldname)))
        except Exception:  # noqa: BLE001 - not the reader we know: ask it every time
            return True

    def __getattr__(self, name):
        return getattr(self._reader, name)


def _remember_lengths(writer) -> None:
    """Give Whoosh's segment writer a :class:`_RememberedLengths` at commit."""
    opener = getattr(writer, "per_document_reader", None)
    if opener is None:
        return
    writer.per_document_reader = lambda: _RememberedLengths(opener())


@contextlib.contextmanager
def _collector_paused(pause: bool):
    """Pause the cyclic garbage collector (reference counting still frees everything)."""
    import gc

    paused = pause and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def open_writer(ix, *, lock: bool = True):
    """A writer on ``ix`` that waits for another instance's write, with the above.

    ``lock=False``: a writer that takes no lock, for a child process of a parallel build
    whose parent holds the index lock (see index_parallel)."""
    from whoosh.codec.whoosh3 import W3Codec

    writer = ix.writer(
        timeout=WRITER_TIMEOUT,
        delay=0.05,
        limitmb=WRITER_LIMIT_MB,
        codec=W3Codec(compression=POSTING_COMPRESSION),
        _lk=lock,
    )
    _remember_lengths(writer)
    return writer
