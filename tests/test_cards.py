"""Character cards as data, and the `characters` command."""

from __future__ import annotations

import json

from ballerina_tui.cards import build_cards, find_cards
from ballerina_tui.characters import load_characters
from ballerina_tui.cli import main
from ballerina_tui.corpus import load_corpus
from tests.test_app_support import FILM2


def test_cards_count_mentions_per_reviewer(corpus):
    characters = load_characters(corpus.characters_path)
    cards = build_cards(corpus, characters)
    # Issue 9: the most-mentioned first (by reviewers, then mentions), every entry once.
    assert sorted(c.character.id for c in cards) == sorted(c.id for c in characters)
    keys = [(-c.readers, -c.total) for c in cards]
    assert keys == sorted(keys)
    assert cards[0].readers == len(corpus.reviews)
    for card in cards:
        assert [line.review for line in card.reviewers] == corpus.ids
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
    conflicted = [card for card in cards if card.conflicts]
    if analysis.conflicts:
        assert conflicted
    data = cards[0].to_json()
    assert set(data) >= {"name", "actor", "mentions", "reviewers", "conflicts"}


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
