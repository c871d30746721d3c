"""Searching the reviews: query syntax, fields, fuzziness, corrections and exact spans."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from whoosh.lang.porter import stem

from ballerina_tui.analysis import family_key
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex
from ballerina_tui.search import MAX_QUERY_CHARS, QueryError, Searcher, SearchResult, search
from ballerina_tui.textutil import fold

ROOT = Path(__file__).resolve().parent.parent
MIXED = Path(__file__).resolve().parent / "fixtures" / "corpus_mixed"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    corpus = load_corpus(ROOT / "data" / "reviews")
    index = ReviewIndex(corpus, root=tmp_path_factory.mktemp("cache"))
    with Searcher(index) as searcher:
        yield searcher


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    index = ReviewIndex(load_corpus(MIXED), root=tmp_path_factory.mktemp("cache"))
    with Searcher(index) as searcher:
        yield searcher


# --------------------------------------------------------------------------- checking hits


def norm(word: str) -> str:
    """Our own idea of "the same word": folded, possessive dropped, Porter-stemmed."""
    word = fold(word)
    word = word[:-2] if word.endswith("'s") else word.rstrip("'")
    return stem(word)


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment)."""
    d = [[max(i, j) if not i * j else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def query_words(query: str) -> set[str]:
    fields = r"review|reviewer|by|section|heading|characters?|char|text"
    query = re.sub(rf"\b(?:AND|OR|NOT)\b|\b(?:{fields}):(?=\S)", " ", query)
    return {norm(w) for w in re.findall(r"\w+(?:[.'’]\w+)*", query)}


def is_word(text: str, s: int, e: int) -> bool:
    return (s == 0 or not re.match(r"\w", text[s - 1])) and (
        e == len(text) or not re.match(r"\w", text[e])
    )


def check_result(searcher: Searcher, result: SearchResult, matches) -> None:
    """Every hit's text is where it says in its review; every highlight is a whole word that
    ``matches`` (a predicate on the highlighted text) accepts."""
    corpus = searcher.index.corpus
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert result.total >= len(result.hits)
    for hit in result.hits:
        review = corpus.get(hit.review)
        assert hit.handle == review.handle
        assert review.text[hit.start : hit.end] == hit.text
        assert hit.section in review.sections or hit.section == review.title
        previous = 0
        for s, e in hit.highlights:
            assert previous <= s < e <= len(hit.text), hit.highlights
            previous = e
            fragment = hit.text[s:e]
            assert is_word(hit.text, s, e), (fragment, hit.text)
            assert matches(fragment), (fragment, result.query)


def same_words(query: str):
    """A highlight is a word of the query: the same stem, or (the looser match ranked below
    it) a stem of the same word family, e.g. *choreographed* for ``choreography``."""
    wanted = query_words(query)
    families = {family_key(w) for w in wanted}
    return lambda fragment: norm(fragment) in wanted or family_key(norm(fragment)) in families


def run(searcher: Searcher, query: str, matches=None, **kwargs) -> SearchResult:
    result = searcher.search(query, **kwargs)
    check_result(searcher, result, matches or same_words(result.corrected or query))
    return result


def pids(result: SearchResult) -> list[tuple[str, int]]:
    return [(h.review, h.start) for h in result.hits]


# --------------------------------------------------------------------------- syntax


def test_single_word_case_insensitive(bundled):
    results = [run(bundled, q) for q in ("winston", "Winston", "WINSTON", "wInStOn")]
    assert all(pids(r) == pids(results[0]) for r in results)
    assert sorted(h.review for h in results[0].hits) == ["breakdown", "preview", "wickverse"]
    assert all(r.corrected is None for r in results)


def test_phrase_is_exact(bundled):
    phrase = run(bundled, '"Mother Ruska"', limit=50)
    assert {h.review for h in phrase.hits} == {"wickverse"}
    assert all("Mother Ruska" in h.text for h in phrase.hits)
    # Out of order the phrase does not match, though both words do.
    assert run(bundled, '"Ruska Mother"').hits == []
    assert run(bundled, "Ruska Mother").hits


def test_and_is_the_default(bundled):
    both = run(bundled, "winston charon")
    explicit = run(bundled, "winston AND charon")
    assert pids(both) == pids(explicit)
    assert sorted(h.review for h in both.hits) == ["breakdown", "wickverse"]
    for hit in both.hits:
        assert "Winston" in hit.text and "Charon" in hit.text


def test_or(bundled):
    either = run(bundled, "winston OR charon")
    assert sorted(h.review for h in either.hits) == ["breakdown", "preview", "wickverse"]
    # Lower-case "or" is a word (a stop word), not the operator.
    assert len(run(bundled, "winston or charon").hits) == 2


def test_not_and_minus(bundled):
    with_keanu = run(bundled, "cameo", limit=50)
    not_query = run(bundled, "cameo NOT keanu", limit=50)
    minus = run(bundled, "cameo -keanu", limit=50)
    assert {p for p in pids(not_query)} == {p for p in pids(minus)}
    assert 0 < len(minus.hits) < len(with_keanu.hits)
    for hit in minus.hits:
        assert "keanu" not in hit.text.lower()
    assert any("Keanu" in h.text for h in with_keanu.hits)


def test_hyphenated_words_and_minus_inside_a_word(bundled):
    """``spin-off`` is a phrase, not "spin NOT off"."""
    result = run(bundled, "spin-off", limit=50)
    assert len(result.hits) >= 10
    for hit in result.hits:
        assert re.search(r"(?i)spin-offs?\b", hit.text), hit.text


def test_grouping(bundled):
    result = run(bundled, "cameo AND (winston OR bowery)")
    assert [h.review for h in result.hits] == ["preview", "wickverse"]


def test_prefix(bundled):
    result = run(bundled, "train*", lambda f: fold(f).startswith("train"), limit=50)
    words = {fold(h.text[s:e]) for h in result.hits for s, e in h.highlights}
    assert {"trained", "training"} <= words


def test_fuzzy_one_edit(bundled):
    result = run(bundled, "mentr~", lambda f: distance(norm(f), "mentr") <= 1)
    assert {h.review for h in result.hits} == {"preview", "wickverse"}
    assert result.corrected is None


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("ankle~", "ankle"),
        ("Reeves~", "Reeves"),
        ("choreography~", "choreography"),
        ("pirouete~", "pirouette"),
        ("Deming~", "Deming"),
    ],
)
def test_fuzzy_finds_the_word_itself_and_near_ones(bundled, query, word):
    """``term~`` finds at least what ``term`` finds (the word is zero edits from itself)."""
    fuzzy = run(bundled, query, lambda f: distance(norm(f), norm(query[:-1])) <= 1, limit=100)
    exact = run(bundled, word, limit=100)
    assert exact.hits
    assert set(pids(exact)) <= set(pids(fuzzy))


@pytest.mark.parametrize("query", ["0~/2", "ab~/5", "wick~2/9", "section:x~/3"])
def test_fuzzy_prefix_longer_than_the_word(bundled, query):
    result = bundled.search(query)
    check_result(bundled, result, lambda f: True)


def test_fuzzy_two_edits_is_looser(bundled):
    one = run(bundled, "mentr~", lambda f: True, limit=100)
    two = run(bundled, "mentr~2", lambda f: True, limit=100)
    assert set(pids(one)) < set(pids(two))


def test_large_edit_distances_are_capped(bundled):
    """``word~9`` would build an automaton that takes minutes: it runs as ``word~2``."""
    import time

    started = time.perf_counter()
    capped = bundled.search("choreography~9", limit=100)
    assert time.perf_counter() - started < 2.0
    assert pids(capped) == pids(bundled.search("choreography~2", limit=100))
    assert capped.hits and "fuzzy matching allows at most 2 edits" in capped.notes


def test_fuzzy_with_a_required_prefix(bundled):
    result = run(bundled, "trainng~1/3", lambda f: fold(f).startswith("tra"), limit=50)
    assert result.hits


def test_fuzzy_fallback_corrects_typos(bundled):
    result = run(bundled, "Petr Demng")
    assert result.corrected == "Peter Deming"
    assert [h.review for h in result.hits] == ["critic"]
    assert "director of photography Peter Deming" in result.hits[0].text
    highlighted = [result.hits[0].text[s:e] for s, e in result.hits[0].highlights]
    assert highlighted == ["Peter", "Deming"]


def test_no_correction_when_the_query_finds_something(bundled):
    assert run(bundled, "Peter Deming").corrected is None


def test_nothing_found_and_nothing_to_correct(bundled):
    result = bundled.search("xqzjwv")
    assert result.hits == [] and result.total == 0 and result.corrected is None


def test_stemming(bundled):
    mentor = run(bundled, "mentor", limit=50)
    mentoring = run(bundled, "mentoring", limit=50)
    mentors = run(bundled, "mentors", limit=50)
    assert pids(mentor) == pids(mentoring) == pids(mentors)
    texts = " ".join(h.text for h in mentor.hits)
    assert "Mentors and Crossovers" in texts and "unlikely mentor" in texts


def test_curly_and_straight_apostrophes(bundled):
    curly = run(bundled, "Keanu Reeves’ role")
    straight = run(bundled, "Keanu Reeves' role")
    assert pids(curly) == pids(straight)
    assert "How big is Keanu Reeves’ role in Ballerina?" in curly.hits[0].text
    quote = run(bundled, '"Vengeance won\'t bring them back"')
    assert [h.review for h in quote.hits] == ["wickverse"]
    assert "Vengeance won’t bring them back" in quote.hits[0].text


def test_possessive_matches_the_plain_word(bundled):
    result = run(bundled, "brother grave")
    assert [h.review for h in result.hits] == ["breakdown"]
    assert "brother’s grave" in result.hits[0].text


def test_numbers_stay_whole(bundled):
    result = run(bundled, "8.8")
    assert [h.review for h in result.hits] == ["critic", "critic"]
    for hit in result.hits:
        assert [hit.text[s:e] for s, e in hit.highlights] == ["8.8"]
    # "8" alone is another word: it does not find 8.8.
    assert all("8.8" not in h.text for h in bundled.search("8").hits)
    rating = run(bundled, "8.8/10")
    assert pids(rating) == pids(result)


def test_accents_fold_both_ways(mixed):
    for query in ("pokemon", "Pokémon", "POKEMON"):
        result = run(mixed, query)
        assert [h.review for h in result.hits] == ["defaults"]
        assert "The Pokémon cameo is pointless." == result.hits[0].text
    cafe = run(mixed, "cafe")
    assert [h.review for h in cafe.hits] == ["defaults", "defaults"]
    assert run(mixed, '"creme brulee"').hits[0].text.startswith("Odile’s first scene")
    assert [h.review for h in run(mixed, "Janis Ozols").hits] == ["glass-critic"]


def test_numbers_and_years_in_the_mixed_corpus(mixed):
    assert [h.text[:9] for h in run(mixed, "7.5/10").hits] == ["I give it"]
    assert [h.review for h in run(mixed, "6.2").hits] == ["defaults"]
    # "7.5" alone finds the rating too, and not the "6.2" or the "2029" beside it.
    assert pids(run(mixed, "7.5")) == pids(run(mixed, "7.5/10"))
    assert run(mixed, "7").hits == [] and run(mixed, "5").hits == []


# --------------------------------------------------------------------------- fields


def test_review_field_by_id_or_handle(bundled):
    for query in ("review:critic wiseman", "by:critic wiseman", "reviewer:critic wiseman"):
        result = run(bundled, query)
        assert result.hits and {h.review for h in result.hits} == {"critic"}
    assert run(bundled, "review:nobody wiseman").hits == []


def test_review_field_by_handle(mixed):
    result = run(mixed, "by:glass-critic ledger")
    assert [h.review for h in result.hits] == ["glass-critic"]
    assert result.hits[0].handle == "Glass-Critic"


def test_section_field(bundled):
    result = run(bundled, "section:timeline", limit=50)
    assert result.hits
    for hit in result.hits:
        assert "timeline" in hit.section.lower()
    heading = run(bundled, "heading:faqs")
    assert [h.section for h in heading.hits] == ["FAQs"]


@pytest.mark.parametrize(
    ("query", "reviews", "names"),
    [
        ("character:Winston", {"breakdown", "preview", "wickverse"}, {"Winston", "Ian McShane"}),
        ("character:winston", {"breakdown", "preview", "wickverse"}, {"Winston", "Ian McShane"}),
        ("character:charon", {"breakdown", "wickverse"}, {"Charon", "Lance Reddick"}),
        ('character:"Mother Ruska"', {"wickverse"}, {"Mother Ruska"}),
        (
            'character:"Ian McShane"',
            {"breakdown", "preview", "wickverse"},
            {"Winston", "Ian McShane"},
        ),
        ("character:chancellor", {"preview"}, {"Gabriel Byrne"}),
        ('character:"Daniel Pine"', {"critic", "preview"}, {"Norman Reedus"}),
    ],
)
def test_character_field_by_alias_or_actor(bundled, query, reviews, names):
    result = run(bundled, query, lambda f: " ".join(f.split()) in names, limit=50)
    assert {h.review for h in result.hits} == reviews
    for hit in result.hits:
        marked = {" ".join(hit.text[s:e].split()) for s, e in hit.highlights}
        assert marked and marked <= names, (hit.text, marked)


def test_character_by_actor_finds_the_actor_only_passage(bundled):
    result = bundled.search("character:Winston")
    actor_only = [h for h in result.hits if "Ian McShane" in h.text]
    assert len(actor_only) == 1 and actor_only[0].review == "preview"


def test_character_combined_with_words(bundled):
    result = run(bundled, "character:winston flashback", lambda f: True)
    assert [h.review for h in result.hits] == ["breakdown"]


def test_unknown_character_falls_back_to_the_text_and_says_so(bundled):
    result = bundled.search("character:nobody")
    assert result.hits == []
    assert result.notes == ["no character card called 'nobody'; searching the text for it"]
    # A name with no card that the reviews do use is found in the text.
    result = run(bundled, "character:Deming")
    assert [h.review for h in result.hits] == ["critic"]
    assert result.notes == ["no character card called 'Deming'; searching the text for it"]


def test_character_word_matching_several(bundled):
    result = bundled.search("character:ruska", limit=100)
    assert {"mother-ruska", "ruska-roma"} <= {c for h in result.hits for c in h.characters}


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("", "empty query"),
        ("   \t  ", "empty query"),
        ("\x00\x1b\x07", "empty query"),
        ('"unbalanced', "unbalanced quote"),
        ('"one" "two', "unbalanced quote"),
        ("(wick OR rooney", "unbalanced parenthesis"),
        ("wick)", "never opened"),
        (")wick(", "never opened"),
        ("x" * (MAX_QUERY_CHARS + 1), "longer than"),
        ("the of and", "no searchable words"),
        ("AND", "no searchable words"),
        ("OR OR", "no searchable words"),
        # Phrases in fields that keep no word positions fail only when run.
        ('review:"critic preview"', "has no positions"),
        ('by:"0 0"', "has no positions"),
    ],
)
def test_unparseable_queries_say_why(bundled, query, reason):
    with pytest.raises(QueryError, match=reason) as info:
        bundled.search(query)
    assert "\n" not in str(info.value)


def test_query_at_the_length_limit_is_fine(bundled):
    query = ("wick " * 100)[:MAX_QUERY_CHARS].strip()
    assert bundled.search(query).hits


def test_lone_surrogates_in_a_query_never_rebuild_the_index(corpus, tmp_path, monkeypatch):
    """An undecodable byte on the command line arrives as a lone surrogate."""
    index = ReviewIndex(corpus, root=tmp_path / "cache")

    def no_recover():
        raise AssertionError("the index was thrown away because of a query")

    monkeypatch.setattr(index, "recover", no_recover)
    with Searcher(index) as searcher:
        for query in ("abc\udcff", "\udcff", "wick\ud800 rooney", "Petr\udcff Demng", "x~\udcff"):
            try:
                result = searcher.search(query)
            except QueryError:
                continue
            check_result(searcher, result, lambda f: True)
        assert [h.review for h in searcher.search("Peter Deming").hits] == ["critic"]


def test_control_characters_in_a_query_are_spaces(bundled):
    plain = pids(bundled.search("winston charon"))
    assert plain
    for query in ("winston\x00charon", "\x07winston\x1bcharon\x7f", "winston\x9bcharon"):
        assert pids(bundled.search(query)) == plain


# --------------------------------------------------------------------------- questions

# Questions a reader of the four reviews might ask, with the answer found by reading them:
# (query, review of the top hit, a substring of the top hit's text).
QUESTIONS = [
    ("Peter Deming", "critic", "director of photography Peter Deming"),
    ("Petr Demng", "critic", "Peter Deming"),
    ('"Mother Ruska"', "wickverse", "Mother Ruska"),
    ("matriarch", "wickverse", "the matriarch of the Ruska Roma"),
    ("Ian McShane", "preview", "Winston (Ian McShane)"),
    ("Lance Reddick", "wickverse", "Lance Reddick’s final appearance"),
    ("fractured ankle", "wickverse", "forced to dance for hours on a fractured ankle"),
    ('"candle-lit opera house"', "breakdown", "One fight sequence in a candle-lit opera house"),
    ("Tyler Bates", "critic", "composed by Tyler Bates"),
    ('"Vengeance won’t bring them back"', "wickverse", "But it might let you breathe again"),
    ("subway station", "critic", "a breathtaking sequence in a subway station"),
    ("Shay Hatten", "preview", "penned by Shay Hatten"),
    ('"June 2025"', "preview", "set to release in June 2025"),
    ("robbery", "breakdown", "killed in what appears to be a robbery"),
    ("mercy", "wickverse", "she chooses mercy over murder"),
    ("deconsecrated", "breakdown", "the Continental is deconsecrated"),
    ("Knives Out", "critic", "Known for her roles in Knives Out"),
    ("review:preview Underworld", "preview", "known for the Underworld series"),
    ("by:breakdown Winston", "breakdown", "a young Winston (played in a flashback)"),
    ("section:sequel guaranteed", "breakdown", "a sequel is almost guaranteed"),
    ("Reddit", "breakdown", "I dove into Reddit"),
    ("headshots", "wickverse", "not just about headshots and hotel rules"),
    ("volcanic", "breakdown", "it’s volcanic"),
    ("Joel J. Richard", "critic", "Tyler Bates and Joel J. Richard"),
    ("character:chancellor", "preview", "Gabriel Byrne"),
    ("character:nogi", "preview", "Catalina Sandino Moreno"),
    ("John Wick: Chapter 5", "critic", "For fans eagerly awaiting John Wick: Chapter 5"),
    ("shadowy opera houses", "preview", "Expect shadowy opera houses"),
    ("Mother Ruska raised Wick", "wickverse", "raised both Rooney and, years before, John Wick"),
    ("dog-loving", "preview", "we’re not following the dog-loving assassin"),
    ("mentor Rooney", "wickverse", "Wick becomes an unlikely mentor"),
    ("pirouete~ purpose", "wickverse", "Every pirouette has purpose"),
]


@pytest.mark.parametrize(
    ("query", "review", "snippet"), QUESTIONS, ids=[q for q, _, _ in QUESTIONS]
)
def test_search_questions(bundled, query, review, snippet):
    matches = None if "~" not in query and ":" not in query.split()[0] else (lambda f: True)
    result = run(bundled, query, matches)
    assert result.hits, query
    top = result.hits[0]
    assert (top.review, snippet in top.text) == (review, True), (top.review, top.text)


@pytest.mark.parametrize(
    ("query", "reviews"),
    [
        ("character:charon", {"breakdown", "wickverse"}),
        ("Baba Yaga", {"breakdown", "wickverse"}),
        ("25-year-old", {"breakdown", "wickverse"}),
        ('"Anjelica Huston"', {"critic", "preview"}),
        ('"Mother Ruska"', {"wickverse"}),
        ("Norman Reedus", {"critic", "preview"}),
        ("Gabriel Byrne", {"preview"}),
        ("High Table resistance", {"breakdown"}),
    ],
)
def test_which_reviews_mention(bundled, query, reviews):
    result = run(bundled, query, (lambda f: True) if ":" in query else None, limit=100)
    assert {h.review for h in result.hits} == reviews


def test_limit_and_total(bundled):
    result = run(bundled, "ballerina", limit=3)
    assert len(result.hits) == 3
    assert result.total > 50


def test_hit_json_shape(bundled):
    data = bundled.search("Peter Deming").to_json()
    assert set(data) >= {"query", "corrected", "total", "notes", "hits"}
    hit = data["hits"][0]
    assert set(hit) >= {
        "review",
        "handle",
        "section",
        "score",
        "text",
        "start",
        "end",
        "highlights",
    }
    assert all(isinstance(span, list) and len(span) == 2 for span in hit["highlights"])


def test_one_shot_search(bundled):
    result = search(bundled.index, "Peter Deming")
    assert [h.review for h in result.hits] == ["critic"]


# --------------------------------------------------------------------------- the index moves


def test_warm_searcher_sees_updates_made_elsewhere(bundled_copy):
    with Searcher(ReviewIndex(load_corpus(bundled_copy))) as warm:
        assert warm.search("zeppelin").hits == []
        path = bundled_copy / "critic.md"
        path.write_text(path.read_text("utf-8") + "\nA zeppelin drifts by.\n", "utf-8")
        other = ReviewIndex(load_corpus(bundled_copy))
        other.ensure()
        assert other.last_update.changed == ["critic"]
        hits = warm.search("zeppelin").hits
    assert [h.text for h in hits] == ["A zeppelin drifts by."]


FUZZY_QUERIES = ["mentr~", "ankle~", "Reeves~", "pirouete~", "vengence~", "trainng~", "Deming~2"]


def test_results_do_not_depend_on_how_the_index_was_built(bundled_copy, tmp_path):
    """An incrementally updated index (several segments) answers like a fresh one: the
    same passages, highlighted the same way."""
    ReviewIndex(load_corpus(bundled_copy)).ensure()
    for name in ("preview.md", "critic.md"):
        path = bundled_copy / name
        path.write_text(path.read_text("utf-8") + "\nOne more line about a mentor.\n", "utf-8")
        ReviewIndex(load_corpus(bundled_copy)).ensure()
    corpus = load_corpus(bundled_copy)
    updated = ReviewIndex(corpus)
    fresh = ReviewIndex(corpus, root=tmp_path / "fresh-cache")
    queries = FUZZY_QUERIES + ["mentor", "train*", '"mother ruska"', "winston OR charon", "line"]
    with Searcher(updated) as a, Searcher(fresh) as b:
        assert len(a._searcher.reader().leaf_readers()) > 1  # really several segments
        for query in queries:
            got, want = a.search(query, limit=300), b.search(query, limit=300)
            check_result(a, got, lambda f: True)
            assert want.hits, query
            assert {(h.review, h.start): h.highlights for h in got.hits} == {
                (h.review, h.start): h.highlights for h in want.hits
            }, query
    shutil.rmtree(tmp_path / "fresh-cache")


def test_an_index_without_documents_can_be_searched(tmp_path):
    """A folder whose only review is empty: no segment at all in the index."""
    (tmp_path / "draft.md").write_text("", encoding="utf-8")
    with Searcher(ReviewIndex(load_corpus(tmp_path))) as searcher:
        for query in ("ballet", "ballet~", "Petr Demng", "character:winston"):
            assert searcher.search(query).hits == []
        (tmp_path / "draft.md").write_text("# Draft\n\nA ballet at last.\n", encoding="utf-8")
        ReviewIndex(load_corpus(tmp_path)).ensure()
        assert [h.text for h in searcher.search("ballet").hits] == ["A ballet at last."]


def test_a_failing_query_on_a_healthy_index_does_not_rebuild_it(tmp_path, monkeypatch):
    corpus = load_corpus(Path(__file__).resolve().parent.parent / "data" / "reviews")
    index = ReviewIndex(corpus, root=tmp_path)
    searcher = Searcher(index)
    recovered = []
    monkeypatch.setattr(index, "recover", lambda: recovered.append(1))

    def boom(*args, **kwargs):
        raise ValueError("something unexpected")

    monkeypatch.setattr(searcher, "_run", boom)
    with pytest.raises(QueryError, match="something unexpected"):
        searcher.search("Ruska")
    assert recovered == []
    searcher.close()
