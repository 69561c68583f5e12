"""Memoisation of the talks' repeated work, and a switch to compute everything the plain way.

A sensitivity sweep runs every alternative of a scenario thousands of times on inputs that
differ a little; the table, the talks and the participation search rebuild the same settings,
cost splits and control games many times within one draw and across draws. The talks keep
caches keyed on exactly what determines each result (the settled values, the member set, the
values of the actors' fields each step reads), so a cached result is the one the plain
computation gives, bit for bit.

Two kinds of cache:

* **process-wide** (plain dicts, bounded by :data:`mlf.talks.arrangement._CACHE_LIMIT`
  entries each): what recurs from one draw to the next, keyed by objects every draw shares
  (the alternatives, the rule specs, the options' settings) or by values that take only a
  few (the winning coalitions of a control game);
* **scenario-scoped** (:class:`ScopedCache`): what is keyed by one draw's own objects or
  values (its actors, the settings of its settled values, weights from its payments). Such
  an entry can never be hit again once the thread moves on to the next draw, so keeping it
  would only hold the draw's objects alive: memory, and work for Python's cyclic garbage
  collector, which scans every live container object each time it runs a full collection
  (that scanning was about a third of a sweep's CPU time when these entries piled up in
  process-wide caches). A scoped cache holds one scenario's entries per thread and is
  emptied as soon as the thread works on another scenario, so threads running different
  draws at once (a Dask worker with several threads) never read each other's.

:func:`plain` turns the memoisation off (and clears it) for a block of code: the tests
run one sweep with and one without it and compare the files byte for byte
(``tests/test_sweep_memo.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

_ENABLED = [True]
_CLEARERS: list[Callable[[], None]] = []


def enabled() -> bool:
    """Whether memoisation is on (it is, unless inside :func:`plain`).

    Examples:
        >>> enabled()
        True
    """
    return _ENABLED[0]


def on_clear(fn: Callable[[], None]) -> None:
    """Register a function that empties one cache (called by :func:`clear`).

    Examples:
        >>> cache = {"key": "value"}
        >>> on_clear(cache.clear)
        >>> clear()
        >>> cache
        {}
    """
    _CLEARERS.append(fn)


class _State:
    """One thread's current scenario (the identity of its ``actors`` and ``issues``
    mappings) and the entries of every :class:`ScopedCache` for it (one dict per cache, by
    the cache's number)."""

    __slots__ = ("actors", "entries", "issues")

    def __init__(self) -> None:
        self.actors: object = None
        self.issues: object = None
        self.entries: list[dict[Any, Any]] = []

    def enter(self, actors: object, issues: object) -> None:
        """Move to another scenario: every scoped cache of the thread starts empty."""
        self.actors = actors
        self.issues = issues
        self.entries = [{} for _ in range(_COUNT[0])]


class _Local(threading.local):
    def __init__(self) -> None:
        self.state = _State()


_LOCAL = _Local()
_COUNT = [0]  # scoped caches made so far (each takes the next number)


class ScopedCache(Generic[K, V]):
    """A cache that holds one scenario's entries per thread (module docstring).

    :meth:`of` is the cache of a given scenario: the thread's cache, emptied first if the
    thread was working on another scenario (identity of the scenario's ``actors`` and
    ``issues`` mappings, which a sensitivity draw replaces: :func:`mlf.sensitivity.apply_draw`
    copies the actors). Use it for entries whose key leaves out something of the scenario
    they were computed from. :meth:`current` is the thread's cache for whatever scenario it
    is on; use it only for entries whose key determines the value by itself (e.g. it holds
    the very object the value was computed from, checked by identity on a hit).

    A thread's state is one thread-local read per call (the talks ask these caches about a
    thousand times per sensitivity draw).
    """

    __slots__ = ("_number",)

    def __init__(self) -> None:
        self._number = _COUNT[0]
        _COUNT[0] += 1

    def of(self, actors: object, issues: object) -> dict[K, V]:
        """The thread's entries for the scenario with these ``actors`` and ``issues``."""
        state = _LOCAL.state
        if state.actors is not actors or state.issues is not issues:
            state.enter(actors, issues)
        return self._in(state)

    def current(self) -> dict[K, V]:
        """The thread's entries for the scenario it is on (see the class docstring)."""
        return self._in(_LOCAL.state)

    def _in(self, state: _State) -> dict[K, V]:
        entries = state.entries
        if self._number >= len(entries):  # made after the thread entered its scenario
            entries.extend({} for _ in range(self._number + 1 - len(entries)))
        return entries[self._number]


def clear() -> None:
    """Empty every registered cache, and this thread's scoped caches (another thread's are
    emptied when it next moves to another scenario).

    Examples:
        >>> cache = {1: 2}
        >>> on_clear(cache.clear)
        >>> clear(); cache
        {}
    """
    for fn in _CLEARERS:
        fn()
    _LOCAL.state.enter(None, None)


@contextmanager
def plain() -> Iterator[None]:
    """Within the block, compute without memoisation (caches cleared on entry and exit).

    Examples:
        >>> with plain():
        ...     enabled()
        False
        >>> enabled()
        True
    """
    before = _ENABLED[0]
    clear()
    _ENABLED[0] = False
    try:
        yield
    finally:
        _ENABLED[0] = before
        clear()
