"""End to end: the report opened from disk in headless Chromium with the network blocked."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import tests._sweep_summary as sweep_summary
from tests._browser import ARGS, CHROMIUM, WAIT, playwright_or_skip

from mlf.report import write_html

pytestmark = pytest.mark.browser

DATA = Path(__file__).parent / "data"


def _minimal_with_sensitivity() -> dict[str, Any]:
    result: dict[str, Any] = json.loads((DATA / "result-minimal.json").read_text("utf-8"))
    result["sensitivity"] = sweep_summary.summary(
        50,
        {
            "fleet": sweep_summary.alternative(
                0.7,
                histograms={
                    "size": {"edges": [0.0, 1.0, 2.0], "counts": [3, 4]},
                    # a list of draws is drawn as a plotly histogram trace (binned in the page)
                    "members": [2, 3, 3, 4, 4, 4, 5, 5, 6],
                },
                tornado=[("actors.USA.capability", 0.3)],
            )
        },
    )
    return result


def _builtin() -> dict[str, Any]:
    from mlf.results import result_document
    from mlf.scenario import load_scenario
    from mlf.talks import run_scenario

    out = run_scenario(load_scenario("mlf-1963"), enumerate_equilibria=False)
    result: dict[str, Any] = copy.deepcopy(result_document(out))
    return result


def _every_model() -> dict[str, Any]:
    """``mlf run mlf-1963 --models all`` as a typed result."""
    from mlf.ensemble import all_models, run_models
    from mlf.results import result_document
    from mlf.scenario import load_scenario

    loaded = load_scenario("mlf-1963")
    ens = run_models(loaded, all_models(loaded.scenario.settings.model), enumerate_equilibria=False)
    result: dict[str, Any] = json.loads(json.dumps(result_document(ens)))
    return result


@pytest.mark.parametrize("which", ["minimal", "mlf-1963", "mlf-1963 --models all"])
def test_report_loads_offline_and_draws_every_chart(tmp_path: Path, which: str) -> None:
    sync_playwright = playwright_or_skip("the end-to-end report test")
    result = {
        "minimal": _minimal_with_sensitivity, "mlf-1963": _builtin,
        "mlf-1963 --models all": _every_model,
    }[which]()  # fmt: skip
    path = tmp_path / "report.html"
    write_html(result, path)
    url = path.resolve().as_uri()
    failed: list[str] = []
    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(WAIT)  # the page load and every read
            page.set_default_navigation_timeout(WAIT)

            def route(r: Any) -> None:
                if r.request.url.startswith("file://"):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("requestfailed", lambda req: failed.append(req.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url, wait_until="load")
            n_charts = page.locator("div.chart").count()
            assert n_charts > 0
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('div.chart'))"
                ".every(d => d.querySelector('svg.main-svg'))",
                timeout=WAIT,
            )
            missing = page.evaluate(
                "() => Array.from(document.querySelectorAll('div.chart'))"
                ".filter(d => !d.querySelector('svg.main-svg')).map(d => d.id)"
            )
            assert missing == []
            # every trace's type is in the inlined (partial) plotly.js bundle: an unknown type
            # draws nothing and logs no error, so check plotly.js resolved each one
            unresolved = page.evaluate(
                "() => Array.from(document.querySelectorAll('div.chart')).flatMap(d =>"
                " d._fullData.filter(t => !t._module || t.visible === false)"
                ".map(t => d.id + ':' + t.type))"
            )
            assert unresolved == []
            drawn = page.evaluate(
                "() => Array.from(document.querySelectorAll('div.chart'))"
                ".flatMap(d => d._fullData.map(t => t.type))"
            )
            wanted = {"bar", "histogram"} if which == "minimal" else {"bar", "heatmap", "scatter"}
            assert set(drawn) >= wanted
            rows = page.evaluate(
                "() => Array.from(document.querySelectorAll('table.comparison tbody tr'))"
                ".map(r => r.dataset.alternative)"
            )
            wanted = [a["id"] for a in result["alternatives"]]
            wanted += [b["id"] for b in result["below_threshold"]]
            assert sorted(rows) == sorted(wanted)
            # the titles are visible text in the table, not only attributes
            table_text = page.inner_text("table.comparison")
            for alt in result["alternatives"]:
                assert alt["title"] in table_text
            _check_inputs_appendix(page, result)
            if which.endswith("--models all"):
                _check_model_comparison(page, result)
        finally:
            browser.close()
    assert blocked == [], f"the page tried the network: {blocked}"
    assert failed == [], f"failed requests: {failed}"
    assert errors == [], f"console errors: {errors}"


def _check_inputs_appendix(page: Any, result: dict[str, Any]) -> None:
    """The inputs appendix is drawn (one visible row per recorded input) and a number that
    comes from an input takes the reader to its row."""
    assert page.locator("section#inputs").is_visible()
    rows = page.locator("table.inputs tbody tr")
    assert rows.count() == len(result.get("inputs") or [])
    if not result.get("inputs"):
        assert "records no inputs" in page.inner_text("section#inputs")
        return
    link = page.locator("a.input-link").first
    target = link.get_attribute("href")
    assert target and target.startswith("#input-")
    link.click()
    page.wait_for_function(f"() => location.hash === {json.dumps(target)}")
    box = page.locator(target).bounding_box()
    assert box is not None and -2 <= box["y"] < 900  # scrolled into view
    # the source keys of a row link to the sources table
    src = page.locator("table.inputs a[href^='#source-']").first
    assert page.locator(src.get_attribute("href") or "#missing").count() == 1


def _check_model_comparison(page: Any, result: dict[str, Any]) -> None:
    """The model-comparison section: an outcome row per model, the agreement counts, and a
    drawn dot chart (every model a trace) per alternative with settled terms."""
    section = page.locator("section#model-comparison")
    assert section.is_visible()
    models = result["manifest"]["models"]
    got = page.evaluate(
        "() => Array.from(document.querySelectorAll('table.model-outcomes tbody tr'))"
        ".map(r => r.dataset.model)"
    )
    assert got == models
    counts = page.evaluate(
        "() => Array.from(document.querySelectorAll('td.agreement-count')).map(c => c.innerText)"
    )
    want = [
        f"{e['agreement']} of {e['models']} models"
        for e in result["ensemble"]["alternatives"].values()
    ]
    assert counts == want
    charts = page.evaluate(
        "() => Array.from(document.querySelectorAll('#model-comparison div.chart')).map(d =>"
        " ({id: d.id, svg: !!d.querySelector('svg.main-svg'),"
        " names: d._fullData.map(t => t.name), points: d.querySelectorAll('.point').length}))"
    )
    with_terms = [e for e in result["ensemble"]["alternatives"].values() if e["terms"]]
    assert len(charts) == len(with_terms) > 0
    for c in charts:
        assert c["svg"] and set(models) <= set(c["names"]) and c["points"] > 0, c
