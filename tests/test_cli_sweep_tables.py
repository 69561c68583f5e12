"""``mlf sweep``'s terminal tables, pinned as text: the summary table, the by-model table and
the line on what was varied, rendered from stored summaries (no sweep is run).

The golden file was written by the tables as they read the summary as a dict; they read it
through :class:`mlf.results.SweepSummary` now, and print the same bytes. Update it on purpose
(a deliberate change to the tables) with ``MLF_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from rich.console import Console

from _sweep_summary import alternative, summary
from mlf.cli.sweep import _by_model_table, _summary_table, _varied_line
from mlf.results import SweepSummary, validate_sweep_summary

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "golden" / "sweep-tables.txt"


def _summaries() -> dict[str, SweepSummary]:
    stored = json.loads((DATA / "result-sweep.json").read_text(encoding="utf-8"))
    made = summary(
        10,
        {
            "fleet": alternative(
                0.5,
                p_join={"GBR": 0.25},
                forecast={"size": {"q05": 10.0, "q50": 20.5, "q95": 31.25}},
                tornado=[("actors.GBR.capability", 0.5), ("actors.FRG.capability", -0.25)],
            ),
            "talks": alternative(None, forecast={"size": {}}),
        },
    )
    made["pivotal_actor"] = "GBR"  # invited to the fleet only: "not invited" to the talks
    return {
        "stored sweep (two models, pivot UK)": validate_sweep_summary(stored["sensitivity"]),
        "made up": validate_sweep_summary(made),
    }


def _render(data: SweepSummary) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=100, color_system=None, legacy_windows=False)
    console.print(_summary_table(data))
    if data.by_model:
        console.print(_by_model_table(data))
    console.print(_varied_line(data), highlight=False, markup=False)
    return buf.getvalue()


def _all() -> str:
    return "".join(f"== {name}\n{_render(s)}" for name, s in _summaries().items())


def test_the_tables_print_what_they_printed() -> None:
    text = _all()
    if os.environ.get("MLF_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_the_golden_shows_every_branch() -> None:
    """The pinned text holds each kind of cell, so a change to any is seen."""
    golden = GOLDEN.read_text(encoding="utf-8")
    for cell in (
        "P(UK joins)",
        "not invited",
        "(agreement does not",
        "P(agreement) by the model drawn",
        "size: 20.5 [10, 31.25]",
        "actors.FRG.capability:",
        "varied inputs: 21 (2 with a",
    ):
        assert cell in golden, cell
