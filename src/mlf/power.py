"""Power indices of simple games: who can make or break a decision of the force.

:func:`power_indices` computes, for a game of :mod:`mlf.games`, the indices below (definitions
as in docs/reference/power.md; W = winning coalitions, M = minimal winning coalitions,
swings_i = #{S ∈ W : i ∈ S, S∖{i} ∉ W}):

=====================  ======================================================================
``banzhaf_absolute``   Penrose-Banzhaf: swings_i / 2^(n-1) [1]_ [2]_
``banzhaf``            normalised Banzhaf: swings_i / Σ_j swings_j
``shapley_shubik``     Σ_{S∈W, i pivotal} (|S|-1)!(n-|S|)!/n! [3]_
``johnston``           Σ_{S∈W, i critical} 1/c(S) (c(S) = #critical members), normalised [4]_
``deegan_packel``      (1/|M|) Σ_{S∈M∋i} 1/|S| [5]_
``holler``             public good index m_i / Σ_j m_j, m_i = #{S∈M : i∈S} [6]_
``coleman_prevent``    swings_i / |W| [7]_
``coleman_initiate``   swings_i / (2^n - |W|) [7]_
``coleman_act``        |W| / 2^n (one number for the whole body, not per player) [7]_
=====================  ======================================================================

Algorithms (the result's ``algorithm`` names the one used)
----------------------------------------------------------
``weight-classes``
    games of the form "w(S) ≥ t[|S|]" with few distinct weights (up to 30 players): every
    count of the enumeration, exactly, from the Π(c_j + 1) profiles "how many members of each
    weight class" instead of the 2^n coalitions (pure Python, :mod:`mlf._powercore`); the UN
    Security Council has 66 profiles. ``auto`` takes it when it is cheap and no list of
    minimal winning coalitions is asked for (``mwc_cap=0``, or no Deegan-Packel / Holler).
``enumeration-threshold``
    games of the form "w(S) ≥ t[|S|]" (weighted games, head counts, double majorities and their
    AND/OR over one weight vector, e.g. the EU Lisbon rule) with n ≤ 30: one numba pass over all
    2^n coalitions. In such a game the critical members of a winning S are exactly its members
    heavier than w(S) - t[|S|-1], so every index is counted in the same pass, exactly.
``enumeration``
    any game with n ≤ 25: vectorised numpy over all 2^n bitmasks (chunks), exact integers.
``generating-function``
    weighted games (and "w(S) ≥ t[|S|]" games with moderate total weight) of any size:
    dynamic programmes over (size, weight) [8]_ [9]_, pseudo-polynomial in the quota.
    Counts are int64 when n ≤ 62 (every count < 2^63, so exact), Python ints when exact
    output is requested for larger n (slow), and otherwise float64 *probabilities* (each added
    player halves the table) which cannot overflow even at n = 1000; one player is removed by
    deconvolution. Johnston and the minimal-winning indices use further exact DPs whose
    cost is O(D²·n·Q) and O(n³·Q) (D distinct weights, Q the quota); when these exceed a budget
    they are left out of an "all indices" request (see ``omitted``) and refused when named.
    ``auto`` takes the DP for a weighted game of 16-30 players when its estimated steps cost
    less than the numba enumeration of the 2^n coalitions (and numba's load, if not yet paid):
    :func:`_dp_before_enumeration`, with the constants measured on this project's machine.
``closed-form``
    head counts (every player of the same positive weight, e.g. a ``majority`` rule) with
    more than 25 players: the winning coalitions are those of k0 members or more, so every
    index has a closed form (see :func:`_symmetric`); exact integers at any size.
``montecarlo``
    random coalitions (Banzhaf, Johnston, Coleman) and random orders (Shapley-Shubik) drawn from
    ``numpy.random.default_rng(seed)``; standard errors by batch means (20 batches), the 95 %
    interval is ±1.96 SE. Deegan-Packel and Holler need all minimal winning coalitions and have
    no Monte Carlo estimate here.

Bounds (issue 11): every exact engine's steps and table memory are estimated from the
players, the distinct weights and the quota before it runs (:data:`MEMORY_BUDGET`, a step
budget of 4e9); a Monte Carlo estimate is limited to :data:`MAX_SAMPLES` samples and
:data:`MC_BUDGET` player-evaluations; exact fractions to :data:`MAX_EXACT_PLAYERS`
players. Long engines report through ``progress(done, total)``.

Exact results are computed from exact integers; ``exact=True`` returns them as
:class:`fractions.Fraction`, otherwise as floats.

References
----------
.. [1] Penrose, L. S. (1946). The elementary statistics of majority voting. *J. Royal
   Statistical Society* 109, 53-57.
.. [2] Banzhaf, J. F. (1965). Weighted voting doesn't work. *Rutgers Law Review* 19, 317-343.
.. [3] Shapley, L. S. and Shubik, M. (1954). A method for evaluating the distribution of power
   in a committee system. *American Political Science Review* 48, 787-792.
.. [4] Johnston, R. J. (1978). On the measurement of power. *Environment and Planning A* 10,
   907-914.
.. [5] Deegan, J. and Packel, E. W. (1978). A new index of power for simple n-person games.
   *Int. J. Game Theory* 7, 113-123.
.. [6] Holler, M. J. (1982). Forming coalitions and measuring voting power. *Political
   Studies* 30, 262-271.
.. [7] Coleman, J. S. (1971). Control of collectivities and the power of a collectivity to
   act. In *Social Choice*, Gordon and Breach, 269-300.
.. [8] Brams, S. J. and Affuso, P. J. (1976). Power and size: a new paradox. *Theory and
   Decision* 7, 29-56.
.. [9] Bilbao, J. M., Fernández, J. R., Jiménez Losada, A. and López, J. J. (2000). Generating
   functions for computing power indices efficiently. *TOP* 8(2), 191-213.
.. [10] Felsenthal, D. S. and Machover, M. (1998). *The Measurement of Voting Power*. Edward
   Elgar (definitions, the UN Security Council and EEC examples).
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from mlf import _powercore as _core
from mlf._powercore import INDEX_NAMES, MonteCarloInfo, PowerResult
from mlf.errors import GameError
from mlf.games import (
    AndGame,
    Game,
    OrGame,
    UnanimityGame,
    VectorWeightedGame,
    WeightedGame,
)

if TYPE_CHECKING:  # mlf.seeds (hashlib, numpy.random) only for Monte Carlo, imported there
    from mlf.seeds import SeedLike

_Raw = _core.Raw
_q = _core.q
_harmonic = _core.harmonic
_raw_from_counts = _core.raw_from_counts
_normalise = _core.normalise


def _fr(x: int, y: int) -> Fraction:
    return Fraction(x, y) if y else Fraction(0)


def _names_of(players: tuple[str, ...], masks: list[int]) -> tuple[tuple[str, ...], ...]:
    """Player names of each bitmask."""
    n = len(players)
    if not masks:
        return ()
    if n > 62:
        return _core.names_of(players, masks)
    bits = ((np.array(masks, dtype=np.int64)[:, None] >> np.arange(n)) & 1).astype(np.bool_)
    names = np.array(players, dtype=object)
    return tuple(tuple(names[row].tolist()) for row in bits)


__all__ = [
    "INDEX_NAMES",
    "MAX_EXACT_PLAYERS",
    "MAX_SAMPLES",
    "MC_BUDGET",
    "MEMORY_BUDGET",
    "MonteCarloInfo",
    "PowerResult",
    "dummy_players",
    "minimal_winning_coalitions",
    "power_indices",
    "veto_players",
    "winning_coalition_count",
]

_MC_INDICES = frozenset(INDEX_NAMES) - {"deegan_packel", "holler"}
_BANZHAF_FAMILY = frozenset(
    {"banzhaf", "banzhaf_absolute", "coleman_act", "coleman_prevent", "coleman_initiate"}
)
_MAX_ENUM = _core.MAX_ENUM  # numpy enumeration of 2^n coalitions
_MAX_ENUM_NUMBA = 30  # numba enumeration of threshold games (the kernel needs n ≤ 32)
_DP_BUDGET = 4e9  # element operations allowed for one exact DP (int64; Python ints count 50)
_OBJECT_COST = 50  # an operation on Python ints costs about 50 int64 operations
# The choice between the DP and the numba enumeration for a weighted game of 16-30 players
# (:func:`_dp_before_enumeration`), in DP steps: measured on this project's 2-core machine
# (2026-11-30; random weights up to 10-10,000, n = 16-29, all indices), the enumeration takes
# about 4 ns a coalition, the numpy DP about 0.6-0.9 ns a step plus 10-20 ms of Python, and a
# command that has not loaded numba pays about 0.5 s to import it and load its cached kernels.
_ENUM_STEPS_PER_COALITION = 6.0
_DP_FIXED_STEPS = 2e7
_NUMBA_LOAD_STEPS = 7e8
# The DP's own numba kernels pay for their load only on large tables (at 2e8 steps of the
# Banzhaf and Shapley-Shubik tables they halve 2.2 s; at 2e7 they gain nothing).
_DP_NUMBA_STEPS = 3e8

MAX_SAMPLES = 100_000_000
"""Most Monte Carlo samples of one estimate."""

MC_BUDGET = 1e9
"""Most player-evaluations of one Monte Carlo estimate (samples × players × the work of
testing one coalition; about four minutes, with progress, on one core)."""

MEMORY_BUDGET = 1 << 30
"""Most bytes one exact table may take (1 GiB; the command stays under 2 GB)."""

MAX_EXACT_PLAYERS = 1000
"""Most players for exact (Fraction) output: beyond it the fractions' numerators and
denominators would have thousands of digits."""

Value = float | Fraction


@functools.cache
def _numba_installed() -> bool:
    return importlib.util.find_spec("numba") is not None


def _kernels() -> Any:
    """The kernel module, imported on first use (importing numba takes a while)."""
    from mlf import _powerkernels

    return _powerkernels


Progress = Callable[[int, int], None] | None


def _assemble(
    game: Game,
    raw: _Raw,
    want: list[str],
    *,
    exact: bool,
    method: str,
    algorithm: str,
    mwc_cap: int,
    omitted: dict[str, str],
    mc: MonteCarloInfo | None = None,
    dummies: tuple[str, ...] | None = None,
) -> PowerResult:
    return _core.assemble(
        game.players, veto_players(game), raw, want, exact=exact, method=method,
        algorithm=algorithm, minimal_winning=_names_of(game.players, raw.mwc_list[:mwc_cap]),
        omitted=omitted, mc=mc, dummies=dummies,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# structure: "w(S) >= t[|S|]"


def _threshold_form(game: Game) -> tuple[list[int], list[int]] | None:
    """Integer weights w and thresholds t[0..n] with S winning iff w(S) ≥ t[|S|], or None.

    Covers weighted games, head counts and their AND/OR (vector-weighted included) as long as
    all non-counting components share one weight vector. t uses total+1 for "never" and 0
    for "always".
    """
    n = game.n
    if type(game) is WeightedGame:  # the common case, shared with mlf.cli._fastpower
        return _core.weighted_form(game.int_weights, game.int_quota)
    base: list[int] | None = None

    def leaf(g: Game) -> tuple[str, Any] | None:
        if isinstance(g, WeightedGame):
            if g.is_counting:
                unit = g.int_weights[0] if n else 0
                return ("count", [unit * c >= g.int_quota for c in range(n + 1)])
            return ("weight", (g.int_weights, g.int_quota))
        if isinstance(g, UnanimityGame) and len(g.required) == n:
            return ("count", [c == n for c in range(n + 1)])
        return None

    def walk(g: Game) -> list[tuple[str, Any]] | None:
        nonlocal base
        lf = leaf(g)
        if lf is not None:
            if lf[0] == "weight":
                ws, _ = lf[1]
                if base is None:
                    base = list(ws)
                elif list(ws) != base:
                    return None
            return [lf]
        return None

    def thresholds(g: Game) -> list[int | None] | None:
        # None entry = "never wins" marker resolved later (needs the base total)
        parts: list[Game]
        if isinstance(g, VectorWeightedGame):
            parts, mode = list(g.components), "and"
        elif isinstance(g, AndGame):
            parts, mode = list(g.games), "and"
        elif isinstance(g, OrGame):
            parts, mode = list(g.games), "or"
        else:
            lf = walk(g)
            if lf is None:
                return None
            kind, data = lf[0]
            if kind == "count":
                return [0 if ok else None for ok in data]
            return [int(data[1])] * (n + 1)
        subs = [thresholds(p) for p in parts]
        if any(s is None for s in subs):
            return None
        out: list[int | None] = []
        for c in range(n + 1):
            col = [s[c] for s in subs if s is not None]
            if mode == "and":
                out.append(
                    None if any(x is None for x in col) else max(x for x in col if x is not None)
                )
            else:
                fin = [x for x in col if x is not None]
                out.append(min(fin) if fin else None)
        return out

    t = thresholds(game)
    if t is None:
        return None
    if base is None:  # a pure head count: "count >= k" is the weighted game [k; 1, ..., 1]
        k = next((c for c in range(n + 1) if t[c] is not None), None)
        if all(x is None for x in t[: k or 0]) and all(x is not None for x in t[k or 0 :]):
            t = [n + 1 if k is None else k] * (n + 1)
    w = base if base is not None else [1] * n
    total = sum(w)
    never = total + 1
    return w, [never if x is None else max(0, min(x, never)) for x in t]


# --------------------------------------------------------------------------------------------
# engines


def _enumeration(
    game: Game, want_j: bool, want_m: bool, cap: int, progress: Progress, exact: bool = True
) -> _Raw:
    """All 2^n coalitions, numpy, exact integer counts (any game, n ≤ _MAX_ENUM)."""
    n = game.n
    total = 1 << n
    win = np.empty(total, dtype=np.bool_)
    chunk = 1 << 20
    for start in range(0, total, chunk):
        stop = min(total, start + chunk)
        win[start:stop] = game.winning(np.arange(start, stop, dtype=np.uint64))
        if progress is not None:
            progress(stop, 2 * total)
    size = np.bitwise_count(np.arange(total, dtype=np.uint64)).astype(np.uint8)
    crit = np.zeros(total, dtype=np.uint8)
    swings = np.zeros((n, n + 1), dtype=np.int64)
    for i in range(n):
        w3 = win.reshape(-1, 2, 1 << i)
        sw = w3[:, 1, :] & ~w3[:, 0, :]
        c3 = crit.reshape(-1, 2, 1 << i)
        c3[:, 1, :] += sw
        swings[i] = np.bincount(size.reshape(-1, 2, 1 << i)[:, 1, :][sw], minlength=n + 1)
        if progress is not None:
            progress(total + total * (i + 1) // (2 * n), 2 * total)
    wins_by_size = np.bincount(size[win], minlength=n + 1)
    jcount = mwc_size = None
    mwc_count: int | None = None
    mwc_list: list[int] = []
    if want_j:
        jcount = np.zeros((n, n + 1), dtype=np.int64)
        for i in range(n):
            w3 = win.reshape(-1, 2, 1 << i)
            sw = w3[:, 1, :] & ~w3[:, 0, :]
            jcount[i] = np.bincount(crit.reshape(-1, 2, 1 << i)[:, 1, :][sw], minlength=n + 1)
            if progress is not None:
                progress(total + total // 2 + total * (i + 1) // (4 * n), 2 * total)
    if want_m:
        mwc = win & (crit == size) & (size > 0)
        if win[0]:
            mwc[:] = False
            mwc[0] = True
        mwc_count = int(mwc.sum())
        mwc_list = [int(x) for x in np.flatnonzero(mwc)[:cap]]
        mwc_size = np.zeros((n, n + 1), dtype=np.int64)
        for i in range(n):
            m3 = mwc.reshape(-1, 2, 1 << i)[:, 1, :]
            mwc_size[i] = np.bincount(size.reshape(-1, 2, 1 << i)[:, 1, :][m3], minlength=n + 1)
    return _raw_from_counts(
        n, wins_by_size.tolist(), swings.tolist(),
        None if jcount is None else jcount.tolist(),
        None if mwc_size is None else mwc_size.tolist(), mwc_count, mwc_list, exact,
    )  # fmt: skip


def _enumeration_threshold(
    w: list[int], t: list[int], cap: int, exact: bool = True, progress: Progress = None
) -> _Raw:
    """Numba pass over all coalitions of "w(S) ≥ t[|S|]" (n ≤ _MAX_ENUM_NUMBA)."""
    K = _kernels()
    n = len(w)
    order = sorted(range(n), key=lambda i: (-w[i], i))
    ws = np.array([w[i] for i in order], dtype=np.int64)
    wins, sw, jc, ms, cnt, stored = K.enum_threshold(ws, np.array(t, dtype=np.int64), cap, progress)
    inv = [0] * n
    for pos, i in enumerate(order):
        inv[i] = pos
    sw_l = [sw[inv[i]].tolist() for i in range(n)]
    jc_l = [jc[inv[i]].tolist() for i in range(n)]
    ms_l = [ms[inv[i]].tolist() for i in range(n)]
    if t[0] <= 0:  # the empty coalition wins: it is the only minimal winning coalition
        cnt, ms_l, stored = 1, [[0] * (n + 1) for _ in range(n)], [0]
    masks: list[int] = []
    if len(stored):  # sorted-player bits -> original bits
        bits = (np.array(stored, dtype=np.int64)[:, None] >> np.arange(n)) & 1
        place = np.array([1 << order[b] for b in range(n)], dtype=np.int64)
        masks = [int(x) for x in bits @ place]
    return _raw_from_counts(n, wins.tolist(), sw_l, jc_l, ms_l, cnt, masks, exact)


def _dp_dtype(n: int, exact: bool) -> Any:
    if n <= 62:
        return np.int64
    return object if exact else np.float64


def _window(t: list[int], k: int, w: int) -> tuple[int, int]:
    """Weights s of T (|T| = k, i ∉ T) with T losing and T + i winning: [t[k+1]-w, t[k]-1]."""
    return t[k + 1] - w, t[k] - 1


def _dp_swings(
    w: list[int],
    t: list[int],
    want_ssi: bool,
    exact: bool,
    use_numba: bool,
    progress: Progress = None,
) -> _Raw:
    """Banzhaf / Shapley-Shubik / |W| by generating functions (pseudo-polynomial).

    With one quota a 1-D table of coalition weights suffices for Banzhaf [8]_; Shapley-Shubik
    (or a size-dependent threshold) needs the table by size and weight [9]_. One player of
    weight x is removed by deconvolution, once per distinct weight.
    """
    K = _kernels()
    n = len(w)
    dtype = _dp_dtype(n, exact)
    is_float = dtype == np.float64
    warr = np.array(w, dtype=np.int64)
    total = sum(w)
    never = total + 1
    classes: dict[int, list[int]] = {}
    for i, x in enumerate(w):
        classes.setdefault(x, []).append(i)
    pbi: list[Value] = [0.0] * n
    if not want_ssi and len(set(t)) == 1:
        q = min(t[0], never)
        f = K.dp1(warr, q + 1, dtype, use_numba)
        losing: Any = f[:q].sum() if q > 0 else 0
        xs = list(classes)
        sums = K.loo1_windows(f, np.array(xs, dtype=np.int64), q, use_numba)
        for x, s in zip(xs, sums, strict=True):
            for i in classes[x]:
                pbi[i] = _pbi_value(s, n, is_float, exact)
        if progress is not None:
            progress(len(xs), len(xs))
        act = _act_value(losing, n, is_float, exact)
        return _Raw(n=n, act=act, pbi=pbi, winning=_count_value(act, n, losing, is_float))
    m = n - 1
    # windows of T (|T| = k, i ∉ T): T loses and T + i wins; "sub" rows count the complement
    plans: dict[int, tuple[NDArray[np.int64], NDArray[np.int64], list[bool]]] = {}
    need = 1
    for x in classes:
        lo = np.zeros(n, dtype=np.int64)
        hi = np.full(n, -1, dtype=np.int64)
        sub = [False] * n
        for k in range(n):
            if t[k + 1] >= never:  # T + i always loses
                continue
            a = max(t[k + 1] - x, 0)
            if t[k] >= never:  # T always loses: all of size k minus those below a
                sub[k] = True
                lo[k], hi[k] = 0, a - 1
            else:
                lo[k], hi[k] = a, t[k] - 1
            if hi[k] < lo[k]:
                continue
            mirrored = is_float and k > m // 2
            need = max(need, (total - x - int(lo[k]) if mirrored else int(hi[k])) + 1)
        plans[x] = (lo, hi, sub)
    finite = [x for x in t if x < never]
    size = min(max(need, max(finite, default=0)), total + 1)
    F = K.dp2(warr, n, size, dtype, use_numba)
    losing = 0
    for k in range(n + 1):
        if t[k] >= never:
            losing += math.comb(n, k) / 2**n if is_float else math.comb(n, k)
        elif t[k] > 0:
            losing += F[k, : t[k]].sum()
    ssi: list[Value] | None = [0.0] * n if want_ssi else None
    lg = [math.lgamma(k + 1) for k in range(n + 1)]
    fact = [math.factorial(k) for k in range(n + 1)] if not is_float else []
    for done, (x, members) in enumerate(classes.items(), 1):
        if progress is not None:
            progress(done - 1, len(classes))
        lo, hi, sub = plans[x]
        sums = K.loo2_windows(F, x, lo, hi, total - x, use_numba)
        by_k: list[Any] = []
        for k in range(n):
            v = sums[k] if hi[k] >= lo[k] else 0
            if sub[k]:
                v = (math.comb(m, k) / 2**m if is_float else math.comb(m, k)) - v
            elif t[k + 1] >= never:
                v = 0
            by_k.append(v)
        tot = sum(by_k)
        sv: Value
        if is_float:
            ln2 = math.log(2)
            sv = float(sum(
                float(b) * math.exp((n - 1) * ln2 + lg[k] + lg[n - 1 - k] - lg[n])
                for k, b in enumerate(by_k) if b
            ))  # fmt: skip
        else:
            num = sum(int(b) * fact[k] * fact[n - 1 - k] for k, b in enumerate(by_k))
            sv = _q(num, fact[n], exact)
        for i in members:
            pbi[i] = _pbi_value(tot, n, is_float, exact)
            if ssi is not None:
                ssi[i] = sv
    if progress is not None:
        progress(len(classes), len(classes))
    act = _act_value(losing, n, is_float, exact)
    winning = _count_value(act, n, losing, is_float)
    return _Raw(n=n, act=act, pbi=pbi, winning=winning, ssi=ssi)


def _pbi_value(s: Any, n: int, is_float: bool, exact: bool = True) -> Value:
    if is_float:
        return float(s)
    return _q(int(s), 1 << (n - 1), exact) if n else _q(0, 1, exact)


def _act_value(losing: Any, n: int, is_float: bool, exact: bool = True) -> Value:
    if is_float:
        return 1.0 - float(losing)
    return _q((1 << n) - int(losing), 1 << n, exact)


def _count_value(act: Value, n: int, losing: Any, is_float: bool) -> int:
    if is_float:  # rounded from the float share: exact only while 2^n < 2^53
        return round(Fraction(float(act)) * (1 << n))
    return (1 << n) - int(losing)


def _mwc_dp(w: list[int], t: list[int], exact_dtype: Any) -> tuple[int, list[list[int]]]:
    """Minimal winning coalitions of "w(S) ≥ t[|S|]" by size, per player (exact integers).

    S (size c) is minimal iff it wins and loses without its lightest member j; with the players
    in increasing weight order and j the first member of S, S = {j} ∪ T, T after j,
    |T| = c - 1, t[c] - w_j ≤ w(T) < t[c-1].
    """
    n = len(w)
    if t[0] <= 0:  # the empty coalition wins: it is the only minimal winning coalition
        return 1, [[0] * (n + 1) for _ in range(n)]
    order = sorted(range(n), key=lambda i: (w[i], i))
    ws = [w[i] for i in order]
    # every window below ends under max(t), and adding a player only moves counts up in
    # weight, so the cells at or above max(t) never reach one: the tables stop there
    size = max(1, min(sum(w) + 1, max(t)))

    def add(F: NDArray[Any], x: int) -> NDArray[Any]:
        G = F.copy()
        if x < size:
            G[1:, x:] += F[:-1, : size - x]
        return G

    # suffix DPs: suf[j] = players after position j
    empty = np.zeros((n + 1, size), dtype=exact_dtype)
    empty[0, 0] = 1
    suf: list[NDArray[Any]] = [empty] * n
    cur = empty
    for j in range(n - 1, -1, -1):
        suf[j] = cur
        cur = add(cur, ws[j])
    by = [[0] * (n + 1) for _ in range(n)]
    count = 0
    constant = len(set(t)) == 1  # a weighted game: one quota for every size

    def window_sums(
        F: NDArray[Any], first: int, row: int, lo_shift: int, hi_shift: int
    ) -> list[tuple[int, int]]:
        """(c, #T) for c = first..n with |T| = c - row and w(T) in
        [t[c] - lo_shift, t[c-1] - 1 - hi_shift]: the sizes that share a window (all of them
        in a weighted game) summed in one numpy call."""
        groups: dict[tuple[int, int], list[int]] = {}
        if constant:  # one window for every size
            lo, hi = max(t[0] - lo_shift, 0), min(t[0] - 1 - hi_shift, size - 1)
            if hi >= lo:
                groups[lo, hi] = list(range(first, n + 1))
        for c in range(first, n + 1) if not constant else ():
            lo, hi = max(t[c] - lo_shift, 0), min(t[c - 1] - 1 - hi_shift, size - 1)
            if hi >= lo:
                groups.setdefault((lo, hi), []).append(c)
        out: list[tuple[int, int]] = []
        for (lo, hi), cs in groups.items():
            rows = np.array(cs, dtype=np.int64) - row
            sums = F[rows, lo : hi + 1].sum(axis=1).tolist()
            out.extend((c, int(v)) for c, v in zip(cs, sums, strict=True) if v)
        return out

    for j in range(n):
        for c, v in window_sums(suf[j], 1, 1, ws[j], 0):
            by[order[j]][c] += v
            count += v
    for x in range(1, n):
        F = suf[x]
        for j in range(x - 1, -1, -1):
            for c, v in window_sums(F, 2, 2, ws[j] + ws[x], ws[x]):
                by[order[x]][c] += v
            F = add(F, ws[j])
    return count, by


def _johnston_cost(w: list[int], q: int) -> tuple[float, float]:
    """(steps, table cells) of :func:`_johnston_dp`: per weight level v, the size-by-weight
    table over the h players at least as heavy grown by the players of weight v (h · size
    updates each), the light players' table (n · size), and, per distinct heavy weight, one
    removal (h · size) and one product of h · q (the level's window of coalition weights summed
    in the light players' table first)."""
    n = len(w)
    levels = sorted(set(w), reverse=True)
    size = q + (levels[0] if levels else 0) + 1
    steps = 0.0
    cells = 0.0
    heavy = 0
    counts: dict[int, int] = {}
    for x in w:
        counts[x] = counts.get(x, 0) + 1
    for m, v in enumerate(levels):
        if v == 0:
            break
        heavy += counts[v]
        steps += (counts[v] * (n + 1) + n) * size + (m + 1) * (heavy * size + heavy * (q + 1))
        cells = max(cells, 2.0 * (heavy + 1) * size + size)
    return steps, cells


def _symmetric(w: list[int], t: list[int], cap: int, exact: bool) -> _Raw:
    """Every index of a head count (all n players of weight u > 0), in closed form.

    The game is symmetric, so the winning coalitions are those of k0 members or more, and a
    player swings exactly in the C(n-1, k0-1) coalitions of k0 members that hold it, all of
    whose members are critical and which are the minimal winning coalitions. Hence
    Shapley-Shubik, Johnston, Deegan-Packel and Holler are 1/n each (symmetry and
    efficiency, [3]_ [4]_ [5]_ [6]_), Penrose-Banzhaf is C(n-1, k0-1)/2^(n-1) [1]_ and
    |W| = Σ_{k ≥ k0} C(n, k). Counts are exact integers (any n).
    """
    n = len(w)
    u = w[0]
    k0 = next((k for k in range(n + 1) if u * k >= t[k]), n + 1)
    losing = 0
    c = 1  # C(n, k)
    for k in range(min(k0, n + 1)):
        losing += c
        c = c * (n - k) // (k + 1)
    wins = (1 << n) - losing
    one: Value = Fraction(1) if exact else 1.0
    zero: Value = Fraction(0) if exact else 0.0
    if 1 <= k0 <= n:
        sw = math.comb(n - 1, k0 - 1)
        pbi = [_q(sw, 1 << (n - 1), exact)] * n
        share = [_q(1, n, exact)] * n
        mwc_count = math.comb(n, k0)
        masks = [
            sum(1 << i for i in c)
            for c in itertools.islice(itertools.combinations(range(n), k0), cap)
        ]
        return _Raw(
            n=n, act=_q(wins, 1 << n, exact), pbi=pbi, winning=wins, ssi=share,
            johnston=[one] * n, dp=share, holler=[one] * n, mwc_count=mwc_count, mwc_list=masks,
        )  # fmt: skip
    empty = k0 == 0  # the empty coalition wins: it is the only minimal winning coalition
    return _Raw(
        n=n, act=_q(wins, 1 << n, exact), pbi=[zero] * n, winning=wins, ssi=[zero] * n,
        johnston=[zero] * n, dp=[zero] * n, holler=[zero] * n, mwc_count=1 if empty else 0,
        mwc_list=[0] if empty and cap > 0 else [],
    )  # fmt: skip


def _johnston_dp(w: list[int], q: int, exact_dtype: Any) -> list[list[int]]:
    """jcount[i][h]: winning S ∋ i with i critical and h critical members (weighted game).

    In [q; w] the critical members of a winning S are its members heavier than e = w(S) - q,
    so for e between two consecutive distinct weights the critical set is S ∩ H (H = players
    at least as heavy as the upper one): count S by (#members in H, weight) as the product of
    a DP over H and one over the others.
    """
    K = _kernels()
    n = len(w)
    levels = sorted(set(w), reverse=True)
    total = sum(w)
    size = q + (levels[0] if levels else 0) + 1
    jc = [[0] * (n + 1) for _ in range(n)]
    Hall = np.zeros((n + 1, size), dtype=exact_dtype)  # heavy coalitions by size and weight
    Hall[0, 0] = 1
    for m, v in enumerate(levels):
        if v == 0:
            break
        nxt = levels[m + 1] if m + 1 < len(levels) else 0
        p_lo, p_hi = q + nxt, min(q + v - 1, total)
        # the heavy players' table grows level by level (one update per player joining it)
        for _ in range(w.count(v)):
            if v < size:
                Hall[1:, v:] = Hall[1:, v:] + Hall[:-1, : size - v]
        if p_hi < p_lo:
            continue
        heavy = [x for x in w if x >= v]
        light = [x for x in w if x < v]
        H = Hall[: len(heavy) + 1]
        L = K.dp1(np.array(light, dtype=np.int64), size, exact_dtype, False)
        cum = np.zeros(len(L) + 1, dtype=L.dtype)  # cum[k] = L[0] + ... + L[k-1]
        np.cumsum(L, out=cum[1:])
        for x in sorted(set(heavy)):
            # S = {i} ∪ A ∪ B: A ⊆ heavy∖i, B ⊆ light, w(A) + w(B) = r in [p_lo - x, p_hi - x];
            # summed over r at once: #S with |A| = h is Σ_a Hm[h, a] · #B of weight in
            # [r_lo - a, r_hi - a] (a window sum of L)
            r_lo, r_hi = p_lo - x, p_hi - x
            if r_hi < 0:
                continue
            # heavy coalitions without one player of weight x, up to weight r_hi (the integer
            # recursion of loo2 reads only lower weights, so the columns above can go)
            Hm = K.loo2(H[:, : r_hi + 1], x, False)
            a = np.arange(r_hi + 1)
            window = cum[r_hi - a + 1] - cum[np.maximum(r_lo - a, 0)]
            vals = (Hm[: len(heavy), : r_hi + 1] @ window).tolist()
            counts = [0, *(int(c) for c in vals)] + [0] * (n - len(heavy))
            for i in range(n):
                if w[i] == x:
                    for h in range(n + 1):
                        jc[i][h] += counts[h]
    return jc


def _dp_engine(
    w: list[int],
    t: list[int],
    want: set[str],
    explicit: bool,
    exact: bool,
    cap: int,
    use_numba: bool,
    progress: Progress = None,
) -> tuple[_Raw, dict[str, str]]:
    n = len(w)
    omitted: dict[str, str] = {}
    dtype = _dp_dtype(n, exact)
    want_ssi = "shapley_shubik" in want
    item, factor = _itemsize(n, exact)
    if want_ssi:
        size = (sum(w) if dtype == np.float64 else max(x for x in t if x <= sum(w) + 1)) + 1
        levels = len(set(w))
        cells = (n + 1) * size
        steps = cells * (n + levels) * factor  # n updates of the table, one pass per weight
        why = None
        if cells > 1.2e8 or cells * item > MEMORY_BUDGET:
            why = f"the size-by-weight table would have {cells:.1e} cells"
        elif steps > 2 * _DP_BUDGET:
            why = f"the exact Shapley-Shubik DP would take ~{steps:.1e} steps"
        if why is not None:
            if explicit:
                raise GameError(f"shapley_shubik: {why}; use samples= for a Monte Carlo estimate")
            omitted["shapley_shubik"] = why
            want_ssi = False
    raw = _dp_swings(w, t, want_ssi, exact, use_numba, progress)
    total = sum(w)
    exact_dtype: Any = np.int64 if n <= 62 else object
    constant = len(set(t)) == 1
    # Johnston
    if "johnston" in want:
        jitem, jfactor = _itemsize(n, True)
        cost, jmem = _johnston_cost(w, t[0]) if constant else (0.0, 0.0)
        cost *= jfactor
        jmem *= jitem
        why = None
        if not constant:
            why = "Johnston by DP needs a plain weighted game (one quota)"
        elif cost > _DP_BUDGET or jmem > MEMORY_BUDGET:
            why = f"the exact Johnston DP would take ~{cost:.1e} steps and {jmem:.1e} bytes"
        if why is None:
            jc = _johnston_dp(w, t[0], exact_dtype)
            raw.johnston = [
                sum((_fr(row[h], h) for h in range(1, n + 1) if row[h]), Fraction(0)) for row in jc
            ]
        elif explicit:
            raise GameError(f"johnston: {why}; use samples= for a Monte Carlo estimate")
        else:
            omitted["johnston"] = why
    if want & {"deegan_packel", "holler"}:
        mitem, mfactor = _itemsize(n, True)
        mcost = n**3 * (total + 1) / 2 * mfactor
        mmem = n * (n + 1) * (total + 1) * mitem  # one suffix table per player
        if mcost > _DP_BUDGET or mmem > MEMORY_BUDGET:
            why = f"the exact minimal-winning DP would take ~{mcost:.1e} steps, {mmem:.1e} bytes"
            if explicit:
                raise GameError(f"deegan_packel/holler: {why}")
            omitted["deegan_packel"] = omitted["holler"] = why
        else:
            cnt, by = _mwc_dp(w, t, exact_dtype)
            raw.mwc_count = cnt
            raw.holler = [Fraction(sum(row)) for row in by]
            raw.dp = [
                sum((Fraction(row[k], k) for k in range(1, n + 1) if row[k]), Fraction(0))
                / (cnt or 1)
                for row in by
            ]
            raw.mwc_list = _list_mwc(w, t, cap)
    return raw, omitted


_list_mwc = _core.list_mwc


# --------------------------------------------------------------------------------------------
# Monte Carlo


def _montecarlo(
    game: Game,
    want: list[str],
    samples: int,
    seed: SeedLike,
    progress: Progress,
) -> tuple[_Raw, MonteCarloInfo]:
    n = game.n
    from mlf.seeds import generator, resolve_seed

    seed = resolve_seed(seed)
    rng = generator(seed)
    batches = 20
    per = [samples // batches + (1 if b < samples % batches else 0) for b in range(batches)]
    form = _threshold_form(game)
    need_ssi = "shapley_shubik" in want
    need_flip = bool(set(want) & (_BANZHAF_FAMILY | {"johnston"}))
    est: dict[str, list[NDArray[np.float64]]] = {k: [] for k in ("pbi", "ssi", "jr", "act")}
    step = max(1, min(4096, (1 << 20) // max(n, 1)))  # (step, n) float arrays of 8 MiB at most
    done = 0
    for m in per:
        pbi_sum = np.zeros(n)
        jr_sum = np.zeros(n)
        ssi_sum = np.zeros(n)
        act_sum = 0.0
        for start in range(0, m, step):
            size = min(step, m - start)
            if need_flip:
                X = rng.random((size, n)) < 0.5
                win_with, win_without, win = _flips(game, X, form)
                sw = win_with & ~win_without
                pbi_sum += sw.sum(axis=0)
                act_sum += float(win.sum())
                crit = sw & X & win[:, None]
                nc = crit.sum(axis=1)
                ok = nc > 0
                jr_sum += (crit[ok] / nc[ok, None]).sum(axis=0)
            if need_ssi:
                ssi_sum += _pivots(game, rng, size, form)
            done += size
            if progress is not None:
                progress(done, samples)
        est["pbi"].append(pbi_sum / m)
        est["jr"].append(jr_sum / m)
        est["ssi"].append(ssi_sum / m)
        est["act"].append(np.array([act_sum / m]))
    wts = np.array(per, dtype=float) / samples

    def mean(key: str) -> NDArray[np.float64]:
        return np.asarray(np.tensordot(wts, np.array(est[key]), axes=1))

    def se_of(fn: Callable[[int | None], NDArray[np.float64]]) -> NDArray[np.float64]:
        vals = np.array([fn(b) for b in range(batches)])
        return np.asarray(vals.std(axis=0, ddof=1) / math.sqrt(batches))

    def idx(name: str, b: int | None) -> NDArray[np.float64]:
        def g(key: str) -> NDArray[np.float64]:
            return mean(key) if b is None else est[key][b]

        pbi, act = g("pbi"), float(g("act")[0])
        if name == "banzhaf_absolute":
            return pbi
        if name == "banzhaf":
            return pbi / pbi.sum() if pbi.sum() else pbi
        if name == "shapley_shubik":
            return g("ssi")
        if name == "johnston":
            jr = g("jr")
            return jr / jr.sum() if jr.sum() else jr
        if name == "coleman_prevent":
            return pbi / (2 * act) if act else pbi * 0
        if name == "coleman_initiate":
            return pbi / (2 * (1 - act)) if act < 1 else pbi * 0
        if name == "coleman_act":
            return np.array([act])
        raise AssertionError(name)  # pragma: no cover

    ses: dict[str, dict[str, float]] = {}
    for name in want:

        def one(b: int | None, nm: str = name) -> NDArray[np.float64]:
            return idx(nm, b)

        se = se_of(one)
        if name == "coleman_act":
            ses[name] = {"*": float(se[0])}
        else:
            ses[name] = {p: float(v) for p, v in zip(game.players, se, strict=True)}
    pbi: list[Value] = [float(x) for x in mean("pbi")]
    act = float(mean("act")[0])
    raw = _Raw(
        n=n,
        act=act,
        pbi=pbi,
        winning=round(Fraction(act) * (1 << n)),
        ssi=[float(x) for x in mean("ssi")] if need_ssi else None,
        johnston=[float(x) for x in mean("jr")] if "johnston" in want else None,
    )
    info = MonteCarloInfo(seed=seed, samples=samples, batches=batches, standard_errors=ses)
    return raw, info


def _leaves(game: Game) -> int:
    """Number of component games a coalition test evaluates (the cost of one test, per player)."""
    if isinstance(game, AndGame | OrGame):
        return sum(_leaves(g) for g in game.games)
    if isinstance(game, VectorWeightedGame):
        return len(game.components)
    inner = getattr(game, "inner", None) or getattr(game, "game", None)
    if isinstance(inner, Game):
        return 1 + _leaves(inner)
    return 1


def _mc_cost(game: Game, want: list[str]) -> float:
    """Player-evaluations per Monte Carlo sample: the threshold form tests all n one-player
    changes at once (n each); another game tests each of the 2n+1 changed coalitions
    through its component games (n per component), and bisects for Shapley-Shubik."""
    n = max(game.n, 1)
    flips = bool(set(want) & (_BANZHAF_FAMILY | {"johnston"}))
    ssi = "shapley_shubik" in want
    if _threshold_form(game) is not None:
        return 4.0 * n * flips + n * (1 + math.log2(n)) * ssi
    tests = (2 * n + 1) * flips + (math.log2(n) + 3) * ssi
    return float(n * _leaves(game) * tests)


def _flips(
    game: Game, X: NDArray[np.bool_], form: tuple[list[int], list[int]] | None
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """For each sample and player: does X ∪ {i} win, does X ∖ {i} win; and does X win."""
    if form is not None:
        w = np.array(form[0], dtype=np.float64)
        t = np.array(form[1], dtype=np.float64)
        p = X.astype(np.float64) @ w
        c = X.sum(axis=1)
        xi = X.astype(np.int64)
        p_with = p[:, None] + w[None, :] * (1 - xi)
        c_with = c[:, None] + (1 - xi)
        p_wo = p[:, None] - w[None, :] * xi
        c_wo = c[:, None] - xi
        return p_with >= t[c_with], p_wo >= t[c_wo], p >= t[c]
    n = game.n
    win = game.winning_rows(X)
    ww = np.empty(X.shape, dtype=np.bool_)
    wo = np.empty(X.shape, dtype=np.bool_)
    for i in range(n):
        Y = X.copy()
        Y[:, i] = True
        ww[:, i] = game.winning_rows(Y)
        Y[:, i] = False
        wo[:, i] = game.winning_rows(Y)
    return ww, wo, win


def _pivots(
    game: Game, rng: np.random.Generator, size: int, form: tuple[list[int], list[int]] | None
) -> NDArray[np.float64]:
    """Pivot counts per player over ``size`` random orders (binary search on the prefix)."""
    n = game.n
    perms = np.argsort(rng.random((size, n)), axis=1)
    rank = np.empty_like(perms)
    np.put_along_axis(rank, perms, np.arange(n)[None, :].repeat(size, 0), axis=1)
    lo = np.zeros(size, dtype=np.int64)  # prefix of length lo loses (empty loses unless t0)
    hi = np.full(size, n, dtype=np.int64)  # prefix of length hi wins
    if form is not None:
        w = np.array(form[0], dtype=np.float64)
        t = np.array(form[1], dtype=np.float64)
        cums = np.cumsum(w[perms], axis=1)
        ks = np.arange(1, n + 1)
        wins = cums >= t[ks][None, :]
        first = np.argmax(wins, axis=1)
        ok = wins[np.arange(size), first]
        piv = perms[np.arange(size), first]
        return np.bincount(piv[ok], minlength=n).astype(np.float64)
    full_win = game.winning_rows(np.ones((size, n), dtype=np.bool_))
    empty_win = game.winning_rows(np.zeros((size, n), dtype=np.bool_))
    ok = full_win & ~empty_win
    while True:
        active = hi - lo > 1
        if not active.any():
            break
        mid = (lo + hi) // 2
        rows = rank < mid[:, None]
        wm = game.winning_rows(rows)
        hi = np.where(active & wm, mid, hi)
        lo = np.where(active & ~wm, mid, lo)
    piv = perms[np.arange(size), hi - 1]
    return np.bincount(piv[ok], minlength=n).astype(np.float64)


# --------------------------------------------------------------------------------------------
# public API


def veto_players(game: Game) -> tuple[str, ...]:
    """Players without whom nothing wins (N ∖ {i} loses), when something wins at all.

    Examples:
        The UN Security Council as the weighted game [39; 7 x 5, 1 x 10]:

        >>> from mlf.games import parse_weighted
        >>> unsc = parse_weighted("[39; 7, 7, 7, 7, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]")
        >>> veto_players(unsc)
        ('P1', 'P2', 'P3', 'P4', 'P5')
    """
    n = game.n
    form = _threshold_form(game)
    if form is not None:
        return _core.threshold_vetoes(game.players, *form)
    if not game.has_winning:
        return ()
    full = (1 << n) - 1
    return tuple(p for i, p in enumerate(game.players) if not game.is_winning(full & ~(1 << i)))


def winning_coalition_count(game: Game) -> int:
    """|W|, exactly.

    Examples:
        >>> from mlf.games import parse_weighted
        >>> unsc = parse_weighted("[39; 7, 7, 7, 7, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]")
        >>> winning_coalition_count(unsc)
        848
    """
    r = power_indices(game, ["coleman_act"], exact=True, mwc_cap=0)
    assert r.winning_coalitions is not None
    return r.winning_coalitions


def dummy_players(game: Game) -> tuple[str, ...]:
    """Players who never swing (zero Banzhaf power), exactly.

    Examples:
        Luxembourg in the EEC Council of 1958:

        >>> from mlf.games import parse_weighted
        >>> eec = parse_weighted("[12; 4, 4, 4, 2, 2, 1]", ["FR", "DE", "IT", "BE", "NL", "LU"])
        >>> dummy_players(eec)
        ('LU',)
    """
    return power_indices(game, ["banzhaf_absolute"], exact=True, mwc_cap=0).dummies


def minimal_winning_coalitions(game: Game, cap: int = 1000) -> tuple[int, list[tuple[str, ...]]]:
    """(number of minimal winning coalitions, up to ``cap`` of them as name tuples).

    Examples:
        >>> from mlf.games import parse_weighted
        >>> minimal_winning_coalitions(parse_weighted("[3; 2, 1, 1]", ["A", "B", "C"]))
        (2, [('A', 'B'), ('A', 'C')])
    """
    r = power_indices(game, ["holler"], exact=True, mwc_cap=cap)
    assert r.minimal_winning_count is not None
    return r.minimal_winning_count, list(r.minimal_winning)


def power_indices(
    game: Game,
    indices: Iterable[str] | None = None,
    *,
    exact: bool = False,
    samples: int | None = None,
    seed: SeedLike = None,
    mwc_cap: int = 1000,
    progress: Progress = None,
    use_numba: bool = True,
    algorithm: str = "auto",
) -> PowerResult:
    """Power indices of ``game`` (all of :data:`INDEX_NAMES` by default).

    Picks the fastest exact algorithm that applies (see the module docstring); with
    ``samples`` it estimates by Monte Carlo instead (seeded by ``seed``, any form
    :mod:`mlf.seeds` accepts; the estimate records the integer used). ``exact=True``
    returns :class:`~fractions.Fraction` values. ``use_numba=False`` forces the numpy paths;
    ``algorithm`` forces one exact algorithm (``"enumeration"``, ``"enumeration-threshold"``,
    ``"generating-function"``) instead of ``"auto"``, for testing and benchmarking.
    Raises :class:`GameError` for unknown index names, or when the game is too large for any
    exact method and no ``samples`` were given.

    Examples:
        The EEC Council of 1958 (Felsenthal & Machover 1998; docs/reference/power.md):

        >>> from mlf.games import parse_weighted
        >>> eec = parse_weighted("[12; 4, 4, 4, 2, 2, 1]", ["FR", "DE", "IT", "BE", "NL", "LU"])
        >>> r = power_indices(eec, ["shapley_shubik", "banzhaf"], exact=True)
        >>> {p: str(v) for p, v in r.indices["shapley_shubik"].items()}
        {'FR': '7/30', 'DE': '7/30', 'IT': '7/30', 'BE': '3/20', 'NL': '3/20', 'LU': '0'}
        >>> {p: str(v) for p, v in r.indices["banzhaf"].items()}
        {'FR': '5/21', 'DE': '5/21', 'IT': '5/21', 'BE': '1/7', 'NL': '1/7', 'LU': '0'}
        >>> r.dummies, r.winning_coalitions
        (('LU',), 14)
    """
    explicit = indices is not None
    if exact and game.n > MAX_EXACT_PLAYERS:
        raise GameError(
            f"exact fractions are limited to {MAX_EXACT_PLAYERS:,} players, the game has {game.n}"
        )
    want = list(INDEX_NAMES) if indices is None else list(dict.fromkeys(indices))
    bad = [x for x in want if x not in INDEX_NAMES]
    if bad:
        raise GameError(f"unknown index {', '.join(bad)}; known: {', '.join(INDEX_NAMES)}")
    if mwc_cap < 0:
        raise GameError("mwc_cap must be >= 0")
    n = game.n
    per_player = [x for x in want if x != "coleman_act"]
    if samples is not None:
        if exact:
            raise GameError("exact=True and samples= exclude each other")
        if samples < 2 * 20:
            raise GameError(f"samples must be at least 40 (20 batches), got {samples}")
        if samples > MAX_SAMPLES:
            raise GameError(f"samples: {samples:,} is above the limit of {MAX_SAMPLES:,}")
        no_mc = [x for x in want if x not in _MC_INDICES]
        if no_mc and explicit:
            raise GameError(f"{', '.join(no_mc)}: no Monte Carlo estimate (needs exact methods)")
        mc_want = [x for x in want if x in _MC_INDICES]
        work = samples * _mc_cost(game, mc_want)
        if work > MC_BUDGET:
            raise GameError(
                f"samples: {samples:,} samples of this {n}-player game would take "
                f"~{work:.1e} evaluations, above the Monte Carlo budget of {MC_BUDGET:.0e}; "
                f"use at most {max(int(MC_BUDGET // (work / samples)), 0):,} samples"
            )
        raw, info = _montecarlo(game, mc_want, samples, seed, progress)
        dummies = tuple(p for p, x in zip(game.players, raw.pbi, strict=True) if x == 0)
        return _assemble(
            game, raw, [x for x in per_player if x in _MC_INDICES], exact=False,
            method="montecarlo", algorithm="montecarlo", mwc_cap=mwc_cap,
            omitted={x: "no Monte Carlo estimate" for x in no_mc}, mc=info, dummies=dummies,
        )  # fmt: skip
    want_j = "johnston" in want
    want_m = "deegan_packel" in want or "holler" in want
    form = _threshold_form(game)
    omitted: dict[str, str] = {}
    numba_ok = use_numba and _numba_installed()
    algos = (
        "auto", "enumeration", "enumeration-threshold", "generating-function", "closed-form",
        "weight-classes",
    )  # fmt: skip
    if algorithm not in algos:
        raise GameError(f"unknown algorithm {algorithm!r}; known: {', '.join(algos)}")
    symmetric = form is not None and len(set(form[0])) == 1 and n > 0 and form[0][0] > 0
    if algorithm == "closed-form" and not symmetric:
        raise GameError("closed-form needs a head count (all players of equal weight)")
    if algorithm == "auto" and symmetric and n > _MAX_ENUM:
        algorithm = "closed-form"
    if algorithm == "auto" and form is not None and _core.classes_auto(form[0], want, mwc_cap):
        algorithm = "weight-classes"
    # numba pays off from 16 players, or at once if it is loaded already (no import cost)
    loaded = "numba" in sys.modules
    can_thr = (
        form is not None
        and n <= _MAX_ENUM_NUMBA
        and numba_ok
        and sum(form[0]) < 2**50
        and (algorithm == "enumeration-threshold" or (algorithm == "auto" and (n >= 16 or loaded)))
        and bool(_kernels().HAVE_NUMBA)
    )
    can_dp = form is not None and _dp_cheap(form, exact)
    weighted = form is not None and len(set(form[1])) == 1
    counts_only = not (want_j or want_m)
    dp_steps = _dp_steps(form, want, exact) if can_dp and weighted and form is not None else None
    if algorithm == "auto":
        if (
            can_dp
            and weighted
            and (
                counts_only
                or n > _MAX_ENUM_NUMBA
                or (can_thr and _dp_before_enumeration(dp_steps, n, loaded))
            )
        ):
            algorithm = "generating-function"
        elif can_thr:
            algorithm = "enumeration-threshold"
        elif can_dp and form is not None and (n > _MAX_ENUM or (n > 20 and weighted)):
            algorithm = "generating-function"
        elif n <= _MAX_ENUM:
            algorithm = "enumeration"
        else:
            raise GameError(
                f"{n} players are too many for exact methods on this game (enumeration handles "
                f"up to {_MAX_ENUM}, the DP only weighted games with a moderate total weight); "
                f"pass samples= (CLI: --samples N) for a Monte Carlo estimate"
            )
    if algorithm == "closed-form":
        assert form is not None
        raw = _symmetric(form[0], form[1], mwc_cap, exact)
    elif algorithm == "weight-classes":
        if (
            form is None
            or n > _core.CLASSES_MAX_PLAYERS
            or _core.class_steps(form[0]) > _core.CLASSES_FORCED_STEPS
        ):
            raise GameError(
                "weight-classes needs a threshold game of at most "
                f"{_core.CLASSES_MAX_PLAYERS} players with few distinct weights"
            )
        raw = _core.classes_raw(form[0], form[1], want, exact, mwc_cap, progress)
    elif algorithm == "enumeration-threshold":
        if not can_thr or form is None:
            raise GameError("enumeration-threshold needs numba, n <= 30 and a threshold game")
        raw = _enumeration_threshold(form[0], form[1], mwc_cap, exact, progress)
    elif algorithm == "generating-function":
        if not can_dp or form is None:
            raise GameError("generating-function needs a weighted (threshold) game")
        # The DP's kernels are cheap in numpy for small tables; numba's load costs ~0.5 s.
        big = dp_steps is None or dp_steps > _DP_NUMBA_STEPS
        dp_numba = numba_ok and (loaded or (n >= 16 and big))
        raw, omitted = _dp_engine(
            form[0], form[1], set(want), explicit, exact, mwc_cap, dp_numba, progress
        )
    else:
        if n > _MAX_ENUM:
            raise GameError(f"enumeration is limited to {_MAX_ENUM} players")
        raw = _enumeration(game, want_j, want_m, mwc_cap, progress, exact)
    final = [x for x in per_player if x not in omitted]
    return _assemble(
        game, raw, final, exact=exact, method="exact", algorithm=algorithm,
        mwc_cap=mwc_cap, omitted=omitted,
    )  # fmt: skip


def _dp_steps(form: tuple[list[int], list[int]], want: Sequence[str], exact: bool) -> float | None:
    """Estimated steps of the generating-function DP for ``want`` on a plain weighted game
    (one quota), as :func:`_dp_engine` counts them; None when a part it would compute is over
    its budget (the DP would leave that index out, where an enumeration gives it).

    Examples:
        The UN Security Council ``[39; 7x5, 1x10]``, every index:

        >>> from mlf.power import INDEX_NAMES
        >>> _dp_steps(([7] * 5 + [1] * 10, [39] * 15), INDEX_NAMES, False)
        106552.0
    """
    w, t = form
    n, total, levels = len(w), sum(w), len(set(w))
    item, factor = _itemsize(n, exact)
    steps = float((n + levels) * (min(t[0], total + 1) + 1) * factor)  # the swings
    if "shapley_shubik" in want:
        cells = (n + 1) * (total + 1)
        ssi = cells * (n + levels) * factor
        if cells > 1.2e8 or cells * item > MEMORY_BUDGET or ssi > 2 * _DP_BUDGET:
            return None
        steps += ssi
    jitem, jfactor = _itemsize(n, True)
    if "johnston" in want:
        cost, mem = _johnston_cost(w, t[0])
        if cost * jfactor > _DP_BUDGET or mem * jitem > MEMORY_BUDGET:
            return None
        steps += cost * jfactor
    if "deegan_packel" in want or "holler" in want:
        mcost = n**3 * (total + 1) / 2 * jfactor
        if mcost > _DP_BUDGET or n * (n + 1) * (total + 1) * jitem > MEMORY_BUDGET:
            return None
        steps += mcost
    return steps


def _dp_before_enumeration(steps: float | None, n: int, numba_loaded: bool) -> bool:
    """Whether the DP (``steps`` of it, :func:`_dp_steps`) is expected to finish before the
    numba enumeration of the 2^n coalitions of a weighted game, counting numba's load when
    the process has not paid it yet (the constants above say what was measured).

    Examples:
        25 players with weights below 10 (about 1.4e6 steps: the DP takes 17 ms, the
        enumeration 0.13 s), and with weights below 1,000 (2.9e8 steps, 0.2 s): the
        enumeration, unless numba has yet to be loaded (0.5 s more):

        >>> _dp_before_enumeration(1.4e6, 25, True)
        True
        >>> _dp_before_enumeration(2.9e8, 25, True), _dp_before_enumeration(2.9e8, 25, False)
        (False, True)
    """
    if steps is None:
        return False
    enum = (1 << n) * _ENUM_STEPS_PER_COALITION + (0.0 if numba_loaded else _NUMBA_LOAD_STEPS)
    return steps + _DP_FIXED_STEPS < enum


def _itemsize(n: int, exact: bool, float_ok: bool = True) -> tuple[int, int]:
    """(bytes per table cell, cost factor per operation) of the DP's counting type."""
    if n <= 62:
        return 8, 1
    if float_ok and not exact:
        return 8, 1
    return 40 + n // 8, _OBJECT_COST  # a pointer and a Python int of up to n bits


def _dp_cheap(form: tuple[list[int], list[int]], exact: bool = False) -> bool:
    """Whether the Banzhaf tables of the generating-function DP are affordable in steps and
    memory: the 1-D table has one cell per weight below the quota (n updates of it), the
    size-by-weight table (n+1)·(total+1) cells (n updates, one pass per distinct weight)."""
    w, t = form
    n, total = len(w), sum(w)
    if total >= 2**31:
        return False
    item, factor = _itemsize(n, exact)
    levels = len(set(w))
    if len(set(t)) == 1:
        cells = min(t[0], total + 1) + 1
        steps = (n + levels) * cells * factor
    else:
        cells = (n + 1) * (total + 1)
        if cells > 1.2e8:
            return False
        steps = (n + levels) * cells * factor
    return steps <= _DP_BUDGET and cells * item <= MEMORY_BUDGET
