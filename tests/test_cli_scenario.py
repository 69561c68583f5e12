"""`mlf scenarios`, `mlf check`, `mlf show`, `mlf schema`: exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlf.cli import app
from mlf.scenario import builtin_ids

SMALL = Path(__file__).parent / "data" / "scenarios" / "small.yaml"
HINDSIGHT = (
    f"{SMALL}:75:74: actors.UK.positions.scope.sources.0: source 'S2' is dated 1970, after "
    "the scenario's date 1963-07-15 (hindsight)"
)
runner = CliRunner()


def run(*args: str, columns: int = 100) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": str(columns)})
    assert "Traceback" not in result.output + result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_check_valid_prints_warning_and_summary() -> None:
    code, out, err = run("check", str(SMALL))
    assert code == 0
    assert err.splitlines() == [f"warning: {HINDSIGHT}"]
    assert out.splitlines() == [
        f"OK {SMALL}: small as of 1963-07-15: 3 actors, 3 issues, 1 alternative, 2 sources, "
        "1 warning"
    ]


def test_check_strict_turns_warning_into_error() -> None:
    code, out, err = run("check", "--strict", str(SMALL))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [HINDSIGHT]


def test_check_lists_every_error_one_per_line(tmp_path: Path) -> None:
    text = SMALL.read_text()
    text = text.replace("  model: compromise\n", "  model: oracle\n")
    text = text.replace("    invited: [US, FRG, UK]\n", "    invited: [US, FRG, XX]\n")
    text = text.replace("    capability: 0.25\n", "    capability: lots\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    code, out, err = run("check", str(bad))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{bad}:13:10: settings.model: unknown bargaining model 'oracle' (known: bdm, "
        "compromise, median, nash, smp)",
        f"{bad}:59:17: actors.FRG.capability: expected a number or a mapping with a 'value', "
        "got 'lots'",
        f"{bad}:79:24: alternatives.fleet.invited.2: unknown actor 'XX'",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "{f}: empty file: expected a YAML mapping"),
        (b"\x00\x01", "{f}:1:1: binary file (a NUL byte): not a YAML scenario"),
        (b"- a\n", "{f}:1:1: expected a YAML mapping (meta:, issues:, ...) at the top, got a list"),
        (b"a: [1\n", "{f}:2:1: YAML syntax: expected ',' or ']', but got '<stream end>'"),
        (b"\xff\xfe\x00", "{f}:1:1: UTF-16 text: save the scenario as UTF-8"),
        (b"a: \xe9\n", "{f}:1:4: not UTF-8 text (byte 0xe9)"),
    ],
    ids=["empty", "binary", "list", "syntax", "utf16", "latin1"],
)
def test_check_bad_files(tmp_path: Path, content: bytes, expected: str) -> None:
    f = tmp_path / "x.yaml"
    f.write_bytes(content)
    code, out, err = run("check", str(f))
    assert (code, out, err.splitlines()) == (1, "", [expected.format(f=f)])


def test_check_missing_file_directory_and_huge_file(tmp_path: Path) -> None:
    code, _, err = run("check", str(tmp_path / "nope.yaml"))
    assert code == 1 and len(err.splitlines()) == 1
    assert err.startswith(f"{tmp_path / 'nope.yaml'}: no such file or built-in scenario")
    code, _, err = run("check", str(tmp_path))
    assert (code, err) == (1, f"{tmp_path}: is a directory, not a scenario file\n")
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(50 * 2**20)
    code, _, err = run("check", str(big))
    assert (code, err) == (
        1,
        f"{big}: file is 50 MiB, above the 5 MiB limit for scenario files "
        "(mlf.scenario.MAX_FILE_BYTES)\n",
    )


@pytest.mark.parametrize("sid", builtin_ids()[:1])  # all of them: tests/test_scenario.py
def test_check_builtin_strict(sid: str) -> None:
    code, out, err = run("check", "--strict", sid)
    assert (code, err) == (0, "")
    assert out.startswith(f"OK {sid}.yaml: {sid} as of ")


def test_scenarios_lists_the_builtins() -> None:
    code, out, _ = run("scenarios")
    assert code == 0
    assert "Built-in scenarios" in out
    for sid in builtin_ids():
        assert sid in out


def test_show_fits_100_columns_and_names_everything() -> None:
    code, out, err = run("show", str(SMALL), columns=100)
    assert code == 0
    assert err.splitlines() == [f"warning: {HINDSIGHT}"]
    assert max(len(line) for line in out.splitlines()) <= 100
    for word in ("Positions", "Actors", "Issues", "Alternatives", "Sources", "West Germany",
                 "us_veto", "0..300 missiles", "A later memoir", "fleet_and_consultation"):
        assert word in out


@pytest.mark.parametrize("sid", builtin_ids())
def test_show_builtin_fits_100_columns(sid: str) -> None:
    code, out, _ = run("show", sid, columns=100)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 100


def test_show_invalid_file_is_one_line(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text("meta: 1\n")
    code, out, err = run("show", str(f))
    assert code == 1 and out == ""
    assert f"{f}:1:7: meta: expected a mapping, got 1" in err.splitlines()


def test_schema_is_json() -> None:
    code, out, _ = run("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "mlf scenario"
    assert "Actor" in schema["$defs"]


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("mlf ")
