"""Properties every negotiation model in the registry must have (hypothesis).

- the forecast lies within the hull of the positions (the status quo if nobody has weight);
- a unanimous position is the forecast;
- scaling all capabilities by a constant (a power of two, so the check is exact) changes
  nothing;
- permuting the actors permutes the trajectories and changes nothing else;
- the same seed gives identical bytes of ``Forecast.to_dict()``.

``smp`` is O(n^3) per turn and runs up to 100 turns, so it gets fewer examples.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlf.bargaining import MODELS, BargainingInput, forecast

FAST = sorted(m for m in MODELS if m != "smp")
SLOW = ["smp"]
_PARAMS: dict[str, dict[str, Any]] = {"bdm": {"rounds": 6}, "smp": {"max_turns": 6}}


@st.composite
def inputs(draw: st.DrawFn, max_n: int = 6, max_k: int = 2) -> BargainingInput:
    n = draw(st.integers(2, max_n))
    k = draw(st.integers(1, max_k))
    pos = draw(st.lists(st.lists(st.integers(0, 10), min_size=k, max_size=k), min_size=n,
                        max_size=n))  # fmt: skip
    # saliences of one actor sum to at most 1 (KTAB's rule), from a coarse grid
    sal = draw(st.lists(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.4, 0.5]), min_size=k,
                                 max_size=k), min_size=n, max_size=n))  # fmt: skip
    cap = draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0, 7.5]), min_size=n, max_size=n))
    if sum(cap) == 0:
        cap[0] = 1.0
    sq = draw(st.lists(st.integers(0, 10), min_size=k, max_size=k))
    return BargainingInput.build(
        [f"a{i}" for i in range(n)],
        cap,
        np.array(pos, dtype=float),
        np.array(sal, dtype=float),
        lo=0.0,
        hi=10.0,
        status_quo=np.array(sq, dtype=float),
    )


def _run(inp: BargainingInput, model: str, seed: int = 0):
    return forecast(inp, model, _PARAMS.get(model), seed)


def _dump(fc) -> str:
    return json.dumps(fc.to_dict(), sort_keys=True)


def _check_hull(inp: BargainingInput, model: str) -> None:
    fc = _run(inp, model)
    w = inp.capability[:, None] * inp.salience
    for j in range(inp.k):
        x = inp.position[:, j]
        lo, hi = x.min(), x.max()
        y = fc.outcome[j]
        if model == "nash" or not np.any(w[:, j] > 0):
            # nash may keep the status quo when no point improves on it for all
            lo, hi = min(lo, inp.status_quo[j]), max(hi, inp.status_quo[j])
        assert lo - 1e-9 <= y <= hi + 1e-9, (model, j, y, lo, hi)
    assert fc.trajectory.shape == (fc.rounds + 1, inp.n, inp.k)
    assert np.array_equal(fc.trajectory[0], inp.position)


def _check_unanimous(inp: BargainingInput, model: str) -> None:
    pos = np.broadcast_to(inp.position[:1], inp.position.shape).copy()
    sal = inp.salience.copy()
    sal[0] = np.where(sal[0] > 0, sal[0], 0.1)  # someone cares about every issue
    uni = BargainingInput.build(list(inp.actors), inp.capability, pos, sal, lo=inp.lo,
                                hi=inp.hi, status_quo=inp.status_quo)  # fmt: skip
    if not np.all(uni.capability[0] > 0):
        uni = BargainingInput.build(list(inp.actors), np.r_[1.0, inp.capability[1:]], pos, sal,
                                    lo=inp.lo, hi=inp.hi, status_quo=inp.status_quo)  # fmt: skip
    fc = _run(uni, model)
    if model == "nash":
        # everyone at x: the Nash solution is x, unless x is the status quo itself
        assert np.allclose(fc.outcome, pos[0], atol=1e-9)
    else:
        assert np.allclose(fc.outcome, pos[0], atol=1e-9), (model, fc.outcome, pos[0])


def _check_scaling(inp: BargainingInput, model: str, power: int) -> None:
    base = _run(inp, model)
    scaled = BargainingInput.build(list(inp.actors), inp.capability * 2.0**power, inp.position,
                                   inp.salience, lo=inp.lo, hi=inp.hi,
                                   status_quo=inp.status_quo)  # fmt: skip
    fc = _run(scaled, model)
    assert np.array_equal(fc.outcome, base.outcome), (model, fc.outcome, base.outcome)
    assert np.array_equal(fc.trajectory, base.trajectory)


def _check_permutation(inp: BargainingInput, model: str, perm: list[int]) -> None:
    base = _run(inp, model)
    p = np.array(perm)
    shuffled = BargainingInput.build([inp.actors[i] for i in p], inp.capability[p],
                                     inp.position[p], inp.salience[p], lo=inp.lo, hi=inp.hi,
                                     status_quo=inp.status_quo)  # fmt: skip
    fc = _run(shuffled, model)
    assert np.array_equal(fc.outcome, base.outcome), (model, fc.outcome, base.outcome)
    assert np.array_equal(fc.trajectory, base.trajectory[:, p, :])
    assert np.array_equal(fc.outcome_trajectory, base.outcome_trajectory)
    assert fc.converged == base.converged and fc.rounds == base.rounds
    if base.probabilities is not None:
        assert fc.probabilities is not None


def _check_determinism(inp: BargainingInput, model: str, seed: int) -> None:
    assert _dump(_run(inp, model, seed)) == _dump(_run(inp, model, seed))


fast_settings = settings(max_examples=40, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
slow_settings = settings(max_examples=5, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@fast_settings
@given(inputs(), st.sampled_from(FAST))
def test_forecast_within_hull(inp, model):
    _check_hull(inp, model)


@fast_settings
@given(inputs(), st.sampled_from(FAST))
def test_unanimous_position_is_forecast(inp, model):
    _check_unanimous(inp, model)


@fast_settings
@given(inputs(), st.sampled_from(FAST), st.integers(-3, 3))
def test_capability_scale_changes_nothing(inp, model, power):
    _check_scaling(inp, model, power)


@fast_settings
@given(inputs(), st.sampled_from(FAST), st.randoms(use_true_random=False))
def test_permuting_actors_permutes_trajectories(inp, model, rnd):
    perm = list(range(inp.n))
    rnd.shuffle(perm)
    _check_permutation(inp, model, perm)


@fast_settings
@given(inputs(), st.sampled_from(FAST), st.integers(0, 2**31))
def test_same_seed_same_bytes(inp, model, seed):
    _check_determinism(inp, model, seed)


def test_every_model_is_tested() -> None:
    assert sorted(MODELS) == sorted(FAST + SLOW)


@slow_settings
@given(inputs(max_n=4, max_k=2), st.sampled_from(SLOW))
def test_smp_hull_unanimity_determinism(inp, model):
    _check_hull(inp, model)
    _check_unanimous(inp, model)
    _check_determinism(inp, model, 3)


def _one_issue(c: list[float], x: list[float], s: list[float]) -> BargainingInput:
    return BargainingInput.build([f"a{i}" for i in range(len(c))], c, x, s, lo=0.0, hi=10.0,
                                 status_quo=0.0)  # fmt: skip


# Known deviations of smp, found by the properties above (reported to the smp engineer):
# KTAB breaks ties by actor order and rounds bargains to 4 decimals, so neither actor order
# nor a capability scale is exactly neutral. strict xfail: these fail loudly once fixed.
@pytest.mark.xfail(strict=True, reason="smp depends on actor order (KTAB tie-breaking)")
def test_smp_permutation_counterexample():
    _check_permutation(_one_issue([2, 3, 1], [8, 7, 0], [0.1, 0.5, 0.25]), "smp", [1, 0, 2])


@pytest.mark.xfail(strict=True, reason="smp not exactly invariant to capability scale")
def test_smp_scaling_counterexample():
    _check_scaling(_one_issue([0, 1, 2], [0, 0, 1], [0, 0.1, 0.1]), "smp", 1)
