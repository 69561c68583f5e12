"""Every model side by side: ``mlf run mlf-1963 --models all`` against one model (issue 13, 6).

Run ``.venv/bin/python benchmarks/ensemble.py [--repeat 7 | --quick] [--scenario ID]``.
Each run is a fresh process writing ``result.json`` and ``report.html`` into a temporary
folder (interpreter start, imports, the talks, the British question, the report), as a user
runs it. The two commands alternate (one model, then all, repeat) so that load on a shared
machine falls on both alike; the table gives the median wall time and the median CPU time
(user + system) in seconds, and the ratio of the medians. Target: all five models under 3
times one model (the scenario's own model).

The talks of one model cost about 0.05 s on mlf-1963; a run of one model is dominated by the
interpreter, the imports and the report, which an ensemble pays once.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from startup import runner, time_once

TARGET = 3.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs per command (default 7)")
    ap.add_argument("--quick", action="store_true", help="3 runs per command")
    ap.add_argument("--scenario", default="mlf-1963", help="built-in id or file")
    args = ap.parse_args()
    repeat = 3 if args.quick else args.repeat
    prefix, env = runner(None)
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "one model": [*prefix, "run", args.scenario, "--out", f"{tmp}/one", "--force"],
            "--models all": [
                *prefix, "run", args.scenario, "--models", "all", "--out", f"{tmp}/all",
                "--force",
            ],
        }  # fmt: skip
        for argv in commands.values():  # warm caches (numba, bytecode) once, untimed
            time_once(argv, env)
        samples: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
        for _ in range(repeat):
            for name, argv in commands.items():
                samples[name].append(time_once(argv, env))
    med = {k: statistics.median(t for t, _ in v) for k, v in samples.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in samples.items()}
    print(f"mlf run {args.scenario}: median of {repeat} runs, wall (CPU) seconds")
    for k in commands:
        print(f"  {k:<14}{med[k]:>8.3f} ({cpu[k]:.3f})")
    ratio = med["--models all"] / med["one model"]
    cpu_ratio = cpu["--models all"] / cpu["one model"]
    status = "met" if ratio < TARGET else "NOT met"
    print(f"  ratio {ratio:.2f} wall ({cpu_ratio:.2f} CPU); target < {TARGET:.0f}: {status}")


if __name__ == "__main__":
    main()
