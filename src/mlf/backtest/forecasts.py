"""Forecasts of the questions: run each snapshot under each model, and the three baselines.

**A model's forecast.** Without draws, the model runs the snapshot once (its own seed, the
point values of every input) and each question gets that run's answer: a probability of 0 or
1 for a binary question, the settled term for a value question. With ``draws`` N, the model
runs N draws of the snapshot's uncertainty ranges (the same N draws for every model, from
:mod:`mlf.sensitivity.draws`) and a binary question's probability is the share of draws in
which it happened; a value question takes the median of the draws' terms (for options, the
lower median in the issue's order).

**The ensemble.** A binary question's probability is the mean of the models' probabilities
(without draws: the share of models that say yes); a value question takes the median of every
model's answers pooled (options: the lower median in the issue's order).

**The baselines** (no model at all):

* ``status_quo``: no agreement and nobody joins (probability 0 for every binary kind); every
  term stays at its status quo unless the alternative fixes it;
* ``coin_flip``: probability 0.5; a number at the middle of the scale; each option equally
  likely;
* ``everyone_joins``: every alternative ends in agreement and every invited actor joins
  (probability 1; 0 for an actor not invited); a term is the median of the invited actors'
  stated positions (lower median for options; the status quo if none states one), or the
  alternative's fixed value.

An alternative a run does not take up (support below the threshold) has no agreement, no
member and status-quo terms: see :mod:`mlf.backtest.kinds`.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlf.backtest.kinds import KINDS, Answer
from mlf.backtest.outcomes import Question
from mlf.scenario import LoadedScenario, Scenario

BASELINES: tuple[str, ...] = ("status_quo", "coin_flip", "everyone_joins")
"""The three baselines, in the order the tables show them."""

ENSEMBLE = "ensemble"


@dataclass(frozen=True)
class Forecast:
    """One forecaster's forecast of one question on one snapshot.

    Exactly one of ``p`` (binary), ``value`` (a number on a scale) or ``options`` (a
    probability per option id) is set.

    Examples:
        >>> Forecast(p=0.75).to_dict(), Forecast(options={"veto": 1.0}).to_dict()
        ({'p': 0.75}, {'options': {'veto': 1.0}})
    """

    p: float | None = None
    value: float | None = None
    options: Mapping[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.p is not None:
            return {"p": self.p}
        if self.value is not None:
            return {"value": self.value}
        return {"options": dict(self.options or {})}


def _alt_view(out: Any) -> dict[str, Any]:
    return {
        "status": out.status,
        "members": list(out.members),
        "agreed": {k: {"value": v.value, "short": v.short} for k, v in out.agreed.items()},
        "ratified": None if out.ratification is None else out.ratification.ratified,
    }


def run_answers(
    sc: Scenario, questions: Sequence[Question], *, model: str, seed: int
) -> dict[str, Answer]:
    """One run of ``sc`` under ``model``: each question's answer.

    Each alternative the questions name runs once (as ``mlf run`` runs it, without the
    report-only detail), and only if its support reaches the scenario's threshold.

    Examples:
        The compromise model's answers for the NATO-national alternative of the built-in
        scenario (the alternative fixes the force size at 80):

        >>> from mlf.scenario import load_scenario
        >>> sc = load_scenario("mlf-1963").scenario
        >>> qs = [Question(id="agreed", kind="agreement", alternative="nato_national",
        ...                outcome=False),
        ...       Question(id="uk", kind="member", alternative="nato_national", actor="GBR",
        ...                outcome=False),
        ...       Question(id="size", kind="value", alternative="nato_national",
        ...                issue="force_size", outcome=100)]
        >>> run_answers(sc, qs, model="compromise", seed=1963)
        {'agreed': True, 'uk': True, 'size': 80.0}
    """
    from mlf.talks import run_alternative, support_of

    views: dict[str, dict[str, Any] | None] = {}
    for q in questions:
        a = q.alternative
        if a is not None and a not in views:
            if support_of(sc, a) < sc.settings.support_threshold:
                views[a] = None
            else:
                views[a] = _alt_view(run_alternative(sc, a, model=model, seed=seed, detail=False))
    q_dicts = {q.id: q.model_dump() for q in questions}
    return {
        q.id: KINDS[q.kind].answer(q_dicts[q.id], views.get(q.alternative or ""), sc)
        for q in questions
    }


def _lower_median(xs: Sequence[float]) -> float:
    s = sorted(xs)
    return s[(len(s) - 1) // 2]


def summarise(q: Question, sc: Scenario, answers: Sequence[Answer]) -> Forecast:
    """The forecast that a list of runs' answers makes (see the module doc).

    Examples:
        Two nations negotiate the size of a force; A's position has a range, the only
        uncertain input (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        Three draws in four ending in agreement; the median of three sizes:

        >>> agreed = Question(id="agreed", kind="agreement", alternative="force", outcome=False)
        >>> summarise(agreed, sc, [True, False, True, True]).p
        0.75
        >>> size = Question(id="size", kind="value", alternative="force", issue="size",
        ...                 outcome=50)
        >>> summarise(size, sc, [40.0, 90.0, 60.0]).value
        60.0
    """
    kind = KINDS[q.kind]
    if kind.binary:
        return Forecast(p=sum(1.0 for a in answers if a is True) / len(answers))
    issue = sc.issues[q.issue or ""]
    if issue.is_scale:
        return Forecast(value=float(statistics.median(float(a) for a in answers)))
    idx = [issue.to_number(str(a)) for a in answers]
    return Forecast(options={issue.nearest_option(_lower_median(idx)).id: 1.0})


def ensemble(q: Question, sc: Scenario, per_model: Mapping[str, Sequence[Answer]]) -> Forecast:
    """The ensemble's forecast from every model's answers (see the module doc).

    Examples:
        Two nations negotiate the size of a force; A's position has a range, the only
        uncertain input (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        One model says yes in one draw of two, the other in both: the mean is 0.75:

        >>> q = Question(id="agreed", kind="agreement", alternative="force", outcome=False)
        >>> ensemble(q, sc, {"nash": [True, False], "smp": [True, True]}).p
        0.75
    """
    if KINDS[q.kind].binary:
        ps = [summarise(q, sc, a).p or 0.0 for a in per_model.values()]
        return Forecast(p=sum(ps) / len(ps))
    pooled = [a for answers in per_model.values() for a in answers]
    return summarise(q, sc, pooled)


def _fixed_or(q: Question, sc: Scenario, otherwise: Callable[[Any], Forecast]) -> Forecast:
    issue = sc.issues[q.issue or ""]
    alt = sc.alternatives[q.alternative or ""]
    fixed = alt.fixed.get(q.issue or "")
    if fixed is not None:
        if issue.is_scale:
            return Forecast(value=float(issue.to_number(fixed)))
        return Forecast(options={issue.nearest_option(issue.to_number(fixed)).id: 1.0})
    return otherwise(issue)


def baseline(name: str, q: Question, sc: Scenario) -> Forecast:
    """The forecast of baseline ``name`` (one of :data:`BASELINES`) for ``q`` on ``sc``.

    Examples:
        Two nations negotiate the size of a force; A's position has a range, the only
        uncertain input (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        Will A join? And the size: the status quo, the middle of the scale, the median of
        the invited nations' positions (40 and 80):

        >>> q = Question(id="a", kind="member", alternative="force", actor="A", outcome=False)
        >>> [(name, baseline(name, q, sc).p) for name in BASELINES]
        [('status_quo', 0.0), ('coin_flip', 0.5), ('everyone_joins', 1.0)]
        >>> q = Question(id="size", kind="value", alternative="force", issue="size", outcome=50)
        >>> [(name, baseline(name, q, sc).value) for name in BASELINES]
        [('status_quo', 0.0), ('coin_flip', 50.0), ('everyone_joins', 60.0)]
    """
    kind = KINDS[q.kind]
    if name == "status_quo":
        if kind.binary:
            return Forecast(p=0.0)

        def sq(issue: Any) -> Forecast:
            x = issue.to_number(issue.status_quo)
            if issue.is_scale:
                return Forecast(value=float(x))
            return Forecast(options={issue.nearest_option(x).id: 1.0})

        return _fixed_or(q, sc, sq)
    if name == "coin_flip":
        if kind.binary:
            return Forecast(p=0.5)

        def coin(issue: Any) -> Forecast:
            if issue.is_scale:
                return Forecast(value=(issue.lo + issue.hi) / 2)
            k = len(issue.options)
            return Forecast(options={o.id: 1.0 / k for o in issue.options})

        return _fixed_or(q, sc, coin)
    if name == "everyone_joins":
        alt = sc.alternatives[q.alternative or ""]
        if kind.binary:
            if q.actor is not None:
                return Forecast(p=1.0 if q.actor in alt.invited else 0.0)
            return Forecast(p=1.0)

        def everyone(issue: Any) -> Forecast:
            xs = [
                issue.to_number(pos.position)
                for aid in alt.invited
                if (pos := sc.actors[aid].positions.get(q.issue or "")) is not None
            ]
            if not xs:
                xs = [issue.to_number(issue.status_quo)]
            if issue.is_scale:
                return Forecast(value=float(statistics.median(xs)))
            return Forecast(options={issue.nearest_option(_lower_median(xs)).id: 1.0})

        return _fixed_or(q, sc, everyone)
    raise ValueError(f"unknown baseline {name!r} (known: {', '.join(BASELINES)})")


def model_answers(
    loaded: LoadedScenario,
    questions: Sequence[Question],
    models: Sequence[str],
    *,
    draws: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, dict[str, list[Answer]]]:
    """Every model's answers to every question: ``{model: {question id: [answer per run]}}``.

    ``draws`` 0: one point run per model. Otherwise the same ``draws`` draws of the
    snapshot's ranges for every model, sampled from the child of ``seed`` named by the
    snapshot's id. The talks' seed is the scenario's own ``settings.seed``.

    Examples:
        >>> from mlf.scenario import load_scenario
        >>> q = Question(id="uk", kind="member", alternative="nato_national", actor="GBR",
        ...              outcome=False)
        >>> model_answers(load_scenario("mlf-1963"), [q], ["compromise", "median"],
        ...               draws=2, seed=0)
        {'compromise': {'uk': [True, True]}, 'median': {'uk': [True, True]}}
    """
    sc = loaded.scenario
    scenarios: list[Scenario] = [sc]
    if draws > 0:
        from mlf.seeds import child_seed
        from mlf.sensitivity.draws import apply_draw, collect_inputs, sample_chunk

        inputs = collect_inputs(sc)
        values = sample_chunk(inputs, child_seed(seed, "backtest", sc.meta.id), 0, 0, draws)
        scenarios = [apply_draw(sc, inputs, values[r]) for r in range(draws)]
    total = len(models) * len(scenarios)
    done = 0
    out: dict[str, dict[str, list[Answer]]] = {}
    for m in models:
        per_q: dict[str, list[Answer]] = {q.id: [] for q in questions}
        for s in scenarios:
            for qid, a in run_answers(s, questions, model=m, seed=sc.settings.seed).items():
                per_q[qid].append(a)
            done += 1
            if progress is not None:
                progress(done, total)
        out[m] = per_q
    return out


__all__ = [
    "BASELINES",
    "ENSEMBLE",
    "Forecast",
    "baseline",
    "ensemble",
    "model_answers",
    "run_answers",
    "summarise",
]
