"""The typed result (mlf.results): every built-in under every model fits the models; the report
refuses a result of an unknown or missing format version, or with a misspelt or missing field,
in one line naming the file and the field; `mlf schema --result` prints the JSON Schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mlf.bargaining import MODELS
from mlf.cli import app
from mlf.results import (
    FORMAT_VERSION,
    ResultFile,
    ResultFileV1,
    ResultFormatError,
    result_document,
    result_json_schema,
    validate_result,
)
from mlf.scenario import load_scenario
from mlf.talks import run_scenario

runner = CliRunner()
MINIMAL = Path(__file__).parent / "data" / "result-minimal.json"


def _minimal() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MINIMAL.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("scenario", ["mlf-1963", "mlf-1964-12"])
def test_each_builtin_under_each_model_validates(scenario: str, model: str) -> None:
    doc = result_document(run_scenario(load_scenario(scenario), model=model))
    assert next(iter(doc)) == "format_version" and doc["format_version"] == FORMAT_VERSION
    typed = validate_result(json.loads(json.dumps(doc)), scenario)
    assert typed.manifest.model == model
    assert {a.status for a in typed.alternatives} <= {
        "agreement", "no agreement", "cycle", "not analysed", "does not count"
    }  # fmt: skip


def test_the_minimal_fixture_is_of_the_current_version() -> None:
    assert isinstance(validate_result(_minimal(), str(MINIMAL)), ResultFile)


MINIMAL_V1 = Path(__file__).parent / "data" / "result-minimal-v1.json"


def test_a_version_1_result_still_reads_and_renders(tmp_path: Path) -> None:
    data = json.loads(MINIMAL_V1.read_text(encoding="utf-8"))
    assert data["format_version"] == "mlf-result/1"
    assert isinstance(validate_result(data, "v1.json"), ResultFileV1)
    code, out = _report(tmp_path, data)
    assert code == 0, out
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="inputs"' in html and "records no inputs" in html


def test_version_1_does_not_accept_version_2_fields() -> None:
    data = json.loads(MINIMAL_V1.read_text(encoding="utf-8"))
    data["inputs"] = []
    with pytest.raises(ResultFormatError, match=r"^v1\.json: inputs: unknown field"):
        validate_result(data, "v1.json")


def _report(tmp_path: Path, data: dict[str, Any]) -> tuple[int, str]:
    f = tmp_path / "result.json"
    f.write_text(json.dumps(data), encoding="utf-8")
    res = runner.invoke(app, ["report", str(f), "--out", str(tmp_path / "r.html")])
    assert not (tmp_path / "r.html").exists() or res.exit_code == 0
    return res.exit_code, res.output


def _one_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


@pytest.mark.parametrize("version", ["mlf-result/0", "mlf-result/3", 1, None])
def test_report_refuses_an_unknown_version_in_one_line(tmp_path: Path, version: Any) -> None:
    data = _minimal()
    data["format_version"] = version
    code, out = _report(tmp_path, data)
    assert code == 1
    line = _one_line(out)
    assert str(tmp_path / "result.json") in line and "format_version" in line


def test_report_refuses_a_result_without_a_version(tmp_path: Path) -> None:
    data = _minimal()
    del data["format_version"]
    code, out = _report(tmp_path, data)
    assert code == 1
    line = _one_line(out)
    assert "result.json: format_version: missing" in line


def test_report_refuses_a_misspelt_key_naming_it(tmp_path: Path) -> None:
    data = _minimal()
    alt = data["alternatives"][0]
    alt["fixed_piont"] = alt.pop("fixed_point")
    code, out = _report(tmp_path, data)
    assert code == 1
    line = _one_line(out)
    assert "alternatives[0].fixed_piont: unknown field" in line, line


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("alternatives", 0, "status"), "agreed", "alternatives[0].status"),
        (("alternatives", 0, "support"), "0.62", "alternatives[0].support"),
        (("manifest", "seed"), 7.5, "manifest.seed"),
        (("alternatives", 0, "agreed", "size", "valu"), 1.0, "alternatives[0].agreed.size.valu"),
    ],
)
def test_wrong_types_and_values_are_named(path: tuple[Any, ...], value: Any, field: str) -> None:
    data = _minimal()
    node: Any = data
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    with pytest.raises(ResultFormatError) as info:
        validate_result(data, "r.json")
    msg = str(info.value)
    assert msg.startswith(f"r.json: {field}:") and "\n" not in msg, msg


def test_a_missing_field_is_named() -> None:
    data = _minimal()
    del data["alternatives"][1]["participation"]["dynamics"]["steps"]
    with pytest.raises(ResultFormatError, match=r"alternatives\[1\]\.participation\.dynamics\."
                       r"steps: missing"):  # fmt: skip
        validate_result(data, "r.json")


def test_written_result_is_unchanged_by_validation() -> None:
    run = run_scenario(load_scenario("mlf-1963"), alternative="mlf_surface")
    doc = result_document(run)
    assert doc == {"format_version": FORMAT_VERSION, **run.to_dict()}
    again = copy.deepcopy(doc)
    validate_result(again)
    assert again == doc


def test_cli_schema_result_prints_the_json_schema() -> None:
    res = runner.invoke(app, ["schema", "--result"])
    assert res.exit_code == 0, res.output
    schema = json.loads(res.output)
    assert schema == json.loads(json.dumps(result_json_schema()))
    assert schema["properties"]["format_version"]["const"] == FORMAT_VERSION
    assert schema["additionalProperties"] is False
    assert "Alternative" in schema["$defs"]
    # the scenario schema is still the default
    plain = json.loads(runner.invoke(app, ["schema"]).output)
    assert "format_version" not in plain.get("properties", {})
