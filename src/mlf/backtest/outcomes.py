"""Outcomes files: what actually happened, as dated, sourced questions a backtest scores.

```yaml
meta: {id: mlf-history, title: ..., sources: [...]}    # sources as in scenarios
questions:
  - id: charter_signed
    kind: signed               # agreement | signed | ratified | member | value (mlf.backtest.kinds)
    alternative: mlf_surface
    outcome: false
    resolved: 1966-12-14       # optional: when the outcome was settled
    sources: [KEY]
  - {id: uk_joins, kind: member, alternative: mlf_surface, actor: GBR, outcome: false}
  - {id: size, kind: value, alternative: mlf_surface, issue: force_size, outcome: 200}
```

The file is read like a scenario (ruamel with positions, pydantic with unknown keys
forbidden, bounded size) and every problem is one located line ``FILE:LINE:COL: path: reason``
(exit code 1). :func:`check_against` then checks each question against the scenarios it is
scored on: an unknown alternative, actor or issue, an option that the issue does not have, or a
number outside the issue's scale, is a located error too.

A question ``resolved`` on or before a snapshot's date is not asked of that snapshot (its answer
was known by then); a question whose alternative a snapshot does not have is not asked of it
either. Both are listed in the backtest result, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from mlf.backtest.kinds import KINDS
from mlf.errors import ScenarioError, ScenarioErrors
from mlf.scenario import (
    _ID,
    MAX_FILE_BYTES,
    Scenario,
    Source,
    _decode,
    _dotted,
    _Locator,
    _Model,
    _Plain,
    _pydantic_errors,
    _read_yaml,
    _text_problems,
)

MAX_QUESTIONS = 1000
"""Most questions in one outcomes file (real ones have tens)."""


class Question(_Model):
    """One question with its known outcome. Which fields it needs depends on its ``kind``."""

    id: str = Field(pattern=_ID)
    kind: str
    alternative: str | None = None
    actor: str | None = None
    issue: str | None = None
    outcome: bool | float | str
    title: str | None = None
    resolved: dt.date | None = Field(
        default=None, description="when the outcome was settled; later snapshots skip it"
    )
    sources: list[str] = Field(default_factory=list)
    note: str | None = None

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome(cls, v: object) -> object:
        if isinstance(v, int) and not isinstance(v, bool):
            return float(v)
        return v

    @field_validator("resolved", mode="before")
    @classmethod
    def _resolved(cls, v: object) -> object:
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                raise ValueError(f"{v!r} is not a date of the form YYYY-MM-DD") from None
        return v


class OutcomesMeta(_Model):
    id: str = Field(pattern=_ID)
    title: str
    description: str | None = None
    sources: list[Source] = Field(default_factory=list)


class OutcomesFile(_Model):
    """A whole outcomes file."""

    meta: OutcomesMeta
    questions: list[Question] = Field(min_length=1, max_length=MAX_QUESTIONS)


@dataclass(frozen=True)
class LoadedOutcomes:
    """A validated outcomes file with where it came from and a locator for later checks.

    Examples:
        An error located at the value of a question's field (line 4, column 48):

        >>> lo = parse_outcomes('''
        ... meta: {id: toy, title: What happened}
        ... questions:
        ...   - {id: agreed, kind: agreement, alternative: nato_national, outcome: false}
        ... ''')
        >>> print(lo.error(["questions", 0, "alternative"], "unknown alternative"))
        <outcomes>:4:48: questions.0.alternative: unknown alternative
    """

    outcomes: OutcomesFile
    path: str
    sha256: str
    locate: Any  # (loc) -> (line, col); None for files parsed without positions

    def error(
        self, loc: Sequence[str | int], reason: str, *, at_key: bool = False
    ) -> ScenarioError:
        """A located error at field ``loc`` of this file."""
        line, col = self.locate(list(loc), at_key) if self.locate is not None else (None, None)
        return ScenarioError(reason, file=self.path, line=line, col=col, path=_dotted(loc))


def parse_outcomes(data: bytes | str, file: str = "<outcomes>") -> LoadedOutcomes:
    """Parse and validate an outcomes file (not yet against any scenario).

    Raises:
        ScenarioErrors: every located problem, one line each, in file order.

    Examples:
        >>> lo = parse_outcomes('''
        ... meta: {id: toy, title: What happened}
        ... questions:
        ...   - {id: agreed, kind: agreement, alternative: nato_national, outcome: false}
        ...   - {id: size, kind: value, alternative: nato_national, issue: force_size,
        ...      outcome: 100}
        ... ''')
        >>> [(q.id, q.kind, q.outcome) for q in lo.outcomes.questions]
        [('agreed', 'agreement', False), ('size', 'value', 100.0)]

        A member question without its actor is one located line:

        >>> parse_outcomes('''
        ... meta: {id: toy, title: What happened}
        ... questions:
        ...   - {id: uk, kind: member, alternative: nato_national, outcome: false}
        ... ''')  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        mlf.errors.ScenarioErrors: <outcomes>:4:5: questions.0.actor: a member question needs ...
    """
    raw_bytes = data.encode("utf-8") if isinstance(data, str) else data
    text = _decode(raw_bytes, file)
    if not text.strip():
        raise ScenarioErrors([ScenarioError("empty file: expected a YAML mapping", file=file)])
    tree = _read_yaml(text, file)
    if not isinstance(tree, Mapping):
        raise ScenarioErrors(
            [ScenarioError("expected a YAML mapping (meta:, questions:)", file=file, line=1, col=1)]
        )
    locator = _Locator(tree)
    plain = _Plain(file, locator)
    plain.measure(tree, [])
    raw = plain.convert(tree)
    unwritable = _text_problems(raw)  # a "\\ud800" escape: refused before it is printed
    if unwritable:
        raise ScenarioErrors(
            [
                ScenarioError(
                    p.reason, file=file, line=lc[0], col=lc[1], path=_dotted(p.path or p.loc)
                )
                for p in unwritable
                for lc in [locator.find(p.loc, at_key=p.at_key)]
            ]
        )
    try:
        parsed = OutcomesFile.model_validate(raw)
    except ValidationError as exc:
        def where(loc: list[str | int], at_key: bool) -> tuple[str, int | None, int | None]:
            line, col = locator.find(loc, at_key=at_key)
            return file, line, col

        errors = _pydantic_errors(exc, where)
        errors.sort(key=lambda e: (e.line or 0, e.col or 0))
        raise ScenarioErrors(errors) from None

    def locate(loc: list[str | int], at_key: bool) -> tuple[int, int]:
        return locator.find(loc, at_key=at_key)

    loaded = LoadedOutcomes(parsed, file, hashlib.sha256(raw_bytes).hexdigest(), locate)
    problems = _own_problems(loaded)
    if problems:
        raise ScenarioErrors(sorted(problems, key=lambda e: (e.line or 0, e.col or 0)))
    return loaded


def load_outcomes(path: str | Path) -> LoadedOutcomes:
    """Read and validate the outcomes file at ``path`` (size bounded before reading).

    Examples:
        >>> import pathlib, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp, "outcomes.yaml")
        ...     _ = path.write_text('''
        ... meta: {id: toy, title: What happened}
        ... questions: [{id: agreed, kind: agreement, alternative: a, outcome: true}]
        ... ''')
        ...     lo = load_outcomes(path)
        >>> lo.outcomes.meta.id, lo.path.endswith("outcomes.yaml"), len(lo.sha256)
        ('toy', True, 64)
    """
    from mlf._bounded import InputFileError, read_bounded

    try:
        data = read_bounded(
            path, limit=MAX_FILE_BYTES, what="outcomes", limit_name="mlf.scenario.MAX_FILE_BYTES"
        )
    except InputFileError as exc:
        raise ScenarioErrors(
            [ScenarioError(exc.reason, file=str(path), line=exc.line, col=exc.col)]
        ) from None
    return parse_outcomes(data, str(path))


def _own_problems(lo: LoadedOutcomes) -> list[ScenarioError]:
    """Checks that need no scenario: kinds, needed fields, outcome types, ids, sources."""
    out: list[ScenarioError] = []
    keys = {s.key for s in lo.outcomes.meta.sources}
    seen: dict[str, int] = {}
    for n, q in enumerate(lo.outcomes.questions):
        at: list[str | int] = ["questions", n]
        if q.id in seen:
            out.append(
                lo.error([*at, "id"], f"duplicate question id {q.id!r} (first: item {seen[q.id]})")
            )
        seen.setdefault(q.id, n)
        kind = KINDS.get(q.kind)
        if kind is None:
            out.append(
                lo.error([*at, "kind"], f"unknown kind {q.kind!r} (known: {', '.join(KINDS)})")
            )
            continue
        for name in kind.needs:
            if getattr(q, name) is None:
                out.append(lo.error([*at, name], f"a {q.kind} question needs '{name}'"))
        for name in ("alternative", "actor", "issue"):
            if name not in kind.needs and getattr(q, name) is not None:
                out.append(
                    lo.error([*at, name], f"a {q.kind} question has no '{name}'", at_key=True)
                )
        if kind.binary and not isinstance(q.outcome, bool):
            out.append(lo.error([*at, "outcome"], f"a {q.kind} outcome is true or false"))
        if not kind.binary and isinstance(q.outcome, bool):
            out.append(lo.error([*at, "outcome"], "a value outcome is a number or an option id"))
        for k, key in enumerate(q.sources):
            if key not in keys:
                out.append(
                    lo.error(
                        [*at, "sources", k],
                        f"unknown source {key!r} (not in meta.sources)",
                    )
                )
    return out


def check_against(lo: LoadedOutcomes, scenarios: Sequence[Scenario]) -> None:
    """Check every question's ids and outcome against the scenarios it will be scored on.

    An id is known if any of the scenarios has it (a question about the ANF is not asked of a
    1963 snapshot, but it is not an error).

    Raises:
        ScenarioErrors: one located line per problem, in file order.

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        A size outside the issue's 0-100 scale, and an alternative no snapshot has:

        >>> lo = parse_outcomes('''
        ... meta: {id: toy, title: What happened}
        ... questions:
        ...   - {id: size, kind: value, alternative: force, issue: size, outcome: 500}
        ...   - {id: anf, kind: agreement, alternative: anf, outcome: false}
        ... ''')
        >>> try:
        ...     check_against(lo, [sc])
        ... except ScenarioErrors as exc:
        ...     for e in exc.errors:
        ...         print(e.line, e.path)
        4 questions.0.outcome
        5 questions.1.alternative
    """
    out: list[ScenarioError] = []
    alts = sorted({a for sc in scenarios for a in sc.alternatives})
    actors = sorted({a for sc in scenarios for a in sc.actors})
    issues: dict[str, Any] = {}
    for sc in scenarios:
        for iid, issue in sc.issues.items():
            issues.setdefault(iid, issue)
    for n, q in enumerate(lo.outcomes.questions):
        at: list[str | int] = ["questions", n]
        if q.alternative is not None and q.alternative not in alts:
            out.append(
                lo.error(
                    [*at, "alternative"],
                    f"unknown alternative {q.alternative!r}: no snapshot given has it "
                    f"(known: {', '.join(alts)})",
                )
            )
        if q.actor is not None and q.actor not in actors:
            out.append(
                lo.error([*at, "actor"], f"unknown actor {q.actor!r} (known: {', '.join(actors)})")
            )
        if q.issue is not None:
            found = issues.get(q.issue)
            if found is None:
                out.append(
                    lo.error(
                        [*at, "issue"], f"unknown issue {q.issue!r} (known: {', '.join(issues)})"
                    )
                )
            elif not isinstance(q.outcome, bool):
                problem = _value_problem(found, q.outcome)
                if problem is not None:
                    out.append(lo.error([*at, "outcome"], problem))
    if out:
        raise ScenarioErrors(sorted(out, key=lambda e: (e.line or 0, e.col or 0)))


def _value_problem(issue: Any, outcome: float | str) -> str | None:
    if issue.is_scale:
        if isinstance(outcome, str):
            return f"{outcome!r} is not a number on the issue's scale {issue.lo:g}..{issue.hi:g}"
        if not issue.lo <= outcome <= issue.hi:
            return f"{outcome:g} is outside the issue's scale {issue.lo:g}..{issue.hi:g}"
        return None
    ids = [o.id for o in issue.options]
    if outcome not in ids:
        return f"{outcome!r} is not an option of the issue (options: {', '.join(ids)})"
    return None
