"""The fan's corrections: the store, re-applying after re-analysis, and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballerina_tui.claims import analyze
from ballerina_tui.corpus import load_corpus
from ballerina_tui.corrections import (
    LINK,
    UNLINK,
    ClaimRef,
    Correction,
    CorrectionStore,
    apply_corrections,
    corrections_key,
    evidence,
    make_correction,
    nearest,
    resolve,
)

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "reviews"


@pytest.fixture(scope="module")
def analysis(corpus):
    return analyze(corpus)


def _unique_pair(analysis):
    """A unique claim and its best candidate in another review (not in its group)."""
    for claim in analysis.claims:
        if claim.unique:
            for cid, _score in nearest(analysis, claim.id):
                if analysis.claim(cid).group != claim.group:
                    return claim, analysis.claim(cid)
    raise AssertionError("no unique claim with a candidate")


# --------------------------------------------------------------------------- store


def test_two_stores_merge_instead_of_overwriting(corpus, analysis, tmp_path):
    path = tmp_path / "c.yaml"
    one = CorrectionStore.for_corpus(corpus, path)
    two = CorrectionStore.for_corpus(corpus, path)  # both loaded the empty file
    a, b = _unique_pair(analysis)
    shared = next(c for c in analysis.claims if not c.unique)
    one.add(make_correction(LINK, a, b))
    two.add(make_correction(UNLINK, shared))
    assert [c.kind for c in two.items] == [LINK, UNLINK]
    assert len(CorrectionStore.for_corpus(corpus, path).items) == 2


def test_concurrent_processes_lose_nothing(corpus, analysis, tmp_path):
    path = tmp_path / "c.yaml"
    script = f"""
import sys
from ballerina_tui.corpus import load_corpus
from ballerina_tui.corrections import ClaimRef, CorrectionStore, make_correction
corpus = load_corpus({str(corpus.root)!r})
store = CorrectionStore.for_corpus(corpus, {str(path)!r})
n = int(sys.argv[1])
for k in range(10):
    a = ClaimRef("r%d" % n, "claim %d" % k)
    b = ClaimRef("other", "partner %d of %d" % (k, n))
    store.add(make_correction("link", a, b))
"""
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)]) for n in range(2)]
    assert all(p.wait(60) == 0 for p in procs)
    assert len(CorrectionStore.for_corpus(corpus, path).items) == 20


def test_unreadable_file_is_kept_aside_not_overwritten(corpus, analysis, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("corrections: [unclosed\n", encoding="utf-8")
    store = CorrectionStore.for_corpus(corpus, path)
    assert store.items == [] and "not valid YAML" in store.note
    assert path.read_text(encoding="utf-8") == "corrections: [unclosed\n"  # reading keeps it
    a, b = _unique_pair(analysis)
    store.add(make_correction(LINK, a, b))
    aside = [p for p in tmp_path.iterdir() if ".unreadable-" in p.name]
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == "corrections: [unclosed\n"
    assert len(CorrectionStore.for_corpus(corpus, path).items) == 1


def test_a_later_correction_replaces_the_one_it_overrides(corpus, analysis, tmp_path):
    store = CorrectionStore.for_corpus(corpus, tmp_path / "c.yaml")
    a, b = _unique_pair(analysis)
    store.add(make_correction(LINK, a, b))
    store.add(make_correction(UNLINK, b, a))
    assert [c.kind for c in store.reload()] == [UNLINK]
    store.add(make_correction(LINK, b, a))
    store.add(make_correction(UNLINK, a))  # out of every group: the link is moot
    assert [c.kind for c in store.reload()] == [UNLINK]


def test_survives_reanalysis_and_an_edit_elsewhere(bundled_copy):
    corpus = load_corpus(bundled_copy)
    before = analyze(corpus)
    a, b = _unique_pair(before)
    store = CorrectionStore.for_corpus(corpus)
    store.add(make_correction(LINK, a, b))
    # A new opening paragraph in a's review: every claim id after it moves on.
    review = corpus.get(a.review)
    review.path.write_text(
        review.text[: review.body_start]
        + "\nA whole new opening paragraph was written here by the reviewer today.\n\n"
        + review.text[review.body_start :],
        encoding="utf-8",
    )
    changed = load_corpus(bundled_copy)
    after = apply_corrections(analyze(changed), CorrectionStore.for_corpus(changed).items)
    new_a = resolve(ClaimRef.of(a), after)
    assert new_a is not None and new_a != a.id  # renumbered, and still found
    assert after.claim(new_a).text == a.text
    new_b = resolve(ClaimRef.of(b), after)
    assert after.claim(new_a).group == after.claim(new_b).group
    assert b.review in after.claim(new_a).shared_with


def test_a_claim_whose_text_is_gone_is_skipped(analysis):
    gone = ClaimRef(analysis.claims[0].review, "words that are in no review at all")
    assert resolve(gone, analysis) is None
    out = apply_corrections(analysis, [make_correction(LINK, gone, analysis.claims[-1])])
    assert [g.claims for g in out.groups] == [g.claims for g in analysis.groups]
    assert out.corrections_applied[0].active is False


# --------------------------------------------------------------------------- applying


def test_link_makes_both_shared_and_leaves_the_original_alone(analysis):
    a, b = _unique_pair(analysis)
    out = apply_corrections(analysis, [make_correction(LINK, a, b)])
    assert out.claim(a.id).group == out.claim(b.id).group
    assert b.review in out.claim(a.id).shared_with and not out.claim(a.id).unique
    assert a.review in out.claim(b.id).shared_with
    assert analysis.claim(a.id).unique and analysis.claim(a.id).group != analysis.claim(b.id).group
    # Groups the link did not touch keep their ids.
    touched = {a.group, b.group}
    kept = {g.id: g.claims for g in analysis.groups if g.id not in touched}
    assert all(out.group(gid).claims == ids for gid, ids in kept.items())
    assert len(out.groups) == len(analysis.groups) - 1
    assert out.to_json()["claims"][0].keys() == analysis.to_json()["claims"][0].keys()


def test_unlink_takes_a_claim_out_of_its_group(analysis):
    shared = next(
        c for c in analysis.claims if not c.unique and len(analysis.group(c.group).claims) == 2
    )
    partner = next(cid for cid in analysis.group(shared.group).claims if cid != shared.id)
    out = apply_corrections(analysis, [make_correction(UNLINK, shared)])
    assert out.claim(shared.id).unique and out.claim(shared.id).shared_with == []
    assert out.claim(partner).unique
    out2 = apply_corrections(analysis, [make_correction(UNLINK, analysis.claim(partner), shared)])
    assert out2.claim(shared.id).group != out2.claim(partner).group


def test_linking_a_conflicting_pair_hides_the_conflict(analysis):
    conflict = next(
        x for x in analysis.conflicts if analysis.claim(x.a).group != analysis.claim(x.b).group
    )
    a, b = analysis.claim(conflict.a), analysis.claim(conflict.b)
    out = apply_corrections(analysis, [make_correction(LINK, a, b)])
    assert (conflict.a, conflict.b) not in {(x.a, x.b) for x in out.conflicts}
    assert conflict.b not in out.claim(a.id).contradicts
    assert len(out.conflicts) == len(analysis.conflicts) - 1


def test_corrections_key_and_evidence(analysis):
    a, b = _unique_pair(analysis)
    link = make_correction(LINK, a, b)
    assert corrections_key([]) != corrections_key([link])
    assert corrections_key([link]) == corrections_key([make_correction(LINK, b, a)])
    out = apply_corrections(analysis, [link])
    assert evidence(out, a.id, b.id)["by_fan"] == LINK and evidence(out, a.id, b.id)["linked"]
    assert evidence(analysis, a.id, b.id)["linked"] is False


@pytest.mark.parametrize("cached", [False, True])
def test_a_corrected_copy_explains_with_the_engine_s_evidence(corpus, cached, tmp_path):
    """The app and the CLI explain from the corrected copy: its evidence for an unlinked
    pair is the engine's (the score ``near`` shows), not an empty "score 0.00"."""
    analyze(corpus)  # fills the on-disk cache
    source = analyze(corpus) if cached else analyze(corpus, cache=False)
    a, b = _unique_pair(source)
    score = dict(source.near[a.id])[b.id]
    for copy in (
        apply_corrections(source, []),
        apply_corrections(source, [make_correction(UNLINK, a, None)]),
    ):
        data = evidence(copy, a.id, b.id)
        assert data["score"] == pytest.approx(score, abs=1e-3)
        assert {"lexical", "dense", "coverage"} <= set(data)
        assert data["linked"] is False


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1), st.text(min_size=1), st.integers(-5, 10**6))
def test_stored_corrections_round_trip_any_text(review, text, start):
    ref = ClaimRef(review, text, start)
    if not text.strip():
        assert ClaimRef.from_dict(ref.to_dict()) is None
        return
    other = ClaimRef(review + "x", text + " y", 0)
    item = make_correction(LINK, ref, other)
    back = Correction.from_dict(item.to_dict())
    assert back == item and back.id == item.id
    assert ClaimRef(review, " " + text.replace(" ", "  ") + "\n").key == ref.key


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 10**6), st.integers(0, 10**6)), max_size=12)
)
def test_any_sequence_of_corrections_keeps_the_analysis_consistent(analysis, steps):
    claims = analysis.claims
    corrections = []
    for is_link, i, j in steps:
        a, b = claims[i % len(claims)], claims[j % len(claims)]
        if a.id == b.id:
            continue
        if is_link:
            corrections.append(make_correction(LINK, a, b))
        else:
            corrections.append(make_correction(UNLINK, a, b if j % 2 else None))
    out = apply_corrections(analysis, corrections)
    placed = [cid for g in out.groups for cid in g.claims]
    assert sorted(placed) == sorted(c.id for c in claims)  # each claim in exactly one group
    assert len({g.id for g in out.groups}) == len(out.groups)
    for claim in out.claims:
        group = out.group(claim.group)
        assert claim.id in group.claims
        assert claim.shared_with == [r for r in group.reviews if r != claim.review]
        assert claim.unique == (not claim.shared_with)
    for conflict in out.conflicts:  # none between claims the corrections put together
        together = out.claim(conflict.a).group == out.claim(conflict.b).group
        assert not together or (
            analysis.claim(conflict.a).group == analysis.claim(conflict.b).group
        )
    last = corrections[-1] if corrections else None
    if last is not None and last.kind == LINK:
        assert out.claim(resolve(last.a, out)).group == out.claim(resolve(last.b, out)).group


# --------------------------------------------------------------------------- CLI


def _cli(capsys, *args):
    from ballerina_tui.cli import main

    code = main(["--reviews", str(BUNDLED), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_link_shows_in_claims_report_and_export(capsys, analysis, corpus):
    from ballerina_tui.highlights import HighlightStore, make_highlight

    a, b = _unique_pair(analysis)
    HighlightStore.for_corpus(corpus).add(make_highlight(corpus.get(a.review), a.start, a.end))
    code, out, _ = _cli(capsys, "export", "-o", "-")
    assert code == 0 and "#unique" in out and "#shared" not in out
    code, out, _ = _cli(capsys, "link", a.id, b.id, "--json")
    assert code == 0
    data = json.loads(out)
    assert {c["id"] for c in data["claims"]} == {a.id, b.id}
    assert all(not c["unique"] for c in data["claims"])
    code, out, _ = _cli(capsys, "claims", "--json")
    claims = {c["id"]: c for c in json.loads(out)["claims"]}
    assert claims[a.id]["shared_with"] == [b.review] and claims[a.id]["group"]
    assert claims[a.id]["group"] == claims[b.id]["group"]
    code, out, _ = _cli(capsys, "report")
    shared_part = out.split("## Shared claims")[1].split("## Conflicts")[0]
    assert " ".join(a.text.split()[:6]) in " ".join(shared_part.split())
    code, out, _ = _cli(capsys, "export", "-o", "-")
    assert "#shared" in out and "#unique" not in out
    code, out, _ = _cli(capsys, "diff", a.review, b.review, "--json")
    rows = [r for r in json.loads(out)["rows"] if r["kind"] == "shared"]
    assert any({c["id"] for cs in r["cells"].values() for c in cs} == {a.id, b.id} for r in rows)
    code, out, _ = _cli(capsys, "corrections", "--json")
    listed = json.loads(out)["corrections"]
    assert [(c["kind"], c["claims"], c["active"]) for c in listed] == [("link", [a.id, b.id], True)]
    code, out, _ = _cli(capsys, "unlink", a.id, "--json")
    assert code == 0 and json.loads(out)["claims"][0]["unique"] is True
    code, out, _ = _cli(capsys, "claims", "--json")
    assert {c["id"]: c for c in json.loads(out)["claims"]}[a.id]["unique"] is True


def test_cli_errors_are_one_line(capsys, analysis):
    a, b = _unique_pair(analysis)
    code, _, err = _cli(capsys, "link", a.id, "nope:1")
    assert code == 2 and "no claim 'nope:1'" in err and err.count("\n") == 1
    same = next(c for c in analysis.claims if c.review == a.review and c.id != a.id)
    code, _, err = _cli(capsys, "link", a.id, same.id)
    assert code == 2 and "same review" in err
    code, _, err = _cli(capsys, "unlink", a.id, b.id)
    assert code == 2 and "not linked" in err
    code, out, _ = _cli(capsys, "corrections")
    assert code == 0 and "no corrections yet" in out
