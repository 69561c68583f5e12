"""The one seed normaliser (mlf.seeds) and its use: issue 12, Build 3."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from mlf.bargaining import BargainingInput, forecast
from mlf.costs import shapley_monte_carlo
from mlf.games import parse_weighted
from mlf.power import power_indices
from mlf.scenario import builtin_path
from mlf.seeds import MAX_SEED, child_seed, child_sequence, generator, resolve_seed, stable_key

STOCHASTIC = {"state_transitions": "stochastic"}


def _four_forms(n: int) -> list[Any]:
    return [n, np.uint64(n), np.random.SeedSequence(n)]


@pytest.mark.parametrize("bad", [-1, -(2**70), MAX_SEED])
def test_an_int_outside_the_range_is_a_value_error_naming_the_argument(bad: int) -> None:
    with pytest.raises(ValueError, match=r"^seed must be a non-negative integer below 2\*\*64"):
        resolve_seed(bad)
    with pytest.raises(ValueError, match=r"^--seed must be"):
        resolve_seed(bad, name="--seed")


@pytest.mark.parametrize("bad", [True, 1.5, "7", [1]])
def test_what_is_not_a_seed_is_a_type_error(bad: Any) -> None:
    with pytest.raises(TypeError, match="seed must be None, an int"):
        resolve_seed(bad)


@given(st.integers(min_value=0, max_value=MAX_SEED - 1))
def test_an_int_and_its_seed_sequence_are_the_same_seed(n: int) -> None:
    assert {resolve_seed(f) for f in _four_forms(n)} == {n}
    a = generator(n).integers(0, 2**32, size=4)
    b = np.random.default_rng(np.random.SeedSequence(n)).integers(0, 2**32, size=4)
    assert (a == b).all()


def test_a_generator_gives_one_draw_and_is_reproducible_from_it() -> None:
    g1, g2 = np.random.default_rng(11), np.random.default_rng(11)
    s1 = resolve_seed(g1)
    assert s1 == resolve_seed(g2) and 0 <= s1 < MAX_SEED
    assert resolve_seed(g1) != s1  # the generator advanced by that one draw


def test_none_is_fresh_entropy_recorded_as_an_int() -> None:
    a, b = resolve_seed(None), resolve_seed(None)
    assert 0 <= a < MAX_SEED and 0 <= b < MAX_SEED and a != b


def test_a_spawned_sequence_is_reduced_to_a_reproducible_int() -> None:
    ss = np.random.SeedSequence(3).spawn(2)[1]
    s = resolve_seed(ss)
    assert s == resolve_seed(np.random.SeedSequence(3).spawn(2)[1]) and s != 3


@given(st.integers(min_value=0, max_value=2**63), st.integers(min_value=0, max_value=50))
def test_int_keys_are_the_children_spawn_gives(seed: int, k: int) -> None:
    a = child_sequence(seed, k).generate_state(2)
    b = np.random.SeedSequence(seed).spawn(k + 1)[k].generate_state(2)
    assert (a == b).all()


@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_a_child_depends_on_its_ids_not_on_anything_else(a: str, b: str) -> None:
    assert child_seed(7, a, 0) == child_seed(np.random.SeedSequence(7), a, 0)
    assert stable_key(a) == stable_key(a)
    if a != b:
        assert child_seed(7, a, 0) != child_seed(7, b, 0)
    assert child_seed(7, a, 0) != child_seed(7, a, 1) != child_seed(8, a, 1)


def _inp() -> BargainingInput:
    return BargainingInput.build(
        ["US", "FRG", "UK", "IT"],
        [0.4, 0.3, 0.2, 0.1],
        [200, 150, 50, 100],
        [0.8, 0.6, 0.5, 0.7],
        lo=0,
        hi=200,
        status_quo=0,
    )


def test_forecast_takes_every_form_and_records_the_int() -> None:
    outs = [forecast(_inp(), "smp", STOCHASTIC, s) for s in _four_forms(5)]
    assert {fc.seed for fc in outs} == {5}
    assert len({tuple(fc.outcome.tolist()) for fc in outs}) == 1
    fc = forecast(_inp(), "smp", STOCHASTIC, np.random.default_rng(2))
    again = forecast(_inp(), "smp", STOCHASTIC, fc.seed)
    assert fc.outcome.tolist() == again.outcome.tolist()
    fresh = forecast(_inp(), "smp", STOCHASTIC, None)
    assert 0 <= fresh.seed < MAX_SEED
    with pytest.raises(ValueError, match="non-negative"):
        forecast(_inp(), "smp", STOCHASTIC, -3)


def test_monte_carlo_power_and_shapley_record_the_seed_they_used() -> None:
    game = parse_weighted("[6; 4, 3, 2, 1]")
    runs = [power_indices(game, samples=400, seed=s) for s in _four_forms(9)]
    assert {r.montecarlo.seed for r in runs if r.montecarlo} == {9}
    free = power_indices(game, samples=400, seed=None)
    assert free.montecarlo is not None and free.montecarlo.seed is not None
    again = power_indices(game, samples=400, seed=free.montecarlo.seed)
    assert free.to_dict() == again.to_dict()

    def cost(c: frozenset[str]) -> float:
        return float(len(c) ** 2)

    est = [
        shapley_monte_carlo(players="abc", cost=cost, samples=50, seed=s) for s in _four_forms(4)
    ]
    assert {e.seed for e in est} == {4} and len({e.values for e in est}) == 1
    g = shapley_monte_carlo(players="abc", cost=cost, samples=50, seed=np.random.default_rng(1))
    assert shapley_monte_carlo(players="abc", cost=cost, samples=50, seed=g.seed) == g


# ------------------------------------------------------------------ reordering the scenario file


def _load_builtin() -> dict[str, Any]:
    return YAML(typ="safe").load(builtin_path("mlf-1963").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _stochastic(data: dict[str, Any], seed: int) -> dict[str, Any]:
    """A copy on the SMP with stochastic transitions, so that the seeds change draws."""
    data = copy.deepcopy(data)
    data["settings"]["model"] = "smp"
    data["settings"]["seed"] = seed
    data["settings"].setdefault("model_params", {})["smp"] = dict(STOCHASTIC)
    return data


def _reversed(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for key in ("alternatives", "actors"):
        data[key] = dict(reversed(list(data[key].items())))
    return data


def _result(tmp: Path, name: str, data: dict[str, Any]) -> bytes:
    from mlf.cli import app

    # JSON is YAML, and json.dumps keeps the order of the mappings (a YAML dumper may sort)
    path = tmp / f"{name}.yaml"
    path.write_text(json.dumps(data, default=str, indent=1), encoding="utf-8")
    res = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp / name)])
    assert res.exit_code == 0, res.output
    return (tmp / name / "result.json").read_bytes()


def _canonical(raw: bytes) -> str:
    """result.json less what names the file, in an order that does not follow the file.

    The file's order is kept in result.json on purpose (the report lists alternatives and
    actors as the author wrote them), so the comparison sorts keys, sorts lists of records by
    their ``id`` (or an input row's ``path``) and the clauses of the British summary (one per
    alternative, in file order);
    every value, every draw and every number must be identical.
    """

    def canon(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: canon(v) for k, v in x.items()}
        if isinstance(x, list):
            y = [canon(v) for v in x]
            for key in ("id", "path"):  # alternatives; input rows (mlf.provenance)
                if y and all(isinstance(v, dict) and key in v for v in y):
                    return sorted(y, key=lambda v: str(v[key]))
            return y
        return x

    data = json.loads(raw)
    for key in ("scenario_path", "scenario_sha256"):
        data["manifest"].pop(key)
    british = data["british_question"]
    british["summary"] = sorted(british["summary"].split("; "))
    return json.dumps(canon(data), sort_keys=True, indent=1)


def test_reordering_alternatives_and_actors_in_the_file_changes_no_result(tmp_path: Path) -> None:
    data = _stochastic(_load_builtin(), 1963)
    flipped = _reversed(data)
    assert list(flipped["alternatives"]) != list(data["alternatives"])
    a = _result(tmp_path, "a", data)
    b = _result(tmp_path, "b", flipped)
    # the files differ (so their hashes do), and so does the order in result.json
    assert (
        json.loads(a)["manifest"]["scenario_sha256"] != json.loads(b)["manifest"]["scenario_sha256"]
    )
    assert a != b
    assert _canonical(a) == _canonical(b)
    # the comparison can fail: the seed reaches the negotiations (stochastic SMP)
    c = _result(tmp_path, "c", _stochastic(_load_builtin(), 7))
    assert _canonical(c) != _canonical(a)
    assert json.loads(a)["manifest"]["seed"] == 1963


@pytest.mark.parametrize("command", ["run", "forecast"])
@pytest.mark.parametrize("bad", ["-1", str(MAX_SEED)])
def test_a_seed_flag_out_of_range_is_one_line_and_exit_2(command: str, bad: str) -> None:
    from mlf.cli import app

    res = CliRunner().invoke(app, [command, "mlf-1963", f"--seed={bad}"])
    assert res.exit_code == 2, res.output
    assert res.output.strip().splitlines() == [
        f"error: --seed must be a non-negative integer below 2**64, got {bad}"
    ]


def test_the_cli_seed_bound_is_the_library_bound() -> None:
    from mlf.cli._flagchecks import MAX_SEED as CLI_MAX
    from mlf.seeds import MAX_SEED

    assert CLI_MAX == MAX_SEED
