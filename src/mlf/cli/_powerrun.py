"""``mlf power`` without typer: reading the game and computing (shared by the typer command in
:mod:`mlf.cli.power` and the start-up fast path in :mod:`mlf.cli._fastpower`); printing is
:func:`mlf.cli._powershow.render`, re-exported here.

Nothing here imports typer or click.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from mlf.cli._powershow import render
from mlf.errors import GameError, UsageError
from mlf.games import Game, UnanimityGame, parse_weighted
from mlf.power import INDEX_NAMES, MAX_SAMPLES, PowerResult, power_indices

__all__ = ["compute", "render"]


def _err(text: str) -> None:
    """One line on stderr, at once."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


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
