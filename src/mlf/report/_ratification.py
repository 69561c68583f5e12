"""The report's ratification section: each member's ratifiers and the win-sets per element.

Reads ``alternatives[].ratification`` of a result (:mod:`mlf.ratification`,
docs/models/ratification.md) and returns plain, pre-formatted values; the HTML template
partial ``_ratification.html.j2`` and :func:`markdown_lines` only print them. Reads the typed
block (:class:`mlf.results.Ratification`) by attribute.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mlf.report._format import as_float, num, text
from mlf.results import Alternative, WinSet


def _winset_text(w: WinSet, unit: str) -> str:
    """``lo-hi unit`` for a scale, the option ids for options, ``none`` when empty."""
    if w.empty and w.lo is None:
        return "none"
    if w.options is not None:
        return ", ".join(str(o) for o in w.options) or "none"
    lo, hi = as_float(w.lo), as_float(w.hi)
    if lo is None or hi is None:
        return "none"
    span = num(lo) if lo == hi else f"{num(lo)} to {num(hi)}"
    return f"{span} {unit}".strip()


def ratification_view(alt: Alternative, names: Mapping[str, str]) -> dict[str, Any] | None:
    """The section's values, or None when the alternative has no ratification stage."""
    rat = alt.ratification
    if rat is None:
        return None
    members = rat.members
    verdicts = []
    for aid, m in members.items():
        for v in m.ratifiers:
            u = as_float(v.utility)
            verdicts.append(
                {
                    "member": f"{names.get(str(aid), str(aid))} ({aid})",
                    "ratifier": text(v.name) or text(v.id),
                    "rule": text(v.rule),
                    "utility": "no position on the terms" if u is None else num(u),
                    "reservation": num(v.reservation),
                    "verdict": "ratifies" if v.ratifies else "does not ratify",
                    "ok": v.ratifies,
                }
            )
    elements = []
    for iid, jw in rat.joint.items():
        term = alt.agreed.get(iid)
        unit = text(term.unit) if term is not None else ""
        per = []
        for aid in members:
            mw = members[aid].winsets.get(iid)
            per.append(_winset_text(mw, unit) if mw is not None else "–")
        elements.append(
            {
                "id": str(iid),
                "title": (text(term.title) if term is not None else "") or str(iid),
                "signed": (text(term.label) if term is not None else "") or "–",
                "members": per,
                "joint": _winset_text(jw, unit),
                "empty": jw.empty,
            }
        )
    return {
        "ratified": rat.ratified,
        "detail": text(rat.detail),
        "not_ratified_by": ", ".join(
            f"{names.get(str(a), str(a))} ({a})" for a in rat.not_ratified_by
        ),
        "no_deal": ", ".join(str(i) for i in rat.no_ratifiable_deal),
        "renegotiated": rat.renegotiated,
        "anticipated": rat.anticipated,
        "attempts": [text(a) for a in rat.attempts],
        "member_cols": [f"{names.get(str(a), str(a))} ({a})" for a in members],
        "verdicts": verdicts,
        "elements": elements,
    }


def markdown_lines(
    r: Mapping[str, Any], table: Callable[[Sequence[str], Sequence[Sequence[Any]]], list[str]]
) -> list[str]:
    """The section as Markdown lines (``r`` already escaped; ``table`` renders a table)."""
    md = [
        "Ratification at home ("
        + ("ratified" if r["ratified"] else "not ratified")
        + (", after renegotiation within the win-sets" if r["renegotiated"] else "")
        + (", negotiators anticipating it" if r["anticipated"] else "")
        + f"): {r['detail']}.",
        "",
    ]
    md += [f"- {a}" for a in r["attempts"]] + ([""] if r["attempts"] else [])
    md += table(
        ["member", "ratifier", "rule", "utility", "reservation", "verdict"],
        [
            [v["member"], v["ratifier"], v["rule"], v["utility"], v["reservation"], v["verdict"]]
            for v in r["verdicts"]
        ],
    )
    md += table(
        ["element", "signed", *(f"win-set {c}" for c in r["member_cols"]), "intersection"],
        [
            [
                e["title"],
                e["signed"],
                *e["members"],
                e["joint"] + (" (no ratifiable deal)" if e["empty"] else ""),
            ]
            for e in r["elements"]
        ],
    )
    return md
