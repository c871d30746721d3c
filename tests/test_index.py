"""The on-disk index: incremental updates, recovery from damage, locking, fallbacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import MAX_PASSAGE_CHARS, ReviewIndex, review_passages
from ballerina_tui.search import Searcher

ROOT = Path(__file__).resolve().parent.parent
ALL = ["breakdown", "critic", "preview", "wickverse"]


def open_index(folder: Path) -> ReviewIndex:
    index = ReviewIndex(load_corpus(folder))
    index.ensure()
    return index


def stored(index: ReviewIndex) -> list[dict]:
    with index.ensure().searcher() as searcher:
        return sorted(searcher.all_stored_fields(), key=lambda f: f["pid"])


def assert_consistent(index: ReviewIndex) -> None:
    """The index holds exactly the passages of the corpus, once each, and the manifest agrees."""
    fields = stored(index)
    pids = [f["pid"] for f in fields]
    assert len(pids) == len(set(pids)), "duplicate passages"
    expected = {r.id: len(review_passages(r, index.characters)) for r in index.corpus.reviews}
    assert Counter(f["rid"] for f in fields) == +Counter(expected)
    by_id = {r.id: r for r in index.corpus.reviews}
    for f in fields:
        review = by_id[f["rid"]]
        assert f["digest"] == review.digest
        assert review.text[f["start"] : f["end"]] == f["text"]
    if not index.in_memory:
        manifest = json.loads(index.manifest_path.read_text(encoding="utf-8"))
        assert manifest["reviews"] == index.wanted()
        assert manifest["generation"] == index.ensure().latest_generation()


def search_ids(index: ReviewIndex, query: str) -> list[str]:
    with Searcher(index) as searcher:
        return [h.review for h in searcher.search(query).hits]


@pytest.fixture(scope="module")
def _built_template(tmp_path_factory) -> Path:
    """The index of the bundled reviews, built once for the module."""
    folder = tmp_path_factory.mktemp("template") / "data"
    shutil.copytree(ROOT / "data", folder)
    index = ReviewIndex(load_corpus(folder / "reviews"), root=tmp_path_factory.mktemp("cache"))
    index.ensure()
    return index.dir


@pytest.fixture
def indexed_copy(bundled_copy, _built_template) -> Path:
    """``bundled_copy`` whose index is already up to date (copied, not rebuilt: faster)."""
    target = ReviewIndex(load_corpus(bundled_copy)).dir
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(_built_template, target)
    assert open_index(bundled_copy).last_update.touched == []
    return bundled_copy


@pytest.fixture
def writes(monkeypatch):
    """Record every document Whoosh is asked to add or delete."""
    from whoosh.writing import SegmentWriter

    log: dict[str, list] = {"added": [], "deleted": []}
    add, delete = SegmentWriter.add_document, SegmentWriter.delete_by_term

    def spy_add(self, **fields):
        log["added"].append(fields["rid"])
        return add(self, **fields)

    def spy_delete(self, fieldname, text, searcher=None):
        log["deleted"].append((fieldname, text))
        return delete(self, fieldname, text, searcher)

    monkeypatch.setattr(SegmentWriter, "add_document", spy_add)
    monkeypatch.setattr(SegmentWriter, "delete_by_term", spy_delete)
    return log


# --------------------------------------------------------------------------- updates


def test_first_build_indexes_everything(bundled_copy, writes):
    index = open_index(bundled_copy)
    report = index.last_update
    assert report.rebuilt is True
    assert report.added == ALL and report.changed == [] and report.removed == []
    assert sorted(set(writes["added"])) == ALL
    assert_consistent(index)
    # The index lives in the cache directory named by the environment, not in the reviews.
    assert index.dir.is_relative_to(Path(os.environ["BALLERINA_TUI_CACHE_DIR"]))
    assert not any(p.suffix in (".toc", ".seg") for p in bundled_copy.rglob("*"))
    status = index.status()
    assert status["reviews"] == 4
    assert status["passages"] == sum(status["passages_per_review"].values()) > 200
    assert status["in_memory"] is False and status["note"] is None


def test_second_open_is_a_no_op(indexed_copy, writes):
    first = open_index(indexed_copy)
    generation = first.ensure().latest_generation()
    manifest = first.manifest_path.read_bytes()
    writes["added"].clear()

    again = open_index(indexed_copy)
    assert again.last_update.touched == []
    assert again.last_update.rebuilt is False
    assert writes == {"added": [], "deleted": []}
    assert again.ensure().latest_generation() == generation
    assert again.manifest_path.read_bytes() == manifest


def test_changing_one_review_reindexes_only_that_review(indexed_copy, writes):
    before = open_index(indexed_copy)
    others_before = [f for f in stored(before) if f["rid"] != "preview"]
    writes["added"].clear()

    path = indexed_copy / "preview.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nA new closing line about zanzibar.\n",
        encoding="utf-8",
    )
    after = open_index(indexed_copy)
    assert after.last_update.changed == ["preview"]
    assert after.last_update.added == [] and after.last_update.removed == []
    assert after.last_update.rebuilt is False
    # Only the changed review's documents were written; the others were left alone.
    assert set(writes["added"]) == {"preview"}
    assert len(writes["added"]) == len(
        review_passages(after.corpus.get("preview"), after.characters)
    )
    assert ("rid", "preview") in writes["deleted"]
    assert all(text == "preview" for _, text in writes["deleted"])
    assert [f for f in stored(after) if f["rid"] != "preview"] == others_before
    assert_consistent(after)
    assert search_ids(after, "zanzibar") == ["preview"]


def test_adding_and_removing_a_review(indexed_copy, writes):
    open_index(indexed_copy)
    writes["added"].clear()
    (indexed_copy / "extra.md").write_text(
        "---\nid: extra\nhandle: xtra\n---\n# Extra\n\nA review that praises the quokka.\n",
        encoding="utf-8",
    )
    added = open_index(indexed_copy)
    assert added.last_update.added == ["extra"]
    assert added.last_update.changed == [] and added.last_update.removed == []
    assert set(writes["added"]) == {"extra"}
    assert search_ids(added, "quokka") == ["extra"]
    assert search_ids(added, "by:xtra quokka") == ["extra"]
    assert_consistent(added)

    writes["added"].clear()
    (indexed_copy / "extra.md").unlink()
    (indexed_copy / "critic.md").unlink()
    removed = open_index(indexed_copy)
    assert sorted(removed.last_update.removed) == ["critic", "extra"]
    assert removed.last_update.added == [] and removed.last_update.changed == []
    assert writes["added"] == []
    assert_consistent(removed)
    with Searcher(removed) as searcher:
        assert searcher.search("quokka").hits == []
        assert searcher.search('"Peter Deming"').hits == []


def test_renaming_a_review_file_keeps_its_id(indexed_copy):
    open_index(indexed_copy)
    (indexed_copy / "critic.md").rename(indexed_copy / "renamed.md")
    index = open_index(indexed_copy)  # the id comes from the front matter
    assert index.last_update.touched == []
    assert_consistent(index)


def test_changed_characters_file_needs_no_rebuild(indexed_copy):
    # Characters are not indexed: character: queries expand to the cards' names when the
    # query runs, so a new card (in the file, or found in the reviews) costs no rebuild.
    before = open_index(indexed_copy)
    with Searcher(before) as searcher:
        result = searcher.search('character:"Peter Deming"')
        # No card yet: the name is searched as text, and the note says so.
        assert [h.review for h in result.hits] == ["critic"]
        assert result.notes == [
            "no character card called 'Peter Deming'; searching the text for it"
        ]
        assert "deming" not in result.hits[0].characters

    characters = indexed_copy.parent / "characters.yaml"
    characters.write_text(
        characters.read_text(encoding="utf-8")
        + "  - id: deming\n    name: Peter Deming\n    kind: person\n",
        encoding="utf-8",
    )
    after = open_index(indexed_copy)
    assert after.last_update.rebuilt is False
    assert after.last_update.touched == []
    assert_consistent(after)
    with Searcher(after) as searcher:
        hits = searcher.search("character:deming").hits
    assert [h.review for h in hits] == ["critic"]
    assert "deming" in hits[0].characters


def test_rebuild_on_request(indexed_copy):
    open_index(indexed_copy)
    index = ReviewIndex(load_corpus(indexed_copy))
    index.ensure(rebuild=True)
    assert index.last_update.rebuilt is True
    assert index.last_update.added == ALL
    assert_consistent(index)


def test_one_index_per_folder(bundled_copy, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "solo.md").write_text("# Solo\n\nA lonely review of a ballet.\n", encoding="utf-8")
    a, b = open_index(bundled_copy), open_index(other)
    assert a.dir != b.dir and a.dir.parent == b.dir.parent
    assert Counter(f["rid"] for f in stored(b)) == {"solo": 2}
    assert_consistent(a)


def test_long_paragraphs_are_cut_at_sentence_ends_with_exact_offsets(tmp_path):
    sentence = "The ballerina spins across the stage and the audience holds its breath. "
    (tmp_path / "long.md").write_text(
        "# Long\n\n" + sentence * 200 + "\n\nShort one.\n", encoding="utf-8"
    )
    corpus = load_corpus(tmp_path)
    index = open_index(tmp_path)
    passages = review_passages(corpus.get("long"), index.characters)
    review = corpus.get("long")
    long_parts = [p for p in passages if "ballerina" in p.text]
    assert len(long_parts) >= 4
    for passage in long_parts:
        assert 0 < len(passage.text) <= MAX_PASSAGE_CHARS
        assert review.text[passage.start : passage.end] == passage.text
        assert passage.text.endswith("breath.")  # cut after a sentence, not mid-word
    # Together the pieces cover the whole paragraph.
    joined = " ".join(p.text for p in long_parts)
    assert joined == (sentence * 200).strip()
    assert_consistent(index)


def test_empty_review_is_indexed_as_nothing_and_stays_fresh(bundled_copy):
    (bundled_copy / "empty.md").write_bytes(b"")
    first = open_index(bundled_copy)
    assert "empty" in first.last_update.added
    assert_consistent(first)
    assert open_index(bundled_copy).last_update.touched == []


# --------------------------------------------------------------------------- damage


def _garbage_everything(index):
    for path in index.dir.iterdir():
        if path.name != "manifest.json" and path.is_file():
            path.write_bytes(os.urandom(max(64, path.stat().st_size)))


def _garbage_toc(index):
    for path in index.dir.glob("*.toc"):
        path.write_bytes(b"\x00garbage" * 50)


def _truncate_toc(index):
    for path in index.dir.glob("*.toc"):
        path.write_bytes(path.read_bytes()[:20])


def _garbage_segments(index):
    for path in index.dir.glob("*.seg"):
        path.write_bytes(os.urandom(path.stat().st_size))


def _delete_segments(index):
    for path in index.dir.glob("*.seg"):
        path.unlink()


def _manifest(text):
    def mangle(index):
        index.manifest_path.write_text(text, encoding="utf-8")

    return mangle


def _manifest_edit(edit):
    def mangle(index):
        data = json.loads(index.manifest_path.read_text(encoding="utf-8"))
        edit(data)
        index.manifest_path.write_text(json.dumps(data), encoding="utf-8")

    return mangle


DAMAGE = {
    "garbage-all-files": _garbage_everything,
    "garbage-toc": _garbage_toc,
    "truncated-toc": _truncate_toc,
    "garbage-segments": _garbage_segments,
    "deleted-segments": _delete_segments,
    "manifest-not-json": _manifest("{{{ not json"),
    "manifest-empty": _manifest(""),
    "manifest-a-list": _manifest("[1, 2, 3]"),
    "manifest-reviews-a-list": _manifest_edit(lambda m: m.update(reviews=["critic"])),
    "manifest-reviews-a-number": _manifest_edit(lambda m: m.update(reviews=7)),
    "manifest-old-schema": _manifest_edit(lambda m: m.update(schema=-1)),
    "manifest-wrong-digest": _manifest_edit(lambda m: m["reviews"].update(critic="0" * 64)),
    "manifest-forgets-a-review": _manifest_edit(lambda m: m["reviews"].pop("critic")),
    "manifest-wrong-generation": _manifest_edit(lambda m: m.update(generation=999)),
    "manifest-deleted": lambda index: index.manifest_path.unlink(),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_is_repaired_and_search_works(indexed_copy, damage):
    DAMAGE[damage](open_index(indexed_copy))
    index = ReviewIndex(load_corpus(indexed_copy))
    with Searcher(index) as searcher:
        hits = searcher.search('"Peter Deming"').hits
    assert [h.review for h in hits] == ["critic"]
    assert_consistent(index)
    # Repaired for good: the next open has nothing to do.
    assert open_index(indexed_copy).last_update.touched == []


def test_process_that_died_before_its_manifest(indexed_copy):
    """An index committed without its manifest is rebuilt, not trusted blindly.

    (Issue 11: its files no longer match the digests in the manifest, and Whoosh's files
    are pickles, so it is never opened; before, the index was asked what it held.)"""
    index = open_index(indexed_copy)
    old_manifest = index.manifest_path.read_text(encoding="utf-8")
    path = indexed_copy / "breakdown.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA line about kumquats.\n", "utf-8")
    open_index(indexed_copy)
    index.manifest_path.write_text(old_manifest, encoding="utf-8")  # as if never written

    again = open_index(indexed_copy)
    assert again.last_update.rebuilt is True
    assert sorted(again.last_update.added) == sorted(again.wanted())
    assert_consistent(again)
    assert search_ids(again, "kumquats") == ["breakdown"]


def test_recover_throws_the_index_away(indexed_copy):
    index = open_index(indexed_copy)
    _garbage_everything(index)
    index.recover()
    assert index.last_update.rebuilt is True
    assert_consistent(index)


# --------------------------------------------------------------------------- concurrency


def _index_command(folder: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ballerina_tui",
            "--reviews",
            str(folder),
            "index",
            "--json",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


@pytest.mark.slow
def test_two_processes_updating_at_once_take_turns(indexed_copy):
    open_index(indexed_copy)
    rounds = [("critic.md", "preview.md"), ("breakdown.md", "critic.md", "wickverse.md")]
    for n, names in enumerate(rounds):
        for name in names:
            path = indexed_copy / name
            path.write_text(path.read_text("utf-8") + f"\nRound {n} line xylophone{n}.\n", "utf-8")
        procs = [_index_command(indexed_copy) for _ in range(2)]
        outputs = [p.communicate(timeout=120) for p in procs]
        for proc, (_out, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err
            assert "Traceback" not in err
        reports = [json.loads(out)["last_update"] for out, _ in outputs]
        # One of them did the update, the other found it done: nothing twice, nothing lost.
        changed = sorted(c for r in reports for c in r["changed"])
        assert changed == sorted(Path(name).stem for name in names)
        index = open_index(indexed_copy)
        assert index.last_update.touched == []
        assert_consistent(index)
        assert search_ids(index, f"xylophone{n}")

    # Two forced rebuilds while two other instances search: nobody sees the index vanish.
    search = [sys.executable, "-m", "ballerina_tui", "--reviews", str(indexed_copy)]
    search += ["search", "--json", "Peter Deming"]
    procs = [_index_command(indexed_copy, "--rebuild") for _ in range(2)]
    procs += [subprocess.Popen(search, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    procs += [_index_command(indexed_copy, "--rebuild")]
    procs += [subprocess.Popen(search, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        if "search" in proc.args:
            assert [h["review"] for h in json.loads(out)["hits"]] == ["critic"]
    assert_consistent(open_index(indexed_copy))


@pytest.mark.slow
def test_an_update_waits_for_the_lock_and_a_killed_holder_leaves_none(indexed_copy):
    index = open_index(indexed_copy)
    path = indexed_copy / "critic.md"
    path.write_text(path.read_text("utf-8") + "\nA line about marmalade.\n", "utf-8")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from ballerina_tui.paths import file_lock\n"
            "with file_lock(Path(sys.argv[1])):\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(60)\n",
            str(index.lock_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        waiter = _index_command(indexed_copy)
        time.sleep(1.0)
        assert waiter.poll() is None, "the update did not wait for the lock"
        holder.kill()  # kill -9 while holding the lock
        holder.wait(timeout=10)
        out, err = waiter.communicate(timeout=60)
        assert waiter.returncode == 0, err
        assert json.loads(out)["last_update"]["changed"] == ["critic"]
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert_consistent(open_index(indexed_copy))


# --------------------------------------------------------------------------- no cache


def test_cache_path_that_cannot_be_a_folder_gives_an_in_memory_index(
    bundled_copy, tmp_path, monkeypatch
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache should be", encoding="utf-8")
    monkeypatch.setenv("BALLERINA_TUI_CACHE_DIR", str(blocker / "cache"))
    index = open_index(bundled_copy)
    assert index.in_memory
    assert "in-memory" in index.note
    assert index.status()["path"] is None
    assert_consistent(index)
    assert search_ids(index, '"Peter Deming"') == ["critic"]
    assert blocker.read_text(encoding="utf-8") == "a file where the cache should be"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="file permissions do not restrict root",
)
def test_read_only_cache_dir_gives_an_in_memory_index(bundled_copy, tmp_path, monkeypatch):
    cache = tmp_path / "ro-cache"
    cache.mkdir()
    cache.chmod(0o500)
    monkeypatch.setenv("BALLERINA_TUI_CACHE_DIR", str(cache))
    try:
        index = open_index(bundled_copy)
        assert index.in_memory
        assert "in-memory" in index.note
        assert search_ids(index, '"Peter Deming"') == ["critic"]
        assert list(cache.iterdir()) == []
    finally:
        cache.chmod(0o700)


def test_cli_reports_the_in_memory_fallback(bundled_copy, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    env = {**os.environ, "BALLERINA_TUI_CACHE_DIR": str(blocker / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "ballerina_tui", "--reviews", str(bundled_copy), "index", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    status = json.loads(proc.stdout)
    assert status["in_memory"] is True and status["path"] is None
    assert status["passages"] > 200
    assert "warning" in proc.stderr and "in-memory" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_bundled_folder_is_never_written(corpus, tmp_path):
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*")}
    index = ReviewIndex(corpus, root=tmp_path / "cache")
    index.ensure()
    assert index.dir.is_relative_to(tmp_path / "cache")
    after = {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*")}
    assert before == after
    shutil.rmtree(tmp_path / "cache")
