"""The report's view of the fragile-decision pass (``result.json``'s ``fragile`` block).

Builds the "Fragile decisions" section (every fragile decision, the inputs that flip it with
their source or "estimate", and how far each must move) and marks the decisions it names where
the report shows them: the alternative's status line (agreement) and each nation's row of the
participation table (joins). Pure: reads the typed block (:class:`mlf.results.Fragile`), returns
plain data for the templates.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from mlf.report._format import as_float, as_list, text
from mlf.results import Fragile, FragileMove


def _num(x: Any) -> str:
    v = as_float(x)
    return "–" if v is None else f"{v:.4g}"


def _provenance(m: FragileMove) -> str:
    conf = text(m.confidence) or "estimate"
    keys = ", ".join(str(s) for s in m.sources)
    if conf == "estimate":
        return f"estimate (from {keys})" if keys else "estimate"
    return f"{keys} (confidence {conf})"


def _move(m: FragileMove, pair: bool) -> dict[str, str]:
    rel = as_float(m.relative)
    share = as_float(m.share_of_range)
    if pair:
        how = f"set to the end of its range, {_num(m.to)}"
    else:
        how = (
            f"{'+' if (as_float(m.move) or 0) >= 0 else ''}{_num(m.move)}"
            + ("" if rel is None else f" ({rel:+.1%})")
            + ("" if share is None else f", {share:.0%} of the way to its range's end")
        )
    return {
        "input": text(m.input),
        "provenance": _provenance(m),
        "range": "written range" if m.origin == "range" else "default range",
        "value": _num(m.value),
        "to": _num(m.to),
        "how": how,
    }


def fragile_view(
    block: Fragile | None,
    titles: Mapping[str, str],
    alternatives: Sequence[MutableMapping[str, Any]],
) -> dict[str, Any] | None:
    """The section's data; also marks ``alternatives`` (the view's own dicts) in place:
    ``fragile_agreement`` (the anchor of the entry, or None) on each, and ``fragile`` on each
    participation row whose nation's decision is fragile."""
    entries: list[dict[str, Any]] = []
    marks: dict[tuple[str, str | None], str] = {}
    tested = 0
    for aid, decisions in (block.alternatives if block is not None else {}).items():
        for d in decisions:
            tested += 1
            if not d.fragile:
                continue
            actor = d.actor
            anchor = f"fragile-{aid}-{actor or 'agreement'}"
            marks[(str(aid), None if actor is None else str(actor))] = anchor
            yes = d.value
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
                    "singles": [_move(f.moves[0], False) for f in d.flips],
                    "pairs": [[_move(m, True) for m in f.moves] for f in d.pairs],
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
    if block is None:
        return None
    return {
        "method": text(block.method),
        "model": text(block.model),
        "seed": text(block.seed),
        "inputs_tested": block.inputs_tested,
        "decisions": tested,
        "entries": entries,
    }
