"""Character cards as data: who each character is, who mentions them, what is claimed.

One :class:`Card` per entry of ``characters.yaml``: the entry itself, how often each
review mentions the character (with every mention's place), and the claims each review
makes about them, with their status and the conflicts between them. The CLI prints cards
as JSON; the app draws them. No Textual import.

A card lists only the reviews that name its character or make a claim about them (and
counts all the reviews): a line for every review on every card was 40 million lines for
the 4,000 people named in 10,000 reviews (the app's cards took 5 minutes to open).
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
    position: int = 0  # the review's place in the folder (its colour in the app)

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
    reviewers: list[ReviewerLine]  # the reviews that name them or claim about them
    conflicts: list[CardConflict] = field(default_factory=list)
    reviewer_count: int = 0  # every review of the folder

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
        data["reviewers_total"] = self.reviewer_count
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
    position = {r.id: n for n, r in enumerate(corpus.reviews)}
    # character id -> {review id: what it says of them}, in folder order once sorted
    said: dict[str, dict[str, ReviewerLine]] = {}

    def line(cid: str, review: Review) -> ReviewerLine:
        lines = said.setdefault(cid, {})
        found = lines.get(review.id)
        if found is None:
            found = lines[review.id] = ReviewerLine(
                review=review.id, handle=review.handle, position=position[review.id]
            )
        return found

    for review in corpus.reviews:
        for cid, found in review_mentions(review, characters).items():
            line(cid, review).mentions = found
    conflicts_by: dict[str, list[CardConflict]] = {}
    if analysis is not None:
        by_id = {r.id: r for r in corpus.reviews}
        for claim in analysis.claims:
            review = by_id.get(claim.review)
            if review is None:
                continue
            for cid in _claim_characters(claim, characters):
                line(cid, review).claims.append(claim)
        for conflict in analysis.conflicts:
            try:
                a, b = analysis.claim(conflict.a), analysis.claim(conflict.b)
            except KeyError:
                continue
            about = set(_claim_characters(a, characters)) | set(_claim_characters(b, characters))
            for cid in about:
                conflicts_by.setdefault(cid, []).append(CardConflict(a, b, conflict.reason))
    cards = []
    total = len(corpus.reviews)
    for character in characters:
        lines = sorted(said.get(character.id, {}).values(), key=lambda r: r.position)
        for found in lines:
            found.claims.sort(key=lambda c: c.start)
        cards.append(Card(character, lines, conflicts_by.get(character.id, []), total))
    order = {id(card): n for n, card in enumerate(cards)}
    cards.sort(key=lambda card: (-card.readers, -card.total, order[id(card)]))
    return cards


def find_cards(cards: list[Card], characters: CharacterSet, name: str) -> list[Card]:
    """Cards matching a user-typed name (id, name, alias or actor; see ``resolve``)."""
    wanted = set(characters.resolve(name))
    return [c for c in cards if c.character.id in wanted]
