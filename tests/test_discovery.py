"""Character discovery (issue 9): scored on a labelled list, and the 10,000-alias matcher.

Recall and precision against ``tests/data/entities.yaml`` (for the bundled reviews,
``data/characters.yaml`` is the labelled list). Figures: ``benchmarks/bench_discovery.py``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballerina_tui.characters import Character, CharacterSet, corpus_characters
from ballerina_tui.characters.discover import discover_characters
from ballerina_tui.characters.merge import merge_characters, review_documents
from ballerina_tui.corpus import load_corpus
from tests import discovery_eval as ev

FILMS = ["rififi", "2001-a-space-odyssey", "the-aristocats"]


def _cards(folder):
    return discover_characters(review_documents(load_corpus(folder)))


def test_discovery_on_bundled_reviews_against_characters_yaml():
    corpus = load_corpus()
    cards = discover_characters(review_documents(corpus))
    known = ev.labels()["bundled"]["acceptable"] + ev.bundled_known(corpus)
    result = ev.score(cards, ev.bundled_expected(corpus), known)
    # Figures on the day of writing: recall 0.90, precision 1.00 (README).
    assert result["recall"] >= 0.8, result
    assert result["precision"] >= 0.8, result
    wick = next(c for c in cards if c.name == "John Wick")
    assert wick.actor == "Keanu Reeves" and wick.role == "character"
    assert all(c.source == "discovered" for c in cards)


@pytest.mark.parametrize("film", FILMS)
def test_discovery_on_real_reviews(film):
    folder = ev.FILMS / film
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    cards = _cards(folder)
    result = ev.score(cards, ev.labels()[film]["expected"], ev.labels()[film]["acceptable"])
    assert result["recall"] >= 0.8, result
    assert result["precision"] >= 0.85, result
    assert result["links_found"] >= result["links_total"] // 2, result


def test_no_junk_from_sentence_heads_and_headings():
    docs = [
        (
            f"r{n}",
            "Contains Spoilers. When Bruno meets Guy Haines (Farley Granger) on a train, "
            "Strangers On a Train begins. Overall the film works. Bruno Anthony is played by "
            "Robert Walker. Directed by Alfred Hitchcock. Hitchcock loved trains, and Hitch "
            "said so. Bruno smiles.",
        )
        for n in range(3)
    ]
    cards = discover_characters(docs)
    names = {c.name for c in cards}
    forms = {f for c in cards for f in (c.name, *c.aliases)}
    assert not names & {"When Bruno", "Contains Spoilers", "Contains", "Strangers On", "Overall"}
    guy = next(c for c in cards if c.name == "Guy Haines")
    assert guy.actor == "Farley Granger" and guy.kind == "character"
    bruno = next(c for c in cards if "Bruno" in (c.name, *c.aliases))
    assert bruno.actor == "Robert Walker"
    hitch = next(c for c in cards if c.name == "Alfred Hitchcock")
    assert hitch.role == "director" and {"Hitchcock", "Hitch"} <= set(hitch.aliases)
    assert "Bruno" in forms


def test_spelling_variants_group_into_one_card():
    docs = [
        ("a", "I think Tatiana Samoilova as Veronika is superb. Samoilova carries it."),
        ("b", "Samojlova is radiant, and Tatiana Samojlova plays Veronika."),
        ("c", "Veronika runs. Samoilova again."),
    ]
    cards = discover_characters(docs)
    veronika = next(c for c in cards if c.name == "Veronika")
    assert veronika.actor in ("Tatiana Samoilova", "Tatiana Samojlova")
    assert not any(c.name.startswith("Samo") or c.name.startswith("Tatiana") for c in cards)


def test_file_wins_and_discovered_people_are_added():
    file_set = CharacterSet(
        [Character("tony", "Tony", actor=None, aliases=("le Stéphanois",), description="d")]
    )
    discovered = [
        Character(
            "tony",
            "Tony",
            kind="character",
            actor="Jean Servais",
            aliases=("Tony S",),
            role="character",
            source="discovered",
        ),
        Character(
            "jules-dassin", "Jules Dassin", kind="person", role="director", source="discovered"
        ),
    ]
    merged = merge_characters(file_set, discovered)
    tony = merged.get("tony")
    assert tony.description == "d" and tony.source == "file"
    assert tony.actor == "Jean Servais" and "Tony S" in tony.aliases
    assert "le Stéphanois" in tony.aliases
    assert merged.get("jules-dassin").source == "discovered"
    assert [c.to_dict()["source"] for c in merged] == ["file", "discovered"]


def test_corpus_characters_is_cached_per_corpus():
    corpus = load_corpus()
    first = corpus_characters(corpus)
    assert corpus_characters(corpus) is first
    assert "the-director" in {c.id for c in first}  # the file's entries are kept


def test_index_characters_is_the_merged_set(tmp_path):
    from ballerina_tui.index import ReviewIndex

    corpus = load_corpus()
    index = ReviewIndex(corpus, root=tmp_path)
    assert index.characters is corpus_characters(corpus)
    assert any(c.source == "discovered" for c in index.characters)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=4))
def test_discovery_takes_any_text(texts):
    cards = discover_characters((f"r{n}", t) for n, t in enumerate(texts))
    for card in cards:
        assert card.name.strip() and card.id


# --------------------------------------------------------------------------- 10,000 aliases


def test_ten_thousand_aliases_use_one_automaton_not_one_pattern_each(monkeypatch):
    """Issue 11: one pattern per alias made the first ``characters`` run take 5 s."""
    from ballerina_tui.characters import model

    compiled: list[int] = []
    real = re.compile

    def counting(pattern, flags=0):
        compiled.append(len(pattern))
        return real(pattern, flags)

    monkeypatch.setattr(model.re, "compile", counting)
    chars = [
        Character(f"c{n}", f"Name{n}", aliases=(f"Alias{n} Part", f"alias-{n}x"))
        for n in range(5000)
    ]
    cs = CharacterSet(chars)
    assert not compiled or max(compiled) < 1000  # no alternation of every alias
    text = "Then Alias4999 Part met Name17 and Alias-3x, but not Name170000 or Alias1."
    assert [(text[m.start : m.end], m.character) for m in cs.mentions(text)] == [
        ("Alias4999 Part", "c4999"),
        ("Name17", "c17"),
        ("Alias-3x", "c3"),  # a lower-case alias also matches with a capital first letter
    ]


@pytest.mark.parametrize("film", [*FILMS, "bundled"])
def test_no_junk_cards_wrong_links_or_duplicates(film):
    """The junk seen on these folders ("Hommes", "Die", "Beast", "Chapter", "Countdown
    Louis Grutter"), a place played by a place, and one person on two cards."""
    label = ev.labels()[film]
    if film == "bundled":
        cards = discover_characters(review_documents(load_corpus()))
        label = {k: v for k, v in label.items() if k != "expected"}
    else:
        folder = ev.FILMS / film
        if not folder.is_dir():
            pytest.skip(f"{folder} is absent")
        cards = _cards(folder)
    assert ev.problems(cards, label) == []


def _names(cards):
    return {c.name for c in cards}


def test_title_words_and_sections_are_not_cards():
    """The last word of a title ("to Die", "and the Beast", "les Hommes") and a section
    ("Chapter 3") are not people; a name followed by a number now and then still is."""
    docs = [
        ("a", "She was great in No Time to Die. Chapter 3 was better than Chapter 2."),
        ("b", "After No Time to Die, Chapter 4 shows it. Like Beauty and the Beast, it sings."),
        ("c", "Unlike Beauty and the Beast, the original Du Rififi chez les Hommes is cold."),
        ("d", "Du Rififi Chez Les Hommes (1955) still works. Mara meets Tobin in Chapter 4."),
        ("e", "Then Mara and Tobin argue, and Mara leaves, and Tobin 2 times forgets."),
    ]
    names = _names(discover_characters(docs))
    assert not names & {"Die", "Chapter", "Beast", "Hommes", "Chez", "Du Rififi Chez"}
    assert {"Mara", "Tobin"} <= names


def test_a_capitalised_word_glued_before_a_full_name_is_dropped():
    docs = [
        ("a", "In the final Countdown Vera Lamont shot we see the Harbour."),
        ("b", "Vera Lamont is the best thing here. I liked Vera Lamont."),
        ("c", "The villain Vera Lamont (Ada Quist) runs the show."),
    ]
    cards = discover_characters(docs)
    assert "Countdown Vera Lamont" not in {f for c in cards for f in (c.name, *c.aliases)}
    vera = next(c for c in cards if c.name == "Vera Lamont")
    assert vera.actor == "Ada Quist"


def test_short_forms_and_epithets_merge_into_one_card():
    """ "Cesar", "Cesar le Milanais" and "Cesar the Milanese" are one man even when a
    "Juan Cesar" is written once; "Madame" is "Madame Adelaide Bonfamille"."""
    docs = [
        ("a", "The safe-cracker Cesar le Milanais is vain. Cesar falls for a singer."),
        ("b", "Cesar the Milanese was played by the director. The D. Juan Cesar errs."),
        ("c", "Cesar sings. Madame Adelaide Bonfamille (Hermia Bold) owns the house."),
        ("d", "Madame Adelaide is rich. When Madame calls, nobody comes. Cesar again."),
        ("e", "Madame smiles at Cesar."),
    ]
    cards = discover_characters(docs)
    holders = [c.name for c in cards if "Cesar" in (c.name, *c.aliases)]
    assert len(holders) == 1
    cesar = next(c for c in cards if c.name == holders[0])
    assert {"Cesar le Milanais", "Cesar the Milanese"} <= {cesar.name, *cesar.aliases}
    madame = [c for c in cards if "Madame" in (c.name, *c.aliases)]
    assert [c.name for c in madame] == ["Madame Adelaide Bonfamille"]


def test_a_surname_of_several_full_names_stays_its_own():
    """Three brothers: "Grutter" alone is none of them, however the lone words are ordered."""
    docs = [
        ("a", "The boss Grutter hates Tony, and Louis Grutter and Remi Grutter obey Grutter."),
        ("b", "Here Grutter is the boss, and Louis Grutter waits, then Louis Grutter shoots."),
        ("c", "His brother Remi Grutter is the addict, and Remi dies, but Grutter survives."),
    ]
    cards = discover_characters(docs)
    assert "Grutter" in _names(cards)
    assert {"Louis Grutter", "Remi Grutter"} <= _names(cards)


def test_casting_needs_a_person_and_a_character():
    """ "Paris (France)" states no casting; "Nico from Turin (played by Jan Oda)" casts
    Nico, not Turin; "X plays the idea man Y" and "X in the role of Y" cast Y."""
    docs = [
        ("a", "It is set in Paris (France) in 1910. Paris is pretty."),
        ("b", "They hire Nico from Turin (played by Jan Oda), a safe-cracker. Paris again."),
        ("c", "Here Tom Ruell plays the idea man Ivo Lesk. Nico drinks. France is far."),
        ("d", "No one but Kit Mahler in the role of Bea Sorel. France, Turin, Nico."),
    ]
    cards = {c.name: c for c in discover_characters(docs)}
    assert cards["Paris"].actor is None
    assert cards["Nico"].actor == "Jan Oda"
    assert "Turin" not in cards or cards["Turin"].actor is None
    assert cards["Ivo Lesk"].actor == "Tom Ruell"
    assert cards["Bea Sorel"].actor == "Kit Mahler"


def test_the_word_after_an_initial_is_not_a_sentence_head():
    docs = [
        ("a", "The novel by Arthur C. Clarke is colder. Clarke wrote it."),
        ("b", "Arthur C Clarke and Kubrick wrote it together."),
        ("c", "A book written by Arthur C. Clark, says Dr. Floyd."),
    ]
    cards = discover_characters(docs)
    clarke = [c for c in cards if "Clarke" in c.name]
    assert len(clarke) == 1 and clarke[0].role == "writer"
    assert "Arthur C. Clark" in clarke[0].aliases
    assert not any(c.name == "Arthur C." for c in cards)


def test_a_credit_one_review_gives_against_the_others_is_no_card():
    docs = [
        ("a", "Tony Vell (Jean Sarro) leads. Tony Vell is tired."),
        ("b", "Jean Sarro as Tony Vell is superb."),
        ("c", "John Sarro plays Tony Vell; Tony Vell wins."),
    ]
    cards = discover_characters(docs)
    assert "John Sarro" not in _names(cards)
    assert next(c for c in cards if c.name == "Tony Vell").actor == "Jean Sarro"


@pytest.mark.parametrize("half", ["tune", "held"])
@pytest.mark.parametrize("film", FILMS)
def test_discovery_on_half_a_folder(film, half):
    """A held-out check: 15 reviews of a film (the first or second half by id), scored
    against the labelled entries two of those 15 name. The rules were tuned on ``tune``."""
    folder = ev.FILMS / film
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    docs = dict(review_documents(load_corpus(folder)))
    ids, expected, acceptable = ev.halves(film)[half]
    cards = discover_characters([(r, docs[r]) for r in ids])
    result = ev.score(cards, expected, acceptable)
    assert result["recall"] >= 0.8, result
    assert result["precision"] >= 0.85, result
    assert ev.problems(cards, {**ev.labels()[film], "expected": expected}) == []


def test_the_new_rules_do_not_overreach():
    """ "plays well against" casts nobody; "The" starts the next title, not part of a name;
    the pronoun "I" after a name is no section number."""
    docs = [
        ("a", "Here Kai Berg plays well against Ana Lind, and Walt Disney The Felines is fun."),
        ("b", "When Tony I met was gone, Tony left. Then Tony I think won."),
        ("c", "Again Kai Berg and Ana Lind shine; Tony too. Walt Disney made The Felines."),
    ]
    cards = {c.name: c for c in discover_characters(docs)}
    assert cards["Ana Lind"].actor is None and cards["Kai Berg"].actor is None
    assert "Walt Disney The Felines" not in cards and "Walt Disney" in cards
    assert "Tony" in cards
