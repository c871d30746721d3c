"""Characters and lore entities: loading ``characters.yaml``, discovering the people the
reviews name, merging the two, and finding mentions in text.

One step per module: :mod:`.model` (the data and mention matching), :mod:`.load` (the
yaml file), :mod:`.discover` (names, roles and variants found in the reviews),
:mod:`.merge` (file wins, discovered people added; cached per corpus).
"""

from __future__ import annotations

from ballerina_tui.characters.load import MAX_CHARACTERS_BYTES, load_characters
from ballerina_tui.characters.model import Character, CharactersError, CharacterSet, Mention

__all__ = [
    "MAX_CHARACTERS_BYTES",
    "Character",
    "CharacterSet",
    "CharactersError",
    "Mention",
    "corpus_characters",
    "discover_characters",
    "load_characters",
    "merge_characters",
]


def __getattr__(name: str):
    # Discovery and merging load on first use: nothing of them on the first frame.
    if name == "discover_characters":
        from ballerina_tui.characters.discover import discover_characters

        return discover_characters
    if name in ("merge_characters", "corpus_characters"):
        from ballerina_tui.characters import merge

        return getattr(merge, name)
    raise AttributeError(name)
