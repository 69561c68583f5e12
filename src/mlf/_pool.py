"""The process pool's fork server: what it imports, and starting it early.

``mlf sweep`` runs its chunks on a :class:`concurrent.futures.ProcessPoolExecutor` whose workers
fork from a ``forkserver`` (:mod:`multiprocessing`): the server imports the pipeline once
(:data:`POOL_PRELOAD`) and each worker starts from that state instead of importing it again.
This module is kept free of heavy imports, so that the command line can start the server
(:func:`start_pool_server`) before it imports and loads anything itself: the server's imports
(about a second) then run beside the command's own, instead of after them. On bad input the
command stops the server again (:func:`stop_pool_server`), so that its one line is not
followed by a second of the server's imports.

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


def _server_pid() -> int | None:
    """The pid of this process's fork server, or None when none was started.

    :mod:`multiprocessing.forkserver` keeps its one server in a private attribute (CPython
    3.8 to 3.13); there is no public way to ask for it."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    return pid if isinstance(pid, int) else None


def start_pool_server(preload: Sequence[str] = POOL_PRELOAD) -> bool:
    """Start the fork server now and return at once (its imports run in its own process);
    True if this call started it (False: one was running already).

    A later pool on :func:`pool_context` (:func:`mlf.sensitivity.open_executor` ``"process"``,
    or a local Dask cluster) uses the running server: there is one per process. Nothing is
    computed here, so no result can change. If the pool is never used (bad input found
    meanwhile), the caller stops it with :func:`stop_pool_server`: left alone it would finish
    its imports, about a second of CPU, after the command had already said its one line and
    exited.
    """
    from multiprocessing import forkserver

    before = _server_pid()
    pool_context(preload)
    forkserver.ensure_running()
    return _server_pid() != before


def stop_pool_server() -> None:
    """Stop this process's fork server at once, mid-import or idle, and reap it.

    The server is killed (``SIGKILL``: it holds nothing to clean up, and no pool may be
    running on it: call this only when the pool was never used or has shut down), then
    :meth:`multiprocessing.forkserver.ForkServer._stop` closes its pipe, waits for it (no
    zombie) and removes its socket; a later pool starts a new server. Nothing happens when no
    server runs. The server's own request to stop (closing its pipe) is only read once its
    imports are done, so closing alone would not stop it sooner.
    """
    import contextlib
    import os
    import signal
    from multiprocessing import forkserver

    pid = _server_pid()
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):  # exited already: _stop still reaps it
        os.kill(pid, signal.SIGKILL)
    forkserver._forkserver._stop()  # type: ignore[attr-defined]
