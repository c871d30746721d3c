"""Highlights: stable ids, finding the text again, merging writes, never losing a file."""

from __future__ import annotations

import shutil
import subprocess
import sys

from ballerina_tui.corpus import load_corpus
from ballerina_tui.highlights import (
    HighlightStore,
    highlight_id,
    locate,
    make_highlight,
    spans_for_review,
)


def _first_paragraph(review):
    return next(b for b in review.blocks if b.kind == "paragraph")


def test_id_is_stable_and_ignores_whitespace(corpus):
    review = corpus.reviews[0]
    block = _first_paragraph(review)
    one = make_highlight(review, block.start, block.end)
    two = make_highlight(review, block.start - 1, block.end + 1)  # trimmed to the same span
    assert one.id == two.id
    assert one.id.startswith(review.id + "-")
    assert highlight_id(review.id, "a  b\nc") == highlight_id(review.id, "a b c")
    assert one.section == block.section


def test_locate_survives_a_changed_review(bundled_copy):
    corpus = load_corpus(bundled_copy)
    review = corpus.reviews[1]
    block = _first_paragraph(review)
    item = make_highlight(review, block.start, block.end)
    assert locate(item, review) == (item.start, item.end)
    # Insert text before the passage: the offsets move, the id and the text do not.
    review.path.write_text(
        review.text[: review.body_start]
        + "\nA new opening paragraph.\n\n"
        + review.text[review.body_start :],
        encoding="utf-8",
    )
    changed = load_corpus(bundled_copy).get(review.id)
    start, end = locate(item, changed)
    assert changed.text[start:end] == item.text and start > item.start
    assert [h.id for _, _, h in spans_for_review([item], changed)] == [item.id]
    # Rewrapped: found with whitespace ignored.
    item.text = item.text.replace(" ", "\n", 1)
    assert locate(item, changed) is not None
    item.text = "words that are nowhere in the review"
    assert locate(item, changed) is None


def test_toggle_note_remove_and_reload(corpus, tmp_path):
    review = corpus.reviews[0]
    block = _first_paragraph(review)
    store = HighlightStore.for_corpus(corpus, tmp_path / "h.yaml")
    item = make_highlight(review, block.start, block.end)
    assert store.toggle(item) is True
    assert store.set_note(item.id, "  why this matters  ")
    again = HighlightStore.for_corpus(corpus, tmp_path / "h.yaml")
    assert [(h.id, h.note) for h in again.items] == [(item.id, "why this matters")]
    assert again.toggle(item) is False
    assert HighlightStore.for_corpus(corpus, tmp_path / "h.yaml").items == []


def test_two_instances_merge_instead_of_overwriting(corpus, tmp_path):
    path = tmp_path / "h.yaml"
    a = HighlightStore.for_corpus(corpus, path)
    b = HighlightStore.for_corpus(corpus, path)  # both loaded the empty file
    r0, r1 = corpus.reviews[0], corpus.reviews[1]
    a.add(make_highlight(r0, _first_paragraph(r0).start, _first_paragraph(r0).end))
    b.add(make_highlight(r1, _first_paragraph(r1).start, _first_paragraph(r1).end))
    assert len(b.items) == 2
    assert len(HighlightStore.for_corpus(corpus, path).items) == 2


def test_concurrent_processes_lose_nothing(corpus, tmp_path):
    path = tmp_path / "h.yaml"
    script = f"""
import sys
from ballerina_tui.corpus import load_corpus
from ballerina_tui.highlights import HighlightStore, make_highlight
corpus = load_corpus({str(corpus.root)!r})
review = corpus.reviews[int(sys.argv[1])]
store = HighlightStore.for_corpus(corpus, {str(path)!r})
for block in [b for b in review.blocks if b.kind == "paragraph"][:8]:
    store.add(make_highlight(review, block.start, block.end))
"""
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)]) for n in range(2)]
    assert all(p.wait(60) == 0 for p in procs)
    assert len(HighlightStore.for_corpus(corpus, path).items) == 16


def test_unreadable_file_is_kept_aside_not_overwritten(corpus, tmp_path):
    path = tmp_path / "h.yaml"
    path.write_text("highlights: [unclosed\n", encoding="utf-8")
    store = HighlightStore.for_corpus(corpus, path)
    assert store.items == [] and "not valid YAML" in store.note
    review = corpus.reviews[0]
    store.add(make_highlight(review, _first_paragraph(review).start, _first_paragraph(review).end))
    aside = [p for p in tmp_path.iterdir() if ".unreadable-" in p.name]
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == "highlights: [unclosed\n"
    assert len(HighlightStore.for_corpus(corpus, path).items) == 1


def test_store_ignores_bad_entries(corpus, tmp_path):
    path = tmp_path / "h.yaml"
    path.write_text(
        "highlights:\n  - 3\n  - {review: critic}\n  - {review: critic, text: hello, start: x}\n",
        encoding="utf-8",
    )
    items = HighlightStore.for_corpus(corpus, path).items
    assert [(h.review, h.text, h.start) for h in items] == [("critic", "hello", 0)]


def test_default_path_is_in_the_data_dir(corpus, _isolated_dirs):
    store = HighlightStore.for_corpus(corpus)
    assert str(store.path).startswith(str(_isolated_dirs / "data"))
    shutil.rmtree(_isolated_dirs / "data", ignore_errors=True)
