"""``mlf report``: the HTML page or Markdown summary of a saved result (or a sweep folder)."""

from __future__ import annotations

from pathlib import Path

import typer

from mlf.cli._app import app, fail
from mlf.errors import MlfError, UsageError

_FORMATS = {"html": "report.html", "md": "report.md"}


@app.command()
def report(
    source: Path = typer.Argument(
        ..., help="result.json of `mlf run`, or a folder holding result.json (and summary.json)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="File to write (default: report.html / report.md next to the input)."
    ),
    fmt: str = typer.Option("html", "--format", help="html (one offline page) or md (Markdown)."),
) -> None:
    """Write the report of a saved result: one offline HTML page, or a Markdown summary."""
    from mlf.report import load_result, write_html, write_markdown

    try:
        if fmt not in _FORMATS:
            raise UsageError(f"--format must be html or md, got {fmt!r}")
        result = load_result(source)
        folder = source if source.is_dir() else source.parent
        target = out if out is not None else folder / _FORMATS[fmt]
        if fmt == "html":
            write_html(result, target)
        else:
            write_markdown(result, target)
        typer.echo(f"wrote {target}")
    except MlfError as error:
        fail(error)
