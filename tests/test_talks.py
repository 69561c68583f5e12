"""The talks loop and its guardrails on a toy scenario (tests/data/toy-talks.yaml)."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from mlf.report import render_html
from mlf.results import result_document
from mlf.scenario import LoadedScenario, parse_scenario
from mlf.talks import (
    AnalysisError,
    build_arrangement,
    final_status,
    policy_satisfaction,
    run_alternative,
    run_scenario,
    support_of,
    voice_of,
)

TOY = Path(__file__).parent / "data" / "toy-talks.yaml"


def _load_dict() -> dict[str, Any]:
    return YAML(typ="safe").load(TOY.read_text())  # type: ignore[no-any-return]


def variant(change: Callable[[dict[str, Any]], None] | None = None) -> LoadedScenario:
    data = copy.deepcopy(_load_dict())
    if change is not None:
        change(data)
    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    sc, warnings = parse_scenario(buf.getvalue(), "toy.yaml")
    return LoadedScenario(sc, "toy.yaml", "0" * 64, tuple(warnings))


_TOY = variant()


def test_support_is_capability_weighted() -> None:
    sc = variant().scenario
    # other: (0.5*0 + 0.25*0.1 + 0.15*0.6 + 0.1*0.2) / 1.0
    assert support_of(sc, "other") == pytest.approx(0.135)
    assert support_of(sc, "force") == pytest.approx(0.5 + 0.225 + 0.045 + 0.06)


def test_talks_reach_a_fixed_point_after_renegotiation() -> None:
    sc = variant().scenario
    out = run_alternative(sc, "force")
    assert out.status == "agreement"
    assert out.members == ("A", "B", "D")
    # Round 1 among all four; C leaves; round 2 among the three who stay.
    assert [r.participants for r in out.rounds] == [("A", "B", "C", "D"), ("A", "B", "D")]
    assert out.fixed_point == "fixed point after 2 round(s) of talks"
    # The compromise model: capability x salience weighted mean of A, B, D on size.
    w = {"A": 0.5 * 0.8, "B": 0.25 * 0.6, "D": 0.1 * 0.5}
    p = {"A": 200, "B": 200, "D": 100}
    expected = sum(w[a] * p[a] for a in w) / sum(w.values())
    assert out.agreed["size"].value == pytest.approx(expected)
    assert out.agreed["rule"].label == "A veto plus European bloc"
    assert out.agreed["scope"].source == "fixed"


def test_cost_split_respects_lead_share_and_ceiling() -> None:
    sc = variant().scenario
    out = run_alternative(sc, "force")
    arr = out.arrangement
    assert arr is not None and arr.split is not None
    shares = dict(zip(arr.split.members, arr.split.shares, strict=True))
    # A pays the fixed 40%; B (weight 40) would pay 0.6*40/48 = 50% but is capped at 40%.
    assert shares["A"] == pytest.approx(0.4)
    assert shares["B"] == pytest.approx(0.4)
    assert shares["D"] == pytest.approx(0.2)
    units = out.agreed["size"].value
    annual = (0.01 * units + 0.0015 * units * 10) / 10
    assert arr.annual_cost == pytest.approx(annual)
    assert arr.budget_share["D"] == pytest.approx(0.2 * annual / 0.5)


def test_policy_satisfaction_by_hand() -> None:
    sc = variant().scenario
    out = run_alternative(sc, "force")
    size = out.agreed["size"].value
    # C: size 50 (s .4), unanimity (index 0, s .8), broad scope (index 1, s .9) vs narrow.
    expected = (0.4 * (1 - abs(size - 50) / 200) + 0.8 * (1 - 1) + 0.9 * (1 - 1)) / 2.1
    assert policy_satisfaction(sc, "C", out.agreed) == pytest.approx(expected)


def test_each_decision_explains_itself() -> None:
    sc = variant().scenario
    out = run_alternative(sc, "force")
    assert out.participation is not None
    c = next(d for d in out.participation.decisions if d.actor == "C")
    assert not c.join
    assert c.reason.startswith("C stays out: policy")
    assert "would join if" in c.flip
    assert out.participation.equilibria is not None
    assert frozenset({"A", "B", "D"}) in out.participation.equilibria


def test_guardrail_no_selling_prices_each_refusal_but_pays_nothing() -> None:
    sc = variant().scenario
    out = run_alternative(sc, "force")
    ns = out.guardrails["no_selling"]
    assert ns["ok"] and ns["flagged"] == []
    c = next(d for d in out.participation.decisions if d.actor == "C")  # type: ignore[union-attr]
    pay = ns["side_payments_that_would_buy_entry"]["C"]
    assert pay["utility_gap"] == pytest.approx(-c.margin)
    assert pay["annual_payment"] == pytest.approx(-c.margin / 10 * 5)
    assert "C" not in out.members


def test_guardrail_fallback_is_the_status_quo() -> None:
    def harsh(d: dict[str, Any]) -> None:
        for a in ("A", "B", "C", "D"):
            d["actors"][a]["outside_option"]["force"] = 5.0

    sc = variant(harsh).scenario
    out = run_alternative(sc, "force")
    assert out.status == "no agreement"
    assert out.members == ()
    fb = out.guardrails["fallback"]
    assert fb["outcome"] == "status quo"
    assert "no other alternative" in fb["detail"]
    assert "status quo" in out.detail


def test_guardrail_genuinely_european() -> None:
    sc = variant().scenario
    out = run_alternative(sc, "force")
    assert out.european is not None and not out.european["ok"]
    assert "A" in out.european["reason"]

    def european_only(d: dict[str, Any]) -> None:
        d["alternatives"]["force"]["requires_european_control"] = True

    out2 = run_alternative(variant(european_only).scenario, "force")
    assert out2.status == "does not count"
    assert "not genuinely European" in out2.detail

    def bloc_only(d: dict[str, Any]) -> None:
        d["alternatives"]["force"]["requires_european_control"] = True
        d["alternatives"]["force"]["fixed"]["rule"] = "unanimity"
        d["alternatives"]["force"]["open"] = ["size"]
        d["alternatives"]["force"]["invited"] = ["B", "C", "D"]
        d["alternatives"]["force"]["settings"].pop("lead")
        d["alternatives"]["force"]["settings"].pop("lead_share")
        d["actors"]["C"]["outside_option"]["force"] = 0.3  # C joins: the bloc reaches terms

    out3 = run_alternative(variant(bloc_only).scenario, "force")
    assert out3.status == "agreement", out3.detail
    assert out3.members == ("B", "C", "D")
    assert out3.european is not None and out3.european["ok"] and out3.european["required"]


def test_a_rule_where_the_leader_can_fire_alone_does_not_count_as_european() -> None:
    def alone(d: dict[str, Any]) -> None:
        d["alternatives"]["force"]["requires_european_control"] = True
        d["alternatives"]["force"]["open"] = ["size"]
        d["issues"]["rule"]["options"][1]["settings"]["rule"] = {
            "minimal_winning": [["A"], ["B", "D"]]
        }
        d["alternatives"]["force"]["fixed"]["rule"] = "veto_bloc"

    out = run_alternative(variant(alone).scenario, "force")
    assert out.status == "does not count"
    assert out.european is not None and not out.european["ok"]
    assert out.european["failed"] == ["non_european_can_act"]
    assert "A) can act without any European" in out.european["reason"]
    assert out.power is None and out.manning is None and out.members == ()


def test_british_question_finds_the_smallest_broadening() -> None:
    def keener(d: dict[str, Any]) -> None:
        d["actors"]["C"]["outside_option"]["force"] = 0.45

    loaded = variant(keener)
    res = run_scenario(loaded)
    bq = res.british
    assert bq is not None
    entry = bq["alternatives"]["force"]
    # Fixed at "narrow" C stays out; fixed at "broad" (its salient position) it joins.
    assert entry["broadening"] == "broad"
    assert [(s["option"], s["joins"]) for s in entry["steps"]] == [
        ("narrow", False),
        ("broad", True),
    ]
    assert entry["steps"][0]["margin"] < 0 < entry["steps"][1]["margin"]
    assert "joins Joint force once the talks are broadened to 'Broadened'" in bq["summary"]


def test_british_question_says_when_none_works() -> None:
    res = run_scenario(variant())
    assert res.british is not None
    assert res.british["summary"].startswith("no broadening within the scenario")


def test_alternatives_below_threshold_are_listed_not_run() -> None:
    res = run_scenario(variant())
    assert [o.id for o in res.outcomes] == ["force"]
    assert [b[0] for b in res.below_threshold] == ["other"]


def test_unanalysable_alternative_gets_one_line_and_others_still_run() -> None:
    def bad_rule(d: dict[str, Any]) -> None:
        d["alternatives"]["other"]["settings"]["rule"] = {"veto": ["A"]}
        d["alternatives"]["other"]["settings"]["split"] = "equal"
        d["settings"]["support_threshold"] = 0.0

    res = run_scenario(variant(bad_rule))
    by_id = {o.id: o for o in res.outcomes}
    assert by_id["other"].status == "not analysed"
    assert by_id["other"].detail == "the control rule refers to A, who is not invited"
    assert "\n" not in by_id["other"].detail
    assert by_id["force"].status == "agreement"

    def no_budget(d: dict[str, Any]) -> None:
        del d["actors"]["D"]["defence_budget"]

    out = run_alternative(variant(no_budget).scenario, "force")
    assert out.status == "not analysed"
    assert out.detail.startswith("costs missing: D pays")


def test_too_few_members_for_the_ceiling_is_infeasible() -> None:
    sc = variant().scenario
    alt = sc.alternatives["force"]
    st = alt.settings.model_copy(update={"lead": None, "lead_share": None, "units": 100.0})
    arr = build_arrangement(sc, alt.model_copy(update={"min_members": 2}), st, ["B", "C"])
    assert not arr.feasible
    assert "ceiling" in arr.reason


def test_same_seed_same_bytes() -> None:
    a = json.dumps(run_scenario(variant()).to_dict(), sort_keys=True)
    b = json.dumps(run_scenario(variant()).to_dict(), sort_keys=True)
    assert a == b


def test_talks_that_settle_on_no_force_are_no_agreement() -> None:
    def no_force(d: dict[str, Any]) -> None:
        for a in ("A", "B", "C", "D"):
            if "size" in d["actors"][a]["positions"]:
                d["actors"][a]["positions"]["size"]["position"] = 0

    out = run_alternative(variant(no_force).scenario, "force")
    assert out.status == "no agreement"
    assert out.members == ()
    # Nobody who wants no force comes to the table at all; the reason is shown for each.
    assert out.table is not None and out.table.at_table == ()
    assert out.detail.startswith("only 0 of the invited come to the table")
    assert all("no force" in d.reason for d in out.table.decisions)
    assert out.guardrails["fallback"]["outcome"] == "status quo"
    assert out.power is None and out.european is None


def test_units_in_kind_do_not_make_an_agreement() -> None:
    # The final-status rule directly: a force alternative whose common units are 0 is no
    # agreement even when a member brings units in kind (they are not a common force).
    sc = variant().scenario
    out = run_alternative(sc, "force")
    assert out.participation is not None and out.arrangement is not None
    alt = sc.alternatives["force"]
    st = out.arrangement.settings.model_copy(update={"units": 0.0, "in_kind": {"B": 64.0}})
    arr = build_arrangement(sc, alt, st, out.members)
    assert arr.feasible and arr.units == 0 and arr.units_in_kind == 64
    status, detail = final_status(sc, alt, out.participation, arr, out.fixed_point)
    assert status == "no agreement"
    assert "the 64 units brought in kind are not a common force" in detail
    st2 = st.model_copy(update={"units": 8.0})
    status2, _ = final_status(
        sc, alt, out.participation, build_arrangement(sc, alt, st2, out.members), ""
    )
    assert status2 == "agreement"


def test_an_agreed_value_the_arrangement_cannot_take_is_one_line() -> None:
    def share_scale(d: dict[str, Any]) -> None:
        d["issues"]["lead"] = {
            "title": "Lead share",
            "scale": {"lo": 0, "hi": 300},
            "status_quo": 0,
            "sets": "lead_share",
            "scale_factor": 0.01,
        }
        d["actors"]["A"]["positions"]["lead"] = {"position": 300, "salience": 1.0}
        d["alternatives"]["force"]["open"].append("lead")

    out = run_alternative(variant(share_scale).scenario, "force")
    assert out.status == "not analysed"
    assert out.detail.startswith("issue lead settles at ")
    assert "sets lead_share = " in out.detail and "\n" not in out.detail


def test_an_arrangement_without_a_control_rule() -> None:
    def no_rule(d: dict[str, Any]) -> None:
        d["settings"]["support_threshold"] = 0.0

    res = run_scenario(variant(no_rule))
    other = next(o for o in res.outcomes if o.id == "other")
    assert other.status in ("agreement", "no agreement")
    assert other.arrangement is not None and other.arrangement.game is None
    assert other.power is None
    if other.participation is not None:
        assert all(d.terms.voice == 0.0 for d in other.participation.decisions)


def test_capital_costs_without_a_term_are_not_guessed() -> None:
    def no_term(d: dict[str, Any]) -> None:
        del d["alternatives"]["force"]["settings"]["term_years"]

    out = run_alternative(variant(no_term).scenario, "force")
    assert out.status == "not analysed"
    assert out.detail.startswith("costs missing: capital or fixed costs are given but no term")


def test_a_nation_stays_away_from_the_table_when_even_its_own_terms_fall_short() -> None:
    def aloof(d: dict[str, Any]) -> None:
        d["actors"]["C"]["outside_option"]["force"] = 5.0

    out = run_alternative(variant(aloof).scenario, "force")
    assert out.table is not None
    assert out.table.stayed_away == ("C",)
    c = next(d for d in out.table.decisions if d.actor == "C")
    assert c.terms is not None and c.terms.policy == pytest.approx(
        (0.4 + 0.8 + 0.9 * 0) / 2.1  # own size and rule; scope is fixed at narrow
    )
    assert c.reason.startswith("C stays away: even on its own terms policy")
    assert "C" not in out.rounds[0].participants
    assert out.participation is not None
    assert "C" not in {d.actor for d in out.participation.decisions}
    res = out.to_dict(variant(aloof).scenario)
    assert res["table"]["stayed_away"] == ["C"]
    assert any(n.startswith("stayed away from the table: C stays away") for n in res["notes"])


def _observed(pressure: float | None) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        d["actors"]["E"] = {
            "name": "Observer",
            "european": False,
            "capability": 2.0,
            "positions": {"size": {"position": 0, "salience": 1.0}},
        }
        alt = d["alternatives"]["force"]
        alt["observers"] = ["E"]
        if pressure is not None:
            alt["pressure"] = [
                {"by": "E", "on": ["D"], "outside_option": pressure, "sources": ["T1"]}
            ]

    return change


def test_an_observer_never_bargains_and_acts_only_through_its_stated_pressure() -> None:
    base = run_alternative(variant().scenario, "force")
    quiet = run_alternative(variant(_observed(None)).scenario, "force")
    # A heavy observer at 0 changes nothing without a pressure term.
    assert {k: v.value for k, v in quiet.agreed.items()} == {
        k: v.value for k, v in base.agreed.items()
    }
    assert quiet.forecast is not None and "E" not in quiet.forecast.actors
    assert quiet.members == base.members
    # With a pressure of +0.3 on D's outside option, D (margin below 0.3) stays out.
    sc = variant(_observed(0.3)).scenario
    pushed = run_alternative(sc, "force")
    assert pushed.participation is not None
    d = next(x for x in pushed.participation.decisions if x.actor == "D")
    assert d.outside == pytest.approx(0.4 + 0.3)
    res = pushed.to_dict(sc)
    shown = res["participation"]["decisions"]["D"]["pressure"]
    assert shown == [{"by": "E", "outside_option": 0.3, "sources": ["T1"], "note": ""}]
    assert res["table"]["decisions"]["D"]["pressure"] == shown
    assert "pressure" not in res["participation"]["decisions"]["A"]


def test_pressure_must_come_from_an_observer_on_an_invited_nation() -> None:
    def bad(d: dict[str, Any]) -> None:
        _observed(0.1)(d)
        d["alternatives"]["force"]["pressure"][0]["by"] = "A"
        d["alternatives"]["force"]["pressure"][0]["on"] = ["E"]

    with pytest.raises(Exception, match="not an observer of force"):
        variant(bad)


def test_units_in_kind_weigh_in_a_rule_only_where_it_says_so() -> None:
    sc = variant().scenario
    alt = sc.alternatives["force"]
    rule = {"weighted": {"weights": "contribution", "quota": "1/2+"}}
    st = alt.settings.model_copy(update={"units": 100.0, "rule": rule})
    plain = build_arrangement(sc, alt, st, ["A", "B", "D"])
    st_kind = st.model_copy(update={"in_kind": {"D": 400.0}})
    kind = build_arrangement(sc, alt, st_kind, ["A", "B", "D"])
    assert kind.units == 100 and dict(kind.in_kind) == {"D": 400.0}
    # "contribution" is what each member pays: units in kind change nobody's weight
    assert voice_of(kind, "banzhaf") == voice_of(plain, "banzhaf")
    assert "not counted in costs" in kind.in_kind_note and kind.in_kind_value is None
    both = {"weighted": {"weights": "contribution_with_in_kind", "quota": "1/2+"}}
    st_both = st.model_copy(update={"in_kind": {"D": 400.0}, "rule": both})
    with pytest.raises(AnalysisError, match="states no value for units in kind"):
        build_arrangement(sc, alt, st_both, ["A", "B", "D"])
    valued = build_arrangement(
        sc, alt, st_both.model_copy(update={"in_kind_value_per_unit_year": 0.01}), ["A", "B", "D"]
    )
    assert valued.in_kind_value == {"D": pytest.approx(4.0)}
    assert "contributions in kind" in valued.in_kind_note
    # D's 4.0 a year in kind outweighs the others' payments: D alone is winning now
    assert valued.game is not None and valued.game.is_winning(["D"])


def _cycle_scenario() -> LoadedScenario:
    """A joins only if B is in (it cannot pay alone); B only if A is out (it wants the vote
    to itself, and the talks settle the scope A's way)."""
    data = {
        "meta": {"id": "cyc", "title": "Cycle", "date": "1963-07-15"},
        "issues": {
            "size": {"title": "Size", "scale": {"lo": 0, "hi": 100}, "status_quo": 0,
                     "sets": "units"},
            "scope": {"title": "Scope", "status_quo": "narrow",
                      "options": [{"id": "narrow", "label": "N"}, {"id": "broad", "label": "B"}]},
        },
        "actors": {
            "A": {"name": "A", "european": True, "capability": 0.8, "defence_budget": 10,
                  "positions": {"size": {"position": 100, "salience": 0.5},
                                "scope": {"position": "narrow", "salience": 1.0}},
                  "weights": {"policy": 1, "voice": 0, "cost": 10},
                  "outside_option": {"f": 0.3}, "support": {"f": 1}},
            "B": {"name": "B", "european": True, "capability": 0.2, "defence_budget": 10,
                  "positions": {"size": {"position": 100, "salience": 0.5},
                                "scope": {"position": "broad", "salience": 0.5}},
                  "weights": {"policy": 1, "voice": 1, "cost": 0},
                  "outside_option": {"f": 1.2}, "support": {"f": 1}},
        },
        "alternatives": {
            "f": {"title": "F", "invited": ["A", "B"], "open": ["scope"],
                  "fixed": {"size": 100}, "min_members": 1,
                  "settings": {"operating_per_unit_year": 0.01, "split": "equal",
                               "rule": {"unanimity": "members"}}},
        },
    }  # fmt: skip
    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    sc, warnings = parse_scenario(buf.getvalue(), "cyc.yaml")
    return LoadedScenario(sc, "cyc.yaml", "0" * 64, tuple(warnings))


def test_a_participation_cycle_is_reported_as_a_cycle() -> None:
    loaded = _cycle_scenario()
    out = run_alternative(loaded.scenario, "f")
    assert out.table is not None and out.table.at_table == ("A", "B")
    assert out.status == "cycle"
    assert out.members == ()
    assert out.participation is not None and out.participation.cycle
    assert out.participation.members == frozenset()
    assert "participation cycles ({A} -> {} -> {B} -> {A, B} -> {A})" in out.detail
    assert out.guardrails["no_selling"]["ok"] is False
    assert "cycle" in out.guardrails["no_selling"]["detail"]
    assert out.power is None and out.european is None and out.manning is None
    res = result_document(run_scenario(loaded))
    alt = res["alternatives"][0]
    assert alt["status"] == "cycle" and alt["members"] == []
    assert alt["participation"]["dynamics"]["cycle_sets"] == [["A"], [], ["B"], ["A", "B"]]
    assert not any("stable" in n for n in alt["notes"])
    html = render_html(res)
    assert "a cycle, so no member set: {A} → {} → {B} → {A, B} → {A}" in html


def test_nash_status_quo_freezes_are_noted() -> None:
    def frozen(d: dict[str, Any]) -> None:
        d["actors"]["D"]["positions"]["rule"]["position"] = "unanimity"

    out = run_alternative(variant(frozen).scenario, "force", model="nash")
    assert out.agreed["rule"].short == "unanimity"
    assert any(
        m.startswith("rule: settles at the status quo (unanimity) because") and "D" in m
        for m in out.mechanics
    )


def test_units_in_kind_are_costed_at_the_stated_value_and_shown_in_the_report() -> None:
    def kind(d: dict[str, Any]) -> None:
        st = d["alternatives"]["force"]["settings"]
        st["in_kind"] = {"B": 16}
        st["in_kind_value_per_unit_year"] = 0.01

    loaded = variant(kind)
    res = result_document(run_scenario(loaded))
    alt = next(a for a in res["alternatives"] if a["id"] == "force")
    assert alt["status"] == "agreement" and "B" in alt["members"]
    arr = alt["arrangement"]
    assert arr["in_kind"] == {"B": 16.0}
    assert arr["cost"]["in_kind_value"] == {"B": pytest.approx(0.16)}
    assert arr["cost"]["in_kind_note"].startswith("contributions in kind, at the scenario's value")
    # not paid from the common pool: the payments still sum to the annual cost
    assert sum(arr["cost"]["payments"].values()) == pytest.approx(arr["cost"]["annual"])
    html = render_html(res)
    assert "in kind (a year)" in html and "16 units = 0.16" in html


@settings(max_examples=25, deadline=None)
@given(
    size=st.floats(0, 200),
    rule=st.sampled_from(["unanimity", "veto_bloc"]),
    capability=st.floats(0.01, 10.0),
    salience=st.floats(0.0, 1.0),
    model=st.sampled_from(["compromise", "median", "nash", "bdm"]),
)
def test_property_an_observer_without_pressure_changes_nothing(
    size: float, rule: str, capability: float, salience: float, model: str
) -> None:
    def observed(d: dict[str, Any]) -> None:
        d["actors"]["E"] = {
            "name": "Observer",
            "european": False,
            "capability": capability,
            "positions": {
                "size": {"position": size, "salience": salience},
                "rule": {"position": rule, "salience": salience},
            },
        }
        d["alternatives"]["force"]["observers"] = ["E"]

    base = run_alternative(_TOY.scenario, "force", model=model, detail=False)
    seen = run_alternative(variant(observed).scenario, "force", model=model, detail=False)
    assert {k: v.value for k, v in seen.agreed.items()} == {
        k: v.value for k, v in base.agreed.items()
    }
    assert (seen.status, seen.members) == (base.status, base.members)


@settings(max_examples=25, deadline=None)
@given(low=st.floats(-1.0, 2.0), rise=st.floats(0.0, 2.0))
def test_property_a_higher_outside_option_never_brings_a_nation_to_the_table(
    low: float, rise: float
) -> None:
    def outside(value: float) -> Callable[[dict[str, Any]], None]:
        def change(d: dict[str, Any]) -> None:
            d["actors"]["C"]["outside_option"]["force"] = value

        return change

    at = {}
    for value in (low, low + rise):
        out = run_alternative(variant(outside(value)).scenario, "force", detail=False)
        assert out.table is not None
        at[value] = "C" in out.table.at_table
    assert at[low + rise] <= at[low]
