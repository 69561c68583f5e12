"""Can the members crew the force under the mixed-manning rules?

The MLF was to be "jointly built, owned and manned": every ship with a mixed crew, no nation
above a ceiling and several nationalities aboard. The sources:

* 40% ceiling "on any one nation's contributions" (FRUS 1961-63 XIII doc. 208; the cable
  does not say whether money, crew or both);
* "at least three nations" per ship (forum citing the Bulletin of the Atomic Scientists,
  confidence D);
* the test case, USS *Claude V. Ricketts* (1964-65): a crew of 335, US 184 (54.9%), FRG 49,
  Greece 32, UK 26, Italy 26, Netherlands 18 (USNI Proceedings, Jul 1965) -- a demonstration
  that mixed crews work, but one that would break a 40% rule on crews.

A plan gives each ship ``s`` and nation ``k`` a crew count ``x[s, k]``: every ship fully
crewed, no nation above ``floor(max_share * crew)`` sailors on a ship, at least
``min_nationalities`` nations aboard (present = at least one sailor), no nation above its
availability, and national totals as close as possible to target shares (least total
absolute deviation).

Method. The textbook model is a MILP over ``x[s, k]`` and binary presences ``y[s, k]``
(``method="full"``). The ships are identical, which makes that MILP highly symmetric, so the
default (``method="aggregate"``) solves a MILP over the national totals ``X_k`` only, then
builds the ships by dealing. This is exact because national totals ``X`` (summing to
``S * crew``) can be crewed iff ``X_k <= S * m`` for every nation and
``sum_k min(S, X_k) >= S * L`` (``S`` ships, cap ``m`` per nation per ship, ``L``
nationalities). Necessity: a nation is aboard at most ``min(S, X_k)`` ships. Sufficiency:
list the sailors nation by nation, nations with ``X_k >= S`` first, and deal them round the
ships like cards. Each ship gets ``crew`` sailors; nation ``k`` gets ``floor`` or
``ceil(X_k / S) <= m`` on each ship; a large nation is on every ship, and the small nations
lay consecutive arcs round the circle of ships, so every ship meets
``floor(sum_small X_k / S)`` or one more of them, which is at least ``L`` minus the number
of large nations exactly when the inequality above holds. The deal yields at most a handful
of distinct ship patterns.

References
----------
.. [1] FRUS 1961-63 vol. XIII doc. 208 (US "essentials" for the MLF, 1963).
.. [2] "Mixed-Manning Demonstration", USNI *Proceedings* 91(7), July 1965.
.. [3] HiGHS: Q. Huangfu, J. A. J. Hall, "Parallelizing the dual revised simplex method",
   *Math. Prog. Comp.* 10:119-142, 2018 (via ``scipy.optimize.milp``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, csr_matrix, vstack

from mlf.errors import MlfError

__all__ = [
    "ManningError",
    "ManningPlan",
    "ManningRules",
    "check_crews",
    "diagnose",
    "solve_manning",
]

IntArray = NDArray[np.int64]


class ManningError(MlfError):
    """Malformed manning rules (a negative crew, an unknown nation, ...)."""


def _frac(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def _pct(x: float) -> str:
    return f"{x * 100:g}%"


@dataclass(frozen=True, eq=False)
class ManningRules:
    """The manning rules of a force and what each nation can provide.

    Attributes:
        nations: the member nations, in order.
        ships: number of identical ships.
        crew_per_ship: sailors per ship.
        max_share: most of one ship's crew any one nation may provide (0.40 for the MLF).
        min_nationalities: fewest nations aboard each ship (3 for the MLF).
        availability: most sailors each nation can provide in total (missing = no limit).
        targets: target share of all sailors per nation (normalised to sum 1; default
            equal), e.g. shares of the cost contributions.
        tolerance: if given, a hard bound on ``|share_k - target_k|`` for every nation;
            otherwise the deviation is only minimised.

    Examples:
        Two ships of ten, targets from the cost shares, Italy able to send two sailors:

        >>> rules = ManningRules(("US", "FRG", "UK", "IT"), ships=2, crew_per_ship=10,
        ...                      targets={"US": 40, "FRG": 40, "UK": 10, "IT": 10},
        ...                      availability={"IT": 2})
        >>> rules.cap_per_ship, rules.total_crew
        (4, 20)
        >>> rules.target_vector().tolist(), rules.availability_vector().tolist()
        ([0.4, 0.4, 0.1, 0.1], [20, 20, 20, 2])
    """

    nations: tuple[str, ...]
    ships: int
    crew_per_ship: int
    max_share: float = 0.40
    min_nationalities: int = 3
    availability: Mapping[str, int] | None = None
    targets: Mapping[str, float] | None = None
    tolerance: float | None = None

    def __post_init__(self) -> None:
        nations = tuple(self.nations)
        object.__setattr__(self, "nations", nations)
        if not nations:
            raise ManningError("manning rules need at least one nation")
        if len(set(nations)) != len(nations):
            raise ManningError("nation names must be distinct")
        for name in ("ships", "crew_per_ship", "min_nationalities"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
                raise ManningError(f"{name} must be a positive integer, got {v!r}")
        if not (math.isfinite(self.max_share) and 0 < self.max_share <= 1):
            raise ManningError(f"max_share must lie in (0, 1], got {self.max_share}")
        if self.availability is not None:
            for k, v in self.availability.items():
                if k not in nations:
                    raise ManningError(f"availability given for unknown nation {k!r}")
                if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
                    raise ManningError(
                        f"availability of {k} must be a non-negative integer, got {v!r}"
                    )
            object.__setattr__(self, "availability", dict(self.availability))
        if self.targets is not None:
            missing = [k for k in nations if k not in self.targets]
            extra = [k for k in self.targets if k not in nations]
            if missing or extra:
                bad = missing or extra
                raise ManningError(
                    f"targets must name exactly the nations ({'missing' if missing else 'unknown'}:"
                    f" {', '.join(bad)})"
                )
            vals = [float(self.targets[k]) for k in nations]
            if any(not math.isfinite(v) or v < 0 for v in vals) or sum(vals) <= 0:
                raise ManningError("target shares must be non-negative and not all zero")
            total = sum(vals)
            object.__setattr__(
                self, "targets", {k: v / total for k, v in zip(nations, vals, strict=True)}
            )
        if self.tolerance is not None and not (
            math.isfinite(self.tolerance) and self.tolerance >= 0
        ):
            raise ManningError(f"tolerance must be non-negative, got {self.tolerance}")

    @property
    def cap_per_ship(self) -> int:
        """Most sailors one nation may put on one ship: ``floor(max_share * crew)``, exact."""
        return math.floor(_frac(self.max_share) * self.crew_per_ship)

    @property
    def total_crew(self) -> int:
        return self.ships * self.crew_per_ship

    def target_vector(self) -> NDArray[np.float64]:
        if self.targets is None:
            return np.full(len(self.nations), 1.0 / len(self.nations))
        return np.array([self.targets[k] for k in self.nations])

    def availability_vector(self) -> IntArray:
        """Per-nation availability; no limit is reported as the whole force's crew."""
        avail = self.availability or {}
        return np.array([int(avail.get(k, self.total_crew)) for k in self.nations], np.int64)

    def to_dict(self) -> dict[str, Any]:
        return {
            "nations": list(self.nations),
            "ships": int(self.ships),
            "crew_per_ship": int(self.crew_per_ship),
            "max_share": self.max_share,
            "min_nationalities": int(self.min_nationalities),
            "availability": dict(self.availability) if self.availability else None,
            "targets": dict(self.targets) if self.targets else None,
            "tolerance": self.tolerance,
        }


@dataclass(frozen=True, eq=False)
class ManningPlan:
    """A crewing plan, or why none exists.

    Attributes:
        feasible: whether a plan satisfying every rule exists.
        nations: nation ids (column order of ``crews``).
        crews: ``crews[s][k]`` sailors of nation ``k`` on ship ``s`` (empty if infeasible).
        totals: sailors per nation over the force.
        shares: each nation's share of all sailors.
        targets: the target shares used.
        deviation: total absolute deviation from the targets, in sailors.
        reason: plain-words cause when infeasible, else "".
        status: solver status ("optimal", "infeasible", "diagnosed").
        method: "aggregate" or "full".

    Examples:
        Two ships of ten, crews in proportion to cost shares of 40, 40, 10 and 10:

        >>> rules = ManningRules(("US", "FRG", "UK", "IT"), ships=2, crew_per_ship=10,
        ...                      targets={"US": 40, "FRG": 40, "UK": 10, "IT": 10})
        >>> plan = solve_manning(rules)
        >>> plan.feasible, plan.totals, plan.deviation
        (True, {'US': 8, 'FRG': 8, 'UK': 2, 'IT': 2}, 0.0)
        >>> [sum(plan.ship(s).values()) for s in range(2)], sum(n for _, n in plan.patterns())
        ([10, 10], 2)
    """

    feasible: bool
    nations: tuple[str, ...]
    crews: tuple[tuple[int, ...], ...] = ()
    totals: dict[str, int] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    deviation: float = 0.0
    reason: str = ""
    status: str = "optimal"
    method: str = "aggregate"

    def ship(self, s: int) -> dict[str, int]:
        """Crew of ship ``s`` by nation (nations with no sailors aboard omitted)."""
        return {k: c for k, c in zip(self.nations, self.crews[s], strict=True) if c}

    def patterns(self) -> list[tuple[dict[str, int], int]]:
        """Distinct ship crews with how many ships have each, most common first."""
        counts: dict[tuple[int, ...], int] = {}
        for row in self.crews:
            counts[row] = counts.get(row, 0) + 1
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [
            ({k: c for k, c in zip(self.nations, row, strict=True) if c}, n) for row, n in ordered
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "nations": list(self.nations),
            "ships": [self.ship(s) for s in range(len(self.crews))],
            "patterns": [{"crew": crew, "ships": n} for crew, n in self.patterns()],
            "totals": dict(self.totals),
            "shares": dict(self.shares),
            "targets": dict(self.targets),
            "deviation": self.deviation,
            "reason": self.reason,
            "status": self.status,
            "method": self.method,
        }


def diagnose(rules: ManningRules) -> str | None:
    """Plain-words reason why no plan can exist, or None if the rules can be met.

    Without a tolerance these checks are exact (see the module docstring): if none fires,
    a plan exists.

    Examples:
        >>> diagnose(ManningRules(("US", "FRG"), ships=1, crew_per_ship=10))
        "2 members cannot satisfy 'at least 3 nationalities per ship'"
        >>> diagnose(ManningRules(("US", "FRG", "UK"), ships=1, crew_per_ship=10, max_share=0.3))
        'max share 30% x 3 nations < 100% of a crew (3 x 3 = 9 of 10 sailors)'
        >>> diagnose(ManningRules(("US", "FRG", "UK"), ships=1, crew_per_ship=10)) is None
        True
    """
    k = len(rules.nations)
    lmin = rules.min_nationalities
    crew, ships = rules.crew_per_ship, rules.ships
    m = rules.cap_per_ship
    total = rules.total_crew
    if k < lmin:
        plural = "s" if k != 1 else ""
        return f"{k} member{plural} cannot satisfy 'at least {lmin} nationalities per ship'"
    if lmin > crew:
        return f"a crew of {crew} cannot hold {lmin} nationalities"
    if m == 0:
        return f"max share {_pct(rules.max_share)} of a crew of {crew} is less than one sailor"
    if k * m < crew:
        return (
            f"max share {_pct(rules.max_share)} x {k} nations < 100% of a crew"
            f" ({k} x {m} = {k * m} of {crew} sailors)"
        )
    avail = rules.availability_vector()
    if int(avail.sum()) < total:
        return (
            f"availability below required crew: members can provide {int(avail.sum())}"
            f" sailors, {ships} ships need {total}"
        )
    upper = np.minimum(avail, ships * m)
    if int(upper.sum()) < total:
        return (
            f"availability below required crew under the {_pct(rules.max_share)} cap: at most"
            f" {int(upper.sum())} of the {total} sailors can be placed"
        )
    places = int(np.minimum(upper, ships).sum())
    if places < ships * lmin:
        return (
            f"too few nations have sailors to spare: they can be aboard only {places} times,"
            f" but {ships} ships x {lmin} nationalities need {ships * lmin}"
        )
    return None


def check_crews(rules: ManningRules, crews: Sequence[Sequence[int]]) -> list[str]:
    """Every rule a given crew table breaks, one line each (empty list: all rules met).

    ``crews[s][k]`` is the number of sailors of nation ``k`` on ship ``s``. For instance the
    *Ricketts* crew (US 184 of 335) breaks a 40% cap.

    Examples:
        The *Ricketts* crew (USNI Proceedings, July 1965) under the 40% rule:

        >>> rules = ManningRules(("US", "FRG", "GRC", "GBR", "ITA", "NLD"), ships=1,
        ...                      crew_per_ship=335)
        >>> check_crews(rules, [[184, 49, 32, 26, 26, 18]])
        ['ship 1: US has 184 sailors, above the 40% cap (134)']
    """
    x = np.asarray(crews, dtype=np.int64)
    out: list[str] = []
    if x.shape != (rules.ships, len(rules.nations)):
        return [f"crew table has shape {x.shape}, expected ({rules.ships}, {len(rules.nations)})"]
    m = rules.cap_per_ship
    if np.any(x < 0):
        out.append("a crew count is negative")
    for s in range(rules.ships):
        if int(x[s].sum()) != rules.crew_per_ship:
            out.append(f"ship {s + 1} has {int(x[s].sum())} sailors, not {rules.crew_per_ship}")
        for k, name in enumerate(rules.nations):
            if x[s, k] > m:
                out.append(
                    f"ship {s + 1}: {name} has {int(x[s, k])} sailors, above the"
                    f" {_pct(rules.max_share)} cap ({m})"
                )
        present = int(np.count_nonzero(x[s] > 0))
        if present < rules.min_nationalities:
            out.append(
                f"ship {s + 1} has {present} nationalities, fewer than {rules.min_nationalities}"
            )
    avail = rules.availability_vector()
    for k, name in enumerate(rules.nations):
        if int(x[:, k].sum()) > avail[k]:
            out.append(f"{name} provides {int(x[:, k].sum())} sailors, above its {avail[k]}")
    if rules.tolerance is not None:
        shares = x.sum(axis=0) / rules.total_crew
        dev = np.abs(shares - rules.target_vector())
        for k, name in enumerate(rules.nations):
            if dev[k] > rules.tolerance + 1e-12:
                out.append(f"{name}'s share is {dev[k]:.4f} away from its target")
    return out


def _deal(totals: IntArray, ships: int) -> IntArray:
    """Deal sailors round the ships, nations with ``X_k >= ships`` first (module docstring)."""
    order = sorted(range(totals.size), key=lambda k: (totals[k] < ships, k))
    starts = np.zeros(totals.size, dtype=np.int64)
    pos = 0
    for k in order:
        starts[k] = pos
        pos += int(totals[k])
    ends = starts + totals
    s = np.arange(ships, dtype=np.int64)[:, None]
    # number of card indices j in [start, end) with j % ships == s
    return (ends[None, :] - s + ships - 1) // ships - (starts[None, :] - s + ships - 1) // ships


def _plan(
    rules: ManningRules, crews: IntArray, method: str, status: str = "optimal"
) -> ManningPlan:
    totals = crews.sum(axis=0)
    total = rules.total_crew
    target = rules.target_vector()
    return ManningPlan(
        feasible=True,
        nations=rules.nations,
        crews=tuple(tuple(int(v) for v in row) for row in crews),
        totals={k: int(t) for k, t in zip(rules.nations, totals, strict=True)},
        shares={k: float(t) / total for k, t in zip(rules.nations, totals, strict=True)},
        targets={k: float(t) for k, t in zip(rules.nations, target, strict=True)},
        deviation=float(np.abs(totals - target * total).sum()),
        status=status,
        method=method,
    )


def _infeasible(rules: ManningRules, reason: str, status: str, method: str) -> ManningPlan:
    return ManningPlan(
        feasible=False,
        nations=rules.nations,
        targets={k: float(t) for k, t in zip(rules.nations, rules.target_vector(), strict=True)},
        reason=reason,
        status=status,
        method=method,
    )


def _tolerance_bounds(rules: ManningRules) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    total = rules.total_crew
    target = rules.target_vector() * total
    if rules.tolerance is None:
        return np.full(target.size, -np.inf), np.full(target.size, np.inf)
    slack = rules.tolerance * total
    return np.ceil(target - slack - 1e-9), np.floor(target + slack + 1e-9)


def _status_reason(rules: ManningRules, status: int, message: str) -> tuple[str, str]:
    if status == 2:
        tol = rules.tolerance if rules.tolerance is not None else 0.0
        return "infeasible", (
            f"no plan keeps every nation within {_pct(tol)} of its target share under the rules"
        )
    return "error", f"the MILP solver stopped: {message}"


def _greedy_totals(
    target: NDArray[np.float64], lo: NDArray[np.float64], hi: NDArray[np.float64], total: int
) -> IntArray | None:
    """Integer ``X`` in ``[lo, hi]`` summing to ``total`` with least ``sum |X - target|``.

    The objective is separable and convex, so taking units in order of increasing marginal
    cost is optimal. Each nation's marginal costs from ``lo`` up are: -1 while below
    ``floor(target)``, ``1 - 2 frac(target)`` for the unit crossing the target, +1 after:
    at most three blocks per nation, taken cheapest first. Returns None if infeasible.
    """
    lo_i = lo.astype(np.int64)
    hi_i = hi.astype(np.int64)
    if lo_i.sum() > total or hi_i.sum() < total:
        return None
    x = lo_i.copy()
    blocks: list[tuple[float, int, int]] = []  # (cost, nation, units)
    for k in range(target.size):
        fl = math.floor(target[k])
        below = max(0, min(fl, hi_i[k]) - lo_i[k])
        if below:
            blocks.append((-1.0, k, below))
        start = lo_i[k] + below
        frac = target[k] - fl
        if frac > 0 and start == fl and start < hi_i[k]:
            blocks.append((1.0 - 2.0 * frac, k, 1))
            start += 1
        if hi_i[k] > start:
            blocks.append((1.0, k, int(hi_i[k] - start)))
    need = total - int(lo_i.sum())
    for _cost, k, units in sorted(blocks, key=lambda b: b[0]):
        if need == 0:
            break
        take = min(units, need)
        x[k] += take
        need -= take
    return x


def _solve_aggregate(rules: ManningRules, time_limit: float | None) -> ManningPlan:
    k = len(rules.nations)
    ships, total, m = rules.ships, rules.total_crew, rules.cap_per_ship
    target = rules.target_vector() * total
    upper = np.minimum(rules.availability_vector(), ships * m).astype(np.float64)
    lo_tol, hi_tol = _tolerance_bounds(rules)
    # variables: X (k, integer), z (k, integer: ships nation k is aboard), d (k, continuous)
    eye = np.eye(k)
    zero = np.zeros((k, k))
    a = np.vstack(
        [
            np.concatenate([np.ones(k), np.zeros(2 * k)])[None, :],  # sum X = total
            np.hstack([-eye, eye, zero]),  # z <= X
            np.concatenate([np.zeros(k), np.ones(k), np.zeros(k)])[None, :],  # sum z >= S*L
            np.hstack([eye, zero, -eye]),  # X - d <= target
            np.hstack([-eye, zero, -eye]),  # -X - d <= -target
        ]
    )
    lb = np.concatenate(
        [[total], np.full(k, -np.inf), [ships * rules.min_nationalities], np.full(2 * k, -np.inf)]
    )
    ub = np.concatenate([[total], np.zeros(k), [np.inf], target, -target])
    x_lo = np.maximum(0.0, lo_tol)
    x_hi = np.minimum(upper, hi_tol)
    if np.any(x_lo > x_hi):
        return _infeasible(rules, _status_reason(rules, 2, "")[1], "infeasible", "aggregate")
    bounds = Bounds(
        np.concatenate([x_lo, np.zeros(k), np.zeros(k)]),
        np.concatenate([x_hi, np.full(k, float(ships)), np.full(k, np.inf)]),
    )
    # fast path: the least-deviation totals ignoring the nationality rule; if they meet it
    # anyway they are optimal
    greedy = _greedy_totals(target, x_lo, x_hi, total)
    if (
        greedy is not None
        and int(np.minimum(greedy, ships).sum()) >= ships * rules.min_nationalities
    ):
        return _plan(rules, _deal(greedy, ships), "aggregate")
    c = np.concatenate([np.zeros(2 * k), np.ones(k)])
    integrality = np.concatenate([np.ones(2 * k), np.zeros(k)])
    options: dict[str, Any] = {}
    if time_limit is not None:
        options["time_limit"] = time_limit
    res = milp(
        c,
        constraints=LinearConstraint(a, lb, ub),
        integrality=integrality,
        bounds=bounds,
        options=options,
    )
    if res.x is None or res.status not in (0, 1):
        status, reason = _status_reason(rules, int(res.status), str(res.message))
        return _infeasible(rules, reason, status, "aggregate")
    totals = np.rint(res.x[:k]).astype(np.int64)
    crews = _deal(totals, ships)
    return _plan(rules, crews, "aggregate", "optimal" if res.status == 0 else "time limit")


def _solve_full(rules: ManningRules, time_limit: float | None) -> ManningPlan:
    k = len(rules.nations)
    ships, crew, total, m = rules.ships, rules.crew_per_ship, rules.total_crew, rules.cap_per_ship
    nxy = ships * k
    target = rules.target_vector() * total
    avail = rules.availability_vector().astype(np.float64)
    lo_tol, hi_tol = _tolerance_bounds(rules)
    # variables: x[s,k] (index s*k_+k), y[s,k] (offset nxy), d[k] (offset 2*nxy)
    nvar = 2 * nxy + k
    idx = np.arange(nxy)
    ship_of = idx // k
    nation_of = idx % k
    blocks: list[csr_matrix] = []
    lbs: list[NDArray[np.float64]] = []
    ubs: list[NDArray[np.float64]] = []

    def block(rows: IntArray, cols: IntArray, vals: NDArray[np.float64], nrow: int) -> csr_matrix:
        return coo_matrix((vals, (rows, cols)), shape=(nrow, nvar)).tocsr()

    ones = np.ones(nxy)
    # each ship fully crewed
    blocks.append(block(ship_of, idx, ones, ships))
    lbs.append(np.full(ships, float(crew)))
    ubs.append(np.full(ships, float(crew)))
    # presence: y <= x <= m*y
    blocks.append(block(np.r_[idx, idx], np.r_[idx, nxy + idx], np.r_[ones, -ones], nxy))
    lbs.append(np.zeros(nxy))
    ubs.append(np.full(nxy, np.inf))
    blocks.append(block(np.r_[idx, idx], np.r_[idx, nxy + idx], np.r_[ones, -m * ones], nxy))
    lbs.append(np.full(nxy, -np.inf))
    ubs.append(np.zeros(nxy))
    # nationalities per ship
    blocks.append(block(ship_of, nxy + idx, ones, ships))
    lbs.append(np.full(ships, float(rules.min_nationalities)))
    ubs.append(np.full(ships, np.inf))
    # national totals: availability, tolerance, deviation
    blocks.append(block(nation_of, idx, ones, k))
    lbs.append(np.maximum(lo_tol, 0.0))
    ubs.append(np.minimum(avail, hi_tol))
    nk = np.arange(k)
    blocks.append(
        block(np.r_[nation_of, nk], np.r_[idx, 2 * nxy + nk], np.r_[ones, -np.ones(k)], k)
    )
    lbs.append(np.full(k, -np.inf))
    ubs.append(target)
    blocks.append(
        block(np.r_[nation_of, nk], np.r_[idx, 2 * nxy + nk], np.r_[-ones, -np.ones(k)], k)
    )
    lbs.append(np.full(k, -np.inf))
    ubs.append(-target)
    a = vstack(blocks).tocsr()
    lo = np.concatenate(lbs)
    hi = np.concatenate(ubs)
    if np.any(lo > hi):
        return _infeasible(rules, _status_reason(rules, 2, "")[1], "infeasible", "full")
    c = np.concatenate([np.zeros(2 * nxy), np.ones(k)])
    integrality = np.concatenate([np.ones(2 * nxy), np.zeros(k)])
    bounds = Bounds(
        np.zeros(nvar),
        np.concatenate([np.full(nxy, float(m)), np.ones(nxy), np.full(k, np.inf)]),
    )
    options: dict[str, Any] = {}
    if time_limit is not None:
        options["time_limit"] = time_limit
    res = milp(
        c,
        constraints=LinearConstraint(a, lo, hi),
        integrality=integrality,
        bounds=bounds,
        options=options,
    )
    if res.status == 4:  # HiGHS "Solve error": seen from its presolve on tiny feasible
        # instances (5 nations, 2 ships of 12, share cap 25%); solve once more without it
        res = milp(
            c,
            constraints=LinearConstraint(a, lo, hi),
            integrality=integrality,
            bounds=bounds,
            options={**options, "presolve": False},
        )
    if res.x is None or res.status not in (0, 1):
        status, reason = _status_reason(rules, int(res.status), str(res.message))
        return _infeasible(rules, reason, status, "full")
    crews = np.rint(res.x[:nxy]).astype(np.int64).reshape(ships, k)
    return _plan(rules, crews, "full", "optimal" if res.status == 0 else "time limit")


def solve_manning(
    rules: ManningRules,
    method: Literal["aggregate", "full"] = "aggregate",
    time_limit: float | None = None,
) -> ManningPlan:
    """Find a crewing plan meeting every rule with the least deviation from target shares.

    ``method="aggregate"`` (default) solves the exact reduction to national totals and deals
    the ships (see the module docstring); ``"full"`` solves the per-ship MILP (integer crews
    ``x[s, k]``, binary presences ``y[s, k]`` with ``y <= x <= m y``). Both use HiGHS via
    :func:`scipy.optimize.milp` and reach the same least deviation. Infeasibility is
    reported in plain words in ``plan.reason`` (see :func:`diagnose`), not raised.

    Raises:
        ManningError: an unknown ``method``.

    Examples:
        Two ships of 10 sailors, crews in proportion to shares 40/40/10/10:

        >>> rules = ManningRules(("US", "FRG", "UK", "IT"), ships=2, crew_per_ship=10,
        ...                      targets={"US": 0.4, "FRG": 0.4, "UK": 0.1, "IT": 0.1})
        >>> plan = solve_manning(rules)
        >>> plan.feasible, plan.ship(0), plan.deviation
        (True, {'US': 4, 'FRG': 4, 'UK': 1, 'IT': 1}, 0.0)
    """
    if method not in ("aggregate", "full"):
        raise ManningError(f"method must be 'aggregate' or 'full', got {method!r}")
    reason = diagnose(rules)
    if reason is not None:
        return _infeasible(rules, reason, "diagnosed", method)
    if method == "full":
        return _solve_full(rules, time_limit)
    return _solve_aggregate(rules, time_limit)
