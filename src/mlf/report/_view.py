"""The result dict turned into a view: plain, pre-formatted values the templates only print.

All the tolerance for missing or partial results lives here (an alternative "not analysed"
carries only id, title, support, status and detail; a result may lack the British question or
the sensitivity sweep), so the templates can use a strict undefined and stay simple.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf.report import _charts as charts
from mlf.report._counterfactual import counterfactual_view
from mlf.report._format import (
    GUARDRAIL_LABELS,
    GUARDRAIL_SHORT,
    INDEX_LABELS,
    NORMALISED_INDICES,
    STATUS_CLASS,
    as_dict,
    as_float,
    as_list,
    money,
    num,
    pct,
    slug,
    text,
)
from mlf.report._inputs import InputLinks, inputs_view, source_anchors
from mlf.report._models import models_view
from mlf.report._notes import MODEL_NOTES, NEGOTIATION_MODELS
from mlf.report._ratification import ratification_view

SECTION_IDS = (
    "overview",
    "comparison",
    "alternatives",
    "british-question",
    "guardrails",
    "below-threshold",
    "sources",
    "inputs",
    "models",
)

OPTIONAL_SECTION_IDS = ("model-comparison", "sensitivity", "counterfactual", "what-changed")
"""Sections only some results have: the model comparison (a run of several models), the
sensitivity sweep, the counterfactual banner (a run of a changed scenario) and what changed
against another result (``mlf report --compare``)."""

CONFIDENCE_NOTE = (
    "Confidence codes run from A (strongest: a primary document read in full) to D (weakest: "
    "a weak source or the modeller's own estimate)."
)


class _Charts:
    """Collects the figures of one report under unique element ids."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.taken: set[str] = set()
        self.count = 0

    def make(self, name: str, label: str, build: Any, *args: Any) -> dict[str, Any] | None:
        if not self.enabled:
            return None
        fig = build(*args)
        if fig is None:
            return None
        self.count += 1
        return {
            "id": "chart-" + slug(name, self.taken),
            "label": label,
            "figure": fig,
            "height": int(fig.get("layout", {}).get("height", 320)),
        }


def _guardrails(alt: Mapping[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key, g in as_dict(alt.get("guardrails")).items():
        g = as_dict(g)
        ok = bool(g.get("ok", True))
        detail = text(g.get("detail") or g.get("reason") or "")
        state = "ok" if ok else "flag"
        if key == "genuinely_european":
            required = bool(g.get("required"))
            if not ok and not required:
                state = "info"
            detail = (
                f"{'European' if ok else 'not European'}: {detail}"
                f" ({'required' if required else 'not required'} by this alternative)"
            )
        if key == "fallback" and g.get("outcome"):
            detail = f"outcome: {text(g.get('outcome'))}; {detail}"
        rows: list[dict[str, str]] = []
        for actor, pay in as_dict(g.get("side_payments_that_would_buy_entry")).items():
            pay = as_dict(pay)
            rows.append(
                {
                    "actor": str(actor),
                    "gap": num(pay.get("utility_gap")),
                    "payment": money(pay.get("annual_payment"), text(pay.get("currency"))),
                }
            )
        out.append(
            {
                "key": str(key),
                "label": GUARDRAIL_LABELS.get(str(key), str(key).replace("_", " ")),
                "short": GUARDRAIL_SHORT.get(str(key), str(key).replace("_", " ")),
                "state": state,
                "detail": detail,
                "side_payments": rows,
            }
        )
    return out


def _terms(alt: Mapping[str, Any], links: InputLinks) -> list[dict[str, Any]]:
    aid = text(alt.get("id"))
    return [
        {
            "id": str(iid),
            "title": text(as_dict(v).get("title") or iid),
            "label": text(as_dict(v).get("label")),
            "source": text(as_dict(v).get("source")),
            "link": links(f"alternatives.{aid}.fixed.{iid}")
            if as_dict(v).get("source") == "fixed"
            else None,
        }
        for iid, v in as_dict(alt.get("agreed")).items()
    ]


def _decisions(part: Mapping[str, Any], key: str = "decisions") -> list[dict[str, Any]]:
    raw = part.get(key)
    items = list(raw.values()) if isinstance(raw, Mapping) else as_list(raw)
    return [as_dict(d) for d in items if isinstance(d, Mapping)]


def _pressure_text(d: Mapping[str, Any]) -> str:
    """The explicit pressure terms on one decision, in one line ("" if none)."""
    bits = []
    for p in as_list(d.get("pressure")):
        p = as_dict(p)
        src = ", ".join(text(x) for x in as_list(p.get("sources")))
        bits.append(
            f"pressure by {text(p.get('by'))}: {as_float(p.get('outside_option')) or 0.0:+.3f} "
            f"on the outside option{f' ({src})' if src else ''}"
        )
    return "; ".join(bits)


def _table(
    alt: Mapping[str, Any], names: Mapping[str, str], links: InputLinks
) -> dict[str, Any] | None:
    aid = text(alt.get("id"))
    tb = alt.get("table")
    if not isinstance(tb, Mapping):
        return None
    rows = []
    for d in _decisions(tb):
        t = as_dict(d.get("terms"))
        actor = text(d.get("actor"))
        rows.append(
            {
                "actor": actor,
                "name": names.get(actor, actor),
                "comes": bool(d.get("comes")),
                "utility": num(t.get("utility")) if t else "–",
                "outside": num(d.get("outside_option")),
                "outside_link": links(f"actors.{actor}.outside_option.{aid}"),
                "reason": text(d.get("reason")),
                "pressure": _pressure_text(d),
            }
        )
    return {
        "rule": text(tb.get("rule")),
        "rows": rows,
        "stayed_away": [str(a) for a in as_list(tb.get("stayed_away"))],
    }


def _negotiation(
    alt: Mapping[str, Any],
    names: Mapping[str, str],
    colours: Mapping[str, str],
    ch: _Charts,
    anchor: str,
) -> dict[str, Any] | None:
    neg = alt.get("negotiation")
    if not isinstance(neg, Mapping):
        return None
    actors = [str(a) for a in as_list(neg.get("actors"))]
    issues = []
    for iid, iss in as_dict(neg.get("issues")).items():
        iss = as_dict(iss)
        rounds = [[as_float(v) for v in as_list(r)] for r in as_list(iss.get("rounds"))]
        outcome = [as_float(v) for v in as_list(iss.get("outcome_by_round"))]
        options = [text(o) for o in as_list(iss.get("options"))] or None
        unit = "" if options else text(iss.get("unit"))
        title = text(iss.get("title") or iid)
        agreed = as_dict(as_dict(alt.get("agreed")).get(iid))
        forecast = as_float(iss.get("forecast"))
        chart = None
        static = len(rounds) <= 1
        if rounds and actors and static:  # one step: a strip of positions, never a flat line
            chart = ch.make(
                f"{anchor}-strip-{iid}",
                f"Strip chart: each actor's position on '{title}' and the forecast "
                "(a static model: no rounds)",
                charts.strip_chart,
                actors,
                names,
                colours,
                rounds[0],
                forecast,
                options,
                unit,
            )
        elif rounds and actors:
            chart = ch.make(
                f"{anchor}-traj-{iid}",
                f"Line chart: each actor's position on '{title}' by round, and the forecast",
                charts.trajectory_chart,
                actors,
                names,
                colours,
                rounds,
                outcome,
                options,
                unit,
            )
        issues.append(
            {
                "id": str(iid),
                "title": title,
                "forecast": num(forecast, 4) + (f" {unit}" if unit else ""),
                "settled": text(agreed.get("label")),
                "options": options or [],
                "chart": chart,
                "rounds": len(rounds),
                "static": static,
            }
        )
    return {
        "static": all(i["static"] for i in issues) if issues else False,
        "model": text(neg.get("model")),
        "converged": neg.get("converged"),
        "rounds": neg.get("rounds"),
        "stop_reason": text(neg.get("stop_reason")),
        "actors": actors,
        "issues": issues,
    }


def _participation(
    alt: Mapping[str, Any], names: Mapping[str, str], ch: _Charts, anchor: str, links: InputLinks
) -> dict[str, Any] | None:
    aid = text(alt.get("id"))
    part = alt.get("participation")
    if not isinstance(part, Mapping):
        return None
    rows = []
    decisions = _decisions(part)
    # When nobody joins, the decisions at the end say only "too few members"; the decisions
    # when all the invited join (where the talks start) show who left first and why.
    at_start = not any(d.get("join") for d in decisions) and bool(
        _decisions(part, "decisions_if_all_join")
    )
    if at_start:
        decisions = _decisions(part, "decisions_if_all_join")
    for d in decisions:
        t = as_dict(d.get("terms"))
        w = as_dict(t.get("weights"))
        actor = text(d.get("actor"))
        rows.append(
            {
                "actor": actor,
                "name": names.get(actor, actor),
                "join": bool(d.get("join")),
                "policy": f"{num(w.get('policy'), 2)} × {num(t.get('policy'))}",
                "voice": f"{num(w.get('voice'), 2)} × {num(t.get('voice'))}",
                "cost": f"{num(w.get('cost'), 2)} × {pct(t.get('cost'), 2)}",
                "weights": [
                    (
                        num(w.get(k), 2),
                        links(f"actors.{actor}.weights.{k}"),
                        num(t.get(k)) if k != "cost" else pct(t.get(k), 2),
                    )
                    for k in ("policy", "voice", "cost")
                ],
                "outside_link": links(f"actors.{actor}.outside_option.{aid}"),
                "utility": num(t.get("utility")) if t.get("feasible", True) else "infeasible",
                "outside": num(d.get("outside_option")),
                "margin": as_float(d.get("margin")),
                "margin_text": "–"
                if as_float(d.get("margin")) is None
                else f"{as_float(d.get('margin')):+.3f}",
                "reason": text(d.get("reason")),
                "flip": text(d.get("flip")),
                "pressure": _pressure_text(d),
            }
        )
    dyn = as_dict(part.get("dynamics"))
    eq = part.get("equilibria")
    chart = (
        ch.make(
            f"{anchor}-margins",
            "Bar chart: each invited nation's margin of joining "
            "(utility inside minus outside option)",
            charts.margin_chart,
            rows,
        )
        if any(r["margin"] is not None for r in rows)
        else None
    )
    return {
        "rows": rows,
        "at_start": at_start,
        "chart": chart,
        "stable": dyn.get("stable"),
        "cycle": dyn.get("cycle"),
        "cycle_sets": [
            "{" + ", ".join(str(m) for m in as_list(c)) + "}"
            for c in as_list(dyn.get("cycle_sets"))
        ],
        "steps": dyn.get("steps"),
        "path": [
            ", ".join(str(m) for m in as_list(p)) or "(nobody)" for p in as_list(dyn.get("path"))
        ],
        "equilibria": None
        if eq is None
        else [", ".join(str(m) for m in as_list(e)) or "(nobody joins)" for e in as_list(eq)],
    }


def _power(
    alt: Mapping[str, Any], arr: Mapping[str, Any], ch: _Charts, anchor: str
) -> dict[str, Any] | None:
    pw = alt.get("power")
    if not isinstance(pw, Mapping):
        return None
    players = [str(p) for p in as_list(pw.get("players"))]
    indices = {
        str(k): {str(p): as_float(v) for p, v in as_dict(vals).items()}
        for k, vals in as_dict(pw.get("indices")).items()
    }
    veto = [str(p) for p in as_list(pw.get("veto_players"))]
    dummies = [str(p) for p in as_list(pw.get("dummies"))]
    order = [k for k in INDEX_LABELS if k in indices] + [
        k for k in indices if k not in INDEX_LABELS
    ]
    table = [
        {
            "player": p,
            "veto": p in veto,
            "dummy": p in dummies,
            "values": [num(indices[k].get(p)) for k in order],
        }
        for p in players
    ]
    plotted = {k: {p: v for p, v in indices[k].items() if v is not None} for k in order}
    chart = (
        ch.make(
            f"{anchor}-power",
            "Bar chart: power indices of each member under the control rule; veto players marked",
            charts.power_chart,
            players,
            plotted,
            veto,
        )
        if players and any(k in indices for k in NORMALISED_INDICES)
        else None
    )
    eu = alt.get("european")
    return {
        "rule_text": text(arr.get("rule_text")) or "–",
        "method": text(pw.get("method")),
        "columns": [INDEX_LABELS.get(k, k) for k in order],
        "table": table,
        "veto": ", ".join(veto) or "none",
        "dummies": ", ".join(dummies) or "none",
        "winning": pw.get("winning_coalitions"),
        "coleman_act": num(pw.get("coleman_act")),
        "chart": chart,
        "european": None
        if not isinstance(eu, Mapping)
        else {
            "ok": bool(eu.get("ok")),
            "reason": text(eu.get("reason")),
            "required": bool(eu.get("required")),
        },
    }


def _cost(
    arr: Mapping[str, Any], colours: Mapping[str, str], ch: _Charts, anchor: str
) -> dict[str, Any] | None:
    cost = arr.get("cost")
    if not isinstance(cost, Mapping) or not arr.get("feasible", True):
        return None
    cur = text(cost.get("currency"))
    split = as_dict(cost.get("split"))
    payments = {str(k): as_float(v) or 0.0 for k, v in as_dict(cost.get("payments")).items()}
    budget = {str(k): as_float(v) or 0.0 for k, v in as_dict(cost.get("budget_share")).items()}
    shares = as_dict(split.get("shares"))
    capped = [str(c) for c in as_list(split.get("capped"))]
    members = list(payments) or [str(m) for m in as_list(arr.get("members"))]
    kind_units = {str(k): as_float(v) for k, v in as_dict(arr.get("in_kind")).items()}
    kind_value = cost.get("in_kind_value")
    rows = [
        {
            "member": m,
            "share": pct(shares.get(m)) if m in shares else "–",
            "payment": money(payments.get(m), cur),
            "budget": pct(budget.get(m), 2),
            "capped": m in capped,
            "in_kind": "–"
            if m not in kind_units
            else f"{num(kind_units[m])} units"
            + (
                f" = {money(as_dict(kind_value).get(m), cur)}"
                if isinstance(kind_value, Mapping)
                else " (not valued)"
            ),
        }
        for m in members
    ]
    annual = as_float(cost.get("annual"))
    kind_note = text(cost.get("in_kind_note"))
    chart = (
        ch.make(
            f"{anchor}-cost",
            "Bar chart: each member's annual payment, "
            "labelled with its share of its defence budget",
            charts.cost_chart,
            members,
            payments,
            budget,
            cur,
            colours,
        )
        if members and annual
        else None
    )
    return {
        "annual": money(annual, cur),
        "term": num(cost.get("term_years")),
        "rule": text(split.get("rule")) or "–",
        "in_core": split.get("in_core"),
        "notes": [text(n) for n in as_list(split.get("notes"))]
        + ([kind_note] if kind_note else []),
        "rows": rows,
        "chart": chart,
        "currency": cur,
        "has_in_kind": bool(kind_units),
    }


def _manning(alt: Mapping[str, Any]) -> dict[str, Any]:
    man = alt.get("manning")
    if not isinstance(man, Mapping):
        return {"kind": "none", "reason": "no manning plan: no agreement was reached"}
    reason = text(man.get("reason"))
    if man.get("mixed") is False:
        return {"kind": "national", "reason": reason or "national crews (no mixed manning)"}
    if man.get("status") == "not analysed":
        return {"kind": "not analysed", "reason": reason or "manning not analysed"}
    if not man.get("feasible", False):
        return {"kind": "infeasible", "reason": reason or "no plan meets the manning rules"}
    nations = [str(n) for n in as_list(man.get("nations"))]
    if not nations or not (as_list(man.get("patterns")) or as_list(man.get("ships"))):
        return {"kind": "note", "reason": reason or "no ships to crew"}
    patterns: list[dict[str, Any]] = []
    for p in as_list(man.get("patterns")):
        crew = as_dict(as_dict(p).get("crew"))
        patterns.append({"ships": as_float(as_dict(p).get("ships")) or 0, "crew": crew})
    if not patterns:
        patterns = [{"ships": 1, "crew": as_dict(s)} for s in as_list(man.get("ships"))]
    for p in patterns:
        counts = [as_float(p["crew"].get(n)) or 0.0 for n in nations]
        p["crew"] = [num(c) for c in counts]
        p["total"] = num(sum(counts))
        p["ships"] = num(p["ships"])
    totals = as_dict(man.get("totals"))
    shares = as_dict(man.get("shares"))
    targets = as_dict(man.get("targets"))
    return {
        "kind": "plan",
        "reason": reason,
        "nations": nations,
        "patterns": patterns,
        "ships": num(
            sum(as_float(as_dict(p).get("ships")) or 0 for p in as_list(man.get("patterns")))
            or len(as_list(man.get("ships")))
        ),
        "totals": [num(totals.get(n), 6) for n in nations],
        "grand_total": num(sum(as_float(v) or 0.0 for v in totals.values()), 6),
        "shares": [pct(shares.get(n)) for n in nations],
        "targets": [pct(targets.get(n)) for n in nations] if targets else [],
        "deviation": num(man.get("deviation")),
        "status": text(man.get("status")),
    }


def _manning_summary(m: Mapping[str, Any]) -> str:
    kind = m["kind"]
    if kind == "national":
        return "national crews"
    if kind == "plan":
        return f"feasible: {m['ships']} mixed-manned ships"
    if kind == "infeasible":
        return f"infeasible: {m['reason']}"
    if kind in ("note", "not analysed"):
        return str(m["reason"])
    return "–"


def _alternative(
    alt: Mapping[str, Any],
    names: Mapping[str, str],
    colours: Mapping[str, str],
    ch: _Charts,
    taken: set[str],
    links: InputLinks,
) -> dict[str, Any]:
    aid = text(alt.get("id")) or "alternative"
    anchor = "alt-" + slug(aid, taken)
    arr = as_dict(alt.get("arrangement"))
    status = text(alt.get("status")) or "unknown"
    members = [str(m) for m in as_list(alt.get("members"))]
    part = as_dict(alt.get("participation"))
    invited = [text(d.get("actor")) for d in _decisions(part)] if part else []
    rounds = []
    for k, r in enumerate(as_list(alt.get("rounds"))):
        r = as_dict(r)
        rounds.append(
            {
                "n": k + 1,
                "participants": ", ".join(str(p) for p in as_list(r.get("participants"))),
                "members": ", ".join(str(p) for p in as_list(r.get("members"))) or "(nobody)",
                "agreed": "; ".join(
                    f"{iid}: {text(as_dict(v).get('label'))}"
                    for iid, v in as_dict(r.get("agreed")).items()
                ),
            }
        )
    manning = _manning(alt)
    force = None
    if arr:
        kind = {str(k): as_float(v) or 0.0 for k, v in as_dict(arr.get("in_kind")).items()}
        force = {
            "units": num(arr.get("units")),
            "in_kind": ", ".join(f"{names.get(k, k)} ({k}) {num(v)}" for k, v in kind.items())
            or "none",
        }
    power = _power(alt, arr, ch, anchor)
    cost = _cost(arr, colours, ch, anchor)
    return {
        "id": aid,
        "anchor": anchor,
        "title": text(alt.get("title")) or aid,
        "status": status,
        "status_class": STATUS_CLASS.get(status, "unknown"),
        "detail": text(alt.get("detail")),
        "support": pct(alt.get("support")),
        "support_value": as_float(alt.get("support")),
        "fixed_point": text(alt.get("fixed_point")),
        "notes": [text(n) for n in as_list(alt.get("notes"))],
        "members": members,
        "members_text": ", ".join(f"{names.get(m, m)} ({m})" for m in members) or "none",
        "invited": invited,
        "terms": _terms(alt, links),
        "talks_rounds": rounds,
        "negotiation": _negotiation(alt, names, colours, ch, anchor),
        "participation": _participation(alt, names, ch, anchor, links),
        "power": power,
        "rule_text": text(arr.get("rule_text")) or "–",
        "veto": power["veto"] if power else "–",
        "arrangement_reason": text(arr.get("reason")),
        "cost": cost,
        "annual_cost": cost["annual"] if cost and arr.get("feasible", True) else "–",
        "manning": manning,
        "manning_summary": _manning_summary(manning),
        "guardrails": _guardrails(alt),
        "analysed": status != "not analysed",
        "table": _table(alt, names, links),
        "force": force,
        "mechanics": [text(m) for m in as_list(alt.get("mechanics"))],
        "ratification": ratification_view(alt, names),
    }


def _british(bq: Any, titles: Mapping[str, str]) -> dict[str, Any] | None:
    if not isinstance(bq, Mapping):
        return None
    entries = []
    for aid, e in as_dict(bq.get("alternatives")).items():
        e = as_dict(e)
        steps = [
            {
                "broadening": text(s.get("broadening") or s.get("label") or s.get("option")),
                "joins": bool(s.get("joins")),
                "margin": "–"
                if as_float(s.get("margin")) is None
                else f"{as_float(s.get('margin')):+.3f}",
                "members": ", ".join(str(m) for m in as_list(s.get("members"))) or "(nobody)",
                "status": text(s.get("status")),
            }
            for s in (as_dict(x) for x in as_list(e.get("steps")))
        ]
        entries.append(
            {
                "id": str(aid),
                "title": titles.get(str(aid), str(aid)),
                "answer": text(e.get("answer")),
                "broadening": text(e.get("broadening")) or None,
                "steps": steps,
            }
        )
    return {
        "actor": text(bq.get("actor")),
        "name": text(bq.get("name") or bq.get("actor")),
        "issue": text(bq.get("issue")),
        "summary": text(bq.get("summary")),
        "entries": entries,
    }


def _sensitivity(sens: Any, titles: Mapping[str, str], ch: _Charts) -> dict[str, Any] | None:
    if not isinstance(sens, Mapping):
        return None
    alts = []
    for aid, s in as_dict(sens.get("alternatives")).items():
        s = as_dict(s)
        anchor = "sens-" + str(aid)
        hists = []
        for name, h in as_dict(s.get("histograms")).items():
            c = ch.make(
                f"{anchor}-hist-{name}",
                f"Histogram of {name} over the draws",
                charts.histogram_chart,
                str(name),
                h,
            )
            if c is not None:
                hists.append({"name": str(name), "chart": c})
        tornado_rows: list[tuple[str, float]] = []
        for t in as_list(s.get("tornado")):
            t = as_dict(t)
            eff = as_float(t.get("effect"))
            if eff is not None:
                tornado_rows.append((text(t.get("input")), eff))
        tornado = (
            ch.make(
                f"{anchor}-tornado",
                "Tornado chart: effect of each uncertain input",
                charts.tornado_chart,
                tornado_rows,
            )
            if tornado_rows
            else None
        )
        quant = []
        for issue, q in as_dict(s.get("forecast_quantiles")).items():
            q = as_dict(q)
            quant.append(
                {
                    "issue": str(issue),
                    "q05": num(q.get("q05"), 4),
                    "q50": num(q.get("q50"), 4),
                    "q95": num(q.get("q95"), 4),
                }
            )
        alts.append(
            {
                "id": str(aid),
                "title": titles.get(str(aid), str(aid)),
                "p_agreement": pct(s.get("p_agreement")),
                "p_signed": pct(s.get("p_signed")),
                "p_ratified": pct(s.get("p_ratified")),
                "p_ratified_interval": " to ".join(
                    pct(x) for x in as_list(s.get("p_ratified_interval"))
                )
                or "–",
                "p_join": [(str(a), pct(p)) for a, p in as_dict(s.get("p_join")).items()],
                "quantiles": quant,
                "histograms": hists,
                "tornado": tornado,
            }
        )
    by_model = []
    weights = as_dict(sens.get("models"))
    for m, part in as_dict(sens.get("by_model")).items():
        part = as_dict(part)
        palts = as_dict(part.get("alternatives"))
        by_model.append(
            {
                "model": str(m),
                "weight": num(weights.get(m)),
                "draws": text(part.get("draws")),
                "cells": [pct(as_dict(palts.get(str(a["id"]))).get("p_agreement")) for a in alts],
            }
        )
    return {"draws": sens.get("draws"), "alternatives": alts, "by_model": by_model}


def _sources(result: Mapping[str, Any], anchors: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for s in as_list(result.get("sources")):
        s = as_dict(s)
        url = text(s.get("url"))
        out.append(
            {
                "anchor": anchors.get(text(s.get("key"))),
                "key": text(s.get("key")),
                "title": text(s.get("title")),
                "date": text(s.get("date")) or "–",
                "confidence": text(s.get("confidence")) or "–",
                "url": url if url.startswith(("https://", "http://")) else None,
                "url_text": url,
                "note": text(s.get("note")),
            }
        )
    return out


def build_view(result: Mapping[str, Any], *, with_charts: bool = True) -> dict[str, Any]:
    """Everything the templates print, from a result dict (see :mod:`mlf.talks`)."""
    man = as_dict(result.get("manifest"))
    sc = as_dict(result.get("scenario"))
    actors_info = as_dict(sc.get("actors"))
    names = {str(k): text(as_dict(v).get("name")) or str(k) for k, v in actors_info.items()}
    ch = _Charts(with_charts)
    taken: set[str] = {*SECTION_IDS, *OPTIONAL_SECTION_IDS}
    raw_alts = [as_dict(a) for a in as_list(result.get("alternatives"))]
    order = list(actors_info)
    for a in raw_alts:  # actors in a result without a scenario block still get colours
        for m in as_list(a.get("members")):
            if str(m) not in order:
                order.append(str(m))
    colours = charts.actor_colours(order)
    links = InputLinks(result)
    alts = [_alternative(a, names, colours, ch, taken, links) for a in raw_alts]
    threshold = as_float(man.get("support_threshold"))
    below = [
        {
            "id": text(b.get("id")),
            "title": text(b.get("title")) or text(b.get("id")),
            "support": pct(b.get("support")),
            "support_value": as_float(b.get("support")),
        }
        for b in (as_dict(x) for x in as_list(result.get("below_threshold")))
    ]
    support_rows = [
        {"title": a["title"], "support": a["support_value"] or 0.0, "status": a["status"]}
        for a in alts
    ] + [
        {"title": b["title"], "support": b["support_value"] or 0.0, "status": "below threshold"}
        for b in below
    ]
    comparison_charts = []
    if support_rows:
        c = ch.make(
            "support",
            "Bar chart: capability-weighted support of every alternative, "
            "coloured by outcome, with the support threshold",
            charts.support_chart,
            support_rows,
            threshold,
        )
        if c:
            comparison_charts.append(c)
    involved = [a for a in order if any(a in x["invited"] or a in x["members"] for x in alts)]
    if involved and alts:
        c = ch.make(
            "membership",
            "Heatmap: which nation joins which alternative",
            charts.membership_chart,
            involved,
            names,
            alts,
        )
        if c:
            comparison_charts.append(c)
    titles = {a["id"]: a["title"] for a in alts}
    titles.update({b["id"]: b["title"] for b in below})
    manifest = [
        ("mlf version", text(man.get("mlf_version")) or "–"),
        ("scenario", text(man.get("scenario_id") or sc.get("id")) or "–"),
        ("scenario SHA-256", text(man.get("scenario_sha256")) or "–"),
        ("scenario file", text(man.get("scenario_path")) or "built-in"),
        ("negotiation model", text(man.get("model")) or "–"),
        (
            "model parameters",
            ", ".join(f"{k}={v}" for k, v in as_dict(man.get("model_params")).items())
            or "defaults",
        ),
        ("seed", text(man.get("seed")) or "–"),
        *(
            [("models compared", ", ".join(str(m) for m in as_list(man.get("models"))))]
            if len(as_list(man.get("models"))) > 1
            else []
        ),
        ("support threshold", pct(threshold)),
        ("power index for voice", text(man.get("power_index")) or "–"),
    ]
    cf = counterfactual_view(man)
    if cf is not None:
        manifest.append(("scenario SHA-256 before the changes", cf["base_sha256"]))
    for layer in (as_dict(x) for x in as_list(man.get("scenario_layers"))):
        shown = f"{text(layer.get('file'))} ({text(layer.get('sha256'))})"
        manifest.append(("extends: file", shown))
    guard_cols: list[str] = []
    for a in alts:
        for g in a["guardrails"]:
            if g["key"] not in guard_cols:
                guard_cols.append(g["key"])
    matrix = [
        {
            "title": a["title"],
            "anchor": a["anchor"],
            "cells": [
                next((g for g in a["guardrails"] if g["key"] == k), None) for k in guard_cols
            ],
        }
        for a in alts
    ]
    model = text(man.get("model"))
    notes = [
        {
            "key": n.key,
            "title": n.title,
            "text": n.text,
            "citations": list(n.citations),
            "used": n.key == model or n.key not in NEGOTIATION_MODELS,
        }
        for n in MODEL_NOTES
    ]
    mechanics = [
        {"title": a["title"], "anchor": a["anchor"], "notes": a["mechanics"]}
        for a in alts
        if a["mechanics"]
    ]
    sensitivity = _sensitivity(result.get("sensitivity"), titles, ch)
    models = models_view(result, {a["id"]: a["anchor"] for a in alts}, names, ch)
    src_anchors = source_anchors(result)
    nav = [("overview", "Overview"), ("comparison", "Comparison")]
    if models is not None:
        nav.append(("model-comparison", "Models side by side"))
    nav += [(a["anchor"], a["title"]) for a in alts]
    nav += [
        ("british-question", "The British question"),
        ("guardrails", "Guardrails"),
        ("below-threshold", "Below the threshold"),
    ]
    if sensitivity is not None:
        nav.append(("sensitivity", "Sensitivity"))
    nav += [("sources", "Sources"), ("inputs", "Inputs"), ("models", "How to read this")]
    return {
        "title": text(sc.get("title")) or text(man.get("scenario_id")) or "mlf report",
        "date": text(sc.get("date")) or "–",
        "description": text(sc.get("description")),
        "mlf_version": text(man.get("mlf_version")),
        "manifest": manifest,
        "counterfactual": cf,
        "compare": None,  # mlf report --compare: mlf.report._compare.add_compare
        "warnings": [text(w) for w in as_list(sc.get("warnings"))],
        "threshold": pct(threshold),
        "model": model,
        "alternatives": alts,
        "comparison_charts": comparison_charts,
        "below": below,
        "british": _british(result.get("british_question"), titles),
        "guard_cols": [GUARDRAIL_LABELS.get(k, k.replace("_", " ")) for k in guard_cols],
        "guard_matrix": matrix,
        "sensitivity": sensitivity,
        "sources": _sources(result, src_anchors),
        "inputs": inputs_view(result, src_anchors),
        "model_comparison": models,
        "manifest_links": {
            k: a
            for k, a in (("support threshold", links("settings.support_threshold")),)
            if a is not None
        },
        "confidence_note": CONFIDENCE_NOTE,
        "model_notes": notes,
        "mechanics": mechanics,
        "names": names,
        "nav": nav,
        "chart_count": ch.count,
    }
