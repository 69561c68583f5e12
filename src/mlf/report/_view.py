"""The typed result turned into a view: plain, pre-formatted values the templates only print.

The view reads the validated result (:class:`mlf.results.ResultFile`, or
:class:`~mlf.results.ResultFileV1` for a result of format ``mlf-result/1``) by attribute, so a
field renamed or removed in :mod:`mlf.results` is a type error under ``mypy --strict`` here,
not a ``KeyError`` at run time. A result dict passed in is validated first
(:func:`mlf.report._load.typed_result`): a missing, misspelt or mistyped field is refused in
one line naming the field.

What may be absent is what the models say may be absent (an alternative "not analysed" has no
negotiation, participation, power or arrangement; a result may lack the British question or a
sweep): each is a ``None`` handled here, so the templates can use a strict undefined and stay
simple. A sweep's summary (``sensitivity``, :class:`mlf.results.SweepSummary`) is read by
attribute like the rest.
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
    as_float,
    money,
    num,
    pct,
    slug,
    text,
)
from mlf.report._fragile import fragile_view
from mlf.report._inputs import InputLinks, inputs_view, source_anchors
from mlf.report._intervals import interval_text, varied_view
from mlf.report._load import ResultDoc, typed_result
from mlf.report._models import models_view
from mlf.report._notes import MODEL_NOTES, NEGOTIATION_MODELS
from mlf.report._ratification import ratification_view
from mlf.results import (
    Alternative,
    Arrangement,
    BritishQuestion,
    Decision,
    Guardrails,
    Participation,
    Pressure,
    ResultFile,
    SidePayment,
    SweepSummaryV1,
    TableDecision,
)

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


def _guardrail(
    key: str,
    ok: bool,
    detail: str,
    state: str | None = None,
    side_payments: Mapping[str, SidePayment] | None = None,
) -> dict[str, Any]:
    """One guardrail's row: ``state`` is ok / flag (or info, for a test not required)."""
    rows = [
        {
            "actor": str(actor),
            "gap": num(pay.utility_gap),
            "payment": money(pay.annual_payment, text(pay.currency)),
        }
        for actor, pay in (side_payments or {}).items()
    ]
    return {
        "key": key,
        "label": GUARDRAIL_LABELS.get(key, key.replace("_", " ")),
        "short": GUARDRAIL_SHORT.get(key, key.replace("_", " ")),
        "state": state or ("ok" if ok else "flag"),
        "detail": detail,
        "side_payments": rows,
    }


def _guardrails(g: Guardrails) -> list[dict[str, Any]]:
    """The guardrail checks the alternative has, in the order :mod:`mlf.talks` runs them."""
    out: list[dict[str, Any]] = []
    if g.no_selling is not None:
        ns = g.no_selling
        out.append(
            _guardrail(
                "no_selling",
                ns.ok,
                text(ns.detail),
                side_payments=ns.side_payments_that_would_buy_entry,
            )
        )
    if g.fallback is not None:
        fb = g.fallback
        out.append(
            _guardrail("fallback", fb.ok, f"outcome: {text(fb.outcome)}; {text(fb.detail)}")
        )
    if g.genuinely_european is not None:
        eu = g.genuinely_european
        detail = (
            f"{'European' if eu.ok else 'not European'}: {text(eu.reason)}"
            f" ({'required' if eu.required else 'not required'} by this alternative)"
        )
        state = "info" if not eu.ok and not eu.required else None
        out.append(_guardrail("genuinely_european", eu.ok, detail, state))
    if g.fixed_point is not None:
        out.append(_guardrail("fixed_point", g.fixed_point.ok, text(g.fixed_point.detail)))
    return out


def _terms(alt: Alternative, links: InputLinks) -> list[dict[str, Any]]:
    aid = text(alt.id)
    return [
        {
            "id": str(iid),
            "title": text(v.title or iid),
            "label": text(v.label),
            "source": text(v.source),
            "link": links(f"alternatives.{aid}.fixed.{iid}") if v.source == "fixed" else None,
        }
        for iid, v in alt.agreed.items()
    ]


def _pressure_text(pressure: list[Pressure] | None) -> str:
    """The explicit pressure terms on one decision, in one line ("" if none)."""
    bits = []
    for p in pressure or []:
        src = ", ".join(text(x) for x in p.sources)
        bits.append(
            f"pressure by {text(p.by)}: {as_float(p.outside_option) or 0.0:+.3f} "
            f"on the outside option{f' ({src})' if src else ''}"
        )
    return "; ".join(bits)


def _table(alt: Alternative, names: Mapping[str, str], links: InputLinks) -> dict[str, Any] | None:
    aid = text(alt.id)
    tb = alt.table
    if tb is None:
        return None
    rows = []
    d: TableDecision
    for d in tb.decisions.values():
        actor = text(d.actor)
        rows.append(
            {
                "actor": actor,
                "name": names.get(actor, actor),
                "comes": d.comes,
                "utility": num(d.terms.utility) if d.terms is not None else "–",
                "outside": num(d.outside_option),
                "outside_link": links(f"actors.{actor}.outside_option.{aid}"),
                "reason": text(d.reason),
                "pressure": _pressure_text(d.pressure),
            }
        )
    return {
        "rule": text(tb.rule),
        "rows": rows,
        "stayed_away": [str(a) for a in tb.stayed_away],
    }


def _negotiation(
    alt: Alternative,
    names: Mapping[str, str],
    colours: Mapping[str, str],
    ch: _Charts,
    anchor: str,
) -> dict[str, Any] | None:
    neg = alt.negotiation
    if neg is None:
        return None
    actors = [str(a) for a in neg.actors]
    issues = []
    for iid, iss in neg.issues.items():
        rounds = [[as_float(v) for v in r] for r in iss.rounds]
        outcome = [as_float(v) for v in iss.outcome_by_round]
        options = [text(o) for o in iss.options or []] or None
        unit = "" if options else text(iss.unit)
        title = text(iss.title or iid)
        agreed = alt.agreed.get(iid)
        forecast = as_float(iss.forecast)
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
                "settled": text(agreed.label) if agreed is not None else "",
                "options": options or [],
                "chart": chart,
                "rounds": len(rounds),
                "static": static,
            }
        )
    return {
        "static": all(i["static"] for i in issues) if issues else False,
        "model": text(neg.model),
        "converged": neg.converged,
        "rounds": neg.rounds,
        "stop_reason": text(neg.stop_reason),
        "actors": actors,
        "issues": issues,
    }


def _decision_row(
    d: Decision, aid: str, names: Mapping[str, str], links: InputLinks
) -> dict[str, Any]:
    """One invited nation's row of the participation table: its utility terms and margin."""
    t = d.terms
    w = t.weights
    actor = text(d.actor)
    margin = as_float(d.margin)
    return {
        "actor": actor,
        "name": names.get(actor, actor),
        "join": d.join,
        "policy": f"{num(w.policy, 2)} × {num(t.policy)}",
        "voice": f"{num(w.voice, 2)} × {num(t.voice)}",
        "cost": f"{num(w.cost, 2)} × {pct(t.cost, 2)}",
        "weights": [
            (num(w.policy, 2), links(f"actors.{actor}.weights.policy"), num(t.policy)),
            (num(w.voice, 2), links(f"actors.{actor}.weights.voice"), num(t.voice)),
            (num(w.cost, 2), links(f"actors.{actor}.weights.cost"), pct(t.cost, 2)),
        ],
        "outside_link": links(f"actors.{actor}.outside_option.{aid}"),
        "utility": num(t.utility) if t.feasible else "infeasible",
        "outside": num(d.outside_option),
        "margin": margin,
        "margin_text": "–" if margin is None else f"{margin:+.3f}",
        "reason": text(d.reason),
        "flip": text(d.flip),
        "pressure": _pressure_text(d.pressure),
    }


def _participation(
    alt: Alternative, names: Mapping[str, str], ch: _Charts, anchor: str, links: InputLinks
) -> dict[str, Any] | None:
    aid = text(alt.id)
    part: Participation | None = alt.participation
    if part is None:
        return None
    decisions = list(part.decisions.values())
    # When nobody joins, the decisions at the end say only "too few members"; the decisions
    # when all the invited join (where the talks start) show who left first and why.
    at_start = not any(d.join for d in decisions) and bool(part.decisions_if_all_join)
    if at_start:
        decisions = list(part.decisions_if_all_join.values())
    rows = [_decision_row(d, aid, names, links) for d in decisions]
    dyn = part.dynamics
    eq = part.equilibria
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
        "stable": dyn.stable,
        "cycle": dyn.cycle,
        "cycle_sets": ["{" + ", ".join(str(m) for m in c) + "}" for c in dyn.cycle_sets],
        "steps": dyn.steps,
        "path": [", ".join(str(m) for m in p) or "(nobody)" for p in dyn.path],
        "equilibria": None
        if eq is None
        else [", ".join(str(m) for m in e) or "(nobody joins)" for e in eq],
    }


def _power(
    alt: Alternative, arr: Arrangement | None, ch: _Charts, anchor: str
) -> dict[str, Any] | None:
    pw = alt.power
    if pw is None:
        return None
    players = [str(p) for p in pw.players]
    indices = {
        str(k): {str(p): as_float(v) for p, v in vals.items()} for k, vals in pw.indices.items()
    }
    veto = [str(p) for p in pw.veto_players]
    dummies = [str(p) for p in pw.dummies]
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
    eu = alt.european
    return {
        "rule_text": text(arr.rule_text if arr is not None else None) or "–",
        "method": text(pw.method),
        "columns": [INDEX_LABELS.get(k, k) for k in order],
        "table": table,
        "veto": ", ".join(veto) or "none",
        "dummies": ", ".join(dummies) or "none",
        "winning": pw.winning_coalitions,
        "coleman_act": num(pw.coleman_act),
        "chart": chart,
        "european": None
        if eu is None
        else {"ok": eu.ok, "reason": text(eu.reason), "required": eu.required},
    }


def _cost(
    arr: Arrangement | None, colours: Mapping[str, str], ch: _Charts, anchor: str
) -> dict[str, Any] | None:
    if arr is None or not arr.feasible:
        return None
    cost = arr.cost
    cur = text(cost.currency)
    split = cost.split
    payments = {str(k): as_float(v) or 0.0 for k, v in cost.payments.items()}
    budget = {str(k): as_float(v) or 0.0 for k, v in cost.budget_share.items()}
    shares = split.shares if split is not None else {}
    capped = [str(c) for c in split.capped] if split is not None else []
    members = list(payments) or [str(m) for m in arr.members]
    kind_units = {str(k): as_float(v) for k, v in arr.in_kind.items()}
    kind_value = cost.in_kind_value
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
                f" = {money(kind_value.get(m), cur)}"
                if kind_value is not None
                else " (not valued)"
            ),
        }
        for m in members
    ]
    annual = as_float(cost.annual)
    kind_note = text(cost.in_kind_note)
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
        "term": num(cost.term_years),
        "rule": text(split.rule if split is not None else None) or "–",
        "in_core": split.in_core if split is not None else None,
        "notes": [text(n) for n in (split.notes if split is not None else [])]
        + ([kind_note] if kind_note else []),
        "rows": rows,
        "chart": chart,
        "currency": cur,
        "has_in_kind": bool(kind_units),
    }


def _manning(alt: Alternative) -> dict[str, Any]:
    man = alt.manning
    if man is None:
        return {"kind": "none", "reason": "no manning plan: no agreement was reached"}
    reason = text(man.reason)
    if man.mixed is False:
        return {"kind": "national", "reason": reason or "national crews (no mixed manning)"}
    if man.status == "not analysed":
        return {"kind": "not analysed", "reason": reason or "manning not analysed"}
    if not man.feasible:
        return {"kind": "infeasible", "reason": reason or "no plan meets the manning rules"}
    nations = [str(n) for n in man.nations or []]
    if not nations or not (man.patterns or man.ships):
        return {"kind": "note", "reason": reason or "no ships to crew"}
    patterns: list[dict[str, Any]] = [
        {"ships": as_float(p.ships) or 0, "crew": dict(p.crew)} for p in man.patterns or []
    ]
    if not patterns:
        patterns = [{"ships": 1, "crew": dict(s)} for s in man.ships or []]
    for p in patterns:
        counts = [as_float(p["crew"].get(n)) or 0.0 for n in nations]
        p["crew"] = [num(c) for c in counts]
        p["total"] = num(sum(counts))
        p["ships"] = num(p["ships"])
    totals = man.totals or {}
    shares = man.shares or {}
    targets = man.targets or {}
    return {
        "kind": "plan",
        "reason": reason,
        "nations": nations,
        "patterns": patterns,
        "ships": num(
            sum(as_float(p.ships) or 0 for p in man.patterns or []) or len(man.ships or [])
        ),
        "totals": [num(totals.get(n), 6) for n in nations],
        "grand_total": num(sum(as_float(v) or 0.0 for v in totals.values()), 6),
        "shares": [pct(shares.get(n)) for n in nations],
        "targets": [pct(targets.get(n)) for n in nations] if targets else [],
        "deviation": num(man.deviation),
        "status": text(man.status),
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
    alt: Alternative,
    names: Mapping[str, str],
    colours: Mapping[str, str],
    ch: _Charts,
    taken: set[str],
    links: InputLinks,
) -> dict[str, Any]:
    aid = text(alt.id) or "alternative"
    anchor = "alt-" + slug(aid, taken)
    arr = alt.arrangement
    status = text(alt.status) or "unknown"
    members = [str(m) for m in alt.members]
    part = alt.participation
    invited = [text(d.actor) for d in part.decisions.values()] if part is not None else []
    rounds = [
        {
            "n": k + 1,
            "participants": ", ".join(str(p) for p in r.participants),
            "members": ", ".join(str(p) for p in r.members) or "(nobody)",
            "agreed": "; ".join(f"{iid}: {text(v.label)}" for iid, v in r.agreed.items()),
        }
        for k, r in enumerate(alt.rounds)
    ]
    manning = _manning(alt)
    force = None
    if arr is not None:
        kind = {str(k): as_float(v) or 0.0 for k, v in arr.in_kind.items()}
        force = {
            "units": num(arr.units),
            "in_kind": ", ".join(f"{names.get(k, k)} ({k}) {num(v)}" for k, v in kind.items())
            or "none",
        }
    power = _power(alt, arr, ch, anchor)
    cost = _cost(arr, colours, ch, anchor)
    return {
        "id": aid,
        "anchor": anchor,
        "title": text(alt.title) or aid,
        "status": status,
        "status_class": STATUS_CLASS.get(status, "unknown"),
        "detail": text(alt.detail),
        "support": pct(alt.support),
        "support_value": as_float(alt.support),
        "fixed_point": text(alt.fixed_point),
        "notes": [text(n) for n in alt.notes],
        "members": members,
        "members_text": ", ".join(f"{names.get(m, m)} ({m})" for m in members) or "none",
        "invited": invited,
        "terms": _terms(alt, links),
        "talks_rounds": rounds,
        "negotiation": _negotiation(alt, names, colours, ch, anchor),
        "participation": _participation(alt, names, ch, anchor, links),
        "power": power,
        "rule_text": text(arr.rule_text if arr is not None else None) or "–",
        "veto": power["veto"] if power else "–",
        "arrangement_reason": text(arr.reason if arr is not None else None),
        "cost": cost,
        "annual_cost": cost["annual"] if cost else "–",
        "manning": manning,
        "manning_summary": _manning_summary(manning),
        "guardrails": _guardrails(alt.guardrails),
        "analysed": status != "not analysed",
        "table": _table(alt, names, links),
        "force": force,
        "mechanics": [text(m) for m in alt.mechanics],
        "ratification": ratification_view(alt, names),
    }


def _british(bq: BritishQuestion | None, titles: Mapping[str, str]) -> dict[str, Any] | None:
    if bq is None:
        return None
    entries = []
    for aid, e in bq.alternatives.items():
        steps = [
            {
                "broadening": text(s.label or s.option),
                "joins": s.joins,
                "margin": "–" if as_float(s.margin) is None else f"{as_float(s.margin):+.3f}",
                "members": ", ".join(str(m) for m in s.members) or "(nobody)",
                "status": text(s.status),
            }
            for s in e.steps
        ]
        entries.append(
            {
                "id": str(aid),
                "title": titles.get(str(aid), str(aid)),
                "answer": text(e.answer),
                "broadening": text(e.broadening) or None,
                "steps": steps,
            }
        )
    return {
        "actor": text(bq.actor),
        "name": text(bq.name or bq.actor),
        "issue": text(bq.issue),
        "summary": text(bq.summary),
        "entries": entries,
    }

def _sensitivity(
    sens: SweepSummaryV1 | None, titles: Mapping[str, str], ch: _Charts
) -> dict[str, Any] | None:
    if sens is None:
        return None
    alts = []
    for aid, s in sens.alternatives.items():
        anchor = "sens-" + str(aid)
        hists = []
        for name, h in s.histograms.items():
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
        for t in s.tornado:
            eff = as_float(t.effect)
            if eff is not None:
                tornado_rows.append((text(t.input), eff))
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
        quant = [
            {"issue": str(issue), "q05": num(q.q05, 4), "q50": num(q.q50, 4), "q95": num(q.q95, 4)}
            for issue, q in s.forecast_quantiles.items()
        ]
        join_ci = s.p_join_ci or {}
        alts.append(
            {
                "id": str(aid),
                "title": titles.get(str(aid), str(aid)),
                "p_agreement": pct(s.p_agreement),
                "p_agreement_ci": interval_text(s.p_agreement_ci),
                "p_join": [
                    (str(a), pct(p) + interval_text(join_ci.get(str(a)), " "))
                    for a, p in s.p_join.items()
                ],
                "p_signed": pct(s.p_signed) + interval_text(s.p_signed_ci, " "),
                "p_ratified": pct(s.p_ratified),
                "p_ratified_interval": " to ".join(pct(x) for x in s.p_ratified_interval or ())
                or "–",
                "quantiles": quant,
                "histograms": hists,
                "tornado": tornado,
            }
        )
    by_model = []
    weights = sens.models or {}
    for m, part in (sens.by_model or {}).items():
        cells = []
        for a in alts:
            pa = part.alternatives.get(str(a["id"]))
            cells.append(
                "–"
                if pa is None
                else pct(pa.p_agreement) + interval_text(pa.p_agreement_ci, " ")
            )
        by_model.append(
            {"model": str(m), "weight": num(weights.get(m)), "draws": text(part.draws),
             "cells": cells}
        )
    return {"draws": sens.draws, "alternatives": alts, "by_model": by_model,
            **varied_view(sens)}


def _sources(doc: ResultDoc, anchors: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for s in doc.sources:
        url = text(s.url)
        out.append(
            {
                "anchor": anchors.get(text(s.key)),
                "key": text(s.key),
                "title": text(s.title),
                "date": text(s.date) or "–",
                "confidence": text(s.confidence) or "–",
                "url": url if url.startswith(("https://", "http://")) else None,
                "url_text": url,
                "note": text(s.note),
            }
        )
    return out


def build_view(
    result: Mapping[str, Any] | ResultDoc, *, with_charts: bool = True
) -> dict[str, Any]:
    """Everything the templates print, from a result: the validated model
    (:class:`mlf.results.ResultFile`), or a result dict, validated here (a dict that is not a
    result of a known format is :class:`mlf.report.ReportError`, one line naming the field)."""
    doc = typed_result(result)
    man = doc.manifest
    sc = doc.scenario
    actors_info = sc.actors
    names = {str(k): text(v.name) or str(k) for k, v in actors_info.items()}
    ch = _Charts(with_charts)
    taken: set[str] = {*SECTION_IDS, *OPTIONAL_SECTION_IDS}
    order = list(actors_info)
    for alt in doc.alternatives:  # members outside the scenario block still get colours
        for m in alt.members:
            if str(m) not in order:
                order.append(str(m))
    colours = charts.actor_colours(order)
    typed = doc if isinstance(doc, ResultFile) else None  # mlf-result/2: inputs, runs, ...
    links = InputLinks(typed.inputs if typed else None)
    alts = [_alternative(a, names, colours, ch, taken, links) for a in doc.alternatives]
    threshold = as_float(man.support_threshold)
    below = [
        {
            "id": text(b.id),
            "title": text(b.title) or text(b.id),
            "support": pct(b.support),
            "support_value": as_float(b.support),
        }
        for b in doc.below_threshold
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
    compared = typed.manifest.models if typed else []
    manifest = [
        ("mlf version", text(man.mlf_version) or "–"),
        ("scenario", text(man.scenario_id or sc.id) or "–"),
        ("scenario SHA-256", text(man.scenario_sha256) or "–"),
        ("scenario file", text(man.scenario_path) or "built-in"),
        ("negotiation model", text(man.model) or "–"),
        (
            "model parameters",
            ", ".join(f"{k}={v}" for k, v in man.model_params.items()) or "defaults",
        ),
        ("seed", text(man.seed) or "–"),
        *(
            [("models compared", ", ".join(str(m) for m in compared))]
            if len(compared) > 1
            else []
        ),
        ("support threshold", pct(threshold)),
        ("power index for voice", text(man.power_index) or "–"),
    ]
    cf = counterfactual_view(man.counterfactual)
    if cf is not None:
        manifest.append(("scenario SHA-256 before the changes", cf["base_sha256"]))
    for layer in man.scenario_layers or []:
        manifest.append(("extends: file", f"{text(layer.file)} ({text(layer.sha256)})"))
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
    model = text(man.model)
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
    sensitivity = _sensitivity(doc.sensitivity, titles, ch)
    fragile = fragile_view(typed.fragile if typed else None, titles, alts)
    models = models_view(
        typed.ensemble if typed else None, {a["id"]: a["anchor"] for a in alts}, names, ch
    )
    src_anchors = source_anchors(doc.sources)
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
    if fragile is not None:
        nav.append(("fragile", "Fragile decisions"))
    nav += [("sources", "Sources"), ("inputs", "Inputs"), ("models", "How to read this")]
    return {
        "title": text(sc.title) or text(man.scenario_id) or "mlf report",
        "date": text(sc.date) or "–",
        "description": text(sc.description),
        "mlf_version": text(man.mlf_version),
        "manifest": manifest,
        "counterfactual": cf,
        "compare": None,  # mlf report --compare: mlf.report._compare.add_compare
        "warnings": [text(w) for w in sc.warnings],
        "threshold": pct(threshold),
        "model": model,
        "alternatives": alts,
        "comparison_charts": comparison_charts,
        "below": below,
        "british": _british(doc.british_question, titles),
        "guard_cols": [GUARDRAIL_LABELS.get(k, k.replace("_", " ")) for k in guard_cols],
        "guard_matrix": matrix,
        "sensitivity": sensitivity,
        "fragile": fragile,
        "sources": _sources(doc, src_anchors),
        "inputs": inputs_view(typed.inputs if typed else None, src_anchors),
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
