"""Issue 13 items 2-4: default ranges by confidence, Wilson intervals, the few-draws warning,
and fragile decisions (each flagged flip is real; an unflagged decision does not flip)."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlf.cli import app
from mlf.results import FORMAT_VERSION, validate_result
from mlf.scenario import load_scenario, parse_scenario
from mlf.sensitivity import apply_draw, collect_inputs, current_values
from mlf.sensitivity.intervals import Z95, too_few_draws, wilson
from mlf.talks import run_alternative, run_scenario
from mlf.uncertainty import HALF_WIDTH, confidence_of, default_range, not_varied, sweep_inputs
from mlf.uncertainty.fragile import (
    FragileResult,
    decisions_of,
    fragile_decisions,
    fragile_for_run,
    fragile_lines,
    touched_alternatives,
)

MINI = Path(__file__).parent / "data" / "sweep-mini.yaml"


# --------------------------------------------------------------------------- default ranges


def test_half_widths_are_the_documented_rule() -> None:
    assert HALF_WIDTH == {"A": 0.05, "B": 0.15, "C": 0.30, "D": 0.50, "estimate": 0.50}


@pytest.mark.parametrize(
    ("value", "code", "kw", "want"),
    [
        (100.0, "A", {"lo": 0.0}, (95.0, 100.0, 105.0)),
        (100.0, "B", {"lo": 0.0}, (85.0, 100.0, 115.0)),
        (100.0, "C", {"lo": 0.0}, (70.0, 100.0, 130.0)),
        (100.0, "D", {"lo": 0.0}, (50.0, 100.0, 150.0)),
        (0.8, "estimate", {"lo": 0.0, "hi": 1.0}, (0.4, 0.8, 1.0)),  # clipped at 1
        (-2.0, "estimate", {}, (-3.0, -2.0, -1.0)),  # an unbounded field, negative value
        (200.0, "B", {"lo": 0.0, "hi": 400.0, "span": 400.0}, (170.0, 200.0, 230.0)),
        (10.0, "estimate", {"lo": 0.0, "hi": 60.0, "span": 60.0}, (0.0, 10.0, 25.0)),
    ],
)
def test_default_range_by_hand(value: float, code: str, kw: dict[str, Any], want: Any) -> None:
    assert default_range(value, code, **kw) == pytest.approx(want)


@given(
    st.floats(0, 1e6, allow_nan=False),
    st.sampled_from(["A", "B", "C", "D", "estimate"]),
)
def test_default_range_holds_the_value_within_bounds(v: float, code: str) -> None:
    lo, mode, hi = default_range(v, code, lo=0.0)
    assert 0.0 <= lo <= mode == v <= hi
    assert hi - v == pytest.approx(HALF_WIDTH[code] * v)


def _mini_text() -> str:
    return MINI.read_text(encoding="utf-8")


def test_written_ranges_win_and_every_estimate_gets_one() -> None:
    sc = load_scenario(MINI).scenario
    written = {x.path: x for x in collect_inputs(sc)}
    inputs = {x.path: x for x in sweep_inputs(sc)}
    for path, x in written.items():  # every written range is used as written
        got = inputs[path]
        assert (got.min, got.mode, got.max, got.dist, got.origin) == (
            x.min, x.mode, x.max, x.dist, "range"
        )
    # US.positions.size.salience: 0.6 with no range and no source -> estimate, +-50%
    s = inputs["actors.US.positions.size.salience"]
    assert (s.origin, s.confidence) == ("default", "estimate")
    assert (s.min, s.mode, s.max) == pytest.approx((0.3, 0.6, 0.9))
    # GB's size position 10 on 0..100 with no range: +-50% of half the scale, clipped at 0
    p = inputs["actors.GB.positions.size.position"]
    assert (p.min, p.mode, p.max) == pytest.approx((0.0, 10.0, 35.0))
    # weights: voice and cost of every invited nation; policy is the unit, never varied
    assert "actors.US.weights.cost" in inputs and "actors.US.weights.policy" not in inputs
    fixed = {f.path: f.reason for f in not_varied(sc)}
    assert "option id" in fixed["actors.US.positions.control.position"]
    assert "unit of the utility scale" in fixed["actors.US.weights.policy"]
    # every actor number the talks read is either varied or listed with a reason
    assert not set(inputs) & set(fixed)


def test_confidence_is_the_weakest_source() -> None:
    sc = load_scenario("mlf-1963").scenario
    assert confidence_of(sc, ["WB-GDP"], False) == "A"
    assert confidence_of(sc, ["WB-GDP", "TIME-630614"], False) == "C"
    assert confidence_of(sc, ["F63-206", "F63-176"], False) == "B"
    assert confidence_of(sc, ["WB-GDP"], True) == "estimate"
    assert confidence_of(sc, [], False) == "estimate"
    gdp = next(x for x in sweep_inputs(sc) if x.path == "actors.USA.gdp")
    assert (gdp.confidence, gdp.origin) == ("A", "default")
    assert (gdp.min, gdp.max) == pytest.approx((637.1 * 0.95, 637.1 * 1.05))


def test_a_zero_is_left_fixed_with_its_reason() -> None:
    text = _mini_text().replace("outside_option: {fleet: 0.3, small: 0.2}",
                                "outside_option: {fleet: 0.3, small: 0}")
    sc, _ = parse_scenario(text, "zero.yaml")
    assert "actors.US.outside_option.small" not in [x.path for x in sweep_inputs(sc)]
    assert "zero" in {f.path: f.reason for f in not_varied(sc)}["actors.US.outside_option.small"]


def test_weights_are_applied_by_a_draw() -> None:
    sc = load_scenario(MINI).scenario
    x = next(x for x in sweep_inputs(sc) if x.path == "actors.IT.weights.cost")
    patched = apply_draw(sc, [x], [x.max])
    assert patched.actors["IT"].weights.cost == x.max
    assert sc.actors["IT"].weights.cost == x.mode  # the original is untouched
    assert current_values(patched, [x]) == [x.max]


# --------------------------------------------------------------------------- Wilson


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    # Newcombe (1998), Table II, method 3 (score interval without continuity correction)
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
     (1, 29, 0.0061, 0.1718)],
)
def test_wilson_against_newcombe(k: int, n: int, lo: float, hi: float) -> None:
    got = wilson(k, n)
    assert round(got[0], 4) == lo and round(got[1], 4) == hi


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_ends_are_where_the_score_test_stops_rejecting(kn: tuple[int, int]) -> None:
    """Brute force: each inner end p solves (k/n - p)^2 = z^2 p (1 - p) / n, checked in
    exact fractions against the float's neighbourhood; the interval holds k/n, in [0, 1]."""
    k, n = kn
    lo, hi = wilson(k, n)
    assert 0.0 <= lo <= k / n <= hi <= 1.0
    z2 = Fraction(Z95) ** 2
    phat = Fraction(k, n)

    def score(p: float) -> Fraction:
        q = Fraction(p)
        return (phat - q) ** 2 - z2 * q * (1 - q) / n

    for p in (lo, hi):
        if p in (0.0, 1.0):
            continue
        assert abs(score(p)) <= Fraction(1, 10**9)
    # inside: the test does not reject; just outside: it does
    mid = (lo + hi) / 2
    assert score(mid) <= 0
    if lo > 1e-6:
        assert score(lo * (1 - 1e-6)) > 0
    if hi < 1 - 1e-6:
        assert score(hi + (1 - hi) * 1e-6) > 0


def test_wilson_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError):
        wilson(1, 0)
    with pytest.raises(ValueError):
        wilson(5, 4)


def test_few_draws_warning() -> None:
    assert too_few_draws(49, 10) is not None
    assert too_few_draws(49, 10).startswith("warning:")  # type: ignore[union-attr]
    assert too_few_draws(50, 10) is None
    assert too_few_draws(3, 0) is None


runner = CliRunner()


def test_sweep_warns_lists_inputs_and_gives_intervals(tmp_path: Path) -> None:
    out = tmp_path / "s"
    res = runner.invoke(app, ["sweep", str(MINI), "--draws", "10", "--executor", "serial",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    warn = [ln for ln in lines if ln.startswith("warning:")]
    assert len(warn) == 1 and "10 draws for" in warn[0]
    summary = json.loads((out / "summary.json").read_text())
    n_inputs = len(sweep_inputs(load_scenario(MINI).scenario))
    assert summary["varied_inputs"] == n_inputs == len(summary["inputs"])
    assert summary["warnings"] == warn
    assert sum(summary["varied_by_origin"].values()) == n_inputs
    assert {x["origin"] for x in summary["inputs"]} == {"range", "default"}
    assert summary["not_varied"]
    for a in summary["alternatives"].values():
        k = round(a["p_agreement"] * 10)
        assert a["p_agreement_ci"] == list(wilson(k, 10))
        for m, p in a["p_join"].items():
            assert a["p_join_ci"][m] == list(wilson(round(p * 10), 10))
    result = json.loads((out / "result.json").read_text())
    assert result["format_version"] == FORMAT_VERSION
    assert result["fragile"]["model"] == "compromise"
    validate_result(result)


def test_enough_draws_give_no_warning(tmp_path: Path) -> None:
    n = 5 * len(sweep_inputs(load_scenario(MINI).scenario))
    res = runner.invoke(app, ["sweep", str(MINI), "--draws", str(n), "--executor", "serial",
                              "--out", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    assert not [ln for ln in res.output.splitlines() if ln.startswith("warning:")]


# --------------------------------------------------------------------------- fragile


@pytest.fixture(scope="module")
def fragile_1963() -> tuple[Any, FragileResult]:
    sc = load_scenario("mlf-1963").scenario
    return sc, fragile_decisions(sc)


def _decision(sc: Any, alt: str, key: str, inputs: Any = (), values: Any = ()) -> bool:
    patched = apply_draw(sc, inputs, values) if inputs else sc
    out = run_alternative(patched, alt, model=sc.settings.model, seed=sc.settings.seed,
                          detail=False)
    return decisions_of(patched, alt, out)[0][key]


def test_baseline_is_the_point_run(fragile_1963: tuple[Any, FragileResult]) -> None:
    _, res = fragile_1963
    point = {a.id: a for a in run_scenario(load_scenario("mlf-1963")).outcomes}
    for alt, ds in res.decisions.items():
        agree = next(d for d in ds if d.actor is None)
        assert agree.value == (point[alt].status == "agreement")
        for d in ds:
            if d.actor is not None and point[alt].status == "agreement":
                assert d.value == (d.actor in point[alt].members)


def test_a_flagged_decision_flips_at_the_named_input(
    fragile_1963: tuple[Any, FragileResult],
) -> None:
    """Issue 13, done-when: moved to the end of its range, the named input flips it."""
    sc, res = fragile_1963
    by_path = {x.path: x for x in sweep_inputs(sc)}
    checked = 0
    for alt, ds in res.decisions.items():
        for d in ds:
            for f in d.flips:
                m = f.moves[0]
                x = by_path[m.input]
                assert m.value == current_values(sc, [x])[0]
                assert _decision(sc, alt, d.key) == d.value
                assert _decision(sc, alt, d.key, [x], [m.to]) != d.value  # at the flip point
                if m.end in (x.min, x.max) and m.to == m.end:
                    assert _decision(sc, alt, d.key, [x], [m.end]) != d.value
                checked += 1
            for f in d.pairs:
                xs = [by_path[m.input] for m in f.moves]
                assert _decision(sc, alt, d.key, xs, [m.to for m in f.moves]) != d.value
                for x, m in zip(xs, f.moves, strict=True):  # neither alone
                    assert _decision(sc, alt, d.key, [x], [m.to]) == d.value
                checked += 1
    assert checked >= 3
    assert res.fragile_count() >= 3


def test_an_unflagged_decision_does_not_flip(fragile_1963: tuple[Any, FragileResult]) -> None:
    sc, res = fragile_1963
    # a decision the pass leaves unflagged: every input that can touch it, at both ends
    alt = "nato_national"
    d = next(d for d in res.decisions[alt] if d.actor == "USA")
    assert not d.fragile and d.value
    for x in sweep_inputs(sc):
        if alt not in touched_alternatives(sc, x):
            continue
        for end in (x.min, x.max):
            assert _decision(sc, alt, d.key, [x], [end]) == d.value, (x.path, end)


def test_fragile_lines_and_the_run_block(fragile_1963: tuple[Any, FragileResult]) -> None:
    sc, res = fragile_1963
    lines = fragile_lines(res.to_dict())
    assert len(lines) == res.fragile_count()
    assert all(ln.startswith("fragile: ") for ln in lines)
    assert any("estimate" in ln for ln in lines)
    run = run_scenario(load_scenario("mlf-1963"), alternative="status_quo_consultation")
    block = fragile_for_run(sc, run.to_dict())
    assert list(block["alternatives"]) == ["status_quo_consultation"]
    assert block["seed"] == sc.settings.seed
    assert block["alternatives"]["status_quo_consultation"] == [
        d.to_dict() for d in res.decisions["status_quo_consultation"]
    ]


def test_run_fragile_writes_a_marked_report(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", str(MINI), "--fragile", "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "r" / "result.json").read_text())
    validate_result(data)
    block = data["fragile"]
    assert block["inputs_tested"] > 0 and math.isfinite(block["runs"])
    assert block["fragile"] == 9  # sweep-mini: the fleet's 5 decisions, the small force's 4
    assert sum(ln.startswith("fragile: ") for ln in res.output.splitlines()) == 9
    html = (tmp_path / "r" / "report.html").read_text()
    assert 'id="fragile"' in html
    assert html.count('class="badge fragile" href="#fragile-') >= 9
    md = runner.invoke(app, ["report", str(tmp_path / "r"), "--format", "md", "--out",
                             str(tmp_path / "r.md")])
    assert md.exit_code == 0, md.output
    assert "## Fragile decisions" in (tmp_path / "r.md").read_text()
