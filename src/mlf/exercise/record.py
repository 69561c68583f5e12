"""An exercise's outcome as mlf records an alternative's: :class:`mlf.talks.AlternativeOutcome`.

The rounds as played (who negotiated, the terms settled from the stated positions, who joined)
and the last arrangement built, with its analysis, in the same record ``mlf run`` writes; so
the result file, the report and the chair's view of an exercise read like those of a run.
"""

from __future__ import annotations

from mlf.exercise.state import Round, State
from mlf.mechanics import model_mechanics
from mlf.talks import AlternativeOutcome, TalksRound, support_of


def played_rounds(state: State, upto: Round | None = None) -> tuple[TalksRound, ...]:
    """Each built round up to ``upto`` (default: all): participants, terms, members.

    Examples:
        Three nations; people play Germany (the model plays the others, and Britain, whose
        outside option is high, stays away from the table):

        >>> from mlf.exercise import ArrangementBuilt, DecisionMade, ExerciseEnded
        >>> from mlf.exercise import PositionStated, RoundClosed, make_setup, replay
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> setup = make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"])
        >>> state = replay(setup, [
        ...     PositionStated(seat="DE", issue="size", value=120),
        ...     RoundClosed(),
        ...     DecisionMade(seat="DE", join=True),
        ...     ArrangementBuilt(),
        ...     ExerciseEnded(),
        ... ])
        >>> [(r.participants, r.agreed["size"].label, r.members) for r in played_rounds(state)]
        [(('US', 'DE'), '173.3', ('US', 'DE'))]
    """
    out: list[TalksRound] = []
    for r in state.rounds:
        if r.built is not None and r.settlement is not None:
            out.append(TalksRound(r.participants, dict(r.settlement.agreed), r.built.members))
        if r is upto:
            break
    return tuple(out)


def outcome_of(state: State, rnd: Round | None = None) -> AlternativeOutcome | None:
    """The outcome after round ``rnd`` (default: the last round built), or None if no round
    has been built yet.

    Examples:
        Three nations; people play Germany (the model plays the others, and Britain, whose
        outside option is high, stays away from the table):

        >>> from mlf.exercise import ArrangementBuilt, DecisionMade, ExerciseEnded
        >>> from mlf.exercise import PositionStated, RoundClosed, make_setup, replay
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> setup = make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"])
        >>> state = replay(setup, [
        ...     PositionStated(seat="DE", issue="size", value=120),
        ...     RoundClosed(),
        ...     DecisionMade(seat="DE", join=True),
        ...     ArrangementBuilt(),
        ...     ExerciseEnded(),
        ... ])
        >>> outcome = outcome_of(state)
        >>> outcome.status, outcome.members, outcome.detail
        ('agreement', ('US', 'DE'), '2 members: US, DE')
    """
    r = rnd if rnd is not None else state.last_built
    if r is None or r.built is None or r.settlement is None:
        return None
    sc = state.ctx.scenario
    setup = state.setup
    alt = sc.alternatives[setup.alternative]
    b, st = r.built, r.settlement
    notes = [
        f"played as an exercise: the delegations of {', '.join(setup.seats)} stated positions "
        f"and decided for themselves; the model ({setup.model}, seed {setup.seed}) settled the "
        "terms from the positions stated and played every other seat (docs/exercise.md)",
        *st.notes,
    ]
    for seat in setup.seats:
        by = b.decided_by.get(seat)
        if by is None:
            continue
        joined = seat in b.members
        rule = b.model_would.get(seat)
        verdict = "joined" if joined else "stayed out"
        if by == "delegation" and rule is not None and rule != joined:
            notes.append(
                f"{seat}'s delegation {verdict}; on its brief, mlf's rule would have "
                f"{'joined' if rule else 'stayed out'}"
            )
        elif by != "delegation":
            notes.append(f"{seat} stated no decision in round {r.number}: mlf's rule decided")
    for d in state.model_table.decisions:
        if d.actor in setup.seats and not d.comes:
            notes.append(
                f"{d.actor} is played by a delegation and sits at the table; by mlf's rule it "
                f"would stay away ({d.reason})"
            )
    if b.ratification is not None and not b.ratification.ratified:
        notes.append(b.ratification.detail)
    mech = tuple(model_mechanics(sc, st.forecast, setup.model)) if st.forecast else ()
    return AlternativeOutcome(
        id=setup.alternative,
        title=alt.title,
        support=support_of(sc, setup.alternative),
        status=b.status,
        detail=b.detail,
        rounds=played_rounds(state, r),
        fixed_point=b.fixed_point,
        forecast=st.forecast,
        agreed=dict(st.agreed),
        arrangement=b.arrangement,
        participation=b.participation,
        power=None if b.power is None else dict(b.power),
        european=None if b.european is None else dict(b.european),
        manning=None if b.manning is None else dict(b.manning),
        guardrails=dict(b.guardrails),
        notes=tuple(notes),
        table=state.table,
        mechanics=mech,
        ratification=b.ratification,
    )
