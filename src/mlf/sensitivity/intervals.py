"""Intervals for the probabilities a sweep reports: the Wilson score interval.

A sweep's probability is a share ``k / n`` of its draws. Its 95% interval is Wilson's score
interval [1]_: the set of ``p`` whose score test ``|k/n - p| / sqrt(p (1 - p) / n) <= z`` does
not reject, i.e. the roots of ``(k/n - p)^2 = z^2 p (1 - p) / n``:

    centre = (k + z^2 / 2) / (n + z^2)
    half   = z / (n + z^2) * sqrt(k (n - k) / n + z^2 / 4)
    interval = [centre - half, centre + half]

Unlike the Wald interval ``k/n +- z sqrt(p(1-p)/n)`` it never leaves [0, 1] and does not collapse
to a point at ``k = 0`` or ``k = n`` (a sweep saying "100%" still says how sure), and its coverage
is close to nominal even for small ``n`` [2]_ (Newcombe's method 3, without continuity
correction; Table II of [2]_ gives the test vectors of ``tests/test_intervals.py``).

References
----------
.. [1] Wilson, E. B. (1927). "Probable inference, the law of succession, and statistical
   inference". *Journal of the American Statistical Association* 22(158): 209-212.
.. [2] Newcombe, R. G. (1998). "Two-sided confidence intervals for the single proportion:
   comparison of seven methods". *Statistics in Medicine* 17(8): 857-872.
"""

from __future__ import annotations

import math
from typing import Any

Z95 = 1.959963984540054
"""The 97.5% quantile of the standard normal distribution (two-sided 95%)."""


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval ``(lo, hi)`` for ``k`` successes in ``n`` trials.

    >>> lo, hi = wilson(81, 263)
    >>> round(lo, 4), round(hi, 4)
    (0.2553, 0.3662)

    Raises:
        ValueError: ``n < 1`` or ``k`` outside ``0..n``.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not 0 <= k <= n:
        raise ValueError(f"k must lie in 0..{n}, got {k}")
    z2 = z * z
    centre = (k + z2 / 2.0) / (n + z2)
    half = z / (n + z2) * math.sqrt(k * (n - k) / n + z2 / 4.0)
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return lo, hi


def too_few_draws(draws: int, inputs: int, factor: int = 5) -> str | None:
    """The warning (starting ``warning:``) when ``draws < factor x inputs``, else None.

    The rank regression that ranks the inputs (:mod:`mlf.sensitivity.summary`) estimates one
    coefficient per input; with fewer than about five draws per coefficient its ranking is
    mostly noise (a common rule of thumb for regression, e.g. Saltelli et al. 2004, ch. 1.2).

    Examples:
        >>> too_few_draws(200, 30) is None
        True
        >>> print(too_few_draws(100, 30))  # doctest: +NORMALIZE_WHITESPACE
        warning: 100 draws for 30 varied inputs: fewer than 5 x 30 = 150; the ranking of
        inputs is unreliable and the intervals are wide (use --draws 150 or more)
    """
    if inputs > 0 and draws < factor * inputs:
        return (
            f"warning: {draws} draws for {inputs} varied inputs: fewer than {factor} x "
            f"{inputs} = {factor * inputs}; the ranking of inputs is unreliable and the "
            "intervals are wide (use --draws "
            f"{factor * inputs} or more)"
        )
    return None


INTERVAL = "Wilson 95% score interval (Wilson 1927; Newcombe 1998, method 3)"


def _ci(p: object, n: int) -> list[float] | None:
    if not isinstance(p, int | float) or n < 1:
        return None
    k = round(float(p) * n)  # p is k / n as a double: exact for n below 2**52
    lo, hi = wilson(k, n)
    return [lo, hi]


def annotate(summary: dict[str, Any]) -> dict[str, Any]:
    """Add to a sweep summary (:func:`mlf.sensitivity.summarise`) the Wilson interval of every
    probability it reports (``p_agreement_ci``, ``p_considered_ci``, ``p_signed_ci``, ``p_join_ci``;
    ``p_ratified`` carries its own ``p_ratified_interval``), the count
    of varied inputs by the origin of their range, and the few-draws warning; returns it.

    Examples:
        Agreement in 10 draws of 20:

        >>> s = annotate({"draws": 20, "alternatives": {"x": {"p_agreement": 0.5}},
        ...               "inputs": [{"origin": "range"}, {"origin": "default"}]})
        >>> [round(v, 4) for v in s["alternatives"]["x"]["p_agreement_ci"]]
        [0.2993, 0.7007]
        >>> s["varied_by_origin"], s["warnings"]
        ({'range': 1, 'default': 1}, [])
    """
    n = int(summary["draws"])
    for a in summary["alternatives"].values():
        a["p_agreement_ci"] = _ci(a.get("p_agreement"), n)
        a["p_considered_ci"] = _ci(a.get("p_considered"), n)
        if "p_signed" in a:
            a["p_signed_ci"] = _ci(a.get("p_signed"), n)
        a["p_join_ci"] = {m: _ci(p, n) for m, p in a.get("p_join", {}).items()}
    inputs = summary.get("inputs", [])
    origins: dict[str, int] = {}
    for x in inputs:
        o = str(x.get("origin", "range"))
        origins[o] = origins.get(o, 0) + 1
    summary["interval"] = INTERVAL
    summary["varied_inputs"] = len(inputs)
    summary["varied_by_origin"] = origins
    warning = too_few_draws(n, len(inputs))
    summary["warnings"] = [] if warning is None else [warning]
    return summary
