"""Scoring a pair of claims: the evidence that they assert the same thing, and one score.

Evidence, each part kept so a link can say why it was made (or not):

- ``lexical``: the IDF-weighted overlap of their terms (:meth:`_Aligner.similarity`);
- ``dense``: the cosine of their WordLlama embeddings (the wording gap);
- ``names``: rare names both mention (characters, or capitalised words mid-sentence);
- ``numbers``: numbers both give;
- ``aspects``: what both are about (the music, the camera, the action…), from a general
  film-review vocabulary (:data:`ASPECTS`), nothing from any particular film.

The score is ``lexical + DENSE * max(0, dense - DENSE_FLOOR) + bonuses``. The thresholds
live in :class:`Params` and were tuned on ``tests/data/claims_labelled.yaml`` and MRPC
train (see README, "How claims are compared", and ``benchmarks/eval_mrpc.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A general vocabulary of what a film review talks about. Words, not stems: they are
# stemmed with the claim analyzer when an analysis starts.
ASPECTS: dict[str, tuple[str, ...]] = {
    "music": (
        "music score soundtrack composer song songs musical orchestra theme melody sound "
        "sounds audio"
    ).split(),
    "visuals": (
        "cinematography camera cameraman photography photographed shot shots visual visuals "
        "visually lighting lit colour color colors colours frame framing eyes look looks "
        "gorgeous beautiful stunning images imagery lens"
    ).split(),
    "action": (
        "action fight fights fighting choreography choreographed stunt stunts combat "
        "gunfight gunfights sequence sequences shootout chase violence violent brawl"
    ).split(),
    "story": (
        "story plot script screenplay narrative writing written writer twist twists "
        "storyline premise dialogue dialog"
    ).split(),
    "pacing": "pacing pace slow boring long length runtime minutes hour hours dragged".split(),
    "acting": (
        "acting performance performances actor actress actors cast casting role roles "
        "portrayal portrays played plays star stars starring"
    ).split(),
    "direction": "director directed direction directing helmed filmmaker filmmakers".split(),
    "release": (
        "release released releases premiere premiered theaters theatres cinemas box office "
        "opening date dvd streaming"
    ).split(),
    "franchise": (
        "sequel sequels prequel spin-off spinoff franchise installment instalment chapter "
        "series universe remake original"
    ).split(),
    "ending": "ending end finale climax conclusion".split(),
    "humour": "funny humor humour comedy comic jokes laugh laughs hilarious".split(),
    "effects": "effects cgi special-effects animation animated model models".split(),
    "tension": "suspense tension tense thrilling thriller gripping suspenseful".split(),
    "emotion": "emotional moving heart touching sad tears feel feeling feelings".split(),
    "rating": "rating rate rated stars score out of ten".split(),
    "era": "year years decade era age old classic dated".split(),
}


@dataclass
class Params:
    """Weights and thresholds of the score and of linking."""

    dense: float = 1.0  # weight of the dense cosine above its floor
    dense_floor: float = 0.3  # cosine below which the dense signal adds nothing
    aspect: float = 0.04  # bonus when both are about the same aspect
    name: float = 0.05  # bonus per shared rare name
    number: float = 0.05  # bonus per shared number
    mutual: float = 0.38  # score to link a mutual best match (both reviews with alternatives)
    strong: float = 0.39  # coverage + strong_dense * dense to link any pair, best match or not
    strong_dense: float = 0.4
    numbers_apart: float = 0.1  # taken off that when one gives a number the other does not
    surplus_terms: int = 3  # terms a whole sentence holds beyond a cut piece to be "more"
    floor: float = 0.1  # mean score of the pairs across two groups needed to merge them
    alternatives: int = 3  # a mutual best match counts when each review has this many claims


PARAMS = Params()

_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z\u00e0-\u00ff]+(?:\s+[A-Z][a-z]+)*)")


def proper_names(text: str, function_words: frozenset[str]) -> set[str]:
    """Capitalised words that are not at a sentence start: names, without a character list."""
    out = set()
    for m in _CAPITALISED.finditer(text):
        if m.start() == 0:
            continue
        words = [w for w in m.group(1).split() if w.casefold() not in function_words]
        if words and m.group(1).casefold() not in function_words:
            out.add(" ".join(w.casefold() for w in words))
    return out


def stemmed_aspects(stem) -> dict[str, str]:
    """stem -> aspect, with ``stem`` the claim analyzer."""
    out: dict[str, str] = {}
    for aspect, words in ASPECTS.items():
        for word in words:
            for token in stem(word):
                out.setdefault(token.text, aspect)
    return out


def strong_score(parts: dict, p: Params) -> float:
    """What links a pair on its own, whatever else is near (``p.strong`` or more): how much
    of each claim the other covers, and the dense cosine; less when they give different
    numbers ("firmed 24/32" / "firmed 14/32" are two statements, not one)."""
    return (
        parts["coverage"]
        + p.strong_dense * max(0.0, parts["dense"] - p.dense_floor)
        - (p.numbers_apart if parts["numbers_apart"] else 0.0)
    )


def combine(
    lexical: float, coverage: float, dense: float, names: int, numbers: int, aspect: bool, p: Params
):
    """One score from the evidence (see the module docstring)."""
    return (
        min(lexical, 1.5)
        + p.dense * max(0.0, dense - p.dense_floor)
        + (p.aspect if aspect else 0.0)
        + p.name * min(names, 3)
        + p.number * min(numbers, 3)
    )
