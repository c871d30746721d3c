"""Big and unusual hostile review files, made in a temporary folder by the tests.

Nothing here is committed as data: a 5 MB review does not belong in the repository. Each
function writes into ``folder`` and returns the paths it made. Deterministic: the same
call gives the same bytes.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

WORDS = (
    "Eve Macarro trains with the Ruska Roma under the Director while Winston and Charon "
    "watch the Continental and John Wick appears for one cameo in Hallstatt snow fight "
    "flamethrower grenade ballet assassin revenge father cult chancellor Daniel Pine"
).split()


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def big_review(folder: Path, megabytes: float = 5.0, name: str = "big.md") -> Path:
    """A Markdown review of about ``megabytes`` MB: headings and ordinary paragraphs."""
    rng = random.Random(5)
    target = int(megabytes * 1024 * 1024)
    parts = ["---\nid: big\ntitle: A Very Long Review\n---\n\n"]
    size = len(parts[0])
    section = 0
    while size < target:
        if section % 40 == 0:
            chunk = f"## Part {section // 40 + 1}\n\n"
        else:
            chunk = " ".join(_sentence(rng, rng.randint(6, 18)) for _ in range(6)) + "\n\n"
        section += 1
        parts.append(chunk)
        size += len(chunk)
    path = folder / name
    path.write_text("".join(parts), encoding="utf-8")
    return path


def many_lines(folder: Path, lines: int = 100_000, name: str = "lines.txt") -> Path:
    """A plain-text review of ``lines`` short lines (one paragraph per line)."""
    rng = random.Random(100)
    out = ["A Review In A Hundred Thousand Lines"]
    for n in range(1, lines):
        out.append(_sentence(rng, rng.randint(2, 8)) if n % 500 else f"Chapter {n // 500}")
    path = folder / name
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def long_word(folder: Path, chars: int = 20_000, name: str = "word.md") -> Path:
    """A review whose middle paragraph is one unbroken 'word' of ``chars`` characters."""
    word = ("ruska" * (chars // 5 + 1))[:chars]
    path = folder / name
    path.write_text(
        f"# One Long Word\n\nBefore it.\n\n{word}\n\nAfter it the Director speaks.\n",
        encoding="utf-8",
    )
    return path


def awkward_folder(folder: Path) -> dict[str, Path]:
    """A folder with a symlink loop, a dangling link, a link to /dev/zero, a named pipe,
    an unreadable file, a folder named like a review, and good reviews in subfolders.

    Returns the interesting paths by role. Entries the platform cannot make are left out.
    """
    made: dict[str, Path] = {}
    (folder / "sub" / "deeper").mkdir(parents=True, exist_ok=True)
    made["good"] = folder / "good.md"
    made["good"].write_text("# Good\n\nThe Director trains Eve.\n", encoding="utf-8")
    made["nested"] = folder / "sub" / "deeper" / "nested.txt"
    made["nested"].write_text("Nested Review\n\nWinston runs the hotel.\n", encoding="utf-8")
    made["folder_named_md"] = folder / "folder.md"
    made["folder_named_md"].mkdir(exist_ok=True)
    loop = folder / "sub" / "loop"
    if not loop.exists() and not loop.is_symlink():
        os.symlink("..", loop)  # sub/loop -> sub: a cycle if links were followed
    made["loop"] = loop
    selfloop = folder / "self.md"
    if not selfloop.is_symlink():
        os.symlink("self.md", selfloop)  # a link to itself
    made["self_link"] = selfloop
    dangling = folder / "dangling.md"
    if not dangling.is_symlink():
        os.symlink("no-such-file.md", dangling)
    made["dangling"] = dangling
    if Path("/dev/zero").exists():
        zero = folder / "zero.md"
        if not zero.is_symlink():
            os.symlink("/dev/zero", zero)
        made["dev_zero"] = zero
    if hasattr(os, "mkfifo"):
        fifo = folder / "pipe.md"
        if not fifo.exists():
            os.mkfifo(fifo)
        made["fifo"] = fifo
    secret = folder / "secret.md"
    secret.write_text("# Secret\n\nNobody may read this.\n", encoding="utf-8")
    secret.chmod(0)
    made["unreadable"] = secret
    return made
