"""The Whoosh analyzer used for review text: the one place that decides what a "word" is.

Words are runs of letters and digits, joined across ``.`` and ``'`` so that ``8.8`` and
``don't`` stay whole; curly apostrophes fold to ``'`` before tokenising (one character for
one, so character offsets still index the original text); possessive ``'s`` is dropped;
accents fold (``Pokémon`` = ``pokemon``); English stop words go; the rest is Porter-stemmed.

The index uses :class:`ReviewTokenizer`, which does all of that in one pass (the chain of
Whoosh filters, one generator per step, was a third of the index build), and keeps the
position a stop word had: ``"heart of darkness"`` matches only those words with one word
between them, never ``heart darkness`` or ``heart in the darkness``.

:func:`family_key` gives a stem's word family (``choreographi``/``choreograph`` →
``choreograph``, ``director``/``direct`` → ``direct``), used at query time for a looser match.

Classes here are pickled into the index schema: keep their import path stable and bump
:data:`ballerina_tui.index.SCHEMA_VERSION` when their behaviour changes.
"""

from __future__ import annotations

import contextlib
import re
import threading

from ballerina_tui import whoosh_boot

whoosh_boot.prepare()  # before the first Whoosh import: see whoosh_boot

from whoosh.analysis import (  # noqa: E402
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.analysis.filters import STOP_WORDS as _STOP_WORDS  # noqa: E402
from whoosh.formats import Positions  # noqa: E402
from whoosh.support.charset import accent_map  # noqa: E402

from ballerina_tui.textutil import APOSTROPHES  # noqa: E402

TOKEN_PATTERN = r"\w+(?:[.']\w+)*"


class ApostropheTokenizer(RegexTokenizer):
    """A regex tokenizer that sees curly apostrophes as straight ones."""

    def __init__(self) -> None:
        super().__init__(expression=TOKEN_PATTERN)

    def __call__(self, value, **kwargs):  # type: ignore[override]
        return super().__call__(value.translate(APOSTROPHES), **kwargs)


class PossessiveFilter(Filter):
    """``rooney's`` → ``rooney``; ``assassins'`` → ``assassins``."""

    def __call__(self, tokens):  # type: ignore[override]
        for token in tokens:
            text = token.text
            if text.endswith("'s"):
                token.text = text[:-2]
            elif text.endswith("'"):
                token.text = text[:-1]
            yield token


_TOKEN = re.compile(TOKEN_PATTERN, re.UNICODE)


class ReviewTokenizer(Tokenizer):
    """The whole review analyzer in one pass: tokenise, fold apostrophes, lower-case, drop
    possessives, fold accents, drop stop words (keeping their positions), Porter-stem.

    Produces the same words as the filter chain it replaced (see :func:`chain_analyzer`);
    only positions differ, since stop words keep theirs. Stems are cached per process.
    """

    def __init__(self) -> None:
        self.stoplist = frozenset(_STOP_WORDS)

    def __eq__(self, other):
        return type(other) is type(self)

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        self.stoplist = frozenset(_STOP_WORDS)

    def __call__(  # type: ignore[override]
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        stem = _stem
        stoplist = self.stoplist
        words = getattr(_collecting, "words", None) if mode == "index" else None
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, match in enumerate(_TOKEN.finditer(value.translate(APOSTROPHES))):
            word = fold_token(match.group(0).lower())
            if keeporiginal:
                t.original = match.group(0)
            if word in stoplist or not word:
                if removestops:
                    continue
                t.stopped = True
                t.text = word
            else:
                t.stopped = False
                t.text = stem(word)
                if words is not None:
                    words.add(word)
            t.boost = 1.0
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


def index_positions(value: str, stoplist: frozenset[str]) -> dict[str, list[int]]:
    """Each stem of ``value`` with its positions, as :class:`ReviewTokenizer` indexes them
    (``mode="index"``, stop words dropped but counted), without making a Token per word;
    unstemmed words go to :func:`collect_words` as well."""
    text = value.translate(APOSTROPHES)
    if text.isascii():
        # Lower-casing ASCII never moves a token boundary: once for the whole text.
        tokens = _TOKEN.findall(text.lower())
    else:
        tokens = [word.lower() for word in _TOKEN.findall(text)]
    known: dict[str, str] = {}  # token -> stem ("" for a stop word), for this text
    unstemmed: list[str] = []  # for collect_words, once per distinct token
    out: dict[str, list[int]] = {}
    for pos, token in enumerate(tokens):
        stemmed = known.get(token)
        if stemmed is None:
            word = fold_token(token)
            if not word or word in stoplist:
                stemmed = known[token] = ""
            else:
                stemmed = known[token] = _STEMS.get(word) or _stem(word)
                unstemmed.append(word)
        if not stemmed:
            continue
        found = out.get(stemmed)
        if found is None:
            out[stemmed] = [pos]
        else:
            found.append(pos)
    words = getattr(_collecting, "words", None)
    if words is not None:
        words.update(unstemmed)
    return out


class IndexPositions(Positions):
    """Whoosh's ``Positions`` format, with the words of :class:`ReviewTokenizer` gathered by
    :func:`index_positions` (a third of the index build went to one Token per word). Same
    postings, byte for byte; any other analyzer or mode goes the usual way."""

    def word_values(self, value, analyzer, **kwargs):
        if kwargs.get("mode") != "index" or type(analyzer) is not ReviewTokenizer:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        encode = self.encode
        for word, poslist in index_positions(value, analyzer.stoplist).items():
            yield (word, len(poslist), len(poslist) * boost, encode(poslist))


_STEMS: dict[str, str] = {}
_collecting = threading.local()


@contextlib.contextmanager
def collect_words(words: set[str]):
    """Add every unstemmed word this thread indexes meanwhile to ``words`` (the vocabulary
    spelling suggestions come from), at no extra tokenising cost."""
    previous = getattr(_collecting, "words", None)
    _collecting.words = words
    try:
        yield words
    finally:
        _collecting.words = previous


def fold_token(word: str) -> str:
    """A lower-cased token as every analyzer here indexes it: a trailing ``'s`` or ``'``
    dropped, accents folded."""
    if word.endswith("'s"):
        word = word[:-2]
    elif word.endswith("'"):
        word = word[:-1]
    if not word.isascii():
        word = word.translate(accent_map)
    return word


def _stem(word: str) -> str:
    found = _STEMS.get(word)
    if found is None:
        from whoosh.lang.porter import stem

        found = stem(word)
        if len(_STEMS) < 200_000:
            _STEMS[word] = found
    return found


def review_analyzer():
    return ReviewTokenizer()


def chain_analyzer():
    """The filter chain :class:`ReviewTokenizer` replaced (same words; stop words renumbered)."""
    return (
        ApostropheTokenizer()
        | LowercaseFilter()
        | PossessiveFilter()
        | CharsetFilter(accent_map)
        | StopFilter(minsize=1)
        | StemFilter()
    )


# Derivational endings of Porter stems, longest first: director, directori(al), choreographi,
# musician, beautifulli (Porter keeps -ian and -ful), heroism. Not -at alone: it joined
# combat to comb and format to form (see :func:`_family_step` for -at).
_FAMILY_SUFFIXES = (
    "full",
    "ori",
    "ial",
    "ism",
    "ist",
    "ian",
    "ion",
    "ful",
    "or",
    "er",
    "ic",
    "if",
    "i",
)
# These only from a root one letter longer: not serious / series, animal / animation,
# signal / sign, formal / form (music-al, origin-al, mysteri-ous still).
_FAMILY_LONGER = ("ous", "ou", "al")
FAMILY_MIN = 4
# Letters of a family's key that a rule may have rewritten (violenc -> violent, actress ->
# actor): the family's stems all start with the key less these.
FAMILY_REWRITTEN = 2


def family_key(stem: str) -> str:
    """The root a stem shares with its derivations (``choreographi``, ``choreograph`` and
    ``choreographer`` give ``choreograph``; ``director`` and ``direct`` give ``direct``);
    at least :data:`FAMILY_MIN` letters, or the stem itself when shorter.

    English derivation only, nothing of any film: adverbs (``convincingli`` → ``convinc``),
    Porter's missed undoubling (``starr`` → ``star``), ``-ate`` verbs (``animat`` →
    ``anim``, by Porter's own measure: ``combat`` and ``format`` stay), ``-ence`` /
    ``-ent`` (``violenc`` → ``violent``), ``-ctress`` / ``-ctor`` and the endings of
    :data:`_FAMILY_SUFFIXES`. Applied until nothing changes, so a key is its own key."""
    while True:
        shorter = _family_step(stem)
        if shorter == stem:
            return stem
        stem = shorter


def _family_step(stem: str) -> str:
    """One rewrite of :func:`family_key` (the stem itself when none applies)."""
    for ending, again in (("ingli", "ing"), ("edli", "ed")):
        if stem.endswith(ending) and len(stem) - len(ending) >= FAMILY_MIN:
            return _stem(stem[: -len(ending)] + again)  # surprisingli -> surprising -> surpris
    if stem.endswith("li") and len(stem) - 2 >= FAMILY_MIN and stem[-3] not in "bp":
        return stem[:-2]  # brilliantli -> brilliant; incredibli, simpli: -i below (-ble, -ple)
    if stem.endswith("ctress"):
        return stem[:-4] + "or"  # actress -> actor
    if len(stem) > FAMILY_MIN and stem[-1] == stem[-2] and stem[-1] not in "aeiouylsz":
        return stem[:-1]  # starr -> star, beginn -> begin (Porter undoubles only after -ed)
    if stem.endswith("at") and len(stem) - 2 >= FAMILY_MIN:
        again = _stem(stem + "e")  # animat(e) -> anim; combat(e) -> combat (too short a root)
        if len(again) < len(stem):
            return again
    if stem.endswith(("osit", "uct")) and len(stem) - 1 >= FAMILY_MIN + 1:
        return (
            stem[:-2] if stem.endswith("it") else stem[:-1]
        )  # composit -> compos, product -> produc
    if stem.endswith(("enc", "anc")) and len(stem) - 1 >= FAMILY_MIN + 1:
        return stem[:-1] + "t"  # violenc -> violent, brillianc -> brilliant
    for suffix in _FAMILY_LONGER:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= FAMILY_MIN + 1:
            return stem[: -len(suffix)]
    for suffix in _FAMILY_SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= FAMILY_MIN:
            return stem[: -len(suffix)]
    return stem


def family_prefix(term: str) -> str:
    """What every stem of ``term``'s family starts with (a key less the letters a rule may
    have rewritten, and no more than ``term`` itself shares with its key; at least three
    letters): where to look for the family in a sorted term list."""
    key = family_key(term)
    shared = 0
    for x, y in zip(key, term, strict=False):
        if x != y:
            break
        shared += 1
    return term[: max(3, min(shared, len(key) - FAMILY_REWRITTEN))]


def plain_analyzer():
    """Same words, unstemmed, stop words kept: used for the claim engine's word weights."""
    return (
        ApostropheTokenizer() | LowercaseFilter() | PossessiveFilter() | CharsetFilter(accent_map)
    )


class CompoundTokenizer(ApostropheTokenizer):
    """Like :class:`ApostropheTokenizer`, but a hyphenated compound is one word:
    "spin-off", "25-year-old", "candle-lit" each say one thing."""

    def __init__(self) -> None:
        RegexTokenizer.__init__(self, expression=r"\w+(?:[-.']\w+)*")


def claim_analyzer(function_words: frozenset[str]):
    """The review analyzer with a longer stop list, for weighing what a claim asserts.

    Produces the same stems as :func:`review_analyzer` (so most claim terms are index
    terms), minus function words and single characters, with hyphenated compounds kept
    whole (those are not index terms: the claim engine tracks them itself).
    """
    from whoosh.analysis import STOP_WORDS

    return (
        CompoundTokenizer()
        | LowercaseFilter()
        | PossessiveFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=frozenset(STOP_WORDS) | function_words, minsize=2)
        | StemFilter()
    )
