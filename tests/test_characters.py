"""characters.yaml: loading, refusing bad files, and finding mentions in review text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballerina_tui.characters import CharactersError, CharacterSet, load_characters

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CHARACTERS = ROOT / "data" / "characters.yaml"
MIXED_CHARACTERS = Path(__file__).resolve().parent / "fixtures" / "corpus_mixed" / "characters.yaml"


@pytest.fixture(scope="module")
def cast() -> CharacterSet:
    return load_characters(BUNDLED_CHARACTERS)


def found(cast: CharacterSet, text: str) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.character) for m in cast.mentions(text)]


def test_bundled_characters_load(cast):
    assert cast.film == "From the World of John Wick: Ballerina (2025)"
    ids = [c.id for c in cast]
    assert len(ids) == len(set(ids)) == 14
    winston = cast.get("winston")
    assert winston.actor == "Ian McShane"
    assert winston.aliases == ("Winston Scott",)
    assert winston.names[0] == "Winston Scott"  # longest first
    assert set(winston.names) == {"Winston", "Winston Scott", "Ian McShane"}
    assert cast.get("ruska-roma").kind == "organisation"
    assert cast.get("rooneys-family").affiliation is None  # "null" in the file
    assert cast.get("mother-ruska").to_dict()["aliases"] == []


def test_missing_file_gives_an_empty_set(tmp_path):
    empty = load_characters(tmp_path / "characters.yaml")
    assert len(empty) == 0
    assert empty.mentions("Winston and Charon") == []
    assert empty.resolve("winston") == []
    assert len(load_characters(None)) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Director said", [("The Director", "the-director")]),
        ("the Director said", [("the Director", "the-director")]),
        # A capitalised alias never matches in lower case.
        ("the director said", []),
        # Word boundaries: "Wick" is not inside "Wickverse".
        ("the Wickverse grows", []),
        ("Winstons", []),
        # Longest alias wins where names overlap.
        ("the Ruska Roma Ballet Academy", [("Ruska Roma Ballet Academy", "ruska-roma")]),
        ("John Wick met John", [("John Wick", "john-wick"), ("John", "john-wick")]),
        # Actors count as mentions of their character.
        ("Winston (Ian McShane)", [("Winston", "winston"), ("Ian McShane", "winston")]),
        ("the late Lance Reddick’s", [("Lance Reddick", "charon")]),
        # Curly apostrophes fold; offsets still index the original text.
        ("Rooney’s family grieves", [("Rooney’s family", "rooneys-family")]),
        ("Rooney's family grieves", [("Rooney's family", "rooneys-family")]),
        # A lower-case alias also matches with a capital first letter.
        (
            "Her family and her family",
            [("Her family", "rooneys-family"), ("her family", "rooneys-family")],
        ),
        # A line break inside a name still matches.
        ("Ian\nMcShane", [("Ian\nMcShane", "winston")]),
        ("", []),
    ],
)
def test_mentions(cast, text, expected):
    assert found(cast, text) == expected


def test_mentioned_in_order_of_first_mention(cast):
    text = "Charon greets Winston; later Charon leaves and Keanu Reeves arrives."
    assert cast.mentioned(text) == ["charon", "winston", "john-wick"]


def test_mentions_in_the_bundled_reviews(cast, corpus):
    wickverse = corpus.get("wickverse").text
    assert "mother-ruska" in cast.mentioned(wickverse)
    # Only the wickverse review invents a "Mother Ruska".
    for review in corpus.reviews:
        if review.id != "wickverse":
            assert "mother-ruska" not in cast.mentioned(review.text), review.id
    # Every mention's span is one of the character's names (modulo apostrophes/space).
    for review in corpus.reviews:
        for m in cast.mentions(review.text):
            span = " ".join(review.text[m.start : m.end].replace("’", "'").split())
            forms = {f.replace("’", "'") for f in cast.get(m.character).names}
            forms |= {f[0].upper() + f[1:] for f in forms}
            assert span in forms, (review.id, span, m.character)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("winston", ["winston"]),
        ("WINSTON", ["winston"]),
        ("Ian McShane", ["winston"]),
        ("mother ruska", ["mother-ruska"]),
        ("Mother-Ruska", ["mother-ruska"]),
        ("ruska", ["mother-ruska", "ruska-roma"]),
        ("charon", ["charon"]),
        ("Baba Yaga", ["john-wick"]),
        ("nobody", []),
        ("", []),
        ("   ", []),
    ],
)
def test_resolve(cast, name, expected):
    assert cast.resolve(name) == expected


def test_resolve_folds_accents():
    mixed = load_characters(MIXED_CHARACTERS)
    assert mixed.resolve("elodie varga") == ["odile"]
    assert mixed.resolve("Janis Ozols") == ["kalnins"]
    assert found(mixed, "Élodie Varga dances") == [("Élodie Varga", "odile")]


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("characters:\n  - name: A\n    aliases: [unclosed\n", "malformed characters file", None),
        ("characters:\n  - name: A\n  - name: B\n  - id: a\n    name: C\n", "duplicate id 'a'", 4),
        ("characters:\n  - name: A\n  - actor: Foo\n", "'name' is required", 3),
        ("characters:\n  - name: A\n    aliases: notalist\n", "'aliases' must be a list", 2),
        ("characters:\n  - name: {a: b}\n", "'name' must be text", 2),
        ("characters:\n  - just a string\n", "must be a mapping", 2),
        ("- a\n- b\n", "must be a mapping", 1),
        ("characters: {a: 1}\n", "'characters' must be a list", 1),
        ("characters: just text\n", "'characters' must be a list", 1),
        ("a: &a [x, x]\nb: [*a, *a]\ncharacters: []\n", "aliases are not allowed", 2),
    ],
)
def test_bad_characters_files(tmp_path, source, message, line):
    path = tmp_path / "characters.yaml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(CharactersError, match=message) as info:
        load_characters(path)
    if line is not None:
        assert info.value.line == line
    assert "\n" not in str(info.value)


def test_python_tag_in_characters_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "PWNED"
    path = tmp_path / "characters.yaml"
    path.write_text(
        f'characters:\n  - name: !!python/object/apply:os.system ["touch {marker}"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CharactersError, match="python"):
        load_characters(path)
    assert not marker.exists()


def test_characters_file_not_utf8(tmp_path):
    path = tmp_path / "characters.yaml"
    path.write_bytes("characters:\n  - name: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(CharactersError, match="UTF-8") as info:
        load_characters(path)
    assert info.value.line == 2


def test_oversized_characters_file(tmp_path):
    path = tmp_path / "characters.yaml"
    path.write_text("characters: []\n# " + "x" * (1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(CharactersError, match="larger than 1 MiB"):
        load_characters(path)


def test_empty_characters_file_is_an_empty_set(tmp_path):
    path = tmp_path / "characters.yaml"
    path.write_text("", encoding="utf-8")
    assert len(load_characters(path)) == 0


def test_names_found_the_same_from_many_threads_and_after_pickling(cast, corpus):
    """The trie grows a name's branch when a text first holds its first word: threads
    reading it meanwhile, and a copy pickled half grown (sent to a claim process), find
    what one thread finds with every branch made."""
    import pickle
    from concurrent.futures import ThreadPoolExecutor

    texts = [r.text for r in corpus.reviews]
    expected = [CharacterSet(cast.characters).mentions(t) for t in texts]
    fresh = CharacterSet(cast.characters)
    with ThreadPoolExecutor(8) as pool:
        for _ in range(3):
            assert list(pool.map(fresh.mentions, texts)) == expected
    half = CharacterSet(cast.characters)
    half.mentions(texts[0])
    copy = pickle.loads(pickle.dumps(half))
    assert [copy.mentions(t) for t in texts] == expected
    assert [half.mentions(t) for t in texts] == expected
