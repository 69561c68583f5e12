"""Sensitivity: how sure is the forecast? Monte Carlo over the scenario's uncertainty.

Every uncertain number of a scenario (a ``range: [min, mode, max]`` with ``dist: triangular``
or ``uniform``) is sampled from one seed (:mod:`mlf.sensitivity.draws`); each draw runs the
whole path of ``mlf run`` for every alternative, in fixed chunks on any executor (serial, local
processes, a Dask cluster), each chunk stored as one Parquet file (:mod:`mlf.sensitivity.sweep`).
A lock makes one process the only writer of a sweep folder, every file is written atomically
(:mod:`mlf._atomic`), the manifest records each finished chunk's draw range and SHA-256, and a
resume verifies every chunk and redoes any that fails; sizes are checked against
:mod:`mlf.sensitivity.limits` before any work. DuckDB queries over the files give the summary:
probabilities of agreement and of joining, distributions of the forecast elements, power and
cost, and which inputs matter most
(:mod:`mlf.sensitivity.summary`).

Typical use::

    loaded = load_scenario("mlf-1963")
    with open_executor("process") as ex:
        run_sweep(loaded, "runs/sweep", draws=10_000, seed=1, executor=ex)
    summary = summarise("runs/sweep")
"""

from mlf.sensitivity.draws import (
    SAMPLINGS,
    SensitivityError,
    UncertainInput,
    apply_draw,
    chunk_bounds,
    chunk_generator,
    collect_inputs,
    current_values,
    design_width,
    inverse_cdf,
    lhs_design,
    sample_chunk,
    sample_models,
)
from mlf.sensitivity.limits import (
    MAX_CHUNK_SIZE,
    MAX_CHUNKS,
    MAX_DRAWS,
    MEMORY_FRACTION,
    check_draws,
)
from mlf.sensitivity.summary import METHOD, summarise
from mlf.sensitivity.sweep import (
    EXECUTORS,
    GUARDRAILS,
    ChunkTask,
    SweepRun,
    check_sweep,
    draw_record,
    layout,
    open_executor,
    prepare_sweep,
    read_manifest,
    resume_sweep,
    run_chunk,
    run_sweep,
    verify_chunk,
)

__all__ = [
    "EXECUTORS",
    "GUARDRAILS",
    "MAX_CHUNKS",
    "MAX_CHUNK_SIZE",
    "MAX_DRAWS",
    "MEMORY_FRACTION",
    "METHOD",
    "SAMPLINGS",
    "ChunkTask",
    "SensitivityError",
    "SweepRun",
    "UncertainInput",
    "apply_draw",
    "check_draws",
    "check_sweep",
    "chunk_bounds",
    "chunk_generator",
    "collect_inputs",
    "current_values",
    "design_width",
    "draw_record",
    "inverse_cdf",
    "layout",
    "lhs_design",
    "open_executor",
    "prepare_sweep",
    "read_manifest",
    "resume_sweep",
    "run_chunk",
    "run_sweep",
    "sample_chunk",
    "sample_models",
    "summarise",
    "verify_chunk",
]
