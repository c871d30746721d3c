"""Character cards as data: who each character is, who mentions them, what is claimed.

One :class:`Card` per entry of ``characters.yaml``: the entry itself, how often each
review mentions the character (with every mention's place), and the claims each review
makes about them, with their status and the conflicts between them. The CLI prints cards
as JSON; the app draws them. No Textual import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ballerina_tui.characters import Character, CharacterSet
from ballerina_tui.corpus import Corpus, Review


@dataclass(frozen=True)
class CardMention:
    review: str
    start: int  # offsets into Review.text
    end: int
    section: str
    passage_start: int  # the block (paragraph, item, heading) holding the mention
    passage_end: int


@dataclass
class ReviewerLine:
    """What one review says about one character."""

    review: str
    handle: str
    mentions: list[CardMention] = field(default_factory=list)
    claims: list = field(default_factory=list)  # list[claims.Claim]

    @property
    def count(self) -> int:
        return len(self.mentions)


@dataclass
class CardConflict:
    a: object  # claims.Claim
    b: object
    reason: str


@dataclass
class Card:
    character: Character
    reviewers: list[ReviewerLine]
    conflicts: list[CardConflict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.count for line in self.reviewers)

    @property
    def readers(self) -> int:
        """How many reviewers mention this character."""
        return sum(1 for line in self.reviewers if line.count)

    def line(self, review_id: str) -> ReviewerLine | None:
        return next((r for r in self.reviewers if r.review == review_id), None)

    def to_json(self) -> dict:
        data = self.character.to_dict()
        data["mentions"] = {r.review: r.count for r in self.reviewers}
        data["total_mentions"] = self.total
        data["reviewers_mentioning"] = self.readers
        data["reviewers"] = [
            {
                "review": r.review,
                "handle": r.handle,
                "count": r.count,
                "mentions": [
                    {"start": m.start, "end": m.end, "section": m.section} for m in r.mentions
                ],
                "claims": [
                    {
                        "id": c.id,
                        "text": c.text,
                        "section": c.section,
                        "start": c.start,
                        "end": c.end,
                        "status": c.status,
                    }
                    for c in r.claims
                ],
            }
            for r in self.reviewers
        ]
        data["conflicts"] = [{"a": c.a.id, "b": c.b.id, "reason": c.reason} for c in self.conflicts]
        return data


def review_mentions(review: Review, characters: CharacterSet) -> dict[str, list[CardMention]]:
    """Every character mention in a review's body, by character id."""
    out: dict[str, list[CardMention]] = {}
    for block in review.blocks:
        for mention in characters.mentions(review.block_text(block)):
            out.setdefault(mention.character, []).append(
                CardMention(
                    review=review.id,
                    start=block.start + mention.start,
                    end=block.start + mention.end,
                    section=block.section,
                    passage_start=block.start,
                    passage_end=block.end,
                )
            )
    return out


def _claim_characters(claim, characters: CharacterSet) -> tuple[str, ...]:
    found = tuple(getattr(claim, "characters", ()) or ())
    return found or tuple(characters.mentioned(claim.text))


def build_cards(corpus: Corpus, characters: CharacterSet, analysis=None) -> list[Card]:
    """One card per character, the most-mentioned first: by how many reviewers name them,
    then how often, then in the order of ``characters.yaml`` and of discovery.

    ``analysis`` (a :class:`ballerina_tui.claims.ClaimAnalysis`) adds the claims; without
    it the cards carry mentions only.
    """
    mentions = {r.id: review_mentions(r, characters) for r in corpus.reviews}
    claims_by: dict[tuple[str, str], list] = {}
    conflicts_by: dict[str, list[CardConflict]] = {}
    if analysis is not None:
        for claim in analysis.claims:
            for cid in _claim_characters(claim, characters):
                claims_by.setdefault((cid, claim.review), []).append(claim)
        for conflict in analysis.conflicts:
            try:
                a, b = analysis.claim(conflict.a), analysis.claim(conflict.b)
            except KeyError:
                continue
            about = set(_claim_characters(a, characters)) | set(_claim_characters(b, characters))
            for cid in about:
                conflicts_by.setdefault(cid, []).append(CardConflict(a, b, conflict.reason))
    cards = []
    for character in characters:
        lines = [
            ReviewerLine(
                review=r.id,
                handle=r.handle,
                mentions=mentions[r.id].get(character.id, []),
                claims=sorted(claims_by.get((character.id, r.id), []), key=lambda c: c.start),
            )
            for r in corpus.reviews
        ]
        cards.append(Card(character, lines, conflicts_by.get(character.id, [])))
    order = {id(card): n for n, card in enumerate(cards)}
    cards.sort(key=lambda card: (-card.readers, -card.total, order[id(card)]))
    return cards


def find_cards(cards: list[Card], characters: CharacterSet, name: str) -> list[Card]:
    """Cards matching a user-typed name (id, name, alias or actor; see ``resolve``)."""
    wanted = set(characters.resolve(name))
    return [c for c in cards if c.character.id in wanted]
