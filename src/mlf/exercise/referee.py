"""The referee: what mlf computes when the chair closes a round or builds the arrangement.

Nothing here is new mechanics: every step calls the talks' own public functions, so an
exercise is refereed by exactly the rules of ``mlf run`` (docs/exercise.md):

* the table (:func:`mlf.talks.come_to_table`): each model seat comes by mlf's rule; a seat
  people play sits at the table (they came to play);
* the terms (:func:`mlf.talks.negotiate`, then :func:`mlf.talks.applied_terms`): the
  exercise's model settles the open elements among the round's participants from the
  positions *stated* (a seat people play that stated nothing on an element, and every model
  seat, keeps its brief's position), with the seed of round ``k`` that ``mlf run`` uses for
  its round ``k`` (``child_seed(seed, alternative, k - 1)``);
* the value of joining (:func:`mlf.talks.participation_game`): each seat's utility of joining
  is computed on its *brief* (its true positions, saliences, budget and weights), never on
  what it stated: a delegation that misstates its position is judged by its brief;
* the decisions: seats people play decide themselves; model seats (and a seat people play
  that has not decided when the chair builds) decide by mlf's rule, iterated best responses
  from "all join" in the invited order (:func:`mlf.participation.decide`), given the
  decisions the people made;
* the arrangement and its analysis (:func:`mlf.talks.build_arrangement`,
  :func:`mlf.talks.analyse_outcome`): status, European test, power, costs, manning,
  guardrails;
* ratification at home (:func:`mlf.ratification.check`, the stage of ``mlf run``,
  docs/models/ratification.md): a signed agreement whose members have domestic ratifiers is
  checked member by member on the settled terms; if some member's required ratifier refuses,
  the status is ``signed, not ratified`` and the outcome the status quo. The talks'
  automatic renegotiation within the win-sets is not run: in an exercise the chair decides
  whether to open a renegotiation among the signatories, who see each member's verdict and
  the elements outside its win-set. Anticipation ("tying hands") is the delegations' own
  choice of what to state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mlf import guardrails
from mlf import ratification as ratif
from mlf.bargaining import Forecast
from mlf.exercise.setup import Context
from mlf.participation import (
    Decision,
    DynamicsResult,
    ParticipationGame,
    ParticipationResult,
    Terms,
    decide,
)
from mlf.scenario import ArrangementSettings, Position, Scenario
from mlf.seeds import child_seed
from mlf.talks import (
    Agreed,
    AnalysisError,
    Arrangement,
    analyse_outcome,
    applied_terms,
    build_arrangement,
    negotiate,
    participation_game,
)

Value = float | str
"""A stated position: a number on a scale, or an option id."""


@dataclass(frozen=True, eq=False)
class Settlement:
    """The terms of one closed round and what each seat would get by joining on them."""

    participants: tuple[str, ...]
    #: actor -> element -> (position used, "stated" | "brief")
    used: Mapping[str, Mapping[str, tuple[Value, str]]]
    agreed: Mapping[str, Agreed]
    settings: ArrangementSettings
    forecast: Forecast | None
    notes: tuple[str, ...]
    game: ParticipationGame
    #: each seat at the table: its terms if everyone at the table joins
    if_all_join: Mapping[str, Terms]
    error: str = ""


@dataclass(frozen=True, eq=False)
class Built:
    """The decisions of one round, the arrangement among those who joined, its analysis."""

    members: tuple[str, ...]
    #: actor -> who decided: "delegation", "model", or "model (no decision stated)"
    decided_by: Mapping[str, str]
    #: seats people play -> what mlf's rule would have decided for them in their place
    model_would: Mapping[str, bool]
    participation: ParticipationResult
    arrangement: Arrangement
    fixed_point: str
    status: str
    detail: str
    power: Mapping[str, Any] | None
    european: Mapping[str, Any] | None
    manning: Mapping[str, Any] | None
    guardrails: Mapping[str, Any] = field(default_factory=dict)
    #: the ratification stage of a signed agreement (None: not signed, or no member has
    #: domestic ratifiers), as :func:`mlf.ratification.check` gives it
    ratification: ratif.Ratification | None = None
    #: derived records of this round, computed once (it never changes once built)
    memo: dict[str, Any] = field(default_factory=dict)


def stated_scenario(sc: Scenario, stated: Mapping[str, Mapping[str, Value]]) -> Scenario:
    """The scenario with each seat's stated positions in place of its brief's (saliences,
    capabilities and everything else unchanged).

    Examples:
        Germany states 120 where its brief says 150; nothing else changes:

        >>> from mlf.scenario import parse_scenario
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> scenario, _ = parse_scenario(text)
        >>> stated = stated_scenario(scenario, {"DE": {"size": 120}})
        >>> [sc.actors["DE"].positions["size"].position for sc in (stated, scenario)]
        [120, 150.0]
    """
    if not stated:
        return sc
    actors = dict(sc.actors)
    for seat, values in stated.items():
        if not values:
            continue
        a = actors[seat]
        positions: dict[str, Position] = dict(a.positions)
        for iid, v in values.items():
            positions[iid] = positions[iid].model_copy(update={"position": v})
        actors[seat] = a.model_copy(update={"positions": positions})
    return sc.model_copy(update={"actors": actors})


def settle(
    ctx: Context,
    table: Sequence[str],
    participants: Sequence[str],
    stated: Mapping[str, Mapping[str, Value]],
    issues: Sequence[str],
    round_index: int,
) -> Settlement:
    """Settle the round's terms among ``participants`` from the stated positions.

    Examples:
        The referee settles round 1 among the United States and Germany, from Germany's stated
        120 and the model seat's brief (capability x salience weighted mean, (0.6 x 200 + 0.3 x
        120) / 0.9):

        >>> from mlf.exercise import make_setup
        >>> from mlf.exercise.setup import context
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> ctx = context(make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"]))
        >>> settlement = settle(ctx, ["US", "DE"], ["US", "DE"], {"DE": {"size": 120}}, ["size"], 1)
        >>> settlement.agreed["size"].label, settlement.used
        ('173.3', {'US': {'size': (200.0, 'brief')}, 'DE': {'size': (120, 'stated')}})
    """
    sc = ctx.scenario
    setup = ctx.setup
    alt = sc.alternatives[setup.alternative]
    used: dict[str, dict[str, tuple[Value, str]]] = {}
    for a in participants:
        row: dict[str, tuple[Value, str]] = {}
        for iid in issues:
            p = sc.actors[a].positions.get(iid)
            if p is None:
                continue
            s = stated.get(a, {}).get(iid)
            row[iid] = (s, "stated") if s is not None else (p.position, "brief")
        used[a] = row
    seed = child_seed(setup.seed, setup.alternative, round_index)
    agreed, fc, notes = negotiate(stated_scenario(sc, stated), alt, participants, setup.model, seed)
    agreed, settings = applied_terms(sc, alt, agreed)
    game = participation_game(sc, setup.alternative, alt, settings, agreed, table)
    everyone = frozenset(table)
    error = ""
    try:
        if_all = {a: game.terms(everyone, a) for a in table}
    except AnalysisError as exc:  # e.g. a member pays but has no budget
        if_all, error = {}, str(exc)
    return Settlement(
        tuple(participants), used, agreed, settings, fc, tuple(notes), game, if_all, error
    )


def _ordered(order: Sequence[str], members: frozenset[str] | set[str]) -> tuple[str, ...]:
    return tuple(a for a in order if a in members)


def build(
    ctx: Context,
    table: Sequence[str],
    settlement: Settlement,
    choices: Mapping[str, bool],
    previous: Sequence[tuple[str, ...]],
) -> Built:
    """Close the decisions: model seats decide given the people's choices; build, analyse.

    ``choices`` are the decisions the seats people play made this round; ``previous`` the
    member sets of the earlier rounds (to name a cycle as ``mlf run`` does).

    Examples:
        Germany's delegation joins; the model decides for the United States:

        >>> from mlf.exercise import make_setup
        >>> from mlf.exercise.setup import context
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> ctx = context(make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"]))
        >>> settlement = settle(ctx, ["US", "DE"], ["US", "DE"], {"DE": {"size": 120}}, ["size"], 1)
        >>> built = build(ctx, ["US", "DE"], settlement, {"DE": True}, [])
        >>> built.status, built.members, built.decided_by
        ('agreement', ('US', 'DE'), {'US': 'model', 'DE': 'delegation'})
    """
    sc = ctx.scenario
    setup = ctx.setup
    alt = sc.alternatives[setup.alternative]
    game = settlement.game
    fixed_in = frozenset(a for a, j in choices.items() if j)
    deciders = tuple(a for a in table if a not in choices)

    def terms(members: frozenset[str], actor: str) -> Terms:
        return game.terms(members | fixed_in, actor)

    sub = ParticipationGame(deciders, terms, {a: game.outside[a] for a in deciders})
    part_sub = decide(sub, enumerate_all=False, at_start=False)
    dyn = part_sub.dynamics
    reached = frozenset(dyn.members) | fixed_in
    members_set = frozenset() if dyn.cycle else reached
    decisions: list[Decision] = []
    decided_by: dict[str, str] = {}
    model_would: dict[str, bool] = {}
    for a in table:
        if a in choices:
            t = game.terms(reached | {a}, a)
            out = game.outside[a]
            decisions.append(Decision(a, choices[a], t, out, t.utility - out))
            decided_by[a] = "delegation"
            model_would[a] = game.wants_in(reached, a)
        else:
            decisions.append(game.decision(reached, a))
            decided_by[a] = "model (no decision stated)" if a in setup.seats else "model"
            if a in setup.seats:
                model_would[a] = game.wants_in(reached, a)
    dynamics = DynamicsResult(
        members=members_set,
        stable=dyn.stable,
        cycle=dyn.cycle,
        path=tuple(_ordered(table, set(p) | fixed_in) for p in dyn.path),
        steps=dyn.steps,
        cycle_sets=tuple(_ordered(table, set(p) | fixed_in) for p in dyn.cycle_sets),
    )
    everyone = frozenset(table)
    part = ParticipationResult(
        members_set,
        tuple(decisions),
        dynamics,
        None,
        tuple(table),
        tuple(game.decision(everyone, a) for a in table),
    )
    members = _ordered(alt.invited, members_set)
    k = len(previous) + 1
    if dyn.cycle:
        sets = " -> ".join("{" + ", ".join(s) + "}" for s in dynamics.cycle_sets)
        fixed_point = f"cycle: the decisions after round {k} never settle on a member set ({sets})"
    elif frozenset(members) == frozenset(settlement.participants):
        fixed_point = f"fixed point after {k} round(s) of talks"
    elif len(members) < alt.min_members:
        fixed_point = f"talks end after {k} round(s): only {len(members)} nation(s) would join"
    elif frozenset(members) in {frozenset(p) for p in previous}:
        first = next(i for i, p in enumerate(previous) if frozenset(p) == frozenset(members))
        fixed_point = f"cycle: the member set of round {first + 1} recurs in round {k}"
    else:
        fixed_point = (
            f"no fixed point yet: the members after round {k} differ from those who "
            "negotiated it (the chair may open a renegotiation among them)"
        )
    arr = build_arrangement(sc, alt, settlement.settings, members)
    status, detail, power, european, manning, guard = analyse_outcome(
        sc, alt, part, arr, fixed_point
    )
    rat: ratif.Ratification | None = None
    if status == "agreement" and ratif.has_ratifiers(sc, arr.members):
        rat = ratif.check(sc, arr.members, {k: v.value for k, v in settlement.agreed.items()})
        if rat.ratified:
            rat = replace(rat, detail="ratified by every member")
        else:
            detail = ratif.refusal_detail(sc, arr.members, rat)
            rat = replace(rat, detail=detail)
            status, power, manning = ratif.NOT_RATIFIED, None, None
            guard = {**guard, "fallback": guardrails.fallback(ratif.NOT_RATIFIED)}
    return Built(
        members,
        decided_by,
        model_would,
        part,
        arr,
        fixed_point,
        status,
        detail,
        power,
        european,
        manning,
        guard,
        rat,
    )
