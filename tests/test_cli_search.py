"""The plain command line (list, search, index), run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ballerina_tui.corpus import load_corpus

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "reviews"
BROKEN = Path(__file__).resolve().parent / "fixtures" / "corpus_broken"
HIT_KEYS = {"review", "handle", "section", "score", "text", "start", "end", "highlights"}


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory) -> Path:
    """One cache for the read-only bundled reviews, so each process does not rebuild."""
    return tmp_path_factory.mktemp("cli-cache")


def cli(*args: str, cache: Path | None = None, env: dict | None = None, reviews=None):
    environment = {**os.environ, "COLUMNS": "400", **(env or {})}
    if cache is not None:
        environment["BALLERINA_TUI_CACHE_DIR"] = str(cache)
    command = [sys.executable, "-m", "ballerina_tui"]
    if reviews is not None:
        command += ["--reviews", str(reviews)]
    proc = subprocess.run(
        command + list(args), capture_output=True, text=True, env=environment, timeout=120
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def one_line_error(proc, *fragments: str) -> None:
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("ballerina-tui: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


# --------------------------------------------------------------------------- list


def test_list_json_fields(shared_cache):
    proc = cli("list", "--json", cache=shared_cache)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    data = json.loads(proc.stdout)
    rows = {row["id"]: row for row in data["reviews"]}
    assert sorted(rows) == ["breakdown", "critic", "preview", "wickverse"]
    assert data["problems"] == []
    for review in load_corpus(BUNDLED).reviews:
        row = rows[review.id]
        assert set(row) >= {"id", "handle", "title", "kind", "words", "path"}
        assert (row["handle"], row["title"], row["kind"], row["words"]) == (
            review.handle,
            review.title,
            review.kind,
            review.words,
        )
        assert Path(row["path"]).resolve() == (BUNDLED / f"{review.id}.md").resolve()
    assert rows["critic"]["rating"] == "8.8/10"
    assert rows["wickverse"]["kind"] == "analysis"
    assert rows["critic"]["title"] == "A Dazzling Spin-Off That Dances with Vengeance and Grace"


def test_list_for_people(shared_cache):
    proc = cli("list", cache=shared_cache)
    assert proc.returncode == 0, proc.stderr
    for text in ("breakdown", "critic", "preview", "wickverse", "8.8/10", "analysis"):
        assert text in proc.stdout
    assert "\x1b" not in proc.stdout


def test_reviews_option_and_environment(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
        (folder / f"{folder.name}.md").write_text(f"# {folder.name}\n\nballet\n", "utf-8")
    from_env = cli("list", "--json", env={"BALLERINA_TUI_REVIEWS": str(one)})
    assert [r["id"] for r in json.loads(from_env.stdout)["reviews"]] == ["one"]
    # --reviews wins over the environment.
    both = cli("list", "--json", env={"BALLERINA_TUI_REVIEWS": str(one)}, reviews=two)
    assert [r["id"] for r in json.loads(both.stdout)["reviews"]] == ["two"]
    found = cli("search", "--json", "ballet", env={"BALLERINA_TUI_REVIEWS": str(two)})
    assert [h["review"] for h in json.loads(found.stdout)["hits"]] == ["two"]


def test_bad_files_are_warnings_and_the_rest_is_listed():
    proc = cli("list", "--json", reviews=BROKEN)
    assert proc.returncode == 0
    assert sorted(r["id"] for r in json.loads(proc.stdout)["reviews"]) == ["good", "plain", "twin"]
    warnings = proc.stderr.strip().splitlines()
    assert len(warnings) == 5
    assert all(w.startswith("ballerina-tui: warning: ") for w in warnings)
    assert any(w.startswith("ballerina-tui: warning: malformed.md:4: ") for w in warnings)
    assert len(json.loads(proc.stdout)["problems"]) == 5


def test_bad_files_warn_during_search_too(tmp_path):
    proc = cli("search", "--json", "ledger", reviews=BROKEN)
    assert proc.returncode == 0
    assert {h["review"] for h in json.loads(proc.stdout)["hits"]} == {"good", "plain"}
    assert proc.stderr.count("warning") == 5


@pytest.mark.parametrize("command", [["list"], ["search", "wick"], ["index"]])
def test_missing_folder_is_a_one_line_error(tmp_path, command):
    missing = tmp_path / "nowhere"
    one_line_error(cli(*command, reviews=missing), str(missing), "no such folder")


def test_empty_folder_is_a_one_line_error(tmp_path):
    one_line_error(cli("search", "wick", reviews=tmp_path), "no review files")


# --------------------------------------------------------------------------- search


def test_search_json_shape(shared_cache, corpus):
    proc = cli("search", "--json", "Peter Deming", cache=shared_cache)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"query", "corrected", "hits"}
    assert data["query"] == "Peter Deming" and data["corrected"] is None
    assert len(data["hits"]) == 1
    hit = data["hits"][0]
    assert set(hit) >= HIT_KEYS
    assert (hit["review"], hit["handle"]) == ("critic", "critic")
    assert hit["section"] == "Stunning Cinematography and Action Choreography"
    assert isinstance(hit["score"], float) and hit["score"] > 0
    review = corpus.get("critic")
    assert review.text[hit["start"] : hit["end"]] == hit["text"]
    assert [hit["text"][s:e] for s, e in hit["highlights"]] == ["Peter", "Deming"]


def test_search_json_correction_and_words_joined(shared_cache):
    proc = cli("search", "--json", "Petr", "Demng", cache=shared_cache)
    data = json.loads(proc.stdout)
    assert data["query"] == "Petr Demng"
    assert data["corrected"] == "Peter Deming"
    assert [h["review"] for h in data["hits"]] == ["critic"]


def test_search_limit(shared_cache):
    data = json.loads(
        cli("search", "--json", "--limit", "2", "ballerina", cache=shared_cache).stdout
    )
    assert len(data["hits"]) == 2
    assert data["total"] > 2
    bad = cli("search", "--limit", "0", "ballerina", cache=shared_cache)
    assert bad.returncode == 2 and "--limit" in bad.stderr


def test_search_for_people(shared_cache):
    proc = cli("search", '"Mother Ruska"', cache=shared_cache)
    assert proc.returncode == 0, proc.stderr
    assert "wickverse" in proc.stdout
    assert "Mother Ruska: The New Antagonist?" in proc.stdout
    assert "2 of 2 passage(s)" in proc.stdout


def test_search_for_people_says_what_it_corrected(shared_cache):
    proc = cli("search", "Petr Demng", cache=shared_cache)
    assert "no results for Petr Demng; showing results for Peter Deming" in proc.stdout


def test_search_with_no_hits(shared_cache):
    proc = cli("search", "xqzjwv", cache=shared_cache)
    assert proc.returncode == 0
    assert proc.stdout.strip() == "no results"
    data = json.loads(cli("search", "--json", "xqzjwv", cache=shared_cache).stdout)
    assert data["hits"] == [] and data["corrected"] is None


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ('"unbalanced', "unbalanced quote"),
        ("(wick", "unbalanced parenthesis"),
        ("the", "no searchable"),
    ],
)
def test_bad_query_is_a_one_line_error(shared_cache, query, reason):
    one_line_error(cli("search", "--json", query, cache=shared_cache), "bad query", reason)


def test_unknown_character_is_a_warning(shared_cache):
    proc = cli("search", "--json", "character:nobody", cache=shared_cache)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["hits"] == []
    assert "warning: no character card called 'nobody'; searching the text for it" in proc.stderr


# --------------------------------------------------------------------------- index


def test_index_command(bundled_copy):
    first = cli("index", "--json", reviews=bundled_copy)
    assert first.returncode == 0, first.stderr
    status = json.loads(first.stdout)
    assert status["reviews"] == 4 and status["passages"] > 200
    assert status["last_update"]["rebuilt"] is True
    assert Path(status["path"]).is_relative_to(Path(os.environ["BALLERINA_TUI_CACHE_DIR"]))

    again = json.loads(cli("index", "--json", reviews=bundled_copy).stdout)
    assert again["last_update"]["rebuilt"] is False
    assert not any(again["last_update"][k] for k in ("added", "changed", "removed"))
    assert "up to date" in cli("index", reviews=bundled_copy).stdout

    path = bundled_copy / "preview.md"
    path.write_text(path.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    changed = cli("index", reviews=bundled_copy)
    assert "changed preview" in changed.stdout

    rebuilt = json.loads(cli("index", "--rebuild", "--json", reviews=bundled_copy).stdout)
    assert rebuilt["last_update"]["rebuilt"] is True
    assert rebuilt["passages"] == status["passages"] + 1


# --------------------------------------------------------------------------- hostile text

HOSTILE_BODY = (
    "# [@click=app.quit]Click \x1b[31mred\x1b[0m\n\n"
    "The ballet [bold]markup[/] and [/] and [@click=app.quit]quit[/] and "
    "\x1b]8;;http://example.com\x1b\\link\x1b]8;;\x1b\\ and \x1b]0;title\x07 and \x9b31m csi "
    "and \u202eevil\u202c and a bell\x07 backspace\x08 ballet.\n"
)


@pytest.fixture
def hostile(tmp_path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "evil.md").write_text(
        '---\ntitle: "[bold]Loud[/] \\e[31mred\\e[0m [@click=app.quit]x"\n'
        'handle: "h\\e]0;pwn\\a"\n---\n' + HOSTILE_BODY,
        encoding="utf-8",
    )
    (folder / "\x1b[31mname.md").write_text("---\nbad: [\n---\nx\n", encoding="utf-8")
    (folder / "ok.md").write_text("# Fine\n\nA calm ballet paragraph.\n", encoding="utf-8")
    return folder


def assert_no_escape(proc) -> None:
    assert proc.returncode == 0, proc.stderr
    for stream in (proc.stdout, proc.stderr):
        assert "\x1b" not in stream and "\x9b" not in stream and "\x07" not in stream
        assert "\u202e" not in stream


def test_hostile_text_is_shown_literally_in_list(hostile):
    proc = cli("list", reviews=hostile)
    assert_no_escape(proc)
    assert "[bold]Loud[/]" in proc.stdout
    assert "[@click=app.quit]x" in proc.stdout
    assert "␛[31mred␛[0m" in proc.stdout  # ESC shown as a visible symbol
    assert "h␛]0;pwn␇" in proc.stdout
    assert "␛[31mname.md" in proc.stderr  # the bad file's name, in the warning


def test_hostile_text_is_shown_literally_in_search(hostile):
    proc = cli("search", "ballet", reviews=hostile)
    assert_no_escape(proc)
    assert "The ballet [bold]markup[/] and [/] and [@click=app.quit]quit[/] and" in proc.stdout
    assert "␛]8;;http://example.com␛\\link␛]8;;␛\\" in proc.stdout
    assert "[@click=app.quit]Click ␛[31mred␛[0m" in proc.stdout  # section heading
    assert "a bell␇ backspace␈ ballet." in proc.stdout


def test_hostile_query_is_shown_literally(hostile):
    proc = cli("search", "bal\x1b[31mlet~", reviews=hostile)
    assert proc.returncode in (0, 2)
    assert "\x1b" not in proc.stdout + proc.stderr


def test_hostile_text_round_trips_through_json(hostile):
    proc = cli("search", "--json", "ballet", reviews=hostile)
    assert proc.returncode == 0
    assert "\x1b" not in proc.stdout  # JSON escapes it
    data = json.loads(proc.stdout)
    corpus = load_corpus(hostile)
    evil = [h for h in data["hits"] if h["review"] == "evil"]
    assert len(evil) == 1
    hit = evil[0]
    assert hit["text"] == corpus.get("evil").text[hit["start"] : hit["end"]]
    assert hit["text"] == HOSTILE_BODY.split("\n\n")[1].strip()
    assert hit["handle"] == "h\x1b]0;pwn\x07"
    assert hit["section"] == "[@click=app.quit]Click \x1b[31mred\x1b[0m"
    assert [hit["text"][s:e] for s, e in hit["highlights"]] == ["ballet", "ballet"]
    listed = json.loads(cli("list", "--json", reviews=hostile).stdout)
    titles = {r["id"]: r["title"] for r in listed["reviews"]}
    assert titles["evil"] == "[bold]Loud[/] \x1b[31mred\x1b[0m [@click=app.quit]x"
