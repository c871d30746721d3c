"""Write the small hostile fixtures of tests/hostile/ (run once; the files are committed).

Kept so that anyone can see exactly which bytes each fixture holds and regenerate them.
The big ones (5 MB, 100,000 lines, a 20,000-character word) are never committed: tests
make them in a temporary folder with :mod:`tests.hostile.generate`.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "reviews"  # LOADS must all load, REJECTS must all be skipped with a reason


def fm(body: str, **meta: str) -> str:
    head = "".join(f"{k}: {v}\n" for k, v in meta.items())
    return f"---\n{head}---\n\n{body}"


LOADS: dict[str, bytes] = {
    "markup.md": fm(
        "# [bold]Loud[/bold] [@click=app.quit]Heading[/]\n\n"
        "Rooney trains with [@click=app.quit]the Director[/] and [red]never[/red] stops.\n\n"
        "A space before the action: [ @click=app.screenshot('x')]click here[/] works?\n\n"
        "A style before it: [$accent @click=app.screenshot('y')]styled click[/] too.\n\n"
        "- [link=https://example.com]a link[/link] and [/] a lone close tag\n"
        "- [b][i]nested[/b] badly[/i] and [unclosed\n",
        id="markup",
        handle="'[@click=app.quit]mk'",
        title="'[b]Bold[/b] [@click=app.screenshot(''t'')]title'",
        rating="'[blink]9/10[/blink]'",
    ).encode(),
    "escapes.md": (
        "# Escapes \x1b[2J\x1b[H cleared?\n\n"
        "Red \x1b[31mtext\x1b[0m and a title \x1b]0;pwned\x07 and a link "
        "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ here.\n\n"
        "Bell \x07 backspace \x08\x08 form feed \x0c vertical tab \x0b DEL \x7f C1 \x9b31m "
        "and a cursor hide \x1b[?25l plus alt screen \x1b[?1049h.\n"
    ).encode(),
    "bom.md": b"\xef\xbb\xbf---\nid: bom\n---\n\n# With a BOM\n\nThe Director trains Eve.\n",
    "crlf.md": b"---\r\nid: crlf\r\n---\r\n\r\n# Windows Notepad\r\n\r\nSaved with CRLF.\r\n\r\nTwo paragraphs.\r\n",
    "lone_cr.txt": b"Old Mac Review\r\rLone carriage returns only.\rSecond line of it.\r\rAnother paragraph.\r",
    "utf16le.md": "\ufeff# UTF-16 review\n\nSaved as Unicode by Notepad: Ruska Roma.\n".encode(
        "utf-16-le"
    ),
    "utf16be.txt": "\ufeffUTF-16 BE review\n\nBig-endian text about Winston.\n".encode("utf-16-be"),
    "bidi.md": (
        "# Right \u202eto\u202c left\n\n"
        "Zero\u200bwidth\u200c join\u200d and an override \u202egnirts desrever\u202c and "
        "isolates \u2066x\u2069 and Arabic \u0645\u0631\u062d\u0628\u0627 and Hebrew "
        "\u05e9\u05dc\u05d5\u05dd with a mark \u200f.\n"
    ).encode(),
    "wide.md": (
        "# 芭蕾舞者 🩰 Review\n\n"
        "伊芙·马卡罗 training with the Ruska Roma 🎭🔫 is 全く素晴らしい 😀👍🏽 and "
        "the family emoji 👨‍👩‍👧‍👦 is one glyph. 한국어 텍스트 too.\n\n"
        "Combining: e\u0301\u0301\u0301 and Zalgo t\u0336\u0335\u0334e\u0337s\u0338t.\n"
    ).encode(),
    "empty.md": b"",
    "only_front.md": b"---\nid: only-front\ntitle: Nothing else\n---\n",
    "whitespace.txt": b"   \n\n\t\t\n   \n",
    "sub/nested.md": b"# Nested\n\nIn a subfolder.\n",
    "sub/deeper/deep.txt": b"Deeper Still\n\nTwo folders down.\n",
}

REJECTS: dict[str, tuple[bytes, int | None]] = {
    # name: (bytes, line the problem must name or None)
    "latin1.md": ("# Caf\xe9\n\nSaved in Latin-1: na\xefve.\n".encode("latin-1"), 1),
    "nul.md": (b"# Binary?\n\nfirst\n\x00\x01\x02 rest\n", 4),
    "malformed.md": (b"---\ntitle: [unclosed\nid: x\n---\n\nBody.\n", 3),
    "pyobject.md": (
        b"---\nid: !!python/object/apply:os.system ['touch HACKED']\n---\n\nBody.\n",
        2,
    ),
    "pyname.md": (b"---\nx: !!python/name:os.system\n---\n\nBody.\n", 2),
    "billion.md": (
        b"---\n"
        + b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + b"".join(
            f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n".encode()
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + b"---\n\nNever.\n",
        3,
    ),
    "unclosed.md": (b"---\nid: never-closed\n\n# Title\n\nBody.\n", 1),
    "notmapping.md": (b"---\n- a\n- list\n---\n\nBody.\n", 2),
    "z_dup_id.md": (b"---\nid: markup\n---\n\nSame id as markup.md.\n", 2),
    "nested_value.md": (b"---\ntitle: {a: 1}\n---\n\nBody.\n", 2),
    # A '---' rule at the top and another later read as front matter, like Jekyll/Hugo.
    "dashes.md": (b"---\n\nnot front matter, an opening rule\n\n---\n", 2),
    "utf16_no_bom.md": ("# No BOM\n\nUTF-16 without a byte-order mark.\n".encode("utf-16-le"), 1),
}


def write_all() -> None:
    for name, data in LOADS.items():
        path = FOLDER / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name, (data, _line) in REJECTS.items():
        path = FOLDER / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


if __name__ == "__main__":
    write_all()
