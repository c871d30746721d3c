"""Turn the shared IMDb reviews back into raw ``.txt`` files, as the dataset ships them.

The films in ``../shared/films/`` had ``<br />`` turned into line breaks and front matter
added. This undoes both: one file per review, the whole review on one line with
``<br /><br />`` between paragraphs and ``<br />`` for a single line break — what a fan
who saved reviews from the web has. With ``--count N`` the reviews are recombined (whole
paragraphs, shuffled with a fixed seed) into N files.

    python scripts/raw_films.py OUT_DIR [--films DIR] [--count N]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

DEFAULT_FILMS = Path(__file__).resolve().parents[2] / "shared" / "films"


def raw_text(markdown: str) -> str:
    """The review body without front matter, with its line breaks as HTML breaks."""
    body = re.sub(r"\A---\n.*?\n---\n", "", markdown, count=1, flags=re.S).strip("\n")
    paragraphs = [p.replace("\n", "<br />") for p in re.split(r"\n\s*\n", body) if p.strip()]
    return "<br /><br />".join(paragraphs) + "\n"


def write_raw(films: Path, out: Path, count: int | None = None, seed: int = 13) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted(films.glob("*/*.md"))
    bodies = [raw_text(path.read_text(encoding="utf-8")) for path in sources]
    written: list[Path] = []
    if count is None:
        for path, body in zip(sources, bodies, strict=True):
            target = out / f"{path.parent.name}-{path.stem}.txt"
            target.write_text(body, encoding="utf-8")
            written.append(target)
        return written
    rng = random.Random(seed)
    paragraphs = [p for body in bodies for p in body.strip().split("<br /><br />")]
    for n in range(count):
        picked = rng.sample(paragraphs, rng.randint(2, 5))
        target = out / f"review-{n:05d}.txt"
        target.write_text("<br /><br />".join(picked) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--films", type=Path, default=DEFAULT_FILMS)
    parser.add_argument("--count", type=int, default=None)
    args = parser.parse_args()
    written = write_raw(args.films, args.out, args.count)
    print(f"wrote {len(written)} files to {args.out}")


if __name__ == "__main__":
    main()
