"""Scoring rules for one forecast of one question, and a percentile bootstrap over questions.

Binary questions (did it happen?), forecast as a probability ``p``:

* **Brier score** ``(p - o)^2`` with ``o`` = 1 if it happened, else 0 (Brier 1950,
  *Monthly Weather Review* 78(1)); 0 is perfect, 0.25 is a coin flip, 1 is certain and wrong.
* **Log score** ``-ln(q)``, ``q`` the probability given to what happened (Good 1952, *JRSS B*
  14(1)); lower is better. A model that is certain and wrong would score infinity, so ``p`` is
  clipped to ``[LOG_FLOOR, 1 - LOG_FLOOR]`` first: the worst log score is
  ``-ln(0.01) = 4.605``, a coin flip scores ``ln 2 = 0.693``.

Value questions: a number on an issue's scale scores the **absolute error as a share of the
scale**, ``|x - o| / (hi - lo)`` (0 perfect, 1 the whole scale away); an option scores a
**hit** (1) or a **miss** (0), or, for a forecaster that spreads its belief over the options
(the coin-flip baseline), the probability it gives the right option (its expected hit rate).

Both proper scoring rules are strictly proper: a forecaster minimises its expected score by
stating its true belief (Gneiting & Raftery 2007, *JASA* 102(477)).

The interval of a mean score is the percentile bootstrap over questions (Efron & Tibshirani
1993, ch. 13): resample the questions with replacement ``BOOTSTRAP_RESAMPLES`` times from a
seeded generator, take the 2.5th and 97.5th percentiles of the resampled means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from mlf.seeds import child_sequence

LOG_FLOOR = 0.01
"""Probabilities are clipped to ``[LOG_FLOOR, 1 - LOG_FLOOR]`` for the log score only."""

BOOTSTRAP_RESAMPLES = 2000
"""Resamples of the questions for each bootstrap interval."""


def brier(p: float, happened: bool) -> float:
    """Brier score of probability ``p`` for an event that did (or did not) happen.

    >>> brier(0.5, True), brier(1.0, False), brier(0.8, True)
    (0.25, 1.0, 0.04)
    """
    _check_p(p)
    o = 1.0 if happened else 0.0
    return round((p - o) ** 2, 12)


def log_score(p: float, happened: bool) -> float:
    """Log score ``-ln(q)`` of probability ``p`` (clipped to ``[LOG_FLOOR, 1-LOG_FLOOR]``).

    >>> round(log_score(0.5, False), 4), round(log_score(0.0, True), 4)
    (0.6931, 4.6052)
    """
    _check_p(p)
    clipped = min(max(p, LOG_FLOOR), 1.0 - LOG_FLOOR)
    q = clipped if happened else 1.0 - clipped
    return -math.log(q)


def abs_error_share(x: float, outcome: float, lo: float, hi: float) -> float:
    """``|x - outcome| / (hi - lo)``.

    >>> abs_error_share(150, 200, 0, 400)
    0.125
    """
    if not hi > lo:
        raise ValueError(f"a scale needs hi above lo, got {lo:g}..{hi:g}")
    return abs(x - outcome) / (hi - lo)


def _check_p(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"a probability lies in [0, 1], got {p!r}")


def mean(values: Sequence[float]) -> float | None:
    """The mean, or None for no values.

    Examples:
        >>> mean([0.25, 0.5, 0.0]), mean([])
        (0.25, None)
    """
    return sum(values) / len(values) if values else None


def bootstrap_interval(
    values: Sequence[float], seed: int, *keys: int | str, resamples: int = BOOTSTRAP_RESAMPLES
) -> tuple[float, float] | None:
    """95% percentile-bootstrap interval of the mean of ``values`` (None for no values).

    The generator is the child of ``seed`` named by ``keys`` (:func:`mlf.seeds.child_sequence`),
    so each interval is reproducible on its own, whatever else is computed.

    >>> bootstrap_interval([0.2, 0.2, 0.2], 1)
    (0.2, 0.2)
    """
    if not values:
        return None
    arr = np.asarray(values, dtype=np.float64)
    rng = np.random.Generator(np.random.PCG64(child_sequence(seed, *keys)))
    idx = rng.integers(0, len(arr), size=(resamples, len(arr)))
    means = arr[idx].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return (round(float(lo), 12), round(float(hi), 12))
