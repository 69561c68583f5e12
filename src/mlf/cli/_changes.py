"""The options that change a scenario before a run: ``--set``, ``--overlay`` and
``--counterfactual`` (shared by ``mlf run``, ``mlf sweep`` and ``mlf forecast``).

The changes themselves are :func:`mlf.scenario.apply_changes`; this module only declares the
flags and loads the changed scenario.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from mlf.scenario import LoadedScenario


def set_option() -> Any:
    return typer.Option(
        [],
        "--set",
        metavar="PATH=VALUE",
        help="Change one field of the scenario (repeatable), PATH as in mlf check's messages, "
        "e.g. actors.GBR.outside_option.mlf_surface=0.5; VALUE is YAML (null removes).",
    )


def overlay_option() -> Any:
    return typer.Option(
        [],
        "--overlay",
        metavar="FILE.yaml",
        help="Apply the changes in an overlay file (repeatable; written as a scenario that "
        "extends this one, without extends).",
    )


def counterfactual_option() -> Any:
    return typer.Option(
        None,
        "--counterfactual",
        metavar="ID",
        help="Run the scenario's named counterfactual ID (its counterfactuals: block).",
    )


def load_changed(
    ref: str,
    *,
    sets: Sequence[str] = (),
    overlays: Sequence[Path | str] = (),
    counterfactual: str | None = None,
) -> LoadedScenario:
    """The scenario ``ref`` with the changes asked for applied (the counterfactual, then the
    overlays, then each ``--set``)."""
    from mlf.scenario import apply_changes, load_scenario

    loaded = load_scenario(ref)
    return apply_changes(
        loaded, counterfactual=counterfactual, overlays=list(overlays), sets=list(sets)
    )


def flags_of(requests: Sequence[Mapping[str, Any]]) -> tuple[str | None, list[str], list[str]]:
    """The counterfactual, overlays and sets that made recorded ``requests`` (to redo them)."""
    cf = next((str(r["text"]) for r in requests if r.get("kind") == "counterfactual"), None)
    overlays = [str(r["text"]) for r in requests if r.get("kind") == "overlay"]
    sets = [str(r["text"]) for r in requests if r.get("kind") == "set"]
    return cf, overlays, sets


def describe(loaded: LoadedScenario) -> list[str]:
    """One line per change asked for, for the terminal (empty: no change)."""
    out: list[str] = []
    for r in loaded.requests:
        if r.kind == "counterfactual":
            head = f"counterfactual {r.text}: {r.title}"
        elif r.kind == "overlay":
            head = f"overlay {r.text}"
        else:
            head = f"--set {r.text}"
        out.append(f"{head} ({len(r.changes)} field{'' if len(r.changes) == 1 else 's'} changed)")
    return out
