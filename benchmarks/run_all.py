"""Run every benchmark in this folder, one after the other (``make bench``).

Pass ``--quick`` to run each in its short mode.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ORDER = [
    "startup.py", "power_cli.py", "power.py", "bargaining.py", "costs.py", "talks.py", "sweep.py",
    "fragile.py", "exercise_load.py",
]  # fmt: skip


def main() -> int:
    extra = sys.argv[1:]
    failed = []
    for name in ORDER:
        path = HERE / name
        if not path.exists():
            continue
        print(f"\n=== {name} ===", flush=True)
        rc = subprocess.call([sys.executable, str(path), *extra])
        if rc != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
