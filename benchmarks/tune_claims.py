"""Sweep the linking thresholds on a labelled set and print the plateau of each.

    python benchmarks/tune_claims.py [--labels tests/data/claims_labelled.yaml] [--reviews DIR]

The evidence of every candidate pair is computed once; each setting of
:class:`ballerina_tui.claims.scoring.Params` then re-scores, re-groups and is scored
against the labels (unique F1, shared-link recall), one parameter at a time around the
defaults. Use it on labelled sets you tune on, never on the ones that judge.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRID = {
    "mutual": [0.14, 0.18, 0.22, 0.26, 0.30, 0.34, 0.38, 0.42, 0.5],
    "floor": [0.0, 0.05, 0.08, 0.12, 0.16, 0.2],
    "dense": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
    "dense_floor": [0.1, 0.2, 0.25, 0.3, 0.35, 0.4],
    "aspect": [0.0, 0.04, 0.08, 0.12],
    "name": [0.0, 0.05, 0.1, 0.2],
    "strong": [0.3, 0.36, 0.38, 0.39, 0.4, 0.42, 0.44, 0.46, 0.5, 0.6],
    "strong_dense": [0.25, 0.3, 0.35, 0.4, 0.45, 0.5],
    "numbers_apart": [0.0, 0.05, 0.1, 0.15, 0.2, 0.3],
    "surplus_terms": [1, 2, 3, 4, 5, 6, 99],
}


def run(corpus, claims, characters, params, ix, evaluate, labels):
    from ballerina_tui.claims.linking import _assemble, link_claims

    for c in claims:
        c.group, c.shared_with, c.unique, c.contradicts = "", [], True, []
    state = link_claims(claims, characters, params)
    analysis = _assemble(corpus, claims, state.uf, [])
    return evaluate(corpus, analysis, labels)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--labels", default=str(ROOT / "tests" / "data" / "claims_labelled.yaml"))
    ap.add_argument("--reviews", default=str(ROOT / "data" / "reviews"))
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    os.environ.setdefault("BALLERINA_TUI_CACHE_DIR", tempfile.mkdtemp())
    from ballerina_tui.claims.linking import build_claims
    from ballerina_tui.claims.scoring import PARAMS
    from ballerina_tui.corpus import load_corpus
    from ballerina_tui.index import ReviewIndex
    from tests.claims_eval import evaluate

    corpus = load_corpus(args.reviews)
    index = ReviewIndex(corpus)
    ix = index.ensure()
    claims = build_claims(corpus, index.characters)
    labels = Path(args.labels)
    base = run(corpus, claims, index.characters, PARAMS, ix, evaluate, labels)
    print(f"defaults: {base.line()}")
    for name, values in GRID.items():
        if args.only and name not in args.only.split(","):
            continue
        print(f"{name} (default {getattr(PARAMS, name)}):")
        for value in values:
            p = dataclasses.replace(PARAMS, **{name: value})
            s = run(corpus, claims, index.characters, p, ix, evaluate, labels)
            print(
                f"  {value:>6}: unique F1 {s.unique_f1:.3f} (P {s.unique_precision:.2f} "
                f"R {s.unique_recall:.2f})  link recall {s.shared_link_recall:.3f}"
            )


if __name__ == "__main__":
    main()
