"""Sweeps: run every draw through the whole path, in chunks, on any executor, into Parquet.

A sweep of ``draws`` draws is cut into fixed chunks of ``chunk_size`` draws. Each chunk is one
task: apply each of its draws to the scenario, run every alternative through
:func:`mlf.talks.run_alternative` (talks, participation, analysis) and return one flat record
per draw as an Arrow table. The parent writes each chunk to its own Parquet file (zstd) under a
temporary name in the run folder, then renames it (``os.replace``), so a chunk file is either
absent or whole. A ``manifest.json`` records what the sweep is (scenario SHA-256, seed, draws,
chunk size, model, sampling, inputs); :func:`resume_sweep` runs only the missing chunks.

The executor is any :class:`concurrent.futures.Executor` (``None`` runs in-process): local
processes, or a Dask cluster through ``distributed.Client(...).get_executor()``. Since each
chunk's draws depend only on the seed and the chunk index (:mod:`mlf.sensitivity.draws`) and the
model seed is the scenario's, the files are identical whatever runs them. At most
``max_in_flight`` chunks are submitted at a time and each finished chunk is written and dropped
at once, so the parent's memory does not grow with the number of draws.

The British question is not asked in draws: it re-runs alternatives several times and is about
the point forecast, not its uncertainty.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mlf import __version__
from mlf.bargaining import MODELS
from mlf.errors import UsageError
from mlf.scenario import LoadedScenario, Scenario
from mlf.sensitivity.draws import (
    SAMPLINGS,
    FloatArray,
    SensitivityError,
    UncertainInput,
    apply_draw,
    chunk_bounds,
    collect_inputs,
    lhs_design,
    sample_chunk,
)
from mlf.talks import run_alternative

ProgressFn = Callable[[int, int], None]

GUARDRAILS = ("no_selling", "fallback", "genuinely_european", "fixed_point")
"""Guardrail flags recorded per alternative and draw (``ok`` of each)."""

EXECUTORS = ("serial", "process", "dask")
MANIFEST = "manifest.json"
CHUNK_GLOB = "chunk-*.parquet"
FORMAT = 1


def chunk_name(chunk: int) -> str:
    return f"chunk-{chunk:06d}.parquet"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Column:
    """One column of the flat per-draw record: name and Arrow type name."""

    name: str
    type: str  # "int64" | "int16" | "int8" | "float64" | "bool" | "string"


def alternative_issues(sc: Scenario, alt_id: str) -> list[str]:
    """The issues an alternative settles: its open ones, then its fixed ones."""
    alt = sc.alternatives[alt_id]
    return [*alt.open, *(i for i in alt.fixed if i not in alt.open)]


def layout(sc: Scenario, inputs: Sequence[UncertainInput]) -> tuple[Column, ...]:
    """The columns of a draw's record (fixed by the scenario, so every chunk has the same).

    ``draw``; ``in/<path>`` per input; per alternative ``<alt>/status``, ``/agreement``,
    ``/considered`` (support reaches the threshold, so ``mlf run`` would analyse it),
    ``/support``, ``/members`` (count), ``/value/<issue>`` (agreed value; options issues: the
    option's index), ``/join/<actor>`` (0/1), ``/power/<actor>`` (power index of a member),
    ``/cost/<actor>`` (a member's annual cost / defence budget), ``/guard/<name>``.
    """
    cols = [Column("draw", "int64")]
    cols += [Column(f"in/{x.path}", "float64") for x in inputs]
    for a, alt in sc.alternatives.items():
        cols += [
            Column(f"{a}/status", "string"),
            Column(f"{a}/agreement", "bool"),
            Column(f"{a}/considered", "bool"),
            Column(f"{a}/support", "float64"),
            Column(f"{a}/members", "int16"),
        ]
        cols += [Column(f"{a}/value/{i}", "float64") for i in alternative_issues(sc, a)]
        cols += [Column(f"{a}/join/{m}", "int8") for m in alt.invited]
        cols += [Column(f"{a}/power/{m}", "float64") for m in alt.invited]
        cols += [Column(f"{a}/cost/{m}", "float64") for m in alt.invited]
        cols += [Column(f"{a}/guard/{g}", "bool") for g in GUARDRAILS]
    return tuple(cols)


def draw_record(sc: Scenario, model: str, seed: int) -> dict[str, Any]:
    """The outcome columns of one draw (every alternative) for an already-patched scenario."""
    rec: dict[str, Any] = {}
    threshold = sc.settings.support_threshold
    for a, alt in sc.alternatives.items():
        out = run_alternative(sc, a, model=model, seed=seed, detail=False)
        members = set(out.members)
        rec[f"{a}/status"] = out.status
        rec[f"{a}/agreement"] = out.status == "agreement"
        rec[f"{a}/considered"] = out.support >= threshold
        rec[f"{a}/support"] = out.support
        rec[f"{a}/members"] = len(members)
        for i in alternative_issues(sc, a):
            ag = out.agreed.get(i)
            rec[f"{a}/value/{i}"] = None if ag is None else ag.value
        voice: dict[str, float] = {}
        if out.participation is not None:
            voice = {d.actor: d.terms.voice for d in out.participation.decisions}
        share = out.arrangement.budget_share if out.arrangement is not None else {}
        for m in alt.invited:
            inside = m in members
            rec[f"{a}/join/{m}"] = int(inside)
            rec[f"{a}/power/{m}"] = voice.get(m) if inside else None
            rec[f"{a}/cost/{m}"] = share.get(m) if inside else None
        for g in GUARDRAILS:
            entry = out.guardrails.get(g)
            rec[f"{a}/guard/{g}"] = None if entry is None else bool(entry.get("ok"))
    return rec


@dataclass(frozen=True)
class ChunkTask:
    """One chunk's work: the scenario, the inputs and the chunk's sampled values."""

    scenario: Scenario
    inputs: tuple[UncertainInput, ...]
    model: str
    seed: int
    chunk: int
    start: int
    values: FloatArray = field(repr=False)


def run_chunk(task: ChunkTask) -> dict[str, list[Any]]:
    """Run a chunk's draws; return its records column by column (pure: no I/O, no Arrow).

    Workers return plain lists so that they need neither pyarrow nor pandas; the parent turns
    them into a table (:func:`records_table`).
    """
    cols = layout(task.scenario, task.inputs)
    data: dict[str, list[Any]] = {c.name: [] for c in cols}
    in_names = [f"in/{x.path}" for x in task.inputs]
    for r in range(task.values.shape[0]):
        row = task.values[r]
        sc = apply_draw(task.scenario, task.inputs, row)
        data["draw"].append(task.start + r)
        for name, v in zip(in_names, row, strict=True):
            data[name].append(float(v))
        for k, v in draw_record(sc, task.model, task.seed).items():
            data[k].append(v)
    return data


def records_table(columns: Sequence[Column], data: Mapping[str, list[Any]]) -> Any:
    """A chunk's records as a ``pyarrow.Table`` with the fixed schema of :func:`layout`."""
    import pyarrow as pa

    types = {"int64": pa.int64(), "int16": pa.int16(), "int8": pa.int8(),
             "float64": pa.float64(), "bool": pa.bool_(), "string": pa.string()}
    schema = pa.schema([(c.name, types[c.type]) for c in columns])
    arrays = [pa.array(data[c.name], type=types[c.type]) for c in columns]
    return pa.Table.from_arrays(arrays, schema=schema)


# --------------------------------------------------------------------------- storage


def _write_json_atomic(path: Path, obj: Mapping[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def write_chunk(directory: Path, chunk: int, table: Any) -> Path:
    """Write a chunk's table to ``chunk-NNNNNN.parquet`` (zstd) atomically."""
    import pyarrow.parquet as pq

    final = directory / chunk_name(chunk)
    tmp = directory / f".{chunk_name(chunk)}.{os.getpid()}.tmp"
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, final)
    return final


def _chunk_done(directory: Path, chunk: int, rows: int) -> bool:
    import pyarrow.parquet as pq

    path = directory / chunk_name(chunk)
    if not path.is_file():
        return False
    try:
        return bool(pq.read_metadata(path).num_rows == rows)
    except Exception:  # an unreadable file is not a finished chunk
        return False


def read_manifest(directory: str | Path) -> dict[str, Any]:
    """The sweep's manifest, or a one-line error if the folder holds no sweep."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise UsageError(f"{directory}: no {MANIFEST} here (not a sweep folder)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: unreadable manifest ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UsageError(f"{path}: not a manifest of this mlf (format {FORMAT})")
    return data


def make_manifest(
    loaded: LoadedScenario,
    inputs: Sequence[UncertainInput],
    *,
    draws: int,
    seed: int,
    chunk_size: int,
    model: str,
    sampling: str,
) -> dict[str, Any]:
    sc = loaded.scenario
    return {
        "format": FORMAT,
        "mlf_version": __version__,
        "scenario_id": sc.meta.id,
        "scenario_sha256": loaded.sha256,
        "scenario_ref": sc.meta.id if loaded.builtin else str(Path(loaded.path).resolve()),
        "seed": seed,
        "draws": draws,
        "chunk_size": chunk_size,
        "chunks": len(chunk_bounds(draws, chunk_size)),
        "model": model,
        "model_seed": sc.settings.seed,
        "sampling": sampling,
        "alternatives": list(sc.alternatives),
        "pivotal_actor": sc.settings.pivotal_actor,
        "invited": {a: list(alt.invited) for a, alt in sc.alternatives.items()},
        "issues": {
            i: {
                "title": issue.title,
                "unit": issue.unit,
                "lo": issue.lo,
                "hi": issue.hi,
                "options": None if issue.options is None else [o.id for o in issue.options],
            }
            for i, issue in sc.issues.items()
        },
        "settled": {a: alternative_issues(sc, a) for a in sc.alternatives},
        "inputs": [x.to_dict() for x in inputs],
    }


# --------------------------------------------------------------------------- executors


@contextmanager
def open_executor(
    kind: str = "process", *, workers: int | None = None, scheduler: str | None = None
) -> Iterator[Executor | None]:
    """An executor by name: ``serial`` (None), ``process`` (local processes, all cores by
    default) or ``dask`` (a Dask cluster at ``scheduler``, or a LocalCluster); shut down on exit.
    """
    if kind not in EXECUTORS:
        raise UsageError(f"unknown executor {kind!r} (known: {', '.join(EXECUTORS)})")
    if workers is not None and workers <= 0:
        raise UsageError(f"workers must be positive, got {workers}")
    if scheduler is not None and kind != "dask":
        raise UsageError("--scheduler needs --executor dask")
    if kind == "serial":
        yield None
        return
    if kind == "process":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("forkserver")
        # workers fork from a server that has imported the pipeline once
        ctx.set_forkserver_preload(["mlf.sensitivity.sweep", "mlf.manning", "scipy.optimize"])
        pool = ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=ctx)
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    import importlib
    import logging

    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise UsageError(
            "the dask executor needs the optional extra mlf[dask] (pip install 'mlf[dask]')"
        ) from None
    cluster: Any = None
    try:
        if scheduler is None:
            cluster = distributed.LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(scheduler, timeout=10)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise UsageError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    try:
        yield client.get_executor()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class SweepRun:
    """What one call of :func:`run_sweep` / :func:`resume_sweep` did."""

    directory: str
    draws: int
    chunks: int
    chunks_run: int
    chunks_kept: int
    manifest: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "draws": self.draws,
            "chunks": self.chunks,
            "chunks_run": self.chunks_run,
            "chunks_kept": self.chunks_kept,
            "manifest": dict(self.manifest),
        }


def _check_model(sc: Scenario, model: str | None) -> str:
    mdl = model or sc.settings.model
    if mdl not in MODELS:
        raise UsageError(f"unknown model {mdl!r} (known: {', '.join(sorted(MODELS))})")
    return mdl


def run_sweep(
    loaded: LoadedScenario,
    directory: str | Path,
    *,
    draws: int,
    seed: int = 0,
    chunk_size: int = 200,
    model: str | None = None,
    sampling: str = "random",
    executor: Executor | None = None,
    max_in_flight: int | None = None,
    progress: ProgressFn | None = None,
) -> SweepRun:
    """Start a sweep in ``directory`` (created; must not hold a sweep already).

    Raises:
        SensitivityError: the scenario has no uncertainty ranges.
        UsageError: bad draws, chunk size, seed, model or sampling; the folder holds a sweep.
    """
    sc = loaded.scenario
    if draws <= 0:
        raise UsageError(f"draws must be positive, got {draws}")
    if chunk_size <= 0:
        raise UsageError(f"chunk size must be positive, got {chunk_size}")
    if seed < 0:
        raise UsageError(f"seed must be non-negative, got {seed}")
    if sampling not in SAMPLINGS:
        raise UsageError(f"unknown sampling {sampling!r} (known: {', '.join(SAMPLINGS)})")
    mdl = _check_model(sc, model)
    inputs = collect_inputs(sc)
    if not inputs:
        raise SensitivityError(
            f"scenario {sc.meta.id!r} has no uncertainty ranges: every draw would be the same "
            "(give some numbers a range: [min, mode, max])"
        )
    out = Path(directory)
    if (out / MANIFEST).exists():
        raise UsageError(f"{out} already holds a sweep: resume it with --resume {out}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {out}: {exc.strerror or exc}") from None
    manifest = make_manifest(
        loaded, inputs, draws=draws, seed=seed, chunk_size=chunk_size, model=mdl,
        sampling=sampling,
    )
    _write_json_atomic(out / MANIFEST, manifest)
    return _execute(sc, out, manifest, inputs, executor, max_in_flight, progress)


def resume_sweep(
    directory: str | Path,
    loaded: LoadedScenario,
    *,
    executor: Executor | None = None,
    max_in_flight: int | None = None,
    progress: ProgressFn | None = None,
) -> SweepRun:
    """Run the chunks of the sweep in ``directory`` that are missing (finished ones are kept).

    Raises:
        UsageError: no manifest, or the scenario is not the one the sweep was started with.
    """
    out = Path(directory)
    manifest = read_manifest(out)
    sc = loaded.scenario
    if manifest.get("scenario_sha256") != loaded.sha256:
        raise UsageError(
            f"{out}: the sweep was made from a different scenario file (SHA-256 "
            f"{str(manifest.get('scenario_sha256'))[:12]}..., this one {loaded.sha256[:12]}...)"
        )
    if manifest.get("mlf_version") != __version__:
        raise UsageError(
            f"{out}: the sweep was made by mlf {manifest.get('mlf_version')}, this is mlf "
            f"{__version__}; start a new sweep"
        )
    inputs = collect_inputs(sc)
    if [x.to_dict() for x in inputs] != manifest.get("inputs"):
        raise UsageError(f"{out}: the manifest's inputs do not match the scenario's ranges")
    _check_model(sc, str(manifest["model"]))
    return _execute(sc, out, manifest, inputs, executor, max_in_flight, progress)


def _execute(
    sc: Scenario,
    out: Path,
    manifest: Mapping[str, Any],
    inputs: tuple[UncertainInput, ...],
    executor: Executor | None,
    max_in_flight: int | None,
    progress: ProgressFn | None,
) -> SweepRun:
    draws = int(manifest["draws"])
    seed = int(manifest["seed"])
    sampling = str(manifest["sampling"])
    model = str(manifest["model"])
    bounds = chunk_bounds(draws, int(manifest["chunk_size"]))
    for leftover in out.glob(".chunk-*.tmp"):
        leftover.unlink(missing_ok=True)
    todo = [c for c, (s, e) in enumerate(bounds) if not _chunk_done(out, c, e - s)]
    done = draws - sum(bounds[c][1] - bounds[c][0] for c in todo)
    if progress is not None:
        progress(done, draws)
    design = lhs_design(len(inputs), draws, seed) if sampling == "lhs" and todo else None

    def task(c: int) -> ChunkTask:
        s, e = bounds[c]
        values = sample_chunk(inputs, seed, c, s, e, sampling=sampling, design=design)
        return ChunkTask(sc, inputs, model, sc.settings.seed, c, s, values)

    columns = layout(sc, inputs)

    def finish(c: int, data: dict[str, list[Any]]) -> None:
        nonlocal done
        write_chunk(out, c, records_table(columns, data))
        done += bounds[c][1] - bounds[c][0]
        if progress is not None:
            progress(done, draws)

    if executor is None:
        for c in todo:
            finish(c, run_chunk(task(c)))
    else:
        window = max_in_flight or 2 * (os.cpu_count() or 1) + 2
        pending: dict[Future[Any], int] = {}
        queue = iter(todo)
        try:
            while True:
                while len(pending) < window:
                    nxt = next(queue, None)
                    if nxt is None:
                        break
                    pending[executor.submit(run_chunk, task(nxt))] = nxt
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in sorted(finished, key=lambda f: pending[f]):
                    c = pending.pop(f)
                    finish(c, f.result())
        finally:
            for f in pending:
                f.cancel()
    return SweepRun(str(out), draws, len(bounds), len(todo), len(bounds) - len(todo), manifest)


def chunk_values(
    manifest: Mapping[str, Any], inputs: Sequence[UncertainInput], chunk: int
) -> FloatArray:
    """The sampled input values of one chunk of a sweep (recomputed from the manifest)."""
    draws = int(manifest["draws"])
    seed = int(manifest["seed"])
    s, e = chunk_bounds(draws, int(manifest["chunk_size"]))[chunk]
    design = lhs_design(len(inputs), draws, seed) if manifest["sampling"] == "lhs" else None
    return np.asarray(
        sample_chunk(inputs, seed, chunk, s, e, sampling=str(manifest["sampling"]), design=design)
    )
