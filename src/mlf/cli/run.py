"""``mlf run``: the whole path on a scenario, a summary table, result.json and report.html."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from mlf.cli._app import app, fail
from mlf.cli._changes import (
    counterfactual_option,
    describe,
    load_changed,
    overlay_option,
    set_option,
)
from mlf.cli._flagchecks import check_model, check_seed
from mlf.cli._text import esc
from mlf.errors import MlfError, UsageError


def _fmt_money(x: float | None, currency: str) -> str:
    if x is None:
        return "-"
    return f"{x:,.3f} {esc(currency)}".strip()


def summary_table(result: dict[str, Any]) -> Table:
    """The comparison as a rich table (one row per alternative).

    Every text from the scenario goes through :func:`mlf.cli._text.esc` (rich markup and
    control characters escaped).
    """
    man = result["manifest"]
    sc = result["scenario"]
    table = Table(
        title=f"{esc(sc['title'])} ({esc(sc['date'])})\n"
        f"model {esc(man['model'])}, seed {esc(man['seed'])}",
        show_lines=True,
    )
    table.add_column("alternative", overflow="fold", max_width=22)
    table.add_column("support", justify="right")
    table.add_column("outcome", overflow="fold", max_width=26)
    table.add_column("agreed terms", overflow="fold", max_width=34)
    table.add_column("veto", overflow="fold", max_width=10)
    table.add_column("cost a year", overflow="fold", max_width=22)
    table.add_column("manning", overflow="fold", max_width=11)
    table.add_column("guardrails", overflow="fold", max_width=16)
    for alt in result["alternatives"]:
        terms = "\n".join(
            f"{esc(k)}: {esc(v.get('short') or v['label'])}"
            for k, v in alt.get("agreed", {}).items()
        )
        arr = alt.get("arrangement") or {}
        cost = arr.get("cost") or {}
        cur = cost.get("currency", "")
        share = cost.get("budget_share") or {}
        members = alt.get("members") or []
        cost_txt = "-"
        if members and cost.get("annual"):
            top = max(members, key=lambda m: share.get(m, 0.0))
            cost_txt = (
                f"{_fmt_money(cost['annual'], cur)}; heaviest: {esc(top)} "
                f"{share.get(top, 0.0):.1%} of its defence budget"
            )
        power = alt.get("power") or {}
        veto = ", ".join(esc(v) for v in power.get("veto_players", [])) or "-"
        man_ = alt.get("manning") or {}
        manning = "-"
        if man_:
            manning = (
                "national"
                if not man_.get("mixed")
                else "not analysed"
                if man_.get("status") == "not analysed"
                else ("feasible" if man_.get("feasible") else "INFEASIBLE")
            )
        flags = []
        for name, g in (alt.get("guardrails") or {}).items():
            ok = g.get("ok", True)
            if name == "genuinely_european":
                if g.get("required") or ok:
                    flags.append(f"european: {'yes' if ok else 'NO'}")
            else:
                flags.append(f"{name.replace('_', ' ')}: {'ok' if ok else 'FLAG'}")
        outcome = esc(alt["status"])
        if members:
            outcome += f": {', '.join(esc(m) for m in members)}"
        else:
            outcome += f"\n[dim]{esc(alt['detail'])}[/dim]"
        rat = alt.get("ratification") or {}
        if rat:
            # Ratification per member: who ratifies at home (docs/models/ratification.md).
            per = rat.get("members") or {}
            outcome += "\n[dim]ratification: " + ", ".join(
                f"{esc(m)} {'yes' if v.get('ratifies') else 'NO'}" for m, v in per.items()
            ) + (" (renegotiated)" if rat.get("renegotiated") else "") + "[/dim]"
        away = (alt.get("table") or {}).get("stayed_away") or []
        if away and members:
            outcome += f"\n[dim]stayed away from the table: {', '.join(esc(a) for a in away)}[/dim]"
        table.add_row(
            f"{esc(alt['title'])}\n[dim]{esc(alt['id'])}[/dim]",
            f"{alt['support']:.2f}",
            outcome,
            terms or "-",
            veto,
            cost_txt,
            manning,
            "\n".join(flags),
        )
    return table


def ensemble_table(result: dict[str, Any]) -> Table:
    """The models side by side (one row per alternative, one column per model), with the
    count of models under which agreement forms."""
    ens = result["ensemble"]
    models = list(ens["models"])
    table = Table(
        title=f"Every model side by side ({len(models)} models; detail above: "
        f"{esc(models[0])})",
        show_lines=True,
    )
    table.add_column("alternative", overflow="fold", max_width=22)
    table.add_column("agreement in", justify="right")
    for m in models:
        table.add_column(esc(m), overflow="fold", max_width=18)
    for aid, e in ens["alternatives"].items():
        cells = []
        for m in models:
            status = e["status"].get(m)
            if status is None:
                cells.append("-")
                continue
            members = e["members"].get(m) or []
            shown = f": {', '.join(esc(x) for x in members)}" if members else ""
            cells.append(esc(status) + shown)
        table.add_row(
            f"{esc(e['title'])}\n[dim]{esc(aid)}[/dim]",
            f"{e['agreement']} of {e['models']}",
            *cells,
        )
    return table


@app.command()
def run(
    scenario: str = typer.Argument("mlf-1963", help="Scenario file or built-in id."),
    model: str | None = typer.Option(
        None, "--model", help="Negotiation model (default: the scenario's)."
    ),
    models: str | None = typer.Option(
        None,
        "--models",
        help="Run every model named and compare them: 'all' or a comma list "
        "(e.g. compromise,smp); the first is the primary. Default: one model.",
    ),
    alternative: str | None = typer.Option(
        None, "--alternative", help="Run only this alternative."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed (default: the scenario's)."),
    out: Path | None = typer.Option(None, "--out", help="Folder for result.json and report.html."),
    as_json: bool = typer.Option(False, "--json", help="Print result.json to stdout."),
    force: bool = typer.Option(
        False, "--force", help="Take over the --out folder's stale lock (its writer is gone)."
    ),
    fragile: bool = typer.Option(
        False, "--fragile", help="Also find the inputs whose own range can flip each decision."
    ),
    set_: list[str] = set_option(),
    overlay: list[Path] = overlay_option(),
    counterfactual: str | None = counterfactual_option(),
) -> None:
    """Run every alternative with apparent support through talks, participation and analysis.

    With --set, --overlay or --counterfactual the changed scenario runs; result.json records
    every change and the report says so on its first screen."""
    from mlf._atomic import (
        json_text,
        locked_output,
        release_output,
        remove_leftovers,
        write_files,
    )
    from mlf.ensemble import parse_models, run_models
    from mlf.results import result_document

    console = Console(stderr=as_json, width=max(Console().width, 140))
    lock: Any = None
    created: list[Path] = []
    try:
        check_seed(seed)
        check_model(model)
        if model is not None and models is not None:
            raise UsageError("--model and --models: give one (--models lists the primary first)")
        loaded = load_changed(scenario, sets=set_, overlays=overlay, counterfactual=counterfactual)
        if alternative is not None and alternative not in loaded.scenario.alternatives:
            known = ", ".join(loaded.scenario.alternatives)
            raise UsageError(
                f"--alternative {alternative!r} is not in the scenario (known: {known})"
            )
        names = (
            [model or loaded.scenario.settings.model]
            if models is None
            else list(parse_models(models, loaded.scenario.settings.model))
        )
        for w in loaded.warnings:
            console.print(f"[yellow]{esc(w)}[/yellow]", highlight=False)
        for line in describe(loaded):
            console.print(f"[bold]{esc(line)}[/bold]", highlight=False)
        if out is not None:  # a writable folder, and ours alone, before any computation
            command = "mlf run " + " ".join(shlex.quote(a) for a in sys.argv[2:])
            lock, created = locked_output(out, command=command.strip(), force=force)
            remove_leftovers(out, ("result.json", "report.html"))  # of a killed earlier run
            if lock.taken_over is not None:
                Console(stderr=True).print(
                    f"took over the stale lock of pid {lock.taken_over.get('pid', '?')} on "
                    f"{lock.taken_over.get('host', '?')} ({out / 'mlf.lock'})",
                    highlight=False,
                )
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            disable=as_json,
        ) as progress:
            task = progress.add_task("talks", total=None)

            def tick(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result = run_models(
                loaded, names, seed=seed, alternative=alternative, progress=tick
            )
        extra: dict[str, Any] = {}
        if fragile:
            from mlf.uncertainty.fragile import fragile_for_run

            extra["fragile"] = fragile_for_run(loaded.scenario, result.to_dict())
        data = result_document(result, **extra)  # checked against mlf.results.ResultFile
        text = json_text(data)
        if out is not None:
            from mlf.report import render_html

            # both files complete, or neither changed
            write_files([(out / "result.json", text), (out / "report.html", render_html(data))])
            lock.release()
            created = []
        if as_json:
            typer.echo(text, nl=False)
            return
        console.print(summary_table(data))
        if data.get("ensemble"):
            console.print(ensemble_table(data))
        bq = data.get("british_question")
        if bq:
            console.print(
                f"[bold]The British question:[/bold] {esc(bq['summary'])}", highlight=False
            )
        if fragile:
            from mlf.uncertainty.fragile import fragile_lines

            for line in fragile_lines(data["fragile"]):
                console.print(esc(line), highlight=False)
        for b in data["below_threshold"]:
            console.print(
                f"below the support threshold: {esc(b['title'])} ({esc(b['id'])}), "
                f"support {b['support']:.2f}",
                highlight=False,
            )
        if out is not None:
            console.print(
                f"wrote {esc(out / 'result.json')} and {esc(out / 'report.html')}", highlight=False
            )
    except MlfError as error:
        release_output(lock, created)
        fail(error)
    finally:
        release_output(lock, created)

