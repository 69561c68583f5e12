"""The debrief: the exercise as a result, and beside it the model's own forecast.

* :func:`exercise_result`: the exercise as ``result.json`` (:func:`mlf.results.result_document`,
  the same typed, versioned format as ``mlf run``), with the rounds as played; mlf's offline
  HTML report renders it (:func:`exercise_report_html`).
* :func:`comparison`: the model's own run from the same start (same scenario, alternative,
  model and seed: :func:`mlf.talks.run_alternative`) against the exercise: for each seat people
  played and each element, its brief's position (what the model has it say), the positions it
  stated round by round, and the model's trajectory of that nation's position (the
  bargaining model's first and last step of the model's first round); the terms each side
  settled, round by round; and each decision against the model's own decision for that nation,
  and against what mlf's rule would have decided in the delegation's place on the exercise's
  terms.
"""

from __future__ import annotations

from typing import Any

from mlf.exercise.errors import OutOfTurn
from mlf.exercise.record import outcome_of
from mlf.exercise.state import State
from mlf.results import result_document
from mlf.talks import RunResult, run_alternative


def exercise_result(state: State) -> dict[str, Any]:
    """The exercise's ``result.json`` document (format ``mlf-result/1``), validated.

    Raises :class:`OutOfTurn` before any arrangement has been built (there is no outcome yet).
    """
    o = outcome_of(state)
    if o is None:
        raise OutOfTurn("no arrangement has been built yet: there is no result to export")
    run = RunResult(state.ctx.loaded, state.setup.model, state.setup.seed, (o,), (), None)
    return result_document(run)


def exercise_report_html(state: State) -> str:
    """mlf's offline HTML report of :func:`exercise_result`."""
    from mlf.report import render_html

    return render_html(exercise_result(state))


def comparison(state: State) -> dict[str, Any]:
    """The exercise against the model's own forecast from the same start (module docstring)."""
    sc = state.ctx.scenario
    setup = state.setup
    model = run_alternative(sc, setup.alternative, model=setup.model, seed=setup.seed)
    fc = model.forecast
    first_fc = None
    if model.rounds:
        # The trajectory of the model's first round (its forecast object is the last round's).
        from mlf.seeds import child_seed
        from mlf.talks import negotiate

        _, first_fc, _ = negotiate(
            sc,
            sc.alternatives[setup.alternative],
            model.rounds[0].participants,
            setup.model,
            child_seed(setup.seed, setup.alternative, 0),
        )
    elif fc is not None:
        first_fc = fc
    positions: dict[str, dict[str, Any]] = {}
    for seat in setup.seats:
        row: dict[str, Any] = {}
        for iid in state.elements:
            p = sc.actors[seat].positions.get(iid)
            if p is None:
                continue
            issue = sc.issues[iid]
            traj: list[float] | None = None
            if first_fc is not None and seat in first_fc.actors and iid in first_fc.issues:
                a = first_fc.actors.index(seat)
                j = first_fc.issues.index(iid)
                steps = first_fc.trajectory[:, a, j]
                traj = [float(steps[0]), float(steps[-1])]
            row[iid] = {
                "brief": p.position,
                "stated": [r.stated.get(seat, {}).get(iid) for r in state.rounds],
                "model_trajectory": traj,
                "unit": issue.unit,
            }
        positions[seat] = row
    terms_exercise = [
        None if r.settlement is None else {k: v.short for k, v in r.settlement.agreed.items()}
        for r in state.rounds
    ]
    terms_model = [{k: v.short for k, v in r.agreed.items()} for r in model.rounds]
    model_decisions: dict[str, bool] = {}
    if model.participation is not None:
        model_decisions = {d.actor: d.join for d in model.participation.decisions}
    decisions: dict[str, list[dict[str, Any]]] = {}
    for seat in setup.seats:
        rows: list[dict[str, Any]] = []
        for r in state.rounds:
            if r.built is None:
                continue
            joined = seat in r.built.members
            rows.append(
                {
                    "round": r.number,
                    "joined": joined,
                    "decided_by": r.built.decided_by.get(seat, ""),
                    "rule_would_join": r.built.model_would.get(seat),
                }
            )
        decisions[seat] = rows
    last = state.last_built
    return {
        "model": setup.model,
        "seed": setup.seed,
        "model_status": model.status,
        "model_detail": model.detail,
        "model_members": list(model.members),
        "model_fixed_point": model.fixed_point,
        "exercise_status": None if last is None or last.built is None else last.built.status,
        "exercise_members": [] if last is None or last.built is None else list(last.built.members),
        "positions": positions,
        "terms": {"exercise": terms_exercise, "model": terms_model},
        "decisions": decisions,
        "model_decisions": {s: model_decisions.get(s) for s in setup.seats},
    }
