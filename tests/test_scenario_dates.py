"""Dates and hindsight: undated sources, structural sources, notes naming later dates.

Issue 10, finding 9: `mlf check --strict` accepted a source with no date at all, and notes
could justify a number by what happened after the scenario's date without any warning.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlf.cli import app
from mlf.errors import ScenarioErrors
from mlf.scenario import builtin_ids, load_scenario, parse_scenario

SMALL = Path(__file__).parent / "data" / "scenarios" / "small.yaml"
BASE = SMALL.read_text(encoding="utf-8")
UNDATED = BASE.replace(
    "    - key: S1\n      title: A primary document\n      date: 1963-07\n",
    "    - key: S1\n      title: A primary document\n",
)
runner = CliRunner()


def test_undated_source_is_a_located_warning() -> None:
    assert UNDATED != BASE
    _, warnings = parse_scenario(UNDATED, "u.yaml")
    assert (
        "warning: u.yaml:7:12: meta.sources.0.date: source 'S1' has no date: cannot tell "
        "whether it is hindsight (a date is required with --strict)"
    ) in warnings


def test_strict_rejects_an_undated_source(tmp_path: Path) -> None:
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(UNDATED, "u.yaml", strict=True)
    assert any(
        line.startswith("u.yaml:7:12: meta.sources.0.date: source 'S1' has no date")
        for line in info.value.lines()
    )
    path = tmp_path / "u.yaml"
    path.write_text(UNDATED, encoding="utf-8")
    result = runner.invoke(app, ["check", "--strict", str(path)])
    assert result.exit_code == 1
    assert f"{path}:7:12: meta.sources.0.date: source 'S1' has no date" in result.stderr
    assert result.stdout == ""


def test_note_naming_a_later_date_warns_but_strict_keeps_it_a_warning() -> None:
    text = BASE.replace(
        "{key: S2, title: A later memoir, date: 1970, confidence: C}",
        "{key: S2, title: A later memoir, date: 1963, confidence: C}",
    ).replace(
        "      force_size: {position: 200, salience: 0.5, sources: [S1]}",
        "      force_size: {position: 200, salience: 0.5, sources: [S1],\n"
        "                   note: 'set so that the UK joins in Oct 1963 and 1965'}",
    )
    _, warnings = parse_scenario(text, "n.yaml")
    assert len(warnings) == 1
    assert "actors.US.positions.force_size.note: note mentions Oct 1963, 1965, after the " in (
        warnings[0]
    )
    _, strict_warnings = parse_scenario(text, "n.yaml", strict=True)
    assert strict_warnings == warnings


@pytest.mark.parametrize(
    ("note", "late"),
    [("stated in 1963", False), ("Jul 1963", False), ("16 Jul 1963", True),
     ("1963-08", True), ("Aug. 1963", True), ("in 1964", True), ("the 1960s", False)],
)
def test_note_dates_compare_their_earliest_day(note: str, late: bool) -> None:
    text = BASE.replace(
        "{key: S2, title: A later memoir, date: 1970, confidence: C}",
        "{key: S2, title: A later memoir, date: 1963, confidence: C}",
    ).replace(
        "      force_size: {position: 200, salience: 0.5, sources: [S1]}",
        f"      force_size: {{position: 200, salience: 0.5, sources: [S1], note: '{note}'}}",
    )
    _, warnings = parse_scenario(text, "n.yaml")
    assert bool(warnings) is late


def test_structural_source_cannot_back_a_position() -> None:
    text = BASE.replace(
        "    - key: S1\n      title: A primary document\n      date: 1963-07\n",
        "    - key: S1\n      title: A primary document\n      date: 1963-07\n"
        "      structural: true\n",
    )
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(text, "s.yaml", strict=True)
    assert any(
        "actors.US.positions.force_size.sources.0: source 'S1' is structural data" in line
        for line in info.value.lines()
    )


@pytest.mark.parametrize("sid", builtin_ids())
def test_builtins_date_every_source_and_have_no_warning(sid: str) -> None:
    loaded = load_scenario(sid, strict=True)
    assert loaded.warnings == ()
    assert all(s.date is not None for s in loaded.scenario.meta.sources)
