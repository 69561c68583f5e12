"""The ``mlf`` command line: typer commands, rich tables and progress; nothing else lives here.

Each sub-module registers its commands on :data:`app`; the library below never prints.
"""

from __future__ import annotations

import sys

import typer

from mlf._version import __version__
from mlf.errors import MlfError, ScenarioErrors

app = typer.Typer(
    name="mlf",
    help="Model the 1963 NATO MLF talks, and talks like them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlf {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """mlf: who joins a shared arrangement, on what terms, who pays, who controls it."""


def fail(error: MlfError) -> None:
    """Print a user error as one line per problem on stderr and exit with its code.

    Control characters from inputs (a title, a file name) are shown as escapes, never sent
    to the terminal (:func:`mlf.cli._text.visible`).
    """
    from mlf.cli._text import visible

    if isinstance(error, ScenarioErrors):
        for line in error.lines():
            typer.echo(visible(line, one_line=True), err=True)
    else:
        typer.echo(visible(f"error: {error}", one_line=True), err=True)
    raise typer.Exit(error.exit_code)


def _register() -> None:
    # Each command module adds its commands to `app` when imported.
    import importlib
    import pkgutil

    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")


_register()


def main() -> None:
    """Console-script entry point: every error is one line on stderr, never a traceback.

    Usage errors (an unknown option, a missing argument, a bad value for a typed option)
    print ``error: ... (see 'mlf CMD --help')`` and exit 2, instead of click's boxed message.
    """
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
    from typer.exceptions import Abort

    from mlf.cli._text import visible

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
