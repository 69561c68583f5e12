"""The comparison: every alternative with enough support through the same path.

"alternative proposals should be tested by discussion in the same way as the MLF itself,
wherever there is apparent support for them" (FRUS 1961-63 XIII doc. 206); the others are
listed with their support.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mlf._version import __version__
from mlf.bargaining import MODELS
from mlf.errors import MlfError
from mlf.provenance import input_rows
from mlf.scenario import (
    LoadedScenario,
    Scenario,
)
from mlf.seeds import SeedLike, resolve_seed
from mlf.talks.alternative import AlternativeOutcome, run_alternative, support_of
from mlf.talks.broadening import pivot_broadening

ProgressFn = Callable[[int, int], None]


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
                **manifest_changes(self.loaded),
                "models": [self.model],
                "seeds": {self.model: self.seed},
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
            "inputs": input_rows(sc),
        }


def manifest_changes(loaded: LoadedScenario) -> dict[str, Any]:
    """The files of an overlay's chain and the changes asked for, for a manifest (nothing
    for a plain file run as it is): ``scenario_layers`` and ``counterfactual`` (its
    ``base_sha256`` and every request with the fields it changed). Shared by ``result.json``
    and ``mlf forecast --json``.

    Examples:
        A built-in run as it is has neither:

        >>> from mlf.scenario import load_scenario
        >>> manifest_changes(load_scenario("mlf-1963"))
        {}
    """
    out: dict[str, Any] = {}
    if len(loaded.layers) > 1:
        out["scenario_layers"] = [{"file": f, "sha256": h} for f, h in loaded.layers]
    if loaded.base_sha256 is not None:
        out["counterfactual"] = {
            "base_sha256": loaded.base_sha256,
            "requests": [r.to_dict() for r in loaded.requests],
        }
    return out


def _cited_sources(sc: Scenario) -> list[Any]:

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

    Examples:
        The built-in scenario: every alternative has apparent support and is analysed; two
        end in agreement:

        >>> from mlf.scenario import load_scenario
        >>> run = run_scenario(load_scenario("mlf-1963"), british=False)
        >>> run.model, run.seed, run.below_threshold
        ('compromise', 1963, ())
        >>> for out in run.outcomes:
        ...     print(out.id, out.status, out.members)
        mlf_surface no agreement ()
        mlf_submarine no agreement ()
        land_mrbm no agreement ()
        european_force no agreement ()
        nato_national agreement ('USA', 'GBR', 'ITA', 'NLD')
        status_quo_consultation agreement ('USA', 'GBR', 'ITA')
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
    bq = pivot_broadening(sc, outcomes, model=mdl, seed=sd) if british else None
    if progress is not None and british:
        progress(total, total)
    return RunResult(loaded, mdl, sd, tuple(outcomes), tuple(below), bq)
