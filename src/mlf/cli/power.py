"""``mlf power``: power indices of a control rule (a simple game).

The work is in :mod:`mlf.cli._powerrun` (no typer), which :func:`mlf.cli.main` also runs
directly for a plain weighted game (:mod:`mlf.cli._fastpower`), so one-shot use does not pay
for typer's start-up.
"""

from __future__ import annotations

import typer

from mlf.cli._app import app, fail
from mlf.cli._powerrun import compute, render
from mlf.errors import MlfError
from mlf.power import INDEX_NAMES, MAX_SAMPLES


@app.command("power")
def power(
    game: str = typer.Argument(
        ...,
        help="A weighted game \\[q; w1, w2, ...] (weights may be decimals or fractions; "
        "a quota '2/3' or '65%' is a share of the total weight, '>1/2' strictly more "
        "than half, otherwise absolute) or a YAML game file with 'players:' and a rule spec.",
        show_default=False,
    ),
    names: str | None = typer.Option(None, "--names", help="Player names, comma-separated."),
    veto: str | None = typer.Option(None, "--veto", help="Add veto players, comma-separated."),
    index: list[str] | None = typer.Option(
        None,
        "--index",
        metavar="INDEX",
        help="Indices to compute (default all; repeat the option or separate by commas): "
        f"{', '.join(INDEX_NAMES)}.",
    ),
    exact: bool = typer.Option(False, "--exact", help="Exact fractions in the table."),
    samples: int | None = typer.Option(
        None, "--samples", help=f"Monte Carlo with N samples (40 to {MAX_SAMPLES:,})."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the Monte Carlo draws (0 to 2**64-1)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Power indices, veto players and dummies of a control rule.

    Limits (checked before the work): at most 10,000 players; numbers up to 1e15 with at
    most 15 significant digits; --samples up to 100,000,000 and a Monte Carlo work budget;
    exact algorithms within a step and memory budget (see the README, "Limits of mlf power").
    """
    try:
        result = compute(game, names, veto, index, exact, samples, seed)
    except MlfError as e:
        fail(e)
        return
    except KeyboardInterrupt:
        typer.echo("error: interrupted (nothing was printed)", err=True)
        raise typer.Exit(130) from None
    render(result, exact, as_json)
