"""Exercises in a running server: their state rebuilt from the log, and actions appended to it.

The event log in the database is the source of truth. :class:`Exercises` keeps each exercise's
state in memory as a cache of ``replay(setup, log)``, named by the number of events it holds:

* a read (:meth:`Exercises.live`) checks the cache with one indexed query (the log's length,
  and whether the exercise still exists) and replays only the events the cache lacks, so a
  restart or a second server process on the same database sees exactly what was committed;
* a live stream woken by an action of this process reads the cache that action left
  (:meth:`Exercises.peek`), without asking the database.

An action (:meth:`Exercises.act`) is one or more events applied in order with
:func:`mlf.exercise.apply` to the cached state: if any is refused (out of turn, off the scale),
none is stored and the error is raised; events that change nothing (a second identical submit)
are not stored; the rest are appended after the cached state through the group commit
(:class:`mlf.web.commit.GroupCommit`), committed, and only then is the new state returned and
the exercise's listeners woken (:class:`mlf.web.live.Broker`). Writes to one exercise are
serialised by a lock in this process and, across processes, by the log's unique
``(exercise, seq)``: a writer that loses the race re-reads the log and tries again. A refusal
or a "no change" is answered only after re-reading the log, so a stale cache can neither refuse
an action the log allows nor drop one as a repeat.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from mlf.exercise import (
    Event,
    ExerciseError,
    Setup,
    State,
    apply,
    event_json,
    initial_state,
    parse_event,
)
from mlf.web import store
from mlf.web.commit import GroupCommit
from mlf.web.live import Broker

_RETRIES = 20


class NoSuchExercise(LookupError):
    """The exercise is not in the database (never made, or deleted)."""


@dataclass(frozen=True)
class Live:
    """An exercise's state after its first ``seq`` events."""

    exercise_id: str
    title: str
    seq: int
    state: State

    @property
    def setup(self) -> Setup:
        return self.state.setup


class Exercises:
    """The exercises of one database, with their replayed states cached."""

    def __init__(self, engine: Engine, broker: Broker | None = None) -> None:
        self.engine = engine
        self.broker = broker if broker is not None else Broker()
        self.log = GroupCommit(engine)
        self._cache: dict[str, Live] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, exercise_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(exercise_id, threading.Lock())

    def forget(self, exercise_id: str) -> None:
        """Drop an exercise from the cache (after it was deleted)."""
        with self._guard:
            self._cache.pop(exercise_id, None)

    def _catch_up(self, exercise_id: str) -> Live:
        live = self._cache.get(exercise_id)
        if live is None:
            row = store.get_exercise(self.engine, exercise_id)
            if row is None:
                raise NoSuchExercise(exercise_id)
            setup = Setup.model_validate_json(row.setup)
            live = Live(exercise_id, row.title, 0, initial_state(setup))
        new = store.events_after(self.engine, exercise_id, live.seq)
        if new:
            state = live.state
            for ev in new:
                state = apply(state, parse_event(ev.data))
            live = Live(exercise_id, live.title, new[-1].seq, state)
        with self._guard:
            self._cache[exercise_id] = live
        return live

    def _verified(self, exercise_id: str) -> Live:
        """The cached state if the database holds exactly its events; else caught up."""
        cached = self._cache.get(exercise_id)
        if cached is not None:
            seq = store.log_length(self.engine, exercise_id)
            if seq == cached.seq:
                return cached
            if seq is None or seq < cached.seq:  # deleted (by another process)
                self.forget(exercise_id)
                raise NoSuchExercise(exercise_id)
        with self._lock(exercise_id):
            return self._catch_up(exercise_id)

    def live(self, exercise_id: str) -> Live:
        """The exercise's state after every committed event (:class:`NoSuchExercise`).

        One cheap query (the log's length) checks the cached state; the log is read and
        replayed only from where the cache stops (a restart, another server process).
        """
        return self._verified(exercise_id)

    def cached(self, exercise_id: str) -> Live:
        """The state as this process last committed or read it, without asking the database.

        For a live stream woken by an action of this process (:meth:`act` publishes after its
        commit, so the cache holds it); it falls back to :meth:`live` for an exercise not yet
        read here.
        """
        live = self.peek(exercise_id)
        return live if live is not None else self.live(exercise_id)

    def peek(self, exercise_id: str) -> Live | None:
        """The cached state, or ``None`` if this process has not read the exercise."""
        with self._guard:
            return self._cache.get(exercise_id)

    def act(self, exercise_id: str, events: Sequence[Event]) -> tuple[Live, int]:
        """Apply ``events`` in order, store those that change the state, commit, and return
        the new state with how many were stored (0 for a repeat that changes nothing).

        The events are checked against the cached state and appended after it; the log's
        unique ``(exercise, seq)`` refuses the append if another process wrote first, and then
        the log is re-read and the events checked again. A refusal or a "no change" is only
        answered after checking that the cache holds every committed event.

        Raises:
            mlf.exercise.ExerciseError: an event is refused; nothing is stored.
            NoSuchExercise: there is no such exercise.
        """
        with self._lock(exercise_id):
            live = self._cache.get(exercise_id) or self._catch_up(exercise_id)
            verified = False
            for _ in range(_RETRIES):
                state = live.state
                accepted: list[Event] = []
                try:
                    for ev in events:
                        after = apply(state, ev)
                        if after is not state:
                            accepted.append(ev)
                            state = after
                except ExerciseError:
                    if verified:
                        raise
                    accepted = []
                if not accepted:
                    if not verified:  # is the cache behind the log? then check again
                        live, verified = self._catch_up(exercise_id), True
                        continue
                    return live, 0
                rows = [(ev.type, getattr(ev, "seat", None), event_json(ev)) for ev in accepted]
                try:
                    self.log.append(exercise_id, live.seq + 1, rows)
                except store.SeqTaken:
                    # another process wrote first (or the exercise is gone): re-read, re-apply
                    self.forget(exercise_id)
                    live, verified = self._catch_up(exercise_id), True
                    continue
                new = Live(exercise_id, live.title, live.seq + len(rows), state)
                with self._guard:
                    self._cache[exercise_id] = new
                self.broker.publish(exercise_id)
                return new, len(rows)
        raise RuntimeError(f"{exercise_id}: the event log kept moving; try again")
