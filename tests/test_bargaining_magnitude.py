"""Capabilities of any magnitude: no model overflows (issue 11: 1e308 gave compromise 100 with
both actors at 97, smp NaN, bdm 0)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mlf.bargaining import MODELS, BargainingInput, forecast
from mlf.bargaining.base import unit_capability

PARAMS = {"bdm": {"rounds": 6}, "smp": {"max_turns": 20}}


def _inp(cap: list[float]) -> BargainingInput:
    # four actors, two issues on [0, 100]; positions spread, saliences unequal
    return BargainingInput.build(
        ["a", "b", "c", "d"],
        cap,
        [[10.0, 80.0], [35.0, 20.0], [60.0, 55.0], [90.0, 5.0]],
        [[0.8, 0.3], [0.5, 0.6], [0.4, 0.9], [0.7, 0.2]],
        lo=[0.0, 0.0],
        hi=[100.0, 100.0],
        status_quo=[50.0, 50.0],
    )


def _run(inp: BargainingInput, model: str):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning is a failure
        return forecast(inp, model, PARAMS.get(model, {}), seed=5)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_both_actors_at_97_with_capability_1e308(model: str) -> None:
    inp = BargainingInput.build(
        ["x", "y"], [1e308, 1e308], [97.0, 97.0], [0.5, 0.7], lo=0.0, hi=100.0, status_quo=0.0
    )
    fc = _run(inp, model)
    assert np.all(np.isfinite(fc.trajectory))
    assert fc.outcome[0] == pytest.approx(97.0, abs=1e-9)


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("scale", [1e300, 4e307, 1e-300, 1e15])
def test_scaling_every_capability_keeps_the_forecast(model: str, scale: float) -> None:
    cap = [4.0, 2.5, 1.0, 3.0]
    base = _run(_inp(cap), model)
    big = _run(_inp([c * scale for c in cap]), model)
    assert np.all(np.isfinite(big.trajectory))
    # same forecast within 0.01 on a 0..100 scale (smp: KTAB's absolute floors make it
    # depend on the scale in the last digits; the others agree to rounding)
    tol = 1e-2 if model == "smp" else 1e-9
    assert np.allclose(big.outcome, base.outcome, atol=tol, rtol=0), (big.outcome, base.outcome)


def test_unit_capability_is_an_exact_power_of_two() -> None:
    cap = np.array([0.3, 0.6, 0.1])
    assert unit_capability(cap) is cap or np.array_equal(unit_capability(cap), cap)
    big = np.array([3e300, 6e300, 1e300])
    out = unit_capability(big)
    assert 0.5 <= out.max() < 1.0
    ratio = big / out
    assert np.all(ratio == ratio[0]) and np.log2(ratio[0]) == int(np.log2(ratio[0]))
    # inside the kept range nothing changes
    k = np.array([40.0, 99.98, 3.0])
    assert np.array_equal(unit_capability(k, keep=(1e-8, 1e8)), k)


def test_smp_turns_are_bounded() -> None:
    from mlf.bargaining.smp import MAX_TURNS
    from mlf.errors import BargainingError

    inp = _inp([4.0, 2.5, 1.0, 3.0])
    with pytest.raises(BargainingError, match=r"max_turns must be an integer in \[1, 10000\]"):
        forecast(inp, "smp", {"max_turns": 100_000_000}, seed=1)
    assert forecast(inp, "smp", {"max_turns": MAX_TURNS}, seed=1).rounds <= MAX_TURNS
