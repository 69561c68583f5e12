"""The model-comparison section of the report: every model's run side by side.

Built from the result's ``ensemble`` block (:func:`mlf.ensemble.summarise`) and ``runs``: a
models x alternatives outcome table (status and members per model, and in how many models
agreement forms), each nation's membership count, per alternative each element's settled
value under each model on one axis (dots with the spread,
:func:`mlf.report._charts.model_terms_chart`, and the same numbers in a table), and the
pivot-broadening (British) question per model.

A result of one model has no ``ensemble``; the section is then absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf.report import _charts as charts
from mlf.report._format import STATUS_CLASS, as_dict, as_float, as_list, num, text


def _end_labels(t: Mapping[str, Any]) -> tuple[str, str, float, float]:
    options = [text(o) for o in as_list(t.get("options"))]
    if options:
        return options[0], options[-1], 0.0, float(len(options) - 1)
    lo = as_float(t.get("lo"))
    hi = as_float(t.get("hi"))
    vals = [as_float(as_dict(v).get("value")) for v in as_dict(t.get("values")).values()]
    found = [v for v in vals if v is not None]
    if lo is None or hi is None:
        lo = min(found, default=0.0)
        hi = max(found, default=1.0)
    unit = text(t.get("unit"))
    return f"{num(lo)} {unit}".strip(), f"{num(hi)} {unit}".strip(), lo, hi


def models_view(
    result: Mapping[str, Any],
    anchors: Mapping[str, str],
    names: Mapping[str, str],
    ch: Any,
) -> dict[str, Any] | None:
    """The view of the model-comparison section, or None for a result of one model.

    ``anchors``: alternative id -> the anchor of its section (the primary model's detail);
    ``ch``: the report's chart collector.
    """
    ens = result.get("ensemble")
    if not isinstance(ens, Mapping):
        return None
    models = [str(m) for m in as_list(ens.get("models"))]
    alts = as_dict(ens.get("alternatives"))
    columns = [
        {"id": str(aid), "title": text(as_dict(e).get("title")) or str(aid),
         "anchor": anchors.get(str(aid))}
        for aid, e in alts.items()
    ]
    rows = []
    for m in models:
        cells = []
        for aid in alts:
            e = as_dict(alts[aid])
            status = as_dict(e.get("status")).get(m)
            members = [str(x) for x in as_list(as_dict(e.get("members")).get(m))]
            cells.append(
                None
                if status is None
                else {
                    "status": text(status),
                    "status_class": STATUS_CLASS.get(str(status), "unknown"),
                    "members": ", ".join(members),
                }
            )
        rows.append({"model": m, "primary": m == models[0], "cells": cells})
    counts = [
        f"{int(e.get('agreement') or 0)} of {int(e.get('models') or 0)}"
        for e in (as_dict(x) for x in alts.values())
    ]
    nations: list[str] = []
    for e in alts.values():
        for n in as_dict(as_dict(e).get("membership")):
            if str(n) not in nations:
                nations.append(str(n))
    membership = []
    for n in nations:
        cells_m = []
        for aid in alts:
            ms = as_dict(as_dict(alts[aid]).get("membership"))
            total = int(as_dict(alts[aid]).get("models") or 0)
            cells_m.append(f"{int(ms[n])} of {total}" if n in ms else "–")
        membership.append({"nation": n, "name": names.get(n, n), "cells": cells_m})
    terms = []
    for aid, e in alts.items():
        e = as_dict(e)
        status = as_dict(e.get("status"))
        elements = []
        table = []
        for iid, t in as_dict(e.get("terms")).items():
            t = as_dict(t)
            lo_label, hi_label, lo, hi = _end_labels(t)
            values = {}
            cells_t = []
            for m in models:
                v = as_dict(as_dict(t.get("values")).get(m))
                val = as_float(v.get("value"))
                if val is None:
                    cells_t.append("–")
                    continue
                values[m] = (val, text(v.get("label")), status.get(m) == "agreement")
                cells_t.append(text(v.get("label")))
            unit = "" if t.get("options") else text(t.get("unit"))
            spread = as_float(t.get("spread"))
            elements.append(
                {"title": text(t.get("title")) or str(iid), "lo": lo, "hi": hi,
                 "lo_label": lo_label, "hi_label": hi_label, "values": values}
            )
            table.append(
                {
                    "element": text(t.get("title")) or str(iid),
                    "cells": cells_t,
                    "spread": "–"
                    if spread is None
                    else (f"{num(spread)} option steps" if t.get("options") else
                          f"{num(spread)} {unit}".strip()),
                }
            )
        if not elements:
            continue
        chart = ch.make(
            f"models-terms-{aid}",
            f"Dot chart: each model's settled value of each element of '{text(e.get('title'))}'"
            ", with the spread across the models",
            charts.model_terms_chart,
            elements,
            models,
        )
        terms.append(
            {"id": str(aid), "title": text(e.get("title")) or str(aid),
             "anchor": anchors.get(str(aid)), "agreement": f"{int(e.get('agreement') or 0)} of "
             f"{int(e.get('models') or 0)}", "chart": chart, "rows": table}
        )
    british = None
    bq = ens.get("british_question")
    if isinstance(bq, Mapping) and bq:
        b_alts: list[str] = []
        for entry in bq.values():
            for aid in as_dict(as_dict(entry).get("alternatives")):
                if str(aid) not in b_alts:
                    b_alts.append(str(aid))
        b_rows = []
        for m in models:
            entry = as_dict(bq.get(m))
            cells_b = []
            for aid in b_alts:
                a = as_dict(as_dict(entry.get("alternatives")).get(aid))
                if not a:
                    cells_b.append("–")
                elif a.get("joins_as_negotiated"):
                    cells_b.append("joins as negotiated")
                elif a.get("broadening"):
                    cells_b.append(f"joins if broadened to: {text(a.get('broadening'))}")
                else:
                    cells_b.append("no broadening makes it join")
            b_rows.append({"model": m, "cells": cells_b})
        titles = {c["id"]: c["title"] for c in columns}
        british = {
            "columns": [titles.get(a, a) for a in b_alts],
            "rows": b_rows,
        }
    return {
        "models": models,
        "primary": models[0] if models else "",
        "columns": columns,
        "rows": rows,
        "counts": counts,
        "membership": membership,
        "terms": terms,
        "british": british,
    }
