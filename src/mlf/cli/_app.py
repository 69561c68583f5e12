"""The bare ``mlf`` typer app and the one-line error exit that every command module uses.

Kept apart from :mod:`mlf.cli` so a command module can register on :data:`app` without
pulling in every other command (see :func:`mlf.cli.main`: ``mlf check`` imports only the
scenario commands, not numba, scipy or plotly).
"""

from __future__ import annotations

import typer

from mlf._version import __version__
from mlf.cli import _fastparams
from mlf.errors import MlfError, ScenarioErrors

_fastparams.install()  # plain strings skip typer's pydantic coercion (start-up speed)

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
