"""The one interface every negotiation model implements.

A model takes a :class:`BargainingInput` (actors with capability, and per issue a position and a
salience; issue bounds and status quo), its parameters and a seed, and returns a
:class:`Forecast`: the predicted outcome per issue, the round-by-round trajectory of every
actor's position, per-round outcome probabilities where the model has them, and diagnostics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from mlf.errors import BargainingError

FloatArray = NDArray[np.float64]
ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True, eq=False)
class BargainingInput:
    """Actors and issues of one negotiation, as arrays.

    Attributes:
        actors: actor ids, length n.
        issues: issue ids, length k.
        capability: shape (n,), non-negative, not all zero.
        position: shape (n, k), each inside [lo, hi] of its issue.
        salience: shape (n, k), in [0, 1].
        lo, hi: shape (k,), bounds of each issue's scale (lo < hi).
        status_quo: shape (k,), the disagreement point (inside the bounds).

    Examples:
        Three actors on one issue scaled 0-300 (see :meth:`build`):

        >>> inp = BargainingInput.build(["A", "B", "C"], [0.5, 0.3, 0.2], [200, 150, 50],
        ...                             [0.8, 0.6, 0.5], lo=0, hi=300, status_quo=0)
        >>> inp.n, inp.k, inp.issues
        (3, 1, ('issue1',))
        >>> BargainingInput.build(["A"], [1.0], [10], [1.5])
        Traceback (most recent call last):
        ...
        mlf.errors.BargainingError: saliences must lie in [0, 1]
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    lo: FloatArray
    hi: FloatArray
    status_quo: FloatArray

    def __post_init__(self) -> None:
        n, k = len(self.actors), len(self.issues)
        for name, arr, shape in (
            ("capability", self.capability, (n,)),
            ("position", self.position, (n, k)),
            ("salience", self.salience, (n, k)),
            ("lo", self.lo, (k,)),
            ("hi", self.hi, (k,)),
            ("status_quo", self.status_quo, (k,)),
        ):
            if np.shape(arr) != shape:
                raise BargainingError(f"{name} has shape {np.shape(arr)}, expected {shape}")
            if not np.all(np.isfinite(arr)):
                raise BargainingError(f"{name} has a non-finite value")
        if n < 1 or k < 1:
            raise BargainingError("a negotiation needs at least one actor and one issue")
        if np.any(self.capability < 0) or not np.any(self.capability > 0):
            raise BargainingError("capabilities must be non-negative and not all zero")
        if np.any(self.salience < 0) or np.any(self.salience > 1):
            raise BargainingError("saliences must lie in [0, 1]")
        if np.any(self.hi <= self.lo):
            raise BargainingError("each issue needs lo < hi")
        if np.any(self.position < self.lo - 1e-12) or np.any(self.position > self.hi + 1e-12):
            raise BargainingError("a position lies outside its issue's scale")

    @property
    def n(self) -> int:
        return len(self.actors)

    @property
    def k(self) -> int:
        return len(self.issues)

    @classmethod
    def build(
        cls,
        actors: list[str] | tuple[str, ...],
        capability: Any,
        position: Any,
        salience: Any,
        *,
        issues: list[str] | tuple[str, ...] | None = None,
        lo: Any = None,
        hi: Any = None,
        status_quo: Any = None,
    ) -> BargainingInput:
        """Convenience constructor: 1-D inputs mean one issue; bounds default to the hull.

        Examples:
            >>> inp = BargainingInput.build(["A", "B"], [2, 1], [10, 40], [1.0, 0.5])
            >>> inp.n, inp.k, inp.lo.tolist(), inp.hi.tolist(), inp.status_quo.tolist()
            (2, 1, [10.0], [40.0], [10.0])
        """
        pos = np.asarray(position, dtype=np.float64)
        sal = np.asarray(salience, dtype=np.float64)
        if pos.ndim == 1:
            pos = pos[:, None]
        if sal.ndim == 1:
            sal = sal[:, None]
        k = pos.shape[1]
        iss = tuple(issues) if issues is not None else tuple(f"issue{j + 1}" for j in range(k))
        lo_a = np.broadcast_to(
            np.asarray(pos.min(axis=0) if lo is None else lo, dtype=np.float64), (k,)
        ).copy()
        hi_a = np.broadcast_to(
            np.asarray(pos.max(axis=0) if hi is None else hi, dtype=np.float64), (k,)
        ).copy()
        hi_a = np.where(hi_a > lo_a, hi_a, lo_a + 1.0)
        sq = np.broadcast_to(
            np.asarray(lo_a if status_quo is None else status_quo, dtype=np.float64), (k,)
        ).copy()
        return cls(
            actors=tuple(actors),
            issues=iss,
            capability=np.asarray(capability, dtype=np.float64),
            position=pos,
            salience=sal,
            lo=lo_a,
            hi=hi_a,
            status_quo=sq,
        )


@dataclass(frozen=True, eq=False)
class Forecast:
    """What a negotiation model predicts.

    Attributes:
        model: the model's registry name.
        actors, issues: as in the input.
        outcome: shape (k,), the predicted settlement of each issue.
        trajectory: shape (rounds + 1, n, k); row 0 is the input positions.
        outcome_trajectory: shape (rounds + 1, k); the model's forecast after each round.
        probabilities: shape (rounds + 1, n) or None: per round, the probability that each
            actor's current position is the outcome (models that have one, e.g. ``smp``).
        converged: whether the model's own stopping rule was met (not just a round cap).
        rounds: number of rounds played.
        stop_reason: one line saying why the model stopped.
        params: the parameters used, defaults filled in (JSON types).
        seed: the seed used.

    Examples:
        >>> from mlf.bargaining.simple import CompromiseModel
        >>> inp = BargainingInput.build(["A", "B"], [3, 1], [0, 100], [1.0, 1.0])
        >>> fc = CompromiseModel().run(inp, {}, seed=0)
        >>> fc.to_dict()["outcome"], fc.rounds, fc.converged
        ([25.0], 0, True)
    """

    model: str
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    outcome: FloatArray
    trajectory: FloatArray
    outcome_trajectory: FloatArray
    probabilities: FloatArray | None
    converged: bool
    rounds: int
    stop_reason: str
    params: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form; floats are kept at full precision."""
        return {
            "model": self.model,
            "actors": list(self.actors),
            "issues": list(self.issues),
            "outcome": [float(x) for x in self.outcome],
            "trajectory": self.trajectory.tolist(),
            "outcome_trajectory": self.outcome_trajectory.tolist(),
            "probabilities": None if self.probabilities is None else self.probabilities.tolist(),
            "converged": self.converged,
            "rounds": self.rounds,
            "stop_reason": self.stop_reason,
            "params": dict(self.params),
            "seed": self.seed,
        }


class Model(Protocol):
    """A negotiation model: ``run(inp, params, seed)`` returns a :class:`Forecast`."""

    name: str
    citation: str
    #: parameter name -> default value
    defaults: Mapping[str, Any]
    #: True if the model negotiates all issues jointly (e.g. smp); else issue by issue.
    joint: bool

    def run(
        self,
        inp: BargainingInput,
        params: Mapping[str, Any],
        seed: int,
        progress: ProgressFn | None = None,
    ) -> Forecast: ...


def unit_capability(capability: Any, *, keep: tuple[float, float] | None = None) -> FloatArray:
    """Capabilities scaled by a power of two so that the largest lies in [0.5, 1).

    The weighted models here (``compromise``, ``median``, ``nash``, ``bdm``) depend on
    capabilities only through their ratios (weighted means and medians, Nash exponents,
    probabilities of success), so a common scale changes no forecast; but products such as
    capability x salience x distance overflow to inf (and then NaN) for capabilities near
    the float limit (1e308), and underflow for tiny ones. Multiplying by a power of two is
    exact in binary floating point: an input whose largest capability already lies in
    [0.5, 1) is unchanged bit for bit, and any other gives the same forecast up to rounding
    that does not grow with the magnitude.

    ``keep=(lo, hi)``: leave capabilities whose largest lies in [lo, hi] as they are. The
    ``smp`` uses KTAB's range of powers, [1e-8, 1e8] (KTAB ``smpread.cpp`` refuses a power of
    1e8 or more), because KTAB's absolute floors (a coalition strength of 1e-8, a gain of
    1e-5) make its results depend slightly on the scale, and its reference histories are
    reproduced on KTAB's own scale.

    An all-zero vector is returned as is (the input checks refuse it).

    Examples:
        Scaled by 1/4 (exactly); a vector already in range is unchanged:

        >>> unit_capability([3.0, 1.0]).tolist(), unit_capability([0.75, 0.25]).tolist()
        ([0.75, 0.25], [0.75, 0.25])
        >>> unit_capability([3.0, 1.0], keep=(1e-8, 1e8)).tolist()
        [3.0, 1.0]
    """
    cap = np.asarray(capability, dtype=np.float64)
    top = float(np.max(cap)) if cap.size else 0.0
    if not (top > 0.0 and np.isfinite(top)):
        return cap
    if keep is not None and keep[0] <= top <= keep[1]:
        return cap
    _, exp = np.frexp(top)
    return np.asarray(np.ldexp(cap, -int(exp)), dtype=np.float64) if exp else cap


def check_params(model: Model, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Fill in defaults and reject unknown parameter names (one-line error).

    Examples:
        >>> from mlf.bargaining.simple import NashModel
        >>> check_params(NashModel(), None), check_params(NashModel(), {"power": 1.5})
        ({'power': 2.0}, {'power': 1.5})
        >>> check_params(NashModel(), {"rounds": 5})
        Traceback (most recent call last):
        ...
        mlf.errors.BargainingError: model 'nash' has no parameter rounds (known: power)
    """
    given = dict(params or {})
    unknown = sorted(set(given) - set(model.defaults))
    if unknown:
        known = ", ".join(sorted(model.defaults)) or "none"
        raise BargainingError(
            f"model {model.name!r} has no parameter {', '.join(unknown)} (known: {known})"
        )
    return {**dict(model.defaults), **given}
