"""Draws: the scenario's uncertain inputs, sampled from one seed, applied to a scenario.

Every number in a scenario may carry an uncertainty range ``[min, mode, max]`` with a
distribution (``triangular``, the default, or ``uniform``): the actors' quantities (capability,
GDP, defence budget, contribution, saliences, outside options, support, domestic ratifiers'
reservations; see :func:`mlf.scenario.iter_quantities`), numeric positions
(``Position.range``) and domestic ratifiers' saliences and numeric positions. A draw gives each
uncertain input one value; the scenario with those values is then run through the whole path.

Sampling is by inverse transform: a point ``u`` in the unit cube (plain pseudo-random numbers
from a :class:`numpy.random.Generator`, or a Latin hypercube design [2]_) is mapped through each
input's inverse CDF [1]_. Draws come in fixed chunks (``chunk_size`` draws each); chunk ``c``
uses the child seed ``SeedSequence(seed, spawn_key=(c,))`` (what ``SeedSequence(seed).spawn``
gives as its ``c``-th child), so a chunk's draws depend only on the seed and the chunk index,
never on how many workers run them.

An input with its own ``stream`` (the ratifiers' saliences and positions) is not a column of
the chunk's shared matrix: its values come from its own child seed
``child_sequence(seed, "input", stream, chunk)`` (Latin hypercube: a one-dimensional stratified
column from ``child_sequence(seed, "input", stream, "lhs")``), named by its stable path. So
adding such inputs leaves every other input's draws exactly as they were, and each one's draws
depend only on the seed, its path and the chunk.

References
----------
.. [1] Devroye, L. (1986). *Non-Uniform Random Variate Generation*. Springer, ch. II.2
   (inversion method).
.. [2] McKay, M. D., Beckman, R. J. and Conover, W. J. (1979). "A comparison of three methods
   for selecting values of input variables in the analysis of output from a computer code".
   *Technometrics* 21(2): 239-245.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from mlf._modelcopy import copied, copied_one
from mlf.errors import MlfError, UsageError
from mlf.scenario import Actor, Position, Quantity, Ratifier, Scenario
from mlf.seeds import child_sequence

FloatArray = NDArray[np.float64]
Sampling = Literal["random", "lhs"]
SAMPLINGS: tuple[str, ...] = ("random", "lhs")

_QUANTITY_FIELDS = ("capability", "gdp", "defence_budget", "contribution")


class SensitivityError(MlfError):
    """A sweep that cannot run as asked (e.g. a scenario without uncertainty), exit code 1."""


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain number of a scenario.

    ``path`` is the dotted path shown to users (``actors.FRG.positions.force_size.position``);
    ``target`` locates the number without parsing the path (ids may contain dots):
    ``(actor, field, key, sub)`` with ``field`` one of capability, gdp, defence_budget,
    contribution, positions, outside_option, support, ratifiers; ``key`` the issue,
    alternative or ratifier id and ``sub`` ``"salience"`` or ``"position"`` for positions,
    ``"reservation"`` for a ratifier, ``"salience:ISSUE"`` or ``"position:ISSUE"`` for a
    ratifier's position (a colon never occurs in an id).
    For a utility weight ``(actor, "weights", "voice" | "cost", None)``.

    ``origin`` says where the range comes from: ``"range"`` (written in the scenario) or
    ``"default"`` (the confidence rule of :mod:`mlf.uncertainty.ranges`); ``confidence`` is the
    code the rule used (``A``-``D``, ``estimate``) and ``sources`` the number's source keys.
    ``stream``: None for a column of the shared matrix; otherwise the stable name of the
    input's own random stream (module docstring).

    Examples:
        >>> x = UncertainInput("actors.A.capability", "quantity", 0.2, 0.3, 0.5, "triangular",
        ...                    ("A", "capability", None, None))
        >>> x.to_dict()["min"], x.to_dict()["origin"]
        (0.2, 'range')
    """

    path: str
    kind: Literal["quantity", "position", "weight"]
    min: float
    mode: float
    max: float
    dist: Literal["triangular", "uniform"]
    target: tuple[str, str, str | None, str | None]
    origin: Literal["range", "default"] = "range"
    confidence: str | None = None
    sources: tuple[str, ...] = ()
    stream: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "path": self.path,
            "kind": self.kind,
            "min": self.min,
            "mode": self.mode,
            "max": self.max,
            "dist": self.dist,
            "origin": self.origin,
            "confidence": self.confidence,
            "sources": list(self.sources),
        }
        if self.stream is not None:
            out["stream"] = self.stream
        return out


def _from_quantity(
    path: str, q: Quantity, target: tuple[str, str, str | None, str | None]
) -> UncertainInput | None:
    if q.range is None or q.range[0] == q.range[2]:
        return None
    lo, mode, hi = q.range
    return UncertainInput(path, "quantity", lo, mode, hi, q.dist, target)


def collect_inputs(sc: Scenario) -> tuple[UncertainInput, ...]:
    """Every uncertain input of the scenario, in file order.

    Ranges of zero width (``min == max``) are constants, not uncertainty, and are left out.
    The paths of quantities are those of :func:`mlf.scenario.iter_quantities`.

    Examples:
        The built-in scenario's written ranges (the default ranges of
        :mod:`mlf.uncertainty.ranges` come on top of these):

        >>> from mlf.scenario import load_scenario
        >>> xs = collect_inputs(load_scenario("mlf-1963").scenario)
        >>> xs[0].path, (xs[0].min, xs[0].mode, xs[0].max), xs[0].dist
        ('actors.USA.capability', (0.22, 0.32, 0.65), 'triangular')
    """
    found: list[UncertainInput] = []

    def add(x: UncertainInput | None) -> None:
        if x is not None:
            found.append(x)

    for aid, actor in sc.actors.items():
        for name in _QUANTITY_FIELDS:
            q = getattr(actor, name)
            if q is not None:
                add(_from_quantity(f"actors.{aid}.{name}", q, (aid, name, None, None)))
        for iid, pos in actor.positions.items():
            base = f"actors.{aid}.positions.{iid}"
            add(
                _from_quantity(
                    f"{base}.salience", pos.salience, (aid, "positions", iid, "salience")
                )
            )
            if pos.range is not None and pos.range[0] != pos.range[2]:
                lo, mode, hi = pos.range
                add(
                    UncertainInput(
                        f"{base}.position", "position", lo, mode, hi, pos.dist,
                        (aid, "positions", iid, "position"),
                    )
                )
        for kind in ("outside_option", "support"):
            table: dict[str, Quantity] = getattr(actor, kind)
            for alt, q in table.items():
                add(_from_quantity(f"actors.{aid}.{kind}.{alt}", q, (aid, kind, alt, None)))
        for rid, rat in actor.ratifiers.items():
            path = f"actors.{aid}.ratifiers.{rid}.reservation"
            add(_from_quantity(path, rat.reservation, (aid, "ratifiers", rid, "reservation")))
            for iid, pos in rat.positions.items():
                base = f"actors.{aid}.ratifiers.{rid}.positions.{iid}"
                sal = _from_quantity(
                    f"{base}.salience", pos.salience, (aid, "ratifiers", rid, f"salience:{iid}")
                )
                if sal is not None:
                    add(replace(sal, stream=sal.path))
                if pos.range is not None and pos.range[0] != pos.range[2]:
                    lo, mode, hi = pos.range
                    add(
                        UncertainInput(
                            f"{base}.position", "position", lo, mode, hi, pos.dist,
                            (aid, "ratifiers", rid, f"position:{iid}"),
                            stream=f"{base}.position",
                        )
                    )
    return tuple(found)


# --------------------------------------------------------------------------- sampling


def inverse_cdf(inputs: Sequence[UncertainInput], u: FloatArray) -> FloatArray:
    """Map points ``u`` of the unit cube (rows = draws, columns = inputs) to input values.

    Uniform on ``[a, b]``: ``a + u (b - a)``. Triangular ``(a, c, b)`` with
    ``F_c = (c - a) / (b - a)``: ``a + sqrt(u (b - a)(c - a))`` for ``u < F_c``, else
    ``b - sqrt((1 - u)(b - a)(b - c))`` (inversion, Devroye 1986, II.2).

    Examples:
        A triangular ``(0, 0.5, 1)`` and a uniform ``[10, 20]``: the median maps to the mode
        and the middle; ``u = 1/8`` maps to ``sqrt(1/8 * 1/2) = 1/4`` on the triangle:

        >>> tri = UncertainInput("a", "quantity", 0.0, 0.5, 1.0, "triangular",
        ...                      ("A", "capability", None, None))
        >>> uni = UncertainInput("b", "quantity", 10.0, 15.0, 20.0, "uniform",
        ...                      ("A", "gdp", None, None))
        >>> inverse_cdf([tri, uni], np.array([[0.5, 0.5], [0.125, 0.25], [0.0, 1.0]])).tolist()
        [[0.5, 15.0], [0.25, 12.5], [0.0, 20.0]]
    """
    u = np.asarray(u, dtype=np.float64)
    if u.ndim != 2 or u.shape[1] != len(inputs):
        raise ValueError(f"u must have shape (draws, {len(inputs)}), got {u.shape}")
    lo = np.array([x.min for x in inputs], dtype=np.float64)
    mode = np.array([x.mode for x in inputs], dtype=np.float64)
    hi = np.array([x.max for x in inputs], dtype=np.float64)
    width = hi - lo
    tri = np.array([x.dist == "triangular" for x in inputs], dtype=bool)
    out = lo + u * width
    if tri.any():
        fc = np.divide(mode - lo, width, out=np.zeros_like(width), where=width > 0)
        left = lo + np.sqrt(u * width * (mode - lo))
        right = hi - np.sqrt((1.0 - u) * width * (hi - mode))
        t = np.where(u < fc, left, right)
        out = np.where(tri, t, out)
    return np.clip(out, lo, hi)


def chunk_bounds(draws: int, chunk_size: int) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` of every chunk: fixed by ``draws`` and ``chunk_size`` only.

    Examples:
        >>> chunk_bounds(10, 4)
        [(0, 4), (4, 8), (8, 10)]
    """
    if draws <= 0:
        raise UsageError(f"draws must be positive, got {draws}")
    if chunk_size <= 0:
        raise UsageError(f"chunk size must be positive, got {chunk_size}")
    return [(s, min(s + chunk_size, draws)) for s in range(0, draws, chunk_size)]


def chunk_generator(seed: int, chunk: int) -> np.random.Generator:
    """The Generator of chunk ``chunk``: the ``chunk``-th child of ``SeedSequence(seed)``.

    Examples:
        The same seed and chunk give the same stream, whichever worker asks:

        >>> chunk_generator(7, 1).random(2).tolist() == chunk_generator(7, 1).random(2).tolist()
        True
        >>> chunk_generator(7, 0).random() == chunk_generator(7, 1).random()
        False
    """
    return np.random.Generator(np.random.PCG64(child_sequence(seed, chunk)))


def design_width(inputs: Sequence[UncertainInput]) -> int:
    """How many of ``inputs`` are columns of the shared matrix (the width of
    :func:`lhs_design`): those without a ``stream`` of their own.

    Examples:
        >>> x = UncertainInput("a", "quantity", 0.0, 0.5, 1.0, "triangular",
        ...                    ("A", "capability", None, None))
        >>> design_width([x, x]), design_width([x, replace(x, stream="a")])
        (2, 1)
    """
    return sum(1 for x in inputs if x.stream is None)


def _stream_column(
    x: UncertainInput, seed: int, chunk: int, start: int, stop: int, total: int | None
) -> FloatArray:
    """Uniforms of draws ``start..stop-1`` of an input with its own stream (module docstring):
    plain (``total`` None) or one stratified Latin-hypercube column over ``total`` draws."""
    assert x.stream is not None
    if total is None:
        gen = np.random.Generator(np.random.PCG64(child_sequence(seed, "input", x.stream, chunk)))
        return gen.random(stop - start)
    gen = np.random.Generator(np.random.PCG64(child_sequence(seed, "input", x.stream, "lhs")))
    col = (gen.permutation(total) + gen.random(total)) / total
    return np.asarray(col[start:stop], dtype=np.float64)


def lhs_design(n_inputs: int, draws: int, seed: int) -> FloatArray:
    """A Latin hypercube design in the unit cube, ``draws x n_inputs`` (McKay et al. 1979).

    The design is stratified over all ``draws`` at once, so it is generated whole (8 bytes per
    draw and input) and sliced into chunks.

    Examples:
        Four draws of two inputs: each column has exactly one point in each quarter:

        >>> d = lhs_design(2, 4, seed=1)
        >>> d.shape, np.sort(np.floor(d * 4), axis=0).tolist()
        ((4, 2), [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    """
    from scipy.stats import qmc

    rng = np.random.Generator(np.random.PCG64(child_sequence(seed, 2**31)))
    sampler = qmc.LatinHypercube(d=n_inputs, rng=rng)
    return np.asarray(sampler.random(draws), dtype=np.float64)


def sample_chunk(
    inputs: Sequence[UncertainInput],
    seed: int,
    chunk: int,
    start: int,
    stop: int,
    *,
    sampling: str = "random",
    design: FloatArray | None = None,
) -> FloatArray:
    """Values of the draws ``start..stop-1`` (chunk ``chunk``): shape ``(stop - start, inputs)``.

    ``random``: uniforms from :func:`chunk_generator`. ``lhs``: rows ``start:stop`` of
    ``design`` (from :func:`lhs_design` with :func:`design_width` columns). An input with its
    own ``stream`` takes its uniforms from that stream instead (module docstring). All go
    through :func:`inverse_cdf`.

    Examples:
        Three draws of two inputs; each value lies in its input's range, and a chunk's draws
        depend only on the seed and the chunk:

        >>> tri = UncertainInput("a", "quantity", 0.0, 0.5, 1.0, "triangular",
        ...                      ("A", "capability", None, None))
        >>> uni = UncertainInput("b", "quantity", 10.0, 15.0, 20.0, "uniform",
        ...                      ("A", "gdp", None, None))
        >>> vals = sample_chunk([tri, uni], 7, 0, 0, 3)
        >>> vals.round(4).tolist()
        [[0.6821, 10.5309], [0.548, 18.6883], [0.6321, 11.6916]]
        >>> bool((sample_chunk([tri, uni], 7, 0, 0, 3) == vals).all())
        True
    """
    shared = [j for j, x in enumerate(inputs) if x.stream is None]
    total: int | None = None
    if sampling == "random":
        u_shared = chunk_generator(seed, chunk).random((stop - start, len(shared)))
    elif sampling == "lhs":
        if design is None:
            raise ValueError("lhs sampling needs the design (lhs_design)")
        if design.shape[1] != len(shared):
            raise ValueError(
                f"the design has {design.shape[1]} columns, the inputs {len(shared)} shared "
                "ones (lhs_design(design_width(inputs), ...))"
            )
        u_shared = design[start:stop]
        total = design.shape[0]
    else:
        raise UsageError(f"unknown sampling {sampling!r} (known: {', '.join(SAMPLINGS)})")
    if len(shared) == len(inputs):
        return inverse_cdf(inputs, u_shared)
    u = np.empty((stop - start, len(inputs)), dtype=np.float64)
    u[:, shared] = u_shared
    for j, x in enumerate(inputs):
        if x.stream is not None:
            u[:, j] = _stream_column(x, seed, chunk, start, stop, total)
    return inverse_cdf(inputs, u)


def sample_models(models: Mapping[str, float], seed: int, chunk: int, n: int) -> list[str]:
    """The model of each of chunk ``chunk``'s ``n`` draws (``mlf sweep --models``).

    Each draw's model is drawn independently with probability proportional to its weight
    (inversion on the cumulative weights), from its own stream: the child seed
    ``child_sequence(seed, "models", chunk)``, apart from the stream of the inputs' values,
    so that adding a model draw leaves every input's draws as they were, and a chunk's models
    depend only on the seed and the chunk index.

    Examples:
        Eight draws with smp three times as likely as nash:

        >>> sample_models({"smp": 3, "nash": 1}, 7, 0, 8)
        ['nash', 'nash', 'nash', 'nash', 'smp', 'nash', 'smp', 'smp']
    """
    names = list(models)
    weights = np.array([float(models[m]) for m in names], dtype=np.float64)
    cum = np.cumsum(weights) / weights.sum()
    u = np.random.Generator(np.random.PCG64(child_sequence(seed, "models", chunk))).random(n)
    idx = np.minimum(np.searchsorted(cum, u, side="right"), len(names) - 1)
    return [names[int(i)] for i in idx]


# --------------------------------------------------------------------------- applying a draw


_Plan = list[tuple[str, list[tuple[int, str, str | None, str | None]]]]
_PLANS: dict[int, tuple[Sequence[UncertainInput], _Plan]] = {}


def _plan(inputs: Sequence[UncertainInput]) -> _Plan:
    """The inputs grouped by actor (actors in order of first appearance, each one's inputs in
    file order) as ``(column, field, key, sub)``: what :func:`apply_draw` walks each draw.
    A tuple of inputs (immutable) is cached by identity (one chunk's draws share it)."""
    cache = type(inputs) is tuple
    hit = _PLANS.get(id(inputs)) if cache else None
    if hit is not None and hit[0] is inputs:
        return hit[1]
    groups: dict[str, list[tuple[int, str, str | None, str | None]]] = {}
    for j, x in enumerate(inputs):
        aid, name, key, sub = x.target
        groups.setdefault(aid, []).append((j, name, key, sub))
    plan = list(groups.items())
    if cache:
        if len(_PLANS) >= 64:
            _PLANS.clear()
        _PLANS[id(inputs)] = (inputs, plan)
    return plan


def _set_value(q: Quantity, v: float) -> Quantity:
    return copied_one(q, "value", float(v))


def apply_draw(sc: Scenario, inputs: Sequence[UncertainInput], values: Sequence[float]) -> Scenario:
    """A copy of ``sc`` with each input set to its value; everything else is shared.

    Only the objects a draw changes are copied (the quantities set, the positions, ratifiers
    and tables holding them, their actors and the scenario; :func:`mlf._modelcopy.copied`,
    pydantic's shallow ``model_copy`` without re-validation: every value lies in its
    validated range), so a draw costs well under a millisecond.

    Examples:
        Two nations negotiate the size of a force; A's position has a range, the only
        uncertain input (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        A's position set to 90 in a copy; the original is untouched and B is shared, not
        copied:

        >>> x = collect_inputs(sc)[0]
        >>> drawn = apply_draw(sc, [x], [90.0])
        >>> x.path, [s.actors["A"].positions["size"].position for s in (drawn, sc)]
        ('actors.A.positions.size.position', [90.0, 80.0])
        >>> drawn.actors["B"] is sc.actors["B"]
        True
    """
    if len(values) != len(inputs):
        raise ValueError(f"{len(values)} values for {len(inputs)} inputs")
    vals = values.tolist() if isinstance(values, np.ndarray) else [float(v) for v in values]
    actors = dict(sc.actors)
    for aid, items in _plan(inputs):
        actor = sc.actors[aid]
        update: dict[str, Any] = {}
        positions: dict[str, Position] | None = None
        ratifiers: dict[str, Ratifier] | None = None
        tables: dict[str, dict[str, Quantity]] = {}
        for j, name, key, sub in items:
            v = float(vals[j])
            if name in _QUANTITY_FIELDS:
                q = getattr(actor, name)
                update[name] = _set_value(q, v)
            elif name == "weights":
                assert key is not None
                base = update.get("weights", actor.weights)
                update["weights"] = copied_one(base, key, v)
            elif name == "positions":
                assert key is not None
                if positions is None:
                    positions = dict(actor.positions)
                pos = positions[key]
                if sub == "salience":
                    pos = copied_one(pos, "salience", _set_value(pos.salience, v))
                else:
                    pos = copied_one(pos, "position", v)
                positions[key] = pos
            elif name == "ratifiers":
                assert key is not None
                if ratifiers is None:
                    ratifiers = dict(actor.ratifiers)
                rat = ratifiers[key]
                if sub == "reservation":
                    ratifiers[key] = copied_one(rat, "reservation", _set_value(rat.reservation, v))
                else:
                    assert sub is not None
                    what, iid = sub.split(":", 1)
                    rpos = dict(rat.positions)
                    pos = rpos[iid]
                    if what == "salience":
                        pos = copied_one(pos, "salience", _set_value(pos.salience, v))
                    else:
                        pos = copied_one(pos, "position", v)
                    rpos[iid] = pos
                    ratifiers[key] = copied_one(rat, "positions", rpos)
            else:
                assert key is not None
                table = tables.get(name)
                if table is None:
                    table = dict(getattr(actor, name))
                    tables[name] = table
                table[key] = _set_value(table[key], v)
        if positions is not None:
            update["positions"] = positions
        if ratifiers is not None:
            update["ratifiers"] = ratifiers
        update.update(tables)
        actors[aid] = copied(actor, update)
    return copied_one(sc, "actors", actors)


def current_values(sc: Scenario, inputs: Sequence[UncertainInput]) -> list[float]:
    """The scenario's own values of the inputs (what the point run uses).

    Examples:
        Two nations negotiate the size of a force; A's position has a range, the only
        uncertain input (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> xs = collect_inputs(sc)
        >>> current_values(sc, xs), current_values(apply_draw(sc, xs, [90.0]), xs)
        ([80.0], [90.0])
    """
    out: list[float] = []
    for x in inputs:
        aid, name, key, sub = x.target
        actor: Actor = sc.actors[aid]
        if name in _QUANTITY_FIELDS:
            out.append(getattr(actor, name).value)
        elif name == "weights":
            assert key is not None
            out.append(float(getattr(actor.weights, key)))
        elif name == "positions":
            assert key is not None
            pos = actor.positions[key]
            out.append(pos.salience.value if sub == "salience" else float(pos.position))
        elif name == "ratifiers":
            assert key is not None and sub is not None
            rat = actor.ratifiers[key]
            if sub == "reservation":
                out.append(rat.reservation.value)
            else:
                what, iid = sub.split(":", 1)
                rp = rat.positions[iid]
                out.append(rp.salience.value if what == "salience" else float(rp.position))
        else:
            assert key is not None
            out.append(getattr(actor, name)[key].value)
    return out
