"""Evidence about claims: terms, names, numbers, negations and their weights in this corpus.

Two claims in different reviews are the same claim when what makes each distinctive is
shared: names, numbers and words that are rare in this corpus. Every term is weighted by
its inverse claim frequency, so the words every review uses (the film's title, its lead)
count for little. Candidate pairs come from the Whoosh index's posting lists: only
claims that share a term that is not too common are ever compared, so the cost grows
with the number of (claim, rare term) postings, not with the square of the corpus.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ballerina_tui.claims.model import Claim
from ballerina_tui.textutil import word_count

ENTITY = "@"  # prefix of character terms: "@john-wick"
NEGATIONS = {
    "not",
    "no",
    "never",
    "neither",
    "nor",
    "nobody",
    "nothing",
    "without",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "can't",
    "cannot",
    "couldn't",
    "shouldn't",
    "wouldn't",
    "hasn't",
    "haven't",
    "hadn't",
    "n't",
}
# "doesn't make her retreat" negates "retreat": light verbs carry no claim of their own.
_LIGHT_VERBS = {
    "make",
    "makes",
    "made",
    "making",
    "get",
    "gets",
    "got",
    "have",
    "has",
    "had",
    "do",
    "does",
    "did",
    "go",
    "goes",
    "take",
    "takes",
    "give",
    "gives",
    "let",
    "lets",
    "seem",
    "seems",
    "feel",
    "feels",
    "try",
    "tries",
    "need",
    "needs",
}
# "not just", "not merely": a restrictive negation ("more than a cameo"), which contradicts
# only a claim about the very same, explicitly named subject.
_RESTRICTIVE = {"just", "merely", "only", "simply"}
_NEGATION_SKIP = {
    "just",
    "merely",
    "only",
    "simply",
    "even",
    "really",
    "quite",
    "so",
    "very",
    "as",
    "a",
    "an",
    "the",
    "be",
    "been",
    "being",
    "to",
    "ever",
    "always",
    "exactly",
    "entirely",
    "necessarily",
    "all",
    "that",
    "this",
    "there",
    "any",
    "much",
    "more",
    "too",
    "about",
}
# English function words: they say nothing about what a claim asserts. (Whoosh's own stop
# list is short on purpose, for search; alignment needs a longer one.)
FUNCTION_WORDS = frozenset(
    """
a about above after again against all almost along already also although always am among an
and another any anyone anything are around as at away back be because been before being
below between both but by can could did do does doing done down during each either else
enough even ever every everything few for from further get gets getting go goes going got
had has have having he her here hers herself him himself his how however i if in into is
it its itself just least less like made make makes many may me might more most much must
my myself neither never no nor not nothing now of off often on once one only onto or other
others otherwise our ours ourselves out over own per perhaps quite rather really same see
seen seem seems several shall she should since so some something still such than that the
their theirs them themselves then there these they thing things this those though through
thus to together too toward under until up upon us very via was we well were what whatever
when where whether which while who whom whose why will with within without would yet you
your yours yourself s t ll ve re d m let lets
""".split()
)
# A negation in a condition or a wish denies nothing: "if he had not been blacklisted".
_CONDITIONAL = frozenset({"if", "unless", "wish", "whether"})
_WORD = re.compile(r"[\w\u2019']+")
_PRONOUN_SUBJECT = re.compile(r"(?i)^\s*(he|she|they|his|her|their|him|them|the two)\b")


_NEGATION_HINT = re.compile(
    r"(?i)\b(?:not|no|never|neither|nor|nobody|nothing|without|cannot)\b|n't\b"
)


def _may_negate(text: str) -> bool:
    """False only if no word of ``text`` can be a negation (a cheap test before the exact
    one): an ASCII text without any of :data:`NEGATIONS` as a word. Any other text may."""
    return not text.isascii() or _NEGATION_HINT.search(text) is not None


_NONE: frozenset = frozenset()  # one shared empty set: most claims deny nobody, give no number
_NO_WORDS: dict[str, str] = {}  # (never written to)


@dataclass(slots=True)
class _Features:
    terms: set[str]
    entities: set[str]
    numbers: set[str]
    negated: bool
    negated_terms: set[str]
    bigrams: set[str] = field(default_factory=set)
    key_entities: set[str] = _NONE  # (set by :class:`_Aligner`)
    subject: frozenset[str] = _NONE
    explicit: bool = False  # the subject is named in the claim, not a pronoun
    restrictive: bool = False  # "not just …"
    negated_words: dict[str, str] = field(default_factory=dict)  # stem -> word as written
    denied_people: set[str] = field(default_factory=set)  # "isn't John Wick" -> john-wick
    contrast_terms: set[str] = field(default_factory=set)  # "the beginning, not the end"
    weight: float = 0.0
    # Capitalised words not at a sentence's start (:func:`.scoring.proper_names`): names
    # the character list does not know, which the scorer counts as shared names.
    proper: frozenset[str] = frozenset()


def _names_missing(have: _Features, other: _Features) -> bool:
    """Whether ``have`` names a rare character that ``other`` does not (through the
    character or through the actor: "Lance Reddick" names Charon)."""
    for term in have.key_entities:
        base = term.removesuffix("~actor")
        if base not in other.terms and f"{base}~actor" not in other.terms:
            return True
    return False


def claim_features(  # noqa: C901 - one pass
    claims: list[Claim], characters, mentions_of: list | None = None
) -> list[_Features]:
    """What comparing needs of each claim, claim by claim: its terms (names as the people
    they name), numbers, word pairs, subject, and what it denies. Each review's claims
    depend only on that review's (the subject a pronoun stands for), so a folder's
    reviews can be split between processes."""
    from ballerina_tui.analysis import review_analyzer
    from ballerina_tui.claims.scoring import proper_names
    from ballerina_tui.claims.terms import ClaimTerms, plain_tokens

    stem = review_analyzer()
    terms_of = ClaimTerms(FUNCTION_WORDS)  # the same stems as the claim analyzer, in one pass
    features: list[_Features] = []
    seen_pairs: dict[str, str] = {}

    def seen(pair: str) -> str:
        return seen_pairs.setdefault(pair, pair)

    context: list[str] = []  # entities the current section is talking about
    last: Claim | None = None
    for n_claim, claim in enumerate(claims):
        if last is None or (last.review, last.section) != (claim.review, claim.section):
            context = []
        # Names count once, as the character they name ("Keanu Reeves" = "John Wick"),
        # not also as words.
        masked = claim.text
        actors: set[str] = set()
        if mentions_of is not None:
            mentions = mentions_of[n_claim]
        else:
            mentions = characters.mentions(claim.text)
        for mention in mentions:
            gap = " " * (mention.end - mention.start)
            masked = masked[: mention.start] + gap + masked[mention.end :]
            if mention.by_actor:
                actors.add(mention.character)
        tokens = terms_of(masked)
        # One string per distinct word pair (most recur across claims): memory, and a
        # smaller hand-over from a child process.
        bigrams = {seen(f"{x} {y}") for x, y in zip(tokens, tokens[1:], strict=False)}
        own = list(claim.characters)
        pronoun = _PRONOUN_SUBJECT.match(claim.text)
        subject: frozenset[str] = _NONE
        if pronoun:
            # "He meets Rooney" / "They don't team up": the pronoun stands for whoever
            # the paragraph was just talking about.
            word = pronoun.group(1).casefold()
            entities = list(dict.fromkeys(context + own))
            if word in ("they", "their", "them", "the two"):
                subject = frozenset(context or own)
            elif context:
                subject = frozenset(context[:1])
        else:
            entities = own
            # The subject is a character named near the start ("Keanu Reeves appears
            # …", "Rooney's fight scenes …"), not one mentioned in passing at the end.
            if own and mentions and word_count(claim.text[: mentions[0].start]) <= 6:
                subject = frozenset((mentions[0].character,))
        if entities:
            context = entities
        last = claim
        negated_terms: set[str] = set()
        negated_words: dict[str, str] = {}
        negated = restrictive = False
        denied_people: set[str] = set()
        contrast_terms: set[str] = set()
        offset = 0
        # Only a piece with a negation word does anything below: the others are
        # skipped before they are tokenised.
        segments = (
            re.split(r"([,;:()\u2014\u2013]|\s-\s|--)", claim.text)
            if _may_negate(claim.text)
            else ()
        )
        for segment in segments:
            seg_start, offset = offset, offset + len(segment)
            if not _may_negate(segment):
                continue
            tokens_here = plain_tokens(segment)
            words = [text for text, _s, _e in tokens_here]
            for i, word in enumerate(words):
                if word in NEGATIONS or word.endswith("n't"):
                    before = _WORD.findall(claim.text[: seg_start + tokens_here[i][1]])
                    if _CONDITIONAL & {w.casefold() for w in before}:
                        # "if he had not been blacklisted": a counterfactual, no denial.
                        continue
                    negated = True
                    if i == 0 and before:
                        # "the beginning, not the end": a contrast; the word it is set
                        # against says what the denial is about.
                        contrast = [w for w in before if w.casefold() not in FUNCTION_WORDS]
                        for w in contrast[-1:]:
                            contrast_terms.update(t.text for t in stem(w))
                    # "isn't a female John Wick": the people named just after a
                    # negation are part of what is denied.
                    window = tokens_here[i + 1 : i + 7]
                    if window:
                        lo = seg_start + window[0][1]
                        hi = seg_start + window[-1][2]
                        denied_people.update(m.character for m in mentions if lo <= m.start < hi)
                    # What is negated is the first content word after the negation:
                    # "not merely as a cameo" negates "cameo", "don't fight" "fight".
                    followers = words[i + 1 : i + 6]
                    for k, follower in enumerate(followers):
                        if follower in _RESTRICTIVE:
                            restrictive = True
                        if follower in _NEGATION_SKIP or follower in _LIGHT_VERBS:
                            continue
                        if (
                            k
                            and followers[k - 1] in ("the", "a", "an")
                            and follower.endswith("ed")
                            and k + 1 < len(followers)
                            and followers[k + 1] not in FUNCTION_WORDS
                        ):
                            continue  # "doesn't get the deserved credit": "credit"
                        for t in stem(follower):
                            negated_terms.add(t.text)
                            negated_words.setdefault(t.text, follower)
                        break
        features.append(
            _Features(
                # An actor named ("Ana de Armas") is also a casting fact: a term of its own.
                terms=set(tokens)
                | {ENTITY + e for e in entities}
                | {f"{ENTITY}{a}~actor" for a in actors}
                # "She's not just a copy of Wick" / "Rooney isn't John Wick in heels":
                # denying someone is a term of its own, and a rare one.
                | {f"{ENTITY}not:{p}" for p in denied_people},
                entities=set(entities) or _NONE,
                # (a letter is never a digit: most tokens are skipped at once)
                numbers={t for t in tokens if not t.isalpha() and any(ch.isdigit() for ch in t)}
                or _NONE,
                bigrams=bigrams,
                negated=negated,
                negated_terms=negated_terms or _NONE,
                subject=subject,
                explicit=bool(subject) and not pronoun,
                negated_words=negated_words or _NO_WORDS,
                denied_people=denied_people or _NONE,
                restrictive=restrictive,
                contrast_terms=contrast_terms or _NONE,
                proper=frozenset(proper_names(claim.text, FUNCTION_WORDS)) or _NONE,
            )
        )
    return features


class _Aligner:
    """Holds the per-claim features and term weights of one analysis."""

    # Tuned on tests/data/claims_labelled.yaml, at the middle of a plateau rather than
    # its best point (see README, "How claims are compared").
    SAME = 0.19  # similarity at which two claims are the same claim
    FLOOR = 0.105  # no pair across two merged groups may be below this
    NEGATION = 0.12  # similarity at which a denial contradicts an assertion
    SAME_ROLE = 0.45  # word similarity for "the same thing said of different people"
    GAMMA = 0.3  # weight of the larger claim in the similarity's denominator
    MIN_SHARED = 2  # terms two claims must share to be compared at all
    BIGRAM = 1.0  # bonus per rare word pair shared in order
    MISSING_NAME = 0.5  # factor when one claim names a rare character the other lacks

    def __init__(
        self,
        claims: list[Claim],
        characters,
        mentions_of: list | None = None,
        features: list[_Features] | None = None,
    ) -> None:
        """``mentions_of``: each claim's ``characters.mentions(text)``, if already known;
        ``features``: each claim's :func:`claim_features`, if already known (found in
        other processes, :mod:`.parallel`)."""
        import math
        from collections import Counter
        from itertools import chain

        from ballerina_tui.analysis import claim_analyzer

        self.claims = claims
        self.names = {c.id: c.name for c in characters}
        self.kinds = {c.id: c.kind for c in characters}
        self.stem = claim_analyzer(FUNCTION_WORDS)
        if features is None:
            features = claim_features(claims, characters, mentions_of)
        self.features = features
        df: dict[str, int] = dict(Counter(chain.from_iterable(f.terms for f in self.features)))
        n = max(1, len(claims))
        self.df = df
        # Only a pair of words few claims share in that order is evidence ("box office"),
        # not a phrase one reviewer repeats ("the Ballerina movie").
        bigram_df = Counter(chain.from_iterable(f.bigrams for f in self.features))
        rare_bigram = max(3, int(0.01 * n))
        for f in self.features:
            f.bigrams = {b for b in f.bigrams if bigram_df[b] <= rare_bigram} or _NONE
        self.weights = {t: math.log((n + 1) / c) for t, c in df.items()}
        for f in self.features:
            f.weight = math.fsum(self.weights[t] for t in f.terms)
        rare = math.log((n + 1) / max(2.0, 0.02 * n))
        for f in self.features:
            f.key_entities = {
                t for t in f.terms if t.startswith(ENTITY) and self.weights[t] >= rare
            } or _NONE
        # A negated word must be at least this rare (held by at most 5% of the claims) to
        # count as a contradicted predicate: "is", "film" never qualify.
        self.min_predicate_weight = math.log((n + 1) / max(2.0, 0.05 * n))

    def shared_words(self, a: int, b: int) -> set[str]:
        shared = self.features[a].terms & self.features[b].terms
        return {t for t in shared if not t.startswith(ENTITY)}

    def same_kind(self, x: frozenset[str], y: frozenset[str]) -> bool:
        return {self.kinds.get(i) for i in x} == {self.kinds.get(i) for i in y}

    def content_similarity(self, a: int, b: int) -> float:
        """Like :meth:`similarity`, on words only (names left out): "the same thing said"."""
        ta = {t for t in self.features[a].terms if not t.startswith(ENTITY)}
        tb = {t for t in self.features[b].terms if not t.startswith(ENTITY)}
        wa = math.fsum(self.weights[t] for t in ta)
        wb = math.fsum(self.weights[t] for t in tb)
        small, large = sorted((wa, wb))
        if not small:
            return 0.0
        shared = math.fsum(self.weights[t] for t in ta & tb)
        return shared / (small**self.GAMMA * large ** (1 - self.GAMMA))

    def shared_weight(self, a: int, b: int) -> float:
        fa, fb = self.features[a], self.features[b]
        return math.fsum(self.weights[t] for t in fa.terms & fb.terms)

    def similarity(self, a: int, b: int, shared: float | None = None) -> float:
        fa, fb = self.features[a], self.features[b]
        common = fa.terms & fb.terms
        small, large = sorted((fa.weight, fb.weight))
        if not small or len(common) < self.MIN_SHARED:
            return 0.0
        if shared is None:  # what shared_weight() gives, without intersecting again
            shared = math.fsum(self.weights[t] for t in common)
        # Shared weight over a weighted geometric mean of the two claims' weights, leaning
        # on the larger one: a long sentence that shares one clause is only partly the same.
        sim = shared / (small**self.GAMMA * large ** (1 - self.GAMMA))
        # Two words in the same order ("long takes", "box office") are better evidence
        # than the same two words apart.
        sim *= 1 + self.BIGRAM * len(fa.bigrams & fb.bigrams)
        # A rare name is what a claim is about: a claim that names one the other lacks
        # ("Mother Ruska raised …" / "the crime family that raised …") says something else.
        if _names_missing(fa, fb) or _names_missing(fb, fa):
            sim *= self.MISSING_NAME
        return sim

    PER_CLAIM = 40  # lexical candidates kept per claim (the heaviest shared weight)


def _passage_map(ix, claims: list[Claim]) -> dict[int, list[int]]:
    """Whoosh docnum of each passage → indices of the claims that lie inside it."""
    import bisect
    import itertools

    by_review: dict[str, list[tuple[int, int, int]]] = {}
    for i, claim in enumerate(claims):
        by_review.setdefault(claim.review, []).append((claim.start, claim.end, i))
    # Sorted by start, with the running maximum of the ends: the claims inside a passage
    # are found by bisection, not by scanning every claim of the review for every passage
    # (quadratic: a 100,000-line review took minutes).
    ends: dict[str, list[int]] = {}
    for rid, spans in by_review.items():
        spans.sort()
        ends[rid] = list(itertools.accumulate((e for _, e, _ in spans), max))
    out: dict[int, list[int]] = {}
    with ix.reader() as reader:
        for docnum, fields in reader.iter_docs():
            spans = by_review.get(fields["rid"])
            if not spans:
                continue
            start, end = fields["start"], fields["end"]
            inside = []
            for k in range(bisect.bisect_right(ends[fields["rid"]], start), len(spans)):
                s, e, i = spans[k]
                if s >= end:
                    break
                if e > start:
                    inside.append(i)
            if inside:
                out[docnum] = inside
    return out
