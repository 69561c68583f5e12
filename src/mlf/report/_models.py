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
from mlf.report._format import STATUS_CLASS, as_float, num, text
from mlf.results import EnsembleSummary, EnsembleTerm


def _end_labels(t: EnsembleTerm) -> tuple[str, str, float, float]:
    options = [text(o) for o in t.options or []]
    if options:
        return options[0], options[-1], 0.0, float(len(options) - 1)
    lo = as_float(t.lo)
    hi = as_float(t.hi)
    vals = [as_float(v.value) for v in t.values.values()]
    found = [v for v in vals if v is not None]
    if lo is None or hi is None:
        lo = min(found, default=0.0)
        hi = max(found, default=1.0)
    unit = text(t.unit)
    return f"{num(lo)} {unit}".strip(), f"{num(hi)} {unit}".strip(), lo, hi


def models_view(
    ens: EnsembleSummary | None,
    anchors: Mapping[str, str],
    names: Mapping[str, str],
    ch: Any,
) -> dict[str, Any] | None:
    """The view of the model-comparison section (the result's ``ensemble`` block), or None
    for a result of one model.

    ``anchors``: alternative id -> the anchor of its section (the primary model's detail);
    ``ch``: the report's chart collector.
    """
    if ens is None:
        return None
    models = [str(m) for m in ens.models]
    alts = ens.alternatives
    columns = [
        {"id": str(aid), "title": text(e.title) or str(aid), "anchor": anchors.get(str(aid))}
        for aid, e in alts.items()
    ]
    rows = []
    for m in models:
        cells = []
        for e in alts.values():
            status = e.status.get(m)
            members = [str(x) for x in e.members.get(m, [])]
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
    counts = [f"{e.agreement} of {e.models}" for e in alts.values()]
    nations: list[str] = []
    for e in alts.values():
        for n in e.membership:
            if str(n) not in nations:
                nations.append(str(n))
    membership = []
    for n in nations:
        cells_m = [
            f"{e.membership[n]} of {e.models}" if n in e.membership else "–"
            for e in alts.values()
        ]
        membership.append({"nation": n, "name": names.get(n, n), "cells": cells_m})
    terms = []
    for aid, e in alts.items():
        elements = []
        table = []
        for iid, t in e.terms.items():
            lo_label, hi_label, lo, hi = _end_labels(t)
            values = {}
            cells_t = []
            for m in models:
                v = t.values.get(m)
                val = as_float(v.value) if v is not None else None
                if v is None or val is None:
                    cells_t.append("–")
                    continue
                values[m] = (val, text(v.label), e.status.get(m) == "agreement")
                cells_t.append(text(v.label))
            unit = "" if t.options else text(t.unit)
            spread = as_float(t.spread)
            elements.append(
                {"title": text(t.title) or str(iid), "lo": lo, "hi": hi,
                 "lo_label": lo_label, "hi_label": hi_label, "values": values}
            )
            table.append(
                {
                    "element": text(t.title) or str(iid),
                    "cells": cells_t,
                    "spread": "–"
                    if spread is None
                    else (f"{num(spread)} option steps" if t.options else
                          f"{num(spread)} {unit}".strip()),
                }
            )
        if not elements:
            continue
        chart = ch.make(
            f"models-terms-{aid}",
            f"Dot chart: each model's settled value of each element of '{text(e.title)}'"
            ", with the spread across the models",
            charts.model_terms_chart,
            elements,
            models,
        )
        terms.append(
            {"id": str(aid), "title": text(e.title) or str(aid),
             "anchor": anchors.get(str(aid)), "agreement": f"{e.agreement} of {e.models}",
             "chart": chart, "rows": table}
        )
    british = None
    bq = ens.british_question
    if bq:
        b_alts: list[str] = []
        for entry in bq.values():
            for aid in entry.alternatives:
                if str(aid) not in b_alts:
                    b_alts.append(str(aid))
        b_rows = []
        for m in models:
            got = bq.get(m)
            cells_b = []
            for aid in b_alts:
                a = got.alternatives.get(aid) if got is not None else None
                if a is None:
                    cells_b.append("–")
                elif a.joins_as_negotiated:
                    cells_b.append("joins as negotiated")
                elif a.broadening:
                    cells_b.append(f"joins if broadened to: {text(a.broadening)}")
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
