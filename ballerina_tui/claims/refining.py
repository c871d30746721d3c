"""Refining clauses into claims that each assert one thing, and no less.

- *Fragments* ("It is two.", "shocked and scared.", "After five years in prison") assert
  nothing on their own: a piece without a verb, or a very short one with at most one
  content word, joins the piece it belongs to (a leading phrase the clause after it,
  anything else the clause before it, in the same paragraph).
- *Inline name lists* ("starring A B, C D and E F") become one claim per name: the first
  keeps the words that lead to it.
- *Parentheticals that add a fact* at the end of a clause ("cameos from X (the late Y's
  final appearance)") become a claim of their own; a year, a number or a name in brackets
  stays where it is.

Spans stay exact: a joined claim runs from the first piece's start to the last one's end.
Generic English only; nothing here knows about any film.
"""

from __future__ import annotations

import re

_AUXILIARIES = frozenset(
    """
is are was were be been being am isn't aren't wasn't weren't has have had hasn't haven't
hadn't do does did don't doesn't didn't will would can could should may might must shall
won't wouldn't can't cannot couldn't shouldn't mustn't 's 're 've 'll 'd 'm
""".split()
)
# Frequent verbs that the suffix rules below miss (irregular forms, short present forms).
_COMMON_VERBS = frozenset(
    """
go goes went gone get gets got make makes made take takes took taken give gives gave given
see sees saw seen come comes came know knows knew known think thinks thought feel feels felt
find finds found tell tells told become becomes became leave leaves left keep keeps kept
begin begins began run runs ran hold holds held bring brings brought write writes wrote
stand stands stood lose loses lost pay pays paid meet meets met lead leads led set sets
sit sits sat speak speaks spoke fall falls fell buy buys bought break breaks broke win wins
won say says said love loves hate hates like likes want wants need needs seem seems look
looks play plays plays works work fits fit stars star shows show remains remain lacks lack
deserves deserve sums sum tries try put puts let lets mean means means gets plays holds
wish wishes watch watches recommend recommends enjoy enjoyed hope hopes
""".split()
)
_PRONOUNS = frozenset("i you he she it we they who".split())
_WORD = re.compile(r"[A-Za-z\u00c0-\u00ff]+(?:['\u2019][A-Za-z]+)?")
_LEADING = re.compile(
    r"(?i)^(?:after|before|during|despite|in|on|at|with|without|for|from|by|since|until"
    r"|when|while|once|as|like|unlike|throughout|within|among|amid|upon|over|under)\b"
)
_FUNCTION = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be it its this
that these those he she they i we you his her their our my your me him them us not no so
very too also just all any some one two""".split()
)


def _words(text: str) -> list[str]:
    return [m.group(0).casefold().replace("\u2019", "'") for m in _WORD.finditer(text)]


def has_verb(text: str) -> bool:
    """Whether ``text`` looks like it holds a finite verb (a heuristic, no tagger)."""
    words = _words(text)
    for i, word in enumerate(words):
        base, _, tail = word.partition("'")
        if word in _AUXILIARIES or (tail and f"'{tail}" in _AUXILIARIES) or word.endswith("n't"):
            return True
        if word in _COMMON_VERBS or base in _COMMON_VERBS:
            return True
        if len(word) > 4 and word.endswith(("ed", "en")) and words[i + 1 : i + 2] == ["by"]:
            return True  # "Directed by …": a passive with its agent says who did it
        if i and len(word) > 4 and word.endswith("ed") and not words[0].endswith("ed"):
            return True  # "the robbers were shocked"; not a bare "shocked and scared"
        if i and words[i - 1] in _PRONOUNS and word not in _FUNCTION:
            return True  # "he humiliates her", "it fits"
        if (
            i
            and len(word) > 3
            and word.endswith("s")
            and not word.endswith(("ss", "us", "is", "ous"))
            and (words[i - 1].endswith("ly") or words[i - 1] in ("also", "still", "never"))
        ):
            return True  # "definitely fits"
    return False


FRAGMENT_WORDS = 6  # a verbless piece longer than this is kept: the verb test is a heuristic


def is_fragment(text: str) -> bool:
    """A short piece without a verb, or a very short one with at most one content word
    ("It is two.", "shocked and scared.")."""
    words = _words(text)
    if len(words) <= FRAGMENT_WORDS and not has_verb(text):
        return True
    content = [w for w in words if w not in _FUNCTION and w not in _AUXILIARIES]
    negated = any(w in ("not", "no", "never") or w.endswith("n't") for w in words)
    return len(words) <= 4 and len(content) <= 1 and not negated  # "They don't fight." asserts


def is_leading(text: str) -> bool:
    """A leading phrase ("After five years in prison") that belongs to what follows."""
    return bool(_LEADING.match(text.strip())) and is_fragment(text)


def join_fragments(pieces: list[tuple[int, int, int, bool]], text: str) -> list[tuple[int, int]]:
    """Join each fragment to the piece it belongs to.

    ``pieces`` are ``(start, end, sentence number, keep)`` of one paragraph in reading
    order; ``keep`` marks a piece that stands alone whatever it looks like (a name of a
    list, a bracketed fact). A leading phrase joins the next piece, any other fragment the
    piece before it (else the one after). A paragraph of fragments only gives nothing."""
    out: list[list[int]] = []
    pending: list[int] | None = None  # a leading fragment waiting for its clause
    for s, e, n, keep in pieces:
        piece = text[s:e]
        if keep:
            if pending is not None and out:
                out[-1][1] = max(out[-1][1], pending[1])
            pending = None
            out.append([s, e, n])
            continue
        if pending is not None:
            s = pending[0]
            pending = None
            out.append([s, e, n])
            continue
        if is_fragment(piece):
            if is_leading(piece):
                pending = [s, e, n]
            elif out and out[-1][2] >= 0:
                out[-1][1] = e
            else:
                pending = [s, e, n]
            continue
        out.append([s, e, n])
    if pending is not None:
        if out:
            out[-1][1] = max(out[-1][1], pending[1])
        # A fragment alone in its paragraph is not a claim.
    return [(s, e) for s, e, _n in out]


_NAME = r"[A-Z][\w\u2019'.-]+(?:\s+(?:de|da|di|van|von|del|la|le|[A-Z][\w\u2019'.-]+)){0,3}"
_NAME_LIST = re.compile(rf"({_NAME})((?:\s*,\s*{_NAME}){{1,}})(?:\s*,?\s+and\s+({_NAME}))?")


def split_inline_names(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """ "… starring A B, C D and E F" -> the lead with the first name, then each name."""
    piece = text[start:end]
    for m in _NAME_LIST.finditer(piece):
        names = [(m.start(1), m.end(1))]
        for n in re.finditer(_NAME, m.group(2)):
            names.append((m.start(2) + n.start(), m.start(2) + n.end()))
        if m.group(3):
            names.append((m.start(3), m.end(3)))
        if len(names) < 3:
            continue
        out = [(start, start + names[0][1])]
        out.extend((start + s, start + e) for s, e in names[1:])
        if piece[names[-1][1] :].strip(" ,.;:!"):
            out[-1] = (out[-1][0], end)  # "… and E F in supporting roles"
        return out
    return [(start, end)]


_TRAILING_PAREN = re.compile(r"\s*\(([^()]{8,})\)\s*[.!]?\s*$")


def split_parenthetical(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A bracketed fact at the end of a clause becomes a claim of its own."""
    piece = text[start:end]
    m = _TRAILING_PAREN.search(piece)
    if not m or m.start() == 0:
        return [(start, end)]
    inner = m.group(1)
    words = _words(inner)
    content = [w for w in words if w not in _FUNCTION]
    if len(words) < 3 or len(content) < 2:
        return [(start, end)]
    if re.fullmatch(r"[\d\s/.,:-]+", inner) or all(w[:1].isupper() for w in inner.split()):
        return [(start, end)]  # "(1955)", "(Jean Servais)": a detail, not a fact of its own
    outer_end = start + m.start()
    return [(start, outer_end), (start + m.start(1), start + m.end(1))]
