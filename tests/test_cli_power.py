"""Tests of the ``mlf power`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlf.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, ["power", *args])
    return r.exit_code, r.stdout, r.stderr


def test_json_output_unsc() -> None:
    code, out, _ = run("[39; 7,7,7,7,7,1,1,1,1,1,1,1,1,1,1]", "--json")
    assert code == 0
    d = json.loads(out)
    keys = "players method indices veto_players dummies winning_coalitions coleman_act"
    assert list(d) == keys.split()
    assert d["players"][0] == "P1" and len(d["players"]) == 15
    assert d["method"] == "exact"
    assert d["indices"]["shapley_shubik"]["P1"] == pytest.approx(421 / 2145, abs=1e-15)
    assert d["indices"]["banzhaf"]["P6"] == pytest.approx(21 / 1270, abs=1e-15)
    assert d["veto_players"] == ["P1", "P2", "P3", "P4", "P5"]
    assert d["winning_coalitions"] == 848
    assert d["coleman_act"] == pytest.approx(53 / 2048)
    assert "coleman_act" not in d["indices"]


def test_names_veto_and_index_selection() -> None:
    code, out, _ = run(
        "[67; 40, 40, 10, 10]", "--names", "US,FRG,IT,UK", "--veto", "US",
        "--index", "banzhaf,shapley_shubik", "--json",
    )  # fmt: skip
    assert code == 0
    d = json.loads(out)
    assert set(d["indices"]) == {"banzhaf", "shapley_shubik"}
    assert d["veto_players"] == ["US", "FRG"]
    assert d["dummies"] == ["IT", "UK"]


def test_veto_changes_the_game() -> None:
    code, out, _ = run("[3; 1, 1, 1, 1]", "--names", "A,B,C,D", "--veto", "D", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["veto_players"] == ["D"]
    assert d["winning_coalitions"] == 4  # D plus at least 2 of A, B, C


def test_table_output_and_exact() -> None:
    code, out, _ = run("[12; 4,4,4,2,2,1]", "--exact")
    assert code == 0
    assert "Shapley-Shubik" in out and "7/30" in out and "5/21" in out
    assert "dummies: P6" in out and "veto players: none" in out


def test_fraction_quota_and_weights() -> None:
    code, out, _ = run("[2/3; 1/2, 1/4, 1/4]", "--json")
    assert code == 0
    d = json.loads(out)
    # 2/3 of the total 1: only coalitions with P1 and another win
    assert d["winning_coalitions"] == 3 and d["veto_players"] == ["P1"]


def test_montecarlo() -> None:
    args = ("[39; 7,7,7,7,7,1,1,1,1,1,1,1,1,1,1]", "--samples", "4000", "--seed", "5")
    code, out, _ = run(*args, "--index", "shapley_shubik", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["method"] == "montecarlo"
    assert d["indices"]["shapley_shubik"]["P1"] == pytest.approx(421 / 2145, abs=0.03)
    _, out2, _ = run(*args, "--index", "shapley_shubik", "--json")
    assert out2 == out  # same seed, same numbers
    code, out, _ = run(*args, "--index", "banzhaf")
    assert code == 0 and "±" in out and "seed 5" in out


def test_yaml_game(tmp_path: Path) -> None:
    f = tmp_path / "mlf.yaml"
    f.write_text(
        "players: [US, UK, FRG, IT]\n"
        "groups: {european: [UK, FRG, IT]}\n"
        "rule: {all: [{veto: [US]}, {bloc: {members: european, rule: {majority: '2/3'}}}]}\n"
    )
    code, out, _ = run(str(f), "--json")
    assert code == 0, out
    d = json.loads(out)
    assert d["players"] == ["US", "UK", "FRG", "IT"]
    assert d["veto_players"] == ["US"]
    assert d["winning_coalitions"] == 4  # US with 2 or 3 Europeans
    g = tmp_path / "w.yaml"
    g.write_text(
        "players: [A, B, C]\nweights: {gdp: {A: 5, B: 3, C: 2}}\n"
        "weighted: {weights: gdp, quota: '1/2+'}\n"
    )
    code, out, _ = run(str(g), "--json")
    assert code == 0 and json.loads(out)["veto_players"] == ["A"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("[3; 1, 2",), "cannot read"),
        (("[3; 1, -2, 4]",), "weight 2: negative"),
        (("[9; 1, 2, 3]",), "exceeds the total weight"),
        (("[2; 1, 1]", "--index", "banzhaf,power"), "unknown index power"),
        (("[2; 1, 1, 1]", "--names", "A,B"), "2 names given for 3 weights"),
        (("[2; 1, 1]", "--veto", "Z"), "not players of the game: Z"),
        (("no-such-file.yaml",), "neither a weighted game"),
        (("[2; 1, 1]", "--seed", "3"), "--seed needs --samples"),
        (("[2; 1, 1]", "--samples", "0"), "--samples must be from 40"),
    ],
)
def test_bad_input_one_line_exit_2(args: tuple[str, ...], needle: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def test_too_many_players_for_exact(tmp_path: Path) -> None:
    names = [f"A{i}" for i in range(30)]
    f = tmp_path / "big.yaml"
    f.write_text(f"players: [{', '.join(names)}]\nminimal_winning: [[A0, A1], [A2, A3, A4]]\n")
    code, _, err = run(str(f))
    assert code == 2 and "too many for exact methods" in err
    code, out, _ = run(str(f), "--samples", "400", "--seed", "1", "--index", "banzhaf", "--json")
    assert code == 0 and json.loads(out)["method"] == "montecarlo"


def test_bad_yaml(tmp_path: Path) -> None:
    """A bad game file exits 1 (a bad input file, as the README says), not 2 (issue 11)."""
    f = tmp_path / "bad.yaml"
    f.write_text("players: [A, B]\nrule: {veto: [C]}\n")
    code, _, err = run(str(f))
    assert code == 1 and "not members: C" in err and str(f) in err
    f.write_text("players: [A, B\n")
    code, _, err = run(str(f))
    assert code == 1 and "not valid YAML" in err and len(err.strip().splitlines()) == 1


def test_help_keeps_the_weighted_game_example() -> None:
    """Issue 11: rich markup ate '[q; w1, w2, ...]' from the help."""
    r = runner.invoke(app, ["power", "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    assert "[q; w1, w2, ...]" in r.stdout


def test_repeated_index_option_keeps_every_index() -> None:
    """Issue 11: `--index a --index b` kept only b."""
    code, out, _ = run("[3; 1, 1, 2]", "--index", "banzhaf", "--index", "holler,johnston", "--json")
    assert code == 0
    assert list(json.loads(out)["indices"]) == ["banzhaf", "holler", "johnston"]
