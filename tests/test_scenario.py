"""Scenario files: loading, every validation rule with its located message, round trips."""

from __future__ import annotations

import io
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from mlf.errors import ScenarioErrors
from mlf.scenario import (
    MAX_FILE_BYTES,
    Scenario,
    builtin_ids,
    builtin_path,
    dump_scenario,
    iter_quantities,
    load_scenario,
    parse_scenario,
    scenario_json_schema,
)

DATA = Path(__file__).parent / "data" / "scenarios"
SMALL = DATA / "small.yaml"
BASE = SMALL.read_text(encoding="utf-8")
EXPECTED_BUILTINS = ("mlf-1963", "mlf-1963-10", "mlf-1964-06", "mlf-1964-12")


def errors_of(data: str | bytes, *, strict: bool = False, file: str = "s.yaml") -> list[str]:
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(data, file, strict=strict)
    lines = info.value.lines()
    assert lines, "ScenarioErrors without a line"
    for line in lines:
        assert "\n" not in line and "Traceback" not in line
    return lines


def mutate(old: str, new: str) -> str:
    assert BASE.count(old) == 1, f"fixture snippet not unique: {old!r}"
    return BASE.replace(old, new)


# --------------------------------------------------------------------------- the valid fixture


def test_small_fixture_is_valid_with_one_hindsight_warning() -> None:
    loaded = load_scenario(SMALL)
    sc = loaded.scenario
    assert loaded.id == "small"
    assert list(sc.actors) == ["US", "FRG", "UK"]
    assert sc.actors["FRG"].capability.value == 0.25  # the number shorthand
    assert sc.actors["US"].positions["firing_rule"].position == "us_veto"
    assert sc.issues["firing_rule"].option_index("us_veto") == 1
    assert loaded.warnings == (
        f"warning: {SMALL}:75:74: actors.UK.positions.scope.sources.0: source 'S2' is dated "
        "1970, after the scenario's date 1963-07-15 (hindsight)",
    )
    assert len(loaded.sha256) == 64


def test_strict_makes_hindsight_an_error() -> None:
    assert errors_of(BASE, strict=True) == [
        "s.yaml:75:74: actors.UK.positions.scope.sources.0: source 'S2' is dated 1970, "
        "after the scenario's date 1963-07-15 (hindsight)"
    ]


def test_round_trip_load_dump_load() -> None:
    sc = load_scenario(SMALL).scenario
    text = dump_scenario(sc)
    again, _ = parse_scenario(text, "dumped.yaml")
    assert again == sc
    assert dump_scenario(again) == text


def test_iter_quantities_names_every_actor_number() -> None:
    sc = load_scenario(SMALL).scenario
    paths = dict(iter_quantities(sc))
    assert paths["actors.US.gdp"].range == (550, 600, 650)
    assert paths["actors.FRG.positions.force_size.salience"].value == 0.6
    assert paths["actors.US.support.fleet"].value == 0.9
    assert "actors.FRG.outside_option.fleet" in paths


def test_json_schema_describes_the_top_level_and_forbids_unknown_keys() -> None:
    schema = scenario_json_schema()
    assert schema["title"] == "mlf scenario"
    assert set(schema["required"]) == {"meta", "issues", "actors", "alternatives"}
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["Actor"]["additionalProperties"] is False


# --------------------------------------------------------------------------- every rule

E = "s.yaml"
# (snippet of small.yaml, its replacement, the exact error lines)
BAD: list[tuple[str, str, str, list[str]]] = [
    (
        "position outside scale",
        "      force_size: {position: 200, salience: 0.5, sources: [S1]}\n",
        "      force_size: {position: 350, salience: 0.5, sources: [S1]}\n",
        [f"{E}:53:30: actors.US.positions.force_size: 350 is outside the issue's scale 0..300"],
    ),
    (
        "position outside its own range",
        "        position: 250\n",
        "        position: 120\n",
        [f"{E}:61:7: actors.FRG.positions.force_size: position 120 lies outside its range "
         "[150, 300]"],
    ),
    (
        "position not an option",
        "      firing_rule: {position: us_veto, salience: 0.4}\n",
        "      firing_rule: {position: dictator, salience: 0.4}\n",
        [f"{E}:65:31: actors.FRG.positions.firing_rule: 'dictator' is not one of the options "
         "(unanimity, us_veto)"],
    ),
    (
        "position of the wrong type",
        "      firing_rule: {position: us_veto, salience: 0.4}\n",
        "      firing_rule: {position: [1], salience: 0.4}\n",
        [f"{E}:65:31: actors.FRG.positions.firing_rule.position: expected a number or a "
         "string, got a list"],
    ),
    (
        "position a boolean",
        "      firing_rule: {position: us_veto, salience: 0.4}\n",
        "      firing_rule: {position: true, salience: 0.4}\n",
        [f"{E}:65:31: actors.FRG.positions.firing_rule.position: expected a number or an "
         "option id, not a boolean"],
    ),
    (
        "position on an unknown issue",
        "      firing_rule: {position: us_veto, salience: 0.4}\n",
        "      firing_rule: {position: us_veto, salience: 0.4}\n"
        "      manning: {position: 1, salience: 0.4}\n",
        [f"{E}:66:7: actors.FRG.positions.manning: unknown issue 'manning'"],
    ),
    (
        "salience above 1",
        "        salience: 0.6\n",
        "        salience: 1.5\n",
        [f"{E}:63:19: actors.FRG.positions.force_size.salience: salience 1.5 must lie in [0, 1]"],
    ),
    (
        "position range outside scale",
        "        range: [150, 250, 300]\n",
        "        range: [150, 250, 400]\n",
        [f"{E}:64:16: actors.FRG.positions.force_size.range: range 150..400 is outside the "
         "issue's scale 0..300"],
    ),
    (
        "range out of order",
        "        range: [150, 250, 300]\n",
        "        range: [260, 250, 300]\n",
        [f"{E}:64:16: actors.FRG.positions.force_size.range: range [260, 250, 300] needs "
         "min <= mode <= max"],
    ),
    (
        "unknown key",
        "    capability: 0.25\n",
        "    capability: 0.25\n    colour: red\n",
        [f"{E}:60:5: actors.FRG.colour: unknown key"],
    ),
    (
        "unknown top-level key",
        "\nsettings:\n",
        "\nsetings:\n",
        [f"{E}:12:1: setings: unknown key"],
    ),
    (
        "string for a number",
        "    capability: 0.25\n",
        "    capability: lots\n",
        [f"{E}:59:17: actors.FRG.capability: expected a number or a mapping with a 'value', "
         "got 'lots'"],
    ),
    (
        "boolean for a number",
        "  support_threshold: 0.25\n",
        "  support_threshold: true\n",
        [f"{E}:14:22: settings.support_threshold: expected a number, got True"],
    ),
    (
        "quoted number",
        "  support_threshold: 0.25\n",
        "  support_threshold: '0.25'\n",
        [f"{E}:14:22: settings.support_threshold: expected a number, got '0.25'"],
    ),
    (
        "infinite number",
        "    capability: 0.25\n",
        "    capability: .inf\n",
        [f"{E}:59:17: actors.FRG.capability.value: Input should be a finite number, got inf"],
    ),
    (
        "negative capability",
        "    capability: 0.25\n",
        "    capability: -1\n",
        [f"{E}:59:17: actors.FRG.capability: -1 is negative: must be >= 0"],
    ),
    (
        "value outside its uncertainty range",
        "    capability: 0.25\n",
        "    capability: {value: 0.25, range: [0.3, 0.3, 0.4]}\n",
        [f"{E}:59:17: actors.FRG.capability: value 0.25 lies outside its range [0.3, 0.4]"],
    ),
    (
        "missing field",
        "    name: West Germany\n",
        "",
        [f"{E}:56:3: actors.FRG.name: required field is missing"],
    ),
    (
        "wrong integer",
        "    min_members: 2\n",
        "    min_members: 2.5\n",
        [f"{E}:86:18: alternatives.fleet.min_members: Input should be a valid integer, got a "
         "number with a fractional part"],
    ),
    (
        "number above its bound",
        "      ceiling: 0.4\n",
        "      ceiling: 1.4\n",
        [f"{E}:84:16: alternatives.fleet.settings.ceiling: Input should be less than or equal "
         "to 1, got 1.4"],
    ),
    (
        "negative weight",
        "    weights: {policy: 1, voice: 0.8, cost: 0.5}\n",
        "    weights: {policy: 1, voice: 0.8, cost: -0.5}\n",
        [f"{E}:66:44: actors.FRG.weights.cost: Input should be greater than or equal to 0, "
         "got -0.5"],
    ),
    (
        "bad literal",
        "    - {key: S2, title: A later memoir, date: 1970, confidence: C}\n",
        "    - {key: S2, title: A later memoir, date: 1970, confidence: E}\n",
        [f"{E}:11:64: meta.sources.1.confidence: Input should be 'A', 'B', 'C' or 'D', "
         "got 'E'"],
    ),
    (
        "scale upside down",
        "    scale: {lo: 0, hi: 300, unit: missiles}\n",
        "    scale: {lo: 300, hi: 0, unit: missiles}\n",
        [f"{E}:21:12: issues.force_size.scale: hi (0) must be above lo (300)"],
    ),
    (
        "issue with both kinds",
        "    scale: {lo: 0, hi: 300, unit: missiles}\n",
        "    scale: {lo: 0, hi: 300, unit: missiles}\n    options: [{id: a, label: A}]\n",
        [f"{E}:19:3: issues.force_size: an issue needs exactly one of 'scale' or 'options'"],
    ),
    (
        "status quo outside scale",
        "    status_quo: 0\n",
        "    status_quo: 400\n",
        [f"{E}:22:17: issues.force_size.status_quo: 400 is outside the issue's scale 0..300"],
    ),
    (
        "status quo not an option",
        "    status_quo: unanimity\n",
        "    status_quo: nobody\n",
        [f"{E}:26:17: issues.firing_rule.status_quo: 'nobody' is not one of the options "
         "(unanimity, us_veto)"],
    ),
    (
        "impossible date",
        "  date: 1963-07-15\n",
        "  date: 1963-13-45\n",
        [f"{E}:5:9: meta.date: Input should be a valid date or datetime, month value is "
         "outside expected range of 1-12, got '1963-13-45'"],
    ),
    (
        "source date not a date",
        "      date: 1963-07\n",
        "      date: July 1963\n",
        [f"{E}:9:13: meta.sources.0.date: 'July 1963' is not a date of the form YYYY, "
         "YYYY-MM or YYYY-MM-DD"],
    ),
    (
        "bad scenario id",
        "  id: small\n",
        "  id: 9 lives\n",
        [f"{E}:3:7: meta.id: '9 lives' is not an id (a letter, then letters, digits, '_', "
         "'.' or '-')"],
    ),
    (
        "bad actor id",
        "  FRG:\n",
        "  2FRG:\n",
        [
            f"{E}:56:3: actors.2FRG: '2FRG' is not an id (a letter, then letters, digits, "
            "'_', '.' or '-')",
            f"{E}:79:19: alternatives.fleet.invited.1: unknown actor 'FRG'",
        ],
    ),
    (
        "duplicate source key",
        "    - {key: S2, title: A later memoir, date: 1970, confidence: C}\n",
        "    - {key: S1, title: A later memoir, date: 1970, confidence: C}\n",
        [
            f"{E}:11:13: meta.sources.1.key: duplicate source key 'S1'",
            f"{E}:75:74: actors.UK.positions.scope.sources.0: unknown source key 'S2'",
        ],
    ),
    (
        "unknown source key",
        "    capability: {value: 0.6, sources: [S1]}\n",
        "    capability: {value: 0.6, sources: [S9]}\n",
        [f"{E}:50:40: actors.US.capability.sources.0: unknown source key 'S9'"],
    ),
    (
        "unknown actor invited",
        "    invited: [US, FRG, UK]\n",
        "    invited: [US, FRG, XX]\n",
        [f"{E}:79:24: alternatives.fleet.invited.2: unknown actor 'XX'"],
    ),
    (
        "actor invited twice",
        "    invited: [US, FRG, UK]\n",
        "    invited: [US, FRG, US]\n",
        [f"{E}:79:24: alternatives.fleet.invited.2: 'US' is listed twice"],
    ),
    (
        "observer also invited",
        "    invited: [US, FRG, UK]\n",
        "    invited: [US, FRG, UK]\n    observers: [UK]\n",
        [f"{E}:80:17: alternatives.fleet.observers.0: 'UK' is both invited and observer"],
    ),
    (
        "unknown alternative in outside_option",
        "    outside_option: {fleet: 0.1}\n",
        "    outside_option: {land: 0.1}\n",
        [f"{E}:67:22: actors.FRG.outside_option.land: unknown alternative 'land'"],
    ),
    (
        "unknown alternative in support",
        "    support: {fleet: 0.9}\n",
        "    support: {land: 0.9}\n",
        [f"{E}:55:15: actors.US.support.land: unknown alternative 'land'"],
    ),
    (
        "support above 1",
        "    support: {fleet: 0.9}\n",
        "    support: {fleet: 1.9}\n",
        [f"{E}:55:22: actors.US.support.fleet: support 1.9 must lie in [0, 1]"],
    ),
    (
        "unknown issue open",
        "    open: [force_size, firing_rule]\n",
        "    open: [force_size, manning]\n",
        [f"{E}:80:24: alternatives.fleet.open.1: unknown issue 'manning'"],
    ),
    (
        "issue open and fixed",
        "    open: [force_size, firing_rule]\n",
        "    open: [force_size, firing_rule, scope]\n",
        [f"{E}:80:37: alternatives.fleet.open.2: issue 'scope' is both open and fixed"],
    ),
    (
        "fixed value not an option",
        "    fixed: {scope: fleet}\n",
        "    fixed: {scope: everything}\n",
        [f"{E}:81:20: alternatives.fleet.fixed.scope: 'everything' is not one of the options "
         "(fleet, fleet_and_consultation)"],
    ),
    (
        "fixed unknown issue",
        "    fixed: {scope: fleet}\n",
        "    fixed: {scope: fleet, manning: mixed}\n",
        [f"{E}:81:27: alternatives.fleet.fixed.manning: unknown issue 'manning'"],
    ),
    (
        "min_members above invited",
        "    min_members: 2\n",
        "    min_members: 4\n",
        [f"{E}:86:18: alternatives.fleet.min_members: needs 4 members but invites only 3"],
    ),
    (
        "unknown actor in kind",
        "      in_kind: {UK: 8}\n",
        "      in_kind: {FR: 8}\n",
        [f"{E}:85:17: alternatives.fleet.settings.in_kind.FR: unknown actor 'FR'"],
    ),
    (
        "unknown lead",
        "      split: proportional\n",
        "      split: proportional\n      lead: FR\n",
        [f"{E}:84:13: alternatives.fleet.settings.lead: unknown actor 'FR'"],
    ),
    (
        "bad control rule key",
        "              - veto: [US]\n",
        "              - vetoes: [US]\n",
        [f"{E}:37:17: issues.firing_rule.options.1.settings.rule.all.0: invalid control rule: "
         "unknown rule 'vetoes'; expected one of unanimity, veto, majority, at_least, weighted, "
         "vector, all, any, bloc, minimal_winning, restrict"],
    ),
    (
        "bad control rule quota",
        '              - weighted: {weights: contribution, quota: "2/3"}\n',
        '              - weighted: {weights: contribution, quota: "x"}\n',
        [f"{E}:38:58: issues.firing_rule.options.1.settings.rule.all.1.weighted.quota: invalid "
         "control rule: quota: cannot read 'x' as a number"],
    ),
    (
        "unknown actor in a control rule",
        "              - veto: [US]\n",
        "              - veto: [XX]\n",
        [f"{E}:37:24: issues.firing_rule.options.1.settings.rule.all.0.veto.0: unknown actor "
         "'XX'"],
    ),
    (
        "unknown bargaining model",
        "  model: compromise\n",
        "  model: oracle\n",
        [f"{E}:13:10: settings.model: unknown bargaining model 'oracle' (known: bdm, "
         "compromise, median, nash, smp)"],
    ),
    (
        "unknown pivotal actor",
        "  pivotal_actor: UK\n",
        "  pivotal_actor: FR\n",
        [f"{E}:16:18: settings.pivotal_actor: unknown actor 'FR'"],
    ),
    (
        "broadening issue without options",
        "  broadening_issue: scope\n",
        "  broadening_issue: force_size\n",
        [f"{E}:17:21: settings.broadening_issue: the broadening issue needs ordered options"],
    ),
    (
        "duplicate key",
        "    name: West Germany\n",
        "    name: West Germany\n    name: FRG\n",
        [f"{E}:58:5: YAML syntax: duplicate key 'name' in the mapping that starts at line 57"],
    ),
    (
        "tab indentation",
        "    name: West Germany\n",
        "\tname: West Germany\n",
        [f"{E}:57:1: YAML syntax: found character '\\t' that cannot start any token"],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD]
)
def test_each_rule_gives_its_located_message(old: str, new: str, expected: list[str]) -> None:
    assert errors_of(mutate(old, new)) == expected


def test_the_issue_example_message() -> None:
    text = mutate("        position: 250\n        salience: 0.6\n        range: [150, 250, 300]\n",
                  "        position: 250\n        salience: 0.6\n")
    text = text.replace("scale: {lo: 0, hi: 300", "scale: {lo: 0, hi: 200")
    text = text.replace("position: 200, salience: 0.5", "position: 100, salience: 0.5")
    assert errors_of(text, file="my.yaml") == [
        "my.yaml:62:19: actors.FRG.positions.force_size: 250 is outside the issue's scale 0..200"
    ]


def test_schema_errors_and_cross_checks_are_reported_together() -> None:
    text = mutate("    capability: 0.25\n", "    capability: lots\n")
    text = text.replace("    invited: [US, FRG, UK]\n", "    invited: [US, FRG, XX]\n")
    assert errors_of(text) == [
        f"{E}:59:17: actors.FRG.capability: expected a number or a mapping with a 'value', "
        "got 'lots'",
        f"{E}:79:24: alternatives.fleet.invited.2: unknown actor 'XX'",
    ]


def test_errors_are_in_file_order() -> None:
    text = mutate("  model: compromise\n", "  model: oracle\n")
    text = text.replace("    min_members: 2\n", "    min_members: 9\n")
    text = text.replace("    capability: 0.25\n", "    capability: 0.25\n    colour: red\n")
    lines = errors_of(text)
    assert [int(line.split(":")[1]) for line in lines] == [13, 60, 87]


# --------------------------------------------------------------------------- malformed files

RAW: list[tuple[str, str | bytes, list[str]]] = [
    ("empty", b"", [f"{E}: empty file: expected a YAML mapping"]),
    ("blank", "  \n\n", [f"{E}: empty file: expected a YAML mapping"]),
    ("comments only", "# nothing\n",
     [f"{E}: no YAML content (only comments?): expected a mapping"]),
    ("a list", "- 1\n- 2\n",
     [f"{E}:1:1: expected a YAML mapping (meta:, issues:, ...) at the top, got a list"]),
    ("a scalar", "hello\n",
     [f"{E}:1:1: expected a YAML mapping (meta:, issues:, ...) at the top, got the scalar "
      "'hello'"]),
    ("binary", b"meta:\x00\x01\x02", [f"{E}:1:6: binary file (a NUL byte): not a YAML scenario"]),
    ("latin-1", "meta:\n  title: caf\xe9\n".encode("latin-1"),
     [f"{E}:2:13: not UTF-8 text (byte 0xe9)"]),
    ("utf-16", "meta: {}\n".encode("utf-16"),
     [f"{E}:1:1: UTF-16 text: save the scenario as UTF-8"]),
    ("unclosed flow", "meta: {id: x\n",
     [f"{E}:2:1: YAML syntax: expected ',' or '}}', but got '<stream end>'"]),
    ("two documents", "a: 1\n---\nb: 2\n",
     [f"{E}:2:1: YAML syntax: expected a single document in the stream but found another "
      "document"]),
    ("deep flow nesting", "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
     [f"{E}:1:52: nested more than 48 levels deep"]),
]


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in RAW], ids=[c[0] for c in RAW])
def test_malformed_input_is_one_located_error(data: str | bytes, expected: list[str]) -> None:
    assert errors_of(data) == expected


def test_top_level_errors_are_all_listed() -> None:
    assert errors_of("a: 1\n") == [
        f"{E}:1:1: meta: required field is missing",
        f"{E}:1:1: issues: required field is missing",
        f"{E}:1:1: actors: required field is missing",
        f"{E}:1:1: alternatives: required field is missing",
        f"{E}:1:1: a: unknown key",
    ]


def test_brackets_inside_quotes_and_comments_do_not_count_as_nesting() -> None:
    deep = "[" * 200
    text = mutate("  title: A small shared force\n",
                  f"  title: '{deep}'  # {deep}\n  description: \"{deep}\"\n")
    sc, _ = parse_scenario(text)
    assert sc.meta.title == deep


def test_deep_block_nesting_is_refused() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "v: 1\n"
    (line,) = errors_of(text)
    assert line.endswith(": nested more than 48 levels deep")
    assert line.startswith(f"{E}:48:")


def test_alias_bomb_is_refused() -> None:
    rows = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, name = chr(96 + i), chr(97 + i)
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    (line,) = errors_of("\n".join(rows) + "\n")  # 9**10 values once expanded
    assert line == f"{E}:6:4: f: more than 200000 values once aliases are expanded"


def test_small_aliases_are_fine() -> None:
    text = mutate("    invited: [US, FRG, UK]\n", "    invited: &all [US, FRG, UK]\n")
    text += "  again:\n    title: The same again\n    invited: *all\n"
    sc, _ = parse_scenario(text)
    assert sc.alternatives["again"].invited == ["US", "FRG", "UK"]


def test_huge_text_is_refused_before_parsing() -> None:
    data = b"a: " + b"x" * MAX_FILE_BYTES
    assert errors_of(data) == [f"{E}: file is 5.0 MiB; scenario files are limited to 5 MiB"]


def test_huge_file_is_refused_by_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(50 * 2**20)  # sparse: 50 MiB on paper, nothing written
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(big)
    assert info.value.lines() == [
        f"{big}: file is 50 MiB, above the 5 MiB limit for scenario files "
        "(mlf.scenario.MAX_FILE_BYTES)"
    ]


def test_directory_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(tmp_path)
    assert info.value.lines() == [f"{tmp_path}: is a directory, not a scenario file"]
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(missing)
    (line,) = info.value.lines()
    assert line.startswith(f"{missing}: no such file or built-in scenario (built-ins: ")


def test_utf8_bom_is_accepted() -> None:
    sc, _ = parse_scenario(b"\xef\xbb\xbf" + BASE.encode())
    assert sc.meta.id == "small"


# --------------------------------------------------------------------------- built-ins


@pytest.mark.parametrize("sid", sorted(set(EXPECTED_BUILTINS) | set(builtin_ids())))
def test_builtin_is_valid_under_strict(sid: str) -> None:
    assert sid in builtin_ids(), f"built-in {sid!r} is missing ({builtin_path(sid)})"
    loaded = load_scenario(sid, strict=True)
    assert loaded.builtin and loaded.id == sid and loaded.warnings == ()


# --------------------------------------------------------------------------- generated scenarios

_ids = st.text(string.ascii_letters, min_size=1, max_size=1).flatmap(
    lambda first: st.text(string.ascii_letters + string.digits + "_", max_size=6).map(
        lambda rest: first + rest
    )
)
_texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=20,
).filter(lambda t: not t.startswith("?"))
# ruamel's emitter writes a leading "?" unquoted in flow style ({title: ?0}), which its own
# parser then refuses: a round-trip defect of the dumper, not of scenario files.
_unit = st.floats(0, 1, allow_nan=False)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid scenario as plain data (what a YAML file would hold)."""
    keys = draw(st.lists(_ids, min_size=0, max_size=3, unique=True))
    sources = [
        {"key": k, "title": draw(_texts), "confidence": draw(st.sampled_from("ABCD")),
         "date": draw(st.sampled_from(["1960", "1962-05", "1963-01-31"]))}
        for k in keys
    ]
    issue_ids = draw(st.lists(_ids, min_size=1, max_size=3, unique=True))
    issues: dict[str, Any] = {}
    for iid in issue_ids:
        if draw(st.booleans()):
            lo = draw(st.floats(-1e6, 1e6, allow_nan=False))
            hi = lo + draw(st.floats(1e-3, 1e6, allow_nan=False))
            issues[iid] = {"title": draw(_texts), "scale": {"lo": lo, "hi": hi},
                           "status_quo": draw(st.floats(lo, hi))}
        else:
            opts = draw(st.lists(_ids, min_size=2, max_size=4, unique=True))
            issues[iid] = {"title": draw(_texts),
                           "options": [{"id": o, "label": draw(_texts)} for o in opts],
                           "status_quo": draw(st.sampled_from(opts))}
    actor_ids = draw(st.lists(_ids, min_size=2, max_size=4, unique=True))
    alt_ids = draw(st.lists(_ids, min_size=1, max_size=2, unique=True))

    def value(iid: str) -> float | str:
        issue = issues[iid]
        if "scale" in issue:
            return draw(st.floats(issue["scale"]["lo"], issue["scale"]["hi"]))
        return draw(st.sampled_from([o["id"] for o in issue["options"]]))

    actors: dict[str, Any] = {}
    for aid in actor_ids:
        positions = {
            iid: {"position": value(iid), "salience": draw(_unit),
                  "sources": draw(st.lists(st.sampled_from(keys), max_size=2)) if keys else []}
            for iid in draw(st.lists(st.sampled_from(issue_ids), unique=True))
        }
        actors[aid] = {
            "name": draw(_texts),
            "european": draw(st.booleans()),
            "capability": draw(st.floats(0, 1e9, allow_nan=False)),
            "positions": positions,
            "support": {a: draw(_unit) for a in draw(st.lists(st.sampled_from(alt_ids)))},
        }
    alternatives: dict[str, Any] = {}
    for alt in alt_ids:
        invited = draw(st.lists(st.sampled_from(actor_ids), min_size=2, unique=True))
        opened = draw(st.lists(st.sampled_from(issue_ids), unique=True))
        fixed = {i: value(i) for i in issue_ids if i not in opened and draw(st.booleans())}
        alternatives[alt] = {"title": draw(_texts), "invited": invited, "open": opened,
                             "fixed": fixed, "min_members": draw(st.integers(1, len(invited)))}
    return {
        "meta": {"id": draw(_ids), "title": draw(_texts), "date": "1963-07-15",
                 "sources": sources},
        "settings": {"seed": draw(st.integers(0, 2**31))},
        "issues": issues,
        "actors": actors,
        "alternatives": alternatives,
    }


def _yaml_text(data: dict[str, Any], flow: bool) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenarios(), flow=st.booleans())
def test_generated_scenarios_load_and_round_trip(data: dict[str, Any], flow: bool) -> None:
    sc, warnings = parse_scenario(_yaml_text(data, flow), "gen.yaml", strict=True)
    assert warnings == []
    assert sc == Scenario.model_validate(data)
    again, _ = parse_scenario(dump_scenario(sc), "dumped.yaml")
    assert again == sc


def test_the_documented_example_is_valid() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "scenario-format.md").read_text()
    block = doc.split("```yaml\n")[-1].split("```")[0]
    sc, warnings = parse_scenario(block, "doc.yaml")
    assert sc.meta.id == "small" and len(warnings) == 1
