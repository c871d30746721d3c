"""Bytes of a page (or a saved file) to text.

In order: a byte-order mark, the charset the server sent, a ``<meta charset>`` in the
first 4 KiB, strict UTF-8, then a guess (``charset_normalizer``, installed with
trafilatura), and Windows-1252 as the last resort. Like browsers, ISO-8859-1 and ASCII
labels are read as Windows-1252.
"""

from __future__ import annotations

import codecs
import re

_META = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""",
    re.I,
)
_WINDOWS_1252_ALIASES = {"iso8859-1", "latin-1", "ascii", "iso-8859-1", "us-ascii", "latin1"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _WINDOWS_1252_ALIASES or label in _WINDOWS_1252_ALIASES:
        return "cp1252"
    if name.startswith("utf-16") or name.startswith("utf-32"):
        # A page that says UTF-16 in <meta> but has no BOM is ASCII-compatible bytes.
        return None
    return name


def decode_page(data: bytes, charset: str | None = None) -> str:
    """Decode ``data``; never raises (undecodable bytes become U+FFFD)."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            text = data.decode(name, errors="replace")
            return text.lstrip("\ufeff")
    encoding = _codec(charset)
    if encoding is None:
        match = _META.search(data[:4096])
        encoding = _codec(match.group(1).decode("ascii", "replace")) if match else None
    if encoding is not None:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[: 256 * 1024]).best()
        guessed = _codec(best.encoding) if best is not None else None
    except Exception:  # noqa: BLE001 - a guess, never a failure
        guessed = None
    return data.decode(guessed or "cp1252", errors="replace")
