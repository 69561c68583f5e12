"""The talks: one alternative through the whole path, and the comparison of all of them.

For one alternative::

    the table: each invited nation decides whether to come to the talks (mlf.table)
    negotiate the open issues among those at the table (bargaining model; observers never
      bargain, their influence is only an explicit pressure term the scenario sets)
      -> arrangement (control game, common units and units in kind, applied cost shares,
         manning)
      -> participation: each nation at the table decides for itself (a stable member set,
         or a reported cycle)
      -> members changed? renegotiate among the members, until a fixed point (or a cycle)
    final status (final_status), then analysis of an agreement only: the European test,
    power in the control game, costs, manning; guardrails (mlf.guardrails)

The comparison runs every alternative whose capability-weighted support reaches the scenario's
threshold through the same path ("alternative proposals should be tested by discussion in the
same way as the MLF itself, wherever there is apparent support for them", FRUS 1961-63 XIII
doc. 206) and lists the others with their support.

Guardrails from the memorandum, each reported for every alternative (:mod:`mlf.guardrails`):

* no selling: membership comes only from each nation's own decision; for each invited nation
  that stays out, the side payment that would buy it in is shown (and never made); on a
  cycle it is not met;
* fall-back: failed talks leave the status quo, never another alternative;
* genuinely European: no non-European veto player and no coalition of non-Europeans alone
  able to act (:func:`mlf.guardrails.is_genuinely_european`); an alternative that requires
  European control and fails the test does not count;
* the British question (:func:`british_question`): the smallest broadening of the agenda
  under which joining becomes the pivotal nation's (the United Kingdom's) own best choice.

Model of a nation's value of joining: see :mod:`mlf.participation`; where the bargaining
model's own mechanics produced a term: :mod:`mlf.mechanics`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np
from pydantic import ValidationError

from mlf import guardrails
from mlf._version import __version__
from mlf.bargaining import MODELS, BargainingInput, Forecast, forecast
from mlf.costs import (
    CostError,
    CostGame,
    CostModel,
    CostSplit,
    ceiling_for_the_rest,
    rescaled,
    split_nucleolus,
    split_proportional,
    split_shapley,
    with_lead_share,
)
from mlf.errors import GameError, MlfError
from mlf.games import Game, RuleContext, game_from_spec
from mlf.guardrails import is_genuinely_european
from mlf.mechanics import model_mechanics
from mlf.participation import (
    MAX_ENUMERATE,
    ParticipationGame,
    ParticipationResult,
    Terms,
    decide,
    equilibria,
)
from mlf.power import power_indices
from mlf.scenario import (
    Alternative,
    ArrangementSettings,
    Issue,
    LoadedScenario,
    Quantity,
    Scenario,
    issue_applies,
    issues_for,
)
from mlf.seeds import SeedLike, child_seed, resolve_seed
from mlf.table import TableResult, decide_table

ProgressFn = Callable[[int, int], None]


class AnalysisError(MlfError):
    """An alternative that cannot be analysed (shown as one line in the result)."""


# --------------------------------------------------------------------------- negotiation


@dataclass(frozen=True)
class Agreed:
    """The settled value of one issue: the value actually applied, and what was agreed.

    ``value`` is the value the arrangement uses and every utility is computed on. Where a
    rule of the arrangement changes what the talks agreed (a lead share above the ceiling),
    ``agreed`` keeps the agreed value and ``applied_by`` names the rule; the label shows both
    ("agreed 47%, paid 40% under the 40% ceiling").
    """

    issue: str
    value: float
    label: str
    source: str  # "negotiated" | "fixed" | "status quo"
    short: str = ""  # option id, or the value with its unit
    agreed: float | None = None  # the agreed value, when a rule applied another
    applied_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.value,
            "label": self.label,
            "short": self.short,
            "source": self.source,
        }
        if self.agreed is not None:
            out["agreed"] = self.agreed
            out["applied_by"] = self.applied_by
        return out


def _label(issue: Issue, x: float) -> str:
    if issue.options is not None:
        return issue.nearest_option(x).label
    unit = f" {issue.unit}" if issue.unit else ""
    return f"{x:.4g}{unit}"


def _short(issue: Issue, x: float) -> str:
    if issue.options is not None:
        return issue.nearest_option(x).id
    return f"{x:.4g} {issue.unit}".strip()


def _agreed(iid: str, issue: Issue, x: float, source: str) -> Agreed:
    return Agreed(iid, x, _label(issue, x), source, _short(issue, x))


def _snap(issue: Issue, x: float) -> float:
    """Options settle on the nearest option; scales keep the forecast."""
    if issue.options is not None:
        return float(issue.option_index(issue.nearest_option(x).id))
    return float(min(max(x, issue.lo), issue.hi))


def bargaining_input(
    sc: Scenario, issue_ids: Sequence[str], actors: Sequence[str]
) -> BargainingInput:
    """The negotiation of ``issue_ids`` among ``actors`` as arrays.

    An actor without a position on an issue sits at the status quo with salience 0 there.
    Options issues are placed on their index axis 0..m-1 (the options are ordered).
    """
    issues = [sc.issues[i] for i in issue_ids]
    n, k = len(actors), len(issues)
    pos = np.empty((n, k))
    sal = np.zeros((n, k))
    for j, (iid, issue) in enumerate(zip(issue_ids, issues, strict=True)):
        sq = issue.to_number(issue.status_quo)
        for a, aid in enumerate(actors):
            p = sc.actors[aid].positions.get(iid)
            if p is None:
                pos[a, j] = sq
            else:
                pos[a, j] = issue.to_number(p.position)
                sal[a, j] = p.salience.value
    return BargainingInput(
        actors=tuple(actors),
        issues=tuple(issue_ids),
        capability=np.array([sc.actors[a].capability.value for a in actors], dtype=np.float64),
        position=pos,
        salience=sal,
        lo=np.array([i.lo for i in issues], dtype=np.float64),
        hi=np.array([i.hi for i in issues], dtype=np.float64),
        status_quo=np.array([i.to_number(i.status_quo) for i in issues], dtype=np.float64),
    )


def negotiate(
    sc: Scenario,
    alt: Alternative,
    participants: Sequence[str],
    model: str,
    seed: int,
) -> tuple[dict[str, Agreed], Forecast | None, list[str]]:
    """Negotiate the alternative's open issues among ``participants`` (those at the table).

    Observers never bargain: their influence, if the scenario gives them any, is an explicit
    ``pressure`` term on named nations' outside options (:class:`mlf.scenario.Pressure`).
    Returns the agreed values of every issue the alternative settles (open and fixed), the
    model's forecast (None if nothing was negotiated) and notes.
    """
    notes: list[str] = []
    agreed: dict[str, Agreed] = {}
    for iid, value in alt.fixed.items():
        issue = sc.issues[iid]
        x = issue.to_number(value)
        agreed[iid] = _agreed(iid, issue, x, "fixed")
    actors = list(participants)
    open_issues = issues_for(sc, alt)  # only the open issues that apply to this alternative
    for iid in alt.open:
        if iid not in open_issues:
            notes.append(f"{iid} does not apply to this alternative: it is not negotiated")
    weight = {
        iid: sum(
            sc.actors[a].capability.value * sc.actors[a].positions[iid].salience.value
            for a in actors
            if iid in sc.actors[a].positions
        )
        for iid in open_issues
    }
    live = [i for i in open_issues if weight[i] > 0]
    for iid in open_issues:
        if iid not in live:
            issue = sc.issues[iid]
            x = issue.to_number(issue.status_quo)
            agreed[iid] = _agreed(iid, issue, x, "status quo")
            notes.append(f"nobody at the table cares about {iid}: it stays at the status quo")
    if not live:
        return agreed, None, notes
    inp = bargaining_input(sc, live, actors)
    params = sc.settings.model_params.get(model, {})
    fc = forecast(inp, model, params, seed)
    for j, iid in enumerate(live):
        issue = sc.issues[iid]
        x = _snap(issue, float(fc.outcome[j]))
        agreed[iid] = _agreed(iid, issue, x, "negotiated")
    return agreed, fc, notes


def arrangement_settings(
    sc: Scenario, alt: Alternative, agreed: Mapping[str, Agreed]
) -> ArrangementSettings:
    """The alternative's base settings, overridden by what each settled issue sets."""
    st = alt.settings
    for iid, a in agreed.items():
        issue = sc.issues[iid]
        if issue.options is not None:
            opt = issue.nearest_option(a.value)
            st = st.merged(opt.settings)
        elif issue.sets is not None:
            value = a.value * issue.scale_factor
            try:
                st = st.merged(ArrangementSettings.model_validate({issue.sets: value}))
            except ValidationError as exc:
                reason = exc.errors()[0].get("msg", "invalid")
                raise AnalysisError(
                    f"issue {iid} settles at {a.value:g}, which sets {issue.sets} = {value:g}: "
                    f"{reason}"
                ) from None
    return st


def applied_terms(
    sc: Scenario, alt: Alternative, agreed: Mapping[str, Agreed]
) -> tuple[dict[str, Agreed], ArrangementSettings]:
    """The settings the arrangement applies, and the agreed values restated as applied.

    A lead share above the alternative's ceiling is held at the ceiling ("no nation above
    40%", the US essential of FRUS 1961-63 XIII doc. 208): the settings carry the ceiling,
    and the issue that set the lead share is restated with ``value`` = the applied share and
    ``agreed`` = what the talks agreed, so that the arrangement, each nation's policy
    satisfaction and the report all use one number (the one actually paid).
    """
    st = arrangement_settings(sc, alt, agreed)
    out = dict(agreed)
    share, ceiling = st.lead_share, st.ceiling
    if share is not None and ceiling is not None and share > ceiling + 1e-12:
        st = st.model_copy(update={"lead_share": ceiling})
        for iid, a in agreed.items():
            issue = sc.issues[iid]
            if issue.options is None and issue.sets == "lead_share":
                x = ceiling / issue.scale_factor
                rule = f"under the {ceiling:.0%} ceiling"
                unit = f" {issue.unit}" if issue.unit else ""
                out[iid] = Agreed(
                    iid,
                    x,
                    f"agreed {a.value:.4g}{unit}, paid {x:.4g}{unit} {rule}",
                    a.source,
                    f"{x:.4g} {issue.unit} (agreed {a.value:.4g})".strip(),
                    agreed=a.value,
                    applied_by=rule,
                )
    return out, st


# --------------------------------------------------------------------------- arrangement


@dataclass(frozen=True)
class Arrangement:
    """What an agreement among ``members`` builds.

    ``units`` are the common units (built and paid from the common pool); ``in_kind`` the
    units each member brings in kind (e.g. British Polaris boats), which are not paid from
    the pool. ``in_kind_value`` is their annual value as contributions in kind, only when the
    settings state a value per unit (``in_kind_value_per_unit_year``); without one they are
    not counted in costs, and ``in_kind_note`` says so.
    """

    members: tuple[str, ...]
    settings: ArrangementSettings
    game: Game | None
    units: float
    units_in_kind: float
    annual_cost: float
    split: CostSplit | None
    payments: Mapping[str, float]  # annual, per member
    budget_share: Mapping[str, float]  # annual payment / defence budget
    feasible: bool
    reason: str = ""
    game_key: tuple[Any, ...] = ()
    in_kind: Mapping[str, float] = field(default_factory=dict)
    in_kind_value: Mapping[str, float] | None = None
    in_kind_note: str = ""


def _groups(sc: Scenario, members: Sequence[str]) -> dict[str, list[str]]:
    return {
        "european": [m for m in members if sc.actors[m].european],
        "non_european": [m for m in members if not sc.actors[m].european],
        "nuclear": [m for m in members if sc.actors[m].nuclear],
        "non_nuclear": [m for m in members if not sc.actors[m].nuclear],
    }


def _rule_actor_ids(spec: object) -> set[str]:
    """Actor ids named explicitly in a rule spec (lists of ids, weight mappings)."""
    found: set[str] = set()
    if isinstance(spec, Mapping):
        for key, value in spec.items():
            if key == "weights" and isinstance(value, Mapping):
                found.update(str(k) for k in value)
            elif key in ("unanimity", "veto", "members", "over", "to") and isinstance(value, list):
                found.update(str(v) for v in value if isinstance(v, str))
            elif key == "minimal_winning" and isinstance(value, list):
                for c in value:
                    if isinstance(c, list):
                        found.update(str(v) for v in c)
            else:
                found.update(_rule_actor_ids(value))
    elif isinstance(spec, list):
        for v in spec:
            found.update(_rule_actor_ids(v))
    return found


_COST_MODELS: dict[int, tuple[ArrangementSettings, CostModel | None]] = {}


def _cost_model(st: ArrangementSettings) -> CostModel | None:
    """The settings' cost model (memoised by identity: one per round of talks)."""
    hit = _COST_MODELS.get(id(st))
    if hit is not None and hit[0] is st:
        return hit[1]
    parts = (st.capital_per_unit, st.operating_per_unit_year, st.fixed_cost)
    cm: CostModel | None = None
    if any(p is not None for p in parts):
        term = st.term_years
        if term is None:
            if st.capital_per_unit or st.fixed_cost:
                raise AnalysisError(
                    "costs missing: capital or fixed costs are given but no term_years to "
                    "spread them over"
                )
            term = 1.0  # operating costs only: the term does not enter the annual cost
        cm = CostModel(
            capital_per_unit=st.capital_per_unit or 0.0,
            operating_per_unit_year=st.operating_per_unit_year or 0.0,
            term_years=term,
            fixed=st.fixed_cost or 0.0,
            currency=st.currency or "",
        )
    if len(_COST_MODELS) >= _CACHE_LIMIT:
        _COST_MODELS.clear()
    _COST_MODELS[id(st)] = (st, cm)
    return cm


def _value(q: Quantity | None) -> float:
    return 0.0 if q is None else q.value


def _split(
    sc: Scenario,
    st: ArrangementSettings,
    members: tuple[str, ...],
    total: float,
    requirements: Mapping[str, float],
    cm: CostModel | None,
) -> CostSplit:
    rule = st.split or "proportional"
    ceiling = st.ceiling
    lead = st.lead if st.lead in members else None
    rest = tuple(m for m in members if m != lead)
    lead_share = float(st.lead_share or 0.0) if lead is not None else 0.0
    if lead is not None and not rest:
        lead_share = 1.0
    held = ""
    if lead is not None and ceiling is not None and lead_share > ceiling + 1e-12:
        # The ceiling binds every member, the lead included (FACTS: 40% on any one nation).
        held = f"{lead}'s agreed share {lead_share:.1%} is held at the {ceiling:.0%} ceiling"
        lead_share = ceiling
    rest_total = total * (1.0 - lead_share)
    rest_ceiling = ceiling_for_the_rest(ceiling, lead_share) if lead is not None else ceiling
    if not rest:
        sub = None
    elif rule == "proportional":
        w = {m: _value(sc.actors[m].contribution) for m in rest}
        if sum(w.values()) <= 0:
            w = {m: 1.0 for m in rest}
        sub = split_proportional(w, rest_total, rest_ceiling, exact=False)
    elif rule == "gdp":
        gdp = {m: _value(sc.actors[m].gdp) for m in rest}
        if sum(gdp.values()) <= 0:
            raise CostError("split by GDP, but no member has a GDP")
        sub = split_proportional(gdp, rest_total, rest_ceiling, rule="gdp", exact=False)
    elif rule == "equal":
        sub = split_proportional(
            {m: 1.0 for m in rest}, rest_total, rest_ceiling, rule="equal", exact=False
        )
    else:
        if cm is None:
            raise CostError(f"the {rule} split needs a cost model (capital or operating cost)")
        factor = st.cost_factor or 1.0
        game = CostGame.from_requirements(
            rest,
            [Fraction(requirements.get(m, 0.0)).limit_denominator(10**6) for m in rest],
            lambda u: Fraction(cm.annual_cost(float(u)) * factor).limit_denominator(10**9),
            aggregate="max",
        )
        sub = split_shapley(game) if rule == "shapley" else split_nucleolus(game)
        sub = rescaled(sub, rest_total)
    if lead is None:
        assert sub is not None  # members is never empty here
        return sub
    out = with_lead_share(lead, lead_share, sub, total, rule=rule, order=members)
    if held:
        out = replace(out, notes=(held, *out.notes))
    return out


def build_arrangement(
    sc: Scenario, alt: Alternative, st: ArrangementSettings, members: Sequence[str]
) -> Arrangement:
    """The control game, force and cost split of an agreement among ``members``."""
    mem = tuple(m for m in alt.invited if m in members)
    units = float(st.units or 0.0)
    in_kind = {m: float(v) for m, v in (st.in_kind or {}).items() if m in mem and v > 0}
    units_in_kind = sum(in_kind.values())
    per_unit_kind = st.in_kind_value_per_unit_year
    in_kind_value = (
        None if per_unit_kind is None else {m: u * per_unit_kind for m, u in in_kind.items()}
    )
    kind_note = ""
    if in_kind and in_kind_value is None:
        kind_note = (
            f"units in kind ({', '.join(f'{m} {u:g}' for m, u in in_kind.items())}) are not "
            "counted in costs: the scenario states no value for them "
            "(settings.in_kind_value_per_unit_year)"
        )
    elif in_kind and in_kind_value is not None:
        values = ", ".join(
            f"{m} {u:g} units = {in_kind_value[m]:.4g} {st.currency or ''}".rstrip()
            for m, u in in_kind.items()
        )
        kind_note = f"contributions in kind, at the scenario's value per unit and year: {values}"

    def infeasible(reason: str) -> Arrangement:
        return Arrangement(
            mem, st, None, units, units_in_kind, 0.0, None, {}, {}, False, reason,
            in_kind=in_kind, in_kind_value=in_kind_value, in_kind_note=kind_note,
        )  # fmt: skip

    if len(mem) < alt.min_members:
        return infeasible(f"{len(mem)} member(s); the arrangement needs at least {alt.min_members}")
    cm = _cost_model(st)
    annual = cm.annual_cost(units) * (st.cost_factor or 1.0) if cm is not None else 0.0
    requirements: dict[str, float] = {}
    if st.split in ("shapley", "nucleolus"):
        # Each member's stand-alone requirement: its position on the force-size issue.
        unit_issue = next((i for i, iss in sc.issues.items() if iss.sets == "units"), None)
        for m in mem:
            p = sc.actors[m].positions.get(unit_issue) if unit_issue else None
            requirements[m] = (
                float(p.position) if p is not None and not isinstance(p.position, str) else units
            )
    try:
        split = _split(sc, st, mem, annual, requirements, cm) if annual > 0 else None
    except CostError as exc:
        return infeasible(str(exc))
    payments = (
        dict(zip(split.members, split.amounts, strict=True)) if split else {m: 0.0 for m in mem}
    )
    budget_share: dict[str, float] = {}
    for m in mem:
        pay = payments.get(m, 0.0)
        if pay <= 0:
            budget_share[m] = 0.0
            continue
        b = sc.actors[m].defence_budget
        if b is None or b.value <= 0:
            raise AnalysisError(
                f"costs missing: {m} pays {pay:.4g} a year but has no defence budget"
            )
        budget_share[m] = pay / b.value
    game: Game | None = None
    key: tuple[Any, ...] = ()
    if st.rule is not None:
        info = _spec_info(st.rule)
        unknown = sorted(info.actor_ids - set(alt.invited))
        if unknown:
            raise AnalysisError(
                f"the control rule refers to {', '.join(unknown)}, "
                f"who {'is' if len(unknown) == 1 else 'are'} not invited"
            )
        weights: dict[str, Mapping[str, float | int | Fraction]] = {}
        if info.uses_weights:
            # "contribution" is what each member pays into the common pool. Units in kind
            # weigh only in a rule that says so: "contribution_with_in_kind" adds their
            # stated value (and is refused when the scenario states none).
            paid = {m: payments.get(m, 0.0) for m in mem}
            weights = {
                "contribution": paid if sum(paid.values()) > 0 else {m: 1.0 for m in mem},
                "gdp": {m: _value(sc.actors[m].gdp) for m in mem},
                "capability": {m: sc.actors[m].capability.value for m in mem},
            }
            if "contribution_with_in_kind" in info.text:
                if in_kind and in_kind_value is None:
                    raise AnalysisError(
                        "the control rule weighs contributions in kind, but the scenario "
                        "states no value for units in kind (settings.in_kind_value_per_unit_year)"
                    )
                both = {m: paid[m] + (in_kind_value or {}).get(m, 0.0) for m in mem}
                weights["contribution_with_in_kind"] = (
                    both if sum(both.values()) > 0 else {m: 1.0 for m in mem}
                )
        groups = _groups(sc, mem)
        key = _game_key(info, mem, groups, weights)
        try:
            game = _control_game(key, st.rule, RuleContext(mem, groups, weights))
        except MlfError as exc:
            return infeasible(f"control rule cannot be built: {exc}")
        if not game.has_winning:
            return infeasible("under the control rule no coalition of these members can act")
    return Arrangement(
        mem, st, game, units, units_in_kind, annual, split, payments, budget_share, True, "",
        key, in_kind, in_kind_value, kind_note,
    )  # fmt: skip


# Control games and their voice indices recur across member sets, rounds, alternatives and
# sensitivity draws; both are cached by what determines them (bounded, per process).
_CACHE_LIMIT = 20_000
_GAMES: dict[tuple[Any, ...], Game] = {}
_VOICES: dict[tuple[Any, ...], dict[str, float]] = {}


def _uses_weights(spec: object) -> bool:
    if isinstance(spec, Mapping):
        return any(k in ("weighted", "vector") or _uses_weights(v) for k, v in spec.items())
    if isinstance(spec, list):
        return any(_uses_weights(v) for v in spec)
    return False


@dataclass(frozen=True)
class _SpecInfo:
    spec: object
    text: str
    uses_weights: bool
    actor_ids: frozenset[str]


_SPECS: dict[int, _SpecInfo] = {}


def _spec_info(spec: object) -> _SpecInfo:
    """Canonical text, weight use and named actors of a rule spec, memoised by identity."""
    hit = _SPECS.get(id(spec))
    if hit is not None and hit.spec is spec:
        return hit
    if len(_SPECS) >= _CACHE_LIMIT:
        _SPECS.clear()
    info = _SpecInfo(
        spec,
        json.dumps(spec, sort_keys=True),
        _uses_weights(spec),
        frozenset(_rule_actor_ids(spec)),
    )
    _SPECS[id(spec)] = info
    return info


def _game_key(
    info: _SpecInfo,
    members: tuple[str, ...],
    groups: Mapping[str, Sequence[str]],
    weights: Mapping[str, Mapping[str, float | int | Fraction]],
) -> tuple[Any, ...]:
    w: tuple[Any, ...] = ()
    if info.uses_weights:
        w = tuple(
            (name, tuple(round(float(v[m]), 12) for m in members if m in v))
            for name, v in sorted(weights.items())
        )
    return (
        info.text,
        members,
        tuple((g, tuple(v)) for g, v in sorted(groups.items())),
        w,
    )


def _control_game(key: tuple[Any, ...], spec: object, ctx: RuleContext) -> Game:
    game = _GAMES.get(key)
    if game is None:
        if len(_GAMES) >= _CACHE_LIMIT:
            _GAMES.clear()
        game = game_from_spec(spec, ctx, missing="drop")
        _GAMES[key] = game
    return game


def voice_of(arr: Arrangement, index: str) -> dict[str, float]:
    """Each member's power index (``index``) in the arrangement's control game (0 without one)."""
    if arr.game is None:
        return {m: 0.0 for m in arr.members}
    key = (*arr.game_key, index)
    hit = _VOICES.get(key)
    if hit is None:
        if len(_VOICES) >= _CACHE_LIMIT:
            _VOICES.clear()
        res = power_indices(arr.game, indices=[index])
        hit = {m: float(x) for m, x in res.indices[index].items()}
        _VOICES[key] = hit
    return hit


# --------------------------------------------------------------------------- utility


def policy_satisfaction(sc: Scenario, actor: str, agreed: Mapping[str, Agreed]) -> float:
    """Salience-weighted closeness of the agreed values to the actor's positions, in [0, 1].

    ``sum_k s_k (1 - |x_k - p_k| / (hi_k - lo_k)) / sum_k s_k`` over the issues the actor has a
    position on and the agreement settles; 0 when there is none.
    """
    num = 0.0
    den = 0.0
    for iid, a in agreed.items():
        p = sc.actors[actor].positions.get(iid)
        if p is None:
            continue
        issue = sc.issues[iid]
        s = p.salience.value
        num += s * (1.0 - abs(a.value - issue.to_number(p.position)) / (issue.hi - issue.lo))
        den += s
    return num / den if den > 0 else 0.0


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class TalksRound:
    """One pass of the loop: who negotiated, what they agreed, who then chose to join."""

    participants: tuple[str, ...]
    agreed: Mapping[str, Agreed]
    members: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "participants": list(self.participants),
            "agreed": {k: v.to_dict() for k, v in self.agreed.items()},
            "members": list(self.members),
        }


@dataclass(frozen=True)
class AlternativeOutcome:
    """Everything mlf found about one alternative."""

    id: str
    title: str
    support: float
    status: str  # "agreement" | "no agreement" | "cycle" | "not analysed" | "does not count"
    detail: str
    rounds: tuple[TalksRound, ...] = ()
    fixed_point: str = ""
    forecast: Forecast | None = None
    agreed: Mapping[str, Agreed] = field(default_factory=dict)
    arrangement: Arrangement | None = None
    participation: ParticipationResult | None = None
    power: Mapping[str, Any] | None = None
    european: Mapping[str, Any] | None = None
    manning: Mapping[str, Any] | None = None
    guardrails: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    table: TableResult | None = None
    #: where the negotiation model's own mechanics produced a term (see mlf.mechanics)
    mechanics: tuple[str, ...] = ()

    @property
    def members(self) -> tuple[str, ...]:
        if self.arrangement is None or self.status != "agreement":
            return ()
        return self.arrangement.members

    def to_dict(self, sc: Scenario) -> dict[str, Any]:
        arr = self.arrangement
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "support": self.support,
            "status": self.status,
            "detail": self.detail,
            "members": list(self.members),
            "fixed_point": self.fixed_point,
            "rounds": [r.to_dict() for r in self.rounds],
            "agreed": {
                k: {**v.to_dict(), "title": sc.issues[k].title, "unit": sc.issues[k].unit}
                for k, v in self.agreed.items()
            },
            "table": None if self.table is None else self.table.to_dict(),
            "negotiation": None if self.forecast is None else _forecast_dict(sc, self.forecast),
            "participation": None if self.participation is None else self.participation.to_dict(),
            "mechanics": list(self.mechanics),
            "power": self.power,
            "european": self.european,
            "manning": self.manning,
            "guardrails": dict(self.guardrails),
            "notes": list(self.notes),
            "arrangement": None,
        }
        alt = sc.alternatives.get(self.id)
        if alt is not None and alt.pressure:
            # Each explicit pressure term beside each decision it touches.
            blocks = [out["participation"], out["table"]]
            for block in blocks:
                for aid, d in ((block or {}).get("decisions") or {}).items():
                    pr = pressure_on(alt, aid)
                    if pr:
                        d["pressure"] = pr
        if arr is not None and self.status == "agreement":
            # Costs, force and control are analysed on the final outcome only.
            out["arrangement"] = {
                "members": list(arr.members),
                "feasible": arr.feasible,
                "reason": arr.reason,
                "units": arr.units,
                "units_in_kind": arr.units_in_kind,
                "in_kind": dict(arr.in_kind),
                "rule": arr.settings.rule,
                "rule_text": None if arr.game is None else str(arr.game),
                "settings": arr.settings.model_dump(mode="json", exclude_none=True),
                "cost": {
                    "annual": arr.annual_cost,
                    "currency": arr.settings.currency or "",
                    "term_years": arr.settings.term_years,
                    "split": None if arr.split is None else arr.split.to_dict(),
                    "payments": dict(arr.payments),
                    "budget_share": dict(arr.budget_share),
                    "in_kind_value": None if arr.in_kind_value is None else dict(arr.in_kind_value),
                    "in_kind_note": arr.in_kind_note,
                },
            }
        return out


def _forecast_dict(sc: Scenario, fc: Forecast) -> dict[str, Any]:
    issues: dict[str, Any] = {}
    for j, iid in enumerate(fc.issues):
        issue = sc.issues[iid]
        issues[iid] = {
            "title": issue.title,
            "unit": issue.unit,
            "options": None if issue.options is None else [o.label for o in issue.options],
            "forecast": float(fc.outcome[j]),
            "rounds": fc.trajectory[:, :, j].tolist(),
            "outcome_by_round": fc.outcome_trajectory[:, j].tolist(),
        }
    return {
        "model": fc.model,
        "actors": list(fc.actors),
        "converged": fc.converged,
        "rounds": fc.rounds,
        "stop_reason": fc.stop_reason,
        "params": dict(fc.params),
        "probabilities": None if fc.probabilities is None else fc.probabilities.tolist(),
        "issues": issues,
    }


# --------------------------------------------------------------------------- one alternative


def support_of(sc: Scenario, alt_id: str) -> float:
    """Capability-weighted support: sum c_i s_i / sum c_i over actors stating a support.

    The sums are exact (``math.fsum``), so the result does not depend on the order of the
    actors in the file.
    """
    pairs = [
        (a.capability.value, q.value)
        for a in sc.actors.values()
        if (q := a.support.get(alt_id)) is not None
    ]
    den = math.fsum(c for c, _ in pairs)
    return math.fsum(c * s for c, s in pairs) / den if den > 0 else 0.0


def run_alternative(
    sc: Scenario,
    alt_id: str,
    *,
    model: str | None = None,
    seed: SeedLike = None,
    enumerate_equilibria: bool = True,
    alternative: Alternative | None = None,
    detail: bool = True,
) -> AlternativeOutcome:
    """Negotiate, decide, renegotiate until a fixed point; then analyse (see module doc).

    A problem that makes the alternative impossible to analyse (costs missing, a rule naming
    an actor who is not invited) becomes ``status == "not analysed"`` with a one-line detail.

    ``detail=False`` (sensitivity draws) leaves out what only the report shows: all the power
    indices (the voice index stays), the manning plan, and the decisions "if all join".

    ``seed`` (any form :mod:`mlf.seeds` accepts; None = the scenario's ``settings.seed``) is
    the root: negotiation ``step`` of the alternative uses ``child_seed(seed, alt_id, step)``,
    derived from the alternative's id, never from its position in the file.
    """
    alt = alternative if alternative is not None else sc.alternatives[alt_id]
    mdl = model or sc.settings.model
    if mdl not in MODELS:
        raise MlfError(f"unknown model {mdl!r} (known: {', '.join(sorted(MODELS))})")
    sd = sc.settings.seed if seed is None else resolve_seed(seed)
    support = support_of(sc, alt_id)
    try:
        return _run(sc, alt_id, alt, mdl, sd, support, enumerate_equilibria and detail, detail)
    except (AnalysisError, CostError) as exc:
        return AlternativeOutcome(
            id=alt_id, title=alt.title, support=support, status="not analysed", detail=str(exc)
        )
    except GameError as exc:  # e.g. a control rule with more members than exact indices take
        why = re.sub(r";? ?pass samples=.*$", "", str(exc))
        return AlternativeOutcome(
            id=alt_id,
            title=alt.title,
            support=support,
            status="not analysed",
            detail=f"its control rule cannot be analysed exactly: {why}",
        )


def _outside(sc: Scenario, actor: str, alt_id: str, alt: Alternative | None = None) -> float:
    """The actor's outside option for the alternative, plus any pressure the scenario sets."""
    q = sc.actors[actor].outside_option.get(alt_id)
    base = q.value if q is not None else 0.0
    if alt is not None:
        base += sum(p.outside_option.value for p in alt.pressure if actor in p.on)
    return base


def _budget(sc: Scenario, actor: str) -> float | None:
    b = sc.actors[actor].defence_budget
    return None if b is None else b.value


def pressure_on(alt: Alternative, actor: str) -> list[dict[str, Any]]:
    """The explicit pressure terms acting on ``actor`` in ``alt`` (for the report)."""
    return [
        {
            "by": p.by,
            "outside_option": p.outside_option.value,
            "sources": list(p.outside_option.sources or p.sources),
            "note": p.note or p.outside_option.note or "",
        }
        for p in alt.pressure
        if actor in p.on
    ]


def is_force_alternative(sc: Scenario, alt: Alternative) -> bool:
    """Whether the alternative builds a force: its size is negotiated, or fixed above zero.

    Such an alternative reaches agreement only with common units above zero; units brought in
    kind do not count toward that test.
    """
    for iid, issue in sc.issues.items():
        if issue.sets != "units":
            continue
        if iid in alt.open:
            return True
        if iid in alt.fixed and issue.to_number(alt.fixed[iid]) > 0:
            return True
    return bool(alt.settings.units)


def _compromise_position(sc: Scenario, iid: str, actors: Sequence[str]) -> float:
    """Capability x salience weighted mean of ``actors``' positions (status quo if none)."""
    issue = sc.issues[iid]
    num = den = 0.0
    for a in actors:
        p = sc.actors[a].positions.get(iid)
        if p is None:
            continue
        w = sc.actors[a].capability.value * p.salience.value
        num += w * issue.to_number(p.position)
        den += w
    return num / den if den > 0 else issue.to_number(issue.status_quo)


def come_to_table(sc: Scenario, alt_id: str, alt: Alternative | None = None) -> TableResult:
    """Each invited nation's decision to come to the table (rule: :mod:`mlf.table`)."""
    return _table(sc, alt_id, alt if alt is not None else sc.alternatives[alt_id])


def _table(sc: Scenario, alt_id: str, alt: Alternative) -> TableResult:
    """Each invited nation's decision to come to the table (rule: :mod:`mlf.table`)."""
    base: dict[str, Agreed] = {}
    for iid, value in alt.fixed.items():
        issue = sc.issues[iid]
        base[iid] = _agreed(iid, issue, issue.to_number(value), "fixed")
    open_issues = issues_for(sc, alt)
    fill = {iid: _compromise_position(sc, iid, alt.invited) for iid in open_issues}
    force = is_force_alternative(sc, alt)

    def own_terms(actor: str) -> Terms | str:
        agreed = dict(base)
        for iid in open_issues:
            issue = sc.issues[iid]
            p = sc.actors[actor].positions.get(iid)
            x = fill[iid] if p is None else issue.to_number(p.position)
            agreed[iid] = _agreed(iid, issue, _snap(issue, x), "own position")
        agreed, st = applied_terms(sc, alt, agreed)
        if force and not st.units:
            unit_issue = next((i for i in open_issues if sc.issues[i].sets == "units"), "")
            return f"on its own terms there is no force ({unit_issue or 'the force size'} at 0)"
        arr = build_arrangement(sc, alt, st, alt.invited)
        if not arr.feasible:
            return f"even on its own terms, with every invited nation in, {arr.reason}"
        w = sc.actors[actor].weights
        return Terms(
            policy_satisfaction(sc, actor, agreed),
            voice_of(arr, sc.settings.power_index).get(actor, 0.0),
            arr.budget_share.get(actor, 0.0),
            w.policy,
            w.voice,
            w.cost,
        )

    outside = {a: _outside(sc, a, alt_id, alt) for a in alt.invited}
    return decide_table(alt.invited, own_terms, outside)


def _run(
    sc: Scenario,
    alt_id: str,
    alt: Alternative,
    model: str,
    seed: int,
    support: float,
    enumerate_all: bool,
    full: bool = True,
) -> AlternativeOutcome:
    table = _table(sc, alt_id, alt)
    at_table = table.at_table
    notes: list[str] = []
    if len(at_table) < alt.min_members:
        away = ", ".join(table.stayed_away) or "nobody"
        status = "no agreement"
        detail = (
            f"only {len(at_table)} of the invited come to the table (stayed away: {away}); "
            f"the arrangement needs {alt.min_members}; the outcome is the status quo"
        )
        return AlternativeOutcome(
            id=alt_id,
            title=alt.title,
            support=support,
            status=status,
            detail=detail,
            table=table,
            guardrails={"fallback": guardrails.fallback(status)},
            notes=(detail,),
        )
    participants = at_table
    rounds: list[TalksRound] = []
    seen: dict[frozenset[str], int] = {}
    fixed_point = ""
    agreed: dict[str, Agreed] = {}
    fc: Forecast | None = None
    part: ParticipationResult | None = None
    settings = alt.settings
    for step in range(sc.settings.max_renegotiations):
        agreed, fc, n = negotiate(sc, alt, participants, model, child_seed(seed, alt_id, step))
        notes.extend(x for x in n if x not in notes)
        agreed, settings = applied_terms(sc, alt, agreed)
        pg = _participation_game(sc, alt_id, alt, settings, agreed, at_table)
        part = decide(pg, enumerate_all=False, at_start=full)
        members = tuple(a for a in alt.invited if a in part.members)
        rounds.append(TalksRound(participants, dict(agreed), members))
        if part.cycle:
            fixed_point = (
                f"cycle: the nations' own decisions after round {step + 1} of talks never "
                "settle on a member set"
            )
            break
        key = frozenset(members)
        if key == frozenset(participants):
            fixed_point = f"fixed point after {step + 1} round(s) of talks"
            break
        if len(members) < alt.min_members:
            fixed_point = (
                f"talks end after {step + 1} round(s): only {len(members)} nation(s) would join"
            )
            break
        if key in seen:
            fixed_point = (
                f"cycle: the member set of round {seen[key] + 1} recurs in round {step + 1}"
            )
            break
        seen[key] = step
        participants = members
    else:
        fixed_point = f"no fixed point within {sc.settings.max_renegotiations} rounds"
    assert part is not None
    if enumerate_all and len(at_table) <= MAX_ENUMERATE:
        # All stable member sets under the terms finally agreed (once, at the end).
        part = replace(part, equilibria=tuple(equilibria(pg)))
    members = tuple(a for a in alt.invited if a in part.members)
    arr = build_arrangement(sc, alt, settings, members)
    # The final outcome, after every override; only then the analyses.
    status, detail = final_status(sc, alt, part, arr, fixed_point)
    power: dict[str, Any] | None = None
    european: dict[str, Any] | None = None
    manning: dict[str, Any] | None = None
    if status == "agreement" and arr.game is not None:
        eu = [m for m in arr.members if sc.actors[m].european]
        european = {
            **is_genuinely_european(arr.game, eu).to_dict(),
            "required": alt.requires_european_control,
        }
        if alt.requires_european_control and not european["ok"]:
            status = "does not count"
            detail = (
                f"the control rule is not genuinely European ({european['reason']}); "
                "the outcome is the status quo"
            )
    elif status == "agreement" and alt.requires_european_control:
        european = {
            "ok": False,
            "reason": "no joint control rule",
            "failed": ["no_control_rule"],
            "required": True,
        }
        status = "does not count"
        detail = (
            "there is no joint control rule to be genuinely European; the outcome is the status quo"
        )
    if status == "agreement":
        if full and arr.game is not None:
            power = power_indices(arr.game).to_dict()
        if full:
            manning = _manning(arr)
    guard: dict[str, Any] = {}
    budgets = {a: _budget(sc, a) for a in alt.invited}
    guard["no_selling"] = guardrails.no_selling(
        part.decisions, budgets, arr.settings.currency or "", cycle=status == "cycle"
    )
    guard["fallback"] = guardrails.fallback(status)
    if european is not None:
        guard["genuinely_european"] = european
    guard["fixed_point"] = guardrails.fixed_point(fixed_point)
    if table.stayed_away:
        notes.append(
            "stayed away from the table: "
            + "; ".join(d.reason for d in table.decisions if not d.comes)
        )
    mechanics = tuple(model_mechanics(sc, fc, model)) if fc is not None and full else ()
    return AlternativeOutcome(
        id=alt_id,
        title=alt.title,
        support=support,
        status=status,
        detail=detail,
        rounds=tuple(rounds),
        fixed_point=fixed_point,
        forecast=fc,
        agreed=agreed,
        arrangement=arr,
        participation=part,
        power=power,
        european=european,
        manning=manning,
        guardrails=guard,
        notes=tuple(notes),
        table=table,
        mechanics=mechanics,
    )


def final_status(
    sc: Scenario,
    alt: Alternative,
    part: ParticipationResult,
    arr: Arrangement,
    fixed_point: str,
) -> tuple[str, str]:
    """The status of the final outcome (before the European test) and its one-line detail.

    In order: a participation cycle or a renegotiation cycle is ``"cycle"`` (no member set);
    an arrangement that cannot be built is ``"no agreement"``; so is a force alternative
    (:func:`is_force_alternative`) whose common units are not above zero: units brought in
    kind do not make a common force. Otherwise ``"agreement"``.
    """
    unit_issue = next((i for i in alt.open if sc.issues[i].sets == "units"), None)
    if part.cycle:
        status = "cycle"
        cyc = part.dynamics.cycle_sets
        sets = " -> ".join("{" + ", ".join(s) + "}" for s in (*cyc, cyc[0]))
        detail = (
            f"participation cycles ({sets}): no member set is stable, so there is no "
            "agreement to analyse; the outcome is the status quo"
        )
    elif fixed_point.startswith("cycle"):
        status = "cycle"
        detail = (
            f"renegotiation cycles ({fixed_point}): no member set is stable under the terms it "
            "agrees; the outcome is the status quo"
        )
    elif not arr.feasible:
        status = "no agreement"
        detail = f"talks fail ({arr.reason}); the outcome is the status quo"
    elif is_force_alternative(sc, alt) and arr.units <= 0:
        # Negotiating a force down to nothing is failed talks; units in kind do not count.
        status = "no agreement"
        what = f"the talks settle {unit_issue} at 0" if unit_issue else "the force has 0 units"
        kind = (
            f" (the {arr.units_in_kind:g} units brought in kind are not a common force)"
            if arr.units_in_kind > 0
            else ""
        )
        detail = f"{what}: no common force{kind}; the outcome is the status quo"
    else:
        status = "agreement"
        detail = f"{len(arr.members)} members: {', '.join(arr.members)}"
    return status, detail


def _participation_game(
    sc: Scenario,
    alt_id: str,
    alt: Alternative,
    st: ArrangementSettings,
    agreed: Mapping[str, Agreed],
    at_table: Sequence[str],
) -> ParticipationGame:
    cache: dict[frozenset[str], Arrangement] = {}
    policy = {a: policy_satisfaction(sc, a, agreed) for a in at_table}

    def arrangement(members: frozenset[str]) -> Arrangement:
        hit = cache.get(members)
        if hit is None:
            hit = build_arrangement(sc, alt, st, sorted(members))
            cache[members] = hit
        return hit

    def terms(members: frozenset[str], actor: str) -> Terms:
        w = sc.actors[actor].weights
        arr = arrangement(members)
        if not arr.feasible:
            return Terms(0.0, 0.0, 0.0, w.policy, w.voice, w.cost, feasible=False, note=arr.reason)
        voice = voice_of(arr, sc.settings.power_index).get(actor, 0.0)
        return Terms(
            policy[actor], voice, arr.budget_share.get(actor, 0.0), w.policy, w.voice, w.cost
        )

    def bounds(members: frozenset[str], actor: str) -> tuple[float, float]:
        # Voice is a normalised index in [0, 1]; the rest is cheap (cached arrangement).
        w = sc.actors[actor].weights
        arr = arrangement(members)
        if not arr.feasible:
            return float("-inf"), float("-inf")
        base = w.policy * policy[actor] - w.cost * arr.budget_share.get(actor, 0.0)
        if arr.game is None:
            return base, base
        return base, base + w.voice

    outside = {a: _outside(sc, a, alt_id, alt) for a in at_table}
    return ParticipationGame(at_table, terms, outside, bounds)


def _manning(arr: Arrangement) -> dict[str, Any] | None:
    """The mixed-manning plan of the arrangement (:mod:`mlf.manning`).

    Without ``units_per_ship`` or ``crew_per_ship`` in the alternative's settings the plan is
    ``status: "not analysed"`` with one line saying which is missing (no value is assumed),
    as a missing ``term_years`` makes the costs.
    """
    st = arr.settings
    if not st.mixed_manning:
        return {"mixed": False, "feasible": True, "reason": "national crews (no mixed manning)"}
    per_ship, crew = st.units_per_ship, st.crew_per_ship
    if per_ship is None or crew is None:
        given = (("units_per_ship", per_ship), ("crew_per_ship", crew))
        missing = [f for f, v in given if v is None]
        return {
            "mixed": True,
            "feasible": False,
            "status": "not analysed",
            "reason": (
                f"manning not analysed: mixed manning is agreed but the alternative's settings "
                f"give no {' and no '.join(missing)} to size the crews"
            ),
        }
    from mlf.manning import ManningError, ManningRules, solve_manning

    ships = max(1, math.ceil(arr.units / per_ship)) if arr.units > 0 else 0
    if ships == 0:
        return {"mixed": True, "feasible": True, "reason": "no ships to crew", "ships": []}
    total = sum(arr.payments.values())
    targets = (
        {m: arr.payments.get(m, 0.0) for m in arr.members}
        if total > 0
        else {m: 1.0 for m in arr.members}
    )
    try:
        rules = ManningRules(
            nations=arr.members,
            ships=ships,
            crew_per_ship=crew,
            max_share=st.max_crew_share or 1.0,
            min_nationalities=st.min_nationalities or 1,
            targets=targets,
        )
        plan = solve_manning(rules)
    except ManningError as exc:
        return {"mixed": True, "feasible": False, "reason": str(exc)}
    return {"mixed": True, **plan.to_dict()}


# --------------------------------------------------------------------------- the comparison


@dataclass(frozen=True)
class RunResult:
    """The result of ``mlf run``: every alternative, the British question, the manifest."""

    loaded: LoadedScenario
    model: str
    seed: int
    outcomes: tuple[AlternativeOutcome, ...]
    below_threshold: tuple[tuple[str, str, float], ...]
    british: Mapping[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        sc = self.loaded.scenario
        cited = _cited_sources(sc)
        return {
            "manifest": {
                "mlf_version": __version__,
                "scenario_id": sc.meta.id,
                "scenario_sha256": self.loaded.sha256,
                "scenario_path": self.loaded.path if not self.loaded.builtin else None,
                "model": self.model,
                "model_params": sc.settings.model_params.get(self.model, {}),
                "seed": self.seed,
                "support_threshold": sc.settings.support_threshold,
                "power_index": sc.settings.power_index,
            },
            "scenario": {
                "id": sc.meta.id,
                "title": sc.meta.title,
                "date": sc.meta.date.isoformat(),
                "description": sc.meta.description,
                "actors": {
                    k: {
                        "name": a.name,
                        "european": a.european,
                        "nuclear": a.nuclear,
                        "capability": a.capability.value,
                        "defence_budget": None
                        if a.defence_budget is None
                        else a.defence_budget.value,
                        "gdp": None if a.gdp is None else a.gdp.value,
                    }
                    for k, a in sc.actors.items()
                },
                "warnings": list(self.loaded.warnings),
            },
            "alternatives": [o.to_dict(sc) for o in self.outcomes],
            "below_threshold": [
                {"id": i, "title": t, "support": s} for i, t, s in self.below_threshold
            ],
            "british_question": self.british,
            "sources": [s.model_dump(mode="json", exclude_none=True) for s in cited],
        }


def _cited_sources(sc: Scenario) -> list[Any]:
    import json

    text = json.dumps(sc.model_dump(mode="json", exclude={"meta"}))
    return [s for s in sc.meta.sources if f'"{s.key}"' in text]


def run_scenario(
    loaded: LoadedScenario,
    *,
    model: str | None = None,
    seed: SeedLike = None,
    alternative: str | None = None,
    enumerate_equilibria: bool = True,
    british: bool = True,
    progress: ProgressFn | None = None,
) -> RunResult:
    """Run every alternative with apparent support through the same path (or just one).

    ``seed``: any form :mod:`mlf.seeds` accepts; None = the scenario's ``settings.seed``. The
    result records the integer seed used.
    """
    sc = loaded.scenario
    mdl = model or sc.settings.model
    if mdl not in MODELS:
        raise MlfError(f"unknown model {mdl!r} (known: {', '.join(sorted(MODELS))})")
    sd = sc.settings.seed if seed is None else resolve_seed(seed)
    if alternative is not None and alternative not in sc.alternatives:
        raise MlfError(f"unknown alternative {alternative!r} (known: {', '.join(sc.alternatives)})")
    ids = [alternative] if alternative else list(sc.alternatives)
    chosen: list[str] = []
    below: list[tuple[str, str, float]] = []
    for i in ids:
        s = support_of(sc, i)
        if alternative or s >= sc.settings.support_threshold:
            chosen.append(i)
        else:
            below.append((i, sc.alternatives[i].title, s))
    total = len(chosen) + (1 if british else 0)
    outcomes: list[AlternativeOutcome] = []
    for k, i in enumerate(chosen):
        outcomes.append(
            run_alternative(sc, i, model=mdl, seed=sd, enumerate_equilibria=enumerate_equilibria)
        )
        if progress is not None:
            progress(k + 1, total)
    bq = british_question(sc, outcomes, model=mdl, seed=sd) if british else None
    if progress is not None and british:
        progress(total, total)
    return RunResult(loaded, mdl, sd, tuple(outcomes), tuple(below), bq)


# --------------------------------------------------------------------------- the British question


def british_question(
    sc: Scenario,
    outcomes: Sequence[AlternativeOutcome],
    *,
    model: str,
    seed: int,
) -> dict[str, Any] | None:
    """The smallest broadening of the agenda that makes joining the pivot's own best choice.

    The pivot is ``settings.pivotal_actor`` (the United Kingdom in the built-ins) and the
    agenda is broadened along ``settings.broadening_issue`` (its options, in order, from narrow
    to broad): "[the President] would be willing to see the subject matter of the talks ...
    broadened and softened if necessary to ensure British participation" (FRUS 1961-63 XIII,
    doc. 206). For each analysed alternative that invites the pivot, the issue is fixed at
    each option in turn, narrowest first, and the whole path is rerun; the first option under
    which the pivot joins by its own decision is the answer ("no broadening needed" if it is
    the narrowest). If none does, the answer says so. What the talks themselves settled the
    issue at (when it was open) is reported beside it.
    """
    pivot = sc.settings.pivotal_actor
    issue_id = sc.settings.broadening_issue
    if pivot is None or pivot not in sc.actors:
        return None
    name = sc.actors[pivot].name
    result: dict[str, Any] = {"actor": pivot, "name": name, "issue": issue_id, "alternatives": {}}
    answers: list[str] = []
    issue = sc.issues.get(issue_id) if issue_id is not None else None
    for out in outcomes:
        alt = sc.alternatives[out.id]
        if pivot not in alt.invited or out.status == "not analysed":
            continue
        if issue_id is not None and issue_id in sc.issues and not issue_applies(
            sc.issues, alt, issue_id
        ):
            continue  # e.g. no force to take British Polaris into
        settled = out.agreed.get(issue_id) if issue_id is not None else None
        entry: dict[str, Any] = {
            "as_negotiated": {
                "joins": pivot in out.members,
                "scope": None if settled is None else settled.label,
                "scope_source": None if settled is None else settled.source,
            },
            "steps": [],
            "broadening": None,
        }
        found: str | None = None
        if issue is not None and issue.options is not None and issue_id is not None:
            for k, opt in enumerate(issue.options):
                variant = alt.model_copy(
                    update={
                        "open": [i for i in alt.open if i != issue_id],
                        "fixed": {**alt.fixed, issue_id: opt.id},
                    }
                )
                trial = run_alternative(
                    sc,
                    out.id,
                    model=model,
                    seed=seed,
                    enumerate_equilibria=False,
                    alternative=variant,
                )
                dec = None
                if trial.participation is not None:
                    dec = next((d for d in trial.participation.decisions if d.actor == pivot), None)
                joined = pivot in trial.members
                entry["steps"].append(
                    {
                        "option": opt.id,
                        "label": opt.label,
                        "joins": joined,
                        "margin": None if dec is None else _finite(dec.margin),
                        "members": list(trial.members),
                        "status": trial.status,
                    }
                )
                if joined:
                    found = opt.label
                    entry["broadening"] = None if k == 0 else opt.id
                    entry["needed"] = k > 0
                    break
        if found is not None and not entry.get("needed"):
            entry["answer"] = f"{name} joins {out.title} on the narrowest agenda ('{found}')"
        elif found is not None:
            entry["answer"] = f"{name} joins {out.title} once the talks are broadened to '{found}'"
        else:
            entry["answer"] = (
                f"no broadening within the scenario makes joining {out.title} "
                f"{name}'s own best choice"
            )
        result["alternatives"][out.id] = entry
        answers.append(entry["answer"])
    result["summary"] = "; ".join(answers) if answers else f"{name} is invited to no alternative"
    return result


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None
