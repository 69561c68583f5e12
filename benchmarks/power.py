"""Benchmark mlf.power against the PyPI packages powerindex, powerindices and coopgame-py.

Run: ``.venv/bin/python benchmarks/power.py [--quick] [--timeout S]``. Prints, per game and
task, the median wall time of mlf and of each peer, the ratio peer / mlf (above 1: mlf is
faster) and whether the results agree to 1e-12. Each peer call runs in a subprocess with a time
limit (default 60 s, reported as "> 60 s"); a peer that cannot express a game is skipped with
the reason. mlf's times exclude the one-off numba load, which is printed separately.

Games: UN Security Council [39; 7x5, 1x10]; US Electoral College 2020 (51 units, quota 270);
EU-27 Lisbon double majority (Eurostat 2024); random weighted games with n = 50, 200, 1000,
integer weights 1..1000 (seed 1963) and quota = half the total + 1.

Targets: Banzhaf n=1000 < 1 s; Shapley-Shubik n=200 < 5 s; EU-27 all nine indices < 1 s;
>= 10x faster than the fastest peer on every game.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from mlf.games import Game, VectorWeightedGame, WeightedGame
from mlf.power import power_indices

EC = [
    (54, 1), (40, 1), (30, 1), (28, 1), (19, 2), (17, 1), (16, 2), (15, 1), (14, 1), (13, 1),
    (12, 1), (11, 4), (10, 5), (9, 2), (8, 3), (7, 2), (6, 6), (5, 2), (4, 7), (3, 7),
]  # fmt: skip
EU_POP = [
    83445000, 68402000, 58989700, 48610500, 36621000, 19064400, 17942900, 11832000, 10900600,
    10639700, 10551700, 10397200, 9584600, 9158800, 6445500, 5961200, 5603900, 5424700,
    5343800, 3862000, 2885900, 2123900, 1871900, 1374700, 933500, 672100, 563000,
]  # fmt: skip

PEERS = ("powerindex", "powerindices", "coopgame")


def weighted_case(name: str, weights: list[int], quota: int) -> dict[str, Any]:
    return {"name": name, "kind": "weighted", "weights": weights, "quota": quota}


def cases(quick: bool) -> list[dict[str, Any]]:
    out = [
        weighted_case("UN Security Council", [7] * 5 + [1] * 10, 39),
        weighted_case("Electoral College", [w for w, c in EC for _ in range(c)], 270),
        {"name": "EU-27 Lisbon", "kind": "lisbon", "weights": EU_POP, "quota": 0},
    ]
    rng = np.random.default_rng(1963)
    for n in (50, 200) if quick else (50, 200, 1000):
        w = [int(x) for x in rng.integers(1, 1001, size=n)]
        out.append(weighted_case(f"random n={n}", w, sum(w) // 2 + 1))
    return out


def build(case: dict[str, Any]) -> Game:
    w = case["weights"]
    names = [f"P{i + 1}" for i in range(len(w))]
    if case["kind"] == "weighted":
        return WeightedGame(names, w, case["quota"])
    n = len(w)
    dm = VectorWeightedGame(
        [WeightedGame(names, [1] * n, 15), WeightedGame.of_total(names, w, "65/100")]
    )
    return dm | WeightedGame(names, [1] * n, 24)


def tasks(case: dict[str, Any]) -> list[str]:
    n = len(case["weights"])
    if case["kind"] == "lisbon" or n <= 15:
        return ["all nine", "banzhaf", "shapley_shubik"]
    if n >= 1000:
        return ["banzhaf"]
    return ["banzhaf", "shapley_shubik"]


def mlf_run(game: Game, task: str) -> dict[str, list[float]]:
    want = None if task == "all nine" else (
        ["banzhaf", "banzhaf_absolute"] if task == "banzhaf" else ["shapley_shubik"]
    )  # fmt: skip
    r = power_indices(game, want)
    return {k: [float(x) for x in v.values()] for k, v in r.indices.items()}


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median of at least ``repeat`` timed calls after a warm-up (more, up to 200, for calls
    under 40 ms so that sub-millisecond medians are stable)."""
    out = fn()
    times: list[float] = []
    while len(times) < repeat or (sum(times) < 0.2 and len(times) < 200):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


# --- peers (run in a subprocess) ------------------------------------------------------------


def peer_supports(peer: str, case: dict[str, Any], task: str) -> str | None:
    """None if the peer can run the task, else why not."""
    n = len(case["weights"])
    if case["kind"] == "lisbon" and peer != "coopgame":
        return "weighted games only (no double majority)"
    if peer == "coopgame" and n > 27:
        return f"explicit 2^n characteristic function, infeasible for n={n}"
    if task == "all nine" and peer != "coopgame":
        return "Banzhaf and Shapley-Shubik only"
    return None


def peer_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one peer on one case/task ``repeat`` times; return the median time and results."""
    peer, case, task, repeat = spec["peer"], spec["case"], spec["task"], spec["repeat"]
    w, q = list(case["weights"]), case["quota"]
    fn: Callable[[], dict[str, list[float]]]
    if peer == "powerindex":
        import powerindex  # type: ignore[import-untyped]

        def fn() -> dict[str, list[float]]:
            g = powerindex.Game(q, weights=list(w))
            if task == "banzhaf":
                g.calc_banzhaf()
                return {"banzhaf": list(g.banzhaf)}
            g.calc_shapley_shubik()
            return {"shapley_shubik": list(g.shapley_shubik)}

    elif peer == "powerindices":
        import powerindices  # type: ignore[import-untyped]

        def fn() -> dict[str, list[float]]:
            if task == "banzhaf":
                pbi = powerindices.compute_pbi(q, list(w))
                return {"banzhaf_absolute": [float(x) for x in pbi]}
            return {"shapley_shubik": [float(x) for x in powerindices.compute_ssi(q, list(w))]}

    else:
        import coopgame  # type: ignore[import-untyped]

        if case["kind"] == "lisbon":  # coopgame's explicit vector, in bit order, built fast
            n = len(w)
            lo, hi = n // 2, n - n // 2
            m_lo, m_hi = np.arange(1 << lo), np.arange(1 << hi)
            bits_lo = (m_lo[:, None] >> np.arange(lo)) & 1
            bits_hi = (m_hi[:, None] >> np.arange(hi)) & 1
            pop = np.add.outer(bits_hi @ np.array(w[lo:]), bits_lo @ np.array(w[:lo])).ravel()
            cnt = np.add.outer(bits_hi.sum(1), bits_lo.sum(1)).ravel().astype(np.int8)
            win = ((cnt >= 15) & (100 * pop >= 65 * sum(w))) | (cnt >= 24)
            del pop, cnt
            cg = coopgame.Game(win[1:].astype(np.float64))
        else:
            cg = coopgame.Game.weighted_voting(w, q)

        def fn() -> dict[str, list[float]]:
            out: dict[str, list[float]] = {}
            if task in ("banzhaf", "all nine"):
                out["banzhaf_absolute"] = [float(x) for x in coopgame.banzhaf(cg)]
            if task in ("shapley_shubik", "all nine"):
                out["shapley_shubik"] = [float(x) for x in coopgame.shapley(cg)]
            if task == "all nine":
                r = coopgame.power_indices(cg)
                out["johnston"] = [float(x) for x in r["johnston"]]
                out["deegan_packel"] = [float(x) for x in r["deegan_packel"]]
                out["holler"] = [float(x) for x in r["public_good"]]
            return out

    t, res = median_time(fn, repeat)
    return {"time": t, "result": res}


def run_peer(peer: str, case: dict[str, Any], task: str, repeat: int, timeout: float) -> Any:
    spec = json.dumps({"peer": peer, "case": case, "task": task, "repeat": repeat})
    try:
        p = subprocess.run(
            [sys.executable, __file__, "--peer-worker"],
            input=spec,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"> {timeout:g} s"
    if p.returncode != 0:
        lines = p.stderr.strip().splitlines()
        return "error: " + (lines[-1] if lines else f"exit {p.returncode}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def agree(mine: dict[str, list[float]], theirs: dict[str, list[float]], note: str = "") -> str:
    worst = 0.0
    for k, v in theirs.items():
        if (k == "banzhaf" and "banzhaf" in mine) or k in mine:
            a, b = np.array(mine[k]), np.array(v)
        else:
            continue
        worst = max(worst, float(np.max(np.abs(a - b))))
    return "ok" if worst <= 1e-12 else f"DIFF {worst:.1e}{note}"


def fmt_s(t: float) -> str:
    return f"{t * 1000:.1f} ms" if t < 1 else f"{t:.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, no n=1000")
    ap.add_argument("--timeout", type=float, default=60.0, help="time limit per peer call (s)")
    ap.add_argument("--peer-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.peer_worker:
        print(json.dumps(peer_worker(json.loads(sys.stdin.read()))))
        return
    repeat = 1 if args.quick else 5
    t0 = time.perf_counter()
    power_indices(build(cases(True)[2]), ["banzhaf"])  # loads the numba kernels
    power_indices(build(cases(True)[1]), ["shapley_shubik"])
    power_indices(build(cases(True)[1]), ["banzhaf"])
    print(f"one-off numba load/compile: {time.perf_counter() - t0:.2f} s\n")
    header = (
        f"{'game':<20} {'task':<15} {'mlf':>10} {'peer':<13} {'peer time':>11} {'ratio':>8}  check"
    )
    print(header)
    print("-" * len(header))
    for case in cases(args.quick):
        game = build(case)
        for task in tasks(case):
            t_mlf, mine = median_time(functools.partial(mlf_run, game, task), repeat)
            first = True
            for peer in PEERS:
                label = f"{case['name'] if first else '':<20} {task if first else '':<15}"
                label += f" {fmt_s(t_mlf) if first else '':>10}"
                first = False
                why = peer_supports(peer, case, task)
                if why is not None:
                    print(f"{label} {peer:<13} {'skipped':>11} {'':>8}  {why}")
                    continue
                res = run_peer(peer, case, task, repeat, args.timeout)
                if isinstance(res, str):
                    print(f"{label} {peer:<13} {res:>11} {'':>8}")
                    continue
                ratio = res["time"] / t_mlf if t_mlf > 0 else float("inf")
                note = (
                    " (peer counts in int64, which wraps for n > 62)"
                    if peer == "powerindices" and len(case["weights"]) > 62
                    else ""
                )
                check = agree(mine, res["result"], note)
                print(f"{label} {peer:<13} {fmt_s(res['time']):>11} {ratio:>7.1f}x  {check}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
