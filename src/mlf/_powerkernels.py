"""Hot loops of :mod:`mlf.power`: numba kernels, each with a pure-numpy twin.

The numba versions are used when numba imports; :data:`HAVE_NUMBA` says so and tests call the
numpy twins directly (``use_numba=False``) to check that both give the same numbers.

Counting arrays have three kinds of entries:

* ``int64``: exact counts, used when every count is below 2**63 (n ≤ 62 players);
* ``object`` (Python ints): exact counts of any size, numpy path only (slow, exact on request);
* ``float64``: *probabilities* (each added player halves the array, so an entry is the share
  of random coalitions with that size/weight): never overflows, ~1e-13 relative error.

References
----------
.. [1] Brams, S. J. and Affuso, P. J. (1976). Power and size: a new paradox. *Theory and
   Decision* 7, 29-56 (generating functions for Banzhaf and Shapley-Shubik counts).
.. [2] Bilbao, J. M., Fernández, J. R., Jiménez Losada, A. and López, J. J. (2000).
   Generating functions for computing power indices efficiently. *TOP* 8(2), 191-213.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

HAVE_NUMBA = importlib.util.find_spec("numba") is not None


@functools.cache
def _nb() -> Any:
    """The compiled kernels (importing numba on first use)."""
    from mlf import _powerkernels_nb

    return _powerkernels_nb


Arr = NDArray[Any]

# 16-bit lookup tables of the enumeration kernel: trailing zeros of a power of two, popcount
_TZ = np.zeros(1 << 16, dtype=np.int64)
_TZ[1 << np.arange(16)] = np.arange(16)
_PC = np.zeros(1 << 16, dtype=np.int64)
for _b in range(16):
    _PC += (np.arange(1 << 16) >> _b) & 1


# --------------------------------------------------------------------------------------------
# 1-D generating function: f[s] = #coalitions of weight s (s < size)


def _dp1_numpy(weights: NDArray[np.int64], size: int, dtype: Any) -> Arr:
    f = np.zeros(size, dtype=dtype)
    f[0] = 1
    half = np.dtype(dtype) == np.float64
    for w in weights:
        w = int(w)
        if w < size:
            if w == 0:
                f = f + f
            else:
                f[w:] = f[w:] + f[: size - w]
        if half:
            f *= 0.5
    return f


def _loo1_window_numpy(f: Arr, w: int, lo: int, hi: int) -> Any:
    """Σ_{s=lo}^{hi} g[s] where f = g ⊗ (1 + x^w) (halved when float): remove one player."""
    size = f.shape[0]
    hi = min(hi, size - 1)
    lo = max(lo, 0)
    if hi < lo:
        return f.dtype.type(0) if f.dtype != object else 0
    half = f.dtype == np.float64
    top = hi + 1
    if w == 0:
        g = f[:top] if half else f[:top] // 2
        return g[lo:top].sum()
    g = np.empty(top, dtype=f.dtype)
    scale = 2.0 if half else 1
    first = min(w, top)
    g[:first] = f[:first] * scale
    s = w
    while s < top:
        e = min(s + w, top)
        g[s:e] = f[s:e] * scale - g[s - w : e - w]
        s = e
    return g[lo:top].sum()


# --------------------------------------------------------------------------------------------
# 2-D generating function: F[k, s] = #coalitions of size k and weight s (s < size)


def _dp2_numpy(weights: NDArray[np.int64], kmax: int, size: int, dtype: Any) -> Arr:
    F = np.zeros((kmax + 1, size), dtype=dtype)
    F[0, 0] = 1
    half = np.dtype(dtype) == np.float64
    for w in weights:
        w = int(w)
        if w < size:
            F[1:, w:] = F[1:, w:] + F[:-1, : size - w]
        if half:
            F *= 0.5
    return F


def _loo2_numpy(F: Arr, w: int) -> Arr:
    """G with F = G ⊗ (1 + y x^w) (halved when float): remove one player of weight w.

    Integers: the recursion G[k] = F[k] - shift_w G[k-1], exact. Floats: that recursion only
    up to half the size (where it damps errors), the rest by complementation,
    G[k, s] = G[m-k, T-s] (m others of total weight T); this needs the full weight range
    (``size`` = total weight + 1), which the float callers use.
    """
    K, size = F.shape
    half = F.dtype == np.float64
    scale = 2.0 if half else 1
    G = np.zeros_like(F)
    m = K - 2  # number of other players
    up_to = m // 2 if half else K - 1
    G[0] = F[0] * scale
    for k in range(1, up_to + 1):
        G[k] = F[k] * scale
        if w < size:
            G[k, w:] -= G[k - 1, : size - w]
    if half:
        np.maximum(G, 0.0, out=G)
        top = size - 1 - w  # total weight of the others
        for k in range(up_to + 1, m + 1):
            if top >= 0:
                G[k, : top + 1] = G[m - k, top::-1]
    return G


def _loo2_windows_numpy(F: Arr, w: int, lo: Arr, hi: Arr, top: int) -> Arr:
    """Window sums Σ_{s=lo[k]}^{hi[k]} G[k, s] of G = F without one player of weight w.

    Rows are produced one at a time by G[k] = F[k] - shift_w G[k-1] (scaled by 2 for float
    shares). Floats stop half-way (beyond it the recursion amplifies rounding errors) and take
    the upper rows by complementation, G[k, s] = G[m-k, top-s] (m others of total weight top).
    """
    K, size = F.shape
    m = K - 2
    half = F.dtype == np.float64
    scale = 2.0 if half else 1
    up_to = m // 2 if half else m
    out = np.zeros(m + 1, dtype=F.dtype)

    def wsum(row: Arr, a: int, b: int) -> Any:
        a, b = max(a, 0), min(b, size - 1)
        return row[a : b + 1].sum() if b >= a else 0

    prev = F[0] * scale
    for k in range(up_to + 1):
        if k > 0:
            cur = F[k] * scale
            if w < size:
                cur[w:] -= prev[: size - w]
            if half:
                np.maximum(cur, 0.0, out=cur)
            prev = cur
        out[k] = wsum(prev, int(lo[k]), int(hi[k]))
        j = m - k
        if half and j > up_to:
            out[j] = wsum(prev, top - int(hi[j]), top - int(lo[j]))
    return out


# --------------------------------------------------------------------------------------------
# numba versions


def dp1(weights: NDArray[np.int64], size: int, dtype: Any, use_numba: bool = True) -> Arr:
    """f[s] for s < size: number (int) or share (float) of coalitions of weight s."""
    size = max(size, 1)
    if use_numba and HAVE_NUMBA and np.dtype(dtype) != object:
        f = np.zeros(size, dtype=dtype)
        if np.dtype(dtype) == np.float64:
            _nb()._dp1_half_nb(weights.astype(np.int64), f)
        else:
            _nb()._dp1_nb(weights.astype(np.int64), f, False)
        return f
    return _dp1_numpy(weights, size, dtype)


def loo1_window(f: Arr, w: int, lo: int, hi: int, use_numba: bool = True) -> Any:
    """Remove one player of weight w from f and sum the result over weights lo..hi."""
    if use_numba and HAVE_NUMBA and f.dtype != object:
        return _nb()._loo1_window_nb(f, int(w), int(lo), int(hi), f.dtype == np.float64)
    return _loo1_window_numpy(f, int(w), int(lo), int(hi))


def loo1_windows(f: Arr, ws: NDArray[np.int64], q: int, use_numba: bool = True) -> Arr:
    """For each weight x in ``ws``: remove a player of weight x, sum over weights q-x..q-1
    (the coalitions of the others that such a player turns from losing to winning)."""
    if use_numba and HAVE_NUMBA and f.dtype != object:
        out: Arr = _nb()._loo1_windows_nb(f, ws.astype(np.int64), int(q), f.dtype == np.float64)
        return out
    return np.array(
        [_loo1_window_numpy(f, int(x), int(q) - int(x), int(q) - 1) for x in ws], dtype=f.dtype
    )


def dp2(
    weights: NDArray[np.int64], kmax: int, size: int, dtype: Any, use_numba: bool = True
) -> Arr:
    """F[k, s] (k ≤ kmax, s < size): coalitions by size and weight (count or share)."""
    size = max(size, 1)
    if use_numba and HAVE_NUMBA and np.dtype(dtype) != object:
        F = np.zeros((kmax + 1, size), dtype=dtype)
        _nb()._dp2_nb(weights.astype(np.int64), F, np.dtype(dtype) == np.float64)
        return F
    return _dp2_numpy(weights, kmax, size, dtype)


def loo2(F: Arr, w: int, use_numba: bool = True) -> Arr:
    """Remove one player of weight w from a size-by-weight array."""
    if use_numba and HAVE_NUMBA and F.dtype != object:
        out: Arr = _nb()._loo2_nb(F, int(w), F.dtype == np.float64)
        return out
    return _loo2_numpy(F, int(w))


def loo2_windows(
    F: Arr, w: int, lo: NDArray[np.int64], hi: NDArray[np.int64], top: int, use_numba: bool = True
) -> Arr:
    """Window sums of each size row of F without one player of weight w (see the numpy twin).

    Float callers need ``size`` above every mirrored index ``top - lo[k]`` of the upper rows.
    """
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    if use_numba and HAVE_NUMBA and F.dtype != object:
        out: Arr = _nb()._loo2_windows_nb(F, int(w), lo, hi, int(top), F.dtype == np.float64)
        return out
    return _loo2_windows_numpy(F, int(w), lo, hi, int(top))


def enum_threshold(
    w: NDArray[np.int64],
    t: NDArray[np.int64],
    cap: int,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Arr, Arr, Arr, Arr, int, list[int]]:
    """Numba enumeration of "w(S) ≥ t[|S|]" (w sorted decreasing, n ≤ 32, w < 2^50):
    winning coalitions by size, swings [player, |S|], critical counts [player, #critical],
    minimal winning by [player, |S|], their number and the first ``cap`` of them.

    Large games are visited in 32 chunks of the high half, one kernel call per slice of
    chunks, so that ``progress(done, 32)`` can report between them."""
    if not HAVE_NUMBA:  # pragma: no cover
        raise RuntimeError("numba is not available")
    nchunks = 32 if len(w) > 20 else 1
    step = 4 if len(w) > 24 else nchunks
    parts = []
    for lo in range(0, nchunks, step):
        hi = min(nchunks, lo + step)
        parts.append(
            _nb()._enum_threshold_nb(
                w.astype(np.int64), t.astype(np.int64), int(cap), nchunks, _TZ, _PC, lo, hi
            )
        )
        if progress is not None:
            progress(hi, nchunks)
    wins, sw, jc, ms, cnt, stored, nst = parts[0]
    for more in parts[1:]:  # each call fills its own chunks' rows only
        wins, sw, jc, ms = wins + more[0], sw + more[1], jc + more[2], ms + more[3]
        cnt, stored, nst = cnt + more[4], stored + more[5], nst + more[6]
    masks: list[int] = []
    for ch in range(nchunks):  # chunk order = high-half order: deterministic
        masks.extend(int(x) for x in stored[ch, : nst[ch]])
    return (
        wins.sum(axis=0), sw.sum(axis=0), jc.sum(axis=0), ms.sum(axis=0),
        int(cnt.sum()), masks[:cap],
    )  # fmt: skip
