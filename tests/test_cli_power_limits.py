"""Issue 11: ``mlf power`` with hostile inputs, run as a real process.

Every bad input exits 1 (a bad game file) or 2 (a bad argument or an impossible rule) with
exactly one line on stderr naming the argument or file, and no traceback; inputs that once
hung now finish. Each process's own peak memory (``os.wait4``) must stay under 2 GB and its
wall time under 60 s (none of these prints progress, so none may take longer).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

MLF = [sys.executable, "-c", "from mlf.cli import main; main()", "power"]
GB = 1 << 30


def run_measured(args: list[str], timeout: float = 60.0) -> tuple[int, str, str, int, float]:
    """(exit code, "", stderr, the child's own peak RSS in bytes from ``os.wait4``, seconds)
    of ``mlf power ARGS``; stdout is discarded (the large games print large tables)."""
    start = time.monotonic()
    with open(os.devnull, "w") as sink:
        proc = subprocess.Popen([*MLF, *args], stdout=sink, stderr=subprocess.PIPE, text=True)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise AssertionError(f"mlf power {args!r:.200} ran past {timeout} s")
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        assert proc.stderr is not None
        err = proc.stderr.read()
        proc.stderr.close()
    return proc.returncode, "", err, usage.ru_maxrss * 1024, time.monotonic() - start


def weights(n: int, w: str = "1") -> str:
    return "[" + str(n // 2 + 1) + "; " + ", ".join([w] * n) + "]"


def yaml_players(n: int, rule: str) -> str:
    return "players: [" + ", ".join(f"A{i}" for i in range(n)) + "]\n" + rule + "\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("games")
    texts = {
        "quota_above_total": "players: [A, B]\nweights: {w: {A: 1, B: 2}}\n"
        "rule: {weighted: {weights: w, quota: 4}}\n",
        "at_least_above_n": "players: [A, B, C]\nrule: {at_least: 4}\n",
        "majority_zero": "players: [A, B, C]\nrule: {majority: 0}\n",
        "quota_zero": "players: [A, B]\nweighted: {weights: equal, quota: 0}\n",
        "players_15000": yaml_players(15_000, "rule: {majority: '1/2+'}"),
        "nested_2000": "players: [a, b]\nrule: "
        + "{all: [" * 2000
        + "{veto: [a]}"
        + "]}" * 2000
        + "\n",
        "nested_40_rules": "players: [a, b]\nrule: "
        + "{all: [" * 40
        + "{veto: [a]}"
        + "]}" * 40
        + "\n",
        "malformed": "players: [A, B\nrule: x: y\n",
        "int_5000_digits": "players: [A, B]\nweights: {w: {A: " + "9" * 5000 + ", B: 1}}\n"
        "rule: {weighted: {weights: w, quota: 1}}\n",
        "weight_inf": "players: [A, B]\nweights: {w: {A: .inf, B: 1}}\n"
        "rule: {weighted: {weights: w, quota: 1}}\n",
        "weight_nan": "players: [A, B]\nweights: {w: {A: .nan, B: 1}}\n"
        "rule: {weighted: {weights: w, quota: 1}}\n",
        "weight_1e20": "players: [A, B]\nweights: {w: {A: 1.0e+20, B: 1}}\n"
        "rule: {weighted: {weights: w, quota: 1}}\n",
        "weight_30_digits": "players: [A, B]\nweights: {w: {A: 0." + "3" * 30 + ", B: 1}}\n"
        "rule: {weighted: {weights: w, quota: 1}}\n",
        "duplicate_player": "players: [A, B, A]\nrule: {at_least: 2}\n",
        "unknown_key": "players: [A, B]\nrule: {at_least: 2}\nextra: 1\n",
        "not_a_mapping": "- A\n- B\n",
        "binary": "players: [A, B]\x00\n",
    }
    out = {k: d / f"{k}.yaml" for k in texts}
    for k, text in texts.items():
        out[k].write_text(text)
    out["huge"] = d / "huge.yaml"
    out["huge"].write_text("players: [A, B]\nrule: {at_least: 1}\n" + "#" * (2 << 20) + "\n")
    out["to_dev_zero"] = d / "zero.yaml"
    out["to_dev_zero"].symlink_to("/dev/zero")
    out["folder"] = d / "folder.yaml"
    out["folder"].mkdir()
    out["majority_5000"] = d / "majority_5000.yaml"
    out["majority_5000"].write_text(yaml_players(5000, "rule: {majority: '1/2+'}"))
    return out


BAD_ARGS: list[tuple[list[str], int, str]] = [
    (["[3; 1e99999999, 1, 2]"], 2, "GAME: weight 1: '1e99999999' is out of range"),
    (["[3; Infinity, 1, 2]"], 2, "GAME: weight 1: 'Infinity' is not a finite number"),
    (["[3; 1, -Infinity, 2]"], 2, "GAME: weight 2: '-Infinity' is not a finite number"),
    (["[Infinity; 1, 2]"], 2, "GAME: quota: 'Infinity' is not a finite number"),
    (["[NaN; 1, 2]"], 2, "GAME: quota: 'NaN' is not a finite number"),
    (["[3; 1, NaN]"], 2, "GAME: weight 2: 'NaN'"),
    (["[3; 1e-99999999, 1, 2]"], 2, "GAME: weight 1: '1e-99999999' is out of range"),
    (["[3; 1.12345678901234567, 2, 2]"], 2, "GAME: weight 1: '1.12345678901234567' has 18"),
    (["[1; 1e16, 1]"], 2, "GAME: weight 1: '1e16' is out of range"),
    (["[2e15; 1, 1]"], 2, "GAME: quota: '2e15' is out of range"),
    (["[1; " + "9" * 5000 + ", 1]"], 2, "GAME: weight 1: a number of 5000 characters"),
    (["[>100%; 40, 40]"], 2, "GAME: quota >100% exceeds the total weight"),
    (["[101%; 40, 40]"], 2, "GAME: quota 101% exceeds the total weight"),
    (["[0; 40, 40]"], 2, "GAME: quota 0 is met by the empty coalition"),
    (["[-3; 40, 40]"], 2, "GAME: quota -3 is met by the empty coalition"),
    (["[0%; 40, 40]"], 2, "GAME: quota 0% is met by the empty coalition"),
    (["[81; 40, 40]"], 2, "GAME: quota 81 exceeds the total weight 80"),
    ([weights(20_000)], 2, "GAME: 20000 weights; a game has at most 10,000 players"),
    (["[3; 1, 1, 2]", "--samples", "1000000000000"], 2, "--samples must be from 40"),
    (["[3; 1, 1, 2]", "--samples", "100000000"], 2, "--samples: 100,000,000 samples"),
    (["[3; 1, 1, 2]", "--samples", "10"], 2, "--samples must be from 40"),
    (["[3; 1, 1, 2]", "--samples", "400", "--seed", "-1"], 2, "--seed must be from 0"),
    (["[3; 1, 1, 2]", "--samples", "400", "--seed", str(2**64)], 2, "--seed must be from 0"),
    (["[3; 1, 1, 2]", "--samples", "400", "--seed", "x"], 2, "--seed"),
    (["[3; 1, 1, 2]", "--samples", "9" * 5000], 2, "--samples"),
    (["[3; 1, 1, 2]", "--index", "banzhaf", "--index", "nope"], 2, "--index: unknown index"),
    (["[3; 1, 1, 2]", "--names", "A,B"], 2, "GAME: 2 names given for 3 weights"),
    ([weights(2000), "--exact"], 2, "exact fractions are limited to 1,000 players"),
    (["no-such-game.yaml"], 2, "GAME 'no-such-game.yaml': neither a weighted game"),
]

BAD_FILES: list[tuple[str, str]] = [
    ("quota_above_total", "rule.weighted.quota: quota 4 exceeds the total"),
    ("at_least_above_n", "rule.at_least: at_least 4 exceeds the total over the 3 members"),
    ("majority_zero", "rule.majority: 0 is met by the empty coalition"),
    ("quota_zero", "rule.weighted.quota: 0 is met by the empty coalition"),
    ("players_15000", "players: 15,000 players; a game has at most 10,000"),
    ("nested_2000", "nested more than 100 levels deep"),
    ("nested_40_rules", "rules nested more than 32 deep"),
    ("malformed", "not valid YAML"),
    ("int_5000_digits", "an integer of 5000 digits"),
    ("weight_inf", "weights.w.A: 'Infinity' is not a finite number"),
    ("weight_nan", "weights.w.A: 'NaN' is not a finite number"),
    ("weight_1e20", "weights.w.A: '1.0E+20' is out of range"),
    ("weight_30_digits", "weights.w.A: '0.3333"),
    ("duplicate_player", "players[2]: duplicate player 'A'"),
    ("unknown_key", "extra: unknown key"),
    ("not_a_mapping", "expected a mapping with 'players' and a rule"),
    ("binary", "binary file"),
    ("huge", "above the 1 MiB limit for YAML game files (mlf.gamefile.MAX_GAME_FILE_BYTES)"),
    ("to_dev_zero", "is a symbolic link to a character device"),
    ("folder", "is a directory"),
]


def check_one_line(code: int, err: str, want_code: int, needle: str) -> None:
    lines = err.strip().splitlines()
    assert code == want_code, (code, err)
    assert len(lines) == 1, err
    assert needle in lines[0], lines[0]
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err


@pytest.mark.parametrize(("args", "code", "needle"), BAD_ARGS, ids=lambda x: str(x)[:40])
def test_bad_argument_is_one_line_exit_2(args: list[str], code: int, needle: str) -> None:
    got, _, err, rss, secs = run_measured(args)
    check_one_line(got, err, code, needle)
    assert rss < 2 * GB and secs < 60


@pytest.mark.parametrize(("name", "needle"), BAD_FILES)
def test_bad_game_file_is_one_line_exit_1(files: dict[str, Path], name: str, needle: str) -> None:
    got, _, err, rss, secs = run_measured([str(files[name])])
    check_one_line(got, err, 1, needle)
    assert str(files[name]) in err
    assert rss < 2 * GB and secs < 60


@pytest.mark.parametrize(
    "args",
    [
        [weights(5000)],
        [weights(10_000), "--json"],
        ["[3; 1, 1, 2]", "--samples", "1000000", "--seed", "1", "--json"],
    ],
    ids=["5000-unit-weights", "10000-unit-weights", "samples-1e6"],
)
def test_once_hanging_inputs_finish_within_bounds(args: list[str]) -> None:
    got, _, err, rss, secs = run_measured(args)
    assert got == 0, err
    assert rss < 2 * GB and secs < 60


def test_majority_game_file_of_5000_players(files: dict[str, Path]) -> None:
    got, _, err, rss, secs = run_measured([str(files["majority_5000"]), "--json"])
    assert got == 0, err
    assert rss < 2 * GB and secs < 60
