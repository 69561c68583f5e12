"""The table step of the talks: each invited nation's terms, and whether it comes.

The rule that decides is :mod:`mlf.table`; this module computes what it needs: each nation's
terms on its own positions, and its outside option (with any explicit pressure).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mlf.participation import (
    Terms,
)
from mlf.scenario import (
    Alternative,
    Issue,
    Scenario,
)
from mlf.table import TableResult, decide_table
from mlf.talks import memo
from mlf.talks.arrangement import applied_terms, build_arrangement, voice_of
from mlf.talks.negotiation import Agreed, _agreed, _snap, open_issues_of
from mlf.talks.satisfaction import policy_satisfaction

_OWN: memo.ScopedCache[tuple[str, float], tuple[Issue, Agreed]] = memo.ScopedCache()
_OWN_LIMIT = 20_000


def _own_position(iid: str, issue: Issue, x: float) -> Agreed:
    """An issue settled at a nation's own position ``x`` (snapped to the issue's options or
    range); memoised by issue and value (:mod:`mlf.talks.memo`): the record is immutable and
    the table asks for the same few values for every invited nation. Scoped to the scenario
    (:class:`mlf.talks.memo.ScopedCache`): a draw's numeric positions are its own."""
    if not memo.enabled():
        return _agreed(iid, issue, _snap(issue, x), "own position")
    cache = _OWN.current()
    key = (iid, x)
    hit = cache.get(key)
    if hit is not None and hit[0] is issue:
        return hit[1]
    out = _agreed(iid, issue, _snap(issue, x), "own position")
    if len(cache) >= _OWN_LIMIT:
        cache.clear()
    cache[key] = (issue, out)
    return out


def _outside(sc: Scenario, actor: str, alt_id: str, alt: Alternative | None = None) -> float:
    """The actor's outside option for the alternative, plus any pressure the scenario sets."""
    q = sc.actors[actor].outside_option.get(alt_id)
    base = q.value if q is not None else 0.0
    if alt is not None:
        base += sum(p.outside_option.value for p in alt.pressure if actor in p.on)
    return base


def outside_option(sc: Scenario, actor: str, alt_id: str, alt: Alternative | None = None) -> float:
    """The actor's utility of staying out of ``alt_id``: its outside option plus any pressure.

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> outside_option(sc, "A", "force")
        0.0

        An observer's pressure on A adds to A's outside option:

        >>> from mlf.scenario import Pressure
        >>> alt = sc.alternatives["force"].model_copy(update={"pressure": [
        ...     Pressure(by="C", on=["A"], outside_option=0.25)]})
        >>> outside_option(sc, "A", "force", alt), outside_option(sc, "B", "force", alt)
        (0.25, 0.0)
    """
    return _outside(sc, actor, alt_id, alt)


def _budget(sc: Scenario, actor: str) -> float | None:
    b = sc.actors[actor].defence_budget
    return None if b is None else b.value


def pressure_on(alt: Alternative, actor: str) -> list[dict[str, Any]]:
    """The explicit pressure terms acting on ``actor`` in ``alt`` (for the report).

    Examples:
        An observer weighing on the FRG only:

        >>> from mlf.scenario import Alternative, Pressure
        >>> alt = Alternative(title="A force", invited=["FRG", "ITA"], observers=["SUN"],
        ...                   pressure=[Pressure(by="SUN", on=["FRG"], outside_option=0.1,
        ...                                      sources=["KEY"])])
        >>> pressure_on(alt, "FRG"), pressure_on(alt, "ITA")
        ([{'by': 'SUN', 'outside_option': 0.1, 'sources': ['KEY'], 'note': ''}], [])
    """
    return [
        {
            "by": p.by,
            "outside_option": p.outside_option.value,
            "sources": list(p.outside_option.sources or p.sources),
            "note": p.note or p.outside_option.note or "",
        }
        for p in alt.pressure
        if actor in p.on
    ]


def is_force_alternative(sc: Scenario, alt: Alternative) -> bool:
    """Whether the alternative builds a force: its size is negotiated, or fixed above zero.

    Such an alternative reaches agreement only with common units above zero; units brought in
    kind do not count toward that test.

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> alt = sc.alternatives["force"]
        >>> is_force_alternative(sc, alt)
        True
        >>> is_force_alternative(sc, alt.model_copy(update={"open": [], "fixed": {"size": 0}}))
        False
    """
    for iid, issue in sc.issues.items():
        if issue.sets != "units":
            continue
        if iid in alt.open:
            return True
        if iid in alt.fixed and issue.to_number(alt.fixed[iid]) > 0:
            return True
    return bool(alt.settings.units)


def _compromise_position(sc: Scenario, iid: str, actors: Sequence[str]) -> float:
    """Capability x salience weighted mean of ``actors``' positions (status quo if none)."""
    issue = sc.issues[iid]
    num = den = 0.0
    for a in actors:
        p = sc.actors[a].positions.get(iid)
        if p is None:
            continue
        w = sc.actors[a].capability.value * p.salience.value
        num += w * issue.to_number(p.position)
        den += w
    return num / den if den > 0 else issue.to_number(issue.status_quo)


def come_to_table(sc: Scenario, alt_id: str, alt: Alternative | None = None) -> TableResult:
    """Each invited nation's decision to come to the table (rule: :mod:`mlf.table`).

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> table = come_to_table(sc, "force")
        >>> [(d.actor, d.comes) for d in table.decisions]
        [('A', True), ('B', True)]
    """
    return _table(sc, alt_id, alt if alt is not None else sc.alternatives[alt_id])


def _table(sc: Scenario, alt_id: str, alt: Alternative) -> TableResult:
    """Each invited nation's decision to come to the table (rule: :mod:`mlf.table`)."""
    base: dict[str, Agreed] = {}
    for iid, value in alt.fixed.items():
        issue = sc.issues[iid]
        base[iid] = _agreed(iid, issue, issue.to_number(value), "fixed")
    open_issues = open_issues_of(sc, alt)
    fill = {iid: _compromise_position(sc, iid, alt.invited) for iid in open_issues}
    force = is_force_alternative(sc, alt)

    def own_terms(actor: str) -> Terms | str:
        agreed = dict(base)
        for iid in open_issues:
            issue = sc.issues[iid]
            p = sc.actors[actor].positions.get(iid)
            x = fill[iid] if p is None else issue.to_number(p.position)
            agreed[iid] = _own_position(iid, issue, x)
        agreed, st = applied_terms(sc, alt, agreed)
        if force and not st.units:
            unit_issue = next((i for i in open_issues if sc.issues[i].sets == "units"), "")
            return f"on its own terms there is no force ({unit_issue or 'the force size'} at 0)"
        arr = build_arrangement(sc, alt, st, alt.invited)
        if not arr.feasible:
            return f"even on its own terms, with every invited nation in, {arr.reason}"
        w = sc.actors[actor].weights
        return Terms(
            policy_satisfaction(sc, actor, agreed),
            voice_of(arr, sc.settings.power_index).get(actor, 0.0),
            arr.budget_share.get(actor, 0.0),
            w.policy,
            w.voice,
            w.cost,
        )

    outside = {a: _outside(sc, a, alt_id, alt) for a in alt.invited}
    return decide_table(alt.invited, own_terms, outside)
