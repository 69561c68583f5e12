"""Sweeps draw domestic ratifiers' saliences and numeric positions (issue 15), by the same
default-range rule as every other estimate, from their own streams (adding them moves no other
input's draws), reproducibly."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from mlf.scenario import load_scenario
from mlf.sensitivity import (
    UncertainInput,
    apply_draw,
    current_values,
    design_width,
    lhs_design,
    run_sweep,
    sample_chunk,
)
from mlf.uncertainty import sweep_inputs
from mlf.uncertainty.ranges import default_range, not_varied

TWO = Path(__file__).parent / "data" / "ratify-two.yaml"
COMMONS = "actors.GBR.ratifiers.commons.positions.cost_split"
CONGRESS = "actors.USA.ratifiers.congress.positions.firing_rule"


def test_ratifier_saliences_and_numeric_positions_get_ranges_by_the_rule() -> None:
    sc = load_scenario("mlf-1963").scenario
    xs = {x.path: x for x in sweep_inputs(sc)}
    # written ranges win (salience 0.4, range [0.2, 0.4, 0.6] in the YAML)
    sal = xs[f"{COMMONS}.salience"]
    assert (sal.min, sal.mode, sal.max, sal.origin) == (0.2, 0.4, 0.6, "range")
    assert xs[f"{CONGRESS}.salience"].origin == "range"
    # a numeric position without a range: the default rule on the issue's scale
    pos = xs[f"{COMMONS}.position"]
    issue = sc.issues["cost_split"]
    want = default_range(60.0, pos.confidence or "", lo=issue.lo, hi=issue.hi,
                         span=issue.hi - issue.lo)  # fmt: skip
    assert (pos.min, pos.mode, pos.max) == want
    assert pos.origin == "default" and pos.min < pos.max
    # every ratifier input but the reservation draws from its own stream, named by its path
    assert sal.stream == sal.path and pos.stream == pos.path
    assert xs["actors.USA.ratifiers.congress.reservation"].stream is None
    # an option id is a category: listed as not varied, with the reason
    fixed = {f.path: f.reason for f in not_varied(sc)}
    assert "option id" in fixed[f"{CONGRESS}.position"]
    assert f"{COMMONS}.salience" not in fixed


def test_adding_the_ratifier_inputs_moves_no_other_input() -> None:
    sc = load_scenario("mlf-1963").scenario
    inputs = list(sweep_inputs(sc))
    own = [j for j, x in enumerate(inputs) if x.stream is not None]
    assert len(own) == 3
    shared = [x for x in inputs if x.stream is None]
    every = sample_chunk(inputs, 7, 2, 400, 450)
    alone = sample_chunk(shared, 7, 2, 400, 450)
    np.testing.assert_array_equal(np.delete(every, own, axis=1), alone)
    # each own-stream input depends only on the seed, its path and the chunk
    for j in own:
        np.testing.assert_array_equal(every[:, j], sample_chunk([inputs[j]], 7, 2, 400, 450)[:, 0])
    assert not np.array_equal(every[:, own[0]], sample_chunk(inputs, 8, 2, 400, 450)[:, own[0]])
    # Latin hypercube: the shared design is as wide as the shared inputs, unchanged too
    assert design_width(inputs) == len(shared)
    d = lhs_design(design_width(inputs), 60, 3)
    every = sample_chunk(inputs, 3, 0, 0, 60, sampling="lhs", design=d)
    alone = sample_chunk(shared, 3, 0, 0, 60, sampling="lhs", design=d)
    np.testing.assert_array_equal(np.delete(every, own, axis=1), alone)


def test_an_own_stream_latin_hypercube_column_is_stratified() -> None:
    x = UncertainInput("a.b", "quantity", 0.0, 0.5, 1.0, "uniform", ("A", "gdp", None, None),
                       stream="a.b")  # fmt: skip
    n = 50
    design = np.empty((n, 0))
    whole = sample_chunk([x], 9, 0, 0, n, sampling="lhs", design=design)[:, 0]
    assert sorted(np.floor(whole * n).astype(int).tolist()) == list(range(n))
    # chunks are slices of the same column
    part = sample_chunk([x], 9, 1, 20, 35, sampling="lhs", design=design)[:, 0]
    np.testing.assert_array_equal(part, whole[20:35])


def test_a_draw_sets_the_ratifiers_salience_and_position() -> None:
    sc = load_scenario("mlf-1963").scenario
    xs = [x for x in sweep_inputs(sc) if x.path.startswith(COMMONS)]
    assert [x.path.rsplit(".", 1)[1] for x in xs] == ["salience", "position"]
    drawn = apply_draw(sc, xs, [0.25, 57.0])
    rp = drawn.actors["GBR"].ratifiers["commons"].positions["cost_split"]
    assert rp.salience.value == 0.25 and rp.position == 57.0
    assert current_values(drawn, xs) == [0.25, 57.0]
    assert current_values(sc, xs) == [0.4, 60.0]
    # the original is untouched, and nothing else of GBR moved
    assert sc.actors["GBR"].ratifiers["commons"].positions["cost_split"].salience.value == 0.4
    assert drawn.actors["GBR"].positions == sc.actors["GBR"].positions
    assert drawn.actors["GBR"].ratifiers["commons"].reservation == (
        sc.actors["GBR"].ratifiers["commons"].reservation
    )


def _digest(directory: Path) -> dict[str, str]:
    return {
        f.name: hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(directory.glob("chunk-*.parquet"))
    }


def test_a_sweep_varies_them_and_is_byte_reproducible(tmp_path: Path) -> None:
    loaded = load_scenario(TWO)
    for name in ("a", "b"):
        run_sweep(loaded, tmp_path / name, draws=40, seed=13, chunk_size=15)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert len(_digest(tmp_path / "a")) == 3
    tab = pa.concat_tables([pq.read_table(f) for f in sorted((tmp_path / "a").glob("chunk-*"))])
    for who in ("A", "B"):
        for sub in ("salience", "position"):
            col = tab.column(f"in/actors.{who}.ratifiers.parl.positions.share.{sub}").to_numpy()
            assert len(set(col.tolist())) == 40, (who, sub)
    run_sweep(loaded, tmp_path / "c", draws=40, seed=14, chunk_size=15)
    assert _digest(tmp_path / "c") != _digest(tmp_path / "a")
