"""Every model side by side: ``mlf run --models``, the ensemble summary, its typed result and
its report section (issue 13, item 1)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mlf.bargaining import MODELS
from mlf.cli import app
from mlf.ensemble import all_models, parse_models, run_models
from mlf.errors import UsageError
from mlf.report import render_html, render_markdown
from mlf.results import ResultFile, result_document, validate_result
from mlf.scenario import load_scenario
from mlf.talks import run_scenario

runner = CliRunner()


# --------------------------------------------------------------------------- parsing --models


def test_all_puts_the_scenarios_model_first_then_the_registry_order() -> None:
    assert list(parse_models("all", "smp")) == ["smp", "compromise", "median", "nash", "bdm"]
    assert all_models("compromise") == list(MODELS)
    assert set(parse_models("all", "nash").values()) == {1.0}


def test_a_comma_list_keeps_its_order() -> None:
    assert list(parse_models(" nash , compromise", "compromise")) == ["nash", "compromise"]


def test_weights_are_read_only_where_allowed() -> None:
    assert parse_models("smp=2,nash=1,bdm", "compromise", weights=True) == {
        "smp": 2.0, "nash": 1.0, "bdm": 1.0,
    }  # fmt: skip
    with pytest.raises(UsageError, match="weights apply only to the sweep"):
        parse_models("smp=2", "compromise")


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("", "empty"),
        ("smp,,nash", "an empty item"),
        ("oracle", "unknown model 'oracle'"),
        ("smp,smp", "named twice"),
        ("all,smp", "'all' cannot be combined"),
        ("smp=0", "above 0"),
        ("smp=-1", "above 0"),
        ("smp=nan", "above 0"),
        ("smp=inf", "above 0"),
        ("smp=x", "not a number"),
    ],
)
def test_bad_model_lists_are_one_line_naming_the_flag(spec: str, reason: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_models(spec, "compromise", weights=True)
    msg = str(info.value)
    assert msg.startswith("--models: ") and reason in msg and "\n" not in msg


# --------------------------------------------------------------------------- the ensemble


@pytest.fixture(scope="module")
def ensemble_1963() -> dict[str, Any]:
    loaded = load_scenario("mlf-1963")
    doc = result_document(run_models(loaded, all_models(loaded.scenario.settings.model)))
    data: dict[str, Any] = json.loads(json.dumps(doc))
    return data


def test_one_result_with_a_run_per_model_validates(ensemble_1963: dict[str, Any]) -> None:
    doc = ensemble_1963
    typed = validate_result(doc, "ensemble")
    assert isinstance(typed, ResultFile) and typed.format_version == "mlf-result/2"
    models = [r["model"] for r in doc["runs"]]
    assert models == list(MODELS) and doc["manifest"]["models"] == models
    seed = load_scenario("mlf-1963").scenario.settings.seed
    assert doc["manifest"]["seeds"] == {m: seed for m in models}  # the scenario's, each
    # the top level is the primary model's run, unchanged
    assert doc["manifest"]["model"] == models[0]
    assert doc["runs"][0]["alternatives"] == doc["alternatives"]
    assert doc["runs"][0]["british_question"] == doc["british_question"]


@pytest.mark.parametrize("scenario", ["mlf-1963", "mlf-1964-12"])
def test_the_summary_counts_what_each_model_gives_when_run_alone(scenario: str) -> None:
    """The counts are recomputed from five independent one-model runs."""
    loaded = load_scenario(scenario)
    models = all_models(loaded.scenario.settings.model)
    ens = run_models(loaded, models, british=False, enumerate_equilibria=False).to_dict()
    summary = ens["ensemble"]["alternatives"]
    alone = {
        m: {
            a["id"]: a
            for a in run_scenario(
                loaded, model=m, british=False, enumerate_equilibria=False
            ).to_dict()["alternatives"]
        }
        for m in models
    }
    for aid, entry in summary.items():
        agreeing = [m for m in models if alone[m][aid]["status"] == "agreement"]
        assert entry["agreement"] == len(agreeing) and entry["agreeing"] == agreeing
        assert entry["status"] == {m: alone[m][aid]["status"] for m in models}
        invited = loaded.scenario.alternatives[aid].invited
        assert set(entry["membership"]) == set(invited)
        for nation in invited:
            want = sum(
                1 for m in agreeing if nation in alone[m][aid]["members"]
            )
            assert entry["membership"][nation] == want, (aid, nation)
        for iid, term in entry["terms"].items():
            for m, tv in term["values"].items():
                t = alone[m][aid]["agreed"][iid]
                assert tv["label"] == t["label"]
                assert tv["value"] == (t["agreed"] if t.get("agreed") is not None else t["value"])
            vals = [tv["value"] for tv in term["values"].values()]
            assert term["spread"] == pytest.approx(max(vals) - min(vals))


def test_the_british_question_is_answered_per_model(ensemble_1963: dict[str, Any]) -> None:
    bq = ensemble_1963["ensemble"]["british_question"]
    assert list(bq) == [r["model"] for r in ensemble_1963["runs"]]
    for run in ensemble_1963["runs"]:
        own = run["british_question"]
        assert bq[run["model"]]["summary"] == own["summary"]
        for aid, e in own["alternatives"].items():
            assert bq[run["model"]]["alternatives"][aid]["answer"] == e["answer"]


def test_a_repeated_model_is_refused() -> None:
    with pytest.raises(UsageError, match="named twice"):
        run_models(load_scenario("mlf-1963"), ["smp", "smp"])


# --------------------------------------------------------------------------- the CLI


def test_cli_models_all_writes_one_result_and_the_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", "mlf-1963", "--models", "all", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Every model side by side" in res.output and "5 of 5" in res.output
    doc = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert len(doc["runs"]) == 5 and doc["ensemble"]["models"] == doc["manifest"]["models"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="model-comparison"' in html and 'id="inputs"' in html


def test_cli_a_comma_list_runs_those_models_in_order(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", "mlf-1963", "--models", "smp,nash", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [r["model"] for r in doc["runs"]] == ["smp", "nash"]
    assert doc["manifest"]["model"] == "smp"


def test_cli_default_stays_one_model() -> None:
    res = runner.invoke(app, ["run", "mlf-1963", "--json", "--alternative", "mlf_surface"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert "runs" not in doc and "ensemble" not in doc
    assert doc["manifest"]["models"] == ["compromise"]
    assert doc["manifest"]["seeds"] == {"compromise": 1963}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--models", "oracle"], "--models: unknown model 'oracle'"),
        (["--models", "smp=2"], "weights apply only to the sweep"),
        (["--model", "smp", "--models", "all"], "--model and --models: give one"),
    ],
)
def test_cli_bad_models_are_one_line_exit_2(tmp_path: Path, args: list[str], needle: str) -> None:
    res = runner.invoke(app, ["run", "mlf-1963", *args, "--out", str(tmp_path / "o")])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in res.output
    assert not (tmp_path / "o").exists()  # refused before any work or folder


# --------------------------------------------------------------------------- the report


def test_report_shows_the_outcome_table_and_the_terms_per_model(
    ensemble_1963: dict[str, Any],
) -> None:
    html = render_html(ensemble_1963)
    section = html[html.index('id="model-comparison"') : html.index('<div id="alternatives">')]
    for m in MODELS:
        assert f'data-model="{m}"' in section
    counts = re.findall(r'class="agreement-count">(\d+) of (\d+) models', section)
    want = [
        (str(e["agreement"]), str(e["models"]))
        for e in ensemble_1963["ensemble"]["alternatives"].values()
    ]
    assert counts == want
    # one dot chart per alternative with settled terms, and its table
    with_terms = [e for e in ensemble_1963["ensemble"]["alternatives"].values() if e["terms"]]
    assert section.count('id="chart-models-terms-') == len(with_terms) > 0
    md = render_markdown(ensemble_1963)
    assert "## Every model side by side" in md and "| agreement in |" in md


def test_one_model_has_no_comparison_section() -> None:
    run = run_scenario(load_scenario("mlf-1963"), alternative="nato_national")
    html = render_html(result_document(run))
    assert 'id="model-comparison"' not in html and 'href="#model-comparison"' not in html


def test_a_static_model_shows_a_strip_and_a_dynamic_one_a_trajectory(
    ensemble_1963: dict[str, Any],
) -> None:
    def charts(model: str) -> list[dict[str, Any]]:
        run = next(r for r in ensemble_1963["runs"] if r["model"] == model)
        doc = {**ensemble_1963, "alternatives": run["alternatives"]}
        doc.pop("ensemble")
        html = render_html(doc)
        found = re.findall(r'<div id="(chart-alt-[^"]+)" class="chart" role="img" '
                           r'aria-label="([^"]+)"', html)
        return [{"id": i, "label": label} for i, label in found]

    for static in ("compromise", "median"):
        ch = [c for c in charts(static) if "-strip-" in c["id"] or "-traj-" in c["id"]]
        assert ch and all("-strip-" in c["id"] and "Strip chart" in c["label"] for c in ch)
    for dynamic in ("bdm", "smp"):
        ch = [c for c in charts(dynamic) if "-strip-" in c["id"] or "-traj-" in c["id"]]
        assert ch and all("-traj-" in c["id"] for c in ch)
