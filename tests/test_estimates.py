"""Estimates follow a written rule from coded, dated stances (issue 10, finding 9).

Every estimated outside option, support value, weight, salience and unsourced contribution of
the built-ins is recomputed here from the coded stances by :mod:`mlf.estimates`; the test fails
if the YAML holds anything else. The rule is documented in docs/scenarios/estimates.md.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from _scenario_yaml import builtin_data, dump_yaml
from mlf.costs import split_proportional
from mlf.errors import ScenarioErrors
from mlf.estimates import ALTERNATIVE_CODES, derive, differences
from mlf.games import RuleContext, game_from_spec
from mlf.power import power_indices
from mlf.scenario import builtin_ids, builtin_path, load_scenario, parse_scenario

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs" / "scenarios"


@pytest.mark.parametrize("sid", builtin_ids())
def test_every_estimate_of_the_builtins_follows_the_rule(sid: str) -> None:
    sc = load_scenario(sid, strict=True).scenario
    assert differences(sc) == []
    assert len(derive(sc)) > 100  # the rule covers the scenario, not a corner of it


def test_the_rule_is_live_a_changed_stance_changes_the_expected_numbers() -> None:
    data = builtin_data("mlf-1963")
    stance = data["actors"]["FRG"]["stances"]["alternatives"]["mlf_surface"]
    assert stance["code"] == "supports"
    stance["code"] = "opposed"
    sc, _ = parse_scenario(dump_yaml(data), "changed.yaml", strict=True)
    diffs = differences(sc)
    assert any(d.startswith("actors.FRG.outside_option.mlf_surface: holds 0.6 [") for d in diffs)
    assert any(d.startswith("actors.FRG.support.mlf_surface: holds 0.8") for d in diffs)
    expected = ALTERNATIVE_CODES["opposed"][1] * (1.0 + 1.0)  # FRG: policy 1, voice 1
    assert any(f"the rule gives {expected:g}" in d for d in diffs)


def test_a_position_without_a_coded_statement_is_reported() -> None:
    data = builtin_data("mlf-1963")
    del data["actors"]["GBR"]["positions"]["scope"]["stance"]
    sc, _ = parse_scenario(dump_yaml(data), "nostance.yaml")
    assert "actors.GBR.positions.scope: a position with no coded stance" in "\n".join(
        differences(sc)
    )


@pytest.mark.parametrize(
    ("stance", "message"),
    [
        ({"code": "adores"}, "unknown stance code 'adores'"),
        ({"code": "supports"}, "needs the sources and the date of the statement"),
        ({"code": "supports", "sources": ["F63-187"], "date": "1963-08"}, "(hindsight)"),
        ({"code": "supports", "sources": ["WB-GDP"], "date": "1963"}, "is structural data"),
    ],
)
def test_stances_are_checked(stance: dict[str, Any], message: str) -> None:
    data = builtin_data("mlf-1963")
    data["actors"]["ITA"]["stances"]["alternatives"]["mlf_surface"] = stance
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(dump_yaml(data), "bad.yaml", strict=True)
    lines = [x for x in info.value.lines() if "actors.ITA.stances.alternatives.mlf_surface" in x]
    assert lines and any(message in x for x in lines), info.value.lines()


_HINDSIGHT = re.compile(
    r"set so that|by design|historical pattern|so that (?:it|they|\w+) (?:joins|stays)|"
    r"to keep the \w+ out",
    re.IGNORECASE,
)


@pytest.mark.parametrize("sid", builtin_ids())
def test_no_calibration_to_the_outcome_in_the_builtins_or_their_docs(sid: str) -> None:
    text = builtin_path(sid).read_text(encoding="utf-8")
    assert _HINDSIGHT.findall(text) == []
    for page in DOCS.glob("*.md"):
        assert _HINDSIGHT.findall(page.read_text(encoding="utf-8")) == [], page.name


@pytest.mark.parametrize("sid", builtin_ids())
def test_contributions_sum_to_100_and_the_sourced_shares_hold(sid: str) -> None:
    sc = load_scenario(sid).scenario
    contrib = {a: x.contribution.value for a, x in sc.actors.items() if x.contribution}
    assert sum(contrib.values()) == pytest.approx(100.0, abs=1e-6)
    # All invited to the surface fleet join, the US leads with its sourced 40%: the rest split in
    # proportion to the contributions under the 40% ceiling gives the FRG its sourced 40%.
    rest = {a: v for a, v in contrib.items() if a != "USA"}
    split = split_proportional(rest, 0.6, Fraction(2, 3), exact=False)
    paid = dict(zip(split.members, split.amounts, strict=True))
    assert float(paid["FRG"]) == pytest.approx(0.40, abs=1e-9)
    assert 0.10 <= float(paid["GBR"]) <= 0.15  # Kennedy's 10-15% (F63-194)


def test_the_anf_rule_gives_germany_the_equality_with_britain_its_sources_state() -> None:
    sc = load_scenario("mlf-1964-12").scenario
    opt = next(o for o in sc.issues["firing_rule"].options or [] if o.id == "r1b_anf")
    members = ("USA", "GBR", "FRG", "ITA", "NLD", "BEL", "GRC", "TUR")
    eu = [m for m in members if sc.actors[m].european]
    assert opt.settings.rule is not None
    game = game_from_spec(opt.settings.rule, RuleContext(members, {"european": eu}))
    bz = power_indices(game, ["banzhaf"], exact=True).indices["banzhaf"]
    assert bz["FRG"] == bz["GBR"] > bz["ITA"]


# --------------------------------------------------------------------------- the docs' tables


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


def stance_rows(sid: str) -> list[str]:
    """The rows of "Coded stances of `SID`" in docs/scenarios/estimates.md, from the YAML:
    every coded stance (not ``no_statement``) of every actor, in the file's order."""
    sc = load_scenario(sid).scenario
    out = []
    for aid, a in sc.actors.items():
        items: list[tuple[str, Any]] = []
        if a.stances is not None:
            if a.stances.voice is not None:
                items.append(("share in control (voice)", a.stances.voice))
            if a.stances.cost is not None:
                items.append(("paying (cost)", a.stances.cost))
            items += [(f"alternative `{k}`", s) for k, s in a.stances.alternatives.items()]
        for iid, p in a.positions.items():
            if p.stance is not None:
                pos = p.position
                shown = f"{pos:g}" if isinstance(pos, float) else str(pos)
                items.append((f"position on `{iid}` = {shown}", p.stance))
        for topic, s in items:
            if s.code == "no_statement":
                continue
            note = " ".join((s.note or "").split())
            out.append(
                f"| {aid} | {topic} | {s.code} | {', '.join(s.sources)} | {s.date} | {note} |"
            )
    return out


def rule_cells(sid: str) -> dict[str, dict[str, str]]:
    """"What the rule gives in `SID`": per actor, per alternative "outside / support" and the
    weights "voice / cost" (actors with no support at all, none)."""
    sc = load_scenario(sid).scenario
    out: dict[str, dict[str, str]] = {}
    for aid, a in sc.actors.items():
        if not a.support:
            continue
        row = {}
        for alt in sc.alternatives:
            oo, su = a.outside_option.get(alt), a.support.get(alt)
            row[f"`{alt}`"] = (
                f"{_num(oo.value if oo else None)} / {_num(su.value if su else None)}"
            )
        row["voice / cost"] = f"{_num(a.weights.voice)} / {_num(a.weights.cost)}"
        out[aid] = row
    return out


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end >= 0 else len(text)]


@pytest.mark.parametrize("sid", builtin_ids())
def test_every_coded_stance_and_estimate_of_a_builtin_is_in_the_docs_tables(sid: str) -> None:
    """docs/scenarios/estimates.md lists, for every built-in (the ladder's rungs too), each
    coded stance and what the rule gives from them; a stance added to a built-in without its
    row, or a row left behind by a changed one, fails here."""
    text = (DOCS / "estimates.md").read_text(encoding="utf-8")
    date = load_scenario(sid).scenario.meta.date.isoformat()
    stances = _section(text, f"## Coded stances of `{sid}` (as of {date})")
    table = [ln for ln in stances.split("### ")[0].splitlines() if ln.startswith("| ")][1:]
    assert sorted(table) == sorted(stance_rows(sid))  # (the rows' order is the page's)
    gives = _section(stances, f"### What the rule gives in `{sid}`")
    lines = [ln for ln in gives.splitlines() if ln.startswith("|")]
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    shown = {
        cells[0]: dict(zip(head[1:], cells[1:], strict=True))
        for cells in ([c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:])
    }
    assert shown == rule_cells(sid)
