"""The inputs appendix of the report: every input the run used, with its provenance.

Built from the result's ``inputs`` (:func:`mlf.provenance.input_rows`): value, unit, source
keys (each linked to its row of the sources table), confidence, estimate flag and range. Each
row has the anchor :func:`mlf.provenance.anchor` gives its path, and :class:`InputLinks` lets
the rest of the view link a number that comes from an input to that row.

A result of format ``mlf-result/1`` records no inputs; the appendix then says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mlf.provenance import anchor
from mlf.report._format import as_float, num, slug, text
from mlf.results import InputRow, SourceRef


def source_anchors(sources: Sequence[SourceRef]) -> dict[str, str]:
    """Source key -> the id of its row in the sources table (unique, HTML-safe)."""
    taken: set[str] = set()
    out: dict[str, str] = {}
    for s in sources:
        key = text(s.key)
        if key and key not in out:
            out[key] = "source-" + slug(key, taken)
    return out


class InputLinks:
    """The anchors of the inputs a result records, by path (``None`` for a path it lacks)."""

    def __init__(self, inputs: Sequence[InputRow] | None) -> None:
        self.paths = {text(r.path) for r in inputs or []}

    def __call__(self, path: str) -> str | None:
        return anchor(path) if path in self.paths else None


def _value(r: InputRow) -> str:
    if isinstance(r.value, str):
        return text(r.value)
    return num(r.value, 4)


def _range(r: InputRow) -> str:
    rng = [as_float(x) for x in r.range or []]
    if len(rng) != 3 or any(x is None for x in rng):
        return "–"
    return f"{num(rng[0], 4)} … {num(rng[2], 4)} (mode {num(rng[1], 4)})"


def inputs_view(inputs: Sequence[InputRow] | None, sources: dict[str, str]) -> dict[str, Any]:
    """The view of the inputs appendix (``inputs`` is None for a result of format
    ``mlf-result/1``). ``sources``: key -> anchor (:func:`source_anchors`)."""
    if inputs is None:
        return {"recorded": False, "rows": [], "count": 0, "estimates": 0, "ranged": 0}
    rows = []
    for r in inputs:
        path = text(r.path)
        srcs = [text(s) for s in r.sources]
        rows.append(
            {
                "anchor": anchor(path),
                "path": path,
                "label": text(r.label),
                "value": _value(r),
                "unit": text(r.unit) or "–",
                "sources": [{"key": s, "anchor": sources.get(s)} for s in srcs],
                "confidence": text(r.confidence) or "–",
                "estimate": r.estimate,
                "range": _range(r),
                "note": text(r.note),
            }
        )
    return {
        "recorded": True,
        "rows": rows,
        "count": len(rows),
        "estimates": sum(1 for r in rows if r["estimate"]),
        "ranged": sum(1 for r in rows if r["range"] != "–"),
    }
