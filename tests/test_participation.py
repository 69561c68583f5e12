"""Participation games whose equilibria can be worked out by hand."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from mlf.participation import (
    ParticipationGame,
    Terms,
    best_response_dynamics,
    decide,
    equilibria,
)


def table_game(
    invited: list[str],
    table: dict[tuple[frozenset[str], str], float],
    outside: dict[str, float],
) -> ParticipationGame:
    """A game whose utility of joining is read from a table (missing = infeasible)."""

    def terms(members: frozenset[str], actor: str) -> Terms:
        u = table.get((members, actor))
        if u is None:
            return Terms(0, 0, 0, feasible=False, note="too few members")
        return Terms(policy=u, voice=0.0, cost=0.0)

    return ParticipationGame(invited, terms, outside)


def fs(*xs: str) -> frozenset[str]:
    return frozenset(xs)


def test_coordination_game_has_two_equilibria() -> None:
    # Each joins only together with the other: {a, b} and {} are both stable.
    g = table_game(
        ["a", "b"],
        {(fs("a", "b"), "a"): 1.0, (fs("a", "b"), "b"): 1.0},
        {"a": 0.5, "b": 0.5},
    )
    assert equilibria(g) == [fs("a", "b"), fs()]
    dyn = best_response_dynamics(g)
    assert dyn.members == fs("a", "b") and dyn.stable and not dyn.cycle


def test_matching_pennies_has_no_equilibrium_and_the_dynamics_cycle() -> None:
    # a wants to be with b; b wants to be without a.
    g = table_game(
        ["a", "b"],
        {
            (fs("a", "b"), "a"): 1.0,
            (fs("a"), "a"): 0.0,
            (fs("a", "b"), "b"): 0.0,
            (fs("b"), "b"): 1.0,
        },
        {"a": 0.5, "b": 0.5},
    )
    assert equilibria(g) == []
    dyn = best_response_dynamics(g)
    assert dyn.cycle and not dyn.stable
    # The repeating member sets, in order (the first recurs after the last).
    assert dyn.cycle_sets == (("a",), (), ("b",), ("a", "b"))
    res = decide(g)
    assert res.equilibria == ()
    # A cycle has no member set: not the state where the cycle happened to be found.
    assert res.cycle and res.members == fs()
    assert res.to_dict()["members"] == [] and res.to_dict()["cycle"] is True
    assert res.to_dict()["dynamics"]["cycle_sets"] == [["a"], [], ["b"], ["a", "b"]]


def test_free_rider_leaves_and_the_rest_stay() -> None:
    # Three nations; c gains more outside; a and b want each other.
    u = {
        (fs("a", "b", "c"), "a"): 0.9,
        (fs("a", "b", "c"), "b"): 0.9,
        (fs("a", "b", "c"), "c"): 0.4,
        (fs("a", "b"), "a"): 0.8,
        (fs("a", "b"), "b"): 0.8,
        (fs("a", "c"), "a"): 0.1,
        (fs("a", "c"), "c"): 0.3,
        (fs("b", "c"), "b"): 0.1,
        (fs("b", "c"), "c"): 0.3,
    }
    g = table_game(["a", "b", "c"], u, {"a": 0.5, "b": 0.5, "c": 0.6})
    dyn = best_response_dynamics(g)
    assert dyn.members == fs("a", "b")
    assert dyn.path == (("a", "b", "c"), ("a", "b"))
    assert equilibria(g) == [fs("a", "b"), fs()]
    res = decide(g)
    c = next(d for d in res.decisions if d.actor == "c")
    assert not c.join
    assert c.margin < 0
    assert "outside option" in c.reason and "would join if" in c.flip


def test_ties_keep_the_current_choice() -> None:
    g = table_game(
        ["a", "b"], {(fs("a", "b"), "a"): 0.5, (fs("a", "b"), "b"): 0.5}, {"a": 0.5, "b": 0.5}
    )
    # Indifferent members stay in; indifferent outsiders stay out.
    assert g.is_stable(fs("a", "b"))
    assert g.is_stable(fs())


def test_decision_terms_decompose_the_utility() -> None:
    t = Terms(policy=0.8, voice=0.3, cost=0.02, w_policy=1.0, w_voice=0.5, w_cost=10.0)
    assert abs(t.utility - (0.8 + 0.15 - 0.2)) < 1e-12
    assert t.to_dict()["utility"] == t.utility
    assert Terms(0, 0, 0, feasible=False).to_dict()["utility"] is None


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 4),
    data=st.data(),
)
def test_enumeration_agrees_with_the_definition(n: int, data: st.DataObject) -> None:
    """Random games: every listed equilibrium is stable, every stable set is listed,
    and a stable end point of the dynamics is one of them."""
    invited = [f"p{i}" for i in range(n)]
    values = st.floats(0, 1, allow_nan=False)
    table = {}
    for k in range(1, n + 1):
        for combo in combinations(invited, k):
            for a in combo:
                table[(frozenset(combo), a)] = data.draw(values)
    outside = {a: data.draw(values) for a in invited}
    g = table_game(invited, table, outside)
    eq = equilibria(g)
    for k in range(n + 1):
        for combo in combinations(invited, k):
            m = frozenset(combo)
            internal = all(table[(m, a)] >= outside[a] for a in m)
            external = all(table[(m | {a}, a)] <= outside[a] for a in invited if a not in m)
            assert (m in eq) == (internal and external)
    dyn = best_response_dynamics(g)
    if dyn.stable:
        assert dyn.members in eq
