"""The inputs appendix of the report: every input the run used, with its provenance.

Built from the result's ``inputs`` (:func:`mlf.provenance.input_rows`): value, unit, source
keys (each linked to its row of the sources table), confidence, estimate flag and range. Each
row has the anchor :func:`mlf.provenance.anchor` gives its path, and :class:`InputLinks` lets
the rest of the view link a number that comes from an input to that row.

A result of format ``mlf-result/1`` records no inputs; the appendix then says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf.provenance import anchor
from mlf.report._format import as_dict, as_float, as_list, num, slug, text


def source_anchors(result: Mapping[str, Any]) -> dict[str, str]:
    """Source key -> the id of its row in the sources table (unique, HTML-safe)."""
    taken: set[str] = set()
    out: dict[str, str] = {}
    for s in as_list(result.get("sources")):
        key = text(as_dict(s).get("key"))
        if key and key not in out:
            out[key] = "source-" + slug(key, taken)
    return out


class InputLinks:
    """The anchors of the inputs a result records, by path (``None`` for a path it lacks)."""

    def __init__(self, result: Mapping[str, Any]) -> None:
        self.paths = {
            text(as_dict(r).get("path")) for r in as_list(result.get("inputs")) if r is not None
        }

    def __call__(self, path: str) -> str | None:
        return anchor(path) if path in self.paths else None


def _value(r: Mapping[str, Any]) -> str:
    v = r.get("value")
    if isinstance(v, str):
        return text(v)
    return num(v, 4)


def _range(r: Mapping[str, Any]) -> str:
    rng = [as_float(x) for x in as_list(r.get("range"))]
    if len(rng) != 3 or any(x is None for x in rng):
        return "–"
    return f"{num(rng[0], 4)} … {num(rng[2], 4)} (mode {num(rng[1], 4)})"


def inputs_view(result: Mapping[str, Any], sources: Mapping[str, str]) -> dict[str, Any]:
    """The view of the inputs appendix. ``sources``: key -> anchor (:func:`source_anchors`)."""
    raw = result.get("inputs")
    if not isinstance(raw, list):
        return {"recorded": False, "rows": [], "count": 0, "estimates": 0, "ranged": 0}
    rows = []
    for r in raw:
        r = as_dict(r)
        path = text(r.get("path"))
        srcs = [text(s) for s in as_list(r.get("sources"))]
        rows.append(
            {
                "anchor": anchor(path),
                "path": path,
                "label": text(r.get("label")),
                "value": _value(r),
                "unit": text(r.get("unit")) or "–",
                "sources": [{"key": s, "anchor": sources.get(s)} for s in srcs],
                "confidence": text(r.get("confidence")) or "–",
                "estimate": bool(r.get("estimate")),
                "range": _range(r),
                "note": text(r.get("note")),
            }
        )
    return {
        "recorded": True,
        "rows": rows,
        "count": len(rows),
        "estimates": sum(1 for r in rows if r["estimate"]),
        "ranged": sum(1 for r in rows if r["range"] != "–"),
    }
