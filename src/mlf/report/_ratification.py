"""The report's ratification section: each member's ratifiers and the win-sets per element.

Reads ``alternatives[].ratification`` of a result (:mod:`mlf.ratification`,
docs/models/ratification.md) and returns plain, pre-formatted values; the HTML template
partial ``_ratification.html.j2`` and :func:`markdown_lines` only print them. Tolerant of a
missing or partial block, like the rest of the view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mlf.report._format import as_dict, as_float, as_list, num, text


def _winset_text(w: Mapping[str, Any], unit: str) -> str:
    """``lo-hi unit`` for a scale, the option ids for options, ``none`` when empty."""
    if w.get("empty", True) and w.get("lo") is None:
        return "none"
    opts = w.get("options")
    if isinstance(opts, list):
        return ", ".join(str(o) for o in opts) or "none"
    lo, hi = as_float(w.get("lo")), as_float(w.get("hi"))
    if lo is None or hi is None:
        return "none"
    span = num(lo) if lo == hi else f"{num(lo)} to {num(hi)}"
    return f"{span} {unit}".strip()


def ratification_view(
    alt: Mapping[str, Any], names: Mapping[str, str]
) -> dict[str, Any] | None:
    """The section's values, or None when the alternative has no ratification stage."""
    rat = as_dict(alt.get("ratification"))
    if not rat:
        return None
    agreed = as_dict(alt.get("agreed"))
    members = as_dict(rat.get("members"))
    joint = as_dict(rat.get("joint"))
    verdicts = []
    for aid, m in members.items():
        m = as_dict(m)
        for v in as_list(m.get("ratifiers")):
            v = as_dict(v)
            u = as_float(v.get("utility"))
            verdicts.append(
                {
                    "member": f"{names.get(str(aid), str(aid))} ({aid})",
                    "ratifier": text(v.get("name")) or text(v.get("id")),
                    "rule": text(v.get("rule")),
                    "utility": "no position on the terms" if u is None else num(u),
                    "reservation": num(v.get("reservation")),
                    "verdict": "ratifies" if v.get("ratifies") else "does not ratify",
                    "ok": bool(v.get("ratifies")),
                }
            )
    elements = []
    for iid, w in joint.items():
        term = as_dict(agreed.get(iid))
        unit = text(term.get("unit"))
        per = []
        for aid in members:
            mw = as_dict(as_dict(as_dict(members[aid]).get("winsets")).get(iid))
            per.append(_winset_text(mw, unit) if mw else "–")
        jw = as_dict(w)
        elements.append(
            {
                "id": str(iid),
                "title": text(term.get("title")) or str(iid),
                "signed": text(term.get("label")) or "–",
                "members": per,
                "joint": _winset_text(jw, unit),
                "empty": bool(jw.get("empty")),
            }
        )
    return {
        "ratified": bool(rat.get("ratified")),
        "detail": text(rat.get("detail")),
        "not_ratified_by": ", ".join(
            f"{names.get(str(a), str(a))} ({a})" for a in as_list(rat.get("not_ratified_by"))
        ),
        "no_deal": ", ".join(str(i) for i in as_list(rat.get("no_ratifiable_deal"))),
        "renegotiated": bool(rat.get("renegotiated")),
        "anticipated": bool(rat.get("anticipated")),
        "attempts": [text(a) for a in as_list(rat.get("attempts"))],
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
