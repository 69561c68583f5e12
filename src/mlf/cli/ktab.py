"""``mlf import ktab`` and ``mlf export ktab``: KTAB SMP CSV files <-> mlf scenarios."""

from __future__ import annotations

from pathlib import Path

import typer

from mlf.cli._app import app, fail
from mlf.cli._text import visible
from mlf.errors import MlfError, ScenarioError, UsageError

import_app = typer.Typer(
    name="import", help="Convert other tools' files into mlf scenarios.", no_args_is_help=True
)
export_app = typer.Typer(
    name="export", help="Write mlf scenarios in other tools' formats.", no_args_is_help=True
)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


def _write(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot write: {exc.strerror or exc}", file=str(out)) from None


@import_app.command("ktab")
def import_ktab(
    csv_file: Path = typer.Argument(..., help="A KTAB SMP CSV file (e.g. dummyData_3Dim.csv)."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the scenario YAML here (default: standard output)."
    ),
    date: str | None = typer.Option(
        None, "--date", help="The scenario's as-of date, YYYY-MM-DD (default: today)."
    ),
) -> None:
    """Convert a KTAB SMP CSV file into an mlf scenario (one alternative, model smp)."""
    try:
        import datetime as dt

        from mlf.bargaining.ktab import ktab_to_scenario_dict, read_ktab_csv
        from mlf.scenario import Scenario, dump_scenario, parse_scenario

        if date is not None:
            try:
                dt.date.fromisoformat(date)
            except ValueError:
                raise UsageError(f"--date {date!r} is not a date of the form YYYY-MM-DD") from None
        data = read_ktab_csv(csv_file)
        text = dump_scenario(Scenario.model_validate(ktab_to_scenario_dict(data, date)))
        parse_scenario(text, str(out or "<stdout>"))  # the cross-checks, too
        _write(text, out)
        if out is not None:
            typer.echo(
                visible(f"wrote {out}: {data.n} actors, {data.k} issues from {csv_file}"), err=True
            )
    except MlfError as error:
        fail(error)


@export_app.command("ktab")
def export_ktab(
    scenario: str = typer.Argument(..., help="A scenario file or a built-in id."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the CSV here (default: standard output)."
    ),
    alternative: str | None = typer.Option(
        None, "--alternative", "-a", help="Whose issues and actors (default: the first)."
    ),
) -> None:
    """Write an alternative's negotiation (its open issues, among the nations that come to its
    table, as in mlf run: no observers) as a KTAB SMP CSV file: each issue's scale mapped onto
    [0, 100], saliences x 100."""
    try:
        from mlf.bargaining.ktab import ktab_from_input, ktab_text, parse_ktab_text
        from mlf.scenario import load_scenario
        from mlf.talks import bargaining_input, come_to_table

        sc = load_scenario(scenario).scenario
        alt_id = alternative if alternative is not None else next(iter(sc.alternatives))
        if alt_id not in sc.alternatives:
            known = ", ".join(sc.alternatives)
            raise UsageError(f"--alternative {alt_id!r} is not in the scenario (known: {known})")
        alt = sc.alternatives[alt_id]
        issues = list(alt.open) or list(sc.issues)
        actors = list(come_to_table(sc, alt_id).at_table)
        inp = bargaining_input(sc, issues, actors)
        data = ktab_from_input(
            inp,
            name=f"{sc.meta.id}-{alt_id}",
            description=sc.meta.title,
            actor_descriptions=[sc.actors[a].name for a in actors],
        )
        text = ktab_text(data)
        parse_ktab_text(text, file=str(out or "<stdout>"))  # KTAB's own rules, e.g. >= 3 actors
        _write(text, out)
        if out is not None:
            typer.echo(visible(f"wrote {out}: {data.n} actors, {data.k} dimensions"), err=True)
    except MlfError as error:
        fail(error)
