"""The sweep's model draw: ``mlf sweep --models`` (issue 13, item 2, last sentence)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from mlf.cli import app
from mlf.errors import UsageError
from mlf.scenario import LoadedScenario, load_scenario
from mlf.sensitivity import (
    apply_draw,
    resume_sweep,
    run_sweep,
    sample_chunk,
    summarise,
)
from mlf.sensitivity.draws import sample_models
from mlf.sensitivity.intervals import wilson
from mlf.sensitivity.sweep import read_manifest
from mlf.talks import run_alternative
from mlf.uncertainty import sweep_inputs

MINI = Path(__file__).parent / "data" / "sweep-mini.yaml"
DRAWS = 30
CHUNK = 10
SEED = 5
WEIGHTS = {"smp": 2.0, "nash": 1.0, "median": 1.0}
runner = CliRunner()


@pytest.fixture(scope="module")
def loaded() -> LoadedScenario:
    return load_scenario(MINI)


def _table(directory: Path) -> pa.Table:
    return pa.concat_tables([pq.read_table(f) for f in sorted(directory.glob("chunk-*.parquet"))])


@pytest.fixture(scope="module")
def drawn(loaded: LoadedScenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("drawn") / "sweep"
    run_sweep(loaded, out, draws=DRAWS, seed=SEED, chunk_size=CHUNK, models=WEIGHTS)
    return out


def test_model_draws_follow_the_weights_and_depend_only_on_seed_and_chunk() -> None:
    a = sample_models(WEIGHTS, 3, 0, 20_000)
    assert a == sample_models(WEIGHTS, 3, 0, 20_000)
    assert a != sample_models(WEIGHTS, 3, 1, 20_000)
    share = Counter(a)
    assert set(share) == set(WEIGHTS)
    for m, w in WEIGHTS.items():  # 4 sd of a binomial share at n = 20,000 is under 0.015
        assert abs(share[m] / 20_000 - w / sum(WEIGHTS.values())) < 0.015, m


def test_each_draw_runs_the_model_it_drew(loaded: LoadedScenario, drawn: Path) -> None:
    """Oracle: a stored row equals a direct run of the draw under the model recorded for it,
    and the inputs' values are those of a sweep without the model draw."""
    sc = loaded.scenario
    inputs = sweep_inputs(sc)  # what the sweep varies (issue 13: written and default ranges)
    rows = _table(drawn).to_pylist()
    assert [r["model"] for r in rows] == [
        m for c in range(DRAWS // CHUNK) for m in sample_models(WEIGHTS, SEED, c, CHUNK)
    ]
    for i in (0, 13, DRAWS - 1):
        c, r = divmod(i, CHUNK)
        values = sample_chunk(inputs, SEED, c, c * CHUNK, (c + 1) * CHUNK)[r]
        row = rows[i]
        assert [row[f"in/{x.path}"] for x in inputs] == list(values)
        draw_sc = apply_draw(sc, inputs, values)
        for a in sc.alternatives:
            out = run_alternative(draw_sc, a, model=row["model"], seed=sc.settings.seed)
            assert row[f"{a}/status"] == out.status
            for iid, ag in out.agreed.items():
                assert row[f"{a}/value/{iid}"] == ag.value


def test_the_summary_per_model_counts_that_models_draws(drawn: Path) -> None:
    summary = summarise(drawn)
    assert summary["models"] == WEIGHTS
    rows = _table(drawn).to_pylist()
    by = summary["by_model"]
    assert sum(p["draws"] for p in by.values()) == DRAWS
    for m, part in by.items():
        mine = [r for r in rows if r["model"] == m]
        assert part["draws"] == len(mine)
        for a, s in part["alternatives"].items():
            agree = sum(bool(r[f"{a}/agreement"]) for r in mine)
            assert s["p_agreement"] == pytest.approx(agree / len(mine))
            assert "tornado" not in s and "histograms" not in s
    # the overall probability is the draws' mixture of the per-model ones
    for a, s in summary["alternatives"].items():
        mix = sum(by[m]["draws"] * by[m]["alternatives"][a]["p_agreement"] for m in by)
        assert s["p_agreement"] == pytest.approx(mix / DRAWS)


def test_a_model_drawing_sweep_resumes_to_the_same_files(
    loaded: LoadedScenario, drawn: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sweep"
    run_sweep(loaded, out, draws=DRAWS, seed=SEED, chunk_size=CHUNK, models=WEIGHTS)
    (out / "chunk-000001.parquet").unlink()
    ran = resume_sweep(out, loaded)
    assert ran.chunks_run == 1
    for f in sorted(drawn.glob("chunk-*.parquet")):
        assert (out / f.name).read_bytes() == f.read_bytes()
    assert read_manifest(out)["models"] == WEIGHTS


def test_model_and_models_together_are_refused(loaded: LoadedScenario, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--model and --models"):
        run_sweep(loaded, tmp_path / "x", draws=4, model="smp", models={"nash": 1.0})
    with pytest.raises(UsageError, match="unknown model 'oracle'"):
        run_sweep(loaded, tmp_path / "x", draws=4, models={"oracle": 1.0})
    assert not (tmp_path / "x").exists()


def test_cli_sweep_models_writes_per_model_probabilities_and_every_models_point_run(
    tmp_path: Path,
) -> None:
    out = tmp_path / "sw"
    res = runner.invoke(
        app,
        ["sweep", str(MINI), "--draws", "12", "--chunk-size", "6", "--executor", "serial",
         "--models", "all", "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "P(agreement) by the model drawn" in res.output
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["models"].values()) == {1.0} and len(summary["models"]) == 5
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert [r["model"] for r in result["runs"]] == list(summary["models"])
    rep = runner.invoke(app, ["report", str(out)])
    assert rep.exit_code == 0, rep.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'class="compact sensitivity-by-model"' in html and 'id="model-comparison"' in html
    # each cell of the by-model table: P(agreement) among that model's draws with its Wilson
    # 95% interval over those draws (k of n), in the HTML and the Markdown report
    rep = runner.invoke(app, ["report", str(out), "--format", "md"])
    assert rep.exit_code == 0, rep.output
    md = (out / "report.md").read_text(encoding="utf-8")
    for model, part in summary["by_model"].items():
        n = part["draws"]
        cells = []
        for alt in summary["alternatives"]:
            p = part["alternatives"][alt]["p_agreement"]
            lo, hi = wilson(round(p * n), n)
            cells.append(f"{100 * p:.1f}% [{lo:.1%}, {hi:.1%}]")
        section = md[md.index("P(agreement) by the model each draw drew") :]
        row = next(ln for ln in section.splitlines() if ln.startswith(f"| {model} |"))
        shown = [
            c.strip().replace("\\[", "[").replace("\\]", "]") for c in row.strip("|").split("|")
        ]
        assert shown[3:] == cells, row  # (Markdown escapes the brackets)
        table = html[html.index('class="compact sensitivity-by-model"') :]
        html_row = table[table.index(f'<tr data-model="{model}">') :].split("</tr>")[0]
        assert all(f'<td class="num">{c}</td>' in html_row for c in cells), html_row


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--models", "smp=0"], "above 0"),
        (["--models", "smp=2,smp=1"], "named twice"),
        (["--model", "smp", "--models", "all"], "--model and --models"),
    ],
)
def test_cli_sweep_bad_models_are_one_line_exit_2(
    tmp_path: Path, args: list[str], needle: str
) -> None:
    res = runner.invoke(
        app, ["sweep", str(MINI), "--draws", "4", *args, "--out", str(tmp_path / "o")]
    )
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in res.output
    assert not (tmp_path / "o").exists()
