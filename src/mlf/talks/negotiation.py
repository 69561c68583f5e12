"""Negotiation: the open issues bargained among the nations at the table.

The bargaining model (:mod:`mlf.bargaining`) settles each open issue that someone at the
table cares about; fixed issues keep their value, the others stay at the status quo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlf.bargaining import BargainingInput, Forecast, forecast
from mlf.scenario import (
    Alternative,
    Issue,
    Scenario,
    issues_for,
)
from mlf.talks import memo

_OPEN: dict[int, tuple[Alternative, Any, tuple[str, ...]]] = {}


def open_issues_of(sc: Scenario, alt: Alternative) -> list[str]:
    """:func:`mlf.scenario.issues_for` (the open issues that apply to the alternative), which
    reads only the alternative and the scenario's issues; with memoisation on
    (:mod:`mlf.talks.memo`) cached by those two objects' identity (a sweep's draws share
    them). A new list each call.

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> open_issues_of(sc, sc.alternatives["force"])
        ['size']
    """
    if not memo.enabled():
        return issues_for(sc, alt)
    hit = _OPEN.get(id(alt))
    if hit is None or hit[0] is not alt or hit[1] is not sc.issues:
        if len(_OPEN) >= 20_000:
            _OPEN.clear()
        hit = (alt, sc.issues, tuple(issues_for(sc, alt)))
        _OPEN[id(alt)] = hit
    return list(hit[2])


memo.on_clear(_OPEN.clear)

# --------------------------------------------------------------------------- negotiation


@dataclass(frozen=True)
class Agreed:
    """The settled value of one issue: the value actually applied, and what was agreed.

    ``value`` is the value the arrangement uses and every utility is computed on. Where a
    rule of the arrangement changes what the talks agreed (a lead share above the ceiling),
    ``agreed`` keeps the agreed value and ``applied_by`` names the rule; the label shows both
    ("agreed 47%, paid 40% under the 40% ceiling").
    """

    issue: str
    value: float
    label: str
    source: str  # "negotiated" | "fixed" | "status quo"
    short: str = ""  # option id, or the value with its unit
    agreed: float | None = None  # the agreed value, when a rule applied another
    applied_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.value,
            "label": self.label,
            "short": self.short,
            "source": self.source,
        }
        if self.agreed is not None:
            out["agreed"] = self.agreed
            out["applied_by"] = self.applied_by
        return out


def _label(issue: Issue, x: float) -> str:
    if issue.options is not None:
        return issue.nearest_option(x).label
    unit = f" {issue.unit}" if issue.unit else ""
    return f"{x:.4g}{unit}"


def _short(issue: Issue, x: float) -> str:
    if issue.options is not None:
        return issue.nearest_option(x).id
    return f"{x:.4g} {issue.unit}".strip()


def _agreed(iid: str, issue: Issue, x: float, source: str) -> Agreed:
    return Agreed(iid, x, _label(issue, x), source, _short(issue, x))


def _snap(issue: Issue, x: float) -> float:
    """Options settle on the nearest option; scales keep the forecast."""
    if issue.options is not None:
        return float(issue.option_index(issue.nearest_option(x).id))
    return float(min(max(x, issue.lo), issue.hi))


Overrides = Mapping[str, Mapping[str, float]]
"""actor -> issue -> the position it bargains from (on the issue's numeric axis), where it
differs from its own: the ratification stage's pulls (:mod:`mlf.ratification`)."""


def bargaining_input(
    sc: Scenario,
    issue_ids: Sequence[str],
    actors: Sequence[str],
    overrides: Overrides | None = None,
) -> BargainingInput:
    """The negotiation of ``issue_ids`` among ``actors`` as arrays.

    An actor without a position on an issue sits at the status quo with salience 0 there.
    Options issues are placed on their index axis 0..m-1 (the options are ordered).
    ``overrides`` moves the bargaining position of an actor that has a position on the issue
    (its salience and its own utility are unchanged: only what it bargains from moves).

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> bi = bargaining_input(sc, ["size"], ["A", "B"])
        >>> bi.position.ravel().tolist(), bi.salience.ravel().tolist(), bi.capability.tolist()
        ([80.0, 40.0], [0.5, 0.5], [0.6, 0.4])
        >>> bi.lo.tolist(), bi.hi.tolist(), bi.status_quo.tolist()
        ([0.0], [100.0], [0.0])
    """
    issues = [sc.issues[i] for i in issue_ids]
    n, k = len(actors), len(issues)
    pos = np.empty((n, k))
    sal = np.zeros((n, k))
    for j, (iid, issue) in enumerate(zip(issue_ids, issues, strict=True)):
        sq = issue.to_number(issue.status_quo)
        for a, aid in enumerate(actors):
            p = sc.actors[aid].positions.get(iid)
            if p is None:
                pos[a, j] = sq
            else:
                moved = (overrides or {}).get(aid, {}).get(iid)
                pos[a, j] = issue.to_number(p.position) if moved is None else moved
                sal[a, j] = p.salience.value
    return BargainingInput(
        actors=tuple(actors),
        issues=tuple(issue_ids),
        capability=np.array([sc.actors[a].capability.value for a in actors], dtype=np.float64),
        position=pos,
        salience=sal,
        lo=np.array([i.lo for i in issues], dtype=np.float64),
        hi=np.array([i.hi for i in issues], dtype=np.float64),
        status_quo=np.array([i.to_number(i.status_quo) for i in issues], dtype=np.float64),
    )


def negotiate(
    sc: Scenario,
    alt: Alternative,
    participants: Sequence[str],
    model: str,
    seed: int,
    overrides: Overrides | None = None,
) -> tuple[dict[str, Agreed], Forecast | None, list[str]]:
    """Negotiate the alternative's open issues among ``participants`` (those at the table).

    Observers never bargain: their influence, if the scenario gives them any, is an explicit
    ``pressure`` term on named nations' outside options (:class:`mlf.scenario.Pressure`).
    Returns the agreed values of every issue the alternative settles (open and fixed), the
    model's forecast (None if nothing was negotiated) and notes. ``overrides``: see
    :func:`bargaining_input`.

    Examples:
        The NATO-national alternative among the four nations that join it: the scope is
        negotiated, the force size and manning are the alternative's own:

        >>> from mlf.scenario import load_scenario
        >>> sc = load_scenario("mlf-1963").scenario
        >>> agreed, forecast, notes = negotiate(sc, sc.alternatives["nato_national"],
        ...                                     ["USA", "GBR", "ITA", "NLD"], "compromise", 1963)
        >>> for issue, term in agreed.items():
        ...     print(issue, term.value, term.label)
        force_size 80.0 80 missiles
        manning 0.0 National crews (one nation per ship)
        scope 2.0 The MLF broadened to take in British Polaris forces
        >>> forecast.issues, notes
        (('scope',), [])
    """
    notes: list[str] = []
    agreed: dict[str, Agreed] = {}
    for iid, value in alt.fixed.items():
        issue = sc.issues[iid]
        x = issue.to_number(value)
        agreed[iid] = _agreed(iid, issue, x, "fixed")
    actors = list(participants)
    open_issues = open_issues_of(sc, alt)  # only the open issues that apply to this alternative
    for iid in alt.open:
        if iid not in open_issues:
            notes.append(f"{iid} does not apply to this alternative: it is not negotiated")
    weight = {
        iid: sum(
            sc.actors[a].capability.value * sc.actors[a].positions[iid].salience.value
            for a in actors
            if iid in sc.actors[a].positions
        )
        for iid in open_issues
    }
    live = [i for i in open_issues if weight[i] > 0]
    for iid in open_issues:
        if iid not in live:
            issue = sc.issues[iid]
            x = issue.to_number(issue.status_quo)
            agreed[iid] = _agreed(iid, issue, x, "status quo")
            notes.append(f"nobody at the table cares about {iid}: it stays at the status quo")
    if not live:
        return agreed, None, notes
    inp = bargaining_input(sc, live, actors, overrides)
    params = sc.settings.model_params.get(model, {})
    fc = forecast(inp, model, params, seed)
    for j, iid in enumerate(live):
        issue = sc.issues[iid]
        x = _snap(issue, float(fc.outcome[j]))
        agreed[iid] = _agreed(iid, issue, x, "negotiated")
    return agreed, fc, notes
