"""Start and stop a throw-away local PostgreSQL server for the storage tests (stdlib only).

Used two ways:

* by ``.ci/run`` before the tests (``python3 tests/_pg.py start`` prints ``export`` lines for
  ``MLF_TEST_PG_URL`` and ``MLF_TEST_PG_DIR``; ``python3 tests/_pg.py stop DIR`` at exit);
* by the ``pg_url`` fixture in ``tests/conftest.py`` when ``MLF_TEST_PG_URL`` is not set and
  the run is not CI: it starts its own server, so ``make test`` covers PostgreSQL wherever
  PostgreSQL's binaries are installed, and fails loudly (never skips) where they are not.

The server listens on a unix socket in its own temporary data folder only (no TCP port, so
nothing to collide with), trusts local connections, and is owned by a non-root user when run
as root (``initdb`` refuses root): ``postgres`` if that user exists, else ``nobody``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PORT = 5432  # the socket's name in its own folder; no TCP listener
USER = "mlf"


class PgUnavailable(RuntimeError):
    """No PostgreSQL could be started here (the message says what to install)."""


def bindir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: PATH first, then Debian's layout."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(v) if (v := Path(p).parent.parent.name).isdigit() else 0,
    )
    if candidates:
        return Path(candidates[-1]).parent
    raise PgUnavailable(
        "PostgreSQL's initdb was not found (on PATH or in /usr/lib/postgresql/*/bin): install "
        "it (Debian: apt-get install postgresql) or set MLF_TEST_PG_URL to a server's URL"
    )


def _owner() -> str | None:
    """The user to run the server as when we are root (``None``: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise PgUnavailable("running as root and no 'postgres' or 'nobody' user to own PostgreSQL")


def _run(cmd: list[str], owner: str | None, timeout: float = 120) -> None:
    if owner is not None:
        cmd = ["runuser", "-u", owner, "--", *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise PgUnavailable(
            f"{' '.join(cmd)} failed ({done.returncode}): {(done.stderr or done.stdout).strip()}"
        )


def url_for(folder: Path, database: str = "postgres") -> str:
    """SQLAlchemy URL of the server whose socket is in ``folder``."""
    return f"postgresql+psycopg://{USER}@/{database}?host={folder}&port={PORT}"


def start() -> tuple[str, Path]:
    """Initialise and start a server in a new temporary folder; return (URL, folder)."""
    bins = bindir()
    owner = _owner()
    folder = Path(tempfile.mkdtemp(prefix="mlf-pg-", dir="/tmp" if owner else None))
    try:
        if owner is not None:
            shutil.chown(folder, user=owner)
        data = folder / "data"
        _run([str(bins / "initdb"), "-D", str(data), "-U", USER, "--auth=trust",
              "-E", "UTF8", "--no-instructions"], owner)  # fmt: skip
        options = (
            f"-c listen_addresses='' -c unix_socket_directories={folder} -p {PORT} -c fsync=off"
        )
        _run([str(bins / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
              "-w", "-t", "60", "start"], owner)  # fmt: skip
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return url_for(folder), folder


def stop(folder: Path) -> None:
    """Stop the server started in ``folder`` and remove the folder."""
    data = folder / "data"
    if (data / "postmaster.pid").exists():
        try:
            _run([str(bindir() / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                 _owner(), timeout=60)  # fmt: skip
        except PgUnavailable as exc:
            print(f"warning: {exc}", file=sys.stderr)
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    """``start`` prints shell ``export`` lines; ``stop DIR`` stops that server."""
    if argv[:1] == ["start"]:
        try:
            url, folder = start()
        except PgUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"export MLF_TEST_PG_URL='{url}'")
        print(f"export MLF_TEST_PG_DIR='{folder}'")
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        stop(Path(argv[1]))
        return 0
    print("usage: _pg.py start | _pg.py stop DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
