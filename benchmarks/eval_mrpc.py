"""MRPC pairs as two-review corpora: does the claim engine link paraphrases, and only them?

    python benchmarks/eval_mrpc.py [--data ../shared/paraphrase] [--limit N] [--sweep]
                                   [--vary numbers_apart=0,0.1,0.2]

Each MRPC pair becomes a corpus of two one-sentence reviews (plain ``.txt`` files, so
they go through the real loader and segmenter); the pair counts as *linked* when any claim
of one review ends up in a group with a claim of the other. Linked is compared with the
pair's paraphrase label: accuracy and F1 (of the paraphrase class), as MRPC reports them.
Only the train split is read (the test split is kept apart and judges the result).
``--sweep`` reruns the decision over a range of ``Params.strong`` (the threshold that
decides a pair with no alternatives) and prints the plateau; ``--vary NAME=V1,V2`` does the
same for another field that ``strong_score`` reads (``numbers_apart``, ``strong_dense``,
``dense_floor``); ``surplus_terms`` changes which evidence is gathered, so it is varied by
rerunning with another default. Every figure is also given on the two halves of train: A
(even rows, the half thresholds are tuned on) and B (odd rows, held out), so a tuned
threshold is judged on pairs it never saw.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def read_mrpc(path: Path) -> list[tuple[int, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) == 5:
            rows.append((int(parts[0]), parts[3], parts[4]))
    return rows


def pair_parts(a: str, b: str, tmp: Path):
    """Claims of the two one-sentence reviews, and the evidence of every cross pair."""
    from ballerina_tui.characters import CharacterSet
    from ballerina_tui.claims.linking import build_claims, link_claims
    from ballerina_tui.claims.scoring import PARAMS
    from ballerina_tui.corpus import load_corpus

    for name, text in (("a.txt", a), ("b.txt", b)):
        (tmp / name).write_text(text + "\n", encoding="utf-8")
    corpus = load_corpus(tmp)
    claims = build_claims(corpus, CharacterSet())
    state = link_claims(claims, CharacterSet(), PARAMS)
    parts = []
    for i, x in enumerate(claims):
        for j, y in enumerate(claims):
            if i < j and x.review != y.review:
                parts.append(state.scorer.strong_parts(i, j))
    linked = any(
        claims[i].review != claims[j].review
        for i in range(len(claims))
        for j in range(len(claims))
        if i < j and state.uf.find(i) == state.uf.find(j)
    )
    return parts, linked


def halves(gold: list[int], pred: list[bool]) -> str:
    """Accuracy on half A (even rows, tuned on) and half B (odd rows, held out)."""
    a = scores(gold[0::2], pred[0::2])[0]
    b = scores(gold[1::2], pred[1::2])[0]
    return f"(A {a:.1f} / B {b:.1f})"


def scores(gold: list[int], pred: list[bool]) -> tuple[float, float]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    acc = sum(1 for g, p in zip(gold, pred, strict=True) if bool(g) == p) / len(gold)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return 100 * acc, 100 * f1


def main() -> None:
    from ballerina_tui.claims.scoring import PARAMS

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "paraphrase"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--sweep", action="store_true")
    ap.add_argument("--vary", action="append", default=[], metavar="NAME=V1,V2,…")
    args = ap.parse_args()
    rows = read_mrpc(Path(args.data) / "msr_paraphrase_train.txt")
    if args.limit:
        rows = rows[: args.limit]
    t0 = time.perf_counter()
    gold, pred, all_parts = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for label, a, b in rows:
            parts, linked = pair_parts(a, b, Path(tmp))
            gold.append(label)
            pred.append(linked)
            all_parts.append(parts)
    acc, f1 = scores(gold, pred)
    false_links = sum(1 for g, p in zip(gold, pred, strict=True) if p and not g)
    missed = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    print(
        f"MRPC train, {len(rows)} pairs as two-review corpora: accuracy {acc:.1f} F1 {f1:.1f} "
        f"{halves(gold, pred)} ({time.perf_counter() - t0:.1f} s)"
    )
    print(f"  false links {false_links}, missed links {missed}")
    if args.sweep:
        for strong in [x / 100 for x in range(30, 61, 2)]:
            guess = decide(all_parts, dataclasses.replace(PARAMS, strong=strong))
            acc, f1 = scores(gold, guess)
            print(f"  strong={strong:.2f}: accuracy {acc:.1f} F1 {f1:.1f} {halves(gold, guess)}")
    for spec in args.vary:
        name, _, values = spec.partition("=")
        if name not in ("numbers_apart", "strong_dense", "dense_floor", "strong"):
            ap.error(f"--vary {name}: not read by strong_score")
        for value in (float(v) for v in values.split(",")):
            guess = decide(all_parts, dataclasses.replace(PARAMS, **{name: value}))
            acc, f1 = scores(gold, guess)
            print(f"  {name}={value:g}: accuracy {acc:.1f} F1 {f1:.1f} {halves(gold, guess)}")


def decide(all_parts: list, p) -> list[bool]:
    """Whether each pair links by ``p.strong`` alone (the only way a two-claim corpus links):
    some pair of claims whose every item of evidence passes."""
    from ballerina_tui.claims.scoring import strong_score

    return [
        any(min(strong_score(q, p) for q in evidence) >= p.strong for evidence in parts)
        for parts in all_parts
    ]


if __name__ == "__main__":
    main()
