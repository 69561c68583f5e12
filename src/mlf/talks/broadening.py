"""The pivot-broadening question: the smallest broadening that makes a pivot join.

For the built-in scenarios the pivot is the United Kingdom ("the British question", FRUS
1961-63 XIII doc. 206); the question is asked of whatever ``settings.pivotal_actor`` names.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from mlf.scenario import (
    Scenario,
    issue_applies,
)
from mlf.talks.alternative import AlternativeOutcome, run_alternative

# --------------------------------------------------------------------------- the British question


def pivot_broadening(
    sc: Scenario,
    outcomes: Sequence[AlternativeOutcome],
    *,
    model: str,
    seed: int,
) -> dict[str, Any] | None:
    """The smallest broadening of the agenda that makes joining the pivot's own best choice.

    The pivot is ``settings.pivotal_actor`` (the United Kingdom in the built-ins) and the
    agenda is broadened along ``settings.broadening_issue`` (its options, in order, from narrow
    to broad): "[the President] would be willing to see the subject matter of the talks ...
    broadened and softened if necessary to ensure British participation" (FRUS 1961-63 XIII,
    doc. 206). For each analysed alternative that invites the pivot, the issue is fixed at
    each option in turn, narrowest first, and the whole path is rerun; the first option under
    which the pivot joins by its own decision is the answer ("no broadening needed" if it is
    the narrowest). If none does, the answer says so. What the talks themselves settled the
    issue at (when it was open) is reported beside it.

    Examples:
        The United Kingdom joins the NATO-national alternative of the built-in scenario on
        the narrowest agenda:

        >>> from mlf.scenario import load_scenario
        >>> from mlf.talks.alternative import run_alternative
        >>> sc = load_scenario("mlf-1963").scenario
        >>> out = run_alternative(sc, "nato_national", model="compromise", seed=1963)
        >>> bq = pivot_broadening(sc, [out], model="compromise", seed=1963)
        >>> entry = bq["alternatives"]["nato_national"]
        >>> bq["actor"], bq["issue"], entry["needed"], entry["broadening"]
        ('GBR', 'scope', False, None)
        >>> [(s["option"], s["joins"]) for s in entry["steps"]]
        [('narrow_mlf', True)]
    """
    pivot = sc.settings.pivotal_actor
    issue_id = sc.settings.broadening_issue
    if pivot is None or pivot not in sc.actors:
        return None
    name = sc.actors[pivot].name
    result: dict[str, Any] = {"actor": pivot, "name": name, "issue": issue_id, "alternatives": {}}
    answers: list[str] = []
    issue = sc.issues.get(issue_id) if issue_id is not None else None
    for out in outcomes:
        alt = sc.alternatives[out.id]
        if pivot not in alt.invited or out.status == "not analysed":
            continue
        if (
            issue_id is not None
            and issue_id in sc.issues
            and not issue_applies(sc.issues, alt, issue_id)
        ):
            continue  # e.g. no force to take British Polaris into
        settled = out.agreed.get(issue_id) if issue_id is not None else None
        entry: dict[str, Any] = {
            "as_negotiated": {
                "joins": pivot in out.members,
                "scope": None if settled is None else settled.label,
                "scope_source": None if settled is None else settled.source,
            },
            "steps": [],
            "broadening": None,
        }
        found: str | None = None
        if issue is not None and issue.options is not None and issue_id is not None:
            for k, opt in enumerate(issue.options):
                variant = alt.model_copy(
                    update={
                        "open": [i for i in alt.open if i != issue_id],
                        "fixed": {**alt.fixed, issue_id: opt.id},
                    }
                )
                trial = run_alternative(
                    sc,
                    out.id,
                    model=model,
                    seed=seed,
                    enumerate_equilibria=False,
                    alternative=variant,
                )
                dec = None
                if trial.participation is not None:
                    dec = next((d for d in trial.participation.decisions if d.actor == pivot), None)
                joined = pivot in trial.members
                entry["steps"].append(
                    {
                        "option": opt.id,
                        "label": opt.label,
                        "joins": joined,
                        "margin": None if dec is None else _finite(dec.margin),
                        "members": list(trial.members),
                        "status": trial.status,
                    }
                )
                if joined:
                    found = opt.label
                    entry["broadening"] = None if k == 0 else opt.id
                    entry["needed"] = k > 0
                    break
        if found is not None and not entry.get("needed"):
            entry["answer"] = f"{name} joins {out.title} on the narrowest agenda ('{found}')"
        elif found is not None:
            entry["answer"] = f"{name} joins {out.title} once the talks are broadened to '{found}'"
        else:
            entry["answer"] = (
                f"no broadening within the scenario makes joining {out.title} "
                f"{name}'s own best choice"
            )
        result["alternatives"][out.id] = entry
        answers.append(entry["answer"])
    result["summary"] = "; ".join(answers) if answers else f"{name} is invited to no alternative"
    return result


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


british_question = pivot_broadening
"""The former name of :func:`pivot_broadening` (the question as the built-ins ask it)."""
