"""``mlf sweep --executor process`` starts its pool's fork server before it reads anything
(:func:`mlf._pool.start_pool_server`, so that the server's imports run beside the command's
own). On bad input the command says its one line and exits; the server must not outlive it,
finishing about a second of imports for a pool that will never run.

Each case runs the real ``mlf`` console script under tests/_reaped.py, a child subreaper: a
process the command leaves behind is re-parented to it and listed the moment the command
exits (Linux: ``prctl`` and ``/proc``, as the process executor's fork server itself).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
MLF = Path(sys.executable).parent / "mlf"
TOY = (HERE / "data" / "toy-talks.yaml").read_text(encoding="utf-8")


def _reaped(tmp_path: Path, args: list[str]) -> dict[str, object]:
    out = tmp_path / "reaped.json"
    subprocess.run(
        [sys.executable, str(HERE / "_reaped.py"), str(out), str(MLF), *args],
        check=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    result: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return result


@pytest.mark.parametrize(
    ("case", "code", "names"),
    [
        ("missing", 1, "missing.yaml"),  # refused before the scenario is parsed
        ("surrogate", 1, "surrogate.yaml"),  # refused by the scenario's validation
        ("set", 2, "--set"),  # a bad flag found once the scenario is loaded
    ],
)
def test_bad_input_leaves_no_fork_server_running(
    tmp_path: Path, case: str, code: int, names: str
) -> None:
    (tmp_path / "surrogate.yaml").write_text(
        TOY.replace("name: Leader", 'name: "Lead\\ud800er"'), encoding="utf-8"
    )
    (tmp_path / "good.yaml").write_text(TOY, encoding="utf-8")
    args = {
        "missing": [str(tmp_path / "missing.yaml")],
        "surrogate": [str(tmp_path / "surrogate.yaml")],
        "set": [str(tmp_path / "good.yaml"), "--set", "actors.NOPE.gdp=1"],
    }[case]
    res = _reaped(tmp_path, ["sweep", *args, "--draws", "10", "--executor", "process"])
    lines = str(res["stderr"]).strip().splitlines()
    assert res["code"] == code, res
    assert len(lines) == 1 and names in lines[0], res["stderr"]
    assert "Traceback" not in str(res["stderr"])
    assert not (tmp_path / "sweep-toy-talks").exists()  # outputs complete or absent
    left = res["left"]
    assert isinstance(left, list)
    # The fork server, still importing when the command exited (before: always here).
    assert not [p for p in left if "multiprocessing.forkserver" in p["cmdline"]], left
    # Nothing else either: multiprocessing's resource tracker, which stops by itself when
    # the command exits, is the one process that may still be on its way out (as a zombie,
    # its command line gone, or sleeping).
    # a process without a command line has released its memory: it is exiting (a zombie, or
    # about to be one on a loaded machine); a process still at work has its command line
    live = [
        p for p in left if p["cmdline"] and "multiprocessing.resource_tracker" not in p["cmdline"]
    ]
    assert live == [], left
