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

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mlf._atomic import (
    OutputLock,
    json_text,
    locked_output,
    release_output,
    remove_leftovers,
    write_file,
)
from mlf._daskcluster import ClusterStart, local_cluster
from mlf._pool import pool_context
from mlf._version import __version__
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
    design_width,
    lhs_design,
    sample_chunk,
    sample_models,
)
from mlf.sensitivity.limits import check_draws, check_memory
from mlf.talks import run_alternative

ProgressFn = Callable[[int, int], None]

GUARDRAILS = ("no_selling", "fallback", "genuinely_european", "fixed_point")
"""Guardrail flags recorded per alternative and draw (``ok`` of each)."""

EXECUTORS = ("serial", "process", "dask")
MANIFEST = "manifest.json"
CHUNK_GLOB = "chunk-*.parquet"
FORMAT = 2
"""Manifest format: 2 records each finished chunk's draw range and SHA-256 under ``done``."""
MANIFEST_EVERY = 1.0
"""Seconds between rewrites of the manifest while chunks finish (always at the end)."""


def chunk_name(chunk: int) -> str:
    """The file name of chunk ``chunk`` (zero-padded, so names sort in chunk order).

    Examples:
        >>> chunk_name(3)
        'chunk-000003.parquet'
    """
    return f"chunk-{chunk:06d}.parquet"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Column:
    """One column of the flat per-draw record: name and Arrow type name."""

    name: str
    type: str  # "int64" | "int16" | "int8" | "float64" | "bool" | "string"


def alternative_issues(sc: Scenario, alt_id: str) -> list[str]:
    """The issues an alternative settles: its open ones, then its fixed ones.

    Examples:
        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> alternative_issues(sc, "force")
        ['size']
    """
    alt = sc.alternatives[alt_id]
    return [*alt.open, *(i for i in alt.fixed if i not in alt.open)]


def layout(
    sc: Scenario, inputs: Sequence[UncertainInput], *, model_draw: bool = False
) -> tuple[Column, ...]:
    """The columns of a draw's record (fixed by the scenario, so every chunk has the same).

    ``draw``; ``in/<path>`` per input; per alternative ``<alt>/status``, ``/agreement``
    (an agreement, ratified by every member), ``/signed`` (signed, ratified or not),
    ``/considered`` (support reaches the threshold, so ``mlf run`` would analyse it),
    ``/support``, ``/members`` (count), ``/value/<issue>`` (agreed value; options issues: the
    option's index), ``/join/<actor>`` (0/1), ``/power/<actor>`` (power index of a member),
    ``/cost/<actor>`` (a member's annual cost / defence budget), ``/guard/<name>``.

    Examples:
        Two nations negotiate the size of a force; A's position has a range, the only
        uncertain input (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> from mlf.sensitivity.draws import collect_inputs
        >>> for c in layout(sc, collect_inputs(sc))[:10]:
        ...     print(c.name, c.type)
        draw int64
        in/actors.A.positions.size.position float64
        force/status string
        force/agreement bool
        force/signed bool
        force/considered bool
        force/support float64
        force/members int16
        force/value/size float64
        force/join/A int8
    """
    cols = [Column("draw", "int64")]
    if model_draw:  # the model each draw drew (mlf sweep --models)
        cols.append(Column("model", "string"))
    cols += [Column(f"in/{x.path}", "float64") for x in inputs]
    for a, alt in sc.alternatives.items():
        cols += [
            Column(f"{a}/status", "string"),
            Column(f"{a}/agreement", "bool"),
            Column(f"{a}/signed", "bool"),
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


@dataclass(frozen=True)
class _AltColumns:
    """The column names of one alternative's record (built once per scenario)."""

    alt: str
    status: str
    agreement: str
    signed: str
    considered: str
    support: str
    members: str
    values: tuple[tuple[str, str], ...]  # (issue, column)
    invited: tuple[tuple[str, str, str, str], ...]  # (actor, join, power, cost)
    guards: tuple[tuple[str, str], ...]  # (guardrail, column)


_COLUMNS: dict[int, tuple[Any, tuple[_AltColumns, ...]]] = {}


def _record_columns(sc: Scenario) -> tuple[_AltColumns, ...]:
    """Each alternative's column names (:func:`layout`), cached by the identity of the
    scenario's alternatives (every draw of a sweep shares them)."""
    hit = _COLUMNS.get(id(sc.alternatives))
    if hit is not None and hit[0] is sc.alternatives:
        return hit[1]
    out = tuple(
        _AltColumns(
            a,
            f"{a}/status",
            f"{a}/agreement",
            f"{a}/signed",
            f"{a}/considered",
            f"{a}/support",
            f"{a}/members",
            tuple((i, f"{a}/value/{i}") for i in alternative_issues(sc, a)),
            tuple((m, f"{a}/join/{m}", f"{a}/power/{m}", f"{a}/cost/{m}") for m in alt.invited),
            tuple((g, f"{a}/guard/{g}") for g in GUARDRAILS),
        )
        for a, alt in sc.alternatives.items()
    )
    if len(_COLUMNS) >= 64:
        _COLUMNS.clear()
    _COLUMNS[id(sc.alternatives)] = (sc.alternatives, out)
    return out


def draw_record(sc: Scenario, model: str, seed: int) -> dict[str, Any]:
    """The outcome columns of one draw (every alternative) for an already-patched scenario.

    Examples:
        Two nations negotiate the size of a force; A's position has a range, the only
        uncertain input (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        The compromise settles the size at ``(0.6 x 0.5 x 80 + 0.4 x 0.5 x 40) / 0.5 = 64``
        and both nations join:

        >>> rec = draw_record(sc, "compromise", 1)
        >>> rec["force/status"], rec["force/value/size"], rec["force/join/A"], rec["force/join/B"]
        ('agreement', 64.0, 1, 1)
    """
    rec: dict[str, Any] = {}
    threshold = sc.settings.support_threshold
    for cols in _record_columns(sc):
        out = run_alternative(sc, cols.alt, model=model, seed=seed, detail=False)
        members = set(out.members)
        rec[cols.status] = out.status
        rec[cols.agreement] = out.status == "agreement"
        # Signed by the members, ratified or not (docs/models/ratification.md); an
        # agreement is ratified (or needs no ratification), so P(ratified) = P(agreement).
        rec[cols.signed] = out.status in ("agreement", "signed, not ratified")
        rec[cols.considered] = out.support >= threshold
        rec[cols.support] = out.support
        rec[cols.members] = len(members)
        for i, col in cols.values:
            ag = out.agreed.get(i)
            rec[col] = None if ag is None else ag.value
        voice: dict[str, float] = {}
        if out.participation is not None:
            voice = {d.actor: d.terms.voice for d in out.participation.decisions}
        share = out.arrangement.budget_share if out.arrangement is not None else {}
        for m, join, power, cost in cols.invited:
            inside = m in members
            rec[join] = int(inside)
            rec[power] = voice.get(m) if inside else None
            rec[cost] = share.get(m) if inside else None
        for g, col in cols.guards:
            entry = out.guardrails.get(g)
            rec[col] = None if entry is None else bool(entry.get("ok"))
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
    models: tuple[str, ...] | None = None
    """The model of each draw when the sweep draws the model (:func:`sample_models`)."""


def run_chunk(task: ChunkTask) -> dict[str, list[Any]]:
    """Run a chunk's draws; return its records column by column (pure: no I/O, no Arrow).

    Workers return plain lists so that they need neither pyarrow nor pandas; the parent turns
    them into a table (:func:`records_table`).

    Examples:
        Two nations negotiate the size of a force; A's position has a range, the only
        uncertain input (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        Two draws of A's position, 60 and 100: the compromise moves from 52 to 76:

        >>> from mlf.sensitivity.draws import collect_inputs
        >>> data = run_chunk(ChunkTask(sc, collect_inputs(sc), "compromise", 1, chunk=0,
        ...                            start=10, values=np.array([[60.0], [100.0]])))
        >>> data["draw"], data["in/actors.A.positions.size.position"], data["force/value/size"]
        ([10, 11], [60.0, 100.0], [52.0, 76.0])
    """
    cols = layout(task.scenario, task.inputs, model_draw=task.models is not None)
    data: dict[str, list[Any]] = {c.name: [] for c in cols}
    in_names = [f"in/{x.path}" for x in task.inputs]
    for r in range(task.values.shape[0]):
        row = task.values[r]
        sc = apply_draw(task.scenario, task.inputs, row)
        data["draw"].append(task.start + r)
        model = task.model
        if task.models is not None:
            model = task.models[r]
            data["model"].append(model)
        for name, v in zip(in_names, row.tolist(), strict=True):
            data[name].append(v)
        for k, v in draw_record(sc, model, task.seed).items():
            data[k].append(v)
    return data


def records_table(columns: Sequence[Column], data: Mapping[str, list[Any]]) -> Any:
    """A chunk's records as a ``pyarrow.Table`` with the fixed schema of :func:`layout`.

    Examples:
        >>> cols = (Column("draw", "int64"), Column("in/a", "float64"))
        >>> table = records_table(cols, {"draw": [0, 1], "in/a": [0.25, 0.75]})
        >>> table.num_rows, table.column_names, table.column("in/a").to_pylist()
        (2, ['draw', 'in/a'], [0.25, 0.75])
    """
    import pyarrow as pa

    types = {"int64": pa.int64(), "int16": pa.int16(), "int8": pa.int8(),
             "float64": pa.float64(), "bool": pa.bool_(), "string": pa.string()}
    schema = pa.schema([(c.name, types[c.type]) for c in columns])
    arrays = [pa.array(data[c.name], type=types[c.type]) for c in columns]
    return pa.Table.from_arrays(arrays, schema=schema)


# --------------------------------------------------------------------------- storage


def chunk_bytes(table: Any) -> bytes:
    """A chunk's table as the bytes of a Parquet file (zstd).

    Examples:
        >>> table = records_table((Column("draw", "int64"),), {"draw": [0, 1]})
        >>> data = chunk_bytes(table)
        >>> data[:4], data[-4:]
        (b'PAR1', b'PAR1')
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def write_chunk(directory: Path, chunk: int, table: Any) -> dict[str, Any]:
    """Write a chunk's table to ``chunk-NNNNNN.parquet`` atomically (:mod:`mlf._atomic`);
    return its manifest entry: draw range, rows and the SHA-256 of the file.

    Examples:
        >>> import tempfile
        >>> table = records_table((Column("draw", "int64"),), {"draw": [4, 5, 6]})
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     entry = write_chunk(Path(tmp), 2, table)
        ...     names = [p.name for p in Path(tmp).iterdir()]
        >>> names, entry["start"], entry["stop"], entry["rows"], len(entry["sha256"])
        (['chunk-000002.parquet'], 4, 7, 3, 64)
    """
    data = chunk_bytes(table)
    write_file(directory / chunk_name(chunk), data)
    draws = table.column("draw")
    return {
        "start": int(draws[0].as_py()),
        "stop": int(draws[-1].as_py()) + 1,
        "rows": int(table.num_rows),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks.

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = Path(tmp, "empty")
        ...     path.touch()
        ...     file_sha256(path)
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def verify_chunk(
    directory: Path, chunk: int, bounds: tuple[int, int], entry: Any
) -> str | None:
    """Why chunk ``chunk`` cannot be kept, or None if it is sound.

    Sound means: the manifest records it with the right draw range, the file exists, its
    SHA-256 is the recorded one, and it reads as Parquet with exactly the draws
    ``start..stop-1`` in order. Never raises for a damaged file (a damaged file is a reason).

    Examples:
        >>> import tempfile
        >>> table = records_table((Column("draw", "int64"),), {"draw": [0, 1]})
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     entry = write_chunk(Path(tmp), 0, table)
        ...     print(verify_chunk(Path(tmp), 0, (0, 2), entry))
        ...     print(verify_chunk(Path(tmp), 0, (0, 3), entry))
        ...     print(verify_chunk(Path(tmp), 1, (2, 4), entry))
        None
        the manifest records another draw range
        missing
    """
    start, stop = bounds
    path = directory / chunk_name(chunk)
    if not path.is_file():
        return "missing"
    if not isinstance(entry, dict):
        return "not recorded in the manifest"
    if (entry.get("start"), entry.get("stop"), entry.get("rows")) != (start, stop, stop - start):
        return "the manifest records another draw range"
    try:
        digest = file_sha256(path)
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if digest != entry.get("sha256"):
        return "content differs from the manifest's SHA-256"
    try:
        import pyarrow.parquet as pq

        # ParquetFile reads the one column directly (read_table goes through pyarrow.dataset,
        # which imports pandas: about a second, once per process)
        with pq.ParquetFile(path) as pf:
            col = pf.read(columns=["draw"]).column("draw").to_pylist()
    except Exception as exc:  # any damage pyarrow can meet: the chunk is simply redone
        return f"unreadable Parquet ({type(exc).__name__})"
    if col != list(range(start, stop)):
        return "holds other draws than its range"
    return None


def read_manifest(directory: str | Path) -> dict[str, Any]:
    """The sweep's manifest, or a one-line error if the folder holds no sweep.

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     write_manifest(Path(tmp), {"format": FORMAT, "done": {}})
        ...     read_manifest(tmp)
        {'format': 2, 'done': {}}
        >>> read_manifest("no-such-folder")
        Traceback (most recent call last):
        ...
        mlf.errors.UsageError: no-such-folder: no manifest.json here (not a sweep folder)
    """
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise UsageError(f"{directory}: no {MANIFEST} here (not a sweep folder)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: unreadable manifest ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UsageError(f"{path}: not a manifest of this mlf (format {FORMAT})")
    if not isinstance(data.get("done"), dict):
        raise UsageError(f"{path}: manifest without its 'done' record of chunks")
    return data


def write_manifest(directory: Path, manifest: Mapping[str, Any]) -> None:
    """Write ``manifest.json`` atomically.

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     write_manifest(Path(tmp), {"format": FORMAT, "done": {}})
        ...     [p.name for p in Path(tmp).iterdir()]
        ['manifest.json']
    """
    write_file(directory / MANIFEST, json_text(manifest))


def make_manifest(
    loaded: LoadedScenario,
    inputs: Sequence[UncertainInput],
    *,
    draws: int,
    seed: int,
    chunk_size: int,
    model: str,
    sampling: str,
    models: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """What a new sweep is (``manifest.json``): scenario and its hash, seed, draws, chunks,
    model, sampling, the alternatives, invited nations and issues, the inputs varied and
    those not, and ``done``, the chunks finished so far (none yet).

    Examples:
        The file of :func:`mlf.examples.two_nations_force` (two nations negotiate the size of
        a force; A's position has a range, and every other number gets a default range), loaded:

        >>> from mlf import examples
        >>> from mlf.scenario import load_scenario
        >>> loaded = load_scenario(examples.path("two_nations_force"))
        >>> from mlf.sensitivity.draws import collect_inputs
        >>> m = make_manifest(loaded, collect_inputs(loaded.scenario), draws=5, seed=0,
        ...                   chunk_size=2, model="compromise", sampling="random")
        >>> m["scenario_id"], m["chunks"], m["done"], [x["path"] for x in m["inputs"]]
        ('toy', 3, {}, ['actors.A.positions.size.position'])
    """
    sc = loaded.scenario
    return {
        "format": FORMAT,
        "mlf_version": __version__,
        "scenario_id": sc.meta.id,
        "scenario_sha256": loaded.sha256,
        "scenario_ref": sc.meta.id if loaded.builtin else str(Path(loaded.path).resolve()),
        "scenario_layers": [{"file": f, "sha256": h} for f, h in loaded.layers],
        **(
            {}
            if loaded.base_sha256 is None
            else {
                "counterfactual": {  # the changes asked for: --resume applies them again
                    "base_sha256": loaded.base_sha256,
                    "requests": [r.to_dict() for r in loaded.requests],
                }
            }
        ),
        "seed": seed,
        "draws": draws,
        "chunk_size": chunk_size,
        "chunks": len(chunk_bounds(draws, chunk_size)),
        "model": model,
        "models": None if models is None else dict(models),
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
        "not_varied": _not_varied(sc),
        "done": {},
    }


# --------------------------------------------------------------------------- executors


def ignore_sigint() -> None:
    """Worker initializer: Ctrl-C reaches the whole process group, but only the parent acts on
    it (cancels, records finished chunks, removes its lock); workers finish their chunk quietly
    instead of printing a traceback each.

    Examples:
        >>> import signal
        >>> old = signal.getsignal(signal.SIGINT)
        >>> ignore_sigint()
        >>> signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        True
        >>> _ = signal.signal(signal.SIGINT, old)
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def open_executor(
    kind: str = "process",
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    cluster: ClusterStart | None = None,
) -> Iterator[Executor | None]:
    """An executor by name: ``serial`` (None), ``process`` (local processes, all cores by
    default) or ``dask`` (a Dask cluster at ``scheduler``, or a local cluster); shut down on
    exit.

    The local Dask cluster (:func:`mlf._daskcluster.local_cluster`: one single-threaded worker
    process per core, forked from the fork server) is started here, or taken from ``cluster``,
    a start already under way (:class:`mlf._daskcluster.ClusterStart`, as ``mlf sweep`` does
    before its imports and load); either way it is closed on exit. Tasks are submitted as
    impure (``pure=False``): Dask then does not hash each chunk's inputs (the whole scenario,
    about 25 ms a chunk in the parent) to name it.

    Examples:
        ``serial`` runs in-process (no executor):

        >>> with open_executor("serial") as ex:
        ...     print(ex)
        None
        >>> with open_executor("threads") as ex:
        ...     pass
        Traceback (most recent call last):
        ...
        mlf.errors.UsageError: unknown executor 'threads' (known: serial, process, dask)
    """
    try:  # a cluster start handed in is closed on every way out, errors included
        with _executor(kind, workers, scheduler, cluster) as ex:
            yield ex
    finally:
        if cluster is not None:
            cluster.close()


@contextmanager
def _executor(
    kind: str, workers: int | None, scheduler: str | None, cluster: ClusterStart | None
) -> Iterator[Executor | None]:
    if kind not in EXECUTORS:
        raise UsageError(f"unknown executor {kind!r} (known: {', '.join(EXECUTORS)})")
    if workers is not None and workers <= 0:
        raise UsageError(f"workers must be positive, got {workers}")
    if scheduler is not None and kind != "dask":
        raise UsageError("--scheduler needs --executor dask")
    if cluster is not None and (kind != "dask" or scheduler is not None):
        raise UsageError("a local Dask cluster was started, but the executor is not one")
    if kind == "serial":
        yield None
        return
    if kind == "process":
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(
            max_workers=workers or os.cpu_count() or 1, mp_context=pool_context(),
            initializer=ignore_sigint,
        )
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    import importlib

    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise UsageError(
            "the dask executor needs the optional extra mlf[dask] (pip install 'mlf[dask]')"
        ) from None
    own: Any = None  # a local cluster started here (one handed in is closed by the caller)
    try:
        if scheduler is not None:
            client = distributed.Client(scheduler, timeout=10)
        elif cluster is not None:
            client = distributed.Client(cluster.result())
        else:
            own = local_cluster(workers or os.cpu_count() or 1)
            client = distributed.Client(own)
    except (OSError, TimeoutError, RuntimeError) as exc:
        if own is not None:
            own.close()
        where = "start a local Dask cluster" if scheduler is None else (
            f"reach the Dask scheduler {scheduler}"
        )
        raise UsageError(f"cannot {where}: {exc}") from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if own is not None:
            own.close()


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class SweepRun:
    """What one call of :func:`run_sweep` / :func:`resume_sweep` did.

    ``redone`` maps each chunk that was found on disk but failed verification (and was run
    again) to the reason.
    """

    directory: str
    draws: int
    chunks: int
    chunks_run: int
    chunks_kept: int
    manifest: Mapping[str, Any]
    redone: Mapping[int, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "draws": self.draws,
            "chunks": self.chunks,
            "chunks_run": self.chunks_run,
            "chunks_kept": self.chunks_kept,
            "redone": {str(k): v for k, v in self.redone.items()},
            "manifest": dict(self.manifest),
        }


def _inputs(sc: Scenario) -> tuple[UncertainInput, ...]:
    """What a sweep varies: written ranges and the default ranges of every other estimate
    (:func:`mlf.uncertainty.ranges.sweep_inputs`; imported here, since mlf.uncertainty imports
    this package's draws)."""
    from mlf.uncertainty.ranges import sweep_inputs

    return sweep_inputs(sc)


def _not_varied(sc: Scenario) -> list[dict[str, str]]:
    from mlf.uncertainty.ranges import not_varied

    return [f.to_dict() for f in not_varied(sc)]


def _check_model(sc: Scenario, model: str | None) -> str:
    mdl = model or sc.settings.model
    if mdl not in MODELS:
        raise UsageError(f"unknown model {mdl!r} (known: {', '.join(sorted(MODELS))})")
    return mdl


def _check_models(models: Any) -> dict[str, float]:
    """The model weights of a model-drawing sweep, checked: known models, weights above 0."""
    if not isinstance(models, Mapping) or not models:
        raise UsageError("models: expected model names with their weights")
    out: dict[str, float] = {}
    for name, w in models.items():
        if name not in MODELS:
            raise UsageError(f"unknown model {name!r} (known: {', '.join(MODELS)})")
        if isinstance(w, bool) or not isinstance(w, int | float) or not 0 < w <= 1e15:
            raise UsageError(f"model {name!r}: weight {w!r} is not a number above 0")
        out[str(name)] = float(w)
    return out


def _in_flight(executor: Executor | None, max_in_flight: int | None) -> int:
    if executor is None:
        return 1
    return max_in_flight or 2 * (os.cpu_count() or 1) + 2


def check_sweep(
    sc: Scenario,
    inputs: Sequence[UncertainInput],
    *,
    draws: int,
    chunk_size: int,
    sampling: str,
    in_flight: int = 1,
    available: int | None = None,
) -> int:
    """Check a sweep's sizes against :mod:`mlf.sensitivity.limits` before any work; return the
    estimated peak memory in bytes. Raises :class:`UsageError` (one line) if over a limit.

    Examples:
        Two nations negotiate the size of a force; A's position has a range, the only
        uncertain input (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> from mlf.sensitivity.draws import collect_inputs
        >>> check_sweep(sc, collect_inputs(sc), draws=1000, chunk_size=100,
        ...             sampling="random", available=10**10)
        430000
    """
    check_draws(draws, chunk_size)
    cols = layout(sc, inputs)
    quantile_cols = max(
        sum(
            1
            for c in cols
            if c.name.startswith(f"{a}/")
            and c.name.split("/")[1] in ("value", "power", "cost")
        )
        for a in sc.alternatives
    ) if sc.alternatives else 0
    return check_memory(
        draws=draws, chunk_size=chunk_size, inputs=len(inputs), columns=len(cols),
        quantile_columns=quantile_cols, sampling=sampling, in_flight=in_flight,
        available=available,
    )


def _lock_for(
    out: Path, lock: OutputLock | None, command: str, force: bool
) -> tuple[OutputLock, bool, list[Path]]:
    """The folder's lock: the caller's (checked to be held on this folder) or a new one."""
    if lock is not None:
        if not lock.held or lock.directory.resolve() != out.resolve():
            raise ValueError(f"the lock given is not held on {out}")
        return lock, False, []
    own, created = locked_output(out, command=command, force=force)
    return own, True, created


def prepare_sweep(
    loaded: LoadedScenario,
    *,
    draws: int,
    seed: int,
    chunk_size: int,
    model: str | None,
    sampling: str,
    in_flight: int = 1,
    models: Mapping[str, float] | None = None,
) -> tuple[str, tuple[UncertainInput, ...]]:
    """Every check of a new sweep that needs no folder: sizes and their memory estimate
    (:func:`check_sweep`), seed, sampling, model, uncertainty. Returns the model and inputs.

    ``models`` (name -> weight): each draw also draws its model, with probability proportional
    to its weight (:func:`mlf.sensitivity.draws.sample_models`); the first is the returned
    model (the point run's). ``model`` and ``models`` cannot both be given.

    Raises:
        SensitivityError: the scenario has no uncertainty ranges.
        UsageError: a bad or too large value.

    Examples:
        The file of :func:`mlf.examples.two_nations_force` (two nations negotiate the size of
        a force; A's position has a range, and every other number gets a default range), loaded:

        >>> from mlf import examples
        >>> from mlf.scenario import load_scenario
        >>> loaded = load_scenario(examples.path("two_nations_force"))

        The scenario's model and the 12 inputs a sweep of it varies (A's written range and the
        default ranges of every other number):

        >>> model, inputs = prepare_sweep(loaded, draws=100, seed=0, chunk_size=50,
        ...                               model=None, sampling="random")
        >>> model, len(inputs), inputs[0].path, inputs[0].origin
        ('compromise', 12, 'actors.A.capability', 'default')
        >>> prepare_sweep(loaded, draws=100, seed=0, chunk_size=50, model=None,
        ...               sampling="sobol")
        Traceback (most recent call last):
        ...
        mlf.errors.UsageError: unknown sampling 'sobol' (known: random, lhs)
    """
    sc = loaded.scenario
    check_draws(draws, chunk_size)
    if seed < 0:
        raise UsageError(f"seed must be non-negative, got {seed}")
    if sampling not in SAMPLINGS:
        raise UsageError(f"unknown sampling {sampling!r} (known: {', '.join(SAMPLINGS)})")
    if models is not None:
        if model is not None:
            raise UsageError("--model and --models: give one (--models draws the model)")
        _check_models(models)
        model = next(iter(models))
    mdl = _check_model(sc, model)
    inputs = _inputs(sc)
    if not inputs:
        raise SensitivityError(
            f"scenario {sc.meta.id!r} has no uncertainty ranges: every draw would be the same "
            "(it has no number the default-range rule can vary; give some a range: "
            "[min, mode, max])"
        )
    check_sweep(sc, inputs, draws=draws, chunk_size=chunk_size, sampling=sampling,
                in_flight=in_flight)
    return mdl, inputs


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
    lock: OutputLock | None = None,
    force: bool = False,
    models: Mapping[str, float] | None = None,
) -> SweepRun:
    """Start a sweep in ``directory`` (created; must not hold a sweep already).

    ``models`` (name -> weight, see :func:`prepare_sweep`): each draw also draws its model.

    Sizes are checked first (:func:`check_sweep`); then the folder is locked for the sweep
    (``lock``: a lock the caller already holds on it, e.g. for writing a summary afterwards;
    otherwise one is taken here, ``force`` taking over a stale one) and the manifest written.

    Raises:
        SensitivityError: the scenario has no uncertainty ranges.
        UsageError: bad draws, chunk size, seed, model or sampling; a size over a limit; the
            folder holds a sweep, is locked, or cannot be written.
        OutputError: a file could not be written (the disk is full, ...).

    Examples:
        The file of :func:`mlf.examples.two_nations_force` (two nations negotiate the size of
        a force; A's position has a range, and every other number gets a default range), loaded:

        >>> from mlf import examples
        >>> from mlf.scenario import load_scenario
        >>> loaded = load_scenario(examples.path("two_nations_force"))
        >>> import tempfile
        >>> tmp = tempfile.TemporaryDirectory()

        Four draws in chunks of two, in-process:

        >>> run = run_sweep(loaded, Path(tmp.name, "sweep"), draws=4, chunk_size=2, seed=0)
        >>> run.draws, run.chunks, run.chunks_run
        (4, 2, 2)
        >>> sorted(p.name for p in Path(tmp.name, "sweep").iterdir())
        ['chunk-000000.parquet', 'chunk-000001.parquet', 'manifest.json']
        >>> tmp.cleanup()
    """
    mdl, inputs = prepare_sweep(
        loaded, draws=draws, seed=seed, chunk_size=chunk_size, model=model, sampling=sampling,
        in_flight=_in_flight(executor, max_in_flight), models=models,
    )
    sc = loaded.scenario
    out = Path(directory)
    held, own, created = _lock_for(out, lock, f"mlf sweep --draws {draws} --seed {seed}", force)
    try:
        if (out / MANIFEST).exists():
            raise UsageError(f"{out} already holds a sweep: resume it with --resume {out}")
        manifest = make_manifest(
            loaded, inputs, draws=draws, seed=seed, chunk_size=chunk_size, model=mdl,
            sampling=sampling, models=models,
        )
        design = lhs_design(design_width(inputs), draws, seed) if sampling == "lhs" else None
        write_manifest(out, manifest)
        created = []  # the folder now holds a sweep: never removed
        return _execute(sc, out, manifest, inputs, executor, max_in_flight, progress, design)
    finally:
        if own:
            release_output(held, created)


def resume_sweep(
    directory: str | Path,
    loaded: LoadedScenario,
    *,
    executor: Executor | None = None,
    max_in_flight: int | None = None,
    progress: ProgressFn | None = None,
    lock: OutputLock | None = None,
    force: bool = False,
) -> SweepRun:
    """Verify every chunk of the sweep in ``directory`` and run those missing or unsound.

    A chunk is kept only if :func:`verify_chunk` finds it sound (recorded in the manifest with
    its draw range, same SHA-256, readable, the right draws); any other is run again.

    Raises:
        UsageError: no manifest, or the scenario, mlf version or inputs are not the ones the
            sweep was started with; the folder is locked.
        OutputError: a file could not be written.

    Examples:
        The file of :func:`mlf.examples.two_nations_force` (two nations negotiate the size of
        a force; A's position has a range, and every other number gets a default range), loaded:

        >>> from mlf import examples
        >>> from mlf.scenario import load_scenario
        >>> loaded = load_scenario(examples.path("two_nations_force"))
        >>> import tempfile
        >>> tmp = tempfile.TemporaryDirectory()

        A chunk lost from a finished sweep is run again; the other is kept:

        >>> out = Path(tmp.name, "sweep")
        >>> _ = run_sweep(loaded, out, draws=4, chunk_size=2, seed=0)
        >>> Path(out, chunk_name(1)).unlink()
        >>> again = resume_sweep(out, loaded)
        >>> again.chunks_run, again.chunks_kept, dict(again.redone)
        (1, 1, {1: 'missing'})
        >>> tmp.cleanup()
    """
    out = Path(directory)
    read_manifest(out)  # a plain error for a folder that holds no sweep, before locking it
    held, own, _ = _lock_for(out, lock, f"mlf sweep --resume {out}", force)
    try:
        manifest = read_manifest(out)
        sc = loaded.scenario
        if manifest.get("scenario_sha256") != loaded.sha256:
            raise UsageError(
                f"{out}: the sweep was made from a different scenario file (SHA-256 "
                f"{str(manifest.get('scenario_sha256'))[:12]}..., this one "
                f"{loaded.sha256[:12]}...)"
            )
        if manifest.get("mlf_version") != __version__:
            raise UsageError(
                f"{out}: the sweep was made by mlf {manifest.get('mlf_version')}, this is mlf "
                f"{__version__}; start a new sweep"
            )
        inputs = _inputs(sc)
        if [x.to_dict() for x in inputs] != manifest.get("inputs"):
            raise UsageError(
                f"{out}: the manifest's inputs do not match the scenario's ranges (written or "
                "default); start a new sweep"
            )
        model = _check_model(sc, str(manifest.get("model")))
        drawn = manifest.get("models")
        models = None if drawn is None else _check_models(drawn)
        try:
            draws, chunk_size, seed = (int(manifest[k]) for k in ("draws", "chunk_size", "seed"))
            sampling = str(manifest["sampling"])
        except (KeyError, TypeError, ValueError):
            raise UsageError(
                f"{out / MANIFEST}: draws, chunk_size, seed or sampling missing"
            ) from None
        expect = make_manifest(
            loaded, inputs, draws=draws, seed=seed, chunk_size=chunk_size, model=model,
            sampling=sampling, models=models,
        )
        for key, want in expect.items():
            skip = ("done", "scenario_ref", "scenario_layers")  # where, not what: the hash says
            if key not in skip and manifest.get(key) != want:
                raise UsageError(
                    f"{out / MANIFEST}: {key} is {manifest.get(key)!r}, but this scenario and "
                    f"command give {want!r}; start a new sweep"
                )
        if seed < 0 or sampling not in SAMPLINGS:
            raise UsageError(f"{out / MANIFEST}: bad seed or sampling")
        check_sweep(sc, inputs, draws=draws, chunk_size=chunk_size, sampling=sampling,
                    in_flight=_in_flight(executor, max_in_flight))
        return _execute(sc, out, manifest, inputs, executor, max_in_flight, progress, None)
    finally:
        if own:
            held.release()


_OUTPUT_NAMES = ("chunk-*.parquet", MANIFEST, "summary.json", "result.json", "report.html",
                 "report.md")


def _execute(
    sc: Scenario,
    out: Path,
    manifest: dict[str, Any],
    inputs: tuple[UncertainInput, ...],
    executor: Executor | None,
    max_in_flight: int | None,
    progress: ProgressFn | None,
    design: FloatArray | None,
) -> SweepRun:
    draws = int(manifest["draws"])
    seed = int(manifest["seed"])
    sampling = str(manifest["sampling"])
    model = str(manifest["model"])
    drawn: Mapping[str, float] | None = manifest.get("models")
    bounds = chunk_bounds(draws, int(manifest["chunk_size"]))
    remove_leftovers(out, _OUTPUT_NAMES)
    recorded: dict[str, Any] = dict(manifest.get("done") or {})
    done_map: dict[str, Any] = {}
    todo: list[int] = []
    redone: dict[int, str] = {}
    for c, b in enumerate(bounds):
        entry = recorded.get(str(c))
        why = verify_chunk(out, c, b, entry)
        if why is None:
            done_map[str(c)] = entry
            continue
        todo.append(c)
        if why != "missing" or entry is not None:
            redone[c] = why
    manifest["done"] = done_map
    if done_map != recorded:
        write_manifest(out, manifest)  # never claim a chunk that is not sound
    done = draws - sum(bounds[c][1] - bounds[c][0] for c in todo)
    if progress is not None:
        progress(done, draws)
    if design is None and sampling == "lhs" and todo:
        design = lhs_design(design_width(inputs), draws, seed)

    def task(c: int) -> ChunkTask:
        s, e = bounds[c]
        values = sample_chunk(inputs, seed, c, s, e, sampling=sampling, design=design)
        models = None if drawn is None else tuple(sample_models(drawn, seed, c, e - s))
        return ChunkTask(sc, inputs, model, sc.settings.seed, c, s, values, models)

    columns = layout(sc, inputs, model_draw=drawn is not None)
    dirty = False
    last_write = time.monotonic()

    def record() -> None:
        nonlocal dirty, last_write
        manifest["done"] = dict(sorted(done_map.items(), key=lambda kv: int(kv[0])))
        write_manifest(out, manifest)
        dirty = False
        last_write = time.monotonic()

    def finish(c: int, data: dict[str, list[Any]]) -> None:
        nonlocal done, dirty
        done_map[str(c)] = write_chunk(out, c, records_table(columns, data))
        dirty = True
        if time.monotonic() - last_write >= MANIFEST_EVERY:
            record()
        done += bounds[c][1] - bounds[c][0]
        if progress is not None:
            progress(done, draws)

    try:
        if executor is None:
            for c in todo:
                finish(c, run_chunk(task(c)))
        else:
            window = _in_flight(executor, max_in_flight)
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
    except BaseException:
        if dirty:  # record what finished, so that a resume keeps it; the first error wins
            with contextlib.suppress(Exception):
                record()
        raise
    if dirty:
        record()
    return SweepRun(str(out), draws, len(bounds), len(todo), len(bounds) - len(todo), manifest,
                    redone)


def chunk_values(
    manifest: Mapping[str, Any], inputs: Sequence[UncertainInput], chunk: int
) -> FloatArray:
    """The sampled input values of one chunk of a sweep (recomputed from the manifest).

    Examples:
        Five draws in chunks of two: the last chunk holds one draw, the same whenever it is
        recomputed:

        >>> from mlf.sensitivity.draws import UncertainInput
        >>> x = UncertainInput("a", "quantity", 0.0, 0.5, 1.0, "triangular",
        ...                    ("A", "capability", None, None))
        >>> manifest = {"draws": 5, "seed": 7, "chunk_size": 2, "sampling": "random"}
        >>> chunk_values(manifest, [x], 2).round(4).tolist()
        [[0.5711]]
    """
    draws = int(manifest["draws"])
    seed = int(manifest["seed"])
    s, e = chunk_bounds(draws, int(manifest["chunk_size"]))[chunk]
    lhs = manifest["sampling"] == "lhs"
    design = lhs_design(design_width(inputs), draws, seed) if lhs else None
    return np.asarray(
        sample_chunk(inputs, seed, chunk, s, e, sampling=str(manifest["sampling"]), design=design)
    )
