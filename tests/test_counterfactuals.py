"""Counterfactuals: ``--set``, ``--overlay`` and named ``counterfactuals``, the record of every
change, the report's first screen, ``mlf diff`` and ``mlf report --compare``, end to end on
the built-in mlf-1964-12."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mlf.cli import app
from mlf.compare import SECTIONS, compare_results
from mlf.errors import ScenarioErrors, UsageError
from mlf.overlay import MISSING, SetPathError, resolve_path
from mlf.scenario import ChangeErrors, apply_changes, load_scenario

runner = CliRunner()
DATA = Path(__file__).parent / "data" / "scenarios"
WHAT_IF = DATA / "what-if-1964-12.yaml"
CEILING = "alternatives.mlf_surface.settings.ceiling=0.6"


@pytest.fixture(scope="module")
def base() -> Any:
    return load_scenario("mlf-1964-12")


# --------------------------------------------------------------------------- apply_changes


def test_a_set_changes_one_field_and_records_it(base: Any) -> None:
    changed = apply_changes(base, sets=[CEILING])
    assert changed.scenario.alternatives["mlf_surface"].settings.ceiling == 0.6
    assert base.scenario.alternatives["mlf_surface"].settings.ceiling == 0.4
    assert changed.scenario.actors == base.scenario.actors
    assert changed.base_sha256 == base.sha256 != changed.sha256
    (req,) = changed.requests
    assert req.to_dict() == {
        "kind": "set",
        "text": CEILING,
        "changes": [{"path": "alternatives.mlf_surface.settings.ceiling", "old": 0.4, "new": 0.6}],
    }
    # the same changes give the same hash (reproducible), other values another one
    assert apply_changes(base, sets=[CEILING]).sha256 == changed.sha256
    assert apply_changes(base, sets=[CEILING.replace("0.6", "0.5")]).sha256 != changed.sha256


def test_set_values_are_yaml(base: Any) -> None:
    changed = apply_changes(
        base,
        sets=[
            "alternatives.anf.invited={remove: [FRA]}",
            "alternatives.mlf_surface.open=[force_size, cost_split, manning, scope]",
            "alternatives.mlf_surface.fixed.firing_rule=r3_us_bloc",
            "actors.GBR.outside_option.anf=0",
            "alternatives.anf.settings.in_kind=null",
        ],
    )
    sc = changed.scenario
    assert "FRA" not in sc.alternatives["anf"].invited
    assert sc.alternatives["mlf_surface"].open == ["force_size", "cost_split", "manning", "scope"]
    assert sc.alternatives["mlf_surface"].fixed["firing_rule"] == "r3_us_bloc"
    q = sc.actors["GBR"].outside_option["anf"]
    assert (q.value, q.sources, q.estimate, q.range) == (0, [], False, None)  # a new value
    assert sc.alternatives["anf"].settings.in_kind is None
    paths = [c.path for r in changed.requests for c in r.changes]
    assert paths == [
        "alternatives.anf.invited",
        "alternatives.mlf_surface.open",
        "alternatives.mlf_surface.fixed.firing_rule",
        "actors.GBR.outside_option.anf",
        "alternatives.anf.settings.in_kind",
    ]
    assert changed.requests[-1].changes[0].new is MISSING


def test_paths_find_ids_that_hold_dots() -> None:
    data = {"actors": {"U.K": {"capability": 1}, "U": {"K": 2}}, "xs": [{"a": 1}]}
    assert resolve_path(data, "actors.U.K.capability") == ("actors", "U.K", "capability")
    assert resolve_path(data, "actors.U.K") == ("actors", "U.K")  # the longest id wins
    assert resolve_path(data, "xs.0.a") == ("xs", 0, "a")
    assert resolve_path(data, "actors.U.new") == ("actors", "U", "new")
    for bad, why in (
        ("actors.X.capability", "actors has no 'X' (it has: U.K, U)"),
        ("xs.3.a", "xs is a list of 1: '3' is not an index of it"),
        ("actors..U", "'actors..U' is not a dotted path (e.g. actors.GBR.capability)"),
        ("actors.U.x.deeper", "actors.U has no 'x' (it has: K)"),
        ("xs.0.a.b", "xs.0.a is a value (1), it has no field 'b'"),
    ):
        with pytest.raises(SetPathError) as info:
            resolve_path(data, bad)
        assert str(info.value) == why


def test_bad_changes_are_one_located_line(base: Any, tmp_path: Path) -> None:
    def usage(**kw: Any) -> str:
        with pytest.raises(UsageError) as info:
            apply_changes(base, **kw)
        assert info.value.exit_code == 2
        return str(info.value)

    known = ", ".join(list(base.scenario.actors)[:12])
    assert usage(sets=["actors.GBX.capability=1"]) == (
        f"--set actors.GBX.capability=1: actors has no 'GBX' (it has: {known}, ...)"
    )
    assert usage(sets=["actors.GBR.capability"]) == (
        "--set actors.GBR.capability: expected PATH=VALUE, e.g. actors.GBR.capability=0.2"
    )
    assert usage(sets=["actors.GBR.capability="]) == (
        "--set actors.GBR.capability=: no value after '=' (write null to remove the field)"
    )
    assert usage(counterfactual="nope").startswith(
        "--counterfactual: mlf-1964-12 has no counterfactual 'nope' (it has: "
        "submarine_instead_of_surface, anf_on_its_december_terms, surface_fleet_with_uk_polaris)"
    )

    def errors(exit_code: int, **kw: Any) -> list[str]:
        with pytest.raises(ChangeErrors) as info:
            apply_changes(base, **kw)
        assert info.value.exit_code == exit_code
        return info.value.lines()

    assert errors(2, sets=["actors.GBR.capability=lots"]) == [
        "--set actors.GBR.capability=lots: actors.GBR.capability: expected a number or a "
        "mapping with a 'value', got 'lots'"
    ]
    assert errors(2, sets=["alternatives.anf.invited={add: [XX]}"]) == [
        "--set alternatives.anf.invited={add: [XX]}: alternatives.anf.invited.9: unknown actor 'XX'"
    ]
    over = tmp_path / "over.yaml"
    over.write_text("actors:\n  GBR:\n    capability: -2\n")
    assert errors(1, overlays=[over]) == [
        f"{over}:3:17: actors.GBR.capability: -2 is negative: must be >= 0"
    ]
    over.write_text("extends: mlf-1963\nactors: {}\n")
    with pytest.raises(ScenarioErrors) as info:
        apply_changes(base, overlays=[over])
    assert info.value.lines() == [
        f"{over}:1:1: extends: an --overlay file changes the scenario named on the command "
        "line: it has no extends"
    ]


def test_named_counterfactuals_are_checked_and_applied(tmp_path: Path) -> None:
    loaded = load_scenario(WHAT_IF, strict=True)
    assert list(loaded.scenario.counterfactuals) == [  # the parent's, then its own
        *BUILTIN_COUNTERFACTUALS["mlf-1964-12"], "no_uk_in_kind", "us_drops_veto"
    ]
    changed = apply_changes(loaded, counterfactual="us_drops_veto")
    alt = changed.scenario.alternatives["mlf_surface"]
    assert "firing_rule" not in alt.open and alt.fixed["firing_rule"] == "r4_european"
    assert changed.scenario.counterfactuals == {}  # the run is the counterfactual
    (req,) = changed.requests
    assert (req.kind, req.text, req.title) == (
        "counterfactual",
        "us_drops_veto",
        "What if the US had dropped its veto",
    )
    assert [c.path for c in req.changes] == [
        "alternatives.mlf_surface.open",
        "alternatives.mlf_surface.fixed.firing_rule",
    ]
    # a counterfactual that breaks the scenario is an error of mlf check, in its overlay
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        WHAT_IF.read_text().replace("fixed: {firing_rule: r4_european}", "fixed: {firing_rule: r9}")
    )
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(bad)
    options = ", ".join(o.id for o in loaded.scenario.issues["firing_rule"].options or [])
    assert info.value.lines() == [
        f"{bad}:26:32: alternatives.mlf_surface.fixed.firing_rule: with counterfactual "
        f"'us_drops_veto': 'r9' is not one of the options ({options})"
    ]
    # mlf show lists the counterfactuals
    res = runner.invoke(app, ["show", str(WHAT_IF)], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "Counterfactuals (run with --counterfactual ID)" in res.output
    flat = " ".join(res.output.split())
    assert "alternatives.mlf_surface.open, alternatives.mlf_surface.fixed.firing_rule" in flat


def test_compare_a_result_with_itself_and_with_a_changed_one(tmp_path: Path) -> None:
    from mlf.talks import run_scenario

    base = load_scenario("mlf-1964-12")
    a = run_scenario(base, british=False).to_dict()
    b = run_scenario(apply_changes(base, sets=[CEILING]), british=False).to_dict()
    same = compare_results(a, a)
    assert same.changes == () and {r.section for r in same.rows} <= set(SECTIONS)
    diff = compare_results(a, b)
    got = {(r.alternative, r.item): (r.a, r.b) for r in diff.changes}
    assert got[("mlf_surface", "at the table")] == (
        "USA, FRG, ITA, GRC, TUR",
        "USA, FRG, ITA, BEL, GRC, TUR",
    )
    assert got[("mlf_surface", "ratification")] == ("-", "not ratified by USA")
    assert got[("mlf_surface", "European test")] == (
        "-",
        "fails: non-European veto player(s): USA",
    )
    assert {r.alternative for r in diff.changes} == {"mlf_surface"}
    assert "(1 changed field)" in diff.b_label
    # an alternative present on one side only
    b["alternatives"] = [x for x in b["alternatives"] if x["id"] != "anf"]
    rows = {(r.alternative, r.item): (r.a, r.b) for r in compare_results(a, b).changes}
    assert rows[("anf", "status")][1] == "absent"


# --------------------------------------------------------------------------- end to end


def _run(*args: str) -> Any:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    return res


def test_run_set_diff_and_report_end_to_end(tmp_path: Path) -> None:
    a, b = tmp_path / "as-is", tmp_path / "ceiling"
    _run("run", "mlf-1964-12", "--out", str(a))
    res = _run("run", "mlf-1964-12", "--set", CEILING, "--out", str(b))
    assert f"--set {CEILING} (1 field changed)" in res.output
    man = json.loads((b / "result.json").read_text())["manifest"]
    base_man = json.loads((a / "result.json").read_text())["manifest"]
    assert man["counterfactual"] == {
        "base_sha256": base_man["scenario_sha256"],
        "requests": [
            {
                "kind": "set",
                "text": CEILING,
                "changes": [
                    {"path": "alternatives.mlf_surface.settings.ceiling", "old": 0.4, "new": 0.6}
                ],
            }
        ],
    }
    assert "counterfactual" not in base_man
    # the report's first screen: the banner, before the comparison of the alternatives
    html = (b / "report.html").read_text()
    banner = html.index('class="counterfactual"')
    assert banner < html.index('id="comparison"')
    first = html[banner : html.index('id="comparison"')]
    assert "Counterfactual: 1 field changed from the scenario" in first
    assert "alternatives.mlf_surface.settings.ceiling" in first and "0.4" in first
    assert 'class="counterfactual"' not in (a / "report.html").read_text()
    # mlf diff: the change in members, costs and control, as JSON and as a table
    res = _run("diff", str(a), str(b / "result.json"), "--json")
    data = json.loads(res.output)
    changed = {(r["alternative"], r["section"], r["item"]) for r in data["rows"] if r["changed"]}
    assert {
        ("mlf_surface", "status", "status"),
        ("mlf_surface", "status", "ratification"),
        ("mlf_surface", "members", "at the table"),
        ("mlf_surface", "control", "European test"),
        ("mlf_surface", "guardrails", "genuinely European"),
    } <= changed
    assert {alt for alt, _, _ in changed} == {"mlf_surface"}
    res = _run("diff", str(a), str(b))
    assert "What changed from A to B" in res.output and "not ratified by USA" in res.output
    res = _run("diff", str(a), str(a))
    assert "no difference in status" in res.output
    # mlf report --compare: the same rows as a section of the page
    out = tmp_path / "compare.html"
    _run("report", str(b), "--compare", str(a), "--out", str(out))
    page = out.read_text()
    assert '<section id="what-changed"' in page and 'href="#what-changed"' in page
    section = page[page.index('<section id="what-changed"') :]
    section = section[: section.index("</section>")]
    assert "at the table" in section and "not ratified by USA" in section
    md = tmp_path / "compare.md"
    _run("report", str(b), "--compare", str(a), "--format", "md", "--out", str(md))
    assert "## What changed: compared with" in md.read_text()


def test_counterfactual_end_to_end(tmp_path: Path) -> None:
    a, b = tmp_path / "as-is", tmp_path / "veto"
    _run("run", str(WHAT_IF), "--out", str(a))
    res = _run("run", str(WHAT_IF), "--counterfactual", "us_drops_veto", "--out", str(b))
    assert "counterfactual us_drops_veto: What if the US had dropped its veto" in res.output
    man = json.loads((b / "result.json").read_text())["manifest"]
    (req,) = man["counterfactual"]["requests"]
    assert req["title"] == "What if the US had dropped its veto"
    html = (b / "report.html").read_text()
    assert html.index("Counterfactual: What if the US had dropped its veto") < html.index(
        'id="comparison"'
    )
    data = json.loads(_run("diff", str(a), str(b), "--json").output)
    changed = [r for r in data["rows"] if r["changed"]]
    assert [(r["alternative"], r["item"]) for r in changed] == [
        ("mlf_surface", "Who must agree before the force fires")
    ]
    assert changed[0]["b"].startswith("R4: European clause")


def test_overlay_file_sweep_resume_and_forecast(tmp_path: Path) -> None:
    over = tmp_path / "ceiling.yaml"
    over.write_text("alternatives:\n  mlf_surface:\n    settings: {ceiling: 0.6}\n")
    out = tmp_path / "run"
    _run("run", "mlf-1964-12", "--overlay", str(over), "--alternative", "mlf_surface",
         "--out", str(out))  # fmt: skip
    (req,) = json.loads((out / "result.json").read_text())["manifest"]["counterfactual"][
        "requests"
    ]
    assert (req["kind"], req["text"]) == ("overlay", str(over))
    sweep = tmp_path / "sweep"
    _run("sweep", "mlf-1964-12", "--draws", "4", "--chunk-size", "2", "--executor", "serial",
         "--set", CEILING, "--out", str(sweep))  # fmt: skip
    manifest = json.loads((sweep / "manifest.json").read_text())
    assert manifest["counterfactual"]["requests"][0]["text"] == CEILING
    res = _run("sweep", "--resume", str(sweep), "--executor", "serial")  # re-applies the --set
    assert f"--set {CEILING}" in res.output
    # forecast: the negotiation of the changed scenario
    plain = json.loads(_run("forecast", "mlf-1964-12", "--alternative", "anf", "--json").output)
    args = ["forecast", "mlf-1964-12", "--alternative", "anf", "--json"]
    moved = json.loads(_run(*args, "--set", "actors.USA.positions.force_size.position=0").output)
    assert plain != moved


# --------------------------------------------------------------------------- the built-ins'

BUILTIN_COUNTERFACTUALS = {
    "mlf-1963": ["uk_in_at_kennedy_share", "submarine_instead_of_surface"],
    "mlf-1963-10": ["uk_in_at_kennedy_share", "submarine_instead_of_surface"],
    "mlf-1964-06": ["uk_in_at_kennedy_share", "submarine_instead_of_surface"],
    "mlf-1964-12": [
        "submarine_instead_of_surface", "anf_on_its_december_terms",
        "surface_fleet_with_uk_polaris",
    ],
}  # fmt: skip


def _cited(node: Any) -> set[str]:
    """Every source key an overlay cites (in ``sources`` lists)."""
    if isinstance(node, dict):
        out = set(node.get("sources", [])) if isinstance(node.get("sources"), list) else set()
        for v in node.values():
            out |= _cited(v)
        return out
    if isinstance(node, list):
        return set().union(*(_cited(v) for v in node)) if node else set()
    return set()


@pytest.mark.parametrize("sid", sorted(BUILTIN_COUNTERFACTUALS))
def test_builtin_counterfactuals_apply_are_sourced_and_follow_the_rule(sid: str) -> None:
    """Each named counterfactual of a built-in applies, changes something, cites only sources
    of the scenario dated on or before its date, and leaves every estimate where the written
    rule puts it (mlf.estimates.differences): a question, not a number set to an outcome."""
    from mlf.estimates import differences

    loaded = load_scenario(sid, strict=True)
    sc = loaded.scenario
    assert list(sc.counterfactuals) == BUILTIN_COUNTERFACTUALS[sid]
    dates = {s.key: str(s.date) for s in sc.meta.sources}
    for cid, cf in sc.counterfactuals.items():
        cited = _cited(cf.overlay) | _cited({"sources": _keys_in(cf.description or "")})
        assert cited, cid
        assert cited <= set(dates), (cid, cited - set(dates))
        assert all(dates[k] <= sc.meta.date.isoformat() for k in cited), cid
        changed = apply_changes(loaded, counterfactual=cid)
        (req,) = changed.requests
        assert (req.kind, req.text, req.title) == ("counterfactual", cid, cf.title)
        assert req.changes and changed.sha256 != loaded.sha256
        assert differences(changed.scenario) == [], cid


def _keys_in(text: str) -> list[str]:
    """Source keys written in prose, e.g. (F63-194)."""
    import re

    return re.findall(r"\b(?:F6\d(?:v\d)?-\d+|NL-\d{6}|IO-\d{4}|TIME-\d{6})\b", text)


@pytest.mark.parametrize(
    ("sid", "cid", "alt"),
    [
        ("mlf-1963", "uk_in_at_kennedy_share", "mlf_surface"),
        ("mlf-1963", "submarine_instead_of_surface", "mlf_surface"),
        ("mlf-1964-12", "anf_on_its_december_terms", "anf"),
        ("mlf-1964-12", "surface_fleet_with_uk_polaris", "mlf_surface"),
    ],
)
def test_run_records_a_builtin_counterfactual(tmp_path: Path, sid: str, cid: str, alt: str) -> None:
    out = tmp_path / "out"
    res = runner.invoke(
        app, ["run", sid, "--counterfactual", cid, "--alternative", alt, "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "result.json").read_text(encoding="utf-8"))
    cf = doc["manifest"]["counterfactual"]
    title = load_scenario(sid).scenario.counterfactuals[cid].title
    assert [(r["kind"], r["text"], r["title"]) for r in cf["requests"]] == [
        ("counterfactual", cid, title)
    ]
    assert cf["base_sha256"] == load_scenario(sid).sha256 != doc["manifest"]["scenario_sha256"]
    assert f"Counterfactual: {title}" in (out / "report.html").read_text(encoding="utf-8")
