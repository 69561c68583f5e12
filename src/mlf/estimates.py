"""Estimates from coded, dated stances: the written rule behind every estimated number.

A built-in scenario may only hold numbers that are sourced (dated on or before the scenario's
date) or estimated by a rule. This module is that rule. Each actor carries coded stances
(``stances`` in the YAML: a ``code`` such as ``supports`` or ``opposed``, with the ``sources``
and ``date`` of the statement that codes it), and the tables below turn codes into numbers:

* per alternative, the stance code gives the actor's **support** (in [0, 1]) and its
  **outside option** as a fraction of the most it can gain by joining
  (``w.policy + w.voice``: policy satisfaction and voice both lie in [0, 1]);
* the ``voice`` stance (how the actor spoke about a share in nuclear control) gives the voice
  weight; the ``cost`` stance (how it spoke about paying) gives the cost weight; the policy
  weight is 1 for everyone (it is the unit of the utility scale);
* per issue, the stance on the actor's position gives the **salience** of that position; an
  actor with no dated statement on an issue has no position on it (no statement, no position);
* per domestic ratifier (``ratifiers:`` of an actor), the stance on ratifying gives its
  **reservation** (:data:`RATIFIER_CODES`) and the stance on each of its positions the
  **salience**, as for actors;
* the **contributions** that no source gives share what the sourced ones leave of 100, in
  proportion to GDP times an ability factor from the cost stance.

Uncertainty ranges follow from the value by fixed widths (:func:`support_range` ...). Nothing
here looks at what happened after the scenario's date: a code comes only from a statement dated
on or before it, and ``mlf check`` flags a stance or source dated later.

The numbers of the tables are modelling choices (ordinal codes mapped to evenly spread levels),
documented in docs/scenarios/estimates.md; they are not calibrated to any outcome.

:func:`derive` returns every number the rule gives for a scenario; :func:`differences` lists
where the scenario's YAML holds a different number (the test of the built-ins).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: mlf.scenario imports the code tables from here
    from mlf.scenario import Scenario

NO_STATEMENT = "no_statement"
"""The code of a topic on which no dated statement was found (needs no source)."""

ALTERNATIVE_CODES: Mapping[str, tuple[float, float]] = {
    # code: (support, outside option as a fraction of w.policy + w.voice)
    "leads": (0.95, 0.2),  # proposed it, or leads the talks on it
    "supports": (0.8, 0.3),  # a dated statement of intent to take part
    "favourable": (0.65, 0.4),  # welcomes it, without committing
    NO_STATEMENT: (0.5, 0.5),  # nothing on record by the scenario's date: the midpoint
    "reluctant": (0.35, 0.6),  # sceptical, doubts, conditions
    "opposed": (0.2, 0.7),  # against it
    "rejects": (0.05, 1.1),  # rules it out: more than joining can ever give
}
"""Stance on an alternative -> (support, outside-option fraction): evenly spaced levels around
the midpoint 0.5 for "no statement"; "rejects" lies above the most joining can give."""

VOICE_CODES: Mapping[str, float] = {
    "demands": 1.0,  # insists on an equal share, or on keeping its veto
    "wants": 0.75,  # seeks a share in control
    NO_STATEMENT: 0.5,
    "content": 0.5,  # not dissatisfied without a share
    "opposes": 0.25,  # opposed to any share in control
}
"""Stance on a share in nuclear control -> voice weight (steps of 0.25)."""

COST_CODES: Mapping[str, tuple[float, float]] = {
    # code: (cost weight, ability factor for an unsourced contribution)
    "pledges": (5.0, 1.0),  # offered a large share
    NO_STATEMENT: (10.0, 1.0),
    "limited": (15.0, 1.0),  # only within existing budgets, or the cost is a stated objection
    "cannot_pay": (20.0, 0.25),  # said it cannot contribute (much) money
}
"""Stance on paying -> (cost weight in steps of 5, ability factor)."""

POSITION_CODES: Mapping[str, float] = {
    "essential": 0.8,  # the source calls it essential, or the actor insists on it
    "stated": 0.6,  # a dated statement of the position
    "inferred": 0.4,  # inferred from a dated statement on a related point (the note says how)
}
"""Stance on the actor's position on an issue -> salience (steps of 0.2)."""

RATIFIER_CODES: Mapping[str, float] = {
    "assured": 0.2,  # approval said to be easy, or bipartisan
    "favourable": 0.35,  # welcomes it, without committing
    NO_STATEMENT: 0.5,  # nothing on record by the scenario's date: the midpoint
    "wary": 0.65,  # doubts, conditions, a thin majority
    "hostile": 0.8,  # opposed, or a majority against on record
}
"""A domestic ratifier's stance on ratifying -> its reservation (the policy satisfaction in
[0, 1] the terms must give it), evenly spaced in steps of 0.15 around 0.5 for "no
statement"; its saliences follow :data:`POSITION_CODES` as an actor's do."""

OBSERVER_WEIGHTS = (1.0, 0.0, 0.0)
"""(policy, voice, cost) of an actor invited to no alternative: it never joins or pays."""

CONTRIBUTION_TOTAL = 100.0
"""Contributions are percentages of the whole force's cost."""

DIGITS = 3
"""Every derived number is rounded to this many decimals (so the YAML can hold it exactly)."""


def _r(x: float) -> float:
    return round(x + 0.0, DIGITS)


def support_range(v: float) -> tuple[float, float, float]:
    """Support +- 0.2, clipped to [0, 1].

    Examples:
        >>> support_range(0.8), support_range(0.95)
        ((0.6, 0.8, 1.0), (0.75, 0.95, 1.0))
    """
    return (_r(max(0.0, v - 0.2)), _r(v), _r(min(1.0, v + 0.2)))


def outside_range(v: float) -> tuple[float, float, float]:
    """Outside option +- 25%.

    Examples:
        >>> outside_range(0.6)
        (0.45, 0.6, 0.75)
    """
    return (_r(0.75 * v), _r(v), _r(1.25 * v))


def salience_range(v: float) -> tuple[float, float, float]:
    """Salience +- 0.2, clipped to [0, 1].

    Examples:
        >>> salience_range(POSITION_CODES["essential"])
        (0.6, 0.8, 1.0)
    """
    return (_r(max(0.0, v - 0.2)), _r(v), _r(min(1.0, v + 0.2)))


def reservation_range(v: float) -> tuple[float, float, float]:
    """A ratifier's reservation +- 0.15 (one step of the code table), clipped to [0, 1].

    Examples:
        >>> reservation_range(RATIFIER_CODES["assured"])
        (0.05, 0.2, 0.35)
    """
    return (_r(max(0.0, v - 0.15)), _r(v), _r(min(1.0, v + 0.15)))


def contribution_range(v: float) -> tuple[float, float, float]:
    """An estimated contribution: half to one and a half times the value.

    Examples:
        >>> contribution_range(10.0)
        (5.0, 10.0, 15.0)
    """
    return (_r(0.5 * v), _r(v), _r(1.5 * v))


@dataclass(frozen=True)
class Derived:
    """One number the rule gives, at a dotted field path of the scenario."""

    path: str
    value: float | tuple[float, float, float]
    why: str


def _code(stance: object | None) -> str:
    return NO_STATEMENT if stance is None else str(getattr(stance, "code", NO_STATEMENT))


def derive(sc: Scenario) -> list[Derived]:
    """Every number the rule gives for ``sc``, in actor order.

    Weights, outside options (for the alternatives the actor is invited to), support (for
    every alternative, unless the actor is invited to none: an observer), saliences of the
    positions the actor holds, and the contributions marked as estimates.

    Examples:
        Germany demands a share in control and supports the fleet (a statement dated before
        the scenario); the United States has no coded statement
        (:func:`mlf.examples.coded_stances`):

        >>> from mlf import examples
        >>> scenario = examples.coded_stances()
        >>> for d in derive(scenario)[:5]:
        ...     print(d.path, d.value, d.why)
        actors.DE.weights.policy 1.0 voice stance demands, cost stance no_statement
        actors.DE.weights.voice 1.0 voice stance demands, cost stance no_statement
        actors.DE.weights.cost 10.0 voice stance demands, cost stance no_statement
        actors.DE.support.fleet (0.6, 0.8, 1.0) supports
        actors.DE.outside_option.fleet (0.45, 0.6, 0.75) supports
    """
    out: list[Derived] = []
    invited_to = {
        a: [k for k, alt in sc.alternatives.items() if a in alt.invited] for a in sc.actors
    }
    for aid, actor in sc.actors.items():
        base = f"actors.{aid}"
        st = actor.stances
        observer = not invited_to[aid]
        if observer:
            wp, wv, wc = OBSERVER_WEIGHTS
            why = "invited to no alternative (an observer)"
        else:
            vcode, ccode = _code(st.voice), _code(st.cost)
            wp, wv, wc = 1.0, VOICE_CODES[vcode], COST_CODES[ccode][0]
            why = f"voice stance {vcode}, cost stance {ccode}"
        out.append(Derived(f"{base}.weights.policy", wp, why))
        out.append(Derived(f"{base}.weights.voice", wv, why))
        out.append(Derived(f"{base}.weights.cost", wc, why))
        for alt_id in [] if observer else sc.alternatives:
            code = _code(st.alternatives.get(alt_id))
            support, frac = ALTERNATIVE_CODES[code]
            out.append(Derived(f"{base}.support.{alt_id}", support_range(support), code))
            if alt_id in invited_to[aid]:
                oo = _r(frac * (wp + wv))
                out.append(Derived(f"{base}.outside_option.{alt_id}", outside_range(oo), code))
        for iid, pos in actor.positions.items():
            code = _code(pos.stance)
            if code not in POSITION_CODES:
                out.append(Derived(f"{base}.positions.{iid}", float("nan"), "no statement"))
                continue
            sal = POSITION_CODES[code]
            out.append(Derived(f"{base}.positions.{iid}.salience", salience_range(sal), code))
        for rid, rat in actor.ratifiers.items():
            rbase = f"{base}.ratifiers.{rid}"
            code = _code(rat.stance)
            res = RATIFIER_CODES.get(code, float("nan"))
            out.append(Derived(f"{rbase}.reservation", reservation_range(res), code))
            for iid, pos in rat.positions.items():
                code = _code(pos.stance)
                if code not in POSITION_CODES:
                    out.append(Derived(f"{rbase}.positions.{iid}", float("nan"), "no statement"))
                    continue
                rsal = salience_range(POSITION_CODES[code])
                out.append(Derived(f"{rbase}.positions.{iid}.salience", rsal, code))
    out.extend(_contributions(sc))
    return out


def _contributions(sc: Scenario) -> list[Derived]:
    """Unsourced contributions share ``100 - sum(sourced)`` by GDP x ability factor."""
    sourced = 0.0
    rest: dict[str, float] = {}
    for aid, actor in sc.actors.items():
        q = actor.contribution
        if q is None:
            continue
        if not q.estimate:
            sourced += q.value
            continue
        gdp = actor.gdp.value if actor.gdp is not None else 0.0
        rest[aid] = gdp * COST_CODES[_code(actor.stances.cost)][1]
    left = max(0.0, CONTRIBUTION_TOTAL - sourced)
    total = sum(rest.values())
    out: list[Derived] = []
    for aid, w in rest.items():
        v = _r(left * w / total) if total > 0 else 0.0
        why = f"{left:g} left by the sourced contributions, by GDP x ability"
        out.append(Derived(f"actors.{aid}.contribution", contribution_range(v), why))
    return out


def _held(sc: Scenario, path: str) -> float | tuple[float, float, float] | None:
    """The number the scenario holds at ``path`` (a value, or a (min, value, max) triple)."""
    parts = path.split(".")
    actor = sc.actors[parts[1]]
    kind = parts[2]
    if kind == "ratifiers":
        rat = actor.ratifiers[parts[3]]
        if parts[4] == "reservation":
            rq = rat.reservation
        else:
            rpos = rat.positions.get(parts[5])
            if rpos is None:
                return None
            if len(parts) == 6:
                return float("nan")
            rq = rpos.salience
        lo, _, hi = rq.range if rq.range is not None else (rq.value, rq.value, rq.value)
        return (lo, rq.value, hi)
    if kind == "weights":
        return float(getattr(actor.weights, parts[3]))
    if kind in ("support", "outside_option"):
        q = getattr(actor, kind).get(parts[3])
    elif kind == "contribution":
        q = actor.contribution
    elif kind == "positions":
        pos = actor.positions.get(parts[3])
        if pos is None:
            return None
        if len(parts) == 4:
            return float("nan")  # a position with no coded statement: held at all is wrong
        q = pos.salience
    else:  # pragma: no cover - derive() makes no other paths
        raise KeyError(path)
    if q is None:
        return None
    lo, _, hi = q.range if q.range is not None else (q.value, q.value, q.value)
    return (lo, q.value, hi)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9


def differences(sc: Scenario) -> list[str]:
    """Where the scenario's numbers differ from the rule: one line each (empty: all agree).

    Also lists outside options held for alternatives the actor is not invited to, and numbers
    the rule expects but the scenario lacks.

    Examples:
        Germany's numbers follow its coded stances; the United States' default weights and
        missing support do not follow the rule for an actor with no statement
        (:func:`mlf.examples.coded_stances`):

        >>> from mlf import examples
        >>> scenario = examples.coded_stances()
        >>> for line in differences(scenario):
        ...     print(line.split(" (")[0])
        actors.US.weights.voice: holds 1, the rule gives 0.5
        actors.US.weights.cost: holds 1, the rule gives 10
        actors.US.support.fleet: missing; the rule gives 0.5 [0.3, 0.5, 0.7]
        actors.US.outside_option.fleet: missing; the rule gives 0.75 [0.562, 0.75, 0.938]
    """
    out: list[str] = []
    expected = derive(sc)
    for d in expected:
        held = _held(sc, d.path)
        if isinstance(d.value, float) and d.value != d.value:  # NaN: a position with no stance
            out.append(f"{d.path}: a position with no coded stance (no statement, no position)")
            continue
        if held is None:
            out.append(f"{d.path}: missing; the rule gives {_show(d.value)} ({d.why})")
            continue
        if isinstance(d.value, tuple):
            assert isinstance(held, tuple)
            if not all(_same(x, y) for x, y in zip(held, d.value, strict=True)):
                out.append(
                    f"{d.path}: holds {_show(held)}, the rule gives {_show(d.value)} ({d.why})"
                )
        else:
            assert isinstance(held, float)
            if not _same(held, d.value):
                out.append(f"{d.path}: holds {held:g}, the rule gives {d.value:g} ({d.why})")
    wanted = {d.path for d in expected}
    for aid, actor in sc.actors.items():
        for alt_id in actor.outside_option:
            path = f"actors.{aid}.outside_option.{alt_id}"
            if path not in wanted:
                out.append(f"{path}: held, but {aid} is not invited to {alt_id}")
    return out


def _show(v: float | tuple[float, float, float]) -> str:
    if isinstance(v, tuple):
        return f"{v[1]:g} [{v[0]:g}, {v[1]:g}, {v[2]:g}]"
    return f"{v:g}"
