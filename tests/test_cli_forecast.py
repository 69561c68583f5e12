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


def test_json_records_what_produced_it() -> None:
    """`mlf forecast --json` records version, scenario hash, model, parameters and seed."""
    from mlf import __version__
    from mlf.scenario import load_scenario

    res = runner.invoke(app, ["forecast", "mlf-1963", "--model", "nash", "--seed", "5", "--json"])
    assert res.exit_code == 0, res.output
    man = json.loads(res.stdout)["manifest"]
    assert man == {
        "mlf_version": __version__,
        "scenario_id": "mlf-1963",
        "scenario_sha256": load_scenario("mlf-1963").sha256,
        "scenario_path": None,
        "alternative": "mlf_surface",
        "model": "nash",
        "model_params": man["model_params"],
        "seed": 5,
    }
    assert "counterfactual" not in man


def test_json_records_every_change_as_mlf_run_does(tmp_path: Path) -> None:
    """--set and --overlay: the changed scenario's hash, the hash before, and every change
    with its old and new values, the same record `mlf run` writes into result.json."""
    over = tmp_path / "gbr.yaml"
    over.write_text("actors:\n  GBR:\n    outside_option:\n      mlf_surface: 0.2\n", "utf-8")
    changes = ["--overlay", str(over), "--set", "actors.ITA.outside_option.mlf_surface=0.1"]
    res = runner.invoke(app, ["forecast", "mlf-1963", "--model", "compromise", "--json", *changes])
    assert res.exit_code == 0, res.output
    man = json.loads(res.stdout)["manifest"]
    cf = man["counterfactual"]
    assert [(r["kind"], r["text"]) for r in cf["requests"]] == [
        ("overlay", str(over)),
        ("set", "actors.ITA.outside_option.mlf_surface=0.1"),
    ]
    assert [c["path"] for r in cf["requests"] for c in r["changes"]] == [
        "actors.GBR.outside_option.mlf_surface",
        "actors.ITA.outside_option.mlf_surface",
    ]
    assert cf["requests"][1]["changes"][0]["new"] == 0.1
    run = runner.invoke(
        app, ["run", "mlf-1963", "--alternative", "mlf_surface", "--model", "compromise",
              "--json", *changes],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    run_man = json.loads(run.stdout)["manifest"]
    assert man["scenario_sha256"] == run_man["scenario_sha256"] != cf["base_sha256"]
    assert cf == run_man["counterfactual"]
    # and the forecast follows the changed scenario, not the built-in
    plain = runner.invoke(app, ["forecast", "mlf-1963", "--model", "compromise", "--json"])
    assert json.loads(plain.stdout)["manifest"]["scenario_sha256"] == cf["base_sha256"]


def test_ktab_json_records_the_file_and_its_hash() -> None:
    import hashlib

    res = runner.invoke(app, ["forecast", str(KTAB_CSV), "--seed", "2", "--json"])
    assert res.exit_code == 0, res.output
    man = json.loads(res.stdout)["manifest"]
    assert man["input_path"] == str(KTAB_CSV)
    assert man["input_sha256"] == hashlib.sha256(KTAB_CSV.read_bytes()).hexdigest()
    assert (man["model"], man["seed"]) == ("smp", 2)
