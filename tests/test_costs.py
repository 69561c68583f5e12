"""Tests for mlf.costs: the cost games of docs/reference/power.md, exact oracles, properties."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlf.costs import (
    CostError,
    CostGame,
    CostModel,
    core_is_empty,
    cost_vs_defence_budget,
    in_core,
    least_core,
    nucleolus,
    prenucleolus,
    shapley_monte_carlo,
    shapley_value,
    split_equal,
    split_gdp,
    split_nucleolus,
    split_proportional,
    split_shapley,
)
from mlf.errors import MlfError

G1_PLAYERS = ["US", "UK", "FR", "DE", "IT", "NL", "BE"]
G2_PLAYERS = list("ABCDEF")


def g1() -> CostGame:
    return CostGame.from_requirements(G1_PLAYERS, [10, 8, 6, 6, 4, 2, 1], lambda m: 20 + 5 * m)


def g2() -> CostGame:
    return CostGame.from_requirements(
        G2_PLAYERS, [5, 4, 3, 3, 2, 1], lambda s: 10 + 30 * math.ceil(s / 8), aggregate="sum"
    )


# ----------------------------------------------------------------- oracles (test-only)


def assert_close(a: object, b: object, tol: float) -> None:
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    assert x.shape == y.shape
    assert np.all(np.abs(x - y) <= tol * np.maximum(1.0, np.abs(y))), (x, y)


def shapley_by_permutations(game: CostGame) -> list[F]:
    """Average marginal cost over all n! orders, exact."""
    n = game.n
    ex = game.exact_values()
    phi = [F(0)] * n
    perms = list(itertools.permutations(range(n)))
    for order in perms:
        mask = 0
        for i in order:
            phi[i] += ex[mask | 1 << i] - ex[mask]
            mask |= 1 << i
    return [p / len(perms) for p in phi]


def cea(claims: list[F], estate: F) -> list[F]:
    """Constrained equal awards: min(claim, lam) with the awards summing to the estate."""
    order = sorted(range(len(claims)), key=lambda i: claims[i])
    out = [F(0)] * len(claims)
    left, rest = estate, len(claims)
    for i in order:
        give = min(claims[i], left / rest)
        out[i] = give
        left -= give
        rest -= 1
    return out


def talmud(claims: list[F], estate: F) -> list[F]:
    """Aumann & Maschler (1985): CEA on half-claims, or claims minus CEA of the losses."""
    half = [c / 2 for c in claims]
    if estate <= sum(half):
        return cea(half, estate)
    loss = cea(half, sum(claims) - estate)
    return [c - x for c, x in zip(claims, loss, strict=True)]


def sorted_excesses(game: CostGame, x: list[F]) -> list[F]:
    ex = game.exact_values()
    sign = 1 if game.kind == "cost" else -1
    out = []
    for mask in range(1, (1 << game.n) - 1):
        xs = sum((x[i] for i in range(game.n) if mask >> i & 1), F(0))
        out.append(sign * (xs - ex[mask]))
    return sorted(out, reverse=True)


# ----------------------------------------------------------------- reference values


def test_g1_reference_values() -> None:
    game = g1()
    assert shapley_value(game, exact=True) == (
        F(502, 21), F(292, 21), F(187, 21), F(187, 21), F(269, 42), F(185, 42), F(25, 7)
    )  # fmt: skip
    assert nucleolus(game, exact=True) == (
        F(115, 6), F(55, 6), F(25, 3), F(25, 3), F(25, 3), F(25, 3), F(25, 3)
    )  # fmt: skip
    eps, x = least_core(game, exact=True)
    assert eps == F(-25, 3)
    assert not core_is_empty(game)
    assert in_core(game, list(shapley_value(game, exact=True)))
    assert game.is_concave()
    assert x == nucleolus(game, exact=True)  # core non-empty: prenucleolus = nucleolus


def test_g1_shapley_matches_littlechild_owen() -> None:
    # airport game: the cost of each segment between successive requirements is shared
    # equally by everyone who needs it (Littlechild & Owen 1973); the HQ cost equally by all
    game = g1()
    req = [10, 8, 6, 6, 4, 2, 1]
    levels = sorted(set(req))
    phi = [F(20, 7)] * 7
    prev = 0
    for lv in levels:
        users = [i for i in range(7) if req[i] >= lv]
        for i in users:
            phi[i] += F(5 * (lv - prev), len(users))
        prev = lv
    assert list(shapley_value(game, exact=True)) == phi
    assert_close(shapley_value(game), [float(p) for p in phi], tol=1e-13)


def test_g2_reference_values() -> None:
    game = g2()
    assert shapley_value(game, exact=True) == (
        F(65, 3), F(59, 3), F(103, 6), F(103, 6), F(97, 6), F(49, 6)
    )  # fmt: skip
    nuc = nucleolus(game, exact=True)
    assert nuc == (F(65, 3), F(65, 3), F(35, 2), F(35, 2), F(35, 2), F(25, 6))
    eps, _ = least_core(game, exact=True)
    assert eps == F(25, 2)
    assert core_is_empty(game)
    assert max(sorted_excesses(game, list(nuc))) == F(25, 2)
    assert not in_core(game, list(shapley_value(game, exact=True)))
    assert not game.is_concave()


def test_coopgame_r_manual_nucleolus() -> None:
    game = CostGame.from_lexicographic(
        ["1", "2", "3", "4"], [0, 0, 0, 0, 5, 5, 8, 9, 10, 8, 13, 15, 16, 17, 21]
    )
    assert game.kind == "value"
    assert nucleolus(game, exact=True) == (F(7, 2), F(9, 2), F(11, 2), F(15, 2))
    assert_close(nucleolus(game), [3.5, 4.5, 5.5, 7.5], tol=1e-9)


@pytest.mark.parametrize(
    ("estate", "expected"),
    [
        (100, (F(100, 3), F(100, 3), F(100, 3))),
        (200, (F(50), F(75), F(75))),
        (300, (F(50), F(100), F(150))),
    ],
)
def test_talmud_estates(estate: int, expected: tuple[F, ...]) -> None:
    game = CostGame.bankruptcy(["a", "b", "c"], estate, [100, 200, 300])
    assert nucleolus(game, exact=True) == expected
    assert tuple(talmud([F(100), F(200), F(300)], F(estate))) == expected


@settings(max_examples=40, deadline=None)
@given(
    claims=st.lists(st.integers(1, 60), min_size=2, max_size=4),
    frac=st.fractions(0, 1, max_denominator=7),
)
def test_bankruptcy_nucleolus_is_talmud(claims: list[int], frac: F) -> None:
    estate = F(sum(claims)) * frac
    game = CostGame.bankruptcy([f"p{i}" for i in range(len(claims))], estate, claims)
    assert list(nucleolus(game, exact=True)) == talmud([F(c) for c in claims], estate)


# ----------------------------------------------------------------- random games


@st.composite
def int_games(draw: st.DrawFn, max_n: int = 5, kind: str = "cost") -> CostGame:
    n = draw(st.integers(2, max_n))
    vals = [0] + [draw(st.integers(0, 40)) for _ in range((1 << n) - 1)]
    return CostGame.from_array([f"p{i}" for i in range(n)], vals, kind)  # type: ignore[arg-type]


@st.composite
def airport_games(draw: st.DrawFn) -> CostGame:
    n = draw(st.integers(2, 6))
    req = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
    fixed = draw(st.integers(0, 20))
    per = draw(st.integers(1, 6))
    return CostGame.from_requirements([f"p{i}" for i in range(n)], req, lambda m: fixed + per * m)


@settings(max_examples=40, deadline=None)
@given(game=int_games())
def test_shapley_matches_permutation_oracle(game: CostGame) -> None:
    exact = list(shapley_value(game, exact=True))
    assert exact == shapley_by_permutations(game)
    assert_close(shapley_value(game), [float(v) for v in exact], tol=1e-9)


@settings(max_examples=40, deadline=None)
@given(game=int_games(max_n=6))
def test_shapley_axioms(game: CostGame) -> None:
    phi = shapley_value(game, exact=True)
    ex = game.exact_values()
    n = game.n
    assert sum(phi) == ex[-1]  # efficiency
    for i in range(n):
        others = [m for m in range(1 << n) if not m >> i & 1]
        if all(ex[m | 1 << i] - ex[m] == ex[1 << i] for m in others):  # dummy
            assert phi[i] == ex[1 << i]
        for j in range(i + 1, n):
            rest = [m for m in others if not m >> j & 1]
            if all(ex[m | 1 << i] == ex[m | 1 << j] for m in rest):  # symmetric pair
                assert phi[i] == phi[j]


def test_shapley_dummy_and_symmetry_constructed() -> None:
    # p2 is a dummy adding 7 to any coalition; p0 and p1 are symmetric
    base = {0: 0, 1: 10, 2: 10, 3: 15}
    vals = [base[m & 3] + (7 if m & 4 else 0) for m in range(8)]
    phi = shapley_value(CostGame.from_array(["a", "b", "d"], vals), exact=True)
    assert phi == (F(15, 2), F(15, 2), F(7))


@settings(max_examples=30, deadline=None)
@given(game=airport_games())
def test_nucleolus_in_core_of_concave_games(game: CostGame) -> None:
    assert game.is_concave()
    nuc = nucleolus(game, exact=True)
    assert in_core(game, list(nuc))
    assert in_core(game, list(shapley_value(game, exact=True)))
    assert not core_is_empty(game)
    assert prenucleolus(game, exact=True) == nuc


@settings(max_examples=30, deadline=None)
@given(game=int_games(max_n=4), data=st.data())
def test_nucleolus_is_lexicographic_minimum(game: CostGame, data: st.DataObject) -> None:
    """No imputation near or far has a lexicographically smaller sorted excess vector."""
    ex = game.exact_values()
    if sum(ex[1 << i] for i in range(game.n)) < ex[-1]:
        with pytest.raises(CostError, match="no imputation"):
            nucleolus(game)
        return
    nuc = list(nucleolus(game, exact=True))
    assert sum(nuc) == ex[-1]
    assert all(nuc[i] <= ex[1 << i] for i in range(game.n))
    base = sorted_excesses(game, nuc)
    for _ in range(5):
        i, j = data.draw(st.permutations(range(game.n)))[:2]
        step = data.draw(st.fractions(F(1, 50), 5, max_denominator=50))
        y = list(nuc)
        y[i] += step
        y[j] -= step
        if y[i] > ex[1 << i]:
            continue  # not an imputation
        assert sorted_excesses(game, y) >= base


@settings(max_examples=30, deadline=None)
@given(game=int_games(max_n=5))
def test_least_core_value_and_core_emptiness(game: CostGame) -> None:
    eps, x = least_core(game, exact=True)
    assert isinstance(eps, F)
    assert max(sorted_excesses(game, list(x))) == eps
    assert core_is_empty(game) == (eps > 0)
    eps_f, x_f = least_core(game)
    assert float(eps_f) == pytest.approx(float(eps), abs=1e-7)
    assert_close(np.asarray(x_f, dtype=float), [float(v) for v in x], tol=1e-7)


def test_value_game_is_negated_cost_game() -> None:
    vals = [0, 0, 0, 0, 5, 5, 8, 9, 10, 8, 13, 15, 16, 17, 21]
    value = CostGame.from_lexicographic(list("abcd"), vals, "value")
    cost = CostGame.from_lexicographic(list("abcd"), [-v for v in vals], "cost")
    assert nucleolus(value, exact=True) == tuple(-v for v in nucleolus(cost, exact=True))
    assert least_core(value, exact=True)[0] == least_core(cost, exact=True)[0]


def test_single_player_game() -> None:
    game = CostGame.from_array(["solo"], [0, 12])
    assert nucleolus(game, exact=True) == (F(12),)
    eps, x = least_core(game)
    assert eps == 0.0
    assert_close(x, [12.0], tol=1e-12)
    assert shapley_value(game, exact=True) == (F(12),)
    assert not core_is_empty(game)


def test_in_core_float_and_exact() -> None:
    game = g1()
    assert in_core(game, [115 / 6, 55 / 6, 25 / 3, 25 / 3, 25 / 3, 25 / 3, 25 / 3])
    assert in_core(game, [10] * 7)  # the five smallest pay 50 = their cost: a tie is allowed
    assert in_core(game, [F(70), 0, 0, 0, 0, 0, 0])  # US pays its stand-alone cost
    # the five smallest would pay 60 > c = 50
    assert not in_core(game, [F(5), F(5), F(12), F(12), F(12), F(12), F(12)])
    assert not in_core(game, [5.0, 5.0, 12.0, 12.0, 12.0, 12.0, 12.0])
    assert not in_core(game, [F(10)] * 6 + [F(11)])  # sums to 71, not c(N)
    with pytest.raises(CostError):
        in_core(game, [1, 2])


def test_monte_carlo_shapley_is_seeded_and_close() -> None:
    game = g1()
    exact = np.array([float(v) for v in shapley_value(game, exact=True)])
    est = shapley_monte_carlo(game, samples=4000, seed=7)
    again = shapley_monte_carlo(game, samples=4000, seed=7)
    assert est == again
    assert np.all(np.abs(np.array(est.values) - exact) <= 5 * np.array(est.std_errors) + 1e-9)
    assert sum(est.values) == pytest.approx(70.0)  # each sampled order is efficient
    via_fn = shapley_monte_carlo(
        players=G1_PLAYERS,
        cost=lambda s: float(game.values[game.mask(s)]),
        samples=4000,
        seed=7,
    )
    assert np.all(np.abs(np.array(via_fn.values) - exact) <= 5 * np.array(via_fn.std_errors) + 1e-9)
    json.dumps(est.to_dict())


def test_monte_carlo_for_large_games() -> None:
    # 25 players: an airport game too large to tabulate, with a known Shapley value
    req = list(range(1, 26))
    players = [f"n{i}" for i in range(25)]
    with pytest.raises(CostError, match="shapley_monte_carlo"):
        CostGame.from_function(players, lambda s: 0.0)
    calls: list[int] = []

    def cost(s: frozenset[str]) -> float:
        return float(max(req[players.index(p)] for p in s))

    est = shapley_monte_carlo(
        players=players, cost=cost, samples=300, seed=1, progress=lambda k, n: calls.append(k)
    )
    # Littlechild-Owen: player with requirement r pays sum_{l<=r} 1/(26-l)
    expected = [sum(1 / (26 - lv) for lv in range(1, r + 1)) for r in req]
    assert np.all(np.abs(np.array(est.values) - expected) <= 5 * np.array(est.std_errors) + 1e-9)
    assert calls[-1] == 300


def test_nucleolus_too_many_players() -> None:
    game = CostGame.from_requirements([f"p{i}" for i in range(16)], [1] * 16, lambda m: m)
    with pytest.raises(CostError, match="at most 15"):
        nucleolus(game)


# ----------------------------------------------------------------- splits


def test_ceiling_split_hand_worked() -> None:
    s = split_proportional({"a": 50, "b": 20, "c": 20, "d": 10}, 100, 0.4)
    assert s.amounts == pytest.approx((40, 24, 24, 12))
    assert s.exact_shares == (F(2, 5), F(6, 25), F(6, 25), F(3, 25))
    assert s.capped == ("a",)
    assert "40%" in s.notes[0]
    # two passes: 45/45/5/5 -> 40/40 then 10/10
    s2 = split_proportional({"US": 45, "FRG": 45, "IT": 5, "NL": 5}, 1000, 0.4)
    assert s2.exact_shares == (F(2, 5), F(2, 5), F(1, 10), F(1, 10))
    # cascading: 60/30/6/4 at 35%: a capped, then b capped, rest 30% split 6:4
    s3 = split_proportional({"a": 60, "b": 30, "c": 6, "d": 4}, 1, F(7, 20))
    assert s3.exact_shares == (F(7, 20), F(7, 20), F(9, 50), F(3, 25))
    assert s3.capped == ("a", "b")


def test_ceiling_split_errors() -> None:
    with pytest.raises(CostError, match="3 members cannot cover 100% with a 30% ceiling"):
        split_proportional({"a": 1, "b": 1, "c": 1}, 100, 0.3)
    with pytest.raises(CostError, match="negative"):
        split_proportional({"a": -1, "b": 2}, 1)
    with pytest.raises(CostError, match="zero weight"):
        split_proportional({"a": 1, "b": 0, "c": 0}, 1, 0.5)
    with pytest.raises(CostError, match="ceiling"):
        split_proportional({"a": 1}, 1, 1.5)
    with pytest.raises(MlfError):
        split_proportional({}, 1)
    # exactly feasible: 1/3 ceiling, three members, unequal weights
    s = split_proportional({"a": 5, "b": 1, "c": 1}, 3, F(1, 3))
    assert s.exact_shares == (F(1, 3), F(1, 3), F(1, 3))


weights_st = st.dictionaries(
    st.text("abcdefghij", min_size=1, max_size=3),
    st.integers(1, 1000),
    min_size=1,
    max_size=9,
)


@settings(max_examples=100, deadline=None)
@given(weights=weights_st, ceiling=st.fractions(F(1, 20), 1, max_denominator=40))
def test_ceiling_split_properties(weights: dict[str, int], ceiling: F) -> None:
    n = len(weights)
    if ceiling * n < 1:
        with pytest.raises(CostError, match="cannot cover 100%"):
            split_proportional(weights, 10, ceiling)
        return
    s = split_proportional(weights, 10, ceiling)
    sh = s.exact_shares
    assert sh is not None
    assert sum(sh) == 1
    assert all(x <= ceiling for x in sh)
    w = [weights[m] for m in s.members]
    for i in range(n):
        for j in range(n):
            if w[i] >= w[j]:
                assert sh[i] >= sh[j]  # order preserved
    free = [i for i in range(n) if s.members[i] not in s.capped]
    for i in free:
        for j in free:
            assert sh[i] * w[j] == sh[j] * w[i]  # proportional below the ceiling
    assert all(sh[s.members.index(m)] == ceiling for m in s.capped)
    if ceiling * F(w[0]) >= F(w[0], sum(w)) and all(F(x, sum(w)) <= ceiling for x in w):
        assert not s.capped  # nobody above: plain proportional split
    assert sum(s.amounts) == pytest.approx(10)


def test_gdp_and_equal_splits() -> None:
    gdp = {"US": 637, "FRG": 112, "UK": 87, "IT": 60}
    s = split_gdp(gdp, 1000, 0.4)
    assert s.rule == "gdp"
    assert s.share("US") == pytest.approx(0.4)
    assert s.exact_shares is not None and sum(s.exact_shares) == 1
    assert s.amount("FRG") == pytest.approx(600 * 112 / 259)
    e = split_equal(["a", "b", "c"], 90)
    assert e.amounts == (30.0, 30.0, 30.0)
    with pytest.raises(CostError):
        split_equal([], 1)
    json.dumps(s.to_dict())


def test_game_splits() -> None:
    s = split_shapley(g1())
    assert s.in_core is True
    assert s.exact_shares is not None and sum(s.exact_shares) == 1
    assert s.amount("US") == pytest.approx(502 / 21)
    n = split_nucleolus(g2(), exact=True)
    assert n.in_core is False
    assert "not in the core" in n.notes[0]
    assert n.amounts == pytest.approx((65 / 3, 65 / 3, 17.5, 17.5, 17.5, 25 / 6))
    nf = split_nucleolus(g1())
    assert nf.in_core is True
    assert sum(nf.shares) == pytest.approx(1)
    json.dumps(n.to_dict())
    with pytest.raises(CostError, match="cost game"):
        split_shapley(CostGame.bankruptcy(["a", "b"], 1, [1, 1]))


def test_cost_model() -> None:
    m = CostModel(capital_per_unit=10, operating_per_unit_year=1.5, term_years=10, fixed=50)
    assert m.total_cost(200) == 10 * 200 + 1.5 * 200 * 10 + 50
    assert m.annual_cost(200) == pytest.approx(m.total_cost(200) / 10)
    assert m.total_cost(0) == 50
    json.dumps(m.to_dict())
    with pytest.raises(CostError, match="term_years"):
        CostModel(1, 1, 0)
    with pytest.raises(CostError, match="capital"):
        CostModel(-1, 1, 1)
    with pytest.raises(CostError):
        m.total_cost(-5)


def test_cost_vs_defence_budget() -> None:
    out = cost_vs_defence_budget({"FRG": 2000.0, "NL": 100.0}, {"FRG": 4980.0, "NL": 640.0}, 10)
    assert out["FRG"] == pytest.approx(200 / 4980)
    assert out["NL"] == pytest.approx(10 / 640)
    with pytest.raises(CostError, match="no defence budget"):
        cost_vs_defence_budget({"BE": 1.0}, {}, 10)
    with pytest.raises(CostError):
        cost_vs_defence_budget({"BE": 1.0}, {"BE": 0.0}, 10)


def test_game_validation() -> None:
    with pytest.raises(CostError, match="empty coalition"):
        CostGame.from_array(["a"], [1, 2])
    with pytest.raises(CostError, match="needs 4 values"):
        CostGame.from_array(["a", "b"], [0, 1, 2])
    with pytest.raises(CostError, match="distinct"):
        CostGame.from_array(["a", "a"], [0, 1, 1, 2])
    with pytest.raises(CostError, match="exceeds"):
        CostGame.bankruptcy(["a"], 5, [1])
    with pytest.raises(CostError, match="7 coalition values"):
        CostGame.from_lexicographic(["a", "b", "c"], [1, 2])
    game = CostGame.from_function(["a", "b"], lambda s: len(s) ** 2)
    assert game.values.tolist() == [0, 1, 1, 4]
    assert game.coalition(game.mask(["b"])) == frozenset({"b"})
    json.dumps(game.to_dict())


def test_shapley_exact_with_huge_values_uses_big_integers() -> None:
    # values beyond int64: the arbitrary-precision path must agree with the oracle
    big = 10**30
    game = CostGame.from_array(["a", "b", "c"], [0, big, 2, big + 5, 3, 7, 9, big + F(11, 3)])
    assert list(shapley_value(game, exact=True)) == shapley_by_permutations(game)


@settings(max_examples=80, deadline=None)
@given(
    weights=st.lists(st.integers(0, 1000), min_size=3, max_size=9).filter(lambda w: sum(w) > 0),
    ceiling=st.sampled_from([None, 0.34, 0.4, 0.5, 1.0]),
)
def test_float_water_filling_equals_the_exact_one(
    weights: list[int], ceiling: float | None
) -> None:
    named = {f"m{i}": w for i, w in enumerate(weights)}
    try:
        exact = split_proportional(named, 100.0, ceiling)
    except CostError as exc:
        with pytest.raises(CostError, match=str(exc).split(":")[0][:20]):
            split_proportional(named, 100.0, ceiling, exact=False)
        return
    fast = split_proportional(named, 100.0, ceiling, exact=False)
    assert fast.capped == exact.capped
    assert fast.shares == pytest.approx(exact.shares, abs=1e-12)
    assert fast.exact_shares is None


@pytest.mark.parametrize("n", [1, 2, 9, 15, 16])
def test_float_shapley_agrees_with_exact_on_both_paths(n: int) -> None:
    # n <= 15: one product with the cached weight matrix; n = 16: the per-player loop
    rng = np.random.default_rng(n)
    vals = [0, *(int(v) for v in rng.integers(0, 1000, (1 << n) - 1))]
    game = CostGame.from_array([f"p{i}" for i in range(n)], vals)
    exact = [float(v) for v in shapley_value(game, exact=True)]
    assert_close(shapley_value(game), exact, tol=1e-9 * max(1.0, max(map(abs, exact))))


def test_the_small_shapley_path_is_shared_by_size_and_holds_no_results() -> None:
    """The float Shapley value of a small game is one product with its size's weight matrix,
    whose ``dot`` the game keeps: a game built before the first call of its size gets it from
    that call, one built after gets it when built; games of one size share it; a pickle or a
    copy leaves it out and gets it back; and it never returns another game's value."""
    import copy
    import dataclasses
    import pickle

    from mlf import costs

    n = 11  # a size no other test in this module uses for a float Shapley value
    rng = np.random.default_rng(11)
    tables = [[0, *(int(v) for v in rng.integers(0, 99, (1 << n) - 1))] for _ in range(2)]
    players = [f"p{i}" for i in range(n)]
    costs._SMALL_SHAPLEY.pop(1 << n, None)
    before = CostGame.from_array(players, tables[0])
    assert before._shapley_dot is None
    want = [[float(v) for v in shapley_value(CostGame.from_array(players, t), exact=True)]
            for t in tables]  # fmt: skip
    assert_close(shapley_value(before), want[0], tol=1e-9)
    dot = before._shapley_dot
    assert dot is not None and costs._SMALL_SHAPLEY[1 << n] is dot
    after = CostGame.from_array(players, tables[1])
    assert after._shapley_dot is dot
    assert_close(shapley_value(after), want[1], tol=1e-9)
    assert_close(shapley_value(before), want[0], tol=1e-9)  # not the last call's answer
    data = pickle.dumps(after)
    assert len(data) < 8 * n * (1 << n) // 2  # the tables, not also the n x 2^n matrix
    for clone in (pickle.loads(data), copy.copy(after), copy.deepcopy(after),
                  dataclasses.replace(after)):  # fmt: skip
        assert clone._shapley_dot is dot
        assert_close(shapley_value(clone), want[1], tol=1e-9)
    # a game whose size has no shared matrix yet still pickles and gets one on its first call
    costs._SMALL_SHAPLEY.pop(1 << n)
    lone = pickle.loads(pickle.dumps(CostGame.from_array(players, tables[0])))
    assert lone._shapley_dot is None
    assert_close(shapley_value(lone), want[0], tol=1e-9)
    assert lone._shapley_dot is costs._SMALL_SHAPLEY[1 << n]


def test_a_fixed_lead_share_and_the_rest_split_below_the_ceiling() -> None:
    from mlf.costs import ceiling_for_the_rest, rescaled, with_lead_share

    # The US pays 40%; FRG (weight 45), IT (10), UK (5) share the other 60% with no one
    # above 40% of the total, i.e. 2/3 of the rest: FRG's 3/4 of the rest is held at 2/3.
    cap = ceiling_for_the_rest(0.4, 0.4)
    assert cap == pytest.approx(2 / 3)
    rest = split_proportional({"FRG": 45, "IT": 10, "UK": 5}, 60.0, cap)
    order = ["US", "FRG", "IT", "UK"]
    s = with_lead_share("US", 0.4, rest, 100.0, rule="proportional", order=order)
    shares = dict(zip(s.members, s.shares, strict=True))
    assert shares == pytest.approx({"US": 0.4, "FRG": 0.4, "IT": 0.6 * 2 / 9, "UK": 0.6 / 9})
    assert sum(s.amounts) == pytest.approx(100.0)
    assert s.capped == ("FRG",) and s.notes[0] == "US pays a fixed lead share of 40%"
    assert ceiling_for_the_rest(None, 0.4) is None and ceiling_for_the_rest(0.4, 1.0) is None
    assert rescaled(rest, 30.0).amounts == pytest.approx((20.0, 20 / 3, 10 / 3))
    with pytest.raises(CostError, match="nobody shares the rest"):
        with_lead_share("US", 0.4, None, 100.0, rule="proportional")
    with pytest.raises(CostError, match="both the lead"):
        with_lead_share("FRG", 0.4, rest, 100.0, rule="proportional")


# --- the compiled float nucleolus (mlf._nucleolus_nb) against the exact one --------------


@st.composite
def _small_cost_games(draw: st.DrawFn) -> CostGame:
    """Random integer cost games of 2-6 players: arbitrary tables, airport games, and
    concave (square-root) games."""
    n = draw(st.integers(2, 6))
    kind = draw(st.sampled_from(["table", "airport", "sqrt"]))
    names = [f"p{i}" for i in range(n)]
    if kind == "table":
        vals = [0, *draw(st.lists(st.integers(1, 60), min_size=2**n - 1, max_size=2**n - 1))]
        return CostGame.from_array(names, vals)
    req = draw(st.lists(st.integers(1, 30), min_size=n, max_size=n))
    if kind == "airport":
        return CostGame.from_requirements(names, req, lambda m: 10 + m)
    vals = [0] + [
        math.isqrt(100 * sum(req[i] for i in range(n) if s >> i & 1)) for s in range(1, 2**n)
    ]
    return CostGame.from_array(names, vals)


@pytest.mark.numba
@settings(max_examples=150, deadline=None)
@given(game=_small_cost_games(), ir=st.booleans())
def test_compiled_float_nucleolus_equals_the_exact_one(game: CostGame, ir: bool) -> None:
    from mlf.costs import _compiled_nucleolus, prenucleolus

    assert _compiled_nucleolus() is not None  # numba is installed where this test runs
    solve = nucleolus if ir else prenucleolus
    try:
        exact = solve(game, exact=True)
    except MlfError as e:  # no imputation: the float path says the same
        with pytest.raises(MlfError, match=str(e)[:30]):
            solve(game)
        return
    got = solve(game)
    scale = max(1.0, float(np.max(np.abs(game.values))))
    assert np.max(np.abs(np.array([float(v) for v in exact]) - got)) <= 1e-9 * scale


@pytest.mark.numba
@pytest.mark.parametrize("n", [10, 15])
def test_compiled_float_nucleolus_equals_highs_on_larger_games(n: int) -> None:
    from mlf import _nucleolus_nb
    from mlf.costs import _run_nucleolus

    rng = np.random.default_rng(1963)
    req = [int(v) for v in rng.integers(1, 60, n)]
    game = CostGame.from_requirements([f"p{i}" for i in range(n)], req, lambda m: 20 + 5 * m)
    for ir in (True, False):
        status, x, t = _nucleolus_nb.nucleolus_float(game.values, n, ir)
        assert status == 0
        ref = _run_nucleolus(game.values, n, ir)
        assert np.max(np.abs(x - ref.x)) <= 1e-7
        assert t == pytest.approx(ref.rounds[0].t, abs=1e-7)
        assert np.allclose(nucleolus(game) if ir else x, x)
