"""``mlf diff A B``: what changed between two results (``result.json`` files or output
folders), as a rich table (:mod:`mlf.compare`)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from mlf.cli._app import app, fail
from mlf.cli._text import esc
from mlf.errors import MlfError


@app.command()
def diff(
    a: Path = typer.Argument(..., help="The first result: result.json or a folder holding it."),
    b: Path = typer.Argument(..., help="The second result: result.json or a folder holding it."),
    show_all: bool = typer.Option(False, "--all", help="Show the rows that did not change too."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
) -> None:
    """What changed from result A to result B: status, members, terms, costs, control,
    guardrails and the pivot-broadening question of every alternative."""
    from mlf.compare import compare_results
    from mlf.report import load_result

    try:
        result_a, result_b = load_result(a), load_result(b)
    except MlfError as error:
        fail(error)
        return
    comparison = compare_results(result_a, result_b)
    if as_json:
        typer.echo(json.dumps(comparison.to_dict(), indent=1))
        return
    console = Console(highlight=False, width=max(Console().width, 120))
    console.print(f"[bold]A[/bold] {esc(a)}: {esc(comparison.a_label)}")
    console.print(f"[bold]B[/bold] {esc(b)}: {esc(comparison.b_label)}")
    rows = comparison.rows if show_all else comparison.changes
    if not rows:
        console.print(
            "no difference in status, members, terms, costs, control, guardrails or the "
            "pivot-broadening question"
        )
        return
    title = "What changed from A to B" if not show_all else "A and B side by side"
    table = Table(title=title, show_lines=True, expand=False)
    table.add_column("alternative", overflow="fold", max_width=22)
    table.add_column("section", overflow="fold")
    table.add_column("item", overflow="fold", max_width=28)
    table.add_column("A", overflow="fold")
    table.add_column("B", overflow="fold")
    last = None
    for r in rows:
        alt = r.alternative if r.alternative != last else ""
        last = r.alternative
        mark = "" if r.changed else "[dim]"
        table.add_row(
            esc(alt),
            esc(r.section),
            esc(r.item),
            mark + esc(r.a),
            ("[bold]" if r.changed else "[dim]") + esc(r.b),
        )
    console.print(table)
    console.print(f"{len(comparison.changes)} of {len(comparison.rows)} rows differ")
