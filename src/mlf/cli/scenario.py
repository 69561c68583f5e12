"""``mlf scenarios``, ``mlf check``, ``mlf show`` and ``mlf schema``: scenario files.

Errors go to stderr, one located line each (``FILE:LINE:COL: field.path: reason``); output
is rich tables sized to the terminal (readable at 100 columns). Every text from the scenario
is escaped for the terminal (:mod:`mlf.cli._text`: control characters, rich markup).
"""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from mlf.cli._app import app, fail
from mlf.cli._fastcheck import ok_line
from mlf.cli._text import esc, visible
from mlf.errors import MlfError
from mlf.scenario import (
    LoadedScenario,
    Quantity,
    Scenario,
    builtin_ids,
    load_scenario,
    scenario_json_schema,
)

_REF = typer.Argument(..., help="A scenario file or a built-in id (see `mlf scenarios`).")


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _load(ref: str, strict: bool = False) -> LoadedScenario:
    try:
        return load_scenario(ref, strict=strict)
    except MlfError as error:
        fail(error)
        raise AssertionError("unreachable") from None  # fail() always exits


def _warn(loaded: LoadedScenario) -> None:
    for w in loaded.warnings:
        typer.echo(visible(w), err=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@app.command()
def scenarios() -> None:
    """List the built-in scenarios (id, as-of date, title)."""
    table = Table(title="Built-in scenarios", expand=False)
    table.add_column("id", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("alternatives", justify="right")
    for sid in builtin_ids():
        try:
            sc = load_scenario(sid).scenario
        except MlfError as error:
            table.add_row(sid, "-", f"[red]invalid: {esc(error)}[/red]", "-")
            continue
        table.add_row(sid, sc.meta.date.isoformat(), esc(sc.meta.title), str(len(sc.alternatives)))
    if not table.row_count:
        typer.echo("no built-in scenarios installed")
        return
    _console().print(table)


@app.command()
def check(
    ref: str = _REF,
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Make warnings errors: hindsight, undated sources, issues that do not apply.",
    ),
) -> None:
    """Validate a scenario: exit 0 if valid (warnings on stderr), 1 with every located error."""
    loaded = _load(ref, strict=strict)
    _warn(loaded)
    typer.echo(ok_line(ref, loaded))  # shared with the fast path (mlf.cli._fastcheck)


def _q(q: Quantity | None) -> str:
    if q is None:
        return "-"
    text = f"{q.value:g}"
    if q.unit:
        text += f" {esc(q.unit)}"
    return text + ("*" if q.estimate else "")


def _position_table(sc: Scenario) -> Table:
    table = Table(title="Positions (salience below)", expand=False, show_lines=True)
    table.add_column("actor", no_wrap=True)
    for iid in sc.issues:
        table.add_column(esc(iid), overflow="fold")
    for aid, actor in sc.actors.items():
        cells = []
        for iid in sc.issues:
            pos = actor.positions.get(iid)
            if pos is None:
                cells.append("[dim]-[/dim]")
                continue
            value = esc(pos.position) if isinstance(pos.position, str) else f"{pos.position:g}"
            cells.append(f"{value}\n[dim]{pos.salience.value:g}[/dim]")
        table.add_row(esc(aid), *cells)
    return table


def _ratifier_table(sc: Scenario) -> Table | None:
    """Each actor's domestic ratifiers: reservation, rule and positions (salience after /)."""
    rows = [(aid, rid, r) for aid, a in sc.actors.items() for rid, r in a.ratifiers.items()]
    if not rows:
        return None
    table = Table(title="Ratifiers (two-level talks)", caption="* an estimate", expand=False)
    for col in ("actor", "id", "name", "rule", "reservation", "positions (salience)", "sources"):
        table.add_column(col, overflow="fold")
    for aid, rid, r in rows:
        positions = ", ".join(
            f"{esc(iid)} {esc(p.position) if isinstance(p.position, str) else f'{p.position:g}'}"
            f" ({p.salience.value:g})"
            for iid, p in r.positions.items()
        )
        table.add_row(
            esc(aid),
            esc(rid),
            esc(r.name),
            r.rule,
            _q(r.reservation),
            positions or "-",
            esc(", ".join(r.sources)) or "-",
        )
    return table


def _actor_table(sc: Scenario) -> Table:
    table = Table(title="Actors", caption="* an estimate", expand=False)
    for col in ("id", "name", "Eur.", "nuc.", "capab.", "GDP", "defence", "contrib."):
        table.add_column(col, overflow="fold")
    table.add_column("weights p/v/c", no_wrap=True)
    for aid, a in sc.actors.items():
        w = a.weights
        table.add_row(
            esc(aid),
            esc(a.name),
            "yes" if a.european else "no",
            "yes" if a.nuclear else "no",
            _q(a.capability),
            _q(a.gdp),
            _q(a.defence_budget),
            _q(a.contribution),
            f"{w.policy:g}/{w.voice:g}/{w.cost:g}",
        )
    return table


def _issue_table(sc: Scenario) -> Table:
    table = Table(title="Issues", expand=False, show_lines=True)
    table.add_column("id", no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("values", overflow="fold")
    table.add_column("status quo", overflow="fold")
    for iid, issue in sc.issues.items():
        if issue.scale is not None:
            values = f"{issue.scale.lo:g}..{issue.scale.hi:g} {esc(issue.scale.unit)}".strip()
            if issue.sets:
                values += f" (sets {esc(issue.sets)})"
        else:
            values = " < ".join(esc(o.id) for o in issue.options or [])
        sq = esc(issue.status_quo) if isinstance(issue.status_quo, str) else f"{issue.status_quo:g}"
        table.add_row(esc(iid), esc(issue.title), values, sq)
    return table


def _alternative_table(sc: Scenario) -> Table:
    table = Table(title="Alternatives", expand=False, show_lines=True)
    table.add_column("id", no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("invited", overflow="fold")
    table.add_column("open issues", overflow="fold")
    table.add_column("fixed", overflow="fold")
    table.add_column("min", justify="right")
    for alt_id, alt in sc.alternatives.items():
        fixed = "\n".join(
            f"{esc(k)}={esc(v) if isinstance(v, str) else f'{v:g}'}" for k, v in alt.fixed.items()
        )
        title = esc(alt.title) + (" [European control]" if alt.requires_european_control else "")
        table.add_row(
            esc(alt_id),
            title,
            ", ".join(esc(a) for a in alt.invited),
            ", ".join(esc(i) for i in alt.open) or "-",
            fixed or "-",
            str(alt.min_members),
        )
    return table


def _counterfactual_table(sc: Scenario) -> Table:
    table = Table(title="Counterfactuals (run with --counterfactual ID)", expand=False)
    table.add_column("id", no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("changes", overflow="fold")
    for cid, cf in sc.counterfactuals.items():
        table.add_row(esc(cid), esc(cf.title), esc(", ".join(_leaves(cf.overlay))))
    return table


def _leaves(data: object, path: str = "") -> list[str]:
    """The dotted paths an overlay writes (a list edit or a value counts as one)."""
    from mlf.overlay import is_list_edit, is_record

    if isinstance(data, dict) and data and not is_list_edit(data) and not is_record(data):
        return [p for k, v in data.items() for p in _leaves(v, f"{path}.{k}" if path else k)]
    return [path]


def _source_table(sc: Scenario) -> Table:
    table = Table(title="Sources", expand=False)
    table.add_column("key", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("conf.", justify="center")
    table.add_column("title", overflow="fold")
    for s in sc.meta.sources:
        late = s.earliest_date is not None and s.earliest_date > sc.meta.date
        date = esc(s.date or "-") + (" [yellow](later)[/yellow]" if late else "")
        table.add_row(esc(s.key), date, s.confidence, esc(s.title))
    return table


def _show_diff(ref: str) -> None:
    from mlf.overlay import brief
    from mlf.scenario import overlay_diff

    try:
        found = overlay_diff(ref)
    except MlfError as error:
        fail(error)
        raise AssertionError("unreachable") from None
    sc = found.loaded.scenario
    console = _console()
    console.print(
        f"[bold]{esc(sc.meta.id)}[/bold] against its parent {esc(found.parent)}: "
        f"{_plural(len(found.changes), 'changed field')}"
    )
    table = Table(title="What the overlay changed", expand=False, show_lines=True)
    table.add_column("field", overflow="fold")
    table.add_column("parent", overflow="fold")
    table.add_column("overlay", overflow="fold")
    table.add_column("sources", overflow="fold")
    table.add_column("written at", overflow="fold")
    for ch in found.changes:
        where = ch.file if ch.line is None else f"{ch.file}:{ch.line}"
        table.add_row(
            esc(ch.path),
            esc(brief(ch.old)),
            esc(brief(ch.new)),
            esc(", ".join(ch.sources)) or "-",
            esc(where),
        )
    console.print(table)
    _warn(found.loaded)


@app.command()
def show(
    ref: str = _REF,
    diff: bool = typer.Option(
        False,
        "--diff",
        help="Show what a scenario that extends another changed against its parent.",
    ),
) -> None:
    """Show a scenario as tables: positions, actors, ratifiers, issues, alternatives, sources
    (or, with --diff, what an overlay changed)."""
    if diff:
        _show_diff(ref)
        return
    loaded = _load(ref)
    sc = loaded.scenario
    console = _console()
    console.print(f"[bold]{esc(sc.meta.title)}[/bold]")
    console.print(
        f"id {esc(sc.meta.id)}, as of {sc.meta.date.isoformat()}, model {esc(sc.settings.model)}, "
        f"seed {sc.settings.seed}"
    )
    console.print(f"file {esc(loaded.path)} (sha256 {loaded.sha256[:12]})", overflow="fold")
    if len(loaded.layers) > 1:
        chain = " <- ".join(esc(f) for f, _ in loaded.layers)
        console.print(f"extends: {chain} (the sha256 is the merged scenario's)", overflow="fold")
    for table in (
        _position_table(sc),
        _actor_table(sc),
        _ratifier_table(sc),
        _issue_table(sc),
        _alternative_table(sc),
        _source_table(sc),
        *([_counterfactual_table(sc)] if sc.counterfactuals else []),
    ):
        if table is not None:
            console.print(table)
    _warn(loaded)


@app.command()
def schema(
    result: bool = typer.Option(
        False, "--result", help="Print the JSON Schema of result.json (mlf.results) instead."
    ),
) -> None:
    """Print the JSON Schema of scenario files (for editors; cross-checks are not in it), or
    with --result that of result.json, whose format version it names."""
    if result:
        from mlf.results import result_json_schema

        typer.echo(json.dumps(result_json_schema(), indent=2))
        return
    typer.echo(json.dumps(scenario_json_schema(), indent=2))
