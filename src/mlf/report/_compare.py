"""The report's section "What changed" (``mlf report A --compare B``): the rows of
:func:`mlf.compare.compare_results` that differ, grouped by alternative.

Pure: a view dict for the HTML template (``_compare.html.j2``) and the Markdown renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf.compare import compare_results
from mlf.report._load import ResultDoc

ANCHOR = "what-changed"
"""The section's anchor in the HTML page (never an alternative's: reserved in
:func:`mlf.report.build_view`)."""


def compare_view(
    result: Mapping[str, Any], other: Mapping[str, Any], other_name: str
) -> dict[str, Any]:
    """What the section shows: this result (A) against ``other`` (B, read from
    ``other_name``): both labels, and per alternative the rows that differ."""
    comparison = compare_results(result, other)
    groups: list[dict[str, Any]] = []
    for r in comparison.changes:
        key = r.alternative or "(all)"
        if not groups or groups[-1]["id"] != key:
            title = r.title or "The pivot-broadening question"
            groups.append({"id": key, "title": title, "rows": []})
        groups[-1]["rows"].append({"section": r.section, "item": r.item, "a": r.a, "b": r.b})
    return {
        "anchor": ANCHOR,
        "a": comparison.a_label,
        "b": comparison.b_label,
        "b_name": other_name,
        "changed": len(comparison.changes),
        "rows": len(comparison.rows),
        "groups": groups,
    }


def add_compare(
    view: dict[str, Any],
    result: Mapping[str, Any] | ResultDoc,
    other: Mapping[str, Any],
    other_name: str | None,
) -> None:
    """Put the section into a report's view (:func:`mlf.report.build_view`) and its entry
    into the contents, after the comparison of the alternatives."""
    this = result if isinstance(result, Mapping) else result.model_dump(exclude_unset=True)
    view["compare"] = compare_view(this, other, other_name or "the other result")
    nav = list(view.get("nav", []))
    at = next((i + 1 for i, (k, _) in enumerate(nav) if k == "comparison"), len(nav))
    nav.insert(at, (ANCHOR, "What changed"))
    view["nav"] = nav
