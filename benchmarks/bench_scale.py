"""Scale benchmark: index build, incremental update, search and claims at 300 / 1,000 / 10,000
reviews, with SQLite FTS5 over the same passages in the same run as the reference.

    python benchmarks/bench_scale.py [--sizes 300,1000,10000] [--no-claims] [--json]
                                     [--keep DIR] [--source DIR] [--distinct | --mixed]

Corpora are written like a fan's own folder of IMDb user reviews: front matter, no headings,
a few paragraphs of recombined sentences taken from the real reviews in ``--source``
(default ``/work/shared/films``, falling back to the bundled reviews), about 230 words per
review, fixed seed. ``--keep DIR`` keeps the corpora there and reuses them on the next run.

Per size it prints:
- build: ``ReviewIndex.ensure()`` on an empty cache, in this process; FTS5 inserting the same
  passages (``porter unicode61 remove_diacritics 2``) into an on-disk table; their ratio;
- one review added: ``ensure()`` after writing one new file (what is re-indexed, how long);
- search (whole process): ``ballerina-tui search WORDS`` with a warm index, median of runs;
- keystroke: ``Searcher.search()`` (the call the app's search screen makes) on a warm searcher
  for each prefix of a typed query, p50 / p95 / max;
- first frame: the app started with ``run_test`` on a warm index, time until the first screen
  is mounted (whole process);
- claims: ``ballerina-tui claims --json`` as a whole process, wall time and peak RSS
  (``resource.getrusage`` of the child);
- marks (cached): the app started again once the claims are cached, time until the open
  review's claims are marked (read ahead from the marks file, ``claims/marks.py``) and, in
  brackets, until the whole analysis has landed (whole process);
- growth: each figure's ratio from one size to the next, next to the ratio of reviews.

Wall-clock time and, in brackets, CPU time of the process: on a shared machine the wall
clock also counts waiting for a core.

Targets (issue 10): build at 10,000 <= 20 s and <= 20x FTS5; one review added < 0.5 s;
warm search <= 0.5 s; keystroke < 50 ms; first frame <= 1 s; claims <= 60 s and <= 1.5 GB;
marks <= 2 s when cached; time and memory from 1,000 to 10,000 within 12x.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FILMS = Path("/work/shared/films")
SEED = 20261128
SEARCHES = ["camera", "heist picture", "the film was directed", "choreographing"]
TYPED = "ending of the heist"
RUNS = 5


# --------------------------------------------------------------------------- corpus


def seed_sentences(source: Path) -> list[str]:
    from ballerina_tui.corpus import load_corpus

    folders = [p for p in sorted(source.iterdir()) if p.is_dir()] if source.is_dir() else []
    if not folders:
        folders = [ROOT / "data" / "reviews"]
    sentences: list[str] = []
    for folder in folders:
        corpus = load_corpus(folder)
        for review in corpus.reviews:
            for block in review.blocks:
                if block.kind == "heading":
                    continue
                text = review.block_text(block)
                sentences.extend(s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 15)
    return sentences


PARAPHRASE = Path("/work/shared/paraphrase")


def pool_sentences(folder: Path = PARAPHRASE) -> list[str]:
    """The sentences of MRPC train and STS-B train/dev (news, captions, forums): about
    20,000 more distinct sentences, so that a 10,000-review corpus repeats each source
    sentence a few times rather than sixty (``--mixed``). Read at run time, never copied
    into the project."""
    out: list[str] = []
    mrpc = folder / "msr_paraphrase_train.txt"
    if mrpc.is_file():
        for line in mrpc.read_text(encoding="utf-8-sig").splitlines()[1:]:
            fields = line.split("\t")
            out.extend(fields[3:5])
    for name in ("sts-train.csv", "sts-dev.csv"):
        path = folder / name
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                fields = line.split("\t")
                out.extend(fields[5:7])
    return sorted({s.strip() for s in out if len(s.split()) >= 4})


def _vocabulary(sentences: list[str]) -> list[str]:
    return sorted({w for s in sentences for w in re.findall(r"[a-z]{4,}", s)})


def _perturbed(sentence: str, vocabulary: list[str], rng: random.Random) -> str:
    """``sentence`` with about one word in four (of four letters or more) swapped for
    another word of the corpus: a sentence of its own, as real reviews mostly write."""
    return re.sub(
        r"\b[a-z]{4,}\b",
        lambda m: rng.choice(vocabulary) if rng.random() < 0.25 else m.group(0),
        sentence,
    )


def generate(
    folder: Path, count: int, sentences: list[str], *, start: int = 0, distinct: bool = False
) -> None:
    """``count`` reviews like IMDb user reviews (front matter, paragraphs, no headings).

    ``distinct``: each sentence has some of its words swapped (see :func:`_perturbed`), so
    that most claims are said once; otherwise sentences recur as they were written."""
    rng = random.Random(SEED + start)
    vocabulary = _vocabulary(sentences) if distinct else []
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        words = 0
        target = max(40, int(rng.lognormvariate(5.2, 0.6)))  # mean ~230 words
        paragraphs: list[str] = []
        while words < target:
            chosen = [rng.choice(sentences) for _ in range(rng.randint(2, 6))]
            if distinct:
                chosen = [_perturbed(x, vocabulary, rng) for x in chosen]
            para = " ".join(chosen)
            words += len(para.split())
            paragraphs.append(para)
        head = f"---\nid: u{n:05d}\nhandle: user-{n:05d}\nkind: user review\n"
        head += f"rating: {rng.randint(1, 10)}/10\n---\n\n"
        (folder / f"u{n:05d}.md").write_text(head + "\n\n".join(paragraphs) + "\n", "utf-8")


def corpus_for(
    base: Path, size: int, sentences: list[str], distinct: bool = False, suffix: str = ""
) -> Path:
    name = f"reviews-{size}-distinct" if distinct else f"reviews-{size}"
    folder = base / (name + suffix)
    if not folder.is_dir() or len(list(folder.glob("*.md"))) != size:
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, size, sentences, distinct=distinct)
    return folder


# --------------------------------------------------------------------------- measuring


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def build(folder: Path, cache: Path) -> dict:
    from ballerina_tui.corpus import load_corpus
    from ballerina_tui.index import ReviewIndex, review_passages

    started = time.perf_counter()
    corpus = load_corpus(folder)
    load_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    index = ReviewIndex(corpus, root=cache)
    index.ensure()
    build_s = time.perf_counter() - started
    build_cpu_s = time.process_time() - cpu
    passages = [p for r in corpus.reviews for p in review_passages(r)]
    size = sum(f.stat().st_size for f in index.dir.iterdir() if f.is_file())
    return {
        "reviews": len(corpus.reviews),
        "passages": len(passages),
        "words": sum(r.words for r in corpus.reviews),
        "load_s": round(load_s, 3),
        "build_s": round(build_s, 3),
        "build_cpu_s": round(build_cpu_s, 3),
        "index_bytes": size,
        "_passages": passages,
    }


def fts5(passages, db_path: Path) -> float:
    started = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute(
        "CREATE VIRTUAL TABLE passages USING fts5(text, review, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO passages(text, review) VALUES (?, ?)",
        ((p.text, p.review) for p in passages),
    )
    db.commit()
    db.close()
    return round(time.perf_counter() - started, 3)


def add_one(folder: Path, cache: Path, sentences: list[str]) -> dict:
    from ballerina_tui.corpus import load_corpus
    from ballerina_tui.index import ReviewIndex

    generate(folder, 1, sentences, start=90000)
    try:
        corpus = load_corpus(folder)
        index = ReviewIndex(corpus, root=cache)
        started = time.perf_counter()
        index.ensure()
        seconds = time.perf_counter() - started
        report = index.last_update
        return {"seconds": round(seconds, 3), "touched": report.touched, "rebuilt": report.rebuilt}
    finally:
        (folder / "u90000.md").unlink()
        # Bring the index back to the corpus as generated.
        ReviewIndex(load_corpus(folder), root=cache).ensure()


def cli(env: dict, folder: Path, *args: str) -> list[str]:
    script = Path(sys.executable).with_name("ballerina-tui")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ballerina_tui"]
    return [*command, "--reviews", str(folder), *args]


def process_search(folder: Path, env: dict) -> dict:
    out: dict = {}
    for query in SEARCHES:
        command = cli(env, folder, "search", query)
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)  # warm
        times, cpus = [], []
        for _ in range(RUNS):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        out[query] = round(statistics.median(times), 3)
        out[f"{query} (cpu)"] = round(statistics.median(cpus), 3)
    walls = [v for k, v in out.items() if not k.endswith("(cpu)")]
    cpus_all = [v for k, v in out.items() if k.endswith("(cpu)")]
    out["median_s"] = round(statistics.median(walls), 3)
    out["max_s"] = max(walls)
    out["median_cpu_s"] = round(statistics.median(cpus_all), 3)
    return out


def keystrokes(folder: Path, cache: Path) -> dict:
    from ballerina_tui.index import ReviewIndex
    from ballerina_tui.search import QueryError, Searcher

    index = ReviewIndex.for_folder(folder, root=cache)
    samples, cpu = [], []
    with Searcher(index) as searcher:
        for _ in range(3):
            for n in range(1, len(TYPED) + 1):
                started, used = time.perf_counter(), time.process_time()
                try:
                    searcher.search(TYPED[:n])
                except QueryError:
                    pass
                samples.append(time.perf_counter() - started)
                cpu.append(time.process_time() - used)
    return {
        "p50_ms": round(percentile(samples, 0.5) * 1000, 1),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
        "cpu_p95_ms": round(percentile(cpu, 0.95) * 1000, 1),
    }


FIRST_FRAME = """
import sys, time
started = time.perf_counter()
import asyncio
from ballerina_tui.app.app import BallerinaApp
async def main():
    app = BallerinaApp.for_folder(sys.argv[1])  # what `ballerina-tui app` does
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while app.first_frame_at is None and time.perf_counter() - started < 120:
            await asyncio.sleep(0.01)
        first = app.first_frame_at - started
        while app.loading and time.perf_counter() - started < 120:
            await asyncio.sleep(0.05)
        print(first, time.perf_counter() - started, len(app.corpus.reviews))
asyncio.run(main())
"""


def _app_run(script: str, folder: Path, env: dict, timeout: float) -> list[str]:
    """The words of the last line ``script`` prints, run as a whole process on ``folder``."""
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1].split()


def first_frame(folder: Path, env: dict) -> dict | None:
    """Seconds to the first frame, and until every review is in the sidebar."""
    try:
        first, loaded, count = _app_run(FIRST_FRAME, folder, env, 180)
        return {
            "first_s": round(float(first), 3),
            "loaded_s": round(float(loaded), 3),
            "reviews": int(count),
        }
    except (subprocess.SubprocessError, ValueError, IndexError):
        return None


MARKS = """
import sys, time
started = time.perf_counter()
import asyncio
from ballerina_tui.app.app import BallerinaApp
async def main():
    app = BallerinaApp.for_folder(sys.argv[1])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while app.analysis is None and time.perf_counter() - started < 600:
            await asyncio.sleep(0.02)
        landed = time.perf_counter() - started
        while app.marks_at is None and time.perf_counter() - started < 600:
            await asyncio.sleep(0.02)
        print(app.marks_at - started, landed, app.analysis_state == "")
asyncio.run(main())
"""


def marks(folder: Path, env: dict) -> dict | None:
    """Seconds from launch until the open review's claims are marked, with the analysis
    already cached (run after :func:`claims`), and until the whole analysis has landed."""
    try:
        seconds, landed, ok = _app_run(MARKS, folder, env, 660)
        if ok != "True":
            return None
        return {"marks_s": round(float(seconds), 2), "analysis_s": round(float(landed), 2)}
    except (subprocess.SubprocessError, ValueError, IndexError):
        return None


CLAIMS_TIMEOUT = 600
# The machine is shared: a claims run is stopped at this much address space (more than its
# resident peak: numpy, scipy and the model map more than they touch).
CLAIMS_MEMORY = 6 * 1024**3


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CLAIMS_MEMORY, CLAIMS_MEMORY))


def claims(folder: Path, env: dict) -> dict:
    command = cli(env, folder, "claims", "--json")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=CLAIMS_TIMEOUT,
            preexec_fn=_limit_memory,  # noqa: PLW1509 - no threads here
        )
        seconds = round(time.perf_counter() - started, 2)
        status = done.returncode
    except subprocess.TimeoutExpired:
        seconds, status = None, "timeout"
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    # ru_maxrss of children is the largest child so far: only meaningful when it grew.
    return {
        "seconds": seconds,
        "cpu_s": round(cpu, 2),
        "peak_mb": round(max(peak, before) / 1024),
        "status": status,
    }


def run(
    sizes: list[int],
    base: Path,
    with_claims: bool,
    source: Path,
    with_app: bool = True,
    keep_no_bytecode: bool = False,
    distinct: bool = False,
    mixed: bool = False,
) -> dict:
    sentences = seed_sentences(source)
    if mixed:
        sentences = sentences + pool_sentences()
        distinct = True
    report: dict = {"python": sys.version.split()[0], "sizes": {}}
    for size in sizes:
        folder = corpus_for(base, size, sentences, distinct, "-mixed" if mixed else "")
        cache = base / f"cache-{size}"
        shutil.rmtree(cache, ignore_errors=True)
        env = {**os.environ, "BALLERINA_TUI_CACHE_DIR": str(cache)}
        # Whole processes run as an installed program does: with its bytecode cached. With
        # PYTHONDONTWRITEBYTECODE set (as on the development machine) an editable install
        # recompiled the project's own modules on every run (about 0.15 s of a search).
        if not keep_no_bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        row = build(folder, cache)
        passages = row.pop("_passages")
        db = base / f"fts5-{size}.sqlite"
        db.unlink(missing_ok=True)
        row["fts5_s"] = fts5(passages, db)
        db.unlink(missing_ok=True)
        row["ratio_fts5"] = round(row["build_s"] / max(row["fts5_s"], 1e-6), 1)
        row["add_one"] = add_one(folder, cache, sentences)
        row["search"] = process_search(folder, env)
        row["keystroke"] = keystrokes(folder, cache)
        row["first_frame"] = first_frame(folder, env) if with_app else None
        if with_claims:
            row["claims"] = claims(folder, env)
            row["marks"] = marks(folder, env) if with_app else None
        report["sizes"][size] = row
        print(f"{size}: {json.dumps(row)}", file=sys.stderr, flush=True)
    return report


def growth(report: dict) -> list[str]:
    sizes = sorted(report["sizes"])
    lines = []
    for a, b in zip(sizes, sizes[1:], strict=False):
        ra, rb = report["sizes"][a], report["sizes"][b]
        parts = [f"reviews x{b / a:.1f}", f"build x{rb['build_s'] / max(ra['build_s'], 1e-6):.1f}"]
        ca, cb = ra.get("claims"), rb.get("claims")
        if ca and cb and ca["seconds"] and cb["seconds"]:
            parts.append(f"claims time x{cb['seconds'] / ca['seconds']:.1f}")
            parts.append(f"claims memory x{cb['peak_mb'] / max(ca['peak_mb'], 1):.1f}")
        lines.append(f"{a} -> {b}: " + ", ".join(parts))
    return lines


def print_table(report: dict) -> None:
    head = (
        "reviews",
        "passages",
        "build (cpu)",
        "FTS5",
        "ratio",
        "+1 review",
        "search (cpu)",
        "keystroke p95 (cpu)",
        "first frame (all loaded)",
        "claims",
        "marks (cached)",
    )
    rows = [head]
    for size, r in sorted(report["sizes"].items()):
        c = r.get("claims")
        rows.append(
            (
                f"{size:,}",
                f"{r['passages']:,}",
                f"{r['build_s']:.2f} s ({r['build_cpu_s']:.1f})",
                f"{r['fts5_s']:.2f} s",
                f"x{r['ratio_fts5']}",
                f"{r['add_one']['seconds']:.2f} s ({len(r['add_one']['touched'])})",
                f"{r['search']['median_s']:.2f} s ({r['search']['median_cpu_s']:.2f})",
                f"{r['keystroke']['p95_ms']:.0f} ms ({r['keystroke']['cpu_p95_ms']:.0f})",
                "—"
                if not r.get("first_frame")
                else f"{r['first_frame']['first_s']:.2f} s ({r['first_frame']['loaded_s']:.1f})",
                "—" if not c else f"{c['seconds']} s ({c.get('cpu_s')}) / {c['peak_mb']} MB",
                "—"
                if not r.get("marks")
                else f"{r['marks']['marks_s']:.2f} s ({r['marks']['analysis_s']:.1f})",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    print()
    for line in growth(report):
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="300,1000,10000")
    parser.add_argument("--no-claims", action="store_true", help="skip the claims runs")
    parser.add_argument("--no-app", action="store_true", help="skip the app's first frame")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep and reuse corpora here")
    parser.add_argument("--source", type=Path, default=FILMS, help="folder of film folders")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE for the whole-process runs (recompile every run)",
    )
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="swap about one word in four of each sentence: most claims said only once",
    )
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="--distinct over the film reviews' sentences and MRPC/STS-B's (about 24,000)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        report = run(
            sizes,
            args.keep,
            not args.no_claims,
            args.source,
            not args.no_app,
            args.no_bytecode,
            args.distinct,
            args.mixed,
        )
    else:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            report = run(
                sizes,
                Path(tmp),
                not args.no_claims,
                args.source,
                not args.no_app,
                args.no_bytecode,
                args.distinct,
                args.mixed,
            )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
