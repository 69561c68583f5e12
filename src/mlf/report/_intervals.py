"""The report's view of a sweep's honesty: Wilson intervals, varied inputs and warnings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mlf.report._format import as_float, text
from mlf.results import SweepSummaryV1


def interval_text(ci: Sequence[float] | None, sep: str = "") -> str:
    """``[lo%, hi%]`` of a Wilson interval (a 2-list), or ``""`` when there is none.

    >>> interval_text([0.25, 0.5], " ")
    ' [25.0%, 50.0%]'
    >>> interval_text(None)
    ''
    """
    vals = [as_float(x) for x in ci or ()]
    if len(vals) != 2 or vals[0] is None or vals[1] is None:
        return ""
    return f"{sep}[{vals[0]:.1%}, {vals[1]:.1%}]"


def varied_view(sens: SweepSummaryV1) -> dict[str, Any]:
    """Which inputs the sweep varied (with the origin of each range), which it left fixed,
    the interval's name and the sweep's warnings."""
    inputs = []
    for x in sens.inputs:
        lo, hi = as_float(x.min), as_float(x.max)
        inputs.append(
            {
                "path": text(x.path),
                "range": f"{lo:.4g} – {hi:.4g}" if lo is not None and hi is not None else "–",
                "origin": "written" if x.origin == "range" else "default",
                "confidence": text(x.confidence) or "–",
                "sources": ", ".join(str(s) for s in x.sources) or "estimate",
            }
        )
    fixed = [{"path": text(f.path), "reason": text(f.reason)} for f in sens.not_varied or ()]
    return {
        "interval": text(sens.interval),
        "warnings": [text(w) for w in sens.warnings or ()],
        "inputs": inputs,
        "written": sum(1 for x in inputs if x["origin"] == "written"),
        "default": sum(1 for x in inputs if x["origin"] == "default"),
        "not_varied": fixed,
    }
