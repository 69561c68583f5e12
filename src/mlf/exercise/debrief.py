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
* :func:`comparison_tables`: the same as labelled tables (columns and rows of text) for a page.
"""

from __future__ import annotations

from typing import Any

from mlf.exercise.errors import OutOfTurn
from mlf.exercise.record import outcome_of
from mlf.exercise.state import State
from mlf.exercise.views import ratification_public
from mlf.results import result_document
from mlf.talks import RunResult, run_alternative


def exercise_result(state: State) -> dict[str, Any]:
    """The exercise's ``result.json`` document (format ``mlf-result/1``), validated.

    Raises :class:`OutOfTurn` before any arrangement has been built (there is no outcome yet).

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
        >>> result = exercise_result(state)
        >>> alternative = result["alternatives"][0]
        >>> result["format_version"], alternative["status"], alternative["members"]
        ('mlf-result/2', 'agreement', ['US', 'DE'])
    """
    o = outcome_of(state)
    if o is None:
        raise OutOfTurn("no arrangement has been built yet: there is no result to export")
    run = RunResult(state.ctx.loaded, state.setup.model, state.setup.seed, (o,), (), None)
    return result_document(run)


def exercise_report_html(state: State) -> str:
    """mlf's offline HTML report of :func:`exercise_result`.

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
        >>> html = exercise_report_html(state)
        >>> html.startswith("<!DOCTYPE html>"), "<script src=" in html  # offline: nothing fetched
        (True, False)
    """
    from mlf.report import render_html

    return render_html(exercise_result(state))


def comparison(state: State) -> dict[str, Any]:
    """The exercise against the model's own forecast from the same start (module docstring).

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

        Germany understated its position (120 against its brief's 150), and the terms moved:

        >>> debrief = comparison(state)
        >>> debrief["terms"]["exercise"], debrief["terms"]["model"]
        ([{'size': '173.3'}], [{'size': '183.3'}])
        >>> germany = debrief["positions"]["DE"]["size"]
        >>> germany["brief"], germany["stated"]
        (150.0, [120.0])
    """
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
    final = outcome_of(state)
    return {
        "model": setup.model,
        "seed": setup.seed,
        "model_status": model.status,
        "model_detail": model.detail,
        "model_members": list(model.members),
        "model_fixed_point": model.fixed_point,
        "exercise_status": None if final is None else final.status,
        "exercise_members": [] if final is None else list(final.members),
        "exercise_joined": [] if last is None or last.built is None else list(last.built.members),
        "positions": positions,
        "terms": {"exercise": terms_exercise, "model": terms_model},
        "decisions": decisions,
        "model_decisions": {s: model_decisions.get(s) for s in setup.seats},
        "ratification": {
            "exercise": None if last is None else ratification_public(sc, last),
            "model": None if model.ratification is None else model.ratification.to_dict(),
        },
    }


def _label(state: State, iid: str, value: Any) -> str:
    """A value of element ``iid`` as the pages show it: an option's label, a number with unit."""
    if value is None:
        return "–"
    issue = state.ctx.scenario.issues[iid]
    if issue.options is not None:
        if isinstance(value, str):
            return next((o.label for o in issue.options if o.id == value), value)
        return issue.nearest_option(float(value)).label
    unit = f" {issue.unit}" if issue.unit else ""
    return f"{float(value):.4g}{unit}"


def comparison_tables(state: State, cmp: dict[str, Any] | None = None) -> dict[str, Any]:
    """:func:`comparison` as labelled tables (``columns`` and ``rows`` of text) for a page.

    ``positions``: one row per delegation and element: its brief, what it stated in each
    round ("–": nothing stated, its brief was used), the model's trajectory of that nation's
    position (first and last step of the model's first round); ``terms``: one row per element,
    the terms settled in each round of the exercise and of the model's own run; ``decisions``:
    one row per delegation, its decision in each round built (and who decided), mlf's rule in
    its place, and the model's own decision for that nation. ``ratification``: one row per
    domestic ratifier of each member of the exercise's signed agreement, its utility against its
    reservation, its verdict, the elements outside the member's win-set, and its verdict in the
    model's own run (none: nothing signed there). ``summary``: two sentences.

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
        >>> tables = comparison_tables(state)
        >>> tables["terms"]["columns"]
        ['element', 'exercise, round 1', 'model, round 1']
        >>> tables["terms"]["rows"]
        [['Size of the force', '173.3', '183.3']]
    """
    c = cmp if cmp is not None else comparison(state)
    sc = state.ctx.scenario
    n_rounds = len(state.rounds)
    pos_cols = ["nation", "element", "its brief"]
    pos_cols += [f"stated, round {k}" for k in range(1, n_rounds + 1)]
    pos_cols += ["model: first step", "model: last step"]
    pos_rows: list[list[str]] = []
    for seat, row in c["positions"].items():
        for iid, cell in row.items():
            traj = cell["model_trajectory"] or [None, None]
            pos_rows.append(
                [
                    seat,
                    sc.issues[iid].title,
                    _label(state, iid, cell["brief"]),
                    *(_label(state, iid, v) for v in cell["stated"]),
                    _label(state, iid, traj[0]),
                    _label(state, iid, traj[-1]),
                ]
            )
    ex_terms, model_terms = c["terms"]["exercise"], c["terms"]["model"]
    term_cols = ["element"]
    term_cols += [f"exercise, round {k}" for k in range(1, len(ex_terms) + 1)]
    term_cols += [f"model, round {k}" for k in range(1, len(model_terms) + 1)]
    iids = list(dict.fromkeys(i for t in (*ex_terms, *model_terms) if t for i in t))
    term_rows = [
        [sc.issues[i].title]
        + [("–" if t is None else t.get(i, "–")) for t in ex_terms]
        + [t.get(i, "–") for t in model_terms]
        for i in iids
    ]
    built = [r.number for r in state.rounds if r.built is not None]
    dec_cols = ["nation", *(f"round {k}" for k in built), "mlf's rule in its place (last round)",
                "the model's own decision"]  # fmt: skip
    dec_rows: list[list[str]] = []
    for seat, rows in c["decisions"].items():
        cells = [
            ("joined" if d["joined"] else "stayed out")
            + ("" if d["decided_by"] == "delegation" else f" ({d['decided_by']})")
            for d in rows
        ]
        rule = rows[-1]["rule_would_join"] if rows else None
        own = c["model_decisions"].get(seat)
        dec_rows.append(
            [
                seat,
                *cells,
                "–" if rule is None else ("would join" if rule else "would stay out"),
                "–" if own is None else ("joins" if own else "stays out"),
            ]
        )
    rat_cols = ["member", "ratifier", "exercise: utility / reservation", "exercise: verdict",
                "outside its win-set", "model's own run: verdict"]  # fmt: skip
    rat_rows: list[list[str]] = []
    ex_rat = c["ratification"]["exercise"] or {"members": {}}
    mo_rat = (c["ratification"]["model"] or {}).get("members") or {}
    for a, m in ex_rat["members"].items():
        own = {v["id"]: v for v in (mo_rat.get(a) or {}).get("ratifiers") or []}
        for v in m["ratifiers"]:
            mv = own.get(v["id"])
            rat_rows.append(
                [
                    a,
                    v["name"],
                    "–" if v["utility"] is None else f"{v['utility']:.2f} / {v['reservation']:.2f}",
                    ("ratifies" if v["ratifies"] else "does not ratify")
                    + ("" if v["rule"] == "required" else f" ({v['rule']})"),
                    ", ".join(sc.issues[i].title for i in m["elements_refused"]) or "–",
                    "–" if mv is None else ("ratifies" if mv["ratifies"] else "does not ratify"),
                ]
            )
    members = ", ".join(c["exercise_members"]) or "nobody"
    model_members = ", ".join(c["model_members"]) or "nobody"
    summary = [
        f"The model's own run ({c['model']}, seed {c['seed']}): {c['model_status']}, "
        f"members {model_members} ({c['model_detail']}).",
        f"The exercise: {c['exercise_status'] or 'no arrangement built'}, members {members}.",
    ]
    return {
        "summary": summary,
        "positions": {"columns": pos_cols, "rows": pos_rows},
        "terms": {"columns": term_cols, "rows": term_rows},
        "decisions": {"columns": dec_cols, "rows": dec_rows},
        "ratification": {"columns": rat_cols, "rows": rat_rows},
    }
