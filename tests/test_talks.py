"""The talks loop and its guardrails on a toy scenario (tests/data/toy-talks.yaml)."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from mlf.scenario import LoadedScenario, parse_scenario
from mlf.talks import (
    build_arrangement,
    policy_satisfaction,
    run_alternative,
    run_scenario,
    support_of,
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
    assert out.detail == "the talks settle size at 0: no force; the outcome is the status quo"
    assert out.guardrails["fallback"]["outcome"] == "status quo"


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
