"""The HTML report: jinja2 templates and plotly figures, plotly.js inlined once."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from mlf.report._compare import add_compare
from mlf.report._load import ResultDoc
from mlf.report._view import build_view

#: Plotly options for every chart: interactive, no logo, no cloud links, no MathJax, no
#: topojson download (the report draws no maps).
PLOT_CONFIG: dict[str, Any] = {
    "staticPlot": False,
    "displaylogo": False,
    "responsive": True,
    "typesetMath": False,
    "topojsonURL": "",
    "showLink": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def script_json(obj: Any) -> Markup:
    """``obj`` as JSON safe inside an inline ``<script>`` (no ``</script>``, no ``<!--``)."""
    from plotly.utils import PlotlyJSONEncoder

    s = json.dumps(obj, cls=PlotlyJSONEncoder, allow_nan=False, separators=(",", ":"))
    s = s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    s = s.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(s)


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mlf.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters["plotjson"] = script_json
    return env


@functools.lru_cache(maxsize=1)
def _css() -> str:
    return (resources.files("mlf.report") / "templates" / "report.css").read_text("utf-8")


#: The vendored plotly.js bundle (see ``vendor/README.md``: which trace types, from which npm
#: package version, and how to rebuild it), and the plotly.js major version it must match:
#: plotly.py writes figure JSON for the plotly.js major it ships with.
PLOTLY_BUNDLE = "plotly-mlf.min.js"
PLOTLY_JS_MAJOR = 4


@functools.lru_cache(maxsize=1)
def plotly_js() -> str:
    """The vendored partial plotly.js bundle (scatter, bar, heatmap, histogram; no network).

    The full bundle that plotly.py ships is 4.8 MB; the report draws only these four trace
    types, so it inlines a bundle of them (1.0 MB), built from the plotly.js npm package.
    """
    js = (resources.files("mlf.report") / "vendor" / PLOTLY_BUNDLE).read_text("utf-8")
    if "</script" in js.lower():  # never seen; keep the inline script well-formed regardless
        js = js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
    return js


def render_html(
    result: Mapping[str, Any] | ResultDoc,
    *,
    compare: Mapping[str, Any] | None = None,
    compare_name: str | None = None,
) -> str:
    """The report of one ``mlf run`` result as one self-contained HTML page.

    With ``compare`` (another result, read from ``compare_name``), the page has a section
    "What changed" (:mod:`mlf.report._compare`, ``mlf report A --compare B``).

    ``result`` is the validated result (:class:`mlf.results.ResultFile`) or its dict
    (``result.json``, :func:`mlf.results.result_document`; optionally with a
    ``"sensitivity"`` key), validated first: a dict of another shape is
    :class:`mlf.report.ReportError`. The page loads nothing from any network: styles are inline,
    plotly.js is inlined once, and each chart is a div with a small ``Plotly.newPlot`` call.
    Charts need JavaScript; every number they show is also in a table.
    """
    view = build_view(result, with_charts=True)
    if compare is not None:
        add_compare(view, result, compare, compare_name)
    template = _env().get_template("report.html.j2")
    return template.render(
        v=view,
        css=Markup(_css()),
        plotlyjs=Markup(plotly_js()) if view["chart_count"] else Markup(""),
        plot_config=PLOT_CONFIG,
    )
