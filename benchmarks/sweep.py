"""Benchmark of ``mlf sweep``: throughput on each executor, speed-up, and memory flat in N.

Targets (issue 7): 10,000 draws of mlf-1963 (all alternatives) with the process executor in
< 60 s on a 2-core machine; process vs serial >= 1.8x; Dask LocalCluster within 25% of
processes; the parent's peak memory flat in the number of draws.

    .venv/bin/python benchmarks/sweep.py            # the full run (long)
    .venv/bin/python benchmarks/sweep.py --quick    # a few hundred draws
    .venv/bin/python benchmarks/sweep.py --profile  # where a draw spends its time (cProfile)

Times include starting the pool (its workers import the pipeline once) and writing Parquet;
"rate" is draws per second. Serial and Dask run on fewer draws than the process executor
(their rates are compared). Memory is the parent's peak RSS (``getrusage``) in a fresh child
process per size.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _sweep_once(scenario: str, draws: int, executor: str, workers: int | None,
                chunk: int) -> tuple[float, float | None]:
    """Seconds in all, and the steady rate (draws/s after the first chunk came back)."""
    from mlf.scenario import load_scenario
    from mlf.sensitivity import open_executor, run_sweep

    loaded = load_scenario(scenario)
    out = Path(tempfile.mkdtemp(prefix="mlf-bench-")) / "sweep"
    marks: list[tuple[float, int]] = []
    try:
        t = time.perf_counter()
        with open_executor(executor, workers=workers) as ex:
            run_sweep(loaded, out, draws=draws, seed=1, chunk_size=chunk, executor=ex,
                      progress=lambda d, n: marks.append((time.perf_counter(), d)))
        total = time.perf_counter() - t
        done = [m for m in marks if m[1] > 0]
        steady = None
        if len(done) >= 2 and done[-1][0] > done[0][0]:
            steady = (done[-1][1] - done[0][1]) / (done[-1][0] - done[0][0])
        return total, steady
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def _child(args: argparse.Namespace) -> None:
    secs, steady = _sweep_once(args.scenario, args.draws, args.executor, args.workers,
                               args.chunk_size)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": secs, "steady": steady, "rss_mib": rss_kib / 1024}))


def _run_child(scenario: str, draws: int, executor: str, workers: int | None,
               chunk: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", "--scenario", scenario, "--draws", str(draws),
           "--executor", executor, "--chunk-size", str(chunk)]
    if workers:
        cmd += ["--workers", str(workers)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def _profile(scenario: str, draws: int) -> None:
    import cProfile
    import pstats

    from mlf.scenario import load_scenario
    from mlf.sensitivity import collect_inputs, sample_chunk
    from mlf.sensitivity.sweep import ChunkTask, run_chunk

    sc = load_scenario(scenario).scenario
    inputs = collect_inputs(sc)
    values = sample_chunk(inputs, 1, 0, 0, draws + 2)
    run_chunk(ChunkTask(sc, inputs, sc.settings.model, sc.settings.seed, 0, 0, values[:2]))
    task = ChunkTask(sc, inputs, sc.settings.model, sc.settings.seed, 0, 0, values[2:])
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.runcall(run_chunk, task)
    print(f"{(time.perf_counter() - t) / draws * 1000:.1f} ms per draw (under cProfile), "
          f"{len(inputs)} inputs, {len(sc.alternatives)} alternatives")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(35)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a short run")
    p.add_argument("--scenario", default="mlf-1963")
    p.add_argument("--draws", type=int, default=None)
    p.add_argument("--chunk-size", type=int, default=None)
    p.add_argument("--repeat", type=int, default=None)
    p.add_argument("--executor", default="process")
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        _child(args)
        return
    if args.profile:
        _profile(args.scenario, args.draws or 20)
        return
    n = args.draws or (200 if args.quick else 10_000)
    chunk = args.chunk_size or (25 if args.quick else 200)
    repeat = args.repeat or 1
    n_small = min(n, 100 if args.quick else 1_000)
    rows: list[tuple[str, int, float, float, float]] = []

    def bench(label: str, draws: int, executor: str) -> float:
        runs = [_run_child(args.scenario, draws, executor, args.workers, chunk)
                for _ in range(repeat)]
        med = statistics.median(r["seconds"] for r in runs)
        steady = statistics.median(r["steady"] or float("nan") for r in runs)
        rows.append((label, draws, med, draws / med, steady))
        return steady

    proc = bench("process", n, "process")
    serial = bench("serial", n_small, "serial")
    dask = bench("dask LocalCluster", n_small, "dask")
    proc_small = bench("process (same N as dask)", n_small, "process")
    print(f"\nmlf sweep benchmark: {args.scenario}, chunk size {chunk}, median of {repeat}")
    print(f"{'executor':<26}{'draws':>8}{'seconds':>10}{'draws/s':>10}{'steady/s':>10}")
    for label, d, secs, rate, steady in rows:
        print(f"{label:<26}{d:>8}{secs:>10.2f}{rate:>10.1f}{steady:>10.1f}")
    print("ratios of steady rates (after start-up):")
    print(f"  process vs serial: {proc / serial:.2f}x (target >= 1.8x)")
    print(f"  dask vs process (same N): {dask / proc_small:.2f}x (target within 25%)")
    print(f"  process, 10,000 draws at the steady rate: {10_000 / proc:.0f} s (target < 60 s)")
    small, big = max(20, n_small // 4), n_small
    m1 = _run_child(args.scenario, small, "process", args.workers, chunk)["rss_mib"]
    m2 = _run_child(args.scenario, big, "process", args.workers, chunk)["rss_mib"]
    print(f"parent peak RSS: {m1:.0f} MiB at {small} draws, {m2:.0f} MiB at {big} draws "
          f"(ratio {m2 / m1:.2f}; flat = 1)")


if __name__ == "__main__":
    main()
