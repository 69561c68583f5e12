"""The report's counterfactual banner: on the first screen, that the run is of a changed
scenario and what was changed (from ``manifest.counterfactual``, :mod:`mlf.results`).

Pure: a view dict for the HTML template (``_counterfactual.html.j2``) and the Markdown
renderer; every value is shown with :func:`mlf.overlay.brief`.
"""

from __future__ import annotations

from typing import Any

from mlf.overlay import MISSING, brief
from mlf.report._format import text
from mlf.results import CounterfactualRecord, FieldChange

_KIND = {"set": "--set", "overlay": "overlay file", "counterfactual": "counterfactual"}


def _shown(c: FieldChange, side: str) -> str:
    """The value before or after (``side``: ``old`` or ``new``); a field the change record
    leaves out was not there (:data:`mlf.overlay.MISSING`), which is not the same as null."""
    if side not in c.model_fields_set:
        return brief(MISSING)
    return brief(c.old if side == "old" else c.new)


def counterfactual_view(cf: CounterfactualRecord | None) -> dict[str, Any] | None:
    """What the banner shows (from ``manifest.counterfactual``), or None for a run of the
    scenario as it is.

    ``{"base_sha256", "headline", "requests": [{"label", "title", "description",
    "changes": [{"path", "old", "new"}]}]}``; the headline names the counterfactual's title
    (or says how many changes were made on the command line).
    """
    if cf is None:
        return None
    requests = []
    for r in cf.requests:
        kind = text(r.kind)
        changes = [
            {"path": text(c.path), "old": _shown(c, "old"), "new": _shown(c, "new")}
            for c in r.changes
        ]
        requests.append(
            {
                "label": f"{_KIND.get(kind, kind)} {text(r.text)}",
                "title": text(r.title),
                "description": text(r.description),
                "changes": changes,
            }
        )
    named = [r["title"] for r in requests if r["title"]]
    n = sum(len(r["changes"]) for r in requests)
    headline = (
        f"Counterfactual: {named[0]}"
        if named
        else f"Counterfactual: {n} field{'' if n == 1 else 's'} changed from the scenario"
    )
    return {
        "base_sha256": text(cf.base_sha256),
        "headline": headline,
        "requests": requests,
    }
