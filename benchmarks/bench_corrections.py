"""How long the fan's corrections take on top of an analysis.

    python benchmarks/bench_corrections.py [REVIEWS_FOLDER ...]

For each folder: the analysis (not timed here: see bench_claims), then the time to apply
50 links and 50 breaks, and the time to rank one claim's candidates (the picker and the
explain panel), the fallback ranking when the engine offers no ``near``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(folders: list[str]) -> int:
    import os

    os.environ.setdefault("BALLERINA_TUI_CACHE_DIR", tempfile.mkdtemp())
    from ballerina_tui.claims import analyze
    from ballerina_tui.corpus import load_corpus
    from ballerina_tui.corrections import LINK, UNLINK, apply_corrections, make_correction, nearest

    for folder in folders or [str(ROOT / "data" / "reviews")]:
        corpus = load_corpus(Path(folder))
        analysis = analyze(corpus)
        unique = [c for c in analysis.claims if c.unique][:50]
        shared = [c for c in analysis.claims if not c.unique][:50]
        t = time.perf_counter()
        ranked = [nearest(analysis, c.id) for c in unique[:20]]
        rank_ms = (time.perf_counter() - t) / max(1, len(ranked)) * 1000
        corrections = [
            make_correction(LINK, c, analysis.claim(r[0][0]))
            for c, r in zip(unique, ranked, strict=False)
            if r
        ]
        corrections += [make_correction(UNLINK, c) for c in shared]
        t = time.perf_counter()
        out = apply_corrections(analysis, corrections)
        apply_ms = (time.perf_counter() - t) * 1000
        print(
            f"{Path(folder).name}: {len(corpus.reviews)} reviews, {len(analysis.claims)} claims; "
            f"rank one claim {rank_ms:.1f} ms; apply {len(corrections)} corrections "
            f"{apply_ms:.1f} ms; groups {len(analysis.groups)} -> {len(out.groups)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
