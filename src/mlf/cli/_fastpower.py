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

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlf.cli._fast import allowed

if TYPE_CHECKING:
    from mlf._powercore import PowerResult

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


_NUMBER = r"(?:0|[1-9][0-9]{0,14})"  # at most 15 digits: within parse_number's limits
_PLAIN_GAME = re.compile(
    rf"[ \t]*\[[ \t]*({_NUMBER})[ \t]*;[ \t]*({_NUMBER}(?:[ \t]*,[ \t]*{_NUMBER})*)[ \t]*\][ \t]*"
)


def _names(text: str | None) -> list[str] | None:
    """``--names``/``--veto`` split as :func:`mlf.cli._powerrun._split` splits them."""
    if text is None:
        return None
    return [x.strip() for x in text.split(",") if x.strip()]


def _light(p: _Args) -> PowerResult | None:
    """The result, computed without numpy, for a game ``[q; w1, ...]`` of plain integers that
    ``algorithm="auto"`` solves with the weight-classes engine (:mod:`mlf._powercore`), with
    no ``--veto`` or ``--samples``; None for anything else (the full path decides, and says
    any error). The game, the requested indices and the engine's choice are those of
    :func:`mlf.cli._powerrun.compute` and :func:`mlf.power.power_indices`, through the same
    functions, so the result is the same record (tests/test_cli_power_fast.py)."""
    if p.veto is not None or p.samples is not None or p.seed is not None:
        return None
    m = _PLAIN_GAME.fullmatch(p.game)
    if m is None:
        return None
    from mlf import _powercore as core

    quota = int(m.group(1))
    weights = [int(x) for x in m.group(2).split(",")]
    n = len(weights)
    if not 0 < n <= core.CLASSES_MAX_PLAYERS or not 0 < quota <= sum(weights):
        return None
    names = _names(p.names)
    players = tuple(names) if names is not None else tuple(f"P{i + 1}" for i in range(n))
    if len(players) != n or len(set(players)) != n:
        return None
    wanted: list[str] | None = None
    if p.index:
        wanted = [x for item in p.index for x in _names(item) or []]
        if any(x not in core.INDEX_NAMES for x in wanted):
            return None
    # WeightedGame's integer game: the weights' common factor divided out, the quota rounded up
    g = math.gcd(*weights)
    if g > 1:
        weights = [x // g for x in weights]
        quota = -(-quota // g)
    w, t = core.weighted_form(weights, quota)
    want = list(core.INDEX_NAMES) if wanted is None else list(dict.fromkeys(wanted))
    if not core.classes_auto(w, want, 0):
        return None  # another engine: the full path
    raw = core.classes_raw(w, t, want, p.exact, 0)
    return core.assemble(
        players, core.threshold_vetoes(players, w, t), raw,
        [x for x in want if x != "coleman_act"], exact=p.exact, method="exact",
        algorithm="weight-classes", minimal_winning=(), omitted={},
    )  # fmt: skip


def run(args: list[str]) -> int | None:
    """Run ``mlf power`` on ``args`` (after ``power``) and return the exit code, or None
    (nothing printed) when the typer command must handle it."""
    if not allowed():
        return None
    p = _parse(args)
    if p is None:
        return None
    light = _light(p)
    if light is not None:
        from mlf.cli._powershow import render

        render(light, p.exact, p.as_json)
        return 0
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
