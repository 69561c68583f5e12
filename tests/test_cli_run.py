"""`mlf run` end to end on the built-ins: summary, result.json, report.html, reproducibility."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlf import __version__
from mlf.cli import app
from mlf.scenario import builtin_path

runner = CliRunner()


@pytest.mark.parametrize("scenario", ["mlf-1963", "mlf-1964-12"])
def test_run_writes_result_and_report(scenario: str, tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", scenario, "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    data = json.loads((tmp_path / "result.json").read_text())
    man = data["manifest"]
    assert man["mlf_version"] == __version__
    assert man["scenario_id"] == scenario
    assert man["scenario_sha256"] == hashlib.sha256(builtin_path(scenario).read_bytes()).hexdigest()
    assert man["seed"] == 1963 and man["model"] == "compromise"
    ids = [a["id"] for a in data["alternatives"]] + [b["id"] for b in data["below_threshold"]]
    assert sorted(ids) == sorted(_alternatives(scenario))
    assert data["british_question"]["actor"] == "GBR"
    html = (tmp_path / "report.html").read_text()
    assert man["scenario_sha256"] in html
    for alt in data["alternatives"]:
        assert alt["title"].replace("'", "&#39;") in html or alt["title"] in html


def _alternatives(scenario: str) -> list[str]:
    from mlf.scenario import load_scenario

    return list(load_scenario(scenario).scenario.alternatives)


def test_same_seed_gives_byte_identical_result(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        res = runner.invoke(app, ["run", "mlf-1963", "--seed", "7", "--out", str(out)])
        assert res.exit_code == 0, res.output
    assert (a / "result.json").read_bytes() == (b / "result.json").read_bytes()
    assert json.loads((a / "result.json").read_text())["manifest"]["seed"] == 7


def test_json_to_stdout_and_one_alternative() -> None:
    res = runner.invoke(app, ["run", "mlf-1963", "--alternative", "mlf_surface", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [a["id"] for a in data["alternatives"]] == ["mlf_surface"]
    surface = data["alternatives"][0]
    assert surface["status"] == "agreement"
    assert "USA" in surface["members"] and "FRA" not in surface["members"]
    assert surface["guardrails"]["fallback"]["ok"]


def test_model_flag_changes_the_model() -> None:
    res = runner.invoke(
        app, ["run", "mlf-1963", "--alternative", "mlf_surface", "--model", "median", "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["manifest"]["model"] == "median"
    assert data["alternatives"][0]["negotiation"]["model"] == "median"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["run", "mlf-1963", "--model", "oracle"], 1, "unknown model 'oracle'"),
        (["run", "mlf-1963", "--alternative", "nope"], 1, "unknown alternative 'nope'"),
        (["run", "no-such-scenario"], 1, "no-such-scenario: no such file"),
        (["run", "mlf-1963", "--seed", "-3"], 2, "--seed must be a non-negative integer"),
    ],
)
def test_bad_input_is_one_line(args: list[str], code: int, message: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == code
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and message in lines[0], res.stderr
    assert "Traceback" not in res.output


def test_run_summary_names_who_stayed_away_and_the_paid_share(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", "mlf-1963", "--model", "bdm", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    # (the table wraps the cells; each piece stays on one line)
    assert "stayed away from" in res.output and "the table: FRA" in res.output
    assert "percent (agreed" in res.output
