"""Nothing acknowledged is lost: SIGKILL a real ``mlf serve`` during submissions, restart it.

Four delegations submit positions as fast as they can, each a new value, from four threads
against a real ``mlf serve`` process. The server is killed with SIGKILL (no shutdown, no
flush) while they are submitting, then started again on the same database. Every submission
that was acknowledged (a ``303``) must be in the event log after the restart, exactly once,
in the order each delegation sent it; sessions still work; the state shows each delegation's
last acknowledged position (or the one in flight at the kill, if it was committed but its
reply was lost). Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from _webtest import Browser, make_exercise, organiser

SEATS = ("USA", "FRG", "GBR", "NLD")
START = "import sys; from mlf.cli import main; sys.argv[0] = 'mlf'; main()"


class Server:
    def __init__(self, db_url: str, log: Path) -> None:
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", START, "serve", "--port", "0", "--db", db_url],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 60
        self.base = self.token = ""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.search(r"(http://[^/]+)/\?token=(\S+)", line)
            if m:
                self.base, self.token = m.group(1), m.group(2)
                break
        assert self.base, f"mlf serve did not print its link (see {log})"

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)
        if not self.log.closed:
            self.log.close()


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for s in started:
        s.stop()


def test_sigkill_mid_round_loses_no_acknowledged_action(
    db_url: str, tmp_path: Path, servers: list[Server]
) -> None:
    first = Server(db_url, tmp_path / "serve.log")
    servers.append(first)
    org = organiser(first.base, first.token)
    made = make_exercise(org, SEATS)
    seats = {s: Browser(first.base) for s in SEATS}
    for s, b in seats.items():
        b.open(made.seats[s])
    acked: dict[str, list[float]] = {s: [] for s in SEATS}
    sent: dict[str, list[float]] = {s: [] for s in SEATS}
    stop = threading.Event()

    def submit(seat: str) -> None:
        b = seats[seat]
        i = 0
        while not stop.is_set() and i < 5000:
            value = round(1 + i * 0.01 + SEATS.index(seat) * 0.001, 4)
            i += 1
            sent[seat].append(value)
            try:
                r = b.post(f"/x/{made.id}/position", {"pos.force_size": str(value)})
            except httpx.TransportError:
                return  # the server died under this request: not acknowledged
            assert r.status_code == 303, (seat, r.status_code, r.text[:300])
            acked[seat].append(value)

    threads = [threading.Thread(target=submit, args=(s,)) for s in SEATS]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while sum(map(len, acked.values())) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    first.kill()  # SIGKILL while all four are submitting
    stop.set()
    for t in threads:
        t.join(60)
    assert sum(map(len, acked.values())) >= 40

    second = Server(db_url, tmp_path / "serve.log")
    servers.append(second)
    org = organiser(second.base, second.token)
    log = org.get(f"/x/{made.id}/log.json").json()["events"]
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    for seat in SEATS:
        stored = [e["value"] for e in log if e["seat"] == seat]
        # every acknowledged value, in order, once; at most the one in flight beyond them
        assert stored[: len(acked[seat])] == acked[seat], seat
        assert len(stored) - len(acked[seat]) in (0, 1), seat
        if len(stored) > len(acked[seat]):
            assert stored[-1] == sent[seat][len(acked[seat])]
        # the seat's session survived the restart, and its page shows its last position
        b = seats[seat]
        b.base = second.base
        b.client = httpx.Client(base_url=second.base, cookies=b.client.cookies, timeout=60)
        page = b.get(f"/x/{made.id}")
        assert page.status_code == 200
        assert f"force_size = {stored[-1]:.6g}" in page.text, seat
