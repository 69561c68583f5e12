"""Compiled (numba) kernel for :mod:`mlf.bargaining.bdm`: one round on one issue, fused.

Imported lazily by :mod:`mlf.bargaining.bdm` (importing numba costs about a second) for
problems large enough to pay for it; the pure-numpy path in ``bdm._round`` computes the same
quantities with the same formulas and is used when numba is missing. Both are O(n^2) per
round apart from the sorts (O(n^2 log n)).
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@numba.njit(cache=True, fastmath=False)
def _numerators(
    x: FloatArray,
    w: FloatArray,
    r: FloatArray,
    width: float,
    order: NDArray[np.int64],
    t_lo: NDArray[np.int64],
    scholz: bool,
) -> tuple[FloatArray, float]:
    """Numerators of P (n x n) and the Scholz normaliser, cache-friendly.

    ``cum_t[a, t]`` sums ``w_k D_ka`` over the first t voters in position order, one
    contiguous row per actor a; ``h[j, i] = cum_t[j, t_ij]`` reads row j only, and the
    numerator of (i, j) is ``h[j, i] - h[i, j]`` (the midpoint count t is symmetric).
    """
    n = x.size
    xs = x[order]
    ws = w[order]
    rs = r[order]
    cum_t = np.zeros((n, n + 1))
    for a in range(n):
        acc = 0.0
        for t in range(n):
            base = abs(xs[t] - x[a]) / width
            acc += ws[t] * (base if rs[t] == 1.0 else base ** rs[t])
            cum_t[a, t + 1] = acc
    h = np.empty((n, n))
    for j in range(n):
        for i in range(n):
            h[j, i] = cum_t[j, t_lo[j, i]]
    num = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            g_ij = h[j, i] - h[i, j]
            if x[i] < x[j]:
                v = g_ij
            elif x[i] > x[j]:
                v = (cum_t[j, n] - cum_t[i, n]) - g_ij
            else:
                v = 0.0
            num[i, j] = v if v > 0.0 else 0.0
    den = 0.0
    if scholz:
        # per voter k: its distances to all actors in ascending order by merging the sorted
        # positions left and right of x_k; then sum_{a,b} |v_a - v_b| = 2 sum (2m-n+1) v_(m)
        for k in range(n):
            xk = x[k]
            p = np.searchsorted(xs, xk)
            left = p - 1
            right = p
            acc = 0.0
            for m in range(n):
                if right < n and (left < 0 or xs[right] - xk <= xk - xs[left]):
                    dd = xs[right] - xk
                    right += 1
                else:
                    dd = xk - xs[left]
                    left -= 1
                base = dd / width
                v = w[k] * (base if r[k] == 1.0 else base ** r[k])
                acc += (2.0 * m - n + 1.0) * v
            den += acc
        den *= 2.0
    return num, den


@numba.njit(cache=True, fastmath=False)
def _prob(num: FloatArray, den: float, x: FloatArray, scholz: bool, i: int, j: int) -> float:
    if x[i] == x[j]:
        return 0.0
    if scholz:
        return num[i, j] / den if den > 0.0 else 0.0
    d = num[i, j] + num[j, i]
    return num[i, j] / d if d > 0.0 else 0.5


@numba.njit(cache=True, fastmath=False)
def round_kernel(
    x: FloatArray,
    w: FloatArray,
    s: FloatArray,
    width: float,
    q: float,
    t_auto: bool,
    t_val: float,
    scholz: bool,
    mu: float,
) -> FloatArray:
    """Steps 1-7 of one round (see ``bdm`` module docstring); returns the new positions."""
    n = x.size
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    t_lo = np.empty((n, n), dtype=np.int64)
    for i in range(n):
        for j in range(n):
            t_lo[i, j] = np.searchsorted(xs, 0.5 * (x[i] + x[j]))
    gap_mu = np.empty(n)
    for i in range(n):
        gap_mu[i] = abs(x[i] - mu) / width
    ones = np.ones(n)
    num, den = _numerators(x, w, ones, width, order, t_lo, scholz)
    # first pass, r = 1: security of each target i = sum over challengers j of E(U_ji)
    sec = np.zeros(n)
    for j in range(n):
        for i in range(n):
            if x[i] == x[j]:
                continue
            d = abs(x[j] - x[i]) / width
            p = _prob(num, den, x, scholz, j, i)
            us = 2.0 - 4.0 * (0.5 - 0.5 * d)
            uf = 2.0 - 4.0 * (0.5 + 0.5 * d)
            far = gap_mu[j] + d
            ub = 2.0 - 4.0 * max(0.5 - 0.25 * far, 0.0)
            uw = 2.0 - 4.0 * (0.5 + 0.25 * far)
            usq = 2.0 - 4.0 * 0.5
            t = (1.0 if gap_mu[j] < d else 0.0) if t_auto else t_val
            ch = s[i] * (p * us + (1.0 - p) * uf) + (1.0 - s[i]) * us
            nc = q * usq + (1.0 - q) * (t * ub + (1.0 - t) * uw)
            sec[i] += ch - nc
    lo_sec = sec.min()
    hi_sec = sec.max()
    r = np.ones(n)
    if hi_sec > lo_sec:
        for i in range(n):
            big = (2.0 * sec[i] - hi_sec - lo_sec) / (hi_sec - lo_sec)
            r[i] = (1.0 - big / 3.0) / (1.0 + big / 3.0)
    num, den = _numerators(x, w, r, width, order, t_lo, scholz)
    new = x.copy()
    for i in range(n):
        e = r[i]
        usq = 2.0 - 4.0 * 0.5**e
        # best offer so far per class: (key1, key2, j); class 0 conflict, 1 compromise, 2 capit.
        best_cls = 3
        best_k1 = np.inf
        best_k2 = np.inf
        best_pos = x[i]
        for j in range(n):
            if x[i] == x[j]:
                continue
            d = abs(x[i] - x[j]) / width
            us = 2.0 - 4.0 * (0.5 - 0.5 * d) ** e
            uf = 2.0 - 4.0 * (0.5 + 0.5 * d) ** e
            p_ij = _prob(num, den, x, scholz, i, j)
            p_ji = _prob(num, den, x, scholz, j, i)
            if q < 1.0:
                far_i = gap_mu[i] + d
                far_j = gap_mu[j] + d
                ub_i = 2.0 - 4.0 * max(0.5 - 0.25 * far_i, 0.0) ** e
                uw_i = 2.0 - 4.0 * (0.5 + 0.25 * far_i) ** e
                ub_j = 2.0 - 4.0 * max(0.5 - 0.25 * far_j, 0.0) ** e
                uw_j = 2.0 - 4.0 * (0.5 + 0.25 * far_j) ** e
            else:
                ub_i = uw_i = ub_j = uw_j = 0.0
            t_i = (1.0 if gap_mu[i] < d else 0.0) if t_auto else t_val
            t_j = (1.0 if gap_mu[j] < d else 0.0) if t_auto else t_val
            a = (s[j] * (p_ij * us + (1.0 - p_ij) * uf) + (1.0 - s[j]) * us) - (
                q * usq + (1.0 - q) * (t_i * ub_i + (1.0 - t_i) * uw_i)
            )
            b = (s[i] * (p_ji * us + (1.0 - p_ji) * uf) + (1.0 - s[i]) * us) - (
                q * usq + (1.0 - q) * (t_j * ub_j + (1.0 - t_j) * uw_j)
            )
            gap = x[j] - x[i]
            if a > 0.0 and b > a:
                cls, pos = 0, x[j]
                k1, k2 = abs(gap), -b
            elif a < 0.0 and b > -a:
                frac = -a / b
                cls, pos = 1, x[i] + gap * frac
                k1, k2 = -b, abs(gap) * frac
            elif a < 0.0 and b > 0.0:
                cls, pos = 2, x[j]
                k1, k2 = abs(gap), -b
            else:
                continue
            if cls < best_cls or (
                cls == best_cls and (k1 < best_k1 or (k1 == best_k1 and k2 < best_k2))
            ):
                best_cls, best_k1, best_k2, best_pos = cls, k1, k2, pos
        new[i] = best_pos
    return new
