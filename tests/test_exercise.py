"""The exercise's state machine (mlf.exercise): known answers, refusals, replay, visibility."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlf.errors import ScenarioErrors
from mlf.exercise import (
    ArrangementBuilt,
    DecisionMade,
    Event,
    ExerciseEnded,
    ExerciseError,
    InvalidAction,
    OutOfTurn,
    PositionsRevealed,
    PositionStated,
    RenegotiationOpened,
    RoundClosed,
    SetupError,
    apply,
    builtin_setup,
    chair_view,
    comparison,
    comparison_tables,
    event_json,
    exercise_report_html,
    exercise_result,
    initial_state,
    make_setup,
    parse_event,
    public_view,
    replay,
    seat_view,
)
from mlf.results import validate_result
from mlf.scenario import load_scenario
from mlf.talks import run_alternative

DATA = Path(__file__).parent / "data"
TOY = (DATA / "toy-talks.yaml").read_text(encoding="utf-8")
SENTINEL = (DATA / "exercise-sentinel.yaml").read_text(encoding="utf-8")


def toy(seats: tuple[str, ...] = ("B", "C")) -> Any:
    return make_setup(TOY, "toy-talks.yaml", alternative="force", seats=seats)


def run(setup: Any, events: list[Event]) -> Any:
    state = initial_state(setup)
    for ev in events:
        state = apply(state, ev)
    return state


def as_model(state: Any, seats: tuple[str, ...]) -> list[Event]:
    """Decisions the delegations take when each decides as mlf's rule would (terms if all in)."""
    st_ = state.current.settlement
    out: list[Event] = []
    for s in seats:
        t = st_.if_all_join[s]
        out.append(DecisionMade(seat=s, join=t.utility >= st_.game.outside[s]))
    return out


# --------------------------------------------------------------------------- known answers


def test_brief_positions_reproduce_mlf_run_by_hand() -> None:
    """People who state their brief's positions and decide as the rule does replay `mlf run`.

    Compromise model (Achen 2006): the capability x salience weighted mean. Round 1 among
    A, B, C, D: (0.4*200 + 0.15*200 + 0.06*50 + 0.05*100) / 0.66 = 5900/33; C leaves; round 2
    among A, B, D: (0.4*200 + 0.15*200 + 0.05*100) / 0.6 = 575/3.
    """
    setup = toy()
    state = initial_state(setup)
    assert state.at_table == ("A", "B", "C", "D")
    assert state.elements == ("size", "rule")
    events: list[Event] = [
        PositionStated(seat="B", issue="size", value=200),
        PositionStated(seat="B", issue="rule", value="veto_bloc"),
        PositionStated(seat="C", issue="size", value=50),
        PositionStated(seat="C", issue="rule", value="unanimity"),
        RoundClosed(),
    ]
    state = run(setup, events)
    size1 = state.current.settlement.agreed["size"].value
    assert Fraction(size1).limit_denominator(1000) == Fraction(5900, 33)
    dec1 = as_model(state, setup.seats)
    assert dec1 == [DecisionMade(seat="B", join=True), DecisionMade(seat="C", join=False)]
    state = run(setup, [*events, *dec1, ArrangementBuilt(), RenegotiationOpened(), RoundClosed()])
    assert state.current.participants == ("A", "B", "D")
    assert Fraction(state.current.settlement.agreed["size"].value).limit_denominator(
        1000
    ) == Fraction(575, 3)
    dec2 = as_model(state, setup.seats)
    log = [*events, *dec1, ArrangementBuilt(), RenegotiationOpened(), RoundClosed(), *dec2]
    state = run(setup, [*log, ArrangementBuilt(), ExerciseEnded()])
    assert state.phase == "ended"
    built = state.last_built.built
    assert built.members == ("A", "B", "D")
    assert built.status == "agreement"
    assert built.fixed_point == "fixed point after 2 round(s) of talks"
    # ... and equal to the model's own run from the same start, round by round
    model = run_alternative(load_scenario(DATA / "toy-talks.yaml").scenario, "force", seed=7)
    result = exercise_result(state)
    alt = result["alternatives"][0]
    assert [r["members"] for r in alt["rounds"]] == [list(r.members) for r in model.rounds]
    assert [{k: v["value"] for k, v in r["agreed"].items()} for r in alt["rounds"]] == [
        {k: v.value for k, v in r.agreed.items()} for r in model.rounds
    ]
    assert alt["members"] == list(model.members)
    validate_result(result)
    cmp = comparison(state)
    assert cmp["terms"]["exercise"] == cmp["terms"]["model"]
    assert cmp["model_decisions"] == {"B": True, "C": False}
    assert cmp["positions"]["C"]["size"]["stated"] == [50.0, None]
    assert cmp["positions"]["C"]["size"]["brief"] == 50
    html = exercise_report_html(state)
    assert "Joint force" in html and "<script src=" not in html


def test_stated_positions_move_the_terms_and_utility_stays_on_the_brief() -> None:
    """B states 100 missiles instead of its brief's 200: (80 + 15 + 3 + 5) / 0.66 = 10300/66.

    B's utility of joining is computed on its brief (200), so its policy satisfaction falls."""
    setup = toy()
    honest = run(setup, [RoundClosed()])
    state = run(setup, [PositionStated(seat="B", issue="size", value=100), RoundClosed()])
    size = state.current.settlement.agreed["size"].value
    assert Fraction(size).limit_denominator(1000) == Fraction(10300, 66)
    assert state.current.settlement.used["B"]["size"] == (100.0, "stated")
    assert state.current.settlement.used["C"]["size"] == (50, "brief")
    assert (
        state.current.settlement.if_all_join["B"].policy
        < honest.current.settlement.if_all_join["B"].policy
    )


def test_a_delegation_can_overrule_the_rule_and_the_record_says_so() -> None:
    setup = toy()
    state = run(setup, [RoundClosed(), DecisionMade(seat="C", join=True), ArrangementBuilt()])
    b = state.current.built
    assert "C" in b.members
    assert b.decided_by == {"A": "model", "B": "model (no decision stated)", "C": "delegation",
                            "D": "model"}  # fmt: skip
    assert b.model_would["C"] is False
    dec = {d.actor: d for d in b.participation.decisions}
    assert dec["C"].join and dec["C"].terms.utility < dec["C"].outside


# --------------------------------------------------------------------------- refusals


BAD: list[tuple[list[Event], Event, type[ExerciseError], str]] = [
    ([], DecisionMade(seat="B", join=True), OutOfTurn, "no terms yet: round 1 is still open"),
    ([RoundClosed()], PositionStated(seat="B", issue="size", value=10), OutOfTurn,
     "round 1 is closed"),
    ([], PositionStated(seat="B", issue="size", value=250), InvalidAction,
     "size: 250 is off the scale 0..200 missiles"),
    ([], PositionStated(seat="B", issue="size", value="big"), InvalidAction,
     "not a number on its scale"),
    ([], PositionStated(seat="B", issue="rule", value=1), InvalidAction,
     "is not one of its options (unanimity, veto_bloc)"),
    ([], PositionStated(seat="Z", issue="size", value=10), InvalidAction, "unknown seat 'Z'"),
    ([], PositionStated(seat="A", issue="size", value=10), InvalidAction,
     "played by the model"),
    ([], PositionStated(seat="B", issue="scope", value="broad"), InvalidAction,
     "scope is not an open element"),
    ([], PositionStated(seat="B", issue="nope", value=1), InvalidAction, "unknown element"),
    ([], ArrangementBuilt(), OutOfTurn, "no terms yet"),
    ([], PositionsRevealed(), OutOfTurn, "still open"),
    ([RoundClosed()], RoundClosed(), OutOfTurn, "already closed"),
    ([RoundClosed()], RenegotiationOpened(), OutOfTurn, "not built yet"),
    ([], ExerciseEnded(), OutOfTurn, "no arrangement has been built yet"),
    ([RoundClosed(), ArrangementBuilt()], DecisionMade(seat="B", join=False), OutOfTurn,
     "the arrangement is built"),
    ([RoundClosed(), ArrangementBuilt(), ExerciseEnded()], RoundClosed(), OutOfTurn,
     "the exercise has ended"),
]  # fmt: skip


@pytest.mark.parametrize(("before", "event", "kind", "message"), BAD)
def test_refused_actions_have_one_clear_line_and_change_nothing(
    before: list[Event], event: Event, kind: type[ExerciseError], message: str
) -> None:
    state = run(toy(), before)
    snapshot = json.dumps(chair_view(state), sort_keys=True)
    with pytest.raises(kind) as info:
        apply(state, event)
    text = str(info.value)
    assert message in text
    assert "\n" not in text
    assert json.dumps(chair_view(state), sort_keys=True) == snapshot


def test_renegotiation_needs_enough_members() -> None:
    setup = toy(("B", "C", "D"))
    state = run(
        setup,
        [RoundClosed(), *[DecisionMade(seat=s, join=False) for s in "BCD"], ArrangementBuilt()],
    )
    assert state.current.built.members == ()
    assert state.current.built.status == "no agreement"
    with pytest.raises(OutOfTurn, match="only 0 nation"):
        apply(state, RenegotiationOpened())


def test_identical_submits_are_no_ops() -> None:
    state = run(toy(), [PositionStated(seat="B", issue="size", value=120)])
    assert apply(state, PositionStated(seat="B", issue="size", value=120.0)) is state
    edited = apply(state, PositionStated(seat="B", issue="size", value=130))
    assert edited is not state and edited.current.stated["B"]["size"] == 130
    closed = apply(apply(edited, RoundClosed()), DecisionMade(seat="C", join=False))
    assert apply(closed, DecisionMade(seat="C", join=False)) is closed
    shown = apply(closed, PositionsRevealed())
    assert apply(shown, PositionsRevealed()) is shown


def test_setup_refusals() -> None:
    with pytest.raises(SetupError, match="alternative: unknown alternative 'x'"):
        make_setup(TOY, "t.yaml", alternative="x", seats=["B"])
    with pytest.raises(SetupError, match="model: unknown model 'nope'"):
        make_setup(TOY, "t.yaml", alternative="force", seats=["B"], model="nope")
    with pytest.raises(SetupError, match="seats: 'Q' is not invited to force"):
        make_setup(TOY, "t.yaml", alternative="force", seats=["Q"])
    with pytest.raises(SetupError, match="seats: 'B' is listed twice"):
        make_setup(TOY, "t.yaml", alternative="force", seats=["B", "B"])
    with pytest.raises(SetupError, match="at least one seat"):
        make_setup(TOY, "t.yaml", alternative="force", seats=[])
    with pytest.raises(SetupError, match="seed: -1 is not an integer"):
        make_setup(TOY, "t.yaml", alternative="force", seats=["B"], seed=-1)
    with pytest.raises(ScenarioErrors, match=r"^t\.yaml:\d+:\d+: "):
        make_setup(TOY.replace("hi: 200", "hi: -5"), "t.yaml", alternative="force", seats=["B"])
    # mlf_surface: the model's seats that come are too few without more people at the table
    with pytest.raises(SetupError, match="sit at the table of mlf_surface"):
        builtin_setup("mlf-1963", alternative="mlf_surface", seats=["FRG"])


def test_builtin_exercise_with_three_delegations() -> None:
    setup = builtin_setup("mlf-1963", alternative="mlf_submarine", seats=["FRG", "GBR", "ITA"])
    state = run(setup, [RoundClosed(), ArrangementBuilt(), ExerciseEnded()])
    validate_result(exercise_result(state))
    assert state.setup.model == "compromise" and state.setup.seed == 1963


def test_events_round_trip_as_json() -> None:
    evs: list[Event] = [
        PositionStated(seat="B", issue="size", value=12.5),
        PositionStated(seat="B", issue="rule", value="veto_bloc"),
        RoundClosed(), PositionsRevealed(), DecisionMade(seat="B", join=True),
        ArrangementBuilt(), RenegotiationOpened(), ExerciseEnded(),
    ]  # fmt: skip
    for ev in evs:
        text = event_json(ev)
        assert json.loads(text)["v"] == 1
        assert parse_event(text) == ev
    with pytest.raises(InvalidAction, match=r"^event: "):
        parse_event('{"type": "decision", "seat": "B"}')
    with pytest.raises(InvalidAction, match=r"^event: "):
        parse_event('{"type": "position", "seat": "B", "issue": "size", "value": NaN}')
    setup = toy()
    assert type(setup).model_validate_json(setup.model_dump_json()) == setup


# --------------------------------------------------------------------------- properties


SEATS = ("B", "C")


def events_strategy(seats: tuple[str, ...]) -> st.SearchStrategy[list[Event]]:
    seat = st.sampled_from((*seats, "A", "Z"))
    size = st.sampled_from([0.0, 37.5, 123.4567, 150.0, 200.0, 250.0])
    rule = st.sampled_from(["unanimity", "veto_bloc", "nope"])
    ev = st.one_of(
        st.builds(PositionStated, seat=seat, issue=st.just("size"), value=size),
        st.builds(PositionStated, seat=seat, issue=st.just("rule"), value=rule),
        st.builds(DecisionMade, seat=seat, join=st.booleans()),
        st.just(RoundClosed()),
        st.just(PositionsRevealed()),
        st.just(ArrangementBuilt()),
        st.just(RenegotiationOpened()),
        st.just(ExerciseEnded()),
    )
    return st.lists(ev, max_size=30)


def fold(setup: Any, events: list[Event]) -> tuple[Any, list[Event], list[Any]]:
    """Apply each event, keeping the accepted ones (as a server would store them)."""
    state = initial_state(setup)
    accepted: list[Event] = []
    states = [state]
    for ev in events:
        try:
            nxt = apply(state, ev)
        except ExerciseError:
            continue
        if nxt is not state:
            accepted.append(ev)
        state = nxt
        states.append(state)
    return state, accepted, states


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events_strategy(SEATS))
def test_replay_equals_folding_apply(events: list[Event]) -> None:
    setup = toy(SEATS)
    state, accepted, _ = fold(setup, events)
    again = replay(setup, accepted)
    assert json.dumps(chair_view(again), sort_keys=True) == json.dumps(
        chair_view(state), sort_keys=True
    )
    assert again.phase == state.phase
    # every state is JSON-serialisable in every view
    for s in setup.seats:
        json.dumps(seat_view(again, s))


def _private_numbers(seat: str) -> set[str]:
    """The distinctive numbers of ``seat``'s brief in exercise-sentinel.yaml, as text."""
    sc = load_scenario(DATA / "exercise-sentinel.yaml").scenario
    a = sc.actors[seat]
    vals = [a.defence_budget.value, a.outside_option["force"].value]
    vals += [a.weights.policy, a.weights.voice, a.weights.cost]
    vals += [p.salience.value for p in a.positions.values()]
    vals += [p.position for p in a.positions.values() if not isinstance(p.position, str)]
    # only the distinctive ones (the file's other numbers, e.g. a salience of 0.2, are common)
    return {t for v in vals if len((t := repr(float(v))).split(".")[1]) >= 4}


def _numbers_in(obj: Any) -> set[str]:
    text = json.dumps(obj)
    return {repr(float(x)) for x in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", text)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events_strategy(("B", "C", "D")))
def test_no_seat_view_holds_another_seats_private_data(events: list[Event]) -> None:
    seats = ("B", "C", "D")
    setup = make_setup(SENTINEL, "exercise-sentinel.yaml", alternative="force", seats=seats)
    _, _, states = fold(setup, events)
    private = {a: _private_numbers(a) for a in ("A", "B", "C", "D")}
    for state in states:
        for s in seats:
            view = seat_view(state, s)
            assert "briefs" not in view and "chair_rounds" not in view
            seen = _numbers_in(view)
            for other in ("A", "B", "C", "D"):
                if other != s:
                    assert not (seen & private[other]), (s, other, seen & private[other])
            # another seat's stated positions only once the chair revealed them
            for r, own in zip(state.rounds, view["own_rounds"], strict=True):
                assert set(own["stated"]) <= {"size", "rule"}
                shown = view["rounds"][r.number - 1]["revealed_positions"]
                assert (shown is not None) == r.revealed
        # the public view is each seat's view without its own parts
        pub = public_view(state)
        for s in seats:
            view = seat_view(state, s)
            assert {k: v for k, v in view.items() if k in pub} == pub


def test_unrevealed_stated_positions_stay_private() -> None:
    setup = make_setup(SENTINEL, "x.yaml", alternative="force", seats=("B", "C"))
    state = run(setup, [PositionStated(seat="B", issue="size", value=123.4567), RoundClosed()])
    assert "123.4567" in json.dumps(seat_view(state, "B"))
    assert "123.4567" not in json.dumps(seat_view(state, "C"))
    assert "123.4567" in json.dumps(chair_view(state))
    state = apply(state, PositionsRevealed())
    assert "123.4567" in json.dumps(seat_view(state, "C"))


def test_comparison_tables_and_members_of_a_failed_outcome() -> None:
    """GBR stays out in round 2 of an exercise that needs 3: no agreement, so no members (the
    ones who joined are listed apart); the tables label values as the pages show them."""
    setup = toy(("B", "C", "D"))
    state = run(
        setup,
        [
            PositionStated(seat="B", issue="rule", value="unanimity"),
            RoundClosed(),
            *[DecisionMade(seat=s, join=s != "C") for s in "BCD"],
            ArrangementBuilt(),
            RenegotiationOpened(),
            RoundClosed(),
            DecisionMade(seat="B", join=True),
            DecisionMade(seat="D", join=False),
            ArrangementBuilt(),
            ExerciseEnded(),
        ],
    )
    cmp = comparison(state)
    assert cmp["exercise_status"] == "no agreement"
    assert cmp["exercise_members"] == []
    assert cmp["exercise_joined"] == ["B"]  # A (the model) leaves too
    tables = comparison_tables(state, cmp)
    rows = {(r[0], r[1]): r for r in tables["positions"]["rows"]}
    assert rows[("B", "Firing rule")][2:5] == ["A veto plus European bloc", "Unanimity", "–"]
    assert rows[("B", "Size of the force")][2] == "200 missiles"
    assert tables["positions"]["columns"][3:5] == ["stated, round 1", "stated, round 2"]
    dec = {r[0]: r for r in tables["decisions"]["rows"]}
    assert dec["C"][1:3] == ["stayed out", "stayed out (model (no decision stated))"]
    assert dec["C"][-1] == "stays out"  # the model's own run: C leaves
    assert tables["terms"]["columns"] == [
        "element", "exercise, round 1", "exercise, round 2", "model, round 1", "model, round 2",
    ]  # fmt: skip
    assert "no agreement" in tables["summary"][1]
