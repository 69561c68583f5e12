"""Output files that are complete or absent, and one writer per output folder.

Atomic writes
-------------
Every file mlf writes (``result.json``, ``report.html``, ``report.md``, a sweep's
``manifest.json``, ``summary.json`` and Parquet chunks) goes through :func:`write_files`: the
bytes go to a temporary file in the same folder (``.NAME.PID.TOKEN.tmp``), are flushed and
``fsync``-ed, and the temporary file is renamed over the final name (``os.replace``, atomic on
POSIX within one file system), then the folder is ``fsync``-ed so the rename survives a crash.
This is the write-then-rename discipline of SQLite's and git's object stores. If any write
fails (a full disk, a read-only file system, Ctrl-C), every temporary file of the call is
removed, no final file is touched, and :class:`OutputError` says which file and why in one line.
Several files given to one call are all written to temporaries first and renamed only when all
are written, so a folder never holds a new ``result.json`` next to an old ``report.html``
because the disk filled in between.

The folder lock
---------------
:class:`OutputLock` makes one process the only writer of an output folder for the whole of a
``mlf run --out`` or ``mlf sweep``. The lock is the file ``mlf.lock`` in the folder, holding the
holder's pid, host, start time and command as JSON. It is created with its content in place by
``link(2)`` of a fully written temporary file (atomic; fails if the name exists, so two writers
can never both create it), and the holder keeps an exclusive ``flock(2)`` on it while it lives.
The kernel drops a ``flock`` when its process dies, however it dies, so a lock file whose
``flock`` can be taken is *stale*: its holder is gone (on this host; a lock written by another
host cannot be checked and is treated like a stale one). A stale lock is reported with its
holder and is taken over only with ``force=True`` (``--force``); a live one is never taken.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import json
import os
import secrets
import socket
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from mlf.errors import MlfError, UsageError

LOCK_NAME = "mlf.lock"
"""Name of the lock file in an output folder."""

_TMP_SUFFIX = ".tmp"


class OutputError(MlfError):
    """An output file could not be written (disk full, read-only, ...); exit code 1.

    The message is ``PATH: cannot write: REASON``; nothing of the file is left behind.
    """


class FolderBusy(UsageError):
    """The output folder is locked by another writer (or by a stale lock); exit code 2."""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return str(exc) or type(exc).__name__


def tmp_name(final: Path) -> Path:
    """The temporary name used while writing ``final``: hidden, same folder, unique."""
    return final.with_name(f".{final.name}.{os.getpid()}.{secrets.token_hex(4)}{_TMP_SUFFIX}")


def _write_fd(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (a module-level hook so tests can inject ``ENOSPC``)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a folder; the rename is still atomic
        pass
    finally:
        os.close(fd)


def _write_tmp(tmp: Path, data: bytes) -> Path:
    """Create ``tmp`` and write ``data`` to it, flushed to disk. The caller has recorded the
    name before calling, so that it can remove the file whatever happens (a Ctrl-C between two
    statements here included)."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        _write_fd(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    return tmp


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def write_files(items: Sequence[tuple[str | Path, bytes | str]]) -> None:
    """Write each ``(path, data)`` atomically; all temporaries first, then all renames.

    Text is encoded as UTF-8. Raises :class:`OutputError` naming the file that failed; on
    failure (or Ctrl-C) every temporary file of this call is removed and no final file changed.
    """
    done: list[tuple[Path, Path]] = []
    current = Path(items[0][0]) if items else Path(".")
    try:
        for path, data in items:
            current = Path(path)
            raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
            tmp = tmp_name(current)
            done.append((tmp, current))  # recorded before it exists: always cleaned up
            _write_tmp(tmp, raw)
        for tmp, final in done:
            current = final
            os.replace(tmp, final)
    except BaseException as exc:
        for tmp, _ in done:
            _remove(tmp)  # a renamed one is simply gone already
        if isinstance(exc, OSError):
            raise OutputError(f"{current}: cannot write: {_reason(exc)}") from None
        raise
    for folder in {final.parent for _, final in done}:
        _fsync_dir(folder)


def write_file(path: str | Path, data: bytes | str) -> None:
    """Write one file atomically (see :func:`write_files`)."""
    write_files([(path, data)])


def json_text(obj: Any) -> str:
    """The JSON text mlf writes: indented, no NaN, newline-terminated."""
    return json.dumps(obj, indent=2, sort_keys=False, allow_nan=False) + "\n"


def remove_leftovers(directory: Path, names: Iterable[str]) -> list[Path]:
    """Remove temporary files of earlier, killed writers of ``names`` (glob patterns) in
    ``directory``; call only while holding the folder's lock. Returns what was removed."""
    removed: list[Path] = []
    for pattern in names:
        for p in directory.glob(f".{pattern}.*{_TMP_SUFFIX}"):
            _remove(p)
            removed.append(p)
    return removed


# --------------------------------------------------------------------------- output folders


def prepare_folder(directory: str | Path, flag: str = "--out") -> tuple[Path, list[Path]]:
    """Make sure ``directory`` is a folder mlf can write in, creating it if needed.

    Returns the folder and the folders this call created (so that a run that fails before
    writing anything can remove them again). Raises :class:`UsageError` (exit 2) with one
    line if the path is a file, or a folder cannot be created or written.
    """
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{flag} {out}: is a file, not a folder")
    created: list[Path] = []
    missing: list[Path] = []
    p = out
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    if p.exists() and not p.is_dir():
        raise UsageError(f"{flag} {out}: {p} is a file, not a folder")
    for m in reversed(missing):
        try:
            m.mkdir()
        except FileExistsError:
            if not m.is_dir():
                remove_created(created)
                raise UsageError(f"{flag} {out}: {m} is a file, not a folder") from None
        except OSError as exc:
            remove_created(created)
            raise UsageError(f"{flag} {out}: cannot create {m}: {_reason(exc)}") from None
        else:
            created.append(m)
    probe = out / f".mlf-probe.{os.getpid()}.{secrets.token_hex(4)}{_TMP_SUFFIX}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        _remove(probe)
        remove_created(created)
        raise UsageError(f"{flag} {out}: cannot write there: {_reason(exc)}") from None
    return out, created


def remove_created(created: Sequence[Path]) -> None:
    """Remove the folders :func:`prepare_folder` created, innermost first, if still empty."""
    for folder in sorted(created, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()


def release_output(lock: OutputLock | None, created: Sequence[Path]) -> None:
    """End a command's hold on its output folder: release its lock (if it took one), then
    remove the folders it created that are still empty. Safe to call more than once."""
    if lock is not None:
        lock.release()
    remove_created(created)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _describe(info: dict[str, Any]) -> str:
    pid = info.get("pid", "?")
    host = info.get("host", "?")
    since = info.get("started", "?")
    cmd = info.get("command") or "?"
    return f"pid {pid} on {host} since {since} ({cmd})"


def _pid_alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class OutputLock:
    """The lock of one output folder (see the module docstring); a context manager.

    ``OutputLock(folder, command="mlf run ...").acquire(force=False)`` takes it or raises
    :class:`FolderBusy` naming the holder; :meth:`release` (or leaving the ``with`` block)
    removes it. Locks do not nest: a second ``OutputLock`` on the same folder is refused, even in
    the same process.
    """

    def __init__(self, directory: str | Path, *, command: str = "mlf") -> None:
        self.directory = Path(directory)
        self.path = self.directory / LOCK_NAME
        self.command = command
        self._fd: int | None = None
        self.taken_over: dict[str, Any] | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def info(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": _now(),
            "command": self.command,
        }

    def acquire(self, *, force: bool = False) -> OutputLock:
        """Take the lock; raise :class:`FolderBusy` (exit 2) if another writer holds it, or if
        a stale lock is there and ``force`` is false; :class:`UsageError` if it cannot be
        written."""
        if self._fd is not None:
            raise RuntimeError("lock already held")
        body = json.dumps(self.info()).encode("utf-8")
        for _attempt in range(20):
            tmp = tmp_name(self.path)
            try:
                _write_tmp(tmp, body)
            except BaseException as exc:
                _remove(tmp)
                if not isinstance(exc, OSError):
                    raise
                raise UsageError(
                    f"--out {self.directory}: cannot write there: {_reason(exc)}"
                ) from None
            fd = os.open(tmp, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fresh inode: never contended
            try:
                os.link(tmp, self.path)
            except FileExistsError:
                pass
            except OSError as exc:
                os.close(fd)
                _remove(tmp)
                raise UsageError(
                    f"--out {self.directory}: cannot write there: {_reason(exc)}"
                ) from None
            else:
                _remove(tmp)
                self._fd = fd
                _fsync_dir(self.directory)
                return self
            # The name exists: is its holder alive?
            try:
                if self._try_take_over(fd, tmp, force):
                    return self
            except BaseException:
                os.close(fd)
                _remove(tmp)
                raise
            os.close(fd)
            _remove(tmp)
        raise FolderBusy(f"{self.path}: cannot take the lock (it keeps changing hands)")

    def _try_take_over(self, my_fd: int, my_tmp: Path, force: bool) -> bool:
        """With our own lock file flocked at ``my_tmp``: look at the existing lock; return True
        if we now hold the folder, False to try again; raise if refused."""
        try:
            old = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return False  # released meanwhile: try again
        try:
            try:
                fcntl.flock(old, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                info = _read_info(old)
                raise FolderBusy(
                    f"{self.directory}: in use by another mlf writer, {_describe(info)}; "
                    f"wait for it to finish (lock file {self.path})"
                ) from None
            info = _read_info(old)
            try:
                same = os.stat(self.path).st_ino == os.fstat(old).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                return False  # replaced meanwhile: look again
            here = info.get("host") == socket.gethostname()
            why = (
                "its process no longer runs"
                if here and not _pid_alive(info.get("pid"))
                else "its process holds no lock"
                if here
                else "it was written on another host"
            )
            if not force:
                raise FolderBusy(
                    f"{self.directory}: stale lock of {_describe(info)}: {why}; "
                    f"take it over with --force (lock file {self.path})"
                )
            os.replace(my_tmp, self.path)  # atomic: the name now holds our flocked inode
            self._fd = my_fd
            self.taken_over = info
            _fsync_dir(self.directory)
            return True
        finally:
            os.close(old)

    def release(self) -> None:
        """Remove the lock file (if it is still ours) and drop the flock."""
        fd = self._fd
        if fd is None:
            return
        self._fd = None
        try:
            if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                os.unlink(self.path)
        except OSError:
            pass
        finally:
            os.close(fd)

    def __enter__(self) -> OutputLock:
        if self._fd is None:
            self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_info(fd: int) -> dict[str, Any]:
    try:
        raw = os.pread(fd, 65536, 0)
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def locked_output(
    directory: str | Path, *, command: str, force: bool = False
) -> tuple[OutputLock, list[Path]]:
    """Prepare ``directory`` (:func:`prepare_folder`) and take its lock; on refusal, remove the
    folders created. Returns the held lock and the folders created."""
    out, created = prepare_folder(directory)
    lock = OutputLock(out, command=command)
    try:
        lock.acquire(force=force)
    except BaseException:
        remove_created(created)
        raise
    return lock, created

