"""Summaries of a sweep: DuckDB queries over its Parquet chunks, streamed (memory flat in N).

For each alternative: the probability of agreement, of signature (ratified or not) and of
ratification with its 95% Wilson interval (:func:`wilson_interval`; an agreement is
ratified, so ``p_ratified == p_agreement``), of each invited nation joining (each
with its Wilson 95% interval, :mod:`mlf.sensitivity.intervals`), the
distribution of each element's forecast (quantiles and a histogram), each nation's power and
cost as a member, and which inputs matter most.

Which inputs matter: standardised rank regression coefficients (SRRC) [1]_ [2]_. Inputs and
output are replaced by their ranks (ties get their average rank) and the output's ranks are
regressed on the inputs' ranks; with every variable standardised, the coefficients solve
``R_xx b = r_xy``, where ``R_xx`` is the matrix of rank (Spearman) correlations between inputs and
``r_xy`` those of the inputs with the output. ``b_i`` is the change of the output's rank, in
standard deviations, per standard deviation of input ``i``'s rank with the others held fixed;
its sign says the direction. The measure is global (inputs vary over their whole ranges
together) and suits monotone relations; ``R^2 = r_xy . b`` says how much of the output's rank
variance the inputs explain linearly. For a 0/1 output (agreement, a nation joining) it is a
rank-based linear probability model. The correlations are DuckDB aggregates (window ``rank()``
then ``corr``), so the data never sit in Python memory; only the small ``d x d`` system is solved
with numpy, without BLAS (:mod:`mlf.sensitivity.solve`), so that its bits do not depend on the
machine's BLAS threads. With no more draws than inputs + 1 the regression is undetermined and
the effects are the plain rank (Spearman) correlations instead (``tornado_r2`` is then null).

References
----------
.. [1] Iman, R. L. and Conover, W. J. (1979). "The use of the rank transform in regression".
   *Technometrics* 21(4): 499-509.
.. [2] Saltelli, A., Tarantola, S., Campolongo, F. and Ratto, M. (2004). *Sensitivity Analysis
   in Practice*. Wiley, ch. 1.2 (standardised (rank) regression coefficients).
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mlf.errors import UsageError
from mlf.sensitivity.draws import SensitivityError, chunk_bounds
from mlf.sensitivity.intervals import annotate
from mlf.sensitivity.limits import RANK_BLOCK
from mlf.sensitivity.sweep import chunk_name, read_manifest, verify_chunk

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
QKEYS = ("q05", "q25", "q50", "q75", "q95")
BINS = 20
"""Histogram bins of a scale issue's forecast (options issues: one bin per option)."""

METHOD = (
    "standardised rank regression coefficients (SRRC; Iman & Conover 1979): the output's ranks "
    "regressed on the inputs' ranks, all standardised"
)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _f(x: Any) -> float | None:
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def srrc_from_correlations(
    rxx: np.ndarray[Any, np.dtype[np.float64]], rxy: np.ndarray[Any, np.dtype[np.float64]]
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], float]:
    """Solve ``R_xx b = r_xy`` (least squares, minimum norm for a singular ``R_xx``); return
    ``b, R^2``.

    The solve is :func:`mlf.sensitivity.solve.min_norm_solve` and ``R^2`` a plain sum, no
    BLAS call, so the bits are the same whatever the BLAS threads (``numpy.linalg.lstsq``
    gave different last bits with 1 and 2 OpenBLAS threads). ``r_xy`` may also be ``d x K``
    (``K`` outputs on the same inputs, one factorisation): ``b`` is then ``d x K`` and
    :func:`srrc_many` gives the ``K`` values of ``R^2``.

    Examples:
        Uncorrelated inputs: the coefficients are the correlations themselves, and
        ``R^2 = 0.6^2 + 0.3^2``:

        >>> b, r2 = srrc_from_correlations(np.eye(2), np.array([0.6, -0.3]))
        >>> b.tolist(), round(r2, 12)
        ([0.6, -0.3], 0.45)
    """
    b, r2 = srrc_many(rxx, rxy.reshape(-1, 1))
    return b[:, 0], float(r2[0])


def srrc_many(
    rxx: np.ndarray[Any, np.dtype[np.float64]], rxy: np.ndarray[Any, np.dtype[np.float64]]
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.float64]]]:
    """:func:`srrc_from_correlations` of ``K`` outputs at once: ``rxy`` is ``d x K``; returns
    ``b`` (``d x K``) and ``R^2`` (``K``), with ``R_xx`` factorised once.

    Examples:
        >>> b, r2 = srrc_many(np.eye(2), np.array([[0.6, 0.1], [-0.3, 0.2]]))
        >>> b.tolist(), r2.round(12).tolist()
        ([[0.6, 0.1], [-0.3, 0.2]], [0.45, 0.05])
    """
    from mlf.sensitivity.solve import min_norm_solve

    b = min_norm_solve(rxx, rxy)
    return b, np.ascontiguousarray((rxy * b).T).sum(axis=1)  # each output's row, in order


def _tornado(
    paths: Sequence[str], b: np.ndarray[Any, np.dtype[np.float64]]
) -> list[dict[str, Any]]:
    order = sorted(range(len(paths)), key=lambda i: (-abs(float(b[i])), i))
    return [{"input": paths[i], "effect": float(b[i])} for i in order]


def summarise(directory: str | Path) -> dict[str, Any]:
    """The summary of the sweep in ``directory`` (the content of its ``summary.json``).

    Shape: :class:`mlf.results.SweepSummary` (``{"draws", "seed", "alternatives": {alt:
    {"p_agreement", "p_signed", "p_ratified", "p_ratified_interval", "p_join",
    "forecast_quantiles", "histograms", "power", "cost", "tornado", ...}}, ...}``), checked
    against it before it is returned (:func:`mlf.results.summary_document`). Quantiles are
    DuckDB's ``quantile_cont`` (linear interpolation). Forecast distributions cover every draw
    in which the talks settled the issue (whether or not an agreement followed); power and cost
    cover the draws in which the nation is a member of an agreement.

    Raises:
        UsageError: not a sweep folder, or no finished chunk yet.
        mlf.results.ResultFormatError: the summary is outside its stated shape (a bug).

    Examples:
        A folder with a manifest but no finished chunk yet has nothing to summarise (the
        summary of a real sweep, which ``mlf sweep`` writes as ``summary.json``, takes
        seconds: too long for an example here):

        >>> import tempfile
        >>> from mlf.sensitivity.sweep import write_manifest
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     write_manifest(Path(tmp), {"format": 2, "done": {}, "draws": 4,
        ...                                "chunk_size": 2})
        ...     try:
        ...         summarise(tmp)
        ...     except UsageError as exc:
        ...         print(str(exc).replace(tmp, "SWEEP"))
        SWEEP: no finished chunk to summarise yet
    """
    import duckdb

    from mlf.results import summary_document  # pydantic models: only the post-pass needs them

    out = Path(directory)
    manifest = read_manifest(out)
    files = _verified_chunks(out, manifest)
    if not files:
        raise UsageError(f"{out}: no finished chunk to summarise yet")
    file_list = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    con = _connect(file_list)
    ranks: Any = None
    try:
        # the inputs' effects (ranks, sums, the regression) on a second connection in a
        # second thread, beside the probabilities and distributions: each query is the same
        # single-threaded query as before, so the numbers are the same; the two overlap
        ranks = _connect(file_list)
        summary = _summarise(con, manifest, ranks)
        if manifest.get("models"):
            summary["models"] = dict(manifest["models"])
            summary["by_model"] = _by_model(con, manifest, file_list)
        return summary_document(summary)  # checked against mlf.results.SweepSummary
    except duckdb.Error as exc:  # verified files should never get here; still one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SensitivityError(f"{out}: cannot read the sweep's chunks: {first}") from None
    except OSError as exc:  # the ranks' spill file (in the temporary folder) or a chunk
        where = exc.filename or tempfile.gettempdir()
        raise SensitivityError(
            f"{where}: cannot summarise the sweep: {exc.strerror or exc}"
        ) from None
    finally:
        con.close()
        if ranks is not None:
            ranks.close()


def _connect(file_list: str) -> Any:
    """A DuckDB connection with the view ``d`` over the chunk files, set up for reproducible
    sums: one thread (sums in a fixed order), insertion order kept; no progress bar (the
    library prints nothing); Parquet footers read once per connection, not once per query."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute("SET threads = 1")
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET parquet_metadata_cache = true")
        con.execute(f"CREATE VIEW d AS SELECT * FROM read_parquet({file_list})")
    except BaseException:
        con.close()
        raise
    return con


def _verified_chunks(out: Path, manifest: Mapping[str, Any]) -> list[str]:
    """The chunk files the manifest records, each verified (:func:`verify_chunk`).

    Only recorded chunks are read (a stray or half-recorded file never enters a summary); a
    recorded chunk that fails verification is an error naming it, with the way to redo it.
    """
    try:
        bounds = chunk_bounds(int(manifest["draws"]), int(manifest["chunk_size"]))
    except (KeyError, TypeError, ValueError):
        raise UsageError(f"{out / 'manifest.json'}: draws or chunk_size missing") from None
    done: Mapping[str, Any] = manifest["done"]
    files: list[str] = []
    for c, b in enumerate(bounds):
        entry = done.get(str(c))
        if entry is None:
            continue
        why = verify_chunk(out, c, b, entry)
        if why is not None:
            raise SensitivityError(
                f"{out / chunk_name(c)}: {why}; redo it with mlf sweep --resume {out}"
            )
        files.append(str(out / chunk_name(c)))
    return files


def _one(con: Any, sql: str) -> tuple[Any, ...]:
    row = con.execute(sql).fetchone()
    assert row is not None
    return tuple(row)


WILSON_Z = 1.959963984540054
"""z of a two-sided 95% interval."""


def wilson_interval(p: float | None, n: int, z: float = WILSON_Z) -> list[float] | None:
    """The Wilson score interval of a proportion ``p`` observed in ``n`` draws (95%).

    ``(p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)``: Wilson, E. B. (1927).
    "Probable inference, the law of succession, and statistical inference". *JASA* 22(158):
    209-212. Unlike the normal approximation it stays inside [0, 1] and is not empty at
    ``p = 0`` or ``1``. None when there is no draw.

    Examples:
        Half of 20 draws, and none of 10 (the interval still has width):

        >>> [round(x, 4) for x in wilson_interval(0.5, 20)]
        [0.2993, 0.7007]
        >>> [round(x, 4) for x in wilson_interval(0.0, 10)]
        [0.0, 0.2775]
        >>> wilson_interval(None, 0) is None
        True
    """
    if p is None or n <= 0:
        return None
    z2 = z * z
    centre = p + z2 / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    den = 1 + z2 / n
    return [max(0.0, (centre - half) / den), min(1.0, (centre + half) / den)]


def _outputs(manifest: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The outputs whose inputs' effects the summary gives, as ``(alt, kind, column)``: per
    alternative each settled issue's forecast, the agreement, and the pivotal actor joining."""
    pivot = manifest.get("pivotal_actor")
    outputs: list[tuple[str, str, str]] = []
    for a in manifest["alternatives"]:
        outputs += [(a, f"forecast:{i}", f"{a}/value/{i}") for i in manifest["settled"][a]]
        outputs.append((a, "agreement", f"{a}/agreement"))
        if pivot is not None and pivot in manifest["invited"][a]:
            outputs.append((a, f"join:{pivot}", f"{a}/join/{pivot}"))
    return outputs


def _summarise(
    con: Any, manifest: Mapping[str, Any], ranks: Any = None
) -> dict[str, Any]:
    """The summary over the view ``d`` of ``con``. With ``ranks`` (a second connection to the
    same files), the inputs' effects are computed on it in a second thread meanwhile."""
    n = int(_one(con, "SELECT count(*) FROM d")[0])
    inputs = [str(x["path"]) for x in manifest["inputs"]]
    outputs = _outputs(manifest)
    columns = [o[2] for o in outputs]
    if ranks is None:
        alts = _alternatives(con, manifest, n)
        effects = _srrc(con, inputs, columns, n)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1, thread_name_prefix="mlf-srrc") as pool:
            job = pool.submit(_srrc, ranks, inputs, columns, n)
            try:
                alts = _alternatives(con, manifest, n)
            except BaseException:
                ranks.interrupt()  # stop the other thread's query; its error is not wanted
                raise
            effects = job.result()
    for (a, kind, _), (eff, r2) in zip(outputs, effects, strict=True):
        if kind == "agreement":
            alts[a]["tornado"] = eff
            alts[a]["tornado_r2"] = r2
        elif kind.startswith("join:"):
            alts[a]["tornado_join"][kind[5:]] = eff
        else:
            alts[a]["tornado_forecast"][kind[9:]] = eff
    pivot = manifest.get("pivotal_actor")
    return annotate({
        "draws": n,
        "seed": int(manifest["seed"]),
        "complete": n == int(manifest["draws"]),
        "draws_planned": int(manifest["draws"]),
        "scenario_id": manifest["scenario_id"],
        "scenario_sha256": manifest["scenario_sha256"],
        "model": manifest["model"],
        "sampling": manifest["sampling"],
        "pivotal_actor": pivot,
        "inputs": list(manifest["inputs"]),
        "not_varied": list(manifest.get("not_varied", [])),
        "method": METHOD,
        "alternatives": alts,
    })


def _alternatives(con: Any, manifest: Mapping[str, Any], n: int) -> dict[str, Any]:
    """Per alternative: probabilities, forecast quantiles and histograms, power and cost
    (the inputs' effects are filled in by :func:`_summarise`)."""
    issues_meta: Mapping[str, Any] = manifest["issues"]
    alts: dict[str, Any] = {}
    bins: list[tuple[dict[str, Any], str | None]] = []  # every histogram, counted at the end
    for a in manifest["alternatives"]:
        invited: list[str] = manifest["invited"][a]
        settled: list[str] = manifest["settled"][a]
        exprs = [
            f"avg({_q(a + '/agreement')}::DOUBLE)",
            f"avg({_q(a + '/considered')}::DOUBLE)",
            f"avg({_q(a + '/support')})",
            f"avg({_q(a + '/signed')}::DOUBLE)",
        ]
        exprs += [f"avg({_q(f'{a}/join/{m}')}::DOUBLE)" for m in invited]
        qlist = "[" + ", ".join(str(q) for q in QUANTILES) + "]"
        for i in settled:
            c = _q(f"{a}/value/{i}")
            exprs += [
                f"quantile_cont({c}, {qlist})",
                f"avg({c})",
                f"min({c})",
                f"max({c})",
                f"count({c})",
            ]
        for kind in ("power", "cost"):
            for m in invited:
                c = _q(f"{a}/{kind}/{m}")
                exprs += [f"quantile_cont({c}, {qlist})", f"avg({c})", f"count({c})"]
        row = list(_one(con, "SELECT " + ", ".join(exprs) + " FROM d"))
        p_agree, p_cons, support, p_signed = row[0], row[1], row[2], row[3]
        k = 4
        p_join = {m: _f(row[k + j]) for j, m in enumerate(invited)}
        k += len(invited)
        fq: dict[str, Any] = {}
        hist: dict[str, Any] = {}
        for i in settled:
            qs, mean, lo, hi, cnt = row[k : k + 5]
            k += 5
            fq[i] = _quantile_dict(qs, mean, cnt)
            hist[i], expr = _histogram(f"{a}/value/{i}", issues_meta[i], _f(lo), _f(hi), cnt)
            bins.append((hist[i], expr))
        stats: dict[str, dict[str, Any]] = {"power": {}, "cost": {}}
        for kind in ("power", "cost"):
            for m in invited:
                qs, mean, cnt = row[k : k + 3]
                k += 3
                stats[kind][m] = _quantile_dict(qs, mean, cnt)
        alts[a] = {
            "p_agreement": _f(p_agree),
            "p_signed": _f(p_signed),
            "p_ratified": _f(p_agree),
            "p_ratified_interval": wilson_interval(_f(p_agree), n),
            "p_considered": _f(p_cons),
            "mean_support": _f(support),
            "p_join": p_join,
            "forecast_quantiles": fq,
            "histograms": hist,
            "power": stats["power"],
            "cost": stats["cost"],
            "tornado": [],
            "tornado_r2": None,
            "tornado_join": {},
            "tornado_forecast": {},
        }
    _count_bins(con, bins)
    return alts


BY_MODEL_LEFT_OUT = (
    "histograms", "power", "cost", "tornado", "tornado_r2", "tornado_join", "tornado_forecast",
)  # fmt: skip
"""Per-alternative keys of the summary not repeated per drawn model (kept to the overall
summary: the inputs' effects need every draw)."""


def _by_model(con: Any, manifest: Mapping[str, Any], file_list: str) -> dict[str, Any]:
    """A model-drawing sweep's summary per drawn model: the same summary code
    (:func:`_summarise`) over the draws that drew each model, so every probability it reports
    is computed (and qualified) exactly as the overall one; the inputs' effects and the
    distributions of power and cost are left to the overall summary (``BY_MODEL_LEFT_OUT``).

    Shape: ``{model: {"draws": n, "alternatives": {alt: {"p_agreement", "p_join", ...}}}}``.
    """
    out: dict[str, Any] = {}
    plain = {**manifest, "inputs": [], "models": None}
    try:
        for model in manifest["models"]:
            lit = "'" + str(model).replace("'", "''") + "'"
            con.execute(
                f"CREATE OR REPLACE VIEW d AS SELECT * FROM read_parquet({file_list}) "
                f"WHERE model = {lit}"
            )
            part = _summarise(con, plain)
            out[str(model)] = {
                "draws": part["draws"],
                "alternatives": {
                    a: {k: v for k, v in s.items() if k not in BY_MODEL_LEFT_OUT}
                    for a, s in part["alternatives"].items()
                },
            }
    finally:
        con.execute(f"CREATE OR REPLACE VIEW d AS SELECT * FROM read_parquet({file_list})")
    return out


def _quantile_dict(qs: Any, mean: Any, count: Any) -> dict[str, Any]:
    vals = list(qs) if qs is not None else [None] * len(QKEYS)
    d: dict[str, Any] = {key: _f(v) for key, v in zip(QKEYS, vals, strict=True)}
    d["mean"] = _f(mean)
    d["n"] = int(count or 0)
    return d


def _histogram(
    col: str, meta: Mapping[str, Any], lo: float | None, hi: float | None, count: Any
) -> tuple[dict[str, Any], str | None]:
    """A forecast's histogram without its counts, and the SQL aggregate that counts its bins
    (None: no query needed; ``count`` is the column's non-null count).

    Options issues: one bin per option (the value is the option's index). Scale issues:
    ``BINS`` equal bins from the smallest to the largest value, the largest in the last bin.
    """
    c = _q(col)
    options = meta.get("options")
    if options is not None:
        m = len(options)
        edges = [k - 0.5 for k in range(m + 1)]
        return (
            {"edges": edges, "counts": [0] * m, "labels": list(options)},
            f"histogram(round({c})::BIGINT) FILTER (WHERE {c} IS NOT NULL)",
        )
    if lo is None or hi is None:
        return {"edges": [], "counts": []}, None
    if hi <= lo:
        return {"edges": [lo, hi], "counts": [int(count or 0)]}, None
    width = (hi - lo) / BINS
    edges = [lo + k * width for k in range(BINS)] + [hi]
    return (
        {"edges": edges, "counts": [0] * BINS},
        f"histogram(least(floor(({c} - {lo!r}) / {width!r})::BIGINT, {BINS - 1})) "
        f"FILTER (WHERE {c} IS NOT NULL)",  # least() would put a NULL in the last bin
    )


def _count_bins(con: Any, hists: Sequence[tuple[dict[str, Any], str | None]]) -> None:
    """Fill the counts of the histograms that need a query, all in one scan: DuckDB's
    ``histogram`` aggregate gives each bin's count over the non-null values; a bin outside the
    range (none should be) is counted in the nearest end bin."""
    todo = [(h, e) for h, e in hists if e is not None]
    if not todo:
        return
    row = _one(con, "SELECT " + ", ".join(e for _, e in todo) + " FROM d")
    for (h, _), bins in zip(todo, row, strict=True):
        counts: list[int] = h["counts"]
        for b, cnt in (bins or {}).items():
            counts[min(max(int(b), 0), len(counts) - 1)] += int(cnt)


def average_ranks(
    v: np.ndarray[Any, np.dtype[np.float64]],
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Ranks 1..m of the m non-NaN values of ``v``, ties given their average rank; NaN stays NaN.

    The same numbers as ``scipy.stats.rankdata(v, method="average", nan_policy="omit")``
    (every rank is an integer or a half, exact in float64), without its per-call overhead:
    a stable sort, then each run of equal values ``k+1..k+c`` gets ``k + (c + 1) / 2``.

    Examples:
        The two 3s share ranks 3 and 4; the missing value stays missing:

        >>> average_ranks(np.array([3.0, 1.0, np.nan, 3.0, 2.0])).tolist()
        [3.5, 1.0, nan, 3.5, 2.0]
    """
    out = np.full(v.shape, np.nan)
    idx = np.flatnonzero(~np.isnan(v))
    m = idx.size
    if m == 0:
        return out
    order = np.argsort(v[idx], kind="stable")
    sorted_v = v[idx][order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_v[1:] != sorted_v[:-1])))
    counts = np.diff(np.append(starts, m))
    ranks = np.repeat(starts + (counts + 1) / 2.0, counts)
    out[idx[order]] = ranks
    return out


def _srrc(
    con: Any,
    inputs: Sequence[str],
    outputs: Sequence[str],
    n: int,
    spill_dir: Path | None = None,
) -> list[tuple[list[dict[str, Any]], float | None]]:
    """SRRC of every output on all inputs.

    Each column is read alone from the Parquet files and ranked (ties averaged, missing values
    left out) into a memory-mapped file; row batches of it then stream into running sums
    (``X'X``, and per output over its non-null rows ``X'y``, sums and squares), so memory is
    ``O(N B + d^2 + d K)`` for N draws (B = RANK_BLOCK columns at a time), not ``O(N d)``.
    """
    d = len(inputs)
    k_out = len(outputs)
    if n < 3 or d == 0 or k_out == 0:
        return [([], None) for _ in outputs]
    centre = (n + 1) / 2.0
    cols = [*("in/" + p for p in inputs), *outputs]
    with tempfile.TemporaryDirectory(dir=spill_dir) as tmp:
        # Ranks go column by column into a float64 memory map on disk (a block of columns in
        # memory at a time); the sums then stream over it in row batches.
        ranked = np.lib.format.open_memmap(
            Path(tmp) / "ranks.npy", mode="w+", dtype=np.float64, shape=(n, len(cols))
        )
        names = {str(r[0]) for r in con.execute("DESCRIBE d").fetchall()}
        order = " ORDER BY draw" if "draw" in names else ""  # rows aligned across columns
        for lo_col in range(0, len(cols), RANK_BLOCK):
            block_cols = cols[lo_col : lo_col + RANK_BLOCK]
            select = ", ".join(f"{_q(c)}::DOUBLE" for c in block_cols)
            values = con.execute(f"SELECT {select} FROM d{order}").fetchnumpy()
            for k, raw in enumerate(values.values()):  # NULLs come back masked
                j = lo_col + k
                v = np.ma.filled(np.ma.asarray(raw).astype(np.float64), np.nan)
                v = np.where(np.isfinite(v), v, np.nan)
                r = average_ranks(v)  # NaN stays NaN
                ranked[:, j] = r - centre if j < d else r
        ranked.flush()
        sx = np.zeros(d)
        sxx = np.zeros((d, d))
        cnt = np.zeros(k_out)
        mx = np.zeros((d, k_out))  # sum of x over rows where y_k is present
        mxx = np.zeros((d, k_out))  # sum of x^2 over those rows
        sxy = np.zeros((d, k_out))
        sy = np.zeros(k_out)
        syy = np.zeros(k_out)
        step = exact_rows(n)
        for lo in range(0, n, step):
            block = np.asarray(ranked[lo : lo + step])
            x = block[:, :d]
            y = block[:, d:]
            present = ~np.isnan(y)
            y0 = np.where(present, y, 0.0)
            m = present.astype(np.float64)
            sx += x.sum(axis=0)
            sxx += x.T @ x
            cnt += m.sum(axis=0)
            mx += x.T @ m
            mxx += (x * x).T @ m
            sxy += x.T @ y0
            sy += y0.sum(axis=0)
            syy += (y0 * y0).sum(axis=0)
        del ranked
    mean = sx / n
    cov = sxx / n - np.outer(mean, mean)
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        rxx = cov / np.outer(sd, sd)
    rxx = np.where(np.isfinite(rxx), rxx, 0.0)
    np.fill_diagonal(rxx, 1.0)
    result: list[tuple[list[dict[str, Any]], float | None]] = []
    solve: dict[int, np.ndarray[Any, np.dtype[np.float64]]] = {}  # output -> its r_xy
    for k in range(k_out):
        nk = cnt[k]
        if nk < 3:
            result.append(([], None))
            continue
        ex = mx[:, k] / nk
        vx = mxx[:, k] / nk - ex * ex
        ey = sy[k] / nk
        vy = syy[k] / nk - ey * ey
        if vy <= 1e-12 * max(1.0, ey * ey):  # a constant output: nothing to attribute
            result.append(([], None))
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            rxy = (sxy[:, k] / nk - ex * ey) / np.sqrt(vx * vy)
        rxy = np.where(np.isfinite(rxy), rxy, 0.0)
        if nk <= d + 1:  # too few draws to separate the inputs: their rank correlations
            result.append((_tornado(inputs, rxy), None))
            continue
        solve[k] = rxy
        result.append(([], None))  # filled in below, with every output's solve at once
    if solve:
        b, r2 = srrc_many(rxx, np.stack(list(solve.values()), axis=1))
        for col, k in enumerate(solve):
            result[k] = (_tornado(inputs, b[:, col]), float(r2[col]))
    return result


def exact_rows(n: int) -> int:
    """Rows per batch of :func:`_srrc`'s sums (at most 8192), few enough that every batch sum
    is exact, so that it has the same bits whatever order BLAS adds in (threads, kernels).

    Every value summed is a product of two of: a centred input rank (a multiple of 1/2 of size
    at most ``n/2``), an output rank (a multiple of 1/2, at most ``n``), 0 or 1. So each is a
    multiple of 1/4 of size at most ``n^2/2``, and any partial sum of ``B`` of them is a
    multiple of 1/4 of size at most ``B n^2/2``: exact in float64 while ``4 B n^2/2 <= 2^53``.
    The batches are then added in row order.

    Examples:
        >>> exact_rows(10_000), exact_rows(1_000_000), exact_rows(10_000_000)
        (8192, 4503, 45)
    """
    return max(1, min(8192, 2**52 // max(1, n * n)))
