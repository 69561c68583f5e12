"""The process pool's fork server: what it imports, and starting it early.

``mlf sweep`` runs its chunks on a :class:`concurrent.futures.ProcessPoolExecutor` whose workers
fork from a ``forkserver`` (:mod:`multiprocessing`): the server imports the pipeline once
(:data:`POOL_PRELOAD`) and each worker starts from that state instead of importing it again.
This module is kept free of heavy imports, so that the command line can start the server
(:func:`start_pool_server`) before it imports and loads anything itself: the server's imports
(about a second) then run beside the command's own, instead of after them.

A local Dask cluster (:mod:`mlf._daskcluster`) forks its worker processes from the same server,
which then also imports :mod:`distributed` (:data:`DASK_PRELOAD`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

POOL_PRELOAD = (
    "mlf.sensitivity.sweep",
    "mlf.manning",
    "scipy.optimize",
    "mlf.uncertainty.fragile",
)
"""What the fork server imports before it forks each worker: the pipeline a chunk runs and the
fragile-decisions pass (run in the pool beside the chunks)."""

DASK_PRELOAD = (*POOL_PRELOAD, "distributed")
"""The fork server's imports when it forks the workers of a local Dask cluster: the pipeline and
the Dask worker itself (each worker would otherwise import both, about 1.5 s of CPU each)."""


def pool_context(preload: Sequence[str] = POOL_PRELOAD) -> Any:
    """The ``forkserver`` multiprocessing context, its server set to import ``preload``
    (a server already running keeps what it imported)."""
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(preload))
    return ctx


def start_pool_server(preload: Sequence[str] = POOL_PRELOAD) -> None:
    """Start the fork server now and return at once (its imports run in its own process).

    A later pool on :func:`pool_context` (:func:`mlf.sensitivity.open_executor` ``"process"``,
    or a local Dask cluster) uses the running server: there is one per process. Nothing is
    computed here, so no result can change; if the pool is never used, the server exits with
    this process.
    """
    from multiprocessing import forkserver

    pool_context(preload)
    forkserver.ensure_running()
