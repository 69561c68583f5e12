"""The start-up fast path of ``mlf power`` (mlf.cli._fastpower) prints exactly what the typer
command prints: same stdout, stderr and exit code, for every form it takes and for every form
it hands back to typer (help, usage errors, bad games)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mlf.cli._fastpower import _parse

CODE = "import sys; sys.argv[0] = 'mlf'; from mlf.cli import main; main()"
UNSC = "[39; 7, 7, 7, 7, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"

CASES: list[tuple[str, ...]] = [
    (UNSC,),
    (UNSC, "--json"),
    ("--json", UNSC, "--index", "banzhaf", "--index", "shapley_shubik,holler"),
    ("[3; 1,1,1,1]", "--names", "a,b,c,d", "--veto", "a", "--exact"),
    ("[2/3; 1, 2, 3.5]", "--exact", "--json"),
    ("[>1/2; 4, 3, 2, 1]", "--names", "x[bold]y,b,c,d"),
    ("[51%; 10, 20, 30, 40]", "--samples", "400", "--seed", "7", "--index", "banzhaf"),
    ("[12; 4, 4, 4, 2, 2, 1]", "--names", "FR,DE,IT,BE,NL,LU", "--index", "deegan_packel"),
    # handed back to typer: errors and forms the fast path leaves alone
    ("[3; 1, 1",),
    ("[3; 1, -1]",),
    (UNSC, "--index", "nope"),
    (UNSC, "--samples", "10"),
    (UNSC, "--seed", "3"),
    (UNSC, "--samples", "abc"),
    (UNSC, "--samples", "1.0"),
    (UNSC, "--names", "a,b"),
    (UNSC, "--veto", "Z"),
    (UNSC, "--names"),
    (UNSC, "--names=" + ",".join("abcdefghijklmno")),
    (UNSC, "--help"),
    (UNSC, "extra"),
    (UNSC, "--exact", "--bogus"),
    ("--json",),
    (),
]


def _run(args: tuple[str, ...], fast: bool) -> tuple[int, str, str]:
    env = dict(os.environ)
    env["MLF_CLI_FAST"] = "1" if fast else "0"
    env["COLUMNS"] = "200"
    p = subprocess.run(
        [sys.executable, "-c", CODE, "power", *args],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    return p.returncode, p.stdout, p.stderr


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c)[:40] or "none" for c in CASES])
def test_fast_path_prints_what_the_typer_command_prints(args: tuple[str, ...]) -> None:
    fast = _run(args, fast=True)
    assert fast == _run(args, fast=False)
    if args and args[0] == UNSC and len(args) == 1:
        assert fast[0] == 0 and "Shapley-Shubik" in fast[1]


def test_fast_path_takes_only_plain_command_lines() -> None:
    p = _parse([UNSC, "--index", "banzhaf", "--index", "holler", "--json"])
    assert p is not None and p.index == ["banzhaf", "holler"] and p.as_json
    p = _parse(["--samples", "40", "--seed", "0", UNSC])
    assert p is not None and (p.samples, p.seed) == (40, 0)
    for args in (
        [], [UNSC, UNSC], [UNSC, "--help"], ["game.yaml"], [UNSC, "--names"],
        [UNSC, "--names", "-a"], [UNSC, "--names", "a", "--names", "b"], [UNSC, "--samples", "040"],
        [UNSC, "--samples", "4e3"], [UNSC, "--seed", "-1"], [UNSC, "--"], [UNSC, "--json=1"],
    ):  # fmt: skip
        assert _parse(args) is None, args
