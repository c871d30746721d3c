"""Loading ``characters.yaml``: one :class:`Character` per entry, errors with their line.

The file is film-specific data; this module only knows its shape::

    film: Optional film title
    characters:
      - id: slug            # optional, derived from name
        name: Display name
        kind: character | organisation | place | …
        actor: Optional actor
        aliases: [other names]
        affiliation: Optional
        description: One line in our own words
"""

from __future__ import annotations

from pathlib import Path

from ballerina_tui.characters.model import Character, CharactersError, CharacterSet
from ballerina_tui.textutil import one_line, slugify

MAX_CHARACTERS_BYTES = 1024 * 1024


def _text_field(entry: dict, key: str, where: str, line: int | None) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool | int | float | str):
        text = one_line(str(value), 300)
        return text or None
    raise CharactersError(f"{where}: '{key}' must be text", line)


def load_characters(path: Path | None) -> CharacterSet:
    """Load ``characters.yaml``; a missing file gives an empty set. Raises :class:`CharactersError`."""
    if path is None or not Path(path).is_file():
        return CharacterSet()
    import yaml

    from ballerina_tui.corpus import ReviewFileError, _safe_yaml_mapping, decode_review_bytes

    path = Path(path)
    data_bytes = path.read_bytes()
    if len(data_bytes) > MAX_CHARACTERS_BYTES:
        raise CharactersError("characters file is larger than 1 MiB")
    try:
        source = decode_review_bytes(data_bytes)
        data = _safe_yaml_mapping(source, first_line=1)
    except ReviewFileError as exc:
        raise CharactersError(
            str(exc).replace("front matter", "characters file"), exc.line
        ) from None
    # Line numbers for error messages.
    try:
        nodes = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # pragma: no cover - already parsed once
        nodes = None
    lines: list[int | None] = []
    if nodes is not None:
        for key, value in getattr(nodes, "value", []):
            if getattr(key, "value", None) == "characters" and isinstance(value, yaml.SequenceNode):
                lines = [item.start_mark.line + 1 for item in value.value]
    entries = data.get("characters", [])
    if not isinstance(entries, list):
        raise CharactersError("'characters' must be a list", 1)
    characters: list[Character] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries):
        line = lines[n] if n < len(lines) else None
        where = f"entry {n + 1}"
        if not isinstance(entry, dict):
            raise CharactersError(f"{where}: must be a mapping", line)
        name = _text_field(entry, "name", where, line)
        if not name:
            raise CharactersError(f"{where}: 'name' is required", line)
        cid = slugify(_text_field(entry, "id", where, line) or name)
        if cid in seen:
            raise CharactersError(f"{where}: duplicate id '{cid}'", line)
        seen.add(cid)
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(
            isinstance(a, str | int | float) for a in aliases
        ):
            raise CharactersError(f"{where}: 'aliases' must be a list of names", line)
        characters.append(
            Character(
                id=cid,
                name=name,
                kind=_text_field(entry, "kind", where, line) or "character",
                actor=_text_field(entry, "actor", where, line),
                aliases=tuple(one_line(str(a), 100) for a in aliases if str(a).strip()),
                affiliation=_text_field(entry, "affiliation", where, line),
                description=_text_field(entry, "description", where, line) or "",
            )
        )
    film = _text_field(data, "film", "file", 1)
    return CharacterSet(characters, film=film, path=path)
