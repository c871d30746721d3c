"""``claims --json`` is written claim by claim (issue 10): the same text as encoding the
whole document at once, without holding it (at 10,000 generated reviews the document is
3.8 GB, nearly all of it ``shared_with`` of groups spanning thousands of reviews)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballerina_tui.claims import analyze
from ballerina_tui.claims.model import Claim, ClaimAnalysis, ClaimGroup, _others
from ballerina_tui.corpus import load_corpus

ROOT = Path(__file__).resolve().parent.parent
RIFIFI = Path("/work/shared/films/rififi")


def _whole(analysis, **kw) -> str:
    return json.dumps(analysis.to_json(**kw), ensure_ascii=False, indent=2)


def _streamed(analysis, **kw) -> str:
    return "".join(analysis.iter_json(**kw))


def _folders():
    yield ROOT / "data" / "reviews"
    if RIFIFI.is_dir():
        yield RIFIFI


@pytest.mark.parametrize("folder", list(_folders()), ids=lambda p: p.name)
def test_streamed_json_is_the_whole_document(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("BALLERINA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    corpus = load_corpus(folder)
    analysis = analyze(corpus, cache=False)
    assert any(len(c.shared_with) > 1 for c in analysis.claims)
    assert _streamed(analysis) == _whole(analysis)
    first = corpus.reviews[0].id
    for kw in ({"review": first}, {"unique_only": True}, {"review": first, "unique_only": True}):
        assert _streamed(analysis, **kw) == _whole(analysis, **kw)


def _claim(n: int, review: str, group: str, text: str = "A claim.") -> Claim:
    return Claim(f"{review}:{n}", review, text, "", 0, len(text), group=group)


def test_every_place_of_the_own_review_and_plain_lists():
    reviews = ["a", "b", "c", "d"]
    claims = [_claim(1, r, "g1", f'say "{r}"\n\u2028') for r in reviews]
    claims.append(_claim(1, "e", "g2"))
    for claim in claims[:4]:
        claim.shared_with = _others(reviews, claim.review)
        claim.unique = False
    claims[0].shared_with = ["b", "c", "d"]  # a list, as corrections make
    claims[1].contradicts = ["c:1"]
    groups = [
        ClaimGroup("g1", [c.id for c in claims[:4]], reviews),
        ClaimGroup("g2", ["e:1"], ["e"]),
    ]
    analysis = ClaimAnalysis([], claims, groups, [])
    analysis.near = {"a:1": [("b:1", 0.5), ("c:1", 0.25)]}
    analysis.links = {("a:1", "b:1"): {"score": 0.9}, ("b:1", "e:1"): {"score": 0.1}}
    assert _streamed(analysis) == _whole(analysis)
    assert json.loads(_streamed(analysis))["groups"][0]["links"] == [
        {"a": "a:1", "b": "b:1", "score": 0.9}
    ]


def test_nothing_selected():
    analysis = ClaimAnalysis([], [], [], [])
    assert _streamed(analysis) == _whole(analysis)


def test_the_encoder_writes_what_json_dumps_writes():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from ballerina_tui.claims.model import _indented

    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
    values = st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.tuples(inner, inner)
            | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        ),
        max_leaves=20,
    )

    @settings(max_examples=300, deadline=None)
    @given(values, st.integers(0, 8))
    def check(value, depth):
        expected = json.dumps(value, ensure_ascii=False, indent=2)
        assert _indented(value, depth) == expected.replace("\n", "\n" + " " * depth)

    check()


def _listing(capsys, monkeypatch, terminal: bool) -> list[str]:
    import ballerina_tui.cli_claims as cli_claims
    from ballerina_tui.cli import main

    if terminal:
        from rich.console import Console

        def console(stream=None):
            return Console(
                file=stream, force_terminal=True, color_system="standard", width=80, highlight=False
            )

        monkeypatch.setattr(cli_claims, "_console", console)
    assert main(["--reviews", str(ROOT / "data" / "reviews"), "claims"]) == 0
    return capsys.readouterr().out.splitlines()


def test_plain_claims_into_a_pipe_is_one_line_per_claim(capsys, monkeypatch):
    """Into a pipe or a file, ``claims`` writes one unwrapped line per claim (Rich's
    wrapping took 78 s at 10,000 reviews); on a terminal it still wraps, in colour."""
    corpus = load_corpus(ROOT / "data" / "reviews")
    analysis = analyze(corpus)
    lines = _listing(capsys, monkeypatch, terminal=False)
    heads = [line for line in lines if not line.startswith("  ")]
    claims = [line for line in lines if line.startswith("  ")]
    assert len(heads) == len(corpus.reviews)
    assert len(claims) == len(analysis.claims)
    glyphs = {"unique": "+", "shared": "=", "conflict": "≠"}
    for line, claim in zip(claims, analysis.claims, strict=True):
        assert line.startswith(f"  {glyphs[claim.status]} {claim.text}")
        assert ("  = " in line) == bool(claim.shared_with)
    assert "\x1b" not in "".join(lines)
    shown = _listing(capsys, monkeypatch, terminal=True)
    assert any("\x1b[" in line for line in shown)  # colour on a terminal
    assert max(len(line) for line in shown) < max(len(line) for line in lines)  # wrapped


def test_a_claim_over_a_line_break_is_still_one_line(tmp_path, capsys):
    from ballerina_tui.cli import main

    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\nid: a\ntitle: A\n---\nThe heist runs for half an hour\nwithout a word of dialogue.\n",
        "utf-8",
    )
    (folder / "b.md").write_text(
        "---\nid: b\ntitle: B\n---\nThe music swells over the final chase.\n", "utf-8"
    )
    assert main(["--reviews", str(folder), "claims"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "  + The heist runs for half an hour without a word of dialogue." in lines
    assert len([line for line in lines if line.startswith("  ")]) == 2


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=40),
    section=st.text(max_size=10),
    ids=st.lists(st.text(min_size=1, max_size=8), min_size=2, max_size=5, unique=True),
    near=st.lists(
        st.tuples(st.text(max_size=6), st.floats(allow_nan=True, allow_infinity=True)),
        max_size=4,
    ),
    unique=st.booleans(),
    start=st.integers(-5, 10**12),
)
def test_a_claim_written_out_equals_the_generic_encoder(text, section, ids, near, unique, start):
    """The written-out claim text (``ClaimAnalysis._claim_text``) against the generic
    encoder, for any text, ids, scores (NaN and infinities fall back) and lists."""
    from ballerina_tui.claims.model import _claim_text, _SharedWithText

    review = ids[0]
    claim = Claim(f"{review}:1", review, text, section, start, start + len(text), group="g1")
    claim.unique = unique
    claim.contradicts = [f"{r}:2" for r in ids[2:]]
    claim.shared_with = _others(ids, review) if not unique else []
    analysis = ClaimAnalysis([], [claim], [ClaimGroup("g1", [claim.id], ids)], [])
    analysis.near = {claim.id: near}
    expected = _claim_text(analysis._claim_json(claim, shared_with=False), claim, _SharedWithText())
    assert analysis._claim_text(claim, _SharedWithText()) == expected


@given(
    st.lists(st.sampled_from("abcdefgh"), min_size=0, max_size=8, unique=True),
    st.sampled_from("abcdefghz"),
    st.integers(-10, 10) | st.none(),
    st.integers(-10, 10) | st.none(),
    st.sampled_from([None, 1, 2, -1, 3]),
)
def test_others_slices_like_the_list_it_stands_for(reviews, own, start, stop, step):
    from ballerina_tui.claims.model import Others

    others = Others(reviews, own)
    plain = [r for r in reviews if r != own]
    assert others[start:stop:step] == plain[start:stop:step]
    assert len(others) == len(plain) and list(others) == plain
