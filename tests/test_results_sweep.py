"""The typed sweep block (``sensitivity`` of result.json, and summary.json): a real sweep's
result fits :class:`mlf.results.SweepSummary`; a misshapen block is refused in one line naming
the field (by the reader, by the report, by ``mlf report`` on a sweep folder, and by the
writer); results of the current format written before the newest fields, and ``mlf-result/1``
results of a sweep, still read; ``mlf schema --result`` includes the block."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mlf.cli import app
from mlf.report import ReportError, load_result, render_html, render_markdown
from mlf.results import (
    ResultFile,
    ResultFileV1,
    ResultFormatError,
    SweepSummary,
    SweepSummaryV1,
    result_json_schema,
    summary_document,
    validate_result,
    validate_sweep_summary,
)

DATA = Path(__file__).parent / "data"
SWEEP = DATA / "result-sweep.json"
MINIMAL_V1 = DATA / "result-minimal-v1.json"
runner = CliRunner()


def _sweep() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SWEEP.read_text(encoding="utf-8"))
    return data


def test_a_real_sweep_result_is_typed() -> None:
    doc = validate_result(_sweep(), str(SWEEP))
    assert isinstance(doc, ResultFile)
    sens = doc.sensitivity
    assert isinstance(sens, SweepSummary)
    assert sens.draws == 30 and sens.complete and sens.sampling == "random"
    fleet = sens.alternatives["fleet"]
    assert fleet.p_agreement is not None and 0 < fleet.p_agreement < 1
    assert fleet.p_agreement_ci is not None and len(fleet.p_agreement_ci) == 2
    assert fleet.tornado and all(isinstance(t.effect, float) for t in fleet.tornado)
    assert sens.by_model is not None and set(sens.by_model) == {"compromise", "nash"}
    assert sum(part.draws for part in sens.by_model.values()) == sens.draws
    assert sens.varied_inputs == len(sens.inputs) == sum(sens.varied_by_origin.values())


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(block: dict[str, Any]) -> None:
        node: Any = block
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return edit


def _drop(path: tuple[str | int, ...]) -> Callable[[dict[str, Any]], None]:
    def edit(block: dict[str, Any]) -> None:
        node: Any = block
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]

    return edit


def _rename(parent: tuple[str | int, ...], old: str, new: str) -> Callable[[dict[str, Any]], None]:
    def edit(block: dict[str, Any]) -> None:
        node: Any = block
        for part in parent:
            node = node[part]
        node[new] = node.pop(old)

    return edit


MISSHAPEN = [
    (_drop(("draws",)), "draws: missing"),
    (_drop(("alternatives", "fleet", "tornado")), "alternatives.fleet.tornado: missing"),
    (
        _rename(("alternatives", "fleet"), "p_agreement", "p_agreemnt"),
        "alternatives.fleet.p_agreemnt: unknown field",
    ),
    (
        _set(("alternatives", "fleet", "p_agreement"), "0.5"),
        "alternatives.fleet.p_agreement: Input should be a valid number",
    ),
    (
        _set(("alternatives", "fleet", "p_agreement_ci"), [0.1, 0.2, 0.3]),
        "alternatives.fleet.p_agreement_ci: List should have at most 2 items",
    ),
    (
        _set(("alternatives", "fleet", "histograms", "force_size", "counts"), [1, 2]),
        "alternatives.fleet.histograms.force_size: Value error, 21 edges for 2 counts",
    ),
    (
        _set(("alternatives", "fleet", "power", "US", "n"), 2.5),
        "alternatives.fleet.power.US.n: Input should be a valid integer",
    ),
    (
        _set(("alternatives", "fleet", "tornado", 0, "effect"), None),
        "alternatives.fleet.tornado[0].effect: Input should be a valid number",
    ),
    (_set(("inputs", 0, "origin"), "guess"), "inputs[0].origin: Input should be 'range' or"),
    (_set(("sampling", ), "sobol"), "sampling: Input should be 'random' or 'lhs'"),
    (_set(("warnings",), "few draws"), "warnings: Input should be a valid list"),
    (
        _set(("by_model", "nash", "draws"), "9"),
        "by_model.nash.draws: Input should be a valid integer",
    ),
    (
        _drop(("by_model", "nash", "alternatives", "fleet", "p_join")),
        "by_model.nash.alternatives.fleet.p_join: missing",
    ),
]


@pytest.mark.parametrize(("edit", "message"), MISSHAPEN)
def test_a_misshapen_sweep_block_is_one_line_naming_the_field(
    edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    data = _sweep()
    edit(data["sensitivity"])
    with pytest.raises(ResultFormatError) as err:
        validate_result(data, "r.json")
    line = str(err.value)
    assert "\n" not in line
    assert line.startswith(f"r.json: sensitivity.{message}"), line
    # the report refuses it the same way, before rendering a byte
    with pytest.raises(ReportError) as rep:
        render_markdown(data)
    assert str(rep.value).startswith(f"result: sensitivity.{message}")
    # the summary on its own (summary.json), and the writer
    with pytest.raises(ResultFormatError) as alone:
        validate_sweep_summary(data["sensitivity"], "s.json")
    assert str(alone.value).startswith(f"s.json: {message}")
    with pytest.raises(ResultFormatError, match=r"^summary\.json \(as written\): "):
        summary_document(data["sensitivity"])


def test_a_histogram_needs_one_more_edge_than_counts() -> None:
    data = _sweep()
    hist = data["sensitivity"]["alternatives"]["fleet"]["histograms"]["force_size"]
    hist["counts"] = hist["counts"][:-1]
    with pytest.raises(ResultFormatError) as err:
        validate_result(data, "r.json")
    assert "edges must be one more than counts" in str(err.value)


def _folder(tmp_path: Path, summary: Any) -> Path:
    folder = tmp_path / "sweep"
    folder.mkdir(parents=True)
    data = _sweep()
    (folder / "result.json").write_text(json.dumps(data), encoding="utf-8")
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder


def test_mlf_report_refuses_a_misshapen_summary_json_in_one_line(tmp_path: Path) -> None:
    summary = copy.deepcopy(_sweep()["sensitivity"])
    summary["alternatives"]["fleet"]["p_join"]["FRG"] = "often"
    folder = _folder(tmp_path, summary)
    res = runner.invoke(app, ["report", str(folder), "--format", "md"])
    assert res.exit_code == 1, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, res.output
    assert f"{folder / 'summary.json'}: alternatives.fleet.p_join.FRG: " in lines[0]
    assert "Traceback" not in res.output
    assert not (folder / "report.md").exists()
    with pytest.raises(ReportError, match=r"summary\.json: is not a sweep summary"):
        load_result(_folder(tmp_path / "list", [1, 2]))


def test_a_sweep_folder_merges_its_typed_summary(tmp_path: Path) -> None:
    summary = copy.deepcopy(_sweep()["sensitivity"])
    summary["draws"] = 31  # distinguishable from the result's own block
    summary["complete"] = False
    merged = load_result(_folder(tmp_path, summary))
    assert merged["sensitivity"]["draws"] == 31
    assert "## Sensitivity (31 draws)" in render_markdown(merged)


def test_a_result_of_the_current_format_from_before_ratification_still_reads() -> None:
    """Sweeps of mlf-result/2 written before ratification was modelled have no p_signed,
    p_ratified, p_ratified_interval or p_signed_ci; their report shows dashes there."""
    data = _sweep()
    sens = data["sensitivity"]
    parts = [sens["alternatives"], *(m["alternatives"] for m in sens["by_model"].values())]
    for alts in parts:
        for a in alts.values():
            for key in ("p_signed", "p_ratified", "p_ratified_interval", "p_signed_ci"):
                del a[key]
    for x in sens["inputs"]:
        x.pop("stream", None)
    doc = validate_result(data, "old.json")
    assert isinstance(doc, ResultFile) and doc.sensitivity is not None
    assert doc.sensitivity.alternatives["fleet"].p_signed is None
    md = render_markdown(data).splitlines()
    section = md[md.index("## Sensitivity (30 draws)") :]
    row = next(line for line in section if line.startswith("| A mixed-manned"))
    assert "| – | – (–) |" in row


def test_a_version_1_result_of_a_sweep_still_reads() -> None:
    """A sweep of mlf-result/1 (before default ranges and intervals) wrote no intervals, no
    warnings, no list of what it left fixed, and no origin or provenance per input."""
    sens = copy.deepcopy(_sweep()["sensitivity"])
    for key in ("not_varied", "interval", "varied_inputs", "varied_by_origin", "warnings",
                "models", "by_model"):
        del sens[key]
    for a in sens["alternatives"].values():
        for key in ("p_agreement_ci", "p_considered_ci", "p_join_ci", "p_signed", "p_ratified",
                    "p_ratified_interval", "p_signed_ci"):
            del a[key]
    for x in sens["inputs"]:
        for key in ("origin", "confidence", "sources"):
            del x[key]
    data = json.loads(MINIMAL_V1.read_text(encoding="utf-8"))
    data["sensitivity"] = sens
    doc = validate_result(data, "v1.json")
    assert isinstance(doc, ResultFileV1) and isinstance(doc.sensitivity, SweepSummaryV1)
    assert all(x.origin == "range" for x in doc.sensitivity.inputs)
    html = render_html(data)
    assert 'id="sensitivity"' in html
    # the same block is not a sweep of the current format: it lacks what /2 always writes
    with pytest.raises(ResultFormatError, match=r"^s\.json: \S+: missing$"):
        validate_sweep_summary(sens, "s.json")


def test_the_result_schema_types_the_sweep_block() -> None:
    schema = result_json_schema()
    defs = schema["$defs"]
    ref = json.dumps(schema["properties"]["sensitivity"])
    assert "#/$defs/SweepSummary" in ref
    summary = defs["SweepSummary"]
    assert summary["additionalProperties"] is False
    assert {"draws", "inputs", "alternatives", "interval", "warnings"} <= set(summary["required"])
    alt = defs["SweepAlternative"]
    assert alt["additionalProperties"] is False and "p_agreement" in alt["required"]
    res = runner.invoke(app, ["schema", "--result"])
    assert res.exit_code == 0
    assert json.loads(res.output)["$defs"]["SweepSummary"] == summary
