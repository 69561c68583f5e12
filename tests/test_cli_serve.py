"""``mlf serve`` on the command line: bad flags say one line naming the flag and exit 2.

(The server itself is tested over HTTP in test_web*.py; its SIGKILL test starts it with this
same entry point.)
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

START = "import sys; from mlf.cli import main; sys.argv[0] = 'mlf'; main()"


def _serve(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", START, "serve", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("--db", "mysql://u@h/d"), "--db: unsupported database 'mysql'"),
        (("--db", " "), "--db: empty database URL"),
        (("--db", "sqlite:///:memory:"), "--db: a SQLite database must be a file"),
        (("--db", "sqlite:////no/such/folder/x.db"), "--db: cannot open"),
        (("--db", "postgresql://nobody@/nodb?host=/no/such/socket/dir"), "--db: cannot open"),
        (("--port", "70000"), "--port: 70000 is not a port number"),
        (("--port", "abc"), "'--port'"),
        (("--host", "no such host!"), "--host: cannot resolve"),
    ],
    ids=lambda v: v[0] if isinstance(v, tuple) else None,
)
def test_bad_flags_say_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], names: str
) -> None:
    res = _serve(*args, cwd=tmp_path)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2, res.stderr
    assert len(lines) == 1 and names in lines[0], res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert not (tmp_path / "mlf-serve.db").exists()


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        res = _serve("--port", str(port), "--db", str(tmp_path / "x.db"), cwd=tmp_path)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2 and len(lines) == 1, res.stderr
    assert f"--port: cannot listen on 127.0.0.1:{port}" in lines[0]
