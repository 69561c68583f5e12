"""What changed between two results: ``mlf diff A B`` and the report's comparison section.

Pure: two result dicts (``result.json``, :mod:`mlf.results`) in, rows out. Each row is one
thing a reader of the report would compare by eye, for one alternative: its status, support
and ratification, its members and who came to the table, each settled term, the annual cost
and each member's payment, the control rule with its veto players and the European test,
each of the memo's guardrails, and the pivot-broadening question (the smallest broadening of
the agenda that makes the pivotal nation's membership its own best choice). A value is shown
as text, the way the report shows it; a row is *changed* when the two texts differ.

An alternative present in one result only (another scenario, or ``--alternative``) is shown
as ``absent`` on the other side; one below the support threshold as ``below the threshold``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ABSENT = "absent"
"""The value shown where a result has no such alternative, term or member."""

SECTIONS = (
    "status",
    "members",
    "terms",
    "costs",
    "control",
    "guardrails",
    "pivot broadening",
)
"""The sections of a comparison, in the order shown."""

_GUARDRAILS = {
    "no_selling": "no selling",
    "fallback": "fall-back to the status quo",
    "genuinely_european": "genuinely European",
    "fixed_point": "fixed point",
}


@dataclass(frozen=True)
class Row:
    """One compared item: its section, alternative (id and title), what, and both values."""

    section: str
    alternative: str
    title: str
    item: str
    a: str
    b: str

    @property
    def changed(self) -> bool:
        return self.a != self.b

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "alternative": self.alternative,
            "item": self.item,
            "a": self.a,
            "b": self.b,
            "changed": self.changed,
        }


@dataclass(frozen=True)
class Comparison:
    """Two results side by side: a label for each (scenario, counterfactual, model, hash)
    and every row (:attr:`changes`: those that differ)."""

    a_label: str
    b_label: str
    rows: tuple[Row, ...]

    @property
    def changes(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a_label,
            "b": self.b_label,
            "changed": len(self.changes),
            "rows": [r.to_dict() for r in self.rows],
        }


def label(result: Mapping[str, Any]) -> str:
    """A result named in one line: scenario id, counterfactual (if any), model, seed, hash.

    Examples:
        Two nations settle the size of a force (:func:`mlf.examples.two_nations_fleet`):

        >>> from mlf.scenario import load_scenario
        >>> from mlf.talks import run_scenario
        >>> from mlf import examples
        >>> loaded = load_scenario(examples.path("two_nations_fleet"))
        >>> from mlf.results import result_document
        >>> from mlf.scenario import apply_changes
        >>> label(result_document(run_scenario(loaded, seed=7)))
        'two, model compromise, seed 7, sha256 ca0d65514620'
        >>> changed = apply_changes(loaded, sets=["actors.DE.positions.size.position=80"])
        >>> label(result_document(run_scenario(changed, seed=7)))
        'two (1 changed field), model compromise, seed 7, sha256 0af425182d24'
    """
    man = _d(result.get("manifest"))
    text = str(man.get("scenario_id", "?"))
    cf = _d(man.get("counterfactual"))
    if cf:
        named = [str(r["title"]) for r in _l(cf.get("requests")) if _d(r).get("title")]
        n = sum(len(_l(_d(r).get("changes"))) for r in _l(cf.get("requests")))
        text += (
            f" (counterfactual: {named[0]})"
            if named
            else f" ({n} changed field{'' if n == 1 else 's'})"
        )
    sha = str(man.get("scenario_sha256", ""))[:12]
    return f"{text}, model {man.get('model', '?')}, seed {man.get('seed', '?')}, sha256 {sha}"


def compare_results(a: Mapping[str, Any], b: Mapping[str, Any]) -> Comparison:
    """Every row of the comparison of result ``a`` with result ``b`` (see the module doc).

    Examples:
        Two nations settle the size of a force (:func:`mlf.examples.two_nations_fleet`):

        >>> from mlf.scenario import load_scenario
        >>> from mlf.talks import run_scenario
        >>> from mlf import examples
        >>> loaded = load_scenario(examples.path("two_nations_fleet"))

        The compromise model settles at the weighted mean (64), the median model at the
        weighted median (80); nothing else differs:

        >>> from mlf.results import result_document
        >>> a = result_document(run_scenario(loaded, seed=7))
        >>> b = result_document(run_scenario(loaded, model="median", seed=7))
        >>> comparison = compare_results(a, b)
        >>> [(row.section, row.item, row.a, row.b) for row in comparison.changes]
        [('terms', 'Size of the force', '64', '80')]
        >>> comparison.b_label
        'two, model median, seed 7, sha256 ca0d65514620'
    """
    alts_a, alts_b = _alternatives(a), _alternatives(b)
    ids = [*alts_a, *(i for i in alts_b if i not in alts_a)]
    rows: list[Row] = []
    bq_a, bq_b = _d(a.get("british_question")), _d(b.get("british_question"))
    for aid in ids:
        x, y = alts_a.get(aid), alts_b.get(aid)
        title = str(_d(x or y).get("title", aid))

        def add(section: str, item: str, va: str, vb: str, aid: str = aid, t: str = title) -> None:
            rows.append(Row(section, aid, t, item, va, vb))

        add("status", "status", _status(x), _status(y))
        add("status", "support", _support(x), _support(y))
        add("status", "ratification", _ratification(x), _ratification(y))
        add("members", "members", _members(x, "members"), _members(y, "members"))
        add("members", "at the table", _at_table(x), _at_table(y))
        for iid in _union(_d(_d(x).get("agreed")), _d(_d(y).get("agreed"))):
            ta, tb = _term(x, iid), _term(y, iid)
            add("terms", _term_title(x, y, iid), ta, tb)
        add("costs", "annual cost", _annual(x), _annual(y))
        for m in _union(_payments(x), _payments(y)):
            add("costs", f"paid by {m}", _payment(x, m), _payment(y, m))
        add("control", "rule", _rule(x), _rule(y))
        add("control", "veto players", _vetoes(x), _vetoes(y))
        add("control", "European test", _european(x), _european(y))
        for key, name in _GUARDRAILS.items():
            add("guardrails", name, _guardrail(x, key), _guardrail(y, key))
        add("pivot broadening", _pivot_item(bq_a, bq_b), _pivot(bq_a, aid), _pivot(bq_b, aid))
    if bq_a or bq_b:
        rows.append(
            Row(
                "pivot broadening",
                "",
                "",
                "summary",
                str(bq_a.get("summary", ABSENT)),
                str(bq_b.get("summary", ABSENT)),
            )
        )
    return Comparison(label(a), label(b), tuple(rows))


# --------------------------------------------------------------------------- reading a result


def _d(x: Any) -> dict[str, Any]:
    return dict(x) if isinstance(x, Mapping) else {}


def _l(x: Any) -> list[Any]:
    return list(x) if isinstance(x, list | tuple) else []


def _union(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    return [*a, *(k for k in b if k not in a)]


def _alternatives(result: Mapping[str, Any]) -> dict[str, dict[str, Any] | None]:
    out: dict[str, dict[str, Any] | None] = {}
    for alt in _l(result.get("alternatives")):
        out[str(_d(alt).get("id"))] = _d(alt)
    for below in _l(result.get("below_threshold")):
        b = _d(below)
        out[str(b.get("id"))] = {**b, "status": "below the threshold", "below": True}
    return out


def _num(v: Any, fmt: str = "{:.3g}") -> str:
    return fmt.format(v) if isinstance(v, int | float) and not isinstance(v, bool) else "-"


def _status(x: Mapping[str, Any] | None) -> str:
    if x is None:
        return ABSENT
    detail = str(x.get("detail") or "")
    status = str(x.get("status"))
    return f"{status}: {detail}" if detail and not x.get("below") else status


def _ratification(x: Mapping[str, Any] | None) -> str:
    """Ratified, or by whom not (a result with a ratification stage), else ``-``."""
    if x is None:
        return ABSENT
    rat = _d(x.get("ratification"))
    if not rat:
        return "-"
    if rat.get("ratified"):
        return "ratified"
    who = ", ".join(str(a) for a in _l(rat.get("not_ratified_by")))
    return f"not ratified by {who}" if who else "not ratified"


def _support(x: Mapping[str, Any] | None) -> str:
    return ABSENT if x is None else _num(x.get("support"), "{:.2f}")


def _members(x: Mapping[str, Any] | None, key: str) -> str:
    if x is None:
        return ABSENT
    if x.get("below"):
        return "-"
    return ", ".join(str(m) for m in _l(x.get(key))) or "none"


def _at_table(x: Mapping[str, Any] | None) -> str:
    if x is None:
        return ABSENT
    table = _d(x.get("table"))
    if not table:
        return "-"
    return ", ".join(str(m) for m in _l(table.get("at_table"))) or "none"


def _term(x: Mapping[str, Any] | None, iid: str) -> str:
    t = _d(_d(_d(x).get("agreed")).get(iid))
    if not t:
        return ABSENT
    return str(t.get("label", _num(t.get("value"))))  # says "agreed x, paid y under ..."


def _term_title(x: Mapping[str, Any] | None, y: Mapping[str, Any] | None, iid: str) -> str:
    for r in (x, y):
        t = _d(_d(_d(r).get("agreed")).get(iid))
        if t.get("title"):
            return str(t["title"])
    return iid


def _cost(x: Mapping[str, Any] | None) -> dict[str, Any]:
    return _d(_d(_d(x).get("arrangement")).get("cost"))


def _annual(x: Mapping[str, Any] | None) -> str:
    if x is None:
        return ABSENT
    cost = _cost(x)
    if not cost:
        return "-"
    return f"{_num(cost.get('annual'))} {cost.get('currency', '')}/year".replace(" /", "/")


def _payments(x: Mapping[str, Any] | None) -> dict[str, Any]:
    return _d(_cost(x).get("payments"))


def _payment(x: Mapping[str, Any] | None, member: str) -> str:
    if x is None:
        return ABSENT
    cost = _cost(x)
    pay = _payments(x).get(member)
    if pay is None:
        return "-"
    annual = cost.get("annual")
    share = (
        f"{pay / annual:.1%}"
        if isinstance(pay, int | float) and isinstance(annual, int | float) and annual > 0
        else "-"
    )
    return f"{share} ({_num(pay)} {cost.get('currency', '')}/year)".replace(" /", "/")


def _rule(x: Mapping[str, Any] | None) -> str:
    if x is None:
        return ABSENT
    arr = _d(x.get("arrangement"))
    return str(arr.get("rule_text") or "-") if arr else "-"


def _vetoes(x: Mapping[str, Any] | None) -> str:
    if x is None:
        return ABSENT
    power = _d(x.get("power"))
    if not power:
        return "-"
    return ", ".join(str(v) for v in _l(power.get("veto_players"))) or "none"


def _european(x: Mapping[str, Any] | None) -> str:
    if x is None:
        return ABSENT
    eu = _d(x.get("european"))
    if not eu:
        return "-"
    return "passes" if eu.get("ok") else f"fails: {eu.get('reason', '')}".rstrip(": ")


def _guardrail(x: Mapping[str, Any] | None, key: str) -> str:
    if x is None:
        return ABSENT
    g = _d(_d(x.get("guardrails")).get(key))
    if not g:
        return "-"
    verdict = "met" if g.get("ok") else "not met"
    detail = g.get("detail") or g.get("reason")
    return f"{verdict}: {detail}" if detail else verdict


def _pivot_item(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    actor = a.get("name") or b.get("name") or a.get("actor") or b.get("actor")
    return f"what makes {actor} join" if actor else "what makes the pivotal nation join"


def _pivot(bq: Mapping[str, Any], aid: str) -> str:
    if not bq:
        return ABSENT
    alt = _d(_d(bq.get("alternatives")).get(aid))
    if not alt:
        return "-"
    return str(alt.get("answer") or alt.get("broadening") or "-")
