"""Provenance for every number: the inputs a run used, in result.json and in the report's
appendix, and links from the numbers on the page to their rows (issue 13, item 5)."""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlf.provenance import anchor, input_rows, weakest
from mlf.report import render_html, render_markdown
from mlf.results import result_document
from mlf.scenario import iter_quantities, load_scenario
from mlf.talks import run_scenario

BUILTINS = ("mlf-1963", "mlf-1964-12")


@pytest.mark.parametrize("scenario", BUILTINS)
def test_every_quantity_is_a_row_with_its_provenance(scenario: str) -> None:
    sc = load_scenario(scenario).scenario
    listed = input_rows(sc)
    rows = {r["path"]: r for r in listed}
    assert len(rows) == len(listed)  # one row per input: no path twice
    conf = {s.key: s.confidence for s in sc.meta.sources}
    quantities = list(iter_quantities(sc))
    assert quantities
    for path, q in quantities:
        r = rows[path]
        assert r["value"] == q.value and r["sources"][: len(set(q.sources))] == list(
            dict.fromkeys(q.sources)
        )  # a ratifier's reservation adds the ratifier's and its stance's sources after its own
        if ".ratifiers." not in path:
            assert r["sources"] == list(dict.fromkeys(q.sources))
        assert r["estimate"] == q.estimate
        assert r["range"] == (None if q.range is None else list(q.range))
        codes = [conf[k] for k in r["sources"] if k in conf]
        assert r["confidence"] == (max(codes) if codes else None)  # "D" > "A": the weakest
    for aid, actor in sc.actors.items():
        for iid, pos in actor.positions.items():
            r = rows[f"actors.{aid}.positions.{iid}.position"]
            assert r["value"] == pos.position and r["estimate"] == pos.estimate
        for k in ("policy", "voice", "cost"):
            assert rows[f"actors.{aid}.weights.{k}"]["value"] == getattr(actor.weights, k)
        for rid, rat in actor.ratifiers.items():
            base = f"actors.{aid}.ratifiers.{rid}"
            assert rows[f"{base}.reservation"]["value"] == rat.reservation.value
            for iid, pos in rat.positions.items():
                assert rows[f"{base}.positions.{iid}.position"]["value"] == pos.position
    assert rows["settings.support_threshold"]["value"] == sc.settings.support_threshold
    assert any(".ratifiers." in p for p in rows)  # the built-ins have domestic ratifiers


def test_weakest_is_the_lowest_confidence() -> None:
    assert weakest(["A", "C", "B"]) == "C" and weakest([]) is None and weakest(["x"]) is None


@given(st.lists(st.text(min_size=1, max_size=6), min_size=2, max_size=2, unique=True))
def test_anchors_never_collide_and_are_html_ids(paths: list[str]) -> None:
    a, b = (anchor(p) for p in paths)
    assert a != b
    assert re.fullmatch(r"input-[A-Za-z0-9_-]+", a)


@pytest.fixture(scope="module", params=BUILTINS)
def page(request: Any) -> tuple[dict[str, Any], str]:
    doc = result_document(run_scenario(load_scenario(request.param)))
    return doc, render_html(doc)


def _ids(page_html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page_html))


def test_the_appendix_has_a_row_per_input_and_no_dangling_link(
    page: tuple[dict[str, Any], str],
) -> None:
    doc, html = page
    ids = _ids(html)
    for r in doc["inputs"]:
        assert anchor(r["path"]) in ids, r["path"]
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in ids, target  # every in-page link lands somewhere
    # each source key of a row links to that source's row in the sources table
    links = re.findall(r'<a href="#(source-[^"]+)">([^<]+)</a>', html)
    assert links
    for target, key in links:
        row = re.search(rf'id="{re.escape(target)}">([^<]+)<', html)
        assert row is not None and row.group(1) == key


def test_numbers_from_inputs_link_to_the_row_holding_that_number(
    page: tuple[dict[str, Any], str],
) -> None:
    doc, html = page
    rows = {anchor(r["path"]): r for r in doc["inputs"]}
    found = re.findall(r'<a class="input-link" href="#([^"]+)"[^>]*>([^<]+)</a>', html)
    kinds = set()
    for target, shown in found:
        r = rows[target]
        kinds.add(r["path"].split(".")[2] if r["path"].startswith("actors.") else r["path"])
        value = r["value"]
        shown = htmllib.unescape(shown)
        if isinstance(value, str):
            continue  # a fixed option: the label is shown
        m = re.match(r"-?[\d,]*\.?\d+", shown)
        assert m is not None, shown
        number = float(m.group(0).replace(",", "")) / (100 if shown.endswith("%") else 1)
        assert number == pytest.approx(value, abs=5e-3 * max(1, abs(value))), (target, shown)
    # outside options (table and decisions), utility weights, the support threshold
    assert {"outside_option", "weights", "settings.support_threshold"} <= kinds


@pytest.mark.parametrize("scenario", BUILTINS)
def test_the_markdown_report_has_the_same_appendix(scenario: str) -> None:
    doc = result_document(run_scenario(load_scenario(scenario), alternative="nato_national"))
    md = render_markdown(doc)
    appendix = md[md.index("## Inputs: where every number comes from") :]
    for r in doc["inputs"]:
        assert f"`{r['path']}`" in appendix, r["path"]
