"""The report's view of a sweep's honesty: Wilson intervals, varied inputs and warnings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf.report._format import as_dict, as_float, as_list, text


def interval_text(ci: Any, sep: str = "") -> str:
    """``[lo%, hi%]`` of a Wilson interval (a 2-list), or ``""`` when there is none."""
    vals = [as_float(x) for x in as_list(ci)]
    if len(vals) != 2 or vals[0] is None or vals[1] is None:
        return ""
    return f"{sep}[{vals[0]:.1%}, {vals[1]:.1%}]"


def varied_view(sens: Mapping[str, Any]) -> dict[str, Any]:
    """Which inputs the sweep varied (with the origin of each range), which it left fixed,
    the interval's name and the sweep's warnings."""
    inputs = []
    for x in (as_dict(i) for i in as_list(sens.get("inputs"))):
        conf = text(x.get("confidence")) or "–"
        inputs.append(
            {
                "path": text(x.get("path")),
                "range": f"{as_float(x.get('min')):.4g} – {as_float(x.get('max')):.4g}"
                if as_float(x.get("min")) is not None and as_float(x.get("max")) is not None
                else "–",
                "origin": "written" if x.get("origin", "range") == "range" else "default",
                "confidence": conf,
                "sources": ", ".join(str(s) for s in as_list(x.get("sources"))) or "estimate",
            }
        )
    fixed = [
        {"path": text(f.get("path")), "reason": text(f.get("reason"))}
        for f in (as_dict(i) for i in as_list(sens.get("not_varied")))
    ]
    return {
        "interval": text(sens.get("interval")),
        "warnings": [text(w) for w in as_list(sens.get("warnings"))],
        "inputs": inputs,
        "written": sum(1 for x in inputs if x["origin"] == "written"),
        "default": sum(1 for x in inputs if x["origin"] == "default"),
        "not_varied": fixed,
    }
