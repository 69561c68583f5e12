"""The backtest section: the score table, a chart of Brier scores with their intervals, and
every forecast beside its outcome, as one offline HTML page or as Markdown.

Reads only the dict of :meth:`mlf.backtest.BacktestResult.to_dict` (``backtest.json``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from mlf.report._charts import PALETTE, _fig, _layout
from mlf.report._format import plotly_text
from mlf.report._html import PLOT_CONFIG, _css, _env, plotly_js
from mlf.report._markdown import _md, _table

_METRIC_DIGITS = 3


def _cell(entry: Mapping[str, Any]) -> str:
    if entry.get("mean") is None:
        return "–"
    d = _METRIC_DIGITS
    return f"{entry['mean']:.{d}f} [{entry['lo']:.{d}f}, {entry['hi']:.{d}f}]"


def _forecast_text(f: Mapping[str, Any]) -> str:
    if "p" in f:
        return f"{f['p']:.2f}"
    if "value" in f:
        return f"{f['value']:.4g}"
    opts = f.get("options") or {}
    if len(opts) == 1:
        return str(next(iter(opts)))
    return f"each of {len(opts)} at {max(opts.values()):.2f}" if opts else "–"


def _outcome_text(o: Any) -> str:
    if isinstance(o, bool):
        return "yes" if o else "no"
    if isinstance(o, float):
        return f"{o:.4g}"
    return str(o)


def brier_chart(data: Mapping[str, Any]) -> dict[str, Any]:
    """Grouped bars: one group per snapshot, one bar per forecaster (its mean Brier score),
    each with its 95% bootstrap interval as an error bar.

    Examples:
        A backtest of the compromise model on an invented two-nation case
        (:func:`mlf.examples.two_nations_fleet`), against what "happened"
        (:func:`mlf.examples.fleet_outcomes`): no agreement, a size of 50:

        >>> from mlf import examples
        >>> from mlf.backtest import run_backtest
        >>> from mlf.scenario import load_scenario
        >>> loaded = load_scenario(examples.path("two_nations_fleet"))
        >>> outcomes = examples.fleet_outcomes()
        >>> data = run_backtest(outcomes, [loaded], ["compromise"]).to_dict()
        >>> figure = brier_chart(data)
        >>> [(trace["name"], trace["x"], trace["y"]) for trace in figure["data"]][:2]
        [('compromise', ['two'], [1.0]), ('ensemble', ['two'], [1.0])]
    """
    snaps = [s["id"] for s in data["snapshots"]]
    traces: list[Any] = []
    for k, name in enumerate(data["forecasters"]):
        xs: list[str] = []
        ys: list[float] = []
        up: list[float] = []
        down: list[float] = []
        for e in data["scores"]:
            b = e["brier"]
            if e["forecaster"] != name or b["mean"] is None:
                continue
            xs.append(plotly_text(e["snapshot"]))
            ys.append(b["mean"])
            up.append(b["hi"] - b["mean"])
            down.append(b["mean"] - b["lo"])
        traces.append(
            {
                "type": "bar",
                "name": plotly_text(name),
                "x": xs,
                "y": ys,
                "marker": {"color": PALETTE[k % len(PALETTE)]},
                "error_y": {"type": "data", "symmetric": False, "array": up, "arrayminus": down},
                "hovertemplate": "%{x}<br>" + plotly_text(name) + ": %{y:.3f}<extra></extra>",
            }
        )
    layout = _layout(
        420,
        barmode="group",
        xaxis={"title": {"text": "snapshot"}, "categoryorder": "array",
               "categoryarray": [plotly_text(s) for s in snaps]},
        yaxis={"title": {"text": "mean Brier score (lower is better)"}, "range": [0, 1]},
    )  # fmt: skip
    return _fig(traces, layout)


def _view(data: Mapping[str, Any]) -> dict[str, Any]:
    man = data["manifest"]
    by_q: dict[tuple[str, str], dict[str, str]] = {}
    for r in data["forecasts"]:
        by_q.setdefault((r["snapshot"], r["question"]), {})[r["forecaster"]] = _forecast_text(
            r["forecast"]
        )
    outcome = {q["id"]: q["outcome"] for q in data["questions"]}
    snapshots = []
    for s in data["snapshots"]:
        qs = [
            {
                "id": qid,
                "outcome": _outcome_text(outcome[qid]),
                "cells": [by_q.get((s["id"], qid), {}).get(f, "–") for f in data["forecasters"]],
            }
            for qid in s["asked"]
        ]
        snapshots.append({**s, "questions": qs})
    rows = [
        {
            "snapshot": e["snapshot"],
            "forecaster": e["forecaster"],
            "brier": _cell(e["brier"]),
            "log": _cell(e["log"]),
            "abs_error": _cell(e["abs_error"]),
            "hit": _cell(e["hit"]),
            "n": f"{e['brier']['n']} / {e['abs_error']['n']} / {e['hit']['n']}",
        }
        for e in data["scores"]
    ]
    return {
        "title": data["outcomes"]["title"],
        "outcomes_id": man["outcomes_id"],
        "outcomes_sha256": man["outcomes_sha256"],
        "models": ", ".join(man["models"]),
        "draws": man["draws"],
        "seed": man["seed"],
        "resamples": man["bootstrap_resamples"],
        "log_floor": man["log_floor"],
        "mlf_version": man["mlf_version"],
        "forecasters": list(data["forecasters"]),
        "rows": rows,
        "snapshots": snapshots,
        "sources": [
            {
                "key": src.get("key", ""),
                "title": src.get("title", ""),
                "confidence": src.get("confidence", ""),
                "date": src.get("date") or "",
                "url": src.get("url") or "",
            }
            for src in data["outcomes"]["sources"]
        ],
    }


def render_backtest_html(data: Mapping[str, Any]) -> str:
    """The backtest as one self-contained HTML page (inline styles, plotly.js inlined).

    Examples:
        A backtest of the compromise model on an invented two-nation case
        (:func:`mlf.examples.two_nations_fleet`), against what "happened"
        (:func:`mlf.examples.fleet_outcomes`): no agreement, a size of 50:

        >>> from mlf import examples
        >>> from mlf.backtest import run_backtest
        >>> from mlf.scenario import load_scenario
        >>> loaded = load_scenario(examples.path("two_nations_fleet"))
        >>> outcomes = examples.fleet_outcomes()
        >>> data = run_backtest(outcomes, [loaded], ["compromise"]).to_dict()
        >>> html = render_backtest_html(data)
        >>> html.startswith("<!doctype html>"), "<script src=" in html  # offline: nothing fetched
        (True, False)
    """
    view = _view(data)
    view["chart"] = brier_chart(data)
    return (
        _env()
        .get_template("backtest.html.j2")
        .render(v=view, css=Markup(_css()), plotlyjs=Markup(plotly_js()), plot_config=PLOT_CONFIG)
    )


def render_backtest_markdown(data: Mapping[str, Any]) -> str:
    """The backtest as Markdown: the score table, then every forecast beside its outcome.

    Examples:
        A backtest of the compromise model on an invented two-nation case
        (:func:`mlf.examples.two_nations_fleet`), against what "happened"
        (:func:`mlf.examples.fleet_outcomes`): no agreement, a size of 50:

        >>> from mlf import examples
        >>> from mlf.backtest import run_backtest
        >>> from mlf.scenario import load_scenario
        >>> loaded = load_scenario(examples.path("two_nations_fleet"))
        >>> outcomes = examples.fleet_outcomes()
        >>> data = run_backtest(outcomes, [loaded], ["compromise"]).to_dict()
        >>> lines = render_backtest_markdown(data).splitlines()
        >>> print(lines[0])
        # Backtest: What happened to the fleet
        >>> start = lines.index("## two (1963-07-15)") + 2
        >>> for line in lines[start : start + 4]:  # doctest: +NORMALIZE_WHITESPACE
        ...     print(line)
        | question | outcome | compromise | ensemble | status\\_quo | coin\\_flip |
          everyone\\_joins |
        |---|---|---|---|---|---|---|
        | fleet\\_agreed | no | 1.00 | 1.00 | 0.00 | 0.50 | 1.00 |
        | fleet\\_size | 50 | 64 | 64 | 0 | 50 | 60 |
    """
    v = _view(data)
    out = [
        f"# Backtest: {_md(v['title'])}",
        "",
        f"Outcomes `{_md(v['outcomes_id'])}`, models {_md(v['models'])}, draws {v['draws']}, "
        f"seed {v['seed']}; each mean with its 95% bootstrap interval over the questions. "
        "Brier, log score and |error| / scale: lower is better; hit rate: higher is better.",
        "",
    ]
    head: Sequence[str] = ("snapshot", "forecaster", "Brier", "log score", "|error| / scale",
                           "hit rate", "n (bin / num / opt)")  # fmt: skip
    rows = [
        [_md(r["snapshot"]), _md(r["forecaster"]), r["brier"], r["log"], r["abs_error"], r["hit"],
         r["n"]]
        for r in v["rows"]
    ]  # fmt: skip
    out += _table(head, rows)
    for s in v["snapshots"]:
        out += [f"## {_md(s['id'])} ({s['date']})", ""]
        out += _table(
            ["question", "outcome", *[_md(f) for f in v["forecasters"]]],
            [[_md(q["id"]), _md(q["outcome"]), *[_md(c) for c in q["cells"]]]
             for q in s["questions"]],
        )  # fmt: skip
        if s["skipped"]:
            skipped = "; ".join(f"{_md(k['question'])} ({_md(k['reason'])})" for k in s["skipped"])
            out += [f"Not asked: {skipped}.", ""]
    out += ["## Sources of the outcomes", ""]
    for src in v["sources"]:
        date = f", {src['date']}" if src.get("date") else ""
        out.append(f"- **{_md(src['key'])}** ({src['confidence']}{date}): {_md(src['title'])}")
    return "\n".join(out) + "\n"
