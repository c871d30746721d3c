"""Character discovery: quality on the labelled list, cost on 300 reviews, 10,000 aliases.

    .venv/bin/python benchmarks/bench_discovery.py

1. Recall, precision and stated actor links of discovery on the bundled four (against
   ``data/characters.yaml``) and on each folder of ``../shared/films/`` (against
   ``tests/data/entities.yaml``), and the time each took.
2. Discovery time on 300 reviews: the 90 real reviews of ``../shared/films/`` (or the
   bundled four, when absent) repeated under new ids, as ``corpus_characters`` runs it
   inside the analysis worker. Target: ≤ 1 s.
3. A ``CharacterSet`` of 10,000 aliases: building it, and matching in 300 reviews.

With ``--sweep``: the plateaus of the precision thresholds of ``discover.py`` instead.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from ballerina_tui.characters import Character, CharacterSet
    from ballerina_tui.characters.discover import discover_characters
    from ballerina_tui.characters.merge import review_documents
    from ballerina_tui.corpus import load_corpus
    from tests import discovery_eval as ev

    labels = ev.labels()
    print(f"{'folder':<24} {'cards':>5} {'recall':>6} {'prec.':>6} {'links':>6} {'time':>7}")
    docs_all: list[tuple[str, str]] = []
    folders = [("bundled", ROOT / "data" / "reviews")]
    folders += [(f, ev.FILMS / f) for f in sorted(labels) if f != "bundled"]
    for name, folder in folders:
        if not folder.is_dir():
            print(f"{name:<24} (absent)")
            continue
        corpus = load_corpus(folder)
        docs = review_documents(corpus)
        docs_all += [(f"{name}/{rid}", text) for rid, text in docs]
        start = time.perf_counter()
        cards = discover_characters(docs)
        took = time.perf_counter() - start
        if name == "bundled":
            expected = ev.bundled_expected(corpus)
            ok = labels["bundled"]["acceptable"] + ev.bundled_known(corpus)
        else:
            expected, ok = labels[name]["expected"], labels[name]["acceptable"]
        s = ev.score(cards, expected, ok)
        print(
            f"{name:<24} {s['cards']:>5} {s['recall']:>6.2f} {s['precision']:>6.2f} "
            f"{s['links']:>6} {took:>6.2f}s"
        )
        if s["missed"] or s["junk"]:
            print(f"{'':<24} missed: {s['missed']}  junk: {s['junk']}")
    films = [d for d in docs_all if not d[0].startswith("bundled/")] or docs_all
    docs300 = [(f"{n}-{rid}", text) for n in range(300) for rid, text in [films[n % len(films)]]]
    start, cpu = time.perf_counter(), time.process_time()
    discover_characters(docs300)
    print(
        f"\ndiscovery on {len(docs300)} reviews: {time.perf_counter() - start:.2f}s wall, "
        f"{time.process_time() - cpu:.2f}s CPU (target ≤ 1 s; load: {os.getloadavg()[0]:.1f})"
    )

    chars = [
        Character(f"c{n}", f"Name{n}", aliases=(f"Alias{n} Part", f"alias-{n}x"))
        for n in range(3334)
    ]
    start = time.perf_counter()
    cs = CharacterSet(chars)
    built = time.perf_counter() - start
    start = time.perf_counter()
    found = sum(len(cs.mentions(text)) for _, text in docs300)
    matched = time.perf_counter() - start
    print(
        f"10,000 aliases: build {built:.2f}s, match in {len(docs300)} reviews {matched:.2f}s "
        f"({found} mentions)"
    )
    return 0


def sweep() -> int:
    """Plateaus of the precision thresholds in ``discover.py``: recall / precision / number
    of junk-or-duplicate problems on each tune half (and the bundled four), then each held
    half, for each value tried."""
    from ballerina_tui.characters import discover
    from ballerina_tui.characters.merge import review_documents
    from ballerina_tui.corpus import load_corpus
    from tests import discovery_eval as ev

    labels = ev.labels()
    sets: dict[str, list] = {"tune": [], "held": []}
    for film in sorted(f for f in labels if f != "bundled"):
        if not (ev.FILMS / film).is_dir():
            continue
        docs = dict(review_documents(load_corpus(ev.FILMS / film)))
        for half, (ids, expected, ok) in ev.halves(film).items():
            label = {**labels[film], "expected": expected}
            sets[half].append(([(r, docs[r]) for r in ids], expected, ok, label))
    bundled = load_corpus()
    sets["tune"].append(
        (
            review_documents(bundled),
            ev.bundled_expected(bundled),
            labels["bundled"]["acceptable"] + ev.bundled_known(bundled),
            {"junk": labels["bundled"]["junk"]},
        )
    )

    def scores(half: str) -> str:
        out = []
        for docs, expected, ok, label in sets[half]:
            cards = discover.discover_characters(docs)
            s = ev.score(cards, expected, ok)
            out.append(f"{s['recall']:.2f}/{s['precision']:.2f}/{len(ev.problems(cards, label))}")
        return " ".join(out)

    grid = {
        "TITLE_SHARE": [0.3, 0.5, 0.7, 1.0, 1.01],
        "SECTION_SHARE": [0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.01],
        "OUTVOTED_READERS": [0, 1, 2, 3, 4, 6],
    }
    for name, values in grid.items():
        kept = getattr(discover, name)
        for value in values:
            setattr(discover, name, value)
            mark = "*" if value == kept else " "
            print(f"{name}={value:<5}{mark} tune {scores('tune'):<48} held {scores('held')}")
        setattr(discover, name, kept)
    return 0


if __name__ == "__main__":
    raise SystemExit(sweep() if "--sweep" in sys.argv else main())
