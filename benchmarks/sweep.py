"""Benchmark of ``mlf sweep``: throughput on each executor, speed-up, and memory flat in N.

Targets (issue 7): 10,000 draws of mlf-1963 (all alternatives) with the process executor in
< 60 s on a 2-core machine; process vs serial >= 1.8x; Dask LocalCluster within 25% of
processes; the parent's peak memory flat in the number of draws.

    .venv/bin/python benchmarks/sweep.py            # the full run (long)
    .venv/bin/python benchmarks/sweep.py --quick    # a few hundred draws
    .venv/bin/python benchmarks/sweep.py --profile  # where a draw spends its time (cProfile)
    .venv/bin/python benchmarks/sweep.py --cli --draws 10000 --repeat 3
        # the whole command, as a user runs it: wall, the parent's CPU, every process's CPU
    .venv/bin/python benchmarks/sweep.py --draws 2000 --small-draws 2000 --repeat 3 \
        --executors process,dask --no-memory   # Dask against processes, interleaved
    .venv/bin/python benchmarks/sweep.py --cli --executors process,dask --draws 2000 \
        --workers 2 --repeat 4   # whole commands: process, dask, process, dask, ...
    .venv/bin/python benchmarks/sweep.py --startup   # a local Dask cluster's start

"cold" includes starting the pool and a warm-up sweep (its workers import the pipeline once);
"warm" is the sweep alone on the warmed pool, writing Parquet; draws/s is from warm. Serial
and Dask run on fewer draws than the process executor unless ``--small-draws`` says otherwise
(their rates are compared at the same N). "CPU ms/draw" is the CPU time of every process that
did the warm sweep's work (the pool's workers, read from /proc, and the parent that writes the
Parquet files), per draw: on a machine shared with others it moves much less than wall time,
and ``10,000 x CPU / cores`` is what the sweep would take on idle cores. The load average is
printed before and after. Memory is the parent's peak RSS (``getrusage``) in a fresh child
process per size.

Last measured (2026-11-30, this 2-core machine, shared with other engineers' work; 2 workers;
mlf-1963 varies 240 inputs, 6 alternatives). Whole commands, each executor in turn within every
repeat, medians::

    benchmarks/sweep.py --cli --executors process,dask --draws 2000 --workers 2 --repeat 4
    (load average before the runs: median 1.94-1.98, about 1.5 of it these runs' own)
    process  wall  12.25 s, parent CPU  2.79 s, all processes' CPU  21.4 s
    dask     wall  13.35 s, parent CPU  3.70 s, all processes' CPU  23.4 s
    dask / process wall: 1.09x (median of the back-to-back pairs 1.09x; target <= 1.25x)

With the cluster started at the command's start instead of after the input's checks (the
same code otherwise; load average 0.6-1.5): process 11.77 s, Dask 13.11 s (1.11x, pairs
1.13x); starting it after the checks measured within noise of that (3 interleaved pairs:
12.99 s against 12.58 s) and lets bad input exit in 0.6 s instead of 1.8 s.

Measured the same way (this file's ``_cli_once``, 4 interleaved repeats, load average about 1.8;
the cluster then started at the command's start), beside the Dask path as it was before the
local cluster forked its workers and started early (main at 238fa0a: spawned workers, each
importing the pipeline at its first chunk): process 12.22 s, Dask 13.50 s (1.10x), Dask before
15.03 s (1.23x); all processes' CPU 21.7, 23.3 and 26.3 s; the command's own CPU 2.69, 3.65 and
4.38 s. Earlier the same day, busier: at a load average of 2.3-2.9, process 13.38 s and Dask
15.17 s (1.13x), Dask before 1.33x; at 4.6-8.7 the wall times scatter by a factor of two
(process 37.66 s, Dask 44.36 s: 1.18x, the median of the pairs 1.01x). The start of a local
cluster of 2 workers, from a fresh process (``--startup``, 5 interleaved repeats, load average
4-5): Dask's defaults ready 1.53 s, the pipeline imported on both workers 3.17 s, close 0.64 s;
mlf's (forked from the fork server) ready 1.94 s, imported 1.98 s, close 0.03 s. Where the rest
goes: docs/models/sensitivity.md, "Dask: where its extra time goes".
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _cpu_of(pids: list[int]) -> float | None:
    """CPU seconds (user + system) the processes ``pids`` have used so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _sweep_once(scenario: str, draws: int, executor: str, workers: int | None,
                chunk: int) -> tuple[float, float, float | None]:
    """Seconds cold (starting the executor, a warm-up sweep, the sweep) and warm (the sweep),
    and the CPU seconds of the warm sweep over every process that did its work (this one,
    which writes the Parquet files, and the pool's workers; None for Dask, whose workers are
    not this process's to read).

    The warm-up (one small chunk per worker) makes every worker import the pipeline, so the
    warm time is the steady throughput that matters for long sweeps.
    """
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
            pids = list(getattr(ex, "_processes", None) or {}) if executor == "process" else []
            w1 = _cpu_of(pids)
            c1 = time.process_time()
            t1 = time.perf_counter()
            run_sweep(loaded, tmp / "sweep", draws=draws, seed=1, chunk_size=chunk, executor=ex)
            t2 = time.perf_counter()
            c2 = time.process_time()
            w2 = _cpu_of(pids)
        cpu: float | None = c2 - c1
        if executor == "dask":
            cpu = None
        elif executor == "process":
            cpu = None if w1 is None or w2 is None or not pids else cpu + (w2 - w1)
        return t2 - t0, t2 - t1, cpu
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _child(args: argparse.Namespace) -> None:
    cold, warm, cpu = _sweep_once(args.scenario, args.draws, args.executor, args.workers,
                                  args.chunk_size)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"cold": cold, "warm": warm, "cpu": cpu, "rss_mib": rss_kib / 1024}))


def _run_child(scenario: str, draws: int, executor: str, workers: int | None,
               chunk: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", "--scenario", scenario, "--draws", str(draws),
           "--executor", executor, "--chunk-size", str(chunk)]
    if workers:
        cmd += ["--workers", str(workers)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def _tree_cpu(root: int, seen: dict[int, float]) -> None:
    """Record (in ``seen``) the CPU seconds so far of ``root`` itself and of every descendant
    (Linux /proc; each process's own utime + stime, never its reaped children's): the fork
    server and its workers are grandchildren, never waited for by this process, so their CPU
    is read while they run (a process's last fraction of a polling interval is missed)."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    for pid, c in cpu.items():
        p = pid
        while p not in (0, 1) and p != root:
            p = parent.get(p, 0)
        if p == root:
            seen[pid] = max(seen.get(pid, 0.0), c)


def _cli_once(scenario: str, draws: int, executor: str, workers: int | None,
              chunk: int | None) -> dict[str, Any]:
    """One whole ``mlf sweep`` command in a fresh process, as a user runs it (imports, load,
    pool or cluster start, chunks, summary, fragile pass, result): wall seconds, the command's
    own CPU and the CPU of every process of it (both read from /proc every 0.1 s while it
    runs; the command's own excludes its children, e.g. a Dask cluster's worker processes)
    and the load average just before it."""
    tmp = Path(tempfile.mkdtemp(prefix="mlf-bench-cli-"))
    cmd = [sys.executable, "-c", "from mlf.cli import main; main()",
           "sweep", scenario, "--draws", str(draws), "--executor", executor,
           "--out", str(tmp / "sweep")]
    if workers:
        cmd += ["--workers", str(workers)]
    if chunk:
        cmd += ["--chunk-size", str(chunk)]
    load = _loadavg().split()[0]
    seen: dict[int, float] = {}
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while True:
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            _tree_cpu(proc.pid, seen)
            time.sleep(0.1)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0:
            raise SystemExit(f"mlf sweep failed ({proc.returncode}): {err.strip()}")
        return {"wall": wall, "parent_cpu": seen.get(proc.pid, 0.0), "cpu": sum(seen.values()),
                "load": float(load)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _cli(args: argparse.Namespace) -> None:
    """Whole commands; with ``--executors``, each executor in turn within every repeat
    (process, dask, process, dask, ...), so that a change in the machine's load falls on
    every executor alike."""
    n = args.draws or 10_000
    executors = [e.strip() for e in (args.executors or args.executor).split(",") if e.strip()]
    runs: dict[str, list[dict[str, Any]]] = {e: [] for e in executors}
    for r in range(args.repeat or 1):
        for ex in executors:
            res = _cli_once(args.scenario, n, ex, args.workers, args.chunk_size)
            runs[ex].append(res)
            print(f"run {r + 1} {ex:<8} wall {res['wall']:6.2f} s, parent CPU "
                  f"{res['parent_cpu']:5.2f} s, all processes' CPU {res['cpu']:5.1f} s, "
                  f"load average before {res['load']:.2f}", flush=True)

    def med(ex: str, key: str) -> float:
        return float(statistics.median(r[key] for r in runs[ex]))

    print(f"\nmlf sweep {args.scenario} --draws {n:,} ({os.cpu_count()} cores, "
          f"{args.workers or os.cpu_count()} workers), median of {args.repeat or 1}"
          f"{' interleaved' if len(executors) > 1 else ''}:")
    for ex in executors:
        print(f"  {ex:<8} wall {med(ex, 'wall'):6.2f} s, parent CPU {med(ex, 'parent_cpu'):5.2f}"
              f" s, all processes' CPU {med(ex, 'cpu'):5.1f} s; load average "
              f"{med(ex, 'load'):.2f} (median of the values before each run)")
    if "process" in runs and "dask" in runs:
        pairs = [d["wall"] / p["wall"] for p, d in zip(runs["process"], runs["dask"],
                                                       strict=True)]
        print(f"  dask / process wall: {med('dask', 'wall') / med('process', 'wall'):.2f}x "
              f"(ratio of the medians; median of the back-to-back pairs "
              f"{statistics.median(pairs):.2f}x; target within 25%, i.e. <= 1.25x)")
    if "process" in runs and n == 10_000:
        print("  target: process < 60 s at 10,000 draws")


def _startup_once(kind: str) -> dict[str, float]:
    """In this (fresh) process: seconds from its start until a local Dask cluster of two
    workers is ready, until both have run a first task that needs the pipeline's imports (a
    chunk does), and to close it. ``kind``: ``spawn`` is Dask's default (each worker a fresh
    interpreter that imports distributed, then the pipeline on its first task); ``mlf`` is
    :func:`mlf._daskcluster.local_cluster`, forked from the fork server, which is started
    first, as ``mlf sweep`` does."""
    t0 = time.perf_counter()
    if kind == "mlf":
        from mlf._pool import DASK_PRELOAD, start_pool_server

        start_pool_server(DASK_PRELOAD)
    import logging

    import distributed

    from mlf._pool import POOL_PRELOAD

    if kind == "mlf":
        from mlf._daskcluster import local_cluster

        cluster = local_cluster(2)
    else:
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=logging.ERROR)
    t1 = time.perf_counter()
    with distributed.Client(cluster) as client:
        futures = [client.submit(_import_all, POOL_PRELOAD, pure=False, workers=[w])
                   for w in client.scheduler_info()["workers"]]
        client.gather(futures)
        t2 = time.perf_counter()
    cluster.close()
    t3 = time.perf_counter()
    return {"ready": t1 - t0, "first_task": t2 - t0, "close": t3 - t2}


def _import_all(names: tuple[str, ...]) -> None:
    import importlib

    for name in names:
        importlib.import_module(name)


def _startup(args: argparse.Namespace) -> None:
    """Dask's default local cluster against mlf's, each in a fresh process, interleaved."""
    runs: dict[str, list[dict[str, float]]] = {"spawn": [], "mlf": []}
    for _ in range(args.repeat or 3):
        for kind in runs:
            cmd = [sys.executable, __file__, "--startup-child", kind]
            res = subprocess.run(cmd, capture_output=True, text=True, check=True)
            runs[kind].append(json.loads(res.stdout.strip().splitlines()[-1]))
    print(f"local Dask cluster of 2 workers, seconds from a fresh process's start, median of "
          f"{args.repeat or 3} (interleaved); load average {_loadavg()}")
    for kind, label in (("spawn", "Dask's default (spawned workers)"),
                        ("mlf", "mlf (forked from the fork server)")):
        m = {k: statistics.median(r[k] for r in runs[kind]) for k in ("ready", "first_task",
                                                                       "close")}
        print(f"  {label:<36} ready {m['ready']:.2f}, pipeline imported on both workers "
              f"{m['first_task']:.2f}, close {m['close']:.2f}")


def _profile(scenario: str, draws: int) -> None:
    import cProfile
    import pstats

    from mlf.scenario import load_scenario
    from mlf.sensitivity import sample_chunk
    from mlf.sensitivity.sweep import ChunkTask, prepare_sweep, run_chunk

    loaded = load_scenario(scenario)
    sc = loaded.scenario
    # the inputs `mlf sweep` varies: written ranges and the default ranges of the rest
    model, inputs = prepare_sweep(loaded, draws=draws, seed=1, chunk_size=draws, model=None,
                                  sampling="random")
    values = sample_chunk(inputs, 1, 0, 0, draws + 20)
    run_chunk(ChunkTask(sc, inputs, model, sc.settings.seed, 0, 0, values[:20]))  # warm caches
    task = ChunkTask(sc, inputs, model, sc.settings.seed, 0, 0, values[20:])
    c = time.process_time()
    run_chunk(task)
    cpu = (time.process_time() - c) / draws * 1000
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.runcall(run_chunk, task)
    print(f"{cpu:.2f} CPU ms per draw without the profiler, "
          f"{(time.perf_counter() - t) / draws * 1000:.1f} ms under cProfile; "
          f"{len(inputs)} inputs, {len(sc.alternatives)} alternatives")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(35)


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a short run")
    p.add_argument("--scenario", default="mlf-1963")
    p.add_argument("--draws", type=int, default=None)
    p.add_argument("--chunk-size", type=int, default=None)
    p.add_argument("--repeat", type=int, default=None)
    p.add_argument("--executor", default="process")
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--small-draws", type=int, default=None,
                   help="draws of the serial, Dask and same-N process runs (default: up to "
                   "1,000; 200 with --quick)")
    p.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    p.add_argument("--profile", action="store_true")
    p.add_argument("--cli", action="store_true",
                   help="time the whole mlf sweep command (default 10,000 draws)")
    p.add_argument("--startup", action="store_true",
                   help="time a local Dask cluster's start: Dask's default against mlf's")
    p.add_argument("--startup-child", default=None, help=argparse.SUPPRESS)
    p.add_argument("--executors", default=None,
                   help="executors of the rate table, comma-separated (default "
                   "process,serial,dask; process first; the same-N process row comes with "
                   "dask); with --cli, the commands to run in turn in each repeat")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        _child(args)
        return
    if args.startup_child:
        print(json.dumps(_startup_once(args.startup_child)))
        return
    if args.startup:
        _startup(args)
        return
    if args.profile:
        _profile(args.scenario, args.draws or 20)
        return
    if args.cli:
        _cli(args)
        return
    n = args.draws or (200 if args.quick else 10_000)
    chunk = args.chunk_size or (25 if args.quick else 200)
    repeat = args.repeat or 1
    n_small = args.small_draws or min(n, 200 if args.quick else 1_000)
    rows: list[tuple[str, int, float, float, float, float | None, float]] = []
    load_before = _loadavg()
    wanted = [e.strip() for e in (args.executors or "process,serial,dask").split(",")
              if e.strip()]
    plan = [("process", n, "process")]
    if "serial" in wanted:
        plan.append(("serial", n_small, "serial"))
    same_n = "process"  # the process row Dask is compared with: same number of draws
    if "dask" in wanted:
        plan.append(("dask LocalCluster", n_small, "dask"))
        if n_small != n:
            same_n = "process (same N as dask)"
            plan.append((same_n, n_small, "process"))
    # repeats interleaved (every row once, then again), so a change in the machine's load
    # falls on every row alike; each row reports the median of its runs
    results: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _ in plan}
    loads: dict[str, list[float]] = {label: [] for label, _, _ in plan}
    for _ in range(repeat):
        for label, draws, executor in plan:
            loads[label].append(float(_loadavg().split()[0]))
            results[label].append(_run_child(args.scenario, draws, executor, args.workers,
                                             chunk))
    rate: dict[str, float] = {}
    for label, draws, _ in plan:
        runs = results[label]
        cold = float(statistics.median(r["cold"] for r in runs))
        warm = float(statistics.median(r["warm"] for r in runs))
        cpus = [r["cpu"] for r in runs if r.get("cpu") is not None]
        cpu = float(statistics.median(cpus)) / draws * 1000 if cpus else None
        rows.append((label, draws, cold, warm, draws / warm, cpu,
                     float(statistics.median(loads[label]))))
        rate[label] = float(statistics.median(draws / r["warm"] for r in runs))
    print(f"\nmlf sweep benchmark: {args.scenario}, chunk size {chunk}, median of {repeat} "
          f"(interleaved); load average {load_before} before, {_loadavg()} after "
          f"({os.cpu_count()} cores)")
    print(f"{'executor':<26}{'draws':>8}{'cold s':>10}{'warm s':>10}{'draws/s':>10}"
          f"{'CPU ms/draw':>13}{'load':>7}")
    for label, d, cold, warm, r_, cpu, ld in rows:
        shown = "-" if cpu is None else f"{cpu:.2f}"
        print(f"{label:<26}{d:>8}{cold:>10.2f}{warm:>10.2f}{r_:>10.1f}{shown:>13}{ld:>7.2f}")
    print("CPU ms/draw: every process of the warm sweep (workers and the parent writing "
          "Parquet); less sensitive than wall time to others' load on a shared machine; "
          "load: median 1-minute load average before the row's runs")
    print("ratios of warm rates (pool started, workers warmed up):")
    proc = rate["process"]
    if "serial" in rate:
        print(f"  process vs serial: {proc / rate['serial']:.2f}x (target >= 1.8x)")
    if "dask LocalCluster" in rate:
        pairs = [a["warm"] / b["warm"] for a, b in zip(
            results[same_n], results["dask LocalCluster"], strict=True)]
        ratio = rate["dask LocalCluster"] / rate[same_n]
        print(f"  dask vs process (same N): {ratio:.2f}x (median of the pairs run back to "
              f"back: {statistics.median(pairs):.2f}x; target within 25%, i.e. >= 0.80x)")
    print(f"  process, 10,000 draws at the steady rate: {10_000 / proc:.0f} s (target < 60 s)")
    serial_cpu = rows[1][5] if "serial" in rate else None
    if serial_cpu is not None:
        cores = os.cpu_count() or 1
        print(f"  10,000 draws at the serial CPU cost on {cores} idle cores: "
              f"{10_000 * serial_cpu / 1000 / cores:.0f} s (no pool or load overhead)")
    if args.no_memory:
        return
    small, big = max(20, n_small // 4), n_small
    m1 = _run_child(args.scenario, small, "process", args.workers, chunk)["rss_mib"]
    m2 = _run_child(args.scenario, big, "process", args.workers, chunk)["rss_mib"]
    print(f"parent peak RSS: {m1:.0f} MiB at {small} draws, {m2:.0f} MiB at {big} draws "
          f"(ratio {m2 / m1:.2f}; flat = 1)")


if __name__ == "__main__":
    main()
