"""The table: each invited nation's decision to come to the talks at all.

The memorandum's process (FRUS 1961-63 XIII, doc. 206) is talks among "those who choose to
participate", and then each nation's own decision to join. So the path of an alternative
starts before the first round of bargaining: every invited nation decides whether to sit at
the table, and only those who come negotiate round 1 (and only they may then join).

The rule (documented in docs/design-notes.md, "The table"): an invited nation comes to the
table when its utility of joining on **the best terms it could hope for** reaches its outside
option for the alternative::

    comes_i  <=>  U_i(own terms, all invited in) >= outside_i (+ any pressure on it)

where "own terms" settles every open issue of the alternative at the nation's own position
(an open issue it has no position on settles at the capability x salience weighted mean of
the invited nations' positions, where its own preference cannot reach; fixed issues stay
fixed), and the arrangement is built with every invited nation in it, the widest sharing of
the cost it could hope for. ``U_i`` is the utility of joining of :mod:`mlf.participation`
(policy, voice in the control game, cost against the defence budget, each with the nation's
own weights). Ties come. A nation whose own terms build no arrangement stays away, with the
reason: on a force alternative, its own position on the force size is zero (it wants no
force, so no force exists it could join); or the arrangement cannot be built at all on its
terms (e.g. a cost rule nobody can meet).

This module only decides; the caller (:mod:`mlf.talks`) computes each nation's terms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlf.participation import Terms

OwnTermsFn = Callable[[str], "Terms | str"]
"""``own_terms(actor)``: the terms of ``actor``'s utility at its own terms with every invited
nation in, or one line saying why no arrangement exists on them."""


@dataclass(frozen=True)
class TableDecision:
    """One invited nation's decision to come to the table, with its reason."""

    actor: str
    comes: bool
    terms: Terms | None
    outside: float
    why_not: str = ""  # set when its own terms build no arrangement

    @property
    def margin(self) -> float | None:
        """Utility at its own terms minus the outside option (None without an arrangement)."""
        return None if self.terms is None else self.terms.utility - self.outside

    @property
    def reason(self) -> str:
        if self.terms is None:
            return f"{self.actor} stays away: {self.why_not}"
        t = self.terms
        parts = (
            f"policy {t.w_policy:g}x{t.policy:.3f} + voice {t.w_voice:g}x{t.voice:.3f} "
            f"- cost {t.w_cost:g}x{t.cost:.3f} = {t.utility:.3f}"
        )
        if self.comes:
            return (
                f"{self.actor} comes to the table: on its own terms {parts} >= outside option "
                f"{self.outside:.3f}"
            )
        return (
            f"{self.actor} stays away: even on its own terms {parts} < outside option "
            f"{self.outside:.3f}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "comes": self.comes,
            "terms": None if self.terms is None else self.terms.to_dict(),
            "outside_option": self.outside,
            "margin": self.margin,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class TableResult:
    """Who came to the table and who stayed away, in the invited order."""

    decisions: tuple[TableDecision, ...]

    @property
    def at_table(self) -> tuple[str, ...]:
        return tuple(d.actor for d in self.decisions if d.comes)

    @property
    def stayed_away(self) -> tuple[str, ...]:
        return tuple(d.actor for d in self.decisions if not d.comes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": "comes iff its utility of joining on its own terms, with every invited "
            "nation in, reaches its outside option",
            "at_table": list(self.at_table),
            "stayed_away": list(self.stayed_away),
            "decisions": {d.actor: d.to_dict() for d in self.decisions},
        }


def decide_table(
    invited: Sequence[str], own_terms: OwnTermsFn, outside: Mapping[str, float]
) -> TableResult:
    """Each invited nation's decision to come to the table (see the module docstring).

    Examples:
        France wants no force at all, so no arrangement exists on its terms; Italy's best
        terms fall short of its outside option; Germany comes:

        >>> from mlf.participation import Terms
        >>> own = {
        ...     "DE": Terms(0.9, 0.3, 0.1),
        ...     "IT": Terms(0.5, 0.2, 0.2),
        ...     "FR": "its own position on the force size is zero",
        ... }
        >>> outside = {"DE": 0.5, "IT": 0.6, "FR": 0.0}
        >>> table = decide_table(["DE", "IT", "FR"], own.__getitem__, outside)
        >>> table.at_table, table.stayed_away
        (('DE',), ('IT', 'FR'))
        >>> print(table.decisions[2].reason)
        FR stays away: its own position on the force size is zero
    """
    out: list[TableDecision] = []
    for a in invited:
        t = own_terms(a)
        o = float(outside[a])
        if isinstance(t, str):
            out.append(TableDecision(a, False, None, o, t))
        else:
            out.append(TableDecision(a, t.feasible and t.utility >= o, t, o))
    return TableResult(tuple(out))
