"""The claim engine: what each reviewer alone claims, what they share, where they conflict.

Public API (the CLI and the app use only this):

- :func:`analyze` ``(corpus, index=None) -> ClaimAnalysis``
- :class:`ClaimAnalysis` with ``claims``, ``groups``, ``conflicts``, lookups and ``to_json``
- :func:`diff_rows` ``(analysis, review_ids) -> list[DiffRow]`` aligned rows for a diff
- :func:`word_diff` ``(a, b) -> (spans_a, spans_b)`` the words that differ in a shared pair

No Textual import here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ballerina_tui.corpus import Corpus, Review
from ballerina_tui.progress import ProgressFn
from ballerina_tui.progress import report as report_progress
from ballerina_tui.textutil import WORD_RE, word_count

UNIQUE = "unique"
SHARED = "shared"
CONFLICT = "conflict"


@dataclass
class Claim:
    id: str  # "<review id>:<n>", n counting from 1 in reading order
    review: str
    text: str  # verbatim review.text[start:end]
    section: str
    start: int
    end: int
    characters: tuple[str, ...] = ()
    paragraph: int = 0  # index of the block (paragraph or list item) it comes from
    group: str = ""
    shared_with: list[str] = field(default_factory=list)
    unique: bool = True
    contradicts: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``conflict`` if it contradicts another claim, else ``shared`` or ``unique``."""
        if self.contradicts:
            return CONFLICT
        return UNIQUE if self.unique else SHARED

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "review": self.review,
            "text": self.text,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "group": self.group,
            "shared_with": list(self.shared_with),
            "unique": self.unique,
            "contradicts": list(self.contradicts),
        }


@dataclass
class ClaimGroup:
    id: str  # "g<n>"
    claims: list[str]
    reviews: list[str]

    def to_json(self) -> dict:
        return {"id": self.id, "claims": list(self.claims), "reviews": list(self.reviews)}


@dataclass(frozen=True)
class Conflict:
    a: str  # claim id
    b: str  # claim id
    reason: str  # one line: why these two cannot both be true


@dataclass
class DiffRow:
    """One aligned row of a diff: the claims of each shown review that belong together."""

    kind: str  # UNIQUE | SHARED | CONFLICT
    cells: dict[str, list[Claim]]  # review id -> claims (empty list: nothing in that column)
    group: str | None = None


@dataclass
class ClaimAnalysis:
    reviews: list[Review]
    claims: list[Claim]
    groups: list[ClaimGroup]
    conflicts: list[Conflict]

    def __post_init__(self) -> None:
        self._by_id = {c.id: c for c in self.claims}
        self._groups = {g.id: g for g in self.groups}

    def claim(self, claim_id: str) -> Claim:
        return self._by_id[claim_id]

    def group(self, group_id: str) -> ClaimGroup:
        return self._groups[group_id]

    def for_review(self, review_id: str) -> list[Claim]:
        return [c for c in self.claims if c.review == review_id]

    def claim_at(self, review_id: str, offset: int) -> Claim | None:
        """The claim of ``review_id`` whose span contains ``offset``."""
        for claim in self.claims:
            if claim.review == review_id and claim.start <= offset < claim.end:
                return claim
        return None

    def counts(self, review_id: str) -> dict[str, int]:
        """How many of a review's claims are unique, shared and conflicting."""
        out = {UNIQUE: 0, SHARED: 0, CONFLICT: 0}
        for claim in self.for_review(review_id):
            out[claim.status] += 1
        return out

    def to_json(self, *, review: str | None = None, unique_only: bool = False) -> dict:
        claims = [
            c
            for c in self.claims
            if (review is None or c.review == review) and (not unique_only or c.unique)
        ]
        wanted_groups = {c.group for c in claims}
        return {
            "reviews": [{"id": r.id, "handle": r.handle, "title": r.title} for r in self.reviews],
            "claims": [c.to_json() for c in claims],
            "groups": [g.to_json() for g in self.groups if g.id in wanted_groups],
        }


# =========================================================================== segmentation
#
# Generic English only: sentence ends, clause joints, lead-ins, calls to action. Nothing
# here knows about any film.

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "vs",
    "etc",
    "jr",
    "sr",
    "no",
    "vol",
    "ch",
    "approx",
    "e.g",
    "i.e",
    "cf",
    "fig",
    "mt",
    "ft",
    "inc",
    "ltd",
    "co",
    "prof",
    "gen",
    "lt",
    "col",
}
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"\u201d\u2019')\]]*(?=\s+|$)")
_CALL_TO_ACTION = re.compile(
    r"(?i)\b(click here|subscribe|sign up|read more|follow us|share this|check out our"
    r"|stay tuned|let us know in the comments)\b"
)
_BOILERPLATE = re.compile(r"(?i)^\s*(keywords?|tags|related( \w+)?|see also|share)\s*:")
# Words that open an independent clause (a subject), as opposed to a list item or an
# appositive: used to decide whether ", and …" or "—…" starts a new assertion.
_SUBJECT_START = {
    "he",
    "she",
    "they",
    "it",
    "we",
    "i",
    "you",
    "this",
    "that",
    "these",
    "those",
    "there",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "your",
    "the",
    "others",
    "most",
    "many",
    "each",
    "every",
    "nothing",
    "everything",
    "who",
    "and",
    "but",
    "yet",
    "so",
}
_PRONOUN_START = {"he", "she", "they", "it", "we", "i", "you", "there", "and", "but", "yet", "so"}
_PARTICIPLE = (
    r"(?:\w{2,}(?:ed|ing)|written|taken|given|driven|chosen|hidden|broken|forgotten|shaken"
    r"|stolen|frozen|beaten|known|shown|drawn|grown|thrown|sworn|torn|worn|born|set|led|made)"
)
_JOINTS = re.compile(
    r"(?:;\s+|\s*\u2014\s*|\s+--\s+|,\s+(?:and|but|yet|so|while|whereas|although|though)\s+"
    r"|\s+(?:while|whereas)\s+)"
)
_NOT_PARTICIPLE = (
    r"(?!(?:some|no|every|any)thing\b|during\b|king\b|bring\b|string\b|spring\b|evening\b"
    r"|morning\b|ceiling\b|wedding\b|building\b|feeling\b|hundred\b|indeed\b|need\b)"
)
# ", blending grace and grit", ", led by …", ", making it a must-watch": a participle
# phrase after a comma adds an assertion of its own.
_PARTICIPLE_AFTER_COMMA = re.compile(rf",\s+(?={_NOT_PARTICIPLE}{_PARTICIPLE}\b)", re.I)
# ", with …", ", including …", ", who …": the same for these openers.
_OPENER_AFTER_COMMA = re.compile(
    r",\s+(?=(?:with|including|especially|particularly|thanks\s+to|alongside|who|whose|which"
    r"|where|because|since|during|as\s+(?:he|she|they|it|we|i|you))\b)",
    re.I,
)
_LEADING_PARTICIPLE = re.compile(rf"^(?:{_PARTICIPLE}|With|After|Before|Despite)\b", re.I)
_CONJUNCTION_LEAD = re.compile(r"(?i)^(?:and|but|yet|so|or)\s+")
MIN_CLAIM_WORDS = 3


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as spans, not split after abbreviations or initials."""
    spans = []
    pos = start
    for match in _SENTENCE_END.finditer(text, start, end):
        stop = match.end()
        before = text[pos : match.start()]
        last = re.search(r"(\w+(?:\.\w+)*)$", before)
        if match.group(0).startswith(".") and last:
            word = last.group(1)
            if word.casefold() in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                continue
        nxt = text[stop:end].lstrip()
        if nxt and not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "\"\u201c\u2018'(["):
            continue
        spans.append((pos, stop))
        pos = stop
    if pos < end:
        spans.append((pos, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _mask_brackets(text: str) -> str:
    """``text`` with everything inside (), [] and quotes replaced by spaces (same length)."""
    out = list(text)
    depth = 0
    quote = False
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            continue
        elif ch == "\u201c":
            quote = True
        elif ch == "\u201d":
            quote = False
            continue
        if depth or quote:
            out[i] = " "
    return "".join(out)


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut one sentence into clauses where it asserts several things."""
    sentence = text[start:end]
    masked = _mask_brackets(sentence)
    cuts: set[int] = set()
    joints: list[tuple[int, int]] = []
    for m in _JOINTS.finditer(masked):
        joints.append((m.start(), m.end()))
    for m in _PARTICIPLE_AFTER_COMMA.finditer(masked):
        joints.append((m.start(), m.end()))
    for m in _OPENER_AFTER_COMMA.finditer(masked):
        joints.append((m.start(), m.end()))
    # "Directed by X, the film …": a leading participle phrase ends at its first comma.
    if _LEADING_PARTICIPLE.match(masked):
        comma = masked.find(", ")
        if comma > 0:
            joints.append((comma, comma + 2))
            lead = masked[:comma]
            for m in re.finditer(r"\s+and\s+(?=\w+(?:ing|ed)\b)", lead):
                joints.append((m.start(), m.end()))
    joints.sort()
    pieces: list[tuple[int, int]] = []
    pos = 0
    for js, je in joints:
        if js < pos:
            continue
        left = sentence[pos:js]
        right = sentence[je:]
        if word_count(left) < MIN_CLAIM_WORDS or word_count(right) < MIN_CLAIM_WORDS:
            continue
        joint = masked[js:je]
        right_words = re.findall(r"[\w\u2019']+", right[:80])
        if right_words and right_words[0].casefold() in ("and", "but", "yet", "so"):
            right_words = right_words[1:]
        first_word = right_words[0] if right_words else ""
        word = first_word.casefold().replace("\u2019", "'").split("'")[0]
        if "\u2014" in joint or "--" in joint:
            pass  # a dash always sets off an assertion of its own
        elif "," in joint and re.search(r"\b(and|but|yet|so)\b", joint):
            if word not in _SUBJECT_START and not first_word[:1].isupper():
                continue
            # "a, b, and c" is a list, not two clauses.
            tail = masked[max(0, js - 60) : js]
            if "," in tail and word_count(tail.rsplit(",", 1)[1]) <= 6:
                continue
        pieces.append((pos, js))
        cuts.add(js)
        pos = je
    pieces.append((pos, len(sentence)))
    out = []
    for s, e in pieces:
        piece = sentence[s:e]
        lead = _CONJUNCTION_LEAD.match(piece)
        if lead:
            s += lead.end()
        while s < e and sentence[s] in " ,;:\u2014-":
            s += 1
        while e > s and sentence[e - 1] in " ,;:\u2014-":
            e -= 1
        if e > s:
            out.append((start + s, start + e))
    return out


def _split_name_list(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """A list item that is only names ("A B, C D, E F") becomes one claim per name."""
    item = text[start:end]
    parts = [p for p in re.finditer(r"[^,]+", item)]
    if len(parts) < 2:
        return None
    spans = []
    for p in parts:
        words = p.group(0).split()
        if (
            not words
            or len(words) > 5
            or not all(w[0].isupper() or w.islower() and len(w) <= 3 for w in words)
        ):
            return None
        s, e = start + p.start(), start + p.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        spans.append((s, e))
    return spans


def is_claim_text(text: str) -> bool:
    """False for questions, lead-ins, calls to action and fragments too short to assert."""
    stripped = text.strip().rstrip("\"\u201d\u2019')")
    if not stripped:
        return False
    if stripped.endswith("?") or stripped.endswith(":"):
        return False
    if _CALL_TO_ACTION.search(text) or _BOILERPLATE.match(text):
        return False
    return word_count(text) >= MIN_CLAIM_WORDS


def segment_review(review: Review) -> list[tuple[int, int, str, int]]:
    """``(start, end, section, block index)`` of every claim of a review, in reading order."""
    text = review.text
    spans: list[tuple[int, int, str, int]] = []
    for block in review.blocks:
        if block.kind == "heading":
            continue
        block_text = text[block.start : block.end]
        if (
            _BOILERPLATE.match(block_text)
            or _CALL_TO_ACTION.search(block_text)
            and word_count(block_text) < 25
        ):
            continue
        if block.kind == "item":
            names = _split_name_list(text, block.start, block.end)
            if names:
                spans.extend((s, e, block.section, block.index) for s, e in names)
                continue
            if word_count(block_text) >= 2 and not block_text.rstrip().endswith("?"):
                spans.append((block.start, block.end, block.section, block.index))
            continue
        for s, e in sentence_spans(text, block.start, block.end):
            if not is_claim_text(text[s:e]):
                continue
            for cs, ce in clause_spans(text, s, e):
                if is_claim_text(text[cs:ce]):
                    spans.append((cs, ce, block.section, block.index))
    return spans


# =========================================================================== alignment
#
# Two claims in different reviews are the same claim when what makes each distinctive is
# shared: names, numbers and words that are rare in this corpus. Every term is weighted by
# its inverse claim frequency, so the words every review uses (the film's title, its lead)
# count for little. Candidate pairs come from the Whoosh index's posting lists: only
# claims that share a term that is not too common are ever compared, so the cost grows
# with the number of (claim, rare term) postings, not with the square of the corpus.

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
_PRONOUN_SUBJECT = re.compile(r"(?i)^\s*(he|she|they|his|her|their|him|them|the two)\b")


@dataclass
class _Features:
    terms: set[str]
    entities: set[str]
    numbers: set[str]
    negated: bool
    negated_terms: set[str]
    bigrams: set[str] = field(default_factory=set)
    key_entities: set[str] = field(default_factory=set)
    subject: frozenset[str] = frozenset()
    explicit: bool = False  # the subject is named in the claim, not a pronoun
    restrictive: bool = False  # "not just …"
    negated_words: dict[str, str] = field(default_factory=dict)  # stem -> word as written
    denied_people: set[str] = field(default_factory=set)  # "isn't John Wick" -> john-wick
    weight: float = 0.0


def _names_missing(have: _Features, other: _Features) -> bool:
    """Whether ``have`` names a rare character that ``other`` does not (through the
    character or through the actor: "Lance Reddick" names Charon)."""
    for term in have.key_entities:
        base = term.removesuffix("~actor")
        if base not in other.terms and f"{base}~actor" not in other.terms:
            return True
    return False


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

    def __init__(self, claims: list[Claim], characters) -> None:  # noqa: C901 - one pass
        import math

        from ballerina_tui.analysis import claim_analyzer, plain_analyzer, review_analyzer

        self.claims = claims
        self.names = {c.id: c.name for c in characters}
        self.kinds = {c.id: c.kind for c in characters}
        stem = review_analyzer()
        content = claim_analyzer(FUNCTION_WORDS)
        plain = plain_analyzer()
        self.features: list[_Features] = []
        context: list[str] = []  # entities the current section is talking about
        last: Claim | None = None
        for claim in claims:
            if last is None or (last.review, last.section) != (claim.review, claim.section):
                context = []
            # Names count once, as the character they name ("Keanu Reeves" = "John Wick"),
            # not also as words.
            masked = claim.text
            actors: set[str] = set()
            for mention in characters.mentions(claim.text):
                gap = " " * (mention.end - mention.start)
                masked = masked[: mention.start] + gap + masked[mention.end :]
                if mention.by_actor:
                    actors.add(mention.character)
            tokens = [t.text for t in content(masked)]
            bigrams = {f"{x} {y}" for x, y in zip(tokens, tokens[1:], strict=False)}
            own = list(claim.characters)
            pronoun = _PRONOUN_SUBJECT.match(claim.text)
            subject: frozenset[str] = frozenset()
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
                mentions = characters.mentions(claim.text) if own else []
                if mentions and word_count(claim.text[: mentions[0].start]) <= 6:
                    subject = frozenset((mentions[0].character,))
            if entities:
                context = entities
            last = claim
            negated_terms: set[str] = set()
            negated_words: dict[str, str] = {}
            negated = restrictive = False
            denied_people: set[str] = set()
            mentions = characters.mentions(claim.text)
            offset = 0
            for segment in re.split(r"([,;:()\u2014\u2013]|\s-\s|--)", claim.text):
                seg_start, offset = offset, offset + len(segment)
                # Whoosh reuses one Token object while it iterates: copy what we need.
                tokens_here = [(t.text, t.startchar, t.endchar) for t in plain(segment, chars=True)]
                words = [text for text, _s, _e in tokens_here]
                for i, word in enumerate(words):
                    if word in NEGATIONS or word.endswith("n't"):
                        negated = True
                        # "isn't a female John Wick": the people named just after a
                        # negation are part of what is denied.
                        window = tokens_here[i + 1 : i + 7]
                        if window:
                            lo = seg_start + window[0][1]
                            hi = seg_start + window[-1][2]
                            denied_people.update(
                                m.character for m in mentions if lo <= m.start < hi
                            )
                        # What is negated is the first content word after the negation:
                        # "not merely as a cameo" negates "cameo", "don't fight" "fight".
                        for follower in words[i + 1 : i + 6]:
                            if follower in _RESTRICTIVE:
                                restrictive = True
                            if follower in _NEGATION_SKIP or follower in _LIGHT_VERBS:
                                continue
                            for t in stem(follower):
                                negated_terms.add(t.text)
                                negated_words.setdefault(t.text, follower)
                            break
            self.features.append(
                _Features(
                    # An actor named ("Ana de Armas") is also a casting fact: a term of its own.
                    terms=set(tokens)
                    | {ENTITY + e for e in entities}
                    | {f"{ENTITY}{a}~actor" for a in actors}
                    # "She's not just a copy of Wick" / "Rooney isn't John Wick in heels":
                    # denying someone is a term of its own, and a rare one.
                    | {f"{ENTITY}not:{p}" for p in denied_people},
                    entities=set(entities),
                    numbers={t for t in tokens if any(ch.isdigit() for ch in t)},
                    bigrams=bigrams,
                    negated=negated,
                    negated_terms=negated_terms,
                    subject=subject,
                    explicit=bool(subject) and not pronoun,
                    negated_words=negated_words,
                    denied_people=denied_people,
                    restrictive=restrictive,
                )
            )
        df: dict[str, int] = {}
        for f in self.features:
            for t in f.terms:
                df[t] = df.get(t, 0) + 1
        n = max(1, len(claims))
        self.df = df
        # Character terms and hyphenated compounds are ours, not the index's: keep their
        # holders directly.
        self._own_holders: dict[str, list[int]] = {}
        for i, f in enumerate(self.features):
            for term in f.terms:
                if term.startswith(ENTITY) or "-" in term:
                    self._own_holders.setdefault(term, []).append(i)
        # Only a pair of words few claims share in that order is evidence ("box office"),
        # not a phrase one reviewer repeats ("the Ballerina movie").
        bigram_df: dict[str, int] = {}
        for f in self.features:
            for bigram in f.bigrams:
                bigram_df[bigram] = bigram_df.get(bigram, 0) + 1
        rare_bigram = max(3, int(0.01 * n))
        for f in self.features:
            f.bigrams = {b for b in f.bigrams if bigram_df[b] <= rare_bigram}
        self.weights = {t: math.log((n + 1) / c) for t, c in df.items()}
        for f in self.features:
            f.weight = sum(self.weights[t] for t in f.terms)
        rare = math.log((n + 1) / max(2.0, 0.02 * n))
        for f in self.features:
            f.key_entities = {
                t for t in f.terms if t.startswith(ENTITY) and self.weights[t] >= rare
            }
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
        wa = sum(self.weights[t] for t in ta)
        wb = sum(self.weights[t] for t in tb)
        small, large = sorted((wa, wb))
        if not small:
            return 0.0
        shared = sum(self.weights[t] for t in ta & tb)
        return shared / (small**self.GAMMA * large ** (1 - self.GAMMA))

    def shared_weight(self, a: int, b: int) -> float:
        fa, fb = self.features[a], self.features[b]
        return sum(self.weights[t] for t in fa.terms & fb.terms)

    def similarity(self, a: int, b: int, shared: float | None = None) -> float:
        fa, fb = self.features[a], self.features[b]
        if shared is None:
            shared = self.shared_weight(a, b)
        small, large = sorted((fa.weight, fb.weight))
        if not small or len(fa.terms & fb.terms) < self.MIN_SHARED:
            return 0.0
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

    def candidate_pairs(
        self, ix, passages_of: dict[int, list[int]], rep: list[int]
    ) -> dict[tuple[int, int], float]:
        """Pairs of distinct claims from different reviews that share a not-too-common term,
        with the summed weight of the terms they share.

        The posting lists come from the Whoosh index (passage documents); ``passages_of``
        maps a passage docnum to the claims inside it. Word-for-word copies are compared
        once, through their representative ``rep[i]``. A term held by more than ``cap``
        distinct claims carries little weight and would make the pair count quadratic, so
        it is skipped here (it still counts in each claim's total weight).
        """
        reps = sorted(set(rep))
        cap = max(12, int(len(reps) ** 0.5 * 2))
        reviews_of: dict[int, set[str]] = {}
        for i, claim in enumerate(self.claims):
            reviews_of.setdefault(rep[i], set()).add(claim.review)
        shared: dict[tuple[int, int], float] = {}
        with ix.reader() as reader:
            for term, count in self.df.items():
                if count < 2:
                    continue
                if term in self._own_holders:
                    holders = self._own_holders[term]
                else:
                    try:
                        docs = reader.postings("text", term).all_ids()
                    except Exception:  # noqa: BLE001 - term not in the index (e.g. cut passage)
                        docs = []
                    holders = []
                    for doc in docs:
                        holders.extend(
                            i for i in passages_of.get(doc, ()) if term in self.features[i].terms
                        )
                holders = sorted({rep[i] for i in holders})
                if len(holders) < 2 or len(holders) > cap:
                    continue
                weight = self.weights[term]
                for x, a in enumerate(holders):
                    ra = reviews_of[a]
                    for b in holders[x + 1 :]:
                        rb = reviews_of[b]
                        if len(ra) == 1 and ra == rb:
                            continue  # two claims of one review: not a match across reviews
                        shared[(a, b)] = shared.get((a, b), 0.0) + weight
        return shared


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


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _normalised(text: str) -> str:
    from ballerina_tui.textutil import fold

    return " ".join(re.findall(r"\w+", fold(text)))


def analyze(corpus: Corpus, index=None, *, progress: ProgressFn | None = None) -> ClaimAnalysis:
    """Segment every review into claims, align them across reviews and flag conflicts.

    ``progress`` is called as ``progress("claims", done, total)`` and may raise
    :class:`~ballerina_tui.progress.Cancelled` to stop the analysis."""
    from ballerina_tui.index import ReviewIndex

    if index is None:
        index = ReviewIndex(corpus)
    ix = index.ensure(progress=progress)
    characters = index.characters

    claims: list[Claim] = []
    total = len(corpus.reviews)
    for done, review in enumerate(corpus.reviews):
        report_progress(progress, "claims", done, total)
        for n, (start, end, section, paragraph) in enumerate(segment_review(review), 1):
            text = review.text[start:end]
            claims.append(
                Claim(
                    id=f"{review.id}:{n}",
                    review=review.id,
                    text=text,
                    section=section,
                    start=start,
                    end=end,
                    characters=tuple(characters.mentioned(text)),
                    paragraph=paragraph,
                )
            )
    aligner = _Aligner(claims, characters)
    uf = _UnionFind(len(claims))

    # Word-for-word the same claim (a review that copies another): same group at once.
    first_of: dict[str, int] = {}
    for i, claim in enumerate(claims):
        key = _normalised(claim.text)
        if key in first_of:
            uf.union(first_of[key], i)
        else:
            first_of[key] = i

    rep = [uf.find(i) for i in range(len(claims))]
    shared = aligner.candidate_pairs(ix, _passage_map(ix, claims), rep)
    scored = {pair: aligner.similarity(*pair, weight) for pair, weight in shared.items()}
    _cluster(claims, scored, uf)

    conflicts = _find_conflicts(claims, aligner, scored, uf, rep)
    report_progress(progress, "claims", total, total)
    return _assemble(corpus, claims, uf, conflicts)


def _cluster(claims: list[Claim], scored: dict[tuple[int, int], float], uf: _UnionFind) -> None:
    """Group claims that assert the same thing.

    Pairs are taken from the most similar down. Two groups merge only when the pair that
    joins them is above :attr:`_Aligner.SAME` *and* every pair of claims across the two
    groups (from different reviews) is above :attr:`_Aligner.FLOOR`: one loose resemblance
    cannot chain two unrelated claims together, as plain single-link grouping would.
    Claims already in one group (word-for-word copies) stay together.
    """
    members: dict[int, list[int]] = {}
    for i in range(len(claims)):
        members.setdefault(uf.find(i), []).append(i)
    # One representative per word-for-word group keeps the checks small on copied text.
    rep_sim: dict[tuple[int, int], float] = {}
    for (a, b), sim in scored.items():
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        key = (ra, rb) if ra < rb else (rb, ra)
        if sim > rep_sim.get(key, 0.0):
            rep_sim[key] = sim
    reps = {root: [root] for root in members}
    review_of = {root: {claims[i].review for i in idx} for root, idx in members.items()}
    # Each claim is compared only with its closest claim in each other review.
    best: dict[tuple[int, str], tuple[float, int]] = {}
    for (ra, rb), sim in rep_sim.items():
        for x, y in ((ra, rb), (rb, ra)):
            for review in review_of[y]:
                if sim > best.get((x, review), (0.0, -1))[0]:
                    best[(x, review)] = (sim, y)
    keep = {(min(x, y), max(x, y)) for (x, _r), (_s, y) in best.items()}
    for (ra, rb), sim in sorted(rep_sim.items(), key=lambda item: -item[1]):
        if sim < _Aligner.SAME:
            break
        if (ra, rb) not in keep:
            continue
        ga, gb = uf.find(ra), uf.find(rb)
        if ga == gb:
            continue
        ok = True
        for x in reps[ga]:
            for y in reps[gb]:
                if review_of[x] & review_of[y] and len(review_of[x] | review_of[y]) == 1:
                    continue  # the same review twice: nothing to compare
                key = (x, y) if x < y else (y, x)
                if rep_sim.get(key, 0.0) < _Aligner.FLOOR:
                    ok = False
                    break
            if not ok:
                break
        if not ok:
            continue
        uf.union(ga, gb)
        root = uf.find(ga)
        reps[root] = reps.pop(ga, []) + reps.pop(gb, []) if root in (ga, gb) else reps[root]


def _assemble(
    corpus: Corpus, claims: list[Claim], uf: _UnionFind, conflicts: list[Conflict]
) -> ClaimAnalysis:
    members: dict[int, list[int]] = {}
    for i in range(len(claims)):
        members.setdefault(uf.find(i), []).append(i)
    groups: list[ClaimGroup] = []
    for n, root in enumerate(sorted(members), 1):
        idx = members[root]
        gid = f"g{n}"
        reviews = list(dict.fromkeys(claims[i].review for i in idx))
        groups.append(ClaimGroup(gid, [claims[i].id for i in idx], reviews))
        for i in idx:
            claims[i].group = gid
            claims[i].shared_with = [r for r in reviews if r != claims[i].review]
            claims[i].unique = not claims[i].shared_with
    by_id = {c.id: c for c in claims}
    for conflict in conflicts:
        by_id[conflict.a].contradicts.append(conflict.b)
        by_id[conflict.b].contradicts.append(conflict.a)
    return ClaimAnalysis(list(corpus.reviews), claims, groups, conflicts)


def _same_subject(fa: _Features, fb: _Features) -> bool:
    """Whether two claims are about the same people: the same subject, or, when one is
    about several people ("they"), the other names all of them."""
    if not fa.subject or not fb.subject:
        return False
    if fa.subject == fb.subject:
        return True
    for one, other, f_other in ((fa.subject, fb.subject, fb), (fb.subject, fa.subject, fa)):
        if len(one) > 1 and other <= one and one <= f_other.entities:
            return True
    return False


def _find_conflicts(
    claims: list[Claim],
    aligner: _Aligner,
    scored: dict[tuple[int, int], float],
    uf: _UnionFind,
    rep: list[int],
) -> list[Conflict]:
    """Pairs of claims in different reviews that cannot both be true.

    - *Negation*: both are about the same people (or nobody in particular), and what one
      negates ("They don't fight", "not merely a cameo") the other asserts.
    - *Different number*: the same statement otherwise, with different numbers or dates.
    - *Different person*: the same statement otherwise, naming different people.
    """
    features = aligner.features
    weights = aligner.weights
    names = aligner.names
    denials: list[tuple[int, int, str]] = []
    found: dict[tuple[int, int], str] = {}
    for (a, b), sim in scored.items():
        fa, fb = features[a], features[b]
        same_people = _same_subject(fa, fb)
        if fa.negated != fb.negated and same_people:
            neg, pos = (a, b) if fa.negated else (b, a)
            fneg, fpos = features[neg], features[pos]
            hit = {t for t in fneg.negated_terms & fpos.terms if not t.startswith(ENTITY)}
            # What is negated must be something the other claim asserts, and distinctive.
            hit = {t for t in hit if weights.get(t, 0) >= aligner.min_predicate_weight}
            if fneg.restrictive and not (fneg.explicit and fpos.explicit):
                hit = set()
            if hit and sim >= aligner.NEGATION:
                stem = max(hit, key=lambda t: weights.get(t, 0))
                word = fneg.negated_words.get(stem, stem)
                found[(a, b)] = f"“{word}” is denied in one and asserted in the other"
                denials.append((neg, pos, word))
                continue
        if (
            len(fa.subject) == 1
            and len(fb.subject) == 1
            and not (fa.subject & fb.entities)
            and not (fb.subject & fa.entities)
            and uf.find(a) != uf.find(b)
            and aligner.same_kind(fa.subject, fb.subject)
            and len(aligner.shared_words(a, b)) >= 3
            and aligner.content_similarity(a, b) >= aligner.SAME_ROLE
        ):
            (x,), (y,) = fa.subject, fb.subject
            found[(a, b)] = (
                f"different people for the same thing: {names.get(x, x)} / {names.get(y, y)}"
            )
            continue
        if sim < aligner.SAME:
            continue
        if fa.numbers and fb.numbers and not (fa.numbers & fb.numbers):
            found[(a, b)] = (
                f"different numbers for the same thing: {', '.join(sorted(fa.numbers))} "
                f"vs {', '.join(sorted(fb.numbers))}"
            )
    # "They don't fight. They don't team up.": a run of plain denials about the same subject
    # in one paragraph is one statement of non-involvement; what contradicts one denial
    # contradicts its neighbours too.
    for neg, pos, word in denials:
        for other in (neg - 2, neg - 1, neg + 1, neg + 2):
            if not 0 <= other < len(claims) or other == pos:
                continue
            fo, fn = features[other], features[neg]
            same_paragraph = (claims[other].review, claims[other].paragraph) == (
                claims[neg].review,
                claims[neg].paragraph,
            )
            if (
                same_paragraph
                and fo.negated
                and not fo.restrictive
                and not fn.restrictive
                and fo.subject
                and fo.subject == fn.subject
            ):
                key = (min(other, pos), max(other, pos))
                found.setdefault(key, f"denied together with “{word}”, which the other asserts")
    # Pairs were found between representatives: word-for-word copies conflict too.
    copies: dict[int, list[int]] = {}
    if found:
        for i in range(len(claims)):
            copies.setdefault(rep[i], []).append(i)
    out: dict[tuple[int, int], str] = {}
    for (a, b), reason in sorted(found.items()):
        links = [(x, b) for x in copies.get(rep[a], [a])]
        links += [(a, y) for y in copies.get(rep[b], [b])]
        for x, y in links:
            if claims[x].review != claims[y].review:
                out.setdefault((min(x, y), max(x, y)), reason)
    return [Conflict(claims[a].id, claims[b].id, reason) for (a, b), reason in sorted(out.items())]


# =========================================================================== diff


def word_diff(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of the words of ``a`` and of ``b`` that the other does not have.

    Words are compared case- and accent-insensitively, in order (as a diff tool would):
    used to emphasise what differs inside a pair of shared claims.
    """
    import difflib

    from ballerina_tui.textutil import fold

    wa = list(WORD_RE.finditer(a))
    wb = list(WORD_RE.finditer(b))
    matcher = difflib.SequenceMatcher(
        a=[fold(m.group(0)) for m in wa], b=[fold(m.group(0)) for m in wb], autojunk=False
    )
    spans_a: list[tuple[int, int]] = []
    spans_b: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        spans_a.extend((m.start(), m.end()) for m in wa[i1:i2])
        spans_b.extend((m.start(), m.end()) for m in wb[j1:j2])
    return spans_a, spans_b


def diff_rows(analysis: ClaimAnalysis, review_ids: list[str]) -> list[DiffRow]:
    """Aligned rows for a side-by-side view of ``review_ids`` (two or more).

    Every claim of the shown reviews appears in the row of its group: ``shared`` when two
    or more shown reviews make it, ``unique`` when only one of them does (it may still be
    shared with a review that is not shown: its own ``status`` says so). Each conflict
    between two shown reviews adds a ``conflict`` row with both quotes. Rows follow the
    reading order of the articles (by relative position).
    """
    shown = [r for r in review_ids if any(rv.id == r for rv in analysis.reviews)]
    length = {r.id: max(1, len(r.text)) for r in analysis.reviews}
    rows: list[tuple[float, int, DiffRow]] = []
    seen_groups: set[str] = set()
    order = 0
    for claim in analysis.claims:
        if claim.review not in shown or claim.group in seen_groups:
            continue
        seen_groups.add(claim.group)
        members = [analysis.claim(cid) for cid in analysis.group(claim.group).claims]
        cells = {r: [m for m in members if m.review == r] for r in shown}
        present = [r for r in shown if cells[r]]
        kind = SHARED if len(present) > 1 else UNIQUE
        position = min(m.start / length[m.review] for m in members if m.review in shown)
        rows.append((position, order, DiffRow(kind, cells, claim.group)))
        order += 1
    for conflict in analysis.conflicts:
        a, b = analysis.claim(conflict.a), analysis.claim(conflict.b)
        if a.review in shown and b.review in shown:
            cells = {r: [] for r in shown}
            cells[a.review].append(a)
            cells[b.review].append(b)
            position = min(a.start / length[a.review], b.start / length[b.review])
            rows.append((position, order, DiffRow(CONFLICT, cells, None)))
            order += 1
    rows.sort(key=lambda item: (item[0], item[1]))
    return [row for _, _, row in rows]
