"""Turn a plain-text review (headings as bare lines) into a Markdown review with front matter.

    python scripts/txt2md.py SEED.txt OUT.md --id ID --handle H --title T --kind K [--rating R]

Bare heading lines become ``##`` headings (the first line ``#`` when it is a heading), list
markers on their own line are joined to their item, and every other line is copied byte for
byte, so each sentence stays exactly as in the source.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from ballerina_tui.corpus import decode_review_bytes, parse_blocks


def convert(text: str) -> str:
    blocks = parse_blocks(text, 0, markdown=False, title="")
    out: list[str] = []
    for n, block in enumerate(blocks):
        body = text[block.start : block.end]
        if block.kind == "heading":
            out.append(("# " if n == 0 else "## ") + body)
        elif block.kind == "item":
            out.append("- " + body)
        else:
            out.append(body)
    # Items of one list stay together; everything else is separated by a blank line.
    lines: list[str] = []
    for n, line in enumerate(out):
        if n and not (line.startswith("- ") and out[n - 1].startswith("- ")):
            lines.append("")
        lines.append(line)
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("src", type=Path)
    ap.add_argument("out", type=Path)
    for name in ("id", "handle", "title", "kind", "rating", "film"):
        ap.add_argument(f"--{name}")
    args = ap.parse_args()
    text = decode_review_bytes(args.src.read_bytes())
    meta = {k: getattr(args, k) for k in ("id", "handle", "title", "kind", "rating", "film")}
    meta = {k: v for k, v in meta.items() if v}
    meta["source"] = args.src.name
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    args.out.write_text(f"---\n{front}---\n\n{convert(text)}", encoding="utf-8")


if __name__ == "__main__":
    main()
