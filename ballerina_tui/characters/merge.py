"""The characters of a folder: ``characters.yaml`` merged with what the reviews name.

The file wins: its entries keep their names, aliases, actors and descriptions, and gain
the spellings discovery found for them; people the file does not know are added after
its entries. :func:`corpus_characters` computes this once per corpus and caches it.
"""

from __future__ import annotations

import threading

from ballerina_tui.characters.model import Character, CharacterSet
from ballerina_tui.textutil import fold

_LOCK = threading.Lock()


def review_documents(corpus) -> list[tuple[str, str]]:
    """(review id, text) pairs of every review's paragraphs and items (headings left out:
    "Critical Reception" is a heading, not a name)."""
    docs = []
    for review in corpus.reviews:
        parts = [review.block_text(b) for b in review.blocks if b.kind != "heading"]
        docs.append((review.id, "\n\n".join(parts)))
    return docs


def _key(name: str) -> str:
    return " ".join(fold(name).replace(".", " ").split())


def merge_characters(file_set: CharacterSet, discovered: list[Character]) -> CharacterSet:
    """``file_set`` with the discovered characters it does not already know appended."""
    owner: dict[str, int] = {}
    merged: list[Character] = list(file_set.characters)
    for n, ch in enumerate(merged):
        for form in ch.names:
            owner.setdefault(_key(form), n)
    ids = {c.id for c in merged}
    for ch in discovered:
        # Matched by its own names, not its actor's: "César" played by the director is
        # not the director's card. Only the file's entries take discovered names in.
        forms = [_key(f) for f in (ch.name, *ch.aliases)]
        known = next((owner[f] for f in forms if f in owner), None)
        if known is not None:
            old = merged[known]
            extra = tuple(
                a for a in (ch.name, *ch.aliases) if _key(a) not in {_key(f) for f in old.names}
            )
            merged[known] = Character(
                **{
                    **old.__dict__,
                    "actor": old.actor or ch.actor,
                    "aliases": old.aliases + extra,
                    "role": old.role or ch.role,
                }
            )
            continue
        cid = ch.id
        n = 2
        while cid in ids:
            cid = f"{ch.id}-{n}"
            n += 1
        ids.add(cid)
        if cid != ch.id:
            ch = Character(**{**ch.__dict__, "id": cid})
        merged.append(ch)
    return CharacterSet(merged, film=file_set.film, path=file_set.path)


def corpus_characters(
    corpus, file_set: CharacterSet | None = None, discovered=None
) -> CharacterSet:
    """The file's characters merged with the discovered ones; computed once per corpus.

    ``discovered``, if given, is called for the discovered people instead of reading every
    review for them (the index keeps them beside itself, keyed by the folder)."""
    with _LOCK:
        cached = getattr(corpus, "_merged_characters", None)
        if cached is not None and (file_set is None or cached[0] is file_set):
            return cached[1]
    if file_set is None:
        from ballerina_tui.characters.load import load_characters

        file_set = load_characters(corpus.characters_path)
    from ballerina_tui.characters.discover import discover_characters

    found = discovered() if discovered is not None else None
    if found is None:
        found = discover_characters(review_documents(corpus))
    merged = merge_characters(file_set, found)
    with _LOCK:
        try:  # cached on the corpus itself: it lives exactly as long as its reviews
            corpus._merged_characters = (file_set, merged)
        except AttributeError:  # pragma: no cover - a corpus that takes no attributes
            pass
    return merged
