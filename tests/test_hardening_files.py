"""Hardening campaign, part 1: hostile and broken review files.

Every file of ``tests/hostile/reviews`` is either one that must load (``LOADS``) or one
that must be skipped with a one-line reason naming its file and line (``REJECTS``); the
big files and the awkward folder are generated in ``tmp_path`` (``tests/hostile/generate``).
Markup and escape sequences must come out as text: see ``test_hardening_terminal`` for the
screens; here the loader, the index, search, claims, export and the CLI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from ballerina_tui.corpus import load_corpus
from tests.hostile import generate
from tests.hostile.make_small import FOLDER, LOADS, REJECTS

ROOT = Path(__file__).resolve().parent.parent
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _id_of(name: str) -> str:
    from ballerina_tui.textutil import slugify

    return slugify(Path(name).stem)


def _run_cli(*args: str, cwd: Path | None = None, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "ballerina_tui", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=timeout,
        cwd=cwd,
        env=os.environ.copy(),
    )


# --------------------------------------------------------------------------- the committed fixtures


def test_fixture_files_match_their_generator():
    """The committed bytes are exactly what make_small.py writes (nothing edited by hand)."""
    for name, data in LOADS.items():
        assert (FOLDER / name).read_bytes() == data, name
    for name, (data, _line) in REJECTS.items():
        assert (FOLDER / name).read_bytes() == data, name


def test_hostile_folder_loads_the_good_and_names_each_bad_file_and_line():
    corpus = load_corpus(FOLDER)
    loaded = {Path(r.path).relative_to(FOLDER).as_posix() for r in corpus.reviews}
    assert loaded == set(LOADS)
    by_file = {p.path: p for p in corpus.problems}
    assert set(by_file) == set(REJECTS), corpus.problems
    for name, (_data, line) in REJECTS.items():
        problem = by_file[name]
        assert problem.line == line, problem
        text = str(problem)
        assert "\n" not in text and text.startswith(f"{name}:{line}: ")
    # Offsets index the decoded text of every review that loaded.
    for review in corpus.reviews:
        assert review.body_start <= len(review.text)
        for block in review.blocks:
            piece = review.text[block.start : block.end]
            assert piece and piece == piece.strip()
        assert "\r" not in review.text and not review.text.startswith("\ufeff")


def test_markup_and_escapes_are_kept_verbatim_by_the_loader():
    corpus = load_corpus(FOLDER)
    markup = corpus.get("markup")
    assert markup.handle == "[@click=app.quit]mk"
    assert markup.title == "[b]Bold[/b] [@click=app.screenshot('t')]title"
    assert "[ @click=app.screenshot('x')]click here[/]" in markup.text
    assert "[$accent @click=app.screenshot('y')]" in markup.text
    escapes = corpus.get("escapes")
    assert "\x1b[31m" in escapes.text and "\x1b]0;pwned\x07" in escapes.text


def test_encodings_and_line_endings_decode_to_the_same_text():
    corpus = load_corpus(FOLDER)
    assert corpus.get("utf16le").title == "UTF-16 review"
    assert "Winston" in corpus.get("utf16be").text
    assert (
        corpus.get("crlf").text
        == "---\nid: crlf\n---\n\n# Windows Notepad\n\nSaved with CRLF.\n\nTwo paragraphs.\n"
    )
    lone = corpus.get("lone-cr")
    assert lone.title == "Old Mac Review"
    assert [lone.block_text(b) for b in lone.blocks][-1] == "Another paragraph."
    assert corpus.get("bom").text.startswith("---\nid: bom")


def test_python_tags_never_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    load_corpus(FOLDER)
    assert not (tmp_path / "HACKED").exists()


def test_billion_laughs_is_refused_quickly():
    start = time.perf_counter()
    tracemalloc.start()
    try:
        load_corpus(FOLDER)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 5
    assert peak < 20 * 1024 * 1024


# --------------------------------------------------------------------------- awkward folders


def _load_in_subprocess(folder: Path, timeout: float = 60) -> dict:
    """Load in a child process so that a hang fails the test instead of freezing it."""
    code = (
        "import json, sys\n"
        "from ballerina_tui.corpus import load_corpus\n"
        "c = load_corpus(sys.argv[1])\n"
        "print(json.dumps({'ids': c.ids, 'problems': [[p.path, p.line, p.message] "
        "for p in c.problems]}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_symlink_loop_pipe_device_dangling_link_and_folder_named_like_a_review(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    made = generate.awkward_folder(folder)
    start = time.perf_counter()
    result = _load_in_subprocess(folder)
    assert time.perf_counter() - start < 30
    problems = {path: message for path, _line, message in result["problems"]}
    assert "good" in result["ids"] and "nested" in result["ids"]
    assert "loop" not in " ".join(result["ids"])  # the looping folder was not followed
    assert "No such file" in problems["dangling.md"]
    assert "symbolic links" in problems["self.md"]
    if "fifo" in made:
        assert "not a regular file" in problems["pipe.md"]
    if "dev_zero" in made:
        assert "not a regular file" in problems["zero.md"]
    assert "folder.md" not in problems and "folder" not in result["ids"]
    if IS_ROOT:
        assert "secret" in result["ids"]  # root reads everything
    else:
        assert "Permission denied" in problems["secret.md"]
        assert "secret" not in result["ids"]
    # Every problem is one line naming its file.
    assert all("\n" not in m for m in problems.values())


@pytest.mark.skipif(IS_ROOT, reason="root can read a folder without permissions")
def test_unreadable_subfolder_is_a_problem_not_a_crash(tmp_path):
    folder = tmp_path / "shared"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "inside.md").write_text("# In\n\ntext\n", encoding="utf-8")
    (folder / "ok.md").write_text("# Ok\n\ntext\n", encoding="utf-8")
    (folder / "locked").chmod(0)
    try:
        corpus = load_corpus(folder)
    finally:
        (folder / "locked").chmod(0o755)
    assert corpus.ids == ["ok"]
    assert any("cannot read folder" in p.message for p in corpus.problems)


def test_a_file_larger_than_the_cap_is_refused_without_reading_it(tmp_path, monkeypatch):
    import ballerina_tui.corpus as corpus_module

    monkeypatch.setattr(corpus_module, "MAX_FILE_BYTES", 1024)
    (tmp_path / "ok.md").write_text("# Ok\n\nfine\n", encoding="utf-8")
    (tmp_path / "huge.md").write_bytes(b"x" * 4096)
    corpus = load_corpus(tmp_path)
    assert corpus.ids == ["ok"]
    assert "larger than" in corpus.problems[0].message


# --------------------------------------------------------------------------- big files


def _load_measured(folder: Path):
    tracemalloc.start()
    start = time.perf_counter()
    try:
        corpus = load_corpus(folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return corpus, time.perf_counter() - start, peak


@pytest.mark.slow
def test_five_megabyte_review_loads_in_bounded_time_and_memory(tmp_path):
    path = generate.big_review(tmp_path, 5.0)
    size = path.stat().st_size
    corpus, seconds, peak = _load_measured(tmp_path)
    review = corpus.get("big")
    assert len(review.text) >= 5 * 1024 * 1024 - 1
    assert seconds < 20
    assert peak < 12 * size, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"
    assert len(review.blocks) > 10_000


@pytest.mark.slow
def test_hundred_thousand_line_review_loads_in_bounded_time(tmp_path):
    generate.many_lines(tmp_path, 100_000)
    start = time.perf_counter()
    corpus = load_corpus(tmp_path)
    review = corpus.get("lines")
    assert len(review.blocks) == 100_000
    assert time.perf_counter() - start < 20


def test_twenty_thousand_character_word_loads_indexes_and_searches(tmp_path):
    from ballerina_tui.index import ReviewIndex
    from ballerina_tui.search import search

    generate.long_word(tmp_path, 20_000)
    corpus = load_corpus(tmp_path)
    review = corpus.get("word")
    assert max(b.end - b.start for b in review.blocks) == 20_000
    index = ReviewIndex(corpus)
    start = time.perf_counter()
    index.ensure()
    result = search(index, "director")
    assert time.perf_counter() - start < 30
    assert [h.review for h in result.hits] == ["word"]
    hit = result.hits[0]
    assert review.text[hit.start : hit.end] == hit.text
    # The word itself is cut into passages whose offsets still index the text.
    with index.ensure().searcher() as searcher:
        for fields in searcher.all_stored_fields():
            assert review.text[fields["start"] : fields["end"]]


def test_passage_to_claim_map_is_not_quadratic():
    """A review of 60,000 claims and 60,000 passages maps in well under a second per 10k.

    Before the fix every passage scanned every claim of its review: this took minutes.
    """
    from ballerina_tui.claims import Claim, _passage_map

    n = 60_000
    claims = [
        Claim(id=f"r:{i}", review="r", text="x", section="", start=10 * i, end=10 * i + 8)
        for i in range(n)
    ]

    class Reader:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def iter_docs(self):
            for i in range(n):
                yield i, {"rid": "r", "start": 10 * i, "end": 10 * i + 9}

    class Ix:
        def reader(self):
            return Reader()

    start = time.perf_counter()
    mapped = _passage_map(Ix(), claims)
    assert time.perf_counter() - start < 10
    assert mapped[0] == [0] and mapped[n - 1] == [n - 1] and len(mapped) == n


@pytest.mark.slow
def test_long_review_index_search_and_claims_stay_linear(tmp_path):
    """Index, search and claim analysis of a 10,000-line review, within a generous bound."""
    from ballerina_tui.claims import analyze
    from ballerina_tui.index import ReviewIndex
    from ballerina_tui.search import search

    generate.many_lines(tmp_path, 10_000)
    (tmp_path / "small.md").write_text("# Small\n\nThe Director trains Eve.\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    start = time.perf_counter()
    index = ReviewIndex(corpus)
    index.ensure()
    result = search(index, "director")
    analysis = analyze(corpus, index)
    assert time.perf_counter() - start < 90
    assert result.total > 100
    lines = corpus.get("lines")
    for claim in analysis.for_review("lines")[:2000]:
        assert lines.text[claim.start : claim.end] == claim.text


# --------------------------------------------------------------------------- the whole engine


def test_every_hostile_review_goes_through_index_search_claims_and_export(tmp_path):
    from ballerina_tui.claims import analyze
    from ballerina_tui.export import render_markdown
    from ballerina_tui.highlights import HighlightStore, make_highlight
    from ballerina_tui.index import ReviewIndex
    from ballerina_tui.search import search

    corpus = load_corpus(FOLDER)
    index = ReviewIndex(corpus)
    index.ensure()
    for query in ("click", "ruska", "芭蕾舞者", "pwned", "bold", "Director", "mentr~"):
        for hit in search(index, query).hits:
            review = corpus.get(hit.review)
            assert review.text[hit.start : hit.end] == hit.text
            for s, e in hit.highlights:
                assert 0 <= s < e <= len(hit.text)
    analysis = analyze(corpus, index)
    for claim in analysis.claims:
        assert corpus.get(claim.review).text[claim.start : claim.end] == claim.text
    store = HighlightStore.for_corpus(corpus, tmp_path / "h.yaml")
    for review in corpus.reviews:
        for block in review.blocks:
            store.add(make_highlight(review, block.start, block.end, note="[@click=app.quit]"))
    text = render_markdown(corpus, store.in_corpus_order(corpus), analysis=analysis)
    assert "\x1b" not in text and "\x00" not in text and "\u202e" not in text
    assert text.count("id: `") == len(store.items)


# --------------------------------------------------------------------------- the CLI


def test_cli_warns_one_line_per_bad_file_and_prints_no_escapes():
    proc = _run_cli("--reviews", str(FOLDER), "list")
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line]
    assert len(warnings) == len(REJECTS)
    for name, (_data, line) in REJECTS.items():
        assert sum(f": warning: {name}:{line}: " in w for w in warnings) == 1, name
    for stream in (proc.stdout, proc.stderr):
        assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream
    proc = _run_cli("--reviews", str(FOLDER), "list", "--json")
    listed = {row["id"] for row in json.loads(proc.stdout)["reviews"]}
    assert listed == {_id_of(name) for name in LOADS}


def test_cli_search_and_characters_on_hostile_reviews_print_text_not_escapes():
    for args in (("search", "pwned"), ("search", "click"), ("highlights",), ("claims",)):
        proc = _run_cli("--reviews", str(FOLDER), *args)
        assert proc.returncode in (0, 2), (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout, args
    proc = _run_cli("--reviews", str(FOLDER), "search", "pwned")
    assert "␛]0;pwned␇" in proc.stdout
