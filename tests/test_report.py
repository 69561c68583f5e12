"""The report: one offline HTML page and a Markdown summary, from a result dict."""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import tests._sweep_summary as sweep_summary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlf.cli import app
from mlf.report import (
    SECTION_IDS,
    ReportError,
    check_result,
    load_result,
    render_html,
    render_markdown,
    write_html,
    write_markdown,
)

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "result-minimal.json"
SUBSECTIONS = ("terms", "negotiation", "participation", "power", "costs", "manning", "guardrails")

SENSITIVITY: dict[str, Any] = sweep_summary.summary(
    200,
    {
        "fleet": sweep_summary.alternative(
            0.74,
            p_join={"USA": 0.9, "FRG": 0.8, "GBR": 0.3, "ITA": 0.7},
            forecast={"size": {"q05": 120.0, "q50": 158.0, "q95": 190.0}},
            histograms={
                "size": {"edges": [100.0, 125.0, 150.0, 175.0, 200.0], "counts": [10, 40, 100, 50]},
                "members": [2, 3, 3, 4, 3, 3],
                "unsettled": {"edges": [], "counts": []},  # no draw settled it: not drawn
            },
            tornado=[
                ("actors.FRG.positions.size.position", 12.5),
                ("actors.USA.capability", -20.0),
            ],
        ),
        "subs": sweep_summary.alternative(),
    },
)


def minimal() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MINIMAL.read_text(encoding="utf-8"))
    return data


class Page(HTMLParser):
    """Collects what the structural tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data
        else:
            self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def parse(html: str) -> Page:
    p = Page()
    p.feed(html)
    p.close()
    return p


def assert_offline(page: Page, html: str) -> None:
    """Nothing in the page can make a request: no src/href to a network, no stylesheet link."""
    for tag, a in page.tags:
        if tag in ("script", "img", "iframe", "source", "video", "audio", "embed", "link"):
            for attr in ("src", "href", "srcset", "data"):
                assert "http" not in (a.get(attr) or ""), (tag, a)
            if tag == "script":
                assert a.get("src") is None, a
        if tag == "link":
            assert "stylesheet" not in (a.get("rel") or ""), a
    for css in page.styles:
        assert "@import" not in css
        assert "url(" not in css
    assert "@font-face" not in html


def assert_structure(result: dict[str, Any], html: str) -> Page:
    page = parse(html)
    assert page.find("html", lang="en")
    for tag in ("header", "nav", "main", "footer"):
        assert page.find(tag), tag
    for sid in SECTION_IDS:
        assert sid in page.ids, sid
    assert len(page.ids) == len(set(page.ids)), "duplicate element ids"
    # Every alternative, analysed or below the threshold, has a row in the comparison table.
    rows = {a.get("data-alternative") for a in page.find("tr") if a.get("data-alternative")}
    wanted = {a["id"] for a in result["alternatives"]} | {
        b["id"] for b in result["below_threshold"]
    }
    assert rows == wanted
    # plotly.js is inlined exactly once, and every chart div has its own newPlot call.
    assert html.count("plotly.js v") == 1
    assert sum("plotly.js v" in s for s in page.scripts) == 1
    charts = [a for a in page.find("div") if "chart" in (a.get("class") or "").split()]
    calls = re.findall(r'Plotly\.newPlot\("([^"]+)"', html)
    assert sorted(calls) == sorted(str(a["id"]) for a in charts)
    for c in charts:
        assert c.get("role") == "img" and c.get("aria-label")
    for s in page.scripts:
        m = re.search(r"var f = (\{.*\}); Plotly\.newPlot", s)
        if m:
            fig = json.loads(m.group(1))
            assert fig["data"] and "layout" in fig
    # Tables are accessible: each has a caption and its header cells a scope.
    assert html.count("<table") == html.count("<caption>")
    assert all(a.get("scope") in ("col", "row") for a in page.find("th"))
    assert page.find("meta", name="viewport")
    assert "<noscript>" in html and "@media print" in html
    assert_offline(page, html)
    return page


def test_minimal_fixture_renders_every_section() -> None:
    result = minimal()
    html = render_html(result)
    page = assert_structure(result, html)
    for alt in result["alternatives"]:
        assert f"alt-{alt['id']}" in page.ids
    for sub in SUBSECTIONS:
        assert f"alt-fleet-{sub}" in page.ids
    # "not analysed" has only five keys: it still gets its section and says why.
    assert "could not be analysed: costs missing" in html
    assert "alt-land-negotiation" not in page.ids
    # the mixed-manning plan: one row per ship pattern, national totals
    assert "Crews per ship pattern" in html and ">460<" in html
    # the British question, guardrails and sources
    text = " ".join(page.text)
    assert "United Kingdom joins A mixed-manned fleet if the talks broaden" in text
    assert "Side payments that would buy entry" in text
    assert "F63-206" in text and "Own estimate" in text
    assert page.find("a", href="https://history.state.gov/historicaldocuments/frus1961-63v13/d206")
    # how to read this: the model used is shown with its citation
    assert "Bueno de Mesquita, B. (1994)" in text and "used here" in text
    assert "sensitivity" not in page.ids


def test_text_is_escaped_everywhere() -> None:
    html = render_html(minimal())
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Italy &lt;&amp; &#39;Co&#39;&gt;" in html
    assert "A minimal &lt;test&gt; scenario" in html
    # inside chart JSON, user text is escaped for the script context and for plotly's labels
    assert "European majority <b>bold</b>" not in html
    assert "European majority \\u0026lt;b\\u0026gt;bold" in html


def test_sensitivity_section() -> None:
    result = minimal()
    result["sensitivity"] = copy.deepcopy(SENSITIVITY)
    html = render_html(result)
    page = assert_structure(result, html)
    assert "sensitivity" in page.ids
    assert any("tornado" in i for i in page.ids)
    hist = [i for i in page.ids if "-hist-" in i]
    assert len(hist) == 2  # the element no draw settled has no bins, so no chart
    assert "74.0%" in html and "200 draws" in html
    result["sensitivity"] = None
    assert "sensitivity" not in parse(render_html(result)).ids
    # the block itself must be an object (the models say so): one line naming it
    result["sensitivity"] = "nonsense"
    with pytest.raises(
        ReportError, match=r"^result: sensitivity: Input should be a valid dictionary"
    ):
        render_html(result)


def test_when_nobody_joins_the_first_departures_are_shown() -> None:
    result = minimal()
    part = result["alternatives"][0]["participation"]
    start = copy.deepcopy(part["decisions"])
    for d in part["decisions"].values():
        d["join"] = False
        d["reason"] = f"{d['actor']} stays out: too few members"
    start["USA"]["reason"] = "USA leaves first: the cost is too high"
    part["decisions_if_all_join"] = start
    html = render_html(result)
    assert "Nobody joined." in html
    assert "USA leaves first: the cost is too high" in html
    part["decisions_if_all_join"] = {}
    html = render_html(result)
    assert "Nobody joined." not in html and "too few members" in html


def test_markdown_summarises_the_sweep() -> None:
    result = minimal()
    result["sensitivity"] = copy.deepcopy(SENSITIVITY)
    md = render_markdown(result)
    assert "## Sensitivity (200 draws)" in md
    row = next(line for line in md.splitlines() if "74.0%" in line)
    assert "USA 90.0%" in row and "size: 120" in row
    result["sensitivity"] = None
    assert "## Sensitivity" not in render_markdown(result)


def test_a_result_without_alternatives_or_optional_parts() -> None:
    result = minimal()
    result["alternatives"] = []
    result["below_threshold"] = []
    result["british_question"] = None
    html = render_html(result)
    page = parse(html)
    for sid in SECTION_IDS:
        assert sid in page.ids
    assert "plotly.js v" not in html  # no chart, no plotly.js
    assert "Not asked" in html
    md = render_markdown(result)
    assert "## Comparison" in md


def test_a_dict_that_is_not_a_result_is_refused_in_one_line() -> None:
    """The view reads the typed result (mlf.results.ResultFile): a dict passed to the
    renderers is validated first, and a partial one is refused naming the field."""
    partial = {"manifest": {"mlf_version": "0.1.0"}, "alternatives": []}
    for render in (render_html, render_markdown):
        with pytest.raises(ReportError) as err:
            render(partial)
        assert str(err.value).startswith("result: format_version: missing")
        assert "\n" not in str(err.value)


_NULLABLE = (
    "table", "negotiation", "participation", "power", "european", "manning", "arrangement",
    "ratification",
)  # fmt: skip
_REQUIRED = ("members", "fixed_point", "rounds", "agreed", "guardrails", "notes", "mechanics")


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    nulls=st.sets(st.sampled_from(_NULLABLE)),
    top=st.sets(st.sampled_from(("british_question", "sources", "below_threshold"))),
)
def test_any_null_part_still_renders(nulls: set[str], top: set[str]) -> None:
    """What the models allow to be absent (null, or an empty list) renders every section."""
    result = minimal()
    for alt in result["alternatives"]:
        for k in nulls:
            alt[k] = None
    for k in top:
        result[k] = None if k == "british_question" else []
    html = render_html(result)
    page = parse(html)
    for sid in SECTION_IDS:
        assert sid in page.ids
    rows = {a.get("data-alternative") for a in page.find("tr") if a.get("data-alternative")}
    assert {a["id"] for a in result["alternatives"]} <= rows
    md = render_markdown(result)
    for alt in result["alternatives"]:
        assert f"`{alt['id']}`" in md


@pytest.mark.parametrize("key", _REQUIRED)
def test_a_missing_part_is_named_not_guessed(key: str) -> None:
    """A field the models require, missing from a result, is refused naming the field (the
    view never reads a dict with a default: that is what the typed result is for)."""
    result = minimal()
    del result["alternatives"][0][key]
    with pytest.raises(ReportError, match=rf"^result: alternatives\[0\]\.{key}: missing$"):
        render_html(result)


def test_markdown_summary() -> None:
    result = minimal()
    md = render_markdown(result)
    for heading in (
        "## Comparison",
        "## The British question",
        "## Guardrails",
        "## Sources",
        "## Below the support threshold",
        "### Members and reasons",
    ):
        assert heading in md
    table = [ln for ln in md.splitlines() if ln.startswith("| ")]
    for alt in [*result["alternatives"], *result["below_threshold"]]:
        assert any(f"(`{alt['id']}`)" in ln for ln in table), alt["id"]
    assert "Land-based MRBMs \\| pipes" in md  # pipes escaped inside table cells
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "| United Kingdom (GBR) | stays out |" in md
    assert "United Kingdom joins A mixed-manned fleet" in md
    assert "| F63-206 |" in md
    # every table row has the same number of cells as its header
    blocks = re.split(r"\n\n", md)
    for b in blocks:
        lines = [ln for ln in b.splitlines() if ln.startswith("|")]
        if lines:
            widths = {len(re.split(r"(?<!\\)\|", ln)) for ln in lines}
            assert len(widths) == 1, b


def test_write_html_and_markdown(tmp_path: Path) -> None:
    result = minimal()
    write_html(result, tmp_path / "sub" / "r.html")
    write_markdown(result, tmp_path / "r.md")
    assert (tmp_path / "sub" / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# A minimal")


# --------------------------------------------------------------------------- loading, CLI


def test_load_result_checks_the_manifest(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no such file"):
        load_result(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    with pytest.raises(ReportError, match="is not JSON"):
        load_result(bad)
    bad.write_text('{"alternatives": []}', encoding="utf-8")
    with pytest.raises(ReportError, match="not an mlf result"):
        load_result(bad)
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ReportError, match="not an mlf result"):
        load_result(bad)
    with pytest.raises(ReportError, match="'alternatives' is not a list"):
        check_result({"manifest": {"mlf_version": "0"}, "alternatives": {}})
    with pytest.raises(ReportError, match=r"holds no result\.json"):
        load_result(tmp_path)


def _sweep(tmp_path: Path) -> Path:
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "result.json").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "summary.json").write_text(json.dumps(SENSITIVITY), encoding="utf-8")
    return folder


def test_sweep_folder_merges_summary(tmp_path: Path) -> None:
    result = load_result(_sweep(tmp_path))
    assert result["sensitivity"]["draws"] == 200


runner = CliRunner()


def test_cli_html_default_next_to_input(tmp_path: Path) -> None:
    src = tmp_path / "result.json"
    src.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    res = runner.invoke(app, ["report", str(src)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "report.html").is_file()
    assert "wrote" in res.output


def test_cli_markdown_and_out(tmp_path: Path) -> None:
    out = tmp_path / "appendix.md"
    res = runner.invoke(app, ["report", str(MINIMAL), "--format", "md", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("# A minimal")


def test_cli_sweep_folder(tmp_path: Path) -> None:
    folder = _sweep(tmp_path)
    res = runner.invoke(app, ["report", str(folder)])
    assert res.exit_code == 0, res.output
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert 'id="sensitivity"' in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("not json at all", "is not JSON"),
        ('{"manifest": {}}', "not an mlf result"),
    ],
)
def test_cli_bad_input_is_one_line(tmp_path: Path, content: str | None, message: str) -> None:
    src = tmp_path / "in.json"
    if content is not None:
        src.write_text(content, encoding="utf-8")
    res = runner.invoke(app, ["report", str(src)])
    assert res.exit_code == 1
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in res.output


def test_cli_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["report", str(MINIMAL), "--format", "pdf"])
    assert res.exit_code == 2
    assert "--format must be html or md" in res.output


# --------------------------------------------------------------------------- the built-ins


def _builtin_result(scenario_id: str) -> dict[str, Any]:
    from mlf.results import result_document
    from mlf.scenario import load_scenario
    from mlf.talks import run_scenario

    out = run_scenario(load_scenario(scenario_id), enumerate_equilibria=False)
    result: dict[str, Any] = json.loads(json.dumps(result_document(out), allow_nan=False))
    return result


@pytest.mark.parametrize("scenario_id", ["mlf-1963", "mlf-1964-12"])
def test_builtin_reports(scenario_id: str) -> None:
    result = _builtin_result(scenario_id)
    html = render_html(result)
    page = assert_structure(result, html)
    for alt in result["alternatives"]:
        anchor = f"alt-{re.sub(r'[^a-z0-9]+', '-', alt['id'].lower()).strip('-')}"
        assert anchor in page.ids
        if alt["status"] != "not analysed":
            assert f"{anchor}-guardrails" in page.ids
    md = render_markdown(result)
    for alt in result["alternatives"]:
        assert f"(`{alt['id']}`)" in md
    for src in result["sources"]:
        assert src["key"] in md
