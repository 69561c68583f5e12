"""Start-up imports: one-shot commands import only what they use (structural, not timed).

``mlf check``, ``show``, ``scenarios`` and ``schema`` read and print scenario files; they must
not pay for numba, scipy, plotly, duckdb or pyarrow, nor for the other commands' modules. Each
case runs the real entry point in a fresh interpreter and lists ``sys.modules`` afterwards.
The wall-clock figures are in benchmarks/startup.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import mlf.cli

#: Heavy third-party packages the scenario commands never use.
HEAVY = {
    "numba", "llvmlite", "scipy", "plotly", "duckdb", "pyarrow", "pandas", "SALib", "dask",
    "distributed", "jinja2",
    # the web stack of `mlf serve`
    "fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "psycopg", "multipart",
}  # fmt: skip
#: Other commands' modules and what only they need.
OTHERS = {
    "mlf.cli.forecast", "mlf.cli.ktab", "mlf.cli.power", "mlf.cli.report", "mlf.cli.run",
    "mlf.cli.sweep", "mlf.power", "mlf.talks", "mlf.sensitivity", "mlf.report", "mlf.costs",
    "rich.progress", "mlf.cli.serve", "mlf.web", "mlf.exercise",
}  # fmt: skip

PROBE = """
import contextlib, io, json, os, sys
sys.argv = ["mlf", *json.loads(sys.argv[1])]
from mlf.cli import main
code = None
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main()
    except SystemExit as exc:
        code = exc.code
with open(OUT, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules),
               "blas": os.environ.get("OPENBLAS_NUM_THREADS")}, f)
"""


def _modules_after(tmp_path: Path, *args: str) -> tuple[object, set[str]]:
    out = tmp_path / "modules.json"
    code = PROBE.replace("OUT", repr(str(out)))
    subprocess.run([sys.executable, "-c", code, json.dumps(list(args))], check=True, timeout=120)
    got = json.loads(out.read_text("utf-8"))
    return got["code"], set(got["modules"])


@pytest.mark.parametrize(
    "args",
    [("check", "mlf-1963"), ("show", "mlf-1963"), ("scenarios",), ("schema",)],
    ids=lambda a: a[0],
)
def test_scenario_commands_import_nothing_heavy(tmp_path: Path, args: tuple[str, ...]) -> None:
    code, modules = _modules_after(tmp_path, *args)
    assert code == 0
    # the probe really ran the command (`check` or `show` of a valid file: the fast path,
    # no typer)
    assert {"mlf.cli.scenario", "mlf.cli._fastcheck", "mlf.cli._fastshow"} & modules
    tops = {m.split(".")[0] for m in modules}
    assert sorted(tops & HEAVY) == []
    others = {m for m in modules if m in OTHERS or any(m.startswith(o + ".") for o in OTHERS)}
    assert sorted(others) == []
    if args[0] == "schema":  # printing the JSON Schema needs no numerics at all
        assert "numpy" not in tops


def test_command_table_names_the_module_that_registers_each_command() -> None:
    app = mlf.cli.app  # every command module imported
    registered: dict[str, str] = {}
    for cmd in app.registered_commands:
        assert cmd.callback is not None
        name = cmd.name or cmd.callback.__name__.replace("_", "-")
        registered[name] = cmd.callback.__module__.rsplit(".", 1)[-1]
    for group in app.registered_groups:
        assert group.name is not None and group.typer_instance is not None
        callbacks = [c.callback for c in group.typer_instance.registered_commands]
        assert callbacks and all(c is not None for c in callbacks)
        registered[group.name] = {c.__module__ for c in callbacks if c}.pop().rsplit(".", 1)[-1]
    assert registered == mlf.cli.COMMANDS


#: What ``mlf power`` on a small weighted game must not import: the heavy packages above
#: (numba only for large games), pydantic (typer's coercion; see mlf/cli/_fastparams.py),
#: importlib.metadata (the version is a literal) and the other commands' modules.
POWER_NEVER = HEAVY | {"pydantic", "pydantic_core"}
POWER_OTHERS = OTHERS - {"mlf.power"}


@pytest.mark.parametrize(
    "args",
    [
        ("power", "[39; 7,7,7,7,7,1,1,1,1,1,1,1,1,1,1]"),
        ("power", "[39; 7,7,7,7,7,1,1,1,1,1,1,1,1,1,1]", "--json", "--index", "banzhaf"),
        ("power", "[3; 1,1,1,1]", "--names", "a,b,c,d", "--veto", "a", "--exact"),
    ],
    ids=["table", "json", "names-veto"],
)
def test_power_on_a_small_game_imports_nothing_heavy(tmp_path: Path, args: tuple[str, ...]) -> None:
    code, modules = _modules_after(tmp_path, *args)
    assert code == 0
    assert "mlf._powercore" in modules  # the command really ran
    tops = {m.split(".")[0] for m in modules}
    if "--veto" in args:  # the full path (numpy), still without typer
        assert "mlf.power" in modules and "mlf.cli._powerrun" in modules
    else:  # a plain weighted game: the numpy-free path, plain text without rich
        assert sorted(tops & {"numpy", "rich"}) == []
    assert sorted(tops & POWER_NEVER) == []
    # a plain weighted game takes the fast path (mlf.cli._fastpower): no typer, no click
    assert sorted(tops & {"typer", "click"}) == []
    assert "mlf.cli.power" not in modules
    assert "importlib.metadata" not in modules
    others = {
        m for m in modules if m in POWER_OTHERS or any(m.startswith(o + ".") for o in POWER_OTHERS)
    }
    assert sorted(others) == []


def test_power_on_25_players_with_small_weights_loads_no_numba(tmp_path: Path) -> None:
    """A weighted game of 25 players whose weights are small goes to the generating-function
    DP in numpy (a few thousand steps), not the numba enumeration of 2^25 coalitions, whose
    import and kernel load alone cost about half a second (issue 12: under 0.15 s)."""
    game = "[60; " + ",".join(str(i % 9 + 1) for i in range(25)) + "]"
    code, modules = _modules_after(tmp_path, "power", game)
    assert code == 0
    assert "mlf.power" in modules and "mlf.cli._powerrun" in modules  # the full path ran
    tops = {m.split(".")[0] for m in modules}
    assert sorted(tops & POWER_NEVER) == []


@pytest.mark.parametrize("preset", [None, "2"])
def test_power_runs_numpy_with_one_blas_thread_unless_told(
    tmp_path: Path, preset: str | None
) -> None:
    """mlf power sets OPENBLAS_NUM_THREADS=1 before numpy's import (its pool would only spin);
    a value the user set is kept."""
    out = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if preset is not None:
        env["OPENBLAS_NUM_THREADS"] = preset
    game = "[60; " + ",".join(str(i % 9 + 1) for i in range(25)) + "]"
    code = PROBE.replace("OUT", repr(str(out)))
    run = [sys.executable, "-c", code, json.dumps(["power", game])]
    subprocess.run(run, check=True, timeout=120, env=env)
    got = json.loads(out.read_text("utf-8"))
    assert got["code"] == 0 and "numpy" in got["modules"]
    assert got["blas"] == (preset or "1")


def test_power_int_options_still_use_typers_coercion() -> None:
    # Only plain strings skip typer's coercion: an int option given on the command line is
    # parsed (and refused) by typer as before, with its message, in one line, exit 2.
    code = "import sys; sys.argv[0] = 'mlf'; from mlf.cli import main; main()"
    run = [sys.executable, "-c", code, "power", "[2; 1, 1]"]
    bad = subprocess.run([*run, "--samples", "abc"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert bad.stderr == (
        "error: Invalid value for '--samples': Input should be a valid integer, unable to "
        "parse string as an integer (see 'mlf power --help')\n"
    )
    ok = subprocess.run([*run, "--samples", "1.0"], capture_output=True, text=True, timeout=120)
    assert ok.stderr == "error: --samples must be from 40 to 100,000,000, got 1\n"


def test_version_imports_no_command_module(tmp_path: Path) -> None:
    code, modules = _modules_after(tmp_path, "--version")
    assert code == 0
    commands = {f"mlf.cli.{m}" for m in mlf.cli.COMMANDS.values()}
    assert sorted(modules & commands) == []
    assert "numpy" not in {m.split(".")[0] for m in modules}


#: What ``mlf check`` must not import beyond HEAVY/OTHERS: numpy (the rule grammar in
#: mlf.games is pure Python; see mlf._lazy) and the bargaining engines (scenario validation
#: needs only the models' names, mlf.bargaining_names).
CHECK_NEVER = {"numpy", "mlf.bargaining", "mlf.seeds"}


@pytest.mark.parametrize("bad_rule", [False, True], ids=["ok", "bad-rule"])
def test_check_imports_no_numpy_and_no_bargaining_engine(tmp_path: Path, bad_rule: bool) -> None:
    from mlf.scenario import builtin_text

    text = builtin_text("mlf-1963")
    good, bad = "rule: {unanimity: members}", "rule: {weighted: {quota: abc, weights: {USA: 1}}}"
    assert good in text  # the built-in still has the rule this test breaks
    path = tmp_path / "s.yaml"
    path.write_text(text.replace(good, bad) if bad_rule else text, "utf-8")
    code, modules = _modules_after(tmp_path, "check", str(path))
    assert code == (1 if bad_rule else 0)
    assert "mlf.games" in modules  # the control rules really were validated
    loaded = {m for m in modules for n in CHECK_NEVER if m == n or m.startswith(n + ".")}
    assert sorted(loaded) == []


def test_model_names_are_the_registrys() -> None:
    from mlf.bargaining.registry import MODELS
    from mlf.bargaining_names import MODEL_NAMES

    assert set(MODELS) == MODEL_NAMES


def test_check_of_a_valid_scenario_skips_typer_click_and_rich(tmp_path: Path) -> None:
    code, modules = _modules_after(tmp_path, "check", "mlf-1963")
    assert code == 0
    assert "mlf.cli._fastcheck" in modules and "mlf.scenario" in modules  # it really ran
    assert "mlf.cli.scenario" not in modules  # the fast path, not the typer command
    assert sorted({m.split(".")[0] for m in modules} & {"typer", "click", "rich"}) == []


def _warn_and_bad_files(tmp_path: Path) -> None:
    """``warn é.yaml`` (mlf-1963 with one source undated: one warning, and a name that is not
    ASCII) and ``bad.yaml`` (an unknown model: one error) in ``tmp_path``."""
    from mlf.scenario import builtin_text

    text = builtin_text("mlf-1963")
    dated = "      date: 1963-07\n"
    assert dated in text  # the undated source below makes one warning
    (tmp_path / "warn é.yaml").write_text(text.replace(dated, "", 1), "utf-8")
    (tmp_path / "bad.yaml").write_text(text.replace("model: compromise", "model: x"), "utf-8")


def test_check_fast_path_prints_the_typer_commands_bytes(tmp_path: Path) -> None:
    # Every form the fast path answers (and some it hands back), with MLF_CLI_FAST=0 (the
    # typer command) and without: same stdout, stderr and exit code.
    import os

    _warn_and_bad_files(tmp_path)
    cases = [
        ["mlf-1963"], ["--strict", "mlf-1963"], ["mlf-1964-12", "--strict"], ["warn é.yaml"],
        ["warn é.yaml", "--strict"], ["bad.yaml"], ["missing.yaml"], ["--strict"],
        ["a.yaml", "b.yaml"], ["--bogus", "mlf-1963"],
    ]  # fmt: skip
    code = "import sys; sys.argv[0] = 'mlf'; from mlf.cli import main; main()"
    outs = {}
    for fast in ("1", "0"):
        env = {**os.environ, "MLF_CLI_FAST": fast}
        outs[fast] = [
            subprocess.run(
                [sys.executable, "-c", code, "check", *args],
                capture_output=True, cwd=tmp_path, env=env, timeout=120,
            )
            for args in cases
        ]  # fmt: skip
    got = [(r.returncode, r.stdout, r.stderr) for r in outs["1"]]
    assert got == [(r.returncode, r.stdout, r.stderr) for r in outs["0"]]
    codes = [c for c, _, _ in got]
    assert codes == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert got[3][2].count(b"\n") == 1 and b"has no date" in got[3][2]  # the warning, once
    assert got[3][1].startswith("OK warn é.yaml: mlf-1963 as of 1963-07-15:".encode())


def test_show_of_a_valid_scenario_skips_typer_and_click(tmp_path: Path) -> None:
    code, modules = _modules_after(tmp_path, "show", "mlf-1963")
    assert code == 0
    assert "mlf.cli._fastshow" in modules and "mlf.cli._showtables" in modules  # it ran
    assert "mlf.cli.scenario" not in modules  # the fast path, not the typer command
    assert sorted({m.split(".")[0] for m in modules} & {"typer", "click"}) == []


def test_show_fast_path_prints_the_typer_commands_bytes(tmp_path: Path) -> None:
    # Every form the fast path answers (and some it hands back), with MLF_CLI_FAST=0 (the
    # typer command) and without: same stdout, stderr and exit code, on a pipe as it is,
    # with colours forced at another width, and on a stream that is not UTF-8.
    import os

    _warn_and_bad_files(tmp_path)
    plain = [
        ["mlf-1963"], ["mlf-1964-12"], ["warn é.yaml"], ["bad.yaml"], ["missing.yaml"],
        ["--diff", "mlf-1964-12"], ["--bogus", "mlf-1963"], ["a.yaml", "b.yaml"],
    ]  # fmt: skip
    envs = [
        ({}, plain),
        ({"FORCE_COLOR": "1", "COLUMNS": "100", "TERM": "xterm-256color"}, plain[:3]),
        ({"PYTHONIOENCODING": "ascii:backslashreplace"}, plain[:1]),
    ]
    code = "import sys; sys.argv[0] = 'mlf'; from mlf.cli import main; main()"
    base = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    for extra, cases in envs:
        outs = {}
        for fast in ("1", "0"):
            env = {**base, **extra, "MLF_CLI_FAST": fast}
            outs[fast] = [
                subprocess.run(
                    [sys.executable, "-c", code, "show", *args],
                    capture_output=True, cwd=tmp_path, env=env, timeout=120,
                )
                for args in cases
            ]  # fmt: skip
        got = [(r.returncode, r.stdout, r.stderr) for r in outs["1"]]
        assert got == [(r.returncode, r.stdout, r.stderr) for r in outs["0"]], extra
        codes = [c for c, _, _ in got]
        assert codes == [0, 0, 0, 1, 1, 0, 2, 2][: len(cases)]
        assert b"Positions" in got[0][1] and b"Counterfactuals" in got[0][1]
        if len(cases) > 2:
            assert got[2][2].count(b"\n") == 1 and b"has no date" in got[2][2]  # the warning
        if "FORCE_COLOR" in extra:
            assert b"\x1b[" in got[0][1]  # the colours really were forced
