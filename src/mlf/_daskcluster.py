"""The local Dask cluster of ``mlf sweep --executor dask``: forked workers, started early.

A :class:`distributed.LocalCluster` with its defaults *spawns* each worker process: a fresh
interpreter that imports :mod:`distributed`, and then, with its first task, the whole pipeline
(numpy, scipy, numba, mlf), about 1.5 s of CPU per worker on this project's 2-core machine, all
of it while the sweep waits. Two changes remove that wait without changing a number:

- the workers fork from the fork server of :mod:`mlf._pool` (Dask's
  ``distributed.worker.multiprocessing-method: forkserver``), which imports the pipeline and
  :mod:`distributed` once (:data:`mlf._pool.DASK_PRELOAD`), in its own process;
- ``mlf sweep`` starts that server first, beside its own imports and the scenario's load, and
  :class:`ClusterStart` starts the cluster (scheduler, nannies, workers) in a background
  thread once the input has passed its checks, beside the lock and the point run (bad input
  found before then leaves no cluster to close; the process pool's own workers start lazily,
  at its first task, so it needs no such step).

Each worker is single-threaded (``threads_per_worker=1``; one process per core, like the process
pool) and the chunks are the same function on the same inputs as on every other executor, so
the files are the same byte for byte (tests/test_sensitivity.py compares them). The measured
account of where a Dask sweep's time goes is in docs/models/sensitivity.md.

This module imports nothing heavy at import time: the command line imports it before anything
else.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import threading
from typing import Any

from mlf._pool import DASK_PRELOAD, start_pool_server

LOCAL_CONFIG: dict[str, Any] = {
    "distributed.worker.multiprocessing-method": "forkserver",
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "500ms",
}
"""Dask settings of the local cluster (its own only, not the process's): workers forked from
the fork server; and less of Dask's monitoring, which only its dashboard shows (this cluster
has none): no statistical profiler sampling each worker's task thread every 10 ms, event-loop
health checks every second instead of every 20 ms, system and memory readings every 2 s and
0.5 s instead of every 0.5 s and 0.1 s (the memory limit is still enforced). Together they
cut the parent's idle CPU (scheduler, nannies, client) from about 4% of a core to under 1%."""


def local_cluster(workers: int) -> Any:
    """A running :class:`distributed.LocalCluster` of ``workers`` single-threaded worker
    processes, each forked from the fork server (started here with :data:`DASK_PRELOAD` if it
    is not running yet; a server already running keeps what it imported).

    Raises:
        ImportError: :mod:`distributed` is not installed.
        OSError, TimeoutError, RuntimeError: the cluster could not start.
    """
    dask: Any = importlib.import_module("dask")
    distributed: Any = importlib.import_module("distributed")
    start_pool_server(DASK_PRELOAD)
    # scoped: only the cluster started here reads it (a nanny restarting a worker later spawns)
    with dask.config.set(LOCAL_CONFIG):
        return distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )


class ClusterStart:
    """A local Dask cluster (:func:`local_cluster`) being started in a background thread.

    :meth:`result` waits for it; :meth:`close` closes it (after its start has finished) and may
    be called any number of times, so that a command that fails before using it (bad input)
    leaves no cluster running.
    """

    def __init__(self, workers: int) -> None:
        self._cluster: Any = None
        self._error: BaseException | None = None
        self._closed = False
        # the server first, from this thread: its imports start at once, beside the caller's
        start_pool_server(DASK_PRELOAD)
        self._thread = threading.Thread(
            target=self._start, args=(workers,), name="mlf-dask-cluster-start", daemon=True
        )
        self._thread.start()

    def _start(self, workers: int) -> None:
        try:
            self._cluster = local_cluster(workers)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def result(self) -> Any:
        """The running cluster, once started; re-raises the error its start raised."""
        self._thread.join()
        if self._closed:
            raise RuntimeError("the local Dask cluster was closed")
        if self._error is not None:
            raise self._error
        return self._cluster

    def close(self) -> None:
        """Close the cluster (waiting for its start to finish first); idempotent."""
        self._thread.join()
        self._closed = True
        cluster, self._cluster = self._cluster, None
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()
