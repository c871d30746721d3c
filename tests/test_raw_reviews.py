"""Real review files as a fan saves them: raw IMDb text with HTML breaks, no headings,
stray line-break characters (issues 13 and 14)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballerina_tui.corpus import (
    decode_review_bytes,
    html_to_text,
    load_corpus,
    load_review,
    short_title,
)
from ballerina_tui.textutil import WORD_RE

ROOT = Path(__file__).resolve().parent.parent
FILMS = ROOT.parent / "shared" / "films"


def _raw_films_module():
    spec = importlib.util.spec_from_file_location("raw_films", ROOT / "scripts" / "raw_films.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def raw_films(tmp_path_factory) -> Path:
    if not FILMS.is_dir():
        pytest.skip("../shared/films is not here")
    out = tmp_path_factory.mktemp("raw-films")
    _raw_films_module().write_raw(FILMS, out)
    return out


def test_raw_films_have_br_breaks(raw_films):
    texts = [p.read_text(encoding="utf-8") for p in raw_films.glob("*.txt")]
    assert len(texts) == 90
    assert sum("<br /><br />" in t for t in texts) > 60
    assert all(t.count("\n") == 1 for t in texts)  # one line per review, as in the dataset


def test_br_breaks_become_paragraphs(raw_films):
    corpus = load_corpus(raw_films)
    assert len(corpus.reviews) == 90 and not corpus.problems
    for review in corpus.reviews:
        raw = review.path.read_text(encoding="utf-8")
        assert "<br" not in review.text.lower()
        paragraphs = [b for b in review.blocks if b.kind != "heading"]
        assert len(paragraphs) >= raw.count("<br /><br />") // 2 + 1
        for block in review.blocks:
            assert "<br" not in review.block_text(block)


def test_every_block_maps_back_to_the_file(raw_films):
    for review in load_corpus(raw_films).reviews:
        raw = decode_review_bytes(review.path.read_bytes())
        assert (review.file_text or review.text) == raw
        for block in review.blocks:
            fs, fe = review.file_span(block.start, block.end)
            source = raw[fs:fe]
            assert html_to_text(source)[0] == review.block_text(block)
            assert not source.startswith("<") and not source.endswith(">")


def test_reviews_without_headings_get_a_short_title_and_no_fake_section(raw_films):
    corpus = load_corpus(raw_films)
    for review in corpus.reviews:
        assert 0 < len(review.title) <= 100
        assert "<br" not in review.title
        first = review.block_text(review.blocks[0])
        if review.blocks[0].kind != "heading":
            assert len(review.title) <= 60
            # The title is the start of the first sentence, cut at a word.
            words = review.title.rstrip("…").split()
            assert " ".join(first.split()).startswith(" ".join(words))
    review = corpus.get("rififi-imdb-1651")
    assert review.title == "Rififi, directed by Jules Dassin, is in line with the…"
    assert {b.section for b in review.blocks} == {""}
    second = review.blocks[1]
    assert review.section_label(second.start + 5) == "\u00b6 2"


def test_a_sign_off_is_not_the_title(tmp_path):
    text = "A fine heist film, told without a word for half an hour.\n\nRegards Simon\n"
    corpus_dir = tmp_path
    (corpus_dir / "signoff.txt").write_text(text, encoding="utf-8")
    review = load_review(corpus_dir / "signoff.txt")
    assert review.title == "A fine heist film, told without a word for half an hour."
    assert [b.kind for b in review.blocks] == ["paragraph", "paragraph"]


def test_tags_and_entities_become_text(tmp_path):
    raw = (
        "I <i>loved</i> it &amp; so did my wife.<br /><br />Rock &amp; roll, "
        "a &lt;3 b, 5 < 6.<br />Next line.<p>New paragraph &#8212; done."
    )
    (tmp_path / "r.txt").write_text(raw, encoding="utf-8")
    review = load_review(tmp_path / "r.txt")
    assert review.text == (
        "I loved it & so did my wife.\n\nRock & roll, a <3 b, 5 < 6.\nNext line."
        "\n\nNew paragraph \u2014 done."
    )
    texts = [review.block_text(b) for b in review.blocks]
    assert texts[0] == "I loved it & so did my wife."
    assert texts[-1] == "New paragraph \u2014 done."
    start = review.text.index("loved")
    assert review.file_span(start, start + 5) == (raw.index("loved"), raw.index("loved") + 5)
    amp = review.text.index("&")
    fs, fe = review.file_span(amp, amp + 1)
    assert raw[fs:fe] == "&amp;"
    fs, fe = review.file_span(0, len(review.text))
    assert (fs, fe) == (0, len(raw))


def test_text_without_html_is_the_file_itself(tmp_path):
    raw = "Plain words & a < b, no tags.\n\nSecond paragraph.\n"
    (tmp_path / "r.txt").write_text(raw, encoding="utf-8")
    review = load_review(tmp_path / "r.txt")
    assert review.text == raw and review.file_text is None
    assert review.file_span(3, 9) == (3, 9)


def test_front_matter_keeps_its_text(tmp_path):
    raw = "---\ntitle: Rock &amp; roll <i>x</i>\n---\nBody <i>here</i>.\n"
    (tmp_path / "r.md").write_text(raw, encoding="utf-8")
    review = load_review(tmp_path / "r.md")
    assert review.title == "Rock &amp; roll <i>x</i>"
    assert review.text == "---\ntitle: Rock &amp; roll <i>x</i>\n---\nBody here.\n"


def test_next_line_character_is_a_line_break(tmp_path):
    (tmp_path / "nel.txt").write_bytes(
        "First paragraph here.\u0085\u0085Second paragraph\u0085goes on.\n".encode()
    )
    review = load_review(tmp_path / "nel.txt")
    assert "\u0085" not in review.text and "\ufffd" not in review.text
    assert review.text == "First paragraph here.\n\nSecond paragraph\ngoes on.\n"
    assert len(review.blocks) == 2
    from ballerina_tui.textutil import display_safe

    assert "\ufffd" not in display_safe(review.text)


def test_short_title_cuts_at_a_word():
    assert short_title("Great film. Really.") == "Great film."
    assert short_title("Mr. Smith goes to town! Yes.") == "Mr. Smith goes to town!"
    long = "word " * 40
    title = short_title(long)
    assert len(title) <= 60 and title.endswith("word\u2026")


_PIECES = st.sampled_from(
    [
        "<br />",
        "<br/>",
        "<BR>",
        "<br /><br />",
        "<i>",
        "</i>",
        "<p>",
        "</p>",
        "&amp;",
        "&#39;",
        "&quot;",
        "&nbsp;",
        "&bogus;",
        "<",
        ">",
        "&",
        " ",
        "\n",
        "word",
        "it's",
        "Dassin",
        "é",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=40))
def test_words_map_back_to_their_source(pieces):
    raw = "".join(pieces).replace("\r", "").replace("\x85", "")
    cleaned, mapping = html_to_text(raw)
    if mapping is None:
        assert cleaned == raw
        return
    fs, fe = mapping.file_span(0, len(cleaned))
    assert 0 <= fs <= fe <= len(raw)
    previous = 0
    for match in WORD_RE.finditer(cleaned):
        fs, fe = mapping.file_span(match.start(), match.end())
        assert previous <= fs < fe <= len(raw)
        previous = fs
        assert html_to_text(raw[fs:fe])[0] == match.group()


def test_search_hits_on_raw_reviews_carry_no_html_and_no_fake_section(raw_films):
    from ballerina_tui.index import ReviewIndex
    from ballerina_tui.search import Searcher

    corpus = load_corpus(raw_films)
    with Searcher(ReviewIndex(corpus)) as searcher:
        result = searcher.search("heist", limit=50)
    assert result.hits
    for hit in result.hits:
        review = corpus.get(hit.review)
        assert "<br" not in hit.text
        assert hit.section == review.section_at(hit.start)
        if not hit.section:
            assert re.fullmatch(r"\u00b6 \d+", review.section_label(hit.start))
    assert sum(not hit.section for hit in result.hits) > len(result.hits) // 2


def test_search_json_places_hits_in_the_file_too(raw_films, capsys):
    import json

    from ballerina_tui.cli import main

    assert main(["--reviews", str(raw_films), "search", "--json", "--limit", "30", "film"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["hits"]
    moved = 0
    for hit in data["hits"]:
        path = next(raw_films.glob(f"{hit['review']}.txt"))
        raw = decode_review_bytes(path.read_bytes())
        source = raw[hit["file_start"] : hit["file_end"]]
        assert html_to_text(source)[0] == hit["text"]
        moved += (hit["file_start"], hit["file_end"]) != (hit["start"], hit["end"])
    assert moved  # after the first <br /><br /> the two differ


def test_report_cites_paragraphs_not_titles(raw_films, capsys):
    from ballerina_tui.cli import main

    assert main(["--reviews", str(raw_films), "report"]) == 0
    report = capsys.readouterr().out
    assert "<br" not in report
    citations = re.findall(r"^— .*$", report, re.M)
    assert citations
    assert sum("\u00b6 " in c for c in citations) > len(citations) // 2
