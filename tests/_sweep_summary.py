"""A complete, well-shaped sweep summary (:class:`mlf.results.SweepSummary`) for report tests
that want a ``sensitivity`` block with chosen numbers, without running a sweep.

Only what a test names is chosen; every other field gets the value a sweep with no draw of it
would write (null probabilities, empty maps), so the block validates as written by
:func:`mlf.sensitivity.summarise`.
"""

from __future__ import annotations

from typing import Any

QUANTILE_KEYS = ("q05", "q25", "q50", "q75", "q95")


def quantiles(**given: float) -> dict[str, Any]:
    """A quantiles entry: the given ``q05``..``q95`` (others null), its mean and count."""
    out: dict[str, Any] = {k: given.get(k) for k in QUANTILE_KEYS}
    out["mean"] = given.get("mean")
    out["n"] = 1 if given else 0
    return out


def alternative(
    p_agreement: float | None = None,
    *,
    p_join: dict[str, float] | None = None,
    forecast: dict[str, dict[str, float]] | None = None,
    histograms: dict[str, Any] | None = None,
    tornado: list[tuple[str, float]] | None = None,
) -> dict[str, Any]:
    """One alternative of a summary (:class:`mlf.results.SweepAlternative`)."""
    joins = dict(p_join or {})
    return {
        "p_agreement": p_agreement,
        "p_signed": p_agreement,
        "p_ratified": p_agreement,
        "p_ratified_interval": None,
        "p_considered": 1.0,
        "mean_support": 0.5,
        "p_join": joins,
        "forecast_quantiles": {k: quantiles(**v) for k, v in (forecast or {}).items()},
        "histograms": dict(histograms or {}),
        "power": {},
        "cost": {},
        "tornado": [{"input": i, "effect": e} for i, e in (tornado or [])],
        "tornado_r2": None,
        "tornado_join": {},
        "tornado_forecast": {},
        "p_agreement_ci": None,
        "p_considered_ci": None,
        "p_signed_ci": None,
        "p_join_ci": {a: None for a in joins},
    }


def summary(draws: int, alternatives: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A whole summary of ``draws`` draws with these alternatives and no varied input."""
    return {
        "draws": draws,
        "seed": 0,
        "complete": True,
        "draws_planned": draws,
        "scenario_id": "minimal",
        "scenario_sha256": "0" * 64,
        "model": "compromise",
        "sampling": "random",
        "pivotal_actor": None,
        "inputs": [],
        "not_varied": [],
        "method": "a test summary",
        "alternatives": alternatives,
        "interval": "Wilson 95% score interval",
        "varied_inputs": 0,
        "varied_by_origin": {},
        "warnings": [],
    }
