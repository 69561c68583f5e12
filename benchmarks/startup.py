"""Start-up benchmark: wall time of one-shot ``mlf`` commands as whole processes.

Run ``.venv/bin/python benchmarks/startup.py [--repeat 10] [--src DIR ...]``. Each command
runs as a fresh process (interpreter start, imports, work, exit), ``--repeat`` times; the
table gives the median wall time and the median CPU time (user + system) in seconds: on a
shared machine the CPU time is the steadier figure, the wall time the one a user feels.
Runs are interleaved (command by
command, tree by tree) so that a noisy, shared machine slows every column alike.

Without ``--src`` it times the installed ``mlf`` console script. With one or more ``--src``
(a source tree's ``src`` folder, e.g. an older checkout made with ``git worktree add`` or
``git archive``), it runs ``python -c "from mlf.cli import main; main()"`` against each tree
with the same interpreter and packages, byte-compiling each tree first, so trees compare
side by side. Target (issue 12): ``mlf check mlf-1963`` under 0.5 s.

The structural guarantee that these commands import nothing heavy is a test
(tests/test_cli_startup.py); this file only measures.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

COMMANDS: list[list[str]] = [
    ["check", "mlf-1963"],
    ["show", "mlf-1963"],
    ["scenarios"],
    ["schema"],
    ["--version"],
]
TARGETS = {"check mlf-1963": 0.5}
RUNNER = "import sys; sys.argv[0] = 'mlf'; from mlf.cli import main; main()"


def runner(src: Path | None) -> tuple[list[str], dict[str, str]]:
    """The argv prefix and environment that run ``mlf`` from ``src`` (or the installed one).

    The installed package is byte-compiled first too: with ``PYTHONDONTWRITEBYTECODE`` set (as
    in some shells and CI images) a module edited since its last ``.pyc`` is compiled again by
    every run, and the benchmark would time the compiler (about 15 ms for mlf.power)."""
    env = dict(os.environ)
    if src is None:
        exe = shutil.which("mlf", path=str(Path(sys.executable).parent)) or shutil.which("mlf")
        if exe is None:
            raise SystemExit("no `mlf` console script next to this interpreter or on PATH")
        import mlf

        package = str(Path(mlf.__file__).resolve().parent)
        subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
        return [exe], env
    env["PYTHONPATH"] = str(src)
    return [sys.executable, "-c", RUNNER], env


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def time_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of ``argv``."""
    c0 = _child_cpu()
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    cpu = _child_cpu() - c0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-300:]!r}")
    return elapsed, cpu


def print_medians(
    first: str,
    width: int,
    rows: list[str],
    columns: list[str],
    samples: Callable[[str, int], list[tuple[float, float]]],
    targets: dict[str, float],
) -> None:
    """One line per row: the median wall (CPU) seconds of each column's samples, then the target."""
    print(f"{first:<{width}}" + "".join(f"{n[-28:]:>30}" for n in columns) + f"{'target':>8}")
    for row in rows:
        cells = []
        for i in range(len(columns)):
            ts = samples(row, i)
            wall = statistics.median(t for t, _ in ts)
            cpu = statistics.median(c for _, c in ts)
            cells.append(f"{wall:.3f} ({cpu:.3f})")
        target = targets.get(row)
        print(
            f"{row:<{width}}"
            + "".join(f"{c:>30}" for c in cells)
            + (f"{target:>8.2f}" if target else f"{'-':>8}")
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=10, help="runs per command (default 10)")
    ap.add_argument("--quick", action="store_true", help="3 runs per command")
    ap.add_argument(
        "--src", action="append", type=Path, default=[], help="a source tree's src/ to time"
    )
    args = ap.parse_args()
    repeat = 3 if args.quick else args.repeat
    trees: list[Path | None] = list(args.src) or [None]
    for src in args.src:
        if not (src / "mlf" / "cli" / "__init__.py").exists():
            raise SystemExit(f"--src {src}: no mlf/cli/__init__.py there")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True)
    runs = {t: runner(t) for t in trees}
    times: dict[tuple[str, Path | None], list[tuple[float, float]]] = {}
    for cmd in COMMANDS:
        label = " ".join(cmd)
        for tree in trees:  # warm the file cache once per command and tree
            prefix, env = runs[tree]
            time_once([*prefix, *cmd], env)
        for _ in range(repeat):
            for tree in trees:
                prefix, env = runs[tree]
                times.setdefault((label, tree), []).append(time_once([*prefix, *cmd], env))
    names = [str(t) if t is not None else "installed mlf" for t in trees]
    print(f"seconds per whole command, median of {repeat} runs: wall (CPU user+system)")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    rows = [" ".join(cmd) for cmd in COMMANDS]
    print_medians("command", 18, rows, names, lambda r, i: times[(r, trees[i])], TARGETS)


if __name__ == "__main__":
    main()
