"""Golden summaries of `mlf run` on the built-ins, pinned in tests/data/golden/.

For each built-in scenario (mlf-1963, mlf-1964-12) and each of the five negotiation models
(compromise, median, nash, bdm, smp), at the scenario's own seed, the summary records per
alternative: the status, the members, the terms (each issue's agreed value), the costs (each
member's applied share of the annual cost) and the power of each member under the control
rule (Banzhaf and Shapley-Shubik), every number rounded to 6 places; and which alternatives
fell below the support threshold, and the British question's answer per alternative.

A change to any of these is a change to what mlf tells its users, so it must be made on
purpose. This test FAILS on any difference (it never skips, and it never rewrites the files by
itself). To accept a deliberate change (a new estimate in a built-in, a corrected model):

    MLF_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -p no:xdist tests/test_golden.py

then read `git diff tests/data/golden/` and say in the commit message why each number moved.
Whoever changes a built-in scenario (src/mlf/scenarios/*.yaml) or a model regenerates these
files in the same commit. See docs/golden.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from mlf.bargaining import MODELS
from mlf.results import result_document
from mlf.scenario import builtin_ids, load_scenario
from mlf.talks import run_scenario

GOLDEN = Path(__file__).parent / "data" / "golden"
SCENARIOS = tuple(builtin_ids())
PLACES = 6
UPDATE = os.environ.get("MLF_UPDATE_GOLDEN") == "1"
HOW = "MLF_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -p no:xdist tests/test_golden.py"


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), PLACES)


def _alternative(alt: dict[str, Any]) -> dict[str, Any]:
    terms = {
        iid: _r(t["agreed"] if t.get("agreed") is not None else t["value"])
        for iid, t in alt["agreed"].items()
    }
    arr = alt.get("arrangement")
    split = (arr or {}).get("cost", {}).get("split")
    costs = None if split is None else {m: _r(s) for m, s in split["shares"].items()}
    power = alt.get("power")
    pw = None
    if power is not None:
        pw = {
            name: {p: _r(v) for p, v in power["indices"][name].items()}
            for name in ("banzhaf", "shapley_shubik")
        }
    return {
        "status": alt["status"],
        "members": list(alt["members"]),
        "terms": terms,
        "costs": costs,
        "power": pw,
    }


def summary(scenario: str, model: str) -> dict[str, Any]:
    """The golden summary of `mlf run SCENARIO --model MODEL` (read from the validated
    result document that `mlf run` writes)."""
    doc = result_document(run_scenario(load_scenario(scenario), model=model))
    bq = doc["british_question"] or {"alternatives": {}}
    return {
        "seed": doc["manifest"]["seed"],
        "alternatives": {a["id"]: _alternative(a) for a in doc["alternatives"]},
        "below_threshold": [b["id"] for b in doc["below_threshold"]],
        "british_question": {
            aid: {
                "joins_as_negotiated": e["as_negotiated"]["joins"],
                "joins_once_broadened_to": e["broadening"]
                if any(s["joins"] for s in e["steps"])
                else None,
                "joins_on_some_agenda": any(s["joins"] for s in e["steps"]),
            }
            for aid, e in bq["alternatives"].items()
        },
    }


def golden_of(scenario: str) -> dict[str, Any]:
    loaded = load_scenario(scenario)
    return {
        "scenario": scenario,
        "scenario_sha256": loaded.sha256,
        "places": PLACES,
        "update_with": HOW,
        "models": {m: summary(scenario, m) for m in sorted(MODELS)},
    }


def _diff(want: Any, got: Any, where: str = "") -> list[str]:
    if isinstance(want, dict) and isinstance(got, dict):
        out: list[str] = []
        for k in sorted(set(want) | set(got), key=str):
            if k not in got:
                out.append(f"{where}.{k}: pinned {want[k]!r}, now absent")
            elif k not in want:
                out.append(f"{where}.{k}: not pinned, now {got[k]!r}")
            else:
                out += _diff(want[k], got[k], f"{where}.{k}")
        return out
    if want != got:
        return [f"{where}: pinned {want!r}, now {got!r}"]
    return []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_golden_summary(scenario: str) -> None:
    path = GOLDEN / f"{scenario}.json"
    got = json.loads(json.dumps(golden_of(scenario)))
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert path.is_file(), f"{path} is missing: create it on purpose with {HOW}"
    want = json.loads(path.read_text(encoding="utf-8"))
    problems = _diff(want, got)
    if want.get("scenario_sha256") != got["scenario_sha256"]:
        problems.insert(0, f"{scenario}'s YAML changed since the golden file was pinned")
    more = f"\n... {len(problems) - 30} more" if len(problems) > 30 else ""
    shown = "\n".join(problems[:30]) + more
    assert not problems, (
        f"`mlf run {scenario}` no longer matches {path}:\n{shown}\n"
        f"If every change is intended, regenerate with {HOW} and explain it in the commit."
    )


def test_a_changed_number_fails() -> None:
    """The comparison is not vacuous: one moved number is reported with its place."""
    want = {"models": {"bdm": {"alternatives": {"a": {"costs": {"USA": 0.4}}}}}}
    got = {"models": {"bdm": {"alternatives": {"a": {"costs": {"USA": 0.400001}}}}}}
    assert _diff(want, got) == [".models.bdm.alternatives.a.costs.USA: pinned 0.4, now 0.400001"]
    assert _diff(want, want) == []


# --------------------------------------------------------------------------- sweeps

SWEEP_DRAWS = 8
SWEEP_SEED = 11
SWEEP_CHUNK = 4


def sweep_records(scenario: str) -> dict[str, Any]:
    """Every column of every draw of a small fixed-seed sweep (:func:`mlf.sensitivity.run_chunk`
    on each chunk, in-process), exact: floats are pinned to the last bit (JSON keeps a float's
    shortest repr), so a speed-up of the sweep path cannot move any draw's outcome."""
    from mlf.sensitivity.draws import chunk_bounds, sample_chunk
    from mlf.sensitivity.sweep import ChunkTask, prepare_sweep, run_chunk

    loaded = load_scenario(scenario)
    sc = loaded.scenario
    model, inputs = prepare_sweep(loaded, draws=SWEEP_DRAWS, seed=SWEEP_SEED,
                                  chunk_size=SWEEP_CHUNK, model=None, sampling="random")
    columns: dict[str, list[Any]] = {}
    for c, (s, e) in enumerate(chunk_bounds(SWEEP_DRAWS, SWEEP_CHUNK)):
        values = sample_chunk(inputs, SWEEP_SEED, c, s, e)
        data = run_chunk(ChunkTask(sc, inputs, model, sc.settings.seed, c, s, values))
        for k, v in data.items():
            columns.setdefault(k, []).extend(v)
    return {
        "scenario": scenario,
        "scenario_sha256": loaded.sha256,
        "draws": SWEEP_DRAWS,
        "seed": SWEEP_SEED,
        "update_with": HOW,
        "columns": columns,
    }


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_golden_sweep(scenario: str) -> None:
    path = GOLDEN / f"sweep-{scenario}.json"
    got = json.loads(json.dumps(sweep_records(scenario)))
    if UPDATE:
        path.write_text(json.dumps(got, ensure_ascii=False) + "\n", encoding="utf-8")
    assert path.is_file(), f"{path} is missing: create it on purpose with {HOW}"
    want = json.loads(path.read_text(encoding="utf-8"))
    problems = _diff(want, got)
    if want.get("scenario_sha256") != got["scenario_sha256"]:
        problems.insert(0, f"{scenario}'s YAML changed since the golden sweep was pinned")
    more = f"\n... {len(problems) - 30} more" if len(problems) > 30 else ""
    shown = "\n".join(problems[:30]) + more
    assert not problems, (
        f"`mlf sweep {scenario} --draws {SWEEP_DRAWS} --seed {SWEEP_SEED}` no longer matches "
        f"{path}:\n{shown}\nIf every change is intended, regenerate with {HOW} and explain it "
        "in the commit."
    )
