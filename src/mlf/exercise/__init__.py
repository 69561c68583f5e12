"""The exercise: mlf's talks played by people at the table, with mlf as the referee.

An exercise is a :class:`Setup` (scenario, alternative, model, the seats people play, seed)
and an append-only log of events (:mod:`mlf.exercise.events`). Its state is a deterministic
function of both: :func:`replay` folds :func:`apply` over the log. The referee
(:mod:`mlf.exercise.referee`) calls the talks' own functions: the model settles the terms from
the stated positions, mlf builds and analyses the arrangement, model seats decide by mlf's
rule. Views (:mod:`mlf.exercise.views`) filter what each person sees; the debrief
(:mod:`mlf.exercise.debrief`) exports the exercise as a result and compares it with the
model's own forecast. The rules as computed: docs/exercise.md.

Pure computation: no I/O, no printing; the web layer (``mlf serve``) stores and serves it.
"""

from __future__ import annotations

from mlf.exercise.debrief import (
    comparison,
    comparison_tables,
    exercise_report_html,
    exercise_result,
)
from mlf.exercise.errors import ExerciseError, InvalidAction, OutOfTurn, SetupError
from mlf.exercise.events import (
    EVENT_VERSION,
    SEAT_EVENTS,
    ArrangementBuilt,
    DecisionMade,
    Event,
    ExerciseEnded,
    PositionsRevealed,
    PositionStated,
    RenegotiationOpened,
    RoundClosed,
    event_json,
    parse_event,
)
from mlf.exercise.record import outcome_of
from mlf.exercise.setup import SETUP_VERSION, Setup, builtin_setup, make_setup
from mlf.exercise.state import Round, State, apply, initial_state, replay
from mlf.exercise.views import chair_view, public_view, seat_view

__all__ = [
    "EVENT_VERSION",
    "SEAT_EVENTS",
    "SETUP_VERSION",
    "ArrangementBuilt",
    "DecisionMade",
    "Event",
    "ExerciseEnded",
    "ExerciseError",
    "InvalidAction",
    "OutOfTurn",
    "PositionStated",
    "PositionsRevealed",
    "RenegotiationOpened",
    "Round",
    "RoundClosed",
    "Setup",
    "SetupError",
    "State",
    "apply",
    "builtin_setup",
    "chair_view",
    "comparison",
    "comparison_tables",
    "event_json",
    "exercise_report_html",
    "exercise_result",
    "initial_state",
    "make_setup",
    "outcome_of",
    "parse_event",
    "public_view",
    "replay",
    "seat_view",
]
