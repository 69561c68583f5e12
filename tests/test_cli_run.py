"""`mlf run` end to end on the built-ins: summary, result.json, report.html, reproducibility."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlf import __version__
from mlf.cli import app
from mlf.scenario import builtin_path, load_scenario

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
    # a full file's hash is its bytes'; an overlay's (mlf-1964-12 extends mlf-1964-06) is the
    # merged scenario's, as the loader records it
    loaded = load_scenario(scenario)
    assert man["scenario_sha256"] == loaded.sha256
    if "extends" not in builtin_path(scenario).read_text(encoding="utf-8"):
        assert loaded.sha256 == hashlib.sha256(builtin_path(scenario).read_bytes()).hexdigest()
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
    # Since the estimates follow coded stances (docs/scenarios/estimates.md), the surface
    # fleet of mlf-1963 finds only two members (US, FRG) under compromise; the Paragraph-6
    # forces still reach an agreement, so they carry this test of the CLI's one-alternative path.
    res = runner.invoke(app, ["run", "mlf-1963", "--alternative", "nato_national", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [a["id"] for a in data["alternatives"]] == ["nato_national"]
    alt = data["alternatives"][0]
    assert alt["status"] == "agreement"
    assert "USA" in alt["members"] and "FRA" not in alt["members"]
    assert alt["guardrails"]["fallback"]["ok"]


def test_model_flag_changes_the_model() -> None:
    res = runner.invoke(
        app, ["run", "mlf-1963", "--alternative", "nato_national", "--model", "median", "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["manifest"]["model"] == "median"
    assert data["alternatives"][0]["negotiation"]["model"] == "median"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["run", "mlf-1963", "--model", "oracle"], 2, "--model: unknown model 'oracle'"),
        (["run", "mlf-1963", "--alternative", "nope"], 2, "--alternative 'nope' is not in the"),
        (["forecast", "mlf-1963", "--model", "oracle"], 2, "--model: unknown model 'oracle'"),
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
    # mlf-1963 with the surface fleet's table filled (the built-in's estimates follow coded
    # stances and leave only the US and the FRG there; see docs/scenarios/results.md).
    from ruamel.yaml import YAML

    from mlf.scenario import builtin_path

    yaml = YAML(typ="safe")
    data = yaml.load(builtin_path("mlf-1963").read_text(encoding="utf-8"))
    for aid in ("ITA", "GBR", "BEL", "GRC", "TUR"):
        data["actors"][aid]["outside_option"]["mlf_surface"] = {"value": 0.0, "estimate": True}
    data["actors"]["FRA"]["positions"] = {
        "force_size": {"position": 0, "salience": {"value": 0.5, "estimate": True}}
    }
    variant = tmp_path / "variant.yaml"
    with variant.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", str(variant), "--model", "compromise", "--out", str(out)])
    assert res.exit_code == 0, res.output
    # (the table wraps the cells; each piece stays on one line)
    assert "stayed away from" in res.output
    assert re.search(r"the table: (?:[A-Z]{3}, )*FRA", res.output), res.output
    assert "percent (agreed" in res.output
