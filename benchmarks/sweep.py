"""Benchmark of ``mlf sweep``: throughput on each executor, speed-up, and memory flat in N.

Targets (issue 7): 10,000 draws of mlf-1963 (all alternatives) with the process executor in
< 60 s on a 2-core machine; process vs serial >= 1.8x; Dask LocalCluster within 25% of
processes; the parent's peak memory flat in the number of draws.

    .venv/bin/python benchmarks/sweep.py            # the full run (long)
    .venv/bin/python benchmarks/sweep.py --quick    # a few hundred draws
    .venv/bin/python benchmarks/sweep.py --profile  # where a draw spends its time (cProfile)

"cold" includes starting the pool and a warm-up sweep (its workers import the pipeline once);
"warm" is the sweep alone on the warmed pool, writing Parquet; draws/s is from warm. Serial
and Dask run on fewer draws than the process executor (their rates are compared). Memory is
the parent's peak RSS (``getrusage``) in a fresh child process per size.
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
                chunk: int) -> tuple[float, float]:
    """Seconds cold (starting the executor, a warm-up sweep, the sweep) and warm (the sweep).

    The warm-up (one small chunk per worker) makes every worker import the pipeline, so the
    warm time is the steady throughput that matters for long sweeps.
    """
    import os

    from mlf.scenario import load_scenario
    from mlf.sensitivity import open_executor, run_sweep

    loaded = load_scenario(scenario)
    tmp = Path(tempfile.mkdtemp(prefix="mlf-bench-"))
    n_workers = 1 if executor == "serial" else (workers or os.cpu_count() or 1)
    try:
        t0 = time.perf_counter()
        with open_executor(executor, workers=workers) as ex:
            run_sweep(loaded, tmp / "warm", draws=2 * n_workers, seed=2, chunk_size=1,
                      executor=ex)
            t1 = time.perf_counter()
            run_sweep(loaded, tmp / "sweep", draws=draws, seed=1, chunk_size=chunk, executor=ex)
            t2 = time.perf_counter()
        return t2 - t0, t2 - t1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _child(args: argparse.Namespace) -> None:
    cold, warm = _sweep_once(args.scenario, args.draws, args.executor, args.workers,
                             args.chunk_size)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"cold": cold, "warm": warm, "rss_mib": rss_kib / 1024}))


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
    n_small = min(n, 200 if args.quick else 1_000)
    rows: list[tuple[str, int, float, float, float]] = []

    def bench(label: str, draws: int, executor: str) -> float:
        runs = [_run_child(args.scenario, draws, executor, args.workers, chunk)
                for _ in range(repeat)]
        cold = float(statistics.median(r["cold"] for r in runs))
        warm = float(statistics.median(r["warm"] for r in runs))
        rows.append((label, draws, cold, warm, draws / warm))
        return draws / warm

    proc = bench("process", n, "process")
    serial = bench("serial", n_small, "serial")
    dask = bench("dask LocalCluster", n_small, "dask")
    proc_small = bench("process (same N as dask)", n_small, "process")
    print(f"\nmlf sweep benchmark: {args.scenario}, chunk size {chunk}, median of {repeat}")
    print(f"{'executor':<26}{'draws':>8}{'cold s':>10}{'warm s':>10}{'draws/s':>10}")
    for label, d, cold, warm, rate in rows:
        print(f"{label:<26}{d:>8}{cold:>10.2f}{warm:>10.2f}{rate:>10.1f}")
    print("ratios of warm rates (pool started, workers warmed up):")
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
