"""The fast read of a scenario (ruamel's C loader, no locations) stands for the located read.

:func:`mlf.scenario.load_scenario` first reads a file (and every file of an ``extends``
chain) with the C loader and validates it, counterfactuals included; any problem or warning
to report hands it to the located round-trip read, which reports it in place. So the fast
read must give the same scenario, data and hash as the located read, and every problem,
warning and message must be the located read's. Each case here loads with the fast read and
with it turned off (``_fast_tree`` returning None) and compares.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mlf.scenario as scn
from mlf.errors import ScenarioErrors
from mlf.scenario import builtin_ids, builtin_text, load_scenario


def _outcome(ref: str | Path, *, strict: bool = False) -> tuple[Any, ...]:
    try:
        loaded = load_scenario(ref, strict=strict)
    except ScenarioErrors as exc:
        return ("errors", tuple(exc.lines()))
    return (
        "ok",
        loaded.scenario,
        loaded.sha256,
        loaded.warnings,
        loaded.layers,
        loaded.data,
        loaded.path,
        loaded.builtin,
    )


def _both(
    monkeypatch: pytest.MonkeyPatch, ref: str | Path, *, strict: bool = False
) -> tuple[tuple[Any, ...], tuple[Any, ...], int]:
    """The outcome with the fast read, the outcome without it, and how many files the
    located (round-trip) read parsed on the way to the first."""
    located = scn._read_tree
    calls = [0]

    def counted(text: str, file: str) -> Any:
        calls[0] += 1
        return located(text, file)

    with monkeypatch.context() as m:
        m.setattr(scn, "_read_tree", counted)
        fast = _outcome(ref, strict=strict)
    with monkeypatch.context() as m:
        m.setattr(scn, "_fast_tree", lambda text: None)
        slow = _outcome(ref, strict=strict)
    return fast, slow, calls[0]


@pytest.mark.parametrize("sid", ["mlf-1963", "mlf-1963-10", "mlf-1964-06", "mlf-1964-12"])
def test_a_valid_builtin_takes_the_fast_read_with_the_located_reads_result(
    monkeypatch: pytest.MonkeyPatch, sid: str
) -> None:
    assert sid in builtin_ids()
    assert "counterfactuals:" in builtin_text("mlf-1963")  # the chain's root has some
    fast, slow, located_reads = _both(monkeypatch, sid, strict=True)
    assert fast[0] == "ok"
    assert fast == slow
    assert located_reads == 0  # counterfactuals and extends no longer force the slow read


def _variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = builtin_text("mlf-1963")
    assert old in text  # the built-in still has what this case changes
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


CF_STANCE = "mlf_surface: {code: supports, sources: [F63-194], date: 1963-05,"


@pytest.mark.parametrize(
    ("new", "strict", "kind"),
    [
        # an error only the counterfactual has (an unknown stance code)
        (CF_STANCE.replace("supports", "bogus"), False, "errors"),
        # a warning only the counterfactual has (a stance dated after the scenario)
        (CF_STANCE.replace("1963-05", "1963-09"), False, "ok"),
        (CF_STANCE.replace("1963-05", "1963-09"), True, "errors"),
    ],
    ids=["cf-error", "cf-warning", "cf-warning-strict"],
)
def test_a_counterfactuals_problem_is_the_located_reads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, new: str, strict: bool, kind: str
) -> None:
    path = _variant(tmp_path, "cf.yaml", CF_STANCE, new)
    fast, slow, located_reads = _both(monkeypatch, path, strict=strict)
    assert fast == slow
    assert fast[0] == kind
    assert located_reads == 1  # the fast read found something to report and handed over
    if kind == "ok":
        assert len(fast[3]) == 1 and "uk_in_at_kennedy_share" in fast[3][0]
    else:
        assert any(f"{path}:" in line for line in fast[1])  # located in the file


def test_an_overlays_problem_is_the_located_reads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "over.yaml"
    path.write_text(
        "extends: mlf-1963\nmeta:\n  id: over\nsettings:\n  model: nothing_like_it\n", "utf-8"
    )
    fast, slow, located_reads = _both(monkeypatch, path)
    assert fast == slow
    assert fast[0] == "errors"
    assert any(line.startswith(f"{path}:5:") for line in fast[1])
    assert located_reads == 2  # the overlay and its parent, read again with locations


def test_the_fast_read_refuses_what_the_located_read_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The node count and the nesting depth of _Plain.measure, checked by the fast read too:
    # a limit the located read reports is never passed over by the fast one.
    # (A count above a size limit, MAX_ACTORS and the like, is still refused at once, from
    # the fast read: tests/test_cli_bad_inputs.py, run-actors10k.)
    text = builtin_text("mlf-1963")
    tree = scn._fast_tree(text)
    assert tree is not None and tree[1]
    for name, value, words in (("MAX_NODES", 1000, "values"), ("MAX_DEPTH", 6, "levels deep")):
        with monkeypatch.context() as m:
            m.setattr(scn, name, value)
            tree = scn._fast_tree(text)
            assert tree is not None and not tree[1]
            fast, slow, _ = _both(monkeypatch, "mlf-1963")
            assert fast == slow
            assert fast[0] == "errors" and words in fast[1][0]


@pytest.mark.parametrize(
    "sid", ["mlf-1963", "mlf-1964-12", str(Path(__file__).parent / "data/scenarios/small.yaml")]
)
def test_the_parts_of_a_valid_scenario_are_its_own(sid: str) -> None:
    # The cross-checks of a valid scenario take its parts from the validated scenario
    # (_Parts.from_scenario) rather than validating each part again (_Parts.from_raw).
    raw = load_scenario(sid).data
    assert raw is not None
    scenario = scn.Scenario.model_validate(raw)
    assert scn._Parts.from_scenario(raw, scenario) == scn._Parts.from_raw(raw)


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        # a lone surrogate written as a YAML escape in a double-quoted string
        ("name: United Kingdom", 'name: "United\\ud800 Kingdom"',
         "actors.GBR.name: a lone surrogate \\ud800 (character 7) is not a character"),
        # a pair of escapes (as JSON writes U+1F600): YAML's \u is one character each
        ("name: United Kingdom", 'name: "UK \\ud83d\\ude00"',
         "actors.GBR.name: the surrogate pair \\ud83d\\ude00 (character 4) cannot be written as "
         "UTF-8: write U+1F600 as one escape, \\U0001f600"),
        # in a key (an actor id): the field path shows it escaped
        ("\n  GBR:\n", '\n  "GB\\udc80":\n', "actors.GB\\udc80: key: a lone surrogate \\udc80"),
    ],
    ids=["lone", "pair", "key"],
)  # fmt: skip
def test_text_not_writable_as_utf8_is_one_located_line_on_both_reads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, old: str, new: str, line: str
) -> None:
    # Such a string used to pass the check and end `mlf show` / `mlf run` in a traceback
    # when the table or result.json was written.
    path = _variant(tmp_path, "surrogate.yaml", old, new)
    fast, slow, _ = _both(monkeypatch, path)
    assert fast == slow
    assert fast[0] == "errors" and len(fast[1]) == 1
    assert fast[1][0].startswith(f"{path}:") and line in fast[1][0]
    assert fast[1][0].encode("utf-8")  # the message itself can be printed
