"""Memoisation of the talks' repeated work, and a switch to compute everything the plain way.

A sensitivity sweep runs every alternative of a scenario thousands of times on inputs that
differ a little; the table, the talks and the participation search rebuild the same settings,
cost splits and control games many times within one draw and across draws. The talks keep
caches keyed on exactly what determines each result (the settled values, the member set, the
values of the actors' fields each step reads), so a cached result is the one the plain
computation gives, bit for bit.

:func:`plain` turns the newer memoisation off (and clears it) for a block of code: the tests
run one sweep with and one without it and compare the files byte for byte
(``tests/test_sweep_memo.py``). Caches are per process and bounded
(:data:`mlf.talks.arrangement._CACHE_LIMIT` entries each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


def clear() -> None:
    """Empty every registered cache.

    Examples:
        >>> cache = {1: 2}
        >>> on_clear(cache.clear)
        >>> clear(); cache
        {}
    """
    for fn in _CLEARERS:
        fn()


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
