"""The report's counterfactual banner: on the first screen, that the run is of a changed
scenario and what was changed (from ``manifest.counterfactual``, :mod:`mlf.results`).

Pure: a view dict for the HTML template (``_counterfactual.html.j2``) and the Markdown
renderer; every value is shown with :func:`mlf.overlay.brief`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf.overlay import MISSING, brief
from mlf.report._format import as_dict, as_list, text

_KIND = {"set": "--set", "overlay": "overlay file", "counterfactual": "counterfactual"}


def counterfactual_view(manifest: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the banner shows, or None for a run of the scenario as it is.

    ``{"base_sha256", "headline", "requests": [{"label", "title", "description",
    "changes": [{"path", "old", "new"}]}]}``; the headline names the counterfactual's title
    (or says how many changes were made on the command line).
    """
    cf = as_dict(manifest.get("counterfactual"))
    if not cf:
        return None
    requests = []
    for r in (as_dict(x) for x in as_list(cf.get("requests"))):
        kind = text(r.get("kind"))
        changes = [
            {
                "path": text(c.get("path")),
                "old": brief(c.get("old", MISSING)),
                "new": brief(c.get("new", MISSING)),
            }
            for c in (as_dict(x) for x in as_list(r.get("changes")))
        ]
        requests.append(
            {
                "label": f"{_KIND.get(kind, kind)} {text(r.get('text'))}",
                "title": text(r.get("title")),
                "description": text(r.get("description")),
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
        "base_sha256": text(cf.get("base_sha256")),
        "headline": headline,
        "requests": requests,
    }
