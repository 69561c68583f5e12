"""Benchmark mlf.costs and mlf.manning against coopgame-py and the per-ship MILP.

Run: ``.venv/bin/python benchmarks/costs.py [--quick]``. Prints medians (ms) and ratios
(peer / mlf: above 1 means mlf is faster). Cases: the G1 and G2 games of docs/reference/power.md,
random integer cost games of 10 and 15 players, and the MLF manning instance (25 ships x
8 nations) solved by the aggregate reduction and by the per-ship MILP.
"""

from __future__ import annotations

import argparse
import math
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


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
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


def peer_game(game: CostGame) -> Any:
    """A fresh peer game each call (the peer caches results on the game object)."""
    return coopgame.Game([float(v) for v in game.values[1:]])


def _peer_shapley(game: CostGame) -> Any:
    return coopgame.shapley(peer_game(game))


def _peer_nucleolus(game: CostGame) -> Any:
    return coopgame.cost_nucleolus(peer_game(game))


def _peer_exact(values: list[int]) -> Any:
    return coopgame.nucleolus_exact(values)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repeats and smaller games")
    args = ap.parse_args()
    repeat = 3 if args.quick else 9
    rows: list[tuple[str, str, float, float | None]] = []
    for name, game in games(args.quick):
        have_peer = coopgame is not None
        neg = [-int(v) for v in game.values[1:]]  # the peer's exact solver takes value games
        cases: list[tuple[str, Callable[[], Any], Callable[[], Any] | None]] = [
            ("Shapley (float)", partial(shapley_value, game), partial(_peer_shapley, game)),
            ("nucleolus (float)", partial(nucleolus, game), partial(_peer_nucleolus, game)),
            ("least core", partial(least_core, game), None),
        ]
        if game.n <= 10:
            cases.append(
                (
                    "nucleolus (exact)",
                    partial(nucleolus, game, exact=True),
                    partial(_peer_exact, neg),
                )
            )
        for task, mine_fn, peer_fn in cases:
            mine = median_ms(mine_fn, repeat)
            peer = median_ms(peer_fn, repeat) if peer_fn is not None and have_peer else None
            rows.append((name, task, mine, peer))
    targets = {"US": 40, "FRG": 40, "UK": 10, "IT": 12, "GR": 1, "TR": 1, "NL": 4, "BE": 2}
    rules = ManningRules(tuple(targets), ships=25, crew_per_ship=300, targets=targets)
    agg = median_ms(lambda: solve_manning(rules), repeat)
    full = median_ms(lambda: solve_manning(rules, method="full"), max(3, repeat // 3))
    rows.append(("MLF 25 ships x 8", "manning aggregate vs per-ship MILP", agg, full))

    print(f"{'case':<18} {'task':<36} {'mlf ms':>9} {'peer ms':>9} {'peer/mlf':>9}")
    for case, task, mine, peer in rows:
        p = f"{peer:9.2f}" if peer is not None else f"{'-':>9}"
        r = f"{peer / mine:9.2f}" if peer is not None else f"{'-':>9}"
        print(f"{case:<18} {task:<36} {mine:9.2f} {p} {r}")
    print("peer: coopgame-py (Shapley, cost_nucleolus, nucleolus_exact); manning: method='full'")


if __name__ == "__main__":
    main()
