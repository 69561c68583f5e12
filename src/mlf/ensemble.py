"""The ensemble: the whole path under several negotiation models, and what they agree on.

``mlf run SCEN --models all`` (or a comma list) runs :func:`mlf.talks.run_scenario` once per
model, at the same seed, on the same scenario, and writes one result with a run per model and
a summary (:func:`summarise`):

* per alternative: in how many models agreement forms (and which), each model's status and
  members, each invited nation's membership in how many models, and each element's settled
  value per model, with the spread (lowest and highest) across the models;
* the pivot-broadening (British) question's answer per model and alternative.

No model is privileged: the summary is a count, not a vote or a weighted average, because the
models are different theories of how talks settle (see ``docs/report.md``, "Comparing
models"), not noisy measurements of one quantity. The first model of the list is the
*primary* one: its run is also the result's top-level ``alternatives`` and
``british_question``, so every reader of a one-model result reads an ensemble's too.

The model list is parsed by :func:`parse_models` (``all``; ``a,b``; with weights for the
sweep's model draw, ``a=2,b=1``). ``all`` is the scenario's own model first, then the others in
the registry's order (:data:`mlf.bargaining.MODELS`).

Pure computation apart from the talks it calls: no I/O, nothing printed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlf.bargaining import MODELS
from mlf.errors import UsageError
from mlf.scenario import LoadedScenario, Scenario
from mlf.seeds import SeedLike, resolve_seed
from mlf.talks import RunResult, run_scenario

ALL = "all"
"""The word for every registered model (scenario's own model first)."""

ProgressFn = Callable[[int, int], None]


def all_models(default: str) -> list[str]:
    """Every registered model, ``default`` (the scenario's model) first.

    Examples:
        >>> all_models("smp")
        ['smp', 'compromise', 'median', 'nash', 'bdm']
    """
    rest = [m for m in MODELS if m != default]
    return [default, *rest] if default in MODELS else rest


def parse_models(
    spec: str, default: str, *, weights: bool = False, flag: str = "--models"
) -> dict[str, float]:
    """The models (and their weights) a ``--models`` value names, in order.

    ``spec`` is ``all`` (every model, weight 1 each), a comma list of model names (weight 1
    each), or, when ``weights`` is allowed (the sweep's model draw), ``name=weight`` items
    (``smp=2,nash=1``; an item without ``=weight`` weighs 1). A weight is a finite number
    above zero. ``default`` is the scenario's own model (first under ``all``).

    Examples:
        >>> parse_models("all", "nash")
        {'nash': 1.0, 'compromise': 1.0, 'median': 1.0, 'bdm': 1.0, 'smp': 1.0}
        >>> parse_models("smp=2,nash", "compromise", weights=True)
        {'smp': 2.0, 'nash': 1.0}
        >>> parse_models("smp=2", "compromise")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        mlf.errors.UsageError: --models: 'smp=2': weights apply only to the sweep's model draw ...

    Raises:
        UsageError: an empty item, an unknown or repeated model, a weight where none is allowed,
            or a weight that is not a positive finite number; one line naming ``flag``.
    """
    text = spec.strip()
    if text == ALL:
        return {m: 1.0 for m in all_models(default)}
    if not text:
        raise UsageError(f"{flag}: empty; give 'all' or model names separated by commas")
    out: dict[str, float] = {}
    for raw in text.split(","):
        item = raw.strip()
        name, sep, wtext = item.partition("=")
        name = name.strip()
        if not name:
            raise UsageError(f"{flag}: an empty item in {spec!r}")
        if name == ALL:
            raise UsageError(f"{flag}: 'all' cannot be combined with other names")
        if name not in MODELS:
            raise UsageError(
                f"{flag}: unknown model {name!r} (known: {', '.join(MODELS)}, or 'all')"
            )
        if name in out:
            raise UsageError(f"{flag}: model {name!r} named twice")
        w = 1.0
        if sep:
            if not weights:
                raise UsageError(
                    f"{flag}: {item!r}: weights apply only to the sweep's model draw "
                    "(mlf sweep --models); mlf run runs every model named"
                )
            try:
                w = float(wtext)
            except ValueError:
                raise UsageError(f"{flag}: {item!r}: the weight is not a number") from None
            if not math.isfinite(w) or w <= 0 or w > 1e15:
                raise UsageError(
                    f"{flag}: {item!r}: a weight must be a number above 0 and at most 1e15"
                )
        out[name] = w
    return out


@dataclass(frozen=True)
class Ensemble:
    """The runs of one scenario under several models (the first is the primary); see
    :func:`run_models` for an example."""

    runs: tuple[RunResult, ...]

    @property
    def models(self) -> list[str]:
        return [r.model for r in self.runs]

    def to_dict(self) -> dict[str, Any]:
        """The result document (without ``format_version``): the primary run's dict, the
        manifest's ``models`` and ``seeds``, and, for more than one model, ``runs`` (one per
        model) and ``ensemble`` (:func:`summarise`)."""
        primary = self.runs[0].to_dict()
        if len(self.runs) == 1:
            return primary
        sc = self.runs[0].loaded.scenario
        primary["manifest"]["models"] = self.models
        primary["manifest"]["seeds"] = {r.model: r.seed for r in self.runs}
        runs = [primary_run(primary)] + [primary_run(r.to_dict()) for r in self.runs[1:]]
        primary["runs"] = runs
        primary["ensemble"] = summarise(sc, runs)
        return primary


def primary_run(doc: Mapping[str, Any]) -> dict[str, Any]:
    """One model's run as it is kept in ``runs``: model, parameters, seed, alternatives, the
    British question.

    Examples:
        The manifest's model, parameters and seed come up beside the run's results; the rest
        of the document (scenario, sources, inputs) is left out:

        >>> doc = {"manifest": {"model": "nash", "model_params": {"power": 2.0}, "seed": 7},
        ...        "alternatives": [{"id": "force"}], "british_question": None,
        ...        "scenario": {"id": "toy"}, "inputs": []}
        >>> for key, value in primary_run(doc).items():
        ...     print(key, value)
        model nash
        model_params {'power': 2.0}
        seed 7
        alternatives [{'id': 'force'}]
        british_question None
    """
    man = doc["manifest"]
    return {
        "model": man["model"],
        "model_params": man["model_params"],
        "seed": man["seed"],
        "alternatives": doc["alternatives"],
        "british_question": doc["british_question"],
    }


def run_models(
    loaded: LoadedScenario,
    models: Sequence[str],
    *,
    seed: SeedLike = None,
    alternative: str | None = None,
    enumerate_equilibria: bool = True,
    british: bool = True,
    progress: ProgressFn | None = None,
) -> Ensemble:
    """Run ``loaded`` under each model of ``models`` (in order; every model at the same seed:
    the scenario's unless ``seed`` is given).

    ``progress(done, total)`` counts alternatives (and British questions) over all models.

    Examples:
        The NATO-national alternative of the built-in scenario under two models:

        >>> from mlf.scenario import load_scenario
        >>> ens = run_models(load_scenario("mlf-1963"), ["compromise", "smp"],
        ...                  alternative="nato_national", british=False)
        >>> ens.models
        ['compromise', 'smp']
        >>> for run in ens.runs:
        ...     print(run.model, run.seed, run.outcomes[0].status, run.outcomes[0].members)
        compromise 1963 agreement ('USA', 'GBR', 'ITA', 'NLD')
        smp 1963 agreement ('USA', 'GBR', 'ITA', 'NLD')

    Raises:
        UsageError: no model, or a repeated one.
        MlfError: as :func:`mlf.talks.run_scenario` (an unknown model among them).
    """
    if not models:
        raise UsageError("--models: no model given")
    if len(set(models)) != len(models):
        raise UsageError("--models: a model is named twice")
    sd = None if seed is None else resolve_seed(seed)
    runs: list[RunResult] = []
    offset = 0
    per: list[int] = []

    def tick(done: int, total: int) -> None:
        if progress is None:
            return
        if not per:
            per.append(total)
        progress(offset + done, per[0] * len(models))

    for m in models:
        runs.append(
            run_scenario(
                loaded,
                model=m,
                seed=sd,
                alternative=alternative,
                enumerate_equilibria=enumerate_equilibria,
                british=british,
                progress=tick,
            )
        )
        offset += per[0] if per else 0
    return Ensemble(tuple(runs))


# --------------------------------------------------------------------------- the summary


def _settled(term: Mapping[str, Any]) -> float:
    """The value the talks settled an element at (the agreed value where a rule applied
    another, e.g. a lead share above the ceiling)."""
    agreed = term.get("agreed")
    return float(agreed if agreed is not None else term["value"])


def summarise(sc: Scenario, runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the models agree on: the ``ensemble`` block of ``result.json``.

    ``runs``: each model's run as :func:`primary_run` gives it. Shape::

        {"models": [...],
         "alternatives": {alt: {"title", "models": n, "agreement": k, "agreeing": [...],
                                "status": {model: status}, "members": {model: [...]},
                                "membership": {nation: count},
                                "terms": {issue: {"title", "unit", "options", "lo", "hi",
                                                  "values": {model: {"value", "label"}},
                                                  "min", "max", "spread"}}}},
         "british_question": {model: {"summary", "alternatives": {alt: {"answer",
                                "broadening", "joins_as_negotiated"}}}} | null}

    ``membership`` counts, for every nation invited to the alternative, the models in which
    it is a member of an agreement. ``terms`` holds every element some model settled (an
    element settled in talks that then failed counts too: the status says whether it is in
    force); ``spread`` is ``max - min`` on the element's own axis (an options issue's axis is
    the option index).

    Examples:
        Two models agree on the members of the NATO-national alternative and on the force
        size, and settle the scope one option apart:

        >>> from mlf.scenario import load_scenario
        >>> loaded = load_scenario("mlf-1963")
        >>> ens = run_models(loaded, ["compromise", "smp"], alternative="nato_national",
        ...                  british=False)
        >>> block = summarise(loaded.scenario, ens.to_dict()["runs"])
        >>> alt = block["alternatives"]["nato_national"]
        >>> alt["agreement"], alt["agreeing"], alt["membership"]["GBR"], alt["membership"]["FRA"]
        (2, ['compromise', 'smp'], 2, 0)
        >>> {iid: term["spread"] for iid, term in alt["terms"].items()}
        {'force_size': 0.0, 'manning': 0.0, 'scope': 1.0}
    """
    models = [str(r["model"]) for r in runs]
    by_alt: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for r in runs:
        for alt in r["alternatives"]:
            if alt["id"] not in order:
                order.append(alt["id"])
    for aid in order:
        alt_sc = sc.alternatives.get(aid)
        entry: dict[str, Any] = {
            "title": alt_sc.title if alt_sc is not None else aid,
            "models": 0,
            "agreement": 0,
            "agreeing": [],
            "status": {},
            "members": {},
            "membership": {m: 0 for m in (alt_sc.invited if alt_sc is not None else [])},
            "terms": {},
        }
        for r in runs:
            model = str(r["model"])
            alt = next((a for a in r["alternatives"] if a["id"] == aid), None)
            if alt is None:
                continue
            entry["models"] += 1
            entry["status"][model] = alt["status"]
            members = list(alt["members"]) if alt["status"] == "agreement" else []
            entry["members"][model] = members
            if alt["status"] == "agreement":
                entry["agreement"] += 1
                entry["agreeing"].append(model)
            for m in members:
                entry["membership"][m] = entry["membership"].get(m, 0) + 1
            for iid, term in alt["agreed"].items():
                t = entry["terms"].get(iid)
                if t is None:
                    issue = sc.issues.get(iid)
                    t = {
                        "title": term["title"],
                        "unit": term["unit"],
                        "options": None
                        if issue is None or issue.options is None
                        else [o.label for o in issue.options],
                        "lo": None if issue is None else float(issue.lo),
                        "hi": None if issue is None else float(issue.hi),
                        "values": {},
                    }
                    entry["terms"][iid] = t
                t["values"][model] = {"value": _settled(term), "label": term["label"]}
        for t in entry["terms"].values():
            vals = [v["value"] for v in t["values"].values()]
            t["min"], t["max"] = min(vals), max(vals)
            t["spread"] = t["max"] - t["min"]
        by_alt[aid] = entry
    british: dict[str, Any] | None = None
    if any(r["british_question"] is not None for r in runs):
        british = {}
        for r in runs:
            bq = r["british_question"]
            if bq is None:
                continue
            british[str(r["model"])] = {
                "summary": bq["summary"],
                "alternatives": {
                    aid: {
                        "answer": e["answer"],
                        "broadening": e["broadening"],
                        "joins_as_negotiated": e["as_negotiated"]["joins"],
                    }
                    for aid, e in bq["alternatives"].items()
                },
            }
    return {"models": models, "alternatives": by_alt, "british_question": british}
