"""A nation's policy satisfaction with the agreed terms (one term of its value of joining)."""

from __future__ import annotations

from collections.abc import Mapping

from mlf.scenario import (
    Scenario,
)
from mlf.talks.negotiation import Agreed

# --------------------------------------------------------------------------- utility


def policy_satisfaction(sc: Scenario, actor: str, agreed: Mapping[str, Agreed]) -> float:
    """Salience-weighted closeness of the agreed values to the actor's positions, in [0, 1].

    ``sum_k s_k (1 - |x_k - p_k| / (hi_k - lo_k)) / sum_k s_k`` over the issues the actor has a
    position on and the agreement settles; 0 when there is none.
    """
    num = 0.0
    den = 0.0
    for iid, a in agreed.items():
        p = sc.actors[actor].positions.get(iid)
        if p is None:
            continue
        issue = sc.issues[iid]
        s = p.salience.value
        num += s * (1.0 - abs(a.value - issue.to_number(p.position)) / (issue.hi - issue.lo))
        den += s
    return num / den if den > 0 else 0.0
