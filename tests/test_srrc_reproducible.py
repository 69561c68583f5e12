"""The inputs' effects of a sweep (SRRC) have the same bits whatever the BLAS threads.

With ``numpy.linalg.lstsq`` the solve of ``R_xx b = r_xy`` gave other last bits with 1 and 2
OpenBLAS threads once there were a few hundred inputs (the built-in sweep varies 244), so a
sweep's ``summary.json`` depended on the machine's cores. The solve is now
:func:`mlf.sensitivity.solve.min_norm_solve` (no BLAS call) and the sums are exact per batch
(:func:`mlf.sensitivity.summary.exact_rows`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mlf.sensitivity.solve import min_norm_solve, pivoted_cholesky
from mlf.sensitivity.summary import average_ranks, exact_rows

# Effects of two outputs (one with missing values) on 250 inputs over 3,000 draws, printed
# as hex floats; a second case has two identical inputs (a rank-deficient R_xx).
SCRIPT = """
import numpy as np, duckdb, pyarrow as pa
from mlf.sensitivity.summary import _srrc

def effects(duplicate):
    n, d = 3000, 250
    rng = np.random.default_rng(1)
    x = rng.random((n, d))
    x[:, :3] = np.round(x[:, :3], 1)  # ties
    if duplicate:
        x[:, 7] = x[:, 9]
    cols = {f"in/i{j}": x[:, j] for j in range(d)}
    cols["y1"] = x[:, 0] * 3 + np.sin(5 * x[:, 4]) + rng.normal(size=n)
    y2 = np.where(rng.random(n) < 0.2, np.nan, (x[:, 1] > 0.5).astype(float))
    cols["y2"] = pa.array(y2, from_pandas=True)
    con = duckdb.connect()
    con.register("d", pa.table(cols))
    for eff, r2 in _srrc(con, [f"i{j}" for j in range(d)], ["y1", "y2"], n):
        print(r2.hex(), " ".join(f"{e['input']}={e['effect'].hex()}" for e in eff))

effects(False)
effects(True)
"""


def _run(threads: int) -> str:
    env = {
        **os.environ,
        "OPENBLAS_NUM_THREADS": str(threads),
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
    }
    res = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300
    )
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_the_effects_have_the_same_bits_with_one_and_two_blas_threads() -> None:
    one, two = _run(1), _run(2)
    assert len(one.splitlines()) == 4 and "i0=" in one
    assert one == two


def test_the_batch_sums_are_exact() -> None:
    # Centred input ranks and output ranks are multiples of 1/2: every batch of
    # exact_rows(n) rows sums to the exact value, so the order of the adds cannot matter.
    n = 20_000
    rng = np.random.default_rng(3)
    x = np.stack([average_ranks(np.round(rng.random(n), 2)) for _ in range(3)], axis=1)
    x -= (n + 1) / 2.0
    y = average_ranks(rng.random(n))
    step = exact_rows(n)
    assert step == 8192
    block_x, block_y = x[:step], y[:step]
    exact_xx = (2 * block_x).astype(np.int64).T @ (2 * block_x).astype(np.int64)
    exact_xy = (2 * block_x).astype(np.int64).T @ (2 * block_y).astype(np.int64)
    assert np.array_equal(block_x.T @ block_x * 4, exact_xx.astype(np.float64))
    assert np.array_equal(block_x.T @ block_y * 4, exact_xy.astype(np.float64))
    assert exact_rows(10_000_000) * 4 * 10_000_000**2 // 2 <= 2**53


def _lstsq(a: Any, c: Any) -> Any:
    return np.linalg.lstsq(a, c, rcond=None)[0]


@settings(max_examples=60, deadline=None)
@given(
    d=st.integers(1, 12),
    extra=st.integers(2, 30),
    copies=st.integers(0, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_min_norm_solve_is_lstsq(d: int, extra: int, copies: int, seed: int) -> None:
    # Correlation matrices of random data, some with repeated columns (rank-deficient).
    rng = np.random.default_rng(seed)
    x = rng.random((d + extra, d))
    x = np.hstack([x, x[:, : min(copies, d)]])
    a = np.atleast_2d(np.corrcoef(x, rowvar=False))
    c = rng.random((a.shape[0], 2)) - 0.5
    got = min_norm_solve(a, c)
    want = _lstsq(a, c)
    scale = max(1.0, float(np.abs(want).max()))
    np.testing.assert_allclose(got, want, atol=1e-8 * scale * np.linalg.cond(a[:d, :d]))
    np.testing.assert_array_equal(min_norm_solve(a, c[:, 0]), got[:, 0])


def test_pivoted_cholesky_factors_and_finds_the_rank() -> None:
    rng = np.random.default_rng(5)
    g = rng.random((6, 4))
    a = g @ g.T  # rank 4
    low, perm = pivoted_cholesky(a)
    assert low.shape == (6, 4)
    np.testing.assert_allclose(low @ low.T, a[perm][:, perm], atol=1e-12)
    assert pivoted_cholesky(np.zeros((3, 3)))[0].shape == (3, 0)
    assert min_norm_solve(np.zeros((3, 3)), np.ones(3)).tolist() == [0.0, 0.0, 0.0]
