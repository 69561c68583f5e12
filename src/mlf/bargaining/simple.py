"""Static one-dimensional bargaining models: compromise, weighted median, Nash bargaining.

Each issue is settled on its own (``joint = False``). Each actor *i* carries a weight
``w_i = c_i * s_i`` on an issue: capability times salience, as in the compromise model of
Achen (2006) and the median-voter reading of Black (1948).

- ``compromise``: the weighted mean ``sum_i w_i x_i / sum_i w_i``.
- ``median``: the lower weighted median, the smallest position ``x`` such that the weight of
  the actors at or below ``x`` is at least half the total weight. In one dimension with
  single-peaked preferences it is a Condorcet winner (Black 1948); when exactly half the
  weight lies at or below some ``x_(m)`` every point of ``[x_(m), x_(m+1)]`` ties, and we
  return the lower end ``x_(m)``.
- ``nash``: the asymmetric Nash bargaining solution (Nash 1950; Kalai 1977) with the status
  quo as the disagreement point, see :class:`NashModel`.

If no actor has weight on an issue (every ``c_i * s_i == 0``) nobody cares about it and all
three models return the status quo.

All three are static: the forecast has ``rounds = 0``, a trajectory that holds only the input
positions, and ``outcome_trajectory = [outcome]``. Sums run over the actors sorted by
(position, weight), so that the result does not depend on the order of the actors, bit for bit.

References
----------
Black, D. (1948). On the rationale of group decision-making. Journal of Political Economy
56(1), 23-34.
Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162.
Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person bargaining.
International Journal of Game Theory 6(3), 129-133.
Achen, C. H. (2006). Institutional realism and bargaining models. Ch. 4 in Thomson, R.,
Stokman, F. N., Achen, C. H. & König, T. (eds.), The European Union Decides. Cambridge
University Press.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlf.bargaining.base import (
    BargainingInput,
    FloatArray,
    Forecast,
    ProgressFn,
    unit_capability,
)
from mlf.errors import BargainingError

__all__ = ["COMPROMISE", "MEDIAN", "NASH", "CompromiseModel", "MedianModel", "NashModel"]

#: relative tolerance for "exactly half the weight" in the weighted median
HALF_TOL = 1e-12


def weights(inp: BargainingInput) -> FloatArray:
    """Capability x salience per actor and issue, shape (n, k).

    Capabilities are first scaled by :func:`~mlf.bargaining.base.unit_capability` (a power of
    two, exact), so that no magnitude of capability can overflow a sum of weights.

    Examples:
        >>> inp = BargainingInput.build(["A", "B", "C"], [0.5, 0.3, 0.2], [200, 150, 50],
        ...                             [0.8, 0.6, 0.5])
        >>> weights(inp).ravel().tolist()
        [0.4, 0.18, 0.1]
    """
    return np.asarray(unit_capability(inp.capability)[:, None] * inp.salience, dtype=np.float64)


def canonical_order(position: FloatArray, weight: FloatArray) -> NDArray[np.intp]:
    """Per issue, actor indices sorted by (position, weight): shape (n, k).

    Actors that tie on both keys are interchangeable, so sums taken in this order do not depend
    on the order in which actors were given.

    Examples:
        Positions 2, 1, 2 with weights 1, 5, 0.5: actor 1 first, then the two at 2 by weight:

        >>> canonical_order(np.array([[2.0], [1.0], [2.0]]),
        ...                 np.array([[1.0], [5.0], [0.5]])).ravel().tolist()
        [1, 2, 0]
    """
    return np.lexsort((weight, position), axis=0)


def _static_forecast(
    name: str, inp: BargainingInput, outcome: FloatArray, params: Mapping[str, Any], seed: int
) -> Forecast:
    return Forecast(
        model=name,
        actors=inp.actors,
        issues=inp.issues,
        outcome=outcome,
        trajectory=inp.position[None, :, :].copy(),
        outcome_trajectory=outcome[None, :].copy(),
        probabilities=None,
        converged=True,
        rounds=0,
        stop_reason="static model: solved in closed form, no rounds",
        params=dict(params),
        seed=seed,
    )


def compromise_outcome(inp: BargainingInput) -> FloatArray:
    """Capability x salience weighted mean per issue (status quo where no one has weight).

    Examples:
        Weights 0.5 x 0.8, 0.3 x 0.6 and 0.2 x 0.5 on positions 200, 150, 50: (80 + 27 + 5)
        / 0.68 = 164.71.

        >>> inp = BargainingInput.build(["US", "FRG", "UK"], [0.5, 0.3, 0.2], [200, 150, 50],
        ...                             [0.8, 0.6, 0.5])
        >>> compromise_outcome(inp).round(2).tolist()
        [164.71]
    """
    w = weights(inp)
    order = canonical_order(inp.position, w)
    x = np.take_along_axis(inp.position, order, axis=0)
    ws = np.take_along_axis(w, order, axis=0)
    total = ws.sum(axis=0)
    safe = np.where(total > 0, total, 1.0)
    mean = (ws * x).sum(axis=0) / safe
    # guard the last bit: a mean stays inside the hull of the positions it averages
    mean = np.clip(mean, x.min(axis=0), x.max(axis=0))
    return np.asarray(np.where(total > 0, mean, inp.status_quo), dtype=np.float64)


def median_outcome(inp: BargainingInput) -> FloatArray:
    """Lower capability x salience weighted median per issue (status quo where no weight).

    Examples:
        The US alone holds 0.40 of the 0.68 total weight, more than half:

        >>> inp = BargainingInput.build(["US", "FRG", "UK"], [0.5, 0.3, 0.2], [200, 150, 50],
        ...                             [0.8, 0.6, 0.5])
        >>> median_outcome(inp).tolist()
        [200.0]
    """
    w = weights(inp)
    order = canonical_order(inp.position, w)
    x = np.take_along_axis(inp.position, order, axis=0)
    ws = np.take_along_axis(w, order, axis=0)
    cum = np.cumsum(ws, axis=0)
    total = cum[-1]
    # the first sorted actor whose cumulative weight reaches half the total
    reached = cum >= 0.5 * total * (1.0 - HALF_TOL)
    first = np.argmax(reached, axis=0)
    med = x[first, np.arange(inp.k)]
    return np.asarray(np.where(total > 0, med, inp.status_quo), dtype=np.float64)


def nash_outcome(inp: BargainingInput, power: float = 2.0, iterations: int = 200) -> FloatArray:
    """Asymmetric Nash bargaining solution per issue; see :class:`NashModel`.

    Examples:
        Two actors of equal weight at 60 and 100 with the status quo at 0: each gains on
        ``[0, 2 x_i]``, so the solution lies in ``[0, 120]``; with quadratic loss it
        maximises ``log y(120 - y) + log y(200 - y)``, whose derivative vanishes at
        ``y^2 - 240 y + 12000 = 0``, ``y = 120 - 20 sqrt(6)``:

        >>> inp = BargainingInput.build(["A", "B"], [1, 1], [60, 100], [1.0, 1.0],
        ...                             lo=0, hi=200, status_quo=0)
        >>> y = float(nash_outcome(inp)[0])
        >>> round(y, 9), abs(y - (120 - 20 * 6 ** 0.5)) < 1e-9
        (71.010205144, True)

        Actors on both sides of the status quo: the only point no one rejects is the status
        quo itself:

        >>> inp = BargainingInput.build(["A", "B"], [1, 1], [20, 80], [1.0, 1.0],
        ...                             lo=0, hi=100, status_quo=50)
        >>> nash_outcome(inp).tolist()
        [50.0]
    """
    w = weights(inp)
    x = inp.position
    sq = inp.status_quo
    active = w > 0
    above = active & (x > sq)
    below = active & (x < sq)
    at_sq = active & (x == sq)
    # feasible set {y : every active actor weakly gains} = [sq, b] (or [b, sq]) with
    # b = min over active actors of the reflection 2 x_i - sq; a single point if actors
    # with weight sit on both sides of sq or at sq.
    one_side_up = ~below.any(axis=0) & ~at_sq.any(axis=0) & above.any(axis=0)
    one_side_dn = ~above.any(axis=0) & ~at_sq.any(axis=0) & below.any(axis=0)
    refl = 2.0 * x - sq
    b_up = np.where(above, refl, np.inf).min(axis=0)
    b_dn = np.where(below, refl, -np.inf).max(axis=0)
    out = sq.astype(np.float64).copy()
    for up, bound in ((one_side_up, b_up), (one_side_dn, b_dn)):
        cols = np.flatnonzero(up)
        if cols.size == 0:
            continue
        out[cols] = _nash_bisect(x[:, cols], w[:, cols], sq[cols], bound[cols], power, iterations)
    return out


def _nash_bisect(
    x: FloatArray,
    w: FloatArray,
    sq: FloatArray,
    bound: FloatArray,
    power: float,
    iterations: int,
) -> FloatArray:
    """Root of d/dy sum_i w_i log g_i(y) on the open interval between sq and bound.

    g_i(y) = |sq - x_i|^p - |y - x_i|^p is concave for p >= 1, so the log objective is strictly
    concave and its derivative strictly decreasing on the feasible interval: bisection on the
    sign of the derivative converges to the unique maximiser.
    """
    p = power
    # inactive (zero-weight) actors get an infinite gain so that their term is exactly 0
    gain_sq = np.where(w > 0, np.abs(sq[None, :] - x) ** p, np.inf)
    a = sq.copy()
    b = bound.copy()
    sign = np.sign(b - a)  # +1: search upward from sq
    for _ in range(iterations):
        y = 0.5 * (a + b)
        d = y[None, :] - x
        # derivative of w log g = -w p sign(d)|d|^(p-1) / g; g -> 0+ only at the ends
        if p == 2.0:
            slope = 2.0 * d
            g = gain_sq - d * d
        else:
            ad = np.abs(d)
            slope = p * np.sign(d) * ad ** (p - 1.0)
            g = gain_sq - ad**p
        with np.errstate(divide="ignore", invalid="ignore"):
            term = -w * slope / g
        # summed in sorted order, so the sign near the root does not depend on actor order
        deriv = np.sort(term, axis=0).sum(axis=0) * sign
        # deriv > 0: the maximiser lies further from sq than y
        move_a = deriv > 0
        new_a = np.where(move_a, y, a)
        new_b = np.where(move_a, b, y)
        if np.array_equal(new_a, a) and np.array_equal(new_b, b):
            break
        a, b = new_a, new_b
    res = 0.5 * (a + b)
    lo = np.minimum(x.min(axis=0, where=w > 0, initial=np.inf), res)
    hi = np.maximum(x.max(axis=0, where=w > 0, initial=-np.inf), res)
    return np.asarray(np.clip(res, lo, hi), dtype=np.float64)


class CompromiseModel:
    """Capability x salience weighted mean of the positions, issue by issue.

    The compromise model of Achen (2006) (also van den Bos 1991; Thomson et al. 2006): the
    outcome is ``sum_i c_i s_i x_i / sum_i c_i s_i``. Achen derives it as a first-order
    approximation of the asymmetric Nash bargaining solution; it is the most accurate simple
    model on the DEU data (Thomson et al. 2006, ch. 10).

    References
    ----------
    Achen, C. H. (2006). Institutional realism and bargaining models. In Thomson et al. (eds.),
    The European Union Decides, ch. 4. Cambridge University Press.

    Examples:
        Weights 0.4, 0.18, 0.1 on positions 200, 150, 50: ``(80 + 27 + 5) / 0.68``:

        >>> inp = BargainingInput.build(["A", "B", "C"], [0.5, 0.3, 0.2], [200, 150, 50],
        ...                             [0.8, 0.6, 0.5])
        >>> fc = CompromiseModel().run(inp, {}, seed=0)
        >>> round(float(fc.outcome[0]), 6), fc.stop_reason
        (164.705882, 'static model: solved in closed form, no rounds')
    """

    name: str = "compromise"
    citation: str = "Achen (2006), The European Union Decides, ch. 4"
    defaults: Mapping[str, Any] = MappingProxyType({})
    joint: bool = False

    def run(
        self,
        inp: BargainingInput,
        params: Mapping[str, Any],
        seed: int,
        progress: ProgressFn | None = None,
    ) -> Forecast:
        out = compromise_outcome(inp)
        if progress is not None:
            progress(1, 1)
        return _static_forecast(self.name, inp, out, params, seed)


class MedianModel:
    """Capability x salience weighted median of the positions, issue by issue.

    The (lower) weighted median: the smallest position with at least half of the total weight
    ``sum_i c_i s_i`` at or below it. With single-peaked preferences on a line it beats every
    other position in a weighted majority vote (Black 1948): the Condorcet winner. When the
    weight splits exactly in half the lower of the two middle positions is returned (exact
    half is judged with a relative tolerance of ``1e-12`` of the total weight).

    References
    ----------
    Black, D. (1948). On the rationale of group decision-making. Journal of Political Economy
    56(1), 23-34.

    Examples:
        Actor A alone holds more than half the weight (0.4 of 0.68):

        >>> inp = BargainingInput.build(["A", "B", "C"], [0.5, 0.3, 0.2], [200, 150, 50],
        ...                             [0.8, 0.6, 0.5])
        >>> MedianModel().run(inp, {}, seed=0).outcome.tolist()
        [200.0]
    """

    name: str = "median"
    citation: str = "Black (1948), J. Political Economy 56(1)"
    defaults: Mapping[str, Any] = MappingProxyType({})
    joint: bool = False

    def run(
        self,
        inp: BargainingInput,
        params: Mapping[str, Any],
        seed: int,
        progress: ProgressFn | None = None,
    ) -> Forecast:
        out = median_outcome(inp)
        if progress is not None:
            progress(1, 1)
        return _static_forecast(self.name, inp, out, params, seed)


class NashModel:
    """Asymmetric Nash bargaining solution with the status quo as disagreement point.

    Actor *i* has utility ``u_i(y) = -|y - x_i|^p`` (parameter ``power`` = p >= 1; default 2,
    quadratic loss). The outcome maximises the Nash product

        prod_i (u_i(y) - u_i(sq)) ** (c_i s_i)

    over the points ``y`` where every actor with weight weakly gains. Salience enters as a
    bargaining-power exponent together with capability: a salience that only multiplied
    ``u_i`` would drop out, since the Nash solution ignores positive rescaling of utilities
    (Nash 1950, axiom of invariance); Achen (2006) shows that with these exponents the
    compromise model is the solution's approximation when the status quo is far away.

    Details:

    - Actors with ``c_i s_i = 0`` have exponent 0 and no say (no veto either).
    - Actor *i* weakly gains exactly on ``|y - x_i| <= |sq - x_i|``: an interval with sq
      at one end. If actors with weight sit on both sides of sq, or one sits at sq (it can
      only lose: zero gain everywhere it is not worse off), the only point that no one
      rejects is sq, and the status quo is returned. Likewise if no one has weight.
    - Otherwise the feasible set is ``[sq, b]`` (or ``[b, sq]``) and the log Nash product
      is strictly concave on its interior (each gain is concave for p >= 1), going to
      ``-inf`` at both ends; its unique maximiser is found by bisection on the sign of the
      derivative to full double precision, vectorised over issues.

    The solution lies within the hull of the positions of the actors with weight (or is sq).

    References
    ----------
    Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162.
    Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person bargaining.
    International Journal of Game Theory 6(3), 129-133.
    Achen, C. H. (2006). Institutional realism and bargaining models. In Thomson et al. (eds.),
    The European Union Decides, ch. 4. Cambridge University Press.

    Examples:
        Two actors of equal weight at 60 and 100 with the status quo at 0 settle at
        ``120 - 20 sqrt(6)`` under quadratic loss (see :func:`nash_outcome`), below the
        compromise of 80: the actor at 60 gains on less of the line:

        >>> inp = BargainingInput.build(["A", "B"], [1, 1], [60, 100], [1.0, 1.0],
        ...                             lo=0, hi=200, status_quo=0)
        >>> fc = NashModel().run(inp, {"power": 2.0}, seed=0)
        >>> round(float(fc.outcome[0]), 9), fc.params
        (71.010205144, {'power': 2.0})
    """

    name: str = "nash"
    citation: str = "Nash (1950); Kalai (1977); Achen (2006)"
    defaults: Mapping[str, Any] = MappingProxyType({"power": 2.0})
    joint: bool = False

    def run(
        self,
        inp: BargainingInput,
        params: Mapping[str, Any],
        seed: int,
        progress: ProgressFn | None = None,
    ) -> Forecast:
        power = params.get("power", 2.0)
        if isinstance(power, bool) or not isinstance(power, int | float):
            raise BargainingError(f"nash: power must be a number >= 1, got {power!r}")
        power = float(power)
        if not (np.isfinite(power) and power >= 1.0):
            raise BargainingError(f"nash: power must be a finite number >= 1, got {power!r}")
        out = nash_outcome(inp, power)
        if progress is not None:
            progress(1, 1)
        return _static_forecast(self.name, inp, out, {**dict(params), "power": power}, seed)


COMPROMISE = CompromiseModel()
MEDIAN = MedianModel()
NASH = NashModel()
