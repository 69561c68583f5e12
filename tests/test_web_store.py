"""The ``mlf serve`` database on SQLite and on PostgreSQL: schema, tokens, sessions, the event log.

Each test runs once per backend (the ``db_url`` fixture in tests/conftest.py: a SQLite file,
and a fresh database on the PostgreSQL server that .ci/run or the fixture started).
"""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from mlf.exercise import (
    OutOfTurn,
    PositionStated,
    RoundClosed,
    builtin_setup,
    chair_view,
    event_json,
    parse_event,
    replay,
)
from mlf.web import db, store
from mlf.web.runtime import Exercises, NoSuchExercise
from mlf.web.tokens import token_hash

SEATS = ("USA", "FRG", "NLD")


def _engine(url: str):  # type: ignore[no-untyped-def]
    engine = db.make_engine(url)
    db.migrate(engine)
    return engine


def _setup():  # type: ignore[no-untyped-def]
    return builtin_setup("mlf-1963", alternative="mlf_surface", seats=list(SEATS))


def test_migrations_build_exactly_the_tables_and_run_twice(db_url: str) -> None:
    engine = _engine(db_url)
    db.migrate(engine)  # idempotent: a restart runs it again
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
        names = set(inspect(conn).get_table_names())
    assert {"exercises", "seats", "events", "sessions", "alembic_version"} <= names
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = _engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


def test_links_and_sessions(db_url: str) -> None:
    engine = _engine(db_url)
    links = store.create_exercise(engine, "t", _setup().model_dump_json(), SEATS)
    assert store.find_link(engine, links.chair) == ("chair", links.exercise_id, None)
    assert store.find_link(engine, links.seats["FRG"]) == ("seat", links.exercise_id, "FRG")
    assert store.find_link(engine, links.chair + "x") is None
    with engine.connect() as conn:
        stored = [r[0] for r in conn.execute(select(db.seats.c.token_hash))]
    assert token_hash(links.seats["FRG"]) in stored
    assert links.seats["FRG"] not in stored
    cookie, session = store.open_session(engine, "seat", links.exercise_id, "FRG")
    assert store.get_session(engine, cookie) == session
    assert store.get_session(engine, cookie + "x") is None
    new = store.reissue_links(engine, links.exercise_id)
    assert new is not None and store.find_link(engine, links.seats["FRG"]) is None
    assert store.get_session(engine, cookie) is None  # revoked with the old links
    assert store.delete_exercise(engine, links.exercise_id)
    assert store.find_link(engine, new.chair) is None
    assert not store.delete_exercise(engine, links.exercise_id)
    engine.dispose()


def test_the_log_never_takes_two_events_with_one_seq(db_url: str) -> None:
    engine = _engine(db_url)
    eid = store.create_exercise(engine, "t", _setup().model_dump_json(), SEATS).exercise_id
    ev = event_json(PositionStated(seat="FRG", issue="force_size", value=200.0))
    store.append_events(engine, eid, 1, [("position", "FRG", ev)])
    with pytest.raises(store.SeqTaken):
        store.append_events(engine, eid, 1, [("position", "FRG", ev)])
    # a batch whose second event collides stores none of it (one transaction)
    store.append_events(engine, eid, 4, [("position", "FRG", ev)])
    with pytest.raises(store.SeqTaken):
        store.append_events(engine, eid, 3, [("position", "FRG", ev), ("position", "FRG", ev)])
    assert [e.seq for e in store.events_after(engine, eid)] == [1, 4]
    engine.dispose()


def test_state_is_rebuilt_from_the_log_after_a_restart(db_url: str) -> None:
    engine = _engine(db_url)
    setup = _setup()
    eid = store.create_exercise(engine, "t", setup.model_dump_json(), SEATS).exercise_id
    first = Exercises(engine)
    first.act(eid, [PositionStated(seat="FRG", issue="force_size", value=250.0)])
    _, stored = first.act(eid, [PositionStated(seat="FRG", issue="force_size", value=250.0)])
    assert stored == 0  # a repeat changes nothing and is not stored
    first.act(eid, [PositionStated(seat="USA", issue="cost_split", value=35.0), RoundClosed()])
    with pytest.raises(OutOfTurn):
        first.act(eid, [PositionStated(seat="NLD", issue="force_size", value=100.0)])
    engine.dispose()
    # "restart": a new engine and a new cache read the same database
    engine = _engine(db_url)
    again = Exercises(engine).live(eid)
    assert again.seq == 3
    events = [parse_event(e.data) for e in store.events_after(engine, eid)]
    assert chair_view(again.state) == chair_view(replay(setup, events))
    assert again.state.phase == "deciding"
    with pytest.raises(NoSuchExercise):
        Exercises(engine).live("no-such-id")
    engine.dispose()


def test_two_writers_on_one_exercise_lose_and_duplicate_nothing(db_url: str) -> None:
    """Two caches (as two server processes would have) append concurrently to one log."""
    engine = _engine(db_url)
    eid = store.create_exercise(engine, "t", _setup().model_dump_json(), SEATS).exercise_id
    writers = [Exercises(engine), Exercises(engine)]
    values = {"FRG": [100.0 + i for i in range(12)], "USA": [200.0 + i for i in range(12)]}
    errors: list[BaseException] = []

    def run(w: Exercises, seat: str) -> None:
        try:
            for v in values[seat]:
                w.act(eid, [PositionStated(seat=seat, issue="force_size", value=v)])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(writers[0], "FRG")),
        threading.Thread(target=run, args=(writers[1], "USA")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    log = store.events_after(engine, eid)
    assert [e.seq for e in log] == list(range(1, 25))
    got = {s: [parse_event(e.data).value for e in log if e.seat == s] for s in values}  # type: ignore[union-attr]
    assert got == values
    engine.dispose()
