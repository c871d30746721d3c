"""Search benchmark: index build, warm query latency and whole-process ``search`` time,
with SQLite FTS5 over the same passages and queries as the reference.

    python benchmarks/bench_search.py [--quick] [--json] [--reviews N] [--rounds R]

Two corpora: the bundled reviews, and N generated reviews (default 1,000; ``--quick``
uses 200) made by recombining the bundled reviews' sentences under their headings with
a fixed seed, written as ``.md`` files with front matter and sections into a temporary
folder. Everything (indexes, caches, the FTS5 database) lives in that temporary folder.

Figures:
- build: ``ReviewIndex.ensure()`` on an empty cache (passage extraction, Whoosh
  writer, words list, manifest) and, for FTS5, inserting the same passages into an
  on-disk table (``porter unicode61 remove_diacritics 2``) and committing.
- latency: ``Searcher.search()`` with highlights on a warm searcher, every query of the
  set ``--rounds`` times after one warm-up round; p50/p95 over all calls. FTS5 runs the
  queries it can express (no fuzzy, correction or character: queries) with ``bm25()``
  ranking and ``highlight()`` turned into spans, and the ratio is taken on that common
  subset.
- process: ``ballerina-tui search QUERY`` as a user runs it, index already built, median
  of several runs (with the bare interpreter start-up for scale).

Targets (from the issue): p95 <= 10 ms on the bundled reviews; p95 <= 15 ms and within
3x of FTS5 on 1,000 reviews; warm ``ballerina-tui search`` under 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "reviews"
CHARACTERS = ROOT / "data" / "characters.yaml"
SEED = 20250606
LIMIT = 20

# (Whoosh query, FTS5 query or None). {review} is a review id of the corpus at hand.
QUERIES: list[tuple[str, str | None]] = [
    ("ruska", "ruska"),
    ('"mother ruska"', '"mother ruska"'),
    ("wick rooney", "wick rooney"),
    ("wick AND rooney", "wick AND rooney"),
    ("winston OR charon", "winston OR charon"),
    ("cameo NOT keanu", "cameo NOT keanu"),
    ("cameo -keanu", "cameo NOT keanu"),
    ("train*", "train*"),
    ("mentoring", "mentoring"),
    ('"candle-lit opera house"', '"candle lit opera house"'),
    ("ballerina", "ballerina"),
    ("john wick", "john wick"),
    ("vengeance redemption", "vengeance redemption"),
    ("Peter Deming", "peter deming"),
    ("8.8", '"8.8"'),
    ("section:timeline", "section : timeline"),
    ("review:{review} wiseman", 'review : "{review}" AND wiseman'),
    ("mentr~", None),
    ("pirouete~ purpose", None),
    ("Petr Demng", None),
    ("chorography", None),
    ("character:winston", None),
    ('character:"Mother Ruska"', None),
]


# --------------------------------------------------------------------------- corpus


def generate_corpus(folder: Path, count: int, seed: int = SEED) -> None:
    """``count`` reviews of the bundled reviews' sentences, recombined deterministically."""
    sys.path.insert(0, str(ROOT))
    from ballerina_tui.corpus import load_corpus

    sentences: list[str] = []
    headings: list[str] = []
    for review in load_corpus(BUNDLED).reviews:
        for block in review.blocks:
            text = review.block_text(block)
            if block.kind == "heading":
                headings.append(text)
            else:
                sentences.extend(s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 20)
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    shutil.copy(CHARACTERS, folder / "characters.yaml")
    for n in range(count):
        parts = [
            "---",
            f"id: gen-{n:04d}",
            f"handle: r{n:04d}",
            f"title: {json.dumps(rng.choice(headings))}",
            "kind: review",
            "---",
            "",
            f"# {rng.choice(headings)}",
            "",
        ]
        for _ in range(rng.randint(4, 7)):
            parts += [f"## {rng.choice(headings)}", ""]
            for _ in range(rng.randint(2, 3)):
                parts += [" ".join(rng.choice(sentences) for _ in range(rng.randint(3, 5))), ""]
        (folder / f"gen-{n:04d}.md").write_text("\n".join(parts), encoding="utf-8")


# --------------------------------------------------------------------------- measuring


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(samples: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(samples, 0.50) * 1000, 2),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2),
        "calls": len(samples),
    }


def bench_whoosh(folder: Path, cache: Path, rounds: int, review: str) -> dict:
    from ballerina_tui.corpus import load_corpus
    from ballerina_tui.index import ReviewIndex, review_passages
    from ballerina_tui.search import Searcher

    started = time.perf_counter()
    corpus = load_corpus(folder)
    load_seconds = time.perf_counter() - started

    started = time.perf_counter()
    index = ReviewIndex(corpus, root=cache)
    index.ensure()
    build_seconds = time.perf_counter() - started

    started = time.perf_counter()
    passages = [p for r in corpus.reviews for p in review_passages(r, index.characters)]
    passage_seconds = time.perf_counter() - started

    queries = [q.format(review=review) for q, _ in QUERIES]
    common = {q.format(review=review) for q, f in QUERIES if f is not None}
    per_query: dict[str, list[float]] = {q: [] for q in queries}
    hits: dict[str, int] = {}
    with Searcher(index) as searcher:
        for query in queries:  # warm-up round
            hits[query] = len(searcher.search(query, limit=LIMIT).hits)
        for _ in range(rounds):
            for query in queries:
                started = time.perf_counter()
                searcher.search(query, limit=LIMIT)
                per_query[query].append(time.perf_counter() - started)
    every = [t for times in per_query.values() for t in times]
    shared = [t for q, times in per_query.items() if q in common for t in times]
    return {
        "reviews": len(corpus.reviews),
        "passages": len(passages),
        "load_s": round(load_seconds, 3),
        "build_s": round(build_seconds, 3),
        "passage_extraction_s": round(passage_seconds, 3),
        "all_queries": summary(every),
        "common_queries": summary(shared),
        "per_query_median_ms": {
            q: round(statistics.median(t) * 1000, 2) for q, t in per_query.items()
        },
        "hits": hits,
        "_passages": passages,
    }


def _spans(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Text without FTS5 highlight markers, and the marked spans in it."""
    out, spans, start = [], [], None
    for ch in marked:
        if ch == "\x01":
            start = len(out)
        elif ch == "\x02":
            spans.append((start, len(out)))
        else:
            out.append(ch)
    return "".join(out), spans


def bench_fts5(passages, db_path: Path, rounds: int, review: str) -> dict:
    started = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute(
        "CREATE VIRTUAL TABLE passages USING fts5(text, section, review, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO passages(text, section, review) VALUES (?, ?, ?)",
        ((p.text, p.section, f"{p.review} {p.handle}") for p in passages),
    )
    db.commit()
    build_seconds = time.perf_counter() - started

    sql = (
        "SELECT rowid, bm25(passages), highlight(passages, 0, char(1), char(2)) "
        "FROM passages WHERE passages MATCH ? ORDER BY bm25(passages) LIMIT ?"
    )

    def run(query: str) -> int:
        rows = db.execute(sql, (query, LIMIT)).fetchall()
        for _, _, marked in rows:
            _spans(marked)
        return len(rows)

    queries = [f.format(review=review) for _, f in QUERIES if f is not None]
    hits = {q: run(q) for q in queries}  # warm-up round
    samples: list[float] = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            run(query)
            samples.append(time.perf_counter() - started)
    db.close()
    return {"build_s": round(build_seconds, 3), "common_queries": summary(samples), "hits": hits}


def bench_process(reviews: Path | None, query: str, runs: int, env: dict) -> dict:
    script = Path(sys.executable).with_name("ballerina-tui")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ballerina_tui"]
    if reviews is not None:
        command += ["--reviews", str(reviews)]
    command += ["search", query]
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)  # warm index
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    baseline = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
        baseline.append(time.perf_counter() - started)
    return {
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "python_startup_median_s": round(statistics.median(baseline), 3),
        "runs": runs,
    }


# --------------------------------------------------------------------------- report


def run_all(quick: bool, count: int | None, rounds: int | None) -> dict:
    count = count or (200 if quick else 1000)
    rounds = rounds or (5 if quick else 20)
    runs = 3 if quick else 7
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        tmp_path = Path(tmp)
        env = {**os.environ, "BALLERINA_TUI_CACHE_DIR": str(tmp_path / "cli-cache")}
        generated = tmp_path / "generated" / "reviews"
        started = time.perf_counter()
        generate_corpus(generated, count)
        generate_seconds = time.perf_counter() - started

        report: dict = {"python": sys.version.split()[0], "rounds": rounds, "limit": LIMIT}
        for name, folder, review in (
            ("bundled", BUNDLED, "critic"),
            ("generated", generated, "gen-0007"),
        ):
            whoosh = bench_whoosh(folder, tmp_path / f"cache-{name}", rounds, review)
            passages = whoosh.pop("_passages")
            fts5 = bench_fts5(passages, tmp_path / f"{name}.sqlite", rounds, review)
            ratio = {
                key: round(
                    whoosh["common_queries"][key] / max(fts5["common_queries"][key], 1e-6), 1
                )
                for key in ("p50_ms", "p95_ms")
            }
            ratio["build"] = round(whoosh["build_s"] / max(fts5["build_s"], 1e-6), 1)
            process = bench_process(
                None if name == "bundled" else folder,
                '"Mother Ruska"',
                runs,
                {**env, "BALLERINA_TUI_REVIEWS": str(folder)},
            )
            report[name] = {"whoosh": whoosh, "fts5": fts5, "ratio": ratio, "process": process}
        report["generated"]["generate_s"] = round(generate_seconds, 2)
    report["targets"] = {
        "bundled_p95_le_10ms": report["bundled"]["whoosh"]["all_queries"]["p95_ms"] <= 10,
        "generated_p95_le_15ms": report["generated"]["whoosh"]["all_queries"]["p95_ms"] <= 15,
        "generated_within_3x_fts5": report["generated"]["ratio"]["p95_ms"] <= 3,
        "process_under_0_5s": report["bundled"]["process"]["median_s"] < 0.5,
    }
    return report


def print_table(report: dict) -> None:
    rows = []
    for name in ("bundled", "generated"):
        r = report[name]
        w, f, ratio, p = r["whoosh"], r["fts5"], r["ratio"], r["process"]
        label = f"{name} ({w['reviews']} reviews, {w['passages']} passages)"
        rows += [
            (label, "", "", ""),
            ("  build", f"{w['build_s']:.2f} s", f"{f['build_s']:.2f} s", f"x{ratio['build']}"),
            (
                "  latency, all queries p50 / p95",
                f"{w['all_queries']['p50_ms']:.1f} / {w['all_queries']['p95_ms']:.1f} ms",
                "",
                "",
            ),
            (
                "  latency, common queries p50 / p95",
                f"{w['common_queries']['p50_ms']:.1f} / {w['common_queries']['p95_ms']:.1f} ms",
                f"{f['common_queries']['p50_ms']:.2f} / {f['common_queries']['p95_ms']:.2f} ms",
                f"x{ratio['p50_ms']} / x{ratio['p95_ms']}",
            ),
            (
                "  `ballerina-tui search` (median)",
                f"{p['median_s']:.3f} s",
                "",
                f"(python -c pass {p['python_startup_median_s']:.3f} s)",
            ),
        ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    widths = [max(w, len(h)) for w, h in zip(widths, ("", "Whoosh", "FTS5", "ratio"), strict=True)]
    header = ("", "Whoosh", "FTS5", "ratio")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print()
    for name in ("bundled", "generated"):
        slow = sorted(report[name]["whoosh"]["per_query_median_ms"].items(), key=lambda kv: -kv[1])[
            :4
        ]
        print(f"slowest queries ({name}, median): " + ", ".join(f"{q} {t} ms" for q, t in slow))
    print()
    for target, ok in report["targets"].items():
        print(f"{'met   ' if ok else 'MISSED'} {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 generated reviews, fewer runs")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--reviews", type=int, metavar="N", help="generated reviews (1000)")
    parser.add_argument("--rounds", type=int, metavar="R", help="timed rounds per query")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    report = run_all(args.quick, args.reviews, args.rounds)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
