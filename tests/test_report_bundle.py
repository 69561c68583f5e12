"""The inlined plotly.js: a partial bundle with exactly the trace types the report draws.

The browser test (tests/test_report_browser.py) checks that the charts draw; these tests check
the bundle's provenance and fit without a browser: its plotly.js major is the one plotly.py
writes figures for, every trace type the chart builders emit is in it, its licence ships
beside it, and the built-in scenario's report stays under the 1.5 MB budget.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import tests._sweep_summary as sweep_summary
from plotly.offline import get_plotlyjs_version

from mlf.report import render_html
from mlf.report._html import PLOTLY_BUNDLE, PLOTLY_JS_MAJOR, plotly_js
from mlf.results import result_document
from mlf.scenario import load_scenario
from mlf.talks import run_scenario

DATA = Path(__file__).parent / "data"
VENDOR = resources.files("mlf.report") / "vendor"
#: What tools/plotly-bundle/entry.js registers (scatter is in plotly.js's core).
BUNDLE_TRACES = {"scatter", "bar", "heatmap", "histogram"}
HEADER = re.compile(r"plotly\.js v(\d+)\.(\d+)\.(\d+) \(mlf partial bundle: ([a-z, ]+)\)")


def _header() -> re.Match[str]:
    m = HEADER.search(plotly_js()[:400])
    assert m is not None, "the vendored bundle lost its header line"
    return m


def _trace_types(html: str) -> set[str]:
    """Trace types in the page's ``Plotly.newPlot`` figure JSON (scatter is plotly's default)."""
    types: set[str] = set()
    for blob in re.findall(r"var f = (\{.*?\}); Plotly\.newPlot\(", html):
        fig = json.loads(blob)
        types |= {t.get("type", "scatter") for t in fig["data"]}
    return types


def test_bundle_matches_plotly_py_major_and_lists_its_traces() -> None:
    m = _header()
    assert int(m.group(1)) == PLOTLY_JS_MAJOR
    assert int(get_plotlyjs_version().split(".")[0]) == PLOTLY_JS_MAJOR
    assert {t.strip() for t in m.group(4).split(",")} == BUNDLE_TRACES


def test_bundle_ships_with_its_licence_and_readme() -> None:
    licence = (VENDOR / "LICENSE-plotly.js.txt").read_text("utf-8")
    assert "MIT License" in licence and "Plotly" in licence
    readme = (VENDOR / "README.md").read_text("utf-8")
    js = (VENDOR / PLOTLY_BUNDLE).read_bytes()
    assert hashlib.sha256(js).hexdigest() in readme
    assert f"size: {len(js)} bytes" in readme


def test_charts_use_only_bundled_trace_types() -> None:
    result: dict[str, Any] = json.loads((DATA / "result-minimal.json").read_text("utf-8"))
    result["sensitivity"] = sweep_summary.summary(
        9,
        {
            "fleet": sweep_summary.alternative(
                histograms={
                    "size": {"edges": [0.0, 1.0, 2.0], "counts": [3, 4]},
                    "members": [2, 3, 3, 4, 4, 4, 5, 5, 6],
                },
                tornado=[("actors.USA.capability", 0.3)],
            )
        },
    )
    minimal = _trace_types(render_html(result))
    builtin = copy.deepcopy(
        result_document(run_scenario(load_scenario("mlf-1963"), enumerate_equilibria=False))
    )
    html = render_html(builtin)
    used = minimal | _trace_types(html)
    assert used == BUNDLE_TRACES  # all four drawn somewhere, nothing outside the bundle
    # the issue-12 budget: the built-in scenario's report under 1.5 MB (it was 4.9 MB)
    assert len(html.encode("utf-8")) < 1_500_000
