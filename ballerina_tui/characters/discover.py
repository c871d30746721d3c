"""Discovering the people and named things that reviews mention, without a characters.yaml.

A pattern approach, chosen on evidence (see the README and ``tests/data/entities.yaml``):

1. **Name spans** (:mod:`.names`): runs of capitalised words (with initials like "C." and particles like
   "de", "von", "le" between them). A word counts as a name word only when the folder
   itself says so: it is written capitalised in mid-sentence and seldom in lower case
   anywhere. That drops "When", "Contains", "Overall" at the head of a sentence without
   a word list of the film, and keeps "Bruno" wherever it stands.
2. **Roles** from what the text states around a span: "X as Y", "Y (X)", "Y, played by
   X", "X plays Y", "voiced by", "directed by", "written by", "score by", "novel by",
   "cinematography by", "director X", "composer X"…
3. **Variants** grouped: accents and case folded ("Möhner" / "Mohner"), spellings one
   letter apart ("Samoilova" / "Samojlova"), a surname or first name alone when it
   belongs to one full name only in this folder, short forms ("Hitch" / "Hitchcock").
4. **What is kept**: a name with a stated role, or one at least two reviewers write.

The engine knows nothing about any film: only English function words and the shape of
credits. No Textual import, no third-party import.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ballerina_tui.characters.model import Character
from ballerina_tui.characters.names import (
    _ADJECTIVES,
    _DEMONYM,
    _PARTICLES,
    _STOP,
    _WORD,
    _NameWords,
    _Span,
    _spans,
    _word_stats,
)
from ballerina_tui.textutil import APOSTROPHES, fold, slugify

ROLE_BEFORE = [
    ("director", r"(?:directed|helmed|direction)\s+by|\bdirector|\bfilmmaker"),
    (
        "writer",
        r"(?:written|scripted|adapted|screenplay|script|story|novel|book|novella)\s+by"
        r"|\b(?:writer|screenwriter|novelist|author)",
    ),
    ("composer", r"(?:score|scored|music|composed|soundtrack|songs)\s+by|\bcomposer"),
    (
        "cinematographer",
        r"(?:photographed|cinematography|lensed|shot)\s+by|\bcinematographer",
    ),
    ("producer", r"produced\s+by|\bproducer"),
    ("actor", r"(?:starring|stars|actor|actress|co-stars?)"),
]
# One pattern for every role, each its own group: one search per name span.
_ROLE_BEFORE = re.compile(
    "|".join(rf"(?P<{role}>(?:{pat})\s*[,:]?\s*$)" for role, pat in ROLE_BEFORE), re.I
)
_ROLE_HINT = re.compile(r"by\s*$|(?:or|er|ist|ess|ar|ing|s)\s*[,:]?\s*$", re.I)
# Between two spans A and B: what A is to B.
# A (actor) as B (character): "X as Y", "X in the role of Y", "X lends his voice to Y".
_AS = re.compile(
    r"^\s+(?:as|in\s+the\s+(?:title\s+|lead\s+)?role\s+of|lends?\s+(?:his|her)\s+voice\s+to)"
    r"\s+(?:the\s+)?$",
    re.I,
)
# "X plays Y", "X plays the idea man Y": up to two words of description, no preposition.
_PLAYS = re.compile(
    r"^\s+(?:plays|played|portrays|portrayed|voices|voiced)\s+(?:(?:the|a|an)\s+)?"
    r"(?:(?!(?:to|for|with|in|on|at|by|of|and|but|or|it|him|her|them|against|opposite|"
    r"alongside|beside|like|than|as|off|up|down|into|from|over|under|after|before|next|"
    r"well|so|very|too|really|there|here)\b)[a-z][\w-]*\s+){0,2}$",
    re.I,
)
_PLAYED_BY = re.compile(
    r"^\s*,?\s*(?:\(\s*)?(?:(?:who\s+is|is|was)\s+)?(?:played|portrayed|voiced)\s+by\s+$", re.I
)
_PAREN = re.compile(r"^\s*\(\s*$")
# "Cesar from Milan (played by Jules Dassin)": the place is not who is played.
_PLACE_BEFORE = re.compile(r"(?:^|\s)(?:from|of|in|at)\s+$")
_FROM_GAP = re.compile(r"^[\s,]*(?:from|of)\s+$")
# A word that only ever ends a title: a capitalised word, then "the", "to", "of"…
# ("Beauty and the Beast", "No Time to Die"). Names seldom follow these words so.
_TITLE_TAIL = re.compile(
    r"(?<![\w.])[A-Z][\w']*\s+(?:(?:and|or|&)\s+)?(?:the|to|of|a|an|on|for|with|without)\s+$"
)
# A number or a roman numeral after it ("Part II"), not the pronoun ("when Tony I met").
_NUMBER_AFTER = re.compile(r"\s*\d+\b|\s+(?:II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\b")
# A lone word without a role is no card when this share of its mentions end a title, or
# this share are followed by a number; an outvoted credit is no card under this many
# readers. Plateaus (``benchmarks/bench_discovery.py --sweep``, same scores on the tune
# halves, the bundled four and the held halves): TITLE_SHARE 0.3-1.0 (above 1.0 "Die" is
# back), SECTION_SHARE 0.3-1.0 ("Chapter" back above 1.0; below 0.3 "HAL 9000" loses HAL
# on a held half), OUTVOTED_READERS 2-6 (0-1 let "Perlo Vita" back on a held half).
TITLE_SHARE = 1.0
SECTION_SHARE = 0.5
OUTVOTED_READERS = 3
# Epithets: "César le Milanais" and "Cesar the Milanese" are one man.
_EPITHET = frozenset("le la the el il lo".split())


@dataclass
class _Entity:
    forms: Counter = field(default_factory=Counter)  # surface form -> count
    reviews: Counter = field(default_factory=Counter)  # review -> count
    roles: Counter = field(default_factory=Counter)
    actor_votes: Counter = field(default_factory=Counter)  # entity key -> votes
    merged_into: str | None = None
    alone: Counter = field(default_factory=Counter)  # review -> isolated mentions
    titled: int = 0  # mentions as the last word of a title ("Beauty and the Beast")
    numbered: int = 0  # mentions followed by a number ("Chapter 3", "Part II")

    @property
    def count(self) -> int:
        return sum(self.reviews.values())


@lru_cache(maxsize=65536)
def _key(form: str) -> str:
    return fold(form).replace(".", "").strip()


def _edit1(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one substitution, insertion or deletion."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def _same_spelling(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if len(a) != len(b) or a == b:
        return False
    differ = 0
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if len(x) < 5 or x[0] != y[0] or not _edit1(x, y):
            return False
        differ += 1
    return differ == 1


# The words a title's tail ends with (:data:`_TITLE_TAIL`), and the last letters of what
# announces a role (:data:`_ROLE_HINT`): most windows end otherwise, and are passed over
# without the pattern (one of each per name mentioned: about a million at 10,000 reviews).
_TAIL_WORDS = frozenset("the to of a an on for with without".split())
_HINT_ENDS = frozenset("yrtsgYRTSG")


def _title_tail(window: str) -> bool:
    """``_TITLE_TAIL.search(window)``, the pattern run only where it can match."""
    stripped = window.rstrip()
    if len(stripped) == len(window) or not stripped:
        return False  # the pattern ends with whitespace
    if stripped.rsplit(None, 1)[-1] not in _TAIL_WORDS:
        return False
    return _TITLE_TAIL.search(window) is not None


def _role_hint(window: str) -> bool:
    """``_ROLE_HINT.search(window)``, the pattern run only where it can match: the window
    ends (before spaces and one comma or colon) with a letter that ends a hint, or with a
    letter outside ASCII (case folding can make one of those match)."""
    end = window.rstrip()
    if end[-1:] in (",", ":"):
        end = end[:-1].rstrip()
    last = end[-1:]
    if not last or (last.isascii() and last not in _HINT_ENDS):
        return False
    return _ROLE_HINT.search(window) is not None


def _near_forms(word: str) -> set[str]:
    """The word and the word less any one letter: two words one edit apart (one letter
    changed, added or dropped) always share one of these (a deletion neighbourhood)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_letter_apart(keys: list[str], tokens: dict[str, tuple[str, ...]]):
    """``(key, into)`` for each key (in ``keys`` order) that has an earlier key spelled
    one letter apart (:func:`_same_spelling`); ``into`` is the first such key.

    The keys are looked up by what they would share with such a key (every other word,
    and one :func:`_near_forms` of the differing word), not compared all against all."""
    rank = {k: n for n, k in enumerate(keys)}
    holders: dict[tuple, list[int]] = defaultdict(list)
    for n, k in enumerate(keys):
        words = tokens[k]
        for p, word in enumerate(words):
            if len(word) >= 4:  # the other key's word has five letters or more
                rest = words[:p] + words[p + 1 :]
                for form in _near_forms(word):
                    holders[(len(words), p, rest, form)].append(n)
    for k in keys:
        words, own = tokens[k], rank[k]
        earlier: set[int] = set()
        for p, word in enumerate(words):
            if len(word) >= 5:
                rest = words[:p] + words[p + 1 :]
                for form in _near_forms(word):
                    earlier.update(
                        n for n in holders.get((len(words), p, rest, form), ()) if n < own
                    )
        for n in sorted(earlier):
            if _same_spelling(words, tokens[keys[n]]):
                yield k, keys[n]
                break


class _Within:
    """Which of some names hold a given string (``"bruno"`` in ``"bruno anthony"``):
    one search through all of them joined, not one test per name."""

    def __init__(self, names: dict[str, str]) -> None:  # name -> the text searched
        self.names = list(names)
        self.starts: list[int] = []
        at = 0
        for text in names.values():
            self.starts.append(at)
            at += len(text) + 1
        self.text = "\n".join(names.values())

    def holding(self, part: str) -> set[str]:
        from bisect import bisect_right

        found: set[str] = set()
        at = self.text.find(part)
        while at >= 0:
            found.add(self.names[bisect_right(self.starts, at) - 1])
            at = self.text.find(part, at + 1)
        return found


class _Words:
    """A set of words, looked up by prefix and by one edit (:func:`_edit1`)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.sorted = sorted(words)
        self.near: dict[str, list[str]] = defaultdict(list)
        for word in self.sorted:
            for form in _near_forms(word):
                self.near[form].append(word)

    def starting(self, prefix: str) -> list[str]:
        from bisect import bisect_left

        out = []
        for word in self.sorted[bisect_left(self.sorted, prefix) :]:
            if not word.startswith(prefix):
                break
            out.append(word)
        return out

    def one_letter_from(self, word: str) -> set[str]:
        return {
            other
            for form in _near_forms(word)
            for other in self.near.get(form, ())
            if _edit1(other, word)
        }


class _Discovery:
    def __init__(self, documents: list[tuple[str, str]]) -> None:
        self.documents = documents
        self.entities: dict[str, _Entity] = defaultdict(_Entity)

    def run(self) -> list[Character]:
        documents = [(r, t.translate(APOSTROPHES)) for r, t in self.documents]
        tokenised = [(t, list(_WORD.finditer(t))) for _, t in documents]
        words = _NameWords(*_word_stats(tokenised))
        every = _unglue(
            [
                _spans(review, text, tokens, words)
                for (review, text), (_, tokens) in zip(documents, tokenised, strict=True)
            ]
        )
        for (review, text), spans in zip(documents, every, strict=True):
            for span in spans:
                key = _key(span.text)
                entity = self.entities[key]
                entity.forms[span.text] += 1
                entity.reviews[review] += 1
                if span.isolated:
                    entity.alone[review] += 1
                window = text[max(0, span.start - 40) : span.start]
                found = _ROLE_BEFORE.search(window) if _role_hint(window) else None
                if found:
                    entity.roles[found.lastgroup] += 1
                if _title_tail(window):
                    entity.titled += 1
                if _NUMBER_AFTER.match(text, span.end):
                    entity.numbered += 1
            for n, (a, b) in enumerate(zip(spans, spans[1:], strict=False)):
                between = text[a.end : b.start]
                if b.start - a.end > 40:
                    continue
                ka, kb = _key(a.text), _key(b.text)
                if _AS.match(between) or _PLAYS.match(between):
                    self._link(character=kb, actor=ka, weight=2)
                elif _PLAYED_BY.match(between):
                    if _PLACE_BEFORE.search(text[max(0, a.start - 6) : a.start]):
                        # "Cesar from Milan (played by …)": the one before the place.
                        if n and _FROM_GAP.match(text[spans[n - 1].end : a.start]):
                            ka = _key(spans[n - 1].text)
                        else:
                            continue
                    self._link(character=ka, actor=kb, weight=2)
                elif _PAREN.match(between) and text[b.end : b.end + 3].lstrip().startswith(")"):
                    # "Guy Haines (Farley Granger)": the character first, by convention;
                    # a lone word in the brackets is the character ("Jean Servais (Tony)").
                    # Two lone words state no casting ("Paris (France)").
                    if len(b.tokens) == 1 and len(a.tokens) > 1:
                        self._link(character=kb, actor=ka, weight=1)
                    elif len(b.tokens) > 1:
                        self._link(character=ka, actor=kb, weight=1)
        self._group()
        return self._characters()

    def _link(self, *, character: str, actor: str, weight: int) -> None:
        if character == actor:
            return
        self.entities[character].roles["character"] += weight
        self.entities[character].actor_votes[actor] += weight
        self.entities[actor].roles["actor"] += weight

    # ----------------------------------------------------------------- grouping

    def _find(self, key: str) -> str:
        while self.entities[key].merged_into:
            key = self.entities[key].merged_into
        return key

    def _merge(self, small: str, big: str) -> None:
        small, big = self._find(small), self._find(big)
        if small == big:
            return
        a, b = self.entities[small], self.entities[big]
        b.forms.update(a.forms)
        b.reviews.update(a.reviews)
        b.roles.update(a.roles)
        b.actor_votes.update(a.actor_votes)
        b.alone.update(a.alone)
        b.titled += a.titled
        b.numbered += a.numbered
        a.merged_into = big

    def _group(self) -> None:
        keys = sorted(self.entities, key=lambda k: (-self.entities[k].count, k))
        tokens = {k: tuple(k.split()) for k in keys}
        # Spellings one letter apart, fewer mentions into more.
        for k, into in _one_letter_apart(keys, tokens):
            self._merge(k, into)
        # One head with several epithets: "César le Milanais", "Cesar the Milanese".
        heads: dict[str, list[str]] = defaultdict(list)
        for k in keys:
            if _epithet_of(tokens[k], tokens[k][0]):
                heads[tokens[k][0]].append(k)
        for group in heads.values():
            for k in group[1:]:
                self._merge(k, group[0])
        full = [k for k in keys if len(tokens[k]) > 1 and not self.entities[k].merged_into]
        # Two full names where one is the other with more words ("Bruno" "Bruno Anthony").
        within = _Within({k: " ".join(tokens[k]) for k in full})
        for k in full:
            if self.entities[k].merged_into:
                continue
            longer = {
                self._find(o)
                for o in within.holding(" ".join(tokens[k]))
                if o != k and len(tokens[o]) > len(tokens[k])
            }
            if len(longer) == 1:
                self._merge(k, next(iter(longer)))
        # A word alone (or a short form of one) that belongs to one full name only.
        owners: dict[str, set[str]] = defaultdict(set)
        for k in full:
            for tok in tokens[k]:
                if tok not in _PARTICLES and len(tok) > 1:
                    owners[tok].add(self._find(k))
                    if "'" in tok:  # "Malley" of "O'Malley"
                        owners[tok.split("'")[-1]].add(self._find(k))
        owner_words = _Words(owners)
        owned: dict[str, set[str]] = {}
        for k in keys:
            if len(tokens[k]) != 1 or self.entities[k].merged_into:
                continue
            tok = tokens[k][0]
            found = owners.get(tok, set())
            if not found:
                if len(tok) >= 4:
                    found = {o for t in owner_words.starting(tok) for o in owners[t]}
                    found |= {
                        o
                        for t in owner_words.one_letter_from(tok)
                        if len(t) >= 5 and t[0] == tok[0]
                        for o in owners[t]
                    }
            found = {self._find(o) for o in found}
            if len(found) > 1:
                # "Cesar" is the man called "Cesar the Milanese", not "Juan Cesar".
                named = {o for o in found if _epithet_of(tuple(o.split()), tok)}
                if len(named) == 1:
                    found = named
            if len(found) == 1:
                self._merge(k, next(iter(found)))
            elif found:
                owned[k] = found
        # Then the words several full names share, once the others are counted in: one
        # far more written than the rest owns it ("Grutter" of three brothers: none).
        for k, found in owned.items():
            ranked = sorted(
                {self._find(o) for o in found}, key=lambda o: (-self.entities[o].count, o)
            )
            rest = sum(self.entities[o].count for o in ranked[1:])
            if self.entities[ranked[0]].count >= 3 * rest:
                self._merge(k, ranked[0])

    # ----------------------------------------------------------------- output

    def _characters(self) -> list[Character]:
        roots = [k for k, e in self.entities.items() if not e.merged_into]
        # The actor of each character: the strongest vote, followed through merges.
        actor_of: dict[str, str] = {}
        outvoted: set[str] = set()
        for k in roots:
            votes: Counter = Counter()
            for actor, n in self.entities[k].actor_votes.items():
                votes[self._find(actor)] += n
            votes.pop(k, None)
            if votes:
                actor_of[k] = votes.most_common(1)[0][0]
                outvoted.update(votes)
        playing = set(actor_of.values())
        out: list[tuple[int, Character]] = []
        for k in roots:
            e = self.entities[k]
            if k in playing and k not in actor_of and not _other_role(e):
                continue  # an actor shows on the card of the character they play
            if (
                k in outvoted
                and k not in actor_of
                and not _other_role(e)
                and len(e.reviews) < OUTVOTED_READERS
            ):
                continue  # a credit one review gives against the others ("John Servais")
            role = _role(e, k in actor_of)
            single = len(k.split()) == 1
            if not role and len(e.reviews) < 2:
                continue
            if single and (k in _STOP or k in _ADJECTIVES or k in _PARTICLES):
                continue
            if single and not role and (_DEMONYM.search(k) or len(e.alone) < 2):
                continue
            if (
                single
                and not role
                and (e.titled >= TITLE_SHARE * e.count or e.numbered >= SECTION_SHARE * e.count)
            ):
                continue  # a title's last word ("Die"), a section ("Chapter 3")
            name = _display(e)
            actor = None
            if k in actor_of:
                actor = _display(self.entities[actor_of[k]])
                e = _with_actor_forms(e, self.entities[actor_of[k]])
            aliases = tuple(f for f in sorted(e.forms, key=lambda f: (-e.forms[f], f)) if f != name)
            kind = "character" if role == "character" else ("person" if role else "name")
            out.append(
                (
                    len(e.reviews),
                    Character(
                        id=slugify(name) or "name",
                        name=name,
                        kind=kind,
                        actor=actor if actor != name else None,
                        aliases=tuple(a for a in aliases if a != actor)[:20],
                        role=role,
                        source="discovered",
                    ),
                )
            )
        out.sort(key=lambda pair: (-pair[0], pair[1].name))
        seen: set[str] = set()
        result = []
        for _, character in out:
            cid = character.id
            n = 2
            while cid in seen:
                cid = f"{character.id}-{n}"
                n += 1
            seen.add(cid)
            if cid != character.id:
                character = Character(**{**character.__dict__, "id": cid})
            result.append(character)
        return result


def _epithet_of(tokens: tuple[str, ...], head: str) -> bool:
    return len(tokens) > 2 and tokens[0] == head and tokens[1] in _EPITHET


def _unglue(every: list[list[_Span]]) -> list[list[_Span]]:
    """Drop a capitalised word glued before a full name: "the final Countdown Louis
    Grutter shot" when "Louis Grutter" is written elsewhere and "Countdown" nowhere else."""
    keys = Counter(_key(s.text) for spans in every for s in spans)
    words = Counter(_key(t) for spans in every for s in spans for t in s.tokens)
    out = []
    for spans in every:
        trimmed = []
        for s in spans:
            head = s.tokens[0]
            if len(s.tokens) > 2 and words[_key(head)] == 1 and head not in _PARTICLES:
                rest = s.text.find(s.tokens[1], len(head))
                if rest > 0 and keys[_key(s.text[rest:])]:
                    s = replace(s, start=s.start + rest, text=s.text[rest:], tokens=s.tokens[1:])
            trimmed.append(s)
        out.append(trimmed)
    return out


def _other_role(e: _Entity) -> bool:
    return any(r not in ("actor", "character") for r in e.roles)


def _role(e: _Entity, plays: bool) -> str | None:
    if plays:
        return "character"
    roles = [(n, r) for r, n in e.roles.items() if r != "character" or plays]
    if not roles:
        return None
    return max(roles)[1]


def _display(e: _Entity) -> str:
    """The longest form written by most reviewers: the full name, spelled the usual way."""
    top = max(e.forms.values())
    usual = [f for f in e.forms if e.forms[f] * 5 >= top]
    by_len = max(len(f.split()) for f in usual)
    longest = [f for f in usual if len(f.split()) == by_len]
    # Ties go to the spelling whose words the other forms share ("Arthur C Clarke", not
    # the one "Aurthur C. Clarke").
    shared = Counter(w for f in e.forms for w in set(_key(f).split()))
    return max(
        longest,
        key=lambda f: (
            e.forms[f],
            sum(shared[w] for w in _key(f).split()),
            any(c.isupper() for c in f[1:]),
            f,
        ),
    )


def _with_actor_forms(character: _Entity, actor: _Entity) -> _Entity:
    merged = _Entity(forms=Counter(character.forms), reviews=Counter(character.reviews))
    if not _other_role(actor):  # the director who plays a part keeps his name to his card
        merged.forms.update({f: n for f, n in actor.forms.items()})
    merged.roles = character.roles
    return merged


def discover_characters(documents: Iterable[tuple[str, str]]) -> list[Character]:
    """Characters and people named in ``documents`` (``(review id, text)`` pairs).

    Sorted by how many reviews name them. Each has ``source="discovered"``, a ``role``
    when the text states one, and the actor beside the character where the text links them.
    """
    return _Discovery(list(documents)).run()
