"""The float (pre)nucleolus of a small cost table in one compiled pass (numba).

Same sequence of LPs as :func:`mlf.costs._run_nucleolus` (Kopelowitz 1967; Maschler, Peleg &
Shapley 1979): round k minimises t subject to ``x(N) = c(N)``, the coalitions fixed earlier at
their excess, ``x(S) - c(S) <= t`` for the others and, for the nucleolus, ``x_i <= c({i})``;
the coalitions with a positive dual are tight in every optimum (complementary slackness) and
are fixed; coalitions in the span of the fixed ones are dropped; at most n rounds.

What differs is how each LP is solved. Writing ``x = x0 + B z`` (``B`` an orthonormal basis of
the directions the fixed equalities leave free, by SVD) leaves the variables (z, t), all free,
and only inequality rows ``G_j (z, t) <= h_j``. Its dual, ``max -h·y`` subject to
``Σ_j y_j G_j = -e_t``, ``y >= 0``, has d + 1 equality rows (d = dim z <= n - 1) and one column
per row of the LP, so a dense revised simplex with a (d+1) x (d+1) basis solves it (two
phases; Dantzig's largest-reduced-cost rule, and Bland's smallest-index rule after 50
degenerate steps, which cannot cycle: Bland, R. G. (1977), New finite pivoting rules for the
simplex method, *Mathematics of Operations Research* 2(2), 103-107). Pricing a coalition
column needs ``a_S · v`` for one vector v: a subset sum, computed for all 2^n coalitions in
2^n additions. The simplex multipliers are the primal (z, t); the basic y's are the duals
that decide which coalitions are fixed.

The result is checked by tests/test_costs.py against the exact nucleolus (Fractions,
certified round by round) on random games; :func:`mlf.costs.nucleolus` falls back to HiGHS
when this solver reports a failure (status != 0).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

_MAX_ITER = 5000


@numba.njit(cache=True)
def _subset_sums(v: Any, n: int) -> Any:
    """``out[S] = Σ_{i in S} v[i]`` for every mask S (2^n additions)."""
    out = np.zeros(1 << n)
    for s in range(1, 1 << n):
        low = s & -s
        i = 0
        while (1 << i) != low:
            i += 1
        out[s] = out[s ^ low] + v[i]
    return out


@numba.njit(cache=True)
def _products(pi: Any, bmat: Any, idx: Any, ncol: int, n: int) -> Any:
    """``pi · cols[:, j]`` for every column: a subset sum of ``bmat @ pi[:d]`` plus ``pi[d]``
    for a coalition, one row of ``bmat`` for an ``x_i <= c_i`` column."""
    d = bmat.shape[1]
    v = bmat @ np.ascontiguousarray(pi[:d])
    sums = _subset_sums(v, n)
    out = np.empty(ncol)
    for j in range(ncol):
        s = idx[j]
        out[j] = sums[s] + pi[d] if s > 0 else v[-s - 1]
    return out


@numba.njit(cache=True)
def _simplex(
    cols: Any, cost: Any, rhs: Any, tol: float, bmat: Any, idx: Any, n: int
) -> tuple[int, Any, Any, Any]:
    """``max cost·y`` s.t. ``cols @ y = rhs`` (rhs >= 0), ``y >= 0``; two-phase revised simplex.

    Returns (status, y, pi, basis): status 0 optimal, 1 unbounded or infeasible, 2 iteration
    limit, 3 a row that no column can cover (singular); ``pi`` the simplex multipliers.
    """
    m, ncol = cols.shape
    # columns 0..ncol-1 real, ncol..ncol+m-1 artificial (identity)
    basis = np.empty(m, dtype=np.int64)
    for r in range(m):
        basis[r] = ncol + r
    binv = np.eye(m)
    yb = rhs.copy()
    y = np.zeros(ncol)
    pi = np.zeros(m)
    for phase in range(2):
        degenerate = 0
        done = False
        for _it in range(_MAX_ITER):
            cb = np.zeros(m)
            for r in range(m):
                b = basis[r]
                if b < ncol:
                    cb[r] = cost[b] if phase == 1 else 0.0
                else:
                    cb[r] = -1.0 if phase == 0 else 0.0
            pi = cb @ binv
            prod = _products(pi, bmat, idx, ncol, n)
            red = cost - prod if phase == 1 else -prod
            enter = -1
            best = tol
            bland = degenerate > 50
            for j in range(ncol):
                if red[j] > best:
                    isbasic = False
                    for r in range(m):
                        if basis[r] == j:
                            isbasic = True
                            break
                    if isbasic:
                        continue
                    enter = j
                    if bland:
                        break
                    best = red[j]
            if enter < 0:
                done = True
                break
            d = binv @ np.ascontiguousarray(cols[:, enter])
            leave = -1
            ratio = np.inf
            for r in range(m):
                if d[r] > 1e-11:
                    q = yb[r] / d[r]
                    if q < ratio - 1e-14 or (
                        q <= ratio + 1e-14 and leave >= 0 and basis[r] < basis[leave]
                    ):
                        ratio = q
                        leave = r
            if leave < 0:
                return 1, y, pi, basis
            degenerate = degenerate + 1 if ratio <= 1e-14 else 0
            piv = d[leave]
            for r in range(m):
                if r != leave and d[r] != 0.0:
                    f = d[r] / piv
                    binv[r, :] -= f * binv[leave, :]
                    yb[r] -= f * yb[leave]
            binv[leave, :] /= piv
            yb[leave] /= piv
            basis[leave] = enter
            for r in range(m):
                if yb[r] < 0.0 and yb[r] > -1e-12:
                    yb[r] = 0.0
        if not done:
            return 2, y, pi, basis
        if phase == 0:
            infeas = 0.0
            for r in range(m):
                if basis[r] >= ncol:
                    infeas += yb[r]
            if infeas > 1e-9:
                return 1, y, pi, basis  # the LP's dual is infeasible
            # drive the artificials (at zero) out of the basis
            for r in range(m):
                if basis[r] < ncol:
                    continue
                row = binv[r, :] @ cols
                best_j = -1
                best_v = 1e-9
                for j in range(ncol):
                    v = abs(row[j])
                    if v > best_v:
                        isbasic = False
                        for s in range(m):
                            if basis[s] == j:
                                isbasic = True
                                break
                        if not isbasic:
                            best_v = v
                            best_j = j
                if best_j < 0:
                    return 3, y, pi, basis
                d = binv @ np.ascontiguousarray(cols[:, best_j])
                piv = d[r]
                for s in range(m):
                    if s != r and d[s] != 0.0:
                        f = d[s] / piv
                        binv[s, :] -= f * binv[r, :]
                        yb[s] -= f * yb[r]
                binv[r, :] /= piv
                yb[r] /= piv
                basis[r] = best_j
    for r in range(m):
        if basis[r] < ncol:
            y[basis[r]] = max(yb[r], 0.0)
    return 0, y, pi, basis


@numba.njit(cache=True)
def _nullspace(e_rows: Any, e_rhs: Any) -> tuple[Any, Any]:
    """(x0, B): a solution of ``E x = e`` (least squares) and an orthonormal basis (columns)
    of E's null space, by SVD."""
    k, n = e_rows.shape
    u, s, vt = np.linalg.svd(np.ascontiguousarray(e_rows), full_matrices=True)
    rank = 0
    for i in range(s.size):
        if s[i] > 1e-10 * s[0]:
            rank += 1
    x0 = np.zeros(n)
    for i in range(rank):
        coef = 0.0
        for r in range(k):
            coef += u[r, i] * e_rhs[r]
        coef /= s[i]
        for j in range(n):
            x0[j] += coef * vt[i, j]
    basis = np.ascontiguousarray(vt[rank:, :].T)
    return x0, basis


@numba.njit(cache=True)
def _fix_row(
    s: int, k: int, c: Any, t: float, n: int, e_rows: Any, e_rhs: Any, active: Any, ir_open: Any
) -> None:
    """Fix LP row ``s`` (a coalition mask ``s > 0``, or ``-(i + 1)`` for ``x_i <= c_i``) as
    equality ``k``: a coalition at its excess ``t`` (``x(S) = c(S) + t``), a player at its
    stand-alone cost (``x_i = c({i})``); the row then leaves the LP (``active`` / ``ir_open``).
    """
    if s > 0:
        for i in range(n):
            e_rows[k, i] = 1.0 if (s >> i) & 1 else 0.0
        e_rhs[k] = c[s] + t
        active[s] = False
    else:
        i = -s - 1
        for q in range(n):
            e_rows[k, q] = 0.0
        e_rows[k, i] = 1.0
        e_rhs[k] = c[1 << i]
        ir_open[i] = False


@numba.njit(cache=True)
def nucleolus_float(c: Any, n: int, ir: bool) -> tuple[int, Any, float]:
    """(status, x, t of the first round) of the (pre)nucleolus of the cost table ``c``.

    status 0: solved; otherwise the caller solves with HiGHS instead.
    """
    grand = (1 << n) - 1
    scale = 1.0
    for s in range(1 << n):
        scale = max(scale, abs(c[s]))
    tol = 1e-9 * scale
    active = np.zeros(1 << n, dtype=np.bool_)
    for s in range(1, grand):
        active[s] = True
    ir_open = np.zeros(n, dtype=np.bool_)
    if ir:
        for i in range(n):
            ir_open[i] = True
    e_rows = np.zeros((n + (1 << n), n))
    e_rhs = np.zeros(n + (1 << n))
    for i in range(n):
        e_rows[0, i] = 1.0
    e_rhs[0] = c[grand]
    k = 1
    first_t = np.nan
    x = np.zeros(n)
    for _round in range(n + 1):
        x0, basis = _nullspace(e_rows[:k], e_rhs[:k])
        d = basis.shape[1]
        if d == 0:
            x = x0
            break
        # rows of the LP in (z, t): coalition S: (a_S B, -1) w <= c(S) - a_S x0
        base = _subset_sums(x0, n)
        proj = np.empty((d, 1 << n))
        for q in range(d):
            proj[q, :] = _subset_sums(basis[:, q], n)
        idx = np.empty((1 << n) + n, dtype=np.int64)  # S >= 0, or -(i + 1) for x_i <= c_i
        ncol = 0
        for s in range(1, grand):
            if active[s]:
                idx[ncol] = s
                ncol += 1
        for i in range(n):
            if ir_open[i]:
                idx[ncol] = -(i + 1)
                ncol += 1
        if ncol == 0:
            x = x0
            break
        cols = np.zeros((d + 1, ncol))
        cost = np.empty(ncol)
        for j in range(ncol):
            s = idx[j]
            if s > 0:
                for q in range(d):
                    cols[q, j] = proj[q, s]
                cols[d, j] = 1.0
                cost[j] = -(c[s] - base[s])
            else:
                i = -s - 1
                for q in range(d):
                    cols[q, j] = basis[i, q]
                cost[j] = -(c[1 << i] - x0[i])
        rhs = np.zeros(d + 1)
        rhs[d] = 1.0
        status, y, pi, _b = _simplex(cols, cost, rhs, tol, basis, idx, n)
        if status != 0:
            return status + 10, x, first_t
        t = pi[d]
        if _round == 0:
            first_t = t
        z = -pi[:d]
        x = x0 + basis @ z
        ymax = 0.0
        for j in range(ncol):
            ymax = max(ymax, y[j])
        fixed = 0
        for j in range(ncol):
            if y[j] > 1e-9:
                _fix_row(idx[j], k, c, t, n, e_rows, e_rhs, active, ir_open)
                k += 1
                fixed += 1
        if fixed == 0:  # numerical corner: fix the row of the largest dual
            for j in range(ncol):
                if y[j] == ymax:
                    _fix_row(idx[j], k, c, t, n, e_rows, e_rhs, active, ir_open)
                    k += 1
                    break
        # drop the coalitions whose excess the fixed rows now determine
        x0n, basis_n = _nullspace(e_rows[:k], e_rhs[:k])
        dn = basis_n.shape[1]
        if dn == 0:
            x = x0n
            break
        norm2 = np.zeros(1 << n)
        for q in range(dn):
            pq = _subset_sums(basis_n[:, q], n)
            norm2 += pq * pq
        left = 0
        for s in range(1, grand):
            if active[s]:
                if norm2[s] <= 1e-18:
                    active[s] = False
                else:
                    left += 1
        if left == 0:  # as mlf.costs._run_nucleolus: x from the fixed rows
            x = x0n
            break
        if _round == n:
            return 4, x, first_t
    return 0, x, first_t
