"""Every built-in can be kept as text on its own (the exercise server stores what it played)."""

from __future__ import annotations

import pytest

from mlf.scenario import builtin_ids, builtin_text, load_scenario, parse_scenario


@pytest.mark.parametrize("scenario_id", builtin_ids())
def test_builtin_text_reads_back_to_the_same_scenario(scenario_id: str) -> None:
    text = builtin_text(scenario_id)
    scenario, warnings = parse_scenario(text, f"{scenario_id}.yaml", strict=True)
    assert scenario == load_scenario(scenario_id).scenario
    assert not warnings


def test_the_ladder_is_merged_not_copied() -> None:
    loaded = load_scenario("mlf-1964-12")
    assert len(loaded.layers) == 4
    assert "extends" not in builtin_text("mlf-1964-12")
