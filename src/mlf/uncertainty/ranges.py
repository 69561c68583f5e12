"""Default ranges: every estimate of a scenario gets an uncertainty range by a written rule.

A scenario may give any number an explicit ``range: [min, mode, max]``; such a range always
wins. Every other number the talks read gets a *default* range from its confidence, so that a
sweep varies every estimate, not only the numbers someone remembered to give a range:

=================================  ===========  ==========================================
what the number rests on           code         half-width of the default range
=================================  ===========  ==========================================
``estimate: true``, or no source   estimate     50% (:data:`HALF_WIDTH` ``["estimate"]``)
weakest source of confidence D     D            50%
weakest source of confidence C     C            30%
weakest source of confidence B     B            15%
weakest source of confidence A     A            5%
=================================  ===========  ==========================================

The code is that of the *weakest* source the number cites (a number is no surer than the least
sure source it rests on). The half-width is relative to the value for a quantity on a ratio
scale (capability, GDP, defence budget, contribution, salience, outside option, support, a
domestic ratifier's reservation, the voice and cost weights): ``[v - h|v|, v, v + h|v|]``;
for a numeric position it is relative to half the issue's scale (an interval scale, whose zero
is arbitrary): ``[v - h (hi - lo) / 2, v, v + h (hi - lo) / 2]``. Every range is then clipped
to the field's bounds (salience, support and a ratifier's reservation in [0, 1]; capability,
GDP, budget, contribution and weights at least 0; a position within its issue's scale). The
mode is the value itself and the distribution triangular, as for a written range without
``dist``. Why these numbers: docs/scenarios/uncertainty.md.

Not varied, and listed as such (:func:`not_varied`): a position given as an option id (a
category: "+-30%" has no meaning for it; give the actor a numeric position with a range to
vary it), the policy weight (it is the unit of the utility scale, 1 by definition, see
:mod:`mlf.estimates`), a value of zero on a ratio scale (a relative range of zero is zero), the
settings of issue options and alternatives (modelling choices of the scenario's structure, not
inputs of an actor). A domestic ratifier's reservation, saliences and numeric positions are
varied by the same rule as an actor's (a salience in [0, 1], a position within the scale; a
position given as an option id is not); its saliences and positions draw from their own random
streams named by their paths (:mod:`mlf.sensitivity.draws`), so adding them moved no other
input's draws. The support of each alternative is varied; it decides which alternatives are
analysed, never a decision inside one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from mlf.scenario import Position, Quantity, Scenario
from mlf.sensitivity.draws import UncertainInput

Confidence = Literal["A", "B", "C", "D", "estimate"]

HALF_WIDTH: dict[str, float] = {"A": 0.05, "B": 0.15, "C": 0.30, "D": 0.50, "estimate": 0.50}
"""Half-width of a default range, as a fraction of the value (of half the scale for a
position), by the confidence code of the number."""

_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}

_QUANTITY_FIELDS = ("capability", "gdp", "defence_budget", "contribution")

_UNIT_FIELDS = frozenset({"salience", "support"})
"""Fields bounded to [0, 1]."""


@dataclass(frozen=True)
class Fixed:
    """A number the sweep does not vary, and why."""

    path: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


def confidence_of(sc: Scenario, sources: Sequence[str], estimate: bool) -> Confidence:
    """The code the rule uses for a number: ``estimate`` if it is marked one or cites no
    source, else the weakest confidence among its sources (unknown keys count as D).

    Examples:
        In the built-in scenario F63-206 (the memorandum) is coded A and F63v5-225 B:

        >>> from mlf.scenario import load_scenario
        >>> sc = load_scenario("mlf-1963").scenario
        >>> confidence_of(sc, ["F63-206"], False)
        'A'
        >>> confidence_of(sc, ["F63-206", "F63v5-225"], False)
        'B'
        >>> confidence_of(sc, ["NO-SUCH-KEY"], False), confidence_of(sc, ["F63-206"], True)
        ('D', 'estimate')
    """
    if estimate or not sources:
        return "estimate"
    known = {s.key: s.confidence for s in sc.meta.sources}
    worst = max(sources, key=lambda k: _ORDER.get(known.get(k, "D"), 3))
    code = known.get(worst, "D")
    return code


def default_range(
    value: float,
    confidence: str,
    *,
    lo: float | None = None,
    hi: float | None = None,
    span: float | None = None,
) -> tuple[float, float, float]:
    """``(min, mode, max)`` of the default range of ``value`` under ``confidence``.

    ``span`` given: the half-width is ``HALF_WIDTH[confidence] * span / 2`` (a position on a
    scale of that span); otherwise ``HALF_WIDTH[confidence] * |value|``. The ends are clipped to
    ``[lo, hi]`` (either may be None: unbounded). The mode is ``value``.

    >>> default_range(0.6, "estimate", lo=0.0, hi=1.0)
    (0.3, 0.6, 0.9)
    >>> default_range(200.0, "B", lo=0.0, hi=400.0, span=400.0)
    (170.0, 200.0, 230.0)
    """
    h = HALF_WIDTH[confidence] * (span / 2.0 if span is not None else abs(value))
    a, b = value - h, value + h
    if lo is not None:
        a = max(a, lo)
    if hi is not None:
        b = min(b, hi)
    return (_tidy(a), value, _tidy(b))


def _tidy(x: float) -> float:
    """``x`` to 12 significant digits: 0.9, not 0.8999999999999999 (a range is a judgement,
    not a measurement; the last bits of a float sum carry nothing)."""
    return float(f"{x:.12g}")


def _quantity(
    sc: Scenario,
    path: str,
    q: Quantity,
    target: tuple[str, str, str | None, str | None],
    *,
    lo: float | None,
    hi: float | None,
) -> UncertainInput | Fixed:
    conf = confidence_of(sc, q.sources, q.estimate)
    if q.range is not None:
        a, m, b = q.range
        if a == b:
            return Fixed(path, "its written range has zero width")
        return UncertainInput(path, "quantity", a, m, b, q.dist, target, "range", conf,
                              tuple(q.sources))
    if q.value == 0.0:
        return Fixed(path, "zero: a relative range of zero is zero (write a range to vary it)")
    a, m, b = default_range(q.value, conf, lo=lo, hi=hi)
    if a == b:
        return Fixed(path, "its default range is clipped to zero width")
    return UncertainInput(path, "quantity", a, m, b, "triangular", target, "default", conf,
                          tuple(q.sources))


def _position(
    sc: Scenario,
    base: str,
    aid: str,
    iid: str,
    pos: Position,
    target: tuple[str, str, str | None, str | None] | None = None,
) -> UncertainInput | Fixed:
    path = f"{base}.position"
    target = (aid, "positions", iid, "position") if target is None else target
    conf = confidence_of(sc, pos.sources, pos.estimate)
    if isinstance(pos.position, str):
        return Fixed(path, "an option id (a category): not varied")
    if pos.range is not None:
        a, m, b = pos.range
        if a == b:
            return Fixed(path, "its written range has zero width")
        return UncertainInput(path, "position", a, m, b, pos.dist, target, "range", conf,
                              tuple(pos.sources))
    issue = sc.issues.get(iid)
    if issue is None or issue.scale is None:
        return Fixed(path, "no numeric scale to clip a range to")
    lo, hi = issue.scale.lo, issue.scale.hi
    a, m, b = default_range(float(pos.position), conf, lo=lo, hi=hi, span=hi - lo)
    if a == b:
        return Fixed(path, "its default range is clipped to zero width")
    return UncertainInput(path, "position", a, m, b, "triangular", target, "default", conf,
                          tuple(pos.sources))


def _walk(sc: Scenario) -> Iterator[UncertainInput | Fixed]:
    """Every number the rule looks at, in file order (the order of
    :func:`mlf.sensitivity.collect_inputs`, with the weights after each actor's quantities)."""
    invited = {a for alt in sc.alternatives.values() for a in alt.invited}
    for aid, actor in sc.actors.items():
        for name in _QUANTITY_FIELDS:
            q = getattr(actor, name)
            if q is not None:
                yield _quantity(sc, f"actors.{aid}.{name}", q, (aid, name, None, None),
                                lo=0.0, hi=None)
        for iid, pos in actor.positions.items():
            base = f"actors.{aid}.positions.{iid}"
            yield _quantity(sc, f"{base}.salience", pos.salience,
                            (aid, "positions", iid, "salience"), lo=0.0, hi=1.0)
            yield _position(sc, base, aid, iid, pos)
        for kind in ("outside_option", "support"):
            table: dict[str, Quantity] = getattr(actor, kind)
            for alt, q in table.items():
                bounds = (0.0, 1.0) if kind in _UNIT_FIELDS else (None, None)
                yield _quantity(sc, f"actors.{aid}.{kind}.{alt}", q, (aid, kind, alt, None),
                                lo=bounds[0], hi=bounds[1])
        for rid, rat in actor.ratifiers.items():
            yield _quantity(sc, f"actors.{aid}.ratifiers.{rid}.reservation", rat.reservation,
                            (aid, "ratifiers", rid, "reservation"), lo=0.0, hi=1.0)
            for iid, rpos in rat.positions.items():
                base = f"actors.{aid}.ratifiers.{rid}.positions.{iid}"
                for x in (
                    _quantity(sc, f"{base}.salience", rpos.salience,
                              (aid, "ratifiers", rid, f"salience:{iid}"), lo=0.0, hi=1.0),
                    _position(sc, base, aid, iid, rpos,
                              (aid, "ratifiers", rid, f"position:{iid}")),
                ):
                    yield replace(x, stream=x.path) if isinstance(x, UncertainInput) else x
        yield Fixed(f"actors.{aid}.weights.policy",
                    "the unit of the utility scale (1 by definition)")
        if aid not in invited:
            continue  # an observer's weights are (1, 0, 0) by the rule and move nothing
        for key in ("voice", "cost"):
            path = f"actors.{aid}.weights.{key}"
            v = float(getattr(actor.weights, key))
            if v == 0.0:
                yield Fixed(path, "zero: a relative range of zero is zero")
                continue
            a, m, b = default_range(v, "estimate", lo=0.0)
            yield UncertainInput(path, "weight", a, m, b, "triangular",
                                 (aid, "weights", key, None), "default", "estimate", ())


def sweep_inputs(sc: Scenario) -> tuple[UncertainInput, ...]:
    """Every input a sweep varies: written ranges, and default ranges for every other number
    (the rule above), in file order.

    Examples:
        The US capability has a written range; the US GDP, sourced to the World Bank (A),
        gets the default 5% either side:

        >>> from mlf.scenario import load_scenario
        >>> xs = sweep_inputs(load_scenario("mlf-1963").scenario)
        >>> for x in xs[:2]:
        ...     print(x.path, x.min, x.mode, x.max, x.origin)
        actors.USA.capability 0.22 0.32 0.65 range
        actors.USA.gdp 605.245 637.1 668.955 default
    """
    return tuple(x for x in _walk(sc) if isinstance(x, UncertainInput))


def not_varied(sc: Scenario) -> tuple[Fixed, ...]:
    """The actors' numbers a sweep leaves fixed, each with the reason.

    Examples:
        >>> from mlf.scenario import load_scenario
        >>> fixed = not_varied(load_scenario("mlf-1963").scenario)
        >>> fixed[0].path, fixed[0].reason
        ('actors.USA.positions.platform.position', 'an option id (a category): not varied')
        >>> for reason in sorted({f.reason for f in fixed}):
        ...     print(reason)
        an option id (a category): not varied
        the unit of the utility scale (1 by definition)
    """
    return tuple(x for x in _walk(sc) if isinstance(x, Fixed))
