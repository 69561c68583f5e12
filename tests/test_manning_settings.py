"""No silent manning defaults (issue 12, Build 4): without ``units_per_ship`` or
``crew_per_ship`` mixed manning is "not analysed" with one line, in the result and the report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from mlf.report import render_html, render_markdown
from mlf.results import Manning, validate_result
from mlf.scenario import ArrangementSettings, builtin_path
from mlf.talks import Arrangement, _manning

MINIMAL = Path(__file__).parent / "data" / "result-minimal.json"


def _arrangement(**settings: Any) -> Arrangement:
    st = ArrangementSettings(mixed_manning=True, **settings)
    members = ("USA", "FRG", "ITA")
    pay = {"USA": 3.0, "FRG": 2.0, "ITA": 1.0}
    return Arrangement(
        members=members, settings=st, game=None, units=16.0, units_in_kind=0.0,
        annual_cost=6.0, split=None, payments=pay, budget_share={}, feasible=True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"crew_per_ship": 300}, "no units_per_ship to"),
        ({"units_per_ship": 8}, "no crew_per_ship to"),
        ({}, "no units_per_ship and no crew_per_ship to"),
    ],
)
def test_a_missing_ship_size_leaves_manning_not_analysed(
    given: dict[str, int], missing: str
) -> None:
    man = _manning(_arrangement(**given))
    assert man is not None
    assert man["status"] == "not analysed" and man["feasible"] is False
    reason = man["reason"]
    assert reason.startswith("manning not analysed: ") and missing in reason
    assert "\n" not in reason and "ships" not in man and "patterns" not in man
    Manning.model_validate(man)  # what result.json's schema accepts


def test_with_both_stated_the_plan_uses_them() -> None:
    man = _manning(_arrangement(units_per_ship=8, crew_per_ship=30))
    assert man is not None and man["feasible"] is True and "status" in man
    assert man.get("status") != "not analysed"
    assert sum(man["totals"].values()) == 2 * 30  # 16 units, 8 a ship: two ships of 30


def test_the_report_shows_the_reason() -> None:
    result = json.loads(MINIMAL.read_text(encoding="utf-8"))
    reason = "manning not analysed: mixed manning is agreed but ... give no crew_per_ship to size"
    fleet = next(a for a in result["alternatives"] if a.get("manning"))
    fleet["manning"] = {
        "mixed": True,
        "feasible": False,
        "status": "not analysed",
        "reason": reason,
    }
    validate_result(result)  # the typed result (mlf.results) accepts it
    html, md = render_html(result), render_markdown(result)
    assert "Manning not analysed: mixed manning is agreed" in html
    assert "No crewing plan exists" not in html and "Crews per ship pattern" not in html
    assert "Manning: manning not analysed: mixed manning is agreed" in md  # (md escapes _)


def test_the_builtins_state_every_ship_size_they_man() -> None:
    """Each built-in alternative or manning option that can agree mixed manning states both
    sizes, so no built-in relies on a value the library would have to assume."""
    for sid in ("mlf-1963", "mlf-1964-12"):
        data = YAML(typ="safe").load(builtin_path(sid).read_text(encoding="utf-8"))
        for aid, alt in data["alternatives"].items():
            st = alt.get("settings") or {}
            if st.get("mixed_manning") is False:
                continue
            if "manning" not in (alt.get("open") or []) and not st.get("mixed_manning"):
                continue
            assert st.get("units_per_ship") and st.get("crew_per_ship"), (sid, aid)
