"""Markdown export: format, no duplicates, overwrite protection, the CLI commands."""

from __future__ import annotations

import json
from datetime import date

import pytest
import yaml

from ballerina_tui.characters import load_characters
from ballerina_tui.cli import main
from ballerina_tui.corpus import load_corpus
from ballerina_tui.export import render_markdown, span_status, write_export
from ballerina_tui.highlights import HighlightStore, make_highlight
from tests.test_app_support import FILM2


def _claim_highlights(corpus, analysis):
    out = []
    for review in corpus.reviews[:2]:
        claim = analysis.for_review(review.id)[2]
        out.append(make_highlight(review, claim.start, claim.end, note=f"note on {review.id}"))
    return out


def test_markdown_format(corpus):
    from ballerina_tui.claims import analyze

    analysis = analyze(corpus)
    characters = load_characters(corpus.characters_path)
    items = _claim_highlights(corpus, analysis)
    text = render_markdown(
        corpus, items, characters=characters, analysis=analysis, exported=date(2025, 6, 6)
    )
    assert text.startswith("---\n")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["film"] == corpus.film
    assert front["exported"] == "2025-06-06"
    assert front["reviewers"] == [corpus.reviews[0].handle, corpus.reviews[1].handle]
    assert front["title"]
    for item in items:
        review = corpus.get(item.review)
        assert f"## {review.handle}" in text
        assert "> " + item.text.split("\n")[0] in text
        status = span_status(analysis, item.review, item.start, item.end)
        assert f"#{status}" in text
        assert f"`{item.id}`" in text
        assert f"**Note:** note on {review.id}" in text
        # Its heading, or its paragraph number before any heading (never the title).
        assert f"_{item.section or review.section_label(item.start)}_" in text
        for cid in characters.mentioned(item.text):
            assert f"[[{characters.get(cid).name}]]" in text
    # Exporting twice gives the same file: nothing duplicates.
    again = render_markdown(
        corpus, items, characters=characters, analysis=analysis, exported=date(2025, 6, 6)
    )
    assert again == text and text.count(items[0].id) == 1


def test_export_without_analysis_or_highlights(corpus):
    text = render_markdown(corpus, [], exported=date(2025, 1, 1))
    assert "No highlights yet" in text
    review = corpus.reviews[0]
    block = next(b for b in review.blocks if b.kind == "paragraph")
    text = render_markdown(corpus, [make_highlight(review, block.start, block.end)])
    assert "#unique" not in text and "#shared" not in text


def test_write_export_refuses_to_overwrite(tmp_path):
    target = tmp_path / "out.md"
    write_export(target, "one")
    with pytest.raises(FileExistsError):
        write_export(target, "two")
    assert target.read_text(encoding="utf-8") == "one"
    write_export(target, "two", force=True)
    assert target.read_text(encoding="utf-8") == "two"


def test_export_and_highlights_commands(tmp_path, monkeypatch, capsys):
    corpus = load_corpus(FILM2)
    store = HighlightStore.for_corpus(corpus)
    review = corpus.get("noir")
    block = next(b for b in review.blocks if b.kind == "paragraph")
    store.add(make_highlight(review, block.start, block.end, note="a note"))
    monkeypatch.chdir(tmp_path)
    args = ["--reviews", str(FILM2)]
    assert main([*args, "export"]) == 0
    written = (tmp_path / "ballerina-highlights.md").read_text(encoding="utf-8")
    assert review.text[block.start : block.end].split()[0] in written
    assert "[[Holly Martins]]" in written and "a note" in written
    capsys.readouterr()
    assert main([*args, "export"]) == 2
    assert "exists" in capsys.readouterr().err
    assert main([*args, "export", "--force", "--json", "-o", str(tmp_path / "x.md")]) == 0
    assert json.loads(capsys.readouterr().out) == {"path": str(tmp_path / "x.md"), "highlights": 1}
    assert main([*args, "export", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("---\n")
    assert main([*args, "highlights", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["highlights"]
    assert [h["note"] for h in listed] == ["a note"] and listed[0]["found"]
    assert main([*args, "highlights"]) == 0
    assert "noir" in capsys.readouterr().out


def test_export_imports_no_textual():
    import subprocess
    import sys

    code = (
        "import sys; import ballerina_tui.export, ballerina_tui.highlights, ballerina_tui.cards, "
        "ballerina_tui.cli_notes; print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
