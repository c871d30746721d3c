"""The sidebar entry adds up its lines' heights: it must give the height the joined text
would have at every width, or the list's lines and its entries disagree."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.content import Content

from ballerina_tui.app.widgets.review_entry import ReviewEntries, ReviewEntry

_WORDS = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FF) | st.sampled_from(" -—漢字"),
    max_size=90,
)


def _review(handle, title, rating, digest="d"):
    return SimpleNamespace(
        id=handle or "x",
        digest=digest,
        handle=handle,
        kind="user review",
        title=title,
        rating=rating,
    )


class _Rules(dict):
    """What OptionList passes as ``rules``: a mapping of style rules."""


@settings(max_examples=200, deadline=None)
@given(
    handle=_WORDS,
    title=_WORDS,
    rating=st.none() | st.sampled_from(["7/10", "10/10"]),
    counts=st.none() | st.tuples(*[st.integers(0, 10**6)] * 3),
    width=st.integers(1, 60),
    overflow=st.sampled_from(["fold", "ellipsis", "clip"]),
    wrap=st.sampled_from(["wrap", "nowrap"]),
)
def test_an_entry_is_as_high_as_its_joined_text(
    handle, title, rating, counts, width, overflow, wrap
):
    entries = ReviewEntries()
    tally = (
        None if counts is None else dict(zip(("unique", "shared", "conflict"), counts, strict=True))
    )
    entry = entries.entry(_review(handle, title, rating), tally)
    rules = _Rules(text_overflow=overflow, text_wrap=wrap)
    joined = Content("\n").join([part.content for part in entry.parts])
    assert entry.get_height(rules, width) == joined.get_height(rules, width)
    # Asked again (from the parts' caches), and after another width, the same.
    assert entry.get_height(rules, width + 7) == joined.get_height(rules, width + 7)
    assert entry.get_height(rules, width) == joined.get_height(rules, width)
    assert entry.plain == joined.plain == str(entry)


def test_parts_are_kept_per_review_and_per_tally():
    entries = ReviewEntries()
    a, b = _review("ann", "A title", None), _review("bob", "B title", "7/10")
    counts = {"unique": 1, "shared": 2, "conflict": 0}
    first, again = entries.entry(a, None), entries.entry(a, counts)
    assert first.parts[:2] == again.parts[:2]  # the same handle and title lines
    assert entries.entry(b, dict(counts)).parts[2] is again.parts[2]  # one tally line
    assert "+1 unique" in str(again) and "claims: …" in str(first)
    changed = _review("ann", "A new title", None, digest="e")  # the file was edited
    assert "A new title" in str(entries.entry(changed, None))
    assert isinstance(first, ReviewEntry)
