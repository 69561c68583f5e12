"""The numpy-free core of :mod:`mlf.power`: result types, indices from exact counts, the
threshold form of a weighted game, and the ``weight-classes`` engine.

Why a module of its own: ``mlf power "[39; 7, 7, ...]"`` is a one-shot command, and importing
numpy costs more than the whole computation on a small game (issue 12: the command must take
under 0.15 s on a game of up to 25 players). :mod:`mlf.cli._fastpower` reads a plain weighted
game and runs this module alone; :mod:`mlf.power` imports the same functions, so both paths
compute the same numbers with the same arithmetic (definitions of the indices in the module
docstring of :mod:`mlf.power` and in docs/reference/power.md).

The ``weight-classes`` engine
-----------------------------
In a game "S wins iff w(S) ≥ t[|S|]" players of equal weight are interchangeable, so a
coalition matters only through how many members it takes from each weight class: with D
distinct weights x_1..x_D held by c_1..c_D players, there are Π(c_j + 1) such profiles m, each
standing for Π C(c_j, m_j) coalitions of size k = Σ m_j and weight W = Σ m_j·x_j. The profile
wins iff W ≥ t[k]; a member of class j is critical iff W - x_j < t[k-1]; a given player of
class j belongs to C(c_j - 1, m_j - 1)·Π_{l≠j} C(c_l, m_l) of the profile's coalitions. Summing
over the profiles gives, exactly, every count that the 2^n enumeration of :mod:`mlf.power`
gives (winning coalitions by size, swings by size, swings by number of critical members,
minimal winning coalitions by size), in Π(c_j + 1)·D steps instead of 2^n·n: the UN Security
Council (5 players of weight 7, 10 of weight 1) has 66 profiles for 32,768 coalitions. It adds
nothing to the definitions: players of equal weight are interchangeable in a weighted game.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

__all__ = [
    "INDEX_NAMES",
    "MonteCarloInfo",
    "PowerResult",
]

INDEX_NAMES: tuple[str, ...] = (
    "banzhaf",
    "banzhaf_absolute",
    "shapley_shubik",
    "johnston",
    "deegan_packel",
    "holler",
    "coleman_act",
    "coleman_prevent",
    "coleman_initiate",
)

Value = float | Fraction

#: Most profile-steps (Π(c_j + 1)·(D + 1)) for which ``auto`` picks the weight-classes engine:
#: about 2 ms of pure Python, less than numpy's enumeration or generating functions cost on
#: such games (benchmarks/power.py, "weight-classes" rows).
CLASSES_AUTO_STEPS = 3000
#: Most players for the weight-classes engine: counts stay below 2^63, as in the int64 engines,
#: so the floats it returns are the ones the other exact engines return.
CLASSES_MAX_PLAYERS = 30
#: Most players of mlf.power's 2^n numpy enumeration (and above it, head counts take the
#: closed form).
MAX_ENUM = 25
#: Most profile-steps when the engine is forced with ``algorithm="weight-classes"``.
CLASSES_FORCED_STEPS = 4_000_000


@dataclass(frozen=True)
class MonteCarloInfo:
    """How a Monte Carlo estimate was made and how uncertain it is."""

    seed: int | None
    samples: int
    batches: int
    standard_errors: dict[str, dict[str, float]]
    confidence: float = 0.95

    def half_width(self, index: str, player: str) -> float:
        """Half-width of the 95 % confidence interval (1.96 standard errors)."""
        return 1.959963984540054 * self.standard_errors[index][player]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types."""
        return {
            "seed": self.seed,
            "samples": self.samples,
            "batches": self.batches,
            "confidence": self.confidence,
            "standard_errors": self.standard_errors,
        }


@dataclass(frozen=True)
class PowerResult:
    """Power indices of one game, how they were computed, and the game's key facts.

    ``indices`` maps an index name to {player: value} (``Fraction`` when exact output was
    asked for); ``coleman_act`` is the body's power to act |W|/2^n. ``winning_coalitions``
    is exact for exact methods with n ≤ 62 or exact output (rounded from a float share
    otherwise, and estimated under Monte Carlo). ``minimal_winning`` lists at most
    ``mwc_cap`` minimal winning coalitions, ``minimal_winning_count`` counts all of them
    (None when not computed). ``omitted`` says which requested-by-default indices were left
    out and why; ``montecarlo`` holds the seed, samples and standard errors of an estimate.
    """

    players: tuple[str, ...]
    method: str  # "exact" | "montecarlo"
    algorithm: str
    indices: dict[str, dict[str, Value]]
    coleman_act: Value | None
    veto_players: tuple[str, ...]
    dummies: tuple[str, ...]
    winning_coalitions: int | None
    minimal_winning_count: int | None
    minimal_winning: tuple[tuple[str, ...], ...] = ()
    montecarlo: MonteCarloInfo | None = None
    omitted: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON object: players, method, indices (floats), veto players, dummies,
        number of winning coalitions and the Coleman power to act."""
        return {
            "players": list(self.players),
            "method": self.method,
            "indices": {
                name: {p: float(v) for p, v in vals.items()} for name, vals in self.indices.items()
            },
            "veto_players": list(self.veto_players),
            "dummies": list(self.dummies),
            "winning_coalitions": self.winning_coalitions,
            "coleman_act": None if self.coleman_act is None else float(self.coleman_act),
        }

    def to_full_dict(self) -> dict[str, Any]:
        """Everything, losslessly: exact values as ``"p/q"`` strings next to the floats."""
        out = self.to_dict()
        out["algorithm"] = self.algorithm
        out["minimal_winning_count"] = self.minimal_winning_count
        out["minimal_winning"] = [list(c) for c in self.minimal_winning]
        out["montecarlo"] = None if self.montecarlo is None else self.montecarlo.to_dict()
        out["omitted"] = dict(self.omitted)
        if self.method == "exact":
            out["exact"] = {
                name: {p: str(v) for p, v in vals.items()} for name, vals in self.indices.items()
            }
        return out


# --------------------------------------------------------------------------------------------
# raw exact or float counts -> indices


@dataclass
class Raw:
    """What an engine found; ints are exact counts, floats are shares (see each field)."""

    n: int
    act: Value  # |W| / 2^n
    pbi: list[Value]  # swings_i / 2^(n-1)
    winning: int | None
    ssi: list[Value] | None = None
    johnston: list[Value] | None = None  # Σ 1/c(S), any common scale
    dp: list[Value] | None = None  # Deegan-Packel, final
    holler: list[Value] | None = None  # m_i, any common scale
    mwc_count: int | None = None
    mwc_list: list[int] = field(default_factory=list)


def q(num: int, den: int, exact: bool) -> Value:
    """num/den as a Fraction (exact) or a correctly rounded float."""
    if not den:
        return Fraction(0) if exact else 0.0
    return Fraction(num, den) if exact else num / den


def harmonic(row: Sequence[int], n: int, exact: bool) -> Value:
    """Σ_k row[k] / k, exactly or in floats."""
    if exact:
        return sum((Fraction(int(row[k]), k) for k in range(1, n + 1) if row[k]), Fraction(0))
    return math.fsum(int(row[k]) / k for k in range(1, n + 1) if row[k])


def raw_from_counts(
    n: int,
    wins_by_size: Sequence[int],
    swings_by_size: Sequence[Sequence[int]],
    jcount: Sequence[Sequence[int]] | None,
    mwc_size: Sequence[Sequence[int]] | None,
    mwc_count: int | None,
    mwc_list: list[int],
    exact: bool = True,
) -> Raw:
    """Index ingredients from exact integer counts (by player and size / number of critical
    members): Fractions, or correctly rounded floats when ``exact`` is False."""
    wins = sum(int(x) for x in wins_by_size)
    full = 1 << n
    pbi = [q(sum(int(x) for x in row), full // 2 or 1, exact) for row in swings_by_size]
    fact = [math.factorial(k) for k in range(n + 1)]
    ssi = [
        q(sum(int(row[k]) * fact[k - 1] * fact[n - k] for k in range(1, n + 1)), fact[n], exact)
        for row in swings_by_size
    ]
    raw = Raw(n=n, act=q(wins, full, exact), pbi=pbi, winning=wins, ssi=ssi)
    if jcount is not None:
        raw.johnston = [harmonic(row, n, exact) for row in jcount]
    if mwc_size is not None and mwc_count is not None:
        raw.mwc_count = mwc_count
        raw.holler = [q(sum(int(x) for x in row), 1, exact) for row in mwc_size]
        raw.dp = [harmonic(row, n, exact) / (mwc_count or 1) for row in mwc_size]
        raw.mwc_list = mwc_list
    return raw


def normalise(xs: list[Value]) -> list[Value]:
    """xs / Σ xs (zeros when the sum is 0), in the type of the entries."""
    tot = sum(xs, Fraction(0)) if xs and isinstance(xs[0], Fraction) else sum(xs, 0.0)
    if not tot:
        return [x * 0 for x in xs]
    return [x / tot for x in xs]


def assemble(
    players: tuple[str, ...],
    vetoes: tuple[str, ...],
    raw: Raw,
    want: list[str],
    *,
    exact: bool,
    method: str,
    algorithm: str,
    minimal_winning: tuple[tuple[str, ...], ...],
    omitted: dict[str, str],
    mc: MonteCarloInfo | None = None,
    dummies: tuple[str, ...] | None = None,
) -> PowerResult:
    """The result record from an engine's :class:`Raw` (``want``: the per-player indices)."""

    def out(xs: Sequence[Value]) -> dict[str, Value]:
        if exact:
            return {
                p: (x if isinstance(x, Fraction) else Fraction(x))
                for p, x in zip(players, xs, strict=True)
            }
        return {p: float(x) for p, x in zip(players, xs, strict=True)}

    act = raw.act
    vals: dict[str, Sequence[Value]] = {}
    for name in want:
        if name == "banzhaf_absolute":
            vals[name] = raw.pbi
        elif name == "banzhaf":
            vals[name] = normalise(list(raw.pbi))
        elif name == "shapley_shubik" and raw.ssi is not None:
            vals[name] = raw.ssi
        elif name == "johnston" and raw.johnston is not None:
            vals[name] = normalise(list(raw.johnston))
        elif name == "deegan_packel" and raw.dp is not None:
            vals[name] = raw.dp
        elif name == "holler" and raw.holler is not None:
            vals[name] = normalise(list(raw.holler))
        elif name == "coleman_prevent":
            vals[name] = [x / (2 * act) if act else x * 0 for x in raw.pbi]
        elif name == "coleman_initiate":
            vals[name] = [x / (2 * (1 - act)) if act != 1 else x * 0 for x in raw.pbi]
    indices = {name: out(v) for name, v in vals.items()}
    if dummies is None:
        dummies = tuple(p for p, x in zip(players, raw.pbi, strict=True) if x == 0)
    coleman: Value = (act if isinstance(act, Fraction) else Fraction(act)) if exact else float(act)
    return PowerResult(
        players=players,
        method=method,
        algorithm=algorithm,
        indices=indices,
        coleman_act=coleman,
        veto_players=vetoes,
        dummies=dummies,
        winning_coalitions=raw.winning,
        minimal_winning_count=raw.mwc_count,
        minimal_winning=minimal_winning,
        montecarlo=mc,
        omitted=omitted,
    )


def names_of(players: tuple[str, ...], masks: list[int]) -> tuple[tuple[str, ...], ...]:
    """Player names of each bitmask (bit i = ``players[i]``)."""
    return tuple(tuple(p for i, p in enumerate(players) if m >> i & 1) for m in masks)


# --------------------------------------------------------------------------------------------
# weighted games: threshold form and veto players


def weighted_form(int_weights: Sequence[int], int_quota: int) -> tuple[list[int], list[int]]:
    """(w, t) with S winning iff w(S) ≥ t[|S|] for the integer weighted game [q; w].

    A head count (all weights equal) becomes [k; 1, ..., 1] with k the least winning size; t
    uses total + 1 for "never" and 0 for "always" (as :func:`mlf.power._threshold_form`).
    """
    n = len(int_weights)
    if len(set(int_weights)) <= 1:
        unit = int_weights[0] if n else 0
        k = next((c for c in range(n + 1) if unit * c >= int_quota), None)
        t = [n + 1 if k is None else k] * (n + 1)
        w = [1] * n
    else:
        w = list(int_weights)
        t = [int_quota] * (n + 1)
    never = sum(w) + 1
    return w, [max(0, min(x, never)) for x in t]


def threshold_vetoes(players: Sequence[str], w: Sequence[int], t: Sequence[int]) -> tuple[str, ...]:
    """Veto players of "w(S) ≥ t[|S|]": N ∖ {i} loses while N wins."""
    n = len(w)
    total = sum(w)
    if total < t[n]:
        return ()
    return tuple(p for p, x in zip(players, w, strict=True) if total - x < t[n - 1])


# --------------------------------------------------------------------------------------------
# the weight-classes engine


def class_steps(w: Sequence[int]) -> int:
    """Π(c_j + 1)·(D + 1): the work of :func:`class_counts` (profiles times classes)."""
    counts: dict[int, int] = {}
    for x in w:
        counts[x] = counts.get(x, 0) + 1
    steps = len(counts) + 1
    for c in counts.values():
        steps *= c + 1
    return steps


def classes_auto(w: Sequence[int], want: Sequence[str], mwc_cap: int) -> bool:
    """Whether ``algorithm="auto"`` picks the weight-classes engine for "w(S) ≥ t[|S|]".

    Small games with few distinct weights (:data:`CLASSES_AUTO_STEPS`), up to
    :data:`CLASSES_MAX_PLAYERS` players, and no list of minimal winning coalitions to give
    (``mwc_cap`` 0, or no Deegan-Packel / Holler asked for): the engine counts them but does not
    list them. A head count of more than :data:`MAX_ENUM` players takes the closed form.
    """
    listing = mwc_cap > 0 and ("deegan_packel" in want or "holler" in want)
    n = len(w)
    if n > MAX_ENUM and len(set(w)) == 1 and w[0] > 0:
        return False  # a large head count: the closed form comes first
    return 0 < n <= CLASSES_MAX_PLAYERS and not listing and class_steps(w) <= CLASSES_AUTO_STEPS


def class_counts(
    w: Sequence[int],
    t: Sequence[int],
    want_j: bool,
    want_m: bool,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[int], list[list[int]], list[list[int]] | None, list[list[int]] | None, int | None]:
    """Exact counts of "w(S) ≥ t[|S|]" by weight-class profiles (see the module docstring).

    Returns (winning coalitions by size, swings_i by size of S, swings_i by number of critical
    members of S (``want_j``), minimal winning coalitions ∋ i by size (``want_m``), number of
    minimal winning coalitions (``want_m``)), the per-player rows in the players' order.
    ``progress(done, total)`` is called every 65,536 profiles and at the end.
    """
    n = len(w)
    classes: dict[int, list[int]] = {}
    for i, x in enumerate(w):
        classes.setdefault(x, []).append(i)
    xs = list(classes)
    cs = [len(classes[x]) for x in xs]
    d = len(xs)
    binom = [[math.comb(c, m) for m in range(c + 1)] for c in cs]
    wins = [0] * (n + 1)
    sw = [[0] * (n + 1) for _ in range(d)]
    jc = [[0] * (n + 1) for _ in range(d)]
    ms = [[0] * (n + 1) for _ in range(d)]
    mwc = 0
    total = 1
    for c in cs:
        total *= c + 1
    done = 0
    # odometer over the profiles m (m_j = 0..c_j), keeping k, W and the multiplicity
    m = [0] * d
    while True:
        k = sum(m)
        weight = 0
        mult = 1
        for j in range(d):
            if m[j]:
                weight += m[j] * xs[j]
                mult *= binom[j][m[j]]
        if weight >= t[k]:
            wins[k] += mult
            crit = [j for j in range(d) if m[j] and weight - xs[j] < t[k - 1]]
            h = 0
            for j in crit:
                h += m[j]
            for j in crit:
                share = mult * m[j] // cs[j]  # coalitions of this profile holding one member
                sw[j][k] += share
                jc[j][h] += share
            if want_m and h == k and k > 0:
                mwc += mult
                for j in crit:
                    ms[j][k] += mult * m[j] // cs[j]
        done += 1
        if progress is not None and not done & 0xFFFF:
            progress(done, total)
        j = 0
        while j < d and m[j] == cs[j]:
            m[j] = 0
            j += 1
        if j == d:
            break
        m[j] += 1
    if progress is not None:
        progress(total, total)
    if want_m and t[0] <= 0:  # the empty coalition wins: it is the only minimal winning one
        mwc, ms = 1, [[0] * (n + 1) for _ in range(d)]
    of = [0] * n
    for j, x in enumerate(xs):
        for i in classes[x]:
            of[i] = j
    rows = [list(sw[of[i]]) for i in range(n)]
    jrows = [list(jc[of[i]]) for i in range(n)] if want_j else None
    mrows = [list(ms[of[i]]) for i in range(n)] if want_m else None
    return wins, rows, jrows, mrows, (mwc if want_m else None)


def list_mwc(w: list[int], t: list[int], cap: int) -> list[int]:
    """Up to ``cap`` minimal winning coalitions of "w(S) ≥ t[|S|]" by depth-first search."""
    n = len(w)
    if cap <= 0:
        return []
    order = sorted(range(n), key=lambda i: (-w[i], i))
    ws = [w[i] for i in order]
    rest = [0] * (n + 1)
    for j in range(n - 1, -1, -1):
        rest[j] = rest[j + 1] + ws[j]
    tmin_from = [min(t[c:]) for c in range(n + 1)]
    out: list[int] = []
    if t[0] <= 0:
        return [0]

    def wins(c: int, p: int) -> bool:
        return p >= t[c]

    def dfs(j: int, c: int, p: int, members: list[int]) -> None:
        if len(out) >= cap:
            return
        if wins(c, p):
            lightest = min(ws[k] for k in members)
            if p - lightest < t[c - 1]:
                out.append(sum(1 << order[k] for k in members))
            return
        if j == n or p + rest[j] < tmin_from[c + 1 if c < n else n]:
            return
        members.append(j)
        dfs(j + 1, c + 1, p + ws[j], members)
        members.pop()
        dfs(j + 1, c, p, members)

    dfs(0, 0, 0, [])
    return out


def classes_raw(
    w: list[int],
    t: list[int],
    want: Sequence[str],
    exact: bool,
    cap: int,
    progress: Callable[[int, int], None] | None = None,
) -> Raw:
    """The weight-classes engine: counts by :func:`class_counts`, then the indices as the
    enumeration engines compute them (:func:`raw_from_counts`)."""
    want_j = "johnston" in want
    want_m = "deegan_packel" in want or "holler" in want
    wins, rows, jrows, mrows, mwc = class_counts(w, t, want_j, want_m, progress)
    masks = list_mwc(w, t, cap) if want_m else []
    return raw_from_counts(len(w), wins, rows, jrows, mrows, mwc, masks, exact)
