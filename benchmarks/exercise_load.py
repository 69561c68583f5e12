"""Load benchmark of ``mlf serve``: many exercises played at once over loopback HTTP.

Issue 16: 20 exercises x 12 delegations, each delegation submitting its positions and deciding
in each of 5 rounds, all at once; goals on this 2-core machine: p95 of a submit under 100 ms,
p95 of a round close under 1 s; zero lost or duplicated actions.

What it does (bounded: 60 s per request, ``--budget`` seconds in all, loopback only):

1. starts ``mlf serve --host 127.0.0.1 --port 0`` on a fresh SQLite file in a temporary folder
   (its own process, as in a class), reads the organiser link it prints;
2. makes the exercises over HTTP from ``benchmarks/data/exercise-load.yaml`` (twelve synthetic
   nations), every seat played by a delegation, and opens every join link in its own client
   (its own cookie jar and CSRF token);
3. for each round, in four waves, each wave all at once (asyncio, one connection per client):
   every delegation submits its positions (both elements; each submit sent twice: the second,
   identical, must change nothing), every chair closes the round, every delegation decides to
   join, every chair builds the arrangement and opens the next round (or ends the exercise);
4. reads every exercise's event log (chair) and checks it holds exactly the acknowledged
   actions, once each: per round 24 positions (the identical repeats stored nowhere), one
   close, 12 decisions, one build, then a renegotiation or the end; and that each stored
   position is the value acknowledged; then stops the server (the process it started).

Prints the median and p95 latency of a submit (one HTTP POST of a delegation's positions,
acknowledged after the commit) and of a round close (the POST whose reply comes after the model
has settled the terms), and exits 1 if an action was lost or duplicated.

Run: ``.venv/bin/python benchmarks/exercise_load.py [--exercises 20] [--seats 12] [--rounds 5]``
(``--quick``: 4 exercises, 2 rounds, within 300 s; ``make bench`` runs it so).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx

HERE = Path(__file__).parent
SCENARIO = HERE / "data" / "exercise-load.yaml"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
LINK = re.compile(r'data-testid="(chair-link|seat-link-[^"]+)">([^<]+)<')
EXERCISE = re.compile(r'href="/x/([^"]+)" data-testid="open-exercise"')
TOKEN = re.compile(r"(http://127\.0\.0\.1:\d+)/\?token=(\S+)")
TIMEOUT = 60.0


@dataclass
class Client:
    """One person's browser: its own cookies and CSRF token."""

    base: str
    http: httpx.AsyncClient = field(init=False)
    csrf: str = ""

    def __post_init__(self) -> None:
        self.http = httpx.AsyncClient(
            base_url=self.base, follow_redirects=False, timeout=TIMEOUT,
            # one connection for actions, one for the stream; an idle one is dropped before
            # the server's keep-alive (uvicorn: 5 s) would close it under a request
            limits=httpx.Limits(max_connections=2, keepalive_expiry=2.0),
        )  # fmt: skip

    async def page(self, path: str) -> str:
        r = await self.http.get(path)
        r.raise_for_status()
        found = CSRF.search(r.text)
        if found:
            self.csrf = found.group(1)
        return r.text

    async def join(self, link: str) -> str:
        r = await self.http.get(link.removeprefix(self.base))
        if r.status_code != 303:
            raise RuntimeError(f"join link: HTTP {r.status_code}")
        return await self.page(r.headers["location"])

    async def listen(self, path: str, counter: Counter[str]) -> None:
        """Read the exercise's server-sent events until cancelled (as an open page does)."""
        async with self.http.stream("GET", path, timeout=None) as r:
            async for line in r.aiter_lines():
                if line.startswith("event: "):
                    counter[line[7:]] += 1

    async def post(self, path: str, data: dict[str, Any]) -> tuple[int, float]:
        t = time.perf_counter()
        try:
            r = await self.http.post(path, data={**data, "csrf": self.csrf})
        except httpx.TransportError:
            return -1, time.perf_counter() - t  # counted as a refused action
        return r.status_code, time.perf_counter() - t


@dataclass
class Exercise:
    id: str
    chair: Client
    seats: dict[str, Client]
    acked: Counter[str] = field(default_factory=Counter)
    values: dict[tuple[int, str, str], Any] = field(default_factory=dict)


def start_server(tmp: str) -> tuple[subprocess.Popen[str], str, str]:
    mlf = Path(sys.executable).with_name("mlf")
    cmd = [str(mlf), "serve", "--host", "127.0.0.1", "--port", "0", "--db", f"{tmp}/load.db"]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        found = TOKEN.search(line)
        if found:
            return proc, found.group(1), found.group(2)
    stop_server(proc)
    raise RuntimeError("mlf serve did not print its organiser link within 60 s")


def stop_server(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the session this benchmark started, by its id
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(15)


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) the process has used so far, where /proc tells it (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


async def make_exercises(base: str, token: str, n: int, seats: list[str]) -> list[Exercise]:
    org = Client(base)
    r = await org.http.get(f"/?token={token}")
    if r.status_code != 303:
        raise RuntimeError(f"organiser link: HTTP {r.status_code}")
    await org.page(r.headers["location"])
    text = SCENARIO.read_text(encoding="utf-8")
    made: list[Exercise] = []
    for _ in range(n):
        r = await org.http.post(
            "/exercises",
            data={
                "scenario_text": text,
                "scenario_name": SCENARIO.name,
                "alternative": "force",
                "model": "compromise",
                "seats": seats,
                "csrf": org.csrf,
            },
        )
        if r.status_code != 200:
            raise RuntimeError(f"making an exercise: HTTP {r.status_code}: {r.text[:300]}")
        links = dict(LINK.findall(r.text))
        eid = EXERCISE.search(r.text)
        if eid is None:
            raise RuntimeError("making an exercise: no exercise id on the links page")
        chair = Client(base)
        await chair.join(links.pop("chair-link"))
        clients: dict[str, Client] = {}
        for key, link in links.items():
            c = Client(base)
            await c.join(link)
            clients[key.removeprefix("seat-link-")] = c
        made.append(Exercise(eid.group(1), chair, clients))
    await org.http.aclose()
    return made


def position_of(seat: str, rnd: int, exercise: int) -> dict[str, Any]:
    i = int(seat[1:])
    size = float((7 * i + 13 * rnd + 3 * exercise) % 101)
    rule = "majority" if (i + rnd) % 2 else "unanimity"
    return {"pos.size": f"{size:g}", "pos.rule": rule}


async def play(
    exs: list[Exercise], rounds: int, spread: float, seed: int
) -> dict[str, list[float]]:
    lat: dict[str, list[float]] = {"submit": [], "close": [], "decide": [], "build": []}
    failures: list[str] = []
    rng = random.Random(seed)

    async def wait() -> None:
        if spread > 0:
            await asyncio.sleep(rng.uniform(0, spread))

    async def submit(k: int, ex: Exercise, seat: str, c: Client, rnd: int) -> None:
        data = position_of(seat, rnd, k)
        await wait()
        for _ in range(2):  # the second submit is identical: it must change nothing
            status, dt = await c.post(f"/x/{ex.id}/position", data)
            lat["submit"].append(dt)
            if status != 303:
                failures.append(f"{ex.id} {seat} submit: HTTP {status}")
                return
        ex.acked["position"] += 2  # two elements, stored once
        ex.values[(rnd, seat, "size")] = float(data["pos.size"])
        ex.values[(rnd, seat, "rule")] = data["pos.rule"]

    async def chair(ex: Exercise, action: str, key: str | None) -> None:
        await wait()
        status, dt = await ex.chair.post(f"/x/{ex.id}/chair/{action}", {})
        if key:
            lat[key].append(dt)
        if status != 303:
            failures.append(f"{ex.id} {action}: HTTP {status}")
        else:
            ex.acked[action] += 1

    async def decide(ex: Exercise, seat: str, c: Client) -> None:
        await wait()
        status, dt = await c.post(f"/x/{ex.id}/decide", {"join": "yes"})
        lat["decide"].append(dt)
        if status != 303:
            failures.append(f"{ex.id} {seat} decide: HTTP {status}")
        else:
            ex.acked["decision"] += 1

    for rnd in range(1, rounds + 1):
        await asyncio.gather(
            *(submit(k, ex, s, c, rnd) for k, ex in enumerate(exs) for s, c in ex.seats.items())
        )
        await asyncio.gather(*(chair(ex, "close_round", "close") for ex in exs))
        await asyncio.gather(*(decide(ex, s, c) for ex in exs for s, c in ex.seats.items()))
        await asyncio.gather(*(chair(ex, "build", "build") for ex in exs))
        last = "end" if rnd == rounds else "renegotiate"
        await asyncio.gather(*(chair(ex, last, None) for ex in exs))
        if failures:
            raise RuntimeError(f"round {rnd}: {len(failures)} action(s) refused: {failures[0]}")
    return lat


async def verify(exs: list[Exercise], rounds: int) -> list[str]:
    problems: list[str] = []
    names = {"close_round": "close_round", "build": "build", "renegotiate": "renegotiate",
             "end": "end", "position": "position", "decision": "decision"}  # fmt: skip
    for ex in exs:
        r = await ex.chair.http.get(f"/x/{ex.id}/log.json")
        if r.status_code != 200:
            problems.append(f"{ex.id}: log.json HTTP {r.status_code}")
            continue
        events = r.json()["events"]
        seqs = [e["seq"] for e in events]
        if len(set(seqs)) != len(seqs):
            problems.append(f"{ex.id}: a sequence number is repeated")
        stored = Counter(e["type"] for e in events)
        for action, n in ex.acked.items():
            if stored[names[action]] != n:
                problems.append(
                    f"{ex.id}: {action}: {n} acknowledged, {stored[names[action]]} stored"
                )
        extra = set(stored) - {names[a] for a in ex.acked}
        if extra:
            problems.append(f"{ex.id}: stored but never acknowledged: {sorted(extra)}")
        rnd = 1
        for e in events:
            if e["type"] == "renegotiate":
                rnd += 1
            elif e["type"] == "position":
                want = ex.values.get((rnd, e["seat"], e["issue"]))
                if want != e["value"]:
                    problems.append(f"{ex.id}: round {rnd} {e['seat']} {e['issue']}: {e['value']}")
        if rnd != rounds:
            problems.append(f"{ex.id}: {rnd} rounds stored, {rounds} played")
    return problems


async def run(args: argparse.Namespace, base: str, token: str, pid: int) -> int:
    seats = [f"N{i:02d}" for i in range(1, args.seats + 1)]
    t0 = time.perf_counter()
    exs = await make_exercises(base, token, args.exercises, seats)
    pushed: Counter[str] = Counter()
    streams = []
    if not args.no_streams:
        for ex in exs:
            for c in (ex.chair, *ex.seats.values()):
                streams.append(asyncio.create_task(c.listen(f"/x/{ex.id}/events", pushed)))
        await asyncio.sleep(2.0)  # every page open and listening
    t1 = time.perf_counter()
    cpu1 = cpu_seconds(pid)
    lat = await play(exs, args.rounds, args.spread, args.seed)
    t2 = time.perf_counter()
    cpu2 = cpu_seconds(pid)
    for task in streams:
        task.cancel()
    await asyncio.gather(*streams, return_exceptions=True)
    problems = await verify(exs, args.rounds)
    for ex in exs:
        await ex.chair.http.aclose()
        for c in ex.seats.values():
            await c.http.aclose()
    acked = sum(sum(ex.acked.values()) for ex in exs)
    print(
        f"{args.exercises} exercises x {args.seats} delegations x {args.rounds} rounds: "
        f"made and joined in {t1 - t0:.1f} s, played in {t2 - t1:.1f} s; "
        f"{acked} actions acknowledged, {len(problems)} lost or duplicated"
    )
    mode = "all at once" if args.spread <= 0 else f"each within {args.spread:g} s"
    streams_note = (
        "no pages open" if args.no_streams
        else f"{len(streams)} pages open on server-sent events ({sum(pushed.values())} pushed)"
    )  # fmt: skip
    print(f"arrivals: every wave {mode}; {streams_note}")
    if cpu1 is not None and cpu2 is not None:
        used = cpu2 - cpu1
        print(
            f"server CPU while playing: {used:.1f} s ({1000 * used / max(acked, 1):.2f} ms per "
            f"acknowledged action, pushes included); load average {os.getloadavg()[0]:.2f} "
            f"on {os.cpu_count()} CPUs"
        )
    print(f"{'request':<14}{'n':>6}{'median ms':>12}{'p95 ms':>10}{'max ms':>10}  goal")
    goals = {"submit": 0.100, "close": 1.0}
    ok = not problems
    for key, values in lat.items():
        med, p95 = statistics.median(values), pct(values, 0.95)
        goal = goals.get(key)
        mark = (
            ""
            if goal is None
            else f"p95 < {goal * 1000:.0f} ms: " + ("met" if p95 < goal else "NOT met")
        )
        print(f"{key:<14}{len(values):>6}{med * 1000:>12.1f}{p95 * 1000:>10.1f}"
              f"{max(values) * 1000:>10.1f}  {mark}")  # fmt: skip
    for p in problems[:20]:
        print(f"problem: {p}")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exercises", type=int, default=20)
    ap.add_argument("--seats", type=int, default=12, choices=range(2, 13), metavar="2..12")
    ap.add_argument("--rounds", type=int, default=5, choices=range(1, 7), metavar="1..6")
    ap.add_argument(
        "--budget", type=float, default=None,
        help="seconds in all (bound; default 900, with --quick 300)",
    )  # fmt: skip
    ap.add_argument(
        "--spread", type=float, default=0.0,
        help="each person acts at a random moment within this many seconds of a wave's start "
        "(0: all at the same moment)",
    )  # fmt: skip
    ap.add_argument("--seed", type=int, default=16, help="of the arrival times")
    ap.add_argument("--no-streams", action="store_true", help="no page listens to the events")
    ap.add_argument("--quick", action="store_true", help="4 exercises, 2 rounds")
    args = ap.parse_args()
    if args.quick:
        args.exercises, args.rounds = 4, 2
    if args.budget is None:
        args.budget = 300.0 if args.quick else 900.0
    if not 0 < args.budget <= 3600:
        ap.error("--budget: more than 0 and at most 3600 seconds")
    if not 1 <= args.exercises <= 100:
        ap.error("--exercises: 1 to 100")
    with tempfile.TemporaryDirectory() as tmp:
        proc, base, token = start_server(tmp)
        try:
            return asyncio.run(asyncio.wait_for(run(args, base, token, proc.pid), args.budget))
        except TimeoutError:
            print(f"error: the benchmark did not finish within --budget {args.budget:g} s")
            return 1
        finally:
            stop_server(proc)


if __name__ == "__main__":
    raise SystemExit(main())
