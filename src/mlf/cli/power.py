"""``mlf power``: power indices of a control rule (a simple game)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from mlf.cli import app, fail
from mlf.cli._text import esc
from mlf.errors import GameError, MlfError, UsageError
from mlf.games import Game, RuleContext, UnanimityGame, game_from_spec, parse_weighted
from mlf.power import INDEX_NAMES, PowerResult, power_indices

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


def _load_yaml_game(path: Path) -> Game:
    """A YAML game file: ``players: [...]``, optional ``weights: {name: {actor: number}}`` and
    ``groups: {name: [...]}``, and ``rule: RULE`` in the rule-spec grammar (or the rule's one
    key at the top level)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise GameError(f"{path}: cannot read: {e}") from None
    except YAMLError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else "invalid YAML"
        raise GameError(f"{path}: not valid YAML: {first}") from None
    if not isinstance(data, dict):
        raise GameError(f"{path}: expected a mapping with 'players' and a rule")
    players = data.get("players")
    if not isinstance(players, list) or not players or not all(isinstance(p, str) for p in players):
        raise GameError(f"{path}: players: expected a non-empty list of names")
    weights = data.get("weights", {})
    groups = data.get("groups", {})
    if not isinstance(weights, dict) or not all(isinstance(v, dict) for v in weights.values()):
        raise GameError(f"{path}: weights: expected named vectors {{name: {{actor: number}}}}")
    if not isinstance(groups, dict):
        raise GameError(f"{path}: groups: expected {{name: [actors]}}")
    if "rule" in data:
        rule = data["rule"]
    else:
        rest = {k: v for k, v in data.items() if k not in ("players", "weights", "groups")}
        if len(rest) != 1:
            raise GameError(f"{path}: expected one rule (a 'rule:' key or one rule key)")
        rule = rest
    ctx = RuleContext(members=tuple(players), groups=groups, weights=weights)
    try:
        return game_from_spec(rule, ctx)
    except GameError as e:
        raise GameError(f"{path}: {e}") from None


def _read_game(text: str, names: list[str] | None) -> Game:
    if text.lstrip().startswith("["):
        return parse_weighted(text, names)
    path = Path(text)
    if not path.is_file():
        raise GameError(
            f"GAME {text!r}: neither a weighted game '[q; w1, w2, ...]' nor an existing file"
        )
    if names is not None:
        raise UsageError("--names applies to '[q; w1, ...]' games; a YAML game lists its players")
    return _load_yaml_game(path)


def _fmt(v: float | Fraction, exact: bool) -> str:
    if exact and isinstance(v, Fraction):
        return str(v)
    return f"{float(v):.6f}"


def _table(result: PowerResult, exact: bool) -> Table:
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


@app.command("power")
def power(
    game: str = typer.Argument(
        ...,
        help="A weighted game '[q; w1, w2, ...]' (weights may be decimals or fractions; "
        "a quota '2/3' or '65%' is a share of the total weight, '>1/2' strictly more "
        "than half, otherwise absolute) or a YAML file with 'players:' and a rule spec.",
    ),
    names: str | None = typer.Option(None, "--names", help="Player names, comma-separated."),
    veto: str | None = typer.Option(None, "--veto", help="Add veto players, comma-separated."),
    index: str | None = typer.Option(
        None, "--index", help=f"Indices to compute (default all): {', '.join(INDEX_NAMES)}."
    ),
    exact: bool = typer.Option(False, "--exact", help="Exact fractions in the table."),
    samples: int | None = typer.Option(None, "--samples", help="Monte Carlo with N samples."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the Monte Carlo draws."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Power indices, veto players and dummies of a control rule."""
    try:
        if samples is not None and samples <= 0:
            raise UsageError(f"--samples must be positive, got {samples}")
        if seed is not None and samples is None:
            raise UsageError("--seed needs --samples")
        g = _read_game(game, _split(names))
        vetoes = _split(veto)
        if vetoes:
            unknown = [v for v in vetoes if v not in g.players]
            if unknown:
                raise GameError(f"--veto: not players of the game: {', '.join(unknown)}")
            g = g & UnanimityGame(g.players, vetoes, label="veto")
        wanted = _split(index)
        result = power_indices(g, wanted, exact=exact, samples=samples, seed=seed)
    except MlfError as e:
        fail(e)
        return
    if as_json:
        typer.echo(json.dumps(result.to_dict()))
        return
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
        extra["winning coalitions"] = f"{result.winning_coalitions} of 2^{len(result.players)}"
    if result.coleman_act is not None:
        extra["power to act (Coleman)"] = _fmt(result.coleman_act, exact)
    if result.minimal_winning_count is not None:
        extra["minimal winning coalitions"] = str(result.minimal_winning_count)
    if result.montecarlo is not None:
        extra["Monte Carlo"] = (
            f"{result.montecarlo.samples} samples, seed {result.montecarlo.seed}, "
            "± = 95% confidence half-width"
        )
    for name, why in result.omitted.items():
        extra[f"left out: {name}"] = why
    for k, v in extra.items():
        console.print(f"{k}: {v}", highlight=False)
