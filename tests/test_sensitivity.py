"""Tests of mlf.sensitivity: draws, sweeps on every executor, storage, resume, summaries."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mlf.errors import UsageError
from mlf.scenario import LoadedScenario, load_scenario, parse_scenario
from mlf.sensitivity import (
    SensitivityError,
    UncertainInput,
    apply_draw,
    chunk_bounds,
    chunk_generator,
    collect_inputs,
    current_values,
    inverse_cdf,
    lhs_design,
    open_executor,
    resume_sweep,
    run_sweep,
    sample_chunk,
    summarise,
)
from mlf.sensitivity.summary import _srrc
from mlf.sensitivity.sweep import layout, read_manifest
from mlf.talks import run_alternative
from mlf.uncertainty import sweep_inputs

MINI = Path(__file__).parent / "data" / "sweep-mini.yaml"
DRAWS = 24
CHUNK = 6
SEED = 11


@pytest.fixture(scope="module")
def loaded() -> LoadedScenario:
    return load_scenario(MINI)


def _tables(directory: Path) -> pa.Table:
    files = sorted(directory.glob("chunk-*.parquet"))
    return pa.concat_tables([pq.read_table(f) for f in files])


@pytest.fixture(scope="module")
def serial_dir(loaded: LoadedScenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serial") / "sweep"
    seen: list[tuple[int, int]] = []
    run = run_sweep(
        loaded, out, draws=DRAWS, seed=SEED, chunk_size=CHUNK,
        progress=lambda d, n: seen.append((d, n)),
    )
    assert run.chunks == run.chunks_run == DRAWS // CHUNK
    assert seen[0] == (0, DRAWS) and seen[-1] == (DRAWS, DRAWS)
    return out


# --------------------------------------------------------------------------- inputs


def test_collect_inputs_finds_every_range(loaded: LoadedScenario) -> None:
    inputs = collect_inputs(loaded.scenario)
    paths = [x.path for x in inputs]
    assert "actors.US.capability" in paths
    assert "actors.US.positions.size.position" in paths
    assert "actors.FRG.positions.size.salience" in paths
    assert "actors.GB.outside_option.fleet" in paths
    assert "actors.IT.support.small" in paths
    assert "actors.IT.capability" not in paths  # a bare number: no range
    text = MINI.read_text(encoding="utf-8")
    # one input per "range:" in the file
    assert len(inputs) == text.count("range:")
    frg = next(x for x in inputs if x.path == "actors.FRG.capability")
    assert (frg.min, frg.mode, frg.max, frg.dist) == (0.2, 0.25, 0.3, "uniform")
    pos = next(x for x in inputs if x.path.endswith("US.positions.size.position"))
    assert pos.kind == "position" and (pos.min, pos.mode, pos.max) == (40, 60, 80)


def test_zero_width_range_is_a_constant() -> None:
    text = MINI.read_text(encoding="utf-8").replace(
        "capability: {value: 0.45, range: [0.35, 0.45, 0.55]",
        "capability: {value: 0.45, range: [0.45, 0.45, 0.45]",
    )
    sc, _ = parse_scenario(text)
    assert "actors.US.capability" not in [x.path for x in collect_inputs(sc)]


def _no_ranges() -> LoadedScenario:
    text = MINI.read_text(encoding="utf-8")
    text = re.sub(r",\s*range: \[[^\]]*\]", "", text)
    text = re.sub(r",\s*dist: uniform", "", text)
    sc, _ = parse_scenario(text, "no-ranges.yaml")
    return LoadedScenario(sc, "no-ranges.yaml", "0" * 64)


def test_no_written_ranges_still_varies_every_estimate(tmp_path: Path) -> None:
    """Issue 13 item 2: without a single written range, the sweep varies the default ranges."""
    from mlf.uncertainty import sweep_inputs

    ld = _no_ranges()
    assert collect_inputs(ld.scenario) == ()
    inputs = sweep_inputs(ld.scenario)
    assert inputs and all(x.origin == "default" for x in inputs)
    run = run_sweep(ld, tmp_path / "x", draws=5)
    assert [x["path"] for x in run.manifest["inputs"]] == [x.path for x in inputs]


def test_nothing_to_vary_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mlf.uncertainty.ranges as ranges

    monkeypatch.setattr(ranges, "sweep_inputs", lambda sc: ())
    with pytest.raises(SensitivityError, match="no uncertainty ranges"):
        run_sweep(_no_ranges(), tmp_path / "x", draws=5)
    assert not (tmp_path / "x").exists()
    assert SensitivityError("x").exit_code == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"draws": 0}, "draws must be positive"),
        ({"draws": -3}, "draws must be positive"),
        ({"draws": 5, "chunk_size": 0}, "chunk-size must be positive"),
        ({"draws": 5, "sampling": "sobol"}, "unknown sampling"),
        ({"draws": 5, "model": "nope"}, "unknown model"),
        ({"draws": 5, "seed": -1}, "seed"),
    ],
)
def test_bad_arguments(loaded: LoadedScenario, tmp_path: Path, kwargs: Any, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        run_sweep(loaded, tmp_path / "x", **kwargs)


def test_open_executor_rejects_bad_names() -> None:
    with pytest.raises(UsageError, match="unknown executor"), open_executor("threads"):
        pass
    with pytest.raises(UsageError, match="needs --executor dask"), open_executor(
        "process", scheduler="tcp://x:1"
    ):
        pass
    with pytest.raises(UsageError, match="workers"), open_executor("process", workers=0):
        pass


# --------------------------------------------------------------------------- sampling


_tri = st.tuples(
    st.floats(-100, 100), st.floats(0, 1), st.floats(0.01, 50)
).map(lambda t: (t[0], t[0] + t[1] * t[2], t[0] + t[2]))


def _inp(lo: float, mode: float, hi: float, dist: str) -> UncertainInput:
    return UncertainInput("x", "quantity", lo, mode, hi, dist, ("A", "capability", None, None))  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(_tri, st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_inverse_cdf_matches_scipy(tri: tuple[float, float, float], us: list[float]) -> None:
    lo, mode, hi = tri
    u = np.array(us)[:, None]
    got_t = inverse_cdf([_inp(lo, mode, hi, "triangular")], u)[:, 0]
    c = (mode - lo) / (hi - lo)
    want_t = stats.triang.ppf(u[:, 0], c, loc=lo, scale=hi - lo)
    np.testing.assert_allclose(got_t, want_t, rtol=1e-9, atol=1e-9 * (hi - lo))
    got_u = inverse_cdf([_inp(lo, mode, hi, "uniform")], u)[:, 0]
    np.testing.assert_allclose(got_u, stats.uniform.ppf(u[:, 0], loc=lo, scale=hi - lo), atol=1e-9)
    assert np.all((got_t >= lo) & (got_t <= hi))
    assert np.all(np.diff(got_t[np.argsort(u[:, 0])]) >= -1e-12)  # monotone in u


def test_sampled_distribution_follows_the_scenario(loaded: LoadedScenario) -> None:
    inputs = collect_inputs(loaded.scenario)
    v = sample_chunk(inputs, 5, 0, 0, 4000)
    for j, x in enumerate(inputs):
        if x.dist == "uniform":
            ref = stats.uniform(loc=x.min, scale=x.max - x.min)
        else:
            ref = stats.triang((x.mode - x.min) / (x.max - x.min), loc=x.min, scale=x.max - x.min)
        assert stats.kstest(v[:, j], ref.cdf).pvalue > 1e-4, x.path


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 300), st.integers(1, 50))
def test_chunks_depend_only_on_seed_and_index(seed: int, draws: int, size: int) -> None:
    bounds = chunk_bounds(draws, size)
    assert bounds[0][0] == 0 and bounds[-1][1] == draws
    assert all(e - s == size for s, e in bounds[:-1]) and 0 < bounds[-1][1] - bounds[-1][0] <= size
    children = np.random.SeedSequence(seed).spawn(len(bounds))
    for c in {0, len(bounds) - 1}:
        a = chunk_generator(seed, c).random(3)
        b = np.random.Generator(np.random.PCG64(children[c])).random(3)
        np.testing.assert_array_equal(a, b)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 6), st.integers(2, 200), st.integers(0, 2**31))
def test_lhs_is_a_latin_hypercube(d: int, n: int, seed: int) -> None:
    u = lhs_design(d, n, seed)
    assert u.shape == (n, d)
    for j in range(d):  # one point in each of the n strata of every axis
        assert sorted(np.floor(u[:, j] * n).astype(int).tolist()) == list(range(n))
    np.testing.assert_array_equal(u, lhs_design(d, n, seed))


def test_apply_draw_sets_exactly_the_inputs(loaded: LoadedScenario) -> None:
    sc = loaded.scenario
    inputs = sweep_inputs(sc)
    values = sample_chunk(inputs, 3, 0, 0, 1)[0]
    before = sc.model_dump()
    new = apply_draw(sc, inputs, values)
    assert sc.model_dump() == before  # the original is untouched
    assert current_values(new, inputs) == pytest.approx(list(values), abs=0)
    assert current_values(sc, inputs) != current_values(new, inputs)
    # everything else is equal: put the original values back
    back = apply_draw(new, inputs, current_values(sc, inputs))
    assert back.model_dump() == before
    assert new.alternatives is sc.alternatives and new.issues is sc.issues


# --------------------------------------------------------------------------- sweeps


def test_records_agree_with_the_pipeline(loaded: LoadedScenario, serial_dir: Path) -> None:
    """Oracle: each stored row equals a direct run of the alternatives on the draw."""
    sc = loaded.scenario
    inputs = sweep_inputs(sc)
    tab = _tables(serial_dir)
    assert tab.num_rows == DRAWS
    assert tab.column("draw").to_pylist() == list(range(DRAWS))
    assert [f.name for f in tab.schema] == [c.name for c in layout(sc, inputs)]
    rows = tab.to_pylist()
    for i in (0, 7, DRAWS - 1):
        c, r = divmod(i, CHUNK)
        values = sample_chunk(inputs, SEED, c, c * CHUNK, (c + 1) * CHUNK)[r]
        row = rows[i]
        assert [row[f"in/{x.path}"] for x in inputs] == list(values)
        draw_sc = apply_draw(sc, inputs, values)
        for a, alt in sc.alternatives.items():
            out = run_alternative(draw_sc, a, model=sc.settings.model, seed=sc.settings.seed)
            assert row[f"{a}/status"] == out.status
            assert row[f"{a}/agreement"] == (out.status == "agreement")
            for m in alt.invited:
                assert row[f"{a}/join/{m}"] == int(m in out.members)
                if m in out.members:
                    assert out.arrangement is not None
                    assert row[f"{a}/cost/{m}"] == out.arrangement.budget_share[m]
                else:
                    assert row[f"{a}/power/{m}"] is None and row[f"{a}/cost/{m}"] is None
            for iid, ag in out.agreed.items():
                assert row[f"{a}/value/{iid}"] == ag.value
            for g, entry in out.guardrails.items():
                assert row[f"{a}/guard/{g}"] == entry["ok"]


def test_storage_is_zstd_parquet_with_a_manifest(loaded: LoadedScenario, serial_dir: Path) -> None:
    files = sorted(serial_dir.glob("chunk-*.parquet"))
    assert len(files) == DRAWS // CHUNK
    meta = pq.ParquetFile(files[0]).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    man = read_manifest(serial_dir)
    assert man["scenario_sha256"] == loaded.sha256
    assert (man["seed"], man["draws"], man["chunk_size"], man["sampling"]) == (
        SEED, DRAWS, CHUNK, "random"
    )
    assert [x["path"] for x in man["inputs"]] == [x.path for x in sweep_inputs(loaded.scenario)]
    assert not list(serial_dir.glob(".*tmp"))


def test_a_second_sweep_into_the_same_folder_is_refused(
    loaded: LoadedScenario, serial_dir: Path
) -> None:
    with pytest.raises(UsageError, match="--resume"):
        run_sweep(loaded, serial_dir, draws=DRAWS)


def test_same_results_on_every_executor(
    loaded: LoadedScenario, serial_dir: Path, tmp_path: Path
) -> None:
    """Serial, local processes and a Dask cluster give identical files and summaries."""
    import distributed

    client_cls: Any = distributed.Client
    cluster_cls: Any = distributed.LocalCluster
    want = _tables(serial_dir)
    summary = summarise(serial_dir)
    with open_executor("process", workers=2) as ex:
        run_sweep(loaded, tmp_path / "proc", draws=DRAWS, seed=SEED, chunk_size=CHUNK,
                  executor=ex, max_in_flight=3)
    assert _tables(tmp_path / "proc").equals(want)
    assert summarise(tmp_path / "proc") == summary
    with cluster_cls(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cluster:
        with client_cls(cluster) as client:
            run_sweep(loaded, tmp_path / "dask", draws=DRAWS, seed=SEED, chunk_size=CHUNK,
                      executor=client.get_executor())
        # the same cluster reached by address, as `--executor dask --scheduler ADDR` does
        with open_executor("dask", scheduler=cluster.scheduler_address) as ex:
            run_sweep(loaded, tmp_path / "dask2", draws=DRAWS, seed=SEED, chunk_size=CHUNK,
                      executor=ex)
    assert _tables(tmp_path / "dask").equals(want)
    assert _tables(tmp_path / "dask2").equals(want)
    assert summarise(tmp_path / "dask") == summary


def test_resume_after_a_kill(loaded: LoadedScenario, serial_dir: Path, tmp_path: Path) -> None:
    """Delete a finished chunk and leave a half-written temp file: resume redoes only that."""
    out = tmp_path / "killed"
    shutil.copytree(serial_dir, out)
    (out / "chunk-000002.parquet").unlink()
    (out / ".chunk-000002.parquet.999.tmp").write_bytes(b"PAR1 half a file")
    seen: list[int] = []
    run = resume_sweep(out, loaded, progress=lambda d, n: seen.append(d))
    assert (run.chunks_run, run.chunks_kept) == (1, DRAWS // CHUNK - 1)
    assert seen == [DRAWS - CHUNK, DRAWS]
    assert not list(out.glob(".*tmp"))
    assert _tables(out).equals(_tables(serial_dir))
    assert summarise(out) == summarise(serial_dir)
    again = resume_sweep(out, loaded)  # nothing left to do
    assert again.chunks_run == 0


def test_resume_refuses_another_scenario(serial_dir: Path, tmp_path: Path) -> None:
    other = _no_ranges()
    with pytest.raises(UsageError, match="different scenario"):
        resume_sweep(serial_dir, other)
    with pytest.raises(UsageError, match="not a sweep folder"):
        resume_sweep(tmp_path, other)


def test_uneven_chunks_and_lhs(loaded: LoadedScenario, tmp_path: Path) -> None:
    run = run_sweep(loaded, tmp_path / "lhs", draws=7, seed=2, chunk_size=3, sampling="lhs")
    assert run.chunks == 3
    tab = _tables(tmp_path / "lhs")
    assert tab.num_rows == 7
    inputs = sweep_inputs(loaded.scenario)
    u = lhs_design(len(inputs), 7, 2)
    np.testing.assert_array_equal(
        np.column_stack([tab.column(f"in/{x.path}").to_numpy() for x in inputs]),
        inverse_cdf(inputs, u),
    )


# --------------------------------------------------------------------------- summaries


def _brute_srrc(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    keep = ~np.isnan(y)
    rx = np.column_stack([stats.rankdata(c) for c in x.T])[keep]
    ry = stats.rankdata(y[keep])
    zx = (rx - rx.mean(0)) / rx.std(0)
    zy = (ry - ry.mean()) / ry.std()
    if keep.sum() <= x.shape[1] + 1:  # too few draws: the summary gives rank correlations
        r: np.ndarray[Any, Any] = zx.T @ zy / keep.sum()
        return r
    b: np.ndarray[Any, Any] = np.linalg.lstsq(zx, zy, rcond=None)[0]
    return b


def test_summary_against_numpy(loaded: LoadedScenario, serial_dir: Path) -> None:
    s = summarise(serial_dir)
    assert s["draws"] == DRAWS and s["seed"] == SEED and s["complete"]
    json.dumps(s, allow_nan=False)
    tab = _tables(serial_dir)
    inputs = [x.path for x in sweep_inputs(loaded.scenario)]
    x = np.column_stack([tab.column(f"in/{p}").to_numpy() for p in inputs])
    for a, alt in loaded.scenario.alternatives.items():
        res = s["alternatives"][a]
        agree = tab.column(f"{a}/agreement").to_numpy(zero_copy_only=False).astype(float)
        assert res["p_agreement"] == pytest.approx(agree.mean())
        for m in alt.invited:
            assert res["p_join"][m] == pytest.approx(
                tab.column(f"{a}/join/{m}").to_numpy().mean()
            )
            cost = np.array(
                [v for v in tab.column(f"{a}/cost/{m}").to_pylist() if v is not None]
            )
            assert res["cost"][m]["n"] == len(cost)
            if len(cost):
                assert res["cost"][m]["q50"] == pytest.approx(np.quantile(cost, 0.5))
                assert res["cost"][m]["mean"] == pytest.approx(cost.mean())
        for iid, q in res["forecast_quantiles"].items():
            vals = np.array(tab.column(f"{a}/value/{iid}").to_pylist(), dtype=float)
            for key, p in zip(("q05", "q25", "q50", "q75", "q95"), (5, 25, 50, 75, 95),
                              strict=True):
                assert q[key] == pytest.approx(np.percentile(vals, p))
            h = res["histograms"][iid]
            assert sum(h["counts"]) == len(vals)
            assert len(h["edges"]) == len(h["counts"]) + 1
            if loaded.scenario.issues[iid].options is None:
                want, _ = np.histogram(vals, bins=np.array(h["edges"]))
                assert h["counts"] == want.tolist()
            tor = res["tornado_forecast"].get(iid, [])
            if tor:
                got = {t["input"]: t["effect"] for t in tor}
                np.testing.assert_allclose(
                    [got[p] for p in inputs], _brute_srrc(x, vals), atol=1e-9
                )
        tor = res["tornado"]
        if agree.std() > 0:
            effects = [abs(t["effect"]) for t in tor]
            assert effects == sorted(effects, reverse=True)
            got = {t["input"]: t["effect"] for t in tor}
            np.testing.assert_allclose([got[p] for p in inputs], _brute_srrc(x, agree), atol=1e-9)
        else:
            assert tor == []


def test_srrc_known_answers() -> None:
    """A monotone function of one input: SRRC 1 for it, 0 for the others, R^2 = 1."""
    rng = np.random.default_rng(0)
    n = 500
    x = rng.random((n, 3))
    con = duckdb.connect()
    y_mono = np.exp(4 * x[:, 1])
    y_lin = 3 * x[:, 0] + x[:, 2]
    y_const = np.ones(n)
    y_gaps = np.where(np.arange(n) % 5 == 0, np.nan, y_lin)
    t = pa.table({"in/a": x[:, 0], "in/b": x[:, 1], "in/c": x[:, 2], "mono": y_mono,
                  "lin": y_lin, "const": y_const, "gaps": pa.array(y_gaps, from_pandas=True)})
    con.register("d", t)
    res = _srrc(con, ["a", "b", "c"], ["mono", "lin", "const", "gaps"], n)
    mono, r2 = res[0]
    assert mono[0]["input"] == "b" and mono[0]["effect"] == pytest.approx(1.0, abs=1e-12)
    assert r2 == pytest.approx(1.0)
    assert all(abs(e["effect"]) < 1e-9 for e in mono[1:])
    lin, r2_lin = res[1]
    assert [e["input"] for e in lin] == ["a", "c", "b"]
    assert lin[0]["effect"] > 0.8 and abs(lin[2]["effect"]) < 0.1
    assert r2_lin is not None and r2_lin > 0.9
    assert res[2] == ([], None)
    gaps, _ = res[3]
    got = {e["input"]: e["effect"] for e in gaps}
    np.testing.assert_allclose([got[p] for p in "abc"], _brute_srrc(x, y_gaps), atol=0.02)


def test_too_few_draws_fall_back_to_rank_correlations() -> None:
    x = np.array([[0.1, 0.9, 0.5], [0.2, 0.1, 0.4], [0.3, 0.5, 0.1], [0.4, 0.3, 0.2]])
    y = np.array([1.0, 2.0, 3.0, 5.0])
    con = duckdb.connect()
    con.register("d", pa.table({"in/a": x[:, 0], "in/b": x[:, 1], "in/c": x[:, 2], "y": y}))
    (effects, r2), = _srrc(con, ["a", "b", "c"], ["y"], 4)
    assert r2 is None
    got = {e["input"]: e["effect"] for e in effects}
    for j, p in enumerate("abc"):
        assert got[p] == pytest.approx(stats.spearmanr(x[:, j], y).statistic)
