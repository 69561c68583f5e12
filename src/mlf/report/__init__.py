"""The report of an ``mlf run``: one offline HTML page, or a Markdown summary.

The report reads the typed result (:class:`mlf.results.ResultFile`: ``result.json``,
validated; a dict passed in is validated first), optionally with a ``"sensitivity"`` block
from a sweep. The HTML page is
self-contained: inline styles, plotly.js inlined once, no request to any network; its tables
read without JavaScript and it prints cleanly.

The "how to read this" notes cite each model: Achen (2006) for the compromise model, Black
(1948) for the median, Nash (1950) and Kalai (1977), Bueno de Mesquita (1994) with Scholz,
Calbert & Smith (2011), Wise et al. (2015) for KTAB's SMP; Penrose (1946), Banzhaf (1965),
Shapley & Shubik (1954), Johnston (1978), Deegan & Packel (1978), Holler (1982) and Coleman
(1971) for power; d'Aspremont et al. (1983) and Barrett (1994) for participation; Shapley
(1953) and Schmeidler (1969) for cost sharing (full references in :data:`MODEL_NOTES`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlf.report._html import PLOT_CONFIG, render_html
from mlf.report._load import (
    MAX_RESULT_BYTES,
    ReportError,
    ResultDoc,
    check_result,
    load_result,
    typed_result,
)
from mlf.report._markdown import render_markdown
from mlf.report._notes import MODEL_NOTES, ModelNote
from mlf.report._view import SECTION_IDS, build_view

__all__ = [
    "MAX_RESULT_BYTES",
    "MODEL_NOTES",
    "PLOT_CONFIG",
    "SECTION_IDS",
    "ModelNote",
    "ReportError",
    "ResultDoc",
    "build_view",
    "check_result",
    "load_result",
    "render_html",
    "render_markdown",
    "typed_result",
    "write_html",
    "write_markdown",
]


def _write(text: str, path: str | Path) -> None:
    """Write atomically (:func:`mlf._atomic.write_file`): the file is complete or absent."""
    from mlf._atomic import write_file

    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{p}: cannot write: {exc.strerror or exc}") from None
    write_file(p, text)


def write_html(result: Mapping[str, Any] | ResultDoc, path: str | Path) -> None:
    """Write :func:`render_html` of ``result`` to ``path`` (UTF-8).

    Examples:
        Two nations settle the size of a force (:func:`mlf.examples.two_nations_fleet`):

        >>> import tempfile
        >>> from pathlib import Path
        >>> from mlf.scenario import load_scenario
        >>> from mlf.talks import run_scenario
        >>> tmp = tempfile.TemporaryDirectory()
        >>> from mlf import examples
        >>> loaded = load_scenario(examples.path("two_nations_fleet"))
        >>> from mlf.results import result_document
        >>> result = result_document(run_scenario(loaded, seed=7))
        >>> write_html(result, Path(tmp.name) / "report.html")
        >>> html = (Path(tmp.name) / "report.html").read_text(encoding="utf-8")
        >>> html.startswith("<!DOCTYPE html>"), "A fleet" in html, "<script src=" in html
        (True, True, False)
        >>> tmp.cleanup()
    """
    _write(render_html(result), path)


def write_markdown(result: Mapping[str, Any] | ResultDoc, path: str | Path) -> None:
    """Write :func:`render_markdown` of ``result`` to ``path`` (UTF-8).

    Examples:
        Two nations settle the size of a force (:func:`mlf.examples.two_nations_fleet`):

        >>> import tempfile
        >>> from pathlib import Path
        >>> from mlf.scenario import load_scenario
        >>> from mlf.talks import run_scenario
        >>> tmp = tempfile.TemporaryDirectory()
        >>> from mlf import examples
        >>> loaded = load_scenario(examples.path("two_nations_fleet"))
        >>> from mlf.results import result_document
        >>> result = result_document(run_scenario(loaded, seed=7))
        >>> write_markdown(result, Path(tmp.name) / "report.md")
        >>> text = (Path(tmp.name) / "report.md").read_text(encoding="utf-8")
        >>> lines = text.splitlines()
        >>> start = lines.index("### Agreed terms")
        >>> for line in lines[start + 2 : start + 5]:
        ...     print(line)
        | element | settled at | how |
        |---|---|---|
        | Size of the force | 64 | negotiated |
        >>> tmp.cleanup()
    """
    _write(render_markdown(result), path)
