"""Segmentation: each paragraph into sentences, each sentence into clauses that assert one thing.

Generic English only: sentence ends, clause joints, lead-ins, calls to action. Nothing here
knows about any film.
"""

from __future__ import annotations

import re

from ballerina_tui.claims.refining import join_fragments, split_inline_names, split_parenthetical
from ballerina_tui.corpus import Review
from ballerina_tui.textutil import word_count

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "vs",
    "etc",
    "jr",
    "sr",
    "no",
    "vol",
    "ch",
    "approx",
    "e.g",
    "i.e",
    "cf",
    "fig",
    "mt",
    "ft",
    "inc",
    "ltd",
    "co",
    "prof",
    "gen",
    "lt",
    "col",
    # Titles and months, as news-style writing abbreviates them ("Gov. Davis", "Sept. 11").
    "gov",
    "sen",
    "sens",
    "rep",
    "reps",
    "rev",
    "sgt",
    "capt",
    "cmdr",
    "adm",
    "brig",
    "pfc",
    "lieut",
    "maj",
    "supt",
    "corp",
    "bros",
    "v",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}
# "U.S.", "p.m.", "J.D.": letters and dots, an initialism rather than a sentence's end.
_INITIALISM = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}")
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"\u201d\u2019')\]]*(?=\s+|$)")
_CALLS = (
    "click here|subscribe|sign up|read more|follow us|share this|check out our"
    "|stay tuned|let us know in the comments"
).split("|")
_CALL_TO_ACTION = re.compile(r"(?i)\b(" + "|".join(_CALLS) + r")\b")


def _calls_to_action(text: str) -> bool:
    """``_CALL_TO_ACTION.search(text)``, skipped when an ASCII text holds none of the
    phrases in any case (most texts: the regex alone was a tenth of segmenting)."""
    if text.isascii():
        lowered = text.lower()
        if not any(call in lowered for call in _CALLS):
            return False
    return _CALL_TO_ACTION.search(text) is not None


_BOILERPLATE = re.compile(r"(?i)^\s*(keywords?|tags|related( \w+)?|see also|share)\s*:")
# Words that open an independent clause (a subject), as opposed to a list item or an
# appositive: used to decide whether ", and …" or "—…" starts a new assertion.
_SUBJECT_START = {
    "he",
    "she",
    "they",
    "it",
    "we",
    "i",
    "you",
    "this",
    "that",
    "these",
    "those",
    "there",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "your",
    "the",
    "others",
    "most",
    "many",
    "each",
    "every",
    "nothing",
    "everything",
    "who",
    "and",
    "but",
    "yet",
    "so",
}
_PRONOUN_START = {"he", "she", "they", "it", "we", "i", "you", "there", "and", "but", "yet", "so"}
_PARTICIPLE = (
    r"(?:\w{2,}(?:ed|ing)|written|taken|given|driven|chosen|hidden|broken|forgotten|shaken"
    r"|stolen|frozen|beaten|known|shown|drawn|grown|thrown|sworn|torn|worn|born|set|led|made)"
)
_JOINTS = re.compile(
    r"(?:;\s+|\s*\u2014\s*|\s+--\s+|,\s+(?:and|but|yet|so|while|whereas|although|though)\s+"
    r"|\s+(?:while|whereas)\s+)"
)
_NOT_PARTICIPLE = (
    r"(?!(?:some|no|every|any)thing\b|during\b|king\b|bring\b|string\b|spring\b|evening\b"
    r"|morning\b|ceiling\b|wedding\b|building\b|feeling\b|hundred\b|indeed\b|need\b)"
)
# ", blending grace and grit", ", led by …", ", making it a must-watch": a participle
# phrase after a comma adds an assertion of its own.
_PARTICIPLE_AFTER_COMMA = re.compile(rf",\s+(?={_NOT_PARTICIPLE}{_PARTICIPLE}\b)", re.I)
# ", with …", ", including …", ", who …": the same for these openers.
_OPENER_AFTER_COMMA = re.compile(
    r",\s+(?=(?:with|including|especially|particularly|thanks\s+to|alongside|who|whose|which"
    r"|where|because|since|during|as\s+(?:he|she|they|it|we|i|you))\b)",
    re.I,
)
_LEADING_PARTICIPLE = re.compile(rf"^(?:{_PARTICIPLE}|With|After|Before|Despite)\b", re.I)
_CONJUNCTION_LEAD = re.compile(r"(?i)^(?:and|but|yet|so|or)\s+")
MIN_CLAIM_WORDS = 3


_LAST_WORD = re.compile(r"(\w+(?:\.\w+)*)$")


def _last_word(text: str, pos: int, end: int):
    """``_LAST_WORD.search(text, pos, end)`` looking at the last few characters first.

    The regex tries every word of ``text[pos:end]`` before it reaches the last one
    (a fifth of segmenting). Every word character of a match's span is itself the start
    of a match, so a match in the window that does not start at its left edge is the
    leftmost one in the whole range."""
    lo = max(pos, end - 48)
    found = _LAST_WORD.search(text, lo, end)
    if found is not None and lo > pos and found.start() <= lo + 1:
        found = _LAST_WORD.search(text, pos, end)
    return found


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as spans, not split after abbreviations or initials."""
    spans = []
    pos = start
    for match in _SENTENCE_END.finditer(text, start, end):
        stop = match.end()
        if match.group(0).startswith("."):
            last = _last_word(text, pos, match.start())
            if last:
                word = last.group(1)
                if (
                    word.casefold() in _ABBREVIATIONS
                    or (len(word) == 1 and word.isupper())
                    or _INITIALISM.fullmatch(word)
                ):
                    continue
        nxt = text[stop:end].lstrip()
        if nxt and not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "\"\u201c\u2018'(["):
            continue
        spans.append((pos, stop))
        pos = stop
    if pos < end:
        spans.append((pos, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


_BRACKETS = re.compile("[()\\[\\]\u201c\u201d]")


def _mask_brackets(text: str) -> str:
    """``text`` with everything inside (), [] and quotes replaced by spaces (same length)."""
    if not _BRACKETS.search(text):
        return text
    out = list(text)
    depth = 0
    quote = False
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            continue
        elif ch == "\u201c":
            quote = True
        elif ch == "\u201d":
            quote = False
            continue
        if depth or quote:
            out[i] = " "
    return "".join(out)


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut one sentence into clauses where it asserts several things."""
    sentence = text[start:end]
    masked = _mask_brackets(sentence)
    cuts: set[int] = set()
    joints: list[tuple[int, int]] = []
    for m in _JOINTS.finditer(masked):
        joints.append((m.start(), m.end()))
    for m in _PARTICIPLE_AFTER_COMMA.finditer(masked):
        joints.append((m.start(), m.end()))
    for m in _OPENER_AFTER_COMMA.finditer(masked):
        joints.append((m.start(), m.end()))
    # "Directed by X, the film …": a leading participle phrase ends at its first comma.
    if _LEADING_PARTICIPLE.match(masked):
        comma = masked.find(", ")
        if comma > 0:
            joints.append((comma, comma + 2))
            lead = masked[:comma]
            for m in re.finditer(r"\s+and\s+(?=\w+(?:ing|ed)\b)", lead):
                joints.append((m.start(), m.end()))
    joints.sort()
    pieces: list[tuple[int, int]] = []
    pos = 0
    for js, je in joints:
        if js < pos:
            continue
        left = sentence[pos:js]
        right = sentence[je:]
        if word_count(left) < MIN_CLAIM_WORDS or word_count(right) < MIN_CLAIM_WORDS:
            continue
        joint = masked[js:je]
        right_words = re.findall(r"[\w\u2019']+", right[:80])
        if right_words and right_words[0].casefold() in ("and", "but", "yet", "so"):
            right_words = right_words[1:]
        first_word = right_words[0] if right_words else ""
        word = first_word.casefold().replace("\u2019", "'").split("'")[0]
        if "\u2014" in joint or "--" in joint:
            pass  # a dash always sets off an assertion of its own
        elif "," in joint and re.search(r"\b(and|but|yet|so)\b", joint):
            if word not in _SUBJECT_START and not first_word[:1].isupper():
                continue
            # "a, b, and c" is a list, not two clauses.
            tail = masked[max(0, js - 60) : js]
            if "," in tail and word_count(tail.rsplit(",", 1)[1]) <= 6:
                continue
        pieces.append((pos, js))
        cuts.add(js)
        pos = je
    pieces.append((pos, len(sentence)))
    out = []
    for s, e in pieces:
        piece = sentence[s:e]
        lead = _CONJUNCTION_LEAD.match(piece)
        if lead:
            s += lead.end()
        while s < e and sentence[s] in " ,;:\u2014-":
            s += 1
        while e > s and sentence[e - 1] in " ,;:\u2014-":
            e -= 1
        if e > s:
            out.append((start + s, start + e))
    return out


def _split_name_list(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """A list item that is only names ("A B, C D, E F") becomes one claim per name."""
    item = text[start:end]
    parts = [p for p in re.finditer(r"[^,]+", item)]
    if len(parts) < 2:
        return None
    spans = []
    for p in parts:
        words = p.group(0).split()
        if (
            not words
            or len(words) > 5
            or not all(w[0].isupper() or w.islower() and len(w) <= 3 for w in words)
        ):
            return None
        s, e = start + p.start(), start + p.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        spans.append((s, e))
    return spans


def is_claim_text(text: str) -> bool:
    """False for questions, lead-ins, calls to action and fragments too short to assert."""
    stripped = text.strip().rstrip("\"\u201d\u2019')")
    if not stripped:
        return False
    if stripped.endswith("?") or stripped.endswith(":"):
        return False
    if _calls_to_action(text) or _BOILERPLATE.match(text):
        return False
    return word_count(text) >= MIN_CLAIM_WORDS


def segment_review(review: Review) -> list[tuple[int, int, str, int]]:
    """``(start, end, section, block index)`` of every claim of a review, in reading order."""
    text = review.text
    spans: list[tuple[int, int, str, int]] = []
    for block in review.blocks:
        if block.kind == "heading":
            continue
        block_text = text[block.start : block.end]
        if (
            _BOILERPLATE.match(block_text)
            or _calls_to_action(block_text)
            and word_count(block_text) < 25
        ):
            continue
        if block.kind == "item":
            names = _split_name_list(text, block.start, block.end)
            if names:
                spans.extend((s, e, block.section, block.index) for s, e in names)
                continue
            if word_count(block_text) >= 2 and not block_text.rstrip().endswith("?"):
                spans.append((block.start, block.end, block.section, block.index))
            continue
        pieces: list[tuple[int, int, int, bool]] = []
        for n, (s, e) in enumerate(sentence_spans(text, block.start, block.end)):
            sentence = text[s:e]
            if word_count(sentence) >= MIN_CLAIM_WORDS and not is_claim_text(sentence):
                continue  # a question, a lead-in, a call to action
            for cs, ce in clause_spans(text, s, e):
                pieces.extend(_refine(text, cs, ce, n))
        names = {(ps, pe) for ps, pe, _n, keep in pieces if keep}
        for s, e in join_fragments(pieces, text):
            if (s, e) in names or is_claim_text(text[s:e]):
                spans.append((s, e, block.section, block.index))
    return spans


def _refine(text: str, start: int, end: int, n: int) -> list[tuple[int, int, int, bool]]:
    """A clause's bracketed fact and inline names as claims of their own."""
    out: list[tuple[int, int, int, bool]] = []
    parts = split_parenthetical(text, start, end)
    for k, (s, e) in enumerate(parts):
        if k:
            out.append((s, e, n, True))
            continue
        names = split_inline_names(text, s, e)
        for j, (ns, ne) in enumerate(names):
            out.append((ns, ne, n, len(names) > 1 and j > 0))
    return out
