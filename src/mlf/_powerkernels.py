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

from typing import Any

import numpy as np
from numpy.typing import NDArray

try:  # pragma: no cover - exercised when numba is installed
    import numba

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised on platforms without numba
    numba = None  # type: ignore[assignment]
    HAVE_NUMBA = False

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

if HAVE_NUMBA:  # pragma: no branch

    @numba.njit(cache=True)
    def _dp1_nb(weights: Arr, f: Arr, half: bool) -> None:  # pragma: no cover - compiled
        size = f.shape[0]
        f[0] = 1
        for w in weights:
            if w == 0:
                if not half:
                    for s in range(size):
                        f[s] += f[s]
                continue
            for s in range(size - 1, w - 1, -1):
                f[s] += f[s - w]
            if half:
                for s in range(size):
                    f[s] *= 0.5

    @numba.njit(cache=True)
    def _dp1_half_nb(weights: Arr, f: Arr) -> None:  # pragma: no cover - compiled
        # shares: the counts times 2^-n, rescaled by exact powers of two every 512 players
        size = f.shape[0]
        f[0] = 1.0
        cum = 0
        pending = 0
        for w in weights:
            if w == 0:  # a weightless player leaves the shares unchanged
                continue
            cum += w
            pending += 1
            for s in range(min(cum, size - 1), w - 1, -1):
                f[s] += f[s - w]
            if pending == 512:
                for s in range(min(cum, size - 1) + 1):
                    f[s] *= 2.0**-512
                pending = 0
        for s in range(size):
            f[s] *= 2.0**-pending

    @numba.njit(cache=True)
    def _loo1_window_nb(f: Arr, w: int, lo: int, hi: int, half: bool) -> Any:  # pragma: no cover
        size = f.shape[0]
        if hi > size - 1:
            hi = size - 1
        if lo < 0:
            lo = 0
        acc = f[0] * 0
        if hi < lo:
            return acc
        top = hi + 1
        g = np.empty(top, dtype=f.dtype)
        if w == 0:
            for s in range(lo, top):
                acc += f[s] if half else f[s] // 2
            return acc
        for s in range(top):
            v = 2 * f[s] if half else f[s]
            if s >= w:
                v -= g[s - w]
            g[s] = v
            if s >= lo:
                acc += v
        return acc

    @numba.njit(cache=True)
    def _loo1_windows_nb(f: Arr, ws: Arr, q: int, half: bool) -> Arr:  # pragma: no cover
        out = np.zeros(ws.shape[0], dtype=f.dtype)
        for j in range(ws.shape[0]):
            out[j] = _loo1_window_nb(f, ws[j], q - ws[j], q - 1, half)
        return out

    @numba.njit(cache=True)
    def _dp2_nb(weights: Arr, F: Arr, half: bool) -> None:  # pragma: no cover - compiled
        K, size = F.shape
        F[0, 0] = 1
        cum = 0
        pending = 0  # shares: rescale by exact powers of two every 512 players
        for m, w in enumerate(weights, 1):
            ktop = min(m, K - 1)
            cum += w
            stop = min(cum, size - 1)
            for k in range(ktop, 0, -1):
                for s in range(stop, w - 1, -1):
                    F[k, s] += F[k - 1, s - w]
            pending += 1
            if half and pending == 512:
                for k in range(ktop + 1):
                    for s in range(stop + 1):
                        F[k, s] *= 2.0**-512
                pending = 0
        if half:
            for k in range(K):
                for s in range(size):
                    F[k, s] *= 2.0**-pending

    @numba.njit(cache=True)
    def _loo2_nb(F: Arr, w: int, half: bool) -> Arr:  # pragma: no cover - compiled
        K, size = F.shape
        G = np.zeros_like(F)
        scale = 2.0 if half else 1.0
        m = K - 2
        up_to = m // 2 if half else K - 1
        for s in range(size):
            G[0, s] = F[0, s] * scale
        for k in range(1, up_to + 1):
            for s in range(size):
                v = F[k, s] * scale
                if s >= w:
                    v -= G[k - 1, s - w]
                if half and v < 0.0:
                    v = 0.0
                G[k, s] = v
        if half:
            top = size - 1 - w
            for k in range(up_to + 1, m + 1):
                for s in range(top + 1):
                    G[k, s] = G[m - k, top - s]
        return G

    @numba.njit(cache=True)
    def _loo2_windows_nb(  # pragma: no cover - compiled
        F: Arr, w: int, lo: Arr, hi: Arr, top: int, half: bool
    ) -> Arr:
        K, size = F.shape
        m = K - 2
        scale = 2.0 if half else 1.0
        up_to = m // 2 if half else m
        out = np.zeros(m + 1, dtype=F.dtype)
        prev = np.empty(size, dtype=F.dtype)
        cur = np.empty(size, dtype=F.dtype)
        for s in range(size):
            prev[s] = F[0, s] * scale
        for k in range(up_to + 1):
            if k > 0:
                for s in range(size):
                    v = F[k, s] * scale
                    if s >= w:
                        v -= prev[s - w]
                    if half and v < 0:
                        v = 0.0
                    cur[s] = v
                prev, cur = cur, prev
            a = max(lo[k], 0)
            b = min(hi[k], size - 1)
            acc = prev[0] * 0
            for s in range(a, b + 1):
                acc += prev[s]
            out[k] = acc
            j = m - k
            if half and j > up_to:
                a = max(top - hi[j], 0)
                b = min(top - lo[j], size - 1)
                acc = prev[0] * 0
                for s in range(a, b + 1):
                    acc += prev[s]
                out[j] = acc
        return out

    @numba.njit(cache=True)
    def _enum_threshold_nb(  # pragma: no cover - compiled
        w: Arr,
        t: Arr,
        cap: int,
        nchunks: int,
        tz: Arr,
        pc: Arr,
    ) -> tuple[Any, ...]:
        """Visit every *winning* coalition of "w(S) ≥ t[|S|]" (players sorted by decreasing
        weight, n ≤ 32) and count what every index needs.

        A coalition is a high half h and a low half l; the low halves are grouped by size and
        sorted by weight, so for each h the winning l of each size form a prefix found by
        bisection. In a winning S (size c, weight p) the critical members are the members
        heavier than p - t[c-1]: a prefix of the sorted players.
        """
        n = w.shape[0]
        lo_bits = n // 2 + 1 if n > 1 else n
        lo_bits = min(lo_bits, n)
        hi_bits = n - lo_bits
        nlo = 1 << lo_bits
        nhi = 1 << hi_bits
        lo_w = np.zeros(nlo, dtype=np.int64)
        lo_c = np.zeros(nlo, dtype=np.int64)
        for m in range(1, nlo):
            low = m & (-m)
            b = tz[low & 0xFFFF] if low & 0xFFFF else 16 + tz[low >> 16]
            lo_w[m] = lo_w[m & (m - 1)] + w[b]
            lo_c[m] = lo_c[m & (m - 1)] + 1
        # low halves grouped by size, by decreasing weight inside a group
        key = lo_c * (np.int64(1) << 50) - lo_w  # weights < 2^50 here
        lo_order = np.argsort(key, kind="mergesort")
        lo_off = np.zeros(lo_bits + 2, dtype=np.int64)
        for m in range(nlo):
            lo_off[lo_c[m] + 1] += 1
        for c in range(lo_bits + 1):
            lo_off[c + 1] += lo_off[c]
        lo_sw = lo_w[lo_order]
        hi_w = np.zeros(nhi, dtype=np.int64)
        hi_c = np.zeros(nhi, dtype=np.int64)
        for m in range(1, nhi):
            low = m & (-m)
            b = tz[low & 0xFFFF] if low & 0xFFFF else 16 + tz[low >> 16]
            hi_w[m] = hi_w[m & (m - 1)] + w[lo_bits + b]
            hi_c[m] = hi_c[m & (m - 1)] + 1
        swings = np.zeros((nchunks, n, n + 1), dtype=np.int64)
        jcount = np.zeros((nchunks, n, n + 1), dtype=np.int64)
        mwc_size = np.zeros((nchunks, n, n + 1), dtype=np.int64)
        wins_by_size = np.zeros((nchunks, n + 1), dtype=np.int64)
        mwc_count = np.zeros(nchunks, dtype=np.int64)
        stored = np.zeros((nchunks, cap), dtype=np.int64)
        nstored = np.zeros(nchunks, dtype=np.int64)
        per = (nhi + nchunks - 1) // nchunks
        for ch in range(nchunks):
            for h in range(ch * per, min(nhi, (ch + 1) * per)):
                hw = hi_w[h]
                hc = hi_c[h]
                base = h << lo_bits
                for lc in range(lo_bits + 1):
                    c = hc + lc
                    start = lo_off[lc]
                    end = lo_off[lc + 1]
                    need = t[c] - hw
                    # winning low halves: lo_sw[start:k] >= need (descending)
                    a = start
                    z = end
                    while a < z:
                        mid = (a + z) >> 1
                        if lo_sw[mid] >= need:
                            a = mid + 1
                        else:
                            z = mid
                    if a > start:
                        wins_by_size[ch, c] += a - start
                    if c == 0:
                        continue
                    tprev = t[c - 1]
                    r = 0  # p decreases along the group, so r only grows
                    for idx in range(start, a):
                        lm = lo_order[idx]
                        p = hw + lo_sw[idx]
                        m = base | lm
                        e = p - tprev
                        while r < n and w[r] > e:
                            r += 1
                        cm = m & ((np.int64(1) << r) - 1)
                        nc = pc[cm & 0xFFFF] + pc[(cm >> 16) & 0xFFFF]
                        if nc == 0:
                            continue
                        x = cm
                        while x:
                            y = x & (-x)
                            b = tz[y & 0xFFFF] if y & 0xFFFF else 16 + tz[(y >> 16) & 0xFFFF]
                            swings[ch, b, c] += 1
                            jcount[ch, b, nc] += 1
                            x &= x - 1
                        if nc == c:
                            mwc_count[ch] += 1
                            if nstored[ch] < cap:
                                stored[ch, nstored[ch]] = m
                                nstored[ch] += 1
                            x = m
                            while x:
                                y = x & (-x)
                                b = tz[y & 0xFFFF] if y & 0xFFFF else 16 + tz[(y >> 16) & 0xFFFF]
                                mwc_size[ch, b, c] += 1
                                x &= x - 1
        return wins_by_size, swings, jcount, mwc_size, mwc_count, stored, nstored


def dp1(weights: NDArray[np.int64], size: int, dtype: Any, use_numba: bool = True) -> Arr:
    """f[s] for s < size: number (int) or share (float) of coalitions of weight s."""
    size = max(size, 1)
    if use_numba and HAVE_NUMBA and np.dtype(dtype) != object:
        f = np.zeros(size, dtype=dtype)
        if np.dtype(dtype) == np.float64:
            _dp1_half_nb(weights.astype(np.int64), f)
        else:
            _dp1_nb(weights.astype(np.int64), f, False)
        return f
    return _dp1_numpy(weights, size, dtype)


def loo1_window(f: Arr, w: int, lo: int, hi: int, use_numba: bool = True) -> Any:
    """Remove one player of weight w from f and sum the result over weights lo..hi."""
    if use_numba and HAVE_NUMBA and f.dtype != object:
        return _loo1_window_nb(f, int(w), int(lo), int(hi), f.dtype == np.float64)
    return _loo1_window_numpy(f, int(w), int(lo), int(hi))


def loo1_windows(f: Arr, ws: NDArray[np.int64], q: int, use_numba: bool = True) -> Arr:
    """For each weight x in ``ws``: remove a player of weight x, sum over weights q-x..q-1
    (the coalitions of the others that such a player turns from losing to winning)."""
    if use_numba and HAVE_NUMBA and f.dtype != object:
        out: Arr = _loo1_windows_nb(f, ws.astype(np.int64), int(q), f.dtype == np.float64)
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
        _dp2_nb(weights.astype(np.int64), F, np.dtype(dtype) == np.float64)
        return F
    return _dp2_numpy(weights, kmax, size, dtype)


def loo2(F: Arr, w: int, use_numba: bool = True) -> Arr:
    """Remove one player of weight w from a size-by-weight array."""
    if use_numba and HAVE_NUMBA and F.dtype != object:
        out: Arr = _loo2_nb(F, int(w), F.dtype == np.float64)
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
        out: Arr = _loo2_windows_nb(F, int(w), lo, hi, int(top), F.dtype == np.float64)
        return out
    return _loo2_windows_numpy(F, int(w), lo, hi, int(top))


def enum_threshold(
    w: NDArray[np.int64], t: NDArray[np.int64], cap: int
) -> tuple[Arr, Arr, Arr, Arr, int, list[int]]:
    """Numba enumeration of "w(S) ≥ t[|S|]" (w sorted decreasing, n ≤ 32, w < 2^50):
    winning coalitions by size, swings [player, |S|], critical counts [player, #critical],
    minimal winning by [player, |S|], their number and the first ``cap`` of them."""
    if not HAVE_NUMBA:  # pragma: no cover
        raise RuntimeError("numba is not available")
    nchunks = 32 if len(w) > 20 else 1
    wins, sw, jc, ms, cnt, stored, nst = _enum_threshold_nb(
        w.astype(np.int64), t.astype(np.int64), int(cap), nchunks, _TZ, _PC
    )
    masks: list[int] = []
    for ch in range(nchunks):  # chunk order = high-half order: deterministic
        masks.extend(int(x) for x in stored[ch, : nst[ch]])
    return (
        wins.sum(axis=0), sw.sum(axis=0), jc.sum(axis=0), ms.sum(axis=0),
        int(cnt.sum()), masks[:cap],
    )  # fmt: skip
