"""A backtest: score every forecaster's forecasts of an outcomes file on each dated snapshot.

For each snapshot (a scenario) and each question asked of it, each forecaster (every model,
the ensemble, the three baselines of :mod:`mlf.backtest.forecasts`) gives a forecast; each
forecast is scored against the outcome (:mod:`mlf.backtest.scores`); per snapshot and
forecaster the mean of each score comes with its 95% bootstrap interval over the questions.

Within a snapshot every forecaster answers the same questions and the bootstrap resamples the
same question indices for each of them (the generator is named by the snapshot and the score,
not the forecaster), so their intervals are paired.

A question is not asked of a snapshot that lacks its alternative, or whose date is on or after
the question's ``resolved`` date, or that cannot answer its kind at all (a ``ratified``
question of a snapshot without ratifiers, :mod:`mlf.backtest.kinds`); each such pair is
listed under ``skipped`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mlf._version import __version__
from mlf.backtest.forecasts import (
    BASELINES,
    ENSEMBLE,
    Forecast,
    baseline,
    ensemble,
    model_answers,
    summarise,
)
from mlf.backtest.kinds import KINDS
from mlf.backtest.outcomes import LoadedOutcomes, Question, check_against
from mlf.backtest.scores import (
    BOOTSTRAP_RESAMPLES,
    LOG_FLOOR,
    abs_error_share,
    bootstrap_interval,
    brier,
    log_score,
    mean,
)
from mlf.errors import UsageError
from mlf.scenario import LoadedScenario, Scenario

FORMAT_VERSION = "mlf-backtest/1"

METRICS: tuple[str, ...] = ("brier", "log", "abs_error", "hit")
"""The four scores: Brier and log (binary questions; lower is better), absolute error as a
share of the scale (numbers; lower is better), hit rate (options; higher is better)."""

MAX_DRAWS = 10_000
"""Most draws per snapshot and model (each draw is a full run of the talks)."""


def score_forecast(q: Question, sc: Scenario, f: Forecast) -> dict[str, float]:
    """The scores of forecast ``f`` of question ``q`` (on snapshot ``sc``).

    Examples:
        Two nations negotiate the size of a force; A's position has a range, the only
        uncertain input (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        A probability of 0.8 for an agreement that did not happen, and a size of 40 against
        an outcome of 50 on the issue's 0-100 scale:

        >>> agreed = Question(id="agreed", kind="agreement", alternative="force", outcome=False)
        >>> score_forecast(agreed, sc, Forecast(p=0.8))
        {'brier': 0.64, 'log': 1.6094379124341005}
        >>> size = Question(id="size", kind="value", alternative="force", issue="size",
        ...                 outcome=50)
        >>> score_forecast(size, sc, Forecast(value=40.0))
        {'abs_error': 0.1}
    """
    if KINDS[q.kind].binary:
        assert f.p is not None and isinstance(q.outcome, bool)
        return {"brier": brier(f.p, q.outcome), "log": log_score(f.p, q.outcome)}
    issue = sc.issues[q.issue or ""]
    if issue.is_scale:
        assert f.value is not None and isinstance(q.outcome, float)
        return {"abs_error": abs_error_share(f.value, q.outcome, issue.lo, issue.hi)}
    assert f.options is not None
    return {"hit": float(f.options.get(str(q.outcome), 0.0))}


def asked(q: Question, sc: Scenario) -> str | None:
    """Why ``q`` is not asked of snapshot ``sc`` (None: it is asked).

    Examples:
        Two nations negotiate the size of a force; A's position has a range, the only
        uncertain input (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> import datetime as dt
        >>> q = Question(id="q", kind="agreement", alternative="force", outcome=False)
        >>> asked(q, sc) is None
        True
        >>> asked(q.model_copy(update={"resolved": dt.date(1963, 1, 1)}), sc)
        "resolved on 1963-01-01, on or before the snapshot's date"
        >>> asked(q.model_copy(update={"alternative": "anf"}), sc)
        "the snapshot has no alternative 'anf'"
    """
    if q.alternative is not None and q.alternative not in sc.alternatives:
        return f"the snapshot has no alternative {q.alternative!r}"
    if q.resolved is not None and sc.meta.date >= q.resolved:
        return f"resolved on {q.resolved.isoformat()}, on or before the snapshot's date"
    if q.actor is not None and q.actor not in sc.actors:
        return f"the snapshot has no actor {q.actor!r}"
    if q.issue is not None and q.issue not in sc.issues:
        return f"the snapshot has no issue {q.issue!r}"
    undefined = KINDS[q.kind].undefined
    if undefined is not None:
        return undefined(q.model_dump(), sc)
    return None


@dataclass(frozen=True)
class BacktestResult:
    """Everything a backtest found; :meth:`to_dict` is the JSON the CLI prints or writes."""

    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


def run_backtest(
    outcomes: LoadedOutcomes,
    snapshots: Sequence[LoadedScenario],
    models: Sequence[str],
    *,
    draws: int = 0,
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> BacktestResult:
    """Score ``models``, their ensemble and the baselines on ``snapshots`` against ``outcomes``.

    Raises:
        ScenarioErrors: a question names an id none of the snapshots has (located).
        UsageError: no snapshot, no model, an unknown model, or draws out of range.

    Examples:
        Two questions about the NATO-national alternative of the built-in scenario, which
        the compromise model answers "agreement, with the UK": it scores a Brier of 1 on
        both, the status-quo baseline 0 and the coin flip 0.25:

        >>> from mlf.scenario import load_scenario
        >>> from mlf.backtest.outcomes import parse_outcomes
        >>> outcomes = parse_outcomes('''
        ... meta:
        ...   id: toy
        ...   title: What happened
        ...   sources: [{key: S, title: A source, date: 1966-12-14, confidence: A}]
        ... questions:
        ...   - {id: agreed, kind: agreement, alternative: nato_national, outcome: false}
        ...   - {id: uk, kind: member, alternative: nato_national, actor: GBR, outcome: false}
        ... ''')
        >>> res = run_backtest(outcomes, [load_scenario("mlf-1963")], ["compromise"]).to_dict()
        >>> res["forecasters"]
        ['compromise', 'ensemble', 'status_quo', 'coin_flip', 'everyone_joins']
        >>> for row in res["scores"]:
        ...     print(row["forecaster"], row["brier"]["mean"])
        compromise 1.0
        ensemble 1.0
        status_quo 0.0
        coin_flip 0.25
        everyone_joins 1.0
    """
    from mlf.bargaining.registry import MODELS

    if not snapshots:
        raise UsageError("give at least one scenario (snapshot) to score")
    if not models:
        raise UsageError("give at least one model")
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise UsageError(
            f"--models: unknown model {unknown[0]!r} (known: {', '.join(MODELS)}, or all)"
        )
    if not 0 <= draws <= MAX_DRAWS:
        raise UsageError(f"--draws must be between 0 and {MAX_DRAWS}, got {draws}")
    ids = [s.id for s in snapshots]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise UsageError(f"snapshot {dup[0]!r} is given twice")
    check_against(outcomes, [s.scenario for s in snapshots])
    questions = list(outcomes.outcomes.questions)
    forecasters = [*models, ENSEMBLE, *BASELINES]
    snaps: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    table: list[dict[str, Any]] = []
    for loaded in snapshots:
        sc = loaded.scenario
        mine: list[Question] = []
        skipped: list[dict[str, str]] = []
        for q in questions:
            why = asked(q, sc)
            if why is None:
                mine.append(q)
            else:
                skipped.append({"question": q.id, "reason": why})
        snaps.append(
            {
                "id": sc.meta.id,
                "title": sc.meta.title,
                "date": sc.meta.date.isoformat(),
                "scenario_sha256": loaded.sha256,
                "talks_seed": sc.settings.seed,
                "asked": [q.id for q in mine],
                "skipped": skipped,
            }
        )

        def step(done: int, total: int, _id: str = sc.meta.id) -> None:
            if progress is not None:
                progress(_id, done, total)

        answers = model_answers(loaded, mine, models, draws=draws, seed=seed, progress=step)
        per: dict[str, dict[str, list[float]]] = {f: {m: [] for m in METRICS} for f in forecasters}
        for q in mine:
            fcs: dict[str, Forecast] = {m: summarise(q, sc, answers[m][q.id]) for m in models}
            fcs[ENSEMBLE] = ensemble(q, sc, {m: answers[m][q.id] for m in models})
            for b in BASELINES:
                fcs[b] = baseline(b, q, sc)
            for name, f in fcs.items():
                sc_ = score_forecast(q, sc, f)
                for metric, v in sc_.items():
                    per[name][metric].append(v)
                rows.append(
                    {
                        "snapshot": sc.meta.id,
                        "question": q.id,
                        "forecaster": name,
                        "forecast": f.to_dict(),
                        "outcome": q.outcome,
                        "scores": sc_,
                    }
                )
        for name in forecasters:
            entry: dict[str, Any] = {"snapshot": sc.meta.id, "forecaster": name}
            for metric in METRICS:
                vals = per[name][metric]
                m = mean(vals)
                ci = bootstrap_interval(vals, seed, "backtest", sc.meta.id, metric)
                entry[metric] = {
                    "n": len(vals),
                    "mean": None if m is None else round(m, 12),
                    "lo": None if ci is None else ci[0],
                    "hi": None if ci is None else ci[1],
                }
            table.append(entry)
    meta = outcomes.outcomes.meta
    return BacktestResult(
        {
            "format_version": FORMAT_VERSION,
            "manifest": {
                "mlf_version": __version__,
                "outcomes_id": meta.id,
                "outcomes_sha256": outcomes.sha256,
                "models": list(models),
                "draws": draws,
                "seed": seed,
                "bootstrap_resamples": BOOTSTRAP_RESAMPLES,
                "log_floor": LOG_FLOOR,
            },
            "outcomes": {
                "id": meta.id,
                "title": meta.title,
                "sources": [s.model_dump(mode="json", exclude_none=True) for s in meta.sources],
            },
            "questions": [q.model_dump(mode="json", exclude_none=True) for q in questions],
            "snapshots": snaps,
            "forecasters": forecasters,
            "scores": table,
            "forecasts": rows,
        }
    )
