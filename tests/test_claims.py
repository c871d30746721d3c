"""The claim engine: segmentation, alignment, conflicts, JSON shape, CLI, hostile input."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballerina_tui.claims import (
    analyze,
    clause_spans,
    diff_rows,
    is_claim_text,
    segment_review,
    sentence_spans,
    word_diff,
)
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex

from .claims_eval import evaluate

# Floors for the labelled set (tests/data/claims_labelled.yaml). Measured at the time of
# writing (Claims v2): unique F1 0.769 (P 0.873, R 0.688), shared-link recall 0.831, 3 of
# 10 contradictions; claims-2.3 (function words in the coverage): F1 0.783 (P 0.889,
# R 0.700), link recall 0.844. A change that drops below these is a regression.
UNIQUE_F1_FLOOR = 0.75
SHARED_LINK_RECALL_FLOOR = 0.80
CONTRADICTIONS_FLOOR = 3


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    import os

    os.environ["BALLERINA_TUI_CACHE_DIR"] = str(tmp_path_factory.mktemp("claims-cache"))
    corpus = load_corpus(Path(__file__).resolve().parent.parent / "data" / "reviews")
    return corpus, analyze(corpus)


def write_reviews(folder: Path, reviews: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in reviews.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- quality


def test_labelled_set_scores_meet_floors(bundled, capsys):
    corpus, analysis = bundled
    scores = evaluate(corpus, analysis)
    with capsys.disabled():
        print(f"\nclaims vs labelled set: {scores.line()}")
    assert scores.unique_f1 >= UNIQUE_F1_FLOOR, scores.line()
    assert scores.shared_link_recall >= SHARED_LINK_RECALL_FLOOR, scores.line()
    assert scores.contradictions_found >= CONTRADICTIONS_FLOOR, scores.line()


def test_known_shared_and_unique_claims(bundled):
    corpus, analysis = bundled

    def claim_with(review, fragment):
        found = [c for c in analysis.for_review(review) if fragment in c.text]
        assert found, f"no claim of {review} contains {fragment!r}"
        return found[0]

    # Said in different words by three reviewers.
    timeline = claim_with("preview", "set between John Wick: Chapter 3 and Chapter 4")
    assert {"wickverse", "breakdown"} <= set(timeline.shared_with)
    assert not timeline.unique
    # Said by one reviewer only.
    deming = claim_with("critic", "Peter Deming")
    assert deming.unique and deming.shared_with == []
    hatten = claim_with("preview", "penned by Shay Hatten")
    assert hatten.unique
    # Only one reviewer names a "Mother Ruska": the claims that name her are hers alone.
    for claim in analysis.for_review("wickverse"):
        if "Mother Ruska" in claim.text:
            assert claim.unique, claim.text


def test_cameo_conflict_is_flagged_both_ways(bundled):
    corpus, analysis = bundled
    not_merely = next(
        c for c in analysis.for_review("wickverse") if "not merely as a cameo" in c.text
    )
    cameo = next(
        c
        for c in analysis.for_review("preview")
        if c.text.startswith("Even Keanu Reeves has a cameo")
    )
    assert cameo.id in not_merely.contradicts
    assert not_merely.id in cameo.contradicts
    assert not_merely.status == "conflict"
    conflict = next(k for k in analysis.conflicts if {k.a, k.b} == {cameo.id, not_merely.id})
    assert "cameo" in conflict.reason


# --------------------------------------------------------------------------- segmentation


def test_headings_questions_and_calls_to_action_are_not_claims(bundled):
    corpus, analysis = bundled
    texts = [c.text for c in analysis.claims]
    assert not any(t.rstrip('”"').endswith("?") for t in texts)
    assert not any("click here" in t for t in texts)
    for review in corpus.reviews:
        headings = {review.block_text(b) for b in review.blocks if b.kind == "heading"}
        assert not headings & {c.text for c in analysis.for_review(review.id)}


def test_a_sentence_asserting_two_things_is_two_claims():
    text = "Directed by Len Wiseman (Underworld), the film is penned by Shay Hatten (John Wick: Chapter 3, Army of the Dead)."
    pieces = [text[s:e] for s, e in clause_spans(text, 0, len(text))]
    assert pieces[0] == "Directed by Len Wiseman (Underworld)"
    assert pieces[1].startswith("the film is penned by Shay Hatten")
    # The comma inside the parentheses does not cut.
    assert "Army of the Dead)" in pieces[1]


def test_a_list_is_not_cut_but_clauses_are():
    listing = (
        "Velvet curtains, blood on marble floors, and haunting classical music elevate the movie."
    )
    assert len(clause_spans(listing, 0, len(listing))) == 1
    clauses = "Rooney has earned her place next to Baba Yaga—and the dance has only just begun."
    pieces = [clauses[s:e] for s, e in clause_spans(clauses, 0, len(clauses))]
    assert pieces == [
        "Rooney has earned her place next to Baba Yaga",
        "the dance has only just begun.",
    ]


def test_sentences_do_not_break_after_initials_or_abbreviations():
    text = "The score is by Tyler Bates and Joel J. Richard. It works vs. the odds. Next one!"
    spans = [text[s:e] for s, e in sentence_spans(text, 0, len(text))]
    assert spans == [
        "The score is by Tyler Bates and Joel J. Richard.",
        "It works vs. the odds.",
        "Next one!",
    ]


def test_cast_list_item_is_one_claim_per_name(bundled):
    corpus, analysis = bundled
    preview = analysis.for_review("preview")
    assert any(c.text == "Norman Reedus" for c in preview)
    assert any(c.text == "Gabriel Byrne" for c in preview)


def test_is_claim_text_rejects_non_claims():
    assert not is_claim_text("Who is directing Ballerina?")
    assert not is_claim_text("A second Ballerina movie could explore:")
    assert not is_claim_text("If you’re interested in more movie-related blogs, click here")
    assert not is_claim_text("Keywords: John Wick, Ballerina 2025")
    assert is_claim_text("Len Wiseman is directing the film.")


# --------------------------------------------------------------------------- JSON and API


def test_claims_json_has_exactly_the_documented_shape(bundled):
    corpus, analysis = bundled
    data = analysis.to_json()
    assert set(data) == {"reviews", "claims", "groups"}
    assert all(set(r) == {"id", "handle", "title"} for r in data["reviews"])
    keys = {
        "id",
        "review",
        "text",
        "section",
        "start",
        "end",
        "group",
        "shared_with",
        "unique",
        "contradicts",
        "near",
    }
    texts = {r.id: r.text for r in corpus.reviews}
    groups = {g["id"]: g for g in data["groups"]}
    claim_ids = {c["id"] for c in data["claims"]}
    for claim in data["claims"]:
        assert set(claim) == keys
        assert texts[claim["review"]][claim["start"] : claim["end"]] == claim["text"]
        group = groups[claim["group"]]
        assert claim["id"] in group["claims"]
        assert set(claim["shared_with"]) == set(group["reviews"]) - {claim["review"]}
        assert claim["unique"] == (not claim["shared_with"])
        assert set(claim["contradicts"]) <= claim_ids
        near = claim["near"]
        assert len(near) <= 3
        assert [n["score"] for n in near] == sorted((n["score"] for n in near), reverse=True)
        for n in near:
            assert set(n) == {"claim", "score"}
            assert analysis.claim(n["claim"]).review != claim["review"]
    linked = 0
    for group in data["groups"]:
        assert set(group) == {"id", "claims", "reviews", "links"}
        for link in group["links"]:
            assert {link["a"], link["b"]} <= set(group["claims"])
            assert {"score", "lexical", "dense", "names", "numbers", "aspects"} <= set(link)
            linked += 1
    # Every group of n claims from several reviews was made by links the JSON shows.
    assert linked >= sum(1 for g in data["groups"] if len(g["reviews"]) > 1)


def test_contradictions_are_symmetric(bundled):
    corpus, analysis = bundled
    for claim in analysis.claims:
        for other in claim.contradicts:
            assert claim.id in analysis.claim(other).contradicts
            assert analysis.claim(other).review != claim.review


def test_a_reviews_claims_counts_and_claim_at_match_a_scan_of_every_claim(bundled):
    """``for_review``, ``counts`` and ``claim_at`` read each review's claims from an index
    made once (the sidebar asks for all 10,000 reviews' counts); they must say what a scan
    of every claim says, in reading order, and nothing for an unknown review."""
    corpus, analysis = bundled
    for review in corpus.reviews:
        scanned = [c for c in analysis.claims if c.review == review.id]
        assert scanned and analysis.for_review(review.id) == scanned
        counts = {"unique": 0, "shared": 0, "conflict": 0}
        for c in scanned:
            counts[c.status] += 1
        assert analysis.counts(review.id) == counts
        for offset in range(0, len(review.text), 7):
            inside = [c for c in scanned if c.start <= offset < c.end]
            assert analysis.claim_at(review.id, offset) == (inside[0] if inside else None)
    analysis.for_review(corpus.reviews[0].id).clear()  # a copy: the analysis keeps its own
    assert analysis.for_review(corpus.reviews[0].id)
    assert analysis.for_review("no-such-review") == []
    assert analysis.counts("no-such-review") == {"unique": 0, "shared": 0, "conflict": 0}
    assert analysis.claim_at("no-such-review", 0) is None


def test_diff_rows_cover_every_claim_of_the_shown_reviews(bundled):
    corpus, analysis = bundled
    rows = diff_rows(analysis, ["preview", "critic"])
    shown = {
        c.id for row in rows if row.kind != "conflict" for cell in row.cells.values() for c in cell
    }
    expected = {c.id for c in analysis.claims if c.review in ("preview", "critic")}
    assert shown == expected
    for row in rows:
        present = [r for r, cell in row.cells.items() if cell]
        if row.kind == "shared":
            assert len(present) == 2
        elif row.kind == "unique":
            assert len(present) == 1


def test_word_diff_marks_only_the_differing_words():
    a = "Ballerina is set between Chapter 3 and Chapter 4."
    b = "The movie takes place between Chapter 3 and Chapter 4."
    spans_a, spans_b = word_diff(a, b)
    assert [a[s:e] for s, e in spans_a] == ["Ballerina", "is", "set"]
    assert [b[s:e] for s, e in spans_b] == ["The", "movie", "takes", "place"]


# --------------------------------------------------------------------------- other corpora


SECOND_FILM = {
    "ana.md": "---\nid: ana\nhandle: ana\ntitle: Harbour Lights\n---\n\n# Harbour Lights\n\n"
    "The film is directed by Mira Olsen. Composer Tomas Reyes wrote a haunting score. "
    "The lighthouse keeper never speaks to his daughter.\n",
    "ben.md": "---\nid: ben\nhandle: ben\ntitle: Lights on the harbour\n---\n\n"
    "Mira Olsen directs the film with patience. The lighthouse keeper speaks to his daughter "
    "in the last scene. The runtime is 142 minutes.\n",
}


def test_second_film_aligns_and_conflicts_without_any_film_knowledge(tmp_path):
    folder = write_reviews(tmp_path / "film2", SECOND_FILM)
    corpus = load_corpus(folder)
    analysis = analyze(corpus, ReviewIndex(corpus, root=tmp_path / "cache"))
    director = next(c for c in analysis.for_review("ana") if "Mira Olsen" in c.text)
    assert director.shared_with == ["ben"]
    composer = next(c for c in analysis.for_review("ana") if "Tomas Reyes" in c.text)
    assert composer.unique
    # No characters.yaml here, so no subject is known and nothing is called a conflict:
    # the engine does not guess who "his daughter" is.
    assert all(c.review in ("ana", "ben") for c in analysis.claims)


def test_a_review_that_copies_another_shares_everything(tmp_path):
    text = (
        SECOND_FILM["ana.md"].replace("id: ana", "id: copy").replace("handle: ana", "handle: copy")
    )
    folder = write_reviews(tmp_path / "copies", {**SECOND_FILM, "copy.md": text})
    corpus = load_corpus(folder)
    analysis = analyze(corpus, ReviewIndex(corpus, root=tmp_path / "cache"))
    for claim in analysis.for_review("copy"):
        assert "ana" in claim.shared_with, claim.text


@pytest.mark.parametrize(
    "body",
    [
        "",
        "# Only a heading\n",
        "One sentence that says something.\n",
        "[bold]Rooney[/] wins [@click=app.quit]. \x1b[31mRed\x1b[0m text with \x07 bell.\n",
        "Is this a question?\n",
    ],
)
def test_hostile_or_tiny_reviews_do_not_crash(tmp_path, body):
    folder = write_reviews(tmp_path / "tiny", {"a.md": body or "\n", **SECOND_FILM})
    corpus = load_corpus(folder)
    analysis = analyze(corpus, ReviewIndex(corpus, root=tmp_path / "cache"))
    for claim in analysis.claims:
        review = corpus.get(claim.review)
        assert review.text[claim.start : claim.end] == claim.text


def test_five_thousand_sentences_in_one_paragraph_stay_fast(tmp_path):
    sentences = " ".join(
        f"Critic number {n} praises scene {n % 97} of the film." for n in range(5000)
    )
    folder = write_reviews(tmp_path / "big", {"big.md": sentences + "\n", **SECOND_FILM})
    corpus = load_corpus(folder)
    started = time.perf_counter()
    analysis = analyze(corpus, ReviewIndex(corpus, root=tmp_path / "cache"))
    elapsed = time.perf_counter() - started
    assert len(analysis.for_review("big")) == 5000
    # Generous bound: this guards against quadratic blow-ups, not against a slow machine.
    assert elapsed < 120


# --------------------------------------------------------------------------- properties


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_segmentation_spans_always_index_the_text(text):
    from ballerina_tui.corpus import Block, Review

    body = text.replace("\r", "\n")
    blocks = []
    pos = 0
    for n, part in enumerate(body.split("\n")):
        if part.strip():
            blocks.append(Block("paragraph", pos, pos + len(part), "s", n))
        pos += len(part) + 1
    review = Review("r", "r", "t", "review", None, None, Path("r.md"), body, 0, blocks, "d")
    for start, end, _section, _block in segment_review(review):
        assert 0 <= start < end <= len(body)
        assert body[start:end].strip() == body[start:end]
        assert is_claim_text(body[start:end]) or "\n" not in body[start:end]


# --------------------------------------------------------------------------- CLI


def run_cli(*args, env=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "ballerina_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture
def cli_env(tmp_path):
    import os

    env = dict(os.environ)
    env["BALLERINA_TUI_CACHE_DIR"] = str(tmp_path / "cache")
    return env


def test_cli_claims_json_filters(cli_env):
    out = run_cli("claims", "--json", "--review", "critic", "--unique", env=cli_env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["claims"]
    assert all(c["review"] == "critic" and c["unique"] for c in data["claims"])
    assert {g["id"] for g in data["groups"]} == {c["group"] for c in data["claims"]}


def test_cli_diff_two_and_all(cli_env):
    out = run_cli("diff", "preview", "wickverse", "--json", env=cli_env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [r["id"] for r in data["reviews"]] == ["preview", "wickverse"]
    kinds = {row["kind"] for row in data["rows"]}
    assert {"unique", "shared", "conflict"} <= kinds
    human = run_cli("diff", env=cli_env)
    assert human.returncode == 0, human.stderr
    for glyph in ("+", "=", "≠"):
        assert glyph in human.stdout
    bad = run_cli("diff", "preview", env=cli_env)
    assert bad.returncode == 2 and "two reviews" in bad.stderr


def test_cli_report_writes_once_and_refuses_to_overwrite(cli_env, tmp_path):
    target = tmp_path / "report.md"
    first = run_cli("report", "-o", str(target), env=cli_env)
    assert first.returncode == 0, first.stderr
    text = target.read_text(encoding="utf-8")
    assert "## What each reviewer alone claims" in text
    assert "of 4 reviewers" in text
    assert "Peter Deming" in text
    second = run_cli("report", "-o", str(target), env=cli_env)
    assert second.returncode == 2 and "--force" in second.stderr
    assert target.read_text(encoding="utf-8") == text
    forced = run_cli("report", "-o", str(target), "--force", env=cli_env)
    assert forced.returncode == 0
    missing = run_cli("report", "-o", str(tmp_path / "nope" / "r.md"), env=cli_env)
    assert missing.returncode == 2 and "does not exist" in missing.stderr


# --------------------------------------------------------------------------- claims v2


def _claims_of(tmp_path, body: str) -> list[str]:
    folder = write_reviews(tmp_path / "r", {"one.txt": body})
    corpus = load_corpus(folder)
    return [corpus.reviews[0].text[s:e] for s, e, _sec, _p in segment_review(corpus.reviews[0])]


def test_fragments_join_the_sentence_they_belong_to(tmp_path):
    claims = _claims_of(
        tmp_path,
        "The heist takes thirty minutes without a word of dialogue. It is two. "
        "The robbers were shocked and scared. Shocked and scared.\n\n"
        "After five years in prison, Tony goes back to his old gang.\n",
    )
    assert "It is two." not in claims
    assert "Shocked and scared." not in claims
    assert not any(c.startswith("After five years") and c.endswith("prison") for c in claims)
    # Joined, with exact spans: the fragment is inside the claim before it.
    assert any(c.endswith("dialogue. It is two.") for c in claims), claims
    assert any(c.startswith("After five years in prison, Tony goes back") for c in claims)


def test_inline_name_list_is_one_claim_per_name(tmp_path):
    claims = _claims_of(
        tmp_path,
        "The film stars Jean Servais, Carl Möhner, Robert Manuel and Perlo Vita as the crew.\n",
    )
    assert "Carl Möhner" in claims and "Robert Manuel" in claims
    assert any(c.startswith("The film stars Jean Servais") for c in claims)


def test_a_bracketed_fact_at_the_end_is_its_own_claim(tmp_path):
    claims = _claims_of(
        tmp_path,
        "The safecracker is played by the director himself (he used a pseudonym in the "
        "credits).\n\nThe film opened in Paris (1955).\n",
    )
    assert "he used a pseudonym in the credits" in claims
    assert "The safecracker is played by the director himself" in claims
    assert any("(1955)" in c for c in claims)  # a year in brackets stays where it is


@pytest.mark.parametrize("film", ["rififi", "2001-a-space-odyssey", "the-aristocats"])
def test_real_reviews_have_few_fragments(film):
    from ballerina_tui.claims.refining import is_fragment

    folder = Path(__file__).resolve().parent.parent.parent / "shared" / "films" / film
    if not folder.is_dir():
        pytest.skip("../shared/films is not beside the clone")
    corpus = load_corpus(folder)
    claims = [
        (r.text[s:e], s, e, r) for r in corpus.reviews for s, e, _sec, _p in segment_review(r)
    ]
    assert len(claims) > 200
    for text, s, e, review in claims:
        assert review.text[s:e] == text
    fragments = [t for t, *_ in claims if is_fragment(t) and len(t.split()) > 3]
    # Names of a list and lines alone in their paragraph may remain; sentences do not.
    assert len(fragments) <= 0.06 * len(claims), fragments[:20]


def _analyze_folder(tmp_path, reviews: dict[str, str]):
    import os

    os.environ["BALLERINA_TUI_CACHE_DIR"] = str(tmp_path / "cache")
    corpus = load_corpus(write_reviews(tmp_path / "reviews", reviews))
    return analyze(corpus, cache=False)


FILLER = (
    "The score swells at every turn. The villain is thin. The sets look cheap but honest. "
    "The second half drags. The final shot lingers on the empty street.\n"
)


def test_two_different_numbers_are_not_a_conflict(tmp_path):
    analysis = _analyze_folder(
        tmp_path,
        {
            "a.txt": "After 50 years, it is still a highly watchable movie. " + FILLER,
            "b.txt": "I see a lot of movies at the cinema (103 so far this year). " + FILLER,
        },
    )
    assert analysis.conflicts == []


def test_two_runtimes_for_one_film_conflict_with_a_reason(tmp_path):
    analysis = _analyze_folder(
        tmp_path,
        {
            "a.txt": "The whole film runs a lean 95 minutes from start to finish. " + FILLER,
            "b.txt": "The whole film runs a long 140 minutes from start to finish. " + FILLER,
        },
    )
    reasons = [c.reason for c in analysis.conflicts]
    assert any("runtime" in r and "95" in r and "140" in r for r in reasons), reasons


def test_stated_versus_rumoured_is_a_conflict(tmp_path):
    analysis = _analyze_folder(
        tmp_path,
        {
            "a.txt": "Marlowe appears in a short cameo near the end of the film. " + FILLER,
            "b.txt": "Word on the street is that Marlowe might appear in a short cameo near "
            "the end of the film. " + FILLER,
        },
    )
    reasons = [c.reason for c in analysis.conflicts]
    assert any("possibility" in r for r in reasons), reasons


def test_evidence_for_linked_and_unlinked_pairs(bundled):
    _corpus, analysis = bundled
    (a, b), link = next(iter(analysis.links.items()))
    ev = analysis.evidence(a, b)
    assert ev["linked"] is True and ev["score"] == link["score"]
    assert {"lexical", "dense", "names", "numbers", "aspects", "why"} <= set(ev)
    unique = next(c for c in analysis.claims if c.unique and analysis.near.get(c.id))
    other, score = analysis.near[unique.id][0]
    ev = analysis.evidence(unique.id, other)
    assert ev["linked"] is False and ev["why"]
    assert abs(ev["score"] - score) < 1e-3
    for cid, cands in analysis.near.items():
        assert len(cands) <= 10
        assert all(analysis.claim(o).review != analysis.claim(cid).review for o, _s in cands)


MARLOWE = "characters:\n  - id: marlowe\n    name: Marlowe\n    kind: character\n"


def _denials(tmp_path, a: str, b: str) -> list[str]:
    """Conflicts between two one-claim reviews about an invented character."""
    analysis = _analyze_folder(
        tmp_path,
        {"characters.yaml": MARLOWE, "a.txt": f"{a}\n\n{FILLER}", "b.txt": f"{b}\n\n{FILLER}"},
    )
    return [c.reason for c in analysis.conflicts if "denied" in c.reason]


def test_a_plain_denial_of_what_the_other_asserts_is_a_conflict(tmp_path):
    # The control for the three scope rules below: the same words, denied outright.
    reasons = _denials(
        tmp_path,
        "Marlowe was not exiled to Paris by the studio bosses.",
        "Marlowe was exiled to Paris by the studio bosses.",
    )
    assert any("exiled" in r for r in reasons), reasons


def test_a_counterfactual_condition_denies_nothing(tmp_path):
    reasons = _denials(
        tmp_path,
        "If Marlowe had not been exiled to Paris by the studio bosses, this would not exist.",
        "Marlowe was exiled to Paris by the studio bosses.",
    )
    assert not any("exiled" in r for r in reasons), reasons


def test_a_contrast_the_other_also_names_is_no_denial(tmp_path):
    # "the beginning, not the end" against "from beginning to end": both name both ends.
    reasons = _denials(
        tmp_path,
        "Marlowe made his ending the beginning, not the end, of a long quarrel.",
        "Marlowe keeps every viewer gripped from beginning to end of the quarrel.",
    )
    assert not any("end" in r for r in reasons), reasons


def test_an_attributive_participle_is_not_what_is_denied(tmp_path):
    # "doesn't get the deserved credit" denies the credit, not that it deserves anything.
    reasons = _denials(
        tmp_path,
        "Sadly the Marlowe picture doesn't get the deserved credit from critics.",
        "The Marlowe picture deserves to be seen and remembered by critics.",
    )
    assert not any("deserv" in r for r in reasons), reasons


def test_a_question_is_told_from_a_statement():
    from ballerina_tui.claims.conflicts import is_question

    # A question cut at a line break (U+0085 in a pasted review) has lost its "?".
    assert is_question("Is Marlowe saying this is the end of man and the start of")
    assert is_question("Why would anyone sit through that twice?")
    assert is_question("Doesn't he deserve better")
    assert not is_question("Marlowe is exiled to Paris.")
