"""Scenarios: a dated, sourced description of a negotiation, read from YAML.

A scenario names the actors (governments or factions), the issues (the elements of an
agreement), the alternatives on the table (which issues each leaves open, who is invited, its
fixed settings) and the model settings. Every number may carry its sources, an ``estimate``
flag and an uncertainty range ``[min, mode, max]`` that sensitivity runs sample from.

Files are read with ruamel.yaml so that every node keeps its line and column, then validated
by pydantic v2 models that forbid unknown keys, then cross-checked (references between the
parts, ranges, sources, hindsight). Each problem becomes one located line,
``FILE:LINE:COL: field.path: reason``; all of them are collected into one
:class:`~mlf.errors.ScenarioErrors`.

How an agreed value reaches the arrangement: each alternative has base ``settings`` (an
:class:`ArrangementSettings`); every issue either ``sets`` one numeric field of it (a scale
issue, e.g. ``force_size`` sets ``units``) or, for ordered options, each option carries its own
``settings`` (e.g. each firing-rule option carries the control ``rule``). The talks layer
applies the alternative's settings, then the fixed issue values, then the agreed values.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import math
import re
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, TypeVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from mlf.errors import GameError, ScenarioError, ScenarioErrors
from mlf.estimates import (
    ALTERNATIVE_CODES,
    COST_CODES,
    NO_STATEMENT,
    POSITION_CODES,
    RATIFIER_CODES,
    VOICE_CODES,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Scenario files above this size are refused before parsing (real ones are a few kB)."""

_ID = r"^[A-Za-z][A-Za-z0-9_.-]*$"
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


MAX_MAGNITUDE = 1e15
"""Largest absolute value of any number in a scenario (money in bn, counts, weights: real
values are below 1e6). Larger ones are refused where they are written, so that no sum or
product of them can overflow a model."""
MAX_NUMBER_CHARS = 64
"""Longest number literal (a 5,000-digit number is refused before it is converted)."""
MAX_NUMBER_DIGITS = 17
"""Most significant digits of a number literal: a float holds 17; more would be silently
rounded away."""


def _only_number(v: object) -> object:
    # pydantic's lax mode would read True as 1 and "3" as 3.0: a YAML slip, refused here.
    if isinstance(v, bool | str):
        raise ValueError(f"expected a number, got {_short(v)}")
    if isinstance(v, int | float) and abs(v) > MAX_MAGNITUDE and not math.isinf(v):
        raise ValueError(
            f"{float(v):g} is beyond the limit of {MAX_MAGNITUDE:g} in absolute value "
            "(mlf.scenario.MAX_MAGNITUDE)"
        )
    return v


_DECIMAL = re.compile(r"[-+]?(\d[\d_]*)?(?:\.(\d[\d_]*)?)?(?:[eE][-+]?\d+)?")


def number_problem(text: str) -> str | None:
    """Why a number literal is refused before it is converted, or None.

    Longer than :data:`MAX_NUMBER_CHARS`, or (decimal) more significant digits than
    :data:`MAX_NUMBER_DIGITS` (leading and trailing zeros do not count).

    Examples:
        >>> number_problem("0.125") is None
        True
        >>> number_problem("3.14159265358979323846")  # doctest: +ELLIPSIS
        '3.14159265358979323846 has 21 significant digits: more than a float holds (17, ...)'
    """
    t = text.strip()
    if len(t) > MAX_NUMBER_CHARS:
        return (
            f"a number written with {len(t)} characters: above the limit of "
            f"{MAX_NUMBER_CHARS} (mlf.scenario.MAX_NUMBER_CHARS)"
        )
    m = _DECIMAL.fullmatch(t)
    if m is not None and (m.group(1) or m.group(2)):
        digits = ((m.group(1) or "") + (m.group(2) or "")).replace("_", "").strip("0")
        if len(digits) > MAX_NUMBER_DIGITS:
            return (
                f"{t} has {len(digits)} significant digits: more than a float holds "
                f"({MAX_NUMBER_DIGITS}, mlf.scenario.MAX_NUMBER_DIGITS)"
            )
    return None


Num = Annotated[float, BeforeValidator(_only_number)]
"""A float that refuses booleans and strings (finite: see ``allow_inf_nan``)."""
Int = Annotated[int, BeforeValidator(_only_number)]
"""An int that refuses booleans and strings."""


def _short(v: object) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


def _earliest(partial: str) -> dt.date:
    """The first day a partial date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) can mean."""
    parts = [int(p) for p in partial.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.date(parts[0], parts[1], parts[2])


class Source(_Model):
    """A citation. ``confidence``: A primary document read in full ... D weak or own estimate."""

    key: str = Field(pattern=r"^\S+$")
    title: str
    url: str | None = None
    date: str | None = Field(
        default=None, description="YYYY, YYYY-MM or YYYY-MM-DD: when the source was written"
    )
    confidence: Literal["A", "B", "C", "D"]
    structural: bool = Field(
        default=False,
        description=(
            "data rows (GDP, military spending, force design) compiled later but describing a "
            "period: `date` is that period; such a source may not back a position or stance"
        ),
    )
    note: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: object) -> object:
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, int):
            return str(v)
        if isinstance(v, str):
            if not _PARTIAL_DATE.match(v):
                raise ValueError(f"{v!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
            try:
                _earliest(v)
            except ValueError as exc:
                raise ValueError(f"{v!r} is not a valid date ({exc})") from None
        return v

    @property
    def earliest_date(self) -> dt.date | None:
        return None if self.date is None else _earliest(self.date)


class Quantity(_Model):
    """A number with its provenance and (optionally) its uncertainty.

    In YAML a bare number is shorthand for ``{value: number}``.
    """

    value: Num
    unit: str | None = None
    sources: list[str] = Field(default_factory=list)
    estimate: bool = False
    range: tuple[Num, Num, Num] | None = Field(
        default=None, description="uncertainty [min, mode, max] for sensitivity runs"
    )
    dist: Literal["triangular", "uniform"] = "triangular"
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: object) -> object:
        if isinstance(v, int | float) and not isinstance(v, bool):
            return {"value": v}
        if not isinstance(v, Mapping | BaseModel):
            raise ValueError(f"expected a number or a mapping with a 'value', got {_kind_of(v)}")
        return v

    @field_validator("range")
    @classmethod
    def _ordered(cls, r: tuple[float, float, float] | None) -> tuple[float, float, float] | None:
        return _check_range(r)

    @model_validator(mode="after")
    def _in_range(self) -> Quantity:
        if self.range is not None and not self.range[0] <= self.value <= self.range[2]:
            lo, _, hi = self.range
            raise ValueError(f"value {self.value:g} lies outside its range [{lo:g}, {hi:g}]")
        return self


def _check_range(r: tuple[float, float, float] | None) -> tuple[float, float, float] | None:
    if r is not None and not r[0] <= r[1] <= r[2]:
        raise ValueError(f"range [{r[0]:g}, {r[1]:g}, {r[2]:g}] needs min <= mode <= max")
    return r


SplitRule = Literal["proportional", "gdp", "equal", "shapley", "nucleolus"]


class ArrangementSettings(_Model):
    """Settings an agreement fixes: force, control rule, cost rule, manning.

    Every field is optional: an alternative gives a base, issues override fields.

    Examples:
        An alternative's own settings, overridden by what a settled option sets:

        >>> base = ArrangementSettings(units=200, split="proportional")
        >>> settled = base.merged(ArrangementSettings(split="equal"))
        >>> settled.units, settled.split
        (200.0, 'equal')
    """

    units: Num | None = Field(default=None, ge=0, description="size of the force (missiles)")
    rule: dict[str, Any] | None = Field(
        default=None, description="the control (firing) rule; see mlf.games 'Rule specs'"
    )
    split: SplitRule | None = Field(default=None, description="how the cost is shared")
    lead: str | None = Field(default=None, description="actor paying a fixed lead share")
    lead_share: Num | None = Field(default=None, ge=0, le=1)
    ceiling: Num | None = Field(default=None, gt=0, le=1, description="max share per member")
    capital_per_unit: Num | None = Field(default=None, ge=0)
    operating_per_unit_year: Num | None = Field(default=None, ge=0)
    term_years: Num | None = Field(default=None, ge=0)
    fixed_cost: Num | None = Field(default=None, ge=0)
    cost_factor: Num | None = Field(default=None, gt=0, description="multiplies all costs")
    currency: str | None = None
    mixed_manning: bool | None = None
    units_per_ship: Int | None = Field(default=None, gt=0)
    crew_per_ship: Int | None = Field(default=None, gt=0)
    max_crew_share: Num | None = Field(default=None, gt=0, le=1)
    min_nationalities: Int | None = Field(default=None, ge=1)
    in_kind: dict[str, Num] | None = Field(
        default=None, description="units a named member brings in kind (e.g. UK Polaris boats)"
    )
    in_kind_value_per_unit_year: Num | None = Field(
        default=None,
        ge=0,
        description="annual value credited per unit brought in kind (currency per unit-year); "
        "without it, units in kind are not counted in costs",
    )
    note: str | None = None

    def merged(self, other: ArrangementSettings) -> ArrangementSettings:
        """Fields set in ``other`` override those set here (both are already validated)."""
        update = {k: v for k, v in other.__dict__.items() if v is not None}
        return self.model_copy(update=update) if update else self


NUMERIC_TARGETS = (
    "units",
    "lead_share",
    "ceiling",
    "capital_per_unit",
    "operating_per_unit_year",
    "term_years",
    "fixed_cost",
    "cost_factor",
    "max_crew_share",
)
"""Arrangement fields a scale issue may set with its agreed value."""


class Scale(_Model):
    lo: Num
    hi: Num
    unit: str = ""

    @model_validator(mode="after")
    def _order(self) -> Scale:
        if not (math.isfinite(self.lo) and math.isfinite(self.hi)):
            raise ValueError("lo and hi must be finite")
        if self.hi <= self.lo:
            raise ValueError(f"hi ({self.hi:g}) must be above lo ({self.lo:g})")
        return self


class Option(_Model):
    id: str = Field(pattern=_ID)
    label: str
    settings: ArrangementSettings = Field(default_factory=ArrangementSettings)
    sources: list[str] = Field(default_factory=list)
    estimate: bool = False
    note: str | None = None


class Issue(_Model):
    """One element of an agreement: a numeric scale or ordered options.

    Examples:
        An options issue lies on the axis of its option indices:

        >>> rule = Issue.model_validate({
        ...     "title": "Firing rule",
        ...     "status_quo": "unanimity",
        ...     "options": [
        ...         {"id": "unanimity", "label": "Every member"},
        ...         {"id": "us_veto", "label": "A US veto and a majority"},
        ...         {"id": "majority", "label": "A majority"},
        ...     ],
        ... })
        >>> rule.option_index("us_veto"), rule.to_number("majority"), rule.nearest_option(1.4).id
        (1, 2.0, 'us_veto')
    """

    title: str
    description: str | None = None
    scale: Scale | None = None
    options: list[Option] | None = None
    status_quo: Num | str
    sets: (
        Literal[
            "units",
            "lead_share",
            "ceiling",
            "capital_per_unit",
            "operating_per_unit_year",
            "term_years",
            "fixed_cost",
            "cost_factor",
            "max_crew_share",
        ]
        | None
    ) = Field(default=None, description="arrangement field a scale issue's value sets")
    scale_factor: Num = Field(
        default=1.0, description="agreed value x scale_factor = the field's value (e.g. % -> 0.01)"
    )
    sources: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _kind(self) -> Issue:
        if (self.scale is None) == (self.options is None):
            raise ValueError("an issue needs exactly one of 'scale' or 'options'")
        if self.options is not None:
            if len(self.options) < 2:
                raise ValueError("an options issue needs at least two options")
            ids = [o.id for o in self.options]
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                raise ValueError(f"duplicate option id {', '.join(dup)}")
            if self.sets is not None:
                raise ValueError("'sets' is for scale issues; options carry their own settings")
        return self

    @property
    def is_scale(self) -> bool:
        return self.scale is not None

    @property
    def lo(self) -> float:
        return self.scale.lo if self.scale is not None else 0.0

    @property
    def hi(self) -> float:
        if self.scale is not None:
            return self.scale.hi
        assert self.options is not None
        return float(len(self.options) - 1)

    @property
    def unit(self) -> str:
        return self.scale.unit if self.scale is not None else "option"

    _option_ids: dict[str, int] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        # Option id -> index, built once: the talks look options up thousands of times.
        if self.options is not None:
            self._option_ids = {o.id: i for i, o in enumerate(self.options)}

    def option_index(self, option_id: str) -> int:
        assert self.options is not None
        # The private dict read directly: ``self._option_ids`` goes through pydantic's
        # ``__getattr__`` (a few microseconds; the talks read options thousands of times).
        ids: dict[str, int] = self.__pydantic_private__["_option_ids"]  # type: ignore[index]
        return ids[option_id]

    def to_number(self, value: float | str) -> float:
        """A value of this issue on its numeric axis (options: their index)."""
        if isinstance(value, str):
            return float(self.option_index(value))
        return float(value)

    def nearest_option(self, x: float) -> Option:
        """The option whose index is nearest ``x`` (ties go to the lower index)."""
        assert self.options is not None
        i = int(min(max(math.floor(x + 0.5 - 1e-9), 0), len(self.options) - 1))
        return self.options[i]


class Stance(_Model):
    """A coded stance: what a dated statement says, reduced to one code of a written table.

    The tables (and what each code gives) are in :mod:`mlf.estimates`; a code other than
    ``no_statement`` needs the ``sources`` and the ``date`` of the statement that codes it.
    """

    code: str
    sources: list[str] = Field(default_factory=list)
    date: str | None = Field(
        default=None, description="YYYY, YYYY-MM or YYYY-MM-DD: when the statement was made"
    )
    note: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: object) -> object:
        return Source._date(v)

    @property
    def earliest_date(self) -> dt.date | None:
        return None if self.date is None else _earliest(self.date)


class Stances(_Model):
    """An actor's coded stances: on each alternative, on a share in control, on paying."""

    alternatives: dict[str, Stance] = Field(
        default_factory=dict, description="alternative id -> stance (support, outside option)"
    )
    voice: Stance | None = Field(default=None, description="on a share in control (voice weight)")
    cost: Stance | None = Field(default=None, description="on paying (cost weight)")


class Position(_Model):
    """An actor's position and salience on one issue."""

    position: Num | str
    salience: Quantity
    range: tuple[Num, Num, Num] | None = Field(
        default=None, description="uncertainty of a numeric position: [min, mode, max]"
    )
    dist: Literal["triangular", "uniform"] = "triangular"
    stance: Stance | None = Field(
        default=None, description="the coded statement of this position (gives the salience)"
    )
    sources: list[str] = Field(default_factory=list)
    estimate: bool = False
    note: str | None = None

    @field_validator("position", mode="before")
    @classmethod
    def _not_bool(cls, v: object) -> object:
        if isinstance(v, bool):
            raise ValueError("expected a number or an option id, not a boolean")
        return v

    @field_validator("salience")
    @classmethod
    def _unit(cls, s: Quantity) -> Quantity:
        if not 0.0 <= s.value <= 1.0:
            raise ValueError(f"salience {s.value:g} must lie in [0, 1]")
        if s.range is not None and not (s.range[0] >= 0.0 and s.range[2] <= 1.0):
            raise ValueError("salience range must lie in [0, 1]")
        return s

    @field_validator("range")
    @classmethod
    def _ordered(cls, r: tuple[float, float, float] | None) -> tuple[float, float, float] | None:
        return _check_range(r)

    @model_validator(mode="after")
    def _in_range(self) -> Position:
        if self.range is not None:
            lo, _, hi = self.range
            if isinstance(self.position, str):
                raise ValueError("a range needs a numeric position")
            if not lo <= self.position <= hi:
                raise ValueError(
                    f"position {self.position:g} lies outside its range [{lo:g}, {hi:g}]"
                )
        return self


class Weights(_Model):
    """How an actor weighs the three terms of its utility of joining an arrangement."""

    policy: Num = Field(default=1.0, ge=0)
    voice: Num = Field(default=1.0, ge=0)
    cost: Num = Field(default=1.0, ge=0)


class Ratifier(_Model):
    """A domestic body whose consent the actor's government needs (Putnam's level II).

    ``positions`` use the actor form (a position and its salience per issue); ``reservation``
    is the policy satisfaction (the formula of :func:`mlf.talks.policy_satisfaction`, in
    [0, 1]) the agreed terms must give it for it to ratify. ``rule``: ``required`` (its
    refusal stops the actor's ratification) or ``advisory`` (its win-set is shown, its refusal
    is reported but does not stop ratification). See docs/models/ratification.md.
    """

    name: str
    positions: dict[str, Position] = Field(default_factory=dict)
    reservation: Quantity = Field(
        description="the policy satisfaction in [0, 1] the terms must give it to ratify"
    )
    stance: Stance | None = Field(
        default=None,
        description="the coded, dated statement on ratification the reservation follows from",
    )
    rule: Literal["required", "advisory"] = "required"
    sources: list[str] = Field(default_factory=list)
    note: str | None = None

    @field_validator("reservation")
    @classmethod
    def _unit(cls, q: Quantity) -> Quantity:
        if not 0.0 <= q.value <= 1.0:
            raise ValueError(f"reservation {q.value:g} must lie in [0, 1]")
        if q.range is not None and not (q.range[0] >= 0.0 and q.range[2] <= 1.0):
            raise ValueError("reservation range must lie in [0, 1]")
        return q


class Actor(_Model):
    """A government (or a faction inside one)."""

    name: str
    european: bool
    nuclear: bool = False
    capability: Quantity
    gdp: Quantity | None = None
    defence_budget: Quantity | None = None
    contribution: Quantity | None = Field(
        default=None, description="the share of the cost it offers (relative weight)"
    )
    positions: dict[str, Position] = Field(default_factory=dict)
    weights: Weights = Field(default_factory=Weights)
    outside_option: dict[str, Quantity] = Field(
        default_factory=dict, description="per alternative: the value of staying out"
    )
    support: dict[str, Quantity] = Field(
        default_factory=dict, description="per alternative: support in [0, 1]"
    )
    stances: Stances = Field(
        default_factory=Stances, description="coded, dated stances the estimates follow from"
    )
    ratifiers: dict[str, Ratifier] = Field(
        default_factory=dict,
        description="domestic bodies that must ratify an agreement (two-level talks)",
    )
    sources: list[str] = Field(default_factory=list)
    note: str | None = None

    @field_validator("capability", "gdp", "defence_budget", "contribution")
    @classmethod
    def _non_negative(cls, q: Quantity | None) -> Quantity | None:
        if q is not None and q.value < 0:
            raise ValueError(f"{q.value:g} is negative: must be >= 0")
        if q is not None and q.range is not None and q.range[0] < 0:
            raise ValueError(f"its range starts at {q.range[0]:g}: must be >= 0")
        return q


class Pressure(_Model):
    """An observer's influence on named invited nations, as an explicit term of the scenario.

    Observers never bargain (docs/design-notes.md, "Observers never bargain"); where a
    scenario wants one to weigh on the talks, it says how, on whom and on what source:
    ``outside_option`` is added to each named nation's outside option for this alternative,
    both when it decides whether to come to the table and when it decides whether to join
    (positive: staying out is worth more to it; negative: the pressure pushes it in).
    """

    by: str = Field(description="the observer exerting the pressure")
    on: list[str] = Field(min_length=1, description="invited nations it acts on")
    outside_option: Quantity = Field(
        description="added to each named nation's outside option for this alternative"
    )
    sources: list[str] = Field(default_factory=list)
    note: str | None = None


class Alternative(_Model):
    """One arrangement on the table."""

    title: str
    description: str | None = None
    invited: list[str] = Field(min_length=1)
    observers: list[str] = Field(
        default_factory=list,
        description="actors never at the table: they do not bargain or join; their influence "
        "is only what 'pressure' states",
    )
    pressure: list[Pressure] = Field(
        default_factory=list,
        description="explicit influence of observers on named invited nations (see Pressure)",
    )
    open: list[str] = Field(default_factory=list, description="issues negotiated")
    fixed: dict[str, Num | str] = Field(
        default_factory=dict, description="values of issues this alternative settles up front"
    )
    settings: ArrangementSettings = Field(default_factory=ArrangementSettings)
    fallback: Literal["status_quo"] = Field(
        default="status_quo",
        description="if talks fail: the status quo, never another alternative",
    )
    requires_european_control: bool = Field(
        default=False, description="counts only if its control is genuinely European"
    )
    min_members: Int = Field(default=2, ge=1)
    sources: list[str] = Field(default_factory=list)
    note: str | None = None


class RatificationSettings(_Model):
    """How the talks treat ratification at home (docs/models/ratification.md).

    ``anticipate``: before bargaining, each negotiator's position outside its own win-set is
    pulled to the win-set's nearest edge (Putnam's "tying hands"). ``renegotiate``: an
    agreement some member cannot ratify is negotiated once more, with every position at the
    table pulled into the intersection of the members' win-sets.
    """

    anticipate: bool = False
    renegotiate: bool = True


class Settings(_Model):
    model: str = "compromise"
    model_params: dict[str, dict[str, Any]] = Field(default_factory=dict)
    support_threshold: Num = Field(default=0.25, ge=0, le=1)
    seed: Int = Field(default=0, ge=0)
    power_index: Literal["banzhaf", "shapley_shubik"] = "banzhaf"
    max_renegotiations: Int = Field(default=10, ge=1)
    pivotal_actor: str | None = Field(
        default=None, description="the nation whose membership the agenda may be broadened for"
    )
    broadening_issue: str | None = Field(
        default=None, description="options issue whose options broaden the agenda, in order"
    )
    ratification: RatificationSettings = Field(
        default_factory=RatificationSettings,
        description="anticipation of ratification and renegotiation within the win-sets",
    )


class Meta(_Model):
    id: str = Field(pattern=_ID)
    title: str
    date: dt.date
    description: str | None = None
    sources: list[Source] = Field(default_factory=list)


class Counterfactual(_Model):
    """A named "what if": changes to this scenario, run with ``--counterfactual ID``.

    ``overlay`` is written like an overlay file (docs/scenario-format.md, "Overlays"): only
    what changes, each new value with its sources. ``mlf check`` validates the scenario with
    each counterfactual applied.
    """

    title: str
    description: str | None = None
    overlay: dict[str, Any] = Field(
        min_length=1, description="the changes, written as in an overlay file (no extends)"
    )
    note: str | None = None


class Scenario(_Model):
    """A whole scenario file.

    Examples:
        >>> from mlf import examples
        >>> scenario = examples.two_nations_fleet()
        >>> scenario.source("S1").confidence, scenario.actors["US"].capability.sources
        ('B', ['S1'])
    """

    meta: Meta
    settings: Settings = Field(default_factory=Settings)
    issues: dict[str, Issue] = Field(min_length=1)
    actors: dict[str, Actor] = Field(min_length=1)
    alternatives: dict[str, Alternative] = Field(min_length=1)
    counterfactuals: dict[str, Counterfactual] = Field(
        default_factory=dict,
        description="named questions 'what if', each run with --counterfactual ID",
    )

    def source(self, key: str) -> Source:
        for s in self.meta.sources:
            if s.key == key:
                return s
        raise KeyError(key)


# --------------------------------------------------------------------------- issues per alternative

FORCE_FIELDS = frozenset(
    {
        "units",
        "in_kind",
        "in_kind_value_per_unit_year",
        "units_per_ship",
        "crew_per_ship",
        "capital_per_unit",
        "operating_per_unit_year",
        "cost_factor",
        "mixed_manning",
        "max_crew_share",
        "min_nationalities",
    }
)
"""Arrangement fields that only mean something when the alternative can have a force."""

LEAD_FIELDS = frozenset({"lead", "lead_share"})
"""Arrangement fields that only mean something when the alternative has a lead payer."""


def issue_fields(issue: Issue) -> frozenset[str]:
    """The arrangement fields an issue can set: its ``sets`` or what any option sets.

    Examples:
        >>> size = Issue.model_validate(
        ...     {"title": "Size", "scale": {"lo": 0, "hi": 200}, "status_quo": 0, "sets": "units"}
        ... )
        >>> polaris = Issue.model_validate({
        ...     "title": "British Polaris in the force",
        ...     "status_quo": "out",
        ...     "options": [
        ...         {"id": "out", "label": "Kept national"},
        ...         {"id": "in", "label": "Assigned", "settings": {"in_kind": {"GBR": 64}}},
        ...     ],
        ... })
        >>> issue_fields(size), issue_fields(polaris)
        (frozenset({'units'}), frozenset({'in_kind'}))
    """
    if issue.sets is not None:
        return frozenset({issue.sets})
    out: set[str] = set()
    for opt in issue.options or []:
        out.update(k for k, v in opt.settings.__dict__.items() if v is not None and k != "note")
    return frozenset(out)


def can_have_force(issues: Mapping[str, Issue], alt: Alternative) -> bool:
    """Whether the alternative's force can be above zero.

    True when an open issue sets ``units``; otherwise the value a fixed ``units`` issue gives
    (times its scale factor), or else the alternative's own ``settings.units``, must be > 0.

    Examples:
        A fleet whose size is negotiated, and talks with no force at all:

        >>> issues = {
        ...     "size": Issue.model_validate(
        ...         {"title": "Size", "scale": {"lo": 0, "hi": 9}, "status_quo": 0, "sets": "units"}
        ...     ),
        ...     "polaris": Issue.model_validate({
        ...         "title": "British Polaris in the force",
        ...         "status_quo": "out",
        ...         "options": [
        ...             {"id": "out", "label": "Kept national"},
        ...             {"id": "in", "label": "Assigned", "settings": {"in_kind": {"GBR": 64}}},
        ...         ],
        ...     }),
        ... }
        >>> fleet = Alternative.model_validate(
        ...     {"title": "A fleet", "invited": ["USA", "GBR"], "open": ["size", "polaris"]}
        ... )
        >>> talks = Alternative.model_validate(
        ...     {"title": "Talks only", "invited": ["USA", "GBR"], "open": ["polaris"]}
        ... )
        >>> can_have_force(issues, fleet), can_have_force(issues, talks)
        (True, False)
    """
    for iid in alt.open:
        issue = issues.get(iid)
        if issue is not None and issue.sets == "units":
            return True
    for iid, value in alt.fixed.items():
        issue = issues.get(iid)
        if issue is not None and issue.sets == "units" and not isinstance(value, str):
            return value * issue.scale_factor > 0
    return (alt.settings.units or 0.0) > 0


def alternative_fields(issues: Mapping[str, Issue], alt: Alternative) -> frozenset[str]:
    """The arrangement fields an alternative uses (see docs/scenario-format.md, "Issues").

    Every field is used except: the force fields (:data:`FORCE_FIELDS`) when the alternative
    cannot have a force (its size is fixed at 0), and the lead fields (:data:`LEAD_FIELDS`)
    when it names no lead payer.

    Examples:
        Talks with no force use none of the force fields:

        >>> issues = {
        ...     "size": Issue.model_validate(
        ...         {"title": "Size", "scale": {"lo": 0, "hi": 9}, "status_quo": 0, "sets": "units"}
        ...     ),
        ...     "polaris": Issue.model_validate({
        ...         "title": "British Polaris in the force",
        ...         "status_quo": "out",
        ...         "options": [
        ...             {"id": "out", "label": "Kept national"},
        ...             {"id": "in", "label": "Assigned", "settings": {"in_kind": {"GBR": 64}}},
        ...         ],
        ...     }),
        ... }
        >>> fleet = Alternative.model_validate(
        ...     {"title": "A fleet", "invited": ["USA", "GBR"], "open": ["size", "polaris"]}
        ... )
        >>> talks = Alternative.model_validate(
        ...     {"title": "Talks only", "invited": ["USA", "GBR"], "open": ["polaris"]}
        ... )
        >>> sorted(alternative_fields(issues, talks))
        ['ceiling', 'currency', 'fixed_cost', 'rule', 'split', 'term_years']
        >>> "in_kind" in alternative_fields(issues, fleet)
        True
    """
    used = set(ArrangementSettings.model_fields) - {"note"}
    if not can_have_force(issues, alt):
        used -= FORCE_FIELDS
    if alt.settings.lead is None:
        used -= LEAD_FIELDS
    return frozenset(used)


def unused_fields(issues: Mapping[str, Issue], alt: Alternative, issue_id: str) -> list[str]:
    """The fields ``issue_id`` would set that ``alt`` does not use (empty: the issue applies).

    Examples:
        Polaris in kind means nothing where there is no force:

        >>> issues = {
        ...     "size": Issue.model_validate(
        ...         {"title": "Size", "scale": {"lo": 0, "hi": 9}, "status_quo": 0, "sets": "units"}
        ...     ),
        ...     "polaris": Issue.model_validate({
        ...         "title": "British Polaris in the force",
        ...         "status_quo": "out",
        ...         "options": [
        ...             {"id": "out", "label": "Kept national"},
        ...             {"id": "in", "label": "Assigned", "settings": {"in_kind": {"GBR": 64}}},
        ...         ],
        ...     }),
        ... }
        >>> fleet = Alternative.model_validate(
        ...     {"title": "A fleet", "invited": ["USA", "GBR"], "open": ["size", "polaris"]}
        ... )
        >>> talks = Alternative.model_validate(
        ...     {"title": "Talks only", "invited": ["USA", "GBR"], "open": ["polaris"]}
        ... )
        >>> unused_fields(issues, talks, "polaris"), unused_fields(issues, fleet, "polaris")
        (['in_kind'], [])
    """
    issue = issues[issue_id]
    return sorted(issue_fields(issue) - alternative_fields(issues, alt))


def issue_applies(issues: Mapping[str, Issue], alt: Alternative, issue_id: str) -> bool:
    """An issue applies to an alternative when every field it can set is one the alternative
    uses: the status quo (no force) does not negotiate taking British Polaris into a force.

    Examples:

        >>> issues = {
        ...     "size": Issue.model_validate(
        ...         {"title": "Size", "scale": {"lo": 0, "hi": 9}, "status_quo": 0, "sets": "units"}
        ...     ),
        ...     "polaris": Issue.model_validate({
        ...         "title": "British Polaris in the force",
        ...         "status_quo": "out",
        ...         "options": [
        ...             {"id": "out", "label": "Kept national"},
        ...             {"id": "in", "label": "Assigned", "settings": {"in_kind": {"GBR": 64}}},
        ...         ],
        ...     }),
        ... }
        >>> fleet = Alternative.model_validate(
        ...     {"title": "A fleet", "invited": ["USA", "GBR"], "open": ["size", "polaris"]}
        ... )
        >>> talks = Alternative.model_validate(
        ...     {"title": "Talks only", "invited": ["USA", "GBR"], "open": ["polaris"]}
        ... )
        >>> issue_applies(issues, fleet, "polaris"), issue_applies(issues, talks, "polaris")
        (True, False)
    """
    return not unused_fields(issues, alt, issue_id)


def issues_for(sc: Scenario, alt: Alternative | str) -> list[str]:
    """The open issues an alternative negotiates: those of ``alt.open`` that apply to it.

    ``alt`` is an alternative or its id. ``mlf check`` warns about an open issue that does
    not apply; the talks leave it out (it stays unsettled and sets nothing).

    Examples:
        Talks with no force do not negotiate what Britain puts into a force; ``mlf check``
        warns:

        >>> scenario, warnings = parse_scenario('''
        ... meta: {id: polaris, title: A force or none, date: 1963-07-15}
        ... issues:
        ...   size: {title: Size of the force, scale: {lo: 0, hi: 100}, status_quo: 0, sets: units}
        ...   polaris:
        ...     title: British Polaris in the force
        ...     status_quo: out
        ...     options:
        ...       - {id: out, label: Kept national}
        ...       - {id: in, label: Assigned, settings: {in_kind: {GBR: 64}}}
        ... actors:
        ...   USA: {name: United States, european: false, capability: 0.6,
        ...         positions: {size: {position: 80, salience: 1}}}
        ...   GBR: {name: United Kingdom, european: true, capability: 0.4,
        ...         positions: {polaris: {position: out, salience: 1}}}
        ... alternatives:
        ...   fleet: {title: A fleet, invited: [USA, GBR], open: [size, polaris]}
        ...   talks: {title: Talks only, invited: [USA, GBR], open: [polaris]}
        ... ''')
        >>> issues_for(scenario, "fleet"), issues_for(scenario, "talks")
        (['size', 'polaris'], [])
        >>> print(warnings[0])  # doctest: +ELLIPSIS
        warning: <scenario>:18:58: alternatives.talks.open.0: issue 'polaris' sets in_kind, ...
    """
    a = sc.alternatives[alt] if isinstance(alt, str) else alt
    return [i for i in a.open if issue_applies(sc.issues, a, i)]


# --------------------------------------------------------------------------- loading

MAX_DEPTH = 48
"""Deepest nesting of mappings and lists accepted (real scenarios nest about 8 deep)."""

MAX_NODES = 200_000
"""Most values a file may hold once aliases are expanded (stops "billion laughs" files)."""

MAX_ACTORS = 250
"""Actors of one scenario (KTAB's own limit). Measured (2 cores): ``mlf run`` with 250
actors all invited, 10 issues: compromise 8 s, smp 83 s, under 320 MB."""
MAX_ISSUES = 100
"""Issues of one scenario (the SMP of 250 actors on 100 issues: about 100 s, 300 MB)."""
MAX_ALTERNATIVES = 50
"""Alternatives of one scenario (each is run on its own: the time adds up)."""
MAX_INVITED = 250
"""Nations invited to one alternative (and, separately, observers of it)."""
MAX_OPTIONS = 50
"""Options of one issue."""


def _size_problems(raw: Mapping[str, Any]) -> list[Problem]:
    """Counts above the size limits, checked before the schema (one problem each)."""
    out: list[Problem] = []

    def over(loc: Loc, count: int, limit: int, what: str, name: str) -> None:
        if count > limit:
            out.append(
                Problem(
                    loc,
                    f"{count} {what}: above the limit of {limit} (mlf.scenario.{name})",
                    at_key=True,
                )
            )

    parts = {k: raw.get(k) for k in ("actors", "issues", "alternatives")}
    for key, limit, name in (
        ("actors", MAX_ACTORS, "MAX_ACTORS"),
        ("issues", MAX_ISSUES, "MAX_ISSUES"),
        ("alternatives", MAX_ALTERNATIVES, "MAX_ALTERNATIVES"),
    ):
        part = parts[key]
        if isinstance(part, Mapping):
            over([key], len(part), limit, key, name)
    issues = parts["issues"]
    if isinstance(issues, Mapping) and len(issues) <= MAX_ISSUES:
        for iid, issue in issues.items():
            opts = issue.get("options") if isinstance(issue, Mapping) else None
            if isinstance(opts, list):
                over(["issues", str(iid), "options"], len(opts), MAX_OPTIONS, "options",
                     "MAX_OPTIONS")  # fmt: skip
    alts = parts["alternatives"]
    if isinstance(alts, Mapping) and len(alts) <= MAX_ALTERNATIVES:
        for aid, alt in alts.items():
            for key in ("invited", "observers"):
                names = alt.get(key) if isinstance(alt, Mapping) else None
                if isinstance(names, list):
                    over(["alternatives", str(aid), key], len(names), MAX_INVITED, key,
                         "MAX_INVITED")  # fmt: skip
    return out


def _text_problems(raw: Mapping[str, Any]) -> list[Problem]:
    """Keys and strings that cannot be written as UTF-8 (a surrogate from a ``"\\ud800"``
    escape: :func:`mlf._bounded.unwritable`), one problem each, checked before the schema.

    Refused when the scenario is read, so that ``show``, ``run``, ``report`` and the web
    exercises never meet such text when they write it; the field path shows a bad key
    escaped (:func:`mlf._bounded.shown_text`).
    """
    from mlf._bounded import shown_text, unwritable

    out: list[Problem] = []

    def shown(loc: Loc) -> Loc:
        return [shown_text(p) if isinstance(p, str) else p for p in loc]

    def walk(node: object, at: Loc) -> None:
        if isinstance(node, Mapping):
            for k, v in node.items():
                here: Loc = [*at, str(k)]
                why = unwritable(str(k))
                if why is not None:
                    out.append(Problem(here, f"key: {why}", path=shown(here), at_key=True))
                walk(v, here)
        elif isinstance(node, list):
            for j, v in enumerate(node):
                walk(v, [*at, j])
        elif isinstance(node, str):
            why = unwritable(node)
            if why is not None:
                out.append(Problem(at, why, path=shown(at)))

    walk(raw, [])
    return out


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from."""

    scenario: Scenario
    path: str
    sha256: str
    warnings: tuple[str, ...] = field(default_factory=tuple)
    builtin: bool = False
    layers: tuple[tuple[str, str], ...] = ()
    """The files merged into it (``extends``), the root first, each with the SHA-256 of its
    bytes; one file for a plain scenario."""
    data: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    """The validated plain data (merged for an overlay): what ``--set`` and overlays change."""
    base_sha256: str | None = None
    """With changes (:func:`apply_changes`): the hash of the scenario they were applied to."""
    requests: tuple[Any, ...] = ()
    """With changes: each :class:`mlf.overlay.Request` (counterfactual, overlay file, --set)
    in the order applied, with the fields it changed."""

    @property
    def id(self) -> str:
        return self.scenario.meta.id


Loc = list[str | int]
_M = TypeVar("_M", bound=BaseModel)


class Problem(NamedTuple):
    """A cross-check finding: where (``loc``), why, and how to name the place."""

    loc: Loc
    reason: str
    path: Loc | None = None  # the reported field path when it differs from ``loc``
    at_key: bool = False  # point at the key itself (unknown keys, bad ids)


class _Locator:
    """Maps a field path to the line and column (1-based) of its YAML node.

    A scalar is located at its value; a mapping or a list at its key (or its ``-`` item), since
    a block mapping's value starts on a later line; a missing field at its parent's key.
    """

    def __init__(self, root: Any) -> None:
        self.root = root

    def find(self, loc: Sequence[str | int], *, at_key: bool = False) -> tuple[int, int]:
        node = self.root
        lc = getattr(node, "lc", None)
        where = (lc.line + 1, lc.col + 1) if lc is not None else (1, 1)
        for n, part in enumerate(loc):
            lc = getattr(node, "lc", None)
            last = n == len(loc) - 1
            if isinstance(node, Mapping) and part in node:
                child = node[part]
                pos = None
                if lc is not None:
                    try:
                        kind = "key" if at_key and last else "value"
                        if isinstance(child, Mapping | list) and not (
                            last and not at_key and _is_flow(child)
                        ):
                            kind = "key"
                        pos = lc.key(part) if kind == "key" else lc.value(part)
                    except (KeyError, TypeError, AttributeError):
                        pos = None
                if pos is not None:
                    where = (pos[0] + 1, pos[1] + 1)
                node = child
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                if lc is not None:
                    try:
                        ln, cn = lc.item(part)
                        where = (ln + 1, cn + 1)
                    except (KeyError, TypeError, AttributeError, IndexError):
                        pass
                node = node[part]
            else:
                break  # a missing field: stay at the nearest existing node
        return where


def _is_flow(node: Any) -> bool:
    fa = getattr(node, "fa", None)
    return bool(fa is not None and fa.flow_style())


def _mark(mark: Any) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where flow brackets (``[``/``{``) first nest deeper than :data:`MAX_DEPTH`, if they do.

    ruamel's scanner is quadratic in the flow nesting depth (seconds for a few thousand
    brackets), so this cheap pass runs first. Quotes and comments are skipped; block scalars
    are not, which can only over-count (never a real scenario's problem).
    """
    depth = 0
    line, col = 1, 0
    quote = ""
    comment = False
    prev = "\n"
    for ch in text:
        col += 1
        if ch == "\n":
            line, col, comment = line + 1, 0, False
        elif comment:
            pass
        elif quote:
            if ch == quote and not (quote == '"' and prev == "\\"):
                quote = ""
        elif ch in "'\"" and (prev in " \t\n[{,:" or col == 1):
            quote = ch
        elif ch == "#" and prev in " \t\n":
            comment = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, col
        elif ch in "]}":
            depth = max(depth - 1, 0)
        prev = "\n" if ch == "\n" else ch
    return None


def _constructor() -> Any:
    """ruamel's round-trip constructor, but timestamps stay text.

    pydantic then parses dates with located errors; ruamel itself fails without a position on
    an impossible date such as ``1963-13-45``.
    """
    global _CONSTRUCTOR
    if _CONSTRUCTOR is None:
        from ruamel.yaml.constructor import RoundTripConstructor

        class _TextDates(RoundTripConstructor):
            pass

        _TextDates.add_constructor(
            "tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str
        )
        _checked_numbers(_TextDates, RoundTripConstructor)
        _CONSTRUCTOR = _TextDates
    return _CONSTRUCTOR


_CONSTRUCTOR: Any = None


class _NumberError(Exception):
    """A number literal refused by :func:`number_problem`, with its place in the text."""

    def __init__(self, reason: str, line: int | None, col: int | None) -> None:
        super().__init__(reason)
        self.reason, self.line, self.col = reason, line, col


def _checked_numbers(cls: Any, base: Any) -> None:
    """Make constructor class ``cls`` check int and float literals before converting them
    (Python refuses to convert an integer of more than 4,300 digits, with a traceback)."""

    def checked(construct: Any) -> Any:
        def build(self: Any, node: Any) -> Any:
            problem = number_problem(str(node.value))
            if problem is not None:
                line, col = _mark(node.start_mark)
                raise _NumberError(problem, line, col)
            return construct(self, node)

        return build

    cls.add_constructor("tag:yaml.org,2002:int", checked(base.construct_yaml_int))
    cls.add_constructor("tag:yaml.org,2002:float", checked(base.construct_yaml_float))


def _read_yaml(text: str, file: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    deep = _too_deep(text)
    if deep is not None:
        raise ScenarioErrors(
            [
                ScenarioError(
                    f"nested more than {MAX_DEPTH} levels deep",
                    file=file,
                    line=deep[0],
                    col=deep[1],
                )
            ]
        )
    yaml = YAML(typ="rt")
    yaml.Constructor = _constructor()
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
    except _NumberError as exc:
        raise ScenarioErrors(
            [ScenarioError(exc.reason, file=file, line=exc.line, col=exc.col)]
        ) from None
    except MarkedYAMLError as exc:
        problem = " ".join(str(exc.problem or exc.context or "malformed YAML").split())
        if exc.context and problem.startswith("but "):
            problem = f"{' '.join(str(exc.context).split())} {problem}"
        line, col = _mark(exc.problem_mark or exc.context_mark)
        dup = re.search(r'duplicate key "(.*?)"', problem)
        if dup is not None:
            first = exc.context_mark
            problem = f"duplicate key {dup.group(1)!r}"
            if first is not None:
                problem += f" in the mapping that starts at line {first.line + 1}"
        raise ScenarioErrors(
            [ScenarioError(f"YAML syntax: {problem}", file=file, line=line, col=col)]
        ) from None
    except YAMLError as exc:
        raise ScenarioErrors([ScenarioError(f"YAML syntax: {exc}", file=file)]) from None
    except RecursionError:
        raise ScenarioErrors(
            [ScenarioError(f"nested more than {MAX_DEPTH} levels deep", file=file)]
        ) from None


class _Plain:
    """Converts ruamel's containers to plain Python, refusing alias bombs and deep nesting.

    An alias is a reference to an anchored node, so a few lines can stand for billions of
    values ("billion laughs"). :meth:`measure` sizes the expanded tree in time linear in the
    distinct nodes (sizes are memoised per node) before anything is expanded. (ruamel itself
    already cuts an alias to an enclosing node, so there are no cycles.)
    """

    def __init__(self, file: str, locator: _Locator) -> None:
        self.file = file
        self.locator = locator
        self.sizes: dict[int, int] = {}

    def measure(self, node: Any, loc: Loc) -> int:
        if not isinstance(node, Mapping | list):
            return 1
        known = self.sizes.get(id(node))
        if known is not None:
            return known
        if len(loc) >= MAX_DEPTH:
            self._fail(loc, f"nested more than {MAX_DEPTH} levels deep")
        items = node.items() if isinstance(node, Mapping) else enumerate(node)
        size = 1
        for k, v in items:
            size += 1 + self.measure(v, [*loc, str(k) if isinstance(node, Mapping) else k])
            if size > MAX_NODES:
                self._fail(loc, f"more than {MAX_NODES} values once aliases are expanded")
        self.sizes[id(node)] = size
        return size

    def convert(self, node: Any) -> Any:
        if isinstance(node, Mapping):
            return {str(k): self.convert(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.convert(v) for v in node]
        if isinstance(node, dt.datetime):
            return node.date()
        if isinstance(node, str):
            return str(node)  # ruamel's scalar string subclasses
        return node

    def _fail(self, loc: Loc, reason: str) -> None:
        line, col = self.locator.find(loc)
        raise ScenarioErrors(
            [ScenarioError(reason, file=self.file, line=line, col=col, path=_dotted(loc))]
        )


_TYPE_WORDS = {
    "float": "a number",
    "int": "an integer",
    "str": "a string",
    "bool": "true or false",
}


def _reason(err: Mapping[str, Any]) -> str:
    kind = str(err.get("type", ""))
    msg = str(err.get("msg", "invalid"))
    inp = err.get("input")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required field is missing"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"expected a mapping, got {_kind_of(inp)}"
    if kind in {"list_type", "tuple_type"}:
        return f"expected a list, got {_kind_of(inp)}"
    if kind == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == _ID:
        return f"{_short(inp)} is not an id (a letter, then letters, digits, '_', '.' or '-')"
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    if kind.endswith(("_type", "_parsing", "_error")) or kind in {
        "finite_number",
        "string_pattern_mismatch",
        "too_short",
        "too_long",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
    }:
        msg = f"{msg}, got {_short(inp)}"
    return msg


def _kind_of(v: object) -> str:
    if isinstance(v, Mapping):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    return _short(v)


def _dotted(loc: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in loc)


def _clean_loc(loc: Sequence[str | int]) -> tuple[list[str | int], str | None]:
    """The field path without pydantic's union tags, and the union branch it came from."""
    out: list[str | int] = []
    tag: str | None = None
    for p in loc:
        if isinstance(p, str) and (
            p in _TYPE_WORDS
            or p in {"Quantity", "Num", "Int"}
            or p.startswith(("function-", "tuple[", "constrained-"))
        ):
            tag = p
            continue
        out.append(p)
    return out, tag


def _pydantic_errors(exc: ValidationError, where: Where) -> list[ScenarioError]:
    """One located line per failing field; a union's failed branches merge into one line."""
    grouped: dict[tuple[str | int, ...], list[tuple[Mapping[str, Any], str | None]]] = {}
    for err in exc.errors():
        loc, tag = _clean_loc(err["loc"])
        grouped.setdefault(tuple(loc), []).append((err, tag))
    out: list[ScenarioError] = []
    for key, errs in grouped.items():
        loc = list(key)
        tags = [t for _, t in errs if t is not None]
        if len(errs) > 1 and len(tags) == len(errs):
            # A value that fits no branch of e.g. ``float | str``.
            wanted = [_TYPE_WORDS.get(_base_tag(t), _base_tag(t)) for t in tags]
            reasons = [_reason(e) for e, _ in errs]
            specific = [r for r in reasons if not r.startswith(("Input should be", "expected a"))]
            reason = (
                specific[0]
                if specific
                else f"expected {' or '.join(wanted)}, got {_kind_of(errs[0][0].get('input'))}"
            )
            todo = [(errs[0][0], reason)]
        else:
            todo = [(e, _reason(e)) for e, _ in errs]
        for detail, reason in todo:
            at_key = detail["type"] == "extra_forbidden"
            file, line, col = where(loc, at_key)
            out.append(ScenarioError(reason, file=file, line=line, col=col, path=_dotted(loc)))
    return out


def _base_tag(tag: str) -> str:
    m = re.search(r"\b(float|int|str|bool)\b", tag)
    return m.group(1) if m else tag


def _decode(data: bytes, file: str) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioErrors([_too_big(len(data), file)])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioErrors(
            [ScenarioError("UTF-16 text: save the scenario as UTF-8", file=file, line=1, col=1)]
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _byte_pos(data, nul)
        raise ScenarioErrors(
            [
                ScenarioError(
                    "binary file (a NUL byte): not a YAML scenario", file=file, line=line, col=col
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _byte_pos(data, exc.start)
        raise ScenarioErrors(
            [
                ScenarioError(
                    f"not UTF-8 text (byte 0x{data[exc.start]:02x})", file=file, line=line, col=col
                )
            ]
        ) from None


def _byte_pos(data: bytes, at: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, at) + 1
    return line, at - (data.rfind(b"\n", 0, at) + 1) + 1


def _too_big(size: int, file: str) -> ScenarioError:
    return ScenarioError(
        f"file is {size / 2**20:.1f} MiB; scenario files are limited to "
        f"{MAX_FILE_BYTES / 2**20:.0f} MiB",
        file=file,
    )


def parse_scenario(
    data: bytes | str, file: str = "<scenario>", *, strict: bool = False
) -> tuple[Scenario, list[str]]:
    """Parse and validate scenario text; return the scenario and its warnings.

    Every problem is collected: the schema's (types, unknown keys, ranges) and the
    cross-checks' (references between the parts, values against scales, sources), the latter
    run on every part that passed the schema. Warnings (hindsight: a source dated after the
    scenario's date; a source with no date; a structural source backing a position; an open
    issue that does not apply to its alternative) become errors when ``strict``; a note that
    mentions a date after the scenario's date stays a warning (a heuristic).

    A scenario that ``extends`` another is read from its file with :func:`load_scenario`
    (the parent is found relative to the file).

    Raises:
        ScenarioErrors: every located problem, one line each, in file order.

    Examples:
        Two nations, one issue, one alternative:

        >>> text = '''
        ... meta: {id: two, title: Two nations, date: 1963-07-15}
        ... issues:
        ...   size: {title: Size of the force, scale: {lo: 0, hi: 100}, status_quo: 0, sets: units}
        ... actors:
        ...   US: {name: United States, european: false, capability: 0.6,
        ...        positions: {size: {position: 80, salience: 1}}}
        ...   DE: {name: Germany, european: true, capability: 0.4,
        ...        positions: {size: {position: 40, salience: 1}}}
        ... alternatives:
        ...   fleet: {title: A fleet, invited: [US, DE], open: [size]}
        ... '''
        >>> scenario, warnings = parse_scenario(text, "two.yaml")
        >>> list(scenario.actors), scenario.issues["size"].title, warnings
        (['US', 'DE'], 'Size of the force', [])

        Every problem is one line naming the file, line, column and field:

        >>> try:
        ...     parse_scenario(text.replace("capability: 0.4", "capability: -0.4"), "two.yaml")
        ... except ScenarioErrors as errors:
        ...     print(errors)
        two.yaml:8:51: actors.DE.capability: -0.4 is negative: must be >= 0
    """
    scenario, warnings, _ = _parse(data, file, strict=strict)
    return scenario, warnings


def _parse(
    data: bytes | str, file: str, *, strict: bool
) -> tuple[Scenario, list[str], dict[str, Any]]:
    """:func:`parse_scenario`, also returning the plain data that was validated."""
    text = _text_of(data, file)
    fast = _fast_path(text, file, strict=strict)
    if fast is not None:
        return fast[0], [], fast[1]
    raw, locator = _read_tree(text, file)
    if "extends" in raw:
        line, col = locator.find(["extends"], at_key=True)
        raise ScenarioErrors(
            [
                ScenarioError(
                    "a scenario that extends another is read from its file (mlf check FILE, "
                    "load_scenario(path)): its parent is found relative to it",
                    file=file,
                    line=line,
                    col=col,
                    path="extends",
                )
            ]
        )

    def where(loc: Loc, at_key: bool) -> tuple[str, int | None, int | None]:
        line, col = locator.find(loc, at_key=at_key)
        return file, line, col

    scenario, warnings = _validate(raw, where, strict=strict)
    return scenario, warnings, raw


def _text_of(data: bytes | str, file: str) -> str:
    if isinstance(data, bytes):
        text = _decode(data, file)
    else:
        if len(data) > MAX_FILE_BYTES:
            raise ScenarioErrors([_too_big(len(data.encode("utf-8", "surrogatepass")), file)])
        text = data.removeprefix("\ufeff")
    if not text.strip():
        raise ScenarioErrors([ScenarioError("empty file: expected a YAML mapping", file=file)])
    return text


def _read_tree(text: str, file: str) -> tuple[dict[str, Any], _Locator]:
    """The file's YAML as plain data (a mapping at the top) and the locator of its nodes."""
    tree = _read_yaml(text, file)
    if tree is None:
        raise ScenarioErrors(
            [ScenarioError("no YAML content (only comments?): expected a mapping", file=file)]
        )
    if not isinstance(tree, Mapping):
        raise ScenarioErrors(
            [
                ScenarioError(
                    f"expected a YAML mapping (meta:, issues:, ...) at the top, got "
                    f"{'a list' if isinstance(tree, list) else 'the scalar ' + _short(tree)}",
                    file=file,
                    line=1,
                    col=1,
                )
            ]
        )
    locator = _Locator(tree)
    plain = _Plain(file, locator)
    plain.measure(tree, [])
    raw: dict[str, Any] = plain.convert(tree)
    return raw, locator


Where = Callable[[Loc, bool], tuple[str, int | None, int | None]]
"""Where a field of the validated data was written: ``(loc, at_key) -> (file, line, col)``."""


def _validate(
    raw: Mapping[str, Any],
    where: Where,
    *,
    strict: bool,
    rank: Mapping[str, int] | None = None,
) -> tuple[Scenario, list[str]]:
    """Validate plain data (one file's, or several merged): the scenario and its warnings.

    ``where`` places each problem in the file that wrote it; ``rank`` orders the files of
    merged data in the error list (the default: one file). Each of the scenario's
    ``counterfactuals`` is applied and the result validated too (its problems located in its
    ``overlay``).
    """
    scenario, warnings = _validate_one(raw, where, strict=strict, rank=rank)
    if scenario.counterfactuals:
        errors, more = _counterfactual_problems(
            raw, where, strict=strict, rank=rank, known={str(w) for w in warnings}
        )
        warnings.extend(more)
        if errors:
            raise ScenarioErrors(errors)
    return scenario, [f"warning: {w}" for w in warnings]


def _validate_one(
    raw: Mapping[str, Any],
    where: Where,
    *,
    strict: bool,
    rank: Mapping[str, int] | None = None,
) -> tuple[Scenario, list[ScenarioError]]:
    def located(p: Problem) -> ScenarioError:
        file, line, col = where(p.loc, p.at_key)
        path = _dotted(p.path if p.path is not None else p.loc)
        return ScenarioError(p.reason, file=file, line=line, col=col, path=path)

    def order(e: ScenarioError) -> tuple[int, int, int]:
        return ((rank or {}).get(e.file, 0), e.line or 0, e.col or 0)

    too_many = _size_problems(raw)
    if too_many:  # before the schema and the cross-checks, whose cost grows with the sizes
        raise ScenarioErrors([located(p) for p in too_many])
    unwritable = _text_problems(raw)
    if unwritable:  # before the schema, whose messages may quote the text
        raise ScenarioErrors(sorted((located(p) for p in unwritable), key=order))
    errors: list[ScenarioError] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        errors.extend(_pydantic_errors(exc, where))
    parts = _Parts.from_raw(raw) if scenario is None else _Parts.from_scenario(raw, scenario)
    problems, warns = _cross_check(parts)
    notes = _note_problems(raw, parts.date)
    errors.extend(located(p) for p in problems)
    hindsight = [located(p) for p in warns]
    if strict:
        errors.extend(hindsight)
        hindsight = []
    if errors or scenario is None:
        errors.sort(key=order)
        raise ScenarioErrors(errors)
    hindsight.extend(located(p) for p in notes)
    hindsight.sort(key=order)
    return scenario, hindsight


def _counterfactual_problems(
    raw: Mapping[str, Any],
    where: Where,
    *,
    strict: bool,
    rank: Mapping[str, int] | None,
    known: set[str],
) -> tuple[list[ScenarioError], list[ScenarioError]]:
    """Each counterfactual applied to the (valid) scenario and validated: the errors and
    warnings it brings, located in its ``overlay`` (or, for values it left alone, where they
    were written), each naming the counterfactual."""
    from mlf.overlay import Origin, locate, merge

    errors: list[ScenarioError] = []
    warnings: list[ScenarioError] = []
    for cid, cf in raw["counterfactuals"].items():
        at: Loc = ["counterfactuals", cid]

        def named(e: ScenarioError, cid: str = cid) -> ScenarioError:
            return ScenarioError(
                f"with counterfactual {cid!r}: {e.reason}",
                file=e.file,
                line=e.line,
                col=e.col,
                path=e.path,
            )

        if not _ID_RE.match(cid):
            file, line, col = where(at, True)
            errors.append(
                ScenarioError(
                    f"{cid!r} is not an id (a letter, then letters, digits, '_', '.' or '-')",
                    file=file,
                    line=line,
                    col=col,
                    path=_dotted(at),
                )
            )
            continue
        over = cf["overlay"]
        refused = [k for k in ("extends", "counterfactuals") if k in over]
        if refused:
            file, line, col = where([*at, "overlay", refused[0]], True)
            errors.append(
                ScenarioError(
                    f"a counterfactual changes the scenario, not its {refused[0]}",
                    file=file,
                    line=line,
                    col=col,
                    path=_dotted([*at, "overlay", refused[0]]),
                )
            )
            continue
        base = {k: v for k, v in raw.items() if k != "counterfactuals"}
        merged, origin, found = merge(base, Origin(0, ()), over, 1)

        def cf_where(
            loc: Loc, at_key: bool, origin: Origin = origin, at: Loc = at
        ) -> tuple[str, int | None, int | None]:
            layer, path = locate(origin, loc)
            inner = list(path) if layer == 0 else [*at, "overlay", *path]
            return where(inner, at_key)

        for p in found:
            file, line, col = where([*at, "overlay", *p.at], False)
            errors.append(
                named(ScenarioError(p.reason, file=file, line=line, col=col, path=_dotted(p.path)))
            )
        if found:
            continue
        try:
            _, warns = _validate_one(merged, cf_where, strict=strict, rank=rank)
        except ScenarioErrors as exc:
            errors.extend(named(e) for e in exc.errors)
            continue
        warnings.extend(named(w) for w in warns if str(w) not in known)
    return errors, warnings


_ALIAS_OR_TAG = re.compile(r"(^|[\s\[{,:-])[&*!][^\s]")


class _NeedsPlace(Exception):
    """Raised on the fast path where a problem would be located: the located path reports it."""


def _no_place(loc: Loc, at_key: bool) -> tuple[str, int | None, int | None]:
    """The :data:`Where` of the fast path: there is no locator, so any problem (an error or
    a warning) hands the file to the located round-trip read."""
    raise _NeedsPlace


def _safe_constructor() -> Any:
    """ruamel's safe (C-loader) constructor, timestamps kept as text, numbers checked."""
    global _SAFE_CONSTRUCTOR
    if _SAFE_CONSTRUCTOR is None:
        from ruamel.yaml.constructor import SafeConstructor

        class _TextDatesSafe(SafeConstructor):
            pass

        _TextDatesSafe.add_constructor(
            "tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str
        )
        _checked_numbers(_TextDatesSafe, SafeConstructor)
        _SAFE_CONSTRUCTOR = _TextDatesSafe
    return _SAFE_CONSTRUCTOR


_SAFE_CONSTRUCTOR: Any = None


def _fast_tree(text: str) -> tuple[dict[str, Any], bool] | None:
    """The file's YAML as plain data, read with ruamel's C loader (about 5x faster than the
    located round-trip read), and whether it is within :class:`_Plain`'s limits (at most
    :data:`MAX_NODES` values, containers nested less than :data:`MAX_DEPTH` deep); None when
    that read cannot stand for the located one: the text has anchors, aliases or tags, nests
    flow brackets too deep, is not a mapping at the top, or fails to parse."""
    if _ALIAS_OR_TAG.search(text) is not None or _too_deep(text) is not None:
        return None
    try:
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe")
        yaml.Constructor = _safe_constructor()
        yaml.allow_duplicate_keys = False
        tree = yaml.load(text)
        if not isinstance(tree, Mapping):
            return None
        size = _FastSize()
        raw: dict[str, Any] = _plain_fast(tree, 0, size)
    except Exception:  # any doubt: the located read
        return None
    return raw, size.nodes <= MAX_NODES and not size.deep


def _fast_path(
    text: str, file: str = "<scenario>", *, strict: bool = False
) -> tuple[Scenario, dict[str, Any]] | None:
    """A valid, warning-free file read with :func:`_fast_tree` and validated as the located
    path validates it (counterfactuals included), or None: any problem, warning or doubt
    (a place to report, an ``extends``, an unexpected exception) hands the file to the
    located round-trip path, which reads it again and reports every problem in place.
    """
    tree = _fast_tree(text)
    if tree is None or "extends" in tree[0]:
        return None
    raw, fits = tree
    too_many = _size_problems(raw)
    if too_many:  # refused at once: the located parse of a big file costs 4 times as much
        raise ScenarioErrors(
            [
                ScenarioError(p.reason, file=file, line=lc[0], col=lc[1], path=_dotted(p.loc))
                for p in too_many
                for lc in [_text_position(text, p.loc)]
            ]
        )
    if not fits:  # the located read reports the size or the depth
        return None
    try:
        scenario, warnings = _validate(raw, _no_place, strict=strict)
    except Exception:  # a problem to place (_NeedsPlace), or any doubt: the located path
        return None
    if warnings:  # cannot happen (a warning is placed first); never print one unplaced
        return None
    return scenario, raw


def _text_position(text: str, loc: Sequence[str | int]) -> tuple[int | None, int | None]:
    """Line and column of the key ``loc`` found by searching the text for each of its keys
    in turn (block or flow style), for files refused before the located parse."""
    at, found = 0, None
    for key in loc:
        m = re.compile(rf"(?:^|[\s{{,])['\"]?{re.escape(str(key))}['\"]?[ \t]*:", re.M).search(
            text, at
        )
        if m is None:
            break
        found = m.end() - 1
        at = m.end()
    if found is None:
        return None, None
    start = text.rfind("\n", 0, found) + 1
    key_at = found - len(str(loc[-1]))
    return text.count("\n", 0, found) + 1, max(key_at - start, 0) + 1


class _FastSize:
    """What :meth:`_Plain.measure` would count on the fast read's tree (which has no
    aliases): the values, and whether a container nests :data:`MAX_DEPTH` deep."""

    def __init__(self) -> None:
        self.nodes = 0
        self.deep = False


def _plain_fast(node: Any, depth: int, size: _FastSize) -> Any:
    """:meth:`_Plain.convert` for the C loader's tree, sizing it as it goes."""
    size.nodes += 1
    if isinstance(node, Mapping):
        size.deep = size.deep or depth >= MAX_DEPTH
        size.nodes += len(node)
        return {str(k): _plain_fast(v, depth + 1, size) for k, v in node.items()}
    if isinstance(node, list):
        size.deep = size.deep or depth >= MAX_DEPTH
        size.nodes += len(node)
        return [_plain_fast(v, depth + 1, size) for v in node]
    if isinstance(node, dt.datetime):
        return node.date()
    return node


# --------------------------------------------------------------------------- cross-checks


@dataclass
class _Parts:
    """The parts of a scenario that passed the schema, and every id the file names.

    Cross-checks run on the valid parts; a reference to a part that exists but is malformed
    is not reported again as dangling.
    """

    date: dt.date | None = None
    source_keys: list[object] = field(default_factory=list)  # in file order, as written
    sources: dict[str, Source] = field(default_factory=dict)
    settings: Settings | None = None
    issue_ids: list[str] = field(default_factory=list)
    issues: dict[str, Issue] = field(default_factory=dict)
    actor_ids: list[str] = field(default_factory=list)
    actors: dict[str, Actor] = field(default_factory=dict)
    alternative_ids: list[str] = field(default_factory=list)
    alternatives: dict[str, Alternative] = field(default_factory=dict)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> _Parts:
        from pydantic import TypeAdapter

        parts = cls()
        meta = raw.get("meta")
        if isinstance(meta, Mapping):
            with contextlib.suppress(ValidationError):
                parts.date = TypeAdapter(dt.date).validate_python(meta.get("date"))
            srcs = meta.get("sources")
            for s in srcs if isinstance(srcs, list) else []:
                if isinstance(s, Mapping):
                    parts.source_keys.append(s.get("key"))
                    src = _valid(Source, s)
                    if src is not None and src.key not in parts.sources:
                        parts.sources[src.key] = src
        parts.settings = _valid(Settings, raw.get("settings", {}))
        for name, model in (("issues", Issue), ("actors", Actor), ("alternatives", Alternative)):
            section = raw.get(name)
            if isinstance(section, Mapping):
                getattr(parts, name[:-1] + "_ids").extend(section)
                valid = getattr(parts, name)
                for k, v in section.items():
                    obj = _valid(model, v)
                    if obj is not None:
                        valid[k] = obj
        return parts


    @classmethod
    def from_scenario(cls, raw: Mapping[str, Any], scenario: Scenario) -> _Parts:
        """:meth:`from_raw` of data that validated as ``scenario``: the same parts, taken
        from it instead of validated again one by one."""
        parts = cls(date=scenario.meta.date)
        parts.source_keys = [s.get("key") for s in raw["meta"].get("sources", [])]
        for src in scenario.meta.sources:
            parts.sources.setdefault(src.key, src)
        parts.settings = scenario.settings
        parts.issue_ids, parts.issues = list(raw["issues"]), dict(scenario.issues)
        parts.actor_ids, parts.actors = list(raw["actors"]), dict(scenario.actors)
        parts.alternative_ids = list(raw["alternatives"])
        parts.alternatives = dict(scenario.alternatives)
        return parts


def _valid(model: type[_M], data: object) -> _M | None:
    try:
        return model.model_validate(data)
    except ValidationError:
        return None


_ID_RE = re.compile(_ID)


def _fmt(value: float | str) -> str:
    return repr(value) if isinstance(value, str) else f"{value:g}"


def _cross_check(p: _Parts) -> tuple[list[Problem], list[Problem]]:
    """References between the parts, values against scales, sources and hindsight."""
    errs: list[Problem] = []
    warns: list[Problem] = []
    actor_ids = set(p.actor_ids)
    issue_ids = set(p.issue_ids)

    for section in ("issues", "actors", "alternatives"):
        for k in getattr(p, section[:-1] + "_ids"):
            if not _ID_RE.match(k):
                errs.append(
                    Problem(
                        [section, k],
                        f"{k!r} is not an id (a letter, then letters, digits, '_', '.' or '-')",
                        at_key=True,
                    )
                )

    seen: set[object] = set()
    for i, k in enumerate(p.source_keys):
        if k in seen and isinstance(k, str):
            errs.append(Problem(["meta", "sources", i, "key"], f"duplicate source key {k!r}"))
        elif isinstance(k, str) and k in p.sources and p.sources[k].date is None:
            warns.append(
                Problem(
                    ["meta", "sources", i, "key"],
                    f"source {k!r} has no date: cannot tell whether it is hindsight "
                    "(a date is required with --strict)",
                    path=["meta", "sources", i, "date"],
                )
            )
        seen.add(k)
    known_sources = {k for k in p.source_keys if isinstance(k, str)}

    def check_sources(loc: Loc, srcs: Sequence[str], *, statement: bool = False) -> None:
        for j, key in enumerate(srcs):
            if key not in known_sources:
                errs.append(Problem([*loc, "sources", j], f"unknown source key {key!r}"))
                continue
            src = p.sources.get(key)
            if statement and src is not None and src.structural:
                warns.append(
                    Problem(
                        [*loc, "sources", j],
                        f"source {key!r} is structural data: it cannot back a position, "
                        "stance, outside option or support value",
                    )
                )
            first = None if src is None else src.earliest_date
            if src is not None and first is not None and p.date is not None and first > p.date:
                warns.append(
                    Problem(
                        [*loc, "sources", j],
                        f"source {key!r} is dated {src.date}, after the scenario's date "
                        f"{p.date.isoformat()} (hindsight)",
                    )
                )

    def check_stance(loc: Loc, stance: Stance, codes: Mapping[str, object]) -> None:
        if stance.code not in codes:
            errs.append(
                Problem(
                    [*loc, "code"],
                    f"unknown stance code {stance.code!r} (known: {', '.join(codes)})",
                )
            )
        elif stance.code != NO_STATEMENT and (not stance.sources or stance.date is None):
            errs.append(
                Problem(
                    [*loc, "code"],
                    f"stance {stance.code!r} needs the sources and the date of the statement "
                    "that codes it",
                )
            )
        check_sources(loc, stance.sources, statement=True)
        first = stance.earliest_date
        if first is not None and p.date is not None and first > p.date:
            warns.append(
                Problem(
                    [*loc, "date"],
                    f"the statement is dated {stance.date}, after the scenario's date "
                    f"{p.date.isoformat()} (hindsight)",
                )
            )

    def check_quantity(loc: Loc, q: Quantity | None) -> None:
        if q is not None:
            check_sources(loc, q.sources)

    def check_settings(loc: Loc, st: ArrangementSettings) -> None:
        if st.rule is not None:
            errs.extend(_rule_problems([*loc, "rule"], st.rule, actor_ids))
        if st.lead is not None and st.lead not in actor_ids:
            errs.append(Problem([*loc, "lead"], f"unknown actor {st.lead!r}"))
        for a, units in (st.in_kind or {}).items():
            if a not in actor_ids:
                errs.append(Problem([*loc, "in_kind", a], f"unknown actor {a!r}", at_key=True))
            elif units < 0:
                errs.append(Problem([*loc, "in_kind", a], f"{units:g} units: must be >= 0"))

    for iid, issue in p.issues.items():
        loc: Loc = ["issues", iid]
        check_sources(loc, issue.sources)
        errs.extend(_value_problems([*loc, "status_quo"], issue, issue.status_quo))
        for j, opt in enumerate(issue.options or []):
            check_sources([*loc, "options", j], opt.sources)
            check_settings([*loc, "options", j, "settings"], opt.settings)

    st = p.settings
    if st is not None:
        if st.pivotal_actor is not None and st.pivotal_actor not in actor_ids:
            errs.append(
                Problem(["settings", "pivotal_actor"], f"unknown actor {st.pivotal_actor!r}")
            )
        if st.broadening_issue is not None:
            b_issue = p.issues.get(st.broadening_issue)
            if st.broadening_issue not in issue_ids:
                errs.append(
                    Problem(
                        ["settings", "broadening_issue"],
                        f"unknown issue {st.broadening_issue!r}",
                    )
                )
            elif b_issue is not None and b_issue.options is None:
                errs.append(
                    Problem(
                        ["settings", "broadening_issue"],
                        "the broadening issue needs ordered options",
                    )
                )
        errs.extend(_model_problems(st))

    def check_positions(loc: Loc, positions: Mapping[str, Position]) -> None:
        for iid, pos in positions.items():
            ploc: Loc = [*loc, "positions", iid]
            check_sources(ploc, pos.sources, statement=True)
            check_sources([*ploc, "salience"], pos.salience.sources, statement=True)
            if iid not in issue_ids:
                errs.append(Problem(ploc, f"unknown issue {iid!r}", at_key=True))
                continue
            on = p.issues.get(iid)
            if on is None:
                continue  # malformed: reported by the schema
            errs.extend(_value_problems([*ploc, "position"], on, pos.position, path=ploc))
            if pos.range is not None and on.scale is not None:
                lo, _, hi = pos.range
                if lo < on.scale.lo or hi > on.scale.hi:
                    errs.append(
                        Problem(
                            [*ploc, "range"],
                            f"range {lo:g}..{hi:g} is outside the issue's scale "
                            f"{on.scale.lo:g}..{on.scale.hi:g}",
                        )
                    )
            if pos.stance is not None:
                check_stance([*ploc, "stance"], pos.stance, POSITION_CODES)

    for aid, actor in p.actors.items():
        loc = ["actors", aid]
        check_sources(loc, actor.sources)
        for name in ("capability", "gdp", "defence_budget", "contribution"):
            check_quantity([*loc, name], getattr(actor, name))
        for iid, pos in actor.positions.items():
            ploc: Loc = [*loc, "positions", iid]
            check_sources(ploc, pos.sources, statement=True)
            check_sources([*ploc, "salience"], pos.salience.sources, statement=True)
            if iid not in issue_ids:
                errs.append(Problem(ploc, f"unknown issue {iid!r}", at_key=True))
                continue
            on = p.issues.get(iid)
            if on is None:
                continue  # malformed: reported by the schema
            errs.extend(_value_problems([*ploc, "position"], on, pos.position, path=ploc))
            if pos.range is not None and on.scale is not None:
                lo, _, hi = pos.range
                if lo < on.scale.lo or hi > on.scale.hi:
                    errs.append(
                        Problem(
                            [*ploc, "range"],
                            f"range {lo:g}..{hi:g} is outside the issue's scale "
                            f"{on.scale.lo:g}..{on.scale.hi:g}",
                        )
                    )
        for rid, rat in actor.ratifiers.items():
            rloc: Loc = [*loc, "ratifiers", rid]
            if not _ID_RE.match(rid):
                errs.append(
                    Problem(
                        rloc,
                        f"{rid!r} is not an id (a letter, then letters, digits, '_', '.' or '-')",
                        at_key=True,
                    )
                )
            check_sources(rloc, rat.sources)
            check_sources([*rloc, "reservation"], rat.reservation.sources, statement=True)
            if rat.stance is not None:
                check_stance([*rloc, "stance"], rat.stance, RATIFIER_CODES)
            check_positions(rloc, rat.positions)
        for ref, stance in actor.stances.alternatives.items():
            if ref not in p.alternative_ids:
                errs.append(
                    Problem(
                        [*loc, "stances", "alternatives", ref],
                        f"unknown alternative {ref!r}",
                        at_key=True,
                    )
                )
            check_stance([*loc, "stances", "alternatives", ref], stance, ALTERNATIVE_CODES)
        for topic, codes in (("voice", VOICE_CODES), ("cost", COST_CODES)):
            topic_stance: Stance | None = getattr(actor.stances, topic)
            if topic_stance is not None:
                check_stance([*loc, "stances", topic], topic_stance, codes)
        for iid, pos in actor.positions.items():
            if pos.stance is not None:
                check_stance([*loc, "positions", iid, "stance"], pos.stance, POSITION_CODES)
        for kind in ("outside_option", "support"):
            table: dict[str, Quantity] = getattr(actor, kind)
            for ref, q in table.items():
                if ref not in p.alternative_ids:
                    errs.append(
                        Problem([*loc, kind, ref], f"unknown alternative {ref!r}", at_key=True)
                    )
                check_sources([*loc, kind, ref], q.sources, statement=True)
                if kind == "support" and not 0 <= q.value <= 1:
                    errs.append(
                        Problem([*loc, kind, ref], f"support {q.value:g} must lie in [0, 1]")
                    )

    for alt_id, alt in p.alternatives.items():
        loc = ["alternatives", alt_id]
        check_sources(loc, alt.sources)
        for field_name in ("invited", "observers"):
            members: list[str] = getattr(alt, field_name)
            for j, a in enumerate(members):
                if a not in actor_ids:
                    errs.append(Problem([*loc, field_name, j], f"unknown actor {a!r}"))
                elif a in members[:j]:
                    errs.append(Problem([*loc, field_name, j], f"{a!r} is listed twice"))
        for j, a in enumerate(alt.observers):
            if a in alt.invited:
                errs.append(Problem([*loc, "observers", j], f"{a!r} is both invited and observer"))
        for j, pr in enumerate(alt.pressure):
            ploc = [*loc, "pressure", j]
            check_sources(ploc, pr.sources)
            check_quantity([*ploc, "outside_option"], pr.outside_option)
            if pr.by not in alt.observers:
                errs.append(Problem([*ploc, "by"], f"{pr.by!r} is not an observer of {alt_id}"))
            for k, a in enumerate(pr.on):
                if a not in alt.invited:
                    errs.append(Problem([*ploc, "on", k], f"{a!r} is not invited to {alt_id}"))
        for j, iid in enumerate(alt.open):
            if iid not in issue_ids:
                errs.append(Problem([*loc, "open", j], f"unknown issue {iid!r}"))
            elif iid in alt.fixed:
                errs.append(Problem([*loc, "open", j], f"issue {iid!r} is both open and fixed"))
            elif iid in alt.open[:j]:
                errs.append(Problem([*loc, "open", j], f"issue {iid!r} is listed twice"))
            elif iid in p.issues and all(i in p.issues for i in [*alt.open, *alt.fixed]):
                unused = unused_fields(p.issues, alt, iid)
                if unused:
                    warns.append(
                        Problem(
                            [*loc, "open", j],
                            f"issue {iid!r} sets {', '.join(unused)}, which this alternative "
                            "does not use (no force, or no lead payer): the talks leave it out",
                        )
                    )
        for iid, value in alt.fixed.items():
            fixed_issue = p.issues.get(iid)
            if iid not in issue_ids:
                errs.append(Problem([*loc, "fixed", iid], f"unknown issue {iid!r}", at_key=True))
            elif fixed_issue is not None:
                errs.extend(_value_problems([*loc, "fixed", iid], fixed_issue, value))
        check_settings([*loc, "settings"], alt.settings)
        if alt.min_members > len(alt.invited):
            errs.append(
                Problem(
                    [*loc, "min_members"],
                    f"needs {alt.min_members} members but invites only {len(alt.invited)}",
                )
            )
    return errs, warns


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MENTION = re.compile(
    r"\b(?:(?P<iso>(?:19|20)\d{2}-[01]\d(?:-[0-3]\d)?)"
    r"|(?:(?P<day>[0-3]?\d) )?(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? "
    r"(?P<my>(?:19|20)\d{2})"
    r"|(?P<year>(?:19|20)\d{2}))\b"
)


def _mentions(text: str) -> Iterator[tuple[str, dt.date]]:
    """Dates a free-text note mentions, each with the earliest day it can mean."""
    for m in _MENTION.finditer(text):
        with contextlib.suppress(ValueError):
            if m.group("iso"):
                yield m.group("iso"), _earliest(m.group("iso"))
            elif m.group("mon"):
                month = _MONTHS.index(m.group("mon").lower()) + 1
                day = int(m.group("day")) if m.group("day") else 1
                yield m.group(0), dt.date(int(m.group("my")), month, day)
            else:
                yield m.group("year"), dt.date(int(m.group("year")), 1, 1)


def _note_problems(raw: object, date: dt.date | None) -> list[Problem]:
    """Notes that mention a date after the scenario's date: possible hindsight in the prose.

    A heuristic (a note may name a later date for a good reason), so it stays a warning even
    with ``--strict``. The earliest day a mention can mean is compared: "1963" is not after
    1963-07-15, "Oct 1963" is.
    """
    out: list[Problem] = []
    if date is None:
        return out

    def walk(node: object, at: Loc) -> None:
        if isinstance(node, Mapping):
            for k, v in node.items():
                if k == "note" and isinstance(v, str):
                    late = [t for t, d in _mentions(v) if d > date]
                    if late:
                        out.append(
                            Problem(
                                [*at, k],
                                f"note mentions {', '.join(late)}, after the scenario's date "
                                f"{date.isoformat()}: possible hindsight",
                            )
                        )
                else:
                    walk(v, [*at, str(k)])
        elif isinstance(node, list):
            for j, v in enumerate(node):
                walk(v, [*at, j])

    walk(raw, [])
    return out


def _model_problems(st: Settings) -> list[Problem]:
    """The bargaining model named in the settings must exist (names only: no engine import)."""
    from mlf.bargaining_names import MODEL_NAMES as MODELS

    out: list[Problem] = []
    if st.model not in MODELS:
        out.append(
            Problem(
                ["settings", "model"],
                f"unknown bargaining model {st.model!r} (known: {', '.join(sorted(MODELS))})",
            )
        )
    for name in st.model_params:
        if name not in MODELS:
            out.append(
                Problem(
                    ["settings", "model_params", name],
                    f"unknown bargaining model {name!r} (known: {', '.join(sorted(MODELS))})",
                    at_key=True,
                )
            )
    return out


def _rule_problems(loc: Loc, rule: Mapping[str, Any], actor_ids: set[str]) -> list[Problem]:
    """A control rule's grammar (:func:`mlf.games.validate_rule_spec`) and its actor ids."""
    from mlf.games import rule_actor_refs, rule_error_loc, validate_rule_spec

    try:
        validate_rule_spec(rule)
    except GameError as exc:
        sub = rule_error_loc(rule, exc)
        if sub is None:
            return [Problem(loc, f"invalid control rule: {exc}")]
        return [Problem([*loc, *sub], f"invalid control rule: {exc.reason}")]
    return [
        Problem([*loc, *r.loc], f"unknown actor {r.actor!r} in the weights", at_key=True)
        if r.in_weights
        else Problem([*loc, *r.loc], f"unknown actor {r.actor!r}")
        for r in rule_actor_refs(rule)
        if r.actor not in actor_ids
    ]


def _value_problems(
    loc: Loc, issue: Issue, value: float | str, path: Loc | None = None
) -> list[Problem]:
    """``value`` must be a number on a scale issue's scale, or one of an options issue's ids."""
    if issue.scale is not None:
        if isinstance(value, str):
            return [Problem(loc, f"{value!r} is not a number (the issue is a scale)", path)]
        if not issue.scale.lo <= value <= issue.scale.hi:
            return [
                Problem(
                    loc,
                    f"{value:g} is outside the issue's scale "
                    f"{issue.scale.lo:g}..{issue.scale.hi:g}",
                    path,
                )
            ]
        return []
    ids = [o.id for o in issue.options or []]
    if not isinstance(value, str) or value not in ids:
        return [Problem(loc, f"{_fmt(value)} is not one of the options ({', '.join(ids)})", path)]
    return []


# --------------------------------------------------------------------------- files, built-ins


def _builtin_dir() -> Any:
    return resources.files("mlf") / "scenarios"


def builtin_ids() -> list[str]:
    """Ids of the scenarios that ship with mlf, sorted.

    Examples:
        >>> builtin_ids()
        ['mlf-1963', 'mlf-1963-10', 'mlf-1964-06', 'mlf-1964-12']
    """
    return sorted(
        p.name[: -len(".yaml")] for p in _builtin_dir().iterdir() if p.name.endswith(".yaml")
    )


def builtin_path(scenario_id: str) -> Path:
    """The file of a built-in scenario (it may not exist: check :func:`builtin_ids`).

    Examples:
        >>> path = builtin_path("mlf-1963")
        >>> path.name, path.exists(), builtin_path("mlf-1970").exists()
        ('mlf-1963.yaml', True, False)
    """
    return Path(str(_builtin_dir() / f"{scenario_id}.yaml"))


def builtin_text(scenario_id: str) -> str:
    """The YAML text of a built-in scenario, standing on its own.

    A built-in that ``extends`` another (the dated ladder) cannot be read from text alone,
    since its parent is found relative to its file; for callers that keep a scenario as
    text (the exercise server stores what it played), this returns the merged scenario,
    without ``extends``, which :func:`parse_scenario` reads to the same scenario. A
    built-in that extends nothing is returned byte for byte.

    The October 1963 built-in extends July's; its text stands on its own:

    >>> from mlf.scenario import builtin_path, builtin_text, parse_scenario
    >>> "extends:" in builtin_path("mlf-1963-10").read_text(encoding="utf-8")
    True
    >>> text = builtin_text("mlf-1963-10")
    >>> "extends:" in text, str(parse_scenario(text)[0].meta.date)
    (False, '1963-10-11')
    """
    import io

    from ruamel.yaml import YAML

    path = builtin_path(scenario_id)
    loaded = load_scenario(path)
    if len(loaded.layers) < 2 or loaded.data is None:
        return path.read_text(encoding="utf-8")
    out = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(_plain_yaml(loaded.data), out)
    return out.getvalue()


def _plain_yaml(node: Any) -> Any:
    """ruamel's scalar subclasses (ScalarFloat, ScalarString, ...) as plain Python values."""
    if isinstance(node, Mapping):
        return {str(k): _plain_yaml(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_plain_yaml(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def load_scenario(ref: str | Path, *, strict: bool = False) -> LoadedScenario:
    """Load a scenario from a path or a built-in id (a path that exists wins).

    The size is checked before the file is read, so a huge file is refused at once. A file
    that ``extends`` another is merged onto its parent (and so on, at most
    :data:`MAX_EXTENDS` levels; see :mod:`mlf.overlay`), and the merged scenario is validated:
    each problem is located in the file that set the value. The loaded scenario's ``sha256``
    is then the hash of the merged scenario (:func:`mlf.overlay.canonical_sha256`), and
    ``layers`` names every file with the hash of its bytes.

    Raises:
        ScenarioErrors: with every located problem (one line each).

    Examples:
        >>> loaded = load_scenario("mlf-1963")
        >>> loaded.id, loaded.builtin, str(loaded.scenario.meta.date), loaded.warnings
        ('mlf-1963', True, '1963-07-15', ())
    """
    text_ref = str(ref)
    path = Path(text_ref)
    builtin = False
    if not path.exists() and text_ref in builtin_ids():
        path = builtin_path(text_ref)
        builtin = True
    if not path.exists():
        known = ", ".join(builtin_ids()) or "none installed"
        raise ScenarioErrors(
            [
                ScenarioError(
                    f"no such file or built-in scenario (built-ins: {known})", file=text_ref
                )
            ]
        )
    shown = f"{text_ref}.yaml" if builtin else text_ref
    data = _read_file(path, shown if builtin else text_ref)
    if _EXTENDS.search(data) is not None:
        try:  # the fast read of every file first (see _fast_path); any problem: the located
            return _load_overlay(_Layer(shown, path, builtin, data, fast=True), strict=strict)
        except Exception:  # a problem to place (_NeedsPlace), or any doubt
            pass
        return _load_overlay(_Layer(shown, path, builtin, data), strict=strict)
    scenario, warnings, raw = _parse(data, shown, strict=strict)
    digest = hashlib.sha256(data).hexdigest()
    return LoadedScenario(
        scenario=scenario,
        path=str(path),
        sha256=digest,
        warnings=tuple(warnings),
        builtin=builtin,
        layers=((shown, digest),),
        data=raw,
    )


MAX_EXTENDS = 16
"""Most files in a chain of ``extends`` (a scenario, its parent, ...): deeper is refused."""

_EXTENDS = re.compile(rb"^extends[ \t]*:", re.M)


def _read_file(path: Path, shown: str) -> bytes:
    if path.is_dir():
        raise ScenarioErrors([ScenarioError("is a directory, not a scenario file", file=shown)])
    from mlf._bounded import InputFileError, read_bounded

    try:  # devices, FIFOs (and links to them) refused before reading; size before reading
        return read_bounded(
            path, limit=MAX_FILE_BYTES, what="scenario", limit_name="mlf.scenario.MAX_FILE_BYTES"
        )
    except InputFileError as exc:
        raise ScenarioErrors(
            [ScenarioError(exc.reason, file=shown, line=exc.line, col=exc.col)]
        ) from None


@dataclass
class _Layer:
    """One file of a chain of ``extends``: its shown name, path, bytes, data and locator."""

    file: str
    path: Path
    builtin: bool
    data: bytes
    raw: dict[str, Any] = field(default_factory=dict)
    locator: _Locator | None = None

    fast: bool = False
    """Read with :func:`_fast_tree` (no locator): placing a problem raises :class:`_NeedsPlace`."""

    def read(self) -> _Layer:
        text = _text_of(self.data, self.file)
        if self.fast:
            tree = _fast_tree(text)
            if tree is None or not tree[1]:
                raise _NeedsPlace
            self.raw = tree[0]
        else:
            self.raw, self.locator = _read_tree(text, self.file)
        return self

    def find(self, loc: Loc, *, at_key: bool = False) -> tuple[int, int]:
        """Line and column of ``loc`` in this file."""
        if self.locator is None:
            raise _NeedsPlace
        return self.locator.find(loc, at_key=at_key)

    def located(
        self, loc: Loc, reason: str, *, path: Loc | None = None, at_key: bool = False
    ) -> ScenarioError:
        """A problem at ``loc`` of this file (``path``: the field named, if another)."""
        line, col = self.find(loc, at_key=at_key)
        shown = _dotted(loc if path is None else path)
        return ScenarioError(reason, file=self.file, line=line, col=col, path=shown)

    def error(self, loc: Loc, reason: str, *, at_key: bool = False) -> ScenarioErrors:
        return ScenarioErrors([self.located(loc, reason, at_key=at_key)])


def _chain(first: _Layer) -> list[_Layer]:
    """The files of a chain of ``extends``, the root first; cycles, missing parents and
    chains deeper than :data:`MAX_EXTENDS` refused at the ``extends`` that names them."""
    chain = [first.read()]
    seen = [str(first.path.resolve())]
    while "extends" in chain[-1].raw:
        child = chain[-1]
        ref = child.raw["extends"]
        if not isinstance(ref, str) or not ref.strip():
            raise child.error(
                ["extends"], f"expected a scenario id or a file path, got {_short(ref)}"
            )
        if len(chain) >= MAX_EXTENDS:
            raise child.error(
                ["extends"],
                f"more than {MAX_EXTENDS} files in the chain of extends (mlf.scenario.MAX_EXTENDS)",
            )
        near = Path(ref) if Path(ref).is_absolute() else child.path.parent / ref
        if near.exists():
            shown = f"{ref}.yaml" if child.builtin else str(near)
            layer = _Layer(shown, near, child.builtin, b"", fast=first.fast)
        elif ref in builtin_ids():
            layer = _Layer(f"{ref}.yaml", builtin_path(ref), True, b"", fast=first.fast)
        else:
            known = ", ".join(builtin_ids()) or "none installed"
            raise child.error(
                ["extends"],
                f"no such file or built-in scenario {ref!r} (a path is relative to "
                f"{'the built-ins' if child.builtin else child.path.parent}; built-ins: {known})",
            )
        key = str(layer.path.resolve())
        if key in seen:
            names = [c.file for c in chain] + [layer.file]
            raise child.error(["extends"], f"{ref!r} closes a cycle: {' -> '.join(names)}")
        seen.append(key)
        layer.data = _read_file(layer.path, layer.file)
        chain.append(layer.read())
    chain.reverse()
    return chain


@dataclass(frozen=True)
class OverlayChange:
    """A field an overlay changed against its parent, with where it was written."""

    path: str
    old: Any
    new: Any
    sources: tuple[str, ...]
    file: str
    line: int | None


@dataclass(frozen=True)
class OverlayDiff:
    """What ``mlf show --diff`` shows: the overlay, its parent and the changed fields."""

    loaded: LoadedScenario
    parent: str
    changes: tuple[OverlayChange, ...]


def overlay_diff(ref: str | Path) -> OverlayDiff:
    """The fields a scenario that ``extends`` another changed against its (merged) parent.

    Raises:
        ScenarioErrors: the scenario is invalid, or extends nothing.

    Examples:
        A later date's file gives only what changed (in a temporary directory):

        >>> import tempfile
        >>> tmp = tempfile.TemporaryDirectory()
        >>> from mlf import examples
        >>> _ = (Path(tmp.name) / "two.yaml").write_text(examples.text("two_nations_fleet"))
        >>> _ = (Path(tmp.name) / "later.yaml").write_text('''extends: two.yaml
        ... meta: {id: later, date: 1963-10-11}
        ... actors: {DE: {capability: 0.5}}
        ... ''')
        >>> d = overlay_diff(Path(tmp.name) / "later.yaml")
        >>> Path(d.parent).name
        'two.yaml'
        >>> for c in d.changes:
        ...     print(f"{c.path}: {c.old} -> {c.new} (later.yaml line {c.line})")
        meta.id: two -> later (later.yaml line 2)
        meta.date: 1963-07-15 -> 1963-10-11 (later.yaml line 2)
        actors.DE.capability: 0.4 -> 0.5 (later.yaml line 3)
        >>> tmp.cleanup()
    """
    from mlf.overlay import Origin, diff, locate, merge, sources_of

    loaded = load_scenario(ref)
    if len(loaded.layers) < 2:
        raise ScenarioErrors(
            [ScenarioError("extends no other scenario: there is nothing to compare", file=str(ref))]
        )
    chain = _chain(
        _Layer(
            loaded.layers[-1][0],
            Path(loaded.path),
            loaded.builtin,
            _read_file(Path(loaded.path), loaded.layers[-1][0]),
        )
    )
    parent: Any = chain[0].raw
    origin = Origin(0, ())
    for i, layer in enumerate(chain[1:-1], start=1):
        parent, origin, _ = merge(parent, origin, _without_extends(layer.raw), i)
    top = len(chain) - 1
    merged, origin, _ = merge(parent, origin, _without_extends(chain[top].raw), top)
    rows = []
    for ch in diff(parent, merged):
        i, at = locate(origin, ch.path_parts)
        layer = chain[i]
        assert layer.locator is not None
        line, _ = layer.locator.find(list(at))
        rows.append(
            OverlayChange(ch.path, ch.old, ch.new, tuple(sources_of(ch.new)), layer.file, line)
        )
    return OverlayDiff(loaded, chain[-2].file, tuple(rows))


MAX_SET_CHARS = 10_000
"""Longest ``--set PATH=VALUE`` text."""


class ChangeErrors(ScenarioErrors):
    """Problems with the changes asked for on the command line: exit 2 when one comes from
    a flag (``--set``, ``--counterfactual``), else 1 (an ``--overlay`` file)."""

    def __init__(self, errors: list[ScenarioError], *, flag: bool) -> None:
        super().__init__(errors)
        self.exit_code = 2 if flag else 1


def _members(tp: Any) -> list[Any]:
    """The types a field annotation allows: ``Annotated`` unwrapped, unions and ``None``
    split (``Quantity | None`` -> ``[Quantity]``)."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _members(get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        return [m for a in get_args(tp) for m in _members(a)]
    return [] if tp is type(None) else [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _holds_mapping(tp: Any) -> bool:
    return any(_is_model(m) or get_origin(m) in (dict, Mapping) for m in _members(tp))


def _types_at(path: Sequence[str | int]) -> list[Any]:
    """The schema's types a value at ``path`` of a scenario's data may have (empty: the schema
    names nothing there). A model's step is one of its fields; a ``dict`` step is any key (an
    id); a ``list`` step an index."""
    here: list[Any] = [Scenario]
    for part in path:
        nxt: list[Any] = []
        for tp in (m for t in here for m in _members(t)):
            if _is_model(tp):
                spec = tp.model_fields.get(str(part))
                if spec is not None:
                    nxt.append(spec.annotation)
            elif get_origin(tp) in (dict, Mapping):
                nxt.append(get_args(tp)[1])
            elif get_origin(tp) in (list, tuple) and isinstance(part, int):
                nxt.extend(a for a in get_args(tp) if a is not Ellipsis)
        here = nxt
    return here


def set_creates(parent: Sequence[str | int], key: str) -> bool:
    """Whether ``--set`` may create ``key`` under ``parent`` as a new, empty mapping: ``key``
    is a field the scenario schema names there (never an id: a missing actor, issue or
    alternative stays an error) and that field holds a mapping or a model.

    >>> set_creates(("settings",), "ratification")
    True
    >>> set_creates((), "settings"), set_creates(("actors", "FRG"), "outside_option")
    (True, True)
    >>> set_creates(("actors",), "FRG"), set_creates(("settings",), "seed")
    (False, False)
    """
    return any(
        _is_model(tp) and key in tp.model_fields and _holds_mapping(tp.model_fields[key].annotation)
        for t in _types_at(parent)
        for tp in _members(t)
    )


def apply_changes(
    loaded: LoadedScenario,
    *,
    counterfactual: str | None = None,
    overlays: Sequence[str | Path] = (),
    sets: Sequence[str] = (),
    strict: bool = False,
) -> LoadedScenario:
    """The scenario with changes applied: a named counterfactual, then overlay files, then
    ``--set PATH=VALUE`` assignments, each merged by the overlay rules (:mod:`mlf.overlay`).

    The result runs without the scenario's ``counterfactuals`` (it *is* one); its ``sha256``
    is the hash of the changed scenario, ``base_sha256`` that of the scenario loaded, and
    ``requests`` lists each change asked for with the fields it changed. Problems are located
    where the value was written: the overlay file, the counterfactual in the scenario file,
    or the ``--set`` that gave it.

    Raises:
        UsageError: an unknown counterfactual, a malformed ``--set`` or a path that names no
            field (exit 2).
        ChangeErrors: the changed scenario is invalid (exit 2 if a ``--set`` or the
            counterfactual is at fault, else 1).
        ScenarioErrors: an overlay file cannot be read.

    Examples:
        A ``--set`` on a scenario file (in a temporary directory); the result records what it
        changed and both hashes:

        >>> from mlf import examples
        >>> loaded = load_scenario(examples.path("two_nations_fleet"))
        >>> changed = apply_changes(loaded, sets=["actors.DE.capability=0.5"])
        >>> changed.scenario.actors["DE"].capability.value
        0.5
        >>> changed.base_sha256 == loaded.sha256, changed.sha256 == loaded.sha256
        (True, False)
        >>> [c.to_dict() for c in changed.requests[0].changes]
        [{'path': 'actors.DE.capability', 'old': 0.4, 'new': 0.5}]

        A value the scenario refuses is named by the ``--set`` that gave it:

        >>> try:
        ...     apply_changes(loaded, sets=["actors.DE.capability=-1"])
        ... except ChangeErrors as errors:
        ...     print(errors)
        ...     print("exit code", errors.exit_code)
        --set actors.DE.capability=-1: actors.DE.capability: -1 is negative: must be >= 0
        exit code 2
    """
    from mlf.errors import UsageError
    from mlf.overlay import (
        Origin,
        Request,
        SetPathError,
        canonical_sha256,
        diff,
        locate,
        merge,
        nest,
        resolve_path,
    )

    if counterfactual is None and not overlays and not sets:
        return loaded
    top = loaded.layers[-1][0] if loaded.layers else loaded.path
    chain = _chain(
        _Layer(top, Path(loaded.path), loaded.builtin, _read_file(Path(loaded.path), top))
    )
    data: Any = chain[0].raw
    origin = Origin(0, ())
    for i, layer in enumerate(chain[1:], start=1):
        data, origin, _ = merge(data, origin, _without_extends(layer.raw), i)
    base_origin = origin
    cfs = data.get("counterfactuals") or {}
    data = {k: v for k, v in data.items() if k != "counterfactuals"}

    def in_chain(loc: Loc, at_key: bool) -> tuple[str, int | None, int | None]:
        i, at = locate(base_origin, loc)
        locator = chain[i].locator
        assert locator is not None
        line, col = locator.find(list(at), at_key=at_key)
        return chain[i].file, line, col

    placers: list[Where] = [functools.partial(_find, layer) for layer in chain]
    requests: list[Request] = []
    errors: list[ScenarioError] = []

    def add_layer(over: Mapping[str, Any], place: Where, ask: Request) -> None:
        nonlocal data, origin
        n = len(placers)
        placers.append(place)
        before = data
        data, origin, found = merge(data, origin, over, n)
        for p in found:
            file, line, col = place(list(p.at), False)
            errors.append(
                ScenarioError(p.reason, file=file, line=line, col=col, path=_dotted(p.path))
            )
        requests.append(dataclasses.replace(ask, changes=tuple(diff(before, data))))

    if counterfactual is not None:
        if counterfactual not in cfs:
            known = ", ".join(cfs) or "none"
            raise UsageError(
                f"--counterfactual: {loaded.id} has no counterfactual {counterfactual!r} "
                f"(it has: {known})"
            )
        cf = cfs[counterfactual]
        at: Loc = ["counterfactuals", counterfactual, "overlay"]
        add_layer(
            cf["overlay"],
            functools.partial(_under, in_chain, at),
            Request("counterfactual", counterfactual, cf.get("title"), cf.get("description")),
        )
    for ref in overlays:
        shown = str(ref)
        layer = _Layer(shown, Path(ref), False, _read_file(Path(ref), shown)).read()
        if "extends" in layer.raw:
            raise layer.error(
                ["extends"],
                "an --overlay file changes the scenario named on the command line: it has no "
                "extends",
                at_key=True,
            )
        add_layer(layer.raw, functools.partial(_find, layer), Request("overlay", shown))
    for text in sets:
        name = f"--set {text}"
        if len(text) > MAX_SET_CHARS:
            raise UsageError(
                f"--set: {len(text)} characters, above the limit of {MAX_SET_CHARS} "
                "(mlf.scenario.MAX_SET_CHARS)"
            )
        dotted_path, eq, value_text = text.partition("=")
        if not eq:
            raise UsageError(f"{name}: expected PATH=VALUE, e.g. actors.GBR.capability=0.2")
        try:
            path = resolve_path(data, dotted_path.strip(), creates=set_creates)
        except SetPathError as exc:
            raise UsageError(f"{name}: {exc}") from None
        value = _set_value(value_text, name)
        add_layer(
            nest(path, value, data),
            functools.partial(_no_line, name),
            Request("set", text),
        )
    if errors:
        raise ChangeErrors(errors, flag=any(e.file.startswith("--set ") for e in errors))

    def where(loc: Loc, at_key: bool) -> tuple[str, int | None, int | None]:
        i, at = locate(origin, loc)
        return placers[i](list(at), at_key)

    try:
        scenario, warnings = _validate(data, where, strict=strict)
    except ScenarioErrors as exc:
        flag = any(e.file.startswith("--set ") for e in exc.errors)
        raise ChangeErrors(exc.errors, flag=flag) from None
    return LoadedScenario(
        scenario=scenario,
        path=loaded.path,
        sha256=canonical_sha256(data),
        warnings=tuple(warnings),
        builtin=loaded.builtin,
        layers=loaded.layers,
        data=data,
        base_sha256=loaded.sha256,
        requests=tuple(requests),
    )


def _under(place: Where, at: Loc, loc: Loc, at_key: bool) -> tuple[str, int | None, int | None]:
    return place([*at, *loc], at_key)


def _no_line(name: str, loc: Loc, at_key: bool) -> tuple[str, int | None, int | None]:
    return name, None, None


def _find(layer: _Layer, loc: Loc, at_key: bool) -> tuple[str, int | None, int | None]:
    assert layer.locator is not None
    line, col = layer.locator.find(loc, at_key=at_key)
    return layer.file, line, col


def _set_value(text: str, name: str) -> Any:
    """The VALUE of ``--set PATH=VALUE``, read as YAML (a number, a word, ``[A, B]``,
    ``{add: [A]}``, ``null`` to remove the field)."""
    from mlf.errors import UsageError

    if not text.strip():
        raise UsageError(f"{name}: no value after '=' (write null to remove the field)")
    try:
        tree = _read_yaml(text, name)
    except ScenarioErrors as exc:
        raise UsageError(f"{name}: the value is not YAML ({exc.errors[0].reason})") from None
    plain = _Plain(name, _Locator(tree))
    try:
        plain.measure(tree, [])
    except ScenarioErrors as exc:
        raise UsageError(f"{name}: {exc.errors[0].reason}") from None
    return plain.convert(tree)


def _without_extends(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k != "extends"}


def _meta_id(raw: Mapping[str, Any]) -> object:
    meta = raw.get("meta")
    return meta.get("id") if isinstance(meta, Mapping) else None


def _load_overlay(first: _Layer, *, strict: bool) -> LoadedScenario:
    """Merge a chain of ``extends`` (:mod:`mlf.overlay`) and validate the merged scenario."""
    from mlf.overlay import Origin, canonical_sha256, locate, merge

    chain = _chain(first)
    merged: Any = chain[0].raw
    origin = Origin(0, ())
    problems: list[ScenarioError] = []
    for i, layer in enumerate(chain[1:], start=1):
        own_id = _meta_id(layer.raw)
        parent_id = _meta_id(merged)
        if own_id is None or own_id == parent_id:
            raise layer.error(
                ["meta", "id"] if own_id is not None else ["extends"],
                f"a scenario that extends another gives its own meta.id (the parent's is "
                f"{parent_id!r})",
                at_key=own_id is None,
            )
        merged, origin, found = merge(merged, origin, _without_extends(layer.raw), i)
        problems.extend(layer.located(list(p.at), p.reason, path=list(p.path)) for p in found)
    if problems:
        raise ScenarioErrors(problems)

    def where(loc: Loc, at_key: bool) -> tuple[str, int | None, int | None]:
        i, at = locate(origin, loc)
        layer = chain[i]
        line, col = layer.find(list(at), at_key=at_key)
        return layer.file, line, col

    rank = {layer.file: -n for n, layer in enumerate(chain)}
    scenario, warnings = _validate(merged, where, strict=strict, rank=rank)
    top = chain[-1]
    return LoadedScenario(
        scenario=scenario,
        path=str(top.path),
        sha256=canonical_sha256(merged),
        warnings=tuple(warnings),
        builtin=top.builtin,
        layers=tuple((c.file, hashlib.sha256(c.data).hexdigest()) for c in chain),
        data=merged,
    )


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (for editors); the cross-checks are not in it.

    ``extends`` is described too; a file that extends another gives only what changes, so
    the schema's required fields do not apply to it (``mlf check`` validates the merge).

    Examples:
        >>> schema = scenario_json_schema()
        >>> schema["title"], sorted(schema["required"])
        ('mlf scenario', ['actors', 'alternatives', 'issues', 'meta'])
    """
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mlf scenario"
    schema["properties"]["extends"] = {
        "type": "string",
        "title": "Extends",
        "description": "a scenario id or file (relative to this one) that this file changes: "
        "give only what differs (docs/scenario-format.md, 'Overlays')",
    }
    return schema


def dump_scenario(sc: Scenario) -> str:
    """The scenario as YAML text (loads back to an equal scenario); defaults are left out.

    Examples:
        >>> from mlf import examples
        >>> scenario = examples.two_nations_fleet()
        >>> text = dump_scenario(scenario)
        >>> print(text[: text.index("issues:")])
        meta:
          id: two
          title: Two nations
          date: 1963-07-15
          sources:
          - key: S1
            title: A memorandum
            date: 1963-06
            confidence: B
        <BLANKLINE>
        >>> parse_scenario(text)[0] == scenario
        True
    """
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    data = sc.model_dump(mode="json", exclude_defaults=True)
    data["meta"]["date"] = sc.meta.date  # a YAML date, not a quoted string
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def iter_quantities(sc: Scenario) -> Iterator[tuple[str, Quantity]]:
    """Every number of the actors that carries provenance, with its dotted path.

    Examples:
        >>> from mlf import examples
        >>> scenario = examples.two_nations_fleet()
        >>> for path, q in iter_quantities(scenario):
        ...     print(path, q.value, q.sources)
        actors.US.capability 0.6 ['S1']
        actors.US.positions.size.salience 1.0 []
        actors.US.support.fleet 1.0 []
        actors.DE.capability 0.4 []
        actors.DE.positions.size.salience 1.0 []
        actors.DE.support.fleet 1.0 []
    """
    for aid, actor in sc.actors.items():
        for name in ("capability", "gdp", "defence_budget", "contribution"):
            q = getattr(actor, name)
            if q is not None:
                yield f"actors.{aid}.{name}", q
        for iid, pos in actor.positions.items():
            yield f"actors.{aid}.positions.{iid}.salience", pos.salience
        for alt, q in actor.outside_option.items():
            yield f"actors.{aid}.outside_option.{alt}", q
        for alt, q in actor.support.items():
            yield f"actors.{aid}.support.{alt}", q
        for rid, rat in actor.ratifiers.items():
            yield f"actors.{aid}.ratifiers.{rid}.reservation", rat.reservation
