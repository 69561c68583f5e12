"""The ladder of built-in snapshots: mlf-1963 -> mlf-1963-10 -> mlf-1964-06 -> mlf-1964-12.

Each rung is an overlay of the one before (`extends`), passes `mlf check --strict`, and uses
only sources and statements dated on or before its own date.
"""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from mlf.estimates import differences
from mlf.scenario import builtin_ids, builtin_path, load_scenario

LADDER = ("mlf-1963", "mlf-1963-10", "mlf-1964-06", "mlf-1964-12")
DATES = ("1963-07-15", "1963-10-11", "1964-06-13", "1964-12-15")


def test_the_ladder_is_built_in_and_dated_in_order() -> None:
    assert set(LADDER) <= set(builtin_ids())
    got = [load_scenario(s).scenario.meta.date.isoformat() for s in LADDER]
    assert got == list(DATES)


@pytest.mark.parametrize(("sid", "parent"), list(zip(LADDER[1:], LADDER[:-1], strict=True)))
def test_each_rung_is_an_overlay_of_the_one_before(sid: str, parent: str) -> None:
    raw = YAML(typ="safe").load(builtin_path(sid).read_text(encoding="utf-8"))
    assert raw["extends"] == parent
    assert raw["meta"]["id"] == sid
    # an overlay holds what changed, not a copy of its parent
    assert "issues" not in raw or set(raw["issues"]) < set(load_scenario(parent).scenario.issues)


@pytest.mark.parametrize("sid", LADDER)
def test_each_rung_passes_strict_with_no_warning(sid: str) -> None:
    loaded = load_scenario(sid, strict=True)
    assert loaded.warnings == ()
    assert differences(loaded.scenario) == []


@pytest.mark.parametrize("sid", LADDER)
def test_every_source_and_stance_is_dated_on_or_before_the_rung(sid: str) -> None:
    sc = load_scenario(sid).scenario
    for s in sc.meta.sources:
        assert s.earliest_date is not None, (sid, s.key)
        assert s.earliest_date <= sc.meta.date, (sid, s.key, s.date)
    for aid, actor in sc.actors.items():
        st = actor.stances
        stances = [st.voice, st.cost, *st.alternatives.values()]
        stances += [p.stance for p in actor.positions.values()]
        for x in stances:
            if x is not None and x.earliest_date is not None:
                assert x.earliest_date <= sc.meta.date, (sid, aid, x)


def test_each_rung_codes_a_statement_its_parent_did_not_have() -> None:
    """Every overlay changes at least one coded stance on an alternative; each changed code
    rests on a statement dated after the parent's date or on a source the parent lacks (the
    ladder is not a copy, and no code changes on evidence the parent already had)."""
    for sid, parent in zip(LADDER[1:], LADDER[:-1], strict=True):
        a = load_scenario(parent).scenario
        b = load_scenario(sid).scenario
        changed = [
            (aid, alt)
            for aid, actor in b.actors.items()
            for alt, x in actor.stances.alternatives.items()
            if aid in a.actors
            and (old := a.actors[aid].stances.alternatives.get(alt)) is not None
            and old.code != x.code
        ]
        assert changed, sid
        for aid, alt in changed:
            x = b.actors[aid].stances.alternatives[alt]
            assert (x.earliest_date is not None and x.earliest_date > a.meta.date) or any(
                k not in {s.key for s in a.meta.sources} for k in x.sources
            ), (sid, aid, alt)
