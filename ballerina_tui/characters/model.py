"""Characters and mentions: the data, and finding mentions in text.

A mention is any alias, the name, or the actor's name, matched on word boundaries and
case-sensitively, except that a form written in lower case also matches with a capital
first letter ("the Director" matches "The Director" but not "the director"); curly
apostrophes are folded. Matching walks one token trie over the text (an automaton built
once per set), so its cost grows with the text, not with the number of aliases.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ballerina_tui.textutil import APOSTROPHES, fold, slugify


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
    role: str | None = None  # character, actor, director, writer, composer, … when known
    source: str = "file"  # "file" (characters.yaml) or "discovered" (from the reviews)

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
            "role": self.role,
            "source": self.source,
        }


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    character: str
    by_actor: bool = False  # named through the actor ("Keanu Reeves"), not the character


# A token is a run of word characters or one other non-space character.
_TOKEN = re.compile(r"\w+|[^\w\s]")
_END = ""  # trie key marking the end of a form


def _form_tokens(form: str) -> list[tuple[str, bool]]:
    """(token, preceded by whitespace) pairs of a form."""
    out = []
    last = 0
    for m in _TOKEN.finditer(form):
        out.append((m.group(0), m.start() > last and form[last : m.start()].isspace()))
        last = m.end()
    return out


class _Matcher:
    """A trie over tokens: finds, left to right, the longest form starting at each token.

    A form waits under its first token until a text holds that token: a search of 10,000
    reviews names the characters of ten passages, and building the branches of all 5,500
    names of their cards took most of the time of finding them."""

    def __init__(self) -> None:
        self.root: dict = {}
        self._waiting: dict[str, list[tuple[str, tuple[str, bool]]]] = {}

    def add(self, form: str, value: tuple[str, bool]) -> None:
        first = _TOKEN.search(form)
        if first is None:
            return
        with _GROWING:
            if (first.group(0), False) in self.root:
                _insert(self.root, form, value)
            else:
                self._waiting.setdefault(first.group(0), []).append((form, value))

    def _grow(self, token: str) -> None:
        """The branch of the forms starting with ``token``, made and then put in place
        whole (another thread may be reading the trie)."""
        with _GROWING:
            forms = self._waiting.get(token)
            if forms is None:
                return  # grown meanwhile
            branch: dict = {}
            for form, value in forms:
                _insert(branch, form, value)
            self.root.update(branch)
            del self._waiting[token]

    def finditer(self, text: str):
        tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        n = 0
        root = self.root
        waiting = self._waiting
        while n < len(tokens):
            token, start, _ = tokens[n]
            node = root.get((token, False))
            if node is None and token in waiting:
                self._grow(token)
                node = root.get((token, False))
            best = None
            k = n
            if node is not None and not (
                start and _is_word(text[start - 1]) and _is_word(token[0])
            ):
                while True:
                    if _END in node:
                        best = (k, node[_END])
                    k += 1
                    if k >= len(tokens):
                        break
                    nxt, nstart, _ = tokens[k]
                    gap = text[tokens[k - 1][2] : nstart]
                    node = node.get((nxt, bool(gap)))
                    if node is None:
                        break
            if best is None:
                n += 1
                continue
            last, value = best
            end = tokens[last][2]
            if end < len(text) and _is_word(text[end]) and _is_word(tokens[last][0][-1]):
                n += 1
                continue
            yield start, end, value
            n = last + 1


_GROWING = threading.Lock()  # one for every trie: held while a branch is made


def _insert(root: dict, form: str, value: tuple[str, bool]) -> None:
    tokens = _form_tokens(form)
    if not tokens:
        return
    node = root
    for n, (token, spaced) in enumerate(tokens):
        # Inside a form, a space matches any run of whitespace; no space matches none.
        key = (token, spaced if n else False)
        node = node.setdefault(key, {})
    node.setdefault(_END, value)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@dataclass
class CharacterSet:
    characters: list[Character] = field(default_factory=list)
    film: str | None = None
    path: Path | None = None

    def __post_init__(self) -> None:
        self._by_id = {c.id: c for c in self.characters}
        actor_forms = {c.actor.translate(APOSTROPHES) for c in self.characters if c.actor}
        self._matcher = _Matcher()
        owners: dict[str, str] = {}
        for character in self.characters:
            for form in character.names:
                owners.setdefault(form.translate(APOSTROPHES), character.id)
        for form, cid in sorted(owners.items(), key=lambda kv: -len(kv[0])):
            value = (cid, form in actor_forms)
            self._matcher.add(form, value)
            if form[0].islower():
                self._matcher.add(form[0].upper() + form[1:], value)

    def __iter__(self):
        return iter(self.characters)

    def __len__(self) -> int:
        return len(self.characters)

    def get(self, character_id: str) -> Character:
        return self._by_id[character_id]

    def mentions(self, text: str) -> list[Mention]:
        """Every mention in ``text`` with its offsets (longest alias wins where they overlap)."""
        if not self._by_id or not text:
            return []
        folded = text.translate(APOSTROPHES)
        return [
            Mention(start, end, cid, by_actor)
            for start, end, (cid, by_actor) in self._matcher.finditer(folded)
        ]

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
