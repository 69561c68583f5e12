"""Atomic writes and the output-folder lock (mlf._atomic), with injected faults."""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mlf import _atomic
from mlf._atomic import (
    LOCK_NAME,
    FolderBusy,
    OutputError,
    OutputLock,
    locked_output,
    prepare_folder,
    write_file,
    write_files,
)
from mlf.errors import UsageError


def _enospc_after(limit: int) -> object:
    """A replacement of ``_write_fd`` that writes ``limit`` bytes, then fails like a full disk."""
    state = {"left": limit}

    def write(fd: int, data: bytes) -> None:
        n = min(len(data), state["left"])
        if n:
            os.write(fd, data[:n])
            state["left"] -= n
        if n < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return write


def test_write_file_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    write_file(target, "old\n")
    write_file(target, "new\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]


def test_full_disk_leaves_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "result.json"
    target.write_text("old\n")
    monkeypatch.setattr(_atomic, "_write_fd", _enospc_after(10))
    with pytest.raises(OutputError) as info:
        write_file(target, "x" * 100_000)
    assert str(info.value) == f"{target}: cannot write: No space left on device"
    assert info.value.exit_code == 1
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]


def test_several_files_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second file fails: the first is not renamed either, no temporary stays."""
    a, b = tmp_path / "result.json", tmp_path / "report.html"
    monkeypatch.setattr(_atomic, "_write_fd", _enospc_after(150))
    with pytest.raises(OutputError, match=r"report\.html: cannot write: No space left"):
        write_files([(a, "a" * 100), (b, "b" * 100)])
    assert list(tmp_path.iterdir()) == []


def test_interrupt_while_writing_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int, data: bytes) -> None:
        os.write(fd, data[:3])
        raise KeyboardInterrupt

    monkeypatch.setattr(_atomic, "_write_fd", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_file(tmp_path / "summary.json", "{}")
    assert list(tmp_path.iterdir()) == []


def test_prepare_folder_refuses_a_file(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(UsageError, match=r"--out .*file: is a file, not a folder"):
        prepare_folder(f)
    with pytest.raises(UsageError, match="is a file, not a folder"):
        prepare_folder(f / "sub")
    out, created = prepare_folder(tmp_path / "a" / "b")
    assert out.is_dir() and created == [tmp_path / "a", tmp_path / "a" / "b"]
    assert list(out.iterdir()) == []  # the probe is gone


def test_lock_refuses_a_second_writer_naming_the_holder(tmp_path: Path) -> None:
    first = OutputLock(tmp_path, command="mlf run x").acquire()
    info = json.loads((tmp_path / LOCK_NAME).read_text())
    assert info["pid"] == os.getpid() and info["host"] == socket.gethostname()
    assert info["command"] == "mlf run x" and info["started"].endswith("Z")
    with pytest.raises(FolderBusy) as refused:
        OutputLock(tmp_path).acquire(force=True)  # --force never takes a live lock
    msg = str(refused.value)
    assert f"pid {os.getpid()}" in msg and "in use by another mlf writer" in msg
    assert "mlf run x" in msg and refused.value.exit_code == 2
    first.release()
    assert not (tmp_path / LOCK_NAME).exists()
    with OutputLock(tmp_path):
        assert (tmp_path / LOCK_NAME).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(proc.stdout)


def test_stale_lock_is_reported_and_taken_over_with_force(tmp_path: Path) -> None:
    pid = _dead_pid()
    (tmp_path / LOCK_NAME).write_text(json.dumps(
        {"pid": pid, "host": socket.gethostname(), "started": "2026-01-01T00:00:00Z",
         "command": "mlf sweep --draws 9"}
    ))
    with pytest.raises(FolderBusy) as info:
        OutputLock(tmp_path).acquire()
    msg = str(info.value)
    assert f"stale lock of pid {pid}" in msg and "no longer runs" in msg and "--force" in msg
    lock = OutputLock(tmp_path, command="mlf run").acquire(force=True)
    assert lock.taken_over is not None and lock.taken_over["pid"] == pid
    assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == os.getpid()
    with pytest.raises(FolderBusy, match="in use"):
        OutputLock(tmp_path).acquire(force=True)
    lock.release()
    assert list(tmp_path.iterdir()) == []


def test_lock_of_a_killed_process_is_stale(tmp_path: Path) -> None:
    """A holder killed with SIGKILL leaves its file, but its flock dies with it."""
    code = (
        "import sys, time; from mlf._atomic import OutputLock; "
        f"OutputLock({str(tmp_path)!r}).acquire(); print('held', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with pytest.raises(FolderBusy, match=f"in use by another mlf writer, pid {proc.pid}"):
            OutputLock(tmp_path).acquire()
    finally:
        proc.kill()
        proc.wait()
    with pytest.raises(FolderBusy, match=f"stale lock of pid {proc.pid}"):
        OutputLock(tmp_path).acquire()
    OutputLock(tmp_path).acquire(force=True).release()


def test_unwritable_folder_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def refuse(path: object, flags: int, *args: object) -> int:
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(UsageError, match="cannot write there: Read-only file system"):
        locked_output(tmp_path / "new", command="mlf run")
    monkeypatch.undo()
    assert not (tmp_path / "new").exists()  # a folder created for nothing is removed
