"""MkDocs hook: fill the command-line page from the typer app, so it never drifts from the code.

The page ``cli.md`` holds the marker ``<!-- mlf-cli-reference -->``; this hook replaces it with
the usage, arguments and options of every ``mlf`` command, as typer documents them.
"""

from __future__ import annotations

from typing import Any

MARKER = "<!-- mlf-cli-reference -->"


def _cli_markdown() -> str:
    import click
    import typer
    from typer.cli import get_docs_for_click

    from mlf.cli import app

    command = typer.main.get_command(app)
    ctx = click.Context(command, info_name="mlf")
    text = get_docs_for_click(obj=command, ctx=ctx, name="mlf", title="mlf")
    # typer starts at "# mlf"; the page has its own title, so every heading goes one level down
    lines = [("#" + line) if line.startswith("#") else line for line in text.splitlines()]
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if page.file.src_uri != "cli.md":
        return markdown
    if MARKER not in markdown:
        raise ValueError(f"cli.md must contain {MARKER}")
    return markdown.replace(MARKER, _cli_markdown())
