"""Tests of mlf.bargaining.smp: KTAB's Spatial Model of Politics.

Reference values: KTAB's own printed position and probability histories for
``dummyData_3Dim.csv`` and ``SOE-Pol-Comp.csv`` with default parameters
(tests/data/ktab, MIT-licensed by KAPSARC; reproduced line for line by a build of KTAB), and
the turn-0 risk attitudes of KTAB's reference log, quoted in docs/reference/negotiation.md.
Small pieces are checked by hand or against exact fractions.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlf.bargaining import smp as S
from mlf.bargaining.base import BargainingInput
from mlf.bargaining.ktab import read_ktab_csv
from mlf.bargaining.smp import OPTIONS, SMP, run_smp, smp_history
from mlf.errors import BargainingError

REF = Path(__file__).parent / "data" / "ktab"  # KTAB files, MIT (see LICENSE there)
PATHS = [False, pytest.param(True, marks=pytest.mark.numba)]


def parse_history(path: Path) -> tuple[dict[tuple[str, str], list[str]], dict[str, list[str]]]:
    """KTAB's printed history: {(actor, dimension): [positions]}, {actor: [probabilities]}."""
    pos: dict[tuple[str, str], list[str]] = {}
    prob: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^(.+?), (.+?)\s*:\s+([-\d. ]+)$", line.rstrip())
        if not m:
            continue
        values = m.group(3).split()
        if m.group(2) == "prob":
            prob[m.group(1)] = values
        else:
            pos[(m.group(1), m.group(2))] = values
    return pos, prob


def ktab_case(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], list[str]]:
    data = read_ktab_csv(REF / f"{name}.csv")
    return (
        data.power,
        data.positions / 100.0,
        data.saliences / 100.0,
        list(data.actors),
        list(data.dimensions),
    )


# ---------------------------------------------------------------- the acceptance tests


@pytest.mark.parametrize("use_numba", PATHS)
@pytest.mark.parametrize("name", ["dummyData_3Dim", "SOE-Pol-Comp"])
def test_reference_histories_every_printed_number(name: str, use_numba: bool) -> None:
    cap, pos, sal, actors, dims = ktab_case(name)
    ref_pos, ref_prob = parse_history(REF / f"{name}.reference-history.txt")
    res = smp_history(cap, pos, sal, use_numba=use_numba)
    turns = len(next(iter(ref_pos.values()))) - 1
    assert res.turns == turns
    assert res.converged
    checked = 0
    for a, actor in enumerate(actors):
        for d, dim in enumerate(dims):
            ours = [f"{100 * v:5.1f}".strip() for v in res.positions[:, a, d]]
            assert ours == ref_pos[(actor, dim)], (actor, dim)
            checked += len(ours)
        ours_p = [f"{v:.4f}" for v in res.actor_prob[:, a]]
        assert ours_p == ref_prob[actor], actor
        checked += len(ours_p)
    assert checked == sum(map(len, ref_pos.values())) + sum(map(len, ref_prob.values()))


def test_dummy_turn0_risk_and_final_values_from_reference_notes() -> None:
    cap, pos, sal, _, _ = ktab_case("dummyData_3Dim")
    res = smp_history(cap, pos, sal)
    # docs/reference/negotiation.md, "KTAB test vectors"
    assert [f"{r:+.3f}" for r in res.risk[0]] == [
        "-0.500", "-0.459", "-0.499", "-0.274", "+1.000", "-0.232", "-0.430",
    ]  # fmt: skip
    assert f"{res.change_ratio[-1]:.4f}" == "0.0045"
    assert sorted(f"{p:.4f}" for p in res.option_prob[-1]) == sorted(
        ["0.3340", "0.0183", "0.0957", "0.1512", "0.4009"]
    )


def test_forecast_through_the_model_protocol() -> None:
    data = read_ktab_csv(REF / "dummyData_3Dim.csv")
    inp = data.to_input()
    fc = SMP.run(inp, {}, seed=0)
    ref_pos, _ = parse_history(REF / "dummyData_3Dim.reference-history.txt")
    assert fc.model == "smp" and SMP.joint
    assert fc.rounds == 10 and fc.converged
    assert fc.trajectory.shape == (11, 7, 3)
    assert fc.probabilities is not None and fc.probabilities.shape == (11, 7)
    assert [f"{v:5.1f}".strip() for v in fc.trajectory[:, 0, 1]] == ref_pos[("SActor-00", "Pstn2")]
    # outcome = probability-weighted mean of the distinct final positions
    res, _, _ = run_smp(inp)
    final = res.positions[-1][res.option_index[-1]] * 100
    assert np.allclose(fc.outcome, res.option_prob[-1] @ final)
    assert np.allclose(fc.outcome_trajectory[-1], fc.outcome)
    mp = fc.params["diagnostics"]["most_probable_position"]
    assert [round(v, 1) for v in mp] == [79.9, 34.4, 75.2]  # A05 holds the 0.4009 position
    assert fc.to_dict()["rounds"] == 10
    assert "turn 10" in fc.stop_reason


def test_issue_units_map_linearly() -> None:
    rng = np.random.default_rng(7)
    n, k = 6, 2
    cap = rng.uniform(1, 10, n)
    x01 = np.round(rng.uniform(0, 1, (n, k)), 3)
    sal = rng.uniform(0.1, 0.45, (n, k))
    lo, hi = np.array([-5.0, 10.0]), np.array([5.0, 30.0])
    inp = BargainingInput.build(
        [f"a{i}" for i in range(n)], cap, lo + x01 * (hi - lo), sal, lo=lo, hi=hi
    )
    fc = SMP.run(inp, {}, seed=0)
    ref = smp_history(cap, (inp.position - lo) / (hi - lo), sal)
    assert np.allclose(fc.trajectory, lo + ref.positions * (hi - lo))
    assert np.all(fc.trajectory >= lo - 1e-9) and np.all(fc.trajectory <= hi + 1e-9)


def test_saliences_summing_above_one_are_rescaled() -> None:
    cap = [1.0, 2.0, 3.0, 1.5]
    pos = [[0.1, 0.9], [0.5, 0.5], [0.9, 0.2], [0.3, 0.3]]
    sal = [[0.9, 0.9], [0.5, 0.3], [0.6, 0.6], [0.2, 0.2]]
    inp = BargainingInput.build(["a", "b", "c", "d"], cap, pos, sal, lo=0.0, hi=1.0)
    fc = SMP.run(inp, {}, seed=0)
    assert fc.params["diagnostics"]["salience_rescaled"] == ["a", "c"]
    ref = smp_history(cap, pos, np.array(sal) / np.array([[1.8], [1.0], [1.2], [1.0]]))
    assert np.allclose(fc.trajectory, ref.positions)


# ---------------------------------------------------------------- hand-checked pieces


def test_utility_function_by_hand() -> None:
    u = S._np_bs_util(np.array([0.0, 0.5, 0.5, 1.0, 1.2]), np.array([0.3, 1.0, -0.5, 1.0, 0.5]))
    # (1 - d)(1 + R d), continued linearly as (1 - d)(1 + R) beyond d = 1
    assert u.tolist() == pytest.approx([1.0, 0.75, 0.375, 0.0, -0.3])


@given(
    st.lists(st.integers(0, 100), min_size=6, max_size=6),
    st.lists(st.integers(1, 50), min_size=3, max_size=3),
)
@settings(max_examples=40, deadline=None)
def test_weighted_distance_matches_exact_fractions(xs: list[int], ss: list[int]) -> None:
    x = np.array(xs, dtype=float).reshape(2, 3) / 100
    s = np.array([ss, ss], dtype=float) / 100
    d = S._np_vdiff(x, s)
    num = sum((Fraction(ss[k], 100) * Fraction(xs[k] - xs[3 + k], 100)) ** 2 for k in range(3))
    den = sum(Fraction(v, 100) ** 2 for v in ss)
    assert d[0, 1] == pytest.approx(float(num / den) ** 0.5, rel=1e-12, abs=1e-15)
    assert d[0, 0] == 0.0


def test_votes_by_rule() -> None:
    w, du = 2.0, 0.1
    expect = {
        S.VR_PROP: 0.2,
        S.VR_BINARY: 2.0,
        S.VR_PROPBIN: 2.0 * (0.8 * 0.1 + 0.2),
        S.VR_PROPCBC: 2.0 * (0.5 * 0.1 + 0.5 * 0.001),
        S.VR_CUBIC: 0.002,
        S.VR_ASYM: 2.0 * 2.0 * 0.1 / 3.0,
    }
    for rule, v in expect.items():
        assert float(S._np_vote(rule, w, 0.6, 0.6 - du)) == pytest.approx(v)
    assert float(S._np_vote(S.VR_ASYM, w, 0.5, 0.6)) == pytest.approx(-0.2)  # losses in full


def test_conditional_pce_three_options_by_hand() -> None:
    pv = np.array([[0.5, 0.6, 0.7], [0.4, 0.5, 0.8], [0.3, 0.2, 0.5]])
    # P(a) proportional to the product of P[a beats b]: 0.21, 0.16, 0.03 of 0.40
    assert S.cond_pce(pv).tolist() == pytest.approx([0.525, 0.4, 0.075])
    c = np.array([[1e-8, 3.0, 7.0], [2.0, 1e-8, 4.0], [3.0, 1.0, 1e-8]])
    vp = S.victory_probabilities(c, 0)
    assert vp[0, 1] == pytest.approx(3 / 5) and vp[1, 0] == pytest.approx(2 / 5)
    assert vp[2, 0] == pytest.approx(3 / 10) and np.allclose(np.diag(vp), 0.5)
    prods = [Fraction(1, 2) * Fraction(3, 5) * Fraction(7, 10), Fraction(2, 5) * Fraction(
        1, 2) * Fraction(4, 5), Fraction(3, 10) * Fraction(1, 5) * Fraction(1, 2)]  # fmt: skip
    exact = [float(p / sum(prods)) for p in prods]
    assert S.pce(c, 0, "conditional").tolist() == pytest.approx(exact)
    sq = S.victory_probabilities(c, 1)
    assert sq[0, 1] == pytest.approx(9 / 13)  # 3^2 / (3^2 + 2^2)
    binary = S.victory_probabilities(np.array([[1e-8, 1.05], [1.0, 1e-8]]), 4)
    r = 1.05 / 2.05
    assert binary[1, 0] == pytest.approx(1 - (r * 2.1 - 1) / 0.1)  # inside the 10 % band


def test_markov_pces_stationary_points() -> None:
    pv = np.array([[0.5, 0.7], [0.3, 0.5]])
    # fixed point of q1 = (2 p1 P11 + P12) / 2 with p1 + p2 = 1 is p1 = P12 = 0.7
    assert S.markov_uniform_pce(pv).tolist() == pytest.approx([0.7, 0.3], abs=1e-5)
    c = np.array([[1e-8, 3.0], [1.0, 1e-8]])
    # each option is challenged (almost) only by the other, so q0 = P[0 beats 1] = 3/4
    assert S.markov_incentive_pce(c, 0).tolist() == pytest.approx([0.75, 0.25], abs=1e-6)


def test_risk_mapping_by_hand() -> None:
    p = np.array([0.6, 0.1, 0.3])
    assert S.big_r_from_prob(p, "mid").tolist() == pytest.approx([1.0, -0.5, 0.1])
    assert S.big_r_from_prob(p, "min").tolist() == pytest.approx([1.0, 0.0, 0.4])
    assert S.big_r_from_prob(p, "max").tolist() == pytest.approx([1.0, -1.0, -0.2])
    assert S.big_r_from_prob(np.full(3, 1 / 3), "mid").tolist() == [0.0, 0.0, 0.0]


def test_bargain_interpolation_by_hand() -> None:
    ti, tj = np.array([0.2]), np.array([0.8])
    si, sj = np.array([0.5]), np.array([0.25])
    bi, bj = S.interpolate_bargain(ti, si, 0.6, tj, sj, 0.4, "s2p2")
    wi = Fraction(1, 4) * Fraction(9, 25)
    wj = Fraction(1, 16) * Fraction(4, 25)
    mid = (wi * Fraction(1, 5) + wj * Fraction(4, 5)) / (wi + wj)
    assert bi[0] == round(float(mid), 4) and bj[0] == round(float(mid), 4)
    bi, bj = S.interpolate_bargain(ti, si, 0.6, tj, sj, 0.4, "s1p1")
    wi, wj = Fraction(1, 2) * Fraction(3, 5), Fraction(1, 4) * Fraction(2, 5)
    assert bi[0] == round(float((wi * Fraction(1, 5) + wj * Fraction(4, 5)) / (wi + wj)), 4)
    bi, bj = S.interpolate_bargain(ti, si, 0.6, tj, sj, 0.4, "s2pmax")
    assert bi[0] == 0.2  # the likelier winner does not move
    dj = 0.2 * 0.25 / (0.2 * 0.25 + 1e-6 + 0.8 * 0.0625)
    assert bj[0] == pytest.approx(0.8 + dj * (0.2 - 0.8))
    assert S.round4(np.array([0.12345, 0.123449])).tolist() == [0.1235, 0.1234]


def test_unique_positions_tolerance() -> None:
    x = np.array([[0.1, 0.1], [0.1005, 0.1], [0.5, 0.5], [0.1, 0.1]])
    uniq, eqv = S.unique_positions(x)
    assert uniq.tolist() == [0, 2] and eqv.tolist() == [0, 0, 1, 0]


# ---------------------------------------------------------------- both code paths agree


@pytest.mark.numba
@given(st.integers(0, 10_000), st.integers(3, 9), st.integers(1, 3), st.integers(0, 5))
@settings(max_examples=15, deadline=None)
def test_numba_and_numpy_kernels_agree_bitwise(seed: int, n: int, k: int, rule: int) -> None:
    from mlf.bargaining import _smpkernels as K

    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, k))
    s = rng.uniform(0.05, 1, (n, k)) / k
    cap = rng.uniform(1, 100, n)
    r = rng.uniform(-0.5, 1, n)
    stot = S._seq_sum_cols(s)
    d1, d2 = K.vdiff(x, s), S._np_vdiff(x, s)
    assert np.array_equal(d1, d2)
    u = S._np_bs_util(d1, r[:, None])
    assert np.array_equal(K.coalitions(cap, u, rule), S._np_coalitions(cap, u, rule))
    for ra in range(5):
        for tpc in range(3):
            a = K.all_challenges(d1, r, ra, cap * stot, stot, rule, tpc)
            b = S._np_all_challenges(d1, r, ra, cap * stot, stot, rule, tpc)
            assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
            assert K.prob_edu(1, 0, 0, 2, d1, r, ra, cap * stot, stot, rule, tpc) == (
                S._np_prob_edu(1, 0, 0, 2, d1, r, ra, cap * stot, stot, rule, tpc)
            )
            assert (a[0][0, 2], a[1][0, 2]) == S._np_prob_edu(
                0, 0, 0, 2, d1, r, ra, cap * stot, stot, rule, tpc
            )


# ---------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("name", "value"), [(name, v) for name, values in OPTIONS.items() for v in values]
)
def test_every_option_runs_within_bounds(name: str, value: str) -> None:
    cap, pos, sal, _, _ = ktab_case("dummyData_3Dim")
    res = smp_history(cap, pos, sal, {name: value}, seed=11)
    assert res.params[name] == value
    assert res.turns >= 1
    assert np.all(res.positions >= 0.0) and np.all(res.positions <= 1.0)
    assert np.allclose([p.sum() for p in res.option_prob], 1.0)
    again = smp_history(cap, pos, sal, {name: value}, seed=11)
    assert again.positions.tobytes() == res.positions.tobytes()
    assert again.actor_prob.tobytes() == res.actor_prob.tobytes()


def test_stochastic_same_seed_same_bytes_other_seed_differs() -> None:
    cap, pos, sal, _, _ = ktab_case("SOE-Pol-Comp")
    runs = [smp_history(cap, pos, sal, {"state_transitions": "stochastic"}, seed=sd)
            for sd in (1, 1, 2, 3)]  # fmt: skip
    assert runs[0].positions.tobytes() == runs[1].positions.tobytes()
    assert any(r.positions.tobytes() != runs[0].positions.tobytes() for r in runs[2:])


def test_parameter_names_and_ktab_spellings() -> None:
    p = S.resolve_params({"voting_rule": "PropBin", "pce_model": "MarkovIPCM",
                          "big_r_adjust": "NoRA", "bargn_model": "PWCompInterp"})  # fmt: skip
    assert p["voting_rule"] == "prop_bin" and p["pce_model"] == "markov_incentive"
    assert p["big_r_adjust"] == "none" and p["bargn_model"] == "pw_comp_interp"
    assert S.DEFAULTS["victory_prob_model"] == "linear" and S.DEFAULTS["max_turns"] == 100
    with pytest.raises(BargainingError, match="no value 'Squared'"):
        S.resolve_params({"victory_prob_model": "Squared"})
    with pytest.raises(BargainingError, match="no parameter bogus"):
        S.resolve_params({"bogus": 1})
    with pytest.raises(BargainingError, match="max_turns must be an integer"):
        S.resolve_params({"max_turns": 0})
    with pytest.raises(BargainingError, match="stop_fraction"):
        S.resolve_params({"stop_fraction": -1})


def test_max_turns_cap_and_progress() -> None:
    cap, pos, sal, _, _ = ktab_case("dummyData_3Dim")
    seen: list[tuple[int, int]] = []
    res = smp_history(cap, pos, sal, {"max_turns": 3}, progress=lambda a, b: seen.append((a, b)))
    assert res.turns == 3 and not res.converged and "max_turns" in res.stop_reason
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert res.to_dict()["targets"] == res.targets.tolist()


def test_degenerate_inputs() -> None:
    with pytest.raises(BargainingError):
        smp_history([1.0], [[0.5]], [[0.5]])
    # everyone at one point: nothing to do, all risk attitudes 0, stops at once
    res = smp_history([1.0, 2.0, 3.0], [[0.5]] * 3, [[0.5]] * 3, {"max_turns": 5})
    assert res.turns == 2 and res.converged
    assert np.all(res.risk == 0.0) and res.option_prob[-1].tolist() == [1.0]


def test_zero_capability_zero_salience_and_two_actors_stay_finite() -> None:
    res = smp_history(
        [1.0, 0.0, 2.0, 3.0],
        [[0.1, 0.2], [0.9, 0.9], [0.5, 0.1], [0.3, 0.7]],
        [[0.5, 0.5], [0.3, 0.3], [0.0, 0.0], [0.2, 0.6]],
    )
    assert np.isfinite(res.positions).all() and np.isfinite(res.actor_prob).all()
    two = smp_history([1.0, 2.0], [[0.1], [0.9]], [[0.5], [0.6]])
    after = two.positions[1, :, 0]
    assert after[0] == after[1] and 0.1 < after[0] < 0.9  # both adopt one S2P2 bargain
    assert after[0] == round(after[0], 4)  # rounded to 4 decimals, as KTAB does


@pytest.mark.numba
def test_whole_runs_agree_between_paths() -> None:
    rng = np.random.default_rng(26)
    x, s, c = rng.random((26, 2)), rng.random((26, 2)) / 2, rng.random(26) + 0.1
    for params in ({}, {"bargn_model": "pw_comp_interp", "pce_model": "markov_incentive"}):
        a = smp_history(c, x, s, params, use_numba=True)
        b = smp_history(c, x, s, params, use_numba=False)
        assert a.positions.tobytes() == b.positions.tobytes()
        assert a.actor_prob.tobytes() == b.actor_prob.tobytes()
