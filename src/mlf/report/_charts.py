"""Plotly figures of the report, as plain JSON-ready dicts (``{"data": ..., "layout": ...}``).

Each builder takes already-cleaned values (see :mod:`mlf.report._view`) and returns a figure
that plotly.js draws offline: no map layers, no MathJax, no web fonts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from mlf.report._format import INDEX_LABELS, NORMALISED_INDICES, STATUS_COLOUR, short, wrap
from mlf.report._format import plotly_text as esc
from mlf.results import SweepHistogram

#: One colour per actor, stable across every chart of a report (Tableau 10, then more).
PALETTE = (
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1",
    "#FF9DA7", "#9C755F", "#BAB0AC", "#1F77B4", "#8C564B", "#17BECF", "#BCBD22",
    "#7F7F7F", "#2CA02C",
)  # fmt: skip

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}


def actor_colours(actors: Sequence[str]) -> dict[str, str]:
    """A stable colour for each actor id, in scenario order."""
    return {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(actors)}


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "height": height,
        "autosize": True,
        "font": FONT,
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.18, "x": 0, "yanchor": "top"},
    }
    base.update(extra)
    return base


def _fig(data: list[Any], layout: dict[str, Any]) -> dict[str, Any]:
    # go.Figure validates every property name; plotly.js would silently ignore a typo.
    fig = go.Figure(data=data, layout=layout)
    out: dict[str, Any] = fig.to_plotly_json()
    out["layout"].pop("template", None)
    return out


def support_chart(rows: Sequence[Mapping[str, Any]], threshold: float | None) -> dict[str, Any]:
    """Horizontal bars of capability-weighted support, one per alternative, coloured by status.

    ``rows``: dicts with ``title``, ``support`` and ``status``.
    """
    data: list[Any] = []
    seen: set[str] = set()
    ys = [wrap(r["title"], 28, 2) for r in rows]
    for status, colour in STATUS_COLOUR.items():
        xs = [r["support"] if r["status"] == status else None for r in rows]
        if all(x is None for x in xs):
            continue
        seen.add(status)
        data.append(
            go.Bar(
                x=xs,
                y=ys,
                orientation="h",
                name=status,
                marker={"color": colour},
                text=[f"{100 * x:.0f}%" if x is not None else "" for x in xs],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}<br>support %{x:.1%}<extra>" + status + "</extra>",
            )
        )
    shapes = []
    if threshold is not None:
        shapes.append(
            {
                "type": "line",
                "x0": threshold,
                "x1": threshold,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#333333", "dash": "dash", "width": 1.5},
            }
        )
    top = max([r["support"] for r in rows if r["support"] is not None] + [0.0])
    layout = _layout(
        150 + 40 * len(rows),
        barmode="overlay",
        legend={"orientation": "h", "y": -0.28, "x": 0, "yanchor": "top"},
        xaxis={
            "title": {"text": "capability-weighted support"},
            "tickformat": ".0%",
            "range": [0, max(1.0, top * 1.1)],
            "gridcolor": "#e5e5e5",
        },
        yaxis={"autorange": "reversed", "automargin": True},
        shapes=shapes,
        annotations=[]
        if threshold is None
        else [
            {
                "x": threshold,
                "y": 1.0,
                "yref": "paper",
                "yanchor": "bottom",
                "text": f"threshold {threshold:.0%}",
                "showarrow": False,
                "font": {"size": 11},
            }
        ],
        margin={"l": 20, "r": 40, "t": 30, "b": 95},
    )
    return _fig(data, layout)


def membership_chart(
    actors: Sequence[str], names: Mapping[str, str], alts: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Heatmap actors x alternatives: member, invited but stayed out, not invited.

    ``alts``: dicts with ``title``, ``members`` (ids) and ``invited`` (ids).
    """
    labels = ("not invited", "stays out", "member")
    z: list[list[int]] = []
    hover: list[list[str]] = []
    for a in actors:
        row: list[int] = []
        hrow: list[str] = []
        for alt in alts:
            code = 2 if a in alt["members"] else 1 if a in alt["invited"] else 0
            row.append(code)
            hrow.append(f"{esc(names.get(a, a))}: {labels[code]}<br>{esc(alt['title'])}")
        z.append(row)
        hover.append(hrow)
    colours = ("#f2f2f2", "#E69F00", "#009E73")
    scale = []
    for k, c in enumerate(colours):
        scale += [[k / 3, c], [(k + 1) / 3, c]]
    data = [
        go.Heatmap(
            z=z,
            x=[wrap(alt["title"], 14) for alt in alts],
            y=[esc(a) for a in actors],
            zmin=-0.5,
            zmax=2.5,
            colorscale=scale,
            xgap=2,
            ygap=2,
            text=hover,
            hovertemplate="%{text}<extra></extra>",
            colorbar={"tickvals": [0, 1, 2], "ticktext": list(labels), "thickness": 12, "len": 0.6},
        )
    ]
    layout = _layout(
        max(260, 70 + 24 * len(actors)),
        xaxis={"side": "top", "automargin": True, "tickangle": 0},
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"l": 50, "r": 20, "t": 60, "b": 20},
    )
    return _fig(data, layout)


def trajectory_chart(
    actors: Sequence[str],
    names: Mapping[str, str],
    colours: Mapping[str, str],
    rounds: Sequence[Sequence[float | None]],
    outcome: Sequence[float | None],
    options: Sequence[str] | None,
    unit: str,
) -> dict[str, Any]:
    """Each actor's position by round (thin lines) and the forecast (thick dashed line).

    Options issues get the option labels on the y axis (the options are ordered).
    """
    x = list(range(len(rounds)))
    mode = "lines+markers" if len(rounds) < 25 else "lines"
    data: list[Any] = []

    def label(v: float | None) -> str:
        if v is None:
            return "–"
        if options:
            k = min(max(round(v), 0), len(options) - 1)
            return f"{v:.2f} (nearest: {esc(options[k])})"
        return f"{v:.4g} {esc(unit)}".strip()

    for i, a in enumerate(actors):
        ys = [r[i] if i < len(r) else None for r in rounds]
        data.append(
            go.Scatter(
                x=x,
                y=ys,
                mode=mode,
                name=esc(a),
                line={"color": colours.get(a, "#777777"), "width": 1.5},
                marker={"size": 7},
                text=[f"{esc(names.get(a, a))}: {label(v)}" for v in ys],
                hovertemplate="round %{x}<br>%{text}<extra></extra>",
            )
        )
    data.append(
        go.Scatter(
            x=list(range(len(outcome))),
            y=list(outcome),
            mode=mode,
            name="forecast",
            line={"color": "#000000", "width": 4, "dash": "dash"},
            marker={"size": 11, "symbol": "diamond"},
            text=[f"forecast: {label(v)}" for v in outcome],
            hovertemplate="round %{x}<br>%{text}<extra></extra>",
        )
    )
    yaxis: dict[str, Any] = {"automargin": True, "gridcolor": "#e5e5e5", "zeroline": False}
    if options:
        yaxis.update(
            tickvals=list(range(len(options))),
            ticktext=[esc(short(o, 34)) for o in options],
            range=[-0.4, len(options) - 0.6],
        )
    elif unit:
        yaxis["title"] = {"text": esc(unit)}
    xaxis: dict[str, Any] = {
        "title": {"text": "round"},
        "dtick": 1 if len(x) <= 20 else None,
        "gridcolor": "#e5e5e5",
    }
    if len(x) <= 1:
        xaxis.update(range=[-0.5, 0.5], tickvals=[0], ticktext=["(static model)"], title=None)
    layout = _layout(
        340 if not options else max(300, 60 * len(options) + 80),
        xaxis=xaxis,
        yaxis=yaxis,
        legend={"orientation": "v", "x": 1.02, "y": 1, "font": {"size": 11}},
        margin={"l": 60, "r": 10, "t": 20, "b": 45},
    )
    return _fig(data, layout)


def margin_chart(
    rows: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Each invited nation's margin (utility inside minus outside option), coloured by decision.

    ``rows``: dicts with ``actor``, ``name``, ``join`` (bool) and ``margin`` (float or None).
    """
    shown = [r for r in rows if r["margin"] is not None]
    data = [
        go.Bar(
            x=[esc(r["actor"]) for r in shown],
            y=[r["margin"] for r in shown],
            marker={"color": ["#009E73" if r["join"] else "#E69F00" for r in shown]},
            text=[f"{r['margin']:+.2f}" for r in shown],
            textposition="outside",
            cliponaxis=False,
            customdata=[[esc(r["name"]), "joins" if r["join"] else "stays out"] for r in shown],
            hovertemplate="%{customdata[0]} %{customdata[1]}<br>margin %{y:+.3f}<extra></extra>",
            showlegend=False,
        )
    ]
    layout = _layout(
        300,
        yaxis={
            "title": {"text": "utility inside − outside option"},
            "zeroline": True,
            "zerolinecolor": "#333333",
            "gridcolor": "#e5e5e5",
        },
        xaxis={"range": [-0.5, max(len(shown), 5) - 0.5]},
        margin={"l": 70, "r": 20, "t": 30, "b": 40},
    )
    return _fig(data, layout)


def power_chart(
    players: Sequence[str],
    indices: Mapping[str, Mapping[str, float]],
    veto: Sequence[str],
) -> dict[str, Any]:
    """Grouped bars of the normalised power indices per member; veto players marked."""
    colours = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")
    data: list[Any] = []
    names = [k for k in NORMALISED_INDICES if k in indices] or list(indices)[:5]
    for k, name in enumerate(names):
        vals = indices[name]
        data.append(
            go.Bar(
                x=[esc(p) for p in players],
                y=[vals.get(p) for p in players],
                name=INDEX_LABELS.get(name, name),
                marker={"color": colours[k % len(colours)]},
                hovertemplate="%{x}: %{y:.3f}<extra>" + INDEX_LABELS.get(name, name) + "</extra>",
            )
        )
    ticktext = [f"<b>{esc(p)}</b><br>veto" if p in veto else esc(p) for p in players]
    layout = _layout(
        340,
        barmode="group",
        xaxis={"tickvals": [esc(p) for p in players], "ticktext": ticktext},
        yaxis={"title": {"text": "share of power"}, "range": [0, 1.05], "gridcolor": "#e5e5e5"},
        margin={"l": 60, "r": 20, "t": 20, "b": 60},
    )
    return _fig(data, layout)


def cost_chart(
    members: Sequence[str],
    payments: Mapping[str, float],
    budget_share: Mapping[str, float],
    currency: str,
    colours: Mapping[str, str],
) -> dict[str, Any]:
    """Bars of each member's annual payment, labelled with its share of its defence budget."""
    data = [
        go.Bar(
            x=[esc(m) for m in members],
            y=[payments.get(m, 0.0) for m in members],
            marker={"color": [colours.get(m, "#4E79A7") for m in members]},
            text=[f"{100 * budget_share.get(m, 0.0):.1f}% of budget" for m in members],
            textposition="outside",
            cliponaxis=False,
            customdata=[esc(currency)] * len(members),
            hovertemplate="%{x}: %{y:.4g} %{customdata}<br>%{text}<extra></extra>",
            showlegend=False,
        )
    ]
    layout = _layout(
        320,
        yaxis={
            "title": {"text": f"annual payment ({esc(currency)})" if currency else "payment"},
            "gridcolor": "#e5e5e5",
            "rangemode": "tozero",
        },
        xaxis={"range": [-0.5, max(len(members), 5) - 0.5]},
        margin={"l": 70, "r": 20, "t": 40, "b": 40},
    )
    return _fig(data, layout)


def histogram_chart(name: str, hist: SweepHistogram | Sequence[float]) -> dict[str, Any] | None:
    """A histogram of a sweep's binned distribution (:class:`mlf.results.SweepHistogram`:
    ``edges`` one more than ``counts``), or of a list of draws (binned in the page); None when
    there is nothing to draw (no draw settled the element)."""
    if isinstance(hist, SweepHistogram):
        edges, counts = hist.edges, hist.counts
        if not counts or len(edges) != len(counts) + 1:
            return None
        centres = [(edges[i] + edges[i + 1]) / 2 for i in range(len(counts))]
        widths = [edges[i + 1] - edges[i] for i in range(len(counts))]
        bar = go.Bar(
            x=centres,
            y=counts,
            width=widths,
            marker={"color": "#4E79A7"},
            showlegend=False,
            hovertemplate="%{x:.4g}: %{y}<extra></extra>",
        )
        data: list[Any] = [bar]
    elif hist:
        data = [go.Histogram(x=list(hist), marker={"color": "#4E79A7"}, showlegend=False)]
    else:
        return None
    layout = _layout(
        240,
        bargap=0.02,
        xaxis={"title": {"text": esc(name)}, "gridcolor": "#e5e5e5"},
        yaxis={"title": {"text": "draws"}, "gridcolor": "#e5e5e5"},
        margin={"l": 60, "r": 20, "t": 20, "b": 45},
    )
    return _fig(data, layout)


def tornado_chart(rows: Sequence[tuple[str, float]]) -> dict[str, Any]:
    """Horizontal bars of each uncertain input's effect, largest magnitude at the top."""
    ordered = sorted(rows, key=lambda r: abs(r[1]), reverse=True)[:15]
    data = [
        go.Bar(
            x=[e for _, e in ordered],
            y=[esc(short(n, 48)) for n, _ in ordered],
            orientation="h",
            marker={"color": ["#0072B2" if e >= 0 else "#D55E00" for _, e in ordered]},
            hovertemplate="%{y}: %{x:.3g}<extra></extra>",
            showlegend=False,
        )
    ]
    layout = _layout(
        max(220, 60 + 26 * len(ordered)),
        xaxis={
            "title": {"text": "effect"},
            "zeroline": True,
            "zerolinecolor": "#333333",
            "gridcolor": "#e5e5e5",
        },
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"l": 20, "r": 20, "t": 20, "b": 45},
    )
    return _fig(data, layout)


#: One colour and marker per negotiation model in the model comparison (Okabe-Ito).
MODEL_STYLE = {
    "compromise": ("#0072B2", "circle"),
    "median": ("#E69F00", "square"),
    "nash": ("#009E73", "diamond"),
    "bdm": ("#CC79A7", "triangle-up"),
    "smp": ("#D55E00", "cross"),
}


def model_style(model: str, k: int) -> tuple[str, str]:
    """The colour and marker symbol of a model (a model outside the registry gets one by
    its place ``k``)."""
    if model in MODEL_STYLE:
        return MODEL_STYLE[model]
    styles = list(MODEL_STYLE.values())
    return styles[k % len(styles)]


def model_terms_chart(
    elements: Sequence[Mapping[str, Any]], models: Sequence[str]
) -> dict[str, Any]:
    """Each element's settled value under each model, on one axis per element (dots with the
    spread).

    ``elements``: dicts with ``title``, ``lo``, ``hi`` (the element's own scale; an options
    issue runs 0..m-1), ``lo_label``, ``hi_label`` and ``values`` ``{model: (value, label,
    in_force)}``. Each element is one row; the x axis runs from each element's own low end
    (0) to its high end (1), so elements of different units share the chart; the grey bar is
    the spread (lowest to highest model). Within a row each model sits on its own small lane,
    so that models that settled the same value all stay visible. A hollow marker is a value
    settled in talks that then failed (not in force).
    """
    n = len(models)
    lane = 0.5 / max(n, 1)

    def x_of(e: Mapping[str, Any], v: float) -> float:
        lo, hi = float(e["lo"]), float(e["hi"])
        return 0.5 if hi <= lo else (v - lo) / (hi - lo)

    def y_of(row: int, k: int) -> float:
        return row + (k - (n - 1) / 2) * lane

    sx: list[float | None] = []
    sy: list[float | None] = []
    for row, e in enumerate(elements):
        vals = [x_of(e, v[0]) for v in e["values"].values()]
        if vals:
            sx += [min(vals), max(vals), None]
            sy += [row, row, None]
    data: list[Any] = [
        go.Scatter(
            x=sx,
            y=sy,
            mode="lines",
            line={"color": "#c8c8d0", "width": 14},
            name="spread across the models",
            hoverinfo="skip",
        )
    ]
    for k, m in enumerate(models):
        colour, symbol = model_style(m, k)
        xs: list[float] = []
        yv: list[float] = []
        texts: list[str] = []
        fills: list[str] = []
        for row, e in enumerate(elements):
            if m not in e["values"]:
                continue
            v, label, in_force = e["values"][m]
            xs.append(x_of(e, v))
            yv.append(y_of(row, k))
            texts.append(
                f"{esc(m)}: {esc(label)}{'' if in_force else ' (talks failed)'}"
                f"<br>{esc(e['title'])}"
            )
            fills.append(colour if in_force else "#ffffff")
        data.append(
            go.Scatter(
                x=xs,
                y=yv,
                mode="markers",
                name=esc(m),
                marker={
                    "color": fills,
                    "symbol": symbol,
                    "size": 11,
                    "line": {"color": colour, "width": 2},
                },
                text=texts,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    annotations = []
    for row, e in enumerate(elements):
        for x, key, anchor in ((0.0, "lo_label", "right"), (1.0, "hi_label", "left")):
            annotations.append(
                {
                    "x": x,
                    "y": row,
                    "xref": "x",
                    "yref": "y",
                    "text": esc(short(str(e[key]), 16)),
                    "showarrow": False,
                    "xanchor": anchor,
                    "xshift": -10 if anchor == "right" else 10,
                    "font": {"size": 10, "color": "#5f6368"},
                }
            )
    layout = _layout(
        max(230, 110 + 56 * len(elements)),
        xaxis={
            "range": [-0.32, 1.32],
            "tickvals": [0, 0.5, 1],
            "ticktext": ["low end", "middle", "high end"],
            "gridcolor": "#e5e5e5",
            "zeroline": False,
        },
        yaxis={
            "tickvals": list(range(len(elements))),
            "ticktext": [wrap(e["title"], 26, 2) for e in elements],
            "range": [len(elements) - 0.5, -0.5],
            "automargin": True,
            "showgrid": False,
            "zeroline": False,
        },
        annotations=annotations,
        legend={"orientation": "h", "y": -0.12, "x": 0, "yanchor": "top"},
        margin={"l": 20, "r": 20, "t": 10, "b": 60},
    )
    return _fig(data, layout)


def strip_chart(
    actors: Sequence[str],
    names: Mapping[str, str],
    colours: Mapping[str, str],
    positions: Sequence[float | None],
    forecast: float | None,
    options: Sequence[str] | None,
    unit: str,
) -> dict[str, Any]:
    """A static model's picture: each actor's position as a dot on one axis (a strip) and
    the forecast as a diamond. A static model (compromise, median, Nash) computes its
    forecast in one step, so there is no trajectory to draw."""
    data: list[Any] = []

    def label(v: float | None) -> str:
        if v is None:
            return "–"
        if options:
            k = min(max(round(v), 0), len(options) - 1)
            return f"{v:.2f} (nearest: {esc(options[k])})"
        return f"{v:.4g} {esc(unit)}".strip()

    for i, a in enumerate(actors):
        v = positions[i] if i < len(positions) else None
        if v is None:
            continue
        data.append(
            go.Scatter(
                x=[v],
                y=["positions"],
                mode="markers",
                name=esc(a),
                marker={"color": colours.get(a, "#777777"), "size": 12, "opacity": 0.85},
                text=[f"{esc(names.get(a, a))}: {label(v)}"],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    if forecast is not None:
        data.append(
            go.Scatter(
                x=[forecast],
                y=["forecast"],
                mode="markers",
                name="forecast",
                marker={"color": "#000000", "size": 15, "symbol": "diamond"},
                text=[f"forecast: {label(forecast)}"],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    xaxis: dict[str, Any] = {"gridcolor": "#e5e5e5", "zeroline": False, "automargin": True}
    if options:
        xaxis.update(
            tickvals=list(range(len(options))),
            ticktext=[esc(short(o, 18)) for o in options],
            range=[-0.4, len(options) - 0.6],
        )
    elif unit:
        xaxis["title"] = {"text": esc(unit)}
    layout = _layout(
        190,
        xaxis=xaxis,
        yaxis={"type": "category", "categoryorder": "array",
               "categoryarray": ["forecast", "positions"], "automargin": True},
        legend={"orientation": "v", "x": 1.02, "y": 1, "font": {"size": 11}},
        margin={"l": 70, "r": 10, "t": 10, "b": 45},
    )
    return _fig(data, layout)
