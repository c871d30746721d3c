"""The look-ups that let discovery group names without comparing all against all give
what comparing all against all gives (:mod:`ballerina_tui.characters.discover`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ballerina_tui.characters.discover import (
    _edit1,
    _one_letter_apart,
    _same_spelling,
    _Within,
    _Words,
)

# Few letters, so that words one edit apart, shared prefixes and containment are common.
word = st.text(alphabet="abcde", min_size=1, max_size=7)
names = st.lists(st.lists(word, min_size=1, max_size=3).map(" ".join), max_size=40, unique=True)


def _brute_one_letter_apart(keys, tokens):
    out = []
    for i, a in enumerate(keys):
        for b in keys[:i]:
            if _same_spelling(tokens[a], tokens[b]):
                out.append((a, b))
                break
    return out


@settings(max_examples=300)
@given(names)
def test_one_letter_apart_finds_the_first_match_of_each_key(keys):
    tokens = {k: tuple(k.split()) for k in keys}
    assert list(_one_letter_apart(keys, tokens)) == _brute_one_letter_apart(keys, tokens)


def test_one_letter_apart_on_names():
    keys = ["samoilova", "tony le stephanois", "samojlova", "tony le stephannois", "tony"]
    tokens = {k: tuple(k.split()) for k in keys}
    assert list(_one_letter_apart(keys, tokens)) == [
        ("samojlova", "samoilova"),
        ("tony le stephannois", "tony le stephanois"),
    ]


@settings(max_examples=300)
@given(names, st.lists(word, min_size=1, max_size=3).map(" ".join))
def test_within_finds_every_name_holding_the_text(keys, part):
    texts = {k: " ".join(k.split()) for k in keys}
    within = _Within(texts)
    assert within.holding(part) == {k for k, t in texts.items() if part in t}
    for k in keys:  # every name holds itself, and only names that hold it are found
        assert k in within.holding(texts[k])
        assert all(texts[k] in texts[o] for o in within.holding(texts[k]))


@settings(max_examples=300)
@given(st.lists(word, max_size=60, unique=True), word)
def test_words_by_prefix_and_by_one_edit(words, probe):
    looked_up = _Words(words)
    assert sorted(looked_up.starting(probe)) == sorted({w for w in words if w.startswith(probe)})
    assert looked_up.one_letter_from(probe) == {w for w in words if _edit1(w, probe)}
