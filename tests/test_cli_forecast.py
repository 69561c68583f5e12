"""Tests of ``mlf forecast`` (typer CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlf.cli import app

runner = CliRunner()
# KTAB's example input (MIT, KAPSARC; see tests/data/ktab/LICENSE).
KTAB_CSV = Path(__file__).parent / "data" / "ktab" / "dummyData_3Dim.csv"


def test_scenario_json_has_the_documented_shape():
    res = runner.invoke(app, ["forecast", "mlf-1963", "--model", "bdm", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["model"] == "bdm"
    assert doc["issues"]
    for entry in doc["issues"].values():
        assert set(entry) == {"forecast", "rounds", "actors", "converged"}
        assert len(entry["rounds"]) == 11
        assert all(len(r) == len(entry["actors"]) for r in entry["rounds"])
        lo = min(entry["rounds"][0])
        hi = max(entry["rounds"][0])
        assert lo <= entry["forecast"] <= hi


def test_scenario_table_and_issue_filter():
    res = runner.invoke(app, ["forecast", "mlf-1963", "--issue", "force_size", "--model", "median"])
    assert res.exit_code == 0, res.output
    assert "force_size" in res.stdout and "forecast" in res.stdout
    assert "firing_rule" not in res.stdout


def test_same_seed_same_output():
    args = ["forecast", "mlf-1963", "--model", "compromise", "--seed", "3", "--json"]
    assert runner.invoke(app, args).stdout == runner.invoke(app, args).stdout


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["forecast", "mlf-1963", "--model", "nope"], "--model"),
        (["forecast", "mlf-1963", "--issue", "nope"], "--issue"),
        (["forecast", "mlf-1963", "--alternative", "nope"], "--alternative"),
        (["forecast", "mlf-1963", "--seed", "-1"], "--seed"),
        (["forecast", "no-such-scenario"], "no such file"),
    ],
)
def test_bad_input_is_one_line_with_exit_code(args, text):
    res = runner.invoke(app, args)
    assert res.exit_code in (1, 2)
    assert text in res.output
    assert "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_ktab_csv_defaults_to_smp():
    res = runner.invoke(app, ["forecast", str(KTAB_CSV), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["model"] == "smp"
    assert list(doc["issues"]) == ["Pstn1", "Pstn2", "Pstn3"]
    res = runner.invoke(app, ["forecast", str(KTAB_CSV), "--alternative", "x"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["forecast", str(KTAB_CSV), "--model", "compromise",
                              "--issue", "Pstn2", "--json"])  # fmt: skip
    doc = json.loads(res.stdout)
    assert list(doc["issues"]) == ["Pstn2"]
    # the power x salience weighted mean of dummyData_3Dim on dimension 2 is 47.60
    # (docs/reference/negotiation.md)
    assert round(doc["issues"]["Pstn2"]["forecast"], 2) == 47.60


def test_scenario_forecast_is_among_those_at_the_table_only() -> None:
    # As in `mlf run`: observers (the Soviet Union) never bargain, and France, which wants
    # no force, stays away from the MLF table.
    res = runner.invoke(app, ["forecast", "mlf-1963", "--model", "compromise", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    actors = doc["issues"]["force_size"]["actors"]
    assert "SUN" not in actors and "FRA" not in actors
    assert {"USA", "FRG"} <= set(actors)
