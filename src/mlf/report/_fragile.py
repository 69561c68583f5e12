"""The report's view of the fragile-decision pass (``result.json``'s ``fragile`` block).

Builds the "Fragile decisions" section (every fragile decision, the inputs that flip it with
their source or "estimate", and how far each must move) and marks the decisions it names where
the report shows them: the alternative's status line (agreement) and each nation's row of the
participation table (joins). Pure: reads the result dict, returns plain data for the templates.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from mlf.report._format import as_dict, as_float, as_list, text


def _num(x: Any) -> str:
    v = as_float(x)
    return "–" if v is None else f"{v:.4g}"


def _provenance(m: Mapping[str, Any]) -> str:
    conf = text(m.get("confidence")) or "estimate"
    keys = ", ".join(str(s) for s in as_list(m.get("sources")))
    if conf == "estimate":
        return f"estimate (from {keys})" if keys else "estimate"
    return f"{keys} (confidence {conf})"


def _move(m: Mapping[str, Any], pair: bool) -> dict[str, str]:
    rel = as_float(m.get("relative"))
    share = as_float(m.get("share_of_range"))
    if pair:
        how = f"set to the end of its range, {_num(m.get('to'))}"
    else:
        how = (
            f"{'+' if (as_float(m.get('move')) or 0) >= 0 else ''}{_num(m.get('move'))}"
            + ("" if rel is None else f" ({rel:+.1%})")
            + ("" if share is None else f", {share:.0%} of the way to its range's end")
        )
    return {
        "input": text(m.get("input")),
        "provenance": _provenance(m),
        "range": "written range" if m.get("origin") == "range" else "default range",
        "value": _num(m.get("value")),
        "to": _num(m.get("to")),
        "how": how,
    }


def fragile_view(
    block: Any,
    titles: Mapping[str, str],
    alternatives: Sequence[MutableMapping[str, Any]],
) -> dict[str, Any] | None:
    """The section's data; also marks ``alternatives`` (the view's own dicts) in place:
    ``fragile_agreement`` (the anchor of the entry, or None) on each, and ``fragile`` on each
    participation row whose nation's decision is fragile."""
    entries: list[dict[str, Any]] = []
    marks: dict[tuple[str, str | None], str] = {}
    tested = 0
    present = isinstance(block, Mapping)
    for aid, decisions in as_dict(block.get("alternatives") if present else None).items():
        for d in (as_dict(x) for x in as_list(decisions)):
            tested += 1
            if not d.get("fragile"):
                continue
            actor = d.get("actor")
            anchor = f"fragile-{aid}-{actor or 'agreement'}"
            marks[(str(aid), None if actor is None else str(actor))] = anchor
            yes = bool(d.get("value"))
            what = (
                ("an agreement forms" if yes else "no agreement")
                if actor is None
                else (f"{actor} joins" if yes else f"{actor} stays out")
            )
            entries.append(
                {
                    "anchor": anchor,
                    "alternative": str(aid),
                    "title": titles.get(str(aid), str(aid)),
                    "decision": what,
                    "singles": [
                        _move(as_dict(as_list(as_dict(f).get("moves"))[0]), False)
                        for f in as_list(d.get("flips"))
                    ],
                    "pairs": [
                        [_move(as_dict(m), True) for m in as_list(as_dict(f).get("moves"))]
                        for f in as_list(d.get("pairs"))
                    ],
                }
            )
    for alt in alternatives:
        aid = str(alt.get("id"))
        alt["fragile_agreement"] = marks.get((aid, None))
        part = alt.get("participation")
        if isinstance(part, MutableMapping):
            for row in as_list(part.get("rows")):
                if isinstance(row, MutableMapping):
                    row["fragile"] = marks.get((aid, str(row.get("actor"))))
    if not isinstance(block, Mapping):
        return None
    return {
        "method": text(block.get("method")),
        "model": text(block.get("model")),
        "seed": text(block.get("seed")),
        "inputs_tested": block.get("inputs_tested"),
        "decisions": tested,
        "entries": entries,
    }
