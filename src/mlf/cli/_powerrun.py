"""``mlf power`` without typer: reading the game, computing, printing (shared by the typer
command in :mod:`mlf.cli.power` and the start-up fast path in :mod:`mlf.cli._fastpower`).

Nothing here imports typer or click; rich is imported only to print the table.
"""

from __future__ import annotations

import json
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlf.errors import GameError, UsageError
from mlf.games import Game, UnanimityGame, parse_weighted
from mlf.power import INDEX_NAMES, MAX_SAMPLES, PowerResult, power_indices

if TYPE_CHECKING:
    from rich.table import Table


def _err(text: str) -> None:
    """One line on stderr, at once."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


_LABELS = {
    "banzhaf": "Banzhaf",
    "banzhaf_absolute": "Penrose-Banzhaf",
    "shapley_shubik": "Shapley-Shubik",
    "johnston": "Johnston",
    "deegan_packel": "Deegan-Packel",
    "holler": "Holler",
    "coleman_prevent": "Coleman prevent",
    "coleman_initiate": "Coleman initiate",
}


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [x.strip() for x in text.split(",") if x.strip()]


def _read_game(text: str, names: list[str] | None) -> Game:
    if text.lstrip().startswith("["):
        try:
            return parse_weighted(text, names)
        except GameError as e:
            raise GameError(f"GAME: {e}") from None
    from mlf.gamefile import load_game_file

    path = Path(text)
    if not path.exists():
        raise UsageError(
            f"GAME {text if len(text) <= 500 else text[:497] + '...'!r}: neither a weighted game "
            "'[q; w1, w2, ...]' nor an existing file"
        )
    if names is not None:
        raise UsageError("--names applies to '[q; w1, ...]' games; a YAML game lists its players")
    return load_game_file(path)


class _Progress:
    """Progress lines on stderr for long computations: nothing during the first 2 s, then
    one line at most every 5 s (plain text, so it also shows in logs and pipes)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.start = time.monotonic()
        self.last = self.start - 3.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.start < 2.0 or now - self.last < 5.0 or total <= 0:
            return
        self.last = now
        pct = 100.0 * done / total
        _err(f"mlf power: {self.what} {pct:.0f}% ({now - self.start:.0f} s elapsed)")


def _count(x: int) -> str:
    """A count for the table: in full up to 30 digits, else ``about 1.2346e+3009`` (the exact
    number is in ``--json``)."""
    text = str(x)
    if len(text) <= 30:
        return text
    return f"about {text[0]}.{text[1:5]}e+{len(text) - 1}"


def _fmt(v: float | Fraction, exact: bool) -> str:
    if exact and isinstance(v, Fraction):
        return str(v)
    return f"{float(v):.6f}"


def _table(result: PowerResult, exact: bool) -> Table:
    from rich.table import Table

    from mlf.cli._text import esc

    table = Table(title=f"Power indices ({result.method}: {result.algorithm})")
    table.add_column("player")
    names = list(result.indices)
    for name in names:
        table.add_column(_LABELS.get(name, name), justify="right")
    mc = result.montecarlo
    for p in result.players:
        cells = []
        for name in names:
            cell = _fmt(result.indices[name][p], exact)
            if mc is not None:
                cell += f" ± {mc.half_width(name, p):.4f}"
            cells.append(cell)
        table.add_row(esc(p), *cells)
    return table




def compute(
    game: str,
    names: str | None,
    veto: str | None,
    index: list[str] | None,
    exact: bool,
    samples: int | None,
    seed: int | None,
) -> PowerResult:
    """Check the options, read the game and compute its indices.

    Raises:
        MlfError: a bad option or game (one line; the caller prints it and exits).
    """
    if samples is not None and not 40 <= samples <= MAX_SAMPLES:
        raise UsageError(f"--samples must be from 40 to {MAX_SAMPLES:,}, got {samples}")
    if seed is not None and not 0 <= seed < 2**64:
        raise UsageError(f"--seed must be from 0 to 2**64-1, got {seed}")
    if seed is not None and samples is None:
        raise UsageError("--seed needs --samples")
    wanted: list[str] | None = None
    if index:
        wanted = [x for item in index for x in _split(item) or []]
        bad = [x for x in wanted if x not in INDEX_NAMES]
        if bad:
            raise UsageError(
                f"--index: unknown index {', '.join(bad)}; known: {', '.join(INDEX_NAMES)}"
            )
    g = _read_game(game, _split(names))
    vetoes = _split(veto)
    if vetoes:
        unknown = [v for v in vetoes if v not in g.players]
        if unknown:
            raise GameError(f"--veto: not players of the game: {', '.join(unknown)}")
        g = g & UnanimityGame(g.players, vetoes, label="veto")
    what = "Monte Carlo" if samples is not None else "exact computation"
    try:
        return power_indices(
            g, wanted, exact=exact, samples=samples, seed=seed, mwc_cap=0,
            progress=_Progress(what),
        )  # fmt: skip
    except GameError as e:
        if str(e).startswith("samples: "):  # the Monte Carlo limits name the flag
            raise UsageError(f"--{e}") from None
        raise


def render(result: PowerResult, exact: bool, as_json: bool) -> None:
    """Print the result: one JSON object, or the rich table and the lines under it."""
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict()) + "\n")
        sys.stdout.flush()
        return
    from rich.console import Console

    console = Console()
    table = _table(result, exact)
    needed = 4 + sum(
        3 + max(len(str(c.header)), *(len(str(x)) for x in c._cells)) for c in table.columns
    )
    console.width = max(console.width, needed)
    console.print(table)
    extra: dict[str, Any] = {
        "veto players": ", ".join(result.veto_players) or "none",
        "dummies": ", ".join(result.dummies) or "none",
    }
    if result.winning_coalitions is not None:
        extra["winning coalitions"] = (
            f"{_count(result.winning_coalitions)} of 2^{len(result.players)}"
        )
    if result.coleman_act is not None:
        extra["power to act (Coleman)"] = _fmt(result.coleman_act, exact)
    if result.minimal_winning_count is not None:
        extra["minimal winning coalitions"] = _count(result.minimal_winning_count)
    if result.montecarlo is not None:
        extra["Monte Carlo"] = (
            f"{result.montecarlo.samples} samples, seed {result.montecarlo.seed}, "
            "± = 95% confidence half-width"
        )
    for name, why in result.omitted.items():
        extra[f"left out: {name}"] = why
    for k, v in extra.items():
        console.print(f"{k}: {v}", highlight=False)
