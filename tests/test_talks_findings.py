"""Issue 10's findings on the built-in scenarios, under every negotiation model.

Each test failed on the engine before issue 10 (observers bargaining, "agreement" on zero
common units, analyses before the override, everyone invited at round 1, agreed v. paid).
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

import pytest
from ruamel.yaml import YAML

from _scenario_yaml import dump_yaml
from mlf.results import result_document
from mlf.scenario import LoadedScenario, Scenario, builtin_path, load_scenario, parse_scenario
from mlf.talks import is_force_alternative, policy_satisfaction, run_alternative, run_scenario

MODELS = ("compromise", "median", "nash", "bdm", "smp")
BUILTINS = ("mlf-1963", "mlf-1964-12")


@cache
def _raw(sid: str) -> dict[str, Any]:
    return YAML(typ="safe").load(builtin_path(sid).read_text())  # type: ignore[no-any-return]


def _with(sid: str, change: Any) -> Scenario:
    data = copy.deepcopy(_raw(sid))
    change(data)
    sc, _ = parse_scenario(dump_yaml(data), f"{sid}.yaml")
    return sc


@cache
def _run(sid: str, model: str) -> dict[str, Any]:
    res = run_scenario(load_scenario(sid), model=model, british=False)
    return result_document(res)


def _surface_at_table(d: dict[str, Any]) -> None:
    """mlf-1963 with Italy, the UK, Belgium, Greece and Turkey keen on the surface fleet and
    France's 0-missile position of the earlier data: a controlled variant, so that these tests
    of the engine's mechanics do not depend on the built-in's estimates (which follow coded
    stances, docs/scenarios/estimates.md, and leave only the US and FRG at that table)."""
    for aid in ("ITA", "GBR", "BEL", "GRC", "TUR"):
        d["actors"][aid]["outside_option"]["mlf_surface"] = {"value": 0.0, "estimate": True}
    d["actors"]["FRA"]["positions"] = {
        "force_size": {"position": 0, "salience": {"value": 0.5, "estimate": True}}
    }


@cache
def _run_surface(model: str) -> dict[str, Any]:
    sc = _with("mlf-1963", _surface_at_table)
    loaded = LoadedScenario(sc, "mlf-1963-variant.yaml", "0" * 64)
    return result_document(run_scenario(loaded, model=model, british=False))


def _terms(sc: Scenario, model: str) -> dict[str, Any]:
    """Every analysed alternative's agreed values (rounded), by alternative."""
    out: dict[str, Any] = {}
    for aid in sc.alternatives:
        o = run_alternative(sc, aid, model=model, detail=False)
        out[aid] = (o.status, {k: round(v.value, 9) for k, v in o.agreed.items()})
    return out


@pytest.mark.parametrize("model", MODELS)
def test_the_soviet_position_across_its_scale_changes_no_agreed_term(model: str) -> None:
    # Finding 1: the observer's position moved across the whole scale of every issue it
    # has a position on changes nothing the talks agree (the scenario gives it no pressure).
    sc0 = _with("mlf-1963", lambda d: None)
    sun = sc0.actors["SUN"]
    assert all("SUN" in a.observers for a in sc0.alternatives.values())
    assert not any(a.pressure for a in sc0.alternatives.values())
    base = _terms(sc0, model)
    for end in ("lo", "hi"):

        def move(d: dict[str, Any], end: str = end) -> None:
            for iid in sun.positions:
                issue = sc0.issues[iid]
                pos = d["actors"]["SUN"]["positions"][iid]
                pos.pop("range", None)
                if issue.options is not None:
                    pos["position"] = issue.options[0 if end == "lo" else -1].id
                else:
                    pos["position"] = issue.lo if end == "lo" else issue.hi

        assert _terms(_with("mlf-1963", move), model) == base


@pytest.mark.parametrize("sid", BUILTINS)
@pytest.mark.parametrize("model", MODELS)
def test_no_agreement_on_zero_common_units_and_failures_show_no_analysis(
    sid: str, model: str
) -> None:
    # Findings 2 and 3: a force agreement needs common units above zero (units in kind do
    # not count); a failed alternative shows no power, no European verdict, no costs.
    sc = load_scenario(sid).scenario
    res = _run(sid, model)
    for alt in res["alternatives"]:
        if alt["status"] == "agreement":
            arr = alt["arrangement"]
            assert arr is not None and alt["members"]
            if is_force_alternative(sc, sc.alternatives[alt["id"]]):
                assert arr["units"] > 0, (alt["id"], arr["units"])
        else:
            assert alt["members"] == []
            assert alt["power"] is None
            assert alt["manning"] is None
            assert alt["arrangement"] is None
            if alt["status"] != "does not count":
                assert alt["european"] is None
                assert "genuinely_european" not in alt["guardrails"]
            if alt["status"] == "cycle":  # no member set to claim was freely chosen
                assert alt["guardrails"]["no_selling"]["ok"] is False


def test_bdm_no_longer_agrees_on_a_zero_force() -> None:
    # Before issue 10, bdm "agreed" the surface fleet at 0 missiles with 64 British
    # missiles in kind, and reported veto players for it.
    alt = next(a for a in _run_surface("bdm")["alternatives"] if a["id"] == "mlf_surface")
    assert alt["agreed"]["force_size"]["value"] > 0
    assert alt["status"] != "agreement" or alt["arrangement"]["units"] > 0


@pytest.mark.parametrize("model", MODELS)
def test_france_stays_away_from_the_mlf_table_and_says_why(model: str) -> None:
    # Finding 4: France, which wants no force, does not sit at round 1.
    alt = next(a for a in _run_surface(model)["alternatives"] if a["id"] == "mlf_surface")
    table = alt["table"]
    assert "FRA" in table["stayed_away"]
    assert "FRA" not in alt["rounds"][0]["participants"]
    assert table["decisions"]["FRA"]["reason"].startswith("FRA stays away: on its own terms")
    assert "FRA" not in (alt["participation"] or {}).get("decisions", {})
    for r in alt["rounds"][1:]:  # renegotiation among members only
        prev = alt["rounds"][alt["rounds"].index(r) - 1]
        assert r["participants"] == prev["members"]


@pytest.mark.parametrize("model", MODELS)
def test_one_number_for_the_us_share(model: str) -> None:
    # Finding 5: the agreed US share above the 40% ceiling is held at 40%; the value the
    # arrangement, the utilities and the report use is the one paid; both are shown.
    sc = _with("mlf-1963", _surface_at_table)
    out = run_alternative(sc, "mlf_surface", model=model)
    cs = out.agreed["cost_split"]
    arr = out.arrangement
    assert arr is not None
    assert arr.settings.lead_share is not None and arr.settings.lead_share <= 0.4 + 1e-12
    assert cs.value * 0.01 == pytest.approx(arr.settings.lead_share)
    if cs.agreed is not None:
        assert cs.agreed > 40 and cs.value == pytest.approx(40)
        assert cs.label.startswith(f"agreed {cs.agreed:.4g} percent, paid 40 percent")
        assert "ceiling" in cs.label
    if out.status == "agreement":
        assert arr.split is not None
        assert dict(zip(arr.split.members, arr.split.shares, strict=True))["USA"] == (
            pytest.approx(arr.settings.lead_share)
        )
        # the US decision's policy term is computed on the applied share
        us = next(d for d in out.participation.decisions if d.actor == "USA")  # type: ignore[union-attr]
        assert us.terms.policy == pytest.approx(policy_satisfaction(sc, "USA", out.agreed))


def test_the_share_a_ceiling_changes_is_stated_once_in_the_result() -> None:
    alt = next(a for a in _run_surface("compromise")["alternatives"] if a["id"] == "mlf_surface")
    cs = alt["agreed"]["cost_split"]
    assert cs["agreed"] > cs["value"] == pytest.approx(40)
    assert cs["applied_by"] == "under the 40% ceiling"
    assert alt["arrangement"]["cost"]["split"]["shares"]["USA"] == pytest.approx(0.4)


def test_units_in_kind_are_shown_and_not_counted_without_a_value() -> None:
    # Finding 6: the British missiles in kind appear in the force; without a stated value
    # they are not counted in costs, and the result says so.
    alt = next(
        a for a in _run_surface("compromise")["alternatives"] if a["id"] == "mlf_surface"
    )
    arr = alt["arrangement"]
    assert arr["in_kind"] == {"GBR": 64.0}
    assert arr["units_in_kind"] == 64.0
    assert arr["cost"]["in_kind_value"] is None
    assert "not counted in costs" in arr["cost"]["in_kind_note"]


def test_bdm_full_moves_are_noted_in_the_model_notes() -> None:
    res = _run_surface("bdm")
    alt = next(a for a in res["alternatives"] if a["id"] == "mlf_surface")
    assert any(m.startswith("force_size: bdm moves an actor") for m in alt["mechanics"])
    assert all(not a["mechanics"] for a in _run_surface("compromise")["alternatives"])


def test_the_report_shows_the_table_the_applied_share_units_in_kind_and_mechanics() -> None:
    from mlf.report import render_html, render_markdown

    res = _run_surface("bdm")
    html = render_html(res)
    assert "Who came to the table" in html
    assert "FRA stays away: on its own terms there is no force" in html
    applied = render_html(_run_surface("compromise"))
    assert re.search(r"agreed 42\.8\d* percent, paid 40 percent under the 40% ceiling", applied)
    assert "units brought in kind: United Kingdom (GBR) 64" in html
    assert "are not counted in costs: the scenario states no value for them" in html
    assert "Where the model's own mechanics drove a result in this run" in html
    md = render_markdown(res)
    assert "### Who came to the table" in md
    assert "## Where the model's own mechanics drove a result" in md


def test_the_ktab_export_holds_only_those_at_the_table(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from mlf.cli import app

    # The variant fills the surface fleet's table (the built-in leaves the US and the FRG
    # alone there, and KTAB needs three actors).
    data = copy.deepcopy(_raw("mlf-1963"))
    _surface_at_table(data)
    path = tmp_path / "variant.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    res = CliRunner().invoke(app, ["export", "ktab", str(path), "--alternative", "mlf_surface"])
    assert res.exit_code == 0, res.output
    rows = [line.split(",")[0] for line in res.stdout.splitlines()[2:]]
    assert "SUN" not in rows and "FRA" not in rows
    assert rows[:2] == ["USA", "FRG"]
