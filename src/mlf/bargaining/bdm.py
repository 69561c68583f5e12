"""Bueno de Mesquita's expected-utility ("challenge") model, as reconstructed by Scholz et al.

Each issue is negotiated on its own line. Every round, each actor *i* weighs, for every other
actor *j*, its expected utility of challenging *j* and of being challenged by *j*; the pair's
signs classify the dyad (conflict, compromise, capitulation, stalemate); each actor accepts
the best offer it received and all move at once. The forecast is the capability x salience
weighted median (the Condorcet winner among the positions) after the last round.

The algorithm follows the appendix of Scholz, Calbert & Smith (2011), restated step by step
in the documentation's reference page on negotiation models (docs/reference/negotiation.md;
symbols as there: positions x, capability c, salience s, continuum width R, status-quo
persistence Q, T, risk exponents r):

1. ``r_i = 1``; the median mu is the weighted median of the current positions.
2. Basic utilities for a challenger at distance d = |x_i - x_j| / R, exponent r:
   ``U_s = 2 - 4(0.5 - 0.5 d)^r``, ``U_f = 2 - 4(0.5 + 0.5 d)^r``,
   ``U_b/U_w = 2 - 4(0.5 -/+ 0.25 (|x_i - mu| / R + d))^r``, ``U_sq = 2 - 4 * 0.5^r``.
3. Probability that i prevails over j: the support of the voters k closer to i than to j,
   ``sum_k c_k s_k max(0, D_kj - D_ki)``, divided by a normaliser (see ambiguity 3), with
   ``D_ka = (|x_k - x_a| / R)^{r_k}``.
4. ``E(U_ij) = s_j [P U_s + (1 - P) U_f] + (1 - s_j) U_s - Q U_sq - (1 - Q)[T U_b + (1 - T) U_w]``.
5. Security ``Sec_i = sum_{j != i} E(U_ji)`` at r = 1; ``R_i = (2 Sec_i - max Sec - min Sec) /
   (max Sec - min Sec)``; ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``; redo 3-4 with these r.
6. Offers, from receiver i's view of the dyad (a, b) = (E(U_ij), E(U_ji)):
   conflict ``b > a > 0``: i loses and moves to x_j; compromise ``a < 0 < b, b > |a|``: i moves
   the fraction ``|a| / b`` of the way to x_j; capitulation ``a < 0 < b, b <= |a|``: i moves to
   x_j; otherwise (stalemate, or i has the upper hand) i does not move.
7. Each actor accepts one offer (selection rule below); all moves are simultaneous.

Ambiguities and our choices
---------------------------
The paper and the public replications (Masad; jmckib, ported to Python 3 by Masad; schelling's
DECISIONS.md) disagree on these points. Our choices, each checked against the emission-
standards test vector (Scholz et al. Table 1 and 2):

1. *Which salience leads E(U_ji).* The responder's: ``s_i`` in ``E(U_ji)``, as eq. 6 with i
   and j swapped (the target's salience is the chance that it resists).
2. *Superscript of the security term.* Security is computed in the first pass, where every
   r is 1, so every actor's view of ``E(U_ji)`` is the same number and the superscript does
   not matter. ``Sec_i`` sums the others' expected utilities of challenging i; a larger sum
   (more exposed) gives a larger ``R_i`` and a lower ``r_i``.
3. *The probability's denominator.* ``probability="scholz"`` (default): one normaliser per
   round, the c*s-weighted absolute utility differences summed over *all* voters and *all*
   ordered pairs of positions, as in Scholz's code (jmckib's reading). It is the same for
   every dyad, so we compute it once per round in O(n^2 log n) (a sort per voter turns the
   pairwise sum into a weighted sum of order statistics) instead of the naive O(n^5).
   ``probability="contenders"``: normalise over the two contenders only, so P_ij + P_ji = 1.
   With it the test vector collapses: every actor confronts and moves to 7 (round-1 median
   7.0, not 8.4), as jmckib predicted; so it cannot meet Scholz's Table 2 and is not the
   default. Either way the numerators are O(n^2) per round: voters closer to i than to j are
   a prefix (or suffix) of the actors sorted by position, so prefix sums give every dyad in
   O(1).
4. *Sign condition of the compromise octant.* As figure 6 and symmetry: ``a < 0 < b`` with
   ``b > |a|`` (the text's ``b < 0`` would make the region empty).
5. *Offer selection.* Scholz's order of preference for the receiver: a lost conflict, then a
   compromise, then a capitulation. Among lost conflicts and among capitulations, the offer
   that moves the receiver least (ties: higher proposer EU, then actor order). Among
   compromises, the offer whose proposer has the highest expected utility (Scholz p. 26:
   when offers are not equally enforceable, concede to the actor with the highest expected
   utility; ties: least move). This reproduces the Python replication (jmckib/Masad) exactly,
   including its round-4 jump of Belgium to the Netherlands' side, which jmckib obtained with
   an orientation-dependent key; ours is invariant to reversing the scale.
6. *Capitulation.* Implemented as in figure 6 (full move when ``b <= |a|``); jmckib's branch
   can never fire. On the test vector it does not fire in the first 20 rounds, so the two
   agree there.
7. *Perspective.* Both expected utilities of a dyad are evaluated by the receiver with its own
   risk exponent (BDM's "from i's perspective"); the voters inside P weigh distances with
   their own exponents. This is the jmckib/Masad reading.
8. *The continuum width R.* The range of the *initial* positions, fixed for the whole run
   (as Scholz and jmckib), so distances stay in the issue's units and positions never leave
   the initial hull. The scale bounds ``lo``/``hi`` are not used.
9. *Q < 1.* The term ``(1 - Q)[T U_b + (1 - T) U_w]`` is included (jmckib drops it; it
   vanishes at the default Q = 1). ``T`` is a number in [0, 1] or ``"auto"``: T = 1 when the
   median is closer to the challenger than the target is (schelling's reading of Scholz's four
   cases), else 0.
10. *Ties and degenerate cases.* Actors at the same position do not contest each other. If
    all securities are equal every r stays 1. The median (step 1 and the forecast) is the
    lower weighted median, the same rule as the ``median`` model. An issue with no weight
    (all c*s = 0) is not negotiated: the forecast is the status quo. Identical actors stay
    identical, and results do not depend on the order of the actors, bit for bit.
11. *Stopping.* Scholz find no convergence and run a fixed number of rounds. Default
    ``stop="rounds"``: play ``rounds`` rounds and report ``converged`` if the median moved
    less than ``tol * R`` in each of the last two rounds. ``stop="stable"``: stop an issue at
    the first round where that holds (its later rows repeat the last state). A round in which
    no actor moves is a fixed point: all later rounds are copies, and the run is converged.

On the test vector (Q = 1, T = 1) the model gives medians 8.416, 9.611, 9.962, 9.962, 9.962,
7.472, 8.825, 9.671 for rounds 1-8 (Scholz: 8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6,
apparently truncated; only round 2 differs) and means equal to jmckib's log to 1e-12.
With ``stop="stable"`` it stops after round 5 at 9.962.

Speed: a round is O(n^2) apart from sorts (O(n^2 log n)). From :data:`NUMBA_MIN_ACTORS`
actors on, a fused numba kernel (:mod:`mlf.bargaining._bdmkernels`) runs the round; the
numpy path is used below that and whenever numba does not import. Both agree to ~1e-13.

References
----------
Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In Bueno de
Mesquita & Stokman (eds.), European Community Decision Making, 71-104. Yale University Press.
Bueno de Mesquita, B. (1985). The war trap revisited. American Political Science Review 79(1),
156-177 (the risk conversion used here).
Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's group
decision model. Journal of Theoretical Politics 23(4), 510-531.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
from mlf.bargaining.simple import HALF_TOL
from mlf.errors import BargainingError

__all__ = ["BDM", "BDMModel", "IssueRun", "run_issue"]

_MAX_ROUNDS = 100_000
#: from this many actors on, ``engine="auto"`` uses the numba kernel (if numba imports)
NUMBA_MIN_ACTORS = 48


def _numba_kernel() -> Any:
    """The compiled round kernel, or None when numba is not importable."""
    try:
        from mlf.bargaining._bdmkernels import round_kernel
    except ImportError:  # pragma: no cover - numba is in the lock
        return None
    return round_kernel


@dataclass(frozen=True)
class IssueRun:
    """One issue's run: positions per round (rounds + 1, n), medians, stopping facts."""

    positions: FloatArray
    medians: FloatArray
    converged: bool
    played: int
    fixed_point: bool


def lower_weighted_median(x: FloatArray, w: FloatArray) -> float:
    """Smallest position with at least half the total weight at or below it (Black 1948).

    Examples:
        Weights 1, 1, 2: the first two positions hold exactly half; with two equal weights
        the lower of the two middle positions is returned:

        >>> lower_weighted_median(np.array([10.0, 20.0, 30.0]), np.array([1.0, 1.0, 2.0]))
        20.0
        >>> lower_weighted_median(np.array([10.0, 20.0]), np.array([1.0, 1.0]))
        10.0
    """
    order = np.lexsort((w, x))
    cum = np.cumsum(w[order])
    first = int(np.argmax(cum >= 0.5 * cum[-1] * (1.0 - HALF_TOL)))
    return float(x[order][first])


def _voters_below(x: FloatArray) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Sort order of the positions, and per dyad the number of voters below its midpoint.

    The count matrix is symmetric; it is shared by both passes of a round.
    """
    order = np.argsort(x, kind="stable")
    mid = 0.5 * (x[:, None] + x[None, :])
    return order, np.searchsorted(x[order], mid, side="left")


def _probabilities(
    x: FloatArray,
    w: FloatArray,
    r: FloatArray | None,
    width: float,
    mode: str,
    below: tuple[NDArray[np.intp], NDArray[np.intp]],
) -> FloatArray:
    """P[i, j]: probability that i prevails over j (step 3); 0 on the diagonal.

    Voters k closer to x_i than to x_j lie strictly on i's side of the midpoint, so with the
    actors sorted by position they form a prefix (x_i < x_j) or a suffix (x_i > x_j); prefix
    sums of ``w_k D_ka`` give every numerator in O(1). Voters exactly at a midpoint add
    nothing (D_kj = D_ki). ``r=None`` means every exponent is 1.
    """
    n = x.size
    order, t_lo = below
    dist = np.abs(x[:, None] - x[None, :]) / width
    wd = w[:, None] * (dist if r is None else dist ** r[:, None])  # wd[k, a] = w_k D_ka
    cum = np.zeros((n + 1, n))
    np.cumsum(wd[order], axis=0, out=cum[1:])
    # g[i, j] = sum of w_k D_kj over the voters below the (i, j) midpoint
    g = np.take_along_axis(cum, t_lo, axis=0)
    num_lo = g - g.T  # i below j: the voters below the midpoint support i
    tot = cum[n]
    num_hi = (tot[None, :] - tot[:, None]) - num_lo  # i above j: the voters above it
    num = np.where(x[:, None] < x[None, :], num_lo, np.where(x[:, None] > x[None, :], num_hi, 0.0))
    num = np.maximum(num, 0.0)
    if mode == "scholz":
        # sum_k w_k sum_{a,b} |D_ka - D_kb| via sorted rows: 2 sum_m (2m - n + 1) v_(m)
        srt = np.sort(wd, axis=1)
        coef = 2.0 * np.arange(n) - n + 1.0
        den = 2.0 * float((srt @ coef).sum())
        if den <= 0.0:
            return np.zeros((n, n))
        return np.asarray(num / den, dtype=np.float64)
    den_pair = num + num.T
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(den_pair > 0, num / den_pair, 0.5)
    p = np.where(x[:, None] != x[None, :], p, 0.0)  # no contest at the same position
    return np.asarray(p, dtype=np.float64)


def _power(base: FloatArray, e: FloatArray | None) -> FloatArray:
    return base if e is None else np.asarray(base ** e[:, None], dtype=np.float64)


def _utilities(
    dist: FloatArray, far: FloatArray, r: FloatArray | None, need_mu: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """U_s, U_f, U_b, U_w (n x n) and U_sq (n x 1), exponent r_i for row i (None: all 1).

    U_b and U_w are only needed when Q < 1; otherwise zeros are returned for them.
    """
    us = 2.0 - 4.0 * _power(0.5 - 0.5 * dist, r)
    uf = 2.0 - 4.0 * _power(0.5 + 0.5 * dist, r)
    if need_mu:
        ub = 2.0 - 4.0 * _power(np.maximum(0.5 - 0.25 * far, 0.0), r)
        uw = 2.0 - 4.0 * _power(0.5 + 0.25 * far, r)
    else:
        ub = uw = np.zeros_like(dist)
    e = np.ones((dist.shape[0], 1)) if r is None else r[:, None]
    usq = 2.0 - 4.0 * 0.5**e
    return us, uf, ub, uw, usq


def _t_weight(t_param: float | str, mu_gap: FloatArray, dist: FloatArray) -> FloatArray | float:
    if t_param == "auto":
        # challenger row, target column: T = 1 when mu is closer to the challenger than the target
        return np.where(mu_gap[:, None] < dist, 1.0, 0.0)
    return float(t_param)


def _expected(
    p: FloatArray,
    resist: FloatArray,
    us: FloatArray,
    uf: FloatArray,
    ub: FloatArray,
    uw: FloatArray,
    usq: FloatArray,
    q: float,
    t: FloatArray | float,
) -> FloatArray:
    """Step 4 for a whole matrix: ``resist`` is the target's salience per entry."""
    challenge = resist * (p * us + (1.0 - p) * uf) + (1.0 - resist) * us
    no_challenge = q * usq + (1.0 - q) * (t * ub + (1.0 - t) * uw)
    return np.asarray(challenge - no_challenge, dtype=np.float64)


def _pick(
    mask: NDArray[np.bool_], primary: FloatArray, secondary: FloatArray
) -> tuple[NDArray[np.bool_], NDArray[np.intp]]:
    """Per row, the column minimising (primary, secondary, column index) among ``mask``."""
    has = mask.any(axis=1)
    p1 = np.where(mask, primary, np.inf)
    best1 = p1.min(axis=1, keepdims=True)
    m2 = mask & (p1 == best1)
    p2 = np.where(m2, secondary, np.inf)
    best2 = p2.min(axis=1, keepdims=True)
    m3 = m2 & (p2 == best2)
    return np.asarray(has, dtype=np.bool_), np.asarray(np.argmax(m3, axis=1), dtype=np.intp)


def _round(
    x: FloatArray,
    w: FloatArray,
    s: FloatArray,
    width: float,
    q: float,
    t_param: float | str,
    mode: str,
) -> FloatArray:
    """One round (steps 1-7) on one issue; returns the new positions."""
    n = x.size
    mu = lower_weighted_median(x, w)
    dist = np.abs(x[:, None] - x[None, :]) / width
    mu_gap = np.abs(x - mu) / width
    far = mu_gap[:, None] + dist  # (|x_i - mu| + |x_i - x_j|) / R for challenger row i
    t = _t_weight(t_param, mu_gap, dist)
    contest = x[:, None] != x[None, :]
    need_mu = q < 1.0
    below = _voters_below(x)
    # first pass, r = 1: security and risk exponents
    p1 = _probabilities(x, w, None, width, mode, below)
    us, uf, ub, uw, usq = _utilities(dist, far, None, need_mu)
    e1 = _expected(p1, s[None, :], us, uf, ub, uw, usq, q, t)  # e1[i, j]: i challenges j
    e1 = np.where(contest, e1, 0.0)
    sec = e1.sum(axis=0)  # sum over challengers j of E(U_ji)
    lo_sec, hi_sec = float(sec.min()), float(sec.max())
    if hi_sec > lo_sec:
        big_r = (2.0 * sec - hi_sec - lo_sec) / (hi_sec - lo_sec)
        r = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    else:
        r = np.ones(n)
    # second pass from each receiver i's view (its own exponent r_i)
    p2 = _probabilities(x, w, r, width, mode, below)
    us, uf, ub, uw, usq = _utilities(dist, far, r, need_mu)
    a = _expected(p2, s[None, :], us, uf, ub, uw, usq, q, t)  # i challenges j
    # j challenges i, seen by i: the challenger's mu-gap and T are j's (transpose)
    far_t = far.T
    t_t = t.T if isinstance(t, np.ndarray) else t
    if need_mu:
        ub_t = 2.0 - 4.0 * _power(np.maximum(0.5 - 0.25 * far_t, 0.0), r)
        uw_t = 2.0 - 4.0 * _power(0.5 + 0.25 * far_t, r)
    else:
        ub_t = uw_t = ub
    b = _expected(p2.T, s[:, None], us, uf, ub_t, uw_t, usq, q, t_t)
    # step 6: classify, receiver i (row), proposer j (column)
    conflict = contest & (a > 0.0) & (b > a)
    neg_a = -a
    comp = contest & (a < 0.0) & (b > neg_a)
    capit = contest & (a < 0.0) & (b > 0.0) & (b <= neg_a)
    gap = x[None, :] - x[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(comp, neg_a / b, 1.0)
    move = np.abs(gap) * np.where(comp, frac, 1.0)
    # step 7: lost conflict (least move) > compromise (highest proposer EU) > capitulation
    new = x.copy()
    rows = np.arange(n)
    done = np.zeros(n, dtype=bool)
    for mask, key1, key2 in (
        (conflict, move, -b),
        (comp, -b, move),
        (capit, move, -b),
    ):
        has, col = _pick(mask & ~done[:, None], key1, key2)
        take = has & ~done
        target = x + gap[rows, col] * frac[rows, col] if mask is comp else x[col]
        new = np.where(take, target, new)
        done |= take
    return np.asarray(new, dtype=np.float64)


def run_issue(
    x0: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    *,
    q: float = 1.0,
    t: float | str = 1.0,
    rounds: int = 10,
    tol: float = 0.005,
    stop: str = "rounds",
    probability: str = "scholz",
    progress: ProgressFn | None = None,
    engine: str = "auto",
) -> IssueRun:
    """Run the model on one issue; arrays in the caller's actor order.

    ``engine``: ``"numpy"``, ``"numba"`` (the fused kernel of :mod:`._bdmkernels`) or
    ``"auto"`` (numba from :data:`NUMBA_MIN_ACTORS` actors on, when it imports). Both compute
    the same formulas; sums may differ in the last bits.

    Examples:
        The emission-standards test vector (Scholz, Calbert & Smith 2011, Table 1): the
        median after rounds 0-4, against Table 2's 8.4, 9.9, 9.9, 9.9 for rounds 1-4 (the
        replications get 9.6 in round 2; see docs/reference/negotiation.md).

        >>> x = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7], dtype=float)
        >>> c = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
        >>> s = np.array([0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7])
        >>> run = run_issue(x, c, s, rounds=8)
        >>> [round(float(m), 2) for m in run.medians[:5]]
        [7.0, 8.42, 9.61, 9.96, 9.96]
    """
    n = x0.size
    if engine not in ("auto", "numpy", "numba"):
        raise BargainingError(f"bdm: engine must be auto, numpy or numba, got {engine!r}")
    kernel = None
    if engine == "numba" or (engine == "auto" and n >= NUMBA_MIN_ACTORS):
        kernel = _numba_kernel()
        if kernel is None and engine == "numba":
            raise BargainingError("bdm: engine 'numba' asked for but numba is not importable")
    capability = unit_capability(capability)  # exact power-of-two scale: no overflow
    w = capability * salience
    # canonical actor order: by (position, capability, salience); identical actors tie
    order = np.lexsort((salience, capability, x0))
    back = np.empty(n, dtype=np.intp)
    back[order] = np.arange(n)
    x = x0[order].astype(np.float64)
    wc, sc = w[order], salience[order]
    width = float(x.max() - x.min())
    traj = np.empty((rounds + 1, n))
    meds = np.empty(rounds + 1)
    traj[0] = x
    active = width > 0.0 and bool(np.any(wc > 0.0))
    meds[0] = lower_weighted_median(x, wc) if np.any(wc > 0.0) else np.nan
    played = 0
    fixed = not active
    converged = not active
    for t_round in range(1, rounds + 1):
        if fixed or (stop == "stable" and converged):
            traj[t_round] = traj[t_round - 1]
            meds[t_round] = meds[t_round - 1]
        else:
            if kernel is not None:
                mu = lower_weighted_median(x, wc)
                new = np.asarray(
                    kernel(
                        x,
                        wc,
                        sc,
                        width,
                        q,
                        t == "auto",
                        0.0 if t == "auto" else float(t),
                        probability == "scholz",
                        mu,
                    ),
                    dtype=np.float64,
                )
            else:
                new = _round(x, wc, sc, width, q, t, probability)
            played = t_round
            fixed = bool(np.array_equal(new, x))
            x = new
            traj[t_round] = x
            meds[t_round] = lower_weighted_median(x, wc)
            if fixed:
                converged = True
            elif t_round >= 2:
                steps = np.abs(np.diff(meds[t_round - 2 : t_round + 1]))
                converged = bool(np.all(steps < tol * width))
        if progress is not None:
            progress(t_round, rounds)
    return IssueRun(
        positions=traj[:, back],
        medians=meds,
        converged=converged,
        played=played,
        fixed_point=fixed,
    )


def _param_float(params: Mapping[str, Any], key: str, lo: float, hi: float) -> float:
    v = params[key]
    if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= float(v) <= hi:
        raise BargainingError(f"bdm: {key} must be a number in [{lo:g}, {hi:g}], got {v!r}")
    return float(v)


class BDMModel:
    """Bueno de Mesquita's expected-utility model (Scholz et al. 2011 reconstruction).

    Parameters (``defaults``): ``Q`` (1.0) probability that the status quo persists absent a
    challenge; ``T`` (1.0, or ``"auto"``); ``rounds`` (10); ``tol`` (0.005, a fraction of the
    continuum width R) and ``stop`` (``"rounds"`` or ``"stable"``) for the stopping rule;
    ``probability`` (``"scholz"`` or ``"contenders"``). See the module docstring for the
    algorithm and each ambiguity.

    References
    ----------
    Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's group
    decision model. Journal of Theoretical Politics 23(4), 510-531.

    Examples:
        Three actors on one issue: C moves towards the others round by round, and the
        weighted median settles at A's position:

        >>> inp = BargainingInput.build(["A", "B", "C"], [0.5, 0.3, 0.2], [200, 150, 50],
        ...                             [0.8, 0.6, 0.5], lo=0, hi=300, status_quo=0)
        >>> fc = BDMModel().run(inp, {"rounds": 10}, seed=0)
        >>> fc.outcome.tolist(), fc.rounds
        ([200.0], 10)
        >>> fc.trajectory[:3, :, 0].tolist()
        [[200.0, 150.0, 50.0], [200.0, 150.0, 150.0], [200.0, 150.0, 200.0]]
    """

    name: str = "bdm"
    citation: str = "Bueno de Mesquita (1994); Scholz, Calbert & Smith (2011), JTP 23(4)"
    defaults: Mapping[str, Any] = MappingProxyType(
        {
            "Q": 1.0,
            "T": 1.0,
            "rounds": 10,
            "tol": 0.005,
            "stop": "rounds",
            "probability": "scholz",
        }
    )
    joint: bool = False

    def run(
        self,
        inp: BargainingInput,
        params: Mapping[str, Any],
        seed: int,
        progress: ProgressFn | None = None,
    ) -> Forecast:
        full = {**dict(self.defaults), **dict(params)}
        q = _param_float(full, "Q", 0.0, 1.0)
        t_raw = full["T"]
        t: float | str = "auto" if t_raw == "auto" else _param_float(full, "T", 0.0, 1.0)
        tol = _param_float(full, "tol", 0.0, 1.0)
        rounds = full["rounds"]
        if (
            isinstance(rounds, bool)
            or not isinstance(rounds, int)
            or not (0 <= rounds <= _MAX_ROUNDS)
        ):
            raise BargainingError(
                f"bdm: rounds must be an integer in [0, {_MAX_ROUNDS}], got {rounds!r}"
            )
        stop = full["stop"]
        if stop not in ("rounds", "stable"):
            raise BargainingError(f"bdm: stop must be 'rounds' or 'stable', got {stop!r}")
        mode = full["probability"]
        if mode not in ("scholz", "contenders"):
            raise BargainingError(
                f"bdm: probability must be 'scholz' or 'contenders', got {mode!r}"
            )
        k = inp.k
        traj = np.empty((rounds + 1, inp.n, k))
        meds = np.empty((rounds + 1, k))
        conv: list[bool] = []
        played: list[int] = []
        for col in range(k):
            if progress is not None:
                base = col * rounds

                def step(done: int, total: int, base: int = base) -> None:
                    progress(base + done, rounds * k)

                sub: ProgressFn | None = step
            else:
                sub = None
            res = run_issue(
                inp.position[:, col],
                inp.capability,
                inp.salience[:, col],
                q=q,
                t=t,
                rounds=rounds,
                tol=tol,
                stop=stop,
                probability=mode,
                progress=sub,
            )
            traj[:, :, col] = res.positions
            med = res.medians
            meds[:, col] = np.where(np.isnan(med), inp.status_quo[col], med)
            conv.append(res.converged)
            played.append(res.played)
        converged = all(conv)
        if converged:
            reason = (
                f"median moved < tol*R in each of the last two rounds on every issue "
                f"(rounds played per issue: {played})"
            )
        else:
            stuck = [inp.issues[c] for c in range(k) if not conv[c]]
            reason = f"round cap {rounds} reached; median still moving on {', '.join(stuck)}"
        out_params = {
            "Q": q,
            "T": t,
            "rounds": rounds,
            "tol": tol,
            "stop": stop,
            "probability": mode,
        }
        return Forecast(
            model=self.name,
            actors=inp.actors,
            issues=inp.issues,
            outcome=meds[-1].copy(),
            trajectory=traj,
            outcome_trajectory=meds,
            probabilities=None,
            converged=converged,
            rounds=rounds,
            stop_reason=reason,
            params=out_params,
            seed=seed,
        )


BDM = BDMModel()
