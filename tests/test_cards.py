"""Character cards as data, and the `characters` command."""

from __future__ import annotations

import json

from ballerina_tui.cards import build_cards, find_cards, review_mentions
from ballerina_tui.characters import load_characters
from ballerina_tui.cli import main
from ballerina_tui.corpus import load_corpus
from tests.test_app_support import FILM2, open_screen


def test_cards_count_mentions_per_reviewer(corpus):
    characters = load_characters(corpus.characters_path)
    cards = build_cards(corpus, characters)
    # Issue 9: the most-mentioned first (by reviewers, then mentions), every entry once.
    assert sorted(c.character.id for c in cards) == sorted(c.id for c in characters)
    keys = [(-c.readers, -c.total) for c in cards]
    assert keys == sorted(keys)
    assert cards[0].readers == len(corpus.reviews)
    for card in cards:
        # Only the reviews that name them (no claims without an analysis), in folder order.
        assert [line.review for line in card.reviewers] == [
            r.id for r in corpus.reviews if review_mentions(r, characters).get(card.character.id)
        ]
        assert [line.position for line in card.reviewers] == sorted(
            corpus.ids.index(line.review) for line in card.reviewers
        )
        assert card.reviewer_count == len(corpus.reviews)
        for line in card.reviewers:
            review = corpus.get(line.review)
            for mention in line.mentions:
                assert mention.passage_start <= mention.start < mention.end <= mention.passage_end
                text = review.text[mention.start : mention.end]
                assert characters.resolve(text) or text  # a real surface form
    assert sum(card.total for card in cards) > 0
    assert all(line.claims == [] for card in cards for line in card.reviewers)


def test_cards_carry_claims_and_conflicts(corpus):
    from ballerina_tui.claims import analyze

    characters = load_characters(corpus.characters_path)
    analysis = analyze(corpus)
    cards = build_cards(corpus, characters, analysis)
    claims = [c for card in cards for line in card.reviewers for c in line.claims]
    assert claims
    for card in cards:
        for line in card.reviewers:
            for claim in line.claims:
                assert claim.review == line.review
                assert card.character.id in (claim.characters or characters.mentioned(claim.text))
    # Every review that names the character or makes a claim about them has its line,
    # and no other (a scan of every review and claim, the way cards were once built).
    for card in cards:
        cid = card.character.id
        expected = {}
        for review in corpus.reviews:
            named = review_mentions(review, characters).get(cid, [])
            about = sorted(
                (
                    c
                    for c in analysis.for_review(review.id)
                    if cid in (c.characters or characters.mentioned(c.text))
                ),
                key=lambda c: c.start,
            )
            if named or about:
                expected[review.id] = (named, [c.id for c in about])
        got = {line.review: (line.mentions, [c.id for c in line.claims]) for line in card.reviewers}
        assert got == expected
        assert list(got) == [r for r in corpus.ids if r in expected]
    conflicted = [card for card in cards if card.conflicts]
    if analysis.conflicts:
        assert conflicted
    data = cards[0].to_json()
    assert set(data) >= {"name", "actor", "mentions", "reviewers", "conflicts"}
    assert data["reviewers_total"] == len(corpus.reviews)


def test_find_cards_by_actor_or_alias(corpus):
    characters = load_characters(corpus.characters_path)
    cards = build_cards(corpus, characters)
    someone = characters.characters[0]
    assert [c.character.id for c in find_cards(cards, characters, someone.actor)] == [someone.id]
    assert find_cards(cards, characters, "nobody-at-all") == []


def test_second_film_cards():
    corpus = load_corpus(FILM2)
    characters = load_characters(corpus.characters_path)
    cards = {c.character.id: c for c in build_cards(corpus, characters)}
    assert cards["harry"].total >= 4
    assert cards["harry"].line("noir").count >= 2


def test_characters_command_json(capsys):
    assert main(["--reviews", str(FILM2), "characters", "--json", "Orson Welles"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in data["characters"]] == ["Harry Lime"]
    assert data["characters"][0]["mentions"]["noir"] >= 2
    assert main(["--reviews", str(FILM2), "characters", "nobody"]) == 2
    assert main(["--reviews", str(FILM2), "characters"]) == 0
    assert "Holly Martins" in capsys.readouterr().out


# --------------------------------------------------------------------------- the app


def test_large_folders_build_the_cards_off_the_ui_thread(monkeypatch):
    """From BACKGROUND_FROM reviews (lowered here) the screen opens at once, says so, and
    fills in when the cards are built; the head and the list are cut to the reviewers
    shown (HEAD_REVIEWERS, ITEM_REVIEWERS: lowered too) with a count of the rest."""
    import asyncio

    from ballerina_tui.app import background
    from ballerina_tui.app.screens import cards as cards_screen
    from tests.test_app_support import hold, make_app, wait_until

    monkeypatch.setattr(background, "BACKGROUND_FROM", 1)
    monkeypatch.setattr(cards_screen, "HEAD_REVIEWERS", 1)
    monkeypatch.setattr(cards_screen, "ITEM_REVIEWERS", 1)
    release, _real = hold(monkeypatch, cards_screen, "_cards_of")

    async def go():
        app = make_app()
        try:
            async with app.run_test(size=(100, 32)) as pilot:
                screen = await open_screen(app, pilot, "c")
                listed = screen.query_one("#characters")
                assert "building the cards" in str(listed.get_option_at_index(0).prompt)
                await pilot.press("down", "up")  # the app answers meanwhile
                release.set()
                await wait_until(lambda: screen.cards, pilot)
                assert screen.cards and listed.option_count == len(screen.cards)
                card = screen.cards[0]
                head = screen.query_one("#card-head").render().plain
                assert card.readers > 1 and f"… and {card.readers - 1:,} more" in head
                items = screen.query_one("#card-items")
                prompts = [str(o.prompt) for o in items.options]
                said = [line for line in card.reviewers if line.count or line.claims]
                assert f"… and {len(said) - 1:,} more reviewers" in "\n".join(prompts)
                # One reviewer's section: their heading line, then their claims.
                headings = [p for p in prompts if "mention(s)" in p]
                assert len(headings) == 1 and said[0].handle in headings[0]
        finally:
            release.set()

    asyncio.run(go())
