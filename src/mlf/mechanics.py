"""Where a negotiation model's own mechanics, not the weight of the inputs, produce a term.

The report's model notes say, for each run, where a settled term follows from a model's
particular mechanics (the charter: "where a model's own mechanics drive a result, the report
says so"). Each rule reads only the model's forecast (input positions, trajectory, outcome):

* ``bdm``: a **full move** is an actor whose position in a round equals another actor's
  position of the round before (and differs from its own, by a different option on an
  options issue):
  the expected-utility model moves an actor that expects to lose a challenge all the way to
  the challenger's position (Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011, eq. 9),
  so one exchange can carry a large actor across the whole scale.
* ``nash``: the status quo is the disagreement point, so an issue settles at the status quo
  whenever an actor with weight sits at the status quo (it can only lose) or actors with
  weight sit on both sides of it (no point but the status quo leaves all weakly better off;
  Nash 1950, individual rationality).
* ``median``: the outcome is one actor's position, the weighted median (Black 1948): how far
  the others stand does not count.
* ``compromise`` (the weighted mean) and ``smp`` (probability-weighted coalitions, small
  moves): no mechanic of this kind is detected; no note.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from mlf.bargaining import Forecast
from mlf.scenario import Issue, Scenario

#: most full moves listed per issue (the rest are counted)
MAX_MOVES = 4

_TOL = 1e-9


def _show(issue: Issue, x: float) -> str:
    if issue.options is not None:
        return issue.nearest_option(x).id
    return f"{x:.4g}"


def _full_moves(sc: Scenario, fc: Forecast) -> Iterator[str]:
    traj = fc.trajectory
    for j, iid in enumerate(fc.issues):
        issue = sc.issues[iid]
        moves: list[str] = []
        for r in range(1, traj.shape[0]):
            before = traj[r - 1, :, j]
            now = traj[r, :, j]
            for i, actor in enumerate(fc.actors):
                if abs(now[i] - before[i]) <= _TOL:
                    continue
                to = [
                    fc.actors[k]
                    for k in range(len(fc.actors))
                    if k != i and abs(now[i] - before[k]) <= _TOL
                ]
                if to and _show(issue, float(now[i])) != _show(issue, float(before[i])):
                    moves.append(
                        f"round {r}: {actor} moved from {_show(issue, float(before[i]))} to "
                        f"{_show(issue, float(now[i]))}, {'/'.join(to)}'s position"
                    )
        if moves:
            more = len(moves) - MAX_MOVES
            listed = "; ".join(moves[:MAX_MOVES]) + (f"; and {more} more" if more > 0 else "")
            yield (
                f"{iid}: {fc.model} moves an actor that expects to lose a challenge all the way "
                f"to the other's position (full moves): {listed}. The settlement "
                f"{_show(issue, float(fc.outcome[j]))} follows from these moves, not from a "
                "weighing of the initial positions."
            )


def _nash(sc: Scenario, fc: Forecast) -> Iterator[str]:
    pos = fc.trajectory[0]
    for j, iid in enumerate(fc.issues):
        issue = sc.issues[iid]
        sq = issue.to_number(issue.status_quo)
        if abs(float(fc.outcome[j]) - sq) > _TOL:
            continue
        active = [
            (a, float(pos[i, j]))
            for i, a in enumerate(fc.actors)
            if sc.actors[a].positions.get(iid) is not None
            and sc.actors[a].positions[iid].salience.value > 0
            and sc.actors[a].capability.value > 0
        ]
        at = [a for a, x in active if abs(x - sq) <= _TOL]
        up = [a for a, x in active if x > sq + _TOL]
        down = [a for a, x in active if x < sq - _TOL]
        if at and (up or down):
            yield (
                f"{iid}: settles at the status quo ({_show(issue, sq)}) because "
                f"{', '.join(at)} sit{'s' if len(at) == 1 else ''} at it: in the Nash solution "
                "an actor with weight at the disagreement point can only lose, so it blocks "
                "every move (a mechanic of the model, whatever the others' weight)."
            )
        elif up and down:
            yield (
                f"{iid}: settles at the status quo ({_show(issue, sq)}) because actors with "
                f"weight stand on both sides of it ({', '.join(down)} below, {', '.join(up)} "
                "above): in the Nash solution no other point leaves all of them better off."
            )


def _median(sc: Scenario, fc: Forecast) -> Iterator[str]:
    pos = fc.trajectory[0]
    for j, iid in enumerate(fc.issues):
        issue = sc.issues[iid]
        x = float(fc.outcome[j])
        at = [a for i, a in enumerate(fc.actors) if abs(float(pos[i, j]) - x) <= _TOL]
        if at:
            yield (
                f"{iid}: settles at {_show(issue, x)}, the position of {', '.join(at)} (the "
                "weighted median): how far the others stand does not count."
            )


def model_mechanics(sc: Scenario, fc: Forecast, model: str) -> list[str]:
    """Notes on where ``model``'s own mechanics produced a settled term (module docstring).

    Examples:
        Three nations on the size of a force (Britain, wanting none, stays away from the table):

        >>> from mlf.scenario import parse_scenario
        >>> from mlf.talks import run_alternative
        >>> scenario, _ = parse_scenario('''
        ... meta: {id: three, title: Three nations, date: 1963-07-15}
        ... issues:
        ...   size: {title: Size of the force, scale: {lo: 0, hi: 100}, status_quo: 0, sets: units}
        ... actors:
        ...   US: {name: United States, european: false, capability: 0.5, support: {fleet: 1},
        ...        positions: {size: {position: 80, salience: 1}}}
        ...   DE: {name: Germany, european: true, capability: 0.3, support: {fleet: 1},
        ...        positions: {size: {position: 40, salience: 1}}}
        ...   GB: {name: United Kingdom, european: true, capability: 0.2, support: {fleet: 1},
        ...        positions: {size: {position: 0, salience: 1}}}
        ... alternatives:
        ...   fleet: {title: A fleet, invited: [US, DE, GB], open: [size]}
        ... ''')
        >>> def notes(model):
        ...     run = run_alternative(scenario, "fleet", model=model, seed=7)
        ...     return model_mechanics(scenario, run.forecast, model)
        >>> print(*notes("median"))  # doctest: +NORMALIZE_WHITESPACE
        size: settles at 80, the position of US (the weighted median):
        how far the others stand does not count.
        >>> print(*notes("bdm"))  # doctest: +ELLIPSIS
        size: bdm moves ... (full moves): round 1: DE moved from 40 to 80, US's position. ...
        >>> notes("compromise")
        []
    """
    if np.asarray(fc.trajectory).ndim != 3:
        return []
    if model == "bdm":
        return list(_full_moves(sc, fc))
    if model == "nash":
        return list(_nash(sc, fc))
    if model == "median":
        return list(_median(sc, fc))
    return []
