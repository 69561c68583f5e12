"""Issues belong to alternatives (issue 10, finding 7).

The status quo (no force) used to "agree" on taking British Polaris into a force, and Norway
and Denmark were invited to assign national forces they did not have.
"""

from __future__ import annotations

from _scenario_yaml import builtin_data, dump_yaml
from mlf.scenario import (
    issue_applies,
    issues_for,
    load_scenario,
    parse_scenario,
)
from mlf.talks import british_question, run_alternative


def test_scope_does_not_apply_to_a_status_quo_without_force() -> None:
    sc = load_scenario("mlf-1963").scenario
    sq = sc.alternatives["status_quo_consultation"]
    assert not issue_applies(sc.issues, sq, "scope")  # broadened_uk sets in_kind: no force
    assert issue_applies(sc.issues, sc.alternatives["mlf_surface"], "scope")
    assert issues_for(sc, "mlf_surface") == sc.alternatives["mlf_surface"].open


def test_check_warns_and_talks_leave_out_an_issue_that_does_not_apply() -> None:
    data = builtin_data("mlf-1963")
    data["alternatives"]["status_quo_consultation"]["open"] = ["scope"]
    sc, warnings = parse_scenario(dump_yaml(data), "sq.yaml")
    assert len(warnings) == 1
    assert "alternatives.status_quo_consultation.open.0: issue 'scope' sets in_kind, which " in (
        warnings[0]
    )
    assert issues_for(sc, "status_quo_consultation") == []
    out = run_alternative(sc, "status_quo_consultation")
    assert "scope" not in out.agreed
    assert any("scope does not apply" in n for n in out.notes)


def test_builtin_status_quo_negotiates_no_british_polaris() -> None:
    for sid in ("mlf-1963", "mlf-1964-12"):
        sc = load_scenario(sid).scenario
        out = run_alternative(sc, "status_quo_consultation")
        assert "scope" not in out.agreed
        bq = british_question(sc, [out], model=sc.settings.model, seed=sc.settings.seed)
        assert bq is not None
        assert "status_quo_consultation" not in bq["alternatives"]


def test_no_one_is_invited_to_assign_forces_it_does_not_have() -> None:
    for sid in ("mlf-1963", "mlf-1964-12"):
        invited = load_scenario(sid).scenario.alternatives["nato_national"].invited
        assert "NOR" not in invited and "DNK" not in invited
        assert {"USA", "GBR", "FRG", "NLD", "BEL"} <= set(invited)

