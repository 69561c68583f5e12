"""``mlf forecast``: run one negotiation model on a scenario's issues or a KTAB CSV file."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from mlf.bargaining import MODELS, BargainingInput, Forecast, forecast
from mlf.cli._app import app, fail
from mlf.cli._changes import counterfactual_option, overlay_option, set_option
from mlf.cli._flagchecks import check_model, check_seed
from mlf.cli._text import esc
from mlf.errors import MlfError, UsageError

if TYPE_CHECKING:
    from mlf.scenario import LoadedScenario

#: round columns shown at most (fewer on a narrow terminal); middle rounds are elided
_MAX_COLUMNS = 12


def _input_from_ktab(path: str) -> BargainingInput:
    from mlf.bargaining.ktab import read_ktab_csv

    return read_ktab_csv(path).to_input()


def _input_from_scenario(
    ref: str,
    alternative: str | None,
    issues: Sequence[str],
    changes: Mapping[str, Any] | None = None,
) -> tuple[BargainingInput, LoadedScenario, str]:
    """The negotiation of an alternative's issues among the nations that come to its table.

    As in ``mlf run``: observers never bargain, and invited nations that stay away from the
    table (:mod:`mlf.table`) do not negotiate (round 1 of the talks).

    ``changes``: the ``sets``, ``overlays`` and ``counterfactual`` to apply first
    (:func:`mlf.cli._changes.load_changed`).

    Returns the input, the (changed) scenario as loaded and the alternative's id.
    """
    from mlf.cli._changes import load_changed
    from mlf.talks import bargaining_input, come_to_table

    loaded = load_changed(ref, **(changes or {}))
    sc = loaded.scenario
    alt_id = alternative if alternative is not None else next(iter(sc.alternatives))
    if alt_id not in sc.alternatives:
        known = ", ".join(sc.alternatives)
        raise UsageError(f"--alternative {alt_id!r} is not in the scenario (known: {known})")
    alt = sc.alternatives[alt_id]
    issue_ids = list(issues) if issues else list(alt.open)
    if not issue_ids:
        raise UsageError(f"alternative {alt_id!r} has no open issues; name some with --issue")
    unknown = [i for i in issue_ids if i not in sc.issues]
    if unknown:
        known = ", ".join(sc.issues)
        raise UsageError(f"--issue {', '.join(unknown)}: not in the scenario (known: {known})")
    actors = list(come_to_table(sc, alt_id).at_table)
    if not actors:
        raise UsageError(f"alternative {alt_id!r}: no invited nation comes to the table")
    return bargaining_input(sc, issue_ids, actors), loaded, alt_id


def scenario_manifest(
    loaded: LoadedScenario, alternative: str, model: str, params: Mapping[str, Any], seed: int
) -> dict[str, Any]:
    """What produced a forecast of a scenario (reproducibility, as ``result.json``'s manifest):
    mlf version, scenario id and hash (of the changed scenario), the file (null for a
    built-in), the alternative whose table negotiated, model, parameters and seed, and with
    ``--set``, ``--overlay`` or ``--counterfactual`` every change
    (:func:`mlf.talks.comparison.manifest_changes`)."""
    from mlf import __version__
    from mlf.talks.comparison import manifest_changes

    return {
        "mlf_version": __version__,
        "scenario_id": loaded.scenario.meta.id,
        "scenario_sha256": loaded.sha256,
        "scenario_path": None if loaded.builtin else loaded.path,
        "alternative": alternative,
        "model": model,
        "model_params": dict(params),
        "seed": seed,
        **manifest_changes(loaded),
    }


def ktab_manifest(path: str, model: str, params: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """What produced a forecast of a KTAB CSV file: mlf version, the file and the SHA-256 of
    its bytes, model, parameters and seed."""
    import hashlib

    from mlf import __version__

    return {
        "mlf_version": __version__,
        "input_path": path,
        "input_sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
        "model": model,
        "model_params": dict(params),
        "seed": seed,
    }


def _select_issues(inp: BargainingInput, issues: Sequence[str]) -> BargainingInput:
    if not issues:
        return inp
    unknown = [i for i in issues if i not in inp.issues]
    if unknown:
        known = ", ".join(inp.issues)
        raise UsageError(f"--issue {', '.join(unknown)}: not in the file (known: {known})")
    cols = [inp.issues.index(i) for i in issues]
    return BargainingInput(
        actors=inp.actors,
        issues=tuple(issues),
        capability=inp.capability,
        position=inp.position[:, cols],
        salience=inp.salience[:, cols],
        lo=inp.lo[cols],
        hi=inp.hi[cols],
        status_quo=inp.status_quo[cols],
    )


def forecast_json(fc: Forecast, manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The ``--json`` document: the manifest (:func:`scenario_manifest` or
    :func:`ktab_manifest`), then per issue the forecast, the rounds (per actor) and actors."""
    return {
        "manifest": dict(manifest),
        "model": fc.model,
        "issues": {
            iid: {
                "forecast": float(fc.outcome[j]),
                "rounds": fc.trajectory[:, :, j].tolist(),
                "actors": list(fc.actors),
                "converged": bool(fc.converged),
            }
            for j, iid in enumerate(fc.issues)
        },
    }


def _columns(rounds: int, most: int = _MAX_COLUMNS) -> list[int | None]:
    if rounds + 1 <= most:
        return list(range(rounds + 1))
    head = most // 2
    tail = most - head - 1
    return [*range(head), None, *range(rounds + 1 - tail, rounds + 1)]


def _tables(fc: Forecast, width: int) -> list[tuple[str, Table]]:
    name_w = max(len("forecast"), *(len(a) for a in fc.actors))
    cols = _columns(fc.rounds, max(3, min(_MAX_COLUMNS, (width - name_w - 4) // 9)))
    out = []
    for j, iid in enumerate(fc.issues):
        head = f"[bold]{esc(iid)}[/bold]: forecast [bold]{fc.outcome[j]:.6g}[/bold] ({fc.model})"
        table = Table()
        table.add_column("actor", no_wrap=True)
        for c in cols:
            table.add_column("…" if c is None else f"r{c}", justify="right", no_wrap=True)
        for a, name in enumerate(fc.actors):
            table.add_row(
                esc(name), *("…" if c is None else f"{fc.trajectory[c, a, j]:.4g}" for c in cols)
            )
        table.add_section()
        table.add_row(
            "forecast",
            *("…" if c is None else f"{fc.outcome_trajectory[c, j]:.4g}" for c in cols),
            style="bold",
        )
        out.append((head, table))
    return out


@app.command("forecast")
def forecast_command(
    scenario: str = typer.Argument(..., help="Scenario id or path, or a KTAB .csv file."),
    issue: list[str] = typer.Option(
        [], "--issue", help="Issue id to negotiate (repeatable; default: the open issues)."
    ),
    model: str | None = typer.Option(
        None, "--model", help=f"Model: {', '.join(sorted(MODELS))} (default: scenario's / smp)."
    ),
    alternative: str | None = typer.Option(
        None, "--alternative", help="Alternative whose table negotiates (default: the first)."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed (default: the scenario's)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    set_: list[str] = set_option(),
    overlay: list[Path] = overlay_option(),
    counterfactual: str | None = counterfactual_option(),
) -> None:
    """Forecast how talks settle each issue, round by round (of the changed scenario with
    --set, --overlay or --counterfactual)."""
    try:
        check_model(model)
        check_seed(seed)
        params: dict[str, Any] = {}
        changes = {"sets": set_, "overlays": overlay, "counterfactual": counterfactual}
        if scenario.lower().endswith(".csv"):
            if alternative is not None:
                raise UsageError("--alternative is for scenarios, not KTAB CSV files")
            if set_ or overlay or counterfactual is not None:
                raise UsageError(
                    "--set, --overlay and --counterfactual change scenarios, not KTAB CSV files"
                )
            inp = _select_issues(_input_from_ktab(scenario), issue)
            name = model or "smp"
            sd = 0 if seed is None else seed
            manifest = ktab_manifest(scenario, name, params, sd)
        else:
            inp, loaded, alt_id = _input_from_scenario(scenario, alternative, issue, changes)
            settings = loaded.scenario.settings
            name = model or settings.model
            params = dict(settings.model_params.get(name, {}))
            sd = settings.seed if seed is None else seed
            manifest = scenario_manifest(loaded, alt_id, name, params, sd)
        with Progress(
            TextColumn(f"{esc(name)} rounds"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as progress:
            task = progress.add_task("rounds", total=None)

            def tick(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            fc = forecast(inp, name, params, sd, progress=tick)
    except MlfError as error:
        fail(error)
        return
    if as_json:
        typer.echo(json.dumps(forecast_json(fc, manifest)))
        return
    console = Console()
    for head, table in _tables(fc, console.width):
        console.print(head)
        console.print(table)
    console.print(f"{fc.model}: {fc.stop_reason}", highlight=False)
