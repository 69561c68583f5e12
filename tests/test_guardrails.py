"""The memorandum's guardrails (mlf.guardrails): the European test, no selling, fall-back."""

from __future__ import annotations

import pytest

from mlf.errors import GameError
from mlf.games import BlocGame, MinimalWinningGame, UnanimityGame, WeightedGame
from mlf.guardrails import fallback, fixed_point, is_genuinely_european, no_selling
from mlf.participation import Decision, Terms

NAMES = ("US", "UK", "FRG", "IT")
EU = ("UK", "FRG", "IT")


def test_european_bloc_alone_is_european() -> None:
    bloc = BlocGame(NAMES, EU, WeightedGame(EU, [1, 1, 1], 2))
    t = is_genuinely_european(bloc, EU)
    assert t.ok and t.failed == () and t.europeans_can_act_alone


def test_a_non_european_veto_fails_condition_one() -> None:
    bloc = BlocGame(NAMES, EU, WeightedGame(EU, [1, 1, 1], 2))
    t = is_genuinely_european(UnanimityGame(NAMES, ["US"]) & bloc, EU)
    assert not t.ok
    assert t.failed == ("non_european_veto",)
    assert t.non_european_vetoes == ("US",)
    assert "non-European veto player(s): US" in t.reason


def test_a_rule_where_the_us_can_fire_alone_is_not_european() -> None:
    # The US fires alone, or the three Europeans together: no non-European veto (the
    # Europeans can act without the US), yet a non-European coalition (the US) acts alone.
    # The old test (no non-European veto, Europeans can act) passed it.
    game = MinimalWinningGame(NAMES, [["US"], list(EU)])
    t = is_genuinely_european(game, EU)
    assert not t.ok
    assert t.failed == ("non_european_can_act",)
    assert t.non_european_vetoes == ()
    assert "can act without any European" in t.reason


def test_both_conditions_can_fail_and_both_are_named() -> None:
    game = UnanimityGame(NAMES, ["US"])  # the US alone wins and is a veto player
    t = is_genuinely_european(game, EU)
    assert t.failed == ("non_european_veto", "non_european_can_act")
    assert "veto" in t.reason and "without any European" in t.reason


def test_europeans_needing_one_of_several_outsiders_pass_and_say_so() -> None:
    five = ("US", "CA", "UK", "FRG", "IT")
    # no veto (without US: 70 >= 65); US + CA = 40 < 65; the Europeans' 60 < 65 needs one.
    weighted = WeightedGame(five, [30, 10, 20, 20, 20], 65)
    t = is_genuinely_european(weighted, EU)
    assert t.ok and not t.europeans_can_act_alone
    assert "need at least one non-European" in t.reason
    assert t.to_dict()["europeans_can_act_alone"] is False


def test_degenerate_rules() -> None:
    nothing = MinimalWinningGame(NAMES, [])
    assert is_genuinely_european(nothing, EU).failed == ("no_winning_coalition",)
    assert is_genuinely_european(UnanimityGame(NAMES, list(NAMES)), []).failed == (
        "no_european_members",
    )
    with pytest.raises(GameError):
        is_genuinely_european(UnanimityGame(NAMES, list(NAMES)), ["FR"])


def _decision(actor: str, join: bool, utility: float, outside: float) -> Decision:
    t = Terms(utility, 0.0, 0.0, 1.0, 1.0, 2.0)
    return Decision(actor, join, t, outside, utility - outside)


def test_no_selling_prices_refusals_and_never_claims_ok_on_a_cycle() -> None:
    decisions = [_decision("A", True, 0.6, 0.5), _decision("B", False, 0.3, 0.5)]
    ok = no_selling(decisions, {"A": 10.0, "B": 4.0}, "bn USD")
    assert ok["ok"] and ok["flagged"] == []
    # B's gap 0.2 of utility = 0.2 / w_cost 2 of its budget 4 = 0.4 a year
    assert ok["side_payments_that_would_buy_entry"]["B"]["annual_payment"] == pytest.approx(0.4)
    cyc = no_selling(decisions, {"A": 10.0, "B": 4.0}, "bn USD", cycle=True)
    assert cyc["ok"] is False and "cycle" in cyc["detail"]


def test_fallback_and_fixed_point() -> None:
    assert fallback("agreement")["outcome"] == "agreement"
    for status in ("no agreement", "cycle", "does not count"):
        assert fallback(status)["outcome"] == "status quo"
    assert fixed_point("fixed point after 1 round(s) of talks")["ok"]
    assert not fixed_point("cycle: the member set of round 1 recurs in round 3")["ok"]
