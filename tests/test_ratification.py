"""Two-level talks (issue 15): win-sets, the ratification stage, anticipation, located errors.

The known answers come from tests/data/ratify-two.yaml: two nations of equal capability and
salience on one element 0..100, so the compromise model settles at the mean of their
bargaining positions; a ratifier with one position p and reservation R accepts
``|v - p| <= 100 (1 - R)`` (docs/models/ratification.md).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from tests._scenario_yaml import dump_yaml

from mlf import ratification as ratif
from mlf.errors import ScenarioErrors
from mlf.scenario import Scenario, parse_scenario
from mlf.talks import run_alternative

TWO = Path(__file__).parent / "data" / "ratify-two.yaml"
TEXT = TWO.read_text(encoding="utf-8")


def _data() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(TEXT)
    return data


def _scenario(data: dict[str, Any]) -> Scenario:
    sc, _ = parse_scenario(dump_yaml(data), "ratify-two.yaml")
    return sc


def _deal(data: dict[str, Any]) -> dict[str, Any]:
    sc = _scenario(data)
    out: dict[str, Any] = run_alternative(sc, "deal").to_dict(sc)
    return out


def _parl(data: dict[str, Any], actor: str, position: float, reservation: float) -> None:
    r = data["actors"][actor]["ratifiers"]["parl"]
    r["positions"]["share"]["position"] = position
    r["reservation"] = reservation


# --------------------------------------------------------------------------- known answers


def test_win_sets_that_do_not_intersect_leave_no_ratifiable_deal() -> None:
    # A's parliament at 0 (R 0.8): [0, 20]; B's at 100 (R 0.8): [80, 100]. The talks sign
    # 50; neither ratifies, and no renegotiation can help: the intersection is empty.
    alt = _deal(_data())
    assert alt["status"] == "signed, not ratified"
    assert alt["members"] == []  # the outcome is the status quo
    assert alt["agreed"]["share"]["value"] == 50.0
    rat = alt["ratification"]
    assert rat["ratified"] is False
    assert rat["not_ratified_by"] == ["A", "B"]
    assert rat["no_ratifiable_deal"] == ["share"]
    assert rat["members"]["A"]["winsets"]["share"] == {
        "lo": 0.0, "hi": 20.0, "options": None, "empty": False
    }
    assert rat["members"]["B"]["winsets"]["share"]["lo"] == 80.0
    assert rat["members"]["B"]["winsets"]["share"]["hi"] == 100.0
    assert rat["joint"]["share"]["empty"] is True
    assert rat["members"]["A"]["ratifiers"][0]["utility"] == pytest.approx(0.5)
    assert alt["guardrails"]["fallback"]["outcome"] == "status quo"
    assert "not ratified by Nation A" in alt["detail"]


def test_intersecting_win_sets_the_deal_lands_inside() -> None:
    # R 0.4 on both sides: A [0, 60], B [40, 100]; the signed 50 lies inside both.
    data = _data()
    _parl(data, "A", 0, 0.4)
    _parl(data, "B", 100, 0.4)
    alt = _deal(data)
    assert alt["status"] == "agreement"
    assert alt["agreed"]["share"]["value"] == 50.0
    rat = alt["ratification"]
    assert rat["ratified"] is True and rat["renegotiated"] is False
    assert (rat["joint"]["share"]["lo"], rat["joint"]["share"]["hi"]) == (40.0, 60.0)


def test_renegotiation_within_the_win_sets_lands_inside_the_intersection() -> None:
    # A [0, 20] (R 0.8), B [10, 100] (R 0.1): joint [10, 20]. The signed 50 is outside A's;
    # renegotiation pulls A 0 -> 10 and B 100 -> 20, the compromise is 15, inside.
    data = _data()
    _parl(data, "B", 100, 0.1)
    alt = _deal(data)
    assert alt["status"] == "agreement"
    assert alt["agreed"]["share"]["value"] == pytest.approx(15.0)
    rat = alt["ratification"]
    assert rat["ratified"] is True and rat["renegotiated"] is True
    assert (rat["joint"]["share"]["lo"], rat["joint"]["share"]["hi"]) == (10.0, 20.0)


def test_renegotiation_can_be_switched_off() -> None:
    data = _data()
    _parl(data, "B", 100, 0.1)
    data["settings"]["ratification"] = {"renegotiate": False}
    alt = _deal(data)
    assert alt["status"] == "signed, not ratified"
    assert alt["ratification"]["not_ratified_by"] == ["A"]
    assert alt["ratification"]["attempts"] == []


def test_anticipation_moves_the_deal_toward_the_narrower_win_set() -> None:
    # B's government stands at 60, its parliament at 100 with R 0.8: B's win-set [80, 100]
    # (the narrower). A's parliament at 0 with R 0.1: [0, 90]. Without anticipation the
    # talks sign (0 + 60) / 2 = 30; tying hands pulls B to 80, and they sign 40.
    data = _data()
    data["actors"]["B"]["positions"]["share"]["position"] = 60
    _parl(data, "A", 0, 0.1)
    data["settings"]["ratification"] = {"renegotiate": False}
    plain = _deal(data)
    data["settings"]["ratification"]["anticipate"] = True
    tied = _deal(data)
    assert plain["agreed"]["share"]["value"] == pytest.approx(30.0)
    assert tied["agreed"]["share"]["value"] == pytest.approx(40.0)
    assert tied["ratification"]["anticipated"] is True
    assert plain["status"] == tied["status"] == "signed, not ratified"


def test_without_ratifiers_nothing_changes() -> None:
    data = _data()
    for a in ("A", "B"):
        del data["actors"][a]["ratifiers"]
    alt = _deal(data)
    assert alt["status"] == "agreement"
    assert alt["ratification"] is None
    assert alt["agreed"]["share"]["value"] == 50.0


def test_an_advisory_ratifier_is_reported_but_not_decisive() -> None:
    data = _data()
    for a in ("A", "B"):
        data["actors"][a]["ratifiers"]["parl"]["rule"] = "advisory"
    alt = _deal(data)
    assert alt["status"] == "agreement"
    verdict = alt["ratification"]["members"]["A"]["ratifiers"][0]
    assert verdict["ratifies"] is False and verdict["rule"] == "advisory"


def test_options_win_sets_list_the_accepted_options() -> None:
    data = _data()
    data["issues"]["rule"] = {
        "title": "Rule",
        "status_quo": "r0",
        "options": [{"id": f"r{j}", "label": f"R{j}"} for j in range(5)],
    }
    parl = data["actors"]["A"]["ratifiers"]["parl"]
    parl["positions"] = {"rule": {"position": "r1", "salience": 1.0}}
    parl["reservation"] = 0.5  # |j - 1| <= 4 * 0.5 = 2: r0..r3
    sc = _scenario(data)
    ws = ratif.ratifier_winset(sc, sc.actors["A"].ratifiers["parl"], "rule", {"rule": 4.0})
    assert ws.options == ("r0", "r1", "r2", "r3")
    assert (ws.lo, ws.hi) == (0.0, 3.0)


# --------------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(
    p=st.lists(st.integers(0, 100), min_size=2, max_size=2),
    s=st.lists(st.integers(1, 10), min_size=2, max_size=2),
    r=st.integers(0, 20),
    other=st.integers(0, 100),
)
def test_win_set_is_exactly_the_values_the_ratifier_accepts(
    p: list[int], s: list[int], r: int, other: int
) -> None:
    # Brute force on a grid with exact fractions: v is in the win-set iff u(v, other) >= R.
    data = _data()
    data["issues"]["more"] = {"title": "More", "scale": {"lo": 0, "hi": 100}, "status_quo": 0}
    parl = data["actors"]["A"]["ratifiers"]["parl"]
    parl["positions"] = {
        "share": {"position": p[0], "salience": s[0] / 10},
        "more": {"position": p[1], "salience": s[1] / 10},
    }
    parl["reservation"] = r / 20
    sc = _scenario(data)
    rat = sc.actors["A"].ratifiers["parl"]
    ws = ratif.ratifier_winset(sc, rat, "share", {"share": 0.0, "more": float(other)})
    res = Fraction(r, 20)
    for v in range(0, 101):
        u = (
            Fraction(s[0], 10) * (1 - Fraction(abs(v - p[0]), 100))
            + Fraction(s[1], 10) * (1 - Fraction(abs(other - p[1]), 100))
        ) / (Fraction(s[0], 10) + Fraction(s[1], 10))
        assert ws.contains(float(v)) == (u >= res), (v, u, ws)


# --------------------------------------------------------------------------- located errors

BAD = [
    (
        "unknown issue",
        "          share: {position: 0, salience: 1.0}\n        reservation: 0.8",
        "          size: {position: 0, salience: 1.0}\n        reservation: 0.8",
        "ratify-two.yaml:38:11: actors.A.ratifiers.parl.positions.size: unknown issue 'size'",
    ),
    (
        "reservation above 1",
        "        reservation: 0.8\n        sources: [TEST]\n  B:",
        "        reservation: 1.5\n        sources: [TEST]\n  B:",
        "ratify-two.yaml:39:22: actors.A.ratifiers.parl.reservation: "
        "reservation 1.5 must lie in [0, 1]",
    ),
    (
        "position off the scale",
        "          share: {position: 0, salience: 1.0}\n        reservation: 0.8",
        "          share: {position: 140, salience: 1.0}\n        reservation: 0.8",
        "ratify-two.yaml:38:29: actors.A.ratifiers.parl.positions.share: "
        "140 is outside the issue's scale 0..100",
    ),
    (
        "unknown source",
        "        reservation: 0.8\n        sources: [TEST]\n  B:",
        "        reservation: 0.8\n        sources: [NOPE]\n  B:",
        "ratify-two.yaml:40:19: actors.A.ratifiers.parl.sources.0: unknown source key 'NOPE'",
    ),
    (
        "unknown rule",
        "        reservation: 0.8\n        sources: [TEST]\n  B:",
        "        reservation: 0.8\n        rule: majority\n        sources: [TEST]\n  B:",
        "ratify-two.yaml:40:15: actors.A.ratifiers.parl.rule: Input should be "
        "'required' or 'advisory', got 'majority'",
    ),
    (
        "unknown stance code",
        "        reservation: 0.8\n        sources: [TEST]\n  B:",
        "        reservation: 0.8\n        stance: {code: keen, sources: [TEST], date: 1963}\n"
        "        sources: [TEST]\n  B:",
        "ratify-two.yaml:40:24: actors.A.ratifiers.parl.stance.code: unknown stance code "
        "'keen' (known: assured, favourable, no_statement, wary, hostile)",
    ),
    (
        "missing reservation",
        "        reservation: 0.8\n        sources: [TEST]\n  B:",
        "        sources: [TEST]\n  B:",
        "ratify-two.yaml:35:7: actors.A.ratifiers.parl.reservation: required field is missing",
    ),
    (
        "unknown field",
        "        reservation: 0.8\n        sources: [TEST]\n  B:",
        "        reservation: 0.8\n        veto: true\n        sources: [TEST]\n  B:",
        "ratify-two.yaml:40:9: actors.A.ratifiers.parl.veto: unknown key",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_a_malformed_ratifier_is_one_located_error(old: str, new: str, expected: str) -> None:
    assert TEXT.count(old) == 1, old
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(TEXT.replace(old, new), "ratify-two.yaml")
    assert info.value.lines() == [expected]


def test_mlf_show_lists_the_ratifiers() -> None:
    from typer.testing import CliRunner

    from mlf.cli import app

    res = CliRunner().invoke(app, ["show", str(TWO)], env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    assert "Ratifiers (two-level talks)" in res.output
    assert "A's parliament" in res.output and "B's parliament" in res.output
    assert "share 100 (1)" in res.output


# --------------------------------------------------------------------------- outputs


def _result(data: dict[str, Any], tmp: Path) -> dict[str, Any]:
    from mlf.results import result_document
    from mlf.scenario import load_scenario
    from mlf.talks import run_scenario

    path = tmp / "ratify.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    doc: dict[str, Any] = result_document(run_scenario(load_scenario(path)))
    return doc


def test_result_json_validates_and_the_report_shows_win_sets(tmp_path: Path) -> None:
    from mlf.report import render_html, render_markdown

    doc = _result(_data(), tmp_path)  # validated against the typed models on the way
    alt = doc["alternatives"][0]
    assert alt["status"] == "signed, not ratified"
    md = render_markdown(doc)
    assert "Ratification at home (not ratified)" in md
    assert (
        "| The element both parliaments care about | 50 percent | 0 to 20 percent "
        "| 80 to 100 percent | none (no ratifiable deal) |" in md
    )
    assert "| Nation A (A) | A's parliament | required | 0.5 | 0.8 | does not ratify |" in md
    html = render_html(doc)
    assert 'id="alt-deal-ratification"' in html
    assert "no ratifiable deal" in html


def test_mlf_run_reports_ratification_per_member(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mlf.cli import app

    path = tmp_path / "ratify.yaml"
    data = _data()
    _parl(data, "B", 100, 0.1)  # A refuses the signed 50, renegotiation lands at 15
    path.write_text(dump_yaml(data), encoding="utf-8")
    res = CliRunner().invoke(
        app, ["run", str(path), "--out", str(tmp_path / "out")], env={"COLUMNS": "200"}
    )
    assert res.exit_code == 0, res.output
    # The outcome column (the third) of the summary table, its wrapped lines joined.
    cells = [ln.split("│")[3].strip() for ln in res.output.splitlines() if ln.count("│") > 8]
    outcome = " ".join(c for c in cells if c)
    assert "agreement: A, B ratification: A yes, B yes (renegotiated)" in outcome


def test_wilson_interval_known_values() -> None:
    from mlf.sensitivity.summary import wilson_interval

    z2 = 1.959963984540054**2
    lo, hi = wilson_interval(0.0, 20) or [None, None]
    assert lo == 0.0 and hi == pytest.approx(z2 / (20 + z2))
    lo, hi = wilson_interval(0.5, 100) or [None, None]
    assert (lo, hi) == (pytest.approx(0.40383, abs=1e-5), pytest.approx(0.59617, abs=1e-5))
    assert wilson_interval(None, 10) is None and wilson_interval(0.5, 0) is None


def test_sweep_reports_p_signed_and_p_ratified_with_its_interval(tmp_path: Path) -> None:
    # The win-sets never intersect, whatever the capabilities: every draw signs, none ratifies.
    import json

    from typer.testing import CliRunner

    from mlf.cli import app

    data = _data()
    data["actors"]["A"]["capability"] = {"value": 0.5, "range": [0.3, 0.5, 0.7]}
    # the parliaments' positions held (a zero-width range), as their saliences are drawn too
    for aid, p in (("A", 0), ("B", 100)):
        data["actors"][aid]["ratifiers"]["parl"]["positions"]["share"]["range"] = [p, p, p]
    path = tmp_path / "ratify.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    out = tmp_path / "sweep"
    res = CliRunner().invoke(
        app,
        ["sweep", str(path), "--draws", "20", "--seed", "3", "--executor", "serial",
         "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    s = json.loads((out / "summary.json").read_text())["alternatives"]["deal"]
    assert s["p_signed"] == 1.0 and s["p_ratified"] == 0.0 == s["p_agreement"]
    z2 = 1.959963984540054**2
    assert s["p_ratified_interval"] == [0.0, pytest.approx(z2 / (20 + z2))]
    from mlf.report import render_markdown

    md = render_markdown(json.loads((out / "result.json").read_text()))
    # every probability with its Wilson interval (issue 13): agreement, signature, ratification
    row = next(ln for ln in md.splitlines() if ln.startswith("| The deal | 0.0%"))
    want = r"| The deal | 0.0% \[0.0%, 16.1%\] | 100.0% \[83.9%, 100.0%\] | 0.0% (0.0% to 16.1%) |"
    assert row.startswith(want), row  # brackets escaped by the Markdown renderer


def test_sweep_draws_vary_the_reservations() -> None:
    from mlf.sensitivity.draws import apply_draw, collect_inputs, current_values

    data = _data()
    data["actors"]["A"]["ratifiers"]["parl"]["reservation"] = {
        "value": 0.8, "range": [0.65, 0.8, 0.95], "estimate": True
    }
    sc = _scenario(data)
    inputs = collect_inputs(sc)
    assert [x.path for x in inputs] == ["actors.A.ratifiers.parl.reservation"]
    assert current_values(sc, inputs) == [0.8]
    drawn = apply_draw(sc, inputs, [0.7])
    assert drawn.actors["A"].ratifiers["parl"].reservation.value == 0.7
    assert sc.actors["A"].ratifiers["parl"].reservation.value == 0.8


def test_who_refuses_the_december_1964_surface_fleet_and_on_which_element() -> None:
    """mlf-1964-12, the surface fleet's last-round terms under every model (docs/scenarios/
    results.md): Congress refuses on the firing rule, the Commons on platform and manning;
    the Bundestag (no position) and Italy's Parliament (manning mixed40, inside) ratify."""
    from mlf.scenario import load_scenario

    sc = load_scenario("mlf-1964-12").scenario
    raw = {"platform": "surface", "force_size": 200, "firing_rule": "r3_us_bloc",
           "cost_split": 40, "manning": "mixed40", "scope": "broadened_uk"}  # fmt: skip
    terms = {k: float(sc.issues[k].to_number(v)) for k, v in raw.items()}
    rat = ratif.check(sc, ["USA", "FRG", "GBR", "ITA"], terms)
    assert rat.not_ratified_by == ("USA", "GBR")
    refused = {a: ratif.elements_refused(sc, m, terms) for a, m in rat.members.items()}
    assert refused == {
        "USA": ("firing_rule",),
        "FRG": (),
        "GBR": ("platform", "manning"),
        "ITA": (),
    }
    # an element no ratifier holds is never named, though its win-set is empty here
    assert rat.members["USA"].winsets["force_size"].empty
    # national crews: Italy's Parliament (manning mixed40, reservation 0.65) refuses on manning
    terms["manning"] = float(sc.issues["manning"].to_number("national"))
    rat = ratif.check(sc, ["ITA"], terms)
    assert rat.not_ratified_by == ("ITA",)
    assert ratif.elements_refused(sc, rat.members["ITA"], terms) == ("manning",)
    assert rat.members["ITA"].verdicts[0].utility == pytest.approx(0.5)  # one step of the 3 options
