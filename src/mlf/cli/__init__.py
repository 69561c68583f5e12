"""The ``mlf`` command line: typer commands, rich tables and progress; nothing else lives here.

Each sub-module registers its commands on :data:`app`; the library below never prints.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from typing import TYPE_CHECKING, Any

from mlf.errors import MlfError

if TYPE_CHECKING:
    from mlf.cli._app import app, fail

__all__ = ["app", "fail", "main"]

#: The module (in this package) that registers each top-level command. ``main`` imports only
#: the one the command line names, so ``mlf check`` does not import the sweep, report or power
#: commands and what they import; ``mlf --version`` alone loads none; any other first
#: argument (``--help``, a typo) loads them all. tests/test_cli_startup.py checks this table
#: against the registered commands.
COMMANDS: dict[str, str] = {
    "backtest": "backtest",
    "check": "scenario",
    "diff": "diff",
    "export": "ktab",
    "forecast": "forecast",
    "import": "ktab",
    "power": "power",
    "report": "report",
    "run": "run",
    "scenarios": "scenario",
    "schema": "scenario",
    "serve": "serve",
    "show": "scenario",
    "sweep": "sweep",
}

_loaded: set[str] = set()


def _load(name: str) -> None:
    if name not in _loaded:
        _loaded.add(name)  # before the import: a module that asks for `app` must not recurse
        importlib.import_module(f"{__name__}.{name}")


def _register() -> None:
    """Import every command module; each adds its commands to the app when imported."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            _load(info.name)


def _register_for(argv: list[str]) -> None:
    """Import only the command module that ``argv``'s command needs (all when unsure)."""
    if argv == ["--version"]:  # answered by the root callback before any command runs
        return
    command = next((a for a in argv if not a.startswith("-")), None)
    if command in COMMANDS:
        _load(COMMANDS[command])
    else:
        _register()


def __getattr__(name: str) -> Any:
    # `from mlf.cli import app` (tests, notebooks): the app with every command registered.
    if name == "app":
        from mlf.cli import _app

        _register()
        return _app.app
    if name == "fail":
        from mlf.cli._app import fail

        return fail
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point: every error is one line on stderr, never a traceback.

    Usage errors (an unknown option, a missing argument, a bad value for a typed option)
    print ``error: ... (see 'mlf CMD --help')`` and exit 2, instead of click's boxed message.
    """
    if sys.argv[1:2] == ["power"]:  # a plain weighted game: no typer (start-up time)
        # mlf power's engines are elementwise (int64 DPs, numba kernels), never a BLAS product
        # worth threads; OpenBLAS would start its pool at numpy's import and spin it, about
        # 60 ms of CPU and 50 ms of wall on 2 cores (benchmarks/power_cli.py). A user's own
        # setting stands.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        from mlf.cli import _fastpower

        fast = _fastpower.run(sys.argv[2:])
        if fast is not None:
            sys.exit(fast)
    if sys.argv[1:2] == ["check"]:  # a valid scenario: no typer, click or rich (start-up)
        from mlf.cli import _fastcheck

        fast = _fastcheck.run(sys.argv[2:])
        if fast is not None:
            sys.exit(fast)
    if sys.argv[1:2] == ["show"]:  # a valid scenario's tables: rich, but no typer or click
        from mlf.cli import _fastshow

        fast = _fastshow.run(sys.argv[2:])
        if fast is not None:
            sys.exit(fast)
    import typer
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
    from typer.exceptions import Abort

    from mlf.cli._app import app
    from mlf.cli._text import visible

    _register_for(sys.argv[1:])
    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as error:  # plain `mlf`: the help, as click would show it
        error.show()
        sys.exit(error.exit_code)
    except UsageError as error:
        cmd = error.ctx.command_path if error.ctx is not None else "mlf"
        typer.echo(
            visible(f"error: {error.format_message()} (see '{cmd} --help')", one_line=True),
            err=True,
        )
        sys.exit(error.exit_code)
    except ClickException as error:
        typer.echo(visible(f"error: {error.format_message()}", one_line=True), err=True)
        sys.exit(error.exit_code)
    except Abort:
        typer.echo("error: aborted", err=True)
        sys.exit(130)
    except MlfError as error:  # a command that forgot to catch its own
        typer.echo(visible(f"error: {error}", one_line=True), err=True)
        sys.exit(error.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
