"""Benchmark the talks: ``mlf run mlf-1963`` as a whole process, and one alternative in-process.

Targets (issue 5): the whole process under 3 s on the 2-core reference machine; the talks for
one alternative (no process start) under 50 ms, so that 100,000 sensitivity draws take minutes.

Run: ``.venv/bin/python benchmarks/talks.py [--quick] [--scenario ID]``. Prints medians.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlf.scenario import load_scenario
from mlf.talks import run_alternative, run_scenario
from mlf.talks.arrangement import clear_game_caches


def _median_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--scenario", default="mlf-1963")
    args = ap.parse_args()
    repeat = 3 if args.quick else 7
    mlf_bin = Path(sys.executable).with_name("mlf")

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(mlf_bin), "run", args.scenario, "--out", tmp]
        subprocess.run(cmd, check=True, capture_output=True)  # warm the caches
        whole = _median_time(lambda: subprocess.run(cmd, check=True, capture_output=True), repeat)

    loaded = load_scenario(args.scenario)
    sc = loaded.scenario
    run_scenario(loaded)  # warm-up (JIT, imports)
    rows = []
    for alt_id in sc.alternatives:
        fast = _median_time(
            lambda a=alt_id: run_alternative(sc, a, enumerate_equilibria=False), repeat * 3
        )
        full = _median_time(lambda a=alt_id: run_alternative(sc, a), repeat)

        def cold(a: str = alt_id) -> None:
            clear_game_caches()
            run_alternative(sc, a, enumerate_equilibria=False)

        rows.append((alt_id, fast, _median_time(cold, repeat * 3), full))
    in_proc = _median_time(lambda: run_scenario(loaded), repeat)

    print(f"scenario {args.scenario}; medians of {repeat} runs (per-alternative: {repeat * 3})")
    print(f"{'what':48} {'median':>10} {'target':>8} {'ratio':>7}")
    print(
        f"{'mlf run (whole process, report included)':48} {whole:9.3f}s {'3 s':>8} "
        f"{whole / 3.0:7.2f}"
    )
    print(f"{'run_scenario in-process (all alternatives)':48} {in_proc:9.3f}s")
    for alt_id, fast, cold_t, full in rows:
        print(f"{'talks: ' + alt_id:48} {fast * 1e3:8.1f}ms {'50 ms':>8} {fast / 0.05:7.2f}")
        print(
            f"{'  same, control-game caches cleared first':48} {cold_t * 1e3:8.1f}ms "
            f"{'50 ms':>8} {cold_t / 0.05:7.2f}"
        )
        print(f"{'  + all equilibria enumerated':48} {full * 1e3:8.1f}ms")
    print("ratio = median / target (below 1 meets the target)")


if __name__ == "__main__":
    main()
