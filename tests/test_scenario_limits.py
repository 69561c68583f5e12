"""Numbers and sizes in scenarios are bounded at parse time, each a located line; what
``run`` cannot analyse is skipped with the reason (issue 11)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlf.cli import app
from mlf.scenario import (
    MAX_ACTORS,
    MAX_ALTERNATIVES,
    MAX_INVITED,
    MAX_ISSUES,
    MAX_OPTIONS,
    ScenarioErrors,
    number_problem,
    parse_scenario,
)

TOY = (Path(__file__).parent / "data" / "toy-talks.yaml").read_text(encoding="utf-8")
runner = CliRunner()


def _errors(text: str) -> list[str]:
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(text, "s.yaml")
    return info.value.lines()


def test_number_problem() -> None:
    assert number_problem("0.1") is None and number_problem("12345678901234567") is None
    assert number_problem("1e15") is None and number_problem("1_000") is None
    assert number_problem("0.000000000000000000001") is None  # leading zeros do not count
    assert "18 significant digits" in str(number_problem("0.123456789012345678"))
    assert "written with 5000 characters" in str(number_problem("1" * 5000))


@pytest.mark.parametrize("command", ["check", "show", "run"])
@pytest.mark.parametrize("literal", ["1" * 5000, "0." + "1" * 5000, "1" + "0" * 5000])
def test_a_5000_digit_number_is_one_located_line(
    tmp_path: Path, command: str, literal: str
) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(TOY.replace("capability: 0.5", f"capability: {literal}"), encoding="utf-8")
    res = runner.invoke(app, [command, str(f)])
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{f}:40:17: a number written with ")
    assert "(mlf.scenario.MAX_NUMBER_CHARS)" in lines[0]


def test_more_digits_than_a_float_holds() -> None:
    text = TOY.replace("capability: 0.5", "capability: 0.333333333333333333")
    assert _errors(text) == [
        "s.yaml:40:17: 0.333333333333333333 has 18 significant digits: more than a float "
        "holds (17, mlf.scenario.MAX_NUMBER_DIGITS)"
    ]
    parse_scenario(TOY.replace("capability: 0.5", "capability: 0.33333333333333333"), "s.yaml")


def test_magnitude_and_non_finite_numbers_are_refused_with_the_field() -> None:
    text = TOY.replace("capability: 0.5", "capability: 1e308")
    text = text.replace("capability: 0.25", "capability: 1e308")
    assert _errors(text) == [
        "s.yaml:40:17: actors.A.capability.value: 1e+308 is beyond the limit of 1e+15 in "
        "absolute value (mlf.scenario.MAX_MAGNITUDE)",
        "s.yaml:54:17: actors.B.capability.value: 1e+308 is beyond the limit of 1e+15 in "
        "absolute value (mlf.scenario.MAX_MAGNITUDE)",
    ]
    assert _errors(TOY.replace("gdp: 600", "gdp: 1.5e15")) == [
        "s.yaml:41:10: actors.A.gdp.value: 1.5e+15 is beyond the limit of 1e+15 in absolute "
        "value (mlf.scenario.MAX_MAGNITUDE)"
    ]
    parse_scenario(TOY.replace("gdp: 600", "gdp: 1e15"), "s.yaml")
    (line,) = _errors(TOY.replace("gdp: 600", "gdp: .inf"))
    assert line.startswith("s.yaml:41:10: actors.A.gdp") and "finite" in line
    (line,) = _errors(TOY.replace("seed: 7", "seed: 10000000000000000"))
    assert line.startswith("s.yaml:10:9: settings.seed: 1e+16 is beyond the limit")


def _actor(i: int) -> str:
    return (
        f"  X{i}:\n    name: X{i}\n    european: true\n    capability: 1\n"
        f"    positions: {{size: {{position: 50, salience: 0.5}}}}\n"
    )


def test_size_limits_are_located_errors() -> None:
    many = TOY.replace("actors:\n", "actors:\n" + "".join(_actor(i) for i in range(MAX_ACTORS)))
    t0 = time.perf_counter()
    assert _errors(many) == [
        f"s.yaml:35:1: actors: {MAX_ACTORS + 4} actors: above the limit of {MAX_ACTORS} "
        "(mlf.scenario.MAX_ACTORS)"
    ]
    assert time.perf_counter() - t0 < 20
    issues = "".join(
        f"  q{i}:\n    title: Q{i}\n    scale: {{lo: 0, hi: 1}}\n    status_quo: 0\n"
        for i in range(MAX_ISSUES)
    )
    (line,) = _errors(TOY.replace("issues:\n", "issues:\n" + issues))
    assert line.endswith(f"issues: {MAX_ISSUES + 3} issues: above the limit of {MAX_ISSUES} "
                         "(mlf.scenario.MAX_ISSUES)")  # fmt: skip
    opts = "".join(f"      - {{id: o{i}, label: O{i}}}\n" for i in range(MAX_OPTIONS))
    (line,) = _errors(TOY.replace("      - {id: broad, label: Broadened}\n",
                                  "      - {id: broad, label: Broadened}\n" + opts))  # fmt: skip
    assert line.startswith("s.yaml:32:5: issues.scope.options: ")
    assert f"{MAX_OPTIONS + 2} options: above the limit of {MAX_OPTIONS}" in line
    inv = ", ".join(["A"] * (MAX_INVITED + 1))
    (line,) = _errors(TOY.replace("invited: [A, B, C, D]", f"invited: [{inv}]"))
    assert line.startswith("s.yaml:") and "alternatives.force.invited: " in line
    assert f"{MAX_INVITED + 1} invited: above the limit of {MAX_INVITED}" in line
    alts = "".join(
        f"  z{i}:\n    title: Z{i}\n    invited: [B, C, D]\n    open: [size]\n"
        for i in range(MAX_ALTERNATIVES)
    )
    (line,) = _errors(TOY + alts)
    assert f"alternatives: {MAX_ALTERNATIVES + 2} alternatives: above the limit" in line


def _invited(n: int) -> str:
    """Toy talks plus an alternative of ``n`` nations under a veto-and-bloc rule (not a
    plain weighted vote: exact power indices enumerate 2^n coalitions, up to n = 25)."""
    actors = "".join(
        f"  N{i}:\n    name: N{i}\n    european: true\n    capability: 0.1\n"
        f"    contribution: 1\n    gdp: 10\n    defence_budget: 1\n"
        f"    positions: {{size: {{position: {40 + i}, salience: 0.5}}}}\n"
        f"    support: {{big: 0.9}}\n    outside_option: {{big: 0.1}}\n"
        for i in range(n - 1)
    )
    names = ", ".join(["A", *(f"N{i}" for i in range(n - 1))])
    alt = (
        f"  big:\n    title: Everybody\n    invited: [{names}]\n    open: [size]\n"
        "    settings:\n      capital_per_unit: 0.01\n      term_years: 10\n"
        "      split: equal\n      rule: {all: [{veto: [A]}, {bloc: {members: european, "
        "rule: {majority: '1/2+'}}}]}\n"
    )
    return TOY.replace("actors:\n", "actors:\n" + actors) + alt


def test_run_skips_what_it_cannot_analyse_and_runs_the_rest(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(_invited(26), encoding="utf-8")
    assert runner.invoke(app, ["check", str(f)]).exit_code == 0
    res = runner.invoke(app, ["run", str(f), "--json"])
    assert res.exit_code == 0, res.output
    import json

    alts = {a["id"]: a for a in json.loads(res.stdout)["alternatives"]}
    assert alts["big"]["status"] == "not analysed"
    assert alts["big"]["detail"].startswith(
        "its control rule cannot be analysed exactly: 26 players are too many"
    )
    assert "samples" not in alts["big"]["detail"]
    assert alts["force"]["status"] != "not analysed"  # the others still run
    res = runner.invoke(app, ["run", str(f)])
    assert res.exit_code == 0 and "not analysed" in res.stdout
