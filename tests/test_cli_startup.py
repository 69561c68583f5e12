"""Start-up imports: one-shot commands import only what they use (structural, not timed).

``mlf check``, ``show``, ``scenarios`` and ``schema`` read and print scenario files; they must
not pay for numba, scipy, plotly, duckdb or pyarrow, nor for the other commands' modules. Each
case runs the real entry point in a fresh interpreter and lists ``sys.modules`` afterwards.
The wall-clock figures are in benchmarks/startup.py.
"""

from __future__ import annotations

import json
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
import contextlib, io, json, sys
sys.argv = ["mlf", *json.loads(sys.argv[1])]
from mlf.cli import main
code = None
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main()
    except SystemExit as exc:
        code = exc.code
with open(OUT, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
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
    assert "mlf.cli.scenario" in modules  # the probe really ran the command
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
