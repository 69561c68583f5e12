"""Errors of an exercise: one line each, naming the seat, element or action at fault.

An action a person takes at the table (state a position, decide, close a round) that the rules
of the exercise (docs/exercise.md) do not allow is refused with an :class:`ExerciseError`; the
state does not change. The web layer shows ``str(error)`` and stores nothing.
"""

from __future__ import annotations

from mlf.errors import MlfError, UsageError


class ExerciseError(MlfError):
    """An action the exercise refuses (the base class; the message is one line)."""


class SetupError(UsageError):
    """An exercise that cannot be set up: unknown alternative, model or seat, a bad seed."""


class OutOfTurn(ExerciseError):
    """An action at the wrong moment: a decision before terms exist, a submit after the round
    closed, a renegotiation before the arrangement is built, anything after the end."""


class InvalidAction(ExerciseError):
    """An action that is wrong at any moment: an unknown seat or element, a position off the
    scale or not one of the options, a seat the model plays."""
