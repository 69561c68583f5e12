"""mlf backtest: scoring rules, outcomes files, the synthetic case with a known answer, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import math
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlf.backtest import KINDS, load_outcomes, parse_outcomes, run_backtest
from mlf.backtest.engine import asked
from mlf.backtest.scores import (
    LOG_FLOOR,
    abs_error_share,
    bootstrap_interval,
    brier,
    log_score,
)
from mlf.errors import ScenarioErrors, UsageError
from mlf.scenario import load_scenario

DATA = Path(__file__).parent / "data" / "backtest"
SYNTH = DATA / "synthetic.yaml"
SYNTH_OUT = DATA / "synthetic-outcomes.yaml"
SYNTH_RAT = DATA / "synthetic-ratification.yaml"
HISTORY = DATA / "mlf-history.yaml"
MODELS = ["compromise", "median", "nash", "bdm", "smp"]


# --------------------------------------------------------------------------- scoring rules


def test_brier_and_log_reference_values() -> None:
    assert brier(0.5, True) == 0.25
    assert brier(0.0, False) == 0.0
    assert brier(1.0, False) == 1.0
    assert brier(0.7, True) == pytest.approx(0.09)
    assert log_score(0.5, True) == pytest.approx(0.6931471805599453)
    # certain and wrong: the clipped worst, -ln(0.01)
    assert log_score(1.0, False) == pytest.approx(4.605170185988091)
    assert log_score(0.0, False) == pytest.approx(-math.log(1 - LOG_FLOOR))
    assert abs_error_share(150, 200, 0, 400) == 0.125
    with pytest.raises(ValueError):
        brier(1.5, True)


@given(st.fractions(min_value=0, max_value=1), st.fractions(min_value=0, max_value=1))
def test_brier_is_strictly_proper(q: Fraction, p: Fraction) -> None:
    """With exact fractions: the expected Brier score under belief q is least at p = q."""

    def expected(x: Fraction) -> Fraction:
        return q * (1 - x) ** 2 + (1 - q) * x**2

    assert expected(q) <= expected(p)
    if p != q:
        assert expected(q) < expected(p)


@given(st.floats(0, 1), st.booleans())
def test_scores_are_bounded(p: float, happened: bool) -> None:
    assert 0.0 <= brier(p, happened) <= 1.0
    assert -math.log(1 - LOG_FLOOR) - 1e-12 <= log_score(p, happened)
    assert log_score(p, happened) <= -math.log(LOG_FLOOR) + 1e-12


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30), st.integers(0, 2**32))
def test_bootstrap_is_seeded_and_brackets_the_sample(values: list[float], seed: int) -> None:
    a = bootstrap_interval(values, seed, "x", resamples=200)
    b = bootstrap_interval(values, seed, "x", resamples=200)
    assert a == b
    assert a is not None
    assert min(values) - 1e-9 <= a[0] <= a[1] <= max(values) + 1e-9


def test_bootstrap_of_nothing_is_none() -> None:
    assert bootstrap_interval([], 1) is None


# --------------------------------------------------------------------------- synthetic case


def _scores(data: dict, snapshot: str) -> dict[str, dict]:
    return {e["forecaster"]: e for e in data["scores"] if e["snapshot"] == snapshot}


def test_synthetic_case_every_model_is_right_and_the_baselines_score_as_computed() -> None:
    """The synthetic case's answer is known by construction (see synthetic.yaml)."""
    data = run_backtest(load_outcomes(SYNTH_OUT), [load_scenario(SYNTH)], MODELS).to_dict()
    s = _scores(data, "synthetic")
    for name in [*MODELS, "ensemble"]:
        assert s[name]["brier"]["mean"] == 0.0, name
        assert s[name]["abs_error"]["mean"] == 0.0, name
        assert s[name]["hit"]["mean"] == 1.0, name
        assert s[name]["log"]["mean"] == pytest.approx(-math.log(0.99))
    # status quo: wrong on the 4 of 6 binary questions that happened (the pact and its members)
    assert s["status_quo"]["brier"]["mean"] == pytest.approx(4 / 6)
    assert s["status_quo"]["abs_error"]["mean"] == pytest.approx(120 / 200)
    assert s["status_quo"]["hit"]["mean"] == 0.0
    assert s["coin_flip"]["brier"]["mean"] == 0.25
    assert s["coin_flip"]["abs_error"]["mean"] == pytest.approx(20 / 200)
    assert s["coin_flip"]["hit"]["mean"] == pytest.approx(1 / 3)
    # everyone joins: wrong on the doomed pact and C's membership of it
    assert s["everyone_joins"]["brier"]["mean"] == pytest.approx(2 / 6)
    assert s["everyone_joins"]["abs_error"]["mean"] == 0.0
    assert s["everyone_joins"]["hit"]["mean"] == 1.0
    assert s["compromise"]["brier"]["n"] == 6
    assert s["compromise"]["abs_error"]["n"] == 1
    assert s["compromise"]["hit"]["n"] == 1


def test_synthetic_case_with_the_outcomes_reversed_every_model_is_wrong() -> None:
    text = SYNTH_OUT.read_text(encoding="utf-8")
    flipped = (
        text.replace("outcome: true", "outcome: TMP")
        .replace("outcome: false", "outcome: true")
        .replace("outcome: TMP", "outcome: false")
        .replace("outcome: 120", "outcome: 20")
        .replace("outcome: veto_bloc", "outcome: unanimity")
    )
    data = run_backtest(
        parse_outcomes(flipped, "flipped.yaml"), [load_scenario(SYNTH)], MODELS
    ).to_dict()
    s = _scores(data, "synthetic")
    for name in [*MODELS, "ensemble"]:
        assert s[name]["brier"]["mean"] == 1.0
        assert s[name]["log"]["mean"] == pytest.approx(-math.log(0.01))
        assert s[name]["abs_error"]["mean"] == pytest.approx(100 / 200)
        assert s[name]["hit"]["mean"] == 0.0


def test_draws_give_shares_and_are_reproducible() -> None:
    outcomes = load_outcomes(HISTORY)
    snap = load_scenario("mlf-1964-12")
    a = run_backtest(outcomes, [snap], ["compromise", "nash"], draws=6, seed=5).to_dict()
    b = run_backtest(outcomes, [snap], ["compromise", "nash"], draws=6, seed=5).to_dict()
    assert a == b
    ps = [r["forecast"]["p"] for r in a["forecasts"] if "p" in r["forecast"]]
    assert all(0.0 <= p <= 1.0 for p in ps)
    assert all(abs(p * 6 - round(p * 6)) < 1e-9 for p in ps)  # shares of 6 draws
    assert a["manifest"]["draws"] == 6 and a["manifest"]["seed"] == 5


def test_point_forecast_matches_mlf_run() -> None:
    """A model's point forecast is what `mlf run` gives for the same snapshot and model."""
    from mlf.talks import run_scenario

    loaded = load_scenario("mlf-1963")
    other = load_scenario("mlf-1964-12")  # has the ANF the outcomes ask about
    data = run_backtest(load_outcomes(HISTORY), [loaded, other], ["median"]).to_dict()
    run = run_scenario(loaded, model="median").to_dict()
    status = {a["id"]: a["status"] for a in run["alternatives"]}
    members = {a["id"]: a["members"] for a in run["alternatives"]}
    qs = {q["id"]: q for q in data["questions"]}
    for r in data["forecasts"]:
        if r["forecaster"] != "median" or r["snapshot"] != "mlf-1963":
            continue
        q = qs[r["question"]]
        if q["kind"] == "agreement":
            assert r["forecast"]["p"] == float(status.get(q["alternative"]) == "agreement")
        elif q["kind"] == "member":
            assert r["forecast"]["p"] == float(q["actor"] in members.get(q["alternative"], []))


# --------------------------------------------------------------------------- outcomes files


def _one_line(text: str, **kw: object) -> str:
    with pytest.raises(ScenarioErrors) as exc:
        lo = parse_outcomes(text, "o.yaml")
        run_backtest(lo, [load_scenario(SYNTH)], ["compromise"], **kw)  # type: ignore[arg-type]
    lines = exc.value.lines()
    assert len(lines) == 1, lines
    return lines[0]


HEAD = """meta: {id: t, title: T, sources: [{key: S, title: s, date: 2001, confidence: D}]}
questions:
"""


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("- {id: q, kind: agreement, alternative: pcat, outcome: true}",
         "o.yaml:3:41: questions.0.alternative: unknown alternative 'pcat'"),
        ("- {id: q, kind: member, alternative: pact, actor: Z, outcome: true}",
         "o.yaml:3:51: questions.0.actor: unknown actor 'Z'"),
        ("- {id: q, kind: value, alternative: pact, issue: sise, outcome: 1}",
         "o.yaml:3:50: questions.0.issue: unknown issue 'sise'"),
        ("- {id: q, kind: value, alternative: pact, issue: rule, outcome: vetobloc}",
         "o.yaml:3:65: questions.0.outcome: 'vetobloc' is not an option of the issue"),
        ("- {id: q, kind: value, alternative: pact, issue: size, outcome: 900}",
         "o.yaml:3:65: questions.0.outcome: 900 is outside the issue's scale 0..200"),
        ("- {id: q, kind: agreed, alternative: pact, outcome: true}",
         "o.yaml:3:17: questions.0.kind: unknown kind 'agreed'"),
        ("- {id: q, kind: member, alternative: pact, outcome: true}",
         "questions.0.actor: a member question needs 'actor'"),
        ("- {id: q, kind: agreement, alternative: pact, outcome: 3}",
         "questions.0.outcome: a agreement outcome is true or false"),
        ("- {id: q, kind: agreement, alternative: pact, outcome: true, sources: [X]}",
         "questions.0.sources.0: unknown source 'X' (not in meta.sources)"),
        ("- {id: q, kind: agreement, alternative: pact, outcome: true, colour: red}",
         "questions.0.colour: unknown key"),
        ("- {id: q, kind: agreement, alternative: pact, outcome: true, resolved: 2001-02-30}",
         "questions.0.resolved:"),
    ],
)  # fmt: skip
def test_a_wrong_question_is_one_located_line(question: str, expected: str) -> None:
    line = _one_line(HEAD + question + "\n")
    assert line.startswith("o.yaml:3:"), line
    assert expected in line, line


# --------------------------------------------------------------------------- signed, ratified


def test_signed_and_ratified_score_the_known_values() -> None:
    """synthetic.yaml: the pact is signed and ratified; the overreach is signed, not ratified
    by A (its legislature: 0.6 < 0.7). Every model is right on the five questions; the
    baselines score what they must."""
    data = run_backtest(load_outcomes(SYNTH_RAT), [load_scenario(SYNTH)], MODELS).to_dict()
    assert data["snapshots"][0]["skipped"] == []
    s = _scores(data, "synthetic")
    for name in [*MODELS, "ensemble"]:
        assert s[name]["brier"]["mean"] == 0.0, name
        assert s[name]["brier"]["n"] == 5, name
        assert s[name]["log"]["mean"] == pytest.approx(-math.log(0.99))
    # status quo (p = 0): wrong on the three that happened (both signatures, the ratification)
    assert s["status_quo"]["brier"]["mean"] == pytest.approx(3 / 5)
    assert s["status_quo"]["log"]["mean"] == pytest.approx(
        (3 * -math.log(0.01) + 2 * -math.log(0.99)) / 5
    )
    # everyone joins (p = 1): wrong on the overreach's ratification and its agreement
    assert s["everyone_joins"]["brier"]["mean"] == pytest.approx(2 / 5)
    assert s["coin_flip"]["brier"]["mean"] == 0.25
    fc = {
        (r["question"], r["forecaster"]): r["forecast"]["p"]
        for r in data["forecasts"]
        if r["forecaster"] in MODELS
    }
    for m in MODELS:
        assert fc[("pact_ratified", m)] == 1.0
        assert fc[("overreach_signed", m)] == 1.0
        assert fc[("overreach_ratified", m)] == 0.0
        assert fc[("overreach_agreed", m)] == 0.0


def test_ratified_reversed_every_model_is_wrong() -> None:
    text = SYNTH_RAT.read_text(encoding="utf-8").replace(
        "kind: ratified, alternative: overreach, outcome: false",
        "kind: ratified, alternative: overreach, outcome: true",
    )
    data = run_backtest(parse_outcomes(text, "r.yaml"), [load_scenario(SYNTH)], MODELS).to_dict()
    s = _scores(data, "synthetic")
    for name in [*MODELS, "ensemble"]:
        assert s[name]["brier"]["mean"] == pytest.approx(1 / 5), name


def test_ratified_is_not_asked_of_a_snapshot_without_ratifiers(tmp_path: Path) -> None:
    """Without the stage, 'agreement' only says signed: a 'ratified' question is not asked
    (never scored as ratified silently); 'signed' still is."""
    text = SYNTH.read_text(encoding="utf-8")
    start = text.index("    ratifiers:\n")
    end = text.index("  B:\n")
    (tmp_path / "bare.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    loaded = load_scenario(tmp_path / "bare.yaml")
    assert not any(a.ratifiers for a in loaded.scenario.actors.values())
    data = run_backtest(load_outcomes(SYNTH_RAT), [loaded], ["compromise"]).to_dict()
    snap = data["snapshots"][0]
    skipped = {k["question"]: k["reason"] for k in snap["skipped"]}
    assert set(skipped) == {"pact_ratified", "overreach_ratified"}
    assert "no domestic ratifier" in skipped["pact_ratified"]
    assert "'ratified' is undefined" in skipped["pact_ratified"]
    assert snap["asked"] == ["pact_signed", "overreach_signed", "overreach_agreed"]
    # without the legislature the overreach is signed and stands: agreement
    fc = {
        r["question"]: r["forecast"]["p"]
        for r in data["forecasts"]
        if r["forecaster"] == "compromise"
    }
    assert fc == {"pact_signed": 1.0, "overreach_signed": 1.0, "overreach_agreed": 1.0}


@pytest.mark.parametrize(
    ("alt", "signed", "ratified", "agreement"),
    [
        (None, False, False, False),
        ({"status": "agreement", "ratified": True}, True, True, True),
        ({"status": "agreement", "ratified": None}, True, True, True),
        ({"status": "signed, not ratified", "ratified": False}, True, False, False),
        ({"status": "no agreement", "ratified": None}, False, False, False),
        ({"status": "cycle", "ratified": None}, False, False, False),
    ],
)
def test_the_status_vocabulary(
    alt: dict | None, signed: bool, ratified: bool, agreement: bool
) -> None:
    q = {"alternative": "x"}
    assert KINDS["signed"].answer(q, alt, None) is signed
    assert KINDS["ratified"].answer(q, alt, None) is ratified
    assert KINDS["agreement"].answer(q, alt, None) is agreement


def test_question_kinds_are_a_registry() -> None:
    assert set(KINDS) >= {"agreement", "member", "value", "signed", "ratified"}
    assert KINDS["ratified"].binary and KINDS["signed"].needs == ("alternative",)
    assert KINDS["member"].needs == ("alternative", "actor")
    assert not KINDS["value"].binary


def test_questions_resolved_by_a_snapshot_or_about_an_absent_alternative_are_not_asked() -> None:
    snaps = [load_scenario("mlf-1963"), load_scenario("mlf-1964-12")]
    data = run_backtest(load_outcomes(HISTORY), snaps, ["compromise"]).to_dict()
    skipped = {k["question"]: k["reason"] for k in data["snapshots"][0]["skipped"]}
    assert "resolved on 1963-05-24" in skipped["paragraph6_forces"]
    assert "no alternative 'anf'" in skipped["anf_agreed"]
    assert "charter_signed" in data["snapshots"][0]["asked"]


def test_the_mlf_outcomes_are_sourced_after_every_snapshot_they_score() -> None:
    """No outcome of tests/data/backtest/mlf-history.yaml rests on a source dated on or before
    the date of a snapshot that is asked it (each built-in snapshot)."""
    from mlf.scenario import builtin_ids

    lo = load_outcomes(HISTORY)
    dates = {s.key: s.earliest_date for s in lo.outcomes.meta.sources}
    snaps = [load_scenario(i).scenario for i in builtin_ids() if i.startswith("mlf-19")]
    assert len(snaps) >= 2
    pairs = 0
    for sc in snaps:
        for q in lo.outcomes.questions:
            if asked(q, sc) is not None:
                continue
            assert q.sources, q.id
            for key in q.sources:
                d = dates[key]
                assert d is not None and d > sc.meta.date, (sc.meta.id, q.id, key)
            pairs += 1
    assert pairs > 20


def test_bad_arguments_are_usage_errors() -> None:
    lo = load_outcomes(SYNTH_OUT)
    sc = load_scenario(SYNTH)
    with pytest.raises(UsageError, match="unknown model 'x'"):
        run_backtest(lo, [sc], ["x"])
    with pytest.raises(UsageError, match="--draws"):
        run_backtest(lo, [sc], ["compromise"], draws=-1)
    with pytest.raises(UsageError, match="given twice"):
        run_backtest(lo, [sc, sc], ["compromise"])
    with pytest.raises(UsageError, match="at least one scenario"):
        run_backtest(lo, [], ["compromise"])


# --------------------------------------------------------------------------- the command


def _cli(args: list[str]) -> tuple[int, str, str]:
    from mlf.cli import app

    res = CliRunner().invoke(app, args)
    return res.exit_code, res.stdout, res.stderr


def test_cli_json_and_out_folder(tmp_path: Path) -> None:
    code, out, err = _cli(
        ["backtest", str(SYNTH_OUT), str(SYNTH), "--models", "nash,median", "--json"]
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["format_version"] == "mlf-backtest/1"
    assert data["forecasters"] == ["nash", "median", "ensemble", "status_quo", "coin_flip",
                                   "everyone_joins"]  # fmt: skip
    folder = tmp_path / "bt"
    code, out, err = _cli(["backtest", str(SYNTH_OUT), str(SYNTH), "--out", str(folder)])
    assert code == 0, err
    assert "ensemble" in out and "everyone_joins" in out
    saved = json.loads((folder / "backtest.json").read_text(encoding="utf-8"))
    assert saved["manifest"]["models"] == MODELS
    html = (folder / "backtest.html").read_text(encoding="utf-8")
    assert 'id="backtest-brier"' in html and "Plotly.newPlot" in html
    assert "<script src=" not in html  # self-contained: plotly.js is inlined
    md = (folder / "backtest.md").read_text(encoding="utf-8")
    assert "| synthetic | coin\\_flip | 0.250 [0.250, 0.250]" in md


def test_cli_wrong_id_is_one_located_line_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SYNTH_OUT.read_text(encoding="utf-8").replace("alternative: doomed, outcome: false",
                                                      "alternative: domed, outcome: false", 1),
        encoding="utf-8",
    )  # fmt: skip
    code, _, err = _cli(["backtest", str(bad), str(SYNTH)])
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{bad}:10:"), lines[0]
    assert "questions.1.alternative: unknown alternative 'domed'" in lines[0]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--models", "nope"], "--models"),
        (["--draws", "-3"], "--draws"),
        (["--seed", "-1"], "--seed"),
    ],
)
def test_cli_bad_flag_exit_2(args: list[str], flag: str) -> None:
    code, _, err = _cli(["backtest", str(SYNTH_OUT), str(SYNTH), *args])
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and flag in err


def test_resolved_date_must_be_a_date() -> None:
    with pytest.raises(ScenarioErrors):
        parse_outcomes(HEAD + "- {id: q, kind: agreement, alternative: pact, outcome: true, "
                       "resolved: soon}\n", "o.yaml")  # fmt: skip
    lo = parse_outcomes(HEAD + "- {id: q, kind: agreement, alternative: pact, outcome: true, "
                        "resolved: 2001-02-03}\n", "o.yaml")  # fmt: skip
    assert lo.outcomes.questions[0].resolved == dt.date(2001, 2, 3)
