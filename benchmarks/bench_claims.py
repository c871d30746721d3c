"""Claim-engine benchmark: time and peak memory of ``claims`` on 4, 100 and 300 reviews.

    python benchmarks/bench_claims.py [--sizes 100,300] [--json]

Each size runs in a fresh process: cold (index built in a fresh cache directory, then
``analyze``, which loads the dense model) and then warm (``analyze`` again, read from the
on-disk cache), with the process's peak RSS.

Generated corpora recombine sentences of the bundled reviews: each generated review takes
its sections from random bundled reviews and its paragraphs from random sentences, so the
text is realistic and claims genuinely recur across reviews. Each size is measured cold
(index built in a fresh cache directory, then ``analyze``) and the figures are printed as a
table; the ratio column shows how close to linear the growth is.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed_sentences() -> list[str]:
    from ballerina_tui.corpus import load_corpus

    corpus = load_corpus(ROOT / "data" / "reviews")
    sentences = []
    for review in corpus.reviews:
        for block in review.blocks:
            if block.kind != "paragraph":
                continue
            text = review.block_text(block)
            sentences.extend(s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) > 4)
    return sentences


def generate(folder: Path, count: int, *, seed: int = 7, paragraphs: int = 14) -> None:
    """Write ``count`` review files recombined from the bundled sentences."""
    rng = random.Random(seed)
    sentences = seed_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        lines = [f"---\nid: gen{n:04d}\nhandle: critic{n}\ntitle: Generated review {n}\n---\n"]
        for p in range(paragraphs):
            if p % 4 == 0:
                lines.append(f"## Part {p // 4 + 1}\n")
            lines.append(" ".join(rng.sample(sentences, 3)) + "\n")
        (folder / f"gen{n:04d}.md").write_text("\n".join(lines), encoding="utf-8")


def measure(folder: Path, cache: Path) -> dict:
    os.environ["BALLERINA_TUI_CACHE_DIR"] = str(cache)
    import resource

    from ballerina_tui.claims import analyze
    from ballerina_tui.corpus import load_corpus
    from ballerina_tui.index import ReviewIndex

    t0, c0 = time.perf_counter(), time.process_time()
    corpus = load_corpus(folder)
    index = ReviewIndex(corpus)
    index.ensure()
    t1 = time.perf_counter()
    analysis = analyze(corpus, index)
    t2, c2 = time.perf_counter(), time.process_time()
    warm_corpus = load_corpus(folder)
    analyze(warm_corpus, ReviewIndex(warm_corpus))
    t3 = time.perf_counter()
    return {
        "warm_s": round(t3 - t2, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "reviews": len(corpus.reviews),
        "claims": len(analysis.claims),
        "groups": len(analysis.groups),
        "conflicts": len(analysis.conflicts),
        "index_s": round(t1 - t0, 2),
        "analyze_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "total_cpu_s": round(c2 - c0, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,300")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # FOLDER:CACHE, measured in this process
    args = ap.parse_args()
    if args.one:
        folder, cache = args.one.split("::")
        print(json.dumps(measure(Path(folder), Path(cache))))
        return
    import subprocess

    def in_process(folder: Path, cache: Path) -> dict:
        out = subprocess.run(
            [sys.executable, __file__, "--one", f"{folder}::{cache}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        rows.append({"corpus": "bundled", **in_process(ROOT / "data" / "reviews", tmp_path / "c0")})
        for size in (int(s) for s in args.sizes.split(",") if s):
            folder = tmp_path / f"gen{size}"
            generate(folder, size)
            rows.append(
                {"corpus": f"generated {size}", **in_process(folder, tmp_path / f"c{size}")}
            )
    base = next((r for r in rows if r["corpus"].startswith("generated")), None)
    for r in rows:
        r["s_per_review"] = round(r["total_s"] / r["reviews"], 4)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(
        f"{'corpus':<15}{'reviews':>8}{'claims':>8}{'index s':>9}{'claims s':>10}{'total s':>9}"
        f"{'cpu s':>7}{'warm s':>8}{'peak MB':>9}{'s/review':>10}"
    )
    for r in rows:
        print(
            f"{r['corpus']:<15}{r['reviews']:>8}{r['claims']:>8}{r['index_s']:>9}"
            f"{r['analyze_s']:>10}{r['total_s']:>9}{r['total_cpu_s']:>7}{r['warm_s']:>8}"
            f"{r['peak_rss_mb']:>9}"
            f"{r['s_per_review']:>10}"
        )
    if base:
        last = rows[-1]
        growth = (last["total_s"] / base["total_s"]) / (last["reviews"] / base["reviews"])
        print(
            f"time grows {growth:.2f}x as fast as the review count between "
            f"{base['reviews']} and {last['reviews']} reviews (1.00 = linear)"
        )


if __name__ == "__main__":
    main()
