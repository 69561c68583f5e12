"""Limits of a sweep, checked before any work: draws, chunks and an estimate of memory.

A sweep's memory grows with its sizes in three places, each estimated here from the sizes
alone (no sampling, no model run), so that an impossible request is refused with one line
before a folder is created:

* a Latin hypercube design is stratified over all draws at once and held whole while the sweep
  runs: ``draws x inputs`` float64 values, with scipy's permutation table (int64) and the
  scaled copy while it is built, so about ``4 x 8 x draws x inputs`` bytes
  (:func:`mlf.sensitivity.draws.lhs_design`); random sampling needs none of it;
* chunks in flight: each of at most ``in_flight`` chunks comes back as Python lists, about
  ``RECORD_BYTES`` per value, ``chunk_size x columns`` values;
* the summary: DuckDB keeps the values of every quantile column of one alternative while it
  computes quantiles (8 bytes per value), and the tornado reads ``RANK_BLOCK`` columns at a
  time (8 bytes per value) and ranks one of them (its values, masks, ranks and scipy's sort
  order: about ``6 x 8`` bytes per draw).

The estimate is compared with ``MEMORY_FRACTION`` of the memory the system reports available
(``MemAvailable`` of ``/proc/meminfo``; where that is unknown, only the fixed limits apply).
"""

from __future__ import annotations

import os

from mlf.errors import UsageError

MAX_DRAWS = 10_000_000
"""Most draws of one sweep (``--draws``)."""
MAX_CHUNK_SIZE = 10_000
"""Most draws per chunk (``--chunk-size``): a chunk is held whole by a worker and the parent."""
MAX_CHUNKS = 100_000
"""Most chunks of one sweep (``draws / chunk_size``): the manifest records each one."""
MEMORY_FRACTION = 0.5
"""A sweep whose estimated memory exceeds this fraction of the available memory is refused."""
RANK_BLOCK = 32
"""Columns read and ranked together when computing the SRRC (memory ~ N x RANK_BLOCK)."""
RECORD_BYTES = 100
"""Bytes per value of a chunk's records while in flight (Python objects and their pickle)."""


def available_memory() -> int | None:
    """Bytes of memory available to a new process (``MemAvailable``), or None if unknown.

    Examples:
        >>> m = available_memory()
        >>> m is None or m > 0
        True
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, AttributeError):
        return None


def sweep_memory(
    *,
    draws: int,
    chunk_size: int,
    inputs: int,
    columns: int,
    quantile_columns: int,
    sampling: str,
    in_flight: int,
) -> dict[str, int]:
    """Estimated peak bytes of a sweep, by part (see the module docstring).

    Examples:
        10,000 random draws in chunks of 500, four in flight, 100 columns: the chunks in
        flight dominate (``4 x 500 x 100 x RECORD_BYTES``):

        >>> sweep_memory(draws=10_000, chunk_size=500, inputs=244, columns=100,
        ...              quantile_columns=20, sampling="random", in_flight=4)
        {'design': 0, 'chunks': 20000000, 'summary': 4640000}
    """
    parts = {
        "design": 4 * 8 * draws * inputs if sampling == "lhs" else 0,
        "chunks": in_flight * min(chunk_size, draws) * columns * RECORD_BYTES,
        "summary": 8 * draws * (quantile_columns + min(RANK_BLOCK, columns) + 6),
    }
    return parts


def _gb(n: float) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e8 else f"{n / 1e6:,.0f} MB"


def check_draws(draws: int, chunk_size: int) -> None:
    """The fixed limits on ``--draws`` and ``--chunk-size`` (cheap: before loading anything).

    Examples:
        >>> check_draws(10_000, 500)
        >>> check_draws(0, 500)
        Traceback (most recent call last):
        ...
        mlf.errors.UsageError: --draws must be positive, got 0
    """
    if draws <= 0:
        raise UsageError(f"--draws must be positive, got {draws}")
    if chunk_size <= 0:
        raise UsageError(f"--chunk-size must be positive, got {chunk_size}")
    if draws > MAX_DRAWS:
        raise UsageError(
            f"--draws {draws:,} is over the limit of {MAX_DRAWS:,} draws per sweep (MAX_DRAWS)"
        )
    if chunk_size > MAX_CHUNK_SIZE:
        raise UsageError(
            f"--chunk-size {chunk_size:,} is over the limit of {MAX_CHUNK_SIZE:,} draws per "
            "chunk (MAX_CHUNK_SIZE)"
        )
    chunks = -(-draws // chunk_size)
    if chunks > MAX_CHUNKS:
        raise UsageError(
            f"--draws {draws:,} in chunks of {chunk_size:,} makes {chunks:,} chunks, over the "
            f"limit of {MAX_CHUNKS:,} (MAX_CHUNKS); use --chunk-size "
            f"{-(-draws // MAX_CHUNKS):,} or more"
        )


def check_memory(
    *,
    draws: int,
    chunk_size: int,
    inputs: int,
    columns: int,
    quantile_columns: int,
    sampling: str,
    in_flight: int,
    available: int | None = None,
) -> int:
    """Refuse (one line, exit 2) a sweep whose estimated memory exceeds ``MEMORY_FRACTION`` of
    the available memory; return the estimate in bytes.

    Examples:
        >>> check_memory(draws=1000, chunk_size=100, inputs=10, columns=20, quantile_columns=5,
        ...              sampling="random", in_flight=2, available=10**9)
        648000
        >>> check_memory(draws=1000, chunk_size=100, inputs=10, columns=20, quantile_columns=5,
        ...              sampling="random", in_flight=2, available=10**6)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        mlf.errors.UsageError: --draws 1,000: a random sweep of 10 inputs and 20 columns needs ...
    """
    parts = sweep_memory(
        draws=draws, chunk_size=chunk_size, inputs=inputs, columns=columns,
        quantile_columns=quantile_columns, sampling=sampling, in_flight=in_flight,
    )
    need = sum(parts.values())
    avail = available if available is not None else available_memory()
    if avail is not None and need > MEMORY_FRACTION * avail:
        top = max(parts, key=lambda k: parts[k])
        raise UsageError(
            f"--draws {draws:,}: a {sampling} sweep of {inputs} inputs and {columns} columns "
            f"needs about {_gb(need)} of memory (mostly the {top}), over "
            f"{MEMORY_FRACTION:.0%} of the {_gb(avail)} available (MEMORY_FRACTION); "
            "use fewer draws"
        )
    return need
