"""Property tests: whatever the text or the query, the engine answers or says why, and its
offsets always index the text."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ballerina_tui.corpus import (
    CorpusError,
    ReviewFileError,
    load_corpus,
    load_review,
    parse_blocks,
)
from ballerina_tui.index import ReviewIndex
from ballerina_tui.search import QueryError, Searcher, SearchResult

ROOT = Path(__file__).resolve().parent.parent

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that mean something to the query parser, the YAML loader or the block parser.
QUERY_TOKENS = [
    '"',
    "(",
    ")",
    "AND",
    "OR",
    "NOT",
    "AND NOT",
    "TO",
    "-",
    "+",
    "~",
    "~2",
    "~9",
    "/3",
    "*",
    "?",
    ":",
    "^",
    "^2",
    "~/5",
    "0~/2",
    "[",
    "]",
    "{",
    "}",
    "\\",
    "'",
    "’",
    " ",
    "  ",
    "review:",
    "by:",
    "section:",
    "heading:",
    "character:",
    "char:",
    'character:"Mother Ruska"',
    "text:",
    "pid:",
    "rid:critic",
    "digest:",
    "paragraph:",
    "paragraph:[1 TO 3]",
    "kind:heading",
    "start:",
    "characters:winston",
    "wick",
    "Ruska",
    "mentr~",
    "8.8",
    "8.8/10",
    "spin-off",
    "Petr",
    "Demng",
    "the",
    "\x00",
    "\x1b[31m",
    "\t",
    "\n",
    "\udcff",
    "é",
    "ß",
    "İ",
    "\u202e",
    "🩰",
]
queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(QUERY_TOKENS), st.text(max_size=6)), max_size=12).map(
        "".join
    ),
)

TEXT_TOKENS = [
    "---\n",
    "---",
    "...\n",
    "title: ",
    "id: ",
    "handle: ",
    "kind: ",
    "rating: 8.8/10\n",
    "&a ",
    "*a",
    "!!python/object/apply:os.system ['true']",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "# ",
    "## ",
    "###### ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "•",
    "-\n",
    "[bold]",
    "[/]",
    "[@click=app.quit]",
    "\x1b[31m",
    "\x1b]0;t\x07",
    "\x00",
    "\ufeff",
    "\u2028",
    "\u00a0",
    "\u3000",
    "# \u00a0",
    "\x0c",
    "\x85",
    "\t",
    "   ",
    "Mother Ruska",
    "Winston",
    "don’t",
    "8.8",
    "ballet",
    "Pokémon",
    "Who Is Odile?",
    "A sentence.",
    "Heading Line",
]
review_texts = st.lists(
    st.one_of(st.sampled_from(TEXT_TOKENS), st.text(max_size=12)), max_size=40
).map("".join)


@pytest.fixture(scope="module")
def bundled_searcher(tmp_path_factory):
    index = ReviewIndex(load_corpus(ROOT / "data" / "reviews"), root=tmp_path_factory.mktemp("c"))
    with Searcher(index) as searcher:
        yield searcher


def check_offsets(searcher: Searcher, result: SearchResult) -> None:
    corpus = searcher.index.corpus
    for hit in result.hits:
        assert corpus.get(hit.review).text[hit.start : hit.end] == hit.text
        for s, e in hit.highlights:
            assert 0 <= s < e <= len(hit.text)


def check_blocks(text: str, body_start: int, blocks) -> None:
    previous = body_start
    for n, block in enumerate(blocks):
        assert block.index == n
        assert previous <= block.start < block.end <= len(text)
        piece = text[block.start : block.end]
        assert piece == piece.strip() and piece
        if block.kind == "heading":
            assert block.section == piece
        previous = block.end


# --------------------------------------------------------------------------- queries


@SETTINGS
@given(query=queries)
def test_any_query_gives_a_result_or_a_query_error(bundled_searcher, query):
    try:
        result = bundled_searcher.search(query, limit=5)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(result, SearchResult)
    check_offsets(bundled_searcher, result)


# --------------------------------------------------------------------------- review files


@SETTINGS
@given(text=review_texts, suffix=st.sampled_from([".md", ".txt", ".markdown"]))
def test_any_review_text_loads_or_is_a_documented_problem(text, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"review{suffix}"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            review = load_review(path)
        except ReviewFileError as exc:
            assert "\n" not in str(exc)
            assert exc.line is None or exc.line >= 1
            return
        # The file's text is what Python's universal newlines give (BOM removed), with
        # U+0085 (NEXT LINE) a line break too; HTML in it is mapped back exactly.
        with open(path, encoding="utf-8-sig") as handle:
            expected = handle.read().replace("\x85", "\n")
        assert (review.file_text or review.text) == expected
        if review.text_map is not None:
            assert review.file_span(0, len(review.text))[1] <= len(expected)
        assert 0 <= review.body_start <= len(review.text)
        check_blocks(review.text, review.body_start, review.blocks)
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", review.id)
        assert "\n" not in review.title and review.title
        assert not re.search(r"\s", review.handle)


@SETTINGS
@given(data=st.binary(max_size=200))
def test_any_bytes_load_or_are_a_documented_problem(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bytes.md"
        path.write_bytes(data)
        try:
            review = load_review(path)
        except ReviewFileError:
            return
        check_blocks(review.text, review.body_start, review.blocks)


@SETTINGS
@given(texts=st.lists(review_texts, min_size=1, max_size=4))
def test_a_folder_of_anything_loads_or_is_a_corpus_error(texts):
    with tempfile.TemporaryDirectory() as folder:
        for n, text in enumerate(texts):
            Path(folder, f"r{n}.md").write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            corpus = load_corpus(folder)
        except CorpusError:
            return
        assert len(corpus.reviews) + len(corpus.problems) == len(texts)
        assert len(set(corpus.ids)) == len(corpus.ids)


# --------------------------------------------------------------------------- parse_blocks

MARKERS = set("#-*+•.)0123456789")


@SETTINGS
@given(text=st.text(max_size=300), start=st.integers(0, 300), markdown=st.booleans())
def test_parse_blocks_offsets(text, start, markdown):
    start = min(start, len(text))
    blocks = parse_blocks(text, start, markdown=markdown, title="T")
    check_blocks(text, start, blocks)
    # Nothing is lost: every visible character of the body is in a block, or is a
    # heading/list marker.
    covered = set()
    for block in blocks:
        covered.update(range(block.start, block.end))
    lost = {text[i] for i in range(start, len(text)) if not text[i].isspace() and i not in covered}
    assert lost <= MARKERS, lost


@SETTINGS
@given(text=st.text(alphabet=st.characters(exclude_characters="-*•+"), max_size=300))
def test_plain_text_without_markers_loses_nothing(text):
    blocks = parse_blocks(text, 0, markdown=False, title="T")
    covered = set()
    for block in blocks:
        covered.update(range(block.start, block.end))
    assert all(text[i].isspace() or i in covered for i in range(len(text)))


# --------------------------------------------------------------------------- index + search

STOP = {
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "by",
    "can",
    "for",
    "from",
    "have",
    "if",
    "in",
    "is",
    "it",
    "may",
    "not",
    "of",
    "on",
    "or",
    "tbd",
    "that",
    "the",
    "this",
    "to",
    "us",
    "we",
    "when",
    "will",
    "with",
    "yet",
    "you",
    "your",
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(review_texts, min_size=1, max_size=3), query=queries)
def test_index_and_search_any_tiny_corpus(texts, query):
    with tempfile.TemporaryDirectory() as folder:
        reviews = Path(folder) / "reviews"
        reviews.mkdir()
        for n, text in enumerate(texts):
            # No front matter: every word of the file is in the body, so it is searchable.
            body = text.replace("---", "===")
            Path(reviews, f"r{n}.txt").write_bytes(body.encode("utf-8", "surrogatepass"))
        try:
            corpus = load_corpus(reviews)
        except CorpusError:
            assume(False)
        index = ReviewIndex(corpus, root=Path(folder) / "cache")
        with Searcher(index) as searcher:
            try:
                check_offsets(searcher, searcher.search(query, limit=10))
            except QueryError:
                pass
            # Any plain word of a review finds a passage that contains it.
            for review in corpus.reviews:
                words = re.findall(r"\w+(?:[.'’]\w+)*", review.text)
                plain = [w for w in words if re.fullmatch(r"[A-Za-z]{3,}", w)]
                plain = [w for w in plain if w.lower() not in STOP]
                if not plain:
                    continue
                word = plain[0].lower()
                result = searcher.search(word, limit=1000)
                check_offsets(searcher, result)
                assert any(
                    h.review == review.id and re.search(rf"(?i)\b{word}\b", h.text)
                    for h in result.hits
                ), (word, review.text)
