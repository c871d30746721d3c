"""The array path of the claim engine (``claims/pairs.py``) against the long way: every
pair compared in plain Python with :meth:`_Aligner.similarity` and :meth:`Scorer.score`."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballerina_tui.claims.evidence import _Aligner
from ballerina_tui.claims.grouping import Scorer
from ballerina_tui.claims.linking import _normalised, build_claims
from ballerina_tui.claims.model import _UnionFind
from ballerina_tui.claims.pairs import ClaimMatrix, Pairs, lexical_candidates
from ballerina_tui.claims.scoring import PARAMS
from ballerina_tui.corpus import load_corpus
from ballerina_tui.index import ReviewIndex

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "reviews"


def _reps(claims) -> list[int]:
    uf = _UnionFind(len(claims))
    first: dict[str, int] = {}
    for i, claim in enumerate(claims):
        first.setdefault(_normalised(claim.text), i)
        uf.union(first[_normalised(claim.text)], i)
    return [uf.find(i) for i in range(len(claims))]


@pytest.fixture(scope="module", params=["bundled", "with copies"])
def engine(request, tmp_path_factory):
    """Claims, aligner and representatives of the bundled reviews; "with copies" adds a
    review that copies another's paragraphs word for word (under other headings)."""
    base = tmp_path_factory.mktemp(request.param)
    target = base / "reviews"
    shutil.copytree(BUNDLED, target)
    if request.param == "with copies":
        source = sorted(target.glob("*.md"))[0]
        text = source.read_text(encoding="utf-8").replace("\n## ", "\n## Also ")
        (target / "zz-copy.md").write_text(text.replace("id: ", "id: copy-", 1), "utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("BALLERINA_TUI_CACHE_DIR", str(base / "cache"))
    corpus = load_corpus(target)
    index = ReviewIndex(corpus)
    index.ensure()
    mentions: list = []
    claims = build_claims(corpus, index.characters, None, mentions)
    aligner = _Aligner(claims, index.characters, mentions)
    rep = _reps(claims)
    if request.param == "with copies":
        assert len(set(rep)) < len(rep) - 20  # the copies are there
    yield claims, aligner, rep
    mp.undo()


def _brute_force(claims, aligner, rep, cap_terms):
    """Each representative's partners with the weight of the kept terms they share."""
    holders: dict[str, set[int]] = {}
    for i, f in enumerate(aligner.features):
        for t in f.terms:
            if aligner.df[t] >= 2:
                holders.setdefault(t, set()).add(rep[i])
    reps = sorted(set(rep))
    cap = max(12, int(len(reps) ** 0.5 * 2))
    kept = {t for t, h in holders.items() if 2 <= len(h) <= cap}
    terms_of: dict[int, set[str]] = {}
    review = {}
    multi = set()
    for i, c in enumerate(claims):
        review.setdefault(rep[i], claims[rep[i]].review)
        if c.review != claims[rep[i]].review:
            multi.add(rep[i])
        terms_of.setdefault(rep[i], set()).update(t for t in aligner.features[i].terms if t in kept)
    out: dict[int, dict[int, float]] = {}
    for a in reps:
        for b in reps:
            if a == b or (review[a] == review[b] and a not in multi and b not in multi):
                continue
            shared = terms_of[a] & terms_of[b]
            if shared:
                out.setdefault(a, {})[b] = sum(aligner.weights[t] for t in shared)
    return out


def test_lexical_candidates_are_each_claims_heaviest_partners(engine):
    claims, aligner, rep = engine
    per_claim = 12  # small, so that most claims have more partners than they keep
    matrix = ClaimMatrix(aligner.features, aligner.weights, aligner.df)
    a, b, weight = lexical_candidates(matrix, [c.review for c in claims], rep, per_claim)
    truth = _brute_force(claims, aligner, rep, per_claim)
    assert len(a) > 300
    assert (a < b).all() and (np.diff(a * len(claims) + b) > 0).all()  # sorted, once each
    got = {(x, y): w for x, y, w in zip(a.tolist(), b.tolist(), weight.tolist(), strict=True)}
    threshold = {}
    for x, partners in truth.items():
        ranked = sorted(partners.values(), reverse=True)
        threshold[x] = ranked[per_claim - 1] if len(ranked) > per_claim else -1.0
    for (x, y), w in got.items():
        assert w == pytest.approx(truth[x][y], abs=1e-9)
        # kept by one of the two: among its ``per_claim`` heaviest
        assert w >= min(threshold[x], threshold[y]) - 1e-9
    for x, partners in truth.items():
        for y, w in partners.items():
            if w > threshold[x] + 1e-9:  # strictly among x's heaviest: must be there
                assert (min(x, y), max(x, y)) in got


def test_similarity_and_score_of_many_pairs_equal_one_at_a_time(engine):
    claims, aligner, rep = engine
    matrix = ClaimMatrix(aligner.features, aligner.weights, aligner.df)
    rng = np.random.default_rng(7)
    n = len(claims)
    a = rng.integers(0, n, 3000)
    b = rng.integers(0, n, 3000)
    keep = a != b
    # random pairs (most share nothing) and candidates (most share something)
    ca, cb, _w = lexical_candidates(matrix, [c.review for c in claims], rep, 40)
    a, b = np.concatenate((a[keep], ca)), np.concatenate((b[keep], cb))
    sims = matrix.similarity(a, b, params=aligner)
    expected = [aligner.similarity(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)]
    assert np.allclose(sims, expected, atol=1e-12)
    assert (sims > 0).sum() > 1000 and (sims == 0).sum() > 1000
    vectors = rng.normal(size=(n, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scorer = Scorer(claims, aligner, vectors, PARAMS)
    scores, _cosines = scorer.score_pairs(a, b, sims)
    one_by_one = [
        scorer.score(x, y, lexical=s)
        for x, y, s in zip(a.tolist(), b.tolist(), sims.tolist(), strict=True)
    ]
    # (the cosines are float32 dot products, summed in another order one at a time)
    assert np.allclose(scores, one_by_one, atol=1e-6)
    assert len(set(np.round(scores, 3).tolist())) > 50


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=60), st.data())
def test_pairs_find_what_they_hold(raw, data):
    held = sorted({(min(x, y), max(x, y)) for x, y in raw if x != y})
    a = np.array([x for x, _ in held], dtype=np.int64)
    b = np.array([y for _, y in held], dtype=np.int64)
    zeros = np.zeros(len(held))
    pairs = Pairs(a, b, zeros, np.ones(len(held), dtype=bool), zeros, 41)
    x = data.draw(st.integers(0, 40))
    y = data.draw(st.integers(0, 40))
    k = pairs.find(x, y)
    assert (k >= 0) == ((min(x, y), max(x, y)) in held)
    if k >= 0:
        assert {int(a[k]), int(b[k])} == {x, y}
    many = pairs.find_many(np.array([x, y], dtype=np.int64), np.array([y, x], dtype=np.int64))
    assert many.tolist() == [k, k]


def test_the_vectorised_bound_never_drops_a_pair_that_links_on_its_own(engine):
    """``may_be_strong`` lets ``cluster`` skip ``strong()``: it must hold for every pair
    whose ``strong()`` reaches the threshold (and skip most of the others)."""
    from ballerina_tui.characters import CharacterSet
    from ballerina_tui.claims.linking import link_claims

    claims, aligner, _rep = engine
    state = link_claims(claims, CharacterSet(), PARAMS, features=aligner.features)
    pairs, scorer = state.pairs, state.scorer
    assert pairs.dense is not None
    everything = np.arange(len(pairs))
    maybe = scorer.may_be_strong(pairs, everything)
    strong = np.array(
        [
            scorer.strong(a, b) >= PARAMS.strong
            for a, b in zip(pairs.a.tolist(), pairs.b.tolist(), strict=True)
        ]
    )
    assert strong.sum() > 20
    assert not (strong & ~maybe).any()
    assert maybe.sum() < len(pairs) / 2


def test_pair_scores_equal_score_one_at_a_time(engine):
    """What the guard reads in bulk (:meth:`Scorer.pair_scores`): the table's score for
    candidates, a computed one for the others, as :meth:`Scorer.score` gives each."""
    from ballerina_tui.characters import CharacterSet
    from ballerina_tui.claims.linking import link_claims

    claims, aligner, _rep = engine
    state = link_claims(claims, CharacterSet(), PARAMS, features=aligner.features)
    scorer, pairs = state.scorer, state.pairs
    rng = np.random.default_rng(11)
    n = len(claims)
    xs, ys = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
    keep = xs != ys
    # random pairs, candidates both ways round, and repeats
    xs = np.concatenate((xs[keep], pairs.a[:500], pairs.b[:500], xs[:50]))
    ys = np.concatenate((ys[keep], pairs.b[:500], pairs.a[:500], ys[:50]))
    got = scorer.pair_scores(xs, ys)
    fresh = Scorer(claims, scorer.aligner, scorer.vectors, PARAMS)
    fresh.table = pairs
    expected = [fresh.score(x, y) for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]
    assert np.allclose(got, expected, atol=1e-6)
    assert (pairs.find_many(xs, ys) < 0).sum() > 1000  # most were computed, not read
    assert len(set(np.round(got, 3).tolist())) > 50


def test_verdicts_ahead_are_the_guards_verdicts(engine):
    """The guard's verdicts computed a chunk at a time (``_verdicts_ahead``) are those of
    ``_guard`` on the same groups: on groups of every size, on both sides of the floor."""
    from ballerina_tui.characters import CharacterSet
    from ballerina_tui.claims.grouping import GUARD_MEMBERS, _guard, _verdicts_ahead
    from ballerina_tui.claims.linking import link_claims

    claims, aligner, _rep = engine
    state = link_claims(claims, CharacterSet(), PARAMS, features=aligner.features)
    uf, scorer, pairs = state.uf, state.scorer, state.pairs
    members: dict[int, list[int]] = {}
    for i in range(len(claims)):
        members.setdefault(uf.find(i), []).append(i)
    codes: dict[str, int] = {}
    code_list = [codes.setdefault(c.review, len(codes)) for c in claims]
    code = np.array(code_list)
    chunk = [
        (a, b, 0.0, True, False) for a, b in zip(pairs.a.tolist(), pairs.b.tolist(), strict=True)
    ]
    outcomes = []
    for floor in (0.05, PARAMS.floor, 0.6):
        verdicts = _verdicts_ahead(chunk, uf, members, set(), code, scorer, floor)
        assert len(verdicts) > 100
        sizes = set()
        for (ga, gb), passes in verdicts.items():
            assert passes == _guard(members[ga], members[gb], code_list, scorer, floor)
            sizes.add(min(len(members[ga]), len(members[gb]), GUARD_MEMBERS))
        assert len(sizes) > 1
        outcomes.append(sum(verdicts.values()))
    assert outcomes[0] > outcomes[1] > outcomes[2]  # passes and refusals at each side


def test_evidence_of_many_links_equals_one_at_a_time(engine):
    """What ``attach`` keeps of each link (:meth:`Scorer.parts_many`) is :meth:`parts`."""
    from ballerina_tui.characters import CharacterSet
    from ballerina_tui.claims.linking import link_claims

    claims, aligner, _rep = engine
    state = link_claims(claims, CharacterSet(), PARAMS, features=aligner.features)
    scorer = state.scorer
    some = list(state.linked) + list(
        zip(state.pairs.a[:300].tolist(), state.pairs.b[:300].tolist(), strict=True)
    )
    many = scorer.parts_many(some)
    assert len(many) == len(some) > 300
    assert many == [scorer.parts(a, b) for a, b in some]
    assert any(p["names"] for p in many) and any(p["aspects"] for p in many)
    assert len({p["coverage"] for p in many}) > 50


class _TableScorer:
    """Scores from a table, whatever order the pairs come in."""

    def __init__(self, table: dict) -> None:
        self.table = table

    def scores(self, pairs):
        return [self.table[frozenset(pair)] for pair in pairs]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=9, max_size=9))
def test_the_guard_does_not_depend_on_the_order_of_its_groups(values):
    """A mean right on the floor passes or fails whichever group comes first (the sum is
    exact): the verdicts computed ahead meet the pairs in another order than the loop."""
    import math

    from ballerina_tui.claims.grouping import _guard

    xs, ys = [0, 1, 2], [3, 4, 5]
    table = {
        frozenset((x, y)): v
        for (x, y), v in zip([(x, y) for x in xs for y in ys], values, strict=True)
    }
    scorer = _TableScorer(table)
    code = [0, 1, 2, 3, 4, 5]
    floor = math.fsum(values) / len(values)  # right on it
    assert _guard(xs, ys, code, scorer, floor) == _guard(ys, xs, code, scorer, floor)
    assert _guard(xs, ys, code, scorer, floor)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.sampled_from([0.1, 0.2, 0.5, 0.9])),
        max_size=50,
    ),
    st.lists(st.integers(0, 3), min_size=12, max_size=12),
)
def test_mutual_best_matches_the_definition(raw, reviews):
    """Each pair is ``b``'s best among ``a``'s candidates in ``b``'s review and the reverse;
    equal scores go to the earlier pair (scores drawn from a few values: many ties)."""
    from ballerina_tui.claims.grouping import _mutual_best

    held: dict[tuple[int, int], float] = {}
    for x, y, s in raw:
        if x != y:
            held.setdefault((min(x, y), max(x, y)), s)
    keys = sorted(held)
    a = np.array([x for x, _ in keys], dtype=np.int64)
    b = np.array([y for _, y in keys], dtype=np.int64)
    score = np.array([held[k] for k in keys])
    code = np.array(reviews, dtype=np.int64)
    pairs = Pairs(a, b, score, np.ones(len(keys), dtype=bool), score, 12)

    def best(me: int, review: int) -> int:
        """The position of ``me``'s best candidate in ``review`` (ties: the earlier pair)."""
        mine = [k for k, (x, y) in enumerate(keys) if me in (x, y) and code[x + y - me] == review]
        return max(mine, key=lambda k: (score[k], -k))

    expected = [best(x, code[y]) == k and best(y, code[x]) == k for k, (x, y) in enumerate(keys)]
    assert _mutual_best(pairs, code).tolist() == expected


def test_blocks_and_threads_give_the_result_of_one_go(engine, monkeypatch):
    """Candidates, similarities, scores and the strong bound computed a few pairs (or rows)
    at a time on two threads are those of one go on one thread, to the last bit."""
    from ballerina_tui import children
    from ballerina_tui.characters import CharacterSet
    from ballerina_tui.claims import pairs as pairs_module
    from ballerina_tui.claims.linking import link_claims

    claims, aligner, rep = engine
    reviews = [c.review for c in claims]

    def everything():
        matrix = ClaimMatrix(aligner.features, aligner.weights, aligner.df)
        a, b, w = lexical_candidates(matrix, reviews, rep, 12)
        sims = matrix.similarity(a, b, params=aligner)
        state = link_claims(claims, CharacterSet(), PARAMS, features=aligner.features)
        table = state.pairs
        maybe = state.scorer.may_be_strong(table, np.arange(len(table)))
        scores, dense = state.scorer.score_pairs(table.a, table.b, table.lexical)
        return [a, b, w, sims, table.a, table.b, table.score, maybe, scores, dense]

    monkeypatch.setattr(children, "core_count", lambda: 1)
    whole = everything()
    monkeypatch.setattr(children, "core_count", lambda: 2)
    monkeypatch.setattr(pairs_module, "PAIR_BLOCK", 37)
    monkeypatch.setattr(pairs_module, "BLOCK_ENTRIES", 500)
    split = everything()
    assert len(whole[0]) > 300 and len(whole[4]) > 300
    for one, blocks in zip(whole, split, strict=True):
        assert one.dtype == blocks.dtype
        assert np.array_equal(one, blocks)
