"""Text from inputs is escaped for the terminal (rich markup, control characters) and for
Markdown (issue 11: a title ``[/dim] x`` crashed run and show; ESC sequences reached the
terminal; ``[click](javascript:alert(2))`` stayed a live link in the Markdown report)."""

from __future__ import annotations

import json
from pathlib import Path

from markdown_it import MarkdownIt
from typer.testing import CliRunner

from mlf.cli import app
from mlf.cli._text import esc, visible
from mlf.report import render_markdown

DATA = Path(__file__).parent / "data"
runner = CliRunner()

HOSTILE = (
    "[/dim] x \x1b[31mRED\x1b]0;pwned\x07 [click](javascript:alert(2)) \u202eevil "
    "[site](https://evil.example/)"
)


def _scenario(tmp_path: Path) -> Path:
    text = (DATA / "toy-talks.yaml").read_text(encoding="utf-8")
    title = json.dumps(HOSTILE)  # a YAML double-quoted string is a JSON string
    text = text.replace("title: Joint force", f"title: {title}")
    text = text.replace("name: Leader", 'name: "[bold]Lead\\e[2J *x* <b>"')
    text = text.replace("title: Toy talks", 'title: "[red]Toy\\e[5m"')
    f = tmp_path / "hostile.yaml"
    f.write_text(text, encoding="utf-8")
    return f


def test_visible_and_esc() -> None:
    assert visible("a\x1b[31mb\x07\r\n\tc\x9b\u202e") == "a\\x1b[31mb\\x07\\x0d\n\tc\\x9b\\u202e"
    assert visible("a\nb\tc", one_line=True) == "a\\nb\\tc"
    assert esc("[/dim] x") == "\\[/dim] x"
    assert esc("[bold]\x1b") == "\\[bold]\\x1b"


def test_show_and_run_print_hostile_titles_as_text(tmp_path: Path) -> None:
    f = _scenario(tmp_path)
    assert runner.invoke(app, ["check", str(f)]).exit_code == 0
    for args in (["show", str(f)], ["run", str(f)]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
        out = res.output
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
        assert "[/dim] x" in out  # shown as text, not read as markup
        assert "\\x1b[31mRED" in out  # the escape sequence made visible


def test_error_lines_show_control_characters_escaped(tmp_path: Path) -> None:
    bad = tmp_path / "bad\x1b[2J.yaml"
    bad.write_text("meta: [\n", encoding="utf-8")
    res = runner.invoke(app, ["check", str(bad)])
    assert res.exit_code == 1
    assert "\x1b" not in res.stderr and "bad\\x1b[2J.yaml" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_markdown_report_keeps_no_live_link_or_html(tmp_path: Path) -> None:
    f = _scenario(tmp_path)
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", str(f), "--out", str(out)])
    assert res.exit_code == 0, res.output
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    md = render_markdown(result)
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<a " not in html and "javascript:" not in html.split("[click]")[0]
    assert "href" not in html
    assert "<b>" not in html and "<em>x</em>" not in html  # *x* and <b> stay text
    assert "*x* &lt;b&gt;" in html
    assert "[click](javascript:alert(2))" in html  # the title, as text
    assert "[site](https://evil.example/)" in html
    res = runner.invoke(app, ["report", str(out), "--format", "md"])
    assert res.exit_code == 0, res.output
    assert (out / "report.md").read_text(encoding="utf-8") == md
