"""Benchmark of the negotiation models: median wall time per run, and the speed targets.

Run ``.venv/bin/python benchmarks/bargaining.py`` (``--quick`` for a short run).

Inputs are generated from a seeded ``numpy.random.Generator``: capabilities U(0.1, 1),
positions U(0, 100), saliences U(0, 1) divided by the number of issues (KTAB's rule that an
actor's saliences sum to at most 1).

Peers: ``decide-exchange-model`` and ``negmas`` are not installable in our lock, so no peer
is timed here. The smp-vs-KTAB table compares mlf's ``smp`` with KTAB's ``smpc`` **on the same
inputs**: KTAB's two example files (tests/data/ktab/) and this file's 50 x 3 input (seed 503),
against KTAB wall times measured on this machine kind with an optimised (-O2) build of smpc,
copied with their provenance into benchmarks/data/ktab-timings.md. KTAB is not run here (it
is a C++ build outside this repository). Caveat, stated in the table: smpc's wall time is a
whole process (start-up, CSV parsing, its text log), mlf's is an in-process median after a
warm-up (numba compiled), so small inputs favour mlf for reasons unrelated to the algorithm.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from mlf.bargaining import MODELS, BargainingInput, forecast
from mlf.bargaining.ktab import read_ktab_csv

MODEL_NAMES = ["compromise", "median", "nash", "bdm", "smp"]
HERE = Path(__file__).parent
KTAB_FILES = HERE.parent / "tests" / "data" / "ktab"
#: KTAB smpc wall seconds (-O2 build; Debug build where measured) on the same inputs, from
#: benchmarks/data/ktab-timings.md (measured on this 2-core machine kind, November 2026).
KTAB_MEASURED: dict[str, tuple[float, float | None]] = {
    "dummyData_3Dim (7 x 3)": (0.083, None),
    "SOE-Pol-Comp (13 x 2)": (0.459, None),
    "make_input(50, 3, seed=503)": (15.3, 65.6),
}


def make_input(n: int, k: int, seed: int) -> BargainingInput:
    rng = np.random.default_rng(seed)
    return BargainingInput.build(
        [f"a{i}" for i in range(n)],
        rng.uniform(0.1, 1.0, n),
        rng.uniform(0.0, 100.0, (n, k)),
        rng.uniform(0.0, 1.0, (n, k)) / k,
        lo=0.0,
        hi=100.0,
        status_quo=np.zeros(k),
    )


def median_time(fn: Callable[[], Any], repeat: int, budget: float = 60.0) -> float:
    """Median of ``repeat`` timed calls after one warm-up (numba compile, caches)."""
    fn()
    times: list[float] = []
    start = time.perf_counter()
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > budget:
            break
    return statistics.median(times)


def fmt(sec: float) -> str:
    if sec < 1e-3:
        return f"{sec * 1e6:.0f} µs"
    if sec < 1.0:
        return f"{sec * 1e3:.1f} ms"
    return f"{sec:.2f} s"


def grid(quick: bool, console: Console) -> None:
    sizes = [10, 20, 50] if quick else [10, 20, 50, 100]
    table = Table(title="median time per run (bdm: 10 rounds; smp: default stopping rule)")
    table.add_column("actors x issues")
    names = [m for m in MODEL_NAMES if m in MODELS]
    for m in names:
        table.add_column(m, justify="right")
    for n in sizes:
        for k in (1, 3):
            inp = make_input(n, k, seed=n * 10 + k)
            row = [f"{n} x {k}"]
            for m in names:
                if m == "smp" and n > (20 if quick else 50):
                    row.append("(target row)")
                    continue
                reps = 1 if m == "smp" else (3 if quick else 7)
                row.append(fmt(median_time(partial(forecast, inp, m), reps)))
            table.add_row(*row)
    console.print(table)


def targets(quick: bool, console: Console) -> None:
    table = Table(title="speed targets")
    for col in ("case", "median", "target", "ratio to target", "met"):
        table.add_column(col, justify="right" if col != "case" else "left")
    big_reps = 1 if quick else 3
    cases: list[tuple[str, str, BargainingInput, dict[str, Any], float, int]] = [
        ("bdm 100 actors x 1 issue, 10 rounds", "bdm", make_input(100, 1, 1), {}, 0.1, 5),
        ("bdm 1000 actors x 1 issue, 10 rounds", "bdm", make_input(1000, 1, 2), {}, 5.0, big_reps),
    ]
    for m in ("compromise", "median", "nash"):
        cases.append((f"{m} 1000 actors x 10 issues", m, make_input(1000, 10, 3), {}, 0.01, 21))
    if "smp" in MODELS:
        cases.append(("smp 50 actors x 3 issues", "smp", make_input(50, 3, 4), {}, 1.4, 1))
        if not quick:
            cases.append(("smp 100 actors x 3 issues", "smp", make_input(100, 3, 5), {}, 10.0, 1))
    for label, m, inp, params, target, reps in cases:
        t = median_time(partial(forecast, inp, m, params), reps)
        table.add_row(
            label, fmt(t), fmt(target), f"{t / target:.2f}", "yes" if t <= target else "NO"
        )
    console.print(table)
    if "smp" in MODELS:
        ktab_table(console)


def _ktab_inputs() -> dict[str, BargainingInput]:
    return {
        "dummyData_3Dim (7 x 3)": read_ktab_csv(KTAB_FILES / "dummyData_3Dim.csv").to_input(),
        "SOE-Pol-Comp (13 x 2)": read_ktab_csv(KTAB_FILES / "SOE-Pol-Comp.csv").to_input(),
        "make_input(50, 3, seed=503)": make_input(50, 3, 503),
    }


def ktab_table(console: Console) -> None:
    """mlf smp (measured now) against KTAB smpc (measured earlier, same inputs)."""
    table = Table(
        title="smp vs KTAB smpc on the same inputs (KTAB: measured -O2 build, "
        "benchmarks/data/ktab-timings.md; mlf: measured now)"
    )
    for col in ("input", "mlf smp", "KTAB -O2", "KTAB / mlf", "KTAB Debug", "Debug / mlf"):
        table.add_column(col, justify="right" if col != "input" else "left")
    for label, inp in _ktab_inputs().items():
        ktab_o2, ktab_debug = KTAB_MEASURED[label]
        t = median_time(partial(forecast, inp, "smp"), 5 if inp.n < 20 else 1)
        table.add_row(
            label,
            fmt(t),
            fmt(ktab_o2),
            f"{ktab_o2 / t:.1f}x",
            fmt(ktab_debug) if ktab_debug is not None else "-",
            f"{ktab_debug / t:.1f}x" if ktab_debug is not None else "-",
        )
    console.print(table)
    console.print(
        "KTAB / mlf above 1: mlf faster. KTAB's time is a whole smpc process (start-up, CSV, "
        "log); mlf's is in-process after a warm-up."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller grid, fewer repeats")
    args = parser.parse_args()
    console = Console()
    console.print(
        "peers: decide-exchange-model and negmas are not installable in our lock; "
        "KTAB smpc times are measured figures from benchmarks/data/ktab-timings.md."
    )
    grid(args.quick, console)
    targets(args.quick, console)


if __name__ == "__main__":
    main()
