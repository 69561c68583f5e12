"""Scenario overlays (``extends``): the merge rules, errors located in the file that set the
value, cycles, depth, the hash of the merged scenario, hindsight against the overlay's date."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlf.errors import ScenarioErrors
from mlf.overlay import MISSING, Origin, brief, canonical_sha256, diff, locate, merge
from mlf.scenario import MAX_EXTENDS, load_scenario, overlay_diff

TOY = Path(__file__).parent / "data" / "toy-talks.yaml"


def _files(tmp_path: Path, **files: str) -> dict[str, Path]:
    (tmp_path / "base.yaml").write_text(TOY.read_text(encoding="utf-8"), encoding="utf-8")
    out = {"base": tmp_path / "base.yaml"}
    for name, text in files.items():
        p = tmp_path / f"{name}.yaml"
        p.write_text(text, encoding="utf-8")
        out[name] = p
    return out


def _errors(path: Path, *, strict: bool = False) -> list[str]:
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(path, strict=strict)
    lines = info.value.lines()
    assert lines and all("\n" not in ln and "Traceback" not in ln for ln in lines)
    return lines


CHILD = """\
extends: base.yaml
meta:
  id: toy-child
  title: Toy talks, in October
  date: 1963-10-11
  sources:
    add:
      - {key: T2, title: Later source, date: 1963-09, confidence: C}
actors:
  C:
    outside_option:
      force: {value: 0.2, sources: [T2]}
  D: ~
alternatives:
  force:
    invited: {remove: [D]}
  other:
    invited: [B, C]
"""


# --------------------------------------------------------------------------- merging


def test_an_overlay_gives_only_what_changed(tmp_path: Path) -> None:
    f = _files(tmp_path, child=CHILD)
    base, child = load_scenario(f["base"]), load_scenario(f["child"])
    sc = child.scenario
    assert (sc.meta.id, sc.meta.title, str(sc.meta.date)) == (
        "toy-child",
        "Toy talks, in October",
        "1963-10-11",
    )
    assert [s.key for s in sc.meta.sources] == ["T1", "T2"]  # extended
    assert list(sc.actors) == ["A", "B", "C"]  # D removed with null
    q = sc.actors["C"].outside_option["force"]
    assert (q.value, q.sources) == (0.2, ["T2"])
    assert sc.actors["C"].outside_option["other"].value == 0.5  # kept from the parent
    assert sc.alternatives["force"].invited == ["A", "B", "C"]  # edited
    assert sc.alternatives["other"].invited == ["B", "C"]  # replaced
    assert sc.actors["A"] == base.scenario.actors["A"]
    assert child.warnings == ()
    # the hash is that of the merged scenario; each file is recorded with its own
    assert child.sha256 == canonical_sha256(child.data) != base.sha256
    assert child.layers == (
        (str(f["base"]), hashlib.sha256(f["base"].read_bytes()).hexdigest()),
        (str(f["child"]), hashlib.sha256(f["child"].read_bytes()).hexdigest()),
    )
    assert base.layers == ((str(f["base"]), base.sha256),)


def test_a_new_value_drops_the_old_values_provenance() -> None:
    base = {
        "q": {"value": 1.0, "sources": ["S1"], "range": [0, 1, 2], "estimate": True},
        "p": {"position": 10, "salience": {"value": 0.5}, "sources": ["S1"], "note": "old"},
        "s": {"code": "supports", "sources": ["S1"], "date": "1963"},
        "m": {"units": 5, "note": "kept"},
    }
    over = {
        "q": {"value": 3.0},
        "p": {"position": 20},
        "s": {"code": "opposes"},
        "m": {"units": 7},
    }
    merged, _, problems = merge(base, Origin(0, ()), over, 1)
    assert problems == []
    assert merged == {
        "q": {"value": 3.0},
        "p": {"position": 20, "salience": {"value": 0.5}},
        "s": {"code": "opposes"},
        "m": {"units": 7, "note": "kept"},
    }
    # a note or a range added to a value keeps the value's sources
    merged, _, _ = merge(base, Origin(0, ()), {"q": {"note": "why"}}, 1)
    assert merged["q"]["sources"] == ["S1"] and merged["q"]["note"] == "why"


def test_list_edits_and_their_problems() -> None:
    base = {
        "xs": ["A", "B", "C"],
        "srcs": [{"key": "K1", "title": "a"}, {"key": "K2", "title": "b"}],
    }
    over = {
        "xs": {"add": ["D"], "remove": ["B"]},
        "srcs": {"remove": ["K1"], "add": [{"key": "K3", "title": "c"}]},
    }
    merged, org, problems = merge(base, Origin(0, ()), over, 1)
    assert problems == []
    assert merged["xs"] == ["A", "C", "D"]
    assert [s["key"] for s in merged["srcs"]] == ["K2", "K3"]
    # each item is located where it was written
    assert locate(org, ["xs", 1]) == (0, ("xs", 2))
    assert locate(org, ["xs", 2]) == (1, ("xs", "add", 0))
    assert locate(org, ["srcs", 1, "title"]) == (1, ("srcs", "add", 0, "title"))
    _, _, problems = merge(
        base,
        Origin(0, ()),
        {"xs": {"remove": ["Z"]}, "srcs": {"append": [1]}, "gone": None},
        1,
    )
    assert [(p.at, p.reason) for p in problems] == [
        (("xs", "remove", 0), "'Z' is not in the parent's list"),
        (
            ("srcs",),
            "the parent has a list here: give a list (it replaces the parent's) or "
            "{add: [...], remove: [...]}",
        ),
        (("gone",), "removes a key the parent does not have"),
    ]


_KEYS = st.sampled_from(["a", "b", "c"])
_DATA = st.recursive(
    st.integers(0, 3) | st.sampled_from(["x", "y"]),
    lambda inner: st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEYS, _DATA, max_size=3), st.dictionaries(_KEYS, _DATA, max_size=3))
def test_merge_properties(base: dict[str, Any], over: dict[str, Any]) -> None:
    same, _, problems = merge(base, Origin(0, ()), {}, 1)
    assert same == base and problems == []
    merged, org, problems = merge(base, Origin(0, ()), over, 1)
    assert problems == []
    # every top-level key the overlay gives has the overlay's value, unless both are mappings
    for k, v in over.items():
        if not (isinstance(v, dict) and isinstance(base.get(k), dict)):
            assert merged[k] == v
            assert locate(org, [k])[0] == 1
    for k in base:
        if k not in over:
            assert merged[k] == base[k] and locate(org, [k]) == (0, (k,))
    # the diff names only fields the overlay wrote, and applying it again changes nothing
    for change in diff(base, merged):
        assert change.path.split(".")[0] in over
        assert change.new is not MISSING
    again, _, _ = merge(merged, org, over, 2)
    assert again == merged


# --------------------------------------------------------------------------- located errors


def test_errors_are_located_in_the_file_that_set_the_value(tmp_path: Path) -> None:
    f = _files(
        tmp_path,
        child="""\
extends: base.yaml
meta: {id: toy-child}
actors:
  C:
    capability: -1
alternatives:
  force:
    invited: {add: [ZZ]}
    open: {remove: [nope]}
""",
    )
    child = f["child"]
    assert _errors(child) == [
        f"{child}:9:21: alternatives.force.open: 'nope' is not in the parent's list",
    ]
    child.write_text(child.read_text().replace("    open: {remove: [nope]}\n", ""))
    assert _errors(child) == [
        f"{child}:5:17: actors.C.capability: -1 is negative: must be >= 0",
        f"{child}:8:21: alternatives.force.invited.4: unknown actor 'ZZ'",
    ]
    # an error in the parent, left as it was, is located in the parent
    base = f["base"]
    base.write_text(base.read_text().replace("min_members: 3", "min_members: 9"))
    child.write_text("extends: base.yaml\nmeta: {id: toy-child}\n")
    (line,) = _errors(child)
    assert line.startswith(f"{base}:112:18: alternatives.force.min_members: needs 9 members")
    # a required field an overlay removes is located at its null
    base.write_text(TOY.read_text(encoding="utf-8"), encoding="utf-8")
    child.write_text("extends: base.yaml\nmeta: {id: toy-child}\nactors: {A: {name: ~}}\n")
    assert _errors(child) == [f"{child}:3:20: actors.A.name: required field is missing"]


def test_hindsight_is_judged_against_the_overlays_own_date(tmp_path: Path) -> None:
    f = _files(
        tmp_path,
        early="""\
extends: mlf-1963
meta:
  id: early
  date: 1962-12-01
""",
        late=CHILD.replace("date: 1963-10-11", "date: 1963-08-01"),
    )
    # the parent's sources after the overlay's date: located in the parent
    warnings = load_scenario(f["early"]).warnings
    assert warnings and all(w.startswith("warning: mlf-1963.yaml:") for w in warnings)
    assert any("after the scenario's date 1962-12-01 (hindsight)" in w for w in warnings)
    with pytest.raises(ScenarioErrors):
        load_scenario(f["early"], strict=True)
    # the overlay's own later source: located in the overlay, an error with --strict
    assert _errors(f["late"], strict=True) == [
        f"{f['late']}:12:37: actors.C.outside_option.force.sources.0: source 'T2' is dated "
        "1963-09, after the scenario's date 1963-08-01 (hindsight)"
    ]


def test_bad_chains_are_refused_at_the_extends(tmp_path: Path) -> None:
    f = _files(
        tmp_path,
        a="extends: b.yaml\nmeta: {id: a}\n",
        b="extends: a.yaml\nmeta: {id: b}\n",
        missing="extends: nowhere.yaml\nmeta: {id: m}\n",
        noid="extends: base.yaml\nactors: {A: {capability: 1}}\n",
        sameid="extends: base.yaml\nmeta: {id: toy-talks}\n",
        number="extends: 3\nmeta: {id: n}\n",
        self="extends: self.yaml\nmeta: {id: s}\n",
    )
    assert _errors(f["a"]) == [
        f"{f['b']}:1:10: extends: 'a.yaml' closes a cycle: {f['a']} -> {f['b']} -> {f['a']}"
    ]
    assert _errors(f["self"]) == [
        f"{f['self']}:1:10: extends: 'self.yaml' closes a cycle: {f['self']} -> {f['self']}"
    ]
    (line,) = _errors(f["missing"])
    assert line.startswith(f"{f['missing']}:1:10: extends: no such file or built-in scenario")
    assert "'nowhere.yaml'" in line
    assert _errors(f["noid"]) == [
        f"{f['noid']}:1:1: extends: a scenario that extends another gives its own meta.id "
        "(the parent's is 'toy-talks')"
    ]
    assert _errors(f["sameid"]) == [
        f"{f['sameid']}:2:12: meta.id: a scenario that extends another gives its own "
        "meta.id (the parent's is 'toy-talks')"
    ]
    assert _errors(f["number"]) == [
        f"{f['number']}:1:10: extends: expected a scenario id or a file path, got 3"
    ]


def test_the_depth_of_a_chain_is_limited(tmp_path: Path) -> None:
    _files(tmp_path)
    parent = "base.yaml"
    for n in range(MAX_EXTENDS):
        (tmp_path / f"l{n}.yaml").write_text(f"extends: {parent}\nmeta: {{id: l{n}}}\n")
        parent = f"l{n}.yaml"
    ok = tmp_path / f"l{MAX_EXTENDS - 2}.yaml"  # MAX_EXTENDS files with base.yaml
    assert load_scenario(ok).scenario.meta.id == f"l{MAX_EXTENDS - 2}"
    assert len(load_scenario(ok).layers) == MAX_EXTENDS
    (line,) = _errors(tmp_path / f"l{MAX_EXTENDS - 1}.yaml")
    assert f"more than {MAX_EXTENDS} files in the chain of extends" in line
    assert line.startswith(f"{tmp_path / 'l0.yaml'}:1:10: extends:")


def test_a_builtin_can_be_extended_by_id(tmp_path: Path) -> None:
    p = tmp_path / "what-if.yaml"
    p.write_text(
        "extends: mlf-1963\nmeta: {id: what-if}\n"
        "actors: {GBR: {outside_option: {mlf_surface: 0.5}}}\n"
    )
    loaded = load_scenario(p)
    assert loaded.layers[0][0] == "mlf-1963.yaml" and loaded.scenario.meta.id == "what-if"
    q = loaded.scenario.actors["GBR"].outside_option["mlf_surface"]
    assert q.value == 0.5 and q.sources == [] and not q.estimate
    assert loaded.scenario.meta.date == load_scenario("mlf-1963").scenario.meta.date


# --------------------------------------------------------------------------- the commands


def test_check_show_diff_and_run_an_overlay(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from mlf.cli import app

    runner = CliRunner()
    f = _files(tmp_path, child=CHILD)
    res = runner.invoke(app, ["check", str(f["child"]), "--strict"])
    assert res.exit_code == 0 and res.output.startswith(f"OK {f['child']}: toy-child"), res.output
    found = overlay_diff(f["child"])
    rows = [(c.path, brief(c.old), brief(c.new), c.sources, c.file, c.line) for c in found.changes]
    child = str(f["child"])
    assert found.parent == str(f["base"])
    assert rows == [
        ("meta.id", "toy-talks", "toy-child", (), child, 3),
        ("meta.title", "Toy talks", "Toy talks, in October", (), child, 4),
        ("meta.date", "1963-07-15", "1963-10-11", (), child, 5),
        ("meta.sources", "[T1]", "[T1, T2]", (), child, 6),
        ("actors.C.outside_option.force", "0.75", "0.2", ("T2",), child, 12),
        (
            "actors.D",
            brief(load_scenario(f["base"]).data["actors"]["D"]),
            "(absent)",
            (),
            child,
            13,
        ),
        ("alternatives.force.invited", "[A, B, C, D]", "[A, B, C]", (), child, 16),
        ("alternatives.other.invited", "[B, C, D]", "[B, C]", (), child, 18),
    ]
    res = runner.invoke(app, ["show", "--diff", child])
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.split())
    assert "toy-child against its parent" in flat and "8 changed fields" in flat
    res = runner.invoke(app, ["show", "--diff", str(f["base"])])
    assert res.exit_code == 1 and "extends no other scenario" in res.output
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", str(f["child"]), "--out", str(out)])
    assert res.exit_code == 0, res.output
    man = json.loads((out / "result.json").read_text())["manifest"]
    loaded = load_scenario(f["child"])
    assert man["scenario_sha256"] == loaded.sha256
    assert man["scenario_layers"] == [{"file": a, "sha256": b} for a, b in loaded.layers]
    plain = tmp_path / "plain"
    assert runner.invoke(app, ["run", str(f["base"]), "--out", str(plain)]).exit_code == 0
    assert "scenario_layers" not in json.loads((plain / "result.json").read_text())["manifest"]
