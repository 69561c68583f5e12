"""Reading and writing the ``mlf serve`` database: exercises, seats, the event log, sessions.

Every function takes the :class:`~sqlalchemy.engine.Engine` and runs in its own transaction,
committed before it returns: a caller that has a return value knows its write is durable
(the web layer replies only after that). The event log is only ever appended to
(:func:`append_event`); its ``(exercise_id, seq)`` uniqueness makes a second writer of the same
``seq`` fail with :class:`SeqTaken` instead of both being stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from mlf.web import db
from mlf.web.tokens import new_id, new_token, token_hash

SESSION_DAYS = 14
"""How long a browser session lasts before its link must be opened again."""

ROLES = ("organiser", "chair", "seat")
"""The roles a session can hold: the server's organiser, one exercise's chair, one seat."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SeqTaken(Exception):
    """Another writer appended the event with this ``seq`` first (retry from its state)."""


@dataclass(frozen=True)
class ExerciseRow:
    """One exercise as stored."""

    id: str
    title: str
    setup: str
    created_at: dt.datetime


@dataclass(frozen=True)
class EventRow:
    """One stored event: its place in the log, its type, the seat that took it, its JSON."""

    seq: int
    type: str
    seat: str | None
    data: str


@dataclass(frozen=True)
class Session:
    """A browser session: who it is (role, exercise, seat) and its CSRF token."""

    role: str
    exercise_id: str | None
    seat: str | None
    csrf: str


@dataclass(frozen=True)
class Links:
    """The secret tokens of a new (or re-issued) exercise: shown once, stored only hashed."""

    exercise_id: str
    chair: str
    seats: dict[str, str]


def create_exercise(engine: Engine, title: str, setup: str, seat_ids: Sequence[str]) -> Links:
    """Store a new exercise with one token per seat and one for the chair; return the tokens."""
    eid = new_id()
    chair = new_token()
    tokens = {s: new_token() for s in seat_ids}
    with engine.begin() as conn:
        conn.execute(
            insert(db.exercises).values(
                id=eid,
                created_at=_now(),
                title=title[:500],
                setup=setup,
                chair_token_hash=token_hash(chair),
            )
        )
        if tokens:
            conn.execute(
                insert(db.seats),
                [
                    {"exercise_id": eid, "seat": s, "token_hash": token_hash(t)}
                    for s, t in tokens.items()
                ],
            )
    return Links(eid, chair, tokens)


def reissue_links(engine: Engine, exercise_id: str) -> Links | None:
    """New chair and seat tokens for an exercise; the old links stop working, and so do the
    sessions opened with them. ``None`` if there is no such exercise."""
    chair = new_token()
    with engine.begin() as conn:
        found = conn.execute(
            update(db.exercises)
            .where(db.exercises.c.id == exercise_id)
            .values(chair_token_hash=token_hash(chair))
        ).rowcount
        if not found:
            return None
        names = conn.execute(
            select(db.seats.c.seat).where(db.seats.c.exercise_id == exercise_id)
        ).scalars()
        tokens = {s: new_token() for s in names}
        for s, t in tokens.items():
            conn.execute(
                update(db.seats)
                .where(db.seats.c.exercise_id == exercise_id, db.seats.c.seat == s)
                .values(token_hash=token_hash(t))
            )
        conn.execute(
            update(db.sessions).where(db.sessions.c.exercise_id == exercise_id).values(revoked=True)
        )
    return Links(exercise_id, chair, tokens)


def list_exercises(engine: Engine) -> list[ExerciseRow]:
    """Every exercise, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(db.exercises).order_by(db.exercises.c.created_at.desc())
        ).mappings()
        return [ExerciseRow(r["id"], r["title"], r["setup"], r["created_at"]) for r in rows]


def get_exercise(engine: Engine, exercise_id: str) -> ExerciseRow | None:
    """One exercise, or ``None``."""
    with engine.connect() as conn:
        r = (
            conn.execute(select(db.exercises).where(db.exercises.c.id == exercise_id))
            .mappings()
            .first()
        )
    return None if r is None else ExerciseRow(r["id"], r["title"], r["setup"], r["created_at"])


def delete_exercise(engine: Engine, exercise_id: str) -> bool:
    """Delete an exercise with its seats, events and sessions; whether it existed."""
    with engine.begin() as conn:
        for table in (db.sessions, db.events, db.seats):
            conn.execute(delete(table).where(table.c.exercise_id == exercise_id))
        return bool(
            conn.execute(delete(db.exercises).where(db.exercises.c.id == exercise_id)).rowcount
        )


def find_link(engine: Engine, token: str) -> tuple[str, str, str | None] | None:
    """What a join or chair link's token opens: ``(role, exercise_id, seat)``, or ``None``."""
    h = token_hash(token)
    with engine.connect() as conn:
        chair = conn.execute(
            select(db.exercises.c.id).where(db.exercises.c.chair_token_hash == h)
        ).first()
        if chair is not None:
            return ("chair", chair[0], None)
        seat = conn.execute(
            select(db.seats.c.exercise_id, db.seats.c.seat).where(db.seats.c.token_hash == h)
        ).first()
    return None if seat is None else ("seat", seat[0], seat[1])


def open_session(
    engine: Engine, role: str, exercise_id: str | None = None, seat: str | None = None
) -> tuple[str, Session]:
    """Start a session; return its cookie value (a new token) and what it grants."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    cookie = new_token()
    csrf = new_token()
    now = _now()
    with engine.begin() as conn:
        conn.execute(
            insert(db.sessions).values(
                token_hash=token_hash(cookie),
                role=role,
                exercise_id=exercise_id,
                seat=seat,
                csrf=csrf,
                created_at=now,
                expires_at=now + dt.timedelta(days=SESSION_DAYS),
                revoked=False,
            )
        )
    return cookie, Session(role, exercise_id, seat, csrf)


def get_session(engine: Engine, cookie: str) -> Session | None:
    """The live session a cookie names (not expired, not revoked), or ``None``."""
    with engine.connect() as conn:
        r = (
            conn.execute(select(db.sessions).where(db.sessions.c.token_hash == token_hash(cookie)))
            .mappings()
            .first()
        )
    if r is None or r["revoked"]:
        return None
    expires = r["expires_at"]
    if expires.tzinfo is None:  # SQLite returns naive datetimes (stored as UTC)
        expires = expires.replace(tzinfo=dt.UTC)
    if expires <= _now():
        return None
    return Session(r["role"], r["exercise_id"], r["seat"], r["csrf"])


def close_session(engine: Engine, cookie: str) -> None:
    """End a session (log out)."""
    with engine.begin() as conn:
        conn.execute(
            update(db.sessions)
            .where(db.sessions.c.token_hash == token_hash(cookie))
            .values(revoked=True)
        )


def events_after(engine: Engine, exercise_id: str, after: int = 0) -> list[EventRow]:
    """The exercise's events with ``seq > after``, in order."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(db.events.c.seq, db.events.c.type, db.events.c.seat, db.events.c.data)
            .where(db.events.c.exercise_id == exercise_id, db.events.c.seq > after)
            .order_by(db.events.c.seq)
        )
        return [EventRow(r[0], r[1], r[2], r[3]) for r in rows]


def last_seq(engine: Engine, exercise_id: str) -> int:
    """The ``seq`` of the exercise's newest event (0 when it has none)."""
    with engine.connect() as conn:
        got = conn.execute(
            select(func.max(db.events.c.seq)).where(db.events.c.exercise_id == exercise_id)
        ).scalar()
    return int(got or 0)


def log_length(engine: Engine, exercise_id: str) -> int | None:
    """The ``seq`` of the exercise's newest event (0 when it has none), ``None`` if there is
    no such exercise: one indexed query, to check a cached state against the log."""
    newest = (
        select(func.max(db.events.c.seq))
        .where(db.events.c.exercise_id == exercise_id)
        .scalar_subquery()
    )
    with engine.connect() as conn:
        row = conn.execute(
            select(db.exercises.c.id, newest).where(db.exercises.c.id == exercise_id)
        ).first()
    return None if row is None else int(row[1] or 0)


def append_events(
    engine: Engine,
    exercise_id: str,
    first_seq: int,
    rows: Sequence[tuple[str, str | None, str]],
) -> None:
    """Append ``(type, seat, json)`` events as ``first_seq, first_seq + 1, ...`` in one
    transaction and commit; :class:`SeqTaken` (nothing stored) if a ``seq`` is taken."""
    now = _now()
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(db.events),
                [
                    {
                        "exercise_id": exercise_id,
                        "seq": first_seq + i,
                        "type": type_,
                        "seat": seat,
                        "data": data,
                        "created_at": now,
                    }
                    for i, (type_, seat, data) in enumerate(rows)
                ],
            )
    except IntegrityError:
        raise SeqTaken(f"{exercise_id}: event {first_seq} was appended by another writer") from None
