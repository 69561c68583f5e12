"""Benchmark mlf.costs and mlf.manning against coopgame-py and the per-ship MILP.

Run: ``.venv/bin/python benchmarks/costs.py [--quick]``. Prints medians (ms) and ratios
(peer / mlf: above 1 means mlf is faster). Cases: the G1 and G2 games of docs/reference/power.md,
random integer cost games of 10 and 15 players, and the MLF manning instance (25 ships x
8 nations) solved by the aggregate reduction and by the per-ship MILP.

Each side pays only for its own work: both games are built before the clock starts (mlf's
``CostGame`` once; the peer's ``coopgame.Game`` afresh for every timed call, untimed, because
the peer caches results on the game object), and only the solver call is timed. Earlier
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
from functools import partial
from typing import Any

import numpy as np

from mlf.costs import CostGame, least_core, nucleolus, shapley_value
from mlf.manning import ManningRules, solve_manning

try:
    import coopgame  # type: ignore[import-untyped]
except ImportError:  # peer not installed
    coopgame = None


def median_ms(
    fn: Callable[..., Any], repeat: int, setup: Callable[[], tuple[Any, ...]] | None = None
) -> float:
    """Median wall time of ``fn(*setup())`` in ms; ``setup`` runs outside the clock."""
    fn(*(setup() if setup else ()))  # warm-up
    times = []
    for _ in range(repeat):
        args = setup() if setup else ()
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


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


def peer_setup(game: CostGame) -> Callable[[], tuple[Any, ...]]:
    """A fresh peer game per timed call, built outside the clock from a prepared list."""
    values = [float(v) for v in game.values[1:]]
    return lambda: (coopgame.Game(values),)


def _peer(name: str) -> Callable[..., Any] | None:
    return getattr(coopgame, name) if coopgame is not None else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repeats and smaller games")
    args = ap.parse_args()
    repeat = 3 if args.quick else 9
    rows: list[tuple[str, str, float, float | None]] = []
    for name, game in games(args.quick):
        have_peer = coopgame is not None
        neg = [-int(v) for v in game.values[1:]]  # the peer's exact solver takes value games
        peer = peer_setup(game) if have_peer else None
        cases: list[tuple[str, Callable[[], Any], Callable[..., Any] | None, Any]] = [
            ("Shapley (float)", partial(shapley_value, game), _peer("shapley"), peer),
            ("nucleolus (float)", partial(nucleolus, game), _peer("cost_nucleolus"), peer),
            ("least core", partial(least_core, game), None, None),
        ]
        if game.n <= 10:
            cases.append(
                (
                    "nucleolus (exact)",
                    partial(nucleolus, game, exact=True),
                    _peer("nucleolus_exact"),
                    lambda neg=neg: (neg,),
                )
            )
        for task, mine_fn, peer_fn, peer_args in cases:
            mine = median_ms(mine_fn, repeat)
            theirs = (
                median_ms(peer_fn, repeat, peer_args) if peer_fn is not None and have_peer else None
            )
            rows.append((name, task, mine, theirs))
    targets = {"US": 40, "FRG": 40, "UK": 10, "IT": 12, "GR": 1, "TR": 1, "NL": 4, "BE": 2}
    rules = ManningRules(tuple(targets), ships=25, crew_per_ship=300, targets=targets)
    agg = median_ms(lambda: solve_manning(rules), repeat)
    full = median_ms(lambda: solve_manning(rules, method="full"), max(3, repeat // 3))
    rows.append(("MLF 25 ships x 8", "manning aggregate vs per-ship MILP", agg, full))

    print(f"{'case':<18} {'task':<36} {'mlf ms':>10} {'peer ms':>10} {'peer/mlf':>9}")
    for case, task, mine, peer in rows:
        p = f"{peer:10.4f}" if peer is not None else f"{'-':>10}"
        r = f"{peer / mine:9.2f}" if peer is not None else f"{'-':>9}"
        print(f"{case:<18} {task:<36} {mine:10.4f} {p} {r}")
    print("peer: coopgame-py (Shapley, cost_nucleolus, nucleolus_exact); manning: method='full'")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
