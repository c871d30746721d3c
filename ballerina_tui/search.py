"""Searching the review index: Whoosh query syntax, field queries, fuzzy fallback, spans.

Query syntax (case-insensitive words, upper-case operators):

- ``word``, ``"a phrase"``, ``a AND b``, ``a OR b``, ``NOT a``, ``-a``, ``(a OR b) c``
- ``term~`` fuzzy (one edit), ``term~2`` (two edits), ``prefix*``
- ``review:ID-or-handle``, ``section:word``, ``character:Name`` (any alias; quote names
  with spaces: ``character:"Mother Ruska"``)

A quoted phrase is exact: its words in that order with nothing between them (a stop word
in the phrase still takes its place). ``character:Name`` is expanded at query time to the
phrases of that card's names; when no card matches, the name is searched in the text and
a note says so. Each plain word also finds its joined or split form (``old boy`` finds
*oldboy*, ``oldboy`` finds *old boy*) and, ranked below, its word family (``directing``
finds *director* and *direction*; see :func:`ballerina_tui.analysis.family_key`).

A query with no hits, or only a few, is retried with spelling corrections taken from the
words of the reviews; :attr:`SearchResult.corrected` says which query was actually run. Highlights are ``(start, end)`` offsets into the hit's ``text``;
``start``/``end`` place that text in the review (see :mod:`ballerina_tui.corpus`).
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field

from ballerina_tui.index import ReviewIndex

MAX_QUERY_CHARS = 300
DEFAULT_LIMIT = 20
# Fewer matching passages than this and the spelling retry is tried too; its results
# are shown when they are more than FEW_HITS_GAIN times as many.
FEW_HITS = 3
FEW_HITS_GAIN = 3
# A word the reviews use that is shorter than this is never swapped for a commoner one:
# one edit in four letters is another word ("faqs" / "fans"), not a typo.
SHORT_KNOWN_WORD = 6
# A word family's other stems count this much of an exact stem (ranked below it).
FAMILY_BOOST = 0.3
# Family stems are at most this many letters longer than the family's root.
FAMILY_SPREAD = 5
# Edit distance for ``word~N``. Each step costs several times the last (``~5`` took a
# second on the bundled reviews) and anything past 2 matches nearly every short word.
MAX_FUZZY_EDITS = 2

# Control characters, and lone surrogates (an undecodable byte in a command-line argument):
# Whoosh cannot encode the latter, and the UnicodeEncodeError looked like a damaged index.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CHARACTER_FIELD = re.compile(
    r"(?i)(?<![\w:])(?:character|characters|char):(?:\"([^\"]*)\"|'([^']*)'|([^\s()\"]+))"
)


class QueryError(ValueError):
    """The query cannot be run; the message says why in one line."""


@dataclass
class Hit:
    review: str
    handle: str
    section: str
    score: float
    text: str
    start: int
    end: int
    highlights: list[tuple[int, int]]
    kind: str = "paragraph"
    paragraph: int = 0
    characters: list[str] = field(default_factory=list)
    # The citation ("¶ 3" where the passage has no heading) and the span in the file's
    # own text (start/end index the review's text; they differ where HTML was turned
    # into text).
    label: str = ""
    file_start: int = 0
    file_end: int = 0

    def to_json(self) -> dict:
        data = asdict(self)
        data["score"] = round(self.score, 4)
        data["highlights"] = [list(span) for span in self.highlights]
        return data


@dataclass
class SearchResult:
    query: str
    corrected: str | None
    hits: list[Hit]
    total: int
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "corrected": self.corrected,
            "total": self.total,
            "notes": self.notes,
            "hits": [h.to_json() for h in self.hits],
        }


def _merge(spans) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(set(spans)):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _possessive_end(text: str, start: int, end: int) -> int:
    """Where a word ends without its possessive: "Reddick’s" is marked as "Reddick"."""
    if end - start > 2 and text[end - 1] in "sS" and text[end - 2] in "'’ʼ＇":
        return end - 2
    if end - start > 1 and text[end - 1] in "'’ʼ＇":
        return end - 1
    return end


def _walk(query):
    yield query
    for child in query.children() if hasattr(query, "children") else ():
        yield from _walk(child)


def _phrase_class():
    from whoosh import matching
    from whoosh.query import Phrase, SpanNear2, Term
    from whoosh.query.qcore import QueryError as WhooshQueryError

    class ExactPhrase(Phrase):
        """A phrase whose words stand exactly ``gaps`` positions apart (1 = side by side,
        2 = one stop word between, as in "heart of darkness"). Whoosh's own phrase only
        knows a slop, and the index once renumbered positions over stop words, so
        "heart in the darkness" matched the phrase "heart of darkness"."""

        def __init__(self, fieldname, words, gaps=None, boost=1.0, char_ranges=None):
            super().__init__(fieldname, words, slop=1, boost=boost, char_ranges=char_ranges)
            self.gaps = list(gaps) if gaps else [1] * (len(words) - 1)

        def __eq__(self, other):
            return super().__eq__(other) and getattr(other, "gaps", None) == self.gaps

        def __hash__(self):
            return super().__hash__() ^ hash(tuple(self.gaps))

        def _and_query(self):
            from whoosh import query as wq

            return wq.And([Term(self.fieldname, w) for w in self.words])

        def matcher(self, searcher, context=None):
            fieldname = self.fieldname
            if fieldname not in searcher.schema:
                return matching.NullMatcher()
            field = searcher.schema[fieldname]
            if not field.format or not field.format.supports("positions"):
                raise WhooshQueryError(f"Phrase search: {fieldname!r} field has no positions")
            reader = searcher.reader()
            if any((fieldname, w) not in reader for w in self.words):
                return matching.NullMatcher()
            q = Term(fieldname, self.words[0])
            for w, gap in zip(self.words[1:], self.gaps, strict=True):
                q = SpanNear2([q, Term(fieldname, w)], slop=gap, ordered=True, mindist=gap)
            m = q.matcher(searcher, context)
            if self.boost != 1.0:
                m = matching.WrappingMatcher(m, boost=self.boost)
            return m

    return ExactPhrase


_EXACT_PHRASE = None


def ExactPhrase(fieldname, words, gaps=None, boost=1.0, char_ranges=None):  # noqa: N802
    """Make an exact phrase query (the class is built on first use: Whoosh loads lazily)."""
    global _EXACT_PHRASE
    if _EXACT_PHRASE is None:
        _EXACT_PHRASE = _phrase_class()
    return _EXACT_PHRASE(fieldname, words, gaps=gaps, boost=boost, char_ranges=char_ranges)


def _exact_phrases(query, qstring: str):
    """Replace each parsed phrase by an :class:`ExactPhrase` with the gaps its words have in
    the query itself (stop words keep their places, as in the index)."""
    from whoosh import query as wq

    from ballerina_tui.analysis import review_analyzer

    analyzer = review_analyzer()

    def fix(node):
        if type(node) is not wq.Phrase or not node.words:
            return node
        ranges = node.char_ranges or []
        gaps = None
        if ranges and ranges[0][0] is not None and ranges[-1][1] is not None:
            text = qstring[ranges[0][0] : ranges[-1][1]]
            tokens = [(t.text, t.pos) for t in analyzer(text, positions=True)]
            if [w for w, _ in tokens] == list(node.words):
                gaps = [b - a for (_, a), (_, b) in zip(tokens, tokens[1:], strict=False)]
        return ExactPhrase(
            node.fieldname, node.words, gaps=gaps, boost=node.boost, char_ranges=node.char_ranges
        )

    return query.accept(fix)


class Searcher:
    """A warm searcher over one :class:`ReviewIndex`. One per thread (Whoosh's rule)."""

    def __init__(self, index: ReviewIndex) -> None:
        from whoosh.qparser import (
            FieldAliasPlugin,
            FuzzyTermPlugin,
            GtLtPlugin,
            PlusMinusPlugin,
            QueryParser,
        )

        self.index = index
        self._characters = None
        self._hit_characters = None
        ix = index.ensure()
        reader = index.take_reader(ix)
        if reader is None:
            self._searcher = ix.searcher()
        else:
            from whoosh.searching import Searcher as WhooshSearcher

            self._searcher = WhooshSearcher(reader, fromindex=ix)
        parser = QueryParser("text", ix.schema)
        parser.add_plugin(FuzzyTermPlugin())
        # "-word" excludes only at the start of a word: "spin-off" stays a word.
        parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
        parser.add_plugin(FieldAliasPlugin({"review": ["reviewer", "by"], "section": ["heading"]}))
        parser.remove_plugin_class(GtLtPlugin)
        self._parser = parser
        self._lock = threading.Lock()
        self._fast = _PlainTermScorer()
        self._vocabulary: list[str] | None = None

    @property
    def characters(self):
        """The index's character cards, loaded when a query or a hit first needs them. A
        broken ``characters.yaml`` is a note on the search, not a failed search."""
        if self._characters is None:
            from ballerina_tui.characters import CharactersError, CharacterSet

            try:
                self._characters = self.index.characters
            except CharactersError as exc:
                line = f":{exc.line}" if exc.line else ""
                self._character_problem = f"{self.index.corpus.characters_path}{line}: {exc}"
                self._characters = CharacterSet()
        return self._characters

    @property
    def hit_characters(self):
        """The cards a hit's ``characters`` come from: as known without reading the reviews
        (a plain search of a fresh index opens no review file)."""
        if self._characters is not None:
            return self._characters
        if self._hit_characters is None:
            from ballerina_tui.characters import CharactersError, CharacterSet

            try:
                self._hit_characters = self.index.known_characters()
            except CharactersError:
                self._hit_characters = CharacterSet()  # a character: query's note says why
        return self._hit_characters

    def close(self) -> None:
        self._searcher.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ parsing

    def _rewrite_characters(self, qstring: str, notes: list[str]) -> str:
        """``character:NAME`` → the phrases of the matching cards' names (any of them).

        Nothing about characters is indexed: cards can change (or be discovered in the
        reviews) without a rebuild. With no matching card the name is searched as text."""

        def quoted(form: str) -> str:
            words = re.sub(r"[\"()]", " ", form).split()
            return f'text:"{" ".join(words)}"' if len(words) > 1 else f"text:{words[0]}"

        def replace(match: re.Match) -> str:
            name = next(g for g in match.groups() if g is not None)
            ids = self.characters.resolve(name) if name.strip() else []
            problem = getattr(self, "_character_problem", None)
            if problem and problem not in notes:
                notes.append(problem)
            forms = [
                f
                for i in ids
                for f in self.characters.get(i).names
                if re.sub(r"[\"()]", " ", f).split()
            ]
            if ids and forms:
                self._wanted_characters.update(ids)
                unique = list(dict.fromkeys(quoted(f) for f in forms))
                return unique[0] if len(unique) == 1 else "(" + " OR ".join(unique) + ")"
            words = re.sub(r"[\"()]", " ", name).split()
            if not words:
                notes.append(f"no character called {name!r}")
                return "rid:__no_character__"
            notes.append(f"no character card called {name!r}; searching the text for it")
            return quoted(" ".join(words))

        self._wanted_characters: set[str] = set()
        return _CHARACTER_FIELD.sub(replace, qstring)

    def parse(self, qstring: str, notes: list[str] | None = None):
        """Parse a user query. Raises :class:`QueryError` with the reason when it cannot run."""
        return self._parse(qstring, notes if notes is not None else [])[0]

    def _parse(self, qstring: str, notes: list[str]):
        """``(query, the string Whoosh parsed)``; term offsets in the query index the latter."""
        cleaned = _CONTROL.sub(" ", qstring).strip()
        if not cleaned:
            raise QueryError("empty query")
        if len(cleaned) > MAX_QUERY_CHARS:
            raise QueryError(f"query is longer than {MAX_QUERY_CHARS} characters")
        if cleaned.count('"') % 2:
            raise QueryError('unbalanced quote: a phrase needs a closing "')
        depth = 0
        for ch in cleaned:
            depth += (ch == "(") - (ch == ")")
            if depth < 0:
                raise QueryError("a ')' closes a group that was never opened")
        if depth:
            raise QueryError("unbalanced parenthesis: a '(' is never closed")
        rewritten = self._rewrite_characters(cleaned, notes)
        try:
            query = self._parser.parse(rewritten)
        except Exception as exc:  # noqa: BLE001 - Whoosh raises many kinds
            raise QueryError(f"cannot parse query: {exc}") from None
        for node in _walk(query):
            error = getattr(node, "error", None)
            if error:
                raise QueryError(f"cannot parse query: {error}")
        if type(query).__name__ == "_NullQuery":
            raise QueryError("the query has no searchable words (only stop words or symbols?)")
        query = _exact_phrases(query, rewritten)
        query = self._word_forms(query, rewritten)
        return query, rewritten

    # ------------------------------------------------------------------ word forms

    def _word_forms(self, query, qstring: str):
        """Each plain word of the text also matches its joined / split form and its family.

        - ``old boy`` (two words side by side in the query) also matches the joined word
          *oldboy* when the reviews use it: ``(old AND boy) OR oldboy``;
        - ``oldboy`` also matches the phrase "old boy" when both halves are words of the
          reviews: ``oldboy OR "old boy"``;
        - a word's family (other stems with the same :func:`family_key`) is added with
          :data:`FAMILY_BOOST`, so exact stems rank first.
        All three look only at the index's term list (no document is read).
        """
        from whoosh import query as wq

        from ballerina_tui.analysis import family_key, family_prefix

        reader = self._searcher.reader()
        analyzer = self._searcher.schema["text"].analyzer

        def stems(word: str) -> list[str]:
            return [t.text for t in analyzer(word)]

        def typed(node) -> str | None:
            start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
            if start is None or end is None:
                return None
            return qstring[start:end]

        def family(term: str) -> list[str]:
            key = family_key(term)
            if len(key) < 4:
                return []
            found = []
            for candidate in reader.expand_prefix("text", family_prefix(term)):
                candidate = candidate.decode("utf-8") if isinstance(candidate, bytes) else candidate
                if (
                    candidate != term
                    and len(candidate) <= len(key) + FAMILY_SPREAD
                    and family_key(candidate) == key
                ):
                    found.append(candidate)
                if len(found) >= 8:
                    break
            return found

        def split(word: str) -> list:
            """Phrases of two words of the reviews that ``word`` splits into."""
            out = []
            if len(word) < 6 or not word.isalpha():
                return out
            for i in range(3, len(word) - 2):
                left, right = stems(word[:i]), stems(word[i:])
                if (
                    len(left) == 1
                    and len(right) == 1
                    and ("text", left[0]) in reader
                    and ("text", right[0]) in reader
                ):
                    out.append(ExactPhrase("text", [left[0], right[0]], gaps=[1]))
            return out[:3]

        def word(node):
            if type(node) is not wq.Term or node.fieldname != "text" or node.boost != 1:
                return node
            alternatives = [node]
            alternatives += [wq.Term("text", t, boost=FAMILY_BOOST) for t in family(node.text)]
            text = typed(node)
            if text:
                alternatives += split(text.lower())
            return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)

        def expand(node):
            if type(node) is wq.Term:
                return word(node)
            if type(node) is wq.And:
                children = list(node.subqueries)
                out = []
                i = 0
                while i < len(children):
                    a = children[i]
                    b = children[i + 1] if i + 1 < len(children) else None
                    plain = b is not None and all(
                        type(x) is wq.Term and x.fieldname == "text" and x.boost == 1
                        for x in (a, b)
                    )
                    ta, tb = (typed(a), typed(b)) if plain else (None, None)
                    if ta and tb and (ta + tb).isalpha():
                        glued = stems((ta + tb).lower())
                        if len(glued) == 1 and ("text", glued[0]) in reader:
                            both = wq.And([word(a), word(b)])
                            out.append(wq.Or([both, wq.Term("text", glued[0])]))
                            i += 2
                            continue
                    out.append(expand(a))
                    i += 1
                return out[0] if len(out) == 1 else wq.And(out, boost=node.boost)
            if type(node) in (wq.Or, wq.Not, wq.AndNot, wq.AndMaybe, wq.Require):
                return node.apply(expand)
            return node

        try:
            return expand(query)
        except Exception:  # noqa: BLE001 - a looser match is a bonus, never a failure
            return query

    # ------------------------------------------------------------------ searching

    def search(self, qstring: str, *, limit: int = DEFAULT_LIMIT) -> SearchResult:
        from whoosh.query import QueryError as WhooshQueryError

        with self._lock:
            try:
                return self._search(qstring, limit)
            except QueryError:
                raise
            except WhooshQueryError as exc:
                # Raised while running, e.g. a phrase in a field without positions
                # (review:"a b"): the query's fault, not the index's.
                raise QueryError(f"cannot run query: {exc}") from None
            except (OSError, EOFError, ValueError, KeyError) as exc:
                if isinstance(exc, ValueError) and "query" in str(exc).lower():
                    raise QueryError(str(exc)) from None
                # Rebuild only when the index really went bad under us; any other failure
                # is this query's, and is reported as such.
                if self.index.is_readable():
                    raise QueryError(f"cannot run query: {exc}") from None
                self._searcher.close()
                ix = self.index.recover()
                self._searcher = ix.searcher()
                return self._search(qstring, limit)

    def _search(self, qstring: str, limit: int) -> SearchResult:
        notes: list[str] = []
        self._refresh()
        query, parsed = self._parse(qstring, notes)
        query = self._expand_fuzzy(query, parsed, notes)
        results = self._run(query, limit)
        corrected: str | None = None
        if len(results) < FEW_HITS:
            retry = self._retry(query, parsed, limit)
            if retry is not None and len(retry[1]) > max(0, len(results)) * FEW_HITS_GAIN:
                if len(results):
                    notes.append(
                        f"only {len(results)} passage(s) match {qstring!r}; "
                        f"showing {retry[0]!r} instead"
                    )
                corrected, results = retry
        spans = self._highlights(results)
        return SearchResult(
            query=qstring,
            corrected=corrected,
            hits=[self._hit(h, spans.get(h.docnum, [])) for h in results],
            total=len(results),
            notes=notes,
        )

    def _run(self, query, limit: int):
        fast = self._fast.run(self._searcher, query, limit)
        if fast is not None:
            return fast
        return self._run_whoosh(query, limit)

    def _run_whoosh(self, query, limit: int):
        """Run a query for its top ``limit`` hits and the number of passages it matches.

        Not ``terms=True``: that records the matched terms of every matching passage (all
        10,000 of them for "john wick" in a thousand reviews), where the highlighter only
        needs the query's own terms. Not ``optimize``: block-quality skipping saves nothing
        on passages this alike and stops the collector from counting, so ``len()`` ran
        the whole query a second time for :attr:`SearchResult.total`.
        """
        return self._searcher.search(query, limit=limit, optimize=False)

    def _highlights(self, results) -> dict[int, list[tuple[int, int]]]:
        """Where the query's words are in the text of each hit shown, by document number.

        The index keeps no character offsets (they were a large part of its size and build
        time): the text of the hits shown is tokenised again, a few milliseconds for 20
        passages. A single word is marked wherever its stem occurs; a phrase only where
        the whole phrase does.
        """
        from whoosh import query as wq

        docnums = [hit.docnum for hit in results]
        if not docnums:
            return {}
        reader = self._searcher.reader()
        terms: set[str] = set()
        phrases: list[tuple[list[str], list[int]]] = []

        def collect(node):
            if getattr(node, "fieldname", None) != "text":
                for child in node.children() if hasattr(node, "children") else ():
                    collect(child)
                return
            if isinstance(node, wq.Phrase):
                gaps = getattr(node, "gaps", None) or [1] * (len(node.words) - 1)
                phrases.append((list(node.words), list(gaps)))
            elif isinstance(node, wq.Not):
                return
            else:
                try:
                    terms.update(
                        t.decode("utf-8") if isinstance(t, bytes) else t
                        for f, t in node.existing_terms(reader, expand=True)
                        if f == "text"
                    )
                except Exception:  # noqa: BLE001 - a query Whoosh cannot list
                    pass

        collect(results.q)
        analyzer = self._searcher.schema["text"].analyzer
        found: dict[int, list[tuple[int, int]]] = {}
        for docnum in docnums:
            text = self._searcher.stored_fields(docnum).get("text", "")
            tokens = [
                (t.text, t.pos, t.startchar, _possessive_end(text, t.startchar, t.endchar))
                for t in analyzer(text, positions=True, chars=True)
            ]
            spans = [(s, e) for w, _, s, e in tokens if w in terms]
            if phrases:
                by_pos = {p: (w, s, e) for w, p, s, e in tokens}
                for words, gaps in phrases:
                    for w, p, s, e in tokens:
                        if w != words[0]:
                            continue
                        pos, marks, ok = p, [(s, e)], True
                        for word, gap in zip(words[1:], gaps, strict=False):
                            pos += gap
                            got = by_pos.get(pos)
                            if got is None or got[0] != word:
                                ok = False
                                break
                            marks.append((got[1], got[2]))
                        if ok:
                            spans.extend(marks)
            if self._wanted_characters:
                # character: queries mark whole names ("Ian McShane"), as the cards say them.
                spans.extend(
                    (m.start, m.end)
                    for m in self.characters.mentions(text)
                    if m.character in self._wanted_characters
                )
            found[docnum] = _merge(spans)
        return found

    def _refresh(self) -> None:
        """Pick up commits made since the searcher was opened (here or by another instance)."""
        if self._searcher.reader().segments() is None:
            # An index without documents has an EmptyReader, which Whoosh's refresh()
            # cannot reuse (TypeError): open a new searcher instead.
            self._searcher.close()
            self._searcher = self.index.ensure().searcher()
        else:
            self._searcher = self._searcher.refresh()

    def _expand_fuzzy(self, query, qstring: str, notes: list[str]):
        """Replace each ``word~`` by the index terms it stands for, found over the whole index.

        Whoosh expanded a ``FuzzyTerm`` segment by segment against the field's *spelling*
        words, which were unstemmed, and then looked those up as stems: ``ankle~`` (stem
        ``ankl``) found nothing, ``mentr~`` found ``mentor`` but not ``mentors``, and what a
        query found changed when an incremental update added a segment. Here a fuzzy word
        matches every stem within the distance of its own stem, plus the stems of every
        word of the reviews (``words.txt``) within the distance of the word as typed
        (``trainng~`` finds *training*, so ``train``).
        """
        from whoosh import query as wq
        from whoosh.codec.base import Automata

        reader = self._searcher.reader()
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        schema = self._searcher.schema
        automata = Automata()

        dfas: dict[tuple[str, int, int], object] = {}

        def within(fieldname: str, text: str, maxdist: int, prefix: int) -> set[str]:
            # Segment by segment (Whoosh's MultiCursor is unusable), united. A required
            # prefix longer than the word ("ab~/5") made Whoosh's automaton raise IndexError.
            # Building the automaton is the slow part: once per word, for every segment.
            key = (text, maxdist, min(prefix, len(text)))
            if key not in dfas:
                dfas[key] = automata.levenshtein_dfa(*key)
            found: set[str] = set()
            for leaf in leaves:
                found.update(automata.find_matches(dfas[key], leaf.cursor(fieldname)))
            return found

        def expand(node):
            if not isinstance(node, wq.FuzzyTerm) or node.fieldname not in schema:
                return node
            field = schema[node.fieldname]
            maxdist = max(0, min(int(node.maxdist), MAX_FUZZY_EDITS))
            if node.maxdist > MAX_FUZZY_EDITS:
                notes.append(f"fuzzy matching allows at most {MAX_FUZZY_EDITS} edits")
            prefix = node.prefixlength
            terms = within(node.fieldname, node.text, maxdist, prefix)
            start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
            if node.fieldname == "text" and start is not None and end is not None:
                typed = [t.text for t in field.analyzer(qstring[start:end].lower())]
                word = qstring[start:end].lower()
                if len(typed) == 1:
                    for near in self._near_words(word, maxdist, prefix):
                        for token in field.analyzer(near):
                            if (node.fieldname, token.text) in reader:
                                terms.add(token.text)
            if not terms:
                return wq.Term(node.fieldname, node.text, boost=node.boost)
            found = [wq.Term(node.fieldname, t, boost=node.boost) for t in sorted(terms)]
            return found[0] if len(found) == 1 else wq.Or(found)

        return query.accept(expand)

    def _words(self) -> list[str]:
        if self._vocabulary is None:
            self._vocabulary = self.index.vocabulary()
        return self._vocabulary

    def _near_words(self, word: str, maxdist: int, prefix: int) -> list[str]:
        """Words of the reviews within ``maxdist`` edits of ``word`` (first ``prefix``
        letters fixed), found by walking a Levenshtein automaton over the sorted words."""
        from bisect import bisect_left

        from whoosh.automata.fsa import find_all_matches
        from whoosh.automata.lev import levenshtein_automaton

        words = self._words()
        if not words or maxdist < 1:
            return []

        def first_at_least(text: str) -> str | None:
            i = bisect_left(words, text)
            return words[i] if i < len(words) else None

        dfa = levenshtein_automaton(word, maxdist, min(prefix, len(word))).to_dfa()
        return list(find_all_matches(dfa, first_at_least))

    def _suggest(self, word: str, maxdist: int) -> list[str]:
        reader = self._searcher.reader()
        analyzer = self._searcher.schema["text"].analyzer
        ranked = []
        for dist in range(1, maxdist + 1):
            for near in self._near_words(word, dist, 1):
                if near == word or any(near == r for _, _, r in ranked):
                    continue
                stems = [t.text for t in analyzer(near)]
                freq = sum(reader.doc_frequency("text", t) for t in stems)
                ranked.append((dist, -freq, near))
        return [near for _, _, near in sorted(ranked)[:4]]

    def _retry(self, query, qstring: str, limit: int):
        """Retry a query that found nothing or little with each unknown (or rare) word
        replaced by its nearest words in the reviews (one edit for short words, two for
        longer ones).

        Suggestions come from the unstemmed words of the reviews (``words.txt``), so
        ``Demng`` finds ``Deming`` even though the index holds the stem ``deme``; nearer
        words first, then words in more passages.
        Returns ``(corrected query string, results)`` or ``None``.
        """
        from whoosh import query as wq

        analyzer = self._searcher.schema["text"].analyzer
        reader = self._searcher.reader()
        replaced: list[tuple[int, int, str]] = []

        def fuzz(node):
            if type(node) is not wq.Term or node.fieldname not in ("text", "section"):
                return node
            own = 0
            if (node.fieldname, node.text) in reader:
                # A word of the reviews is replaced only when hits are few, and only by
                # words in many more passages (a typo some reviewer made too).
                if node.boost != 1:
                    return node
                own = reader.doc_frequency(node.fieldname, node.text)
            start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
            word = qstring[start:end] if start is not None and end is not None else node.text
            if len(word) < (SHORT_KNOWN_WORD if own else 3):
                return node
            dist = 1 if len(word) <= 4 else 2
            suggestions = self._suggest(word.lower(), dist)
            if own:
                suggestions = [
                    w
                    for w in suggestions
                    if all(
                        t.text != node.text
                        and reader.doc_frequency(node.fieldname, t.text) > own * FEW_HITS_GAIN
                        for t in analyzer(w)
                    )
                ]
            stems = []
            for suggestion in suggestions:
                stems.extend(t.text for t in analyzer(suggestion))
            stems = [t for t in dict.fromkeys(stems) if (node.fieldname, t) in reader]
            if not stems:
                return node
            if start is not None and end is not None:
                best = suggestions[0]
                replaced.append((start, end, best.capitalize() if word[:1].isupper() else best))
            if len(stems) == 1:
                return wq.Term(node.fieldname, stems[0])
            return wq.Or([wq.Term(node.fieldname, t) for t in stems])

        retry = query.accept(fuzz)
        if not replaced:
            return None
        results = self._run(retry, limit)
        if results.is_empty():
            return None
        shown = qstring
        for start, end, word in sorted(replaced, reverse=True):
            shown = shown[:start] + word + shown[end:]
        return shown, results

    def _hit(self, hit, spans: list[tuple[int, int]]) -> Hit:
        text = hit["text"]
        return Hit(
            review=hit["rid"],
            handle=hit["handle"],
            section=hit["section"],
            score=float(hit.score or 0.0),
            text=text,
            start=hit["start"],
            end=hit["end"],
            highlights=spans,
            kind=hit["kind"],
            paragraph=hit["paragraph"],
            label=hit.get("label") or hit["section"] or "\u2014",
            file_start=hit.get("file_start", hit["start"]),
            file_end=hit.get("file_end", hit["end"]),
            # Who the passage names, from the cards as they are now (not indexed).
            characters=(self.hit_characters.mentioned(text) if len(self.hit_characters) else []),
        )


class _PlainTermScorer:
    """BM25F for queries of plain words of the text, without Whoosh's matchers.

    Whoosh's collector costs about 10 µs per matching passage in pure Python, and the
    words every review of a film uses match half the passages of a large folder. For a
    query that is only words of the text field joined by AND / OR (with boosts: a word's
    family and joined form come as ``word OR family^0.3``), this scores the same BM25F
    (Whoosh's formula, idf, average and per-passage field lengths, sums over AND and OR)
    from posting blocks decoded once per reader and kept in a small cache, and hands back
    a Whoosh ``Results``: hits, ranking (ties to the lower document number, as Whoosh
    does) and total are the same. Anything else, or any surprise from Whoosh's internals
    (this reads whoosh-reloaded 2.7.5's block arrays, pinned exactly), goes the usual way.
    """

    MAX_TERMS = 32
    CACHED_TERMS = 64
    B, K1 = 0.75, 1.2  # whoosh.scoring.BM25F defaults, which the searcher uses

    def __init__(self) -> None:
        from collections import OrderedDict

        self._reader_id: int | None = None
        self._scores: OrderedDict[str, dict[int, float]] = OrderedDict()
        self._norms: list[float] | None = None

    @staticmethod
    def plan(query):
        """The query as a tree of ``("term", text, boost)`` / ``("and"|"or", [..], boost)``,
        or ``None`` when it is anything else."""
        from whoosh import query as wq

        count = 0

        def node(q):
            nonlocal count
            if type(q) is wq.Term and q.fieldname == "text" and isinstance(q.text, str):
                count += 1
                return ("term", q.text, q.boost)
            if type(q) in (wq.And, wq.Or) and q.subqueries:
                children = [node(c) for c in q.subqueries]
                if any(c is None for c in children):
                    return None
                return ("and" if type(q) is wq.And else "or", children, q.boost)
            return None

        tree = node(query)
        if tree is None or count > _PlainTermScorer.MAX_TERMS:
            return None
        return tree

    def run(self, searcher, query, limit: int):
        plan = self.plan(query)
        if plan is None:
            return None
        try:
            return self._score(searcher, query, plan, limit)
        except (AttributeError, TypeError, IndexError):  # Whoosh's internals moved
            return None

    def _sync(self, reader) -> None:
        if id(reader) != self._reader_id:
            self._reader_id = id(reader)
            self._scores.clear()
            self._norms = None

    def _lengths(self, reader) -> list[float]:
        """The length part of BM25's denominator, per passage, as Whoosh computes it.

        Read from each segment's one-byte length column in one piece (asking Whoosh
        passage by passage took 0.2 s at 40,000 passages, on every start of the CLI)."""
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import byte_to_length

        b, k1 = self.B, self.K1
        avgfl = self._avgfl or 1
        table = [k1 * ((1 - b) + b * byte_to_length(n) / avgfl) for n in range(256)]
        norms: list[float] = []
        for leaf, _offset in reader.leaf_readers():
            count = leaf.doc_count_all()
            column = leaf._perdoc._cached_reader(_lenfield("text"), LENGTHS_COLUMN)
            if column is None:
                norms.extend([table[0]] * count)
                continue
            have = min(column._count, count)
            data = bytes(column._dbfile.get(column._basepos, have)) if have else b""
            norms.extend(map(table.__getitem__, data))
            norms.extend([table[0]] * (count - have))
        return norms

    def _term_scores(self, searcher, reader, term: str) -> dict[int, float]:
        from whoosh.matching.wrappers import FilterMatcher

        if term in self._scores:
            self._scores.move_to_end(term)
            return self._scores[term]
        weights: dict[int, float] = {}
        for leaf, offset in reader.leaf_readers():
            if ("text", term) not in leaf:
                continue
            matcher = leaf.postings("text", term)
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child
            deleted = leaf.is_deleted if leaf.has_deletions() else None
            while matcher.is_active():
                if matcher._ids is None:
                    matcher._read_ids()
                if matcher._weights is None:
                    matcher._read_weights()
                n = matcher._blocklength
                for docnum, weight in zip(matcher._ids[:n], matcher._weights[:n], strict=True):
                    if deleted is None or not deleted(docnum):
                        weights[offset + docnum] = weight
                matcher._i = n - 1
                matcher.next()
        idf = searcher.idf("text", term)
        k1_plus = self.K1 + 1
        norms = self._norms
        scores = {d: idf * ((tf * k1_plus) / (tf + norms[d])) for d, tf in weights.items()}
        self._scores[term] = scores
        if len(self._scores) > self.CACHED_TERMS:
            self._scores.popitem(last=False)
        return scores

    def _eval(self, searcher, reader, node) -> dict[int, float]:
        kind, body, boost = node
        if kind == "term":
            scores = self._term_scores(searcher, reader, body)
        else:
            parts = [self._eval(searcher, reader, child) for child in body]
            if kind == "and":
                keys = set(min(parts, key=len))
                for part in parts:
                    keys &= part.keys()
                scores = {d: 0.0 for d in sorted(keys)}
            else:
                scores = {}
            for part in parts:
                if kind == "and":
                    for d in scores:
                        scores[d] += part[d]
                else:
                    for d, v in part.items():
                        scores[d] = scores.get(d, 0.0) + v
        if boost != 1:
            scores = {d: v * boost for d, v in scores.items()}
        return scores

    def _score(self, searcher, query, plan, limit: int):
        import heapq

        from whoosh.searching import Results

        reader = searcher.reader()
        self._sync(reader)
        if self._norms is None:
            self._avgfl = searcher.avg_field_length("text")
            self._norms = self._lengths(reader)
        scores = self._eval(searcher, reader, plan)
        if not scores:
            empty = Results(searcher, query, [], docset=set())
            empty._total = 0
            return empty
        best = heapq.nlargest(limit, ((v, -d) for d, v in scores.items()))
        top_n = [(v, -negative) for v, negative in best]
        results = Results(searcher, query, top_n, docset=set(scores))
        results._total = len(scores)  # what Whoosh's collector would have counted
        return results


def search(index: ReviewIndex, qstring: str, *, limit: int = DEFAULT_LIMIT) -> SearchResult:
    """One-shot search (opens and closes a searcher)."""
    with Searcher(index) as searcher:
        return searcher.search(qstring, limit=limit)
