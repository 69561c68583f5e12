"""KTAB's Spatial Model of Politics (SMP): actors bargain over several coupled dimensions.

Each turn (the "BCN" step of KTAB's ``SMPState``):

1. Every actor values every current position by a salience-weighted RMS distance ``d`` and a
   quadratic risk-adjusted utility ``u = (1 - d)(1 + R d)``.
2. Risk attitudes ``R`` are inferred, not given: a probabilistic Condorcet election (PCE)
   among the current positions, with risk-neutral utilities and capability-weighted votes,
   gives each position a probability; the most probable position's holder gets ``R = +1``
   and the least probable's the bottom of the range (``big_r_range``).
3. Each actor i estimates, from its own point of view (others' risk attitudes blended with its
   own by ``big_r_adjust``), the probability of winning a challenge against every other actor
   j -- third parties join the side they prefer in the "little" three-actor contest
   (``third_party_commit``) -- and the expected gain of that challenge; j resists with
   probability equal to its total salience. i targets the j with the largest gain above 1e-5.
4. For each challenge a bargain is interpolated dimension by dimension, weighting the two
   positions by salience^a x probability^b (``inter_vec_brgn``; rounded to 4 decimals as
   KTAB does) from the initiator's view (``bargn_model``).
5. Every actor's queue holds its status quo and every bargain it is party to. All actors vote
   over each queue (mean utility over all positions after the bargain) and the PCE picks the
   winner, deterministically (most probable) or by sampling (``state_transitions``); the
   winning bargain is the actor's next position.
6. Stop when the total position change of a turn falls below ``stop_fraction`` of the first
   turn's change (after at least ``min_turns``), or after ``max_turns``.

KTAB's C++ evaluates the challenge from every perspective (h, k, i, j) to record it in its
database, an O(n^4) turn. Only the (i, i, i, j) evaluations (and (j, i, i, j) for the other
bargaining models) feed the dynamics, so this implementation computes just those: O(n^3) per
turn, with numba kernels (:mod:`mlf.bargaining._smpkernels`) and a pure-numpy fallback that
adds terms in the same order.

Parameters (snake_case name -> KTAB XML element; values -> KTAB names; default first):

================== ================= ===========================================================
name               KTAB              values
================== ================= ===========================================================
victory_prob_model VictoryProbModel  ``linear`` Linear, ``square``, ``quartic``, ``octic``,
                                     ``binary``
voting_rule        VotingRule        ``prop`` Proportional, ``binary``, ``prop_bin`` PropBin,
                                     ``prop_cbc`` PropCbc, ``cubic``, ``asym_prosp`` ASymProsp
pce_model          PCEModel          ``conditional`` ConditionalPCM, ``markov_incentive``
                                     MarkovIPCM, ``markov_uniform`` MarkovUPCM
state_transitions  StateTransitions  ``deterministic`` DeterminsticSTM, ``stochastic``
                                     StochasticSTM
big_r_range        BigRRange         ``mid`` Mid, ``min`` Min, ``max`` Max
big_r_adjust       BigRAdjust        ``one_third`` OneThird, ``none`` None/NoRA, ``half`` Half,
                                     ``two_thirds`` TwoThirds, ``full`` Full
third_party_commit ThirdPartyCommit  ``semi_commit`` SemiCommit, ``no_commit`` NoCommit,
                                     ``full_commit`` FullCommit
inter_vec_brgn     InterVecBrgn      ``s2p2`` S2P2, ``s1p1`` S1P1, ``s2pmax`` S2PMax
bargn_model        BargnModel        ``init_only_interp`` InitOnlyInterp, ``init_rcvr_interp``
                                     InitRcvrInterp, ``pw_comp_interp`` PWCompInterp
max_turns          (smpc: 100)       int >= 1
min_turns          (smpc: 2)         int >= 1
stop_fraction      (smpc: 0.02)      float >= 0
================== ================= ===========================================================

KTAB's own spellings (``PropBin``, ``ConditionalPCM``, ``NoRA``, ``OneThird`` ...) are accepted
too, case-insensitively. The defaults are those smpc writes for CSV runs.

Scales: a :class:`~mlf.bargaining.base.BargainingInput` gives positions in each issue's units;
the model maps ``[lo, hi]`` linearly onto KTAB's ``[0, 1]`` and maps the results back, so a
KTAB CSV read with ``lo = 0, hi = 100`` runs on exactly KTAB's numbers. Saliences are used as
given; an actor whose saliences sum above 1 (KTAB's CSV reader refuses that) has them divided
by their sum, since KTAB reads the total salience as the probability of resisting a challenge.

Faithfully reproduced KTAB quirks (they only matter for non-default options): with
``init_rcvr_interp`` and ``pw_comp_interp`` the target's "probability" used to interpolate its
bargain is its *expected utility gain* (``get<1>`` of ``probEduChlg``), and the power-weighted
compromise weights the target's bargain by the initiator's capability times the target's
salience. KTAB aborts on actors with zero capability or zero salience; here a zero capability
simply votes with weight 0 and an actor with all saliences zero is indifferent (distance 0).
If every position has the same probability, all risk attitudes are 0 (KTAB divides 0 by 0).
``stochastic`` transitions draw from a ``numpy.random.Generator`` seeded with the run's seed,
so its random stream differs from KTAB's mt19937_64; the selection rule (first option whose
cumulative probability reaches a uniform draw) is KTAB's.

Forecast: the outcome is the probability-weighted mean of the distinct final positions per
dimension (KTAB reports the probability of each position, not a single point); the single most
probable position, per-turn risk attitudes and the stopping ratio are in
``params["diagnostics"]``.

References:
    Wise, B. P., Lester, L., Efird, B. et al. (2015-2017). KTAB: KAPSARC Toolkit for Behavioral
    Analysis, Spatial Model of Politics (``examples/smp``), github.com/KAPSARC/KTAB, MIT
    licence. Files ``smp.cpp``, ``smpbcn.cpp``, ``kmodel.cpp``, ``kstate.cpp``.

    Wise, B. P. (2015). "Probabilistic Condorcet Elections", and "Markov Voting with
    Incentives in KTAB", KAPSARC technical notes in KTAB's ``doc`` folder.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlf.bargaining._smpcodes import (
    MIN_CHALLENGE_COALITION,
    MIN_COALITION,
    RA_FULL,
    RA_HALF,
    RA_NONE,
    RA_ONETHIRD,
    RA_TWOTHIRDS,
    SMP_MAX_POWER,
    SMP_MIN_POWER,
    TPC_FULL,
    TPC_NO,
    TPC_SEMI,
    VR_ASYM,
    VR_BINARY,
    VR_CUBIC,
    VR_PROP,
    VR_PROPBIN,
    VR_PROPCBC,
)
from mlf.bargaining.base import (
    BargainingInput,
    FloatArray,
    Forecast,
    ProgressFn,
    check_params,
    unit_capability,
)
from mlf.errors import BargainingError
from mlf.seeds import SeedLike, generator

IntArray = NDArray[np.int64]

__all__ = ["OPTIONS", "SMP", "SMPModel", "SMPResult", "run_smp", "smp_history"]

# ---------------------------------------------------------------- option codes

# (in a leaf module shared with the compiled kernels; see mlf.bargaining._smpcodes)
MAX_TURNS = 10_000
"""Most turns of one run (KTAB's smpc default is 100); each turn's positions are kept."""

#: numba is used (when importable) from this many actors on; below it numpy is as fast as
#: loading the compiled kernels.
NUMBA_MIN_ACTORS = 25
NUMBA_AVAILABLE = importlib.util.find_spec("numba") is not None

# ---------------------------------------------------------------- parameters

#: parameter -> {our value: KTAB name}; the first value is the default.
OPTIONS: dict[str, dict[str, str]] = {
    "victory_prob_model": {
        "linear": "Linear",
        "square": "Square",
        "quartic": "Quartic",
        "octic": "Octic",
        "binary": "Binary",
    },
    "voting_rule": {
        "prop": "Proportional",
        "binary": "Binary",
        "prop_bin": "PropBin",
        "prop_cbc": "PropCbc",
        "cubic": "Cubic",
        "asym_prosp": "ASymProsp",
    },
    "pce_model": {
        "conditional": "ConditionalPCM",
        "markov_incentive": "MarkovIPCM",
        "markov_uniform": "MarkovUPCM",
    },
    "state_transitions": {"deterministic": "DeterminsticSTM", "stochastic": "StochasticSTM"},
    "big_r_range": {"mid": "Mid", "min": "Min", "max": "Max"},
    "big_r_adjust": {
        "one_third": "OneThird",
        "none": "None",
        "half": "Half",
        "two_thirds": "TwoThirds",
        "full": "Full",
    },
    "third_party_commit": {
        "semi_commit": "SemiCommit",
        "no_commit": "NoCommit",
        "full_commit": "FullCommit",
    },
    "inter_vec_brgn": {"s2p2": "S2P2", "s1p1": "S1P1", "s2pmax": "S2PMax"},
    "bargn_model": {
        "init_only_interp": "InitOnlyInterp",
        "init_rcvr_interp": "InitRcvrInterp",
        "pw_comp_interp": "PWCompInterp",
    },
}

#: KTAB XML element name of each parameter.
KTAB_PARAM_NAMES: dict[str, str] = {
    "victory_prob_model": "VictoryProbModel",
    "voting_rule": "VotingRule",
    "pce_model": "PCEModel",
    "state_transitions": "StateTransitions",
    "big_r_range": "BigRRange",
    "big_r_adjust": "BigRAdjust",
    "third_party_commit": "ThirdPartyCommit",
    "inter_vec_brgn": "InterVecBrgn",
    "bargn_model": "BargnModel",
}

_EXTRA_ALIASES: dict[str, dict[str, str]] = {
    "voting_rule": {"proportional": "prop"},
    "pce_model": {
        "conditionalpcm": "conditional",
        "markovipcm": "markov_incentive",
        "markovupcm": "markov_uniform",
        "markovincentive": "markov_incentive",
        "markovuniform": "markov_uniform",
    },
    "state_transitions": {"determinsticstm": "deterministic", "stochasticstm": "stochastic"},
    "big_r_adjust": {
        "nora": "none",
        "onethirdra": "one_third",
        "halfra": "half",
        "twothirdsra": "two_thirds",
        "fullra": "full",
    },
    "bargn_model": {
        "initonlyinterpsmpbm": "init_only_interp",
        "initrcvrinterpsmpbm": "init_rcvr_interp",
        "pwcompinterpsmpbm": "pw_comp_interp",
    },
}

_VPM = {"linear": 0, "square": 1, "quartic": 2, "octic": 3, "binary": 4}
_VR = {
    "binary": VR_BINARY,
    "prop_bin": VR_PROPBIN,
    "prop": VR_PROP,
    "prop_cbc": VR_PROPCBC,
    "cubic": VR_CUBIC,
    "asym_prosp": VR_ASYM,
}
_RA = {
    "none": RA_NONE,
    "one_third": RA_ONETHIRD,
    "half": RA_HALF,
    "two_thirds": RA_TWOTHIRDS,
    "full": RA_FULL,
}
_TPC = {"no_commit": TPC_NO, "semi_commit": TPC_SEMI, "full_commit": TPC_FULL}

DEFAULTS: dict[str, Any] = {name: next(iter(values)) for name, values in OPTIONS.items()}
DEFAULTS.update({"max_turns": 100, "min_turns": 2, "stop_fraction": 0.02})

POS_TOL = 1e-3  # SMPModel::posTol: positions closer than this (on [0, 1]) are one option
MIN_SIG_EDU = 1e-5  # SMPState::bestChallenge: smallest expected gain worth a challenge
MIN_SIG_DELTA = 1e-4  # smpStopFn: guards the first-turn change against 0
MIN_W = 1e-6  # interpolated bargains: avoids 0/0 when neither side cares


def _canon(name: str, value: Any) -> str:
    """Our spelling of ``value`` for parameter ``name`` (accepts KTAB's names)."""
    if not isinstance(value, str):
        raise BargainingError(f"smp parameter {name} must be a string, got {value!r}")
    table = OPTIONS[name]
    key = value.strip().lower().replace("-", "_")
    if key in table:
        return key
    flat = key.replace("_", "")
    for ours, ktab in table.items():
        if flat in (ours.replace("_", ""), ktab.lower()):
            return ours
    alias = _EXTRA_ALIASES.get(name, {}).get(flat)
    if alias is not None:
        return alias
    raise BargainingError(
        f"smp parameter {name} has no value {value!r} (known: {', '.join(table)})"
    )


def resolve_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Defaults filled in, KTAB spellings mapped to ours, values checked (one-line errors).

    Examples:
        KTAB's ``Quartic`` is our ``quartic``; the rest keep their defaults:

        >>> opt = resolve_params({"victory_prob_model": "Quartic"})
        >>> opt["victory_prob_model"], opt["pce_model"], opt["max_turns"]
        ('quartic', 'conditional', 100)
        >>> resolve_params({"max_turns": 0})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        mlf.errors.BargainingError: smp parameter max_turns must be an integer in [1, ...
    """
    given = dict(params or {})
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise BargainingError(
            f"model 'smp' has no parameter {', '.join(unknown)} "
            f"(known: {', '.join(sorted(DEFAULTS))})"
        )
    out = {**DEFAULTS, **given}
    for name in OPTIONS:
        out[name] = _canon(name, out[name])
    for name in ("max_turns", "min_turns"):
        v = out[name]
        if (
            isinstance(v, bool)
            or not isinstance(v, int | np.integer)
            or not 1 <= int(v) <= MAX_TURNS
        ):
            raise BargainingError(
                f"smp parameter {name} must be an integer in [1, {MAX_TURNS}] "
                f"(mlf.bargaining.smp.MAX_TURNS), got {v!r}"
            )
        out[name] = int(v)
    sf = out["stop_fraction"]
    if isinstance(sf, bool) or not isinstance(sf, int | float) or not np.isfinite(sf) or sf < 0:
        raise BargainingError(f"smp parameter stop_fraction must be a number >= 0, got {sf!r}")
    out["stop_fraction"] = float(sf)
    return out


# ---------------------------------------------------------------- numpy twins of the kernels


def _np_vote(rule: int, w: Any, u1: Any, u2: Any) -> FloatArray:
    du = np.asarray(u1 - u2, dtype=np.float64)
    if rule == VR_PROP:
        return np.asarray(w * du, dtype=np.float64)
    r_bin = np.clip(du / 1e-8, -1.0, 1.0)
    if rule == VR_BINARY:
        v = w * r_bin
    elif rule == VR_PROPBIN:
        v = w * ((1.0 - 0.2) * du + 0.2 * r_bin)
    elif rule == VR_PROPCBC:
        v = w * ((1.0 - 0.5) * du + 0.5 * (du * du * du))
    elif rule == VR_CUBIC:
        v = w * (du * du * du)
    else:
        v = np.where(du < 0.0, w * du, np.where(du > 0.0, (2.0 * w * du) / 3.0, 0.0))
    return np.asarray(v, dtype=np.float64)


def _np_bs_util(d: Any, r: Any) -> FloatArray:
    d = np.asarray(d, dtype=np.float64)
    return np.asarray(np.where(d <= 1.0, (1.0 - d) * (1.0 + d * r), (1.0 - d) * (1.0 + r)))


def _np_est_nra(rh: Any, ri: Any, ra: int) -> FloatArray:
    if ra == RA_FULL:
        out = ri + 0.0 * rh
    elif ra == RA_TWOTHIRDS:
        out = (rh + (2.0 * ri)) / 3.0
    elif ra == RA_HALF:
        out = (rh + ri) / 2.0
    elif ra == RA_ONETHIRD:
        out = ((2.0 * rh) + ri) / 3.0
    else:
        out = rh + 0.0 * ri
    return np.asarray(out, dtype=np.float64)


def _seq_sum_cols(a: FloatArray) -> FloatArray:
    """Row sums of a 2-D array, adding columns left to right (as a C loop does)."""
    acc = np.zeros(a.shape[0])
    for col in range(a.shape[1]):
        acc = acc + a[:, col]
    return acc


def _np_vdiff(x: FloatArray, s: FloatArray) -> FloatArray:
    n, k = x.shape
    ss = _seq_sum_cols(s * s)
    acc = np.zeros((n, n))
    for d in range(k):
        t = (x[:, d][:, None] - x[:, d][None, :]) * s[:, d][:, None]
        acc = acc + t * t
    safe = np.where(ss > 0.0, ss, 1.0)
    return np.where((ss > 0.0)[:, None], np.sqrt(acc / safe[:, None]), 0.0)


def _np_coalitions(w: FloatArray, u: FloatArray, rule: int) -> FloatArray:
    nv, m = u.shape
    pos = np.empty((m, m))
    neg = np.empty((m, m))
    step = max(1, 2_000_000 // max(1, nv * m))  # rows per block, bounds memory
    for a0 in range(0, m, step):
        a1 = min(m, a0 + step)
        x = _np_vote(rule, w[:, None, None], u[:, a0:a1, None], u[:, None, :])
        first = np.full((1, a1 - a0, m), MIN_COALITION)
        # voters are added one after another, as in KTAB's loop
        pos[a0:a1] = np.cumsum(np.concatenate([first, np.where(x > 0.0, x, 0.0)]), axis=0)[-1]
        neg[a0:a1] = np.cumsum(np.concatenate([first, np.where(x < 0.0, -x, 0.0)]), axis=0)[-1]
    low = np.tril(np.ones((m, m), dtype=bool), -1)
    c = np.where(low, pos, 0.0) + np.where(low, neg, 0.0).T
    np.fill_diagonal(c, MIN_COALITION)
    return c


def _np_all_challenges(
    dist: FloatArray,
    r: FloatArray,
    ra: int,
    w: FloatArray,
    sal: FloatArray,
    rule: int,
    tpc: int,
) -> tuple[FloatArray, FloatArray]:
    n = dist.shape[0]
    p_out = np.zeros((n, n))
    e_out = np.zeros((n, n))
    idx = np.arange(n)
    for i in range(n):
        rhat = _np_est_nra(r[i], r, ra)  # i's estimate of every actor's risk attitude
        a = _np_bs_util(dist, rhat[:, None])  # a[m, b]: utility to m of b's position
        uii = a[i, i]
        uij = a[i, :]
        uji = a[:, i]
        diag = np.diagonal(a).copy()
        eu_sq = uii + uij
        u_win = uii + uii
        u_lose = uij + uij
        ci = _np_vote(rule, w[i], uii, uij)
        cj = _np_vote(rule, w, uji, diag)
        chij = np.full(n, MIN_CHALLENGE_COALITION)
        chji = np.full(n, MIN_CHALLENGE_COALITION)
        chij = np.where(ci > 0.0, chij + ci, chij)
        chji = np.where(ci < 0.0, chji - ci, chji)
        chij = np.where(cj > 0.0, chij + cj, chij)
        chji = np.where(cj < 0.0, chji - cj, chji)
        base_i = chij[:, None]
        base_j = chji[:, None]
        # rows: target j, columns: third party m
        umi = uji[None, :]
        umj = a.T
        umm = diag[None, :]
        cm = _np_vote(rule, w[None, :], umi, umj)
        cmi = np.where(cm > 0.0, base_i + cm, base_i)
        cmj = np.where(cm < 0.0, base_j - cm, base_j)
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
        v = _np_vote(rule, w[None, :], u_ik_j, u_i_jk)
        third = (idx[None, :] != i) & (idx[None, :] != idx[:, None])
        vpos = np.where(third & (v > 0.0), v, 0.0)
        vneg = np.where(third & (v < 0.0), -v, 0.0)
        chij = np.cumsum(np.concatenate([chij[:, None], vpos], axis=1), axis=1)[:, -1]
        chji = np.cumsum(np.concatenate([chji[:, None], vneg], axis=1), axis=1)[:, -1]
        phij = chij / (chij + chji)
        phji = chji / (chij + chji)
        eu_contest = phij * u_win + phji * u_lose
        eu_challenge = (1.0 - sal) * u_win + sal * eu_contest
        p_out[i] = phij
        e_out[i] = eu_challenge - eu_sq
        p_out[i, i] = 0.0
        e_out[i, i] = 0.0
    return p_out, e_out


def _np_prob_edu(
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
    n = dist.shape[0]
    rhat = _np_est_nra(r[h], r, ra)
    a = _np_bs_util(dist, rhat[:, None])
    uii, uij, uji, ujj = a[i, i], a[i, j], a[j, i], a[j, j]
    eu_sq = a[k, i] + a[k, j]
    u_win = a[k, i] + a[k, i]
    u_lose = a[k, j] + a[k, j]
    ci = float(_np_vote(rule, w[i], uii, uij))
    cj = float(_np_vote(rule, w[j], uji, ujj))
    chij = chji = MIN_CHALLENGE_COALITION
    if ci > 0.0:
        chij = chij + ci
    if ci < 0.0:
        chji = chji - ci
    if cj > 0.0:
        chij = chij + cj
    if cj < 0.0:
        chji = chji - cj
    base_i, base_j = chij, chji
    for m in range(n):
        if m in (i, j):
            continue
        umi, umj, umm = a[m, i], a[m, j], a[m, m]
        cm = float(_np_vote(rule, w[m], umi, umj))
        cmi = base_i + cm if cm > 0.0 else base_i
        cmj = base_j - cm if cm < 0.0 else base_j
        pin = cmi / (cmi + cmj)
        pjn = 1.0 - pin
        if tpc == TPC_FULL:
            t = (umi + umi + umi, umj + umj + umj, umi + umi + umi, umj + umj + umj)
        elif tpc == TPC_SEMI:
            t = (umi + umi + umm, umj + umj + umj, umi + umi + umi, umj + umj + umm)
        else:
            t = (umi + umi + umm, umj + umj + umm, umi + umi + umm, umj + umj + umm)
        u_ik_j = (pin * t[0]) + (pjn * t[1])
        u_i_jk = (pin * t[2]) + (pjn * t[3])
        v = float(_np_vote(rule, w[m], u_ik_j, u_i_jk))
        if v > 0.0:
            chij = chij + v
        if v < 0.0:
            chji = chji - v
    phij = chij / (chij + chji)
    phji = chji / (chij + chji)
    eu_contest = phij * u_win + phji * u_lose
    eu_challenge = (1.0 - sal[j]) * u_win + sal[j] * eu_contest
    return float(phij), float(eu_challenge - eu_sq)


def _np_bargain_utils(
    x: FloatArray,
    s: FloatArray,
    r: FloatArray,
    u_own: FloatArray,
    init: IntArray,
    rcvr: IntArray,
    pos_init: FloatArray,
    pos_rcvr: FloatArray,
) -> FloatArray:
    n, k = x.shape
    ss = _seq_sum_cols(s * s)
    safe = np.where(ss > 0.0, ss, 1.0)[:, None]
    is_sq = init == rcvr

    def side(pos: FloatArray) -> FloatArray:
        acc = np.zeros((n, len(init)))
        for d in range(k):
            t = (x[:, d][:, None] - pos[:, d][None, :]) * s[:, d][:, None]
            acc = acc + t * t
        dd = np.where((ss > 0.0)[:, None], np.sqrt(acc / safe), 0.0)
        return _np_bs_util(dd, r[:, None])

    acc = np.where(is_sq[None, :], 0.0, side(pos_init) + side(pos_rcvr))
    for m in range(n):
        keep = is_sq | ((init != m) & (rcvr != m))
        acc = acc + np.where(keep[None, :], u_own[:, m][:, None], 0.0)
    return np.asarray(acc / n, dtype=np.float64)


# ---------------------------------------------------------------- shared (small) pieces


def _power(x: FloatArray, vpm: int) -> FloatArray:
    if vpm == 1:
        return x * x
    if vpm == 2:
        return x * x * x * x
    if vpm == 3:
        q = x * x * x * x
        return q * q
    return x


@functools.lru_cache(maxsize=256)
def _lower(m: int) -> tuple[IntArray, IntArray]:
    r, c = np.tril_indices(m, -1)
    return r.astype(np.int64), c.astype(np.int64)


def victory_probabilities(c: FloatArray, vpm: int) -> FloatArray:
    """``P[a, b]`` that option a beats b given coalition strengths (Model::vProb).

    Linear: ``C_ab / (C_ab + C_ba)``; Square/Quartic/Octic raise strengths to the power 2, 4,
    8 first; Binary is certain beyond a 10 % margin, linear in between. ``P[a, a] = 1/2``.

    Examples:
        Option 0's coalition is three times as strong as option 1's: it wins with 3/4
        (linear, ``vpm`` 0) or 9/10 (square, ``vpm`` 1):

        >>> c = np.array([[0.0, 3.0], [1.0, 0.0]])
        >>> victory_probabilities(c, 0).tolist(), victory_probabilities(c, 1).tolist()
        ([[0.5, 0.75], [0.25, 0.5]], [[0.5, 0.9], [0.1, 0.5]])
    """
    m = c.shape[0]
    lo_r, lo_c = _lower(m)
    s1 = c[lo_r, lo_c]
    s2 = c[lo_c, lo_r]
    if vpm == 4:
        thresh = 1.10
        r12 = s1 / (s1 + s2)
        p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(s1 >= thresh * s2, 1.0, np.where(s2 >= thresh * s1, 1e-6, p12))
        x2 = np.where(s1 >= thresh * s2, 1e-6, np.where(s2 >= thresh * s1, 1.0, 1.0 - p12))
    else:
        x1 = _power(s1, vpm)
        x2 = _power(s2, vpm)
    p = np.full((m, m), 0.5)
    p[lo_r, lo_c] = x1 / (x1 + x2)
    p[lo_c, lo_r] = x2 / (x1 + x2)
    return p


def _seq_sum(v: FloatArray) -> float:
    return float(np.cumsum(v)[-1]) if len(v) else 0.0


def cond_pce(pv: FloatArray) -> FloatArray:
    """Conditional PCE: P(a) proportional to the product over b of P[a beats b] (condPCE).

    Examples:
        Products ``1/2 x 3/4`` and ``1/4 x 1/2``, normalised:

        >>> cond_pce(np.array([[0.5, 0.75], [0.25, 0.5]])).tolist()
        [0.75, 0.25]
    """
    m = pv.shape[0]
    p = np.ones(m)
    for b in range(m):
        p = p * pv[:, b]
    return np.asarray(p / _seq_sum(p), dtype=np.float64)


def markov_uniform_pce(pv: FloatArray, max_iter: int = 1000) -> FloatArray:
    """Stationary option distribution when challengers arise uniformly (markovUniformPCE).

    Examples:
        Iterated to a change of at most 1e-6 (the exact fixed point here is 3/4, 1/4):

        >>> markov_uniform_pce(np.array([[0.5, 0.75], [0.25, 0.5]])).round(5).tolist()
        [0.75, 0.25]
    """
    m = pv.shape[0]
    p = np.ones(m) / m
    for _ in range(max_iter):
        terms = pv * (p[:, None] + p[None, :])
        q = np.cumsum(terms, axis=1)[:, -1] / m
        change = float(np.max(np.abs(q - p)))
        p = (p + q) / 2.0
        if change <= 1e-6:
            break
    return np.asarray(p, dtype=np.float64)


def markov_incentive_pce(c: FloatArray, vpm: int, max_iter: int = 1000) -> FloatArray:
    """Stationary distribution when challengers arise in proportion to strength x victory
    probability (markovIncentivePCE, "Markov Voting with Incentives in KTAB").

    Examples:
        >>> c = np.array([[0.0, 3.0], [1.0, 0.0]])
        >>> markov_incentive_pce(c, 0).round(6).tolist()
        [0.75, 0.25]
    """
    m = c.shape[0]
    pv = victory_probabilities(c, vpm)
    inc = c * pv
    inc[np.diag_indices(m)] += 1e-10
    col = np.cumsum(inc, axis=0)[-1]
    chl = inc / col[None, :]
    p = np.ones(m) / m
    for _ in range(max_iter):
        ct = p[:, None] * chl.T
        q = np.cumsum(pv * (ct + ct.T), axis=1)[:, -1]
        change = float(np.max(np.abs(q - p)))
        p = (p + q) / 2.0
        if change <= 1e-8:
            break
    return np.asarray(p, dtype=np.float64)


def pce(c: FloatArray, vpm: int, pcem: str) -> FloatArray:
    """Option probabilities from coalition strengths (Model::probCE2).

    Examples:
        >>> c = np.array([[0.0, 3.0], [1.0, 0.0]])
        >>> for method in OPTIONS["pce_model"]:
        ...     print(method, pce(c, 0, method).round(5).tolist())
        conditional [0.75, 0.25]
        markov_incentive [0.75, 0.25]
        markov_uniform [0.75, 0.25]
    """
    if pcem == "markov_incentive":
        return markov_incentive_pce(c, vpm)
    pv = victory_probabilities(c, vpm)
    if pcem == "markov_uniform":
        return markov_uniform_pce(pv)
    return cond_pce(pv)


def big_r_from_prob(p: FloatArray, rng: str) -> FloatArray:
    """Risk attitudes as an affine map of position probabilities (Model::bigRfromProb).

    ``mid``: most probable +1, least probable -1/2; ``min``: [0, 1]; ``max``: [-1, 1].
    All zero when every probability is equal (KTAB would divide by zero).

    Examples:
        >>> p = np.array([0.5, 0.3, 0.2])
        >>> big_r_from_prob(p, "mid").round(6).tolist(), big_r_from_prob(p, "min").round(6).tolist()
        ([1.0, -0.0, -0.5], [1.0, 0.333333, 0.0])
        >>> big_r_from_prob(np.array([0.5, 0.5]), "mid").tolist()
        [0.0, 0.0]
    """
    p_min = min(1.0, float(np.min(p)))
    p_max = max(0.0, float(np.max(p)))
    span = p_max - p_min
    if span <= 0.0:
        return np.zeros_like(p)
    if rng == "min":
        return (p - p_min) / span
    if rng == "max":
        return (2 * p - (p_max + p_min)) / span
    return (3 * p - (p_max + 2 * p_min)) / (2 * span)


def round4(x: FloatArray) -> FloatArray:
    """KTAB's rounding of bargains to 4 decimals: ``(int)(0.5 + 10000 x) / 10000``.

    Examples:
        Half up, unlike numpy's ``round`` (half to even):

        >>> round4(np.array([0.12344, 0.12345, 0.99999])).tolist()
        [0.1234, 0.1235, 1.0]
    """
    return np.asarray(np.trunc(0.5 + (x * 10000.0)) / 10000.0, dtype=np.float64)


def interpolate_bargain(
    ti: FloatArray,
    si: FloatArray,
    prb_i: float,
    tj: FloatArray,
    sj: FloatArray,
    prb_j: float,
    ivb: str,
) -> tuple[FloatArray, FloatArray]:
    """Bargain positions for initiator i and receiver j, dimension by dimension.

    ``s1p1``/``s2p2``: both end at the mean of the two positions weighted by
    salience^n x probability^n (a 1e-6 bias toward i avoids 0/0), rounded to 4 decimals.
    ``s2pmax``: each side moves toward the other by its probability deficit, weighted by the
    squared saliences (not rounded). (SMPActor::interpBrgnSnPm, interpBrgnS2PMax)

    Examples:
        i at 0 with probability 3/4, j at 1 with 1/4, both fully salient: ``s1p1`` weights
        them 3 : 1 and meets at 0.25, ``s2p2`` 9 : 1 and meets at 0.1:

        >>> one, zero = np.array([1.0]), np.array([0.0])
        >>> [b.tolist() for b in interpolate_bargain(zero, one, 0.75, one, one, 0.25, "s1p1")]
        [[0.25], [0.25]]
        >>> [b.tolist() for b in interpolate_bargain(zero, one, 0.75, one, one, 0.25, "s2p2")]
        [[0.1], [0.1]]
    """
    if ivb == "s2pmax":
        di = prb_j - prb_i if prb_j > prb_i else 0.0
        dj = prb_i - prb_j if prb_i > prb_j else 0.0
        si2 = si * si
        sj2 = sj * sj
        dik = (di * sj2) / ((di * sj2) + MIN_W + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + MIN_W + ((1 - dj) * sj2))
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    if ivb == "s1p1":
        wi = si * prb_i
        wj = sj * prb_j
    else:
        wi = (si * si) * (prb_i * prb_i)
        wj = (sj * sj) * (prb_j * prb_j)
    den = wi + MIN_W + wj
    bi = round4(((wi + MIN_W) * ti + wj * tj) / den)
    bj = round4((wi * ti + (MIN_W + wj) * tj) / den)
    return bi, bj


def _pairwise_norm(x: FloatArray) -> FloatArray:
    n, k = x.shape
    acc = np.zeros((n, n))
    for d in range(k):
        t = x[:, d][:, None] - x[:, d][None, :]
        acc = acc + t * t
    return np.sqrt(acc)


def unique_positions(x: FloatArray) -> tuple[IntArray, IntArray]:
    """Indices of distinct positions (first of each), and each actor's option index.

    Positions closer than 1e-3 (Euclidean, on [0, 1]) count as one (KBase::ueIndices).

    Examples:
        Actors 0 and 2 are 4e-4 apart, one option:

        >>> uns, ens = unique_positions(np.array([[0.1], [0.5], [0.1004], [0.9]]))
        >>> uns.tolist(), ens.tolist()
        ([0, 1, 3], [0, 1, 0, 2])
    """
    close = _pairwise_norm(x) < POS_TOL
    uns: list[int] = []
    ens: list[int] = []
    for i in range(x.shape[0]):
        for u, k in enumerate(uns):
            if close[i, k]:
                ens.append(u)
                break
        else:
            uns.append(i)
            ens.append(len(uns) - 1)
    return np.array(uns, dtype=np.int64), np.array(ens, dtype=np.int64)


# ---------------------------------------------------------------- the run


@dataclass(frozen=True, eq=False)
class SMPResult:
    """Full history of one SMP run on KTAB's [0, 1] scale.

    Attributes:
        positions: (turns + 1, n, k) positions, row 0 the input.
        risk: (turns + 1, n) inferred risk attitudes R per state.
        actor_prob: (turns + 1, n) probability that each actor's current position is the
            outcome (as KTAB prints: actors sharing a position share its probability).
        option_prob: per state, the probability of each distinct position.
        option_index: per state, the actor index holding each distinct position.
        change_ratio: (turns,) total change of each turn divided by the first turn's (+1e-4).
        targets: (turns, n) actor each actor challenged per turn, -1 for none.
        converged, stop_reason, params: as in :class:`~mlf.bargaining.base.Forecast`.

    Examples:
        FRG and UK end on one position, which the two options' probabilities favour:

        >>> res = smp_history([50, 30, 20], [[1.0, 0.8], [0.75, 0.4], [0.0, 0.2]],
        ...                   [[0.6, 0.3], [0.5, 0.4], [0.3, 0.6]])
        >>> res.turns, res.option_prob[-1].round(4).tolist()
        (3, [0.1687, 0.8313])
        >>> res.most_probable_position().tolist(), res.expected_position().round(4).tolist()
        ([0.7071, 0.4068], [0.7533, 0.4493])
    """

    positions: FloatArray
    risk: FloatArray
    actor_prob: FloatArray
    option_prob: tuple[FloatArray, ...]
    option_index: tuple[IntArray, ...]
    change_ratio: FloatArray
    targets: IntArray
    converged: bool
    stop_reason: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def turns(self) -> int:
        return int(self.positions.shape[0] - 1)

    def expected_position(self, t: int = -1) -> FloatArray:
        """Probability-weighted mean of the distinct positions of state ``t``."""
        pos = self.positions[t][self.option_index[t]]
        return np.asarray(self.option_prob[t] @ pos, dtype=np.float64)

    def most_probable_position(self, t: int = -1) -> FloatArray:
        """The distinct position of state ``t`` with the highest probability (first if tied)."""
        u = int(np.argmax(self.option_prob[t]))
        return np.asarray(self.positions[t][self.option_index[t][u]], dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "positions": self.positions.tolist(),
            "risk": self.risk.tolist(),
            "actor_prob": self.actor_prob.tolist(),
            "option_prob": [p.tolist() for p in self.option_prob],
            "option_index": [u.tolist() for u in self.option_index],
            "change_ratio": self.change_ratio.tolist(),
            "targets": self.targets.tolist(),
            "converged": self.converged,
            "stop_reason": self.stop_reason,
            "params": dict(self.params),
        }


def _use_numba(flag: bool | None, n: int) -> bool:
    if not NUMBA_AVAILABLE:
        return False
    if flag is None:
        return n >= NUMBA_MIN_ACTORS and os.environ.get("MLF_NO_NUMBA", "") == ""
    return flag


@dataclass(frozen=True)
class _Kernels:
    vdiff: Any
    coalitions: Any
    all_challenges: Any
    prob_edu: Any
    bargain_utils: Any


def _numba_kernels() -> _Kernels:
    try:
        from mlf.bargaining import _smpkernels as k
    except ImportError:  # pragma: no cover - numba present but unusable
        return _NUMPY
    return _Kernels(k.vdiff, k.coalitions, k.all_challenges, k.prob_edu, k.bargain_utils)


_NUMPY = _Kernels(_np_vdiff, _np_coalitions, _np_all_challenges, _np_prob_edu, _np_bargain_utils)


@dataclass(frozen=True, eq=False)
class _Assessment:
    dist: FloatArray
    risk: FloatArray
    u_own: FloatArray
    uniq: IntArray
    option_prob: FloatArray
    actor_prob: FloatArray


def _assess(
    x: FloatArray, s: FloatArray, caps: FloatArray, opt: Mapping[str, Any], kern: _Kernels
) -> _Assessment:
    """Distances, inferred risk attitudes, own utilities and position probabilities."""
    vpm = _VPM[opt["victory_prob_model"]]
    ra = _RA[opt["big_r_adjust"]]
    dist = np.asarray(kern.vdiff(x, s), dtype=np.float64)
    rn = _np_bs_util(dist, 0.0)
    c = np.asarray(kern.coalitions(caps, rn, _VR[opt["voting_rule"]]), dtype=np.float64)
    risk = big_r_from_prob(pce(c, vpm, opt["pce_model"]), opt["big_r_range"])
    u_own = _np_bs_util(dist, _np_est_nra(risk, risk, ra)[:, None])
    uniq, _ = unique_positions(x)
    # KTAB's pDist always votes proportionally here
    cu = np.asarray(kern.coalitions(caps, u_own[:, uniq], VR_PROP), dtype=np.float64)
    option_prob = pce(cu, vpm, opt["pce_model"])
    close = _pairwise_norm(x)[:, uniq] < POS_TOL
    last = close.shape[1] - 1 - np.argmax(close[:, ::-1], axis=1)  # State::posProb: last match
    return _Assessment(dist, risk, u_own, uniq, option_prob, option_prob[last])


def _state_dist(a: FloatArray, b: FloatArray) -> float:
    d = a - b
    per = np.sqrt(_seq_sum_cols(d * d))
    return _seq_sum(per)


class _Bargains:
    """Bargains of one turn and each actor's queue of them (status quo first)."""

    def __init__(self, n: int) -> None:
        self.init: list[int] = []
        self.rcvr: list[int] = []
        self.pos_init: list[FloatArray] = []
        self.pos_rcvr: list[FloatArray] = []
        self.queues: list[list[int]] = [[] for _ in range(n)]

    def add(self, i: int, j: int, pi: FloatArray, pj: FloatArray, queues: tuple[int, ...]) -> None:
        self.init.append(i)
        self.rcvr.append(j)
        self.pos_init.append(pi)
        self.pos_rcvr.append(pj)
        for q in queues:
            self.queues[q].append(len(self.init) - 1)


def _best_target(e_row: FloatArray, i: int) -> int:
    """First j with the largest expected gain above 1e-5, or -1 (SMPState::bestChallenge)."""
    ok = e_row > MIN_SIG_EDU
    ok[i] = False
    if not ok.any():
        return -1
    return int(np.argmax(np.where(ok, e_row, -np.inf)))


def _bcn_turn(
    x: FloatArray,
    s: FloatArray,
    caps: FloatArray,
    stot: FloatArray,
    w: FloatArray,
    a: _Assessment,
    opt: Mapping[str, Any],
    kern: _Kernels,
    gen: np.random.Generator,
) -> tuple[FloatArray, IntArray]:
    """One turn: challenges, bargains, votes over every actor's queue; new positions."""
    n = x.shape[0]
    rule = _VR[opt["voting_rule"]]
    ra = _RA[opt["big_r_adjust"]]
    tpc = _TPC[opt["third_party_commit"]]
    ivb, bmod = opt["inter_vec_brgn"], opt["bargn_model"]
    p_ch, e_ch = kern.all_challenges(a.dist, a.risk, ra, w, stot, rule, tpc)
    bg = _Bargains(n)
    tgt = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        bg.add(i, i, x[i], x[i], (i,))  # i's status quo
        j = _best_target(e_ch[i], i)
        if j < 0:
            continue
        tgt[i] = j
        p_iij = float(p_ch[i, j])
        iij = interpolate_bargain(x[i], s[i], p_iij, x[j], s[j], 1 - p_iij, ivb)
        if bmod == "init_only_interp":
            bg.add(i, j, *iij, (i, j))
            continue
        # KTAB quirk: the 2nd element of probEduChlg (an expected gain) is used here
        _, p_jij = kern.prob_edu(j, i, i, j, a.dist, a.risk, ra, w, stot, rule, tpc)
        jij = interpolate_bargain(x[i], s[i], p_jij, x[j], s[j], 1 - p_jij, ivb)
        if bmod == "init_rcvr_interp":
            bg.add(i, j, *iij, ())
            bg.add(i, j, *jij, ())
            b = len(bg.init)
            bg.queues[i] += [b - 2, b - 1]
            bg.queues[j] += [b - 2, b - 1]
        else:
            wi = caps[i] * stot[i]
            wj = caps[i] * stot[j]  # KTAB quirk: initiator's capability, target's salience
            bpi = (wi * iij[0] + wj * jij[0]) / (wi + wj)
            bpj = (wi * iij[1] + wj * jij[1]) / (wi + wj)
            bg.add(i, j, bpi, bpj, (i, j))

    init = np.array(bg.init, dtype=np.int64)
    rcvr = np.array(bg.rcvr, dtype=np.int64)
    pos_i = np.ascontiguousarray(np.array(bg.pos_init), dtype=np.float64)
    pos_r = np.ascontiguousarray(np.array(bg.pos_rcvr), dtype=np.float64)
    bu = np.asarray(
        kern.bargain_utils(x, s, a.risk, a.u_own, init, rcvr, pos_i, pos_r), dtype=np.float64
    )
    vpm = _VPM[opt["victory_prob_model"]]
    new_x = x.copy()
    for k in range(n):
        q = bg.queues[k]
        if len(q) == 1:
            continue  # only the status quo: its probability is 1
        c = np.asarray(kern.coalitions(caps, np.ascontiguousarray(bu[:, q]), rule))
        p = pce(c, vpm, opt["pce_model"])
        if opt["state_transitions"] == "stochastic":  # PRNG::probSel
            hit = np.nonzero(gen.random() <= np.cumsum(p))[0]
            m = int(hit[0]) if len(hit) else len(q) - 1
        else:
            m = int(np.argmax(p))  # first of equal maxima, as ndxMaxAbs
        b = q[m]
        if init[b] != rcvr[b]:
            new_x[k] = pos_i[b] if init[b] == k else pos_r[b]
    return new_x, tgt


def smp_history(
    capability: Any,
    position: Any,
    salience: Any,
    params: Mapping[str, Any] | None = None,
    seed: SeedLike = 0,
    progress: ProgressFn | None = None,
    *,
    use_numba: bool | None = None,
) -> SMPResult:
    """Run the SMP on KTAB's scale: positions and saliences in [0, 1], shape (n, k).

    ``use_numba``: None = numba if importable, ``MLF_NO_NUMBA`` is unset and there are at
    least :data:`NUMBA_MIN_ACTORS` actors; True/False force a path (same results).

    Examples:
        Three actors on two dimensions; FRG and UK meet after the first turn and the run
        stops after three (KTAB rounds bargains to 4 decimals):

        >>> res = smp_history([50, 30, 20], [[1.0, 0.8], [0.75, 0.4], [0.0, 0.2]],
        ...                   [[0.6, 0.3], [0.5, 0.4], [0.3, 0.6]])
        >>> res.turns, res.positions[-1].tolist()
        (3, [[0.9811, 0.6585], [0.7071, 0.4068], [0.7071, 0.4068]])
    """
    opt = resolve_params(params)
    # outside KTAB's range of powers: an exact power-of-two scale, so nothing overflows
    caps = np.ascontiguousarray(
        unit_capability(capability, keep=(SMP_MIN_POWER, SMP_MAX_POWER)), dtype=np.float64
    )
    x = np.ascontiguousarray(position, dtype=np.float64).copy()
    s = np.ascontiguousarray(salience, dtype=np.float64)
    if x.ndim != 2 or s.shape != x.shape or caps.shape != (x.shape[0],):
        raise BargainingError("smp needs capability (n,), position and salience (n, k)")
    n = x.shape[0]
    if n < 2:
        raise BargainingError("smp needs at least two actors")
    kern = _numba_kernels() if _use_numba(use_numba, n) else _NUMPY
    gen = generator(seed)
    stot = _seq_sum_cols(s)
    w = stot * caps

    history = [x]
    assessments = [_assess(x, s, caps, opt, kern)]
    targets: list[IntArray] = []
    ratios: list[float] = []
    converged = False
    stop_reason = ""
    max_turns, min_turns = opt["max_turns"], opt["min_turns"]
    for turn in range(1, max_turns + 1):
        a = assessments[-1]
        x, tgt = _bcn_turn(x, s, caps, stot, w, a, opt, kern, gen)
        targets.append(tgt)
        history.append(x)
        assessments.append(_assess(x, s, caps, opt, kern))
        d01 = _state_dist(history[0], history[1]) + MIN_SIG_DELTA
        ratio = _state_dist(history[-2], history[-1]) / d01
        ratios.append(ratio)
        if progress is not None:
            progress(turn, max_turns)
        if turn >= min_turns and ratio < opt["stop_fraction"]:
            converged = True
            stop_reason = (
                f"turn {turn} changed positions by {ratio:.4f} of the first turn's change "
                f"(< {opt['stop_fraction']})"
            )
            break
    else:
        stop_reason = f"reached max_turns = {max_turns} without meeting the stopping rule"

    return SMPResult(
        positions=np.stack(history),
        risk=np.stack([a.risk for a in assessments]),
        actor_prob=np.stack([a.actor_prob for a in assessments]),
        option_prob=tuple(a.option_prob for a in assessments),
        option_index=tuple(a.uniq for a in assessments),
        change_ratio=np.array(ratios),
        targets=np.stack(targets) if targets else np.zeros((0, n), dtype=np.int64),
        converged=converged,
        stop_reason=stop_reason,
        params=opt,
    )


def run_smp(
    inp: BargainingInput,
    params: Mapping[str, Any] | None = None,
    seed: SeedLike = 0,
    progress: ProgressFn | None = None,
    *,
    use_numba: bool | None = None,
) -> tuple[SMPResult, FloatArray, FloatArray]:
    """Run on a :class:`BargainingInput`; also return the per-actor salience scale used and
    the positions mapped to [0, 1].

    Examples:
        The three actors of :func:`smp_history` on a 0-100 scale:

        >>> inp = BargainingInput.build(["US", "FRG", "UK"], [50, 30, 20],
        ...                             [[100, 80], [75, 40], [0, 20]],
        ...                             [[0.6, 0.3], [0.5, 0.4], [0.3, 0.6]], lo=0, hi=100)
        >>> res, scale, x01 = run_smp(inp)
        >>> res.turns, scale.tolist(), x01[1].tolist()
        (3, [1.0, 1.0, 1.0], [0.75, 0.4])
    """
    span = inp.hi - inp.lo
    x01 = np.clip((inp.position - inp.lo) / span, 0.0, 1.0)
    sal = np.asarray(inp.salience, dtype=np.float64)
    tot = _seq_sum_cols(sal)
    scale = np.where(tot > 1.0, tot, 1.0)
    res = smp_history(
        inp.capability, x01, sal / scale[:, None], params, seed, progress, use_numba=use_numba
    )
    return res, scale, x01


class SMPModel:
    """KTAB's Spatial Model of Politics behind the :class:`~mlf.bargaining.base.Model` protocol.

    All issues are negotiated jointly (``joint = True``). See the module docstring for the
    parameters, the scale mapping and the forecast rule.

    Examples:
        The forecast is the probability-weighted mean position, in the issues' units:

        >>> inp = BargainingInput.build(["US", "FRG", "UK"], [50, 30, 20],
        ...                             [[100, 80], [75, 40], [0, 20]],
        ...                             [[0.6, 0.3], [0.5, 0.4], [0.3, 0.6]], lo=0, hi=100)
        >>> fc = SMPModel().run(inp, {}, seed=0)
        >>> fc.outcome.round(2).tolist(), fc.rounds, fc.converged
        ([75.33, 44.93], 3, True)
    """

    name = "smp"
    citation = (
        "Wise, B. P. et al. (2015-2017), KTAB Spatial Model of Politics, KAPSARC, "
        "github.com/KAPSARC/KTAB (MIT)"
    )
    defaults: Mapping[str, Any] = DEFAULTS
    joint = True

    def run(
        self,
        inp: BargainingInput,
        params: Mapping[str, Any],
        seed: int,
        progress: ProgressFn | None = None,
    ) -> Forecast:
        """Run the SMP on ``inp``; positions come back in the issues' units."""
        filled = check_params(self, params)
        res, scale, _ = run_smp(inp, filled, seed, progress)
        span = inp.hi - inp.lo
        traj = inp.lo + res.positions * span
        outcome_traj = np.stack(
            [inp.lo + res.expected_position(t) * span for t in range(res.turns + 1)]
        )
        diagnostics = {
            "most_probable_position": (inp.lo + res.most_probable_position() * span).tolist(),
            "risk_attitudes": res.risk.tolist(),
            "change_ratio": res.change_ratio.tolist(),
            "targets": res.targets.tolist(),
            "salience_rescaled": [a for a, f in zip(inp.actors, scale, strict=True) if f > 1.0],
        }
        return Forecast(
            model=self.name,
            actors=inp.actors,
            issues=inp.issues,
            outcome=outcome_traj[-1],
            trajectory=traj,
            outcome_trajectory=outcome_traj,
            probabilities=res.actor_prob,
            converged=res.converged,
            rounds=res.turns,
            stop_reason=res.stop_reason,
            params={**dict(res.params), "diagnostics": diagnostics},
            seed=seed,
        )


SMP = SMPModel()
