"""Sessions by cookie, read from the database and kept in memory for a few seconds.

Every request and every live stream asks who is behind its cookie. The answer is a row of the
``sessions`` table (its primary key is the SHA-256 of the cookie), and it changes only when a
session is opened, ended (log out), or revoked (the organiser re-issues an exercise's links or
deletes it). A server process keeps the answers it read for :data:`RECHECK_SECONDS`, and drops
them at once when it ends or revokes a session itself; so a revocation made through this
process takes effect immediately, and one made through *another* server process on the same
database within :data:`RECHECK_SECONDS`. A cookie that names no session is never remembered
(each such request asks the database).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy.engine import Engine

from mlf.web import store

RECHECK_SECONDS = 15.0
"""How long a session read from the database is trusted before it is read again (as long as a
live stream waits before re-reading the log: :data:`mlf.web.live.KEEPALIVE_SECONDS`)."""

MAX_CACHED = 10_000
"""Sessions remembered at most (the cache is emptied when it grows past this)."""


class Sessions:
    """The sessions of one database, cached per cookie (thread-safe)."""

    def __init__(self, engine: Engine, recheck: float = RECHECK_SECONDS) -> None:
        self.engine = engine
        self.recheck = recheck
        self._cache: dict[str, tuple[float, store.Session]] = {}
        self._lock = threading.Lock()
        self._generation = 0  # bumped at every revocation: a read that raced it is not kept

    def cached(self, cookie: str) -> store.Session | None:
        """The session if this process read it within the last :attr:`recheck` seconds."""
        with self._lock:
            hit = self._cache.get(cookie)
        if hit is not None and time.monotonic() - hit[0] < self.recheck:
            return hit[1]
        return None

    def get(self, cookie: str) -> store.Session | None:
        """The live session a cookie names (not expired, not revoked), or ``None``."""
        hit = self.cached(cookie)
        if hit is not None:
            return hit
        with self._lock:
            generation = self._generation
        found = store.get_session(self.engine, cookie)
        with self._lock:
            if found is None:
                self._cache.pop(cookie, None)
            elif generation == self._generation:
                if len(self._cache) >= MAX_CACHED:
                    self._cache.clear()
                self._cache[cookie] = (time.monotonic(), found)
        return found

    def close(self, cookie: str) -> None:
        """End a session (log out), here and in the database."""
        store.close_session(self.engine, cookie)
        with self._lock:
            self._generation += 1
            self._cache.pop(cookie, None)

    def forget_exercise(self, exercise_id: str) -> None:
        """Drop every cached session of an exercise (its links were re-issued, or it was
        deleted); call after the database has revoked them."""
        with self._lock:
            self._generation += 1
            for cookie in [c for c, (_, s) in self._cache.items() if s.exercise_id == exercise_id]:
                del self._cache[cookie]
