"""The look-ups that let discovery group names without comparing all against all give
what comparing all against all gives (:mod:`ballerina_tui.characters.discover`)."""

from __future__ import annotations

from hypothesis import example, given, settings
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


# Windows before a name: spaces, commas, colons, the words titles and credits end with, and
# letters that case folding turns into ASCII ones ("ſ" is "s", "K" is "k").
_window = st.lists(
    st.sampled_from(
        [
            "by",
            "By",
            "the",
            "The",
            "of",
            "with",
            "Director",
            "actor",
            "Beauty",
            "and",
            "starring",
            "without",
            "to",
            "an",
            "a",
            "on",
            "for",
            "mus",
            "ſ",
            "K",
            "ı",
            "İ",
            "é",
            "x",
            " ",
            "  ",
            ",",
            ":",
            "\t",
            "\n",
            "\u00a0",
            "\u2003",
            "Star",
            "War",
            ".",
            "'",
            "-",
        ]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=1000)
@given(_window)
@example("Beauty and the ")
@example("Gone without ")
@example("No Time to  ")
@example("Lord of\t")
@example("Once Upon a ")
@example("Ode on ")
@example("Love an ")
@example("Coming for ")
@example("Dances with ")
@example("directed by ")
@example("the director: ")
@example("the compoſ")
def test_the_cheap_checks_before_the_patterns_agree_with_the_patterns(window):
    from ballerina_tui.characters.discover import (
        _ROLE_HINT,
        _TITLE_TAIL,
        _role_hint,
        _title_tail,
    )

    assert _title_tail(window) == (_TITLE_TAIL.search(window) is not None)
    assert _role_hint(window) == (_ROLE_HINT.search(window) is not None)
