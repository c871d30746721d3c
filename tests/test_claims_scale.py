"""The claim engine's shortcuts for large corpora give what the long way gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballerina_tui.claims.evidence import _Aligner, _passage_map
from ballerina_tui.claims.linking import _normalised, build_claims
from ballerina_tui.claims.model import _UnionFind
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "reviews"


def _reps(claims) -> list[int]:
    uf = _UnionFind(len(claims))
    first: dict[str, int] = {}
    for i, claim in enumerate(claims):
        first.setdefault(_normalised(claim.text), i)
        uf.union(first[_normalised(claim.text)], i)
    return [uf.find(i) for i in range(len(claims))]


@pytest.fixture(params=["bundled", "with copies"])
def folder(request, tmp_path, monkeypatch):
    monkeypatch.setenv("BALLERINA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "reviews"
    shutil.copytree(BUNDLED, target)
    if request.param == "with copies":
        # A review that copies another's paragraphs under other headings: word-for-word
        # copies whose context (and so whose character terms) can differ.
        source = sorted(target.glob("*.md"))[0]
        text = source.read_text(encoding="utf-8").replace("\n## ", "\n## Also ")
        text = text.replace("id: ", "id: copy-", 1)
        (target / "zz-copy.md").write_text(text, encoding="utf-8")
    return target


def test_candidates_from_the_claims_equal_those_from_the_index(folder):
    corpus = load_corpus(folder)
    index = ReviewIndex(corpus)
    ix = index.ensure()
    mentions: list = []
    claims = build_claims(corpus, index.characters, None, mentions)
    aligner = _Aligner(claims, index.characters, mentions)
    rep = _reps(claims)
    if any(rid.startswith("copy-") for rid in corpus.ids):
        assert len(set(rep)) < len(rep) - 20  # the copies are there
    from_index = aligner.candidate_pairs(ix, _passage_map(ix, claims), rep)
    from_claims = aligner.candidate_pairs_from_claims(rep)
    assert len(from_index) > 200
    assert from_claims.keys() == from_index.keys()
    for pair, weight in from_index.items():
        assert from_claims[pair] == pytest.approx(weight, abs=1e-9)


def test_mentions_passed_along_give_the_same_features():
    corpus = load_corpus(BUNDLED)
    characters = ReviewIndex(corpus).characters
    mentions: list = []
    claims = build_claims(corpus, characters, None, mentions)
    assert len(mentions) == len(claims) and any(mentions)
    passed = _Aligner(claims, characters, mentions).features
    found = _Aligner(claims, characters).features
    assert passed == found


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="ab.._ é1,'\n", max_size=160),
    st.integers(0, 160),
    st.integers(0, 160),
)
def test_last_word_shortcut_equals_the_regex(text, pos, end):
    from ballerina_tui.claims import segmenting

    pos, end = min(pos, len(text)), min(max(pos, end), len(text))
    want = segmenting._LAST_WORD.search(text, pos, end)
    got = segmenting._last_word(text, pos, end)
    assert (want and want.span()) == (got and got.span())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["click", "here", "HERE", "ſubscribe", "sub", "scribe", "x"])))
def test_calls_to_action_shortcut_equals_the_regex(words):
    from ballerina_tui.claims import segmenting

    for text in (" ".join(words), "".join(words)):
        assert segmenting._calls_to_action(text) == bool(segmenting._CALL_TO_ACTION.search(text))


def test_analysis_pauses_the_garbage_collector_and_restores_it(tmp_path, monkeypatch):
    import gc

    from ballerina_tui.claims import analyze, linking
    from ballerina_tui.progress import Cancelled

    monkeypatch.setenv("BALLERINA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    corpus = load_corpus(BUNDLED)
    seen: list[bool] = []

    def stop(stage: str, done: int, total: int) -> None:
        seen.append(gc.isenabled())
        if stage == "claims" and done >= 2:
            raise Cancelled

    assert gc.isenabled()
    with pytest.raises(Cancelled):
        analyze(corpus, progress=stop, cache=False)
    assert seen and not any(seen)  # off while it ran
    assert gc.isenabled()  # and back after a cancel
    gc.disable()
    try:
        with linking.paused_gc(), linking.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # left as it was found: off
    finally:
        gc.enable()
    with linking.paused_gc():
        with linking.paused_gc():
            pass
        assert not gc.isenabled()  # an inner analysis ending does not turn it back on
    assert gc.isenabled()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abcdef"), unique=True, max_size=6), st.sampled_from("abcz"))
def test_shared_with_view_behaves_as_the_list(reviews, own):
    from ballerina_tui.claims.model import _others

    want = [r for r in reviews if r != own]
    view = _others(reviews, own)
    assert view == want and want == view and list(view) == want
    assert len(view) == len(want) and bool(view) == bool(want) and repr(view) == repr(want)
    assert [view[i] for i in range(-len(want), len(want))] == want + want
    assert view[1:] == want[1:]
