"""mlf.examples: the example scenarios are the package's files, valid, fresh on every call,
and written once (no docstring in src/mlf copies one back)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from mlf import examples
from mlf.scenario import load_scenario, parse_scenario

SRC = Path(__file__).resolve().parent.parent / "src" / "mlf"
SCENARIOS = [n for n in examples.NAMES if n != "fleet_outcomes"]
WINDOW = 6
"""Lines of an example that, found together in a source file, make a copy."""


def test_names_are_exactly_the_package_files() -> None:
    files = sorted(
        p.name for p in resources.files("mlf.examples").iterdir() if p.name.endswith(".yaml")
    )
    assert files == sorted(f"{n}.yaml" for n in examples.NAMES)


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_scenario_is_valid_strictly_and_its_function_parses_its_file(name: str) -> None:
    text = examples.text(name)
    scenario, warnings = parse_scenario(text, f"{name}.yaml", strict=True)
    assert warnings == []
    fresh = getattr(examples, name)()
    assert fresh == scenario
    assert load_scenario(examples.path(name)).scenario == scenario


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_call_returns_a_fresh_scenario(name: str) -> None:
    """Scenarios are frozen models, but their mappings are plain dicts: one example that
    changes one must not change what the next call returns."""
    make = getattr(examples, name)
    first = make()
    actors = list(first.actors)
    first.actors.clear()
    assert list(make().actors) == actors


def test_the_outcomes_file_names_the_fleet_scenarios_alternative() -> None:
    outcomes = examples.fleet_outcomes().outcomes
    fleet = examples.two_nations_fleet()
    assert {q.alternative for q in outcomes.questions} <= set(fleet.alternatives)


def test_an_unknown_name_is_one_line_naming_the_argument() -> None:
    with pytest.raises(ValueError, match=r"^name: 'iris' is not an example") as err:
        examples.path("iris")
    assert "\n" not in str(err.value)


def _lines(text: str) -> list[str]:
    """Non-blank, non-comment lines with indentation and a doctest ``... `` prefix removed."""
    out = []
    for line in text.splitlines():
        s = re.sub(r"^\s*(\.\.\.\s?)?", "", line).strip()
        if s and not s.startswith("#"):
            out.append(s)
    return out


def _copies(example: list[str], source: list[str]) -> bool:
    windows = {tuple(example[i : i + WINDOW]) for i in range(len(example) - WINDOW + 1)}
    return any(tuple(source[i : i + WINDOW]) in windows for i in range(len(source) - WINDOW + 1))


def test_no_source_file_copies_an_example() -> None:
    found = []
    for name in examples.NAMES:
        lines = _lines(examples.text(name))
        assert len(lines) >= WINDOW
        for path in sorted(SRC.rglob("*.py")):
            if _copies(lines, _lines(path.read_text(encoding="utf-8"))):
                found.append(f"{path.relative_to(SRC.parent)} copies {name}")
    assert not found, "use mlf.examples instead:\n" + "\n".join(found)


def test_the_copy_check_finds_a_copy() -> None:
    """The check itself: a docstring pasting the fleet scenario is found, one calling
    mlf.examples is not."""
    lines = _lines(examples.text("two_nations_fleet"))
    pasted = "        >>> text = '''\n" + "".join(
        f"        ... {line}\n" for line in examples.text("two_nations_fleet").splitlines()
    )
    assert _copies(lines, _lines(pasted))
    assert not _copies(lines, _lines("        >>> sc = examples.two_nations_fleet()\n"))
