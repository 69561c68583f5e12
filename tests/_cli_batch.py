"""Run many ``mlf`` command lines, each in a forked child, and measure each one.

Usage: ``python tests/_cli_batch.py CASES.json RESULTS.json``. CASES is a list of
``{"id": str, "args": [str, ...], "timeout": float}``; for each case a child process is forked
from this one (which has imported :mod:`mlf.cli` once, so a case costs its own work, not
Python's start-up), runs ``mlf.cli.main()`` with the case's arguments, its standard output
and error going to files, and is reaped with ``os.wait4``: the result records the exit code,
both outputs, the child's peak resident memory (``ru_maxrss``, which includes the pages it
shares with this parent, about 100 MB), its CPU time (``ru_utime + ru_stime``: the work it
did, the same on a busy machine as on a quiet one) and its wall time. A child past its
``timeout`` of wall time is killed (exit code -9). Used by tests/test_cli_bad_inputs.py.

``MLF_BATCH_THROTTLE=F`` (0 <= F < 1) stands for a loaded machine without loading it: each
child is stopped (``SIGSTOP``) for the fraction F of every 50 ms and runs for the rest, so
its wall time grows about ``1 / (1 - F)`` times while its CPU time stays what it was.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path


def _child(args: list[str], out: str, err: str) -> None:
    fd_out = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    fd_err = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd_out, 1)
    os.dup2(fd_err, 2)
    code = 70
    try:
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        sys.argv = ["mlf", *args]
        from mlf.cli import main

        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # a traceback: print it as Python would, exit 1
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


PERIOD = 0.05
"""Seconds of one stop-and-run cycle of ``MLF_BATCH_THROTTLE``."""


def run_case(args: list[str], timeout: float, tmp: Path) -> dict[str, object]:
    out, err = str(tmp / "out"), str(tmp / "err")
    throttle = float(os.environ.get("MLF_BATCH_THROTTLE", "0"))
    if not 0 <= throttle < 1:
        raise SystemExit(f"MLF_BATCH_THROTTLE={throttle}: expected 0 <= F < 1")
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        _child(args, out, err)
    deadline = t0 + timeout
    status, usage = 0, None
    while True:
        got, status, usage = os.wait4(pid, os.WNOHANG)
        if got == pid:
            break
        if time.perf_counter() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.kill(pid, signal.SIGCONT)
            _, status, usage = os.wait4(pid, 0)
            break
        if throttle > 0:
            os.kill(pid, signal.SIGSTOP)
            time.sleep(throttle * PERIOD)
            os.kill(pid, signal.SIGCONT)
            time.sleep((1 - throttle) * PERIOD)
        else:
            time.sleep(0.01)
    seconds = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    return {
        "code": code,
        "stdout": Path(out).read_text(encoding="utf-8", errors="replace"),
        "stderr": Path(err).read_text(encoding="utf-8", errors="replace"),
        "maxrss_bytes": usage.ru_maxrss * 1024 if usage is not None else 0,
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime if usage is not None else 0.0,
    }


def main() -> None:
    cases = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    import mlf.cli  # noqa: F401  (imported once, before the forks)

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            results[case["id"]] = run_case(case["args"], float(case["timeout"]), Path(tmp))
    Path(sys.argv[2]).write_text(json.dumps(results), encoding="utf-8")


if __name__ == "__main__":
    main()
