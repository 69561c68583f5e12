"""The typed result: pydantic models of ``result.json``, with its format version.

``mlf run`` writes ``result.json`` from :meth:`mlf.talks.RunResult.to_dict`; ``mlf report``
reads it back. These models state the shape between the two, so that neither side guesses:

- :func:`result_document` is what ``mlf run`` (and ``mlf sweep``'s point run) writes: the talks'
  dict with ``format_version`` put first, validated against :class:`ResultFile` before a byte is
  written. The dict itself is written (not a re-dump of the model), so the bytes of
  ``result.json`` are what they were for the same inputs.
- :func:`validate_result` is how the report reads a result: a result without
  ``format_version``, or of a version this mlf does not read, or with a misspelt or missing
  field, or a value of the wrong type, is refused with one line naming the file and the field.
- :func:`result_json_schema` is what ``mlf schema --result`` prints.

Format version
    :data:`FORMAT_VERSION` (``"mlf-result/2"``) names the shape below. It changes whenever a
    field is added, removed, renamed or changes type or meaning, so a reader can refuse what
    it does not understand instead of misreading it. A reader accepts exactly the versions it
    knows (:data:`KNOWN_VERSIONS`: ``"mlf-result/1"`` and ``"mlf-result/2"``).

    ``mlf-result/2`` adds to ``/1``: the manifest's ``models`` and ``seeds``, ``inputs`` (every
    input with its provenance, :mod:`mlf.provenance`), and for a run of several models
    (``mlf run --models``) ``runs`` and ``ensemble`` (:mod:`mlf.ensemble`). A ``/1`` result
    still reads (its report has no inputs appendix and no model comparison). ``mlf sweep`` and
    ``mlf run --fragile`` add the optional ``fragile`` block (:mod:`mlf.uncertainty.fragile`).

Strictness: every model forbids unknown keys (``extra="forbid"``) and is strict (no
coercion: a number written as a string is refused). A few blocks are deliberately open
(``dict[str, Any]``): ``negotiation.params`` (each bargaining model records its own parameters
and diagnostics; see :mod:`mlf.bargaining`), ``arrangement.settings`` and ``arrangement.rule``
(the scenario's own arrangement settings and rule spec, checked by :mod:`mlf.scenario` when the
scenario is loaded) and ``manifest.model_params``.

A sweep's summary (``sensitivity``; :class:`SweepSummary`, also ``summary.json``) is typed
like the rest: :func:`summary_document` checks it before ``mlf sweep`` writes it, and
:func:`validate_sweep_summary` is how the report reads a ``summary.json``. Only the keys of its
maps are open (they are the scenario's ids).

This module sits above :mod:`mlf.talks` and below the report and the CLI; it imports neither.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mlf.errors import MlfError

if TYPE_CHECKING:
    from mlf.ensemble import Ensemble
    from mlf.talks import RunResult

FORMAT_VERSION = "mlf-result/2"
"""The version of ``result.json``'s shape this mlf writes (see the module docstring)."""

KNOWN_VERSIONS: tuple[str, ...] = ("mlf-result/1", FORMAT_VERSION)
"""Format versions :func:`validate_result` accepts (and reads)."""


class ResultFormatError(MlfError):
    """A result that is not of a known format version or not of that version's shape."""


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True
    )


# --------------------------------------------------------------------------- header


class ScenarioLayer(_Strict):
    """One file of a chain of ``extends`` (docs/scenario-format.md, "Overlays")."""

    file: str
    sha256: str


class FieldChange(_Strict):
    """One field a change set: its path, the value before and after (absent: not there)."""

    path: str
    old: Any = None
    new: Any = None


class ChangeRequest(_Strict):
    """One change asked for: ``--set PATH=VALUE``, an ``--overlay`` file or a named
    counterfactual, with every field it changed."""

    kind: Literal["set", "overlay", "counterfactual"]
    text: str
    """The PATH=VALUE, the overlay file, or the counterfactual's id."""
    title: str | None = None
    description: str | None = None
    changes: list[FieldChange]


class CounterfactualRecord(_Strict):
    """A run of a changed scenario: the hash of the scenario before the changes, and each
    change in the order applied (``scenario_sha256`` is the changed scenario's)."""

    base_sha256: str
    requests: list[ChangeRequest]


class ManifestV1(_Strict):
    """What produced a result of ``mlf-result/1``: mlf version, scenario hash, model, seed."""

    mlf_version: str
    scenario_id: str
    scenario_sha256: str
    scenario_path: str | None
    """The scenario file; null for a built-in (its id and hash name it)."""
    model: str
    model_params: dict[str, Any]
    seed: int
    support_threshold: float
    power_index: str
    scenario_layers: list[ScenarioLayer] | None = None
    """Present for a scenario that ``extends`` another: every file merged, the root first,
    each with the SHA-256 of its bytes (``scenario_sha256`` is then the merged scenario's)."""
    counterfactual: CounterfactualRecord | None = None
    """Present when ``--set``, ``--overlay`` or ``--counterfactual`` changed the scenario."""


class Manifest(ManifestV1):
    """What produced the result: mlf version, scenario hash, the models and their seeds
    (reproducibility). ``model`` is the primary model (the first of ``models``)."""

    models: list[str]
    """Every model the result holds a run of, primary first (one for a plain ``mlf run``)."""
    seeds: dict[str, int]
    """The seed each model's run used."""


class ActorSummary(_Strict):
    name: str
    european: bool
    nuclear: bool
    capability: float
    defence_budget: float | None
    gdp: float | None


class ScenarioSummary(_Strict):
    id: str
    title: str
    date: str
    description: str | None
    actors: dict[str, ActorSummary]
    warnings: list[str]


class SourceRef(_Strict):
    """A cited source, as in the scenario's ``meta.sources`` (null fields left out)."""

    key: str
    title: str
    url: str | None = None
    date: str | None = None
    confidence: Literal["A", "B", "C", "D"]
    structural: bool | None = None
    note: str | None = None


# --------------------------------------------------------------------------- terms and decisions


class Term(_Strict):
    """The settled value of one issue (:class:`mlf.talks.Agreed`)."""

    value: float
    """The value applied (every utility is computed on it)."""
    label: str
    short: str
    source: Literal["negotiated", "fixed", "status quo", "own position"]
    agreed: float | None = None
    """Present only where a rule of the arrangement applied another value than agreed."""
    applied_by: str | None = None
    """The rule that applied ``value`` instead of ``agreed`` (present with ``agreed``)."""


class AgreedTerm(Term):
    """A settled term of the final round, with the issue's title and unit."""

    title: str
    unit: str


class TalksRound(_Strict):
    participants: list[str]
    agreed: dict[str, Term]
    members: list[str]


class Weights(_Strict):
    policy: float
    voice: float
    cost: float


class Terms(_Strict):
    """One nation's utility terms of joining (:class:`mlf.participation.Terms`)."""

    policy: float
    voice: float
    cost: float
    weights: Weights
    utility: float | None
    """null when joining is infeasible (utility minus infinity)."""
    feasible: bool
    note: str


class Pressure(_Strict):
    """An explicit pressure term acting on a nation (present only where the scenario has one)."""

    by: str
    outside_option: float
    sources: list[str]
    note: str


class TableDecision(_Strict):
    actor: str
    comes: bool
    terms: Terms | None
    outside_option: float
    margin: float | None
    reason: str
    pressure: list[Pressure] | None = None


class Table(_Strict):
    """Who came to the table (:class:`mlf.table.TableResult`)."""

    rule: str
    at_table: list[str]
    stayed_away: list[str]
    decisions: dict[str, TableDecision]


class Decision(_Strict):
    actor: str
    join: bool
    terms: Terms
    outside_option: float
    margin: float | None
    reason: str
    flip: str
    pressure: list[Pressure] | None = None


class Dynamics(_Strict):
    members: list[str]
    stable: bool
    cycle: bool
    cycle_sets: list[list[str]]
    path: list[list[str]]
    steps: int


class Participation(_Strict):
    """The participation game's outcome (:class:`mlf.participation.ParticipationResult`)."""

    members: list[str]
    cycle: bool
    decisions: dict[str, Decision]
    dynamics: Dynamics
    equilibria: list[list[str]] | None
    decisions_if_all_join: dict[str, Decision]


class IssueForecast(_Strict):
    title: str
    unit: str
    options: list[str] | None
    forecast: float
    rounds: list[list[float]]
    outcome_by_round: list[float]


class Negotiation(_Strict):
    """The bargaining model's forecast of the final round (:class:`mlf.bargaining.Forecast`)."""

    model: str
    actors: list[str]
    converged: bool
    rounds: int
    stop_reason: str
    params: dict[str, Any]
    probabilities: list[list[float]] | None
    issues: dict[str, IssueForecast]


# --------------------------------------------------------------------------- analyses


class Power(_Strict):
    """Power indices of the control rule (:meth:`mlf.power.PowerResult.to_dict`)."""

    players: list[str]
    method: str
    indices: dict[str, dict[str, float]]
    veto_players: list[str]
    dummies: list[str]
    winning_coalitions: int | None
    coleman_act: float | None


class European(_Strict):
    """The genuinely-European test (:class:`mlf.guardrails.EuropeanTest`) and whether the
    alternative requires it."""

    ok: bool
    reason: str
    failed: list[str]
    non_european_vetoes: list[str] | None = None
    europeans_can_act_alone: bool | None = None
    required: bool


class ManningPattern(_Strict):
    crew: dict[str, int]
    ships: int


class Manning(_Strict):
    """The crewing plan (:meth:`mlf.manning.ManningPlan.to_dict`), or why there is none."""

    mixed: bool
    feasible: bool
    reason: str
    nations: list[str] | None = None
    ships: list[dict[str, int]] | None = None
    patterns: list[ManningPattern] | None = None
    totals: dict[str, int] | None = None
    shares: dict[str, float] | None = None
    targets: dict[str, float] | None = None
    deviation: float | None = None
    status: str | None = None
    method: str | None = None


class SidePayment(_Strict):
    utility_gap: float
    annual_payment: float | None
    currency: str


class NoSelling(_Strict):
    ok: bool
    flagged: list[str]
    detail: str
    side_payments_that_would_buy_entry: dict[str, SidePayment]


class Fallback(_Strict):
    ok: bool
    outcome: Literal["agreement", "status quo"]
    detail: str


class FixedPoint(_Strict):
    ok: bool
    detail: str


class Guardrails(_Strict):
    """The guardrail checks (:mod:`mlf.guardrails`); an alternative whose talks never began
    (too few at the table) has only ``fallback``, one not analysed has none."""

    no_selling: NoSelling | None = None
    fallback: Fallback | None = None
    genuinely_european: European | None = None
    fixed_point: FixedPoint | None = None


class CostSplit(_Strict):
    """:meth:`mlf.costs.CostSplit.to_dict`."""

    rule: str
    total: float
    members: list[str]
    shares: dict[str, float]
    amounts: dict[str, float]
    capped: list[str]
    in_core: bool | None
    notes: list[str]
    exact_shares: dict[str, str] | None = None


class Cost(_Strict):
    annual: float
    currency: str
    term_years: float | None
    split: CostSplit | None
    payments: dict[str, float]
    """Each member's annual payment (its applied share of the annual cost)."""
    budget_share: dict[str, float]
    in_kind_value: dict[str, float] | None
    in_kind_note: str


class Arrangement(_Strict):
    """What the agreement builds (present only when the status is ``agreement``)."""

    members: list[str]
    feasible: bool
    reason: str
    units: float
    units_in_kind: float
    in_kind: dict[str, float]
    rule: Any
    """The control rule spec as the scenario states it (see docs/scenario-format.md)."""
    rule_text: str | None
    settings: dict[str, Any]
    """The scenario's arrangement settings as applied (null fields left out)."""
    cost: Cost


Status = Literal[
    "agreement", "no agreement", "cycle", "not analysed", "does not count", "signed, not ratified"
]


class WinSet(_Strict):
    """:meth:`mlf.ratification.WinSet.to_dict`: the accepted values of one element, on its
    numeric axis (the option index for options), and the accepted options."""

    lo: float | None
    hi: float | None
    options: list[str] | None
    empty: bool


class RatifierVerdict(_Strict):
    id: str
    name: str
    rule: Literal["required", "advisory"]
    utility: float | None
    """The ratifier's policy satisfaction with the terms (None: no position on them)."""
    reservation: float
    ratifies: bool


class MemberRatification(_Strict):
    ratifies: bool
    ratifiers: list[RatifierVerdict]
    winsets: dict[str, WinSet]


class Ratification(_Strict):
    """The ratification stage of a signed agreement (:mod:`mlf.ratification`): present when
    an agreement was signed and a member has ratifiers."""

    ratified: bool
    not_ratified_by: list[str]
    no_ratifiable_deal: list[str]
    """Elements where the members' win-sets do not intersect (given the other terms)."""
    detail: str
    renegotiated: bool
    anticipated: bool
    attempts: list[str]
    members: dict[str, MemberRatification]
    joint: dict[str, WinSet]


class Alternative(_Strict):
    """One analysed alternative (:meth:`mlf.talks.AlternativeOutcome.to_dict`)."""

    id: str
    title: str
    support: float
    status: Status
    detail: str
    members: list[str]
    fixed_point: str
    rounds: list[TalksRound]
    agreed: dict[str, AgreedTerm]
    table: Table | None
    negotiation: Negotiation | None
    participation: Participation | None
    mechanics: list[str]
    power: Power | None
    european: European | None
    manning: Manning | None
    guardrails: Guardrails
    notes: list[str]
    arrangement: Arrangement | None
    ratification: Ratification | None = None


class BelowThreshold(_Strict):
    id: str
    title: str
    support: float


class AsNegotiated(_Strict):
    joins: bool
    scope: str | None
    scope_source: str | None


class BroadeningStep(_Strict):
    option: str
    label: str
    joins: bool
    margin: float | None
    members: list[str]
    status: Status


class BritishAlternative(_Strict):
    as_negotiated: AsNegotiated
    steps: list[BroadeningStep]
    broadening: str | None
    needed: bool | None = None
    answer: str


class BritishQuestion(_Strict):
    """The pivot-broadening question (:func:`mlf.talks.pivot_broadening`) for the scenario's
    pivotal actor; result.json keeps the key ``british_question`` (format ``mlf-result/1``)."""

    actor: str
    name: str
    issue: str | None
    alternatives: dict[str, BritishAlternative]
    summary: str


class FragileMove(_Strict):
    """One input's part in flipping a decision (:mod:`mlf.uncertainty.fragile`)."""

    input: str
    """The input's dotted path, e.g. ``actors.ITA.weights.cost``."""
    value: float
    """The scenario's own value (the point run's)."""
    to: float
    """Where the decision flips: the nearest flip point found (a pair: the end it was set to)."""
    end: float
    """The end of the input's range on that side."""
    move: float
    relative: float | None
    """``move / |value|`` (null for a value of zero)."""
    share_of_range: float
    """``|move|`` as a share of the way from the value to ``end``."""
    confidence: str | None
    """A-D, or ``estimate``."""
    sources: list[str]
    origin: Literal["range", "default"]
    """Where its range comes from: written in the scenario, or the default rule."""


class FragileFlip(_Strict):
    moves: list[FragileMove]


class FragileDecision(_Strict):
    decision: Literal["agreement", "joins"]
    actor: str | None
    value: bool
    """The decision in the point run (an agreement forms; the nation joins)."""
    fragile: bool
    flips: list[FragileFlip]
    """Single inputs whose own range flips it, nearest flip first."""
    pairs: list[FragileFlip]
    """Pairs of inputs that flip it together where neither does alone."""


class Fragile(_Strict):
    """Which inputs can flip each decision of the point run (``mlf.uncertainty.fragile``)."""

    method: str
    model: str
    seed: int
    """The model's seed, held fixed in every run of the pass."""
    inputs_tested: int
    runs: int
    fragile: int
    """How many decisions are fragile."""
    alternatives: dict[str, list[FragileDecision]]


class InputRow(_Strict):
    """One input of the run, with its provenance (:func:`mlf.provenance.input_rows`)."""

    path: str
    """Dotted path in the scenario (``actors.FRG.outside_option.mlf_surface``)."""
    label: str
    value: float | str
    """The number, or an option id (a position or fixed value on an options issue)."""
    unit: str | None
    sources: list[str]
    """Keys of ``sources``."""
    confidence: Literal["A", "B", "C", "D"] | None
    """The weakest confidence code among the sources; null when none is cited."""
    estimate: bool
    range: list[float] | None
    """``[min, mode, max]`` as the scenario gives it (what ``mlf sweep`` varies)."""
    note: str | None


class ModelRun(_Strict):
    """One model's run in an ensemble (``runs``)."""

    model: str
    model_params: dict[str, Any]
    seed: int
    alternatives: list[Alternative]
    british_question: BritishQuestion | None


class TermValue(_Strict):
    value: float
    """The settled value on the element's axis (an options issue: the option's index; a rule
    that applied another value, e.g. a ceiling, is in the run's term)."""
    label: str


class EnsembleTerm(_Strict):
    """One element's settled value under each model that settled it, and the spread."""

    title: str
    unit: str
    options: list[str] | None
    lo: float | None
    hi: float | None
    values: dict[str, TermValue]
    min: float
    max: float
    spread: float


class EnsembleAlternative(_Strict):
    title: str
    models: int
    """Models that analysed the alternative."""
    agreement: int
    """Models under which agreement forms."""
    agreeing: list[str]
    status: dict[str, Status]
    members: dict[str, list[str]]
    """Members of the agreement per model (empty without agreement)."""
    membership: dict[str, int]
    """Per invited nation: in how many models it is a member of an agreement."""
    terms: dict[str, EnsembleTerm]


class EnsembleBritishAlternative(_Strict):
    answer: str
    broadening: str | None
    joins_as_negotiated: bool


class EnsembleBritish(_Strict):
    summary: str
    alternatives: dict[str, EnsembleBritishAlternative]


class EnsembleSummary(_Strict):
    """What the models agree on (:func:`mlf.ensemble.summarise`)."""

    models: list[str]
    alternatives: dict[str, EnsembleAlternative]
    british_question: dict[str, EnsembleBritish] | None


# --------------------------------------------------------------------------- a sweep's summary


WilsonInterval = Annotated[list[float], Field(min_length=2, max_length=2)]
"""``[lo, hi]``: a probability's Wilson 95% interval (:mod:`mlf.sensitivity.intervals`)."""


class SweepInputV1(_Strict):
    """One input a sweep varied (:meth:`mlf.sensitivity.UncertainInput.to_dict`), as a sweep
    of format ``mlf-result/1`` wrote it: before the default-range rule every varied input had
    a range written in the scenario, so ``origin`` reads as ``"range"`` when absent."""

    path: str
    """The input's dotted path (``actors.FRG.positions.force_size.position``)."""
    kind: Literal["quantity", "position", "weight"]
    min: float
    mode: float
    max: float
    dist: Literal["triangular", "uniform"]
    origin: Literal["range", "default"] = "range"
    """Where its range comes from: written in the scenario, or the default rule of
    :mod:`mlf.uncertainty.ranges`."""
    confidence: str | None = None
    sources: Sequence[str] = ()
    stream: str | None = None
    """The name of the input's own random stream (a domestic ratifier's number); absent for a
    column of the shared design."""


class SweepInput(SweepInputV1):
    """One input a sweep varied, with the origin of its range and its provenance."""

    origin: Literal["range", "default"]
    confidence: Literal["A", "B", "C", "D", "estimate"] | None
    """The code the range rule used: A-D, or ``estimate`` (marked one, or citing no source)."""
    sources: list[str]
    """The number's source keys."""


class NotVaried(_Strict):
    """A number the sweep left fixed, and why (:func:`mlf.uncertainty.not_varied`)."""

    path: str
    reason: str


class SweepQuantiles(_Strict):
    """Quantiles (DuckDB's ``quantile_cont``) and mean of a quantity over the draws that have
    it, and how many those are (all null when none has)."""

    q05: float | None
    q25: float | None
    q50: float | None
    q75: float | None
    q95: float | None
    mean: float | None
    n: int


class SweepHistogram(_Strict):
    """A binned distribution: ``counts[i]`` draws fell in ``[edges[i], edges[i+1])``. An
    options issue has a bin per option (its ``labels``, edges at the half indices); an issue
    no draw settled has no bins."""

    edges: list[float]
    counts: list[int]
    labels: list[str] | None = None

    @model_validator(mode="after")
    def _one_more_edge(self) -> SweepHistogram:
        if (self.edges or self.counts) and len(self.edges) != len(self.counts) + 1:
            raise ValueError(
                f"{len(self.edges)} edges for {len(self.counts)} counts (edges must be one "
                "more than counts)"
            )
        if self.labels is not None and len(self.labels) != len(self.counts):
            raise ValueError(f"{len(self.labels)} labels for {len(self.counts)} counts")
        return self


class InputEffect(_Strict):
    """One input's effect on an output: its standardised rank regression coefficient (or its
    rank correlation, with too few draws; :mod:`mlf.sensitivity.summary`)."""

    input: str
    effect: float


class SweepProbabilities(_Strict):
    """The probabilities of one alternative over a set of draws, each with its Wilson 95%
    interval (:mod:`mlf.sensitivity.intervals`); what a sweep repeats per drawn model."""

    p_agreement: float | None
    p_signed: float | None = None
    """The share of draws in which the agreement is signed, ratified or not (absent in a sweep
    made before ratification was modelled, as is ``p_ratified``)."""
    p_ratified: float | None = None
    p_ratified_interval: WilsonInterval | None = None
    p_considered: float | None
    """The share of draws in which the alternative reached the support threshold."""
    mean_support: float | None
    p_join: dict[str, float | None]
    """Per invited nation, the share of draws in which it joins."""
    forecast_quantiles: dict[str, SweepQuantiles]
    """Per element the talks settled, the distribution of the settled value."""
    p_agreement_ci: WilsonInterval | None
    p_considered_ci: WilsonInterval | None
    p_signed_ci: WilsonInterval | None = None
    """Present with ``p_signed``."""
    p_join_ci: dict[str, WilsonInterval | None]


class SweepAlternativeV1(_Strict):
    """One alternative of a sweep of format ``mlf-result/1`` (before the Wilson intervals)."""

    p_agreement: float | None
    p_signed: float | None = None
    p_ratified: float | None = None
    p_ratified_interval: WilsonInterval | None = None
    p_considered: float | None
    mean_support: float | None
    p_join: Mapping[str, float | None]
    forecast_quantiles: Mapping[str, SweepQuantiles]
    histograms: Mapping[str, SweepHistogram | list[float]]
    """Per settled element, its binned distribution (what ``mlf sweep`` writes) or a plain list
    of draws (which the report bins in the page)."""
    power: Mapping[str, SweepQuantiles]
    """Per invited nation, its power index over the draws in which it is a member."""
    cost: Mapping[str, SweepQuantiles]
    """Per invited nation, its annual payment over the draws in which it is a member."""
    tornado: Sequence[InputEffect]
    """Every input's effect on agreement, the largest first."""
    tornado_r2: float | None
    """How much of the agreement's rank variance the inputs explain (null: too few draws)."""
    tornado_join: Mapping[str, Sequence[InputEffect]]
    """The inputs' effects on whether the pivotal actor joins."""
    tornado_forecast: Mapping[str, Sequence[InputEffect]]
    """The inputs' effects on each settled element."""
    p_agreement_ci: WilsonInterval | None = None
    p_considered_ci: WilsonInterval | None = None
    p_signed_ci: WilsonInterval | None = None
    p_join_ci: Mapping[str, WilsonInterval | None] | None = None


class SweepAlternative(SweepAlternativeV1):
    """One alternative of a sweep: :class:`SweepProbabilities` with the distributions of the
    settled values, of power and of cost, and the inputs' effects."""

    p_join: dict[str, float | None]
    forecast_quantiles: dict[str, SweepQuantiles]
    histograms: dict[str, SweepHistogram | list[float]]
    power: dict[str, SweepQuantiles]
    cost: dict[str, SweepQuantiles]
    tornado: list[InputEffect]
    tornado_join: dict[str, list[InputEffect]]
    tornado_forecast: dict[str, list[InputEffect]]
    p_agreement_ci: WilsonInterval | None
    p_considered_ci: WilsonInterval | None
    p_join_ci: dict[str, WilsonInterval | None]


class SweepByModel(_Strict):
    """A model-drawing sweep's summary over the draws that drew one model."""

    draws: int
    alternatives: dict[str, SweepProbabilities]


class SweepSummaryV1(_Strict):
    """A sweep's summary as a sweep of format ``mlf-result/1`` wrote it (read, no longer
    written): before the default ranges, the Wilson intervals and the warnings."""

    draws: int
    """Draws summarised (fewer than ``draws_planned`` for an unfinished sweep)."""
    seed: int
    complete: bool
    draws_planned: int
    scenario_id: str
    scenario_sha256: str
    model: str
    """The sweep's model (the first drawn one, in a model-drawing sweep)."""
    sampling: Literal["random", "lhs"]
    pivotal_actor: str | None
    inputs: Sequence[SweepInputV1]
    not_varied: Sequence[NotVaried] | None = None
    method: str
    """How the inputs' effects are measured, in words."""
    alternatives: Mapping[str, SweepAlternativeV1]
    interval: str | None = None
    varied_inputs: int | None = None
    varied_by_origin: Mapping[Literal["range", "default"], int] | None = None
    warnings: Sequence[str] | None = None
    models: Mapping[str, float] | None = None
    by_model: Mapping[str, SweepByModel] | None = None


class SweepSummary(SweepSummaryV1):
    """A sweep's summary (:func:`mlf.sensitivity.summarise`): ``summary.json``, and the
    ``sensitivity`` block of the sweep's ``result.json``.

    Every part of it has a fixed shape. Its maps are keyed by the scenario's own ids
    (alternatives, invited nations, settled elements, drawn models), so those keys are open;
    their values are not. Fields added since ``mlf-result/2`` was first written
    (``p_signed``, ``p_ratified``, ``p_ratified_interval``, ``p_signed_ci``; an input's
    ``stream``) may be absent, so an earlier sweep's result still reads.
    """

    inputs: list[SweepInput]
    """Every input the sweep varied, in the scenario's order."""
    not_varied: list[NotVaried]
    """Every number the sweep left fixed, and why."""
    alternatives: dict[str, SweepAlternative]
    interval: str
    """The name of the interval the probabilities carry."""
    varied_inputs: int
    varied_by_origin: dict[Literal["range", "default"], int]
    """How many varied inputs have a range written in the scenario, and how many the
    default range of their confidence."""
    warnings: list[str]
    """The sweep's warnings (too few draws for its inputs)."""
    models: dict[str, float] | None = None
    """A model-drawing sweep (``mlf sweep --models``): each model's weight."""
    by_model: dict[str, SweepByModel] | None = None
    """A model-drawing sweep: the probabilities over the draws that drew each model."""


class ResultFileV1(_Strict):
    """``result.json`` of format ``mlf-result/1`` (read, no longer written)."""

    format_version: Literal["mlf-result/1"]
    manifest: ManifestV1
    scenario: ScenarioSummary
    alternatives: list[Alternative]
    below_threshold: list[BelowThreshold]
    british_question: BritishQuestion | None
    sources: list[SourceRef]
    sensitivity: SweepSummaryV1 | None = None
    """A sweep's summary (``mlf sweep`` writes it into its point run's result)."""


class ResultFile(_Strict):
    """``result.json`` of format :data:`FORMAT_VERSION` (``mlf-result/2``).

    Version 2 adds to version 1: the manifest's ``models`` and ``seeds``; ``inputs`` (every
    input with its provenance); and, for a run of several models (``mlf run --models``),
    ``runs`` (one per model, primary first) and ``ensemble`` (their summary). The top-level
    ``alternatives`` and ``british_question`` are the primary model's run.
    """

    format_version: Literal["mlf-result/2"]
    manifest: Manifest
    scenario: ScenarioSummary
    alternatives: list[Alternative]
    below_threshold: list[BelowThreshold]
    british_question: BritishQuestion | None
    sources: list[SourceRef]
    inputs: list[InputRow]
    runs: list[ModelRun] | None = None
    """Every model's run, primary first (present for more than one model)."""
    ensemble: EnsembleSummary | None = None
    """What the models agree on (present with ``runs``)."""
    sensitivity: SweepSummary | None = None
    """A sweep's summary (``mlf sweep`` writes it into its point run's result)."""
    fragile: Fragile | None = None
    """The fragile-decision pass (``mlf sweep``, and ``mlf run --fragile``)."""


# --------------------------------------------------------------------------- reading and writing


_UNION_TAG = re.compile(r"^[a-z][a-z-]*\[.*\]$")
"""How pydantic names a member of a union in an error's location (``list[float]``,
``function-after[...]``): not a field, so left out of the field path shown (ids never hold
``[``)."""


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, str) and _UNION_TAG.match(part):
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def _first_error(exc: ValidationError) -> tuple[str, str]:
    """The field and reason of the error to show: an unknown key first (a misspelt key is
    also a missing one; the misspelling is the more useful to name)."""
    errors = exc.errors(include_url=False)
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    where = _where(tuple(err["loc"]))
    if err["type"] == "extra_forbidden":
        return where, "unknown field (misspelt, or of another format version)"
    if err["type"] == "missing":
        return where, "missing"
    return where, str(err["msg"]).splitlines()[0]


def validate_result(data: Any, where: str = "result") -> ResultFile | ResultFileV1:
    """``data`` as a :class:`ResultFile`, or :class:`ResultFormatError` in one line naming
    ``where`` (the file) and the field: no ``format_version``, an unknown one, or a field that
    is missing, unknown or of the wrong type.

    Examples:
        Two nations settle the size of a force (:func:`mlf.examples.two_nations_fleet`):

        >>> from mlf.scenario import load_scenario
        >>> from mlf.talks import run_scenario
        >>> from mlf import examples
        >>> loaded = load_scenario(examples.path("two_nations_fleet"))
        >>> document = result_document(run_scenario(loaded, seed=7))
        >>> validate_result(document, "result.json").alternatives[0].members
        ['US', 'DE']

        A result of another format, or with a field missing, is refused in one line:

        >>> validate_result({**document, "format_version": "mlf-result/9"}, "result.json")
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        mlf.results.ResultFormatError: result.json: format_version: 'mlf-result/9' is not ...
        >>> validate_result({k: v for k, v in document.items() if k != "manifest"}, "result.json")
        Traceback (most recent call last):
            ...
        mlf.results.ResultFormatError: result.json: manifest: missing
    """
    if not isinstance(data, dict):
        raise ResultFormatError(f"{where}: is not an mlf result: expected a JSON object")
    version = data.get("format_version")
    if version is None:
        raise ResultFormatError(
            f"{where}: format_version: missing (this mlf reads {', '.join(KNOWN_VERSIONS)}; "
            "rerun `mlf run` to write a current result)"
        )
    if version not in KNOWN_VERSIONS:
        shown = repr(version) if len(repr(version)) <= 40 else repr(version)[:37] + "..."
        raise ResultFormatError(
            f"{where}: format_version: {shown} is not a format this mlf reads "
            f"({', '.join(KNOWN_VERSIONS)})"
        )
    try:
        if version == "mlf-result/1":
            return ResultFileV1.model_validate(data)
        return ResultFile.model_validate(data)
    except ValidationError as exc:
        field, reason = _first_error(exc)
        raise ResultFormatError(f"{where}: {field}: {reason}") from None


def result_document(run: RunResult | Ensemble, **extra: Any) -> dict[str, Any]:
    """The dict ``mlf run`` writes as ``result.json``: ``format_version`` first, then
    :meth:`mlf.talks.RunResult.to_dict` or :meth:`mlf.ensemble.Ensemble.to_dict` (and
    ``extra`` top-level blocks, e.g. a sweep's ``sensitivity``), checked against
    :class:`ResultFile`.

    Raises:
        ResultFormatError: the talks produced a dict outside the stated shape (a bug: the
            models and the talks disagree), named by field.

    Examples:
        Two nations settle the size of a force (:func:`mlf.examples.two_nations_fleet`):

        >>> from mlf.scenario import load_scenario
        >>> from mlf.talks import run_scenario
        >>> from mlf import examples
        >>> loaded = load_scenario(examples.path("two_nations_fleet"))
        >>> document = result_document(run_scenario(loaded, seed=7))
        >>> list(document)[:4]
        ['format_version', 'manifest', 'scenario', 'alternatives']
        >>> document["format_version"], document["manifest"]["seed"]
        ('mlf-result/2', 7)
        >>> fleet = document["alternatives"][0]
        >>> fleet["status"], fleet["members"], fleet["agreed"]["size"]["label"]
        ('agreement', ['US', 'DE'], '64')
    """
    data: dict[str, Any] = {"format_version": FORMAT_VERSION, **run.to_dict(), **extra}
    validate_result(data, "result.json (as written)")
    return data


def validate_sweep_summary(data: Any, where: str = "summary.json") -> SweepSummary:
    """``data`` (a sweep's ``summary.json``) as a :class:`SweepSummary`, or
    :class:`ResultFormatError` in one line naming ``where`` and the field that is missing,
    unknown or of the wrong type.

    >>> validate_sweep_summary({"draws": 8}, "s.json")
    Traceback (most recent call last):
    ...
    mlf.results.ResultFormatError: s.json: seed: missing
    >>> validate_sweep_summary([], "s.json")
    Traceback (most recent call last):
    ...
    mlf.results.ResultFormatError: s.json: is not a sweep summary: expected a JSON object
    """
    if not isinstance(data, dict):
        raise ResultFormatError(f"{where}: is not a sweep summary: expected a JSON object")
    try:
        return SweepSummary.model_validate(data)
    except ValidationError as exc:
        field, reason = _first_error(exc)
        raise ResultFormatError(f"{where}: {field}: {reason}") from None


def summary_document(summary: dict[str, Any]) -> dict[str, Any]:
    """The sweep's summary as ``mlf sweep`` writes it (``summary.json``, and ``sensitivity``
    in its ``result.json``): ``summary`` itself, checked against :class:`SweepSummary` before a
    byte is written (the dict is written, not a re-dump, so its bytes are the summary's own).

    Raises:
        ResultFormatError: the summary is outside the stated shape (a bug: the models and
            :func:`mlf.sensitivity.summarise` disagree), named by field.

    Examples:
        A summary missing a field is refused before anything is written, named by field:

        >>> summary_document({"alternatives": {}})
        Traceback (most recent call last):
            ...
        mlf.results.ResultFormatError: summary.json (as written): draws: missing
    """
    validate_sweep_summary(summary, "summary.json (as written)")
    return summary


def result_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``result.json`` (``mlf schema --result``).

    Examples:
        >>> schema = result_json_schema()
        >>> schema["title"], schema["$id"]
        ('mlf result (mlf-result/2)', 'urn:mlf:mlf-result/2')
        >>> schema["required"][:4]
        ['format_version', 'manifest', 'scenario', 'alternatives']
    """
    schema = ResultFile.model_json_schema()
    schema["title"] = f"mlf result ({FORMAT_VERSION})"
    schema["$id"] = f"urn:mlf:{FORMAT_VERSION}"
    return schema
