"""The review loader: front matter, structure, offsets, and files that must not be trusted."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ballerina_tui.corpus import (
    CorpusError,
    LoadProblem,
    ReviewFileError,
    load_corpus,
    load_review,
    looks_like_heading,
    parse_blocks,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MIXED = FIXTURES / "corpus_mixed"
BROKEN = FIXTURES / "corpus_broken"
BUNDLED = Path(__file__).resolve().parent.parent / "data" / "reviews"


def blocks_of(review) -> list[tuple[str, str]]:
    return [(b.kind, review.text[b.start : b.end]) for b in review.blocks]


def assert_block_invariants(review) -> None:
    """What every loaded review promises about its blocks."""
    previous_end = review.body_start
    for n, block in enumerate(review.blocks):
        text = review.text[block.start : block.end]
        assert review.block_text(block) == text
        assert block.index == n
        assert review.body_start <= block.start < block.end <= len(review.text)
        assert block.start >= previous_end, "blocks overlap or are out of order"
        assert text == text.strip(), f"block keeps surrounding whitespace: {text!r}"
        if block.kind == "heading":
            assert not text.startswith("#")
            assert block.section == text
        previous_end = block.end


def problem_for(corpus, name: str) -> LoadProblem:
    found = [p for p in corpus.problems if Path(p.path).name == name]
    assert len(found) == 1, corpus.problems
    return found[0]


# --------------------------------------------------------------------------- front matter


def test_front_matter_fields_are_read(tmp_path):
    corpus = load_corpus(MIXED)
    review = corpus.get("glass-critic")
    assert review.handle == "Glass-Critic"  # whitespace in a handle becomes a dash
    assert review.title == "A Swan Made of Glass"  # front matter wins over the first heading
    assert review.kind == "analysis"
    assert review.rating == "7/10"
    assert review.source == "test fixture"
    assert review.path.name == "meta.md"
    # The body starts after the closing fence; no block comes from the front matter.
    assert review.text[: review.body_start].startswith("---\nid: glass-critic")
    assert review.text[: review.body_start].rstrip().endswith("---")
    assert all("test fixture" not in review.block_text(b) for b in review.blocks)
    summary = review.summary()
    assert set(summary) >= {"id", "handle", "title", "kind", "rating", "words", "path"}
    # 6 + 15 ("ledger-keeper" is two words) + 2 + 13
    assert summary["words"] == 36


def test_defaults_without_front_matter():
    corpus = load_corpus(MIXED)
    review = corpus.get("defaults")
    assert review.handle == "defaults"  # handle defaults to the id (from the file name)
    assert review.kind == "review"
    assert review.rating is None and review.source is None
    assert review.title == "The Glass Swan Is Café Cinema"  # first heading
    assert review.body_start == 0


def test_title_from_first_line_when_there_is_no_heading():
    review = load_corpus(MIXED).get("nested")
    assert review.title == "A first line that is a sentence and becomes the title."
    # Blocks before any heading have no section: no made-up name (issue 13); they are
    # cited by paragraph number.
    assert {b.section for b in review.blocks} == {""}
    first = review.blocks[0]
    assert review.section_label(first.start) == "\u00b6 1"


def test_id_is_slugified_from_the_file_name(tmp_path):
    (tmp_path / "My Review (Final) ÉDITION.md").write_text("# T\n\nx\n", encoding="utf-8")
    (tmp_path / "other.md").write_text("---\nid: ../../etc/passwd\n---\nx\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert sorted(corpus.ids) == ["etc-passwd", "my-review-final-edition"]


def test_subfolders_are_read_but_hidden_and_foreign_files_are_not():
    corpus = load_corpus(MIXED)
    assert sorted(corpus.ids) == ["defaults", "glass-critic", "nested", "notes"]
    assert corpus.get("nested").path.parent.name == "sub"
    assert corpus.problems == []
    assert corpus.characters_path == MIXED / "characters.yaml"


def test_find_by_id_handle_or_prefix():
    corpus = load_corpus(MIXED)
    assert corpus.find("GLASS-CRITIC").id == "glass-critic"
    assert corpus.find("glass-critic").id == "glass-critic"
    assert corpus.find("glass critic") is None
    assert corpus.find("Glass-Critic").id == "glass-critic"  # by handle
    assert corpus.find("no").id == "notes"  # unambiguous prefix
    assert corpus.find("n") is None  # ambiguous: nested, notes
    with pytest.raises(KeyError):
        corpus.get("missing")


# --------------------------------------------------------------------------- structure


def test_markdown_headings_items_and_paragraphs():
    review = load_corpus(MIXED).get("defaults")
    assert blocks_of(review) == [
        ("heading", "The Glass Swan Is Café Cinema"),
        (
            "paragraph",
            "Odile’s first scene is a naïve pirouette in a rain-soaked café, and the crème "
            "brûlée\non the table never gets eaten.",
        ),
        ("heading", "Ratings and Numbers"),
        (
            "paragraph",
            "I give it 7.5/10, which is more than the 6.2 I gave the original in 2029.",
        ),
        ("item", "The score is loud."),
        ("item", "The Pokémon cameo is pointless."),
        ("item", "A bullet about Kalnins."),
        ("heading", "Mentors"),
        (
            "paragraph",
            "Élodie Varga mentors the younger dancers; her mentoring scenes are the best part.",
        ),
    ]
    levels = [b.level for b in review.blocks if b.kind == "heading"]
    assert levels == [1, 2, 2]
    sections = [b.section for b in review.blocks]
    assert sections[4:7] == ["Ratings and Numbers"] * 3
    assert review.sections == ["The Glass Swan Is Café Cinema", "Ratings and Numbers", "Mentors"]
    assert_block_invariants(review)


def test_markdown_heading_trailing_hashes_are_not_part_of_the_heading(tmp_path):
    path = tmp_path / "h.md"
    path.write_text("## Closed heading ##\n\n###   Spaced   \n\n#NotAHeading\n", encoding="utf-8")
    review = load_review(path)
    assert blocks_of(review) == [
        ("heading", "Closed heading"),
        ("heading", "Spaced"),
        ("paragraph", "#NotAHeading"),
    ]


def test_markdown_heading_without_surrounding_unicode_spaces(tmp_path):
    path = tmp_path / "nbsp.md"
    path.write_text("## \u00a0Spaced Title\u3000\n\n# \u2028Line Sep\n", encoding="utf-8")
    review = load_review(path)
    assert blocks_of(review) == [("heading", "Spaced Title"), ("heading", "Line Sep")]
    assert review.sections == ["Spaced Title", "Line Sep"]


def test_plain_text_headings_are_bare_lines():
    review = load_corpus(MIXED).get("notes")
    assert review.title == "The Glass Swan: Notes From the Premiere"
    headings = [t for k, t in blocks_of(review) if k == "heading"]
    assert headings == [
        "The Glass Swan: Notes From the Premiere",
        "Who Is Odile Brunet?",
        "What Works",
    ]
    assert_block_invariants(review)


def test_plain_text_hard_wrapped_paragraphs_stay_whole():
    """A wrapped line that happens not to end with punctuation is not a heading."""
    review = load_corpus(MIXED).get("notes")
    paragraphs = [t for k, t in blocks_of(review) if k == "paragraph"]
    assert paragraphs == [
        "I went in knowing nothing about the Swan Company and left\n"
        "with a head full of questions about the ledger.",
        "She is a dancer, a bookkeeper and a thief, and the film lets\nher be all three at once.",
    ]
    sections = {review.block_text(b): b.section for b in review.blocks}
    assert sections[paragraphs[1]] == "Who Is Odile Brunet?"


def test_plain_text_items_including_a_marker_on_its_own_line():
    review = load_corpus(MIXED).get("notes")
    items = [t for k, t in blocks_of(review) if k == "item"]
    assert items == [
        "The staging of the final act",
        "The score by an uncredited composer",
        "A lone item after a bare dash",
    ]


def test_plain_text_one_paragraph_per_line(tmp_path):
    """The usual export of a web page: no blank lines, one paragraph per line."""
    path = tmp_path / "export.txt"
    long = "A paragraph that is long enough to be a paragraph and ends like a sentence. " * 4
    path.write_text(
        f"Export Title\n{long.strip()}\nA Heading Line\nShort sentence here.\n"
        "Another sentence follows it.\n",
        encoding="utf-8",
    )
    review = load_review(path)
    assert [k for k, _ in blocks_of(review)] == [
        "heading",
        "paragraph",
        "heading",
        "paragraph",
        "paragraph",
    ]
    assert review.blocks[3].section == "A Heading Line"


@pytest.mark.parametrize(
    ("line", "first", "expected"),
    [
        ("Who Are the Ruska Roma?", False, True),
        ("is this a heading or a question?", False, False),
        ("A sentence that ends with a period.", False, False),
        ('"A quote"', False, False),
        ("Timeline Placement in the Franchise", False, True),
        (" ".join(["word"] * 20), False, False),
        (" ".join(["word"] * 20), True, True),
        ("", False, False),
    ],
)
def test_looks_like_heading(line, first, expected):
    assert looks_like_heading(line, first=first) is expected


# --------------------------------------------------------------------------- offsets


@pytest.mark.parametrize("folder", [BUNDLED, MIXED], ids=["bundled", "mixed"])
def test_block_offsets_index_the_text(folder):
    corpus = load_corpus(folder)
    for review in corpus.reviews:
        assert review.blocks, review.id
        assert_block_invariants(review)
        # Text is what Python's universal-newline reading gives.
        assert review.text == review.path.read_text(encoding="utf-8-sig")


def test_bundled_corpus_loads_cleanly(corpus):
    assert sorted(corpus.ids) == ["breakdown", "critic", "preview", "wickverse"]
    assert corpus.problems == []
    assert corpus.film == "From the World of John Wick: Ballerina (2025)"
    critic = corpus.get("critic")
    assert critic.rating == "8.8/10"
    assert critic.kind == "review"
    assert corpus.get("wickverse").kind == "analysis"
    # Every review mentions the film's lead many times.
    assert all(r.words > 1000 for r in corpus.reviews)


def test_section_at_offsets(corpus):
    review = corpus.get("wickverse")
    offset = review.text.index("Mother Ruska, the matriarch")
    assert review.section_at(offset) == "Mother Ruska: The New Antagonist?"
    assert review.section_at(0) == ""  # before the first heading: none


# --------------------------------------------------------------------------- broken files


def test_broken_files_are_reported_and_the_rest_loads():
    corpus = load_corpus(BROKEN)
    assert sorted(corpus.ids) == ["good", "plain", "twin"]
    assert corpus.get("twin").title == "First Twin"  # the first of two duplicates wins
    assert sorted(Path(p.path).name for p in corpus.problems) == [
        "aliasbomb.md",
        "dup_b.md",
        "malformed.md",
        "pyobject.md",
        "unclosed.md",
    ]
    for problem in corpus.problems:
        assert "\n" not in str(problem)
        assert str(problem).startswith(f"{problem.path}:")


def test_malformed_front_matter_names_file_and_line():
    problem = problem_for(load_corpus(BROKEN), "malformed.md")
    assert problem.line == 4  # "handle: a: b"
    assert "malformed front matter" in problem.message
    assert str(problem).startswith("malformed.md:4: ")


def test_unclosed_front_matter():
    problem = problem_for(load_corpus(BROKEN), "unclosed.md")
    assert problem.line == 1
    assert "never closed" in problem.message


def test_python_tags_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "PWNED"
    for n, tag in enumerate(
        [
            "!!python/object/apply:os.system",
            "!!python/object/new:os.system",
            "!!python/name:os.system",
        ]
    ):
        (tmp_path / f"tag{n}.md").write_text(
            f'---\ntitle: {tag} ["touch {marker}"]\n---\n# T\n', encoding="utf-8"
        )
    (tmp_path / "ok.md").write_text("# Fine\n\ntext\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.ids == ["ok"]
    assert len(corpus.problems) == 3
    assert all(p.line == 2 for p in corpus.problems)
    assert all("python" in p.message for p in corpus.problems)
    assert not marker.exists()


def test_yaml_alias_bomb_is_refused_quickly():
    started = time.perf_counter()
    corpus = load_corpus(BROKEN)
    elapsed = time.perf_counter() - started
    problem = problem_for(corpus, "aliasbomb.md")
    assert "alias" in problem.message
    assert problem.line == 3  # the first alias
    assert elapsed < 2.0


def test_a_single_alias_is_refused_too(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: &t Title\nhandle: *t\n---\nx\n", encoding="utf-8")
    with pytest.raises(ReviewFileError, match="alias") as info:
        load_review(path)
    assert info.value.line == 3


@pytest.mark.parametrize(
    ("front", "message", "line"),
    [
        ("- a\n- b\n", "must be a mapping", 2),
        ("just words\n", "must be a mapping", 2),
        ("title: [a, b]\n", "'title' must be a single value", 2),
        ("title: {a: 1}\n", "'title' must be a single value", 2),
        ("? [a]\n: b\n", "malformed front matter", 2),
    ],
)
def test_front_matter_of_the_wrong_shape(tmp_path, front, message, line):
    path = tmp_path / "x.md"
    path.write_text(f"---\n{front}---\nbody\n", encoding="utf-8")
    with pytest.raises(ReviewFileError, match=message.replace("[", r"\[")) as info:
        load_review(path)
    assert info.value.line == line


def test_empty_front_matter_and_non_fence_dashes(tmp_path):
    (tmp_path / "empty_fm.md").write_text("---\n---\n# Title\n\ntext\n", encoding="utf-8")
    (tmp_path / "rule.md").write_text("----\n\n# Ruled\n\ntext\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.problems == []
    assert corpus.get("empty-fm").title == "Title"
    assert corpus.get("empty-fm").body_start == len("---\n---\n")
    assert corpus.get("rule").body_start == 0


def test_scalar_front_matter_values_are_text(tmp_path):
    path = tmp_path / "n.md"
    path.write_text("---\nid: 2025\nrating: 8.8\nhandle: true\n---\nx\n", encoding="utf-8")
    review = load_review(path)
    assert (review.id, review.rating, review.handle) == ("2025", "8.8", "True")


def test_duplicate_ids(tmp_path):
    (tmp_path / "a.md").write_text("---\nid: same\n---\n# A\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\nid: same\n---\n# B\n", encoding="utf-8")
    (tmp_path / "same.txt").write_text("Same From Name\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.ids == ["same"]
    assert corpus.get("same").title == "A"
    assert len(corpus.problems) == 2
    assert {Path(p.path).name for p in corpus.problems} == {"b.md", "same.txt"}
    assert all("duplicate review id 'same'" in p.message for p in corpus.problems)
    assert all("a.md" in p.message for p in corpus.problems)


# --------------------------------------------------------------------------- encodings


def test_latin1_bytes_are_a_problem_with_a_line(tmp_path):
    (tmp_path / "latin.md").write_bytes(
        "# Title\n\nline two\ncaf\xe9 on line four\n".encode("latin-1")
    )
    (tmp_path / "ok.md").write_text("# Ok\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.ids == ["ok"]
    problem = problem_for(corpus, "latin.md")
    assert problem.line == 4
    assert "UTF-8" in problem.message and "0xe9" in problem.message


def test_utf8_bom_is_removed(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf---\nid: bom\n---\n# With BOM\n\ncaf\xc3\xa9\n")
    review = load_review(path)
    assert review.id == "bom"  # the front matter was recognised behind the BOM
    assert not review.text.startswith("\ufeff")
    assert review.text == path.read_text(encoding="utf-8-sig")
    assert blocks_of(review) == [("heading", "With BOM"), ("paragraph", "café")]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom_load(tmp_path, codec):
    path = tmp_path / "wide.md"
    source = "---\nid: wide\ntitle: Wide Text\n---\n# Heading\n\nNaïve pirouette — ok.\n"
    bom = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-32": b""}[codec]
    path.write_bytes(bom + source.encode(codec))
    review = load_review(path)
    assert review.id == "wide"
    assert review.text == source
    assert blocks_of(review) == [("heading", "Heading"), ("paragraph", "Naïve pirouette — ok.")]


def test_utf16_without_bom_is_refused(tmp_path):
    path = tmp_path / "nobom.md"
    path.write_bytes("# Title\n\ntext\n".encode("utf-16-le"))
    with pytest.raises(ReviewFileError):
        load_review(path)


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
def test_line_endings_become_newlines(tmp_path, newline):
    source = "---\nid: eol\n---\n# Title\n\nline one\nline two\n\n## Next\n\n- item\n"
    path = tmp_path / "eol.md"
    path.write_bytes(source.replace("\n", newline).encode("utf-8"))
    review = load_review(path)
    assert review.text == source
    assert "\r" not in review.text
    assert review.id == "eol"
    assert blocks_of(review) == [
        ("heading", "Title"),
        ("paragraph", "line one\nline two"),
        ("heading", "Next"),
        ("item", "item"),
    ]


def test_mixed_line_endings_match_universal_newlines(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"Title\r\r\nA line.\rB line.\r\n\n\rC line.\n")
    review = load_review(path)
    with open(path, encoding="utf-8") as handle:
        assert review.text == handle.read()
    assert_block_invariants(review)


def test_empty_file_loads_with_no_blocks(tmp_path):
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("\n\n   \n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert sorted(corpus.ids) == ["blank", "empty"]
    for review in corpus.reviews:
        assert review.blocks == []
        assert review.title == review.path.stem
        assert review.words == 0


def test_nul_bytes_are_a_problem_with_a_line(tmp_path):
    (tmp_path / "nul.md").write_bytes(b"# A\n\nabc\x00def\n")
    (tmp_path / "ok.md").write_text("# Ok\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    problem = problem_for(corpus, "nul.md")
    assert problem.line == 3
    assert "NUL" in problem.message


# --------------------------------------------------------------------------- folders


def test_missing_folder(tmp_path):
    with pytest.raises(CorpusError, match="no such folder"):
        load_corpus(tmp_path / "nowhere")


def test_a_file_is_not_a_folder(tmp_path):
    path = tmp_path / "file.md"
    path.write_text("# x\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="not a folder"):
        load_corpus(path)


def test_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="no review files"):
        load_corpus(tmp_path)


def test_folder_of_only_bad_files_says_how_many(tmp_path):
    (tmp_path / "a.md").write_bytes(b"\xff\xfe\xfd")
    (tmp_path / "b.md").write_text("---\nunclosed\n", encoding="utf-8")
    (tmp_path / "notes.rst").write_text("ignored\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"2 file\(s\) could not be loaded"):
        load_corpus(tmp_path)


def test_default_folder_comes_from_the_environment(tmp_path, monkeypatch):
    (tmp_path / "only.md").write_text("# Only\n", encoding="utf-8")
    monkeypatch.setenv("BALLERINA_TUI_REVIEWS", str(tmp_path))
    assert load_corpus().ids == ["only"]
    monkeypatch.delenv("BALLERINA_TUI_REVIEWS")
    assert sorted(load_corpus().ids) == ["breakdown", "critic", "preview", "wickverse"]


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    import ballerina_tui.corpus as corpus_module

    monkeypatch.setattr(corpus_module, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.md"
    path.write_text("# Big\n\n" + "word " * 50, encoding="utf-8")
    with pytest.raises(ReviewFileError, match="larger than"):
        load_review(path)


def test_parse_blocks_on_an_offset_body():
    text = "---\nx: y\n---\n# Head\n\nBody text.\n"
    blocks = parse_blocks(text, 13, markdown=True, title="T")
    assert [(b.kind, text[b.start : b.end]) for b in blocks] == [
        ("heading", "Head"),
        ("paragraph", "Body text."),
    ]
