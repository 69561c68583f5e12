"""Who pays for a shared force: cost models, ceiling splits and cost-sharing games.

Three families of rules, each returning a :class:`CostSplit`:

* rule-of-thumb splits: proportional to agreed contributions or GDP, with a per-member
  ceiling (the MLF's "no nation above 40%" rule, FRUS 1961-63 XIII doc. 208), or equal;
* cost games (transferable-utility games written as costs, ``c(S)`` = what coalition ``S``
  would pay on its own): the Shapley value, the nucleolus, the least core and the core;
* a check of a split against each member's annual defence budget.

Sign conventions. A *cost game* ``c`` is split by ``x`` with ``x(N) = c(N)``; coalition ``S``
objects to ``x`` when it pays more than its stand-alone cost, so its *excess* is
``e(S, x) = x(S) - c(S)`` and the core is ``{x : x(N) = c(N), x(S) <= c(S)}``. A *value
(profit) game* ``v`` uses ``e(S, x) = v(S) - x(S)`` and the core ``x(S) >= v(S)``. Both
reduce to one engine: the value game ``v`` with allocation ``x`` is the cost game ``-v``
with allocation ``-x``. With these conventions the least-core value is ``min max_S e(S, x)``,
negative exactly when the core has interior points and positive exactly when it is empty.

Coalitions are bitmasks: player ``i`` is bit ``i``; ``values[mask]`` is ``c(S)`` and
``values[0] = 0``.

References
----------
.. [1] L. S. Shapley, "A value for n-person games", in *Contributions to the Theory of
   Games II*, Annals of Mathematics Studies 28, pp. 307-317, 1953.
.. [2] D. Schmeidler, "The nucleolus of a characteristic function game", *SIAM J. Appl.
   Math.* 17(6):1163-1170, 1969.
.. [3] A. Kopelowitz, "Computation of the kernels of simple games and the nucleolus of
   n-person games", RM 31, Hebrew University of Jerusalem, 1967.
.. [4] M. Maschler, B. Peleg, L. S. Shapley, "Geometric properties of the kernel, nucleolus
   and related solution concepts", *Math. Oper. Res.* 4(4):303-338, 1979.
.. [5] M. Guajardo, K. Jornsten, "Common mistakes in computing the nucleolus", *Eur. J.
   Oper. Res.* 241(3):931-935, 2015.
.. [6] R. J. Aumann, M. Maschler, "Game theoretic analysis of a bankruptcy problem from the
   Talmud", *J. Econ. Theory* 36(2):195-213, 1985.
.. [7] S. C. Littlechild, G. Owen, "A simple expression for the Shapley value in a special
   case", *Management Science* 20(3):370-372, 1973 (airport games).
.. [8] S. Castro, D. Gomez, J. Tejada, "Polynomial calculation of the Shapley value based on
   sampling", *Computers & Operations Research* 36(5):1726-1730, 2009.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from numbers import Rational
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from mlf.errors import MlfError
from mlf.seeds import SeedLike, generator, resolve_seed

__all__ = [
    "EXACT_MAX_PLAYERS",
    "TABLE_MAX_PLAYERS",
    "CostError",
    "CostGame",
    "CostModel",
    "CostSplit",
    "ShapleyEstimate",
    "ceiling_for_the_rest",
    "core_is_empty",
    "cost_vs_defence_budget",
    "in_core",
    "least_core",
    "nucleolus",
    "prenucleolus",
    "rescaled",
    "shapley_monte_carlo",
    "shapley_value",
    "split_equal",
    "split_gdp",
    "split_nucleolus",
    "split_proportional",
    "split_shapley",
    "with_lead_share",
]

FloatArray = NDArray[np.float64]
Number = int | float | Fraction
GameKind = Literal["cost", "value"]
ProgressFn = Callable[[int, int], None]

#: Largest game solved by linear programmes (nucleolus, least core): 2^15 coalitions.
EXACT_MAX_PLAYERS = 15
#: Largest game tabulated over all coalitions (2^20 values); beyond it use Monte Carlo.
TABLE_MAX_PLAYERS = 20

_DUAL_TOL = 1e-9
_SPAN_TOL = 1e-9


class CostError(MlfError):
    """An impossible or malformed cost split (e.g. a ceiling too low to cover the total)."""


# --------------------------------------------------------------------------- helpers


def _frac(x: Number | np.number[Any]) -> Fraction:
    """Exact rational for a user number; floats read as their shortest decimal (0.4 -> 2/5)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise CostError("a boolean is not a number here")
    if isinstance(x, int | np.integer):
        return Fraction(int(x))
    if isinstance(x, Rational):
        return Fraction(x.numerator, x.denominator)
    xf = float(x)
    if not math.isfinite(xf):
        raise CostError(f"{xf} is not a finite number")
    return Fraction(repr(xf))


def _pct(x: float | Fraction) -> str:
    return f"{float(x) * 100:g}%"


def _popcount(masks: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    counts = np.zeros_like(masks)
    for i in range(n):
        counts += (masks >> i) & 1
    return counts


def _incidence(masks: NDArray[np.int64], n: int) -> FloatArray:
    """Rows: coalitions, columns: players, 1.0 where the player belongs to the coalition."""
    return ((masks[:, None] >> np.arange(n, dtype=np.int64)[None, :]) & 1).astype(np.float64)


def _matvec(a: FloatArray, x: FloatArray) -> FloatArray:
    """``a @ x`` without BLAS: BLAS threads contend badly on a loaded machine."""
    out: FloatArray = np.einsum("ij,j->i", a, x)
    return out


def _coalition_sums(x: Sequence[Fraction], n: int) -> list[Fraction]:
    """Exact ``x(S)`` for every mask ``S`` (dynamic programme over the lowest bit)."""
    sums: list[Fraction] = [Fraction(0)] * (1 << n)
    for mask in range(1, 1 << n):
        low = mask & -mask
        sums[mask] = sums[mask ^ low] + x[low.bit_length() - 1]
    return sums


def _solve_exact(
    rows: list[list[Fraction]], rhs: list[Fraction]
) -> tuple[list[Fraction], bool] | None:
    """Solve ``rows @ z = rhs`` exactly by Gauss-Jordan elimination.

    Returns ``(z, unique)`` with free variables set to zero, or ``None`` if inconsistent.
    """
    m = len(rows)
    k = len(rows[0]) if rows else 0
    a = [[*r, b] for r, b in zip(rows, rhs, strict=True)]
    pivots: list[int] = []
    r = 0
    for col in range(k):
        piv = next((i for i in range(r, m) if a[i][col] != 0), None)
        if piv is None:
            continue
        a[r], a[piv] = a[piv], a[r]
        p = a[r][col]
        a[r] = [v / p for v in a[r]]
        for i in range(m):
            if i != r and a[i][col] != 0:
                f = a[i][col]
                a[i] = [vi - f * vr for vi, vr in zip(a[i], a[r], strict=True)]
        pivots.append(col)
        r += 1
        if r == m:
            break
    if any(a[i][k] != 0 for i in range(r, m)):
        return None
    z = [Fraction(0)] * k
    for i, col in enumerate(pivots):
        z[col] = a[i][k]
    return z, len(pivots) == k


# --------------------------------------------------------------------------- cost model


@dataclass(frozen=True)
class CostModel:
    """Cost of a force of ``units`` (missiles, ships) over a term of years.

    ``total_cost(u) = capital_per_unit * u + operating_per_unit_year * u * term_years + fixed``:
    capital is paid once per unit, operations every year for every unit, and ``fixed`` (a
    headquarters, a training establishment) once for the whole term, whatever the size.

    The 1963 orders of magnitude: about $2 bn capital for 200 missiles (Time, 8 Mar 1963),
    about $5 bn for the programme (Time, 14 Jun 1963); the operating cost is an estimate
    (about $300 m a year; see the built-in scenario's notes).

    Examples:
        Two hundred missiles at $10 m each, operated at $1.5 m a missile-year for ten years:

        >>> model = CostModel(capital_per_unit=10, operating_per_unit_year=1.5, term_years=10)
        >>> model.total_cost(200), model.annual_cost(200)
        (5000.0, 500.0)
    """

    capital_per_unit: float
    operating_per_unit_year: float
    term_years: float
    fixed: float = 0.0
    currency: str = "USD m"
    unit: str = "missile"

    def __post_init__(self) -> None:
        for name in ("capital_per_unit", "operating_per_unit_year", "fixed"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise CostError(f"{name} must be a non-negative number, got {value}")
        if not math.isfinite(self.term_years) or self.term_years <= 0:
            raise CostError(f"term_years must be positive, got {self.term_years}")

    def total_cost(self, units: float) -> float:
        """Capital plus operations over the term plus the fixed cost, for ``units`` units."""
        if not math.isfinite(units) or units < 0:
            raise CostError(f"the number of {self.unit}s must be non-negative, got {units}")
        return (
            self.capital_per_unit * units
            + self.operating_per_unit_year * units * self.term_years
            + self.fixed
        )

    def annual_cost(self, units: float) -> float:
        """Total cost spread evenly over the term (``total_cost / term_years``)."""
        return self.total_cost(units) / self.term_years

    def to_dict(self) -> dict[str, Any]:
        return {
            "capital_per_unit": self.capital_per_unit,
            "operating_per_unit_year": self.operating_per_unit_year,
            "term_years": self.term_years,
            "fixed": self.fixed,
            "currency": self.currency,
            "unit": self.unit,
        }


# --------------------------------------------------------------------------- cost split


@dataclass(frozen=True)
class CostSplit:
    """How a total cost is divided among members.

    Attributes:
        rule: name of the rule ("proportional", "gdp", "equal", "shapley", "nucleolus").
        members: member ids, in input order.
        shares: fraction of the total each member pays (they sum to 1).
        amounts: ``share * total`` per member.
        total: the cost divided.
        capped: members held at the ceiling (ceiling rules only).
        in_core: whether the amounts lie in the core of the cost game (game rules only).
        notes: one-line remarks (who hit the ceiling, which coalition objects, ...).
        exact_shares: the shares as exact fractions, when the rule computed them exactly.

    Examples:
        A member's share and amount by name:

        >>> s = split_proportional({"US": 2, "UK": 1, "DE": 1}, 100.0)
        >>> s.share("US"), s.amount("UK")
        (0.5, 25.0)
    """

    rule: str
    members: tuple[str, ...]
    shares: tuple[float, ...]
    amounts: tuple[float, ...]
    total: float
    capped: tuple[str, ...] = ()
    in_core: bool | None = None
    notes: tuple[str, ...] = ()
    exact_shares: tuple[Fraction, ...] | None = field(default=None, compare=False)

    def share(self, member: str) -> float:
        return self.shares[self.members.index(member)]

    def amount(self, member: str) -> float:
        return self.amounts[self.members.index(member)]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "total": self.total,
            "members": list(self.members),
            "shares": dict(zip(self.members, self.shares, strict=True)),
            "amounts": dict(zip(self.members, self.amounts, strict=True)),
            "capped": list(self.capped),
            "in_core": self.in_core,
            "notes": list(self.notes),
        }
        if self.exact_shares is not None:
            out["exact_shares"] = {
                m: str(s) for m, s in zip(self.members, self.exact_shares, strict=True)
            }
        return out


def _split_from_exact(
    rule: str,
    members: tuple[str, ...],
    shares: Sequence[Fraction],
    total: float,
    *,
    capped: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> CostSplit:
    return CostSplit(
        rule=rule,
        members=members,
        shares=tuple(float(s) for s in shares),
        amounts=tuple(float(s) * total for s in shares),
        total=total,
        capped=capped,
        notes=notes,
        exact_shares=tuple(shares),
    )


def _check_total(total: float) -> float:
    t = float(total)
    if not math.isfinite(t) or t < 0:
        raise CostError(f"the total cost must be a non-negative number, got {total}")
    return t


def split_proportional(
    weights: Mapping[str, Number],
    total: float,
    ceiling: Number | None = None,
    *,
    rule: str = "proportional",
    exact: bool = True,
) -> CostSplit:
    """Split ``total`` in proportion to ``weights``, no member paying more than ``ceiling``.

    Without a ceiling, member ``i`` pays ``w_i / sum(w)``. With one, members whose
    proportional share would exceed it pay exactly the ceiling, and the excess is spread
    over the others in proportion to their weights, repeatedly, until nobody is above it
    (water-filling). Each pass caps every member then above the ceiling at once; this is
    exact because the scale factor of the uncapped members only grows as members are
    capped, so a member once above the ceiling stays above it. The arithmetic is exact
    (fractions); floats are read as their shortest decimal, so a 0.4 ceiling is 2/5.
    ``exact=False`` runs the same passes in floating point (about 20 times faster; the
    talks call it thousands of times while enumerating member sets).

    The 40% rule is the US "essential" that no nation pay more than 40% of the force's
    contributions (FRUS 1961-63 vol. XIII doc. 208).

    Examples:
        Weights 6 : 3 : 1 under a 40% ceiling: the US is capped, its excess goes to the
        others in proportion 3 : 1, which caps the FRG too; the UK pays the rest.

        >>> split = split_proportional({"US": 6, "FRG": 3, "UK": 1}, 100.0, ceiling=0.4)
        >>> split.amounts, split.capped
        ((40.0, 40.0, 20.0), ('US', 'FRG'))
        >>> split.exact_shares
        (Fraction(2, 5), Fraction(2, 5), Fraction(1, 5))

    Raises:
        CostError: no members, a negative weight, all weights zero, a ceiling outside
            (0, 1], ``ceiling * n < 1`` (the members cannot cover the total), or an excess
            that can only fall on members of zero weight.
    """
    members = tuple(weights)
    if not members:
        raise CostError("a cost split needs at least one member")
    tot = _check_total(total)
    conv: Callable[[Any], Any] = _frac if exact else float
    tiny = 0 if exact else 1e-12
    w = [conv(weights[m]) for m in members]
    for m, wi in zip(members, w, strict=True):
        if wi < 0:
            raise CostError(f"weight of {m} is negative ({float(wi):g})")
    if sum(w) == 0:
        raise CostError("all weights are zero: nothing to split in proportion to")
    n = len(members)
    if ceiling is None:
        s = sum(w)
        return _finish(rule, members, [wi / s for wi in w], tot, exact)
    cap = conv(ceiling)
    if not 0 < cap <= 1:
        raise CostError(f"the ceiling must lie in (0, 100%], got {_pct(cap)}")
    if cap * n < 1 - tiny:
        raise CostError(
            f"{n} member{'s' if n != 1 else ''} cannot cover 100% with a {_pct(cap)} ceiling"
        )
    capped: set[int] = set()
    while True:
        free = [i for i in range(n) if i not in capped]
        rest = 1 - cap * len(capped)
        w_free = sum(w[i] for i in free)
        if w_free == 0:
            if abs(rest) <= tiny:
                shares = [cap if i in capped else Fraction(0) for i in range(n)]
                break
            raise CostError(
                f"after capping at {_pct(cap)}, {_pct(rest)} is left for members of zero weight"
            )
        factor = rest / w_free
        over = [i for i in free if w[i] * factor > cap + tiny]
        if not over:
            shares = [cap if i in capped else w[i] * factor for i in range(n)]
            break
        capped.update(over)
    capped_names = tuple(members[i] for i in range(n) if i in capped)
    notes: tuple[str, ...] = ()
    if capped_names:
        notes = (f"held at the {_pct(cap)} ceiling: {', '.join(capped_names)}",)
    return _finish(rule, members, shares, tot, exact, capped=capped_names, notes=notes)


def _finish(
    rule: str,
    members: tuple[str, ...],
    shares: Sequence[Any],
    total: float,
    exact: bool,
    *,
    capped: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> CostSplit:
    if exact:
        return _split_from_exact(rule, members, shares, total, capped=capped, notes=notes)
    sh = tuple(float(x) for x in shares)
    return CostSplit(
        rule=rule,
        members=members,
        shares=sh,
        amounts=tuple(x * total for x in sh),
        total=total,
        capped=capped,
        notes=notes,
    )


def split_gdp(gdp: Mapping[str, Number], total: float, ceiling: Number | None = None) -> CostSplit:
    """Split in proportion to GDP (optionally with a ceiling), see :func:`split_proportional`.

    Examples:
        >>> split_gdp({"A": 300, "B": 100}, 8.0).amounts
        (6.0, 2.0)
    """
    return split_proportional(gdp, total, ceiling, rule="gdp")


def split_equal(members: Iterable[str], total: float) -> CostSplit:
    """Every member pays ``total / n``.

    Examples:
        >>> split_equal(["A", "B", "C", "D"], 10.0).amounts
        (2.5, 2.5, 2.5, 2.5)
    """
    names = tuple(members)
    if not names:
        raise CostError("a cost split needs at least one member")
    if len(set(names)) != len(names):
        raise CostError("member names must be distinct")
    share = Fraction(1, len(names))
    return _split_from_exact("equal", names, [share] * len(names), _check_total(total))


def cost_vs_defence_budget(
    amounts: Mapping[str, float], budgets: Mapping[str, float], term_years: float
) -> dict[str, float]:
    """Each member's yearly payment as a fraction of its annual defence budget.

    ``(amount / term_years) / budget``: a member whose share of a 10-year programme is
    $500 m and whose defence budget is $5 bn a year spends 1% of it on the force.
    Budgets in the same currency unit as the amounts (the built-in scenarios take 1963
    military expenditure from the Correlates of War National Material Capabilities data).

    Examples:
        >>> cost_vs_defence_budget({"FRG": 500.0}, {"FRG": 5000.0}, term_years=10)
        {'FRG': 0.01}
    """
    if not math.isfinite(term_years) or term_years <= 0:
        raise CostError(f"term_years must be positive, got {term_years}")
    out: dict[str, float] = {}
    for member, amount in amounts.items():
        if member not in budgets:
            raise CostError(f"no defence budget given for {member}")
        budget = float(budgets[member])
        if not math.isfinite(budget) or budget <= 0:
            raise CostError(f"defence budget of {member} must be positive, got {budget}")
        out[member] = float(amount) / term_years / budget
    return out


# --------------------------------------------------------------------------- cost games


@dataclass(frozen=True, eq=False)
class CostGame:
    """A transferable-utility game over named players, tabulated over all coalitions.

    Attributes:
        players: player ids; player ``i`` is bit ``i`` of a coalition mask.
        values: shape ``(2**n,)``, ``values[mask]`` = cost (or value) of the coalition,
            ``values[0] == 0``.
        kind: ``"cost"`` (``c(S)``, to be shared; lower is better for ``S``) or ``"value"``
            (``v(S)``, profit to be shared).
        exact: the same table as exact fractions (the numbers as given), used by the exact
            solvers.

    Examples:
        Two members who would pay 6 and 4 alone and 8 together; the coalition
        ``{a, b}`` is mask ``0b11``:

        >>> g = CostGame.from_array(["a", "b"], [0, 6, 4, 8])
        >>> g.n, g.grand, g.mask(["b"]), sorted(g.coalition(3))
        (2, 3, 2, ['a', 'b'])
        >>> g.is_concave()
        True
    """

    players: tuple[str, ...]
    values: FloatArray
    kind: GameKind = "cost"
    exact: tuple[Fraction, ...] | None = field(default=None, repr=False)
    #: ``W.dot`` of the float Shapley weight matrix for this game's size (n <= 13), once
    #: some game of that size has needed it; a method of a read-only matrix shared by all
    #: games of the size, never a result, so a game caches nothing about its own values.
    #: Kept on the game because an attribute is the cheapest lookup on the small path
    #: (:func:`shapley_value`); left out of pickles and equality.
    _shapley_dot: Callable[[FloatArray], FloatArray] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        n = len(self.players)
        if n < 1:
            raise CostError("a cost game needs at least one player")
        if len(set(self.players)) != n:
            raise CostError("player names must be distinct")
        if n > TABLE_MAX_PLAYERS:
            raise CostError(
                f"{n} players: a table of 2^{n} coalitions is too large "
                f"(at most {TABLE_MAX_PLAYERS}); use shapley_monte_carlo with a cost function"
            )
        if self.kind not in ("cost", "value"):
            raise CostError(f"kind must be 'cost' or 'value', got {self.kind!r}")
        if self.values.shape != (1 << n,):
            raise CostError(f"a game of {n} players needs {1 << n} values, got {self.values.size}")
        if not np.all(np.isfinite(self.values)):
            raise CostError("a coalition has a non-finite cost")
        if self.values[0] != 0:
            raise CostError("the empty coalition must cost 0")
        if self.exact is not None and len(self.exact) != 1 << n:
            raise CostError("exact table has the wrong length")
        object.__setattr__(self, "_shapley_dot", _SMALL_SHAPLEY.get(1 << n))

    def __getstate__(self) -> dict[str, Any]:
        """The game without its shared Shapley matrix method (which would pickle the matrix)."""
        state = dict(self.__dict__)
        state.pop("_shapley_dot", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        object.__setattr__(self, "_shapley_dot", _SMALL_SHAPLEY.get(len(self.values)))

    # constructors ---------------------------------------------------------------

    @classmethod
    def from_array(
        cls, players: Sequence[str], values: Sequence[Number] | FloatArray, kind: GameKind = "cost"
    ) -> CostGame:
        """From a table indexed by bitmask (``values[0]`` is the empty coalition, 0).

        Examples:
            >>> CostGame.from_array(["a", "b"], [0, 6, 4, 8]).exact_values()[3]
            Fraction(8, 1)
        """
        vals = list(np.asarray(values).tolist()) if isinstance(values, np.ndarray) else list(values)
        exact = tuple(_frac(v) for v in vals)
        return cls(tuple(players), np.array([float(v) for v in exact]), kind, exact)

    @classmethod
    def from_function(
        cls,
        players: Sequence[str],
        fn: Callable[[frozenset[str]], Number],
        kind: GameKind = "cost",
    ) -> CostGame:
        """Tabulate ``fn`` (a function of a frozenset of player ids) over all coalitions.

        Examples:
            A fixed cost of 2 for any non-empty coalition plus 5 per member:

            >>> g = CostGame.from_function(["a", "b"], lambda s: 5 * len(s) + 2)
            >>> g.values.tolist()
            [0.0, 7.0, 7.0, 12.0]
        """
        names = tuple(players)
        n = len(names)
        if n > TABLE_MAX_PLAYERS:
            raise CostError(
                f"{n} players: too many to tabulate (at most {TABLE_MAX_PLAYERS}); "
                "use shapley_monte_carlo with the cost function"
            )
        vals: list[Number] = [0]
        for mask in range(1, 1 << n):
            vals.append(fn(frozenset(names[i] for i in range(n) if mask >> i & 1)))
        return cls.from_array(names, vals, kind)

    @classmethod
    def from_lexicographic(
        cls, players: Sequence[str], values: Sequence[Number], kind: GameKind = "value"
    ) -> CostGame:
        """From the non-empty coalitions listed by size, then lexicographically.

        This is the order of R's CoopGame and TUGlab: for 3 players
        ``{1}, {2}, {3}, {1,2}, {1,3}, {2,3}, {1,2,3}``.

        Examples:
            A value game in which any two of three earn 60 and all three 90:

            >>> g = CostGame.from_lexicographic(["a", "b", "c"], [0, 0, 0, 60, 60, 60, 90])
            >>> g.kind, g.values.tolist()
            ('value', [0.0, 0.0, 0.0, 60.0, 0.0, 60.0, 60.0, 90.0])
        """
        names = tuple(players)
        n = len(names)
        if len(values) != (1 << n) - 1:
            raise CostError(f"{n} players need {(1 << n) - 1} coalition values, got {len(values)}")
        table: list[Number] = [0] * (1 << n)
        it = iter(values)
        for size in range(1, n + 1):
            for combo in combinations(range(n), size):
                table[sum(1 << i for i in combo)] = next(it)
        return cls.from_array(names, table, kind)

    @classmethod
    def from_requirements(
        cls,
        players: Sequence[str],
        requirements: Sequence[Number],
        cost: Callable[[Number], Number],
        aggregate: Literal["max", "sum"] = "max",
    ) -> CostGame:
        """Cost of serving a coalition's stand-alone requirements: ``c(S) = cost(agg r_S)``.

        ``aggregate="max"`` gives an airport game (a force sized to the largest member
        requirement, Littlechild & Owen 1973); ``"sum"`` a force sized to the sum
        (e.g. modules of fixed capacity). ``cost`` is called once per distinct aggregate;
        the empty coalition costs 0.

        Examples:
            Requirements 2 and 1 at a cost of ``10 + r``: with ``"max"`` the pair is sized
            to the larger requirement, with ``"sum"`` to both:

            >>> CostGame.from_requirements(["a", "b"], [2, 1], lambda r: 10 + r).values.tolist()
            [0.0, 12.0, 11.0, 12.0]
            >>> g = CostGame.from_requirements(["a", "b"], [2, 1], lambda r: 10 + r, "sum")
            >>> g.values.tolist()
            [0.0, 12.0, 11.0, 13.0]
        """
        names = tuple(players)
        n = len(names)
        if len(requirements) != n:
            raise CostError(f"{n} players need {n} requirements, got {len(requirements)}")
        if n > TABLE_MAX_PLAYERS:
            raise CostError(f"{n} players: too many to tabulate (at most {TABLE_MAX_PLAYERS})")
        req = [_frac(r) for r in requirements]
        if any(r < 0 for r in req):
            raise CostError("requirements must be non-negative")
        agg: list[Fraction] = [Fraction(0)] * (1 << n)
        for mask in range(1, 1 << n):
            low = mask & -mask
            i = low.bit_length() - 1
            rest = agg[mask ^ low]
            if aggregate == "max":
                agg[mask] = req[i] if mask == low else max(rest, req[i])
            elif aggregate == "sum":
                agg[mask] = rest + req[i]
            else:
                raise CostError(f"aggregate must be 'max' or 'sum', got {aggregate!r}")
        cache: dict[Fraction, Number] = {}
        table: list[Number] = [0]
        for mask in range(1, 1 << n):
            a = agg[mask]
            if a not in cache:
                arg: Number = int(a) if a.denominator == 1 else a
                cache[a] = cost(arg)
            table.append(cache[a])
        return cls.from_array(names, table, "cost")

    @classmethod
    def bankruptcy(
        cls, players: Sequence[str], estate: Number, claims: Sequence[Number]
    ) -> CostGame:
        """The bankruptcy (value) game ``v(S) = max(0, E - sum of claims outside S)``.

        Its nucleolus is the Talmud rule (Aumann & Maschler 1985).

        Examples:
            An estate of 100 and claims 100 and 50: ``a`` alone is sure of the 50 that
            ``b``'s claim leaves, ``b`` alone of nothing:

            >>> CostGame.bankruptcy(["a", "b"], 100, [100, 50]).values.tolist()
            [0.0, 50.0, 0.0, 100.0]
        """
        names = tuple(players)
        if len(claims) != len(names):
            raise CostError(f"{len(names)} players need {len(names)} claims")
        e = _frac(estate)
        d = [_frac(c) for c in claims]
        if e < 0 or any(c < 0 for c in d):
            raise CostError("estate and claims must be non-negative")
        if e > sum(d):
            raise CostError("the estate exceeds the sum of claims: not a bankruptcy")
        total = sum(d)

        def v(s: frozenset[str]) -> Fraction:
            inside = sum((d[i] for i, p in enumerate(names) if p in s), Fraction(0))
            return max(Fraction(0), e - (total - inside))

        return cls.from_function(names, v, "value")

    # accessors ------------------------------------------------------------------

    @property
    def n(self) -> int:
        return len(self.players)

    @property
    def grand(self) -> int:
        return (1 << self.n) - 1

    def mask(self, coalition: Iterable[str]) -> int:
        """Bitmask of a coalition given by player ids."""
        m = 0
        for p in coalition:
            if p not in self.players:
                raise CostError(f"unknown player {p!r}")
            m |= 1 << self.players.index(p)
        return m

    def coalition(self, mask: int) -> frozenset[str]:
        return frozenset(p for i, p in enumerate(self.players) if mask >> i & 1)

    def exact_values(self) -> tuple[Fraction, ...]:
        if self.exact is not None:
            return self.exact
        return tuple(Fraction(float(v)) for v in self.values)

    def is_concave(self, tol: float = 1e-12) -> bool:
        """Submodularity of a cost game (supermodularity of a value game).

        Checked as ``c(S+i) - c(S) >= c(S+i+j) - c(S+j)`` for all ``S, i, j``; a concave
        cost game has a non-empty core containing its Shapley value (Shapley 1971).

        Examples:
            Sharing saves 2 in the first game; in the second the pair costs more than its
            members alone:

            >>> CostGame.from_array(["a", "b"], [0, 6, 4, 8]).is_concave()
            True
            >>> CostGame.from_array(["a", "b"], [0, 6, 4, 12]).is_concave()
            False
        """
        sign = 1.0 if self.kind == "cost" else -1.0
        c = sign * self.values
        masks = np.arange(1 << self.n, dtype=np.int64)
        for i in range(self.n):
            for j in range(i + 1, self.n):
                bi, bj = 1 << i, 1 << j
                s = masks[(masks & (bi | bj)) == 0]
                lhs = c[s | bi] - c[s]
                rhs = c[s | bi | bj] - c[s | bj]
                if np.any(lhs < rhs - tol):
                    return False
        return True

    def to_dict(self) -> dict[str, Any]:
        return {
            "players": list(self.players),
            "kind": self.kind,
            "values": [float(v) for v in self.values],
        }


def _as_cost_table(game: CostGame) -> tuple[FloatArray, float]:
    """Float cost table and the sign that maps allocations back (value games negated)."""
    sign = 1.0 if game.kind == "cost" else -1.0
    return sign * game.values, sign


# --------------------------------------------------------------------------- Shapley


def _without(r: NDArray[np.int64], i: int) -> NDArray[np.int64]:
    """All masks without bit ``i``: insert a zero bit at position ``i`` into ``0..2^(n-1)-1``."""
    low = r & ((1 << i) - 1)
    return ((r >> i) << (i + 1)) | low


def _shapley_weights(n: int) -> list[Fraction]:
    """``|S|! (n-|S|-1)! / n!`` for ``|S| = 0..n-1``."""
    nf = math.factorial(n)
    return [Fraction(math.factorial(s) * math.factorial(n - s - 1), nf) for s in range(n)]


#: Up to this many players the float Shapley value is one product with a cached weight
#: matrix (n x 2^n floats: 3.9 MB at 15); above it, a loop over players.
_SHAPLEY_MATRIX_MAX = 15


#: ``W.dot`` of the weight matrices of up to 13 players already built (read-only, at most
#: 13 x 8192), keyed by the table's length ``2^n``: the float Shapley value of a small game is
#: one call of it (a microsecond at n = 6-7, most of it numpy's own call overhead).
_SMALL_SHAPLEY: dict[int, Callable[[FloatArray], FloatArray]] = {}


@functools.lru_cache(maxsize=4)
def _shapley_matrix(n: int) -> FloatArray:
    """``W`` with ``phi = W @ c``: ``W[i, S] = w(|S|-1)`` if ``i`` is in ``S``, else ``-w(|S|)``.

    This is the Shapley formula regrouped by coalition: ``c(S)`` enters player ``i``'s sum
    once as ``c(T + i)`` with ``T = S - i`` and once as ``-c(T)`` with ``T = S``.
    """
    masks = np.arange(1 << n, dtype=np.int64)
    inside = ((masks[None, :] >> np.arange(n, dtype=np.int64)[:, None]) & 1).astype(bool)
    size = inside.sum(axis=0)
    w = np.array([float(x) for x in _shapley_weights(n)] + [0.0])
    mat: FloatArray = np.where(inside, w[np.maximum(size - 1, 0)], -w[size])
    mat.setflags(write=False)
    return mat


def shapley_value(game: CostGame, exact: bool = False) -> FloatArray | tuple[Fraction, ...]:
    """Shapley value: each player's average marginal cost over all orders of arrival.

    ``phi_i = sum_{S not containing i} |S|! (n-|S|-1)! / n! * (c(S+i) - c(S))`` (Shapley
    1953 [1]_), vectorised over all coalition masks. The value is efficient, symmetric,
    gives dummies their stand-alone cost and is additive. With ``exact=True`` the result is
    a tuple of Fractions computed from the game's exact table.

    Examples:
        A force sized to the largest member requirement plus a fixed headquarters (the
        airport game G1 of docs/reference/power.md, Littlechild & Owen 1973):

        >>> g1 = CostGame.from_requirements(
        ...     ["US", "UK", "FR", "DE", "IT", "NL", "BE"], [10, 8, 6, 6, 4, 2, 1],
        ...     lambda r: 20 + 5 * r)
        >>> [str(x) for x in shapley_value(g1, exact=True)]
        ['502/21', '292/21', '187/21', '187/21', '269/42', '185/42', '25/7']

    References
    ----------
    .. [1] L. S. Shapley, "A value for n-person games", 1953.
    """
    if not exact:
        # the bound ndarray.dot of the weight matrix, kept on the game (set when the game is
        # built, or by the first call for its size): the least call overhead on the small
        # products, about 0.35 us of the 0.45 us a call takes at n = 6 (a lookup by size in
        # a dict costs another 0.08 us; the @ operator doubles the product's own overhead);
        # the rest of the computation lives in _shapley_table, so that this call sets up
        # none of its closures
        small = game._shapley_dot
        if small is not None:
            return small(game.values)
    return _shapley_table(game, exact)


def _shapley_table(game: CostGame, exact: bool) -> FloatArray | tuple[Fraction, ...]:
    """:func:`shapley_value` (what its first lines do not answer)."""
    n = len(game.players)
    if not exact and n <= _SHAPLEY_MATRIX_MAX:
        # BLAS for small tables; above 2^13 columns OpenBLAS starts threads, which stall on a
        # loaded machine (12 ms instead of 0.2 ms at n = 15), so einsum, single-threaded
        if n <= 13:
            dot = _SMALL_SHAPLEY.get(1 << n)
            if dot is None:
                dot = _SMALL_SHAPLEY[1 << n] = _shapley_matrix(n).dot
            object.__setattr__(game, "_shapley_dot", dot)
            phi: FloatArray = dot(game.values)
        else:
            phi = np.einsum("ij,j->i", _shapley_matrix(n), game.values)
        return phi
    half = np.arange(1 << (n - 1), dtype=np.int64)
    # inserting a zero bit keeps the popcount, so |S| is the same array for every player;
    # sort once by size so per-size sums are one reduceat
    size = _popcount(half, n)
    order = np.argsort(size, kind="stable")
    starts = np.searchsorted(size[order], np.arange(n))
    if not exact:
        w = np.array([float(x) for x in _shapley_weights(n)])
        wf = w[size]
        phi = np.empty(n)
        for i in range(n):
            s = _without(half, i)
            phi[i] = float((wf * (game.values[s | 1 << i] - game.values[s])).sum())
        return phi
    ex = game.exact_values()
    den = math.lcm(*(v.denominator for v in ex))
    ints = [v.numerator * (den // v.denominator) for v in ex]
    limit = max(abs(v) for v in ints) if ints else 0
    table: NDArray[Any]
    if limit < 2 ** (62 - n):
        table = np.array(ints, dtype=np.int64)
    else:  # arbitrary precision fallback
        table = np.array(ints, dtype=object)
    weights = _shapley_weights(n)
    out: list[Fraction] = []
    for i in range(n):
        s = _without(half, i)[order]
        marg = table[s | 1 << i] - table[s]
        per_size = np.add.reduceat(marg, starts)
        total = sum((weights[k] * int(per_size[k]) for k in range(n)), Fraction(0))
        out.append(total / den)
    return tuple(out)


@dataclass(frozen=True)
class ShapleyEstimate:
    """Monte Carlo Shapley value: means and standard errors over sampled orders.

    Examples:
        >>> g = CostGame.from_array(["a", "b"], [0, 6, 4, 8])
        >>> shapley_monte_carlo(g, samples=200, seed=1).to_dict()["values"]
        {'a': 4.89, 'b': 3.11}
    """

    players: tuple[str, ...]
    values: tuple[float, ...]
    std_errors: tuple[float, ...]
    samples: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "players": list(self.players),
            "values": dict(zip(self.players, self.values, strict=True)),
            "std_errors": dict(zip(self.players, self.std_errors, strict=True)),
            "samples": self.samples,
            "seed": self.seed,
        }


def shapley_monte_carlo(
    game: CostGame | None = None,
    *,
    players: Sequence[str] | None = None,
    cost: Callable[[frozenset[str]], Number] | None = None,
    samples: int = 2000,
    seed: SeedLike,
    progress: ProgressFn | None = None,
) -> ShapleyEstimate:
    """Estimate the Shapley value from ``samples`` random orders of arrival.

    Each order gives every player its marginal cost on arrival; the mean over uniform
    random orders is unbiased (Castro, Gomez & Tejada 2009 [1]_). Pass a tabulated
    ``game``, or ``players`` and a ``cost`` function of a frozenset (for games too large to
    tabulate; values are cached per coalition). Orders are drawn from
    :func:`mlf.seeds.generator` of ``seed`` (any form :mod:`mlf.seeds` accepts); the estimate
    records the integer seed used.

    Examples:
        Two members who pay 6 and 4 alone and 8 together: the exact value is (5, 3); 200
        random orders estimate it (each order gives ``a`` either 6 or 4):

        >>> g = CostGame.from_array(["a", "b"], [0, 6, 4, 8])
        >>> est = shapley_monte_carlo(g, samples=200, seed=1)
        >>> est.values, round(est.std_errors[0], 3), est.seed
        ((4.89, 3.11), 0.07, 1)

        A cost function instead of a table (for games too large to tabulate):

        >>> est = shapley_monte_carlo(players=["a", "b", "c"], cost=lambda s: 10.0 * len(s),
        ...                           samples=50, seed=7)
        >>> est.values
        (10.0, 10.0, 10.0)

    References
    ----------
    .. [1] S. Castro, D. Gomez, J. Tejada, "Polynomial calculation of the Shapley value
       based on sampling", Computers & Operations Research 36(5), 2009.
    """
    if samples < 2:
        raise CostError(f"samples must be at least 2, got {samples}")
    seed = resolve_seed(seed)
    rng = generator(seed)
    if game is not None:
        names = game.players
        n = game.n
        perms = rng.permuted(np.tile(np.arange(n), (samples, 1)), axis=1)
        bits = np.left_shift(np.int64(1), perms.astype(np.int64))
        after = np.cumsum(bits, axis=1)
        before = after - bits
        marg_by_pos = game.values[after] - game.values[before]
        marg = np.empty_like(marg_by_pos)
        np.put_along_axis(marg, perms, marg_by_pos, axis=1)
        if progress is not None:
            progress(samples, samples)
    else:
        if players is None or cost is None:
            raise CostError("give either a game or both players and a cost function")
        names = tuple(players)
        n = len(names)
        if n < 1:
            raise CostError("a cost game needs at least one player")
        cache: dict[int, float] = {0: 0.0}

        def c(mask: int) -> float:
            if mask not in cache:
                cache[mask] = float(cost(frozenset(names[i] for i in range(n) if mask >> i & 1)))
            return cache[mask]

        marg = np.empty((samples, n))
        for k in range(samples):
            order = rng.permutation(n)
            mask, prev = 0, 0.0
            for i in order:
                mask |= 1 << int(i)
                cur = c(mask)
                marg[k, i] = cur - prev
                prev = cur
            if progress is not None:
                progress(k + 1, samples)
    mean = marg.mean(axis=0)
    se = marg.std(axis=0, ddof=1) / math.sqrt(samples)
    return ShapleyEstimate(
        names, tuple(float(v) for v in mean), tuple(float(v) for v in se), samples, seed
    )


# --------------------------------------------------------------------------- nucleolus


@dataclass
class _Round:
    t: float
    active: NDArray[np.int64]  # coalition masks in this round's inequality rows
    ir_rows: list[int]  # players whose x_i <= c_i row is an inequality this round
    eq_masks: list[int]  # previously fixed coalitions (equalities)
    eq_ir: list[int]  # previously fixed individual-rationality rows
    dual_ub: FloatArray  # marginals of [active rows..., ir rows...]
    new_masks: list[int]
    new_ir: list[int]


@dataclass
class _NucleolusRun:
    x: FloatArray
    rounds: list[_Round]
    last_active: NDArray[np.int64]  # by mask: last round where it was an inequality, or -1


def _require_lp_size(game: CostGame, what: str) -> None:
    if game.n > EXACT_MAX_PLAYERS:
        raise CostError(
            f"{what} of {game.n} players needs 2^{game.n} LP rows (at most "
            f"{EXACT_MAX_PLAYERS} players); use shapley_monte_carlo instead"
        )


def _round_lp(
    rows: FloatArray,
    b: FloatArray,
    ir_a: FloatArray,
    ir_b: FloatArray,
    a_eq: FloatArray,
    b_eq: FloatArray,
    x0: FloatArray,
    k: int,
) -> tuple[float, FloatArray, FloatArray]:
    """One round's LP ``min t`` by row generation; returns ``t``, ``x`` and all the duals.

    A coalition LP has up to 2^n rows but only n + 1 columns, so few rows bind. Start from
    the singletons, their complements and the rows with the largest excess at ``x0``; solve;
    add the most violated rows; repeat until none is violated. The final restricted optimum
    is feasible for the full LP, hence optimal for it, with zero duals on the rows left
    out. A large lower bound on ``t`` keeps early restricted LPs bounded; if it binds at the
    end, the full LP is solved instead.
    """
    m, n = rows.shape
    sizes = rows.sum(axis=1)
    base = np.flatnonzero((sizes == 1) | (sizes == n - 1))
    excess0 = _matvec(rows, x0) - b
    top = np.argsort(-excess0)[: 4 * n + 8]
    work = np.union1d(base, top)
    scale = 1.0 + float(np.max(np.abs(b), initial=0.0)) + float(np.max(np.abs(b_eq)))
    t_floor = -1e6 * scale
    obj = np.zeros(n + 1)
    obj[n] = 1.0
    full = m <= 64 * (n + 1)
    while True:
        if full:
            work = np.arange(m)
        a_ub = np.vstack([np.hstack([rows[work], -np.ones((work.size, 1))]), ir_a])
        b_ub = np.concatenate([b[work], ir_b])
        from scipy.optimize import linprog  # lazy: scipy.optimize is slow to import

        res = linprog(
            obj,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=[(None, None)] * n + [(None if full else t_floor, None)],
            method="highs",
        )
        if res.status != 0:
            raise CostError(f"nucleolus LP failed in round {k + 1}: {res.message}")
        x = np.asarray(res.x[:n], dtype=np.float64)
        t = float(res.x[n])
        if full:
            break
        viol = _matvec(rows, x) - b - t
        bad = np.flatnonzero(viol > 1e-9 * scale)
        if t <= t_floor * (1 - 1e-9):
            full = True
            continue
        if bad.size == 0:
            break
        add = bad[np.argsort(-viol[bad])[: 4 * n + 8]]
        work = np.union1d(work, add)
    marg = np.asarray(res.ineqlin.marginals, dtype=np.float64)
    dual = np.zeros(m + ir_a.shape[0])
    dual[work] = marg[: work.size]
    dual[m:] = marg[work.size :]
    return t, x, dual


def _run_nucleolus(
    c: FloatArray, n: int, ir: bool, progress: ProgressFn | None = None
) -> _NucleolusRun:
    """Sequential LPs for the (pre)nucleolus of the cost table ``c`` (excess x(S) - c(S)).

    Round k: minimise t over x with ``x(N) = c(N)``, the coalitions fixed earlier at their
    excess, ``x(S) - c(S) <= t`` for the rest and, for the nucleolus, ``x_i <= c({i})``.
    Coalitions with a strictly positive dual are tight in every optimal solution (comple-
    mentary slackness), so they are fixed at t; coalitions whose incidence vector lies in
    the span of the fixed ones are dropped, since their excess is then constant. Each round
    raises that rank, so at most n rounds (Kopelowitz 1967; Maschler, Peleg & Shapley
    1979; fixing only positive-dual rows follows Guajardo & Jornsten 2015).
    """
    grand = (1 << n) - 1
    if n == 1:
        return _NucleolusRun(np.array([c[grand]]), [], np.full(2, -1, dtype=np.int64))
    _check_imputations(c, n, ir)
    all_masks = np.arange(1, grand, dtype=np.int64)
    rows_all = _incidence(all_masks, n)
    basis = np.ones((1, n)) / math.sqrt(n)  # orthonormal rows spanning the fixed directions
    active_idx = np.arange(all_masks.size)
    fixed_masks: list[int] = []
    fixed_vals: list[float] = []
    fixed_ir: list[int] = []
    ir_open = list(range(n)) if ir else []
    rounds: list[_Round] = []
    last_active = np.full(1 << n, -1, dtype=np.int64)
    x_prev = np.full(n, c[grand] / n)
    for k in range(n + 1):
        if progress is not None:
            progress(k, n)
        masks = all_masks[active_idx]
        last_active[masks] = k
        rows = rows_all[active_idx]
        b_ub = c[masks]
        ir_a = np.zeros((len(ir_open), n + 1))
        ir_a[np.arange(len(ir_open)), ir_open] = 1.0
        ir_b = c[[1 << i for i in ir_open]]
        eq_rows = [np.ones(n)]
        b_eq = [c[grand]]
        for m, v in zip(fixed_masks, fixed_vals, strict=True):
            eq_rows.append(rows_all[m - 1])
            b_eq.append(c[m] + v)
        for i in fixed_ir:
            e = np.zeros(n)
            e[i] = 1.0
            eq_rows.append(e)
            b_eq.append(c[1 << i])
        a_eq = np.hstack([np.array(eq_rows), np.zeros((len(eq_rows), 1))])
        t, x_k, dual = _round_lp(rows, b_ub, ir_a, ir_b, a_eq, np.array(b_eq), x_prev, k)
        x_prev = x_k
        n_act = masks.size
        pos = -dual[:n_act] > _DUAL_TOL
        if not np.any(pos):  # numerical corner: take the largest dual
            pos = np.zeros(n_act, dtype=bool)
            pos[int(np.argmin(dual[:n_act]))] = True
        new_masks = masks[pos].tolist()
        new_ir = [i for j, i in enumerate(ir_open) if -dual[n_act + j] > _DUAL_TOL]
        rounds.append(
            _Round(
                t, masks, list(ir_open), list(fixed_masks), list(fixed_ir), dual, new_masks, new_ir
            )
        )
        fixed_masks += new_masks
        fixed_vals += [t] * len(new_masks)
        fixed_ir += new_ir
        ir_open = [i for i in ir_open if i not in new_ir]
        new_dirs = [rows_all[m - 1] for m in new_masks]
        for i in new_ir:
            e = np.zeros(n)
            e[i] = 1.0
            new_dirs.append(e)
        span = np.vstack([basis, *new_dirs])
        u, sv, _vt = np.linalg.svd(span.T, full_matrices=False)
        rank = int(np.sum(sv > 1e-10 * sv[0]))
        basis = u[:, :rank].T
        keep = np.setdiff1d(active_idx, [m - 1 for m in new_masks], assume_unique=True)
        if keep.size:
            r = rows_all[keep]
            resid = r - np.einsum("ij,jk->ik", np.einsum("ij,kj->ik", r, basis), basis)
            keep = keep[np.linalg.norm(resid, axis=1) > _SPAN_TOL]
        active_idx = keep
        if rank >= n or active_idx.size == 0:
            break
    # x is now determined by the fixed equalities
    eq_rows = [np.ones(n)] + [rows_all[m - 1] for m in fixed_masks]
    rhs = [c[grand]] + [c[m] + v for m, v in zip(fixed_masks, fixed_vals, strict=True)]
    for i in fixed_ir:
        e = np.zeros(n)
        e[i] = 1.0
        eq_rows.append(e)
        rhs.append(c[1 << i])
    x, *_ = np.linalg.lstsq(np.array(eq_rows), np.array(rhs), rcond=None)
    if progress is not None:
        progress(n, n)
    return _NucleolusRun(np.asarray(x, dtype=np.float64), rounds, last_active)


def _snap(v: float) -> Fraction:
    return Fraction(v).limit_denominator(10**7)


def _exact_nucleolus(
    c_exact: Sequence[Fraction], n: int, run: _NucleolusRun, ir: bool
) -> tuple[tuple[Fraction, ...], list[Fraction]]:
    """Recover the (pre)nucleolus exactly and certify every LP round with exact arithmetic.

    The fixed coalitions of the float run define a linear system in ``x`` and the round
    values ``t_k``; solved exactly, it gives the candidate. Each round is then certified:
    primal feasibility (every coalition's excess at most ``t_k`` while it was active,
    ``x_i <= c({i})``), and a dual certificate (the float duals snapped to fractions, the
    equality multipliers solved exactly) satisfying stationarity, sign and complementary
    slackness exactly. Raises :class:`CostError` if any check fails.
    """
    grand = (1 << n) - 1
    if n == 1:
        return (c_exact[grand],), []
    k_rounds = len(run.rounds)
    width = n + k_rounds
    rows: list[list[Fraction]] = []
    rhs: list[Fraction] = []
    one, zero = Fraction(1), Fraction(0)
    rows.append([one] * n + [zero] * k_rounds)
    rhs.append(c_exact[grand])
    for k, rnd in enumerate(run.rounds):
        for m in rnd.new_masks:
            row = [one if m >> i & 1 else zero for i in range(n)] + [zero] * k_rounds
            row[n + k] = Fraction(-1)
            rows.append(row)
            rhs.append(c_exact[m])
        for i in rnd.new_ir:
            row = [zero] * width
            row[i] = one
            rows.append(row)
            rhs.append(c_exact[1 << i])
    # keep a maximal independent subset of the rows (QR with column pivoting on the
    # transpose); the other tight rows are checked below through complementary slackness
    if len(rows) > width:
        dense = np.array([[float(v) for v in r] for r in rows])
        from scipy.linalg import qr as scipy_qr

        _q, rr, piv = scipy_qr(dense.T, mode="economic", pivoting=True)
        diag = np.abs(np.diag(rr))
        rank = int(np.sum(diag > 1e-9 * diag[0]))
        keep = sorted(int(i) for i in piv[:rank])
        rows = [rows[i] for i in keep]
        rhs = [rhs[i] for i in keep]
    sol = _solve_exact(rows, rhs)
    if sol is None or not sol[1]:
        raise CostError("nucleolus: the exact recovery failed (degenerate LP); use exact=False")
    z = sol[0]
    x, ts = z[:n], z[n:]
    fail = CostError("nucleolus: could not certify the exact result; use exact=False")
    # primal feasibility in integers: everything times a common denominator
    den = math.lcm(*(v.denominator for v in (*x, *ts, *c_exact)))
    ci = [v.numerator * (den // v.denominator) for v in c_exact]
    xi = [v.numerator * (den // v.denominator) for v in x]
    ti = [v.numerator * (den // v.denominator) for v in ts]
    big = max(abs(v) for v in (*ci, *xi, *ti))
    dtype: type = np.int64 if big < 2**58 // (n + 2) else object
    masks = np.arange(1 << n, dtype=np.int64)
    inc: NDArray[Any] = ((masks[:, None] >> np.arange(n, dtype=np.int64)[None, :]) & 1).astype(
        dtype
    )
    excess = inc @ np.array(xi, dtype=dtype) - np.array(ci, dtype=dtype)
    la = run.last_active
    seen = np.flatnonzero(la >= 0)
    if np.any(excess[seen] > np.array(ti, dtype=dtype)[la[seen]]):
        raise fail
    sums = excess.tolist()
    if ir and any(x[i] > c_exact[1 << i] for i in range(n)):
        raise fail
    for k, rnd in enumerate(run.rounds):
        n_act = rnd.active.size
        act = rnd.active.tolist()
        y: dict[int, Fraction] = {}  # nonzero duals of coalition rows, by mask
        for j in np.flatnonzero(np.abs(rnd.dual_ub[:n_act]) > 1e-12).tolist():
            y[act[j]] = _snap(float(rnd.dual_ub[j]))
        y_ir: dict[int, Fraction] = {}
        for j, i in enumerate(rnd.ir_rows):
            d = float(rnd.dual_ub[n_act + j])
            if abs(d) > 1e-12:
                y_ir[i] = _snap(d)
        if any(v > 0 for v in y.values()) or any(v > 0 for v in y_ir.values()):
            raise fail
        if sum(y.values(), Fraction(0)) != -1:
            raise fail
        for m, v in y.items():
            if v != 0 and sums[m] != ti[k]:
                raise fail
        for i, v in y_ir.items():
            if v != 0 and x[i] != c_exact[1 << i]:
                raise fail
        # stationarity in x: sum_S y_S 1_S + y_ir + A_eq^T lambda = 0, solve for lambda
        target = [Fraction(0)] * n
        for m, v in y.items():
            for i in range(n):
                if m >> i & 1:
                    target[i] -= v
        for i, v in y_ir.items():
            target[i] -= v
        eq_dirs: list[list[Fraction]] = [[one] * n]
        eq_dirs += [[one if m >> i & 1 else zero for i in range(n)] for m in rnd.eq_masks]
        eq_dirs += [[one if j == i else zero for j in range(n)] for i in rnd.eq_ir]
        cols = [[eq_dirs[r][i] for r in range(len(eq_dirs))] for i in range(n)]
        if _solve_exact(cols, target) is None:
            raise fail
    return tuple(x), ts


def _check_imputations(c: FloatArray, n: int, ir: bool) -> None:
    if ir and sum(c[1 << i] for i in range(n)) < c[(1 << n) - 1] - 1e-9:
        raise CostError(
            "no imputation exists: the members' stand-alone costs add up to less than the total"
        )


@functools.cache
def _compiled_nucleolus() -> Any:
    """The compiled float (pre)nucleolus (:mod:`mlf._nucleolus_nb`), or None without numba."""
    if importlib.util.find_spec("numba") is None:
        return None
    from mlf import _nucleolus_nb

    return _nucleolus_nb.nucleolus_float


def _nucleolus_impl(
    game: CostGame, exact: bool, ir: bool, progress: ProgressFn | None
) -> tuple[FloatArray | tuple[Fraction, ...], float | Fraction | None]:
    _require_lp_size(game, "the nucleolus")
    c, sign = _as_cost_table(game)
    n = game.n
    if not exact and n > 1 and (kernel := _compiled_nucleolus()) is not None:
        # one compiled pass (same LP sequence, a small dense simplex per round); HiGHS below
        # if it reports a failure
        _check_imputations(c, n, ir)
        if progress is not None:
            progress(0, n)
        status, x, t = kernel(np.ascontiguousarray(c, dtype=np.float64), n, ir)
        if status == 0:
            if progress is not None:
                progress(n, n)
            return sign * np.asarray(x, dtype=np.float64), float(t)
    run = _run_nucleolus(c, n, ir, progress)
    first_t = run.rounds[0].t if run.rounds else None
    if not exact:
        return sign * run.x, first_t
    ce = game.exact_values()
    if game.kind == "value":
        ce = tuple(-v for v in ce)
    x, ts = _exact_nucleolus(ce, game.n, run, ir)
    if game.kind == "value":
        x = tuple(-v for v in x)
    return x, (ts[0] if ts else None)


def nucleolus(
    game: CostGame, exact: bool = False, progress: ProgressFn | None = None
) -> FloatArray | tuple[Fraction, ...]:
    """The nucleolus: the imputation that lexicographically minimises the sorted excesses.

    Among allocations with ``x(N) = c(N)`` and no member paying more than its stand-alone
    cost (``x_i <= c({i})``; for value games ``x_i >= v({i})``), the nucleolus makes the
    largest excess as small as possible, then the next largest, and so on (Schmeidler
    1969). It is unique, lies in the core whenever the core is non-empty, and is computed
    by a sequence of at most n linear programmes (Kopelowitz 1967; Maschler, Peleg & Shapley
    1979). The float result comes from one compiled pass (:mod:`mlf._nucleolus_nb`: a dense
    simplex on each round's small dual; numba, loaded on first use) and from HiGHS where
    numba is absent or that pass reports a failure. With ``exact=True`` the rounds are solved
    with HiGHS, the result is recovered as Fractions and every round is certified in exact
    arithmetic.

    Examples:
        The airport game G1 of docs/reference/power.md, and the Talmud's estate of 200
        with claims 100, 200, 300 (Aumann & Maschler 1985), a value game:

        >>> g1 = CostGame.from_requirements(
        ...     ["US", "UK", "FR", "DE", "IT", "NL", "BE"], [10, 8, 6, 6, 4, 2, 1],
        ...     lambda r: 20 + 5 * r)
        >>> [str(x) for x in nucleolus(g1, exact=True)]
        ['115/6', '55/6', '25/3', '25/3', '25/3', '25/3', '25/3']
        >>> talmud = CostGame.bankruptcy(["a", "b", "c"], 200, [100, 200, 300])
        >>> [str(x) for x in nucleolus(talmud, exact=True)]
        ['50', '75', '75']

    Raises:
        CostError: more than :data:`EXACT_MAX_PLAYERS` players, no imputation, or an exact
            result that could not be certified.
    """
    return _nucleolus_impl(game, exact, True, progress)[0]


def prenucleolus(
    game: CostGame, exact: bool = False, progress: ProgressFn | None = None
) -> FloatArray | tuple[Fraction, ...]:
    """The prenucleolus: as :func:`nucleolus` but without the individual-rationality bound.

    It lies in the least core; it equals the nucleolus whenever it is individually
    rational (e.g. when the core is non-empty).

    Examples:
        Sharing saves 2; the prenucleolus (here also the nucleolus) splits the saving
        equally:

        >>> g = CostGame.from_array(["a", "b"], [0, 6, 4, 8])
        >>> prenucleolus(g, exact=True)
        (Fraction(5, 1), Fraction(3, 1))
    """
    return _nucleolus_impl(game, exact, False, progress)[0]


def least_core(
    game: CostGame, exact: bool = False
) -> tuple[float | Fraction, FloatArray | tuple[Fraction, ...]]:
    """The least-core value ``epsilon`` and an allocation in the least core.

    ``epsilon = min over x with x(N) = c(N) of max over proper coalitions S of e(S, x)``
    (Maschler, Peleg & Shapley 1979). The core is non-empty iff ``epsilon <= 0``. The
    allocation returned is the prenucleolus, the canonical point of the least core.

    Examples:
        Three players who pay 6 alone, 10 in pairs and 12 together: the core is not empty.

        >>> g = CostGame.from_function(["A", "B", "C"], lambda s: [0, 6, 10, 12][len(s)])
        >>> eps, x = least_core(g, exact=True)
        >>> str(eps), [str(v) for v in x]
        ('-2', ['4', '4', '4'])
    """
    x, eps = _nucleolus_impl(game, exact, False, None)
    if eps is None:  # one player: no proper coalition
        eps = Fraction(0) if exact else 0.0
    return eps, x


def core_is_empty(game: CostGame, tol: float = 1e-9) -> bool:
    """True iff no allocation satisfies every coalition (least-core value > 0).

    Examples:
        The modular force G2 of docs/reference/power.md: a fixed 10 plus 30 per module of
        capacity 8. The six together need 3 modules (100), but every split leaves some
        coalition that could do with fewer modules on its own paying more than that:

        >>> g2 = CostGame.from_requirements(
        ...     ["A", "B", "C", "D", "E", "F"], [5, 4, 3, 3, 2, 1],
        ...     lambda r: 10 + 30 * -(-r // 8), aggregate="sum")
        >>> core_is_empty(g2), str(least_core(g2, exact=True)[0])
        (True, '25/2')
    """
    if game.n == 1:
        return False
    eps, _ = least_core(game)
    return float(eps) > tol


def in_core(game: CostGame, x: Sequence[Number] | FloatArray, tol: float = 1e-9) -> bool:
    """Whether ``x`` is in the core: ``x(N) = c(N)`` and ``x(S) <= c(S)`` (``>= v(S)``).

    Exact when ``x`` holds Fractions or ints (compared with the game's exact table),
    within ``tol`` otherwise.

    Examples:
        >>> g = CostGame.from_function(["A", "B", "C"], lambda s: [0, 6, 10, 12][len(s)])
        >>> in_core(g, [4, 4, 4]), in_core(g, [2, 2, 8])
        (True, False)
    """
    n = game.n
    if len(x) != n:
        raise CostError(f"an allocation for {n} players needs {n} amounts, got {len(x)}")
    sign = 1 if game.kind == "cost" else -1
    items = list(x) if not isinstance(x, np.ndarray) else x.tolist()
    if all(isinstance(v, Fraction | int) for v in items):
        xe = [Fraction(v) for v in items]
        ce = game.exact_values()
        sums = _coalition_sums(xe, n)
        if sums[-1] != ce[-1]:
            return False
        return all(sign * (sums[m] - ce[m]) <= 0 for m in range(1, 1 << n))
    xf = np.asarray(items, dtype=np.float64)
    masks = np.arange(1 << n, dtype=np.int64)
    sums_f = _matvec(_incidence(masks, n), xf)
    if abs(sums_f[-1] - game.values[-1]) > tol * max(1.0, abs(float(game.values[-1]))):
        return False
    return bool(np.all(sign * (sums_f - game.values) <= tol))


# --------------------------------------------------------------------------- game splits


def _game_split(game: CostGame, rule: str, amounts: Sequence[Fraction] | FloatArray) -> CostSplit:
    if game.kind != "cost":
        raise CostError("a cost split needs a cost game (kind='cost')")
    total = float(game.values[-1])
    if total <= 0:
        raise CostError("the grand coalition's cost must be positive to split it")
    exact_shares: tuple[Fraction, ...] | None = None
    if len(amounts) and isinstance(amounts[0], Fraction):
        fr = [Fraction(a) for a in amounts]
        ce_total = game.exact_values()[-1]
        exact_shares = tuple(a / ce_total for a in fr)
        shares = tuple(float(s) for s in exact_shares)
        amts = tuple(float(a) for a in fr)
        core = in_core(game, fr)
    else:
        af = np.asarray(amounts, dtype=np.float64)
        shares = tuple(float(a) / total for a in af)
        amts = tuple(float(a) for a in af)
        core = in_core(game, af)
    notes: list[str] = []
    if core:
        notes.append("in the core: no coalition would pay less on its own")
    else:
        xs = np.asarray(amts)
        masks = np.arange(1, 1 << game.n, dtype=np.int64)
        excess = _matvec(_incidence(masks, game.n), xs) - game.values[masks]
        worst = int(masks[int(np.argmax(excess))])
        who = ", ".join(p for i, p in enumerate(game.players) if worst >> i & 1)
        notes.append(f"not in the core: {{{who}}} would save {float(np.max(excess)):g} on its own")
    return CostSplit(rule, game.players, shares, amts, total, (), core, tuple(notes), exact_shares)


def split_shapley(game: CostGame, exact: bool = True) -> CostSplit:
    """Split a cost game's total by the Shapley value, with a core check (see
    :func:`shapley_value`).

    Examples:
        >>> g = CostGame.from_function(["A", "B", "C"], lambda s: [0, 6, 10, 12][len(s)])
        >>> split = split_shapley(g)
        >>> split.amounts, split.in_core
        ((4.0, 4.0, 4.0), True)
    """
    if game.kind != "cost":
        raise CostError("a cost split needs a cost game (kind='cost')")
    return _game_split(game, "shapley", shapley_value(game, exact=exact))


def split_nucleolus(game: CostGame, exact: bool = False) -> CostSplit:
    """Split a cost game's total by the nucleolus, with a core check (see
    :func:`nucleolus`).

    Examples:
        >>> g = CostGame.from_function(["A", "B", "C"], lambda s: [0, 6, 10, 12][len(s)])
        >>> split_nucleolus(g, exact=True).amounts
        (4.0, 4.0, 4.0)
    """
    if game.kind != "cost":
        raise CostError("a cost split needs a cost game (kind='cost')")
    return _game_split(game, "nucleolus", nucleolus(game, exact=exact))


# --------------------------------------------------------------------------- lead share


def ceiling_for_the_rest(ceiling: float | None, lead_share: float) -> float | None:
    """The ceiling on a share *of the rest* once a lead pays ``lead_share`` of the total.

    A member paying ``s`` of the rest pays ``s * (1 - lead_share)`` of the total, so the
    per-member ceiling ``c`` on the total is ``min(1, c / (1 - lead_share))`` on the rest.

    Examples:
        With the 40% ceiling and a lead paying 40%, no other member may pay more than
        2/3 of the remaining 60%:

        >>> round(ceiling_for_the_rest(0.4, 0.4), 6), ceiling_for_the_rest(0.6, 0.5)
        (0.666667, 1.0)
        >>> ceiling_for_the_rest(None, 0.4) is None
        True
    """
    if ceiling is None or lead_share >= 1.0:
        return None
    return min(1.0, ceiling / (1.0 - lead_share))


def with_lead_share(
    lead: str,
    lead_share: float,
    rest: CostSplit | None,
    total: float,
    *,
    rule: str,
    order: Sequence[str] | None = None,
) -> CostSplit:
    """A split in which ``lead`` pays the fixed ``lead_share`` of ``total`` and the others
    share the rest as ``rest`` splits it (``rest.shares`` are shares of the rest).

    The MLF's US lead share (FRUS 1961-63 XIII doc. 176: the US share to be settled in the
    talks; no nation above 40%, doc. 208). A ``lead_share`` above a ceiling is the caller's
    to apply first (the talks hold it at the ceiling and say so). ``order`` orders the
    members of the result (default: the lead, then ``rest``'s members).

    Examples:
        The US pays 40%; the UK and Germany split the rest equally:

        >>> split = with_lead_share("US", 0.4, split_equal(["UK", "DE"], 60.0), 100.0,
        ...                         rule="equal")
        >>> split.members, split.amounts
        (('US', 'UK', 'DE'), (40.0, 30.0, 30.0))
        >>> split.notes
        ('US pays a fixed lead share of 40%',)
    """
    if not 0.0 <= lead_share <= 1.0:
        raise CostError(f"the lead share must lie in [0, 100%], got {_pct(lead_share)}")
    shares: dict[str, float] = {lead: lead_share}
    if rest is not None:
        if lead in rest.members:
            raise CostError(f"{lead} is both the lead and one of the others")
        for m, s in zip(rest.members, rest.shares, strict=True):
            shares[m] = float(s) * (1.0 - lead_share)
    elif lead_share < 1.0:
        raise CostError("the lead pays less than 100% but nobody shares the rest")
    members = tuple(m for m in order if m in shares) if order is not None else tuple(shares)
    sh = tuple(shares[m] for m in members)
    notes: tuple[str, ...] = (f"{lead} pays a fixed lead share of {_pct(lead_share)}",)
    if rest is not None:
        notes = (*notes, *rest.notes)
    return CostSplit(
        rule=rule,
        members=members,
        shares=sh,
        amounts=tuple(s * total for s in sh),
        total=total,
        capped=tuple(rest.capped) if rest is not None else (),
        in_core=rest.in_core if rest is not None else None,
        notes=notes,
    )


def rescaled(split: CostSplit, total: float) -> CostSplit:
    """The same shares of a different total (e.g. a cost game's split of the rest).

    Examples:
        >>> rescaled(split_equal(["UK", "DE"], 60.0), 10.0).amounts
        (5.0, 5.0)
    """
    return CostSplit(
        rule=split.rule,
        members=split.members,
        shares=split.shares,
        amounts=tuple(float(s) * total for s in split.shares),
        total=total,
        capped=split.capped,
        in_core=split.in_core,
        notes=split.notes,
    )
