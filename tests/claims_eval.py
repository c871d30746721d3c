"""Scoring the claim engine against a hand-labelled set (tests/data/claims_labelled.yaml).

Each labelled quote is matched to the engine's claim of the same review that overlaps it
most (by characters). Then:

- unique precision / recall / F1: the engine's ``unique`` flag against "no other reviewer
  makes this claim" in the label;
- shared-link recall: of the (claim, other reviewer) links in the label, how many the
  engine's ``shared_with`` holds;
- contradictions found: labelled pairs whose matched claims contradict each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

LABELS = Path(__file__).resolve().parent / "data" / "claims_labelled.yaml"


@dataclass
class Scores:
    unique_precision: float
    unique_recall: float
    unique_f1: float
    shared_link_recall: float
    contradictions_found: int
    contradictions_total: int
    claims: int
    misses: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"unique P={self.unique_precision:.3f} R={self.unique_recall:.3f} "
            f"F1={self.unique_f1:.3f} | shared-link recall={self.shared_link_recall:.3f} | "
            f"contradictions {self.contradictions_found}/{self.contradictions_total} "
            f"| {self.claims} labelled claims"
        )


def _match(analysis, corpus, review: str, quote: str):
    text = corpus.get(review).text
    start = text.find(quote)
    if start < 0:
        raise AssertionError(f"quote not in {review}: {quote!r}")
    end = start + len(quote)
    best, best_overlap = None, 0
    for claim in analysis.for_review(review):
        overlap = min(end, claim.end) - max(start, claim.start)
        if overlap > best_overlap:
            best, best_overlap = claim, overlap
    return best


def evaluate(corpus, analysis, labels_path: Path = LABELS) -> Scores:
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    tp = fp = fn = 0
    links = found = 0
    misses: list[str] = []
    for item in labels["claims"]:
        review, quote = item["review"], item["quote"]
        others = set(item["reviewers"]) - {review}
        claim = _match(analysis, corpus, review, quote)
        predicted_unique = claim is None or claim.unique
        truly_unique = not others
        if predicted_unique and truly_unique:
            tp += 1
        elif predicted_unique:
            fp += 1
            misses.append(f"said unique, shared with {sorted(others)}: {review}: {quote}")
        elif truly_unique:
            fn += 1
            misses.append(f"said shared with {claim.shared_with}, unique: {review}: {quote}")
        links += len(others)
        if claim is not None:
            found += len(others & set(claim.shared_with))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    contradictions = labels.get("contradictions", [])
    hit = 0
    for pair in contradictions:
        a = _match(analysis, corpus, pair["a"]["review"], pair["a"]["quote"])
        b = _match(analysis, corpus, pair["b"]["review"], pair["b"]["quote"])
        if a is not None and b is not None and b.id in a.contradicts:
            hit += 1
    return Scores(
        precision,
        recall,
        f1,
        found / links if links else 1.0,
        hit,
        len(contradictions),
        len(labels["claims"]),
        misses,
    )
