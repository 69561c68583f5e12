"""One alternative through the whole path: table, talks, arrangement, participation.

The loop renegotiates among the members until the member set is a fixed point (or a cycle);
then the final status (:func:`final_status`) and, for an agreement only, the analysis: the
European test, power in the control game, costs, manning, guardrails.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mlf import guardrails
from mlf import ratification as ratif
from mlf.bargaining import MODELS, Forecast
from mlf.costs import (
    CostError,
)
from mlf.errors import GameError, MlfError
from mlf.guardrails import is_genuinely_european
from mlf.mechanics import model_mechanics
from mlf.participation import (
    MAX_ENUMERATE,
    ParticipationGame,
    ParticipationResult,
    Terms,
    decide,
    equilibria,
)
from mlf.power import power_indices
from mlf.scenario import (
    Alternative,
    ArrangementSettings,
    Scenario,
)
from mlf.seeds import SeedLike, child_seed, resolve_seed
from mlf.table import TableResult
from mlf.talks.arrangement import Arrangement, applied_terms, build_arrangement, voice_of
from mlf.talks.attendance import _budget, _outside, _table, is_force_alternative, pressure_on
from mlf.talks.errors import AnalysisError
from mlf.talks.negotiation import Agreed, Overrides, negotiate, open_issues_of
from mlf.talks.satisfaction import policy_satisfaction

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class TalksRound:
    """One pass of the loop: who negotiated, what they agreed, who then chose to join."""

    participants: tuple[str, ...]
    agreed: Mapping[str, Agreed]
    members: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "participants": list(self.participants),
            "agreed": {k: v.to_dict() for k, v in self.agreed.items()},
            "members": list(self.members),
        }


@dataclass(frozen=True)
class AlternativeOutcome:
    """Everything mlf found about one alternative."""

    id: str
    title: str
    support: float
    #: "agreement" | "no agreement" | "cycle" | "not analysed" | "does not count"
    #: | "signed, not ratified" (see mlf.ratification)
    status: str
    detail: str
    rounds: tuple[TalksRound, ...] = ()
    fixed_point: str = ""
    forecast: Forecast | None = None
    agreed: Mapping[str, Agreed] = field(default_factory=dict)
    arrangement: Arrangement | None = None
    participation: ParticipationResult | None = None
    power: Mapping[str, Any] | None = None
    european: Mapping[str, Any] | None = None
    manning: Mapping[str, Any] | None = None
    guardrails: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    table: TableResult | None = None
    #: where the negotiation model's own mechanics produced a term (see mlf.mechanics)
    mechanics: tuple[str, ...] = ()
    #: the ratification stage of a signed agreement (None: no member has ratifiers)
    ratification: ratif.Ratification | None = None

    @property
    def members(self) -> tuple[str, ...]:
        if self.arrangement is None or self.status != "agreement":
            return ()
        return self.arrangement.members

    def to_dict(self, sc: Scenario) -> dict[str, Any]:
        arr = self.arrangement
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "support": self.support,
            "status": self.status,
            "detail": self.detail,
            "members": list(self.members),
            "fixed_point": self.fixed_point,
            "rounds": [r.to_dict() for r in self.rounds],
            "agreed": {
                k: {**v.to_dict(), "title": sc.issues[k].title, "unit": sc.issues[k].unit}
                for k, v in self.agreed.items()
            },
            "table": None if self.table is None else self.table.to_dict(),
            "negotiation": None if self.forecast is None else _forecast_dict(sc, self.forecast),
            "participation": None if self.participation is None else self.participation.to_dict(),
            "mechanics": list(self.mechanics),
            "power": self.power,
            "european": self.european,
            "manning": self.manning,
            "guardrails": dict(self.guardrails),
            "notes": list(self.notes),
            "arrangement": None,
            "ratification": None if self.ratification is None else self.ratification.to_dict(),
        }
        alt = sc.alternatives.get(self.id)
        if alt is not None and alt.pressure:
            # Each explicit pressure term beside each decision it touches.
            blocks = [out["participation"], out["table"]]
            for block in blocks:
                for aid, d in ((block or {}).get("decisions") or {}).items():
                    pr = pressure_on(alt, aid)
                    if pr:
                        d["pressure"] = pr
        if arr is not None and self.status == "agreement":
            # Costs, force and control are analysed on the final outcome only.
            out["arrangement"] = {
                "members": list(arr.members),
                "feasible": arr.feasible,
                "reason": arr.reason,
                "units": arr.units,
                "units_in_kind": arr.units_in_kind,
                "in_kind": dict(arr.in_kind),
                "rule": arr.settings.rule,
                "rule_text": None if arr.game is None else str(arr.game),
                "settings": arr.settings.model_dump(mode="json", exclude_none=True),
                "cost": {
                    "annual": arr.annual_cost,
                    "currency": arr.settings.currency or "",
                    "term_years": arr.settings.term_years,
                    "split": None if arr.split is None else arr.split.to_dict(),
                    "payments": dict(arr.payments),
                    "budget_share": dict(arr.budget_share),
                    "in_kind_value": None if arr.in_kind_value is None else dict(arr.in_kind_value),
                    "in_kind_note": arr.in_kind_note,
                },
            }
        return out


def _forecast_dict(sc: Scenario, fc: Forecast) -> dict[str, Any]:
    issues: dict[str, Any] = {}
    for j, iid in enumerate(fc.issues):
        issue = sc.issues[iid]
        issues[iid] = {
            "title": issue.title,
            "unit": issue.unit,
            "options": None if issue.options is None else [o.label for o in issue.options],
            "forecast": float(fc.outcome[j]),
            "rounds": fc.trajectory[:, :, j].tolist(),
            "outcome_by_round": fc.outcome_trajectory[:, j].tolist(),
        }
    return {
        "model": fc.model,
        "actors": list(fc.actors),
        "converged": fc.converged,
        "rounds": fc.rounds,
        "stop_reason": fc.stop_reason,
        "params": dict(fc.params),
        "probabilities": None if fc.probabilities is None else fc.probabilities.tolist(),
        "issues": issues,
    }


# --------------------------------------------------------------------------- one alternative


def support_of(sc: Scenario, alt_id: str) -> float:
    """Capability-weighted support: sum c_i s_i / sum c_i over actors stating a support.

    The sums are exact (``math.fsum``), so the result does not depend on the order of the
    actors in the file.

    Examples:
        The NATO-national alternative and land-based MRBMs in the built-in scenario, both
        above its threshold of 0.25 (so both are analysed):

        >>> from mlf.scenario import load_scenario
        >>> sc = load_scenario("mlf-1963").scenario
        >>> round(support_of(sc, "nato_national"), 4), round(support_of(sc, "land_mrbm"), 4)
        (0.6135, 0.335)
        >>> sc.settings.support_threshold
        0.25
    """
    pairs = [
        (a.capability.value, q.value)
        for a in sc.actors.values()
        if (q := a.support.get(alt_id)) is not None
    ]
    den = math.fsum(c for c, _ in pairs)
    return math.fsum(c * s for c, s in pairs) / den if den > 0 else 0.0


def run_alternative(
    sc: Scenario,
    alt_id: str,
    *,
    model: str | None = None,
    seed: SeedLike = None,
    enumerate_equilibria: bool = True,
    alternative: Alternative | None = None,
    detail: bool = True,
) -> AlternativeOutcome:
    """Negotiate, decide, renegotiate until a fixed point; then analyse (see module doc).

    A problem that makes the alternative impossible to analyse (costs missing, a rule naming
    an actor who is not invited) becomes ``status == "not analysed"`` with a one-line detail.

    ``detail=False`` (sensitivity draws) leaves out what only the report shows: all the power
    indices (the voice index stays), the manning plan, and the decisions "if all join".

    ``seed`` (any form :mod:`mlf.seeds` accepts; None = the scenario's ``settings.seed``) is
    the root: negotiation ``step`` of the alternative uses ``child_seed(seed, alt_id, step)``,
    derived from the alternative's id, never from its position in the file.

    Examples:
        >>> from mlf.scenario import load_scenario
        >>> sc = load_scenario("mlf-1963").scenario
        >>> out = run_alternative(sc, "nato_national", model="compromise", seed=1963)
        >>> out.status, out.members, out.fixed_point
        ('agreement', ('USA', 'GBR', 'ITA', 'NLD'), 'fixed point after 1 round(s) of talks')
        >>> print(run_alternative(sc, "mlf_surface", seed=1963).detail)  # doctest: +ELLIPSIS
        only 2 of the invited come to the table (stayed away: ITA, GBR, ...); the arrangement ...
    """
    alt = alternative if alternative is not None else sc.alternatives[alt_id]
    mdl = model or sc.settings.model
    if mdl not in MODELS:
        raise MlfError(f"unknown model {mdl!r} (known: {', '.join(sorted(MODELS))})")
    sd = sc.settings.seed if seed is None else resolve_seed(seed)
    support = support_of(sc, alt_id)
    try:
        every = enumerate_equilibria and detail
        return _two_level(sc, alt_id, alt, mdl, sd, support, every, detail)
    except (AnalysisError, CostError) as exc:
        return AlternativeOutcome(
            id=alt_id, title=alt.title, support=support, status="not analysed", detail=str(exc)
        )
    except GameError as exc:  # e.g. a control rule with more members than exact indices take
        why = re.sub(r";? ?pass samples=.*$", "", str(exc))
        return AlternativeOutcome(
            id=alt_id,
            title=alt.title,
            support=support,
            status="not analysed",
            detail=f"its control rule cannot be analysed exactly: {why}",
        )


RENEGOTIATION_PASSES = 3
"""Renegotiations within the win-sets tried before an agreement stays unratified."""

NOT_RATIFIED = ratif.NOT_RATIFIED


def _settled_fixed(sc: Scenario, alt: Alternative) -> tuple[dict[str, float], list[str]]:
    fixed = {k: sc.issues[k].to_number(v) for k, v in alt.fixed.items()}
    return fixed, [*open_issues_of(sc, alt), *fixed]


def anticipation(sc: Scenario, alt: Alternative) -> dict[str, dict[str, float]]:
    """Tying hands: each invited nation's positions outside its own win-set, pulled to its
    edge (:func:`mlf.ratification.anticipated_position`); empty unless the scenario's
    ``settings.ratification.anticipate`` is on.

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        The scenario leaves anticipation off (the default), so no position moves:

        >>> sc.settings.ratification.anticipate, anticipation(sc, sc.alternatives["force"])
        (False, {})
    """
    if not sc.settings.ratification.anticipate:
        return {}
    fixed, settled = _settled_fixed(sc, alt)
    out: dict[str, dict[str, float]] = {}
    for a in alt.invited:
        for iid in open_issues_of(sc, alt):
            x = ratif.anticipated_position(sc, a, iid, fixed, settled)
            if x is not None:
                out.setdefault(a, {})[iid] = x
    return out


def _terms(out: AlternativeOutcome) -> dict[str, float]:
    return {k: v.value for k, v in out.agreed.items()}


def _two_level(
    sc: Scenario,
    alt_id: str,
    alt: Alternative,
    model: str,
    seed: int,
    support: float,
    enumerate_all: bool,
    full: bool,
) -> AlternativeOutcome:
    """The talks (:func:`_run`), then the ratification of a signed agreement at home.

    Rule (docs/models/ratification.md): an agreement every member ratifies stands. Otherwise,
    when ``settings.ratification.renegotiate`` is on and every element's joint win-set is
    non-empty, the whole path is run again with every bargaining position on the negotiated
    elements pulled to the nearest point of the joint win-set (up to
    :data:`RENEGOTIATION_PASSES` times, each from the latest signed terms); the first
    renegotiated agreement every member ratifies stands. Failing that the outcome is
    ``"signed, not ratified"`` and the status quo (the fall-back; nobody is paid to ratify).
    """
    base = anticipation(sc, alt)
    out = _run(sc, alt_id, alt, model, seed, support, enumerate_all, full, base)
    if out.status != "agreement" or not ratif.has_ratifiers(sc, out.members):
        return out
    anticipated = bool(base)
    rat = replace(ratif.check(sc, out.members, _terms(out)), anticipated=anticipated)
    if rat.ratified:
        return replace(out, ratification=replace(rat, detail="ratified by every member"))
    attempts: list[str] = []
    cur, cur_rat = out, rat
    for n in range(RENEGOTIATION_PASSES if sc.settings.ratification.renegotiate else 0):
        if cur_rat.no_ratifiable_deal:
            attempts.append(
                "no ratifiable deal: the members' win-sets do not intersect on "
                + ", ".join(cur_rat.no_ratifiable_deal)
            )
            break
        movable = [k for k, a in cur.agreed.items() if a.source == "negotiated"]
        stuck = [
            k
            for k, a in cur.agreed.items()
            if a.source != "negotiated" and not cur_rat.joint[k].contains(a.value)
        ]
        if stuck or not movable:
            attempts.append(
                "the terms that keep the ratifiers out are not negotiated here ("
                + (", ".join(stuck) or "nothing is negotiated")
                + ")"
            )
            break
        pulls: dict[str, dict[str, float]] = {}
        for a in alt.invited:
            for k in movable:
                p = sc.actors[a].positions.get(k)
                if p is None:
                    continue
                x = base.get(a, {}).get(k, sc.issues[k].to_number(p.position))
                pulls.setdefault(a, {})[k] = cur_rat.joint[k].nearest(x)
        new = _run(sc, alt_id, alt, model, seed, support, enumerate_all, full, pulls)
        if new.status != "agreement":
            attempts.append(f"renegotiation {n + 1} ends in {new.status}: {new.detail}")
            break
        new_rat = ratif.check(sc, new.members, _terms(new))
        if new_rat.ratified:
            attempts.append(f"renegotiation {n + 1} within the win-sets: ratified")
            return replace(
                new,
                ratification=replace(
                    new_rat,
                    renegotiated=True,
                    anticipated=anticipated,
                    attempts=tuple(attempts),
                    detail=(
                        f"ratified by every member after renegotiation {n + 1} within the "
                        "win-sets"
                    ),
                ),
                notes=(*new.notes, f"renegotiated within the win-sets (pass {n + 1})"),
            )
        attempts.append(
            f"renegotiation {n + 1} within the win-sets: still not ratified by "
            + ", ".join(new_rat.not_ratified_by)
        )
        cur, cur_rat = new, new_rat
    detail = ratif.refusal_detail(sc, out.members, rat)
    guard = dict(out.guardrails)
    guard["fallback"] = guardrails.fallback(NOT_RATIFIED)
    return replace(
        out,
        status=NOT_RATIFIED,
        detail=detail,
        power=None,
        manning=None,
        guardrails=guard,
        notes=(*out.notes, detail),
        ratification=replace(rat, detail=detail, attempts=tuple(attempts)),
    )


def _run(
    sc: Scenario,
    alt_id: str,
    alt: Alternative,
    model: str,
    seed: int,
    support: float,
    enumerate_all: bool,
    full: bool = True,
    overrides: Overrides | None = None,
) -> AlternativeOutcome:
    table = _table(sc, alt_id, alt)
    at_table = table.at_table
    notes: list[str] = []
    if len(at_table) < alt.min_members:
        away = ", ".join(table.stayed_away) or "nobody"
        status = "no agreement"
        detail = (
            f"only {len(at_table)} of the invited come to the table (stayed away: {away}); "
            f"the arrangement needs {alt.min_members}; the outcome is the status quo"
        )
        return AlternativeOutcome(
            id=alt_id,
            title=alt.title,
            support=support,
            status=status,
            detail=detail,
            table=table,
            guardrails={"fallback": guardrails.fallback(status)},
            notes=(detail,),
        )
    participants = at_table
    rounds: list[TalksRound] = []
    seen: dict[frozenset[str], int] = {}
    fixed_point = ""
    agreed: dict[str, Agreed] = {}
    fc: Forecast | None = None
    part: ParticipationResult | None = None
    settings = alt.settings
    for step in range(sc.settings.max_renegotiations):
        agreed, fc, n = negotiate(
            sc, alt, participants, model, child_seed(seed, alt_id, step), overrides
        )
        notes.extend(x for x in n if x not in notes)
        agreed, settings = applied_terms(sc, alt, agreed)
        pg = participation_game(sc, alt_id, alt, settings, agreed, at_table)
        part = decide(pg, enumerate_all=False, at_start=full)
        members = tuple(a for a in alt.invited if a in part.members)
        rounds.append(TalksRound(participants, dict(agreed), members))
        if part.cycle:
            fixed_point = (
                f"cycle: the nations' own decisions after round {step + 1} of talks never "
                "settle on a member set"
            )
            break
        key = frozenset(members)
        if key == frozenset(participants):
            fixed_point = f"fixed point after {step + 1} round(s) of talks"
            break
        if len(members) < alt.min_members:
            fixed_point = (
                f"talks end after {step + 1} round(s): only {len(members)} nation(s) would join"
            )
            break
        if key in seen:
            fixed_point = (
                f"cycle: the member set of round {seen[key] + 1} recurs in round {step + 1}"
            )
            break
        seen[key] = step
        participants = members
    else:
        fixed_point = f"no fixed point within {sc.settings.max_renegotiations} rounds"
    assert part is not None
    if enumerate_all and len(at_table) <= MAX_ENUMERATE:
        # All stable member sets under the terms finally agreed (once, at the end).
        part = replace(part, equilibria=tuple(equilibria(pg)))
    members = tuple(a for a in alt.invited if a in part.members)
    arr = build_arrangement(sc, alt, settings, members)
    status, detail, power, european, manning, guard = analyse_outcome(
        sc, alt, part, arr, fixed_point, full=full
    )
    if table.stayed_away:
        notes.append(
            "stayed away from the table: "
            + "; ".join(d.reason for d in table.decisions if not d.comes)
        )
    mechanics = tuple(model_mechanics(sc, fc, model)) if fc is not None and full else ()
    return AlternativeOutcome(
        id=alt_id,
        title=alt.title,
        support=support,
        status=status,
        detail=detail,
        rounds=tuple(rounds),
        fixed_point=fixed_point,
        forecast=fc,
        agreed=agreed,
        arrangement=arr,
        participation=part,
        power=power,
        european=european,
        manning=manning,
        guardrails=guard,
        notes=tuple(notes),
        table=table,
        mechanics=mechanics,
    )


def analyse_outcome(
    sc: Scenario,
    alt: Alternative,
    part: ParticipationResult,
    arr: Arrangement,
    fixed_point: str,
    *,
    full: bool = True,
) -> tuple[
    str,
    str,
    dict[str, Any] | None,
    dict[str, Any] | None,
    dict[str, Any] | None,
    dict[str, Any],
]:
    """The final outcome's status and, for an agreement only, its analysis.

    Returns ``(status, detail, power, european, manning, guardrails)``: the status of
    :func:`final_status`, then the European test (an alternative that requires European
    control and fails it "does not count"), the power indices and manning plan (``full``
    only) and the guardrail checks (:mod:`mlf.guardrails`). Used by the talks on their own
    final outcome and by :mod:`mlf.exercise` on an exercise's (one rule for both).

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> out = run_alternative(sc, "force", model="compromise", seed=1)
        >>> status, detail, power, european, manning, guards = analyse_outcome(
        ...     sc, sc.alternatives["force"], out.participation, out.arrangement,
        ...     out.fixed_point, full=False)
        >>> status, detail, power is None
        ('agreement', '2 members: A, B', True)
        >>> sorted(guards)
        ['fallback', 'fixed_point', 'no_selling']
    """
    status, detail = final_status(sc, alt, part, arr, fixed_point)
    power: dict[str, Any] | None = None
    european: dict[str, Any] | None = None
    manning: dict[str, Any] | None = None
    if status == "agreement" and arr.game is not None:
        eu = [m for m in arr.members if sc.actors[m].european]
        european = {
            **is_genuinely_european(arr.game, eu).to_dict(),
            "required": alt.requires_european_control,
        }
        if alt.requires_european_control and not european["ok"]:
            status = "does not count"
            detail = (
                f"the control rule is not genuinely European ({european['reason']}); "
                "the outcome is the status quo"
            )
    elif status == "agreement" and alt.requires_european_control:
        european = {
            "ok": False,
            "reason": "no joint control rule",
            "failed": ["no_control_rule"],
            "required": True,
        }
        status = "does not count"
        detail = (
            "there is no joint control rule to be genuinely European; the outcome is the status quo"
        )
    if status == "agreement":
        if full and arr.game is not None:
            power = power_indices(arr.game).to_dict()
        if full:
            manning = _manning(arr)
    guard: dict[str, Any] = {}
    budgets = {a: _budget(sc, a) for a in alt.invited}
    guard["no_selling"] = guardrails.no_selling(
        part.decisions, budgets, arr.settings.currency or "", cycle=status == "cycle"
    )
    guard["fallback"] = guardrails.fallback(status)
    if european is not None:
        guard["genuinely_european"] = european
    guard["fixed_point"] = guardrails.fixed_point(fixed_point)
    return status, detail, power, european, manning, guard


def final_status(
    sc: Scenario,
    alt: Alternative,
    part: ParticipationResult,
    arr: Arrangement,
    fixed_point: str,
) -> tuple[str, str]:
    """The status of the final outcome (before the European test) and its one-line detail.

    In order: a participation cycle or a renegotiation cycle is ``"cycle"`` (no member set);
    an arrangement that cannot be built is ``"no agreement"``; so is a force alternative
    (:func:`is_force_alternative`) whose common units are not above zero: units brought in
    kind do not make a common force. Otherwise ``"agreement"``.

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> out = run_alternative(sc, "force", model="compromise", seed=1)
        >>> final_status(sc, sc.alternatives["force"], out.participation, out.arrangement,
        ...              out.fixed_point)
        ('agreement', '2 members: A, B')
    """
    unit_issue = next((i for i in alt.open if sc.issues[i].sets == "units"), None)
    if part.cycle:
        status = "cycle"
        cyc = part.dynamics.cycle_sets
        sets = " -> ".join("{" + ", ".join(s) + "}" for s in (*cyc, cyc[0]))
        detail = (
            f"participation cycles ({sets}): no member set is stable, so there is no "
            "agreement to analyse; the outcome is the status quo"
        )
    elif fixed_point.startswith("cycle"):
        status = "cycle"
        detail = (
            f"renegotiation cycles ({fixed_point}): no member set is stable under the terms it "
            "agrees; the outcome is the status quo"
        )
    elif not arr.feasible:
        status = "no agreement"
        detail = f"talks fail ({arr.reason}); the outcome is the status quo"
    elif is_force_alternative(sc, alt) and arr.units <= 0:
        # Negotiating a force down to nothing is failed talks; units in kind do not count.
        status = "no agreement"
        what = f"the talks settle {unit_issue} at 0" if unit_issue else "the force has 0 units"
        kind = (
            f" (the {arr.units_in_kind:g} units brought in kind are not a common force)"
            if arr.units_in_kind > 0
            else ""
        )
        detail = f"{what}: no common force{kind}; the outcome is the status quo"
    else:
        status = "agreement"
        detail = f"{len(arr.members)} members: {', '.join(arr.members)}"
    return status, detail


def participation_game(
    sc: Scenario,
    alt_id: str,
    alt: Alternative,
    st: ArrangementSettings,
    agreed: Mapping[str, Agreed],
    at_table: Sequence[str],
) -> ParticipationGame:
    """The participation game among ``at_table`` under the terms ``agreed`` (settings ``st``).

    Each nation's utility of joining a member set (:mod:`mlf.participation`): its policy
    satisfaction with ``agreed`` (on its own positions in ``sc``), its voice in the control
    game among the members, its cost against its defence budget; staying out is worth its
    outside option (with any pressure). Cheap bounds on voice settle most decisions.

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        Both want in on the terms they agreed, and the pair is stable:

        >>> from mlf.talks.arrangement import applied_terms
        >>> alt = sc.alternatives["force"]
        >>> out = run_alternative(sc, "force", model="compromise", seed=1)
        >>> agreed, settings = applied_terms(sc, alt, out.agreed)
        >>> game = participation_game(sc, "force", alt, settings, agreed, ["A", "B"])
        >>> both = frozenset({"A", "B"})
        >>> game.wants_in(both, "A"), game.wants_in(both, "B"), game.is_stable(both)
        (True, True, True)
    """
    cache: dict[frozenset[str], Arrangement] = {}
    policy = {a: policy_satisfaction(sc, a, agreed) for a in at_table}

    def arrangement(members: frozenset[str]) -> Arrangement:
        hit = cache.get(members)
        if hit is None:
            hit = build_arrangement(sc, alt, st, sorted(members))
            cache[members] = hit
        return hit

    def terms(members: frozenset[str], actor: str) -> Terms:
        w = sc.actors[actor].weights
        arr = arrangement(members)
        if not arr.feasible:
            return Terms(0.0, 0.0, 0.0, w.policy, w.voice, w.cost, feasible=False, note=arr.reason)
        voice = voice_of(arr, sc.settings.power_index).get(actor, 0.0)
        return Terms(
            policy[actor], voice, arr.budget_share.get(actor, 0.0), w.policy, w.voice, w.cost
        )

    def bounds(members: frozenset[str], actor: str) -> tuple[float, float]:
        # Voice is a normalised index in [0, 1]; the rest is cheap (cached arrangement).
        w = sc.actors[actor].weights
        arr = arrangement(members)
        if not arr.feasible:
            return float("-inf"), float("-inf")
        base = w.policy * policy[actor] - w.cost * arr.budget_share.get(actor, 0.0)
        if arr.game is None:
            return base, base
        return base, base + w.voice

    outside = {a: _outside(sc, a, alt_id, alt) for a in at_table}
    return ParticipationGame(at_table, terms, outside, bounds)


def _manning(arr: Arrangement) -> dict[str, Any] | None:
    """The mixed-manning plan of the arrangement (:mod:`mlf.manning`).

    Without ``units_per_ship`` or ``crew_per_ship`` in the alternative's settings the plan is
    ``status: "not analysed"`` with one line saying which is missing (no value is assumed),
    as a missing ``term_years`` makes the costs.
    """
    st = arr.settings
    if not st.mixed_manning:
        return {"mixed": False, "feasible": True, "reason": "national crews (no mixed manning)"}
    per_ship, crew = st.units_per_ship, st.crew_per_ship
    if per_ship is None or crew is None:
        given = (("units_per_ship", per_ship), ("crew_per_ship", crew))
        missing = [f for f, v in given if v is None]
        return {
            "mixed": True,
            "feasible": False,
            "status": "not analysed",
            "reason": (
                f"manning not analysed: mixed manning is agreed but the alternative's settings "
                f"give no {' and no '.join(missing)} to size the crews"
            ),
        }
    from mlf.manning import ManningError, ManningRules, solve_manning

    ships = max(1, math.ceil(arr.units / per_ship)) if arr.units > 0 else 0
    if ships == 0:
        return {"mixed": True, "feasible": True, "reason": "no ships to crew", "ships": []}
    total = sum(arr.payments.values())
    targets = (
        {m: arr.payments.get(m, 0.0) for m in arr.members}
        if total > 0
        else {m: 1.0 for m in arr.members}
    )
    try:
        rules = ManningRules(
            nations=arr.members,
            ships=ships,
            crew_per_ship=crew,
            max_share=st.max_crew_share or 1.0,
            min_nationalities=st.min_nationalities or 1,
            targets=targets,
        )
        plan = solve_manning(rules)
    except ManningError as exc:
        return {"mixed": True, "feasible": False, "reason": str(exc)}
    return {"mixed": True, **plan.to_dict()}
