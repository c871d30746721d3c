"""Search on reviews as fans write them: joined and split words, few hits, exact phrases,
word families, long paragraphs, and an index that reads nothing it does not need."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballerina_tui.analysis import chain_analyzer, family_key, family_prefix, review_analyzer
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import PASSAGE_CHARS, ReviewIndex, review_passages
from ballerina_tui.progress import Cancelled
from ballerina_tui.search import Searcher

REVIEWS = {
    "a": "The ending of Oldboy is brutal. Oldboy stays with you.",
    "b": "I watched Oldboy twice. The oldboy twist is famous.",
    "c": "An old boy network runs the town in this film.",
    "d": "It was the heart of darkness of the story, the river.",
    "e": "The heart in the darkness is where the film lives.",
    "f": "A heart, darkness and rain: the opening shots.",
    "g": "The choreography is superb; every fight was choreographed by hand.",
    "h": "Choreographing a fight like this takes months.",
    "i": "The director shows real direction here.",
    "j": "Directing actors is his gift, and the directing shows.",
    "k": "The cinematography is lovely and the score swells.",
    "l": "Cinematography again: cinematography everywhere, a cinematographer's dream.",
    "m": "Her choreography is the star of the show.",
    "n": "The director is new to this.",
    "o": "A musician wrote every cue and plays it beautifully.",
    "p": "The music is the beauty of it.",
}


def write(folder, reviews):
    folder.mkdir(parents=True, exist_ok=True)
    for rid, text in reviews.items():
        (folder / f"{rid}.md").write_text(f"---\nid: {rid}\n---\n\n{text}\n", encoding="utf-8")
    return folder


@pytest.fixture
def searcher(tmp_path):
    folder = write(tmp_path / "reviews", REVIEWS)
    with Searcher(ReviewIndex(load_corpus(folder), root=tmp_path / "cache")) as s:
        yield s


def reviews(result) -> set[str]:
    return {h.review for h in result.hits}


def test_a_split_query_finds_the_joined_word_and_back(searcher):
    split = searcher.search("old boy")
    joined = searcher.search("oldboy")
    assert reviews(split) == {"a", "b", "c"}
    assert reviews(joined) == {"a", "b", "c"}
    # The joined form is highlighted as one word, the split one as two.
    hit = next(h for h in split.hits if h.review == "a")
    assert [hit.text[s:e] for s, e in hit.highlights] == ["Oldboy", "Oldboy"]
    hit = next(h for h in joined.hits if h.review == "c")
    assert [hit.text[s:e] for s, e in hit.highlights] == ["old", "boy"]


def test_a_phrase_is_exact_no_words_in_between(searcher):
    result = searcher.search('"heart of darkness"')
    assert reviews(result) == {"d"}
    assert reviews(searcher.search('"heart darkness"')) == {"f"}
    # Both words anywhere is still what a plain query does.
    assert reviews(searcher.search("heart darkness")) == {"d", "e", "f"}


def test_word_families_rank_below_the_exact_stem(searcher):
    result = searcher.search("choreographing", limit=10)
    assert reviews(result) == {"g", "h", "m"}
    # "m" says only "choreography": a family word, ranked below the passages with the stem.
    assert result.hits[-1].review == "m"
    marked = {h.text[s:e].lower() for h in result.hits for s, e in h.highlights}
    assert {"choreography", "choreographed", "choreographing"} <= marked
    result = searcher.search("directing", limit=10)
    assert reviews(result) == {"i", "j", "n"}
    assert result.hits[-1].review == "n"
    marked = {h.text[s:e].lower() for h in result.hits for s, e in h.highlights}
    assert {"director", "direction", "directing"} <= marked
    # Endings Porter keeps: -ian and -ful.
    result = searcher.search("music", limit=10)
    assert reviews(result) == {"o", "p"}
    assert result.hits[-1].review == "o"
    assert reviews(searcher.search("beautifully")) == {"o", "p"}
    # The family never replaces the word: a word with no family finds what it did.
    assert reviews(searcher.search("darkness")) == {"d", "e", "f"}


FAMILIES = {
    "v1": "The violence never lets up.",
    "v2": "A violent finale.",
    "a1": "The animation is drawn by hand.",
    "a2": "An animated short opens it.",
    "s1": "Starring a newcomer, for once.",
    "s2": "She starred in the first one.",
    "c1": "The actress carries the film.",
    "c2": "Every actor is cast well.",
    "p1": "The production cost millions.",
    "p2": "The producer cut an hour.",
    "m1": "The composition of each shot is careful.",
    "m2": "The composer reuses one theme.",
    "k1": "Convincingly played, start to end.",
    "k2": "A convincing twist.",
    "y1": "A mysterious stranger arrives.",
    "y2": "The mystery holds to the end.",
    # Words one rule could join but no family does.
    "n1": "The series is long.",
    "n2": "A serious film.",
    "n3": "The format is odd.",
    "n4": "A form of love.",
    "n5": "The combat is clumsy.",
    "n6": "A comb in his pocket.",
}


@pytest.mark.parametrize(
    ("query", "exact", "family"),
    [
        ("violence", "v1", "v2"),
        ("animated", "a2", "a1"),
        ("starring", "s1", "s2"),
        ("actress", "c1", "c2"),
        ("production", "p1", "p2"),
        ("composer", "m2", "m1"),
        ("convincingly", "k1", "k2"),
        ("mysterious", "y1", "y2"),
    ],
)
def test_more_word_families(tmp_path, query, exact, family):
    """Derivations Porter leaves apart: -ence/-ent, -ate, its missed undoubling, -ctress,
    -duct/-duce, -osition/-ose, adverbs in -ingly, -ous. The exact word ranks first."""
    folder = write(tmp_path / "reviews", FAMILIES)
    with Searcher(ReviewIndex(load_corpus(folder), root=tmp_path / "cache")) as s:
        result = s.search(query, limit=10)
    assert [h.review for h in result.hits] == [exact, family]


@pytest.mark.parametrize(
    ("query", "only"),
    [
        ("series", "n1"),
        ("serious", "n2"),
        ("format", "n3"),
        ("form", "n4"),
        ("combat", "n5"),
        ("comb", "n6"),
    ],
)
def test_words_that_only_look_alike_stay_apart(tmp_path, query, only):
    folder = write(tmp_path / "reviews", FAMILIES)
    with Searcher(ReviewIndex(load_corpus(folder), root=tmp_path / "cache")) as s:
        assert reviews(s.search(query, limit=10)) == {only}


def test_few_hits_offer_the_correction(tmp_path):
    texts = {f"r{n}": "The cinematography glows in every frame." for n in range(8)}
    texts["typo"] = "The cinematograpy glows."
    folder = write(tmp_path / "reviews", texts)
    with Searcher(ReviewIndex(load_corpus(folder), root=tmp_path / "cache")) as searcher:
        result = searcher.search("cinematograpy")
    assert result.corrected == "cinematography"
    assert len(result.hits) == 8
    assert result.notes == [
        "only 1 passage(s) match 'cinematograpy'; showing 'cinematography' instead"
    ]


def test_a_long_paragraph_is_cut_at_sentence_ends(tmp_path):
    sentence = "This sentence is about the film and its long heist sequence in Paris. "
    text = sentence * 60  # about 4,200 characters in one paragraph
    folder = write(tmp_path / "reviews", {"long": text.strip()})
    review = load_corpus(folder).get("long")
    passages = review_passages(review)
    assert len(passages) >= 3
    for p in passages:
        assert len(p.text) <= PASSAGE_CHARS
        assert p.text.endswith(".")
        assert review.text[p.start : p.end] == p.text


def test_a_fresh_index_is_searched_without_reading_the_reviews(tmp_path):
    folder = write(tmp_path / "reviews", REVIEWS)
    ReviewIndex(load_corpus(folder), root=tmp_path / "cache").ensure()
    index = ReviewIndex.for_folder(folder, root=tmp_path / "cache")
    with Searcher(index) as searcher:
        assert reviews(searcher.search("oldboy")) == {"a", "b", "c"}
    assert index.corpus.loaded is False
    # A changed file is seen (its size and time changed) and only it is re-indexed.
    (folder / "k.md").write_text("---\nid: k\n---\n\nA new text about oldboy.\n", "utf-8")
    index = ReviewIndex.for_folder(folder, root=tmp_path / "cache")
    index.ensure()
    assert index.corpus.loaded is True
    assert index.last_update.touched == ["k"]


def test_a_character_query_on_a_fresh_index_reads_no_review(tmp_path):
    folder = write(tmp_path / "reviews", REVIEWS)
    first = ReviewIndex(load_corpus(folder), root=tmp_path / "cache")
    first.ensure()
    assert "oldboy" in {c.id for c in first.characters}  # kept beside the index
    index = ReviewIndex.for_folder(folder, root=tmp_path / "cache")
    with Searcher(index) as searcher:
        assert reviews(searcher.search("character:Oldboy")) == {"a", "b", "c"}
    assert index.corpus.loaded is False


def test_touched_files_are_read_once_then_the_index_is_fresh_again(tmp_path):
    """A file whose time changed but whose text did not (touch, a checkout, a copy) makes
    the next start compare digests; that start records the folder's new signature, so the
    one after reads no review again (every search read all 10,000 before)."""
    import os

    folder = write(tmp_path / "reviews", REVIEWS)
    ReviewIndex(load_corpus(folder), root=tmp_path / "cache").ensure()
    info = os.stat(folder / "a.md")
    os.utime(folder / "a.md", ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))
    first = ReviewIndex.for_folder(folder, root=tmp_path / "cache")
    first.ensure()
    assert first.corpus.loaded is True and first.last_update.touched == []
    again = ReviewIndex.for_folder(folder, root=tmp_path / "cache")
    with Searcher(again) as searcher:
        assert reviews(searcher.search("oldboy")) == {"a", "b", "c"}
    assert again.corpus.loaded is False
    # Spelled another way, the folder is the same folder: still nothing read.
    other = ReviewIndex.for_folder(str(folder) + "/", root=tmp_path / "cache")
    other.ensure()
    assert other.corpus.loaded is False


def test_one_review_added_re_indexes_only_that_one(tmp_path):
    folder = write(tmp_path / "reviews", REVIEWS)
    ReviewIndex(load_corpus(folder), root=tmp_path / "cache").ensure()
    write(folder, {"new": "A new review about the oldboy ending."})
    index = ReviewIndex(load_corpus(folder), root=tmp_path / "cache")
    index.ensure()
    assert index.last_update.touched == ["new"] and not index.last_update.rebuilt
    with Searcher(index) as searcher:
        assert "new" in reviews(searcher.search("oldboy"))


def test_cancel_leaves_the_index_whole(tmp_path):
    folder = write(tmp_path / "reviews", REVIEWS)
    ReviewIndex(load_corpus(folder), root=tmp_path / "cache").ensure()
    write(folder, {f"n{n}": f"Review number {n} about the heist." for n in range(5)})

    def cancel(stage, done, total):
        if done == 2:
            raise Cancelled

    index = ReviewIndex(load_corpus(folder), root=tmp_path / "cache")
    with pytest.raises(Cancelled):
        index.ensure(progress=cancel)
    # The old index is still there and searchable; the next ensure finishes the job.
    again = ReviewIndex(load_corpus(folder), root=tmp_path / "cache")
    again.ensure()
    assert sorted(again.last_update.added) == [f"n{n}" for n in range(5)]
    with Searcher(again) as searcher:
        assert reviews(searcher.search("heist")) == {f"n{n}" for n in range(5)}
        assert reviews(searcher.search("oldboy")) == {"a", "b", "c"}


def test_search_json_shape_is_kept(tmp_path, monkeypatch, capsys):
    from ballerina_tui.cli import main

    folder = write(tmp_path / "reviews", REVIEWS)
    monkeypatch.setenv("BALLERINA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    outputs = []
    for _ in range(2):  # once building the index, once finding it fresh
        assert main(["--reviews", str(folder), "search", "--json", "oldboy"]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    data = outputs[0]
    assert set(data) == {"query", "corrected", "total", "notes", "hits"}
    assert data["total"] == 3
    assert set(data["hits"][0]) == {
        "review",
        "handle",
        "section",
        "score",
        "text",
        "start",
        "end",
        "highlights",
        "kind",
        "paragraph",
        "characters",
        # Issue 13: the citation ("¶ N" without a heading) and the span in the file itself.
        "label",
        "file_start",
        "file_end",
    }


# --------------------------------------------------------------------------- analyzer


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FF) | st.sampled_from("’'-. "),
        max_size=80,
    )
)
def test_one_pass_tokenizer_gives_the_chain_s_words(text):
    fast = [t.text for t in review_analyzer()(text)]
    chain = [t.text for t in chain_analyzer()(text)]
    assert fast == chain
    # Offsets point at the word in the text the user gave (one character for one).
    for t in review_analyzer()(text, chars=True):
        assert 0 <= t.startchar < t.endchar <= len(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=20))
def test_family_key_is_stable_and_its_prefix_finds_the_family(stem):
    key = family_key(stem)
    assert family_key(key) == key
    assert len(key) >= min(len(stem), 4)
    # Where search looks for the family: a prefix of the stem and of every derivation
    # that has the same key.
    start = family_prefix(stem)
    assert stem.startswith(start)
    for ending in (
        "e",
        "ed",
        "ing",
        "ingli",
        "edli",
        "li",
        "ion",
        "or",
        "er",
        "ress",
        "ctress",
        "ence",
        "ent",
        "ance",
        "ant",
        "ate",
        "ation",
        "ous",
        "ist",
        "ism",
        "ific",
    ):
        derived = stem + ending
        if family_key(derived) == key:
            assert derived.startswith(start), (stem, derived)


def test_the_reader_that_checked_the_index_is_searched_once_and_never_stale(tmp_path):
    folder = write(tmp_path / "reviews", REVIEWS)
    ReviewIndex(load_corpus(folder), root=tmp_path / "cache").ensure()
    index = ReviewIndex.for_folder(folder, root=tmp_path / "cache")
    index.ensure()
    assert index.take_reader(index.ensure()) is None  # kept only when asked (memory)
    index = ReviewIndex.for_folder(folder, root=tmp_path / "cache")
    index.keep_checked_reader = True
    ix = index.ensure()
    kept = index.take_reader(ix)
    assert kept is not None and kept.doc_count() == ix.doc_count()
    assert index.take_reader(ix) is None  # handed over once
    kept.close()
    # The folder changed: the reader that checked the old generation is not handed over.
    (folder / "q.md").write_text("---\nid: q\n---\n\nOldboy once more.\n", "utf-8")
    index = ReviewIndex.for_folder(folder, root=tmp_path / "cache")
    index.keep_checked_reader = True
    ix = index.ensure()
    assert index.take_reader(ix) is None
    with Searcher(index) as searcher:
        assert "q" in reviews(searcher.search("oldboy"))
