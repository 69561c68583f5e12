"""Pinned report output: the Markdown of the built-ins' reports, and the exact bytes of the
HTML and Markdown reports of the fixed results in tests/data.

The report's view reads the typed result (:mod:`mlf.results`); these pins make sure a change
to how it reads (or renders) the result changes no byte a reader sees, unless it is meant to.

- For `mlf-1963` and `mlf-1964-12`, run with the scenario's model and with `--models all`,
  the Markdown report is compared in full with tests/data/golden/report/*.md (Markdown prints
  numbers rounded for a reader, so the pin does not depend on the last bits of a float).
- For the fixed results tests/data/result-minimal.json, result-minimal-v1.json and
  result-sweep.json (nothing is computed), the HTML report is pinned by its SHA-256 and the
  Markdown in full. result-sweep.json is the result.json of a real sweep (its `sensitivity`
  and `fragile` blocks included) of tests/data/scenarios/small.yaml: `mlf sweep
  tests/data/scenarios/small.yaml --draws 30 --seed 4 --executor serial --models
  compromise=2,nash=1 --set actors.FRG.outside_option.fleet=1.0 --set
  alternatives.fleet.min_members=3` (agreement in about half the draws, so every part of the
  sensitivity section is drawn).

Like tests/test_golden.py it fails on any difference and never rewrites a file by itself;
accept a deliberate change with

    MLF_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -p no:xdist tests/test_report_golden.py

and read `git diff tests/data/golden/report/` (docs/golden.md).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlf.cli import app
from mlf.report import render_html, render_markdown

DATA = Path(__file__).parent / "data"
PINS = DATA / "golden" / "report"
UPDATE = os.environ.get("MLF_UPDATE_GOLDEN") == "1"
HOW = "MLF_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -p no:xdist tests/test_report_golden.py"
runner = CliRunner()


def _check_text(name: str, got: str) -> None:
    path = PINS / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: create it on purpose with {HOW}"
    want = path.read_text(encoding="utf-8")
    if want != got:
        diff = list(
            difflib.unified_diff(
                want.splitlines(), got.splitlines(), "pinned", "now", lineterm="", n=1
            )
        )
        shown = "\n".join(diff[:60]) + (f"\n... {len(diff) - 60} more" if len(diff) > 60 else "")
        pytest.fail(f"the report differs from {path}:\n{shown}\nIf intended: {HOW}")


@pytest.mark.parametrize(
    ("scenario", "models"),
    [("mlf-1963", None), ("mlf-1963", "all"), ("mlf-1964-12", None), ("mlf-1964-12", "all")],
)
def test_builtin_markdown_report_is_pinned(
    tmp_path: Path, scenario: str, models: str | None
) -> None:
    out = tmp_path / "run"
    args = ["run", scenario, "--out", str(out)] + (["--models", models] if models else [])
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    md = tmp_path / "report.md"
    res = runner.invoke(app, ["report", str(out), "--format", "md", "--out", str(md)])
    assert res.exit_code == 0, res.output
    _check_text(f"{scenario}{'-' + models if models else ''}.md", md.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fixture", ["result-minimal", "result-minimal-v1", "result-sweep"])
def test_fixture_reports_are_pinned_byte_for_byte(fixture: str) -> None:
    result = json.loads((DATA / f"{fixture}.json").read_text(encoding="utf-8"))
    _check_text(f"{fixture}.md", render_markdown(result))
    html = render_html(result).encode("utf-8")
    pins = PINS / "html-sha256.json"
    known = json.loads(pins.read_text(encoding="utf-8")) if pins.is_file() else {}
    got = hashlib.sha256(html).hexdigest()
    if UPDATE:
        known[fixture] = got
        pins.parent.mkdir(parents=True, exist_ok=True)
        pins.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert known.get(fixture) == got, (
        f"the HTML report of tests/data/{fixture}.json changed (SHA-256 {got}, pinned "
        f"{known.get(fixture)}). If intended: {HOW}"
    )
