"""The exercise's ratification stage (issue 15): after the delegations decide, each member's
ratification at home is checked by the talks' own step (mlf.ratification), recorded in the
state, shown in the views and the debrief.

tests/data/ratify-two.yaml with both parliaments' reservations at 0.5: A and B bargain over
`share` (0..100) with equal capability and salience, so the compromise model settles at the
mean of the positions stated (B, a model seat, keeps its brief's 100). Each parliament has one
position (A's at 0, B's at 100), so its utility of a term v is 1 - |v - p| / 100 and its
win-set is |v - p| <= 50: A stating 0 settles 50, inside both (ratified); A stating 40
settles 70, outside A's win-set [0, 50] (A's parliament: 0.30 < 0.50; signed, not ratified).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mlf import ratification as ratif
from mlf.exercise import (
    ArrangementBuilt,
    DecisionMade,
    Event,
    PositionStated,
    RoundClosed,
    apply,
    chair_view,
    comparison,
    comparison_tables,
    exercise_report_html,
    exercise_result,
    initial_state,
    make_setup,
    public_view,
    seat_view,
)
from mlf.results import validate_result
from mlf.scenario import parse_scenario
from mlf.talks import run_alternative

TEXT = (
    (Path(__file__).parent / "data" / "ratify-two.yaml")
    .read_text(encoding="utf-8")
    .replace("reservation: 0.8", "reservation: 0.5")
)
assert TEXT.count("reservation: 0.5") == 2


def play(stated: float) -> Any:
    setup = make_setup(TEXT, "ratify-two.yaml", alternative="deal", seats=("A",))
    state = initial_state(setup)
    events: list[Event] = [
        PositionStated(seat="A", issue="share", value=stated),
        RoundClosed(),
        DecisionMade(seat="A", join=True),
        ArrangementBuilt(),
    ]
    for ev in events:
        state = apply(state, ev)
    return state


def test_a_ratified_agreement_stands_and_every_view_shows_the_verdicts() -> None:
    state = play(0)
    b = state.current.built
    assert state.current.settlement.agreed["share"].value == pytest.approx(50)
    assert b.status == "agreement"
    assert b.ratification is not None and b.ratification.ratified
    assert b.ratification.detail == "ratified by every member"
    for view in (public_view(state), seat_view(state, "A"), chair_view(state)):
        r = view["rounds"][-1]["arrangement"]["ratification"]
        assert r["ratified"] and r["not_ratified_by"] == []
        for a in ("A", "B"):
            (v,) = r["members"][a]["ratifiers"]
            assert v["utility"] == pytest.approx(0.5) and v["reservation"] == 0.5
            assert v["ratifies"] and r["members"][a]["elements_refused"] == []


def test_an_agreement_a_parliament_refuses_is_signed_not_ratified() -> None:
    state = play(40)
    st, b = state.current.settlement, state.current.built
    assert st.agreed["share"].value == pytest.approx(70)
    assert b.members == ("A", "B")  # both signed
    assert b.status == ratif.NOT_RATIFIED == "signed, not ratified"
    assert b.detail == (
        "signed by A, B, not ratified by Nation A (A's parliament: 0.30 < 0.50); "
        "the outcome is the status quo"
    )
    assert b.power is None and b.manning is None
    assert b.guardrails["fallback"]["outcome"] == "status quo"
    rat = b.ratification
    assert rat is not None and rat.not_ratified_by == ("A",)
    assert rat.members["A"].winsets["share"].lo == 0 and rat.members["A"].winsets["share"].hi == 50
    # the same step the talks use: mlf.ratification.check on the settled terms
    same = ratif.check(state.ctx.scenario, ("A", "B"), {"share": st.agreed["share"].value})
    assert same.members == rat.members and same.joint == rat.joint
    view = public_view(state)["rounds"][-1]["arrangement"]
    assert view["status"] == "signed, not ratified" and view["detail"] == b.detail
    r = view["ratification"]
    assert r["not_ratified_by"] == ["A"]
    assert r["members"]["A"]["elements_refused"] == ["share"]
    assert r["members"]["A"]["ratifiers"][0]["utility"] == pytest.approx(0.3)
    assert r["members"]["B"]["ratifies"] and r["members"]["B"]["elements_refused"] == []


def test_the_exercise_and_mlf_run_agree_on_the_same_terms() -> None:
    """A delegation stating 40 is refereed as `mlf run` would judge a nation whose brief is
    40 (renegotiation off: the exercise leaves that to the chair)."""
    state = play(40)
    text = TEXT.replace(
        "share: {position: 0, salience: 1.0}\n    weights",
        "share: {position: 40, salience: 1.0}\n    weights",
        1,
    )
    text = text.replace(
        "settings:\n  model: compromise",
        "settings:\n  model: compromise\n  ratification: {renegotiate: false}",
        1,
    )
    sc, _ = parse_scenario(text, "forty.yaml")
    assert sc.actors["A"].positions["share"].position == 40
    out = run_alternative(sc, "deal", model="compromise", seed=sc.settings.seed)
    assert out.status == "signed, not ratified"
    assert out.ratification is not None
    want = out.ratification.to_dict()
    got = state.current.built.ratification.to_dict()
    assert got == want


def test_the_debrief_and_the_result_carry_the_ratification() -> None:
    state = play(40)
    doc = exercise_result(state)
    validate_result(doc)
    (alt,) = doc["alternatives"]
    assert alt["status"] == "signed, not ratified"
    assert alt["ratification"]["not_ratified_by"] == ["A"]
    assert any("not ratified by Nation A" in n for n in alt["notes"])
    assert "Ratification" in exercise_report_html(state)
    c = comparison(state)
    assert c["exercise_status"] == "signed, not ratified"
    # the model's own run (A at its brief, 0) settles 50 and is ratified
    assert c["ratification"]["model"]["ratified"] is True
    t = comparison_tables(state, c)["ratification"]
    assert t["columns"][0] == "member"
    assert t["rows"] == [
        [
            "A",
            "A's parliament",
            "0.30 / 0.50",
            "does not ratify",
            "The element both parliaments care about",
            "ratifies",
        ],
        ["B", "B's parliament", "0.70 / 0.50", "ratifies", "–", "ratifies"],
    ]


def test_an_exercise_without_ratifiers_has_no_stage() -> None:
    toy = (Path(__file__).parent / "data" / "toy-talks.yaml").read_text(encoding="utf-8")
    setup = make_setup(toy, "toy-talks.yaml", alternative="force", seats=("B",))
    state = apply(initial_state(setup), RoundClosed())
    assert not any(a.ratifiers for a in state.ctx.scenario.actors.values())
    state = apply(apply(state, DecisionMade(seat="B", join=True)), ArrangementBuilt())
    b = state.current.built
    assert b.status != ratif.NOT_RATIFIED and b.ratification is None
    assert public_view(state)["rounds"][-1]["arrangement"]["ratification"] is None
    assert comparison_tables(state)["ratification"]["rows"] == []
