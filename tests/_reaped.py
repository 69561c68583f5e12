"""Run one command and account for every process it leaves behind (Linux).

Usage: ``python tests/_reaped.py RESULT.json COMMAND [ARG ...]``. This process makes itself
a *child subreaper* (``prctl(PR_SET_CHILD_SUBREAPER)``), so that a process the command
started and left running (a fork server, say) is re-parented to it rather than to init when
the command exits. Right after the command exits, it lists its own children other than the
command (each with its command line and state: ``R``/``S`` running or sleeping, ``Z`` a
zombie), then waits for them (at most 60 s, then kills them) and records the CPU seconds of
the command and of everything it started (``RUSAGE_CHILDREN``, which counts every reaped
descendant). The command's output goes to files (``RESULT.json.out`` and ``.err``), so that
its end is its own exit, not the moment the last process holding a pipe of it lets go. The
result JSON: ``code``, ``stdout``, ``stderr``, ``seconds`` (the command's wall time),
``left`` (a list of ``{"pid", "state", "cmdline"}``), ``cpu_seconds``. Used by
tests/test_sweep_forkserver.py.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def _children() -> list[dict[str, object]]:
    me = os.getpid()
    out: list[dict[str, object]] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == me:
            out.append({"pid": int(entry.name), "state": fields[0], "cmdline": cmdline.strip()})
    return out


def main() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
    out, err = Path(sys.argv[1] + ".out"), Path(sys.argv[1] + ".err")
    with out.open("wb") as fo, err.open("wb") as fe:  # files: no wait for a pipe's last holder
        proc = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=fo, stderr=fe)
        seconds = time.monotonic()
        proc.wait(timeout=300)
        seconds = time.monotonic() - seconds
    left = _children()
    deadline = time.monotonic() + 60
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if time.monotonic() > deadline:
                for child in _children():
                    os.kill(int(str(child["pid"])), signal.SIGKILL)
            time.sleep(0.01)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "code": proc.returncode,
        "stdout": out.read_text(encoding="utf-8", errors="replace"),
        "stderr": err.read_text(encoding="utf-8", errors="replace"),
        "seconds": seconds,
        "left": left,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
    }
    Path(sys.argv[1]).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
