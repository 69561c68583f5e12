"""Group commit: the actions of many exercises that arrive together share one transaction.

Every accepted action is committed (on SQLite, ``synchronous=FULL``: the write-ahead log is
flushed to the disk with ``fsync``) before its reply. An ``fsync`` costs milliseconds (3 ms on
the machine the load benchmark runs on), and SQLite commits one transaction at a time, so with
one transaction per action a class of 240 delegations submitting at the same moment waits in a
queue of 240 ``fsync`` calls. The classic remedy of databases (group commit, as in
PostgreSQL's ``commit_delay`` or InnoDB's binary-log group commit) is used here:

* a thread with events to append puts them in a queue; if no thread is writing, it becomes the
  *leader*: it takes everything queued, writes it in **one** transaction (each exercise's
  events in their own SAVEPOINT, so one exercise's conflict does not undo another's), commits
  (one ``fsync``), and tells each waiting thread how its append went;
* threads that queued while the leader was writing wait; when the leader is done it hands the
  leadership to the first of them, which writes the next group.

No action is acknowledged before the transaction holding it is committed, so the guarantee is
unchanged (a SIGKILL, or a power loss on SQLite's ``synchronous=FULL``, loses no acknowledged
action); what changes is that many actions share one ``fsync``. A group that fails as a whole
(the database is unreachable) raises its error in every thread that queued in it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from mlf.web import db, store

Row = tuple[str, str | None, str]
"""One event to append: ``(type, seat, json)``."""


@dataclass(eq=False)
class _Append:
    exercise_id: str
    first_seq: int
    rows: Sequence[Row]
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # set when the leadership is handed to this append's thread
    finished: bool = False
    error: BaseException | None = None


class GroupCommit:
    """Appends to the event log, many exercises' at once in one transaction (thread-safe)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._queue: list[_Append] = []
        self._writing = False
        self.groups = 0
        """How many transactions have been committed (for tests and benchmarks)."""

    def append(self, exercise_id: str, first_seq: int, rows: Sequence[Row]) -> None:
        """Append ``rows`` as ``first_seq, first_seq + 1, ...`` and return once committed.

        Raises:
            mlf.web.store.SeqTaken: a ``seq`` is taken (or the exercise is gone); nothing of
                this call is stored.
        """
        item = _Append(exercise_id, first_seq, rows)
        with self._lock:
            self._queue.append(item)
            lead = not self._writing
            self._writing = True
        if not lead:
            item.done.wait()
            if not item.finished:  # the leadership was handed to this thread
                self._lead()
        else:
            self._lead()
        if item.error is not None:
            raise item.error

    def _lead(self) -> None:
        with self._lock:
            group, self._queue = self._queue, []
        try:
            self._write(group)
        except BaseException as exc:  # the whole group failed: every caller sees the error
            for item in group:
                item.error = exc
        for item in group:
            item.finished = True
            item.done.set()
        with self._lock:
            if self._queue:
                nxt = self._queue[0]
                nxt.lead = True
                nxt.done.set()
            else:
                self._writing = False

    def _write(self, group: list[_Append]) -> None:
        now = dt.datetime.now(dt.UTC)
        with self.engine.begin() as conn:
            for item in group:
                savepoint = conn.begin_nested() if len(group) > 1 else None
                try:
                    conn.execute(
                        insert(db.events),
                        [
                            {
                                "exercise_id": item.exercise_id,
                                "seq": item.first_seq + i,
                                "type": type_,
                                "seat": seat,
                                "data": data,
                                "created_at": now,
                            }
                            for i, (type_, seat, data) in enumerate(item.rows)
                        ],
                    )
                except IntegrityError:
                    if savepoint is None:
                        raise store.SeqTaken(_taken(item)) from None
                    savepoint.rollback()
                    item.error = store.SeqTaken(_taken(item))
                else:
                    if savepoint is not None:
                        savepoint.commit()
        self.groups += 1


def _taken(item: _Append) -> str:
    return f"{item.exercise_id}: event {item.first_seq} was appended by another writer"
