"""``mlf sweep``: Monte Carlo over a scenario's uncertainty, resumable, on processes or Dask."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from mlf.cli._app import app, fail
from mlf.cli._changes import (
    counterfactual_option,
    describe,
    flags_of,
    load_changed,
    overlay_option,
    set_option,
)
from mlf.cli._flagchecks import check_model, check_seed
from mlf.cli._text import esc
from mlf.errors import MlfError, UsageError

if TYPE_CHECKING:
    from mlf.results import SweepSummary


class _RateColumn(ProgressColumn):
    """Draws per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- draws/s" if speed is None else f"{speed:,.1f} draws/s", style="cyan")


def _p(p: float | None, ci: list[float] | None) -> str:
    """A probability with its Wilson 95% interval, e.g. ``12.3% [10.1%, 14.8%]``."""
    if p is None:
        return "-"
    return f"{p:.1%}" if not ci else f"{p:.1%}\n[{ci[0]:.1%}, {ci[1]:.1%}]"


def _summary_table(summary: SweepSummary) -> Table:
    """Per alternative: P(agreement) and P(the pivotal actor joins), each with its Wilson 95%
    interval, the settled values' medians with their 5%-95% range, and the three inputs that
    matter most to agreement (SRRC)."""
    pivot = summary.pivotal_actor
    table = Table(
        title=f"{summary.scenario_id}: {summary.draws:,} draws, seed {summary.seed}, "
        f"{summary.sampling} sampling, model {summary.model}",
        show_lines=True,
    )
    table.add_column("alternative")
    table.add_column("P(agreement)\n[95% interval]", justify="right")
    if pivot:
        table.add_column(f"P({pivot} joins)\n[95% interval]", justify="right")
    table.add_column("forecast median [5%, 95%]", overflow="fold", max_width=40)
    table.add_column("inputs that matter most (SRRC)", overflow="fold", max_width=60)
    for alt_id, a in summary.alternatives.items():
        row = [alt_id, _p(a.p_agreement, a.p_agreement_ci)]
        if pivot:
            p = a.p_join.get(pivot)
            row.append("not invited" if p is None else _p(p, a.p_join_ci.get(pivot)))
        fq = "\n".join(
            f"{i}: {q.q50:.4g} [{q.q05:.4g}, {q.q95:.4g}]"
            for i, q in a.forecast_quantiles.items()
            if q.q50 is not None
        )
        top = "\n".join(f"{t.input}: {t.effect:+.2f}" for t in a.tornado[:3])
        row += [fq or "-", top or "(agreement does not vary)"]
        table.add_row(*row)
    return table


def _by_model_table(summary: SweepSummary) -> Table:
    """P(agreement) per alternative among the draws that drew each model, with its Wilson 95%
    interval among those draws (:mod:`mlf.sensitivity.intervals`)."""
    by = summary.by_model or {}
    weights = summary.models or {}
    table = Table(title="P(agreement) by the model drawn", show_lines=False)
    table.add_column("model")
    table.add_column("weight", justify="right")
    table.add_column("draws", justify="right")
    alts = list(summary.alternatives)
    for a in alts:
        table.add_column(esc(a), justify="right", overflow="fold", max_width=16)
    for m, part in by.items():
        cells = []
        for a in alts:
            pa = part.alternatives.get(a)
            p, ci = (None, None) if pa is None else (pa.p_agreement, pa.p_agreement_ci)
            cells.append(
                "-" if p is None else f"{p:.1%}" + (f" [{ci[0]:.1%}, {ci[1]:.1%}]" if ci else "")
            )
        table.add_row(esc(m), f"{weights.get(m, 1.0):g}", f"{part.draws:,}", *cells)
    return table


def _varied_line(summary: SweepSummary) -> str:
    """What the sweep varied and left fixed, and the interval its probabilities carry."""
    origins = summary.varied_by_origin
    return (
        f"varied inputs: {summary.varied_inputs} ({origins.get('range', 0)} with a "
        f"written range, {origins.get('default', 0)} with the default range of their "
        f"confidence); not varied: {len(summary.not_varied)} (listed in summary.json); "
        f"probabilities with the {summary.interval}"
    )


def _flags_can_run(
    workers: int | None,
    scheduler: str | None,
    draws: int | None,
    resume: Path | None,
    out: Path | None,
    model: str | None,
    models: str | None,
) -> bool:
    """Whether the command will run, as far as the flags alone tell (checked again in full
    below): only then is the fork server started early (with the Dask worker's imports too,
    :data:`mlf._pool.DASK_PRELOAD`, for a local Dask cluster, which starts once the inputs
    have passed their checks)."""
    return (
        (workers is None or workers > 0)
        and scheduler is None
        and not (model is not None and models is not None)
        and (draws is not None or resume is not None)
        and (resume is None or out is None or out == resume)
    )


def _stop_server(started: bool, cluster: Any = None) -> None:
    """Stop the fork server this command started (:func:`mlf._pool.stop_pool_server`): on
    bad input or an interrupt its imports would otherwise run on after the command's exit.
    A local Dask cluster forked from it (:class:`mlf._daskcluster.ClusterStart`) is closed
    first: the server is stopped only once nothing runs on it."""
    if cluster is not None:
        cluster.close()
    if started:
        from mlf._pool import stop_pool_server

        stop_pool_server()


class _PostPass:
    """The point run and the fragile-decisions pass of a sweep, started before its chunks.

    The point run (:func:`mlf.ensemble.run_models`, a fraction of a second) is computed
    first in this process; the fragile pass (:func:`mlf.uncertainty.fragile.fragile_for_run`,
    a second or more, independent of the draws) is submitted to the sweep's executor, where
    it runs beside the chunks instead of after them. Both are the same calls, on the same
    inputs, as when run after the sweep, so the result is the same. If the models of the
    point run turn out not to be the sweep's (:meth:`finish` checks against the manifest),
    or starting raised an error, both are run after the sweep as before.
    """

    def __init__(self, models: list[str], point: Any, fragile: Any) -> None:
        self.models = models
        self.point = point
        self.fragile = fragile  # a future

    @staticmethod
    def point_run(executor: str, loaded: Any, models: list[str]) -> Any:
        """The point run, before the executor is opened (a local Dask cluster is still
        starting meanwhile); None serially (nothing to overlap with) or on an error."""
        if executor == "serial":
            return None
        from mlf.ensemble import run_models

        try:
            return run_models(loaded, models)
        except MlfError:  # reported where it was before: after the sweep
            return None

    @classmethod
    def start(cls, ex: Any, loaded: Any, models: list[str], point: Any) -> _PostPass | None:
        if ex is None or point is None:
            return None
        from mlf.uncertainty.fragile import fragile_for_run

        return cls(models, point, ex.submit(fragile_for_run, loaded.scenario, point.to_dict()))

    @staticmethod
    def finish(early: _PostPass | None, loaded: Any, models: list[str]) -> tuple[Any, Any]:
        if early is not None and early.models == models:
            return early.point, early.fragile.result()
        if early is not None:
            early.fragile.cancel()
        from mlf.ensemble import run_models
        from mlf.uncertainty.fragile import fragile_for_run

        point = run_models(loaded, models)
        return point, fragile_for_run(loaded.scenario, point.to_dict())


@app.command()
def sweep(
    scenario: str | None = typer.Argument(
        None, help="Scenario file or built-in id (with --resume: defaults to the sweep's)."
    ),
    draws: int | None = typer.Option(None, "--draws", help="Number of draws."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the draws (default 0)."),
    executor: str = typer.Option("process", "--executor", help="serial, process or dask."),
    workers: int | None = typer.Option(None, "--workers", help="Workers (default: all cores)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (default: a local cluster)."
    ),
    sampling: str | None = typer.Option(None, "--sampling", help="random (default) or lhs."),
    chunk_size: int | None = typer.Option(
        None, "--chunk-size", help="Draws per chunk (one Parquet file each; default 200)."
    ),
    model: str | None = typer.Option(None, "--model", help="Negotiation model."),
    models: str | None = typer.Option(
        None,
        "--models",
        help="Each draw also draws its model: 'all' (uniform), a comma list, or weights "
        "such as smp=2,nash=1.",
    ),
    out: Path | None = typer.Option(None, "--out", help="Folder of the sweep."),
    resume: Path | None = typer.Option(
        None, "--resume", help="Finish the interrupted sweep in this folder (chunks verified)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Take over the folder's stale lock (its writer no longer runs)."
    ),
    set_: list[str] = set_option(),
    overlay: list[Path] = overlay_option(),
    counterfactual: str | None = counterfactual_option(),
) -> None:
    """How sure is the forecast? Run many draws of the scenario's uncertain inputs."""
    can_run = _flags_can_run(workers, scheduler, draws, resume, out, model, models)
    started = False  # this command started the fork server: stopped again on bad input
    cluster: Any = None  # a local Dask cluster being started (mlf._daskcluster)
    local_dask = can_run and executor == "dask"
    if can_run and executor in ("process", "dask"):
        from mlf._pool import DASK_PRELOAD, start_pool_server

        # the workers' imports run beside this one's and the load; a local Dask cluster's
        # workers will fork from this server
        started = start_pool_server(DASK_PRELOAD) if local_dask else start_pool_server()
    from mlf._atomic import json_text, locked_output, release_output, write_files
    from mlf.sensitivity import (
        EXECUTORS,
        SAMPLINGS,
        check_draws,
        open_executor,
        prepare_sweep,
        read_manifest,
        resume_sweep,
        run_sweep,
        summarise,
    )
    from mlf.sensitivity.intervals import too_few_draws

    console = Console(stderr=True)
    directory: Path | None = None
    warned: str | None = None
    shown: list[str] = []
    lock: Any = None
    created: list[Path] = []
    try:
        if executor not in EXECUTORS:
            raise UsageError(f"unknown executor {executor!r} (known: {', '.join(EXECUTORS)})")
        if workers is not None and workers <= 0:
            raise UsageError(f"--workers must be positive, got {workers}")
        if scheduler is not None and executor != "dask":
            raise UsageError("--scheduler needs --executor dask")
        if sampling is not None and sampling not in SAMPLINGS:
            raise UsageError(f"unknown sampling {sampling!r} (known: {', '.join(SAMPLINGS)})")
        check_seed(seed)
        check_model(model)
        if draws is not None or chunk_size is not None:
            check_draws(
                draws if draws is not None else 1, 200 if chunk_size is None else chunk_size
            )
        weights: dict[str, float] | None = None
        point_models: list[str] = []  # the models of the point run (the sweep's)
        manifest: dict[str, Any] | None = None
        if model is not None and models is not None:
            raise UsageError("--model and --models: give one (--models draws the model)")
        if resume is not None:
            if out is not None and out != resume:
                raise UsageError("--out and --resume name different folders; give one")
            manifest = read_manifest(resume)
            asked = {"draws": draws, "seed": seed, "sampling": sampling,
                     "chunk_size": chunk_size, "model": model}
            for key, value in asked.items():
                if value is not None and value != manifest.get(key):
                    raise UsageError(
                        f"--{key.replace('_', '-')} {value} differs from the sweep's "
                        f"{manifest.get(key)} (see {resume / 'manifest.json'})"
                    )
            ref = scenario or str(manifest["scenario_ref"])
            if not (set_ or overlay or counterfactual):  # redo the sweep's own changes
                counterfactual, overlays_, sets_ = flags_of(
                    manifest.get("counterfactual", {}).get("requests", [])
                )
                overlay, set_ = [Path(o) for o in overlays_], sets_
            directory = resume
            drawn_models = manifest.get("models")
            point_models = (
                [str(m) for m in drawn_models] if drawn_models else [str(manifest.get("model"))]
            )
            if models is not None:
                from mlf.ensemble import parse_models

                asked_models = parse_models(
                    models, str(manifest.get("model")), weights=True
                )
                if asked_models != manifest.get("models"):
                    raise UsageError(
                        f"--models {models} differs from the sweep's {manifest.get('models')} "
                        f"(see {resume / 'manifest.json'})"
                    )
        else:
            if draws is None:
                raise UsageError("--draws is required (or --resume DIR)")
            ref = scenario or "mlf-1963"
        loaded = load_changed(ref, sets=set_, overlays=overlay, counterfactual=counterfactual)
        for w in loaded.warnings:
            console.print(f"[yellow]{esc(w)}[/yellow]", highlight=False)
        for line in describe(loaded):
            console.print(f"[bold]{esc(line)}[/bold]", highlight=False)
        if models is not None and resume is None:
            from mlf.ensemble import parse_models

            weights = parse_models(models, loaded.scenario.settings.model, weights=True)
        in_flight = 1 if executor == "serial" else 2 * (workers or os.cpu_count() or 1) + 2
        if directory is None:
            assert draws is not None
            checked, varied = prepare_sweep(
                loaded, draws=draws, seed=seed or 0, chunk_size=chunk_size or 200, model=model,
                sampling=sampling or "random", in_flight=in_flight, models=weights,
            )  # every check before a folder exists
            point_models = list(weights) if weights else [checked]
            warned = too_few_draws(draws, len(varied))  # printed once the sweep starts
            directory = out or Path(f"sweep-{loaded.id}")
        if local_dask:
            from mlf._daskcluster import ClusterStart

            # the input has passed its checks: scheduler, nannies and workers start in a
            # thread, beside the lock, the point run and the fork server's last imports
            cluster = ClusterStart(workers or os.cpu_count() or 1)
        command = "mlf sweep " + " ".join(shlex.quote(a) for a in sys.argv[2:])
        lock, created = locked_output(directory, command=command.strip(), force=force)
        if lock.taken_over is not None:
            console.print(
                f"took over the stale lock of pid {lock.taken_over.get('pid', '?')} on "
                f"{lock.taken_over.get('host', '?')} ({directory / 'mlf.lock'})",
                highlight=False,
            )
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("draws", total=None)

            def tick(done: int, total: int) -> None:
                nonlocal warned
                if warned is not None:  # the sweep has passed every check and starts
                    progress.console.print(warned, markup=False, highlight=False,
                                           soft_wrap=True)
                    shown.append(warned)
                    warned = None
                progress.update(task, completed=done, total=total)

            # the point run now (its models are the sweep's), and the fragile-decisions
            # pass in the pool beside the chunks instead of after them
            point_now = _PostPass.point_run(executor, loaded, point_models)
            with open_executor(
                executor, workers=workers, scheduler=scheduler, cluster=cluster
            ) as ex:
                early = _PostPass.start(ex, loaded, point_models, point_now)
                if resume is not None:
                    ran = resume_sweep(resume, loaded, executor=ex, progress=tick, lock=lock)
                else:
                    assert draws is not None
                    ran = run_sweep(
                        loaded,
                        directory,
                        draws=draws,
                        seed=seed or 0,
                        chunk_size=chunk_size or 200,
                        model=model,
                        sampling=sampling or "random",
                        executor=ex,
                        progress=tick,
                        lock=lock,
                        models=weights,
                    )
                created = []  # the folder holds a sweep now
                progress.update(task, description="summary")
                summary = summarise(directory)
                drawn = ran.manifest.get("models")  # a model-drawing sweep: every model's run
                wanted = list(drawn) if drawn else [str(ran.manifest["model"])]
                progress.update(task, description="fragile decisions")
                point, fragile = _PostPass.finish(early, loaded, wanted)
            from mlf.results import result_document, validate_sweep_summary

            result = result_document(point, sensitivity=summary, fragile=fragile)
            typed = validate_sweep_summary(summary, f"{directory / 'summary.json'}")
            write_files([
                (directory / "summary.json", json_text(summary)),
                (directory / "result.json", json_text(result)),
            ])
        lock.release()
        Console().print(_summary_table(typed))
        if typed.by_model:
            Console().print(_by_model_table(typed))
        console.print(_varied_line(typed), highlight=False, markup=False)
        for w in typed.warnings:
            if w not in shown:
                typer.echo(w, err=True)
        from mlf.uncertainty.fragile import fragile_lines

        for line in fragile_lines(fragile):
            console.print(line, highlight=False, markup=False)
        for c, why in sorted(ran.redone.items()):
            console.print(f"redid chunk {c}: {why}", highlight=False)
        kept = f" ({ran.chunks_kept} finished chunks kept)" if ran.chunks_kept else ""
        console.print(
            f"wrote {directory / 'summary.json'} and {directory / 'result.json'}: "
            f"{ran.chunks} chunk(s) of Parquet in {directory}{kept}",
            highlight=False,
        )
    except MlfError as error:
        release_output(lock, created)
        _stop_server(started, cluster)
        fail(error)
    except KeyboardInterrupt:
        release_output(lock, created)
        _stop_server(started, cluster)
        where = f"mlf sweep --resume {directory}" if directory is not None else "mlf sweep"
        typer.echo(f"interrupted: finished chunks are kept; continue with {where}", err=True)
        raise typer.Exit(130) from None
    finally:
        release_output(lock, created)
        if cluster is not None:  # bad input before the sweep: no cluster is left running
            cluster.close()

