"""A bulk index write pauses the cyclic garbage collector and always restores it (issue 10:
its passes over Whoosh's posting pool were a fifth of the build)."""

from __future__ import annotations

import gc

import pytest

import ballerina_tui.index as index_module
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex
from ballerina_tui.progress import Cancelled


def _watch(monkeypatch) -> list[bool]:
    seen: list[bool] = []
    real = index_module._documents

    def documents(review):
        seen.append(gc.isenabled())
        yield from real(review)

    monkeypatch.setattr(index_module, "_documents", documents)
    return seen


@pytest.mark.parametrize(("bulk", "paused"), [(1, True), (10_000, False)])
def test_paused_for_a_bulk_write_only_and_restored(bundled_copy, monkeypatch, bulk, paused):
    monkeypatch.setattr(index_module, "BULK_REVIEWS", bulk)
    seen = _watch(monkeypatch)
    assert gc.isenabled()
    ReviewIndex(load_corpus(bundled_copy)).ensure()
    assert seen and all(enabled is not paused for enabled in seen)
    assert gc.isenabled()


def test_restored_when_the_write_is_cancelled(bundled_copy, monkeypatch):
    monkeypatch.setattr(index_module, "BULK_REVIEWS", 1)

    def progress(stage, done, total):
        if done == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        ReviewIndex(load_corpus(bundled_copy)).ensure(progress=progress)
    assert gc.isenabled()


def test_left_alone_when_the_caller_had_paused_it(bundled_copy, monkeypatch):
    monkeypatch.setattr(index_module, "BULK_REVIEWS", 1)
    gc.disable()
    try:
        ReviewIndex(load_corpus(bundled_copy)).ensure()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_remembered_lengths_give_the_reader_s_answers_asking_it_once():
    """At commit Whoosh asks a document's field length once per posting; the wrapper asks
    the segment once per document and field, and once per field whether it has lengths."""
    from ballerina_tui.index_writer import _RememberedLengths

    class Reader:
        def __init__(self):
            self.asked: list = []
            self.looked: list = []

        def has_column(self, name):
            self.looked.append(name)
            return name == "_text_len"

        def doc_field_length(self, docnum, fieldname, default=0):
            self.asked.append((docnum, fieldname))
            return docnum * 10 + 1 if fieldname == "text" else default

    reader = Reader()
    lengths = _RememberedLengths(reader)
    for _ in range(3):
        for doc in range(4):
            assert lengths.doc_field_length(doc, "text") == doc * 10 + 1
            assert lengths.doc_field_length(doc, "rid", 7) == 7
    assert sorted(reader.asked) == [(d, "text") for d in range(4)]
    assert reader.looked == ["_text_len", "_rid_len"]
