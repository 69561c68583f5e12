"""KTAB files read as KTAB reads them, with bounded reads and located errors (issue 11)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlf.bargaining.ktab import (
    MAX_DIMENSIONS,
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    parse_ktab_text,
    read_ktab_csv,
)
from mlf.cli import app
from mlf.errors import ScenarioError

REF = Path(__file__).parent / "data" / "ktab"  # KTAB files, MIT (see LICENSE there)
runner = CliRunner()


def _one_line_error(res, code: int = 1) -> str:  # type: ignore[no-untyped-def]
    assert res.exit_code == code, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.output
    return lines[0]


def test_ktabs_own_six_dimension_example_is_read() -> None:
    # line 1 ends in ",0,,,,,,,,,," (15 fields), CRLF line ends: KTAB reads the first four
    d = read_ktab_csv(REF / "dummyData_6Dim.csv")
    assert (d.name, d.description, d.n, d.k) == ("Combined", "All six dimensions of CDMP", 27, 6)
    assert d.dimensions[0] == "Dim0 Position" and d.salience_names[5] == "Dim5 Salience"
    assert d.actors[26] == "AA26" and d.power[0] == 99.98
    assert d.positions[12, 3] == 100.0 and d.saliences[12, 3] == 72.76


def test_forecast_and_import_of_the_six_dimension_example() -> None:
    res = runner.invoke(app, ["forecast", str(REF / "dummyData_6Dim.csv"), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["model"] == "smp" and len(doc["issues"]) == 6
    res = runner.invoke(app, ["import", "ktab", str(REF / "dummyData_6Dim.csv")])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("meta:")


def test_fields_after_the_ones_ktab_reads_are_ignored_on_every_line() -> None:
    text = (
        "S,d,3,1,0,,extra,\n"
        "Actor,Description,Power,X,X Salience,note,\n"
        "a,,1,50,50,,whatever\n"
        "b,,2,40,50\n"
        "c,,3,30,50,,,,\n"
    )
    d = parse_ktab_text(text, file="f.csv")
    assert d.dimensions == ("X",) and list(d.power) == [1.0, 2.0, 3.0]


def test_duplicate_dimension_names_are_a_located_error(tmp_path: Path) -> None:
    f = tmp_path / "dup.csv"
    f.write_text(
        "S,d,3,2,\nActor,Description,Power,X,Xs,X,Xs2,\n"
        "a,,1,50,50,10,10,\nb,,1,50,50,10,10,\nc,,1,50,50,10,10,\n"
    )
    with pytest.raises(ScenarioError) as err:
        read_ktab_csv(f)
    assert str(err.value) == (
        f"{f}:2: header.dimensions[1]: dimension 'X' appears twice (columns 4 and 6): "
        "each dimension needs its own name"
    )
    # forecast --json used to drop one of the two silently
    line = _one_line_error(runner.invoke(app, ["forecast", str(f), "--json"]))
    assert f"{f}:2: header.dimensions[1]" in line


def test_all_zero_power_names_the_file_and_field(tmp_path: Path) -> None:
    f = tmp_path / "zero.csv"
    f.write_text("S,d,3,1,\nActor,Description,Power,X,Xs,\na,,0,50,50,\nb,,0,40,50,\nc,,0,1,1,\n")
    line = _one_line_error(runner.invoke(app, ["forecast", str(f)]))
    assert line.startswith(f"error: {f}:3: actors.power: every actor's power is 0")


def test_symlink_to_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    t0 = time.perf_counter()
    for args in (["forecast", str(link)], ["import", "ktab", str(link)]):
        line = _one_line_error(runner.invoke(app, args))
        assert line == f"error: {link}: is a symbolic link to a character device, not a KTAB file"
    assert time.perf_counter() - t0 < 5.0


def test_a_one_megabyte_field_is_one_line(tmp_path: Path) -> None:
    f = tmp_path / "field.csv"
    f.write_text("S," + "d" * 1_000_000 + ",3,1,\nActor,Description,Power,X,Xs,\n")
    line = _one_line_error(runner.invoke(app, ["forecast", str(f)]))
    assert line.startswith(f"error: {f}:1: line is 1000007 characters long, above the limit")
    g = tmp_path / "field2.csv"
    g.write_text("S," + "d" * (MAX_FIELD_CHARS + 1) + ",3,1,\n")
    line = _one_line_error(runner.invoke(app, ["import", "ktab", str(g)]))
    assert line == (
        f"error: {g}:1: field 2 is {MAX_FIELD_CHARS + 1} characters long, above the limit "
        f"of {MAX_FIELD_CHARS} (mlf.bargaining.ktab.MAX_FIELD_CHARS)"
    )


def _wide(k: int) -> str:
    head = ",".join(f"D{j},S{j}" for j in range(k))
    row = ",".join("50,0" for _ in range(k))
    return f"S,d,3,{k},\nActor,Description,Power,{head},\n" + "".join(
        f"{a},,1,{row},\n" for a in "abc"
    )


def test_sixty_thousand_dimensions_refused_fast_by_named_limits(tmp_path: Path) -> None:
    big = tmp_path / "wide.csv"
    big.write_text(_wide(60_000))
    assert big.stat().st_size > MAX_FILE_BYTES  # 1.7 MB, as in the issue
    t0 = time.perf_counter()
    line = _one_line_error(runner.invoke(app, ["import", "ktab", str(big)]))
    assert time.perf_counter() - t0 < 5.0
    assert "(mlf.bargaining.ktab.MAX_FILE_BYTES)" in line and "1.6 MiB" in line
    # within the size limit, the dimension limit is checked on line 1 before the rest
    wide = tmp_path / "wide2.csv"
    wide.write_text(_wide(MAX_DIMENSIONS + 1))
    line = _one_line_error(runner.invoke(app, ["import", "ktab", str(wide)]))
    assert line == (
        f"error: {wide}:1: numDims: {MAX_DIMENSIONS + 1} dimensions: above the limit of "
        f"{MAX_DIMENSIONS} (mlf.bargaining.ktab.MAX_DIMENSIONS)"
    )
    ok = tmp_path / "ok.csv"
    ok.write_text(_wide(MAX_DIMENSIONS))
    assert read_ktab_csv(ok).k == MAX_DIMENSIONS
