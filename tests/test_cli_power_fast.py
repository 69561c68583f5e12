"""The start-up fast path of ``mlf power`` (mlf.cli._fastpower) prints exactly what the typer
command prints: same stdout, stderr and exit code, for every form it takes and for every form
it hands back to typer (help, usage errors, bad games)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlf.cli import _powershow
from mlf.cli._fastpower import _Args, _light, _parse
from mlf.games import parse_weighted
from mlf.power import power_indices

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
    # the numpy-free path (weight-classes): exact, indices, names, gcd, ties, head counts
    (UNSC, "--exact"),
    (UNSC, "--index", "banzhaf"),
    (UNSC, "--index", ","),
    ("[ 6 ;2,2 , 2,4 ]", "--names", " a , b,c,d ", "--json", "--exact"),
    ("[7; 3, 3, 3, 0, 1]", "--index", "holler,holler,johnston", "--exact"),
    ("[5; 1, 1, 1, 1, 1, 1, 1, 1, 1]",),
    ("[27; " + ", ".join(["2"] * 26) + "]",),  # a head count of 26: the closed form
    ("[40; " + ", ".join(["3"] * 10 + ["1"] * 15) + "]", "--json"),  # 25 players
    ("[9; " + ", ".join(str(k) for k in range(1, 13)) + "]",),  # 12 distinct: another engine
    ("[2; 1, 1]", "--names", "a:b,c:"),  # rich's emoji codes: rich prints it
    ("[2; 1, 1]", "--names", "été,b"),
    ("[3; 1, 1]", "--names", "a,a"),
    ("[0; 1, 1]",),
    ("[5; 1, 1]",),
    ("[007; 4, 4]",),
    ("[1000000000000000; 1000000000000000, 1]",),
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


def test_plain_games_take_the_numpy_free_engine() -> None:
    r = _light(_Args(game=UNSC))
    assert r is not None and r.algorithm == "weight-classes"
    full = power_indices(parse_weighted(UNSC), mwc_cap=0)
    assert r == full
    assert _light(_Args(game=UNSC, veto="P1")) is None  # veto games: the full path
    assert _light(_Args(game="[2/3; 1, 1, 1]")) is None  # fractions: the full path


def test_fast_path_imports_no_numpy_and_no_rich() -> None:
    code = CODE + "\n"
    probe = (
        "import sys, atexit; atexit.register(lambda: sys.stderr.write("
        "' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('numpy', 'rich', 'typer', 'click', 'pydantic')))))\n" + code
    )
    env = dict(os.environ, COLUMNS="200")
    p = subprocess.run(
        [sys.executable, "-c", probe, "power", UNSC], capture_output=True, text=True,
        timeout=120, env=env,
    )  # fmt: skip
    assert p.returncode == 0 and "Shapley-Shubik" in p.stdout
    assert p.stderr == ""


_NAME = st.text(
    alphabet=st.sampled_from("abcXYZ019 _-.:[]\\é"), min_size=1, max_size=12
).map(str.strip).filter(bool)


@settings(max_examples=120, deadline=None)
@given(
    weights=st.lists(st.integers(0, 9), min_size=1, max_size=9),
    share=st.fractions(0, 1),
    names=st.none() | st.lists(_NAME, min_size=9, max_size=9, unique=True),
    index=st.none() | st.lists(st.sampled_from(list(_powershow.LABELS)), max_size=4),
    exact=st.booleans(),
    width=st.integers(0, 160),
    styled=st.booleans(),
)
def test_plain_layout_is_richs_layout(
    weights: list[int],
    share: object,
    names: list[str] | None,
    index: list[str] | None,
    exact: bool,
    width: int,
    styled: bool,
) -> None:
    """Where the plain layout answers, it is byte for byte what rich prints (``styled``: as
    on a terminal, rich's bold and italic codes included)."""
    import contextlib
    import io
    from fractions import Fraction

    total = sum(weights)
    assert isinstance(share, Fraction)
    quota = max(1, min(total, int(share * total)))
    if total == 0:
        return
    text = f"[{quota}; {', '.join(map(str, weights))}]"
    game = parse_weighted(text, None if names is None else names[: len(weights)])
    result = power_indices(game, index, exact=exact, mwc_cap=0)
    plain = _powershow.plain_text(result, exact, width, styled)
    buf = io.StringIO()
    env = {"COLUMNS": str(width), "TERM": "xterm", "FORCE_COLOR": "1" if styled else ""}
    before = {k: os.environ.get(k) for k in env}
    with contextlib.redirect_stdout(buf):
        os.environ.update(env)
        try:
            assert _powershow._console_mode() == (width, styled)
            _powershow.rich_render(result, exact)
        finally:
            for k, v in before.items():
                if v is None:
                    del os.environ[k]
                else:
                    os.environ[k] = v
    if plain is not None:
        assert plain == buf.getvalue()
    elif names is None and width >= 80:
        raise AssertionError("default names and a normal width must take the plain layout")
