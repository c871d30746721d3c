"""Characters and lore entities: loading ``characters.yaml`` and finding mentions in text.

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

A mention is any alias, the name, or the actor's name, matched on word boundaries and
case-sensitively, except that a form written in lower case also matches with a capital
first letter ("the Director" matches "The Director" but not "the director"); curly
apostrophes are folded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ballerina_tui.textutil import APOSTROPHES, fold, one_line, slugify

MAX_CHARACTERS_BYTES = 1024 * 1024


class CharactersError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Character:
    id: str
    name: str
    kind: str = "character"
    actor: str | None = None
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None
    description: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every surface form that counts as a mention, longest first."""
        forms = {self.name, *self.aliases}
        if self.actor:
            forms.add(self.actor)
        return tuple(sorted((f for f in forms if f.strip()), key=len, reverse=True))

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "actor": self.actor,
            "aliases": list(self.aliases),
            "affiliation": self.affiliation,
            "description": self.description,
        }


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    character: str
    by_actor: bool = False  # named through the actor ("Keanu Reeves"), not the character


def _alias_pattern(alias: str) -> str:
    alias = alias.translate(APOSTROPHES)
    first, rest = alias[0], alias[1:]
    # "her family" also matches "Her family" at the start of a sentence; a capitalised
    # form ("Director") matches only as written.
    head = (
        f"[{re.escape(first)}{re.escape(first.upper())}]" if first.islower() else re.escape(first)
    )
    # Inside a name, any run of whitespace matches any run of whitespace.
    body = r"\s+".join(re.escape(part) for part in rest.split(" "))
    return head + body


@dataclass
class CharacterSet:
    characters: list[Character] = field(default_factory=list)
    film: str | None = None
    path: Path | None = None

    def __post_init__(self) -> None:
        self._by_id = {c.id: c for c in self.characters}
        owners: dict[str, str] = {}
        for character in self.characters:
            for form in character.names:
                owners.setdefault(form.translate(APOSTROPHES), character.id)
        self._owner = owners
        if owners:
            forms = sorted(owners, key=len, reverse=True)
            alternation = "|".join(_alias_pattern(f) for f in forms)
            self._regex = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
            self._folded_owner = {fold(f).replace(" ", ""): cid for f, cid in owners.items()}
        else:
            self._regex = None
            self._folded_owner = {}
        self._actor_forms = {
            fold(c.actor.translate(APOSTROPHES)).replace(" ", "")
            for c in self.characters
            if c.actor
        }

    def __iter__(self):
        return iter(self.characters)

    def __len__(self) -> int:
        return len(self.characters)

    def get(self, character_id: str) -> Character:
        return self._by_id[character_id]

    def mentions(self, text: str) -> list[Mention]:
        """Every mention in ``text`` with its offsets (longest alias wins where they overlap)."""
        if self._regex is None or not text:
            return []
        folded = text.translate(APOSTROPHES)
        found = []
        for match in self._regex.finditer(folded):
            key = fold(re.sub(r"\s+", "", match.group(0)))
            cid = self._folded_owner.get(key)
            if cid:
                found.append(Mention(match.start(), match.end(), cid, key in self._actor_forms))
        return found

    def mentioned(self, text: str) -> list[str]:
        """Ids of the characters mentioned in ``text``, in order of first mention."""
        seen: dict[str, None] = {}
        for mention in self.mentions(text):
            seen.setdefault(mention.character, None)
        return list(seen)

    def resolve(self, name: str) -> list[str]:
        """Ids matching a user-typed name: exact id, name or alias first, then any word of one.

        ``resolve("winston")`` → ``["winston"]``; ``resolve("ruska")`` finds every character
        with "Ruska" in a name. Case- and accent-insensitive.
        """
        key = fold(name).strip()
        if not key:
            return []
        exact = [
            c.id
            for c in self.characters
            if key == c.id or any(fold(form) == key for form in c.names) or slugify(key) == c.id
        ]
        if exact:
            return exact
        return [
            c.id
            for c in self.characters
            if any(key in re.findall(r"\w+", fold(form)) for form in c.names)
        ]


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
