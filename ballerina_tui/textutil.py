"""Small text helpers shared by the engine, the CLI and the app. No third-party imports."""

from __future__ import annotations

import re
import unicodedata

# Curly apostrophes and quotes fold to their ASCII forms one character for one, so that
# offsets computed on the folded text still index the original.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff07": "'"})

_BIDI_AND_ZERO_WIDTH = {
    0x200B,
    0x200C,
    0x200D,
    0x200E,
    0x200F,
    0x2028,
    0x2029,
    0x202A,
    0x202B,
    0x202C,
    0x202D,
    0x202E,
    0x2066,
    0x2067,
    0x2068,
    0x2069,
    0xFEFF,
    0x061C,
    # Other invisible format characters: word joiner and invisible operators, the
    # deprecated shaping controls, the Mongolian vowel separator, interlinear annotation.
    0x180E,
    0x2060,
    0x2061,
    0x2062,
    0x2063,
    0x2064,
    0x206A,
    0x206B,
    0x206C,
    0x206D,
    0x206E,
    0x206F,
    0xFFF9,
    0xFFFA,
    0xFFFB,
}


def _build_display_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        if code in (0x09, 0x0A):
            continue
        table[code] = chr(0x2400 + code)  # ␀ ␁ … ␛ …
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):
        table[code] = "\ufffd"
    for code in _BIDI_AND_ZERO_WIDTH:
        table[code] = "\u2423" if code in (0x2028, 0x2029) else "\u00b7"
    return table


_DISPLAY_TABLE = _build_display_table()


def display_safe(text: str) -> str:
    """Replace control, bidi-override and zero-width characters with visible stand-ins.

    The mapping is one character to one character, so spans computed on the original
    text stay valid on the result. Tabs and newlines are kept. This is what keeps an ANSI
    escape sequence in a review from ever reaching the terminal: every OSC, CSI and DCS
    sequence starts with ESC (or the C1 byte that stands for it), and ESC becomes ``␛``,
    BEL ``␇``, C1 ``�``, U+2028/2029 ``␣`` and bidi overrides ``·``, so the sequence is
    shown as inert text.
    """
    return text.translate(_DISPLAY_TABLE)


# Line breaks other than "\n" that review files carry: Windows and old Mac endings, and
# NEXT LINE (U+0085), which text converted from Latin-1/cp1252 pages leaves behind. Each is
# a line break for us (one character for one where it is one character).
_LINE_BREAKS = str.maketrans({"\r": "\n", "\x85": "\n"})


def normalize_newlines(text: str) -> str:
    """``\\r\\n``, ``\\r`` and U+0085 (NEXT LINE) become ``\\n``."""
    return text.replace("\r\n", "\n").translate(_LINE_BREAKS)


def has_invisible(text: str) -> bool:
    """True when ``text`` holds a character :func:`display_safe` would replace."""
    return any(ord(ch) in _DISPLAY_TABLE for ch in text)


WORD_RE = re.compile(r"\w+(?:[.'\u2019]\w+)*")


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text))


def fold(text: str) -> str:
    """Lower-case, apostrophe- and accent-folded form of ``text`` for comparisons."""
    if text.isascii():
        return text.casefold()  # nothing to fold but case: the common case, and fast
    text = text.translate(APOSTROPHES).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug or "x"


def one_line(text: str, limit: int = 200) -> str:
    """Collapse whitespace and cut to ``limit`` characters (with an ellipsis)."""
    text = " ".join(text.split())
    if len(text) > limit:
        return text[: limit - 1] + "…"
    return text
