"""``mlf scenarios``, ``mlf check``, ``mlf show`` and ``mlf schema``: scenario files.

Errors go to stderr, one located line each (``FILE:LINE:COL: field.path: reason``); output
is rich tables sized to the terminal (readable at 100 columns). Every text from the scenario
is escaped for the terminal (:mod:`mlf.cli._text`: control characters, rich markup).
"""

from __future__ import annotations

import json

import typer
from rich.table import Table

from mlf.cli._app import app, fail
from mlf.cli._fastcheck import ok_line
from mlf.cli._showtables import new_console, print_scenario
from mlf.cli._text import esc, visible
from mlf.errors import MlfError
from mlf.scenario import LoadedScenario, builtin_ids, load_scenario, scenario_json_schema

_REF = typer.Argument(..., help="A scenario file or a built-in id (see `mlf scenarios`).")


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
    new_console().print(table)


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


def _show_diff(ref: str) -> None:
    from mlf.overlay import brief
    from mlf.scenario import overlay_diff

    try:
        found = overlay_diff(ref)
    except MlfError as error:
        fail(error)
        raise AssertionError("unreachable") from None
    sc = found.loaded.scenario
    console = new_console()
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
    print_scenario(loaded, new_console())  # shared with the fast path (mlf.cli._fastshow)
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
