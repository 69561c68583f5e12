"""``mlf show`` without typer or click: the start-up fast path for a valid scenario.

:func:`mlf.cli.main` calls :func:`run` before it imports typer. The plain form ``mlf show
REF`` of a scenario that loads is answered here, with the same bytes as the typer command
(:func:`mlf.cli._showtables.print_scenario`, used by both, prints the tables; warnings then go
to stderr, one line each, as ``typer.echo`` writes them). Anything else (``--diff``,
``--help``, any other option, a ref that looks like an option, a scenario with errors, an
output stream that is not UTF-8) returns None before printing anything, and the typer command
in :mod:`mlf.cli.scenario` handles it, with its one-line errors and exit codes.
``MLF_CLI_FAST=0`` turns the fast path off (as for ``mlf check`` and ``mlf power``).
"""

from __future__ import annotations

import codecs
import sys
from typing import TextIO

from mlf.cli._fast import allowed

__all__ = ["run"]


def _utf8(stream: TextIO) -> bool:
    """Whether ``stream`` writes UTF-8, or takes any text (no encoding: a ``StringIO``);
    elsewhere (an ASCII terminal, a legacy code page) the typer command answers."""
    if getattr(stream, "encoding", None) is None:
        return True
    try:
        return codecs.lookup(stream.encoding).name == "utf-8"
    except LookupError:
        return False


def run(args: list[str]) -> int | None:
    """Run ``mlf show`` on ``args`` (after ``show``) and return the exit code, or None
    (nothing printed) when the typer command must handle it."""
    if not allowed() or len(args) != 1 or args[0].startswith("-"):
        return None
    if not (_utf8(sys.stdout) and _utf8(sys.stderr)):
        return None
    from mlf.errors import MlfError
    from mlf.scenario import load_scenario

    try:
        try:
            loaded = load_scenario(args[0])
        except MlfError:  # the typer command reports it (same load, its one-line errors)
            return None
        from mlf.cli._showtables import new_console, print_scenario
        from mlf.cli._text import visible

        print_scenario(loaded, new_console())
        err = "".join(visible(w) + "\n" for w in loaded.warnings)
        if err:
            sys.stderr.write(err)
            sys.stderr.flush()
    except KeyboardInterrupt:  # as click's Abort in mlf.cli.main
        sys.stderr.write("error: aborted\n")
        return 130
    return 0
