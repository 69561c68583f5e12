"""``mlf check`` without typer, click or rich: the start-up fast path for a valid scenario.

:func:`mlf.cli.main` calls :func:`run` before it imports typer. The plain forms ``mlf check
REF`` and ``mlf check --strict REF`` (either order) of a scenario that loads are answered here,
with the same bytes as the typer command (:func:`ok_line`, used by both, writes the summary;
warnings go to stderr first, one line each, as ``typer.echo`` writes them). Anything else
(``--help``, any other option, a ref that looks like an option, a scenario with errors, an
output stream that cannot encode the text) returns None before printing anything, and the
typer command in :mod:`mlf.cli.scenario` handles it, with its one-line errors and exit codes.
``MLF_CLI_FAST=0`` turns the fast path off (as for ``mlf power``).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from mlf.cli._fast import allowed

if TYPE_CHECKING:
    from mlf.scenario import LoadedScenario

__all__ = ["ok_line", "run"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def ok_line(ref: str, loaded: LoadedScenario) -> str:
    """The line ``mlf check`` prints for a valid scenario (what it is, counts, warnings)."""
    from mlf.cli._text import visible

    sc = loaded.scenario
    shown = f"{ref}.yaml" if loaded.builtin else ref
    return (
        f"OK {visible(shown)}: {sc.meta.id} as of {sc.meta.date.isoformat()}: "
        f"{_plural(len(sc.actors), 'actor')}, {_plural(len(sc.issues), 'issue')}, "
        f"{_plural(len(sc.alternatives), 'alternative')}, "
        f"{_plural(len(sc.meta.sources), 'source')}, {_plural(len(loaded.warnings), 'warning')}"
    )


def _parse(args: list[str]) -> tuple[str, bool] | None:
    """``(ref, strict)`` for ``REF``, ``--strict REF`` or ``REF --strict``; None otherwise."""
    strict = "--strict" in args
    rest = [a for a in args if a != "--strict"]
    if len(rest) != 1 or len(args) - len(rest) > 1 or rest[0].startswith("-"):
        return None
    return rest[0], strict


def _encodable(stream: TextIO, text: str) -> bool:
    try:
        text.encode(stream.encoding or "utf-8", stream.errors or "strict")
    except (LookupError, UnicodeError):
        return False
    return True


def run(args: list[str]) -> int | None:
    """Run ``mlf check`` on ``args`` (after ``check``) and return the exit code, or None
    (nothing printed) when the typer command must handle it."""
    if not allowed():
        return None
    parsed = _parse(args)
    if parsed is None:
        return None
    ref, strict = parsed
    from mlf.cli._text import visible
    from mlf.errors import MlfError
    from mlf.scenario import load_scenario

    try:
        loaded = load_scenario(ref, strict=strict)
    except MlfError:  # the typer command reports it (same load, its one-line errors)
        return None
    except KeyboardInterrupt:  # as click's Abort in mlf.cli.main
        sys.stderr.write("error: aborted\n")
        return 130
    err = "".join(visible(w) + "\n" for w in loaded.warnings)
    out = ok_line(ref, loaded) + "\n"
    if not (_encodable(sys.stderr, err) and _encodable(sys.stdout, out)):
        return None
    if err:
        sys.stderr.write(err)
        sys.stderr.flush()
    sys.stdout.write(out)
    sys.stdout.flush()
    return 0
