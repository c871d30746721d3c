"""The claim engine's shortcuts for large corpora give what the long way gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballerina_tui.claims.evidence import _Aligner
from ballerina_tui.claims.linking import build_claims
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "reviews"


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
