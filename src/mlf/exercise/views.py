"""What each person at the table sees: the public state, a seat's own view, the chair's.

Every view is a JSON-serialisable dict built from the state only (the web layer renders it and
sends it over server-sent events). What is private to a seat is its **brief** (its positions
and saliences, its outside option, its defence budget, its utility weights), its stated
positions in an open round, its decision before the arrangement is built, and its utility of
joining (which would disclose its brief). So:

* :func:`public_view`: the elements and their options, the seats (name, region, nuclear
  status, capability, who plays them), the round and phase, the settled terms of each closed
  round, the positions stated in a round once the chair reveals them (seats people play only;
  a model seat's positions are its brief), who has stated or decided (not what), and, once
  built, who joined and the arrangement (control rule and power, the force, what each member
  pays, manning, guardrails) with each member's verdict at home (:func:`ratification_public`);
* :func:`seat_view`: the public view plus that seat's own brief, its own stated positions and
  decisions, and, once terms exist, its own utility of joining with the decomposition the
  report uses (policy, voice, cost against the outside option); never another seat's;
* :func:`chair_view`: everything, including every brief, every stated position at once, the
  positions the model used for each seat and every decision with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf import ratification as ratif
from mlf.exercise.errors import InvalidAction
from mlf.exercise.record import outcome_of
from mlf.exercise.state import Round, State
from mlf.participation import Decision, Terms
from mlf.scenario import Scenario
from mlf.talks import Agreed, outside_option, pressure_on


def _term(a: Agreed) -> dict[str, Any]:
    return a.to_dict()


def _elements(state: State) -> list[dict[str, Any]]:
    sc = state.ctx.scenario
    out: list[dict[str, Any]] = []
    for iid in state.elements:
        issue = sc.issues[iid]
        out.append(
            {
                "id": iid,
                "title": issue.title,
                "description": issue.description,
                "unit": issue.unit,
                "scale": None
                if issue.scale is None
                else {"lo": issue.scale.lo, "hi": issue.scale.hi, "unit": issue.scale.unit},
                "options": None
                if issue.options is None
                else [{"id": o.id, "label": o.label} for o in issue.options],
                "status_quo": issue.status_quo,
            }
        )
    return out


def _arrangement_public(state: State, rnd: Round) -> dict[str, Any] | None:
    b = rnd.built
    if b is None:
        return None
    arr = b.arrangement
    index = state.ctx.scenario.settings.power_index
    power: dict[str, Any] | None = None
    if b.power is not None:
        power = {"index": index, "values": dict(b.power["indices"].get(index, {}))}
        power["veto_players"] = list(b.power.get("veto_players", []))
    return {
        "status": b.status,
        "detail": b.detail,
        "fixed_point": b.fixed_point,
        "members": list(b.members),
        "joined": {d.actor: d.join for d in b.participation.decisions},
        "decided_by": dict(b.decided_by),
        "rule_text": None if arr.game is None else str(arr.game),
        "units": arr.units,
        "units_in_kind": arr.units_in_kind,
        "annual_cost": arr.annual_cost,
        "currency": arr.settings.currency or "",
        "payments": dict(arr.payments) if b.status == "agreement" else {},
        "power": power if b.status == "agreement" else None,
        "european": None if b.european is None else dict(b.european),
        "manning": None
        if b.manning is None
        else {k: b.manning[k] for k in ("mixed", "feasible", "reason") if k in b.manning},
        "guardrails": {
            k: {"ok": v.get("ok"), "detail": v.get("detail", v.get("reason", ""))}
            for k, v in b.guardrails.items()
            if isinstance(v, Mapping)
        },
        "ratification": ratification_public(state.ctx.scenario, rnd),
    }


def ratification_public(sc: Scenario, rnd: Round) -> dict[str, Any] | None:
    """Each member's verdict at home on the round's signed terms (None: nothing signed, or no
    member has domestic ratifiers): whether it ratifies, each ratifier's utility against its
    reservation, and the elements whose agreed value lies outside its win-set. Votes at home
    are public, so every view shows them.

    Examples:
        Germany's Bundestag (invented here, added to
        :func:`mlf.examples.three_nations_fleet` by a ``--set``) wants the force at 150 and
        needs a satisfaction of 0.9; the signed 173.3 gives it 1 - 23.3 / 200 = 0.883:

        >>> from mlf import examples
        >>> from mlf.exercise import ArrangementBuilt, DecisionMade, PositionStated, RoundClosed
        >>> from mlf.exercise import make_setup, replay
        >>> from mlf.scenario import apply_changes, dump_scenario, load_scenario
        >>> bundestag = ("actors.DE.ratifiers.bt={name: Bundestag, reservation: 0.9,"
        ...              " positions: {size: {position: 150, salience: 1}}}")
        >>> trio = load_scenario(examples.path("three_nations_fleet"))
        >>> text = dump_scenario(apply_changes(trio, sets=[bundestag]).scenario)
        >>> setup = make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"])
        >>> state = replay(setup, [
        ...     PositionStated(seat="DE", issue="size", value=120),
        ...     RoundClosed(),
        ...     DecisionMade(seat="DE", join=True),
        ...     ArrangementBuilt(),
        ... ])
        >>> verdicts = ratification_public(state.ctx.scenario, state.last_built)
        >>> verdicts["ratified"], verdicts["not_ratified_by"]
        (False, ['DE'])
        >>> bundestag = verdicts["members"]["DE"]["ratifiers"][0]
        >>> round(bundestag["utility"], 3), bundestag["reservation"], bundestag["ratifies"]
        (0.883, 0.9, False)
    """
    b, st = rnd.built, rnd.settlement
    if b is None or st is None or b.ratification is None:
        return None
    rat = b.ratification
    terms = {k: v.value for k, v in st.agreed.items()}
    return {
        "ratified": rat.ratified,
        "not_ratified_by": list(rat.not_ratified_by),
        "detail": rat.detail,
        "members": {
            a: {
                "ratifies": m.ratifies,
                "ratifiers": [
                    {
                        "id": v.id,
                        "name": v.name,
                        "rule": v.rule,
                        "utility": v.utility,
                        "reservation": v.reservation,
                        "ratifies": v.ratifies,
                    }
                    for v in m.verdicts
                ],
                "elements_refused": list(ratif.elements_refused(sc, m, terms)),
            }
            for a, m in rat.members.items()
        },
    }


def _round_public(state: State, rnd: Round) -> dict[str, Any]:
    st = rnd.settlement
    revealed = None
    if rnd.revealed:
        revealed = {s: dict(v) for s, v in rnd.stated.items() if v}
    return {
        "number": rnd.number,
        "participants": list(rnd.participants),
        "closed": st is not None,
        "stated_by": [s for s in state.setup.seats if rnd.stated.get(s)],
        "decided_by_delegations": [s for s in state.setup.seats if s in rnd.decisions],
        "terms": None if st is None else {k: _term(v) for k, v in st.agreed.items()},
        "revealed_positions": revealed,
        "arrangement": _arrangement_public(state, rnd),
    }


def public_view(state: State) -> dict[str, Any]:
    """What everyone at the table may see (see the module docstring).

    Examples:
        Three nations; people play Germany (the model plays the others, and Britain, whose
        outside option is high, stays away from the table):

        >>> from mlf.exercise import ArrangementBuilt, DecisionMade, ExerciseEnded
        >>> from mlf.exercise import PositionStated, RoundClosed, make_setup, replay
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> setup = make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"])
        >>> state = replay(setup, [
        ...     PositionStated(seat="DE", issue="size", value=120),
        ...     RoundClosed(),
        ...     DecisionMade(seat="DE", join=True),
        ...     ArrangementBuilt(),
        ...     ExerciseEnded(),
        ... ])
        >>> view = public_view(state)
        >>> view["phase"], [(s["id"], s["played_by"], s["at_table"]) for s in view["seats"]]
        ('ended', [('US', 'model', True), ('DE', 'delegation', True), ('GB', 'model', False)])
        >>> view["rounds"][0]["terms"]["size"]["label"], view["rounds"][0]["revealed_positions"]
        ('173.3', None)
    """
    sc = state.ctx.scenario
    setup = state.setup
    alt = sc.alternatives[setup.alternative]
    fixed = {iid: sc.issues[iid].title for iid in alt.fixed}
    return {
        "version": setup.version,
        "scenario": {
            "id": sc.meta.id,
            "title": sc.meta.title,
            "date": sc.meta.date.isoformat(),
            "sha256": setup.sha256,
        },
        "alternative": {
            "id": setup.alternative,
            "title": alt.title,
            "description": alt.description,
            "min_members": alt.min_members,
            "fixed": fixed,
        },
        "model": setup.model,
        "seed": setup.seed,
        "phase": state.phase,
        "round": state.current.number,
        "elements": _elements(state),
        "seats": [
            {
                "id": a,
                "name": sc.actors[a].name,
                "european": sc.actors[a].european,
                "nuclear": sc.actors[a].nuclear,
                "capability": sc.actors[a].capability.value,
                "played_by": "delegation" if a in setup.seats else "model",
                "at_table": a in state.at_table,
            }
            for a in alt.invited
        ],
        "rounds": [_round_public(state, r) for r in state.rounds],
    }


def _brief(state: State, seat: str) -> dict[str, Any]:
    sc = state.ctx.scenario
    setup = state.setup
    alt = sc.alternatives[setup.alternative]
    a = sc.actors[seat]
    budget = a.defence_budget
    return {
        "seat": seat,
        "name": a.name,
        "positions": {
            iid: {"position": p.position, "salience": p.salience.value}
            for iid, p in a.positions.items()
            if iid in sc.issues
        },
        "outside_option": outside_option(sc, seat, setup.alternative, alt),
        "pressure": pressure_on(alt, seat),
        "defence_budget": None if budget is None else budget.value,
        "budget_unit": None if budget is None else budget.unit,
        "weights": {"policy": a.weights.policy, "voice": a.weights.voice, "cost": a.weights.cost},
    }


def _joining(seat: str, t: Terms, outside: float) -> dict[str, Any]:
    u = t.utility
    d = Decision(seat, t.feasible and u >= outside, t, outside, u - outside)
    return d.to_dict()


def _seat_round(state: State, rnd: Round, seat: str) -> dict[str, Any]:
    st = rnd.settlement
    out: dict[str, Any] = {
        "number": rnd.number,
        "stated": dict(rnd.stated.get(seat, {})),
        "decision": rnd.decisions.get(seat),
        "if_all_join": None,
        "decision_record": None,
    }
    if st is not None and seat in st.if_all_join:
        out["if_all_join"] = _joining(seat, st.if_all_join[seat], st.game.outside[seat])
    b = rnd.built
    if b is not None:
        d = next((x for x in b.participation.decisions if x.actor == seat), None)
        if d is not None:
            rec = d.to_dict()
            rec["decided_by"] = b.decided_by.get(seat, "")
            rec["model_would_join"] = b.model_would.get(seat)
            out["decision_record"] = rec
        pay = b.arrangement.payments.get(seat)
        share = b.arrangement.budget_share.get(seat)
        out["payment"] = pay
        out["budget_share"] = share
    return out


def seat_view(state: State, seat: str) -> dict[str, Any]:
    """The public view plus ``seat``'s own brief, positions, decisions and utility only.

    Examples:
        Three nations; people play Germany (the model plays the others, and Britain, whose
        outside option is high, stays away from the table):

        >>> from mlf.exercise import ArrangementBuilt, DecisionMade, ExerciseEnded
        >>> from mlf.exercise import PositionStated, RoundClosed, make_setup, replay
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> setup = make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"])
        >>> state = replay(setup, [
        ...     PositionStated(seat="DE", issue="size", value=120),
        ...     RoundClosed(),
        ...     DecisionMade(seat="DE", join=True),
        ...     ArrangementBuilt(),
        ...     ExerciseEnded(),
        ... ])

        Germany sees its own brief (and never another seat's):

        >>> view = seat_view(state, "DE")
        >>> view["brief"]["positions"], "briefs" in view
        ({'size': {'position': 150.0, 'salience': 1.0}}, False)
    """
    if seat not in state.setup.seats:
        alt = state.ctx.scenario.alternatives[state.setup.alternative]
        if seat in alt.invited:
            raise InvalidAction(f"seat {seat!r} is played by the model, not by a delegation")
        raise InvalidAction(f"unknown seat {seat!r}")
    view = public_view(state)
    view["seat"] = seat
    view["brief"] = _brief(state, seat)
    view["own_rounds"] = [_seat_round(state, r, seat) for r in state.rounds]
    rnd = state.current
    view["can_state"] = state.phase == "positions" and seat in rnd.participants
    view["can_decide"] = state.phase == "deciding" and seat in state.at_table
    return view


def chair_view(state: State) -> dict[str, Any]:
    """Everything: the public view, every brief, every stated position, every decision.

    Examples:
        Three nations; people play Germany (the model plays the others, and Britain, whose
        outside option is high, stays away from the table):

        >>> from mlf.exercise import ArrangementBuilt, DecisionMade, ExerciseEnded
        >>> from mlf.exercise import PositionStated, RoundClosed, make_setup, replay
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> setup = make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"])
        >>> state = replay(setup, [
        ...     PositionStated(seat="DE", issue="size", value=120),
        ...     RoundClosed(),
        ...     DecisionMade(seat="DE", join=True),
        ...     ArrangementBuilt(),
        ...     ExerciseEnded(),
        ... ])

        The chair sees every brief and who came to the table:

        >>> view = chair_view(state)
        >>> list(view["briefs"]), view["table"]["stayed_away"]
        (['US', 'DE', 'GB'], ['GB'])
    """
    sc = state.ctx.scenario
    view = public_view(state)
    alt = sc.alternatives[state.setup.alternative]
    view["briefs"] = {a: _brief(state, a) for a in alt.invited}
    view["table"] = state.table.to_dict()
    rounds: list[dict[str, Any]] = []
    for r in state.rounds:
        st = r.settlement
        item: dict[str, Any] = {
            "number": r.number,
            "stated": {s: dict(v) for s, v in r.stated.items()},
            "revealed": r.revealed,
            "decisions": dict(r.decisions),
            "used": None,
            "if_all_join": None,
            "notes": [],
            "outcome": None,
        }
        if st is not None:
            item["used"] = {
                a: {i: {"value": v, "from": src} for i, (v, src) in row.items()}
                for a, row in st.used.items()
            }
            item["if_all_join"] = {
                a: _joining(a, t, st.game.outside[a]) for a, t in st.if_all_join.items()
            }
            item["notes"] = list(st.notes)
        if r.built is not None:
            if "outcome" not in r.built.memo:
                o = outcome_of(state, r)
                assert o is not None
                r.built.memo["outcome"] = o.to_dict(sc)
            item["outcome"] = r.built.memo["outcome"]
            item["model_would_join"] = dict(r.built.model_would)
        rounds.append(item)
    view["chair_rounds"] = rounds
    return view
