"""``mlf backtest``: score the models' forecasts of dated snapshots against an outcomes file."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from mlf.cli._app import app, fail
from mlf.cli._flagchecks import check_seed
from mlf.cli._text import esc
from mlf.errors import MlfError, UsageError


def parse_models(text: str) -> list[str]:
    """``all`` (every registered model) or a comma-separated list of model names.

    The one ``--models`` reader (:func:`mlf.ensemble.parse_models`), without weights, in the
    registry's order under ``all``.
    """
    from mlf.bargaining.registry import MODELS
    from mlf.ensemble import parse_models as parse

    return list(parse(text, next(iter(MODELS))))


def _cell(entry: dict[str, Any], digits: int = 3) -> str:
    if entry["mean"] is None:
        return "-"
    return f"{entry['mean']:.{digits}f} [{entry['lo']:.{digits}f}, {entry['hi']:.{digits}f}]"


def score_table(data: dict[str, Any]) -> Table:
    """The score table: one row per snapshot and forecaster, each mean with its 95% interval."""
    man = data["manifest"]
    table = Table(
        title=f"Backtest against {esc(data['outcomes']['title'])}\n"
        f"draws {man['draws']}, seed {man['seed']}; mean [95% bootstrap interval over questions]",
        caption="Brier, log score, |error|/scale: lower is better; hit rate: higher is better; "
        "n: binary / number / option questions",
        show_lines=False,
    )
    table.add_column("snapshot")
    table.add_column("forecaster")
    table.add_column("Brier", justify="right", no_wrap=True)
    table.add_column("log score", justify="right", no_wrap=True)
    table.add_column("|error|/scale", justify="right", no_wrap=True)
    table.add_column("hit rate", justify="right", no_wrap=True)
    table.add_column("n", justify="right", no_wrap=True)
    last = None
    for e in data["scores"]:
        snap = esc(e["snapshot"]) if e["snapshot"] != last else ""
        if last is not None and e["snapshot"] != last:
            table.add_section()
        last = e["snapshot"]
        name = esc(e["forecaster"])
        if e["forecaster"] in ("status_quo", "coin_flip", "everyone_joins"):
            name = f"[dim]{name}[/dim]"
        elif e["forecaster"] == "ensemble":
            name = f"[bold]{name}[/bold]"
        table.add_row(
            snap,
            name,
            _cell(e["brier"]),
            _cell(e["log"]),
            _cell(e["abs_error"]),
            _cell(e["hit"]),
            f"{e['brier']['n']}/{e['abs_error']['n']}/{e['hit']['n']}",
        )
    return table


@app.command()
def backtest(
    outcomes: str = typer.Argument(..., help="Outcomes file (YAML): what actually happened."),
    scenarios: list[str] = typer.Argument(..., help="Snapshots to score: files or built-in ids."),
    models: str = typer.Option("all", "--models", help="'all' or a comma-separated list."),
    draws: int = typer.Option(
        0, "--draws", help="Draws of each snapshot's uncertainty ranges per model (0: point runs)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the draws and the bootstrap."),
    as_json: bool = typer.Option(False, "--json", help="Print the backtest as JSON on stdout."),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for backtest.json, backtest.html and backtest.md."
    ),
    force: bool = typer.Option(
        False, "--force", help="Take over the --out folder's stale lock (its writer is gone)."
    ),
) -> None:
    """Score each snapshot's forecasts (every model, the ensemble, three baselines) against
    what happened: Brier and log score, absolute error, hit rate, with bootstrap intervals."""
    from mlf._atomic import (
        json_text,
        locked_output,
        release_output,
        remove_leftovers,
        write_files,
    )
    from mlf.backtest import load_outcomes, run_backtest
    from mlf.scenario import load_scenario

    console = Console(stderr=as_json, width=max(Console().width, 140))
    lock: Any = None
    created: list[Path] = []
    names = ("backtest.json", "backtest.html", "backtest.md")
    try:
        check_seed(seed)
        model_list = parse_models(models)
        if draws < 0:
            raise UsageError(f"--draws must be 0 or more, got {draws}")
        loaded_outcomes = load_outcomes(outcomes)
        snaps = []
        for ref in scenarios:
            loaded = load_scenario(ref)
            for w in loaded.warnings:
                Console(stderr=True).print(f"[yellow]{esc(w)}[/yellow]", highlight=False)
            snaps.append(loaded)
        if out is not None:
            command = "mlf backtest " + " ".join(shlex.quote(a) for a in sys.argv[2:])
            lock, created = locked_output(out, command=command.strip(), force=force)
            remove_leftovers(out, names)
        progress = None
        if draws > 0:
            err = Console(stderr=True)

            def progress(snap: str, done: int, total: int) -> None:
                if done == total or done % 10 == 0:
                    err.print(f"{esc(snap)}: {done}/{total} runs", highlight=False)

        result = run_backtest(
            loaded_outcomes, snaps, model_list, draws=draws, seed=seed, progress=progress
        )
        data = result.to_dict()
        text = json_text(data)
        if out is not None:
            from mlf.report.backtest import render_backtest_html, render_backtest_markdown

            write_files(  # all three complete, or none changed
                [
                    (out / "backtest.json", text),
                    (out / "backtest.html", render_backtest_html(data)),
                    (out / "backtest.md", render_backtest_markdown(data)),
                ]
            )
            lock.release()
            created = []
        if as_json:
            typer.echo(text, nl=False)
            return
        console.print(score_table(data))
        skipped = sum(len(s["skipped"]) for s in data["snapshots"])
        if skipped:
            console.print(
                f"[dim]{skipped} question-snapshot pairs not asked (no such alternative in the "
                "snapshot, resolved by its date, or 'ratified' without ratifiers); --json "
                "lists them.[/dim]",
                highlight=False,
            )
        if out is not None:
            console.print(
                f"wrote {esc(out / 'backtest.json')}, {esc(out / 'backtest.html')} and "
                f"{esc(out / 'backtest.md')}",
                highlight=False,
            )
    except MlfError as error:
        release_output(lock, created)
        fail(error)
    finally:
        release_output(lock, created)
