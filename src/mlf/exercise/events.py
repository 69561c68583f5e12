"""The events of an exercise: what a seat or the chair did, one record each.

An exercise is its setup plus an append-only list of these events; its state is rebuilt by
folding :func:`mlf.exercise.apply` over them (:func:`mlf.exercise.replay`). Each event is a
small pydantic model with a ``type`` tag and a format version ``v``, serialised as JSON by
``event.model_dump_json()`` and read back by :func:`parse_event` (one line naming the field on
a malformed record). The rules that accept or refuse each event are in
:mod:`mlf.exercise.state` and docs/exercise.md.

Seat events name their ``seat`` (the web layer fills it from the seat's session, never from a
form); chair events have none. No event carries a computed result: terms, arrangements and
model decisions are recomputed from the inputs on replay, deterministically.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from mlf.exercise.errors import InvalidAction

EVENT_VERSION = 1
"""The version of the event records this mlf writes and reads."""


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    v: Literal[1] = 1


class PositionStated(_Event):
    """A seat states (or edits) its position on one open element of the current round.

    ``value`` is a number on the element's scale, or an option id of an options element.
    """

    type: Literal["position"] = "position"
    seat: str
    issue: str
    value: float | str


class RoundClosed(_Event):
    """The chair closes the current round: the model settles the terms from the positions."""

    type: Literal["close_round"] = "close_round"


class PositionsRevealed(_Event):
    """The chair shows every delegation the positions stated in the last closed round."""

    type: Literal["reveal"] = "reveal"


class DecisionMade(_Event):
    """A seat decides to join the arrangement on the settled terms, or to stay out."""

    type: Literal["decision"] = "decision"
    seat: str
    join: bool


class ArrangementBuilt(_Event):
    """The chair closes the decisions: the model seats decide, the arrangement is built among
    those who join, and analysed (control, costs, manning, guardrails)."""

    type: Literal["build"] = "build"


class RenegotiationOpened(_Event):
    """The chair opens a new round of talks among the members of the arrangement."""

    type: Literal["renegotiate"] = "renegotiate"


class ExerciseEnded(_Event):
    """The chair ends the exercise: the last arrangement built is its outcome."""

    type: Literal["end"] = "end"


Event = Annotated[
    PositionStated
    | RoundClosed
    | PositionsRevealed
    | DecisionMade
    | ArrangementBuilt
    | RenegotiationOpened
    | ExerciseEnded,
    Field(discriminator="type"),
]
"""Any event (a tagged union on ``type``)."""

_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

SEAT_EVENTS = frozenset({"position", "decision"})
"""Event types a seat takes; every other type is the chair's."""


def parse_event(data: str | bytes | dict[str, Any]) -> Event:
    """An event from its JSON text (or a dict), or :class:`InvalidAction` in one line.

    Examples:
        >>> parse_event('{"type": "decision", "seat": "DE", "join": true}')
        DecisionMade(v=1, type='decision', seat='DE', join=True)
        >>> parse_event({"type": "decision", "seat": "DE"})
        Traceback (most recent call last):
            ...
        mlf.exercise.errors.InvalidAction: event: decision.join: Field required
    """
    try:
        if isinstance(data, dict):
            return _ADAPTER.validate_python(data)
        return _ADAPTER.validate_json(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"]) or "(event)"
        raise InvalidAction(f"event: {where}: {err['msg']}") from None


def event_json(event: Event) -> str:
    """The event as one line of JSON (the form stored in an event log).

    Examples:
        >>> event_json(PositionStated(seat="DE", issue="size", value=120))
        '{"v":1,"type":"position","seat":"DE","issue":"size","value":120.0}'
        >>> parse_event(event_json(RoundClosed())) == RoundClosed()
        True
    """
    return event.model_dump_json()
