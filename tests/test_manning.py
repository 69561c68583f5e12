"""Tests for mlf.manning: hand-worked cases, an independent constraint check, and the
aggregate reduction cross-checked against the per-ship MILP on random small instances."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlf.errors import MlfError
from mlf.manning import (
    ManningError,
    ManningPlan,
    ManningRules,
    check_crews,
    diagnose,
    solve_manning,
)

MLF_NATIONS = ("US", "FRG", "UK", "IT", "GR", "TR", "NL", "BE")


def assert_plan_ok(rules: ManningRules, plan: ManningPlan) -> None:
    """Every rule, checked here without the library's own checker."""
    assert plan.feasible
    x = np.array(plan.crews, dtype=int)
    assert x.shape == (rules.ships, len(rules.nations))
    cap = math.floor(round(rules.max_share * rules.crew_per_ship, 9))
    assert (x >= 0).all()
    assert (x.sum(axis=1) == rules.crew_per_ship).all()
    assert (x <= cap).all()
    assert ((x > 0).sum(axis=1) >= rules.min_nationalities).all()
    for k, name in enumerate(rules.nations):
        assert plan.totals[name] == x[:, k].sum()
        if rules.availability and name in rules.availability:
            assert x[:, k].sum() <= rules.availability[name]
    assert sum(plan.totals.values()) == rules.ships * rules.crew_per_ship
    assert sum(plan.shares.values()) == pytest.approx(1.0)
    target = np.array([plan.targets[k] for k in rules.nations])
    dev = np.abs(x.sum(axis=0) - target * rules.total_crew).sum()
    assert plan.deviation == pytest.approx(dev)
    if rules.tolerance is not None:
        shares = x.sum(axis=0) / rules.total_crew
        assert (np.abs(shares - target) <= rules.tolerance + 1e-9).all()


def test_two_members_cannot_have_three_nationalities() -> None:
    plan = solve_manning(ManningRules(("US", "FRG"), ships=25, crew_per_ship=300))
    assert not plan.feasible
    assert plan.reason == "2 members cannot satisfy 'at least 3 nationalities per ship'"
    assert plan.status == "diagnosed"


def test_forty_percent_cap_with_two_nations() -> None:
    rules = ManningRules(("US", "FRG"), ships=25, crew_per_ship=300, min_nationalities=2)
    plan = solve_manning(rules)
    assert not plan.feasible
    assert plan.reason.startswith("max share 40% x 2 nations < 100% of a crew")
    assert "240 of 300" in plan.reason
    # the per-ship MILP agrees (the diagnosis runs first, so ask the solver directly)
    from mlf.manning import _solve_full

    assert not _solve_full(rules, None).feasible


def test_availability_below_required_crew() -> None:
    rules = ManningRules(
        ("A", "B", "C"), ships=2, crew_per_ship=10, availability={"A": 3, "B": 3, "C": 3}
    )
    plan = solve_manning(rules)
    assert not plan.feasible
    assert plan.reason.startswith("availability below required crew")
    assert "9 sailors" in plan.reason


def test_too_few_nations_with_spare_sailors() -> None:
    # 3 ships need 3 nationalities each; C and D have one sailor each
    rules = ManningRules(
        ("A", "B", "C", "D"), ships=3, crew_per_ship=10, max_share=0.5,
        availability={"C": 1, "D": 1},
    )  # fmt: skip
    plan = solve_manning(rules)
    assert not plan.feasible
    assert "9" in plan.reason and "aboard only" in plan.reason
    assert not solve_manning(rules, method="full").feasible


def test_hand_worked_feasible_case() -> None:
    # 2 ships of 10, 40% cap = 4 per nation per ship, 3 nations: each ship 4 + 4 + 2
    rules = ManningRules(("A", "B", "C"), ships=2, crew_per_ship=10)
    plan = solve_manning(rules)
    assert_plan_ok(rules, plan)
    assert sorted(plan.totals.values()) == [6, 7, 7]
    assert plan.deviation == pytest.approx(4 / 3)  # |6 - 20/3| + 2 |7 - 20/3|
    assert check_crews(rules, plan.crews) == []


def test_targets_and_tolerance() -> None:
    rules = ManningRules(
        ("A", "B", "C", "D"), ships=3, crew_per_ship=10,
        targets={"A": 4, "B": 4, "C": 1, "D": 1},
    )  # fmt: skip
    plan = solve_manning(rules)
    assert_plan_ok(rules, plan)
    assert plan.totals == {"A": 12, "B": 12, "C": 3, "D": 3}
    assert plan.deviation == 0
    tight = ManningRules(
        ("A", "B", "C", "D"), ships=3, crew_per_ship=10,
        targets={"A": 0.7, "B": 0.1, "C": 0.1, "D": 0.1}, tolerance=0.05,
    )  # fmt: skip
    plan = solve_manning(tight)
    assert not plan.feasible and plan.status == "infeasible"
    assert "within 5%" in plan.reason
    assert not solve_manning(tight, method="full").feasible


def test_ricketts_crew_breaks_the_forty_percent_cap() -> None:
    # USS Claude V. Ricketts, 1964-65: crew 335 (USNI Proceedings, Jul 1965)
    rules = ManningRules(("US", "FRG", "GR", "UK", "IT", "NL"), ships=1, crew_per_ship=335)
    problems = check_crews(rules, [[184, 49, 32, 26, 26, 18]])
    assert problems == ["ship 1: US has 184 sailors, above the 40% cap (134)"]
    plan = solve_manning(rules)
    assert_plan_ok(rules, plan)
    assert check_crews(rules, plan.crews) == []
    assert len(check_crews(rules, [[1, 1]])) == 1  # wrong shape


def test_mlf_scale_both_methods_agree() -> None:
    targets = {"US": 40, "FRG": 40, "UK": 10, "IT": 12, "GR": 1, "TR": 1, "NL": 4, "BE": 2}
    rules = ManningRules(MLF_NATIONS, ships=25, crew_per_ship=300, targets=targets)
    agg = solve_manning(rules)
    full = solve_manning(rules, method="full")
    assert_plan_ok(rules, agg)
    assert_plan_ok(rules, full)
    assert agg.deviation == pytest.approx(full.deviation, abs=1e-6)
    assert len(agg.patterns()) <= 8
    assert sum(n for _, n in agg.patterns()) == 25
    out = agg.to_dict()
    json.dumps(out)
    assert len(out["ships"]) == 25


def test_validation_errors() -> None:
    with pytest.raises(ManningError, match="ships"):
        ManningRules(("A",), ships=0, crew_per_ship=1)
    with pytest.raises(ManningError, match="max_share"):
        ManningRules(("A",), ships=1, crew_per_ship=1, max_share=1.2)
    with pytest.raises(ManningError, match="unknown nation"):
        ManningRules(("A",), ships=1, crew_per_ship=1, availability={"B": 1})
    with pytest.raises(ManningError, match="missing"):
        ManningRules(("A", "B"), ships=1, crew_per_ship=1, targets={"A": 1})
    with pytest.raises(MlfError, match="method"):
        solve_manning(ManningRules(("A",), 1, 1, min_nationalities=1), method="fast")  # type: ignore[arg-type]


@st.composite
def small_rules(draw: st.DrawFn) -> ManningRules:
    k = draw(st.integers(1, 5))
    nations = tuple("ABCDE"[:k])
    avail = None
    if draw(st.booleans()):
        avail = {n: draw(st.integers(0, 30)) for n in nations if draw(st.booleans())}
    targets = None
    if draw(st.booleans()):
        targets = {n: draw(st.integers(0, 5)) for n in nations}
        if sum(targets.values()) == 0:
            targets = None
    tol = draw(st.sampled_from([None, None, 0.05, 0.2])) if targets else None
    return ManningRules(
        nations,
        ships=draw(st.integers(1, 4)),
        crew_per_ship=draw(st.integers(1, 12)),
        max_share=draw(st.sampled_from([0.25, 0.34, 0.4, 0.5, 1.0])),
        min_nationalities=draw(st.integers(1, 4)),
        availability=avail,
        targets=targets,
        tolerance=tol,
    )


@settings(max_examples=80, deadline=None)
@given(rules=small_rules())
def test_aggregate_matches_per_ship_milp(rules: ManningRules) -> None:
    from mlf.manning import _solve_full

    agg = solve_manning(rules)
    full = _solve_full(rules, None)  # no diagnosis: the MILP alone decides
    assert agg.feasible == full.feasible
    if rules.tolerance is None:
        assert agg.feasible == (diagnose(rules) is None)  # the diagnosis is exact
    if agg.feasible:
        assert_plan_ok(rules, agg)
        assert_plan_ok(rules, full)
        assert agg.deviation == pytest.approx(full.deviation, abs=1e-6)
        assert check_crews(rules, agg.crews) == []
    else:
        assert agg.reason
        assert agg.crews == ()


def test_per_ship_milp_survives_a_highs_presolve_solve_error() -> None:
    # found by hypothesis: HiGHS's presolve reports "Solve error" on this feasible instance
    from mlf.manning import _solve_full

    rules = ManningRules(("A", "B", "C", "D", "E"), ships=2, crew_per_ship=12, max_share=0.25)
    full = _solve_full(rules, None)
    assert full.feasible and full.status == "optimal"
    assert full.deviation == pytest.approx(solve_manning(rules).deviation, abs=1e-6)
