"""A nation's policy satisfaction with the agreed terms (one term of its value of joining)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf.scenario import (
    Actor,
    Scenario,
)
from mlf.talks import memo
from mlf.talks.negotiation import Agreed

# --------------------------------------------------------------------------- utility

_Table = dict[str, tuple[float, float, float]]
_TABLES: memo.ScopedCache[int, tuple[Actor, Any, _Table]] = memo.ScopedCache()
_LIMIT = 20_000


def _positions(sc: Scenario, actor: str) -> _Table:
    """Issue id -> (salience, position on the issue's axis, hi - lo) of each position the
    actor holds on an issue of the scenario.

    With memoisation on (:mod:`mlf.talks.memo`) this is cached by the actor object and the
    scenario's issues (identity): within one draw of a sweep the talks ask for the same
    nation's satisfaction dozens of times (the table, each round, the participation search).
    The numbers are those :func:`policy_satisfaction` would compute each time. The cache is
    scoped to the scenario (:class:`mlf.talks.memo.ScopedCache`): a draw's actors are its own.
    """
    act = sc.actors[actor]
    issues = sc.issues
    cache = _TABLES.of(sc.actors, issues) if memo.enabled() else None
    if cache is not None:
        hit = cache.get(id(act))
        if hit is not None and hit[0] is act and hit[1] is issues:
            return hit[2]
    table: _Table = {}
    for iid, p in act.positions.items():
        issue = issues.get(iid)
        if issue is not None:
            table[iid] = (p.salience.value, issue.to_number(p.position), issue.hi - issue.lo)
    if cache is not None:
        if len(cache) >= _LIMIT:
            cache.clear()
        cache[id(act)] = (act, issues, table)
    return table


def policy_satisfaction(sc: Scenario, actor: str, agreed: Mapping[str, Agreed]) -> float:
    """Salience-weighted closeness of the agreed values to the actor's positions, in [0, 1].

    ``sum_k s_k (1 - |x_k - p_k| / (hi_k - lo_k)) / sum_k s_k`` over the issues the actor has a
    position on and the agreement settles; 0 when there is none.

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        The compromise settles the size at 64: A is 16 points of 100 away from its position,
        B 24:

        >>> from mlf.talks.negotiation import negotiate
        >>> agreed, _, _ = negotiate(sc, sc.alternatives["force"], ["A", "B"], "compromise", 1)
        >>> agreed["size"].value
        64.0
        >>> policy_satisfaction(sc, "A", agreed), policy_satisfaction(sc, "B", agreed)
        (0.84, 0.76)
    """
    table = _positions(sc, actor)
    num = 0.0
    den = 0.0
    for iid, a in agreed.items():
        t = table.get(iid)
        if t is None:
            continue
        s, x, span = t
        num += s * (1.0 - abs(a.value - x) / span)
        den += s
    return num / den if den > 0 else 0.0
