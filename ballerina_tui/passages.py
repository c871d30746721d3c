"""The passages of a review: what the index holds one document each of.

A heading, paragraph or list item is a passage; a long paragraph is cut at sentence ends
into passages of about :data:`PASSAGE_CHARS`. Split from :mod:`ballerina_tui.index`, which
re-exports these names; nothing here imports Whoosh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ballerina_tui.characters import CharacterSet
from ballerina_tui.corpus import Review

# A paragraph longer than this is cut into passages at sentence ends (a pasted review
# without paragraph breaks was one passage: a hit showed all of it). No passage is ever
# longer than MAX_PASSAGE_CHARS (Whoosh highlights only the first 32,768 characters).
PASSAGE_CHARS = 1200
MAX_PASSAGE_CHARS = 4000


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
    characters: tuple[str, ...] = ()
    # What a citation names ("¶ 3" without a heading) and where the span is in the file
    # itself (they differ where HTML was turned into text): stored, so that ``search``
    # answers without reading the review files.
    label: str = ""
    file_start: int = 0
    file_end: int = 0


_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")


def _cut_points(text: str, limit: int = PASSAGE_CHARS, hard: int = MAX_PASSAGE_CHARS) -> list[int]:
    """Where to cut a long text: at the last sentence end before ``limit`` characters (or
    the first one after it), and only where no sentence end comes before ``hard`` at a
    clause break or a space, so every piece is at most ``hard`` characters."""
    cuts = [0]
    pos = 0
    while len(text) - pos > limit:
        ends = [m.end() for m in _SENTENCE_END.finditer(text, pos + 1, pos + hard)]
        inside = [e for e in ends if e - pos <= limit and e - pos > limit // 3]
        after = [e for e in ends if e - pos > limit and len(text) - e > limit // 3]
        if inside:
            cut = inside[-1]
        elif after:
            cut = after[0]
        elif len(text) - pos <= hard:
            break
        else:
            window = text[pos : pos + hard]
            best = -1
            for pattern in (r"[;:,]\s+", r"\s+"):
                found = [m.end() for m in re.finditer(pattern, window) if m.end() > hard // 2]
                if found:
                    best = found[-1]
                    break
            cut = pos + (best if best > 0 else hard)
        if len(text) - cut < 1:
            break
        cuts.append(cut)
        pos = cut
    return cuts


def review_passages(review: Review, characters: CharacterSet | None = None) -> list[Passage]:
    """The passages of a review. ``characters``, if given, fills :attr:`Passage.characters`
    (the index itself does not need them)."""
    passages: list[Passage] = []
    for block in review.blocks:
        text = review.block_text(block)
        cuts = _cut_points(text) + [len(text)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = text[a:b]
            # Keep offsets exact: trim whitespace by moving the span, not by editing text.
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            s, e = block.start + a + lead, block.start + b - trail
            if e <= s:
                continue
            body = review.text[s:e]
            file_start, file_end = review.file_span(s, e)
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
                    characters=tuple(characters.mentioned(body)) if characters else (),
                    label=block.section or review.section_label(s),
                    file_start=file_start,
                    file_end=file_end,
                )
            )
    return passages
