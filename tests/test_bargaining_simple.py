"""Tests of the static models: compromise (weighted mean), median, Nash bargaining."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from mlf.bargaining.base import BargainingInput, check_params
from mlf.bargaining.simple import (
    COMPROMISE,
    MEDIAN,
    NASH,
    compromise_outcome,
    median_outcome,
    nash_outcome,
)
from mlf.errors import BargainingError


def _inp(c, x, s, *, lo=None, hi=None, sq=None):
    return BargainingInput.build(
        [f"a{i}" for i in range(len(c))], c, x, s, lo=lo, hi=hi, status_quo=sq
    )


# ---------------------------------------------------------------- compromise


def test_compromise_hand_computed():
    # w = c*s = (1*1, 2*0.5, 1*1) = (1, 1, 1); mean = (0 + 10 + 4) / 3 = 14/3
    f = COMPROMISE.run(_inp([1, 2, 1], [0, 10, 4], [1, 0.5, 1]), {}, 0)
    assert f.outcome[0] == pytest.approx(14 / 3, abs=1e-15)
    assert f.rounds == 0 and f.converged
    assert f.trajectory.shape == (1, 3, 1)
    assert f.outcome_trajectory.tolist() == [[f.outcome[0]]]


def test_compromise_two_issues_and_zero_weight_issue():
    # issue 1: w = (2*1, 1*1) -> (2*0 + 1*9)/3 = 3; issue 2: every salience 0 -> status quo 5
    inp = _inp([2, 1], [[0, 1], [9, 8]], [[1, 0], [1, 0]], lo=[0, 0], hi=[10, 10], sq=[1, 5])
    assert compromise_outcome(inp).tolist() == [3.0, 5.0]


def test_compromise_dummy_data_3dim_reference():
    # docs/reference/negotiation.md: the power x salience weighted mean of dummyData_3Dim
    # is (78.78, 47.60, 52.32)
    power = [102.543, 53.393, 129.643, 75.920, 63.224, 120.048, 54.178]
    pos = [
        [75.79, 6.37, 70.45], [82.72, 73.50, 64.00], [82.45, 90.89, 0.07],
        [62.52, 50.82, 62.33], [82.34, 45.77, 73.31], [84.48, 33.70, 88.11],
        [70.96, 33.46, 90.36],
    ]  # fmt: skip
    sal = [
        [49.53, 5.91, 28.15], [30.33, 21.22, 24.79], [48.47, 13.55, 34.62],
        [20.76, 39.24, 22.21], [40.96, 25.43, 22.59], [22.92, 39.35, 15.42],
        [31.75, 27.93, 26.03],
    ]  # fmt: skip
    inp = _inp(power, pos, np.array(sal) / 100, lo=0, hi=100, sq=0)
    assert np.round(compromise_outcome(inp), 2).tolist() == [78.78, 47.60, 52.32]
    # and the weighted median (82.34, 45.77, 70.45)
    assert median_outcome(inp).tolist() == [82.34, 45.77, 70.45]


small_actor = st.tuples(
    st.integers(0, 5), st.integers(0, 20), st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])
)


@settings(max_examples=60, deadline=None)
@given(st.lists(small_actor, min_size=1, max_size=7))
def test_compromise_matches_fraction_oracle(actors):
    c = [a[0] for a in actors]
    if sum(c) == 0:
        c[0] = 1
    x = [a[1] for a in actors]
    s = [a[2] for a in actors]
    inp = _inp(c, x, s, lo=0, hi=20, sq=7)
    w = [Fraction(ci) * Fraction(si) for ci, si in zip(c, s, strict=True)]
    total = sum(w)
    want = Fraction(7) if total == 0 else sum(wi * xi for wi, xi in zip(w, x, strict=True)) / total
    assert compromise_outcome(inp)[0] == pytest.approx(float(want), rel=1e-14, abs=1e-14)


# ---------------------------------------------------------------- median


def test_median_hand_computed_and_tie_rule():
    # w = (1, 1, 3) at (0, 1, 5): total 5, half 2.5, cumulative 1, 2, 5 -> 5
    assert median_outcome(_inp([1, 1, 3], [0, 1, 5], [1, 1, 1]))[0] == 5.0
    # w = (1, 1, 2): total 4, cumulative at x=1 is exactly 2 = half -> the lower median, 1
    assert median_outcome(_inp([1, 1, 2], [0, 1, 5], [1, 1, 1]))[0] == 1.0
    # exact half with decimal weights: 0.1 + 0.2 vs 0.3 (not exact in binary floating point)
    assert median_outcome(_inp([0.1, 0.2, 0.3], [0, 1, 5], [1, 1, 1]))[0] == 1.0
    # zero-weight actors never decide: the median of (2 at x=3) is 3
    assert median_outcome(_inp([0, 2, 0], [0, 3, 9], [1, 1, 1]))[0] == 3.0


def test_median_bdm_emission_example():
    # Scholz et al. Table 1: the round-0 Condorcet winner is 7.0
    c = [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08]
    x = [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]
    s = [0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7]
    assert MEDIAN.run(_inp(c, x, s), {}, 0).outcome[0] == 7.0


def _condorcet_oracle(w: list[Fraction], x: list[int]) -> Fraction:
    """Smallest position minimising the weighted L1 cost: the lower weighted median."""
    cands = sorted(set(x))
    cost = {y: sum(wi * abs(xi - y) for wi, xi in zip(w, x, strict=True)) for y in cands}
    best = min(cost.values())
    return Fraction(min(y for y in cands if cost[y] == best))


@settings(max_examples=80, deadline=None)
@given(st.lists(small_actor, min_size=1, max_size=7))
def test_median_matches_condorcet_oracle(actors):
    c = [a[0] for a in actors]
    s = [a[2] for a in actors]
    if sum(Fraction(ci) * Fraction(si) for ci, si in zip(c, s, strict=True)) == 0:
        c[0], s[0] = 1, 1.0
    x = [a[1] for a in actors]
    w = [Fraction(ci) * Fraction(si) for ci, si in zip(c, s, strict=True)]
    want = _condorcet_oracle(w, x)
    assert median_outcome(_inp(c, x, s, lo=0, hi=20))[0] == float(want)


# ---------------------------------------------------------------- nash


def test_nash_hand_computed_quadratic():
    # sq = 0, x = (1, 3), equal weights, p = 2. g_i(y) = y (2 x_i - y); FOC
    # 2/y = 1/(2 - y) + 1/(6 - y)  <=>  y^2 - 6y + 6 = 0  ->  y = 3 - sqrt(3) (in [0, 2])
    inp = _inp([1, 1], [1, 3], [1, 1], lo=0, hi=10, sq=0)
    assert NASH.run(inp, {"power": 2.0}, 0).outcome[0] == pytest.approx(3 - math.sqrt(3), 1e-14)


def test_nash_hand_computed_linear_loss():
    # p = 1, sq = 0, x = (1, 3), weights (1, 2). Feasible [0, 2]; on [1, 2]:
    # g1 = 2 - y, g2 = y, maximise (2 - y) y^2 -> y (4 - 3y) = 0 -> y = 4/3
    inp = _inp([1, 2], [1, 3], [1, 1], lo=0, hi=10, sq=0)
    assert nash_outcome(inp, 1.0)[0] == pytest.approx(4 / 3, abs=1e-13)
    # weights (1, 1): (2 - y) y on [1, 2] is decreasing, and y^2 on [0, 1] increasing -> 1
    inp = _inp([1, 1], [1, 3], [1, 1], lo=0, hi=10, sq=0)
    assert nash_outcome(inp, 1.0)[0] == pytest.approx(1.0, abs=1e-13)


def test_nash_single_actor_gets_its_position():
    # one actor: maximise (sq - x)^2 - (y - x)^2 -> y = x
    assert nash_outcome(_inp([3], [7], [0.5], lo=0, hi=10, sq=1))[0] == pytest.approx(7.0)


def test_nash_status_quo_when_no_common_gain():
    # actors on both sides of sq: no y improves on sq for both
    assert nash_outcome(_inp([1, 1], [2, 8], [1, 1], lo=0, hi=10, sq=5))[0] == 5.0
    # an actor with weight sitting at sq can only lose: sq
    assert nash_outcome(_inp([1, 1], [5, 8], [1, 1], lo=0, hi=10, sq=5))[0] == 5.0
    # nobody has weight: sq
    assert nash_outcome(_inp([1, 1], [2, 8], [0, 0], lo=0, hi=10, sq=5))[0] == 5.0


def test_nash_ignores_zero_weight_actor_on_the_other_side():
    # the actor at 2 has salience 0: no veto; the remaining single actor at 8 gets 8
    assert nash_outcome(_inp([1, 1], [2, 8], [0, 1], lo=0, hi=10, sq=5))[0] == pytest.approx(8)


def test_nash_approaches_compromise_when_status_quo_is_far():
    # Achen (2006): with sq far away the Nash solution tends to the weighted mean
    c, x, s = [1, 2, 4], [10, 20, 60], [1, 0.5, 0.25]
    near = _inp(c, x, s, lo=-1e7, hi=100, sq=-1e7)
    assert nash_outcome(near)[0] == pytest.approx(compromise_outcome(near)[0], abs=1e-3)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.integers(1, 20), st.sampled_from([0.25, 0.5, 1.0])),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([1.0, 1.5, 2.0, 3.0]),
)
def test_nash_matches_scalar_optimiser(actors, power):
    # all actors above sq = 0: maximise sum w log g over [0, b] with scipy as the oracle
    c = np.array([a[0] for a in actors], float)
    x = np.array([a[1] for a in actors], float)
    s = np.array([a[2] for a in actors], float)
    w = c * s
    b = float((2 * x).min())

    def neg(y: float) -> float:
        g = x**power - np.abs(y - x) ** power
        return float(-(w * np.log(np.maximum(g, 1e-300))).sum())

    ref = minimize_scalar(neg, bounds=(0, b), method="bounded", options={"xatol": 1e-12})
    got = nash_outcome(_inp(c, x, s, lo=0, hi=40, sq=0), power)[0]
    assert neg(got) <= neg(float(ref.x)) + 1e-9
    # The oracle stops early on flat optima (power 3: a cubic plateau around one actor's
    # ideal point), so its position is only good to about 1e-3 there.
    assert got == pytest.approx(float(ref.x), abs=1e-3)


def test_nash_rejects_bad_power():
    inp = _inp([1, 1], [1, 3], [1, 1], lo=0, hi=10, sq=0)
    for bad in (0.5, -1.0, float("nan"), "2", True):
        with pytest.raises(BargainingError, match="power"):
            NASH.run(inp, {"power": bad}, 0)
    with pytest.raises(BargainingError, match="no parameter"):
        check_params(NASH, {"exponent": 2})
    assert check_params(NASH, None) == {"power": 2.0}


def test_static_forecasts_serialise_and_report_progress():
    inp = _inp([1, 2], [1, 3], [1, 1], lo=0, hi=10, sq=0)
    calls: list[tuple[int, int]] = []
    for model in (COMPROMISE, MEDIAN, NASH):
        f = model.run(inp, check_params(model, None), 7, lambda a, b: calls.append((a, b)))
        d = json.loads(json.dumps(f.to_dict()))
        assert d["model"] == model.name and d["seed"] == 7 and d["rounds"] == 0
        assert d["trajectory"] == [[[1.0], [3.0]]]
        assert model.joint is False and model.citation
    assert calls == [(1, 1)] * 3
