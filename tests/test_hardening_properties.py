"""Hardening campaign, part 4: property tests over hostile text.

``test_properties_search`` already covers queries and raw bytes/text through the loader.
Here: front matter built from YAML's sharp edges, review text built from markup, escapes,
Markdown structure and wide characters, taken through the loader, the index, search,
claim segmentation and the export; and the export itself: valid front matter, every
highlight quoted exactly once and exactly (one visible stand-in per control character).
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballerina_tui.claims import segment_review
from ballerina_tui.corpus import CorpusError, ReviewFileError, load_corpus, load_review
from ballerina_tui.export import render_markdown
from ballerina_tui.highlights import Highlight, make_highlight
from ballerina_tui.index import ReviewIndex
from ballerina_tui.search import QueryError, Searcher
from ballerina_tui.textutil import display_safe, normalize_newlines

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))

PIECES = [
    "[bold]",
    "[/]",
    "[@click=app.quit]",
    "[ @click=app.screenshot('x')]",
    "[$accent @click=app.bell]",
    "\x1b[31m",
    "\x1b]0;t\x07",
    "\x00",
    "\x08",
    "\x7f",
    "\x9b",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    "\t",
    "# ",
    "## ",
    "- ",
    "* ",
    "1. ",
    "> ",
    "---",
    "```",
    "`",
    "*",
    "_",
    "<b>",
    "&amp;",
    "[[Eve]]",
    "芭蕾",
    "🩰",
    "👨‍👩‍👧",
    "e\u0301",
    "Eve",
    "Ruska",
    "the Director",
    "Winston",
    " ",
    ".",
    "?",
    "!",
    ":",
    '"',
    "'",
    "’",
    "…",
]
texts = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(min_size=1, max_size=12)), max_size=60
).map("".join)

YAML_VALUES = [
    "x",
    "'[@click=app.quit]q'",
    '"\\e[31m"',
    "!!python/object/apply:os.system ['true']",
    "!!binary aGVsbG8=",
    "&a 1",
    "*a",
    "[1, 2]",
    "{a: 1}",
    "null",
    "~",
    "yes",
    "2025-06-06",
    "8.8/10",
    "|\n  block\n  text",
    "'unclosed",
    "- item",
    "...",
    "---",
    "? complex",
    "%TAG ! tag:x",
    "\t tab",
    "@at",
    "`tick",
]
front_matter = st.lists(
    st.tuples(
        st.sampled_from(["id", "handle", "title", "kind", "rating", "source", "film", "x", "?"]),
        st.one_of(st.sampled_from(YAML_VALUES), st.text(max_size=20)),
    ),
    max_size=6,
).map(lambda pairs: "---\n" + "".join(f"{k}: {v}\n" for k, v in pairs) + "---\n")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


@SETTINGS
@given(front=front_matter, body=texts, suffix=st.sampled_from([".md", ".txt"]))
def test_front_matter_and_body_load_or_are_one_documented_problem(front, body, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), f"r{suffix}", front + body)
        try:
            review = load_review(path)
        except ReviewFileError as exc:
            assert "\n" not in str(exc)
            # Lines as the loader counts them: \r, \r\n and U+0085 are line breaks too.
            lines = normalize_newlines(front + body).count("\n")
            assert exc.line is None or 1 <= exc.line <= lines + 2
            return
        for value in (review.id, review.handle, review.title, review.kind):
            assert isinstance(value, str) and "\n" not in value
        for block in review.blocks:
            piece = review.text[block.start : block.end]
            assert piece and piece == piece.strip()
        for start, end, _section, _paragraph in segment_review(review):
            assert 0 <= start < end <= len(review.text)
            assert review.text[start:end].strip() == review.text[start:end]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(bodies=st.lists(texts, min_size=1, max_size=3), query=texts)
def test_hostile_reviews_index_and_search_with_exact_spans(bodies, query):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reviews"
        folder.mkdir()
        for n, body in enumerate(bodies):
            _write(folder, f"r{n}.md", "# Eve and Ruska\n\n" + body)
        _write(folder, "plain.md", "# Plain\n\nEve meets the Director.\n")
        corpus = load_corpus(folder)
        cache = Path(tmp) / "cache"
        index = ReviewIndex(corpus, root=cache)
        index.ensure()
        with Searcher(index) as searcher:
            for q in (query, "Eve", "ruska~", display_safe(query)[:50]):
                try:
                    result = searcher.search(q)
                except QueryError as exc:
                    assert str(exc)
                    continue
                for hit in result.hits:
                    review = corpus.get(hit.review)
                    assert review.text[hit.start : hit.end] == hit.text
                    for s, e in hit.highlights:
                        assert 0 <= s < e <= len(hit.text)


def _quotes(markdown: str) -> dict[str, str]:
    """Highlight id → the text of its block quote, read back from the export."""
    out: dict[str, str] = {}
    lines = markdown.split("\n")
    block: list[str] = []
    for line in lines:
        if line.startswith(">"):
            block.append(line)
            continue
        if block:
            if block[-1].startswith("> _(this passage"):
                block = block[:-1]
            cite = block[-1]
            assert block[-2] == ">", block
            ident = cite.split("id: `", 1)[1].split("`", 1)[0]
            body = block[:-2]
            assert ident not in out, f"{ident} quoted twice"
            out[ident] = "\n".join(b[2:] if b.startswith("> ") else "" for b in body)
            block = []
    return out


@SETTINGS
@given(
    body=texts,
    film=st.one_of(st.none(), texts.map(lambda t: t[:40])),
    cuts=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 200)), max_size=6),
    note=texts,
)
def test_export_is_valid_markdown_that_quotes_every_highlight_exactly(body, film, cuts, note):
    with tempfile.TemporaryDirectory() as tmp:
        front = "" if film is None else "---\nfilm: " + yaml.safe_dump(film).split("\n...")[0]
        path = _write(Path(tmp), "r.md", (front.rstrip("\n") + "\n---\n" if front else "") + body)
        try:
            corpus = load_corpus(Path(tmp))
        except CorpusError:
            return
        review = corpus.reviews[0]
        items: dict[str, Highlight] = {}
        spans = [(b.start, b.end) for b in review.blocks] + [
            (s, s + n) for s, n in cuts if s < len(review.text)
        ]
        for start, end in spans:
            try:
                item = make_highlight(review, start, end, note=note)
            except ValueError:
                continue
            items.setdefault(item.id, item)
        ghost = Highlight(id="gone-1", review="gone", text=body or "x", start=0, end=1)
        markdown = render_markdown(
            corpus, [*items.values(), ghost], exported=date(2025, 6, 6), title=film
        )
        assert path.exists()
        # Front matter: the first lines, valid YAML, with what we put in it.
        assert markdown.startswith("---\n")
        head, rest = markdown[4:].split("\n---\n", 1)
        meta = yaml.safe_load(head)
        assert meta["highlights"] == len(items) + 1
        assert meta["exported"] == "2025-06-06"
        # The front matter is data: it round-trips exactly (YAML escapes what it must).
        assert meta["film"] == corpus.film
        # The body is for reading: nothing raw escapes a quote, a heading or a note line.
        for char in "\x00\x1b\x07\x08\x7f\x9b\u202e\r":
            assert char not in rest
        quoted = _quotes(rest)
        assert set(quoted) == set(items) | {"gone-1"}
        for ident, item in items.items():
            expected = "\n".join(line.rstrip() for line in display_safe(item.text).split("\n"))
            assert quoted[ident] == expected
            assert len(display_safe(item.text)) == len(item.text)
