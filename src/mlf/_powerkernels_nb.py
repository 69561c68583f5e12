"""The numba-compiled kernels of :mod:`mlf._powerkernels` (imported only when used).

Importing numba takes about a second, so these live apart from their numpy twins and are
loaded on the first call that wants them (games of 16 players or more, or when numba is
already loaded).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

Arr = NDArray[Any]


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
    ch_lo: int,
    ch_hi: int,
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
    for ch in range(ch_lo, ch_hi):  # the caller visits the chunks in slices (progress)
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
