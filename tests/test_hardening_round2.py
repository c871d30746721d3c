"""Hardening, round two (issue 11): what an independent campaign broke.

Each test reproduces one finding and failed before its fix: terminal escapes from
``report``/``claims``/``export``, ``-o`` onto devices, FIFOs and ``-``, highlights with
entries that do not validate, a planted index pickle, an untrusted cache folder, and
front-matter errors without a file line or in words a fan would not follow.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# What must never reach a terminal: C0 controls but tab and newline (ESC starts every
# OSC/CSI/DCS sequence, BEL ends OSC), DEL, C1 (0x9B is an 8-bit CSI), line/paragraph
# separators, bidi embeddings/overrides/isolates, zero-width characters.
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]"
)

HANDLE = "h\\e]0;PWNED\\ax\\x9b31m\\u202eRLO"
TITLE = "T \\e]52;c;QUJD\\e\\\\ \\u2028 next"
HEADING = "## \x1b]8;;http://evil.example/\x1b\\\\click\x1b]8;;\x1b\\\\ here\x07"
NAME = "Rooney\\e]52;c;QUJD\\a"


def _run(*args: str, cwd: Path | None = None, stdin=None, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "ballerina_tui", *args],
        capture_output=True,
        timeout=timeout,
        cwd=cwd,
        env=os.environ.copy(),
        stdin=stdin,
    )


def _raw(data: bytes) -> list[str]:
    """The forbidden characters in ``data`` (as ``cat -v`` would show them: ``^[``, ``^G``…)."""
    return sorted({repr(ch) for ch in RAW.findall(data.decode("utf-8", "replace"))})


@pytest.fixture
def hostile(bundled_copy: Path) -> Path:
    """The bundled reviews with escapes in a handle, a title, a heading and a character."""
    critic = bundled_copy / "critic.md"
    text = critic.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^handle: .*$", lambda m: f'handle: "{HANDLE}"', text, count=1)
    text = re.sub(r"(?m)^title: .*$", lambda m: f'title: "{TITLE}"', text, count=1)
    head, sep, body = text.partition("\n---\n")
    text = head + sep + "\n" + HEADING + "\n\nEve Macarro trains with the Ruska Roma.\n\n" + body
    critic.write_text(text, encoding="utf-8")
    chars = bundled_copy.parent / "characters.yaml"
    source = chars.read_text(encoding="utf-8")
    chars.write_text(source.replace("name: Rooney", f'name: "{NAME}"', 1), encoding="utf-8")
    return bundled_copy


# --------------------------------------------------------------------------- 1, 2: escapes


@pytest.mark.parametrize(
    "command",
    [
        ["report"],
        ["claims"],
        ["diff"],
        ["list"],
        ["characters"],
        ["search", "Rooney"],
        ["export", "-o", "-"],
        ["highlights"],
    ],
)
def test_no_terminal_escape_reaches_stdout_or_stderr(hostile, command):
    """`ballerina-tui --reviews DIR report | cat -v` showed ^[]0;PWNED^G (finding 1, 2)."""
    if command[0] in ("export", "highlights"):
        _add_highlight(hostile)
    done = _run("--reviews", str(hostile), *command)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.strip()
    assert _raw(done.stdout) == []
    assert _raw(done.stderr) == []
    shown = done.stdout.decode("utf-8")
    if command[0] in ("report", "claims", "list", "export"):
        assert "␛]0;PWNED␇x" in shown  # the text stays, made visible


def _add_highlight(reviews: Path) -> None:
    from ballerina_tui.corpus import load_corpus
    from ballerina_tui.highlights import HighlightStore, make_highlight

    corpus = load_corpus(reviews)
    review = corpus.get("critic")
    start = review.text.index("Eve Macarro trains")
    item = make_highlight(review, start, start + len("Eve Macarro trains with the Ruska Roma."))
    item.note = "note \x1b]52;c;QUJD\x07 end"
    HighlightStore.for_corpus(corpus).add(item)


def test_export_file_keeps_text_but_no_escape(hostile, tmp_path):
    """Character names went raw into `Characters: [[…]]` lines of the file (finding 2)."""
    _add_highlight(hostile)
    target = tmp_path / "out.md"
    done = _run("--reviews", str(hostile), "export", "-o", str(target))
    assert done.returncode == 0, done.stderr.decode()
    data = target.read_bytes()
    assert _raw(data) == []
    text = data.decode("utf-8")
    assert "[[Rooney␛]52;c;QUJD␇]]" in text
    assert "note ␛]52;c;QUJD␇ end" in text


def test_report_file_keeps_text_but_no_escape(hostile, tmp_path):
    target = tmp_path / "report.md"
    done = _run("--reviews", str(hostile), "report", "-o", str(target))
    assert done.returncode == 0, done.stderr.decode()
    assert _raw(target.read_bytes()) == []
    assert "T ␛]52;c;QUJD␛\\" in target.read_text(encoding="utf-8")


def test_claims_json_stays_exact(hostile):
    import json

    done = _run("--reviews", str(hostile), "list", "--json")
    data = json.loads(done.stdout)
    handles = {r["handle"] for r in data["reviews"]}
    assert "h\x1b]0;PWNED\x07x\x9b31m\u202eRLO" in handles
    assert b"\x1b" not in done.stdout  # JSON escapes it


def test_display_safe_covers_the_campaign_characters():
    from ballerina_tui.textutil import display_safe

    hostile = "a\x1b]0;t\x07b\x9b1m\x85\u2028\u2029\u202e\u2066\u200b\u2060\ufff9\x7f\r"
    out = display_safe(hostile)
    assert len(out) == len(hostile)
    assert RAW.findall(out) == []
    assert not re.search("[\u2060\ufff9]", out)
    assert out.startswith("a␛]0;t␇b")


# --------------------------------------------------------------------------- 3, 6: -o rules


@pytest.mark.parametrize("command", [["report"], ["export"]])
def test_dash_means_stdout_for_every_o_option(bundled_copy, tmp_path, command):
    """`report -o -` wrote a file named `-` (finding 6)."""
    done = _run("--reviews", str(bundled_copy), *command, "-o", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert not (tmp_path / "-").exists()
    assert done.stdout.startswith(b"#") or done.stdout.startswith(b"---")


def _node(tmp_path: Path, name: str, minor: int) -> Path:
    """A private copy of /dev/null (minor 3) or /dev/full (minor 7), made with mknod.

    The ``--force`` cases never aim at the real /dev nodes: before the fix they replaced
    the system's /dev/null with a regular file.
    """
    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except OSError as exc:
        pytest.skip(f"mknod not allowed here: {exc}")
    return node


@pytest.mark.parametrize("command", [["report"], ["export"]])
def test_dev_null_needs_no_force(bundled_copy, command):
    """Without --force, `-o /dev/null` said "exists; use --force" (finding 3)."""
    before = os.stat("/dev/null")
    done = _run("--reviews", str(bundled_copy), *command, "-o", "/dev/null")
    assert done.returncode == 0, done.stderr.decode()
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


@pytest.mark.parametrize("command", [["report"], ["export"]])
def test_force_onto_a_device_writes_in_place_never_replaces(bundled_copy, tmp_path, command):
    """`-o /dev/null --force` replaced the device with a regular file (finding 3)."""
    node = _node(tmp_path, "null", 3)
    before = os.stat(node)
    done = _run("--reviews", str(bundled_copy), *command, "-o", str(node), "--force")
    assert done.returncode == 0, done.stderr.decode()
    after = os.stat(node)
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_dev_full_is_one_clear_line(bundled_copy, tmp_path):
    node = _node(tmp_path, "full", 7)
    for extra in ([], ["--force"]):
        done = _run("--reviews", str(bundled_copy), "report", "-o", str(node), *extra)
        assert done.returncode == 2
        err = done.stderr.decode()
        assert err.count("\n") == 1 and str(node) in err and "Traceback" not in err
        assert "space" in err.lower()  # the real reason, not "exists; use --force"
        assert stat.S_ISCHR(os.stat(node).st_mode)


def test_real_dev_full_without_force(bundled_copy):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    done = _run("--reviews", str(bundled_copy), "report", "-o", "/dev/full")
    assert done.returncode == 2
    assert "space" in done.stderr.decode().lower()
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.parametrize("command", [["report"], ["export"]])
def test_a_fifo_is_written_in_place(bundled_copy, tmp_path, command):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = _run("--reviews", str(bundled_copy), *command, "-o", str(fifo), "--force", timeout=60)
    reader.join(30)
    assert done.returncode == 0, done.stderr.decode()
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and got[0].strip()


@pytest.mark.parametrize(
    ("make", "expect"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: None, "does not exist"),
    ],
)
def test_bad_targets_are_one_line_exit_2(bundled_copy, tmp_path, make, expect):
    target = tmp_path / "x" / "out.md"
    if expect == "is a folder":
        target = tmp_path / "out.md"
    make(target)
    for command in (["report"], ["export"]):
        done = _run("--reviews", str(bundled_copy), *command, "-o", str(target), "--force")
        err = done.stderr.decode()
        assert done.returncode == 2, err
        assert expect in err and err.count("\n") == 1


def test_no_permission_is_one_line_exit_2(bundled_copy, tmp_path):
    target = tmp_path / "locked.md"
    target.write_text("mine\n")
    target.chmod(0o444)
    done = _run("--reviews", str(bundled_copy), "report", "-o", str(target), "--force")
    assert done.returncode == 2
    assert done.stderr.decode().count("\n") == 1
    assert target.read_text() == "mine\n"


def test_replacing_a_regular_file_needs_force_and_keeps_its_mode(bundled_copy, tmp_path):
    target = tmp_path / "r.md"
    target.write_text("old\n")
    target.chmod(0o640)
    done = _run("--reviews", str(bundled_copy), "report", "-o", str(target))
    assert done.returncode == 2 and b"--force" in done.stderr
    assert target.read_text() == "old\n"
    done = _run("--reviews", str(bundled_copy), "report", "-o", str(target), "--force")
    assert done.returncode == 0
    assert target.read_text().startswith("# Claims report")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


# --------------------------------------------------------------------------- 4: highlights


BAD_ENTRIES = """\
# ballerina-tui highlights
version: 1
reviews: {root}
synced_by: my-sync-tool
highlights:
- id: good-1
  review: critic
  text: a passage I keep
  start: 0
  end: 16
  note: mine
  colour: yellow
- review: critic
  text: 1984
  note: the year
- review: 2025
  text: a year as the review
- review: critic
  text: a list note
  note: [a, b]
- review: critic
"""


def _store_file(bundled_copy: Path):
    from ballerina_tui.corpus import load_corpus
    from ballerina_tui.highlights import store_path

    corpus = load_corpus(bundled_copy)
    path = store_path(corpus.root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BAD_ENTRIES.format(root=corpus.root), encoding="utf-8")
    return corpus, path


def test_entries_that_do_not_validate_survive_a_write(bundled_copy):
    """Wrong-typed entries, an unknown key and a cut-short last entry were dropped (4)."""
    import yaml

    from ballerina_tui.highlights import FORMAT_VERSION, HighlightStore, make_highlight

    corpus, path = _store_file(bundled_copy)
    store = HighlightStore.for_corpus(corpus)
    assert [h.id for h in store.items] == ["good-1"]
    assert store.note and f"{path}:13:" in store.note and "'text' must be text" in store.note
    assert "(and 3 more)" in store.note
    review = corpus.get("critic")
    start = review.text.index("Ballerina") if "Ballerina" in review.text else 0
    store.add(make_highlight(review, start, start + 9))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = data["highlights"]
    assert data["version"] == FORMAT_VERSION and data["synced_by"] == "my-sync-tool"
    assert entries[0]["colour"] == "yellow" and entries[0]["note"] == "mine"
    assert {"review": "critic", "text": 1984, "note": "the year"} in entries
    assert {"review": 2025, "text": "a year as the review"} in entries
    assert {"review": "critic", "text": "a list note", "note": ["a", "b"]} in entries
    assert {"review": "critic"} in entries
    assert len(entries) == 6
    # Removing and annotating keep them too.
    store.set_note("good-1", "changed")
    store.remove(entries[1]["id"])
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["highlights"]
    assert len(entries) == 5 and entries[0]["colour"] == "yellow"


def test_the_user_is_told_once_on_stderr(bundled_copy):
    _store_file(bundled_copy)
    done = _run("--reviews", str(bundled_copy), "highlights")
    err = done.stderr.decode()
    assert done.returncode == 0
    assert err.count("a highlight cannot be used") == 1 and "kept in the" in err
    assert b"a passage I keep" in done.stdout


def test_the_app_tells_the_user(bundled_copy):
    import asyncio

    from ballerina_tui.app.app import BallerinaApp
    from ballerina_tui.corpus import load_corpus

    _store_file(bundled_copy)
    app = BallerinaApp(load_corpus(bundled_copy))

    async def go():
        async with app.run_test() as pilot:
            await pilot.pause()
            messages = [n.message for n in app._notifications]
            assert sum("a highlight cannot be used" in m for m in messages) == 1

    asyncio.run(go())


# --------------------------------------------------------------------------- 5: cache trust


class _Touch:
    """Unpickling this creates the marker file: proof that a planted pickle ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _evil_toc(marker: Path, generation: int) -> bytes:
    """A Whoosh TOC that passes every header check and pickles ``_Touch`` as its schema."""
    import io
    import pickle

    from whoosh import __version__ as whoosh_version
    from whoosh import index as windex
    from whoosh.filedb.structfile import StructFile

    buffer = io.BytesIO()
    stream = StructFile(buffer)
    stream.write_varint(windex._INT_SIZE)
    stream.write_varint(windex._LONG_SIZE)
    stream.write_varint(windex._FLOAT_SIZE)
    stream.write_int(-12345)
    stream.write_int(windex._CURRENT_TOC_VERSION)
    for num in whoosh_version[:3]:
        stream.write_varint(num)
    stream.write_string(pickle.dumps(_Touch(marker), 2))
    stream.write_int(generation)
    stream.write_int(0)
    stream.write_pickle([])
    return buffer.getvalue()


def test_the_evil_toc_does_run_when_whoosh_opens_it(tmp_path):
    """The planted file is a real threat: opened directly, Whoosh unpickles it."""
    from whoosh import index as windex

    marker = tmp_path / "ran"
    (tmp_path / "_MAIN_1.toc").write_bytes(_evil_toc(marker, 1))
    with pytest.raises(Exception):  # noqa: B017,PT011 - the schema is not a Schema
        windex.open_dir(str(tmp_path))
    assert marker.exists()


def _index_dir(reviews: Path) -> Path:
    from ballerina_tui.corpus import load_corpus
    from ballerina_tui.index import ReviewIndex

    index = ReviewIndex(load_corpus(reviews))
    index.ensure()
    assert not index.in_memory
    return index.dir


@pytest.mark.parametrize("how", ["planted", "swapped"])
def test_a_planted_or_swapped_index_pickle_is_rebuilt_never_loaded(bundled_copy, tmp_path, how):
    """A pickle planted in the cache's index folder ran its code on `search` (finding 5)."""
    folder = _index_dir(bundled_copy)
    marker = tmp_path / "PWNED"
    if how == "planted":
        (folder / "_MAIN_999.toc").write_bytes(_evil_toc(marker, 999))
    else:
        toc = max(folder.glob("_MAIN_*.toc"))
        toc.write_bytes(_evil_toc(marker, int(toc.stem.rsplit("_", 1)[1])))
    done = _run("--reviews", str(bundled_copy), "search", "Rooney")
    assert not marker.exists()
    assert done.returncode == 0, done.stderr.decode()
    assert b"Rooney" in done.stdout
    assert not (folder / "_MAIN_999.toc").exists()  # the rebuild removed it


def test_manifest_lists_a_digest_of_every_index_file(bundled_copy):
    import json

    folder = _index_dir(bundled_copy)
    files = json.loads((folder / "manifest.json").read_text())["files"]
    on_disk = {p.name for p in folder.iterdir() if p.name != "manifest.json"}
    assert set(files) == {n for n in on_disk if not n.endswith(("WRITELOCK", ".lock"))}
    assert all(len(v) == 64 for v in files.values())


@pytest.mark.parametrize("who", ["group-writable", "other-writable", "someone-else"])
def test_a_cache_that_is_not_ours_gets_an_in_memory_index(bundled_copy, tmp_path, who):
    cache = tmp_path / "shared-cache"
    cache.mkdir()
    if who == "someone-else":
        if not IS_ROOT:
            pytest.skip("chown to another user needs root")
        os.chown(cache, 4242, 4242)
    else:
        cache.chmod(0o775 if who == "group-writable" else 0o757)
    env = os.environ.copy()
    env["BALLERINA_TUI_CACHE_DIR"] = str(cache)
    done = subprocess.run(
        [sys.executable, "-m", "ballerina_tui", "--reviews", str(bundled_copy), "search", "Rooney"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0
    err = done.stderr.decode()
    assert "in-memory index" in err and "not trusted" in err
    assert b"Rooney" in done.stdout
    assert not (cache / "index").exists()


# --------------------------------------------------------------------------- 7: errors


def _load_one(tmp_path: Path, front: str):
    from ballerina_tui.corpus import load_corpus

    folder = tmp_path / "r"
    folder.mkdir(exist_ok=True)
    (folder / "a.md").write_text(f"---\ntitle: T\n{front}\n---\nSome body text.\n", "utf-8")
    (folder / "good.md").write_text("A good review.\n", "utf-8")
    return load_corpus(folder)


def test_a_date_as_id_is_accepted_as_text(tmp_path):
    """`id: 2025-06-06` (a YAML date) said "must be a single value" (finding 7)."""
    corpus = _load_one(tmp_path, "id: 2025-06-06\nhandle: 2025-06-07 10:00:00")
    assert not corpus.problems
    assert corpus.ids == ["2025-06-06", "good"]
    assert corpus.reviews[0].handle == "2025-06-07-10:00:00"


def test_a_huge_integer_names_file_and_line(tmp_path):
    """A 5,000-digit integer gave Python's set_int_max_str_digits() with no line (7)."""
    corpus = _load_one(tmp_path, "kind: review\nrating: " + "9" * 5000)
    assert [r.id for r in corpus.reviews] == ["good"]
    (problem,) = corpus.problems
    message = str(problem)
    assert message.startswith("a.md:4: ") and "5,000 digits" in message and "quotes" in message
    assert "sys." not in message and "\n" not in message


@pytest.mark.parametrize(
    ("front", "line", "words"),
    [("handle: [a, b]", 3, "not a list"), ("x: 1\nid:\n  k: v", 4, "not a group")],
)
def test_a_refused_field_names_its_own_line_and_what_to_do(tmp_path, front, line, words):
    corpus = _load_one(tmp_path, front)
    (problem,) = corpus.problems
    assert problem.line == line
    assert words in problem.message and "write one value" in problem.message


# --------------------------------------------------------------------------- properties


def test_display_safe_never_lets_a_control_through():
    """Hypothesis: any text, any code point: one for one, idempotent, nothing raw left."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from ballerina_tui.cli import safe
    from ballerina_tui.textutil import display_safe

    alphabet = st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x1b", "\x07", "\x9b", "\x85", "\u2028", "\u202e", "\u2066", "\u2060"]),
    )

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.text(alphabet=alphabet, max_size=80))
    def check(text):
        out = display_safe(text)
        assert len(out) == len(text)
        assert RAW.findall(out) == []
        assert display_safe(out) == out
        assert safe(text) == out

    check()


def test_write_output_writes_exactly_the_text(tmp_path):
    """Hypothesis: what -o writes to a new file, a replaced file or a device is the text."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from ballerina_tui.paths import write_output

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
    def check(text):
        target = tmp_path / "out.md"
        target.unlink(missing_ok=True)
        write_output(target, text)
        assert target.read_bytes().decode("utf-8") == text
        write_output(target, text + "!", force=True)
        assert target.read_bytes().decode("utf-8") == text + "!"
        write_output(Path("/dev/null"), text)

    check()


# ------------------------------------------- 1, 2 again: what landed since (issues 8, 9, 12)


@pytest.fixture
def hostile_crowd(tmp_path: Path) -> Path:
    """Six reviews, no characters.yaml: discovered names, agreement rows and corrections
    all carry text with escapes."""
    folder = tmp_path / "crowd"
    folder.mkdir()
    for n in range(6):
        body = (
            f"Directed by Jules \x1b]0;PWNED\x07Dassin, the heist is the best part {n}.\n\n"
            "Jean Servais as Tony\x1b[31m le Stephanois is superb.\n\n"
            f"The silent robbery lasts thirty minutes\u202e and it works {n}.\n"
        )
        handle = f"fan{n}\\e]52;c;QUJD\\a"
        (folder / f"r{n}.md").write_text(
            f'---\nid: r{n}\nhandle: "{handle}"\n---\n\n{body}', encoding="utf-8"
        )
    return folder


@pytest.mark.parametrize(
    "command",
    [["diff"], ["diff", "r0", "r1"], ["report"], ["characters"], ["claims"], ["corrections"]],
)
def test_new_views_keep_escapes_off_the_terminal(hostile_crowd, command):
    """The agreement rows, discovered cards and corrections print review text too."""
    done = _run("--reviews", str(hostile_crowd), *command)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.strip()
    assert _raw(done.stdout) == []
    assert _raw(done.stderr) == []


def test_link_and_unlink_keep_escapes_off_the_terminal(hostile_crowd):
    import json

    data = json.loads(_run("--reviews", str(hostile_crowd), "claims", "--json").stdout)
    first = {c["review"]: c["id"] for c in reversed(data["claims"])}
    linked = _run("--reviews", str(hostile_crowd), "link", first["r0"], first["r1"])
    assert linked.returncode == 0, linked.stderr.decode()
    broken = _run("--reviews", str(hostile_crowd), "unlink", first["r0"])
    for done in (linked, broken):
        assert _raw(done.stdout) == [] and _raw(done.stderr) == []
