"""Searching the review index: Whoosh query syntax, field queries, fuzzy fallback, spans.

Query syntax (case-insensitive words, upper-case operators):

- ``word``, ``"a phrase"``, ``a AND b``, ``a OR b``, ``NOT a``, ``-a``, ``(a OR b) c``
- ``term~`` fuzzy (one edit), ``term~2`` (two edits), ``prefix*``
- ``review:ID-or-handle``, ``section:word``, ``character:Name`` (any alias; quote names
  with spaces: ``character:"Mother Ruska"``)

A query with no hits is retried: first with spelling corrections taken from the words of
the reviews, then with every word made fuzzy; :attr:`SearchResult.corrected` says which
query was actually run. Highlights are ``(start, end)`` offsets into the hit's ``text``;
``start``/``end`` place that text in the review (see :mod:`ballerina_tui.corpus`).
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field

from ballerina_tui.index import ReviewIndex

MAX_QUERY_CHARS = 300
DEFAULT_LIMIT = 20
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


def _walk(query):
    yield query
    for child in query.children() if hasattr(query, "children") else ():
        yield from _walk(child)


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
        self.characters = index.characters
        ix = index.ensure()
        self._searcher = ix.searcher()
        parser = QueryParser("text", ix.schema)
        parser.add_plugin(FuzzyTermPlugin())
        # "-word" excludes only at the start of a word: "spin-off" stays a word.
        parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
        parser.add_plugin(FieldAliasPlugin({"review": ["reviewer", "by"], "section": ["heading"]}))
        parser.remove_plugin_class(GtLtPlugin)
        self._parser = parser
        self._lock = threading.Lock()
        self._fast = _PlainTermScorer()

    def close(self) -> None:
        self._searcher.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ parsing

    def _rewrite_characters(self, qstring: str, notes: list[str]) -> str:
        def replace(match: re.Match) -> str:
            name = next(g for g in match.groups() if g is not None)
            ids = self.characters.resolve(name)
            if not ids:
                notes.append(f"no character called {name!r}")
                return "characters:__none__"
            if len(ids) == 1:
                return f"characters:{ids[0]}"
            return "(" + " OR ".join(f"characters:{i}" for i in ids) + ")"

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
        return query, rewritten

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
        query, parsed = self._parse(qstring, notes)
        self._refresh()
        query = self._expand_fuzzy(query, parsed, notes)
        results = self._run(query, limit)
        corrected: str | None = None
        if results.is_empty():
            retry = self._retry(query, parsed, limit)
            if retry is not None:
                corrected, results = retry
        wanted = {
            t.text
            for t in _walk(query)
            if getattr(t, "fieldname", None) == "characters"
            and isinstance(getattr(t, "text", None), str)
        }
        spans = self._highlights(results)
        return SearchResult(
            query=qstring,
            corrected=corrected,
            hits=[self._hit(h, wanted, spans.get(h.docnum, [])) for h in results],
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

        Read from the character positions the index keeps (``chars=True``), for the hits
        shown only. Whoosh's own pinpoint highlighting needs ``terms=True`` (see
        :meth:`_run`), and without it re-tokenises and marks the wrong words.
        """
        from whoosh.reading import TermNotFound

        docnums = sorted(hit.docnum for hit in results)
        found: dict[int, list[tuple[int, int]]] = {d: [] for d in docnums}
        if not docnums:
            return found
        reader = self._searcher.reader()
        terms = {t for f, t in results.q.existing_terms(reader, expand=True) if f == "text"}
        for term in sorted(terms):
            try:
                matcher = reader.postings("text", term)
            except TermNotFound:
                continue
            for docnum in docnums:
                if matcher.is_active() and matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
                if matcher.id() == docnum:
                    found[docnum].extend((s, e) for _, s, e in matcher.value_as("characters"))
        return {d: _merge(spans) for d, spans in found.items()}

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

        Whoosh expands a ``FuzzyTerm`` segment by segment against the field's *spelling*
        words, which are unstemmed here, and then looks those up as stems: ``ankle~`` (stem
        ``ankl``) found nothing, ``mentr~`` found ``mentor`` but not ``mentors``, and what a
        query found changed when an incremental update added a segment. Here a fuzzy word
        matches every stem within the distance of its own stem, plus the stems of every
        word of the reviews within the distance of the word as typed (``trainng~`` finds
        *training*, so ``train``).
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
            if field.separate_spelling() and start is not None and end is not None:
                typed = list(field.spellable_words(qstring[start:end]))
                if len(typed) == 1:
                    spelling = field.spelling_fieldname(node.fieldname)
                    for word in within(spelling, typed[0], maxdist, prefix):
                        for token in field.analyzer(word):
                            if (node.fieldname, token.text) in reader:
                                terms.add(token.text)
            if not terms:
                return wq.Term(node.fieldname, node.text, boost=node.boost)
            found = [wq.Term(node.fieldname, t, boost=node.boost) for t in sorted(terms)]
            return found[0] if len(found) == 1 else wq.Or(found)

        return query.accept(expand)

    def _retry(self, query, qstring: str, limit: int):
        """Retry a query that found nothing with each unknown word replaced by its nearest
        words in the reviews (one edit for short words, two for longer ones).

        Suggestions come from the unstemmed words of the reviews (Whoosh's spelling field),
        so ``Demng`` finds ``Deming`` even though the index holds the stem ``deme``.
        Returns ``(corrected query string, results)`` or ``None``.
        """
        from whoosh import query as wq

        analyzer = self._searcher.schema["text"].analyzer
        reader = self._searcher.reader()
        corrector = self._searcher.corrector("text")
        replaced: list[tuple[int, int, str]] = []

        def fuzz(node):
            if type(node) is not wq.Term or node.fieldname not in ("text", "section"):
                return node
            if (node.fieldname, node.text) in reader:
                return node
            start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
            word = qstring[start:end] if start is not None and end is not None else node.text
            if len(word) < 3:
                return node
            dist = 1 if len(word) <= 4 else 2
            suggestions = corrector.suggest(word.lower(), limit=4, maxdist=dist, prefix=1)
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

    def _hit(self, hit, characters: set[str], spans: list[tuple[int, int]]) -> Hit:
        text = hit["text"]
        if characters:
            # character: queries match a keyword field; show where the text names them.
            spans = _merge(
                spans
                + [
                    (m.start, m.end)
                    for m in self.characters.mentions(text)
                    if m.character in characters
                ]
            )
        chars = hit.get("characters") or ""
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
            characters=[c for c in chars.split(",") if c],
        )


class _PlainTermScorer:
    """BM25F for the commonest queries, word AND word (OR word), without Whoosh's matchers.

    Whoosh's collector costs about 10 µs per matching passage in pure Python, and the
    words every review of a film uses ("john wick") match half the passages of a large
    folder. For a query that is only plain words of the text field, this scores the same
    BM25F (Whoosh's formula, idf, average and per-passage field lengths) from posting
    blocks decoded once per reader and kept in a small cache, and hands back a Whoosh
    ``Results``: hits, ranking (ties to the lower document number, as Whoosh does) and
    total are the same. Anything else, or any surprise from Whoosh's internals (this
    reads whoosh-reloaded 2.7.5's block arrays, pinned exactly), goes the usual way.
    """

    MAX_TERMS = 6
    CACHED_TERMS = 32
    B, K1 = 0.75, 1.2  # whoosh.scoring.BM25F defaults, which the searcher uses

    def __init__(self) -> None:
        from collections import OrderedDict

        self._reader_id: int | None = None
        self._postings: OrderedDict[str, dict[int, float]] = OrderedDict()
        self._norms: list[float] | None = None

    @staticmethod
    def plan(query) -> tuple[str, list[str]] | None:
        from whoosh import query as wq

        def plain(q) -> bool:
            return type(q) is wq.Term and q.fieldname == "text" and q.boost == 1

        if plain(query):
            return "and", [query.text]
        if type(query) in (wq.And, wq.Or) and query.boost == 1:
            children = query.subqueries
            if 1 < len(children) <= _PlainTermScorer.MAX_TERMS and all(plain(c) for c in children):
                return ("and" if type(query) is wq.And else "or"), [c.text for c in children]
        return None

    def run(self, searcher, query, limit: int):
        plan = self.plan(query)
        if plan is None:
            return None
        try:
            return self._score(searcher, query, *plan, limit)
        except (AttributeError, TypeError, IndexError):  # Whoosh's internals moved
            return None

    def _sync(self, reader) -> None:
        if id(reader) != self._reader_id:
            self._reader_id = id(reader)
            self._postings.clear()
            self._norms = None

    def _term(self, reader, term: str) -> dict[int, float]:
        from whoosh.matching.wrappers import FilterMatcher

        if term in self._postings:
            self._postings.move_to_end(term)
            return self._postings[term]
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
        self._postings[term] = weights
        if len(self._postings) > self.CACHED_TERMS:
            self._postings.popitem(last=False)
        return weights

    def _score(self, searcher, query, mode: str, terms: list[str], limit: int):
        import heapq
        from itertools import repeat
        from operator import add, neg

        from whoosh.searching import Results

        reader = searcher.reader()
        self._sync(reader)
        if self._norms is None:
            # The length part of BM25's denominator, per passage, as Whoosh computes it.
            b, k1 = self.B, self.K1
            avgfl = searcher.avg_field_length("text") or 1
            self._norms = [
                k1 * ((1 - b) + b * reader.doc_field_length(d, "text", 0) / avgfl)
                for d in range(reader.doc_count_all())
            ]
        terms = list(dict.fromkeys(terms))
        postings = [self._term(reader, t) for t in terms]
        if mode == "and":
            matched = set(postings[0])
            for weights in postings[1:]:
                matched &= weights.keys()
        else:
            matched = set().union(*postings)
        if not matched:
            empty = Results(searcher, query, [], docset=set())
            empty._total = 0
            return empty
        docs = sorted(matched)
        norms = list(map(self._norms.__getitem__, docs))
        k1_plus = self.K1 + 1
        totals: list[float] | None = None
        for term, weights in zip(terms, postings, strict=True):
            idf = searcher.idf("text", term)
            tfs = map(weights.get, docs, repeat(0.0))
            part = [
                idf * ((tf * k1_plus) / (tf + norm)) for tf, norm in zip(tfs, norms, strict=True)
            ]
            totals = part if totals is None else list(map(add, totals, part))
        best = heapq.nlargest(limit, zip(totals, map(neg, docs), strict=True))
        top_n = [(s, -negative) for s, negative in best]
        results = Results(searcher, query, top_n, docset=matched)
        results._total = len(matched)  # what Whoosh's collector would have counted
        return results


def search(index: ReviewIndex, qstring: str, *, limit: int = DEFAULT_LIMIT) -> SearchResult:
    """One-shot search (opens and closes a searcher)."""
    with Searcher(index) as searcher:
        return searcher.search(qstring, limit=limit)
