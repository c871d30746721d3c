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
