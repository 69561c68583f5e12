"""Tests of ``mlf sweep``: a run, resume after a kill, and one-line errors with exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlf.cli import app

MINI = str(Path(__file__).parent / "data" / "sweep-mini.yaml")
runner = CliRunner()


def _sweep(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, ["sweep", *args])
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "run"
    code, text = _sweep(MINI, "--draws", "12", "--chunk-size", "4", "--seed", "5",
                        "--executor", "serial", "--out", str(out))
    assert code == 0, text
    return out


def test_sweep_writes_summary_and_result(swept: Path) -> None:
    summary = json.loads((swept / "summary.json").read_text())
    assert summary["draws"] == 12 and summary["seed"] == 5
    for alt in ("fleet", "small"):
        a = summary["alternatives"][alt]
        assert 0 <= a["p_agreement"] <= 1
        assert set(a) >= {"p_join", "forecast_quantiles", "histograms", "power", "cost",
                          "tornado"}
        assert set(a["forecast_quantiles"]["size"]) >= {"q05", "q50", "q95"}
        assert set(a["histograms"]["size"]) == {"edges", "counts"}
        for t in a["tornado"]:
            assert set(t) == {"input", "effect"}
    result = json.loads((swept / "result.json").read_text())
    assert [x["id"] for x in result["alternatives"]] == ["fleet", "small"]
    assert result["sensitivity"] == summary
    assert len(list(swept.glob("chunk-*.parquet"))) == 3


def test_resume_after_a_kill_gives_the_same_summary(swept: Path, tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(swept, out)
    want = json.loads((swept / "summary.json").read_text())
    (out / "chunk-000001.parquet").unlink()
    (out / "summary.json").unlink()
    (out / ".chunk-000001.parquet.4242.tmp").write_bytes(b"half")
    code, text = _sweep("--resume", str(out), "--executor", "serial")
    assert code == 0, text
    assert "2 finished chunks kept" in " ".join(text.split())
    assert json.loads((out / "summary.json").read_text()) == want
    assert not list(out.glob(".*.tmp"))


def _one_line_error(code: int, text: str, want_code: int, pattern: str) -> None:
    assert code == want_code, text
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert len(lines) == 1, text
    assert lines[0].startswith("error:") and re.search(pattern, lines[0]), text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["--draws", "0"], "draws must be positive"),
        (["--draws", "-5"], "draws must be positive"),
        (["--draws", "5", "--executor", "threads"], "unknown executor"),
        (["--draws", "5", "--sampling", "sobol"], "unknown sampling"),
        (["--draws", "5", "--chunk-size", "0"], "chunk-size must be positive"),
        (["--draws", "5", "--workers", "0"], "workers must be positive"),
        (["--draws", "5", "--seed", "-1"], "seed"),
        (["--draws", "5", "--scheduler", "tcp://127.0.0.1:1"], "needs --executor dask"),
        (["--draws", "5", "--model", "nope", "--executor", "serial"], "--model: unknown model"),
        ([], "--draws is required"),
    ],
)
def test_bad_flags_exit_2(args: list[str], pattern: str, tmp_path: Path) -> None:
    code, text = _sweep(MINI, *args, "--out", str(tmp_path / "o"))
    _one_line_error(code, text, 2, pattern)


def _flat(tmp_path: Path) -> Path:
    text = Path(MINI).read_text(encoding="utf-8")
    text = re.sub(r",\s*range: \[[^\]]*\]", "", text)
    text = re.sub(r",\s*dist: uniform", "", text)
    path = tmp_path / "flat.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_written_range_varies_the_default_ranges(tmp_path: Path) -> None:
    code, out = _sweep(str(_flat(tmp_path)), "--draws", "5", "--executor", "serial",
                       "--out", str(tmp_path / "o"))
    assert code == 0, out
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["varied_by_origin"] == {"default": summary["varied_inputs"]}


def test_no_uncertainty_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mlf.uncertainty.ranges as ranges

    monkeypatch.setattr(ranges, "sweep_inputs", lambda sc: ())  # nothing the rule can vary
    code, out = _sweep(str(_flat(tmp_path)), "--draws", "5", "--executor", "serial",
                       "--out", str(tmp_path / "o"))
    _one_line_error(code, out, 1, "no uncertainty ranges")
    assert not (tmp_path / "o" / "manifest.json").exists()


def test_resume_errors(swept: Path, tmp_path: Path) -> None:
    code, text = _sweep("--resume", str(tmp_path))
    _one_line_error(code, text, 2, "not a sweep folder")
    code, text = _sweep("--resume", str(swept), "--draws", "99")
    _one_line_error(code, text, 2, "differs from the sweep")
    other = tmp_path / "other.yaml"
    other.write_text(Path(MINI).read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    code, text = _sweep(str(other), "--resume", str(swept))
    _one_line_error(code, text, 2, "different scenario")
    code, text = _sweep(MINI, "--draws", "4", "--out", str(swept))
    _one_line_error(code, text, 2, "already holds a sweep")


def test_missing_dask_extra_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    code, text = _sweep(MINI, "--draws", "4", "--executor", "dask", "--out", str(tmp_path / "o"))
    _one_line_error(code, text, 2, r"mlf\[dask\]")


def _dask_left_running() -> list[str]:
    """What of a local Dask cluster is still alive in this process: worker processes, the
    background start of :class:`mlf._daskcluster.ClusterStart`, clusters not closed."""
    import multiprocessing
    import threading

    from distributed.deploy.spec import SpecCluster

    left = [p.name for p in multiprocessing.active_children() if "Dask" in p.name]
    left += [t.name for t in threading.enumerate() if t.name == "mlf-dask-cluster-start"]
    left += [repr(c) for c in list(SpecCluster._instances) if c.status.name != "closed"]
    return left


def test_dask_local_cluster_gives_the_process_files(swept: Path, tmp_path: Path) -> None:
    """``--executor dask`` with no scheduler: the local cluster started before the imports and
    the load (workers forked from the fork server) writes the same bytes as processes, and is
    closed afterwards."""
    runs = {}
    for ex in ("process", "dask"):
        out = tmp_path / ex
        code, text = _sweep(MINI, "--draws", "12", "--chunk-size", "4", "--seed", "5",
                            "--executor", ex, "--workers", "2", "--out", str(out))
        assert code == 0, text
        runs[ex] = out
    names = sorted(p.name for p in runs["process"].iterdir() if p.name != "manifest.json")
    assert names == sorted(p.name for p in runs["dask"].iterdir() if p.name != "manifest.json")
    assert len([n for n in names if n.startswith("chunk-")]) == 3
    for name in names:
        assert (runs["dask"] / name).read_bytes() == (runs["process"] / name).read_bytes(), name
        assert (runs["dask"] / name).read_bytes() == (swept / name).read_bytes(), name
    assert _dask_left_running() == []


@pytest.mark.parametrize(
    ("text", "code", "pattern"),
    [
        ("meta: [unclosed\n", 1, r"bad\.yaml"),  # a bad scenario file: after the start began
        (None, 2, "already holds a sweep"),  # a folder that holds a sweep: also after it
    ],
)
def test_dask_bad_input_leaves_no_cluster(
    swept: Path, tmp_path: Path, text: str | None, code: int, pattern: str
) -> None:
    """Bad input found after the local cluster's start began: one line, and the cluster (its
    start waited for, then closed) is not left running."""
    if text is None:
        args = [MINI, "--draws", "4", "--executor", "dask", "--out", str(swept)]
    else:
        bad = tmp_path / "bad.yaml"
        bad.write_text(text, encoding="utf-8")
        args = [str(bad), "--draws", "4", "--executor", "dask", "--out", str(tmp_path / "o")]
    got, out = _sweep(*args)
    assert got == code, out
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == 1 and re.search(pattern, lines[0]), out
    assert "Traceback" not in out
    assert _dask_left_running() == []


@pytest.mark.parametrize("case", ["missing", "holds a sweep"])
def test_dask_bad_input_leaves_no_process_behind(
    swept: Path, tmp_path: Path, case: str
) -> None:
    """The real console script, ``--executor dask``, under tests/_reaped.py (a subreaper that
    lists what the command leaves behind): bad input found before the cluster starts (a
    missing file: the fork server, started first, is stopped) or after (a folder that holds a
    sweep: the cluster is closed, then the server stopped) leaves no fork server, nanny or
    worker running."""
    import subprocess
    import sys

    here = Path(__file__).parent
    args = {
        "missing": [str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "o")],
        "holds a sweep": [MINI, "--out", str(swept)],
    }[case]
    out = tmp_path / "reaped.json"
    subprocess.run(
        [sys.executable, str(here / "_reaped.py"), str(out), str(Path(sys.executable).parent /
         "mlf"), "sweep", *args, "--draws", "4", "--executor", "dask"],
        check=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    res = json.loads(out.read_text(encoding="utf-8"))
    lines = str(res["stderr"]).strip().splitlines()
    assert res["code"] == (1 if case == "missing" else 2), res
    assert len(lines) == 1 and "Traceback" not in res["stderr"], res["stderr"]
    # a process without a command line has released its memory: it is exiting (a zombie, or
    # about to be one on a loaded machine); a process still at work has its command line
    left = res["left"]
    live = [p for p in left if p["cmdline"] and "resource_tracker" not in p["cmdline"]]
    assert live == [], left
