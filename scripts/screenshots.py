"""Regenerate the SVG screenshots of every screen into ``screenshots/``.

    python scripts/screenshots.py [--size 120x36] [--out screenshots]

Uses the bundled reviews, throw-away cache and data directories (your own highlights
are not touched) and cursor blink off, so the pictures only change when the app does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHOTS = [
    ("articles", ("j", "j", "j")),
    ("search", ("slash", *"mother ruska")),
    ("reader-search-hit", ("slash", *"winston", "enter")),
    ("cards", ("c", "down", "down", "down")),
    ("diff", ("d", "n")),
    ("diff-two-reviewers", ("d", "tab", "tab", "n", "down", "space", "down", "space", "tab")),
    # Thirty reviewers (generated: tests/agreement_support.py): the agreement view.
    ("diff-thirty-reviewers", ("d",)),
    ("diff-thirty-reviewers-opened", ("d", "down", "enter")),
    ("highlights", ("j", "h", "j", "j", "h", "H")),
    ("export", ("j", "h", "e")),
    ("help", ("f1",)),
    ("add-review", ("plus", *"review")),
    ("diff-explain", ("d", "w")),
    ("diff-link", ("d", "l")),
]


async def _settle(app, pilot) -> None:
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
    app.clear_notifications()
    await pilot.pause()


async def shoot(
    name: str, keys, size: tuple[int, int], out: Path, theme: str | None, reviews=None
) -> Path:
    from ballerina_tui.app.app import BallerinaApp
    from ballerina_tui.corpus import load_corpus

    app = BallerinaApp(load_corpus(reviews), blink=False)
    async with app.run_test(size=size) as pilot:
        if theme:
            app.theme = theme
        await _settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(app, pilot)
        path = out / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"ballerina-tui: {name}"), encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="120x36")
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BALLERINA_TUI_CACHE_DIR"] = str(Path(tmp) / "cache")
        os.environ.pop("BALLERINA_TUI_REVIEWS", None)
        shots = [*SHOTS, ("articles-light", SHOTS[0][1])]
        for name, keys in shots:
            # Fresh highlights for every picture.
            os.environ["BALLERINA_TUI_DATA_DIR"] = str(Path(tmp) / f"data-{name}")
            theme = "textual-light" if name.endswith("-light") else None
            reviews = None
            if "thirty" in name:
                sys.path.insert(0, str(ROOT))
                from tests.agreement_support import write_thirty

                reviews = write_thirty(Path(tmp) / "thirty")
            path = asyncio.run(shoot(name, keys, (width, height), out, theme, reviews))
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
