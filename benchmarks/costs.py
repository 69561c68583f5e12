"""Benchmark mlf.costs and mlf.manning against coopgame-py and the per-ship MILP.

Run: ``.venv/bin/python benchmarks/costs.py [--quick]``. Prints medians (ms) and ratios
(peer / mlf: above 1 means mlf is faster). Cases: the G1 and G2 games of docs/reference/power.md,
random integer cost games of 10 and 15 players, and the MLF manning instance (25 ships x
8 nations) solved by the aggregate reduction and by the per-ship MILP.

Each side pays only for its own work, and each gets a fresh game object for every timed
call, built before the clock starts (mlf's ``CostGame`` with its own copy of the table, the
peer's ``coopgame.Game``), so that neither side gains from anything kept on a game object by
an earlier call; only the solver calls are timed, in batches
of up to :data:`MAX_BATCH` calls per sample (a call of a microsecond, the float Shapley value
at n = 6-7, cannot be timed one at a time). Earlier
versions converted mlf's 2^n table to a Python list inside the peer's timed call (2.5 ms at
n=15), which made mlf look up to 2.4x faster than it was. One-off costs are outside the
clock on both sides: the peer's import (a compiled extension) and mlf's first call (the
warm-up call of :func:`median_ms`, which loads numba's cached kernels for the float
nucleolus).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from mlf.costs import CostGame, least_core, nucleolus, shapley_value
from mlf.manning import ManningRules, solve_manning

try:
    import coopgame  # type: ignore[import-untyped]
except ImportError:  # peer not installed
    coopgame = None


#: Calls per timed sample at most: enough to time a call of a microsecond (a sample of one
#: call would be mostly the clock's own overhead and noise), few enough that the peer's
#: fresh games (built outside the clock, one per call) stay in the CPU cache.
MAX_BATCH = 100
#: A timed sample lasts at least this long (seconds) when MAX_BATCH calls allow it: long
#: against the clock's own overhead (about 0.1 us), short against the scheduler's time slice
#: (milliseconds), so that on a loaded machine most samples run without being preempted and
#: the median is the call's own time (with 2 ms samples at a load of 12 on 2 cores, most
#: samples of a 0.04 ms call included a wait for the CPU: 0.04 ms timed as 0.2-0.6 ms).
MIN_SAMPLE_S = 5e-5


#: A call slower than this (seconds) is sampled ``repeat // 5`` times (at least 2): the
#: peer's exact nucleolus at n = 10 takes about 9 s a call, and each sample makes two.
SLOW_S = 1.0


def _batch(
    fn: Callable[..., Any], setup: Callable[[], tuple[Any, ...]] | None
) -> tuple[int, float]:
    """Calls per sample for ``fn``, and the seconds of one call: the first call (warm-up:
    caches, compiled kernels) is not timed; the second sizes the batch."""
    fn(*(setup() if setup else ()))  # warm-up
    args = setup() if setup else ()
    t0 = time.perf_counter()
    fn(*args)
    once = time.perf_counter() - t0
    return max(1, min(MAX_BATCH, int(MIN_SAMPLE_S / max(once, 1e-9)))), once


def _samples(repeat: int, once: float) -> int:
    return repeat if once < SLOW_S else max(2, repeat // 5)


def _sample(
    fn: Callable[..., Any], setup: Callable[[], tuple[Any, ...]] | None, batch: int
) -> float:
    """Seconds per call over ``batch`` calls, each with its own ``setup()`` made before the
    clock starts; the loop around the calls is the same for both sides. One untimed call
    first, so that the sample does not time the caches the other side's sample just
    evicted (samples are interleaved: :func:`median_pair_ms`)."""
    calls = [setup() if setup else () for _ in range(batch + 1)]
    fn(*calls.pop())
    t0 = time.perf_counter()
    for a in calls:
        fn(*a)
    return (time.perf_counter() - t0) / batch


def median_ms(
    fn: Callable[..., Any], repeat: int, setup: Callable[[], tuple[Any, ...]] | None = None
) -> float:
    """Median wall time of one call ``fn(*setup())`` in ms over ``repeat`` batched samples;
    ``setup`` runs outside the clock."""
    batch, once = _batch(fn, setup)
    samples = [_sample(fn, setup, batch) for _ in range(_samples(repeat, once))]
    return statistics.median(samples) * 1000


def median_pair_ms(
    mine: Callable[..., Any],
    mine_setup: Callable[[], tuple[Any, ...]] | None,
    peer: Callable[..., Any],
    peer_setup: Callable[[], tuple[Any, ...]] | None,
    repeat: int,
) -> tuple[float, float]:
    """:func:`median_ms` of both sides, their samples interleaved (mine, peer, mine, ...)
    so that a change in the machine's load slows both alike."""
    (b_mine, t_mine), (b_peer, t_peer) = _batch(mine, mine_setup), _batch(peer, peer_setup)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(_samples(repeat, max(t_mine, t_peer))):
        ours.append(_sample(mine, mine_setup, b_mine))
        theirs.append(_sample(peer, peer_setup, b_peer))
    return statistics.median(ours) * 1000, statistics.median(theirs) * 1000


def games(quick: bool) -> list[tuple[str, CostGame]]:
    rng = np.random.default_rng(1963)
    out = [
        (
            "G1 airport n=7",
            CostGame.from_requirements(
                ["US", "UK", "FR", "DE", "IT", "NL", "BE"],
                [10, 8, 6, 6, 4, 2, 1],
                lambda m: 20 + 5 * m,
            ),
        ),
        (
            "G2 modular n=6",
            CostGame.from_requirements(
                list("ABCDEF"), [5, 4, 3, 3, 2, 1], lambda s: 10 + 30 * math.ceil(s / 8), "sum"
            ),
        ),
    ]
    sizes = (10,) if quick else (10, 15)
    for n in sizes:
        req = [int(v) for v in rng.integers(1, 60, n)]
        out.append(
            (f"airport n={n}", CostGame.from_requirements(
                [f"p{i}" for i in range(n)], req, lambda m: 20 + 5 * m))
        )  # fmt: skip
    return out


def fresh(game: CostGame) -> CostGame:
    """A new game object equal to ``game``, with its own copy of the table (built untimed)."""
    return CostGame(game.players, game.values.copy(), game.kind, game.exact)


def peer_setup(game: CostGame) -> Callable[[], tuple[Any, ...]]:
    """A fresh peer game per timed call, built outside the clock from a prepared list."""
    values = [float(v) for v in game.values[1:]]
    return lambda: (coopgame.Game(values),)


def _peer(name: str) -> Callable[..., Any] | None:
    return getattr(coopgame, name) if coopgame is not None else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repeats and smaller games")
    ap.add_argument("--shapley", action="store_true", help="only the float Shapley value")
    args = ap.parse_args()
    repeat = 3 if args.quick else 15
    rows: list[tuple[str, str, float, float | None]] = []
    for name, game in games(args.quick):
        have_peer = coopgame is not None
        neg = [-int(v) for v in game.values[1:]]  # the peer's exact solver takes value games
        peer = peer_setup(game) if have_peer else None
        # each side's call as (function, arguments): both are called as fn(*args), with the
        # arguments made before the clock starts (no wrapper on either side)
        mine_args = (lambda game=game: (fresh(game),), lambda game=game: (fresh(game), True))
        cases: list[tuple[str, Callable[..., Any], Any, Callable[..., Any] | None, Any]] = [
            ("Shapley (float)", shapley_value, mine_args[0], _peer("shapley"), peer),
            ("nucleolus (float)", nucleolus, mine_args[0], _peer("cost_nucleolus"), peer),
            ("least core", least_core, mine_args[0], None, None),
        ]
        if game.n <= 10:
            cases.append(
                (
                    "nucleolus (exact)",
                    nucleolus,
                    mine_args[1],
                    _peer("nucleolus_exact"),
                    lambda neg=neg: (neg,),
                )
            )
        if args.shapley:
            cases = cases[:1]
        for task, mine_fn, mine_setup, peer_fn, peer_args in cases:
            if peer_fn is not None and have_peer:
                mine, theirs = median_pair_ms(mine_fn, mine_setup, peer_fn, peer_args, repeat)
                rows.append((name, task, mine, theirs))
            else:
                rows.append((name, task, median_ms(mine_fn, repeat, mine_setup), None))
    if not args.shapley:
        rows.append(manning_row(repeat))
    print_rows(rows)


def manning_row(repeat: int) -> tuple[str, str, float, float]:
    """The MLF manning instance: the aggregate reduction against the per-ship MILP."""
    targets = {"US": 40, "FRG": 40, "UK": 10, "IT": 12, "GR": 1, "TR": 1, "NL": 4, "BE": 2}
    rules = ManningRules(tuple(targets), ships=25, crew_per_ship=300, targets=targets)
    agg = median_ms(lambda: solve_manning(rules), repeat)
    full = median_ms(lambda: solve_manning(rules, method="full"), repeat)
    return ("MLF 25 ships x 8", "manning aggregate vs per-ship MILP", agg, full)


def print_rows(rows: list[tuple[str, str, float, float | None]]) -> None:
    """The table: each median in ms with 4 significant digits (the float Shapley value at
    n = 6-7 takes about 0.0005 ms), and the ratio."""
    print(f"{'case':<18} {'task':<36} {'mlf ms':>10} {'peer ms':>10} {'peer/mlf':>9}")
    for case, task, mine, peer in rows:
        p = f"{peer:10.4g}" if peer is not None else f"{'-':>10}"
        r = f"{peer / mine:9.2f}" if peer is not None else f"{'-':>9}"
        print(f"{case:<18} {task:<36} {mine:10.4g} {p} {r}")
    print("peer: coopgame-py (Shapley, cost_nucleolus, nucleolus_exact); manning: method='full'")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
