"""One seed normaliser for mlf: what a ``seed`` argument may be, and how child seeds derive.

Every public function of mlf that draws random numbers takes one ``seed`` argument that may
be ``None`` (fresh entropy from the operating system), a non-negative ``int``, a
:class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator`, the convention of
scikit-learn's ``check_random_state`` and networkx's ``py_random_state``, here normalised in
this one module (NumPy NEP 19 recommends passing Generators or SeedSequences rather than
global state).

Results record the seed they used, as a non-negative integer below 2**64
(:func:`resolve_seed`); running again with that integer reproduces the result exactly:

- an ``int`` is itself (``0 <= seed < 2**64``; a negative int is a ValueError);
- a ``SeedSequence`` without a spawn key whose entropy is such an int is that int (so
  ``SeedSequence(5)`` and ``5`` give the same draws); any other ``SeedSequence`` gives the
  64-bit integer its first two state words make;
- a ``Generator`` gives one 64-bit integer drawn from it (it advances by that one draw);
- ``None`` gives a 64-bit integer from fresh OS entropy (then recorded, so reproducible).

Child seeds (one negotiation of one alternative, one chunk of a sweep) derive from the root
seed and STABLE keys with ``SeedSequence(root, spawn_key=...)``, the mechanism of
``SeedSequence.spawn`` (O'Neill's seed_seq design, NumPy docs "Parallel random number
generation"). A string key (an alternative's id, a step's name) enters as the first 8 bytes
of its SHA-256 digest, so a child depends on what it is and never on where it sits in a
file: reordering a scenario's alternatives or actors changes no draw.

>>> resolve_seed(5), resolve_seed(np.random.SeedSequence(5))
(5, 5)
>>> int(generator(5).integers(100)) == int(generator(np.random.SeedSequence(5)).integers(100))
True
>>> g = np.random.default_rng(1)
>>> resolve_seed(g) == resolve_seed(np.random.default_rng(1))
True
>>> resolve_seed(-1)
Traceback (most recent call last):
    ...
ValueError: seed must be a non-negative integer below 2**64, got -1
>>> child_seed(7, "mlf", "negotiation-1") == child_seed(7, "mlf", "negotiation-1")
True
>>> child_seed(7, "mlf", "negotiation-1") != child_seed(7, "clf", "negotiation-1")
True
"""

from __future__ import annotations

import functools
import hashlib
import numbers
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "MAX_SEED",
    "SeedLike",
    "child_seed",
    "child_sequence",
    "generator",
    "resolve_seed",
    "stable_key",
]

#: A seed in any accepted form (see the module docstring).
SeedLike: TypeAlias = int | np.integer[Any] | np.random.SeedSequence | np.random.Generator | None

#: Recorded seeds are below this (64 bits: what a result's integer fields hold).
MAX_SEED = 2**64


def _check_int(seed: object, what: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{what} must be None, an int, a numpy SeedSequence or a numpy Generator, "
            f"got {type(seed).__name__}"
        )
    value = int(seed)
    if not 0 <= value < MAX_SEED:
        raise ValueError(f"{what} must be a non-negative integer below 2**64, got {value}")
    return value


def _words_to_int(words: NDArray[np.unsignedinteger[Any]]) -> int:
    return int(words[0]) | int(words[1]) << 32


def resolve_seed(seed: SeedLike, *, name: str = "seed") -> int:
    """The integer seed to record and use for ``seed`` in any accepted form.

    ``name`` is the argument's name in the error message. Raises ValueError for an int
    outside ``[0, 2**64)``, TypeError for anything that is not a seed.

    Examples:
        An int is itself, and so is a plain ``SeedSequence`` of it; a Generator gives one
        64-bit draw (the same for the same generator state):

        >>> resolve_seed(5), resolve_seed(np.random.SeedSequence(5))
        (5, 5)
        >>> resolve_seed(np.random.default_rng(1))
        9441442522235856127
        >>> resolve_seed(1.5, name="--seed")
        Traceback (most recent call last):
            ...
        TypeError: --seed must be None, an int, a numpy SeedSequence or a numpy Generator, got float
    """
    if seed is None:
        return _words_to_int(np.random.SeedSequence().generate_state(2, dtype=np.uint32))
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, MAX_SEED, dtype=np.uint64))
    if isinstance(seed, np.random.SeedSequence):
        ent = seed.entropy
        if (
            not seed.spawn_key
            and isinstance(ent, numbers.Integral)
            and 0 <= int(ent) < MAX_SEED
            and seed.pool_size == 4
        ):
            return int(ent)
        return _words_to_int(seed.generate_state(2, dtype=np.uint32))
    return _check_int(seed, name)


def generator(seed: SeedLike, *, name: str = "seed") -> np.random.Generator:
    """A Generator for ``seed``: ``numpy.random.default_rng(resolve_seed(seed))``.

    A Generator passed in is not used directly: one integer is drawn from it
    (:func:`resolve_seed`), so that the draws are reproducible from the recorded seed.

    Examples:
        The same seed, in any form, gives the same draws:

        >>> generator(5).integers(100, size=3).tolist()
        [67, 80, 2]
        >>> generator(np.random.SeedSequence(5)).integers(100, size=3).tolist()
        [67, 80, 2]
    """
    return np.random.default_rng(resolve_seed(seed, name=name))


def stable_key(key: int | str) -> int:
    """One spawn-key word for ``key``: a non-negative int is itself; a string is the first 8
    bytes (big-endian) of the SHA-256 digest of its UTF-8 text.

    >>> stable_key(3), stable_key("mlf") == stable_key("mlf"), stable_key("a") != stable_key("b")
    (3, True, True)
    """
    if isinstance(key, str):
        return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    return _check_int(key, "a child-seed key")


def child_sequence(seed: SeedLike, *keys: int | str) -> np.random.SeedSequence:
    """The SeedSequence of the child of ``seed`` named by ``keys``.

    ``SeedSequence(resolve_seed(seed), spawn_key=[stable_key(k) for k in keys])``: with int
    keys this is exactly the child ``SeedSequence(seed).spawn`` would give at those positions.

    >>> a = child_sequence(1, 4).generate_state(1)
    >>> b = np.random.SeedSequence(1).spawn(5)[4].generate_state(1)
    >>> bool((a == b).all())
    True
    """
    return np.random.SeedSequence(resolve_seed(seed), spawn_key=tuple(stable_key(k) for k in keys))


def child_seed(seed: SeedLike, *keys: int | str) -> int:
    """The recordable 64-bit integer seed of the child of ``seed`` named by ``keys``.

    A pure function of an int ``seed`` and the keys, so those are memoised (a sensitivity
    sweep asks for the same children, one per alternative and round of talks, every draw).

    Examples:
        The seed of the first negotiation of the alternative ``mlf`` under root seed 7; it
        depends on the keys' names, never on positions in a file:

        >>> child_seed(7, "mlf", "negotiation-1")
        14366153297515539921
        >>> child_seed(7, "clf", "negotiation-1") != child_seed(7, "mlf", "negotiation-1")
        True
    """
    if type(seed) is int and all(type(k) is int or type(k) is str for k in keys):
        return _child_seed_of(seed, keys)
    return resolve_seed(child_sequence(seed, *keys))


@functools.lru_cache(maxsize=4096)
def _child_seed_of(seed: int, keys: tuple[int | str, ...]) -> int:
    return resolve_seed(child_sequence(seed, *keys))
