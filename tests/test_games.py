"""Tests of mlf.games: game classes, the [q; w] notation and the rule-spec grammar."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlf.errors import GameError
from mlf.games import (
    AndGame,
    BlocGame,
    Game,
    MinimalWinningGame,
    OrGame,
    RuleContext,
    UnanimityGame,
    VectorWeightedGame,
    WeightedGame,
    game_from_spec,
    parse_number,
    parse_weighted,
    rule_actor_refs,
    rule_actors,
    rule_error_loc,
    rule_uses_weights,
    validate_rule_spec,
)

MEMBERS = ("US", "UK", "FRG", "IT", "NL", "BE", "GR", "TR")
EUROPEAN = ("UK", "FRG", "IT", "NL", "BE", "GR")
CONTRIB = {"US": 38, "UK": 10, "FRG": 38, "IT": 7, "NL": 3, "BE": 2, "GR": 1, "TR": 1}
CTX = RuleContext(members=MEMBERS, groups={"european": EUROPEAN}, weights={"contribution": CONTRIB})


def all_coalitions(players: tuple[str, ...]) -> list[frozenset[str]]:
    return [frozenset(c) for k in range(len(players) + 1) for c in combinations(players, k)]


def assert_game_is(game: Game, predicate: Callable[[frozenset[str]], bool]) -> None:
    """The game's winning set equals the predicate's, via names, int masks and arrays."""
    masks = np.arange(1 << game.n, dtype=np.uint64)
    vec = game.winning(masks)
    for m in range(1 << game.n):
        s = frozenset(game.members_of(m))
        expect = predicate(s)
        assert game.is_winning(s) is expect, sorted(s)
        assert game.is_winning(m) is expect
        assert bool(vec[m]) is expect


# --- parse_number / parse_weighted ---------------------------------------------------------


def test_parse_number_exact() -> None:
    assert parse_number("2/3") == Fraction(2, 3)
    assert parse_number("0.1") == Fraction(1, 10)
    assert parse_number(0.1) == Fraction(1, 10)
    assert parse_number(7) == 7
    with pytest.raises(GameError):
        parse_number("abc")
    with pytest.raises(GameError):
        parse_number(True)


def test_parse_weighted_basic() -> None:
    g = parse_weighted("[39; 7, 7, 7, 7, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]")
    assert g.players[0] == "P1" and g.n == 15
    assert g.int_quota == 39 and g.total == 45
    assert g.is_winning(["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"])
    assert not g.is_winning(["P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11"])


def test_parse_weighted_rational_and_decimal_weights() -> None:
    g = parse_weighted("[1/2; 1/3, 1/6, 0.25, 0.25]", names=["A", "B", "C", "D"])
    assert g.is_winning(["A", "B"])  # 1/2
    assert g.is_winning(["A", "D"])  # 7/12
    assert g.is_winning(["C", "D"])
    assert not g.is_winning(["B", "C"])  # 5/12 < 1/2


def test_parse_weighted_share_quotas() -> None:
    g = parse_weighted("[2/3; 1, 1, 1]")
    assert g.is_winning(["P1", "P2"]) and not g.is_winning(["P1"])
    h = parse_weighted("[>1/2; 1, 1, 1, 1]")
    assert h.is_winning(["P1", "P2", "P3"]) and not h.is_winning(["P1", "P2"])
    p = parse_weighted("[65%; 65, 35]")
    assert p.is_winning(["P1"]) and not p.is_winning(["P2"])
    assert str(parse_weighted("[3; 2, 2]")) == "[3; 2, 2]"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("3; 1, 2", "expected"),
        ("[3 1 2]", "expected"),
        ("[3; ]", "empty"),
        ("[3; 1,,2]", "empty"),
        ("[3; 1, -2, 4]", "negative"),
        ("[9; 1, 2, 3]", "exceeds"),
        ("[x; 1, 2]", "cannot read"),
        ("[2; 1, a]", "cannot read"),
    ],
)
def test_parse_weighted_errors(text: str, why: str) -> None:
    with pytest.raises(GameError, match=why):
        parse_weighted(text)


def test_parse_weighted_names_mismatch() -> None:
    with pytest.raises(GameError, match="names"):
        parse_weighted("[2; 1, 1, 1]", names=["A", "B"])


def test_duplicate_players_rejected() -> None:
    with pytest.raises(GameError, match="duplicate"):
        WeightedGame(["A", "A"], [1, 1], 1)


def test_weighted_integer_scaling_is_exact() -> None:
    # 0.1 + 0.2 >= 0.3 must hold exactly (it does not in binary floating point)
    g = WeightedGame(["A", "B", "C"], [0.1, 0.2, 0.7], 0.3)
    assert g.is_winning(["A", "B"])
    assert g.int_weights == (1, 2, 7) and g.int_quota == 3
    s = WeightedGame(["A", "B"], [1, 1], 1, strict=True)
    assert not s.is_winning(["A"]) and s.is_winning(["A", "B"])


def test_of_total() -> None:
    g = WeightedGame.of_total(["A", "B", "C"], [2, 3, 4], "2/3")  # 3w >= 2*9 -> w >= 6
    assert g.is_winning(["A", "C"]) and not g.is_winning(["B", "A"])
    with pytest.raises(GameError):
        WeightedGame.of_total(["A"], [1], "3/2")


# --- game classes against predicates --------------------------------------------------------

P5 = ("A", "B", "C", "D", "E")
W5 = {"A": 4, "B": 3, "C": 2, "D": 1, "E": 1}


def test_classes_against_predicates() -> None:
    wg = WeightedGame(P5, [W5[p] for p in P5], 6)
    assert_game_is(wg, lambda s: sum(W5[p] for p in s) >= 6)
    cnt = WeightedGame(P5, [1] * 5, 3)
    vec = VectorWeightedGame([wg, cnt])
    assert_game_is(vec, lambda s: sum(W5[p] for p in s) >= 6 and len(s) >= 3)
    una = UnanimityGame(P5, ["B", "D"], label="veto")
    assert_game_is(una, lambda s: {"B", "D"} <= s)
    assert_game_is(wg & una, lambda s: sum(W5[p] for p in s) >= 6 and {"B", "D"} <= s)
    assert_game_is(OrGame([una, cnt]), lambda s: {"B", "D"} <= s or len(s) >= 3)
    assert_game_is(AndGame([wg, cnt, una]), lambda s: vec.is_winning(s) and una.is_winning(s))
    inner = WeightedGame(("A", "C", "E"), [1, 1, 1], 2)
    bloc = BlocGame(P5, ("A", "C", "E"), inner)
    assert_game_is(bloc, lambda s: len(s & {"A", "C", "E"}) >= 2)
    mwg = MinimalWinningGame(P5, [["A", "B"], ["C", "D", "E"], ["A", "B", "C"]])
    assert mwg.coalitions == (("A", "B"), ("C", "D", "E"))
    assert_game_is(mwg, lambda s: {"A", "B"} <= s or {"C", "D", "E"} <= s)
    r = wg.restrict(["A", "B", "D"])
    assert_game_is(r, lambda s: sum(W5[p] for p in s & {"A", "B", "D"}) >= 6)


def test_winning_rows_matches_winning() -> None:
    games: list[Game] = [
        WeightedGame(P5, [W5[p] for p in P5], 6),
        UnanimityGame(P5, ["A"]),
        MinimalWinningGame(P5, [["A", "E"]]),
        BlocGame(P5, ("B", "C"), WeightedGame(("B", "C"), [1, 1], 2)),
    ]
    masks = np.arange(32, dtype=np.uint64)
    rows = ((masks[:, None] >> np.arange(5, dtype=np.uint64)) & np.uint64(1)).astype(bool)
    for g in games:
        assert np.array_equal(g.winning(masks), g.winning_rows(rows))


def test_lisbon_is_an_or_of_vector_games() -> None:
    players = tuple(f"M{i}" for i in range(6))
    pop = [40, 25, 15, 10, 6, 4]
    # toy "(>= 4 members AND >= 65% pop) OR >= 5 members"
    dm = VectorWeightedGame(
        [WeightedGame(players, [1] * 6, 4), WeightedGame.of_total(players, pop, "65/100")]
    )
    g = dm | WeightedGame(players, [1] * 6, 5)
    idx = {p: i for i, p in enumerate(players)}

    def pred(s: frozenset[str]) -> bool:
        p = sum(pop[idx[x]] for x in s)
        return (len(s) >= 4 and 100 * p >= 65 * 100) or len(s) >= 5

    assert_game_is(g, pred)


def test_properness_and_has_winning() -> None:
    assert parse_weighted("[3; 1, 1, 1, 1]").is_proper
    assert not parse_weighted("[2; 1, 1, 1, 1]").is_proper
    assert not WeightedGame(["A", "B"], [1, 1], 3).has_winning
    assert WeightedGame(["A", "B"], [1, 1], 2).has_winning
    empty_bloc = BlocGame(["A", "B"], (), MinimalWinningGame((), []))
    assert not empty_bloc.has_winning
    assert not OrGame(
        [UnanimityGame(["A", "B"], ["A"]), UnanimityGame(["A", "B"], ["B"])]
    ).is_proper


def test_mask_errors() -> None:
    g = parse_weighted("[2; 1, 1]")
    with pytest.raises(GameError, match="unknown player"):
        g.is_winning(["Q"])
    with pytest.raises(GameError, match="bits outside"):
        g.is_winning(8)
    with pytest.raises(GameError, match="same players"):
        AndGame([g, parse_weighted("[2; 1, 1, 1]")])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=1, max_size=7),
    st.integers(0, 40),
    st.data(),
)
def test_weighted_vectorised_matches_scalar(
    weights: list[int], q: int, data: st.DataObject
) -> None:
    names = [f"X{i}" for i in range(len(weights))]
    g = WeightedGame(names, weights, q)
    masks = np.arange(1 << len(names), dtype=np.uint64)
    vec = g.winning(masks)
    for m in range(1 << len(names)):
        assert bool(vec[m]) == (sum(w for i, w in enumerate(weights) if m >> i & 1) >= q)
    m = data.draw(st.integers(0, (1 << len(names)) - 1))
    assert g.is_winning(m) == bool(vec[m])


# --- rule specs -----------------------------------------------------------------------------


def contrib(s: frozenset[str], over: tuple[str, ...] = MEMBERS) -> int:
    return sum(CONTRIB[a] for a in s if a in over)


def test_spec_unanimity_and_veto() -> None:
    assert_game_is(game_from_spec({"unanimity": "members"}, CTX), lambda s: len(s) == 8)
    g = game_from_spec({"veto": ["US"]}, CTX)
    assert isinstance(g, UnanimityGame) and g.label == "veto"
    assert_game_is(g, lambda s: "US" in s)
    assert_game_is(game_from_spec({"veto": "US"}, CTX), lambda s: "US" in s)


def test_spec_majority_and_at_least() -> None:
    assert_game_is(game_from_spec({"majority": "2/3"}, CTX), lambda s: 3 * len(s) >= 16)
    assert_game_is(game_from_spec({"majority": "1/2"}, CTX), lambda s: len(s) >= 4)
    assert_game_is(game_from_spec({"majority": "1/2+"}, CTX), lambda s: len(s) >= 5)
    assert_game_is(game_from_spec({"at_least": 3}, CTX), lambda s: len(s) >= 3)


def test_spec_weighted_quotas() -> None:
    tot = sum(CONTRIB.values())
    g = game_from_spec({"weighted": {"weights": "contribution", "quota": "2/3"}}, CTX)
    assert_game_is(g, lambda s: 3 * contrib(s) >= 2 * tot)
    g = game_from_spec({"weighted": {"weights": "contribution", "quota": 50}}, CTX)
    assert_game_is(g, lambda s: contrib(s) >= 50)
    g = game_from_spec({"weighted": {"weights": "contribution", "quota": "1/2+"}}, CTX)
    assert_game_is(g, lambda s: 2 * contrib(s) > tot)
    g = game_from_spec({"weighted": {"weights": "contribution", "quota": "65%"}}, CTX)
    assert_game_is(g, lambda s: 100 * contrib(s) >= 65 * tot)
    eu_tot = sum(CONTRIB[a] for a in EUROPEAN)
    g = game_from_spec(
        {"weighted": {"weights": "contribution", "quota": "1/2", "over": "european"}}, CTX
    )
    assert_game_is(g, lambda s: 2 * contrib(s, EUROPEAN) >= eu_tot)
    g = game_from_spec({"weighted": {"weights": {"US": 2, "UK": 1}, "quota": 2}}, CTX)
    assert_game_is(g, lambda s: 2 * ("US" in s) + ("UK" in s) >= 2)
    g = game_from_spec({"weighted": {"weights": "equal", "quota": "1/4"}}, CTX)
    assert_game_is(g, lambda s: len(s) >= 2)


def test_spec_vector() -> None:
    tot = sum(CONTRIB.values())
    spec = {
        "vector": [
            {"weights": "contribution", "quota": "1/2"},
            {"weights": "equal", "quota": "1/2+"},
        ]
    }
    g = game_from_spec(spec, CTX)
    assert isinstance(g, VectorWeightedGame)
    assert_game_is(g, lambda s: 2 * contrib(s) >= tot and len(s) >= 5)


def test_spec_mlf_examples() -> None:
    tot = sum(CONTRIB.values())
    us_weighted = {
        "all": [{"veto": ["US"]}, {"weighted": {"weights": "contribution", "quota": "2/3"}}]
    }
    assert_game_is(
        game_from_spec(us_weighted, CTX), lambda s: "US" in s and 3 * contrib(s) >= 2 * tot
    )
    us_bloc = {
        "all": [{"veto": ["US"]}, {"bloc": {"members": "european", "rule": {"majority": "2/3"}}}]
    }
    g = game_from_spec(us_bloc, CTX)
    assert_game_is(g, lambda s: "US" in s and 3 * len(s & set(EUROPEAN)) >= 2 * 6)
    clause = {"bloc": {"members": "european", "rule": {"majority": "2/3"}}}
    assert_game_is(game_from_spec(clause, CTX), lambda s: 3 * len(s & set(EUROPEAN)) >= 12)
    eith = {"any": [{"veto": ["US", "UK"]}, {"at_least": 7}]}
    assert_game_is(game_from_spec(eith, CTX), lambda s: {"US", "UK"} <= s or len(s) >= 7)


def test_spec_bloc_inner_members_are_the_bloc() -> None:
    spec = {"bloc": {"members": "european", "rule": {"unanimity": "members"}}}
    assert_game_is(game_from_spec(spec, CTX), lambda s: set(EUROPEAN) <= s)
    non = {"bloc": {"members": "non_european", "rule": {"at_least": 1}}}
    assert_game_is(game_from_spec(non, CTX), lambda s: bool(s & {"US", "TR"}))


def test_spec_minimal_winning_and_restrict() -> None:
    g = game_from_spec({"minimal_winning": [["US", "UK"], ["FRG", "IT", "NL"]]}, CTX)
    assert_game_is(g, lambda s: {"US", "UK"} <= s or {"FRG", "IT", "NL"} <= s)
    r = {"restrict": {"to": ["US", "UK", "FRG"], "rule": {"majority": "1/2+"}}}
    assert_game_is(game_from_spec(r, CTX), lambda s: len(s & {"US", "UK", "FRG"}) >= 2)


def test_spec_missing_actors() -> None:
    with pytest.raises(GameError, match="not members: FR"):
        game_from_spec({"veto": ["US", "FR"]}, CTX)
    g = game_from_spec({"veto": ["US", "FR"]}, CTX, missing="drop")
    assert_game_is(g, lambda s: "US" in s)
    g = game_from_spec({"veto": ["FR"]}, CTX, missing="drop")  # a non-member's veto disappears
    assert g.is_winning([])
    g = game_from_spec({"minimal_winning": [["US", "FR"]]}, CTX, missing="drop")
    assert_game_is(g, lambda s: "US" in s)
    with pytest.raises(GameError, match="missing"):
        game_from_spec({"veto": ["US"]}, CTX, missing="ignore")  # type: ignore[arg-type]


def test_spec_empty_bloc_and_impossible_quota_are_detectable() -> None:
    # a candidate member set of a negotiation (missing="drop") may leave a rule unable to act
    ctx = RuleContext(members=("US", "UK"), groups={"european": []})
    bloc = {"bloc": {"members": "european", "rule": {"at_least": 1}}}
    g = game_from_spec(bloc, ctx, missing="drop")
    assert not g.has_winning
    g = game_from_spec({"at_least": 3}, ctx, impossible="allow")
    assert not g.has_winning


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"bloc": {"members": "european", "rule": {"at_least": 1}}}, "rule.bloc.rule.at_least"),
        ({"at_least": 3}, "rule.at_least"),
        ({"weighted": {"weights": {"US": 1, "UK": 1}, "quota": 3}}, "rule.weighted.quota"),
        ({"weighted": {"weights": {"US": 0, "UK": 0}, "quota": "1/2"}}, "rule.weighted.quota"),
        ({"any": [{"veto": ["US"]}, {"at_least": 5}]}, r"rule.any\[1\].at_least"),
    ],
)
def test_impossible_rules_stated_in_full_are_errors(spec: object, path: str) -> None:
    """Issue 11: a quota above the total or at_least above n is refused at the field."""
    ctx = RuleContext(members=("US", "UK"), groups={"european": []})
    with pytest.raises(GameError, match=path) as info:
        game_from_spec(spec, ctx)
    assert info.value.path == path.replace("\\", "")


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({}, "rule: a rule is a mapping"),
        ({"veto": ["US"], "at_least": 2}, "rule: a rule is a mapping"),
        ({"nope": 1}, "rule: unknown rule 'nope'"),
        ({"veto": 3}, "rule.veto: expected"),
        ({"veto": ["US", 3]}, r"rule.veto\[1\]: actor ids"),
        ({"majority": "x"}, "rule.majority: "),
        ({"majority": "3/2"}, "rule.majority: the fraction"),
        ({"at_least": -1}, "rule.at_least: "),
        ({"weighted": {"weights": "gdp"}}, "rule.weighted: missing quota"),
        ({"weighted": {"weights": "gdp", "quota": 1, "x": 2}}, "rule.weighted: unknown key"),
        ({"weighted": {"weights": "gdp", "quota": "a/b"}}, "rule.weighted.quota: "),
        ({"weighted": {"weights": {"US": -1}, "quota": 1}}, "rule.weighted.weights.US: "),
        ({"vector": []}, "rule.vector: expected"),
        ({"all": [{"veto": ["US"]}, {"bad": 1}]}, r"rule.all\[1\]: unknown rule"),
        ({"bloc": {"members": "european"}}, "rule.bloc: missing rule"),
        ({"bloc": {"members": "european", "rule": {}}}, "rule.bloc.rule: "),
        ({"restrict": {"to": 5, "rule": {"at_least": 1}}}, "rule.restrict.to: "),
        ({"minimal_winning": [["US"], "UK"]}, r"rule.minimal_winning\[1\]: "),
        # issue 11: impossible or out-of-range numbers, found without any context
        ({"majority": 0}, "rule.majority: 0 is met by the empty coalition"),
        ({"majority": "1+"}, "rule.majority: more than all members"),
        ({"at_least": 0}, "rule.at_least: expected a positive integer"),
        ({"weighted": {"weights": "gdp", "quota": 0}}, "rule.weighted.quota: 0 is met"),
        ({"weighted": {"weights": "gdp", "quota": -2}}, "rule.weighted.quota: -2 is met"),
        ({"weighted": {"weights": "gdp", "quota": "101%"}}, "rule.weighted.quota: .* exceeds"),
        ({"weighted": {"weights": "gdp", "quota": "1/1+"}}, "rule.weighted.quota: .* exceeds"),
        ({"weighted": {"weights": "gdp", "quota": float("inf")}}, "rule.weighted.quota: .*finite"),
        ({"weighted": {"weights": "gdp", "quota": "1e99999999"}}, "rule.weighted.quota: .*range"),
        ({"weighted": {"weights": {"US": 1e16}, "quota": 1}}, "rule.weighted.weights.US: .*range"),
        ({"weighted": {"weights": "gdp", "quota": "0.1234567890123456"}}, "16 significant"),
        ({"vector": [{"weights": "gdp", "quota": "nan"}]}, r"rule.vector\[0\].quota: .*finite"),
    ],
)
def test_validate_rule_spec_paths(spec: object, path: str) -> None:
    with pytest.raises(GameError, match=path):
        validate_rule_spec(spec)


def test_rule_nesting_is_bounded() -> None:
    spec: dict[str, object] = {"veto": ["US"]}
    for _ in range(2000):
        spec = {"all": [spec]}
    with pytest.raises(GameError, match="nested more than 32 deep"):
        validate_rule_spec(spec)


def test_spec_context_errors() -> None:
    with pytest.raises(GameError, match="unknown group or actor 'asian'"):
        game_from_spec({"veto": "asian"}, CTX)
    with pytest.raises(GameError, match="unknown weight vector 'gdp'"):
        game_from_spec({"weighted": {"weights": "gdp", "quota": 1}}, CTX)
    ctx = RuleContext(members=("US", "UK"), weights={"gdp": {"US": 5}})
    with pytest.raises(GameError, match="no value for UK"):
        game_from_spec({"weighted": {"weights": "gdp", "quota": 1}}, ctx)


def test_scenario_check_locates_an_impossible_rule() -> None:
    """The built-in scenarios' rules still parse, and an impossible one is a located error
    through the scenario's use of ``validate_rule_spec`` (issue 11)."""
    from mlf.errors import ScenarioErrors
    from mlf.scenario import builtin_ids, builtin_path, load_scenario, parse_scenario

    for sid in builtin_ids():
        load_scenario(sid)
    text = builtin_path("mlf-1963").read_text(encoding="utf-8")
    assert 'rule: {majority: "2/3"}' in text
    bad = text.replace('rule: {majority: "2/3"}', "rule: {majority: 0}", 1)
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(bad, "variant.yaml")
    lines = info.value.lines()
    assert len(lines) == 1
    assert "settings.rule.all.1.bloc.rule.majority: invalid control rule: 0 is met" in lines[0]
    assert lines[0].startswith("variant.yaml:")


# Reading a rule spec: the one reader of the grammar that scenario and talks use (issue 12)

# Every control rule in the built-ins with the actor ids and weight use the talks and the
# scenario check found before the readers moved into mlf.games (their own walkers, frozen
# here as literals): (where, actors named, uses weights).
_BUILTIN_RULES = {
    "issues.firing_rule.r0_unanimity": (set(), False),
    "issues.firing_rule.r1_larger": ({"USA", "FRG", "ITA", "GBR"}, False),
    "issues.firing_rule.r1b_anf": ({"USA", "GBR", "FRG"}, False),
    "issues.firing_rule.r2_weighted": ({"USA"}, True),
    "issues.firing_rule.r3_us_bloc": ({"USA"}, False),
    "issues.firing_rule.r4_european": (set(), False),
    "alternatives.nato_national": ({"USA", "GBR"}, False),
    "alternatives.status_quo_consultation": ({"USA"}, False),
}


def _builtin_rules(sid: str) -> dict[str, object]:
    from mlf.scenario import load_scenario

    sc = load_scenario(sid).scenario
    rules: dict[str, object] = {}
    for iid, issue in sc.issues.items():
        for opt in issue.options or []:
            if opt.settings.rule is not None:
                rules[f"issues.{iid}.{opt.id}"] = opt.settings.rule
    for aid, alt in sc.alternatives.items():
        if alt.settings.rule is not None:
            rules[f"alternatives.{aid}"] = alt.settings.rule
    return rules


@pytest.mark.parametrize(("sid", "count"), [("mlf-1963", 7), ("mlf-1964-12", 8)])
def test_rule_readers_agree_with_the_old_walkers_on_every_builtin_rule(
    sid: str, count: int
) -> None:
    rules = _builtin_rules(sid)
    assert len(rules) == count
    for where, spec in rules.items():
        actors, weights = _BUILTIN_RULES[where]
        assert rule_actors(spec) == actors, where
        assert rule_uses_weights(spec) is weights, where


def test_rule_actor_refs_locate_each_id_in_order() -> None:
    spec = {
        "any": [
            {"restrict": {"to": ["A", "B"], "rule": {"veto": "A"}}},
            {"vector": [{"weights": {"C": 1, "A": 2}, "quota": 2, "over": ["C", "A"]}]},
            {"minimal_winning": [["D"], ["E", "A"]]},
            {"bloc": {"members": "european", "rule": {"unanimity": ("F",)}}},
        ]
    }
    validate_rule_spec(spec)
    refs = [(r.loc, r.actor, r.in_weights) for r in rule_actor_refs(spec)]
    assert refs == [
        (("any", 0, "restrict", "to", 0), "A", False),
        (("any", 0, "restrict", "to", 1), "B", False),
        (("any", 1, "vector", 0, "weights", "C"), "C", True),
        (("any", 1, "vector", 0, "weights", "A"), "A", True),
        (("any", 1, "vector", 0, "over", 0), "C", False),
        (("any", 1, "vector", 0, "over", 1), "A", False),
        (("any", 2, "minimal_winning", 0, 0), "D", False),
        (("any", 2, "minimal_winning", 1, 0), "E", False),
        (("any", 2, "minimal_winning", 1, 1), "A", False),
        (("any", 3, "bloc", "rule", "unanimity", 0), "F", False),
    ]
    # a SET written as one name needs a context to resolve: not reported
    assert rule_actors({"veto": "A"}) == frozenset()
    assert rule_uses_weights(spec) is True
    assert rule_uses_weights({"any": [{"at_least": 2}, {"majority": "1/2+"}]}) is False


@pytest.mark.parametrize(
    ("spec", "loc"),
    [
        ({"vetoes": ["A"]}, ()),
        ({"all": [{"veto": ["A"]}, {"majority": 0}]}, ("all", 1, "majority")),
        ({"weighted": {"weights": "gdp", "quota": "x"}}, ("weighted", "quota")),
        ({"weighted": {"weights": {"a.b": -1}, "quota": 1}}, ("weighted", "weights", "a.b")),
        ({"weighted": {"weights": {"U S": "w"}, "quota": 1}}, ("weighted", "weights", "U S")),
        ({"bloc": {"members": ["A", 3], "rule": {"at_least": 1}}}, ("bloc", "members", 1)),
        ({"minimal_winning": [["A"], "B"]}, ("minimal_winning", 1)),
        ({"restrict": {"to": "A"}}, ("restrict",)),
    ],
)
def test_rule_error_loc_follows_the_error_path_into_the_spec(
    spec: dict[str, object], loc: tuple[str | int, ...]
) -> None:
    with pytest.raises(GameError) as info:
        validate_rule_spec(spec)
    assert rule_error_loc(spec, info.value) == loc
    assert str(info.value) == f"{info.value.path}: {info.value.reason}"


def test_rule_error_loc_without_a_path_into_the_spec_is_none() -> None:
    spec = {"majority": 2}
    assert rule_error_loc(spec, GameError("no path")) is None
    assert rule_error_loc(spec, GameError("elsewhere", path="other.majority")) is None
    assert rule_error_loc(spec, GameError("too deep", path="rule.majority.x")) is None
    assert rule_error_loc(spec, GameError("no such index", path="rule[0]")) is None
    with pytest.raises(GameError) as info:
        validate_rule_spec(spec, path="settings.rule")
    assert rule_error_loc(spec, info.value, root="settings.rule") == ("majority",)
    assert rule_error_loc(spec, info.value) is None


def test_scenario_check_locates_a_rule_error_under_an_odd_weight_key() -> None:
    """A weight key with a dot or a space is still one field (the check follows the error's
    path through the spec; a regex on the message split or lost it)."""
    from mlf.errors import ScenarioErrors
    from mlf.scenario import builtin_path, parse_scenario

    text = builtin_path("mlf-1963").read_text(encoding="utf-8")
    old = '{weighted: {weights: contribution, quota: "2/3"}}'
    assert old in text
    for key in ("U.S", "U S"):
        bad = text.replace(old, f'{{weighted: {{weights: {{"{key}": -1}}, quota: 1}}}}', 1)
        with pytest.raises(ScenarioErrors) as info:
            parse_scenario(bad, "variant.yaml")
        lines = info.value.lines()
        assert len(lines) == 1, lines
        line = bad[: bad.index(f'"{key}": -1')].count("\n") + 1
        col = bad.splitlines()[line - 1].index("-1") + 1
        assert lines[0].startswith(f"variant.yaml:{line}:{col}: issues.firing_rule.options.")
        assert lines[0].endswith(
            f"settings.rule.all.1.weighted.weights.{key}: invalid control rule: "
            "weights must be >= 0"
        )
