"""Name spans in review text: runs of capitalised words the folder itself treats as names.

A word counts as a name word only when the folder says so: it is written capitalised in
mid-sentence and seldom in lower case anywhere. That drops "When", "Contains", "Overall"
at the head of a sentence without a word list of the film. Part of
:mod:`ballerina_tui.characters.discover`; no Textual import, no third-party import.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Words that are capitalised for grammar, never names on their own (English function
# words, pronouns, days, months, and generic abbreviations of the medium).
_STOP = frozenset(
    """
    a an the and or but nor so yet if then than when while where why how what which who whom
    whose this that these those there here it its it's i i'm i've i'd i'll me my mine we our us
    you your he him his she her they them their one ones all any some no not none each every
    both either neither of in on at by for from to into onto with without about above below
    after before during since until as like just only also even still very much more most
    well oh yes ok okay please thanks thank wow hey dear mr mrs ms dr sir st
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december
    dvd vhs tv cgi fx usa us uk nyc la cd mtv imdb imdb's bbc afi pg pc ii iii iv vi vii viii
    ix xi xii ps pps nb etc vs spoiler spoilers
    everybody everyone everything anybody anyone anything somebody someone something nobody
    nothing
    """.split()
)
# Lower-case words allowed inside a name ("Anjelica de Armas", "Tony le Stéphanois"), and
# the short function words of titles in the languages films are named in ("Du Rififi chez
# les Hommes", "Il Conformista"), so a title stays one span instead of a stray last word.
_PARTICLES = frozenset(
    "de du des del della di da von van der den le la les y el al bin ibn the chez aux au "
    "los las il lo et".split()
)
# A demonym or language alone is not a card ("French", "Swedish", "American").
_DEMONYM = re.compile(r"(?:ish|ese|ian|ean|can)$")
_ADJECTIVES = frozenset(
    """
    french italian american british english german swedish spanish russian japanese chinese
    irish scottish mexican canadian australian european african asian jewish polish dutch
    greek swiss hungarian soviet western eastern northern southern christian catholic
    """.split()
)

_WORD = re.compile(r"[^\W\d_](?:[\w]|['\u2019][^\W\d_]|-[^\W\d_])*")
_SENTENCE_END = re.compile(r"[.!?:;\"\u201c\u201d]\s*$|^\s*$")


@dataclass
class _Span:
    review: str
    start: int
    end: int
    text: str
    tokens: tuple[str, ...]
    isolated: bool = True  # no capitalised word right beside it (not a piece of a title)


# A dot after an initial or a title is no sentence end ("Arthur C. Clarke", "Dr. Floyd").
_ABBREVIATION_DOT = re.compile(r"(?:^|[^\w.])(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof)\.\s+$")


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start]
    if start == 0 or "\n" in before:
        return True
    if not _SENTENCE_END.search(before):
        return False
    return not _ABBREVIATION_DOT.search(text[max(0, start - 7) : start])


def _word_stats(tokenised: list[tuple[str, list]]) -> tuple[Counter, Counter]:
    lower: Counter = Counter()
    cap_mid: Counter = Counter()
    for text, tokens in tokenised:
        words = [m.group(0) for m in tokens]
        lower.update(w for w in words if w.islower())
        for m, word in zip(tokens, words, strict=True):
            if word[0].isupper() and not _sentence_initial(text, m.start()):
                cap_mid[_strip_possessive(word)] += 1
    return lower, cap_mid


def _strip_possessive(word: str) -> str:
    """ "Bruno's" → "Bruno" (apostrophes are folded before this runs)."""
    return word[:-2] if word.endswith("'s") else word


class _NameWords:
    def __init__(self, lower: Counter, cap_mid: Counter) -> None:
        self.lower = lower
        self.cap_mid = cap_mid

    def is_name(self, word: str) -> bool:
        if word.lower() in _STOP or not word[0].isupper():
            return False
        if len(word) == 1:
            return False
        mid = self.cap_mid[word]
        low = self.lower[word.lower()]
        # Written capitalised in mid-sentence, and more often so than in lower case.
        return mid >= 1 and low * 2 <= mid


def _particle(word: str) -> bool:
    """A particle, also capitalised as titles write them ("Chez Les Hommes"), except "The"
    (which starts the next title: "Walt Disney The Aristocats")."""
    return word in _PARTICLES or (word != "The" and word.lower() in _PARTICLES)


def _particle_run(text: str, tokens: list, k: int, words: _NameWords) -> int:
    """How many particles from ``tokens[k]`` on lead, one space apart, to a name word."""
    j = k
    while j < len(tokens) and j < k + 2 and _particle(tokens[j].group(0)):
        if j + 1 >= len(tokens) or text[tokens[j].end() : tokens[j + 1].start()] != " ":
            return 0
        j += 1
    if j == k or j >= len(tokens) or _particle(tokens[j].group(0)):
        return 0
    return j - k if words.is_name(_strip_possessive(tokens[j].group(0))) else 0


def _spans(review: str, text: str, tokens: list, words: _NameWords) -> list[_Span]:
    """Maximal runs of name words (with initials and particles) in ``text``."""
    out: list[_Span] = []
    n = 0
    while n < len(tokens):
        m = tokens[n]
        raw = m.group(0)
        if not raw[0].isupper():
            n += 1
            continue
        word = _strip_possessive(raw)
        if not words.is_name(word):
            n += 1
            continue
        parts = [word]
        start, end = m.start(), m.start() + len(word)
        k = n + 1
        while k < len(tokens):
            nxt = tokens[k]
            gap = text[end : nxt.start()]
            if m.group(0).endswith("'s"):
                break  # a possessive ends the name
            nword = _strip_possessive(nxt.group(0))
            # "Arthur C. Clarke": an initial with its dot.
            if gap in (" ", ". ") and len(nword) == 1 and nword.isupper():
                after = text[nxt.end() : nxt.end() + 2]
                if after.startswith(". ") and k + 1 < len(tokens):
                    parts.append(nword + ".")
                    end = nxt.end() + 1
                    m = nxt
                    k += 1
                    continue
                # "Arthur C Clarke": an initial without its dot, a name word after it.
                if (
                    gap == " "
                    and after == " " + text[nxt.end() + 1 : nxt.end() + 2]
                    and k + 1 < len(tokens)
                    and tokens[k + 1].start() == nxt.end() + 1
                    and words.is_name(_strip_possessive(tokens[k + 1].group(0)))
                ):
                    parts.append(nword)
                    end = nxt.end()
                    m = nxt
                    k += 1
                    continue
                break
            if gap.rstrip(".") != " " and gap != " ":
                if not (gap == ". " and parts[-1].endswith(".")):
                    break
            if _particle(nword) and not words.is_name(nword):
                # One or two particles, then a name word: "Jo le Suédois", "Chez Les Hommes".
                run = _particle_run(text, tokens, k, words)
                if run:
                    parts += [tokens[j].group(0) for j in range(k, k + run)]
                    m = tokens[k + run - 1]
                    end = m.end()
                    k += run
                    continue
                break
            if not words.is_name(nword):
                break
            parts.append(nword)
            end = nxt.start() + len(nword)
            m = nxt
            k += 1
        if len(parts) > 1 and parts[0].lower() in _ADJECTIVES:  # "Italian Mario"
            start += len(parts[0]) + 1
            parts = parts[1:]
        before = text[max(0, start - 2) : start]
        after = text[end : end + 2]
        isolated = not (
            (
                before.endswith(" ")
                and k
                and n
                and tokens[n - 1].group(0)[0].isupper()
                and tokens[n - 1].end() == start - 1
            )
            or (
                k < len(tokens)
                and tokens[k].start() == end + 1
                and after.startswith(" ")
                and tokens[k].group(0)[0].isupper()
            )
        )
        out.append(_Span(review, start, end, text[start:end], tuple(parts), isolated))
        n = k if k > n else n + 1
    return out
