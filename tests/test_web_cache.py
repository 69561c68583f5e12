"""What makes ``mlf serve`` fast without giving up a guarantee: group commit, the cached states
and sessions, and when each is checked against the database.

Each test runs on SQLite and PostgreSQL (the ``db_url`` fixture, as in test_web_store.py).
"""

from __future__ import annotations

import threading

import pytest

from mlf.exercise import PositionStated, builtin_setup, event_json, parse_event
from mlf.web import db, store
from mlf.web.commit import GroupCommit, _Append
from mlf.web.runtime import Exercises, NoSuchExercise
from mlf.web.sessions import Sessions

SEATS = ("USA", "FRG", "NLD")


def _engine(url: str):  # type: ignore[no-untyped-def]
    engine = db.make_engine(url)
    db.migrate(engine)
    return engine


def _exercise(engine) -> str:  # type: ignore[no-untyped-def]
    setup = builtin_setup("mlf-1963", alternative="mlf_surface", seats=list(SEATS))
    return store.create_exercise(engine, "t", setup.model_dump_json(), SEATS).exercise_id


def _row(value: float) -> tuple[str, str, str]:
    return (
        "position",
        "FRG",
        event_json(PositionStated(seat="FRG", issue="force_size", value=value)),
    )


def test_many_threads_appending_at_once_share_transactions_and_lose_nothing(db_url: str) -> None:
    engine = _engine(db_url)
    ids = [_exercise(engine) for _ in range(12)]
    log = GroupCommit(engine)
    start = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def run(eid: str) -> None:
        try:
            start.wait(30)
            for seq in range(1, 6):
                log.append(eid, seq, [_row(float(seq))])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(eid,)) for eid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    for eid in ids:
        assert [e.seq for e in store.events_after(engine, eid)] == [1, 2, 3, 4, 5]
    assert log.groups <= 5 * len(ids)  # one transaction per group, never more than appends
    engine.dispose()


def test_a_conflict_in_a_group_undoes_only_its_own_exercise(db_url: str) -> None:
    engine = _engine(db_url)
    a, b = _exercise(engine), _exercise(engine)
    store.append_events(engine, a, 1, [_row(1.0)])
    log = GroupCommit(engine)
    taken = _Append(a, 1, [_row(2.0), _row(3.0)])  # seq 1 of a is taken
    fine = _Append(b, 1, [_row(4.0), _row(5.0)])
    log._write([taken, fine])  # one transaction, as a leader writes a group
    assert isinstance(taken.error, store.SeqTaken)
    assert fine.error is None
    assert [parse_event(e.data).value for e in store.events_after(engine, a)] == [1.0]  # type: ignore[union-attr]
    assert [parse_event(e.data).value for e in store.events_after(engine, b)] == [4.0, 5.0]  # type: ignore[union-attr]
    with pytest.raises(store.SeqTaken):
        log.append(b, 2, [_row(6.0)])  # alone in its group: the error reaches the caller
    engine.dispose()


def test_a_cached_state_is_checked_against_the_log(db_url: str) -> None:
    """Two caches on one database, as two server processes: each sees the other's writes,
    a repeat that is a repeat only in a stale cache is stored, a deletion is noticed."""
    engine = _engine(db_url)
    eid = _exercise(engine)
    one, two = Exercises(engine), Exercises(engine)
    one.act(eid, [PositionStated(seat="FRG", issue="force_size", value=100.0)])
    assert two.live(eid).seq == 1
    two.act(eid, [PositionStated(seat="FRG", issue="force_size", value=200.0)])
    assert one.peek(eid) is not None and one.peek(eid).seq == 1  # type: ignore[union-attr]
    # 100 is "no change" in one's stale cache, but the log says 200: it must be stored
    live, stored = one.act(eid, [PositionStated(seat="FRG", issue="force_size", value=100.0)])
    assert (live.seq, stored) == (3, 1)
    assert two.live(eid).state.current.stated["FRG"]["force_size"] == 100.0
    _, again = two.act(eid, [PositionStated(seat="FRG", issue="force_size", value=100.0)])
    assert again == 0  # a true repeat changes nothing
    assert store.delete_exercise(engine, eid)
    with pytest.raises(NoSuchExercise):
        one.live(eid)  # deleted through the other "process"
    with pytest.raises(NoSuchExercise):
        two.act(eid, [PositionStated(seat="FRG", issue="force_size", value=300.0)])
    engine.dispose()


def test_sessions_are_cached_and_revoked_at_once_here(db_url: str) -> None:
    engine = _engine(db_url)
    eid = _exercise(engine)
    cookie, session = store.open_session(engine, "seat", eid, "FRG")
    other, _ = store.open_session(engine, "chair", eid, None)
    here = Sessions(engine)
    assert here.get(cookie) == session and here.cached(cookie) == session
    assert here.get("no-such-cookie") is None and here.cached("no-such-cookie") is None
    store.close_session(engine, cookie)  # through another process: seen at the next check
    assert here.cached(cookie) == session
    assert Sessions(engine, recheck=0.0).get(cookie) is None
    here.get(other)
    store.reissue_links(engine, eid)
    here.forget_exercise(eid)  # what this process does after re-issuing: at once
    assert here.cached(other) is None and here.get(other) is None
    fresh, _ = store.open_session(engine, "seat", eid, "USA")
    here.get(fresh)
    here.close(fresh)  # log out through this process: at once
    assert here.get(fresh) is None
    engine.dispose()
