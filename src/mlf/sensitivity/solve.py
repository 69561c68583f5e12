"""Minimum-norm solutions of a symmetric positive semi-definite system, the same bits on every
machine.

The inputs' effects of a sweep (SRRC, :mod:`mlf.sensitivity.summary`) solve ``R_xx b = r_xy``
for a correlation matrix ``R_xx`` of a few hundred inputs. ``numpy.linalg.lstsq`` (LAPACK's
``dgelsd``) gave last bits that depend on how many threads OpenBLAS runs (1 or 2 gave different
bits at 244 inputs) and on which CPU kernels it picks, so a sweep's ``summary.json`` depended on
the machine. Here every step is a numpy elementwise operation or a reduction along an axis (no
``@``, ``dot`` or ``linalg``: no BLAS or LAPACK call), each done in one fixed order, so the
result depends only on the inputs.

Method: Cholesky factorisation with diagonal pivoting, ``P' A P = L L'`` [1]_, stopped when the
largest remaining pivot is at most ``d * eps * max(diag A)`` (the default tolerance of LAPACK's
``dpstrf``), which gives the numerical rank ``r`` and ``L`` of ``d x r``. With ``r = d`` the
solution is ``P L'^-1 L^-1 P' c``. With ``r < d`` (inputs whose ranks are exactly collinear) it
is the minimum-norm least-squares solution, as ``lstsq`` gives: ``A = G G'`` with ``G = P L`` of
full column rank, so the pseudo-inverse is ``A^+ = G (G'G)^-2 G'`` [2]_, applied with two
solves of the ``r x r`` matrix ``G'G = L'L``.

References
----------
.. [1] Higham, N. J. (2002). *Accuracy and Stability of Numerical Algorithms*, 2nd ed.,
   SIAM, section 10.3 (Cholesky with complete pivoting of a semidefinite matrix).
.. [2] Ben-Israel, A. and Greville, T. N. E. (2003). *Generalized Inverses: Theory and
   Applications*, 2nd ed., Springer, ch. 1, section 6 (the full-rank factorisation
   ``A = F G`` gives ``A^+ = G' (G G')^-1 (F'F)^-1 F'``).
"""

from __future__ import annotations

import math
from typing import Any, TypeAlias

import numpy as np

Array: TypeAlias = np.ndarray[Any, np.dtype[np.float64]]

EPS = float(np.finfo(np.float64).eps)


def pivoted_cholesky(a: Array) -> tuple[Array, np.ndarray[Any, np.dtype[np.intp]]]:
    """``L`` (``d x r``, lower trapezoidal) and ``perm`` with ``A[perm][:, perm] = L L'``.

    ``r`` is the numerical rank: the factorisation stops when no remaining pivot exceeds
    ``d * eps * max(diag A)``. The pivot is the largest diagonal entry of what remains (the
    first of equal ones).

    Examples:
        >>> low, perm = pivoted_cholesky(np.array([[1.0, 2.0], [2.0, 8.0]]))
        >>> perm.tolist(), low.tolist()
        ([1, 0], [[2.8284271247461903, 0.0], [0.7071067811865475, 0.7071067811865476]])

        Two equal columns: rank 1.

        >>> pivoted_cholesky(np.ones((2, 2)))[0].shape
        (2, 1)
    """
    s = np.array(a, dtype=np.float64)  # the Schur complement, updated in place
    d = s.shape[0]
    perm = np.arange(d)
    low = np.zeros((d, d))
    top = float(np.max(np.diagonal(s))) if d else 0.0
    tol = d * EPS * max(top, 0.0)
    r = 0
    for k in range(d):
        j = k + int(np.argmax(np.diagonal(s)[k:]))
        pivot = float(s[j, j])
        if not pivot > tol:  # also a NaN
            break
        if j != k:
            s[[k, j], :] = s[[j, k], :]
            s[:, [k, j]] = s[:, [j, k]]
            low[[k, j], :k] = low[[j, k], :k]
            perm[[k, j]] = perm[[j, k]]
        root = math.sqrt(pivot)
        col = s[k + 1 :, k] / root
        low[k, k] = root
        low[k + 1 :, k] = col
        s[k + 1 :, k + 1 :] -= np.multiply.outer(col, col)
        r = k + 1
    return low[:, :r], perm


def _rowsum(m: Array) -> Array:
    """The sum of each row of ``m``, each added along a contiguous row (numpy's pairwise
    summation, in a fixed order), so a row's sum does not depend on how many rows there are."""
    out: Array = np.ascontiguousarray(m).sum(axis=1)
    return out


def _forward(low: Array, rhs: Array) -> Array:
    """``Z`` with ``T Z' = rhs'`` for the lower-triangular top square ``T`` of ``low``; the
    right-hand sides are the rows of ``rhs`` (``K x r``)."""
    z = np.zeros_like(rhs)
    for i in range(z.shape[1]):
        z[:, i] = (rhs[:, i] - _rowsum(z[:, :i] * low[i, :i])) / low[i, i]
    return z


def _backward(low: Array, rhs: Array) -> Array:
    """``W`` with ``T' W' = rhs'`` for the lower-triangular top square ``T`` of ``low``; the
    right-hand sides are the rows of ``rhs`` (``K x r``)."""
    r = rhs.shape[1]
    w = np.zeros_like(rhs)
    for i in range(r - 1, -1, -1):
        w[:, i] = (rhs[:, i] - _rowsum(w[:, i + 1 : r] * low[i + 1 : r, i])) / low[i, i]
    return w


def min_norm_solve(a: Array, c: Array) -> Array:
    """The minimum-norm least-squares solution ``b`` of ``A b = c`` for a symmetric positive
    semi-definite ``A`` (``d x d``) and ``c`` of ``d`` or ``d x K`` (``K`` right-hand sides),
    independent of BLAS threads and CPU kernels (see the module's docstring). Each column of
    ``b`` has the same bits whether it is solved alone or with others.

    Examples:
        >>> a = np.array([[1.0, 0.5], [0.5, 1.0]])
        >>> min_norm_solve(a, np.array([1.0, 0.5])).tolist()
        [1.0, 0.0]

        Two identical inputs share the effect, as ``numpy.linalg.lstsq`` shares it:

        >>> min_norm_solve(np.ones((2, 2)), np.array([0.8, 0.8])).round(12).tolist()
        [0.4, 0.4]
    """
    rhs = np.asarray(c, dtype=np.float64)
    low, perm = pivoted_cholesky(a)
    d, r = low.shape
    cp = np.ascontiguousarray(rhs.reshape(d, -1).T[:, perm])  # K x d, permuted
    if r == d:
        w = _backward(low, _forward(low, cp))
    elif r == 0:
        w = np.zeros_like(cp)
    else:
        low_t = np.ascontiguousarray(low.T)  # r x d
        t = np.zeros((cp.shape[0], r))
        for i in range(r):  # (L' c)'
            t[:, i] = _rowsum(cp * low_t[i])
        gram = np.zeros((r, r))
        for i in range(r):  # L'L
            gram[i] = _rowsum(low_t * low_t[i])
        g_low, g_perm = pivoted_cholesky(gram)
        if g_low.shape[1] < r:  # cannot happen: L has full column rank by construction
            raise ArithmeticError("L'L is singular although L has full column rank")

        def solve_gram(v: Array) -> Array:
            out = np.zeros_like(v)
            out[:, g_perm] = _backward(g_low, _forward(g_low, np.ascontiguousarray(v[:, g_perm])))
            return out

        v = solve_gram(solve_gram(t))
        w = np.zeros_like(cp)
        for i in range(d):  # (L v')'
            w[:, i] = _rowsum(v * low[i])
    b = np.zeros_like(cp)
    b[:, perm] = w
    return np.ascontiguousarray(b.T).reshape(rhs.shape)
