"""Scoring character discovery against the labelled list in ``tests/data/entities.yaml``.

Shared by ``tests/test_discovery.py`` and ``benchmarks/bench_discovery.py``. A card
matches a labelled entry when its name, an alias or its actor is one of the entry's
spellings (accents and case folded). Recall: expected entries with a card. Precision:
cards that match an expected or an acceptable name (anything else is a junk card).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ballerina_tui.textutil import fold

HERE = Path(__file__).resolve().parent
ENTITIES = HERE / "data" / "entities.yaml"
REPO = HERE.parent
FILMS = REPO.parent / "shared" / "films"


def _key(name: str) -> str:
    return " ".join(fold(name).replace(".", " ").replace("-", " ").split())


def labels() -> dict:
    return yaml.safe_load(ENTITIES.read_text(encoding="utf-8"))["films"]


def bundled_known(corpus) -> list[str]:
    """Every name and alias in ``data/characters.yaml``: right as a card even when only
    one review mentions it (so not expected)."""
    from ballerina_tui.characters import load_characters

    return [form for ch in load_characters(corpus.characters_path) for form in ch.names]


def bundled_expected(corpus) -> list[dict]:
    """``data/characters.yaml`` entries that two or more bundled reviews mention."""
    from ballerina_tui.characters import load_characters

    characters = load_characters(corpus.characters_path)
    out = []
    for ch in characters:
        readers = [r for r in corpus.reviews if ch.id in characters.mentioned(r.body)]
        if len(readers) >= 2:
            out.append({"names": list(ch.names), "actor": ch.actor})
    return out


def score(cards, expected: list[dict], acceptable: list[str]) -> dict:
    """Recall, precision, actor links found, and the misses and junk by name."""
    forms = []
    for c in cards:
        names = {_key(n) for n in (c.name, *c.aliases)}
        if c.actor:
            names.add(_key(c.actor))
        forms.append((c, names))
    found, missed, links, link_total = 0, [], 0, 0
    matched_cards: set[int] = set()
    for entry in expected:
        wanted = {_key(n) for n in entry["names"]}
        hits = [n for n, (_, names) in enumerate(forms) if names & wanted]
        if hits:
            found += 1
            matched_cards.update(hits)
        else:
            missed.append(entry["names"][0])
        if entry.get("actor"):
            link_total += 1
            actor = _key(entry["actor"])
            if any(
                forms[n][0].actor and _key(forms[n][0].actor) == actor or actor in forms[n][1]
                for n in hits
            ):
                links += 1
    ok = {_key(a) for a in acceptable}
    junk = [
        c.name for n, (c, names) in enumerate(forms) if n not in matched_cards and not (names & ok)
    ]
    total = len(cards)
    return {
        "recall": found / len(expected) if expected else 1.0,
        "precision": (total - len(junk)) / total if total else 1.0,
        "links": f"{links}/{link_total}",
        "links_found": links,
        "links_total": link_total,
        "cards": total,
        "missed": missed,
        "junk": junk,
    }


def problems(cards, film: dict) -> list[str]:
    """What a fan would call junk on ``cards``: a card named as one of the folder's
    ``junk`` entries, a ``wrong_links`` pair, or one expected person on two cards (their
    own names or aliases, not their actor: "César" played by the director is fine)."""
    out = []
    junk = {_key(j) for j in film.get("junk", [])}
    out += [f"junk card {c.name!r}" for c in cards if _key(c.name) in junk]
    for character, actor in film.get("wrong_links", []):
        out += [
            f"wrong link {c.name!r} played by {c.actor!r}"
            for c in cards
            if c.actor and _key(c.name) == _key(character) and _key(c.actor) == _key(actor)
        ]
    for entry in film.get("expected", []):
        wanted = {_key(n) for n in entry["names"]}
        holders = [c.name for c in cards if {_key(n) for n in (c.name, *c.aliases)} & wanted]
        if len(holders) > 1:
            out.append(f"{entry['names'][0]!r} on {len(holders)} cards: {holders}")
    return out


def halves(film: str) -> dict[str, tuple[list[str], list[dict], list[str]]]:
    """A held-out check: the folder's reviews split by id into ``tune`` (the first half)
    and ``held`` (the second). Expected in each half: the labelled entries that two or
    more of its reviews name (a plain folded word match, independent of discovery);
    acceptable: the folder's acceptable names and every spelling of its labelled people.
    Returns ``{half: (review ids, expected, acceptable)}``."""
    import re

    from ballerina_tui.corpus import load_corpus

    label = labels()[film]
    corpus = load_corpus(FILMS / film)
    ids = sorted(r.id for r in corpus.reviews)
    texts = {r.id: fold(r.body) for r in corpus.reviews}
    ok = list(label["acceptable"]) + [n for e in label["expected"] for n in e["names"]]
    out = {}
    for half, rids in (("tune", ids[: len(ids) // 2]), ("held", ids[len(ids) // 2 :])):
        expected = []
        for entry in label["expected"]:
            spellings = [re.compile(rf"(?<!\w){re.escape(fold(n))}(?!\w)") for n in entry["names"]]
            readers = [r for r in rids if any(p.search(texts[r]) for p in spellings)]
            if len(readers) >= 2:
                expected.append(entry)
        out[half] = (rids, expected, ok)
    return out
