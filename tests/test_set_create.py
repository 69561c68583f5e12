"""``--set PATH=VALUE`` creating a missing intermediate mapping: only where the scenario schema
(:mod:`mlf.scenario`'s pydantic models) names that field as a mapping or a model; an id (an
actor, issue or alternative that is not there), a scalar field or a misspelt field stays the
one located line it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mlf.cli import app
from mlf.errors import UsageError
from mlf.overlay import MISSING, SetPathError, resolve_path
from mlf.scenario import ChangeErrors, apply_changes, load_scenario, set_creates

runner = CliRunner()
SMALL = Path(__file__).parent / "data" / "scenarios" / "small.yaml"
ANTICIPATE = "settings.ratification.anticipate=true"


@pytest.fixture(scope="module")
def small() -> Any:
    return load_scenario(str(SMALL))


@pytest.mark.parametrize(
    ("parent", "key", "creates"),
    [
        ((), "settings", True),  # a model
        (("settings",), "ratification", True),  # a model
        (("settings",), "model_params", True),  # a mapping
        (("actors", "FRG"), "outside_option", True),  # a mapping keyed by alternatives
        (("actors", "FRG"), "gdp", True),  # Quantity | None: a model
        (("actors", "FRG"), "stances", True),
        (("actors", "FRG", "stances"), "voice", True),  # Stance | None
        (("alternatives", "fleet", "settings"), "rule", True),  # dict | None
        (("issues", "scope", "options", 0), "settings", True),  # through a list of models
        (("actors",), "FRG", False),  # an id, never a field
        (("actors", "FRG", "positions"), "scope", False),  # an issue id
        (("settings", "model_params"), "smp", False),  # a model's name: a key, not a field
        (("settings",), "seed", False),  # a number
        (("settings",), "ratificaton", False),  # not a field
        (("actors", "FRG"), "name", False),  # a string
        (("nowhere",), "settings", False),  # the schema names nothing there
    ],
)
def test_the_schema_decides_what_may_be_created(
    parent: tuple[str | int, ...], key: str, creates: bool
) -> None:
    assert set_creates(parent, key) is creates


def test_without_the_schema_nothing_is_created() -> None:
    data = {"settings": {"seed": 1}}
    with pytest.raises(SetPathError, match=r"^settings has no 'ratification' \(it has: seed\)$"):
        resolve_path(data, "settings.ratification.anticipate")
    assert resolve_path(data, "settings.ratification.anticipate", creates=set_creates) == (
        "settings", "ratification", "anticipate"
    )  # fmt: skip
    assert data == {"settings": {"seed": 1}}  # resolving changes nothing


def test_anticipate_is_set_and_recorded(small: Any) -> None:
    assert "ratification" not in small.data["settings"]  # the file leaves it at its default
    changed = apply_changes(small, sets=[ANTICIPATE])
    assert changed.scenario.settings.ratification.anticipate is True
    assert changed.scenario.settings.ratification.renegotiate is True  # its default
    (req,) = changed.requests
    assert req.kind == "set" and req.text == ANTICIPATE
    (change,) = req.changes
    assert change.path == "settings.ratification"
    assert change.old is MISSING and change.new == {"anticipate": True}
    assert changed.sha256 != small.sha256


def test_a_set_equals_an_overlay_that_sets_the_same(small: Any, tmp_path: Path) -> None:
    overlay = tmp_path / "anticipate.yaml"
    overlay.write_text("settings:\n  ratification:\n    anticipate: true\n", encoding="utf-8")
    by_set = apply_changes(small, sets=[ANTICIPATE])
    by_overlay = apply_changes(small, overlays=[overlay])
    assert by_set.scenario == by_overlay.scenario
    assert by_set.sha256 == by_overlay.sha256
    assert by_set.requests[0].changes == by_overlay.requests[0].changes


def test_several_levels_are_created(small: Any) -> None:
    """An option's settings (a model) and its rule (a mapping), both absent, through a list."""
    changed = apply_changes(small, sets=["issues.scope.options.1.settings.rule.unanimity=members"])
    option = changed.scenario.issues["scope"].options[1]
    assert option.settings.rule == {"unanimity": "members"}
    assert small.scenario.issues["scope"].options[1].settings.rule is None
    assert "settings" not in small.data["issues"]["scope"]["options"][1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("actors.X.capability=1", "actors has no 'X' (it has: US, FRG, UK)"),
        ("actors.FRG.positions.scope.salience=0.5", "actors.FRG.positions has no 'scope'"),
        ("settings.ratificaton.anticipate=true", "settings has no 'ratificaton' (it has: "),
        ("settings.seed.x=1", "settings.seed is a value (7), it has no field 'x'"),
        (
            "settings.model_params.smp.max_turns=5",
            "settings.model_params is not in the scenario, and 'smp' is not a field of it "
            "that can be created (set it whole: settings.model_params={smp: ...})",
        ),
        (
            "actors.US.ratifiers.senate.reservation=0.5",
            "actors.US.ratifiers is not in the scenario, and 'senate' is not a field",
        ),
    ],
)
def test_anything_else_is_still_one_located_line(small: Any, text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        apply_changes(small, sets=[text])
    assert info.value.exit_code == 2
    line = str(info.value)
    assert "\n" not in line and line.startswith(f"--set {text}: {message}"), line


def test_a_created_mapping_is_still_validated(small: Any) -> None:
    with pytest.raises(ChangeErrors) as info:
        apply_changes(small, sets=["settings.ratification.anticipate=sometimes"])
    assert info.value.exit_code == 2
    (line,) = info.value.lines()
    assert line.startswith(
        "--set settings.ratification.anticipate=sometimes: settings.ratification.anticipate: "
    )


def test_run_with_the_set_matches_the_run_with_an_overlay(tmp_path: Path) -> None:
    overlay = tmp_path / "anticipate.yaml"
    overlay.write_text("settings:\n  ratification:\n    anticipate: true\n", encoding="utf-8")
    results = []
    for name, flags in (("set", ["--set", ANTICIPATE]), ("overlay", ["--overlay", str(overlay)])):
        out = tmp_path / name
        res = runner.invoke(app, ["run", str(SMALL), "--out", str(out), *flags])
        assert res.exit_code == 0, res.output
        results.append(json.loads((out / "result.json").read_text(encoding="utf-8")))
    by_set, by_overlay = results
    record = by_set["manifest"]["counterfactual"]
    assert record["requests"] == [
        {
            "kind": "set",
            "text": ANTICIPATE,
            "changes": [{"path": "settings.ratification", "new": {"anticipate": True}}],
        }
    ]
    assert by_overlay["manifest"]["counterfactual"]["requests"][0]["changes"] == (
        record["requests"][0]["changes"]
    )
    assert by_set["manifest"]["scenario_sha256"] == by_overlay["manifest"]["scenario_sha256"]
    for key in ("alternatives", "below_threshold", "british_question", "inputs"):
        assert by_set[key] == by_overlay[key], key


def test_forecast_takes_the_set(tmp_path: Path) -> None:
    res = runner.invoke(app, ["forecast", str(SMALL), "--set", ANTICIPATE, "--json"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["forecast", str(SMALL), "--set", "settings.ratificaton.x=1"])
    assert res.exit_code == 2
    assert "settings has no 'ratificaton'" in res.output
