"""Question kinds of an outcomes file: what each asks and how a run answers it.

A kind names the fields a question of that kind needs, whether its outcome is binary (true or
false, scored by Brier and log score) or a value of an issue (a number on the issue's scale,
scored by absolute error as a share of the scale; an option, scored by hit or miss), and how one
run of the talks (the dict of :meth:`mlf.talks.RunResult.to_dict`) answers it.

The kinds live in :data:`KINDS`; a new kind is one more :class:`Kind` added there with
:func:`register`, and nothing else in :mod:`mlf.backtest` changes.

**Signed and ratified** (docs/models/ratification.md, "Status vocabulary"). A run's final
status of an alternative is ``agreement`` when the members signed and every member ratified
(a member without domestic ratifiers ratifies), ``signed, not ratified`` when they signed and
some member's required ratifier refused, and anything else when nothing was signed. So
``signed`` is true for both of the first two; ``ratified`` and ``agreement`` are true for the
first only. A snapshot that codes no ratifier for any actor invited to the alternative never
runs the ratification stage: there ``agreement`` only says "signed", so a ``ratified`` question
is **not asked** of that snapshot (:attr:`Kind.undefined` gives the reason the backtest lists)
rather than silently scored as if every signature had been ratified.

Rules for an alternative that a run did not take up (its support was below the scenario's
threshold, so the talks never opened on it): no agreement and no member; its terms stay at each
issue's status quo. An issue the talks did not settle (nobody came to the table) also stays at
its status quo. These are the rules of the talks themselves (docs/scenarios/results.md), not
a choice made here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Answer = bool | float | str
"""One run's answer: a bool (binary kinds), a number (scale issue) or an option id."""


@dataclass(frozen=True)
class Kind:
    """One question kind.

    ``needs``: the question fields it requires besides ``id``, ``kind``, ``outcome``;
    ``binary``: the outcome is true or false; ``answer(question, alternative, scenario)``
    gives one run's answer, where ``alternative`` is the run's dict of that alternative (None
    when the run did not take it up) and ``scenario`` the :class:`mlf.scenario.Scenario`.
    ``undefined(question, scenario)``, when given, says why a snapshot cannot answer the
    question at all (None: it can); the backtest then does not ask it of that snapshot.
    """

    name: str
    needs: tuple[str, ...]
    binary: bool
    answer: Callable[[Mapping[str, Any], Mapping[str, Any] | None, Any], Answer]
    description: str
    undefined: Callable[[Mapping[str, Any], Any], str | None] | None = None


def _agreement(q: Mapping[str, Any], alt: Mapping[str, Any] | None, sc: Any) -> Answer:
    return alt is not None and alt.get("status") == "agreement"


SIGNED = ("agreement", "signed, not ratified")
"""The final statuses of an alternative whose members signed (ratified or not)."""


def _signed(q: Mapping[str, Any], alt: Mapping[str, Any] | None, sc: Any) -> Answer:
    return alt is not None and alt.get("status") in SIGNED


def _ratified(q: Mapping[str, Any], alt: Mapping[str, Any] | None, sc: Any) -> Answer:
    if alt is None or alt.get("status") != "agreement":
        return False
    # The stage's own record, when it ran, must agree with the status (a member without
    # ratifiers ratifies, so an agreement among such members has no record and is ratified).
    rat = alt.get("ratified")
    if rat is False:
        raise AssertionError("status 'agreement' with a ratification that failed")
    return True


def _no_stage(q: Mapping[str, Any], sc: Any) -> str | None:
    alt = sc.alternatives[q["alternative"]]
    if any(sc.actors[a].ratifiers for a in alt.invited if a in sc.actors):
        return None
    return (
        f"the snapshot codes no domestic ratifier for any actor invited to "
        f"{q['alternative']!r}: the ratification stage never runs, so 'ratified' is undefined"
    )


def _member(q: Mapping[str, Any], alt: Mapping[str, Any] | None, sc: Any) -> Answer:
    return alt is not None and q["actor"] in (alt.get("members") or [])


def _value(q: Mapping[str, Any], alt: Mapping[str, Any] | None, sc: Any) -> Answer:
    issue = sc.issues[q["issue"]]
    agreed = (alt or {}).get("agreed") or {}
    term = agreed.get(q["issue"])
    if issue.is_scale:
        if term is None:
            return float(issue.to_number(issue.status_quo))
        return float(term["value"])
    if term is None:
        return str(issue.nearest_option(issue.to_number(issue.status_quo)).id)
    return str(term["short"])


KINDS: dict[str, Kind] = {}
"""Every known kind by name."""


def register(kind: Kind) -> None:
    """Add ``kind`` to :data:`KINDS` (a name already taken is a programming error).

    Examples:
        >>> list(KINDS)
        ['agreement', 'signed', 'ratified', 'member', 'value']
        >>> register(KINDS["member"])
        Traceback (most recent call last):
        ...
        ValueError: question kind 'member' is already registered
    """
    if kind.name in KINDS:
        raise ValueError(f"question kind {kind.name!r} is already registered")
    KINDS[kind.name] = kind


register(
    Kind(
        "agreement",
        ("alternative",),
        True,
        _agreement,
        "the alternative ends in an agreement (its final status is 'agreement': signed and, "
        "where the snapshot codes ratifiers, ratified by every member)",
    )
)
register(
    Kind(
        "signed",
        ("alternative",),
        True,
        _signed,
        "the members sign an agreement on the alternative, ratified or not (final status "
        "'agreement' or 'signed, not ratified')",
    )
)
register(
    Kind(
        "ratified",
        ("alternative",),
        True,
        _ratified,
        "the alternative's agreement is signed and ratified by every member (final status "
        "'agreement'); not asked of a snapshot that codes no ratifier for any invited actor",
        undefined=_no_stage,
    )
)
register(
    Kind(
        "member",
        ("alternative", "actor"),
        True,
        _member,
        "the actor is among the members of the alternative's final arrangement",
    )
)
register(
    Kind(
        "value",
        ("alternative", "issue"),
        False,
        _value,
        "the term the talks settle on the issue (applied value; an option's id)",
    )
)
