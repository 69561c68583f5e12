"""Small, total helpers shared by the HTML and Markdown renderers.

Every helper accepts ``None`` and odd types, because the report must render any result dict
(including one where an alternative was "not analysed" and carries only five keys).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

STATUS_CLASS = {
    "agreement": "agreement",
    "no agreement": "no-agreement",
    "cycle": "cycle",
    "does not count": "does-not-count",
    "signed, not ratified": "not-ratified",
    "not analysed": "not-analysed",
    "below threshold": "below-threshold",
}

STATUS_COLOUR = {  # Okabe-Ito, safe for colour-blind readers
    "agreement": "#009E73",
    "no agreement": "#E69F00",
    "cycle": "#56B4E9",
    "does not count": "#CC79A7",
    "signed, not ratified": "#0072B2",
    "not analysed": "#D55E00",
    "below threshold": "#999999",
}

GUARDRAIL_LABELS = {
    "no_selling": "No selling",
    "fallback": "Fall-back to the status quo",
    "genuinely_european": "Genuinely European",
    "fixed_point": "Fixed point of the talks",
}

GUARDRAIL_SHORT = {
    "no_selling": "no selling",
    "fallback": "fall-back",
    "genuinely_european": "European",
    "fixed_point": "fixed point",
}

INDEX_LABELS = {
    "banzhaf": "Banzhaf (normalised)",
    "banzhaf_absolute": "Banzhaf (absolute, Penrose)",
    "penrose": "Penrose",
    "shapley_shubik": "Shapley-Shubik",
    "johnston": "Johnston",
    "deegan_packel": "Deegan-Packel",
    "holler": "Holler (public good)",
    "coleman_prevent": "Coleman: power to prevent",
    "coleman_initiate": "Coleman: power to initiate",
}

#: Indices that sum to one over the players, drawn side by side in the power chart.
NORMALISED_INDICES = ("banzhaf", "shapley_shubik", "johnston", "deegan_packel", "holler")


def as_dict(x: Any) -> dict[str, Any]:
    """``x`` if it is a mapping (as a dict), else an empty dict."""
    return dict(x) if isinstance(x, Mapping) else {}


def as_list(x: Any) -> list[Any]:
    """``x`` if it is a list or tuple (as a list), else an empty list."""
    return list(x) if isinstance(x, list | tuple) else []


def as_float(x: Any) -> float | None:
    """A finite float, or None for anything else (None, strings, NaN, booleans)."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def num(x: Any, digits: int = 3) -> str:
    """A number for a reader: about ``digits`` significant figures, thousands separated."""
    v = as_float(x)
    if v is None:
        return "–"
    if v == 0:
        return "0"
    a = abs(v)
    if v.is_integer() and a < 1e15:
        return f"{int(v):,}"
    if a >= 10**digits:
        return f"{v:,.0f}"
    if a >= 1:
        decimals = max(0, digits - 1 - math.floor(math.log10(a)))
        return f"{v:,.{decimals}f}"
    return f"{v:.{digits}g}"


def pct(x: Any, decimals: int = 1) -> str:
    """A fraction as a percentage ("53.8%"), or a dash."""
    v = as_float(x)
    return "–" if v is None else f"{100 * v:.{decimals}f}%"


def money(x: Any, currency: str = "") -> str:
    """An amount with its currency ("0.0911 bn USD")."""
    v = as_float(x)
    if v is None:
        return "–"
    return f"{num(v)} {currency}".strip()


def text(x: Any) -> str:
    """Any value as one line of text ("" for None)."""
    if x is None:
        return ""
    if isinstance(x, list | tuple):
        return ", ".join(text(v) for v in x)
    return " ".join(str(x).split())


def slug(value: str, taken: set[str]) -> str:
    """An HTML id built from ``value`` (letters, digits, '-'), unique within ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x"
    out = base
    k = 2
    while out in taken:
        out = f"{base}-{k}"
        k += 1
    taken.add(out)
    return out


def short(label: str, width: int = 40) -> str:
    """``label`` cut to ``width`` characters with an ellipsis (for chart axes)."""
    label = text(label)
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def plotly_text(s: str) -> str:
    """``s`` with ``&``, ``<`` and ``>`` as entities: plotly.js reads a subset of HTML in
    labels, and user text must show literally."""
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(label: str, width: int = 16, lines: int = 3) -> str:
    """``label`` broken into at most ``lines`` lines of about ``width`` characters (``<br>``)."""
    words = text(label).split()
    out: list[str] = []
    cur = ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        out.append(cur)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1] + "…"
    return "<br>".join(plotly_text(x) for x in out)
