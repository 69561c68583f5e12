"""The start-up fast path of ``mlf power`` on a weighted game given on the command line.

``mlf power "[39; 7, 7, ...]"`` is a one-shot command: most of its time used to be typer's
and click's import, not the computation. :func:`mlf.cli.main` first offers the command line
to :func:`run`, which handles only the plainest form of the command: the game ``[q; w1, ...]``
and the options ``--names``, ``--veto``, ``--index`` (repeatable), ``--exact``, ``--json``,
``--samples`` and ``--seed`` with plain values. It runs the very code of the typer command
(:mod:`mlf.cli._powerrun`) and prints the same bytes.

Anything else (``--help``, an unknown or repeated option, ``--opt=value``, a value that looks
like an option or is not a plain integer where one is expected, a game file, any error) is
not handled here: :func:`run` returns None before printing anything and the typer command
runs, so help, usage errors and error lines are the typer command's own, unchanged.
``MLF_CLI_FAST=0`` in the environment turns the fast path off (the tests compare both).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

_INT = re.compile(r"0|[1-9][0-9]{0,24}")


@dataclass
class _Args:
    game: str = ""
    names: str | None = None
    veto: str | None = None
    index: list[str] = field(default_factory=list)
    exact: bool = False
    as_json: bool = False
    samples: int | None = None
    seed: int | None = None


def _parse(args: list[str]) -> _Args | None:
    """The command's parameters from ``args`` (after ``power``), or None if not plain."""
    out = _Args()
    seen: set[str] = set()
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--exact":
            out.exact = True
        elif a == "--json":
            out.as_json = True
        elif a in ("--names", "--veto", "--index", "--samples", "--seed"):
            if i + 1 >= len(args):
                return None
            value = args[i + 1]
            if value.startswith("-") or not value.strip():
                return None
            if a != "--index" and a in seen:
                return None  # repeated: leave the precedence to click
            seen.add(a)
            if a in ("--samples", "--seed") and not _INT.fullmatch(value):
                return None
            if a == "--names":
                out.names = value
            elif a == "--veto":
                out.veto = value
            elif a == "--index":
                out.index.append(value)
            elif a == "--samples":
                out.samples = int(value)
            else:
                out.seed = int(value)
            i += 1
        elif a.startswith("-") or out.game or not a.lstrip().startswith("["):
            return None
        else:
            out.game = a
        i += 1
    return out if out.game else None


def run(args: list[str]) -> int | None:
    """Run ``mlf power`` on ``args`` (after ``power``) and return the exit code, or None
    (nothing printed) when the typer command must handle it."""
    if os.environ.get("MLF_CLI_FAST", "1") == "0":
        return None
    if any(k.startswith("_MLF_COMPLETE") for k in os.environ):  # click's shell completion
        return None
    p = _parse(args)
    if p is None:
        return None
    from mlf.cli import _powerrun
    from mlf.errors import MlfError

    try:
        result = _powerrun.compute(
            p.game, p.names, p.veto, p.index or None, p.exact, p.samples, p.seed
        )
    except MlfError:
        return None  # the typer command says it, in its words
    except KeyboardInterrupt:
        _powerrun._err("error: interrupted (nothing was printed)")
        return 130
    _powerrun.render(result, p.exact, p.as_json)
    return 0
