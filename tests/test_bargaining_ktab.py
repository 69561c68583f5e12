"""Tests of mlf.bargaining.ktab: KTAB's SMP CSV format (reading, writing, KTAB's rules)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlf.bargaining.ktab import (
    KtabData,
    ktab_from_input,
    ktab_text,
    parse_ktab_text,
    read_ktab_csv,
    write_ktab_csv,
)
from mlf.errors import MlfError, ScenarioError, ScenarioErrors

REF = Path(__file__).parent / "data" / "ktab"  # KTAB files, MIT (see LICENSE there)

GOOD = """Tiny,"A tiny, quoted description",3,2,
Actor,Description,Power,Pos1,Sal1,Pos2,Sal2,
A, first ,10,20,30,40,50,
B,second,20.5,0,0,100,100,
C,,0,55.5,10,45,20,
"""


def test_reads_the_reference_files() -> None:
    d = read_ktab_csv(REF / "dummyData_3Dim.csv")
    assert d.name == "DummyData_3Dim"
    assert d.description == "Dummy scenario to test reading format"
    assert d.actors[0] == "SActor-00" and d.actor_descriptions[0] == "Random Spatial Actor"
    assert d.dimensions == ("Pstn1", "Pstn2", "Pstn3")
    assert d.salience_names == ("Sal1", "Sal2", "Sal3")
    assert d.power.tolist()[:2] == [102.543, 53.393]
    assert d.positions[2].tolist() == [82.45, 90.89, 0.07]
    assert d.saliences[6].tolist() == [31.75, 27.93, 26.03]
    soe = read_ktab_csv(REF / "SOE-Pol-Comp.csv")
    assert soe.n == 13 and soe.k == 2
    assert soe.actor_descriptions[4] == "Liu He - Deputy Director of DRC"
    assert soe.dimensions == ("Policy Position", "Competitive Position")
    assert soe.power[1] == 60.2 and soe.saliences[1].tolist() == [44.7, 41.3]


def test_to_input_scales_and_status_quo() -> None:
    d = parse_ktab_text(GOOD)
    inp = d.to_input()
    assert inp.lo.tolist() == [0.0, 0.0] and inp.hi.tolist() == [100.0, 100.0]
    assert inp.salience[0].tolist() == [0.3, 0.5]
    assert inp.position[2].tolist() == [55.5, 45.0]
    w = np.array([10, 20.5, 0]) / 30.5
    assert inp.status_quo.tolist() == pytest.approx((w @ d.positions).tolist())
    assert d.to_input(status_quo=[1, 2]).status_quo.tolist() == [1.0, 2.0]
    assert d.actor_descriptions == ("first", "second", "")


@pytest.mark.parametrize("name", ["dummyData_3Dim", "SOE-Pol-Comp"])
def test_round_trip_through_file(name: str, tmp_path: Path) -> None:
    d = read_ktab_csv(REF / f"{name}.csv")
    out = tmp_path / "x.csv"
    write_ktab_csv(d, out)
    e = read_ktab_csv(out)
    assert e.to_dict() == d.to_dict()
    assert ktab_text(e) == out.read_text()
    assert out.read_text().splitlines()[0].endswith(",")


@given(
    st.integers(3, 8).flatmap(
        lambda n: st.tuples(
            st.lists(st.floats(0, 1e8, allow_nan=False), min_size=n, max_size=n).filter(
                lambda p: any(x > 0 for x in p)  # all-zero power is refused
            ),
            st.lists(st.floats(0, 100, allow_nan=False), min_size=2 * n, max_size=2 * n),
            st.lists(st.floats(0, 50, allow_nan=False), min_size=2 * n, max_size=2 * n),
        )
    ),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12),
)
@settings(max_examples=40, deadline=None)
def test_round_trip_property(data: tuple[list[float], list[float], list[float]], desc: str) -> None:
    power, pos, sal = data
    n = len(power)
    d = KtabData(
        name="P",
        description=desc.strip(),
        actors=tuple(f"a{i}" for i in range(n)),
        actor_descriptions=("",) * n,
        power=np.array(power),
        positions=np.array(pos).reshape(n, 2),
        saliences=np.array(sal).reshape(n, 2),
        dimensions=("x, with comma", 'y "quoted"'),
    )
    e = parse_ktab_text(ktab_text(d))
    assert e.to_dict() == {**d.to_dict(), "salience_names": list(e.salience_names)}
    assert e.salience_names == ("x, with comma Salience", 'y "quoted" Salience')


def test_from_input_maps_bounds_to_0_100() -> None:
    d = parse_ktab_text(GOOD)
    back = ktab_from_input(d.to_input(), name="Tiny")
    assert np.allclose(back.positions, d.positions) and np.allclose(back.saliences, d.saliences)


def _err(text: str) -> str:
    with pytest.raises(MlfError) as info:
        parse_ktab_text(text, file="f.csv")
    return str(info.value)


def _lines(rows: list[str], n: int = 3, k: int = 1) -> str:
    head = ",".join(["Actor", "Description", "Power"] + [f"D{d},S{d}" for d in range(k)])
    return f"S,desc,{n},{k},\n{head},\n" + "".join(r + "\n" for r in rows)


OK_ROWS = ["a,,1,50,50,", "b,,1,50,50,", "c,,1,50,50,"]


def test_each_validation_rule_has_a_located_message() -> None:
    assert parse_ktab_text(_lines(OK_ROWS)).n == 3
    assert _err("") == "f.csv:1: the file is empty"
    assert _err("S,d,3,\n") == (
        "f.csv:1: line 1 must be 'name,description,numActors,numDims', found 3 fields"
    )
    assert _err("S,d,x,1,\n") == (
        "f.csv:1: numActors: number of actors must be a whole number, found 'x'"
    )
    assert _err("S,d,3,0,\n") == "f.csv:1: numDims: there must be at least 1 dimension"
    assert _err("S,d,2,1,\n") == (
        "f.csv:1: numActors: number of actors must be between 3 and 250, found 2"
    )
    assert "found 251" in _err("S,d,251,1,\n")
    assert _err("S,d,3,1,\n") == (
        "f.csv:2: header: the header line (Actor,Description,Power,...) is missing"
    )
    assert _err("S,d,3,2,\nActor,Description,Power,D0,S0,\n") == (
        "f.csv:2: header: header has 5 fields but 2 dimensions need 7 (Actor, Description, "
        "Power, then a position and a salience column each)"
    )
    assert _err(_lines(["a,,1,50,50,", "b,,1,50,", "c,,1,50,50,"])) == (
        "f.csv:4: actors[1]: row has 4 fields, the header has 5"
    )
    assert _err(_lines(["a,,1,50,50,", "b,,-1,50,50,", "c,,1,50,50,"])) == (
        "f.csv:4: actors[1].power: power must lie in [0, 1e+08], found -1"
    )
    assert "found 1e+09" in _err(_lines(["a,,1e9,50,50,", *OK_ROWS[1:]]))
    assert _err(_lines(["a,,1,50,50,", "b,,1,50,50,", "c,,lots,50,50,"])) == (
        "f.csv:5: actors[2].power: power must be a number, found 'lots'"
    )
    assert _err(_lines(["a,,1,101,50,", *OK_ROWS[1:]])) == (
        "f.csv:3: actors[0].D0.position: position must lie in [0, 100], found 101"
    )
    assert _err(_lines(["a,,1,50,-2,", *OK_ROWS[1:]])) == (
        "f.csv:3: actors[0].D0.salience: salience must lie in [0, 100], found -2"
    )
    assert _err(_lines(["a,,1,5x,50,", *OK_ROWS[1:]])) == (
        "f.csv:3: actors[0].D0.position: position must be a number, found '5x'"
    )
    two = _lines(["a,,1,50,60,50,41,", "b,,1,1,1,1,1,", "c,,1,1,1,1,1,"], k=2)
    assert _err(two) == (
        "f.csv:3: actors[0].salience: saliences of a sum to 101 > 100 "
        "(salience is a share of attention)"
    )
    assert _err(_lines(OK_ROWS[:2])) == (
        "f.csv:5: actors: line 1 announces 3 actors but the file has 2 actor lines"
    )
    assert _err(_lines([*OK_ROWS, "d,,1,50,50,"])) == (
        "f.csv:6: actors: line 1 announces 3 actors but the file has 4 actor lines"
    )
    assert (
        _err(_lines([",,1,50,50,", *OK_ROWS[1:]])) == "f.csv:3: actors[0].name: actor name is empty"
    )


def test_several_problems_are_all_reported() -> None:
    with pytest.raises(ScenarioErrors) as info:
        parse_ktab_text(_lines(["a,,-1,50,50,", "b,,1,500,50,", "c,,1,50,50,"]), file="f.csv")
    assert info.value.lines() == [
        "f.csv:3: actors[0].power: power must lie in [0, 1e+08], found -1",
        "f.csv:4: actors[1].D0.position: position must lie in [0, 100], found 500",
    ]


def test_empty_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"\n\n")
    with pytest.raises(ScenarioError, match=r"e\.csv:1: the file is empty"):
        read_ktab_csv(empty)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ScenarioError, match="not a text file"):
        read_ktab_csv(binary)
    latin = tmp_path / "l.csv"
    latin.write_bytes(b"S,d,3,1,\n\xff\xfe\n")
    with pytest.raises(ScenarioError, match=r"l\.csv:2: not a UTF-8 text file"):
        read_ktab_csv(latin)
    with pytest.raises(ScenarioError, match=r"missing\.csv: no such file"):
        read_ktab_csv(tmp_path / "missing.csv")


# ---------------------------------------------------------------- scenarios and the CLI


def test_scenario_dict_validates_and_round_trips() -> None:
    from mlf.bargaining.ktab import ktab_to_scenario_dict
    from mlf.scenario import Scenario, dump_scenario, parse_scenario
    from mlf.talks import bargaining_input

    d = parse_ktab_text(GOOD.replace("A, first", "1st actor, first").replace("Pos2", "Pos 1"))
    raw = ktab_to_scenario_dict(d, date="2017-05-30")
    assert list(raw["issues"]) == ["Pos1", "Pos_1"]
    assert list(raw["actors"]) == ["actor1st_actor", "B", "C"]
    assert raw["actors"]["B"]["positions"]["Pos_1"] == {"position": 100.0, "salience": 1.0}
    assert raw["settings"] == {"model": "smp"}
    sc, warnings = parse_scenario(dump_scenario(Scenario.model_validate(raw)), "x.yaml")
    assert warnings == []
    inp = bargaining_input(sc, list(raw["issues"]), list(raw["actors"]))
    assert np.allclose(inp.position, d.positions) and np.allclose(inp.salience * 100, d.saliences)
    assert np.allclose(inp.status_quo, d.to_input().status_quo, atol=1e-6)
    assert sc.actors["actor1st_actor"].name == "1st actor"


def test_cli_import_then_export_round_trip(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mlf.cli import app

    runner = CliRunner()
    yaml_file = tmp_path / "d.yaml"
    res = runner.invoke(
        app,
        [
            "import",
            "ktab",
            str(REF / "dummyData_3Dim.csv"),
            "--out",
            str(yaml_file),
            "--date",
            "2017-05-30",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "meta:" in yaml_file.read_text()
    csv_file = tmp_path / "d.csv"
    res = runner.invoke(app, ["export", "ktab", str(yaml_file), "--out", str(csv_file)])
    assert res.exit_code == 0, res.output
    back, orig = read_ktab_csv(csv_file), read_ktab_csv(REF / "dummyData_3Dim.csv")
    assert back.actors == orig.actors and back.dimensions == orig.dimensions
    assert np.array_equal(back.positions, orig.positions)
    assert np.array_equal(back.saliences, orig.saliences)
    assert np.array_equal(back.power, orig.power)
    res = runner.invoke(app, ["import", "ktab", str(REF / "dummyData_3Dim.csv")])
    assert res.exit_code == 0 and res.stdout.startswith("meta:")


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mlf.cli import app

    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text(_lines(["a,,1,50,50,", "b,,1,50,50,"]))
    res = runner.invoke(app, ["import", "ktab", str(bad)])
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        f"error: {bad}:5: actors: line 1 announces 3 actors but the file has 2 actor lines"
    )
    res = runner.invoke(app, ["import", "ktab", str(bad), "--date", "May"])
    assert res.exit_code == 2 and "not a date" in res.stderr
    good = tmp_path / "g.csv"
    good.write_text(_lines(OK_ROWS))
    yaml_file = tmp_path / "g.yaml"
    assert runner.invoke(app, ["import", "ktab", str(good), "-o", str(yaml_file)]).exit_code == 0
    res = runner.invoke(app, ["export", "ktab", str(yaml_file), "--alternative", "nope"])
    assert res.exit_code == 2 and "'nope' is not in the scenario" in res.stderr
    assert "Traceback" not in res.output
