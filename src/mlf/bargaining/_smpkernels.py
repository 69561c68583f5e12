"""Compiled (numba) kernels for :mod:`mlf.bargaining.smp`: the O(n^3) loops of one SMP turn.

This module is imported lazily (importing numba costs about a second), only when a run
uses the compiled path. Every kernel has a pure-numpy twin in :mod:`mlf.bargaining.smp`,
used when numba is not importable or the problem is small; both add floating-point terms in
the same sequential order as KTAB's C++, so that results agree to the last bit in practice
(the printed reference histories depend on ties being broken identically).

Option codes are those of :mod:`mlf.bargaining._smpcodes` (shared with
:mod:`mlf.bargaining.smp`; this module imports nothing else from :mod:`mlf`).

References:
    KTAB, KAPSARC Toolkit for Behavioral Analysis (MIT licence), ``kmodel.cpp``
    (``Model::vote``, ``Model::coalitions``, ``Actor::vProbLittle``,
    ``Actor::thirdPartyVoteSU``) and ``smpbcn.cpp`` (``SMPState::probEduChlg``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

from mlf.bargaining._smpcodes import (
    MIN_CHALLENGE_COALITION,
    MIN_COALITION,
    RA_FULL,
    RA_HALF,
    RA_ONETHIRD,
    RA_TWOTHIRDS,
    TPC_FULL,
    TPC_SEMI,
    VR_BINARY,
    VR_CUBIC,
    VR_PROP,
    VR_PROPBIN,
    VR_PROPCBC,
)

F = TypeVar("F", bound=Callable[..., Any])


def _jit(f: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True)(f))


FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@_jit
def vote(rule: int, w: float, u1: float, u2: float) -> float:
    """Vote of weight ``w`` for option 1 over option 2 given utilities (KTAB Model::vote)."""
    du = u1 - u2
    if rule == VR_PROP:
        return w * du
    r_bin = du / 1e-8
    if r_bin > 1.0:
        r_bin = 1.0
    if r_bin < -1.0:
        r_bin = -1.0
    if rule == VR_BINARY:
        return w * r_bin
    if rule == VR_PROPBIN:
        return w * ((1.0 - 0.2) * du + 0.2 * r_bin)
    if rule == VR_PROPCBC:
        return w * ((1.0 - 0.5) * du + 0.5 * (du * du * du))
    if rule == VR_CUBIC:
        return w * (du * du * du)
    # asymmetric prospects: losses count fully, gains at two thirds
    if du < 0.0:
        return w * du
    if du > 0.0:
        return (2.0 * w * du) / 3.0
    return 0.0


@_jit
def bs_util(d: float, r: float) -> float:
    """Utility of a salience-weighted distance ``d`` under risk attitude ``r`` (bsUtil)."""
    if d <= 1.0:
        return (1.0 - d) * (1.0 + d * r)
    return (1.0 - d) * (1.0 + r)


@_jit
def est_nra(rh: float, ri: float, ra: int) -> float:
    """Actor h's estimate of actor i's risk attitude (Model::estNRA)."""
    if ra == RA_FULL:
        return ri
    if ra == RA_TWOTHIRDS:
        return (rh + (2.0 * ri)) / 3.0
    if ra == RA_HALF:
        return (rh + ri) / 2.0
    if ra == RA_ONETHIRD:
        return ((2.0 * rh) + ri) / 3.0
    return rh


@_jit
def vdiff(x: FloatArray, s: FloatArray) -> FloatArray:
    """``D[i, j]``: distance from i's position to j's, weighted by i's saliences (bvDiff)."""
    n, k = x.shape
    out = np.zeros((n, n))
    for i in range(n):
        ss = 0.0
        for d in range(k):
            ss = ss + s[i, d] * s[i, d]
        if ss <= 0.0:
            continue
        for j in range(n):
            acc = 0.0
            for d in range(k):
                t = (x[i, d] - x[j, d]) * s[i, d]
                acc = acc + t * t
            out[i, j] = np.sqrt(acc / ss)
    return out


@_jit
def coalitions(w: FloatArray, u: FloatArray, rule: int) -> FloatArray:
    """``C[a, b]``: strength of the coalition preferring option a to b (Model::coalitions)."""
    nv, m = u.shape
    c = np.empty((m, m))
    for a in range(m):
        for b in range(a):
            cab = MIN_COALITION
            cba = MIN_COALITION
            for v in range(nv):
                x = vote(rule, w[v], u[v, a], u[v, b])
                if x > 0.0:
                    cab = cab + x
                if x < 0.0:
                    cba = cba - x
            c[a, b] = cab
            c[b, a] = cba
        c[a, a] = MIN_COALITION
    return c


@_jit
def principal_coalitions(
    rule: int, wi: float, uii: float, uij: float, wj: float, uji: float, ujj: float
) -> tuple[float, float]:  # pragma: no cover - compiled
    """The strength for i and for j of a contest i -> j from the two principals' own votes."""
    ci = vote(rule, wi, uii, uij)
    cj = vote(rule, wj, uji, ujj)
    chij = MIN_CHALLENGE_COALITION
    chji = MIN_CHALLENGE_COALITION
    if ci > 0.0:
        chij = chij + ci
    if ci < 0.0:
        chji = chji - ci
    if cj > 0.0:
        chij = chij + cj
    if cj < 0.0:
        chji = chji - cj
    return chij, chji


@_jit
def third_party_vote(
    rule: int,
    wm: float,
    umi: float,
    umj: float,
    umm: float,
    base_i: float,
    base_j: float,
    tpc: int,
) -> float:  # pragma: no cover - compiled
    """A third party m's vote in the contest i -> j, from its expected utilities of each side.

    m first estimates i's chance from the two principals' coalitions plus its own vote
    (``base_i``, ``base_j``), then values joining either side under the commitment rule
    (``tpc``: under SemiCommit a third party on the losing side moves to the winner).
    """
    cm = vote(rule, wm, umi, umj)
    cmi = base_i + cm if cm > 0.0 else base_i
    cmj = base_j - cm if cm < 0.0 else base_j
    pin = cmi / (cmi + cmj)
    pjn = 1.0 - pin
    if tpc == TPC_FULL:
        u_ik_def_j = umi + umi + umi
        u_j_def_ik = umj + umj + umj
        u_i_def_jk = umi + umi + umi
        u_jk_def_i = umj + umj + umj
    elif tpc == TPC_SEMI:
        u_ik_def_j = umi + umi + umm
        u_j_def_ik = umj + umj + umj
        u_i_def_jk = umi + umi + umi
        u_jk_def_i = umj + umj + umm
    else:
        u_ik_def_j = umi + umi + umm
        u_j_def_ik = umj + umj + umm
        u_i_def_jk = umi + umi + umm
        u_jk_def_i = umj + umj + umm
    u_ik_j = (pin * u_ik_def_j) + (pjn * u_j_def_ik)
    u_i_jk = (pin * u_i_def_jk) + (pjn * u_jk_def_i)
    return vote(rule, wm, u_ik_j, u_i_jk)


@_jit
def prob_edu(
    h: int,
    k: int,
    i: int,
    j: int,
    dist: FloatArray,
    r: FloatArray,
    ra: int,
    w: FloatArray,
    sal: FloatArray,
    rule: int,
    tpc: int,
) -> tuple[float, float]:
    """h's estimate of P[i beats j] and of k's expected utility gain from i challenging j.

    ``w`` is capability x total salience per actor, ``sal`` the total salience
    (SMPState::probEduChlg).
    """
    n = dist.shape[0]
    rh = r[h]
    uii = bs_util(dist[i, i], est_nra(rh, r[i], ra))
    uij = bs_util(dist[i, j], est_nra(rh, r[i], ra))
    uji = bs_util(dist[j, i], est_nra(rh, r[j], ra))
    ujj = bs_util(dist[j, j], est_nra(rh, r[j], ra))
    rk = est_nra(rh, r[k], ra)
    uki = bs_util(dist[k, i], rk)
    ukj = bs_util(dist[k, j], rk)
    eu_sq = uki + ukj
    u_win = uki + uki
    u_lose = ukj + ukj
    chij, chji = principal_coalitions(rule, w[i], uii, uij, w[j], uji, ujj)
    base_i = chij
    base_j = chji
    for m in range(n):
        if m != i and m != j:
            rm = est_nra(rh, r[m], ra)
            umi = bs_util(dist[m, i], rm)
            umj = bs_util(dist[m, j], rm)
            umm = bs_util(dist[m, m], rm)
            v = third_party_vote(rule, w[m], umi, umj, umm, base_i, base_j, tpc)
            if v > 0.0:
                chij = chij + v
            if v < 0.0:
                chji = chji - v
    phij = chij / (chij + chji)
    phji = chji / (chij + chji)
    eu_contest = phij * u_win + phji * u_lose
    eu_challenge = (1.0 - sal[j]) * u_win + sal[j] * eu_contest
    return phij, eu_challenge - eu_sq


@_jit
def all_challenges(
    dist: FloatArray,
    r: FloatArray,
    ra: int,
    w: FloatArray,
    sal: FloatArray,
    rule: int,
    tpc: int,
) -> tuple[FloatArray, FloatArray]:
    """``P[i, j]``, ``E[i, j]``: i's own estimate of winning against j and of its gain.

    Same arithmetic as ``prob_edu(i, i, i, j, ...)`` with the utilities that do not depend
    on j computed once per i.
    """
    n = dist.shape[0]
    p = np.zeros((n, n))
    e = np.zeros((n, n))
    dist_t = np.ascontiguousarray(dist.T)  # the inner loop walks down columns
    rhat = np.empty(n)
    u_to_i = np.empty(n)
    u_own = np.empty(n)
    for i in range(n):
        for m in range(n):
            rhat[m] = est_nra(r[i], r[m], ra)
            u_to_i[m] = bs_util(dist[m, i], rhat[m])
            u_own[m] = bs_util(dist[m, m], rhat[m])
        uii = u_own[i]
        for j in range(n):
            if j == i:
                continue
            uij = bs_util(dist[i, j], rhat[i])
            eu_sq = uii + uij
            u_win = uii + uii
            u_lose = uij + uij
            chij, chji = principal_coalitions(rule, w[i], uii, uij, w[j], u_to_i[j], u_own[j])
            base_i = chij
            base_j = chji
            for m in range(n):
                if m != i and m != j:
                    umi = u_to_i[m]
                    umj = bs_util(dist_t[j, m], rhat[m])
                    umm = u_own[m]
                    v = third_party_vote(rule, w[m], umi, umj, umm, base_i, base_j, tpc)
                    if v > 0.0:
                        chij = chij + v
                    if v < 0.0:
                        chji = chji - v
            phij = chij / (chij + chji)
            phji = chji / (chij + chji)
            eu_contest = phij * u_win + phji * u_lose
            p[i, j] = phij
            e[i, j] = (1.0 - sal[j]) * u_win + sal[j] * eu_contest - eu_sq
    return p, e


@_jit
def bargain_utils(
    x: FloatArray,
    s: FloatArray,
    r: FloatArray,
    u_own: FloatArray,
    init: IntArray,
    rcvr: IntArray,
    pos_init: FloatArray,
    pos_rcvr: FloatArray,
) -> FloatArray:
    """``U[a, b]``: a's mean utility over all positions once bargain b is implemented.

    A status-quo bargain has ``init == rcvr``; otherwise only the two parties move.
    """
    n, k = x.shape
    nb = init.shape[0]
    out = np.empty((n, nb))
    for a in range(n):
        ss = 0.0
        for d in range(k):
            ss = ss + s[a, d] * s[a, d]
        for b in range(nb):
            bi = init[b]
            br = rcvr[b]
            acc = 0.0
            if bi == br:
                for m in range(n):
                    acc = acc + u_own[a, m]
            else:
                for side in range(2):
                    dd = 0.0
                    if ss > 0.0:
                        for d in range(k):
                            pb = pos_init[b, d] if side == 0 else pos_rcvr[b, d]
                            t = (x[a, d] - pb) * s[a, d]
                            dd = dd + t * t
                        dd = np.sqrt(dd / ss)
                    acc = acc + bs_util(dd, r[a])
                for m in range(n):
                    if m != bi and m != br:
                        acc = acc + u_own[a, m]
            out[a, b] = acc / n
    return out
