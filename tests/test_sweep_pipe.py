"""Tests of the sweep's pipeline around the draws: the summary's two threads, its ranks, chunk
verification's imports. Each pins that a faster path gives the same bytes as the plain one."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mlf._atomic import json_text
from mlf.scenario import LoadedScenario, load_scenario
from mlf.sensitivity import read_manifest, run_sweep
from mlf.sensitivity.summary import _connect, _summarise, _verified_chunks, average_ranks

MINI = Path(__file__).parent / "data" / "sweep-mini.yaml"


@pytest.fixture(scope="module")
def loaded() -> LoadedScenario:
    return load_scenario(MINI)


@pytest.fixture(scope="module")
def sweep_dir(loaded: LoadedScenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pipe") / "sweep"
    run_sweep(loaded, out, draws=80, seed=5, chunk_size=20)
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([0.0, 1.0, 2.0, -1.5, float("nan")]),
            st.floats(allow_nan=True, allow_infinity=False, width=64),
        ),
        max_size=40,
    )
)
def test_average_ranks_are_scipys(values: list[float]) -> None:
    v = np.asarray(values, dtype=np.float64)
    want = np.asarray(stats.rankdata(v, method="average", nan_policy="omit"), dtype=np.float64)
    got = average_ranks(v)
    assert got.shape == v.shape
    assert got.tobytes() == want.reshape(v.shape).tobytes()  # NaN where NaN, same bits


def test_summary_in_two_threads_is_the_one_thread_summary(sweep_dir: Path) -> None:
    manifest = read_manifest(sweep_dir)
    files = _verified_chunks(sweep_dir, manifest)
    file_list = "[" + ", ".join("'" + f + "'" for f in files) + "]"
    con, ranks = _connect(file_list), _connect(file_list)
    try:
        alone = _summarise(con, manifest)
        beside = _summarise(con, manifest, ranks)
    finally:
        con.close()
        ranks.close()
    assert len(manifest["inputs"]) + 1 < 80  # the regression itself runs, not the fallback
    assert any(a["tornado_r2"] is not None for a in alone["alternatives"].values())
    assert json_text(beside) == json_text(alone)


def test_verifying_a_chunk_does_not_import_pandas(sweep_dir: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mlf.sensitivity.sweep import read_manifest, verify_chunk\n"
        "from mlf.sensitivity.draws import chunk_bounds\n"
        f"d = Path({str(sweep_dir)!r})\n"
        "m = read_manifest(d)\n"
        "b = chunk_bounds(int(m['draws']), int(m['chunk_size']))\n"
        "assert verify_chunk(d, 0, b[0], m['done']['0']) is None\n"
        "print('pandas' in sys.modules, 'pyarrow.dataset' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def _cli_sweep(out: Path, *args: str) -> None:
    from typer.testing import CliRunner

    from mlf.cli import app

    res = CliRunner().invoke(app, ["sweep", str(MINI), "--out", str(out), *args])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("models", [None, "compromise,nash"])
def test_the_fragile_pass_in_the_pool_gives_the_serial_result(
    tmp_path: Path, models: str | None
) -> None:
    """On processes the point run comes first and the fragile pass runs in the pool beside the
    chunks (mlf.cli.sweep._PostPass); serially both run after the sweep. The files are the
    same, byte for byte."""
    flags = ["--draws", "30", "--chunk-size", "10", "--seed", "4"]
    if models is not None:
        flags += ["--models", models]
    _cli_sweep(tmp_path / "serial", *flags, "--executor", "serial")
    _cli_sweep(tmp_path / "process", *flags, "--executor", "process", "--workers", "2")
    for name in ("summary.json", "result.json", "manifest.json"):
        assert (tmp_path / "process" / name).read_bytes() == (
            tmp_path / "serial" / name
        ).read_bytes(), name
    result = json.loads((tmp_path / "process" / "result.json").read_text())
    assert result["fragile"]["alternatives"]  # the pass ran and was kept


def test_a_resume_on_processes_gives_the_same_result(tmp_path: Path) -> None:
    flags = ["--draws", "30", "--chunk-size", "10", "--seed", "4"]
    _cli_sweep(tmp_path / "whole", *flags, "--executor", "serial")
    part = tmp_path / "part"
    shutil.copytree(tmp_path / "whole", part)
    (part / "chunk-000001.parquet").unlink()
    for name in ("summary.json", "result.json"):
        (part / name).unlink()
    from typer.testing import CliRunner

    from mlf.cli import app

    res = CliRunner().invoke(app, ["sweep", "--resume", str(part), "--executor", "process"])
    assert res.exit_code == 0, res.output
    for name in ("summary.json", "result.json"):
        assert (part / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
