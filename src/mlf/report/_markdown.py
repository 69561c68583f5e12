"""The Markdown summary of a result, for a paper's appendix (no charts)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from mlf.report._compare import add_compare
from mlf.report._load import ResultDoc
from mlf.report._ratification import markdown_lines
from mlf.report._view import build_view

_MD_INLINE = re.compile(r"([\\`*_\[\]~])")
# what opens a block at the start of a line: a heading, a list item, a setext underline
_MD_BLOCK_START = re.compile(r"^(#{1,6}|[+-]|\d{1,9}[.)]|=+|-+)(?=\s|$)")


def _md(s: str) -> str:
    """Input text made inert in Markdown: one line, HTML special characters as entities
    (Markdown passes raw HTML through), and every character that opens a link, an image,
    emphasis, a code span or strikethrough backslash-escaped (CommonMark: any ASCII
    punctuation may be escaped), as is a start that would open a heading or a list. So a
    title such as ``[click](javascript:alert(2))`` is shown as text, never as a live link.
    """
    s = " ".join(s.split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_INLINE.sub(r"\\\1", s)
    m = _MD_BLOCK_START.match(s)
    if m is not None:  # "1." -> "1\.", "#" -> "\#"
        at = m.end() - 1 if s[0].isdigit() else 0
        s = f"{s[:at]}\\{s[at:]}"
    return s


def _code(escaped: str) -> str:
    """A text already escaped by :func:`_md` as a code span of its original text.

    Inside a code span nothing is interpreted (no links, no HTML, no escapes), so the
    original text goes in as it is, fenced by one backtick more than its longest run of
    backticks (CommonMark 6.1). An empty text is shown as an en dash.
    """
    raw = html.unescape(re.sub(r"\\(.)", r"\1", escaped))
    if not raw:
        return "–"
    fence = "`" * (max((len(r) for r in re.findall(r"`+", raw)), default=0) + 1)
    pad = " " if raw.startswith("`") or raw.endswith("`") else ""
    return f"{fence}{pad}{raw}{pad}{fence}"


def _escaped(x: Any) -> Any:
    """A copy of the view with every string escaped for Markdown (:func:`_md`)."""
    if isinstance(x, str):
        return _md(x)
    if isinstance(x, dict):
        return {k: _escaped(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_escaped(v) for v in x]
    return x


def _cell(s: Any) -> str:
    """Text safe inside a Markdown table cell (pipes escaped, one line); backslashes are
    already escaped by :func:`_md` in input text, and the renderer's own texts have none."""
    return " ".join(str(s).split()).replace("|", "\\|") or "–"


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    out = [
        "| " + " | ".join(_cell(h) for h in head) + " |",
        "|" + "|".join("---" for _ in head) + "|",
    ]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return [*out, ""]


_MARK = {"ok": "ok", "flag": "FLAG", "info": "note"}


def _models(mc: Any) -> list[str]:
    """The model-comparison section (absent for a result of one model)."""
    if not mc:
        return []
    titles = [c["title"] for c in mc["columns"]]
    md = ["## Every model side by side", ""]
    md += [
        f"The whole path ran under {len(mc['models'])} negotiation models "
        f"({', '.join(mc['models'])}), on the same inputs and seed; the sections below show "
        f"the {mc['primary']} model's run in detail.",
        "",
    ]
    rows = [
        [
            r["model"],
            *[
                "–" if c is None else c["status"] + (f": {c['members']}" if c["members"] else "")
                for c in r["cells"]
            ],
        ]
        for r in mc["rows"]
    ]
    rows.append(["agreement in", *[f"{n} models" for n in mc["counts"]]])
    md += _table(["model", *titles], rows)
    if mc["membership"]:
        md += ["Membership: in how many models each invited nation is a member (– not invited).",
               ""]
        md += _table(
            ["nation", *titles],
            [[f"{r['name']} ({r['nation']})", *r["cells"]] for r in mc["membership"]],
        )
    for t in mc["terms"]:
        md += [f"### {t['title']}: the settled terms per model (agreement in {t['agreement']} "
               "models)", ""]
        md += _table(
            ["element", *mc["models"], "spread"],
            [[r["element"], *r["cells"], r["spread"]] for r in t["rows"]],
        )
    if mc["british"]:
        md += ["### The British question per model", ""]
        md += _table(
            ["model", *mc["british"]["columns"]],
            [[r["model"], *r["cells"]] for r in mc["british"]["rows"]],
        )
    return md


def _inputs(inp: Any) -> list[str]:
    """The inputs appendix: every input with value, unit, sources, confidence, estimate flag
    and range."""
    md = ["## Inputs: where every number comes from", ""]
    if not inp["recorded"]:
        return [*md, "This result records no inputs (format mlf-result/1); rerun `mlf run`.", ""]
    md += [
        f"Every input this run used: {inp['count']} numbers and positions, {inp['estimates']} "
        f"of them estimates, {inp['ranged']} with an uncertainty range. Confidence is the "
        "weakest code among the sources a number cites.",
        "",
    ]
    md += _table(
        ["input", "path", "value", "unit", "sources", "confidence", "estimate", "range"],
        [
            [
                r["label"],
                _code(r["path"]),
                r["value"],
                r["unit"],
                ", ".join(s["key"] for s in r["sources"]) or "–",
                r["confidence"],
                "estimate" if r["estimate"] else "–",
                r["range"],
            ]
            for r in inp["rows"]
        ],
    )
    return md


def render_markdown(
    result: Mapping[str, Any] | ResultDoc,
    *,
    compare: Mapping[str, Any] | None = None,
    compare_name: str | None = None,
) -> str:
    """A Markdown summary: comparison, per-alternative terms and members with their reasons,
    the British question, the guardrails and the sources (and, with ``compare``, what changed
    against that other result)."""
    view = build_view(result, with_charts=False)
    if compare is not None:
        add_compare(view, result, compare, compare_name)
    v = _escaped(view)
    md: list[str] = [f"# {v['title']}", ""]
    md.append(f"Scenario date: {v['date']}.")
    md.append("")
    if v["description"]:
        md += [v["description"], ""]
    cf = v.get("counterfactual")
    if cf:
        md += [
            f"> **{cf['headline']}**. This run is of a changed scenario, not of the scenario "
            "as written; every result below follows from these changes:",
            ">",
        ]
        for r in cf["requests"]:
            head = f"{r['label']}" + (f": {r['title']}" if r["title"] else "")
            md.append(f"> - {head}")
            md += [f">   - {_code(c['path'])}: {c['old']} -> {c['new']}" for c in r["changes"]]
        md.append("")
    md += _table(["manifest", "value"], v["manifest"])
    for w in v["warnings"]:
        md.append(f"> warning: {w}")
    if v["warnings"]:
        md.append("")
    md += ["## Comparison", ""]
    rows: list[list[str]] = []
    for a in v["alternatives"]:
        rows.append(
            [
                f"{a['title']} ({_code(a['id'])})",
                a["support"],
                f"{a['status']}: {a['detail']}",
                "; ".join(f"{t['title']}: {t['label']}" for t in a["terms"]) or "–",
                ", ".join(a["members"]) or "none",
                f"{a['rule_text']} (veto: {a['veto']})",
                a["annual_cost"],
                a["manning_summary"],
                ", ".join(f"{g['label']} {_MARK[g['state']]}" for g in a["guardrails"]) or "–",
            ]
        )
    for b in v["below"]:
        rows.append(
            [
                f"{b['title']} ({_code(b['id'])})",
                b["support"],
                "below threshold",
                "–",
                "–",
                "–",
                "–",
                "–",
                "–",
            ]
        )
    md += _table(
        [
            "alternative",
            "support",
            "outcome",
            "agreed terms",
            "members",
            "control rule",
            "annual cost",
            "manning",
            "guardrails",
        ],
        rows,
    )
    md += _models(v["model_comparison"])
    c = v.get("compare")
    if c:
        md += [f"## What changed: compared with {c['b_name']}", ""]
        md += [f"A (this report): {c['a']}. B: {c['b']}.", ""]
        md += [f"{c['changed']} of {c['rows']} compared items differ.", ""]
        for g in c["groups"]:
            md += [f"### {g['title']}", ""]
            md += _table(
                ["section", "item", "A (this report)", "B"],
                [[r["section"], r["item"], r["a"], r["b"]] for r in g["rows"]],
            )
    for a in v["alternatives"]:
        mark = " (**fragile**: see Fragile decisions)" if a.get("fragile_agreement") else ""
        md += [f"## {a['title']}", "", f"**{a['status']}**{mark}: {a['detail']}", ""]
        if a["fixed_point"]:
            md += [f"Talks: {a['fixed_point']}.", ""]
        if a["terms"]:
            md += ["### Agreed terms", ""]
            md += _table(
                ["element", "settled at", "how"],
                [[t["title"], t["label"], t["source"]] for t in a["terms"]],
            )
        tb = a["table"]
        if tb:
            md += ["### Who came to the table", ""]
            md += _table(
                ["nation", "decision", "utility on its own terms", "outside option", "reason"],
                [
                    [
                        f"{r['name']} ({r['actor']})",
                        "comes" if r["comes"] else "stays away",
                        r["utility"],
                        r["outside"],
                        r["reason"] + (f"; {r['pressure']}" if r["pressure"] else ""),
                    ]
                    for r in tb["rows"]
                ],
            )
        p = a["participation"]
        if p:
            md += ["### Members and reasons", ""]
            md += _table(
                [
                    "nation",
                    "decision",
                    "utility",
                    "outside option",
                    "margin",
                    "reason",
                    "what would change it",
                ],
                [
                    [
                        f"{r['name']} ({r['actor']})",
                        ("joins" if r["join"] else "stays out")
                        + (" (**fragile**)" if r.get("fragile") else ""),
                        r["utility"],
                        r["outside"],
                        r["margin_text"],
                        r["reason"] + (f"; {r['pressure']}" if r["pressure"] else ""),
                        r["flip"],
                    ]
                    for r in p["rows"]
                ],
            )
        pw = a["power"]
        if pw:
            md += [
                f"Control rule {_code(pw['rule_text'])}; veto players: {pw['veto']}; "
                f"dummies: {pw['dummies']}.",
                "",
            ]
        c = a["cost"]
        if c and c["rows"]:
            if a["force"]:
                f = a["force"]
                md += [f"Force: {f['units']} common units; units in kind: {f['in_kind']}.", ""]
            md += [f"Annual cost {c['annual']} (split: {c['rule']}).", ""]
            md += [f"- {n}" for n in c["notes"]] + ([""] if c["notes"] else [])
            md += _table(
                ["member", "share", "annual payment", "share of defence budget"],
                [[r["member"], r["share"], r["payment"], r["budget"]] for r in c["rows"]],
            )
        if a["status"] == "agreement":
            md += [f"Manning: {a['manning_summary']}.", ""]
        if a["ratification"]:
            md += markdown_lines(a["ratification"], _table)
        if a["guardrails"]:
            md += ["Guardrails:", ""]
            md += [
                f"- {g['label']}: **{_MARK[g['state']]}**, {g['detail']}" for g in a["guardrails"]
            ]
            md.append("")
    md += ["## The British question", ""]
    bq = v["british"]
    if bq:
        md += [f"{bq['summary']}.", ""]
        md += [f"- {e['title']}: {e['answer']}" for e in bq["entries"]]
        md.append("")
    else:
        md += ["Not asked: the scenario names no pivotal nation.", ""]
    md += ["## Guardrails", ""]
    if v["guard_matrix"]:
        md += _table(
            ["alternative", *v["guard_cols"]],
            [
                [r["title"], *[_MARK[g["state"]] if g else "–" for g in r["cells"]]]
                for r in v["guard_matrix"]
            ],
        )
    md += ["## Below the support threshold", ""]
    if v["below"]:
        md += _table(
            ["alternative", "support"],
            [[f"{b['title']} ({_code(b['id'])})", b["support"]] for b in v["below"]],
        )
    else:
        md += [f"None: every alternative reached {v['threshold']}.", ""]
    sens = v.get("sensitivity")
    if sens:
        md += [f"## Sensitivity ({sens['draws']} draws)", ""]
        md += [f"**{w}**" for w in sens.get("warnings", [])] + (
            [""] if sens.get("warnings") else []
        )
        if sens.get("inputs"):
            md += [
                f"Varied: {len(sens['inputs'])} inputs ({sens['written']} with a range written "
                f"in the scenario, {sens['default']} with the default range of their "
                f"confidence); left fixed: {len(sens['not_varied'])}. Probabilities carry "
                f"their {sens['interval']} in brackets.",
                "",
            ]
        md += _table(
            [
                "alternative",
                "P(agreement)",
                "P(signed)",
                "P(ratified), 95% interval",
                "P(each nation joins)",
                "element: 5% / 50% / 95%",
            ],
            [
                [
                    a["title"],
                    a["p_agreement"] + (f" {a['p_agreement_ci']}" if a.get("p_agreement_ci")
                                        else ""),
                    a["p_signed"],
                    f"{a['p_ratified']} ({a['p_ratified_interval']})",
                    ", ".join(f"{n} {p}" for n, p in a["p_join"]) or "–",
                    "; ".join(
                        f"{q['issue']}: {q['q05']} / {q['q50']} / {q['q95']}"
                        for q in a["quantiles"]
                    )
                    or "–",
                ]
                for a in sens["alternatives"]
            ],
        )
        if sens["by_model"]:
            md += [
                "P(agreement) by the model each draw drew, with its 95% interval among that "
                "model's draws:",
                "",
            ]
            md += _table(
                ["model", "weight", "draws", *[a["title"] for a in sens["alternatives"]]],
                [[r["model"], r["weight"], r["draws"], *r["cells"]] for r in sens["by_model"]],
            )
    md += _fragile_md(v.get("fragile"))
    if v["mechanics"]:
        md += ["## Where the model's own mechanics drove a result", ""]
        for m in v["mechanics"]:
            md += [f"{m['title']}:", ""] + [f"- {n}" for n in m["notes"]] + [""]
    md += ["## Sources", "", v["confidence_note"], ""]
    md += _table(
        ["key", "title", "date", "confidence", "link"],
        [
            [s["key"], s["title"], s["date"], s["confidence"], s["url_text"] or "–"]
            for s in v["sources"]
        ],
    )
    md += _inputs(v["inputs"])
    md += [f"*Made by mlf {v['mlf_version']}.*", ""]
    return "\n".join(md)


def _fragile_md(f: Mapping[str, Any] | None) -> list[str]:
    """The "Fragile decisions" section: each fragile decision and the inputs that flip it."""
    if not f:
        return []
    md = [
        "## Fragile decisions",
        "",
        f"A decision is **fragile** when an input moved within its own range flips it, the "
        f"others held at their values ({f['decisions']} decisions, {f['inputs_tested']} inputs "
        f"tested; model {f['model']}, its seed fixed at {f['seed']}). Method: {f['method']}.",
        "",
    ]
    if not f["entries"]:
        return [*md, "None: no input within its own range flips a decision.", ""]
    for e in f["entries"]:
        md += [f"### {e['title']}: {e['decision']} (**fragile**)", ""]
        if e["singles"]:
            md += _table(
                ["input", "source", "value", "flips at", "how far it must move", "range"],
                [
                    [_code(m["input"]), m["provenance"], m["value"], m["to"], m["how"],
                     m["range"]]
                    for m in e["singles"]
                ],
            )
        for p in e["pairs"]:
            md += [
                "- together: "
                + " with ".join(
                    f"{_code(m['input'])} ({m['provenance']}) {m['value']} → {m['to']}" for m in p
                ),
            ]
        if e["pairs"]:
            md += [""]
    return md
