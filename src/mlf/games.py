"""Simple games: the control rules of a shared force (who must agree before it acts).

A *simple game* on players N gives every coalition S ⊆ N the value "winning" (S can act) or
"losing". All games built here are monotone (a superset of a winning coalition wins), so the
power indices of :mod:`mlf.power` apply.

Game classes
------------
* :class:`WeightedGame` ``[q; w1, ..., wn]``: S wins iff Σ_{i∈S} w_i ≥ q (or > q when
  ``strict``). Weights and quota may be integers, decimals or exact fractions; they are scaled
  to integers exactly, so no rounding ever decides a vote. :meth:`WeightedGame.of_total`
  takes the quota as a fraction of the total weight (``"2/3"`` means Σ w(S) ≥ 2/3 · Σ w).
* :class:`VectorWeightedGame`: several weighted games over the same players, all must hold
  (e.g. the EU double majority "55 % of states and 65 % of population").
* :class:`AndGame` / :class:`OrGame` (also ``g & h`` and ``g | h``): compositions. The EU
  Lisbon rule "(≥ 15 states AND ≥ 65 % pop) OR ≥ 24 states" is
  ``VectorWeightedGame([count15, pop65]) | count24``.
* :class:`UnanimityGame`: every member of a set must agree (``label="veto"`` for veto sets).
* :class:`BlocGame`: a group votes as one bloc decided by its own internal rule (a game over
  the bloc's members); the same class expresses the *restriction* of a game to a subset
  (players outside the subset are dummies), see :meth:`Game.restrict`.
* :class:`MinimalWinningGame`: a game given by its minimal winning coalitions.

Every game answers :meth:`Game.is_winning` for a coalition given as player names or as an
``int`` bitmask (bit i = ``players[i]``), and vectorised :meth:`Game.winning` over an array of
``uint64`` bitmasks (n ≤ 64) and :meth:`Game.winning_rows` over a boolean membership matrix
(any n) for enumeration and Monte Carlo.

Rule specs
----------
Scenario files state control rules in a small grammar, checked statically by
:func:`validate_rule_spec` and turned into a game by :func:`game_from_spec` given a
:class:`RuleContext` (the members, named groups and named weight vectors). A rule spec is a
mapping with exactly one key:

``{unanimity: SET}`` / ``{veto: SET}``
    every member of SET must be in the coalition (``veto`` is reported as a veto set).
``{majority: Q}``
    at least the fraction Q of the members (by count): count ≥ Q·n. Q is a fraction string
    ``"2/3"``, a number in [0, 1], or ``"1/2+"`` meaning *strictly more* than half (a simple
    majority); ``"1/2"`` alone means half or more.
``{at_least: K}``
    at least K members (absolute count).
``{weighted: {weights: WEIGHTS, quota: QUOTA, over: SET}}``
    WEIGHTS is a named vector from the context (``contribution``, ``gdp``, ``capability``,
    ...), ``equal`` (1 each), or an explicit mapping ``{actor: number}`` (members not listed
    weigh 0). QUOTA is an absolute int/decimal, a fraction string ``"2/3"`` or ``"65%"`` of the
    total weight over SET (≥), or ``"1/2+"`` (strictly more than the fraction). ``over``
    defaults to ``members``; members outside it weigh 0.
``{vector: [{weights: ..., quota: ..., over: ...}, ...]}``
    all components must hold (a vector-weighted game).
``{all: [RULE, ...]}`` / ``{any: [RULE, ...]}``
    AND / OR.
``{bloc: {members: SET, rule: RULE}}``
    the bloc approves iff the coalition's members inside SET satisfy RULE, evaluated as a game
    over SET only (inside RULE, ``members`` means the bloc's members).
``{minimal_winning: [[A, B], [C, D]]}``
    the coalitions containing one of the listed coalitions win.
``{restrict: {to: SET, rule: RULE}}``
    the game RULE over SET; members outside SET are dummies.

SET is ``members``, a group name from the context (``non_X`` is derived as the members minus
group ``X`` when not given), a single actor id, or an explicit list of actor ids. Actor ids that
are not members raise :class:`~mlf.errors.GameError` naming them, unless
``game_from_spec(..., missing="drop")``, which removes them (a veto by a non-member
disappears; a minimal winning coalition loses that actor). A bloc with no members or a quota
that can never be met is allowed with ``impossible="allow"`` (the default with
``missing="drop"``, i.e. a candidate member set in a negotiation): check
:attr:`Game.has_winning` and :attr:`Game.is_proper`. A rule stated in full (the default,
``missing="error"``) refuses, at the field concerned, a quota the empty coalition meets or
no coalition can reach. Numbers written in rules are limited (:data:`MAX_MAGNITUDE`,
:data:`MAX_DIGITS`), and so are players (:data:`MAX_PLAYERS`) and nesting
(:data:`MAX_RULE_DEPTH`).

This grammar is stated here once; the functions that read a spec without building a game
follow it: :func:`rule_actor_refs` / :func:`rule_actors` (the actor ids a rule names
explicitly, for checking them against a scenario's actors), :func:`rule_uses_weights`
(whether it needs weight vectors) and :func:`rule_error_loc` (the field of a
:class:`~mlf.errors.GameError`, from its ``.path``, as keys and indices into the spec).

MLF examples (members US, UK, FRG, IT, ...; group ``european``; vector ``contribution``)::

    {unanimity: members}                                   # every member can stop a firing
    {weighted: {weights: contribution, quota: "2/3"}}      # the larger contributors decide
    {all: [{veto: [US]}, {weighted: {weights: contribution, quota: "2/3"}}]}
    {all: [{veto: [US]}, {bloc: {members: european, rule: {majority: "2/3"}}}]}
    {bloc: {members: european, rule: {majority: "2/3"}}}   # European clause: no US veto

References
----------
.. [1] Taylor, A. D. and Zwicker, W. S. (1999). *Simple Games*. Princeton University Press.
.. [2] Felsenthal, D. S. and Machover, M. (1998). *The Measurement of Voting Power*.
   Edward Elgar.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from mlf.errors import GameError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
else:  # numpy on first use: the rule grammar (`mlf check`) needs none (see mlf._lazy)
    from mlf._lazy import LazyModule

    np = LazyModule("numpy")

__all__ = [
    "ActorRef",
    "AndGame",
    "BlocGame",
    "Game",
    "MinimalWinningGame",
    "OrGame",
    "RuleContext",
    "UnanimityGame",
    "VectorWeightedGame",
    "WeightedGame",
    "game_from_spec",
    "parse_number",
    "parse_weighted",
    "rule_actor_refs",
    "rule_actors",
    "rule_error_loc",
    "rule_uses_weights",
    "validate_rule_spec",
]

Number = int | float | Fraction | Decimal | str
Coalition = Iterable[str] | int

MAX_PLAYERS = 10_000
"""Most players of one game (beyond it even the number of winning coalitions, up to
2^10000, would not print as a Python integer)."""

_MAX_ENUM = 24  # players up to which properties are checked by enumerating all coalitions
_CHUNK = 1 << 18


MAX_MAGNITUDE = 10**15
"""Largest magnitude of a weight or quota written in a rule (``[q; w1, ...]``, a rule spec,
a YAML game file); nonzero magnitudes below ``1 / MAX_MAGNITUDE`` are refused too."""

MAX_DIGITS = 15
"""Most significant digits of a number written in a rule: every decimal of up to 15
significant digits survives a round trip through a double (C's ``DBL_DIG``), so a longer one
claims a precision no float-based tool could reproduce."""

MAX_NUMBER_TEXT = 100
"""Longest text read as one number (characters)."""

MAX_SCALE_BITS = 256
"""Weights and quota are scaled to integers over their common denominator; a game whose
integer total would need more than this many bits is refused (its weights could not even be
converted to floats for a Monte Carlo estimate)."""

_MAX_EXPONENT = 400  # a decimal exponent beyond this is refused before any arithmetic


def _decimal_fraction(d: Decimal, what: str, shown: object, limits: bool) -> Fraction:
    """An exact Fraction of a finite Decimal, refusing exponents that would make it huge (the
    conversion of ``1e99999999`` alone would build a 100-million-digit integer)."""
    if not limits and d.is_finite() and not (d and abs(d.adjusted()) > _MAX_EXPONENT):
        return Fraction(*d.as_integer_ratio())  # the common case: no message to prepare
    text = repr(str(shown)) if isinstance(shown, Decimal | str) else repr(shown)
    if not d.is_finite():
        raise GameError(f"{what}: {text} is not a finite number")
    if d and abs(d.adjusted()) > _MAX_EXPONENT:
        raise GameError(f"{what}: {text} is out of range (magnitudes up to 1e15)")
    if limits and d:
        digits = "".join(map(str, d.as_tuple().digits)).strip("0")
        if len(digits) > MAX_DIGITS:
            raise GameError(
                f"{what}: {text} has {len(digits)} significant digits; "
                f"at most {MAX_DIGITS} (what a float holds)"
            )
        if not Decimal(1) / MAX_MAGNITUDE <= abs(d) <= MAX_MAGNITUDE:
            raise GameError(
                f"{what}: {text} is out of range (nonzero magnitudes from 1e-15 to 1e15)"
            )
    return Fraction(d)


def parse_number(value: object, what: str = "number", *, limits: bool = False) -> Fraction:
    """Read an int, a decimal (``"0.65"`` or a float, taken as its decimal text) or a fraction
    (``"2/3"``, :class:`~fractions.Fraction`) exactly.

    Non-finite values and decimal exponents beyond ±400 are always refused. ``limits=True``
    (numbers a person wrote in a rule) also refuses magnitudes above :data:`MAX_MAGNITUDE`
    or nonzero ones below its inverse, and more than :data:`MAX_DIGITS` significant digits
    (each side of a fraction is checked on its own).

    Examples:
        >>> parse_number("2/3"), parse_number("0.65"), parse_number(0.1)
        (Fraction(2, 3), Fraction(13, 20), Fraction(1, 10))
    """
    if type(value) is Fraction:  # already exact (immutable): the common case of the builders
        return value
    if isinstance(value, bool):
        raise GameError(f"{what}: expected a number, got {value!r}")
    if isinstance(value, Fraction | int):
        if limits and isinstance(value, int) and abs(value) > MAX_MAGNITUDE:
            raise GameError(f"{what}: {_short(value)} is out of range (magnitudes up to 1e15)")
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise GameError(f"{what}: {value!r} is not a finite number")
        return _decimal_fraction(Decimal(repr(value)), what, value, limits)
    if isinstance(value, Decimal):
        return _decimal_fraction(value, what, value, limits)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NUMBER_TEXT:
            raise GameError(
                f"{what}: a number of {len(text)} characters (at most {MAX_NUMBER_TEXT})"
            )
        try:
            if "/" in text:
                num, den = text.split("/", 1)
                top = _decimal_fraction(Decimal(num.strip()), what, num.strip(), limits)
                bottom = _decimal_fraction(Decimal(den.strip()), what, den.strip(), limits)
                return top / bottom
            return _decimal_fraction(Decimal(text), what, value, limits)
        except (InvalidOperation, ValueError, ZeroDivisionError):
            raise GameError(f"{what}: cannot read {value!r} as a number") from None
    raise GameError(f"{what}: expected a number, got {type(value).__name__}")


def _short(value: object) -> str:
    """A value for a message, cut to 40 characters (an int of thousands of digits included)."""
    if isinstance(value, int) and value.bit_length() > 128:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _bits(masks: NDArray[np.uint64], n: int) -> NDArray[np.bool_]:
    """Boolean membership matrix (len(masks), n) of bitmasks."""
    shifts = np.arange(n, dtype=np.uint64)
    return ((masks[:, None] >> shifts[None, :]) & np.uint64(1)).astype(np.bool_)


class Game(ABC):
    """A monotone simple game over named players (abstract base).

    Subclasses implement :meth:`winning_rows`; :meth:`winning` (bitmasks) has a generic
    implementation that subclasses may speed up.

    Examples:
        Every game names its players and answers which coalitions win; coalitions are sets of
        names or bitmasks (bit i: the i-th player):

        >>> game = WeightedGame(["USA", "FRG", "ITA", "GBR"], [40, 40, 10, 10], 67)
        >>> game.n, game.index("ITA"), game.mask({"USA", "ITA"}), game.members_of(5)
        (4, 2, 5, ('USA', 'ITA'))
        >>> game.is_winning({"USA", "FRG"}), game.winning(np.array([3, 14], dtype=np.uint64))
        (True, array([ True, False]))
    """

    players: tuple[str, ...]

    def __init__(self, players: Sequence[str]) -> None:
        if len(players) > MAX_PLAYERS:
            raise GameError(f"{len(players)} players; a game has at most {MAX_PLAYERS:,}")
        names = tuple(str(p) for p in players)
        if len(set(names)) != len(names):
            dup = sorted({p for p in names if names.count(p) > 1})
            raise GameError(f"duplicate player names: {', '.join(dup)}")
        self.players = names
        self._index = {p: i for i, p in enumerate(names)}

    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.players)

    def index(self, player: str) -> int:
        """Position of a named player."""
        try:
            return self._index[player]
        except KeyError:
            raise GameError(f"unknown player {player!r}") from None

    def mask(self, coalition: Coalition) -> int:
        """Bitmask (bit i = ``players[i]``) of a coalition of names or of an int mask."""
        if isinstance(coalition, int | np.integer):
            m = int(coalition)
            if m < 0 or m >> self.n:
                raise GameError(f"coalition mask {m} has bits outside the {self.n} players")
            return m
        if isinstance(coalition, str):
            coalition = [coalition]
        m = 0
        for p in coalition:
            m |= 1 << self.index(p)
        return m

    def members_of(self, mask: int) -> tuple[str, ...]:
        """Player names in a bitmask, in player order."""
        return tuple(p for i, p in enumerate(self.players) if mask >> i & 1)

    def is_winning(self, coalition: Coalition) -> bool:
        """Whether a coalition (names or int bitmask) wins."""
        m = self.mask(coalition)
        row = np.zeros((1, self.n), dtype=np.bool_)
        for i in range(self.n):
            row[0, i] = bool(m >> i & 1)
        return bool(self.winning_rows(row)[0])

    @abstractmethod
    def winning_rows(self, rows: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Vectorised test over a boolean membership matrix of shape (m, n)."""

    def winning(self, masks: NDArray[np.uint64]) -> NDArray[np.bool_]:
        """Vectorised test over ``uint64`` bitmasks (requires n ≤ 64)."""
        if self.n > 64:
            raise GameError(f"bitmask evaluation needs at most 64 players, the game has {self.n}")
        masks = np.asarray(masks, dtype=np.uint64)
        return self.winning_rows(_bits(masks, self.n))

    # --- properties ---------------------------------------------------------------------

    @property
    def has_winning(self) -> bool:
        """Whether some coalition wins (the grand coalition, the game being monotone)."""
        return self.is_winning((1 << self.n) - 1)

    @property
    def is_proper(self) -> bool:
        """Whether no two disjoint coalitions both win (S wins ⇒ N∖S loses)."""
        if self.n > _MAX_ENUM:
            raise GameError(
                f"properness of a {self.n}-player game is checked by enumeration, "
                f"which is limited to {_MAX_ENUM} players"
            )
        full = np.uint64((1 << self.n) - 1)
        total = 1 << self.n
        for start in range(0, total, _CHUNK):
            m = np.arange(start, min(total, start + _CHUNK), dtype=np.uint64)
            if np.any(self.winning(m) & self.winning(full ^ m)):
                return False
        return True

    # --- composition ----------------------------------------------------------------------

    def __and__(self, other: Game) -> AndGame:
        return AndGame([self, other])

    def __or__(self, other: Game) -> OrGame:
        return OrGame([self, other])

    def restrict(self, to: Iterable[str]) -> BlocGame:
        """This game played by the players in ``to`` only; the others become dummies.

        S wins in the result iff S ∩ ``to`` wins here (the restriction v|T of [1], extended to
        N with the others as null players).
        """
        keep = set(to)
        unknown = sorted(keep - set(self.players))
        if unknown:
            raise GameError(f"restrict: not players of the game: {', '.join(unknown)}")
        sub = [p for p in self.players if p in keep]
        inner = _Reindexed(self, sub)
        return BlocGame(self.players, sub, inner, label="restrict")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self})"


def _check_same_players(games: Sequence[Game], what: str) -> tuple[str, ...]:
    if not games:
        raise GameError(f"{what}: needs at least one game")
    players = games[0].players
    for g in games[1:]:
        if g.players != players:
            raise GameError(f"{what}: all games must have the same players in the same order")
    return players


def _exact_sum(values: Sequence[Fraction]) -> Fraction:
    """``sum(values, Fraction(0))``, over one common denominator (one reduction, not one
    per term)."""
    if not values:
        return Fraction(0)
    den = math.lcm(*(v.denominator for v in values))
    return Fraction(sum(v.numerator * (den // v.denominator) for v in values), den)


class WeightedGame(Game):
    """Weighted majority game ``[q; w1, ..., wn]``: S wins iff w(S) ≥ q (``strict``: > q).

    Weights and quota are exact rationals; :attr:`int_weights` and :attr:`int_quota` are the
    equivalent integer game (common denominator cleared; a strict quota becomes ≥ q + 1), which
    is what the algorithms use.

    References
    ----------
    .. [1] von Neumann, J. and Morgenstern, O. (1944). *Theory of Games and Economic
       Behavior*, §50 (weighted majority games).

    Examples:
        Contributions of 40, 40, 10 and 10 with a quota of 67: the two large contributors
        together win, the other three together do not:

        >>> game = WeightedGame(["USA", "FRG", "ITA", "GBR"], [40, 40, 10, 10], 67)
        >>> game.is_winning({"USA", "FRG"}), game.is_winning({"FRG", "ITA", "GBR"})
        (True, False)
        >>> str(game), game.int_weights, game.int_quota
        ('[67; 40, 40, 10, 10]', (4, 4, 1, 1), 7)
    """

    def __init__(
        self,
        players: Sequence[str],
        weights: Sequence[Number],
        quota: Number,
        *,
        strict: bool = False,
    ) -> None:
        super().__init__(players)
        if len(weights) != self.n:
            raise GameError(f"{len(weights)} weights for {self.n} players")
        ws = [parse_number(w, "weight") for w in weights]
        neg = [p for p, w in zip(self.players, ws, strict=True) if w.numerator < 0]
        if neg:
            raise GameError(f"negative weight for {', '.join(neg)}: weights must be >= 0")
        q = parse_number(quota, "quota")
        self.weights: tuple[Fraction, ...] = tuple(ws)
        self.quota: Fraction = q
        self.strict = strict
        den = math.lcm(q.denominator, *(w.denominator for w in ws))
        big = max((w.numerator.bit_length() for w in ws), default=0)
        if den.bit_length() + big + self.n.bit_length() > MAX_SCALE_BITS + 8 or (
            q.numerator.bit_length() + den.bit_length() > MAX_SCALE_BITS + 8
        ):
            raise GameError(
                "weights and quota cannot be scaled to integers of at most "
                f"{MAX_SCALE_BITS} bits (common denominator of {den.bit_length()} bits)"
            )
        # w * den and q * den are integers (den is a multiple of every denominator): computed
        # in integers, without Fraction arithmetic.
        iw = tuple(w.numerator * (den // w.denominator) for w in ws)
        qs = q.numerator * (den // q.denominator)
        iq = qs + 1 if strict else qs
        g = math.gcd(*iw) if any(iw) else 0
        if g > 1:
            iw = tuple(w // g for w in iw)
            iq = -((-iq) // g)  # ceil: w(S)·g ≥ iq ⇔ w(S) ≥ ceil(iq / g)
        self.int_weights: tuple[int, ...] = iw
        self.int_quota: int = iq
        self.total: int = sum(iw)
        if self.total.bit_length() > MAX_SCALE_BITS or iq.bit_length() > MAX_SCALE_BITS:
            raise GameError(
                f"weights and quota scaled to integers exceed {MAX_SCALE_BITS} bits "
                "(too many different denominators or magnitudes)"
            )
        self._w64: NDArray[np.int64] | None = (
            np.array(iw, dtype=np.int64) if self.total < 2**62 else None
        )

    @classmethod
    def of_total(
        cls,
        players: Sequence[str],
        weights: Sequence[Number],
        fraction: Number,
        *,
        strict: bool = False,
    ) -> WeightedGame:
        """Quota given as an exact fraction of the total weight (``"2/3"``: w(S) ≥ 2/3 · w(N))."""
        ws = [parse_number(w, "weight") for w in weights]
        f = parse_number(fraction, "quota fraction")
        if f < 0 or f > 1:
            raise GameError(f"quota fraction {f} must lie in [0, 1]")
        return cls(players, ws, f * _exact_sum(ws), strict=strict)

    @property
    def is_counting(self) -> bool:
        """Whether all (integer) weights are equal: a pure head-count rule."""
        return len(set(self.int_weights)) <= 1

    def winning_rows(self, rows: NDArray[np.bool_]) -> NDArray[np.bool_]:
        if self._w64 is not None:
            return np.asarray(rows.astype(np.int64) @ self._w64 >= self.int_quota)
        w = np.array(self.int_weights, dtype=object)
        return np.asarray(rows.astype(object) @ w >= self.int_quota, dtype=np.bool_)

    def winning(self, masks: NDArray[np.uint64]) -> NDArray[np.bool_]:
        if self._w64 is None or self.n > 64:
            return super().winning(masks)
        masks = np.asarray(masks, dtype=np.uint64)
        acc = np.zeros(masks.shape, dtype=np.int64)
        one = np.uint64(1)
        for i, w in enumerate(self.int_weights):
            if w:
                acc += ((masks >> np.uint64(i)) & one).astype(np.int64) * w
        return np.asarray(acc >= self.int_quota)

    def is_winning(self, coalition: Coalition) -> bool:
        m = self.mask(coalition)
        return sum(w for i, w in enumerate(self.int_weights) if m >> i & 1) >= self.int_quota

    @property
    def is_proper(self) -> bool:
        if 2 * self.int_quota > self.total:
            return True
        return super().is_proper

    def __str__(self) -> str:
        def fmt(x: Fraction) -> str:
            return str(x.numerator) if x.denominator == 1 else str(x)

        op = ">" if self.strict else ""
        return f"[{op}{fmt(self.quota)}; {', '.join(fmt(w) for w in self.weights)}]"


class VectorWeightedGame(Game):
    """Vector-weighted game: S wins iff it wins in every component weighted game.

    References
    ----------
    .. [1] Taylor, A. D. and Zwicker, W. S. (1999). *Simple Games*, ch. 1.7 (dimension).

    Examples:
        Half the contributions and three of the four members:

        >>> players = ["USA", "FRG", "ITA", "GBR"]
        >>> half = WeightedGame(players, [40, 40, 10, 10], 50)
        >>> three = WeightedGame(players, [1, 1, 1, 1], 3)
        >>> game = VectorWeightedGame([half, three])
        >>> game.is_winning({"USA", "FRG"}), game.is_winning({"USA", "FRG", "ITA"})
        (False, True)
    """

    def __init__(self, components: Sequence[WeightedGame]) -> None:
        players = _check_same_players(components, "vector-weighted game")
        super().__init__(players)
        self.components: tuple[WeightedGame, ...] = tuple(components)

    def winning_rows(self, rows: NDArray[np.bool_]) -> NDArray[np.bool_]:
        out = self.components[0].winning_rows(rows)
        for c in self.components[1:]:
            out &= c.winning_rows(rows)
        return out

    def winning(self, masks: NDArray[np.uint64]) -> NDArray[np.bool_]:
        out = self.components[0].winning(masks)
        for c in self.components[1:]:
            out &= c.winning(masks)
        return out

    def __str__(self) -> str:
        return " & ".join(str(c) for c in self.components)


class AndGame(Game):
    """S wins iff it wins in every component game (intersection of the winning sets).

    Examples:
        A US veto and three of the four members:

        >>> players = ["USA", "FRG", "ITA", "GBR"]
        >>> veto, three = UnanimityGame(players, ["USA"]), WeightedGame(players, [1, 1, 1, 1], 3)
        >>> game = AndGame([veto, three])
        >>> str(game)
        'all(unanimity(USA), [3; 1, 1, 1, 1])'
        >>> game.is_winning({"USA", "FRG", "ITA"}), game.is_winning({"FRG", "ITA", "GBR"})
        (True, False)
    """

    def __init__(self, games: Sequence[Game]) -> None:
        players = _check_same_players(games, "all")
        super().__init__(players)
        self.games: tuple[Game, ...] = tuple(games)

    def winning_rows(self, rows: NDArray[np.bool_]) -> NDArray[np.bool_]:
        out = self.games[0].winning_rows(rows)
        for g in self.games[1:]:
            out = out & g.winning_rows(rows)
        return out

    def winning(self, masks: NDArray[np.uint64]) -> NDArray[np.bool_]:
        out = self.games[0].winning(masks)
        for g in self.games[1:]:
            out = out & g.winning(masks)
        return out

    def is_winning(self, coalition: Coalition) -> bool:
        m = self.mask(coalition)  # each component's own test: no membership matrix
        return all(g.is_winning(m) for g in self.games)

    def __str__(self) -> str:
        return "all(" + ", ".join(str(g) for g in self.games) + ")"


class OrGame(Game):
    """S wins iff it wins in some component game (union of the winning sets).

    Examples:
        The United States alone, or any three of the four members:

        >>> players = ["USA", "FRG", "ITA", "GBR"]
        >>> alone, three = UnanimityGame(players, ["USA"]), WeightedGame(players, [1, 1, 1, 1], 3)
        >>> game = OrGame([alone, three])
        >>> [game.is_winning(c) for c in ({"USA"}, {"FRG", "ITA", "GBR"}, {"FRG", "ITA"})]
        [True, True, False]
    """

    def __init__(self, games: Sequence[Game]) -> None:
        players = _check_same_players(games, "any")
        super().__init__(players)
        self.games: tuple[Game, ...] = tuple(games)

    def winning_rows(self, rows: NDArray[np.bool_]) -> NDArray[np.bool_]:
        out = self.games[0].winning_rows(rows)
        for g in self.games[1:]:
            out = out | g.winning_rows(rows)
        return out

    def winning(self, masks: NDArray[np.uint64]) -> NDArray[np.bool_]:
        out = self.games[0].winning(masks)
        for g in self.games[1:]:
            out = out | g.winning(masks)
        return out

    def is_winning(self, coalition: Coalition) -> bool:
        m = self.mask(coalition)  # each component's own test: no membership matrix
        return any(g.is_winning(m) for g in self.games)

    def __str__(self) -> str:
        return "any(" + ", ".join(str(g) for g in self.games) + ")"


class UnanimityGame(Game):
    """S wins iff it contains every player of ``required`` (a veto set; empty: always wins).

    Examples:
        >>> game = UnanimityGame(["USA", "FRG", "ITA"], ["USA"], label="veto")
        >>> game.is_winning({"USA"}), game.is_winning({"FRG", "ITA"})
        (True, False)
    """

    def __init__(
        self,
        players: Sequence[str],
        required: Iterable[str],
        *,
        label: Literal["unanimity", "veto"] = "unanimity",
    ) -> None:
        super().__init__(players)
        req = set(required)
        unknown = sorted(req - set(self.players))
        if unknown:
            raise GameError(f"{label}: not players of the game: {', '.join(unknown)}")
        self.required: tuple[str, ...] = tuple(p for p in self.players if p in req)
        self.label = label
        self.required_mask = self.mask(self.required)
        self._idx = np.array([self.index(p) for p in self.required], dtype=np.intp)

    def winning_rows(self, rows: NDArray[np.bool_]) -> NDArray[np.bool_]:
        if len(self._idx) == 0:
            return np.ones(rows.shape[0], dtype=np.bool_)
        return np.asarray(rows[:, self._idx].all(axis=1))

    def winning(self, masks: NDArray[np.uint64]) -> NDArray[np.bool_]:
        if self.n > 64:
            return super().winning(masks)
        r = np.uint64(self.required_mask)
        return np.asarray((np.asarray(masks, dtype=np.uint64) & r) == r)

    def is_winning(self, coalition: Coalition) -> bool:
        return self.mask(coalition) & self.required_mask == self.required_mask

    def __str__(self) -> str:
        return f"{self.label}({', '.join(self.required)})"


class _Reindexed(Game):
    """A game over a subset of another game's players: S ⊆ sub wins iff it wins in ``game``."""

    def __init__(self, game: Game, sub: Sequence[str]) -> None:
        super().__init__(sub)
        self.game = game
        self._pos = np.array([game.index(p) for p in sub], dtype=np.intp)

    def winning_rows(self, rows: NDArray[np.bool_]) -> NDArray[np.bool_]:
        full = np.zeros((rows.shape[0], self.game.n), dtype=np.bool_)
        full[:, self._pos] = rows
        return self.game.winning_rows(full)

    def __str__(self) -> str:
        return str(self.game)


class BlocGame(Game):
    """A bloc ``bloc`` votes as one, by its internal rule ``inner`` (a game over the bloc).

    S wins iff S ∩ bloc wins in ``inner``; players outside the bloc are dummies. With
    ``label="restrict"`` this is the restriction of ``inner`` to the bloc, embedded in the
    larger player set. Used inside :class:`AndGame` it expresses conditions such as "US consent
    and 2/3 of the Europeans voting as a bloc".

    References
    ----------
    .. [1] Owen, G. (1977). Values of games with a priori unions. In *Essays in Mathematical
       Economics and Game Theory*, Springer (the composition of a bloc's internal rule).

    Examples:
        The European members vote as one bloc, by a majority of two of the three:

        >>> europe = ("FRG", "ITA", "GBR")
        >>> game = BlocGame(["USA", *europe], europe, WeightedGame(europe, [1, 1, 1], 2))
        >>> game.is_winning({"FRG", "ITA"}), game.is_winning({"USA", "FRG"})
        (True, False)
    """

    def __init__(
        self,
        players: Sequence[str],
        bloc: Sequence[str],
        inner: Game,
        *,
        label: Literal["bloc", "restrict"] = "bloc",
    ) -> None:
        super().__init__(players)
        unknown = sorted(set(bloc) - set(self.players))
        if unknown:
            raise GameError(f"{label}: not players of the game: {', '.join(unknown)}")
        if tuple(inner.players) != tuple(bloc):
            raise GameError(f"{label}: the internal rule must be a game over the bloc's members")
        self.bloc: tuple[str, ...] = tuple(bloc)
        self.inner = inner
        self.label = label
        self._pos = np.array([self.index(p) for p in self.bloc], dtype=np.intp)

    def winning_rows(self, rows: NDArray[np.bool_]) -> NDArray[np.bool_]:
        return self.inner.winning_rows(np.ascontiguousarray(rows[:, self._pos]))

    def winning(self, masks: NDArray[np.uint64]) -> NDArray[np.bool_]:
        if self.n > 64:
            return super().winning(masks)
        masks = np.asarray(masks, dtype=np.uint64)
        sub = np.zeros(masks.shape, dtype=np.uint64)
        one = np.uint64(1)
        for j, i in enumerate(self._pos):
            sub |= ((masks >> np.uint64(i)) & one) << np.uint64(j)
        return self.inner.winning(sub)

    def is_winning(self, coalition: Coalition) -> bool:
        m = self.mask(coalition)
        sub = sum(1 << j for j, i in enumerate(self._pos) if m >> int(i) & 1)
        return self.inner.is_winning(sub)

    def __str__(self) -> str:
        return f"{self.label}[{', '.join(self.bloc)}]({self.inner})"


class MinimalWinningGame(Game):
    """The game whose winning coalitions are the supersets of the listed coalitions.

    An empty list gives the game in which nothing wins; a list holding the empty coalition, the
    game in which everything wins.

    Examples:
        Listed coalitions that are not minimal are dropped:

        >>> game = MinimalWinningGame(
        ...     ["USA", "FRG", "ITA", "GBR"],
        ...     [["USA", "FRG"], ["USA", "FRG", "ITA"], ["FRG", "ITA", "GBR"]],
        ... )
        >>> game.coalitions
        (('USA', 'FRG'), ('FRG', 'ITA', 'GBR'))
        >>> game.is_winning({"USA", "FRG", "GBR"}), game.is_winning({"USA", "ITA", "GBR"})
        (True, False)
    """

    def __init__(self, players: Sequence[str], coalitions: Iterable[Iterable[str]]) -> None:
        super().__init__(players)
        masks = sorted({self.mask(list(c)) for c in coalitions})
        # keep only the inclusion-minimal ones
        minimal = [m for m in masks if not any(o != m and o & m == o for o in masks)]
        self.masks: tuple[int, ...] = tuple(minimal)
        self.coalitions: tuple[tuple[str, ...], ...] = tuple(self.members_of(m) for m in minimal)

    def winning_rows(self, rows: NDArray[np.bool_]) -> NDArray[np.bool_]:
        out = np.zeros(rows.shape[0], dtype=np.bool_)
        for m in self.masks:
            idx = [i for i in range(self.n) if m >> i & 1]
            out |= rows[:, idx].all(axis=1) if idx else True
        return out

    def winning(self, masks: NDArray[np.uint64]) -> NDArray[np.bool_]:
        if self.n > 64:
            return super().winning(masks)
        masks = np.asarray(masks, dtype=np.uint64)
        out = np.zeros(masks.shape, dtype=np.bool_)
        for m in self.masks:
            mm = np.uint64(m)
            out |= (masks & mm) == mm
        return out

    def is_winning(self, coalition: Coalition) -> bool:
        s = self.mask(coalition)
        return any(s & m == m for m in self.masks)

    def __str__(self) -> str:
        return (
            "minimal_winning(" + "; ".join("{" + ", ".join(c) + "}" for c in self.coalitions) + ")"
        )


# --------------------------------------------------------------------------------------------
# The literature's notation [q; w1, ..., wn]

_WEIGHTED_RE = re.compile(r"^\s*\[\s*([^;\]]+?)\s*;\s*([^\]]*?)\s*\]\s*$")


def parse_weighted(text: str, names: Sequence[str] | None = None) -> WeightedGame:
    """Parse ``"[q; w1, w2, ...]"`` into a :class:`WeightedGame` (players ``P1..Pn`` by default).

    Weights are integers, decimals or fractions (``"1/3"``). The quota is absolute, except that
    a quota written with a ``%`` sign (``"65%"``) or as a fraction below 1 (``"2/3"``) is a share
    of the total weight; a leading ``>`` makes it strict (``"[>1/2; ...]"``: more than half).

    Impossible rules are errors: a quota no coalition can reach (above the total weight, or
    ``>100%``), a quota the empty coalition already meets (0 or below), a negative weight, a
    names-count mismatch; so are numbers beyond :data:`MAX_MAGNITUDE` or :data:`MAX_DIGITS`
    and more than :data:`MAX_PLAYERS` weights.

    Examples:
        The Council of the EEC in 1958 (France, Germany, Italy 4 votes; Belgium and the
        Netherlands 2; Luxembourg 1; 12 of 17 to pass):

        >>> eec = parse_weighted("[12; 4, 4, 4, 2, 2, 1]", ["FR", "DE", "IT", "BE", "NL", "LU"])
        >>> eec.is_winning({"FR", "DE", "IT"}), eec.is_winning({"FR", "BE", "NL", "LU"})
        (True, False)
        >>> parse_weighted("[2/3; 1, 1, 1]").quota  # a share of the total weight 3
        Fraction(2, 1)
    """
    if text.count(",") >= MAX_PLAYERS:
        raise GameError(
            f"{text.count(',') + 1} weights; a game has at most {MAX_PLAYERS:,} players"
        )
    m = _WEIGHTED_RE.match(text)
    if not m:
        raise GameError(
            f"cannot read {_short(text)} as a weighted game: expected '[q; w1, w2, ...]'"
        )
    qtext, wtext = m.group(1).strip(), m.group(2)
    parts = [p.strip() for p in wtext.split(",")]
    if not wtext.strip() or any(not p for p in parts):
        raise GameError(
            f"cannot read {_short(text)}: the weight list is empty or has an empty entry"
        )
    weights = [parse_number(p, f"weight {k + 1}", limits=True) for k, p in enumerate(parts)]
    if names is None:
        players = [f"P{i + 1}" for i in range(len(weights))]
    else:
        players = list(names)
        if len(players) != len(weights):
            raise GameError(f"{len(players)} names given for {len(weights)} weights")
    strict = qtext.startswith(">")
    if strict:
        qtext = qtext[1:].strip()
    share: Fraction | None = None
    if qtext.endswith("%"):
        share = parse_number(qtext[:-1], "quota", limits=True) / 100
    elif "/" in qtext and parse_number(qtext, "quota", limits=True) < 1:
        share = parse_number(qtext, "quota", limits=True)
    neg = [k + 1 for k, w in enumerate(weights) if w < 0]
    if neg:
        raise GameError(f"weight {neg[0]}: negative ({parts[neg[0] - 1]}); weights must be >= 0")
    op = ">" if strict else ""
    if share is not None:
        if share > 1 or (strict and share == 1):
            raise GameError(f"quota {op}{qtext} exceeds the total weight: no coalition can win")
        game = WeightedGame.of_total(players, weights, share, strict=strict)
    else:
        q = parse_number(qtext, "quota", limits=True)
        total = sum(weights, Fraction(0))
        if q > total or (strict and q >= total):
            raise GameError(
                f"quota {op}{qtext} exceeds the total weight {total}: no coalition can win"
            )
        game = WeightedGame(players, weights, q, strict=strict)
    if game.int_quota <= 0:
        raise GameError(
            f"quota {op}{qtext} is met by the empty coalition (a quota must be above 0)"
        )
    if game.int_quota > game.total:
        raise GameError(f"quota {op}{qtext} exceeds the total weight: no coalition can win")
    return game


# --------------------------------------------------------------------------------------------
# Rule specs


@dataclass(frozen=True)
class RuleContext:
    """What a rule spec refers to: the members (players, in order), named groups and named
    weight vectors."""

    members: tuple[str, ...]
    groups: Mapping[str, Sequence[str]] = field(default_factory=dict)
    weights: Mapping[str, Mapping[str, float | int | Fraction]] = field(default_factory=dict)


_RULE_KEYS = (
    "unanimity",
    "veto",
    "majority",
    "at_least",
    "weighted",
    "vector",
    "all",
    "any",
    "bloc",
    "minimal_winning",
    "restrict",
)


def _fail(path: str, reason: str) -> GameError:
    """A GameError located at a rule field: message ``"<path>: <reason>"``, ``.path`` set."""
    return GameError(reason, path=path)


def _reason(e: GameError) -> str:
    return e.reason if e.path is None else str(e)


def _check_set(value: object, path: str) -> None:
    if isinstance(value, str):
        if not value.strip():
            raise _fail(path, "empty set name")
        return
    if isinstance(value, list | tuple):
        for k, v in enumerate(value):
            if not isinstance(v, str):
                raise _fail(f"{path}[{k}]", f"actor ids are strings, got {v!r}")
        return
    raise _fail(path, f"expected 'members', a group name or a list of actor ids, got {value!r}")


def _check_quota(value: object, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Fraction | Decimal):
        raise _fail(path, f"expected a number or a fraction string like '2/3', got {value!r}")
    try:
        q, share, strict = _quota_parts(value, path)
    except GameError as e:
        raise _fail(path, _reason(e)) from None
    if q < 0 or (q == 0 and not strict):
        raise _fail(path, f"{value!r} is met by the empty coalition (a quota must be above 0)")
    if share and (q > 1 or (q == 1 and strict)):
        raise _fail(path, f"{value!r} exceeds the total weight: no coalition can win")


_QUOTAS: dict[str, tuple[Fraction, bool, bool]] = {}


def _quota_parts(value: object, path: str) -> tuple[Fraction, bool, bool]:
    """(value, is_share_of_total, strict). A quota written as text is read once (memoised by
    its text: the talks build one rule's game over many member sets and weights)."""
    if isinstance(value, str):
        hit = _QUOTAS.get(value)
        if hit is None:
            hit = _read_quota(value, path)
            if len(_QUOTAS) >= 4096:
                _QUOTAS.clear()
            _QUOTAS[value] = hit
        return hit
    return _read_quota(value, path)


def _read_quota(value: object, path: str) -> tuple[Fraction, bool, bool]:
    if isinstance(value, Fraction):
        return value, True, False
    if isinstance(value, str):
        text = value.strip()
        strict = text.endswith("+")
        if strict:
            text = text[:-1].strip()
        if text.endswith("%"):
            return parse_number(text[:-1], "quota", limits=True) / 100, True, strict
        if "/" in text:
            return parse_number(text, "quota", limits=True), True, strict
        if strict:
            raise GameError("'+' (strictly more) only follows a fraction such as '1/2+'")
        return parse_number(text, "quota", limits=True), False, False
    return parse_number(value, "quota", limits=True), False, False


def _check_weights(value: object, path: str) -> None:
    if isinstance(value, str):
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                raise _fail(path, f"actor ids are strings, got {k!r}")
            try:
                w = parse_number(v, "weight", limits=True)
            except GameError as e:
                raise _fail(f"{path}.{k}", _reason(e)) from None
            if w < 0:
                raise _fail(f"{path}.{k}", "weights must be >= 0")
        return
    raise _fail(path, f"expected a named weight vector or a mapping actor: number, got {value!r}")


def _check_mapping(value: object, path: str, required: set[str], optional: set[str]) -> None:
    if not isinstance(value, Mapping):
        raise _fail(path, f"expected a mapping with keys {sorted(required)}, got {value!r}")
    keys = set(value)
    missing = required - keys
    if missing:
        raise _fail(path, f"missing {', '.join(sorted(missing))}")
    extra = keys - required - optional
    if extra:
        raise _fail(path, f"unknown key(s) {', '.join(sorted(map(str, extra)))}")


MAX_RULE_DEPTH = 32
"""Deepest nesting of rules inside rules (``all``, ``any``, ``bloc``, ``restrict``)."""


def validate_rule_spec(spec: object, path: str = "rule") -> None:
    """Check a rule spec's structure and its context-free impossibilities (a quota or
    majority of 0 or below, a share above the total, ``at_least`` below 1, numbers out of
    range, nesting deeper than :data:`MAX_RULE_DEPTH`); raise ``GameError`` with ``.path``
    (message ``"<path>: reason"``).

    Examples:
        >>> validate_rule_spec({"all": [{"veto": ["USA"]}, {"majority": "2/3"}]}) is None
        True
        >>> try:
        ...     validate_rule_spec({"all": [{"veto": ["USA"]}, {"at_least": 0}]})
        ... except GameError as e:
        ...     print(e.path, "|", e.reason)
        rule.all[1].at_least | expected a positive integer (a number of members), got 0
    """
    _validate(spec, path, 0)


def _validate(spec: object, path: str, depth: int) -> None:
    if depth > MAX_RULE_DEPTH:
        raise _fail(path, f"rules nested more than {MAX_RULE_DEPTH} deep")
    if not isinstance(spec, Mapping) or len(spec) != 1:
        raise _fail(
            path, f"a rule is a mapping with exactly one of the keys {', '.join(_RULE_KEYS)}"
        )
    ((key, body),) = spec.items()
    p = f"{path}.{key}"
    if key in ("unanimity", "veto"):
        _check_set(body, p)
    elif key == "majority":
        if isinstance(body, bool) or not isinstance(body, int | float | str | Fraction | Decimal):
            raise _fail(p, f"expected a fraction such as '2/3' or '1/2+', got {body!r}")
        strict = isinstance(body, str) and body.strip().endswith("+")
        try:
            text = body.strip().rstrip("+") if isinstance(body, str) else body
            f = parse_number(text, "majority", limits=True)
        except GameError as e:
            raise _fail(p, _reason(e)) from None
        if not 0 <= f <= 1:
            raise _fail(p, f"the fraction {f} must lie in [0, 1]")
        if f == 0 and not strict:
            raise _fail(p, "0 is met by the empty coalition (a majority must be above 0)")
        if f == 1 and strict:
            raise _fail(p, "more than all members: no coalition can win")
    elif key == "at_least":
        if isinstance(body, bool) or not isinstance(body, int) or body < 1:
            raise _fail(p, f"expected a positive integer (a number of members), got {body!r}")
        if body > MAX_PLAYERS:
            raise _fail(p, f"{_short(body)} is more than the {MAX_PLAYERS:,} players a game has")
    elif key == "weighted":
        _check_component(body, p)
    elif key == "vector":
        if not isinstance(body, list | tuple) or not body:
            raise _fail(p, "expected a non-empty list of {weights, quota} components")
        for k, c in enumerate(body):
            _check_component(c, f"{p}[{k}]")
    elif key in ("all", "any"):
        if not isinstance(body, list | tuple) or not body:
            raise _fail(p, "expected a non-empty list of rules")
        for k, r in enumerate(body):
            _validate(r, f"{p}[{k}]", depth + 1)
    elif key == "bloc":
        _check_mapping(body, p, {"members", "rule"}, set())
        assert isinstance(body, Mapping)
        _check_set(body["members"], f"{p}.members")
        _validate(body["rule"], f"{p}.rule", depth + 1)
    elif key == "restrict":
        _check_mapping(body, p, {"to", "rule"}, set())
        assert isinstance(body, Mapping)
        _check_set(body["to"], f"{p}.to")
        _validate(body["rule"], f"{p}.rule", depth + 1)
    elif key == "minimal_winning":
        if not isinstance(body, list | tuple):
            raise _fail(p, "expected a list of coalitions (lists of actor ids)")
        for k, c in enumerate(body):
            if not isinstance(c, list | tuple):
                raise _fail(f"{p}[{k}]", f"expected a list of actor ids, got {c!r}")
            _check_set(list(c), f"{p}[{k}]")
    else:
        raise _fail(path, f"unknown rule {key!r}; expected one of {', '.join(_RULE_KEYS)}")


def _check_component(body: object, path: str) -> None:
    _check_mapping(body, path, {"weights", "quota"}, {"over"})
    assert isinstance(body, Mapping)
    _check_weights(body["weights"], f"{path}.weights")
    _check_quota(body["quota"], f"{path}.quota")
    if "over" in body:
        _check_set(body["over"], f"{path}.over")


# Reading a rule spec without building it (what scenario checks and the talks ask)

_SET_KEYS = frozenset({"unanimity", "veto", "members", "over", "to"})
"""Rule-spec keys whose value is a SET (``members``, a group name, an actor id or a list)."""

RuleLoc = tuple[str | int, ...]


@dataclass(frozen=True)
class ActorRef:
    """One actor id written in a rule spec: where (``loc``, keys and list indices below the
    spec's root) and whether it is a key of an explicit weight mapping (``in_weights``)."""

    loc: RuleLoc
    actor: str
    in_weights: bool = False


def rule_actor_refs(spec: object) -> tuple[ActorRef, ...]:
    """The actor ids a rule spec names explicitly, in the order written (see "Rule specs"
    above for the grammar): the ids in a list given as a SET (``unanimity``, ``veto``,
    ``members``, ``over``, ``to``), in each coalition of ``minimal_winning``, and the keys of an
    explicit weight mapping. A SET written as one name (``members``, ``european``, ``USA``)
    is resolved only against a :class:`RuleContext`, so it is not reported here.

    >>> spec = {"all": [{"veto": ["USA"]}, {"weighted": {"weights": {"GBR": 2}, "quota": 1}}]}
    >>> for ref in rule_actor_refs(spec):
    ...     print(ref.loc, ref.actor, ref.in_weights)
    ('all', 0, 'veto', 0) USA False
    ('all', 1, 'weighted', 'weights', 'GBR') GBR True
    """
    out: list[ActorRef] = []

    def walk(node: object, at: RuleLoc, key: object) -> None:
        if isinstance(node, Mapping):
            for k, v in node.items():
                if k == "weights" and isinstance(v, Mapping):
                    out.extend(ActorRef((*at, k, a), str(a), True) for a in v)
                else:
                    walk(v, (*at, k), k)
        elif isinstance(node, list | tuple):
            listed = key in _SET_KEYS or key == "minimal_winning"
            for j, v in enumerate(node):
                if listed and isinstance(v, str):
                    out.append(ActorRef((*at, j), v))
                else:
                    walk(v, (*at, j), key if key == "minimal_winning" else None)

    walk(spec, (), None)
    return tuple(out)


def rule_actors(spec: object) -> frozenset[str]:
    """The actor ids a rule spec names explicitly (:func:`rule_actor_refs`), as a set.

    >>> sorted(rule_actors({"minimal_winning": [["USA"], ["GBR", "FRG"]]}))
    ['FRG', 'GBR', 'USA']
    >>> rule_actors({"bloc": {"members": "european", "rule": {"majority": "2/3"}}})
    frozenset()
    """
    return frozenset(r.actor for r in rule_actor_refs(spec))


def rule_uses_weights(spec: object) -> bool:
    """Whether a rule spec has a ``weighted`` or ``vector`` rule anywhere (it then needs the
    context's weight vectors; the others depend on the members and groups only).

    >>> rule_uses_weights({"all": [{"veto": ["USA"]},
    ...     {"weighted": {"weights": "contribution", "quota": "2/3"}}]})
    True
    >>> rule_uses_weights({"unanimity": "members"})
    False
    """
    if isinstance(spec, Mapping):
        return any(k in ("weighted", "vector") or rule_uses_weights(v) for k, v in spec.items())
    if isinstance(spec, list | tuple):
        return any(rule_uses_weights(v) for v in spec)
    return False


def rule_error_loc(spec: object, error: GameError, root: str = "rule") -> RuleLoc | None:
    """Where in ``spec`` a :class:`~mlf.errors.GameError` from :func:`validate_rule_spec`
    (called with ``path=root``) lies: its ``.path`` read as keys and list indices below the
    root, matched against the spec itself (so an actor id with a dot in it is still one key).
    None when the error carries no path or the path does not lead into the spec.

    >>> spec = {"all": [{"veto": ["USA"]}, {"majority": 2}]}
    >>> try:
    ...     validate_rule_spec(spec)
    ... except GameError as e:
    ...     print(rule_error_loc(spec, e), "-", e.reason)
    ('all', 1, 'majority') - the fraction 2 must lie in [0, 1]
    """
    path = error.path
    if path is None or not (path == root or path.startswith((f"{root}.", f"{root}["))):
        return None
    rest, node = path[len(root) :], spec
    loc: list[str | int] = []
    while rest:
        m = re.match(r"\[(\d+)\]", rest)
        if m and isinstance(node, list | tuple) and int(m.group(1)) < len(node):
            node = node[int(m.group(1))]
            loc.append(int(m.group(1)))
            rest = rest[m.end() :]
            continue
        if not (rest.startswith(".") and isinstance(node, Mapping)):
            return None
        keys = [
            k
            for k in node
            if isinstance(k, str)
            and rest[1:].startswith(k)
            and rest[1 + len(k) : 2 + len(k)] in ("", ".", "[")
        ]
        if not keys:
            return None
        k = max(keys, key=len)
        node, rest = node[k], rest[1 + len(k) :]
        loc.append(k)
    return tuple(loc)


class _Builder:
    def __init__(self, ctx: RuleContext, missing: str, check: bool) -> None:
        self.ctx = ctx
        self.missing = missing
        self.check = check
        self.members = tuple(ctx.members)

    def possible(self, game: WeightedGame, path: str, what: str) -> WeightedGame:
        """With checks on: refuse a quota the empty coalition meets or no coalition reaches."""
        if self.check:
            if game.int_quota <= 0:
                raise _fail(path, f"{what} is met by the empty coalition (a quota must be above 0)")
            if game.int_quota > game.total:
                raise _fail(path, f"{what} exceeds the total over the {game.n} members: "
                            "no coalition can win")  # fmt: skip
        return game

    def resolve(self, value: object, path: str) -> list[str]:
        """Actor ids of a SET (members order for names; missing ids handled per policy)."""
        ctx = self.ctx
        if isinstance(value, str):
            if value == "members":
                return list(self.members)
            if value in ctx.groups:
                ids = [str(a) for a in ctx.groups[value]]
            elif value.startswith("non_") and value[4:] in ctx.groups:
                excl = set(map(str, ctx.groups[value[4:]]))
                return [m for m in self.members if m not in excl]
            elif value in self.members:
                ids = [value]
            else:
                known = sorted(ctx.groups)
                raise _fail(
                    path,
                    f"unknown group or actor {value!r} (groups: {', '.join(known) or 'none'})",
                )
        else:
            assert isinstance(value, list | tuple)
            ids = [str(a) for a in value]
        return self.keep(ids, path)

    def keep(self, ids: list[str], path: str) -> list[str]:
        mem = set(self.members)
        absent = [a for a in ids if a not in mem]
        if absent and self.missing == "error":
            raise _fail(path, f"not members: {', '.join(dict.fromkeys(absent))}")
        wanted = set(ids)
        return [m for m in self.members if m in wanted]

    def weights(self, value: object, over: list[str], path: str) -> list[Fraction]:
        ctx = self.ctx
        inside = set(over)
        if isinstance(value, str):
            if value == "equal":
                return [Fraction(1 if m in inside else 0) for m in self.members]
            if value not in ctx.weights:
                raise _fail(
                    path,
                    f"unknown weight vector {value!r} "
                    f"(known: {', '.join(sorted(ctx.weights)) or 'none'}, equal)",
                )
            vec = ctx.weights[value]
            lack = [m for m in over if m not in vec]
            if lack:
                raise _fail(path, f"weight vector {value!r} has no value for {', '.join(lack)}")
            out = [
                parse_number(vec[m], "weight") if m in inside else Fraction(0) for m in self.members
            ]
        else:
            assert isinstance(value, Mapping)
            self.keep([str(k) for k in value], path)
            out = [
                parse_number(value[m], "weight") if m in inside and m in value else Fraction(0)
                for m in self.members
            ]
        if any(w.numerator < 0 for w in out):
            raise _fail(path, "weights must be >= 0")
        return out

    def component(self, body: Mapping[str, object], path: str) -> WeightedGame:
        over = self.resolve(body.get("over", "members"), f"{path}.over")
        ws = self.weights(body["weights"], over, f"{path}.weights")
        q, share, strict = _quota_parts(body["quota"], f"{path}.quota")
        if share:
            game = WeightedGame.of_total(self.members, ws, q, strict=strict)
        else:
            game = WeightedGame(self.members, ws, q, strict=strict)
        return self.possible(game, f"{path}.quota", f"quota {body['quota']!r}")

    def build(self, spec: object, path: str) -> Game:
        assert isinstance(spec, Mapping)
        ((key, body),) = spec.items()
        p = f"{path}.{key}"
        mem = self.members
        if key in ("unanimity", "veto"):
            return UnanimityGame(mem, self.resolve(body, p), label=key)
        if key == "majority":
            strict = isinstance(body, str) and body.strip().endswith("+")
            text = body.strip().rstrip("+") if isinstance(body, str) else body
            f = parse_number(text, "majority")
            game = WeightedGame(mem, [1] * len(mem), f * len(mem), strict=strict)
            return self.possible(game, p, f"majority {body!r}")
        if key == "at_least":
            assert isinstance(body, int)
            return self.possible(WeightedGame(mem, [1] * len(mem), body), p, f"at_least {body}")
        if key == "weighted":
            assert isinstance(body, Mapping)
            return self.component(body, p)
        if key == "vector":
            assert isinstance(body, list | tuple)
            return VectorWeightedGame([self.component(c, f"{p}[{k}]") for k, c in enumerate(body)])
        if key in ("all", "any"):
            assert isinstance(body, list | tuple)
            games = [self.build(r, f"{p}[{k}]") for k, r in enumerate(body)]
            if len(games) == 1:
                return games[0]
            return AndGame(games) if key == "all" else OrGame(games)
        if key in ("bloc", "restrict"):
            assert isinstance(body, Mapping)
            sub = self.resolve(body["members" if key == "bloc" else "to"], p)
            subset = set(sub)
            inner_ctx = RuleContext(
                members=tuple(sub),
                groups={g: [a for a in v if a in subset] for g, v in self.ctx.groups.items()},
                weights=self.ctx.weights,
            )
            inner = _Builder(inner_ctx, self.missing, self.check).build(body["rule"], f"{p}.rule")
            return BlocGame(mem, sub, inner, label=key)
        if key == "minimal_winning":
            assert isinstance(body, list | tuple)
            return MinimalWinningGame(
                mem, [self.keep([str(a) for a in c], f"{p}[{k}]") for k, c in enumerate(body)]
            )
        raise _fail(path, f"unknown rule {key!r}")  # pragma: no cover - validated before


def game_from_spec(
    spec: object,
    ctx: RuleContext,
    *,
    missing: Literal["error", "drop"] = "error",
    impossible: Literal["error", "allow"] | None = None,
    path: str = "rule",
    validated: bool = False,
) -> Game:
    """Build the game a rule spec describes over ``ctx.members`` (grammar: module docstring).

    ``missing="drop"`` silently removes actor ids that are not members (a veto by a
    non-member disappears); ``"error"`` (default) raises :class:`GameError` naming them.

    ``impossible="error"`` (the default when ``missing="error"``, i.e. for a game stated in
    full) also refuses, at the field concerned, a weighted/majority/``at_least`` rule whose
    quota the empty coalition already meets or no coalition of its members can reach (a
    quota above the total weight, ``at_least`` above the number of members). ``"allow"``
    (the default with ``missing="drop"``, where the members are one candidate set of a
    negotiation) builds such games: check :attr:`Game.has_winning`.

    ``validated=True`` says the caller has already passed this very spec through
    :func:`validate_rule_spec` (the talks build one spec over many member sets and weights).

    Examples:
        A US veto plus a majority of the European members (more than half of them):

        >>> ctx = RuleContext(
        ...     ("USA", "FRG", "ITA", "GBR"), groups={"european": ["FRG", "ITA", "GBR"]}
        ... )
        >>> europe = {"bloc": {"members": "european", "rule": {"majority": "1/2+"}}}
        >>> spec = {"all": [{"veto": ["USA"]}, europe]}
        >>> game = game_from_spec(spec, ctx)
        >>> game.is_winning({"USA", "FRG", "ITA"}), game.is_winning({"USA", "FRG"})
        (True, False)
        >>> from mlf.power import veto_players
        >>> veto_players(game)
        ('USA',)

        Weighted by contribution, with a quota of two thirds of the total weight:

        >>> contribution = {"USA": 40, "FRG": 40, "ITA": 20}
        >>> ctx = RuleContext(("USA", "FRG", "ITA"), weights={"contribution": contribution})
        >>> game = game_from_spec({"weighted": {"weights": "contribution", "quota": "2/3"}}, ctx)
        >>> game.is_winning({"USA", "FRG"}), game.is_winning({"USA", "ITA"})
        (True, False)

        A veto by an actor that is not a member is an error naming the field:

        >>> try:
        ...     game_from_spec({"veto": ["FRA"]}, ctx)
        ... except GameError as e:
        ...     print(e)
        rule.veto: not members: FRA
    """
    if missing not in ("error", "drop"):
        raise GameError(f"missing must be 'error' or 'drop', got {missing!r}")
    if impossible is None:
        impossible = "error" if missing == "error" else "allow"
    if impossible not in ("error", "allow"):
        raise GameError(f"impossible must be 'error' or 'allow', got {impossible!r}")
    if len(set(ctx.members)) != len(ctx.members):
        raise GameError("rule context: duplicate member ids")
    if not validated:
        validate_rule_spec(spec, path)
    return _Builder(ctx, missing, impossible == "error").build(spec, path)
