"""The exercise as a state machine: :func:`apply` one event, :func:`replay` a whole log.

The state is immutable: :func:`apply` returns a new :class:`State`, or the *same object* for an
event that changes nothing (a second identical submit, a second reveal), or raises an
:class:`~mlf.exercise.errors.ExerciseError` with one line saying why (the state is unchanged).
:func:`replay` folds :func:`apply` over a log from :func:`initial_state`; it is deterministic,
so a server that stores the setup and every accepted event can rebuild any exercise.

Phases of a round (docs/exercise.md)::

    positions --close_round--> deciding --build--> built --renegotiate--> positions (next round)
                                                        \\--end--> ended

``reveal`` (after a round closed) shows every delegation the positions stated in it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from mlf.costs import CostError
from mlf.errors import GameError
from mlf.exercise.errors import ExerciseError, InvalidAction, OutOfTurn
from mlf.exercise.events import (
    ArrangementBuilt,
    DecisionMade,
    Event,
    ExerciseEnded,
    PositionsRevealed,
    PositionStated,
    RenegotiationOpened,
    RoundClosed,
)
from mlf.exercise.referee import Built, Settlement, Value, build, settle
from mlf.exercise.setup import Context, Setup, context, table_of
from mlf.scenario import issues_for
from mlf.table import TableResult
from mlf.talks import AnalysisError

Phase = Literal["positions", "deciding", "built", "ended"]


@dataclass(frozen=True)
class Round:
    """One round of talks: who negotiates, what the seats stated, what followed."""

    number: int
    participants: tuple[str, ...]
    #: seat people play -> element -> stated position (the last one stated)
    stated: Mapping[str, Mapping[str, Value]] = field(default_factory=dict)
    revealed: bool = False
    #: seat people play -> its decision (join or not), once terms exist
    decisions: Mapping[str, bool] = field(default_factory=dict)
    settlement: Settlement | None = field(default=None, compare=False)
    built: Built | None = field(default=None, compare=False)


@dataclass(frozen=True)
class State:
    """Everything about an exercise at one moment (read it through the views)."""

    ctx: Context = field(compare=False)
    table: TableResult = field(compare=False)
    at_table: tuple[str, ...]
    elements: tuple[str, ...]
    rounds: tuple[Round, ...]
    phase: Phase
    #: the table by mlf's rule alone (a seat people play may stay away in it)
    model_table: TableResult = field(compare=False, default=TableResult(()))

    @property
    def setup(self) -> Setup:
        return self.ctx.setup

    @property
    def current(self) -> Round:
        return self.rounds[-1]

    @property
    def last_built(self) -> Round | None:
        """The last round whose arrangement was built (the outcome so far)."""
        return next((r for r in reversed(self.rounds) if r.built is not None), None)


def initial_state(setup: Setup) -> State:
    """Round 1 open for positions among the seats at the table.

    The table: model seats come by mlf's rule (:func:`mlf.talks.come_to_table`); seats people
    play sit at it. Raises :class:`SetupError` when fewer seats sit at it than the
    alternative needs (``min_members``).

    Examples:
        Three nations; people play Germany (the model plays the others, and Britain, whose
        outside option is high, stays away from the table):

        >>> from mlf.exercise import make_setup
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> setup = make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"])
        >>> state = initial_state(setup)
        >>> state.phase, state.at_table, state.elements
        ('positions', ('US', 'DE'), ('size',))
    """
    ctx = context(setup)
    sc = ctx.scenario
    alt = sc.alternatives[setup.alternative]
    table, model_table = table_of(ctx)
    at_table = table.at_table
    elements = tuple(issues_for(sc, alt))
    return State(ctx, table, at_table, elements, (Round(1, at_table),), "positions", model_table)


def _seat(state: State, seat: str) -> None:
    if seat in state.setup.seats:
        return
    alt = state.ctx.scenario.alternatives[state.setup.alternative]
    if seat in alt.invited:
        raise InvalidAction(f"seat {seat!r} is played by the model, not by a delegation")
    raise InvalidAction(f"unknown seat {seat!r} (the delegations: {', '.join(state.setup.seats)})")


def _ended(state: State) -> None:
    if state.phase == "ended":
        raise OutOfTurn("the exercise has ended: no more actions")


def _position(state: State, ev: PositionStated) -> State:
    _seat(state, ev.seat)
    _ended(state)
    rnd = state.current
    if state.phase != "positions":
        raise OutOfTurn(
            f"round {rnd.number} is closed: positions can no longer be stated or edited"
        )
    if ev.seat not in rnd.participants:
        raise OutOfTurn(
            f"{ev.seat} is not in round {rnd.number}'s talks (among "
            f"{', '.join(rnd.participants)}): only the members renegotiate"
        )
    sc = state.ctx.scenario
    if ev.issue not in state.elements:
        if ev.issue in sc.issues:
            raise InvalidAction(
                f"{ev.issue} is not an open element of {state.setup.alternative} "
                f"(open: {', '.join(state.elements) or 'none'})"
            )
        raise InvalidAction(
            f"unknown element {ev.issue!r} (open: {', '.join(state.elements) or 'none'})"
        )
    brief = sc.actors[ev.seat].positions.get(ev.issue)
    if brief is None:
        raise InvalidAction(
            f"{ev.seat} has no position on {ev.issue} in its brief: it has no stake to state"
        )
    issue = sc.issues[ev.issue]
    value: Value
    if issue.options is not None:
        ids = [o.id for o in issue.options]
        if not isinstance(ev.value, str) or ev.value not in ids:
            raise InvalidAction(
                f"{ev.issue}: {ev.value!r} is not one of its options ({', '.join(ids)})"
            )
        value = ev.value
    else:
        if isinstance(ev.value, str):
            raise InvalidAction(
                f"{ev.issue}: {ev.value!r} is not a number on its scale "
                f"{issue.lo:g}..{issue.hi:g} {issue.unit}".rstrip()
            )
        x = float(ev.value)
        if not math.isfinite(x) or not issue.lo <= x <= issue.hi:
            raise InvalidAction(
                f"{ev.issue}: {x:g} is off the scale {issue.lo:g}..{issue.hi:g} "
                f"{issue.unit}".rstrip()
            )
        value = x
    own = rnd.stated.get(ev.seat, {})
    if ev.issue in own and own[ev.issue] == value:
        return state  # an identical submit changes nothing
    stated = {**rnd.stated, ev.seat: {**own, ev.issue: value}}
    return _with_current(state, replace(rnd, stated=stated))


def _with_current(state: State, rnd: Round, phase: Phase | None = None) -> State:
    return replace(state, rounds=(*state.rounds[:-1], rnd), phase=phase or state.phase)


def _close(state: State) -> State:
    _ended(state)
    rnd = state.current
    if state.phase != "positions":
        raise OutOfTurn(f"round {rnd.number} is already closed")
    try:
        st = settle(
            state.ctx, state.at_table, rnd.participants, rnd.stated, state.elements, rnd.number - 1
        )
    except (AnalysisError, CostError, GameError) as exc:
        raise InvalidAction(f"the terms cannot be settled on these positions: {exc}") from None
    if st.error:
        raise InvalidAction(f"the terms cannot be settled on these positions: {st.error}")
    return _with_current(state, replace(rnd, settlement=st), "deciding")


def _reveal(state: State) -> State:
    _ended(state)
    rnd = state.current
    if rnd.settlement is None:
        raise OutOfTurn(f"round {rnd.number} is still open: its positions cannot be revealed yet")
    if rnd.revealed:
        return state
    return _with_current(state, replace(rnd, revealed=True))


def _decision(state: State, ev: DecisionMade) -> State:
    _seat(state, ev.seat)
    _ended(state)
    rnd = state.current
    if state.phase == "positions":
        raise OutOfTurn(
            f"no terms yet: round {rnd.number} is still open; decisions come after the chair "
            "closes it"
        )
    if state.phase == "built":
        raise OutOfTurn(f"the decisions of round {rnd.number} are closed: the arrangement is built")
    if rnd.decisions.get(ev.seat) == ev.join:
        return state
    return _with_current(state, replace(rnd, decisions={**rnd.decisions, ev.seat: ev.join}))


def _build(state: State) -> State:
    _ended(state)
    rnd = state.current
    if state.phase == "positions":
        raise OutOfTurn(f"no terms yet: round {rnd.number} is still open")
    if state.phase == "built":
        raise OutOfTurn(f"the arrangement of round {rnd.number} is already built")
    assert rnd.settlement is not None
    previous = [r.built.members for r in state.rounds[:-1] if r.built is not None]
    try:
        b = build(state.ctx, state.at_table, rnd.settlement, rnd.decisions, previous)
    except (AnalysisError, CostError, GameError) as exc:
        raise InvalidAction(f"the arrangement cannot be built: {exc}") from None
    return _with_current(state, replace(rnd, built=b), "built")


def _renegotiate(state: State) -> State:
    _ended(state)
    rnd = state.current
    if state.phase != "built":
        raise OutOfTurn(
            f"round {rnd.number}'s arrangement is not built yet: renegotiation comes after it"
        )
    assert rnd.built is not None
    alt = state.ctx.scenario.alternatives[state.setup.alternative]
    members = rnd.built.members
    if len(members) < alt.min_members:
        raise OutOfTurn(
            f"only {len(members)} nation(s) joined in round {rnd.number}; a renegotiation "
            f"among members needs {alt.min_members}"
        )
    limit = state.ctx.scenario.settings.max_renegotiations
    if len(state.rounds) >= limit:
        raise OutOfTurn(
            f"the scenario allows at most {limit} round(s) of talks "
            "(settings.max_renegotiations): end the exercise"
        )
    nxt = Round(rnd.number + 1, members)
    return replace(state, rounds=(*state.rounds, nxt), phase="positions")


def _end(state: State) -> State:
    _ended(state)
    if state.last_built is None:
        raise OutOfTurn(
            "no arrangement has been built yet: close the round and build it before ending"
        )
    return replace(state, phase="ended")


def apply(state: State, event: Event) -> State:
    """The state after ``event`` (the same object when it changes nothing).

    Raises:
        ExerciseError: :class:`OutOfTurn` or :class:`InvalidAction`, one line; the state is
            unchanged.

    Examples:
        Three nations; people play Germany (the model plays the others, and Britain, whose
        outside option is high, stays away from the table):

        >>> from mlf.exercise import ArrangementBuilt, DecisionMade, ExerciseEnded
        >>> from mlf.exercise import PositionStated, RoundClosed, make_setup
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> setup = make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"])

        Germany states 120 missiles (its brief says 150); the chair closes the round and the
        model settles the size from the stated positions (capability x salience weighted mean):

        >>> state = apply(initial_state(setup), PositionStated(seat="DE", issue="size", value=120))
        >>> state = apply(state, RoundClosed())
        >>> state.current.settlement.agreed["size"].label
        '173.3'

        An event out of turn is refused, naming why:

        >>> apply(state, RoundClosed())
        Traceback (most recent call last):
            ...
        mlf.exercise.errors.OutOfTurn: round 1 is already closed
    """
    if isinstance(event, PositionStated):
        return _position(state, event)
    if isinstance(event, RoundClosed):
        return _close(state)
    if isinstance(event, PositionsRevealed):
        return _reveal(state)
    if isinstance(event, DecisionMade):
        return _decision(state, event)
    if isinstance(event, ArrangementBuilt):
        return _build(state)
    if isinstance(event, RenegotiationOpened):
        return _renegotiate(state)
    if isinstance(event, ExerciseEnded):
        return _end(state)
    raise ExerciseError(f"unknown event {event!r}")  # pragma: no cover - the union is closed


def replay(setup: Setup, events: Iterable[Event]) -> State:
    """The state after every event of the log, in order, from :func:`initial_state`.

    A log holds only accepted events, so an event that :func:`apply` refuses here means the
    log does not belong to this setup: the error says which event (1-based).

    Examples:
        Three nations; people play Germany (the model plays the others, and Britain, whose
        outside option is high, stays away from the table):

        >>> from mlf.exercise import ArrangementBuilt, DecisionMade, ExerciseEnded
        >>> from mlf.exercise import PositionStated, RoundClosed, make_setup
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
        >>> built = state.last_built.built
        >>> state.phase, built.status, built.members
        ('ended', 'agreement', ('US', 'DE'))
    """
    state = initial_state(setup)
    for i, ev in enumerate(events, 1):
        try:
            state = apply(state, ev)
        except ExerciseError as exc:
            raise type(exc)(f"event {i} ({ev.type}): {exc}") from None
    return state
