"""Provenance: every input a run uses, with its value, unit, sources, confidence and range.

The report's inputs appendix is built from these rows (``inputs`` in ``result.json``), so that
each number on the page that comes from the scenario links to the row that says where it comes
from. One row per number the talks read:

* ``settings.support_threshold``;
* per issue, its status quo (``issues.<id>.status_quo``);
* per actor: ``capability``, ``gdp``, ``defence_budget``, ``contribution``; per issue its
  ``positions.<issue>.position`` and ``.salience``; per domestic ratifier its
  ``ratifiers.<id>.reservation`` and its positions; its utility ``weights.policy``,
  ``.voice`` and ``.cost``; per alternative its ``outside_option.<alt>`` and ``support.<alt>``;
* per alternative: each number of its ``settings`` (units, lead share, ceiling, costs, manning
  rules), each ``fixed`` issue value, and each ``pressure`` term's ``outside_option``.

Each row's ``confidence`` is the weakest confidence code (A strongest, D weakest) among the
sources it cites, or null when it cites none; ``estimate`` is the scenario's own flag (a
voice or cost weight counts as an estimate when a coded stance gives it, :mod:`mlf.estimates`);
``range`` is the explicit ``[min, mode, max]`` the scenario gives, which is what ``mlf sweep``
varies.

Pure: reads a :class:`mlf.scenario.Scenario`, returns plain dicts; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the report imports :func:`anchor` without the scenario model
    from mlf.scenario import Position, Quantity, Scenario

CONFIDENCE_ORDER = ("A", "B", "C", "D")
"""Confidence codes from strongest to weakest."""

_ACTOR_QUANTITIES = (
    ("capability", "capability"),
    ("gdp", "GDP"),
    ("defence_budget", "defence budget"),
    ("contribution", "offered contribution"),
)
_SETTING_LABELS = {
    "units": "force size",
    "lead_share": "lead share",
    "ceiling": "ceiling on a member's share",
    "capital_per_unit": "capital cost per unit",
    "operating_per_unit_year": "operating cost per unit and year",
    "term_years": "term",
    "fixed_cost": "fixed cost",
    "cost_factor": "cost factor",
    "units_per_ship": "units per ship",
    "crew_per_ship": "crew per ship",
    "max_crew_share": "largest crew share of one nation",
    "min_nationalities": "fewest nationalities per crew",
    "in_kind_value_per_unit_year": "value of a unit in kind per year",
}


_MONEY = ("capital_per_unit", "operating_per_unit_year", "fixed_cost",
          "in_kind_value_per_unit_year")


def _setting_unit(field: str, currency: str | None) -> str | None:
    if field in _MONEY:
        return currency
    return "years" if field == "term_years" else None


def anchor(path: str) -> str:
    """The HTML id of an input's row in the report: ``input-`` and the path, with ``.``
    written as ``--`` and every character other than an ASCII letter, digit or ``_`` as
    ``-<hex>-`` (a literal ``-`` too), so that two paths never share an id.

    Examples:
        >>> anchor("actors.US.capability")
        'input-actors--US--capability'

        A ``-`` in an id is escaped, so ``a-b.c`` and ``a.b.c`` never share an anchor:

        >>> anchor("actors.a-b.gdp"), anchor("actors.a.b.gdp")
        ('input-actors--a-2d-b--gdp', 'input-actors--a--b--gdp')
    """
    out = []
    for ch in path:
        if ch.isascii() and (ch.isalnum() or ch == "_"):
            out.append(ch)
        elif ch == ".":
            out.append("--")
        else:
            out.append(f"-{ord(ch):x}-")
    return "input-" + "".join(out)


def weakest(codes: Iterable[str]) -> str | None:
    """The weakest of confidence codes (D weaker than C ...), or None for none.

    Examples:
        >>> weakest(["A", "C", "B"]), weakest([])
        ('C', None)
    """
    found = [c for c in codes if c in CONFIDENCE_ORDER]
    return max(found, key=CONFIDENCE_ORDER.index) if found else None


class _Rows:
    def __init__(self, sc: Scenario) -> None:
        self.conf = {s.key: s.confidence for s in sc.meta.sources}
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        path: str,
        label: str,
        value: float | str,
        *,
        unit: str | None = None,
        sources: Sequence[str] = (),
        estimate: bool = False,
        rng: Sequence[float] | None = None,
        note: str | None = None,
    ) -> None:
        srcs = list(dict.fromkeys(sources))
        self.rows.append(
            {
                "path": path,
                "label": label,
                "value": value if isinstance(value, str) else float(value),
                "unit": unit or None,
                "sources": srcs,
                "confidence": weakest(self.conf.get(s, "") for s in srcs),
                "estimate": bool(estimate),
                "range": None if rng is None else [float(x) for x in rng],
                "note": note,
            }
        )

    def quantity(self, path: str, label: str, q: Quantity, unit: str | None = None) -> None:
        self.add(
            path,
            label,
            q.value,
            unit=q.unit or unit,
            sources=q.sources,
            estimate=q.estimate,
            rng=q.range,
            note=q.note,
        )


def _positions(
    r: _Rows, sc: Scenario, prefix: str, who: str, positions: Mapping[str, Position]
) -> None:
    for iid, pos in positions.items():
        issue = sc.issues.get(iid)
        title = issue.title if issue is not None else iid
        base = f"{prefix}.positions.{iid}"
        stance_src = pos.stance.sources if pos.stance is not None else []
        r.add(
            f"{base}.position",
            f"{who}: position on {title}",
            pos.position if isinstance(pos.position, str) else float(pos.position),
            unit=None if isinstance(pos.position, str) or issue is None else issue.unit,
            sources=[*pos.sources, *stance_src],
            estimate=pos.estimate,
            rng=pos.range,
            note=pos.note,
        )
        r.quantity(f"{base}.salience", f"{who}: salience of {title}", pos.salience)


def input_rows(sc: Scenario) -> list[dict[str, Any]]:
    """Every input of ``sc`` the talks read, as rows of the inputs appendix (module docstring),
    in file order: settings, issues, actors, alternatives.

    Examples:
        A two-nation scenario; the United States' capability cites a source coded B:

        >>> from mlf import examples
        >>> scenario = examples.two_nations_fleet()
        >>> rows = input_rows(scenario)
        >>> [row["path"] for row in rows][:5]  # doctest: +NORMALIZE_WHITESPACE
        ['settings.support_threshold', 'issues.size.status_quo', 'actors.US.capability',
         'actors.US.positions.size.position', 'actors.US.positions.size.salience']
        >>> {k: rows[2][k] for k in ("label", "value", "confidence")}
        {'label': 'United States (US): capability', 'value': 0.6, 'confidence': 'B'}
    """
    r = _Rows(sc)
    r.add(
        "settings.support_threshold",
        "support threshold (capability-weighted) for an alternative to be analysed",
        sc.settings.support_threshold,
    )
    for iid, each in sc.issues.items():
        sq = each.status_quo
        r.add(
            f"issues.{iid}.status_quo",
            f"{each.title}: status quo",
            sq if isinstance(sq, str) else float(sq),
            unit=None if isinstance(sq, str) else each.unit,
            sources=each.sources,
        )
    for aid, actor in sc.actors.items():
        who = f"{actor.name} ({aid})"
        for field, label in _ACTOR_QUANTITIES:
            q = getattr(actor, field)
            if q is not None:
                r.quantity(f"actors.{aid}.{field}", f"{who}: {label}", q)
        _positions(r, sc, f"actors.{aid}", who, actor.positions)
        for rid, rat in actor.ratifiers.items():
            rbase = f"actors.{aid}.ratifiers.{rid}"
            rwho = f"{who}, {rat.name}"
            q = rat.reservation
            stance_src = rat.stance.sources if rat.stance is not None else []
            r.quantity(
                f"{rbase}.reservation",
                f"{rwho}: satisfaction it needs to ratify",
                q.model_copy(update={"sources": [*q.sources, *rat.sources, *stance_src]}),
            )
            _positions(r, sc, rbase, rwho, rat.positions)
        st = actor.stances
        for name in ("policy", "voice", "cost"):
            stance = getattr(st, name, None) if name != "policy" else None
            r.add(
                f"actors.{aid}.weights.{name}",
                f"{who}: weight of {name} in the value of joining",
                float(getattr(actor.weights, name)),
                sources=[] if stance is None else stance.sources,
                estimate=stance is not None,
                note=None if stance is None else f"from the coded stance '{stance.code}'",
            )
        for table, label in (("outside_option", "outside option"), ("support", "support")):
            for alt, q in getattr(actor, table).items():
                title = sc.alternatives[alt].title if alt in sc.alternatives else alt
                r.quantity(f"actors.{aid}.{table}.{alt}", f"{who}: {label}, {title}", q)
    for alt_id, alt in sc.alternatives.items():
        s = alt.settings
        for field, label in _SETTING_LABELS.items():
            v = getattr(s, field, None)
            if isinstance(v, int | float) and not isinstance(v, bool):
                r.add(
                    f"alternatives.{alt_id}.settings.{field}",
                    f"{alt.title}: {label}",
                    float(v),
                    unit=_setting_unit(field, s.currency),
                    sources=alt.sources,
                )
        for iid, v in alt.fixed.items():
            issue = sc.issues.get(iid)
            r.add(
                f"alternatives.{alt_id}.fixed.{iid}",
                f"{alt.title}: {issue.title if issue is not None else iid} (fixed)",
                v if isinstance(v, str) else float(v),
                unit=None if isinstance(v, str) or issue is None else issue.unit,
                sources=alt.sources,
            )
        for k, p in enumerate(alt.pressure):
            r.quantity(
                f"alternatives.{alt_id}.pressure.{k}.outside_option",
                f"{alt.title}: pressure by {p.by} on {', '.join(p.on)}",
                p.outside_option.model_copy(
                    update={"sources": [*p.outside_option.sources, *p.sources]}
                ),
            )
    return r.rows
