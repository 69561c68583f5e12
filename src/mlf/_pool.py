"""The process pool's fork server: what it imports, and starting it early.

``mlf sweep`` runs its chunks on a :class:`concurrent.futures.ProcessPoolExecutor` whose workers
fork from a ``forkserver`` (:mod:`multiprocessing`): the server imports the pipeline once
(:data:`POOL_PRELOAD`) and each worker starts from that state instead of importing it again.
This module is kept free of heavy imports, so that the command line can start the server
(:func:`start_pool_server`) before it imports and loads anything itself: the server's imports
(about a second) then run beside the command's own, instead of after them.
"""

from __future__ import annotations

from typing import Any

POOL_PRELOAD = (
    "mlf.sensitivity.sweep",
    "mlf.manning",
    "scipy.optimize",
    "mlf.uncertainty.fragile",
)
"""What the fork server imports before it forks each worker: the pipeline a chunk runs and the
fragile-decisions pass (run in the pool beside the chunks)."""


def pool_context() -> Any:
    """The ``forkserver`` multiprocessing context, its server set to import
    :data:`POOL_PRELOAD` (a server already running keeps what it imported)."""
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(POOL_PRELOAD))
    return ctx


def start_pool_server() -> None:
    """Start the fork server now and return at once (its imports run in its own process).

    A later pool on :func:`pool_context` (:func:`mlf.sensitivity.open_executor` ``"process"``)
    uses the running server: there is one per process. Nothing is computed here, so no result
    can change; if the pool is never used, the server exits with this process.
    """
    from multiprocessing import forkserver

    pool_context()
    forkserver.ensure_running()
