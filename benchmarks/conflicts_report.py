"""Print every conflict the engine reports on a folder of reviews, to read them all.

python benchmarks/conflicts_report.py DIR [DIR …]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    os.environ.setdefault("BALLERINA_TUI_CACHE_DIR", tempfile.mkdtemp())
    from ballerina_tui.claims import analyze
    from ballerina_tui.corpus import load_corpus

    for folder in sys.argv[1:]:
        corpus = load_corpus(folder)
        analysis = analyze(corpus, cache=False)
        print(f"== {folder}: {len(analysis.claims)} claims, {len(analysis.conflicts)} conflicts")
        for n, conflict in enumerate(analysis.conflicts, 1):
            a, b = analysis.claim(conflict.a), analysis.claim(conflict.b)
            print(f"{n:>3}. {conflict.reason}\n     {a.id}: {a.text}\n     {b.id}: {b.text}")


if __name__ == "__main__":
    main()
