"""The arrangement: settings from the settled issues, the control game, costs and voice.

What the agreed terms build: the settings each settled issue sets (a lead share held at its
ceiling), common units and units in kind, each member's payment and budget share, and the
control game (cached by its inputs, since the participation search rebuilds it often).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import annotated_types
import numpy as np
from pydantic import ValidationError

from mlf._modelcopy import copied
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
from mlf.errors import MlfError
from mlf.games import (
    AndGame,
    Game,
    OrGame,
    RuleContext,
    UnanimityGame,
    VectorWeightedGame,
    WeightedGame,
    game_from_spec,
    rule_actors,
    rule_uses_weights,
)
from mlf.power import power_indices
from mlf.scenario import (
    MAX_MAGNITUDE,
    Alternative,
    ArrangementSettings,
    Num,
    Quantity,
    Scenario,
)
from mlf.talks import memo
from mlf.talks.errors import AnalysisError
from mlf.talks.negotiation import Agreed


def arrangement_settings(
    sc: Scenario, alt: Alternative, agreed: Mapping[str, Agreed]
) -> ArrangementSettings:
    """The alternative's base settings, overridden by what each settled issue sets.

    The issues are applied in order, a later one overriding what an earlier one set (the
    fields each sets are merged into one update, so the settings are copied once). With
    memoisation on (:mod:`mlf.talks.memo`) the result is cached by the alternative, the
    scenario's issues and the settled values, which are all it depends on (scoped to the
    scenario: most settled values are one draw's own, and the caches of the arrangements
    key on the identity of the settings this returns).

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        The size the talks settled becomes the number of common units; the rest comes from
        the alternative's own settings:

        >>> from mlf.talks.negotiation import negotiate
        >>> alt = sc.alternatives["force"]
        >>> agreed, _, _ = negotiate(sc, alt, ["A", "B"], "compromise", 1)
        >>> st = arrangement_settings(sc, alt, agreed)
        >>> st.units, st.split, st.capital_per_unit, st.term_years
        (64.0, 'equal', 0.01, 10.0)
    """
    if not memo.enabled():
        return _settings_of(sc, alt, agreed)
    cache = _SETTINGS.of(sc.actors, sc.issues)
    key = (id(alt), tuple((iid, a.value) for iid, a in agreed.items()))
    hit = cache.get(key)
    if hit is not None and hit[0] is alt:
        return hit[1]
    st = _settings_of(sc, alt, agreed)
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = (alt, st)
    return st


_SETTINGS: memo.ScopedCache[tuple[Any, ...], tuple[Alternative, ArrangementSettings]] = (
    memo.ScopedCache()
)


def _settings_of(
    sc: Scenario, alt: Alternative, agreed: Mapping[str, Agreed]
) -> ArrangementSettings:
    st = alt.settings
    update: dict[str, Any] = {}
    for iid, a in agreed.items():
        issue = sc.issues[iid]
        if issue.options is not None:
            other = issue.nearest_option(a.value).settings
        elif issue.sets is not None:
            value = a.value * issue.scale_factor
            fast = _set_directly(issue.sets, value) if memo.enabled() else None
            if fast is not None:
                update.update(fast)
                continue
            try:
                other = ArrangementSettings.model_validate({issue.sets: value})
            except ValidationError as exc:
                reason = exc.errors()[0].get("msg", "invalid")
                raise AnalysisError(
                    f"issue {iid} settles at {a.value:g}, which sets {issue.sets} = {value:g}: "
                    f"{reason}"
                ) from None
        else:
            continue
        # ArrangementSettings.merged, applied once: the fields set in ``other`` override
        update.update(_fields_set_in(other))
    if not update:
        return st
    return copied(st, update) if memo.enabled() else st.model_copy(update=update)


_BOUNDS: dict[str, tuple[float, float, float, float] | None] = {}


def _number_bounds(name: str) -> tuple[float, float, float, float] | None:
    """``(ge, gt, le, lt)`` of a plain number field of :class:`ArrangementSettings` (``Num``
    with only bound constraints; absent bounds are infinite), or None for any other field."""
    if name in _BOUNDS:
        return _BOUNDS[name]
    out: tuple[float, float, float, float] | None = None
    info = ArrangementSettings.model_fields.get(name)
    if info is not None and info.annotation == (Num | None) and info.default is None:
        ge, gt, le, lt = -math.inf, -math.inf, math.inf, math.inf
        plain = True
        for m in info.metadata:
            if isinstance(m, annotated_types.Ge):
                ge = float(m.ge)  # type: ignore[arg-type]
            elif isinstance(m, annotated_types.Gt):
                gt = float(m.gt)  # type: ignore[arg-type]
            elif isinstance(m, annotated_types.Le):
                le = float(m.le)  # type: ignore[arg-type]
            elif isinstance(m, annotated_types.Lt):
                lt = float(m.lt)  # type: ignore[arg-type]
            else:
                plain = False
        out = (ge, gt, le, lt) if plain else None
    _BOUNDS[name] = out
    return out


def _set_directly(name: str, value: float) -> tuple[tuple[str, float]] | None:
    """What ``_fields_set_in(ArrangementSettings.model_validate({name: value}))`` gives, for a
    finite float that a plain bounded number field accepts as it is: ``((name, value),)``
    (every other field defaults to None). None when that is not certain (another kind of
    field, a value out of bounds or beyond :data:`mlf.scenario.MAX_MAGNITUDE`): the caller
    then validates, with its error message. Validating costs more than the talks' whole
    step on a settlement that is plainly in range, and a sweep settles thousands."""
    b = _number_bounds(name)
    if b is None or type(value) is not float or not math.isfinite(value):
        return None
    ge, gt, le, lt = b
    if abs(value) > MAX_MAGNITUDE or not (ge <= value <= le and gt < value < lt):
        return None
    return ((name, value),)


def _fields_set_in(st: ArrangementSettings) -> tuple[tuple[str, Any], ...]:
    """The fields ``st`` sets (not None), in order; memoised by identity for the options'
    settings, which every settlement of an options issue merges again."""
    if not memo.enabled():
        return tuple((k, v) for k, v in st.__dict__.items() if v is not None)
    hit = _FIELDS_SET.get(id(st))
    if hit is not None and hit[0] is st:
        return hit[1]
    items = tuple((k, v) for k, v in st.__dict__.items() if v is not None)
    if len(_FIELDS_SET) >= _CACHE_LIMIT:
        _FIELDS_SET.clear()
    _FIELDS_SET[id(st)] = (st, items)
    return items


_FIELDS_SET: dict[int, tuple[ArrangementSettings, tuple[tuple[str, Any], ...]]] = {}


def applied_terms(
    sc: Scenario, alt: Alternative, agreed: Mapping[str, Agreed]
) -> tuple[dict[str, Agreed], ArrangementSettings]:
    """The settings the arrangement applies, and the agreed values restated as applied.

    A lead share above the alternative's ceiling is held at the ceiling ("no nation above
    40%", the US essential of FRUS 1961-63 XIII doc. 208): the settings carry the ceiling,
    and the issue that set the lead share is restated with ``value`` = the applied share and
    ``agreed`` = what the talks agreed, so that the arrangement, each nation's policy
    satisfaction and the report all use one number (the one actually paid).

    Examples:
        A US lead share of 47% agreed in talks over the surface fleet, held at the 40% the
        US itself set as a ceiling:

        >>> from mlf.scenario import load_scenario
        >>> from mlf.talks.negotiation import Agreed, negotiate
        >>> sc = load_scenario("mlf-1963").scenario
        >>> alt = sc.alternatives["mlf_surface"]
        >>> agreed, _, _ = negotiate(sc, alt, ["USA", "FRG", "ITA", "GBR"], "compromise", 1963)
        >>> agreed["cost_split"] = Agreed("cost_split", 47.0, "47 percent", "negotiated")
        >>> applied, settings = applied_terms(sc, alt, agreed)
        >>> term = applied["cost_split"]
        >>> term.value, term.agreed, settings.lead_share, settings.ceiling
        (40.0, 47.0, 0.4, 0.4)
    """
    st = arrangement_settings(sc, alt, agreed)
    out = dict(agreed)
    share, ceiling = st.lead_share, st.ceiling
    if share is not None and ceiling is not None and share > ceiling + 1e-12:
        st = _held_at_ceiling(st, ceiling)
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


def _held_at_ceiling(st: ArrangementSettings, ceiling: float) -> ArrangementSettings:
    """``st`` with its lead share held at ``ceiling`` (memoised by identity, so equal settled
    values give the same settings object and the arrangement cache can key on it; scoped to
    the scenario, like the settings it is keyed by)."""
    if not memo.enabled():
        return st.model_copy(update={"lead_share": ceiling})
    cache = _HELD.current()
    hit = cache.get(id(st))
    if hit is not None and hit[0] is st:
        return hit[1]
    held = st.model_copy(update={"lead_share": ceiling})
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[id(st)] = (st, held)
    return held


_HELD: memo.ScopedCache[int, tuple[ArrangementSettings, ArrangementSettings]] = (
    memo.ScopedCache()
)


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


def _groups_of(sc: Scenario, members: tuple[str, ...]) -> dict[str, list[str]]:
    """:func:`_groups`, memoised by the member set with memoisation on (scoped to the
    scenario: the groups read the actors). The caller does not mutate the lists."""
    if not memo.enabled():
        return _groups(sc, members)
    cache = _GROUPS.of(sc.actors, sc.issues)
    hit = cache.get(members)
    if hit is None:
        hit = _groups(sc, members)
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[members] = hit
    return hit


# The caches whose keys leave out the scenario they were computed in (the member groups, the
# cost splits, the arrangements): valid for one scenario (its actors and issues) at a time
# and per thread (:class:`mlf.talks.memo.ScopedCache`).
_GROUPS: memo.ScopedCache[tuple[str, ...], dict[str, list[str]]] = memo.ScopedCache()
_SPLITS: memo.ScopedCache[tuple[Any, ...], CostSplit] = memo.ScopedCache()
_ARRANGEMENTS: memo.ScopedCache[
    tuple[Any, ...], tuple[Alternative, ArrangementSettings, Arrangement]
] = memo.ScopedCache()

_COST_MODELS: memo.ScopedCache[int, tuple[ArrangementSettings, CostModel | None]] = (
    memo.ScopedCache()
)


def _cost_model(st: ArrangementSettings) -> CostModel | None:
    """The settings' cost model (memoised by identity: one per round of talks; scoped, like
    the settings)."""
    cache = _COST_MODELS.current()
    hit = cache.get(id(st))
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
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[id(st)] = (st, cm)
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


def _split_of(
    sc: Scenario,
    st: ArrangementSettings,
    members: tuple[str, ...],
    total: float,
    requirements: Mapping[str, float],
    cm: CostModel | None,
) -> CostSplit:
    """:func:`_split`, memoised for the rules that read only the scenario's actors and the
    settings' split, ceiling and lead (proportional, GDP, equal) within one scenario (the
    cache is the arrangements', cleared when the scenario changes).

    For those rules the shares do not depend on the total (:func:`mlf.costs.split_proportional`
    computes them from the weights and the ceiling; :func:`mlf.costs.with_lead_share` from
    those and the lead share), and each amount is ``share * total``; so the cache is keyed
    without the total, and a hit for another (finite) total is the same split with
    ``amounts = share * total`` and ``total`` set, which is what :func:`_split` computes.
    """
    if not memo.enabled() or st.split in ("shapley", "nucleolus"):
        return _split(sc, st, members, total, requirements, cm)
    key = ("split", st.split, st.ceiling, st.lead, st.lead_share, members)
    cache = _SPLITS.of(sc.actors, sc.issues)
    hit = cache.get(key)
    if hit is None or not (math.isfinite(total) and total >= 0):
        out = _split(sc, st, members, total, requirements, cm)
        if hit is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[key] = out
        return out
    if hit.total == total:
        return hit
    return replace(hit, amounts=tuple(x * total for x in hit.shares), total=total)




def build_arrangement(
    sc: Scenario, alt: Alternative, st: ArrangementSettings, members: Sequence[str]
) -> Arrangement:
    """The control game, force and cost split of an agreement among ``members``.

    It reads only the scenario's actors and issues, the alternative, the settings and the
    member set; with memoisation on (:mod:`mlf.talks.memo`) the result is cached by those
    (by identity: one scenario at a time, so a sensitivity draw reuses what the table, the
    rounds of talks and the participation search of its alternatives built).

    Examples:
        The NATO-national alternative among its four members:

        >>> from mlf.scenario import load_scenario
        >>> from mlf.talks.negotiation import negotiate
        >>> sc = load_scenario("mlf-1963").scenario
        >>> alt = sc.alternatives["nato_national"]
        >>> members = ["USA", "GBR", "ITA", "NLD"]
        >>> agreed, _, _ = negotiate(sc, alt, members, "compromise", 1963)
        >>> arr = build_arrangement(sc, alt, arrangement_settings(sc, alt, agreed), members)
        >>> arr.feasible, arr.units, dict(arr.in_kind), str(arr.game)
        (True, 80.0, {'GBR': 64.0}, 'minimal_winning({USA}; {GBR})')
    """
    mem = tuple(m for m in alt.invited if m in members)
    if not memo.enabled():
        return _build(sc, alt, st, mem)
    cache = _ARRANGEMENTS.of(sc.actors, sc.issues)
    key = (id(alt), id(st), mem)
    hit = cache.get(key)
    if hit is not None and hit[0] is alt and hit[1] is st:
        return hit[2]
    arr = _build(sc, alt, st, mem)
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = (alt, st, arr)
    return arr




def _build(
    sc: Scenario, alt: Alternative, st: ArrangementSettings, mem: tuple[str, ...]
) -> Arrangement:
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
        split = _split_of(sc, st, mem, annual, requirements, cm) if annual > 0 else None
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
        unknown = [] if info.actor_ids.issubset(alt.invited) else sorted(
            info.actor_ids - set(alt.invited)
        )
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
        groups = _groups_of(sc, mem)
        key = _game_key(info, mem, groups, weights)
        try:
            game, has_winning = _control_game(key, st.rule, mem, groups, weights)
        except MlfError as exc:
            return infeasible(f"control rule cannot be built: {exc}")
        if not has_winning:
            return infeasible("under the control rule no coalition of these members can act")
    return Arrangement(
        mem, st, game, units, units_in_kind, annual, split, payments, budget_share, True, "",
        key, in_kind, in_kind_value, kind_note,
    )  # fmt: skip


# Control games and their voice indices recur across member sets, rounds, alternatives and
# sensitivity draws; both are cached by what determines them (bounded). A game without
# weights (its key: rule, members, groups) recurs from draw to draw: process-wide. A game
# weighted by payments, GDP or capability has one draw's weights in its key: scoped to the
# scenario (:class:`mlf.talks.memo.ScopedCache`), like its voice.
_CACHE_LIMIT = 20_000
_GAMES: dict[tuple[Any, ...], tuple[Game, bool]] = {}
_WEIGHTED_GAMES: memo.ScopedCache[tuple[Any, ...], tuple[Game, bool]] = memo.ScopedCache()
_VALIDATED: dict[int, object] = {}
_VOICES: dict[tuple[Any, ...], dict[str, float]] = {}
_WEIGHTED_VOICES: memo.ScopedCache[tuple[Any, ...], dict[str, float]] = memo.ScopedCache()


@dataclass(frozen=True)
class _SpecInfo:
    spec: object
    text: str
    uses_weights: bool
    actor_ids: frozenset[str]


_SPECS: dict[int, _SpecInfo] = {}


def _spec_info(spec: object) -> _SpecInfo:
    """Canonical text, weight use and named actors of a rule spec (:mod:`mlf.games`: the
    rule grammar's one reader), memoised by identity."""
    hit = _SPECS.get(id(spec))
    if hit is not None and hit.spec is spec:
        return hit
    if len(_SPECS) >= _CACHE_LIMIT:
        _SPECS.clear()
    info = _SpecInfo(
        spec,
        json.dumps(spec, sort_keys=True),
        rule_uses_weights(spec),
        rule_actors(spec),
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
            [
                (name, tuple([round(float(v[m]), 12) for m in members if m in v]))
                for name, v in sorted(weights.items())
            ]
        )
    return (info.text, members, _groups_key(groups), w)


_GROUPS_KEYS: memo.ScopedCache[int, tuple[Mapping[str, Sequence[str]], tuple[Any, ...]]] = (
    memo.ScopedCache()
)


def _groups_key(groups: Mapping[str, Sequence[str]]) -> tuple[Any, ...]:
    """The groups' part of a game key; memoised by the groups' identity with memoisation on
    (the groups of a member set are cached and never mutated: :func:`_groups_of`; scoped
    like them)."""
    if not memo.enabled():
        return tuple((g, tuple(v)) for g, v in sorted(groups.items()))
    cache = _GROUPS_KEYS.current()
    hit = cache.get(id(groups))
    if hit is not None and hit[0] is groups:
        return hit[1]
    key = tuple((g, tuple(v)) for g, v in sorted(groups.items()))
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[id(groups)] = (groups, key)
    return key


def _weighted(key: tuple[Any, ...]) -> bool:
    """Whether a game key (:func:`_game_key`) holds weights: one draw's own values, so its
    game and voice are cached in the scenario's scope."""
    return len(key) > 3 and bool(key[3])


def _control_game(
    key: tuple[Any, ...],
    spec: object,
    members: tuple[str, ...],
    groups: Mapping[str, Sequence[str]],
    weights: Mapping[str, Mapping[str, float | int | Fraction]],
) -> tuple[Game, bool]:
    """The control game of ``key`` and whether any coalition wins in it (cached together;
    a weighted game in the scenario's scope: see :data:`_GAMES`)."""
    cache = _WEIGHTED_GAMES.current() if _weighted(key) else _GAMES
    hit = cache.get(key)
    if hit is None:
        ctx = RuleContext(members, groups, weights)
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        validated = memo.enabled() and _VALIDATED.get(id(spec)) is spec
        game = game_from_spec(spec, ctx, missing="drop", validated=validated)
        if memo.enabled() and not validated:
            if len(_VALIDATED) >= _CACHE_LIMIT:
                _VALIDATED.clear()
            _VALIDATED[id(spec)] = spec  # it passed validate_rule_spec just now
        hit = (game, game.has_winning)
        cache[key] = hit
    return hit


_SIGNATURE_MAX = 14
"""Largest game (players) whose voice is also cached by its winning coalitions (2^n bits)."""

_VOICES_BY_WINNING: dict[tuple[Any, ...], dict[str, float]] = {}


def winning_signature(game: Game) -> bytes | None:
    """The game's winning coalitions as a bit string over all ``2^n`` masks (bit ``S`` set iff
    ``S`` wins), or None above :data:`_SIGNATURE_MAX` players.

    Two games over the same players with the same signature are the same simple game, so
    they have the same power indices: every exact algorithm of :func:`mlf.power.power_indices`
    counts coalitions in integers and rounds each index once from those counts, so the floats
    do not depend on the algorithm chosen (or on the weights that gave the winning set).

    Examples:
        Two weightings with the same winning coalitions (any two of three) share a
        signature; a weighting that gives A a veto does not:

        >>> from mlf.games import parse_weighted
        >>> names = ["A", "B", "C"]
        >>> majority = winning_signature(parse_weighted("[2; 1, 1, 1]", names))
        >>> majority == winning_signature(parse_weighted("[5; 3, 3, 3]", names))
        True
        >>> majority == winning_signature(parse_weighted("[3; 2, 1, 1]", names))
        False
    """
    n = game.n
    if n > _SIGNATURE_MAX:
        return None
    return bytes(np.packbits(_winning_all(game)).tobytes())


def _winning_all(game: Game) -> Any:
    """Whether each coalition wins, for all ``2^n`` bitmasks in order (small ``n``).

    Weighted games by their subset sums (built by doubling, exact integers), veto sets by
    their mask, conjunctions and disjunctions by their parts; any other game by
    :meth:`Game.winning`.
    """
    n = game.n
    if isinstance(game, WeightedGame):
        if game.total < 2**62 and 0 <= game.int_quota < 2**62:
            # w(S) for every mask S at once: the masks' bit matrix times the weights, in
            # int64 (exact: every sum is at most the total); the same sums as the doubling
            # below, in the same order.
            sums64 = _mask_bits(n) @ np.array(game.int_weights, dtype=np.int64)
            return np.asarray(sums64 >= game.int_quota, dtype=np.bool_)
        big = game.total >= 2**62
        sums = np.zeros(1, dtype=object if big else np.int64)
        for w in game.int_weights:
            sums = np.concatenate((sums, sums + w))
        return np.asarray(sums >= game.int_quota, dtype=np.bool_)
    if isinstance(game, AndGame | OrGame | VectorWeightedGame):
        parts = game.components if isinstance(game, VectorWeightedGame) else game.games
        out = _winning_all(parts[0])
        for g in parts[1:]:
            out = out | _winning_all(g) if isinstance(game, OrGame) else out & _winning_all(g)
        return out
    masks = _ALL_MASKS.get(n)
    if masks is None:
        masks = np.arange(1 << n, dtype=np.uint64)
        _ALL_MASKS[n] = masks
    if isinstance(game, UnanimityGame):
        r = np.uint64(game.required_mask)
        return (masks & r) == r
    return game.winning(masks)


_ALL_MASKS: dict[int, Any] = {}
_MASK_BITS: dict[int, Any] = {}


def _mask_bits(n: int) -> Any:
    """The ``2^n x n`` int64 matrix whose row ``S`` holds the bits of mask ``S`` (bit ``i``
    = player ``i``), cached per ``n``."""
    bits = _MASK_BITS.get(n)
    if bits is None:
        masks = np.arange(1 << n, dtype=np.int64)
        bits = (masks[:, None] >> np.arange(n, dtype=np.int64)) & 1
        _MASK_BITS[n] = bits
    return bits


def voice_of(arr: Arrangement, index: str) -> dict[str, float]:
    """Each member's power index (``index``) in the arrangement's control game (0 without one).

    Cached by the game's inputs (:func:`_game_key`) and, when memoisation is on
    (:mod:`mlf.talks.memo`), by its winning coalitions (:func:`winning_signature`): the
    weights of a weighted rule change with every settlement and every sensitivity draw, while
    the set of coalitions that can act takes only a few values.

    Examples:
        In the NATO-national arrangement the United States or the United Kingdom can act
        alone; Italy and the Netherlands have no voice:

        >>> from mlf.scenario import load_scenario
        >>> from mlf.talks.negotiation import negotiate
        >>> sc = load_scenario("mlf-1963").scenario
        >>> alt = sc.alternatives["nato_national"]
        >>> members = ["USA", "GBR", "ITA", "NLD"]
        >>> agreed, _, _ = negotiate(sc, alt, members, "compromise", 1963)
        >>> arr = build_arrangement(sc, alt, arrangement_settings(sc, alt, agreed), members)
        >>> voice_of(arr, "banzhaf")
        {'USA': 0.5, 'GBR': 0.5, 'ITA': 0.0, 'NLD': 0.0}
    """
    if arr.game is None:
        return {m: 0.0 for m in arr.members}
    key = (*arr.game_key, index)
    cache = _WEIGHTED_VOICES.current() if _weighted(arr.game_key) else _VOICES
    hit = cache.get(key)
    if hit is None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        sig = winning_signature(arr.game) if memo.enabled() else None
        skey = (arr.game.players, index, sig)
        if sig is not None:
            hit = _VOICES_BY_WINNING.get(skey)
        if hit is None:
            res = power_indices(arr.game, indices=[index])
            hit = {m: float(x) for m, x in res.indices[index].items()}
            if sig is not None:
                if len(_VOICES_BY_WINNING) >= _CACHE_LIMIT:
                    _VOICES_BY_WINNING.clear()
                _VOICES_BY_WINNING[skey] = hit
        cache[key] = hit
    return hit


def _clear_caches() -> None:
    """Empty the process-wide caches (:func:`mlf.talks.memo.clear` empties this thread's
    scoped ones; another thread's are emptied when it moves to another scenario)."""
    for cache in (_GAMES, _VOICES, _VOICES_BY_WINNING, _SPECS, _VALIDATED, _FIELDS_SET):
        cache.clear()


def clear_game_caches() -> None:
    """Empty the caches of control games and their voice indices (this thread's scoped ones
    included): what a benchmark of building them cold needs.

    Examples:
        >>> _GAMES[("example",)] = (UnanimityGame(["USA", "GBR"], ["USA"]), False)
        >>> clear_game_caches()
        >>> ("example",) in _GAMES
        False
    """
    for cache in (_GAMES, _VOICES):
        cache.clear()
    _WEIGHTED_GAMES.current().clear()
    _WEIGHTED_VOICES.current().clear()


memo.on_clear(_clear_caches)
