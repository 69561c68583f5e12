"""``mlf report``: the HTML page or Markdown summary of a saved result (or a sweep folder)."""

from __future__ import annotations

from pathlib import Path

import typer

from mlf.cli._app import app, fail
from mlf.cli._text import visible
from mlf.errors import MlfError, UsageError

_FORMATS = {"html": "report.html", "md": "report.md"}


def check_target(target: Path, flag: str = "--out ") -> list[Path]:
    """The file ``--out`` names must be writable: not a folder, in a folder that exists (or can
    be created) and can be written. One line, exit 2, otherwise."""
    from mlf._atomic import prepare_folder

    if target.is_dir():
        raise UsageError(f"{flag}{target}: is a folder; give the file to write")
    _, created = prepare_folder(target.parent, flag=f"{flag}{target}: folder")
    return created


@app.command()
def report(
    source: Path = typer.Argument(
        ..., help="result.json of `mlf run`, or a folder holding result.json (and summary.json)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="File to write (default: report.html / report.md next to the input)."
    ),
    fmt: str = typer.Option("html", "--format", help="html (one offline page) or md (Markdown)."),
    compare: Path | None = typer.Option(
        None,
        "--compare",
        help="Another result (result.json or its folder): adds a section 'What changed' "
        "(as mlf diff).",
    ),
) -> None:
    """Write the report of a saved result: one offline HTML page, or a Markdown summary."""
    from mlf._atomic import remove_created, write_file
    from mlf.report import load_result, render_html, render_markdown

    created: list[Path] = []
    try:
        if fmt not in _FORMATS:
            raise UsageError(f"--format must be html or md, got {fmt!r}")
        if out is not None:
            created = check_target(out)  # before reading and rendering anything
        result = load_result(source)
        folder = source if source.is_dir() else source.parent
        target = out if out is not None else folder / _FORMATS[fmt]
        if out is None:
            created = check_target(target, flag="")
        other = load_result(compare) if compare is not None else None
        name = None if compare is None else str(compare)
        render = render_html if fmt == "html" else render_markdown
        text = render(result, compare=other, compare_name=name)
        write_file(target, text)  # complete or absent
        created = []
        typer.echo(visible(f"wrote {target}"))
    except MlfError as error:
        remove_created(created)
        fail(error)
