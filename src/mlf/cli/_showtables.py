"""The tables of ``mlf show``: built with rich, printed to a console; no typer, no click.

Shared by the typer command (:mod:`mlf.cli.scenario`) and its start-up fast path
(:mod:`mlf.cli._fastshow`), so that both print the same bytes. Every text from the scenario
is escaped for the terminal (:func:`mlf.cli._text.esc`).
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from mlf.cli._text import esc
from mlf.scenario import LoadedScenario, Quantity, Scenario

__all__ = ["new_console", "print_scenario"]


def new_console() -> Console:
    """The console ``mlf show`` prints to (stdout; no highlighting, long lines folded)."""
    return Console(highlight=False, soft_wrap=False)


def print_scenario(loaded: LoadedScenario, console: Console) -> None:
    """What ``mlf show REF`` prints to stdout: the scenario's title, id, date, model and
    file, then its tables (positions, actors, ratifiers, issues, alternatives, sources,
    counterfactuals)."""
    sc = loaded.scenario
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
