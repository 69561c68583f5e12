"""Participation: each nation decides for itself whether to join an arrangement.

The 1963 memorandum (FRUS 1961-63 XIII, doc. 206) insists that "the decision on participation
will have to be made by each nation for itself": no selling, no side payments. So membership is
modelled as a participation game in the sense of d'Aspremont, Jacquemin, Gabszewicz & Weymark
(1983), "On the stability of collusive price leadership", Canadian J. Economics 16(1), and of
Barrett (1994), "Self-enforcing international environmental agreements", Oxford Economic Papers
46: given the others' choices, an invited nation joins iff its utility of joining the arrangement
the members would build is at least its utility of staying out (its outside option).

A member set ``M`` is *stable* (a pure Nash equilibrium of the participation game) when it is
*internally stable* (no member strictly prefers to leave: ``U_i(M) >= out_i`` for ``i`` in ``M``)
and *externally stable* (no invited non-member strictly prefers to enter:
``U_j(M + j) <= out_j``). Ties keep the current choice.

Utility of joining (the decomposition mlf reports for every decision)::

    U_i(M) = w_policy * policy_i(M) + w_voice * voice_i(M) - w_cost * cost_i(M)

policy = salience-weighted closeness to the agreed elements, voice = the member's power index in
the control game among ``M``, cost = its annual cost relative to its defence budget. The caller
supplies a function that returns these terms for any member set; this module only decides.

Two procedures:

* :func:`equilibria` enumerates all ``2^n`` member sets (n invited <= ``MAX_ENUMERATE``) and
  returns every stable one.
* :func:`best_response_dynamics` starts from "all invited join" and lets the invited revise in a
  fixed order (the order given), one at a time, each choosing its best response to the current
  members, until nobody wants to change (a stable set) or a state repeats (a cycle, reported
  as a cycle: no member set, the repeating sets listed; e.g. A joins only if B is in and B
  only if A is out).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_ENUMERATE = 12
"""Largest number of invited nations for which all 2^n member sets are enumerated."""


@dataclass(frozen=True)
class Terms:
    """The terms of one actor's utility of joining a given member set."""

    policy: float
    voice: float
    cost: float
    w_policy: float = 1.0
    w_voice: float = 1.0
    w_cost: float = 1.0
    feasible: bool = True
    note: str = ""

    @property
    def utility(self) -> float:
        """``w_policy * policy + w_voice * voice - w_cost * cost`` (or -inf if infeasible)."""
        if not self.feasible:
            return float("-inf")
        return self.w_policy * self.policy + self.w_voice * self.voice - self.w_cost * self.cost

    def to_dict(self) -> dict[str, Any]:
        u = self.utility
        return {
            "policy": self.policy,
            "voice": self.voice,
            "cost": self.cost,
            "weights": {"policy": self.w_policy, "voice": self.w_voice, "cost": self.w_cost},
            "utility": u if u != float("-inf") else None,
            "feasible": self.feasible,
            "note": self.note,
        }


TermsFn = Callable[[frozenset[str], str], Terms]
"""``terms(members, actor)``: the terms of ``actor``'s utility if ``members`` (which contains it)
form the arrangement."""


@dataclass(frozen=True)
class Decision:
    """One nation's own decision, given the others, with its reasons."""

    actor: str
    join: bool
    terms: Terms
    outside: float
    margin: float

    @property
    def reason(self) -> str:
        """The utility terms against the outside option, in one line."""
        return _reason(self.actor, self.join, self.terms, self.outside)

    @property
    def flip(self) -> str:
        """What would change the decision."""
        return _flip(self.actor, self.join, self.terms, self.outside)

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "join": self.join,
            "terms": self.terms.to_dict(),
            "outside_option": self.outside,
            "margin": self.margin if self.margin not in (float("inf"), float("-inf")) else None,
            "reason": self.reason,
            "flip": self.flip,
        }


@dataclass(frozen=True)
class DynamicsResult:
    """Where iterated best responses from "all invited join" end."""

    members: frozenset[str]
    stable: bool
    cycle: bool
    path: tuple[tuple[str, ...], ...]
    steps: int
    #: on a cycle, the member sets that repeat, in order (the first recurs after the last)
    cycle_sets: tuple[tuple[str, ...], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "members": sorted(self.members),
            "stable": self.stable,
            "cycle": self.cycle,
            "cycle_sets": [list(p) for p in self.cycle_sets],
            "path": [list(p) for p in self.path],
            "steps": self.steps,
        }


class ParticipationGame:
    """The participation game among ``invited`` with cached utility terms.

    Args:
        invited: the invited nations, in the fixed order used by the dynamics.
        terms: see :data:`TermsFn`.
        outside: each invited nation's utility of staying out.
        bounds: optional ``bounds(members, actor) -> (low, high)``, cheap bounds on the
            utility of joining; a decision the bounds settle skips the exact terms (the
            enumeration of all member sets uses this to avoid most power-index runs).

    Examples:
        Three nations; each member's voice is one over the number of members:

        >>> game = ParticipationGame(
        ...     ["A", "B", "C"],
        ...     lambda members, actor: Terms(0.6, 1 / len(members), 0.3),
        ...     {"A": 0.5, "B": 0.5, "C": 0.9},
        ... )
        >>> round(game.utility_in(frozenset({"A", "B"}), "C"), 3)
        0.633
        >>> game.wants_in(frozenset({"A", "B"}), "C"), game.is_stable(frozenset({"A", "B"}))
        (False, True)
        >>> game.decision(frozenset({"A", "B"}), "A").join
        True
    """

    def __init__(
        self,
        invited: Sequence[str],
        terms: TermsFn,
        outside: Mapping[str, float],
        bounds: Callable[[frozenset[str], str], tuple[float, float]] | None = None,
    ) -> None:
        self.invited = tuple(invited)
        self._terms = terms
        self._bounds = bounds
        self.outside = {a: float(outside[a]) for a in self.invited}
        self._cache: dict[tuple[frozenset[str], str], Terms] = {}

    def terms(self, members: frozenset[str], actor: str) -> Terms:
        key = (members, actor)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._terms(members, actor)
            self._cache[key] = hit
        return hit

    def utility_in(self, members: frozenset[str], actor: str) -> float:
        """Utility of ``actor`` as a member of ``members | {actor}``."""
        return self.terms(members | {actor}, actor).utility

    def wants_in(self, members: frozenset[str], actor: str) -> bool:
        """Best response of ``actor`` to the others in ``members`` (ties keep its choice)."""
        out = self.outside[actor]
        inside = actor in members
        if self._bounds is not None and (members | {actor}, actor) not in self._cache:
            low, high = self._bounds(members | {actor}, actor)
            if (low >= out) if inside else (low > out):
                return True
            if (high < out) if inside else (high <= out):
                return False
        u = self.utility_in(members, actor)
        return u >= out if inside else u > out

    def is_stable(self, members: frozenset[str]) -> bool:
        return all(self.wants_in(members, a) == (a in members) for a in self.invited)

    def decision(self, members: frozenset[str], actor: str) -> Decision:
        """The actor's decision given the others in ``members``, with reasons."""
        t = self.terms(members | {actor}, actor)
        out = self.outside[actor]
        u = t.utility
        join = self.wants_in(members, actor)
        margin = u - out
        return Decision(actor=actor, join=join, terms=t, outside=out, margin=margin)


def _reason(actor: str, join: bool, t: Terms, out: float) -> str:
    if not t.feasible:
        return f"{actor} stays out: {t.note or 'no arrangement can be built with it'}"
    parts = (
        f"policy {t.w_policy:g}x{t.policy:.3f} + voice {t.w_voice:g}x{t.voice:.3f} "
        f"- cost {t.w_cost:g}x{t.cost:.3f} = {t.utility:.3f}"
    )
    verb = "joins" if join else "stays out"
    rel = ">=" if t.utility >= out else "<"
    return f"{actor} {verb}: {parts} {rel} outside option {out:.3f}"


def _flip(actor: str, join: bool, t: Terms, out: float) -> str:
    if not t.feasible:
        return "would need an arrangement that can exist with it as a member"
    gap = abs(t.utility - out)
    bits: list[str] = []
    if join:
        bits.append(f"its outside option rose above {t.utility:.3f} (now {out:.3f})")
        if t.w_cost > 0:
            bits.append(f"its cost rose by {gap / t.w_cost:.4f} of its defence budget")
        if t.w_policy > 0 and t.policy > 0:
            bits.append(f"its policy satisfaction fell by {gap / t.w_policy:.3f}")
        return f"{actor} would leave if " + ", or ".join(bits)
    bits.append(f"its outside option fell below {t.utility:.3f} (now {out:.3f})")
    if t.w_cost > 0 and t.cost > 0 and gap / t.w_cost <= t.cost:
        bits.append(f"its cost fell by {gap / t.w_cost:.4f} of its defence budget")
    if t.w_policy > 0:
        need = gap / t.w_policy
        if t.policy + need <= 1.0:
            bits.append(f"its policy satisfaction rose by {need:.3f}")
    text = f"{actor} would join if " + ", or ".join(bits)
    if t.w_cost > 0 and t.cost > 0 and gap / t.w_cost > t.cost:
        text += " (not even a free ride would be enough)"
    return text


def equilibria(game: ParticipationGame) -> list[frozenset[str]]:
    """All stable member sets, by enumeration of the 2^n subsets of the invited.

    Sorted by size (largest first), then by the invited order.

    Raises:
        ValueError: more than :data:`MAX_ENUMERATE` invited nations.

    Examples:
        Three invited nations; a member's voice is one over the number of members, policy and
        cost are fixed; C's outside option is high, so only {A, B} is stable:

        >>> game = ParticipationGame(
        ...     ["A", "B", "C"],
        ...     lambda members, actor: Terms(0.6, 1 / len(members), 0.3),
        ...     {"A": 0.5, "B": 0.5, "C": 0.9},
        ... )
        >>> [sorted(m) for m in equilibria(game)]
        [['A', 'B']]
    """
    n = len(game.invited)
    if n > MAX_ENUMERATE:
        raise ValueError(f"{n} invited nations: too many to enumerate (max {MAX_ENUMERATE})")
    found: list[frozenset[str]] = []
    for mask in range(1 << n):
        members = frozenset(a for i, a in enumerate(game.invited) if mask >> i & 1)
        if game.is_stable(members):
            found.append(members)
    order = {a: i for i, a in enumerate(game.invited)}
    found.sort(key=lambda m: (-len(m), sorted(order[a] for a in m)))
    return found


def best_response_dynamics(game: ParticipationGame, max_sweeps: int = 50) -> DynamicsResult:
    """Iterated best responses from "all invited join", one nation at a time in order.

    Each sweep visits the invited in their fixed order; a nation whose best response differs
    from its current choice switches at once. Stops when a whole sweep changes nothing (the
    set is stable) or when a member set seen before recurs at a sweep boundary (a cycle).

    Examples:
        From everyone in, C leaves and {A, B} is stable:

        >>> game = ParticipationGame(
        ...     ["A", "B", "C"],
        ...     lambda members, actor: Terms(0.6, 1 / len(members), 0.3),
        ...     {"A": 0.5, "B": 0.5, "C": 0.9},
        ... )
        >>> dyn = best_response_dynamics(game)
        >>> dyn.path, dyn.stable, dyn.cycle
        ((('A', 'B', 'C'), ('A', 'B')), True, False)

        A joins only if B is in, and B only if A is out: a cycle, and no member set:

        >>> def terms(members, actor):
        ...     other_in = ("B" if actor == "A" else "A") in members
        ...     return Terms(1.0 if other_in == (actor == "A") else 0.0, 0.0, 0.0)
        >>> cyc = best_response_dynamics(ParticipationGame(["A", "B"], terms, {"A": 0.5, "B": 0.5}))
        >>> cyc.cycle, cyc.cycle_sets
        (True, (('A',), (), ('B',), ('A', 'B')))
    """
    members = frozenset(game.invited)
    path: list[tuple[str, ...]] = [tuple(a for a in game.invited if a in members)]
    seen = {members}
    steps = 0
    for _ in range(max_sweeps):
        changed = False
        for actor in game.invited:
            want = game.wants_in(members, actor)
            if want != (actor in members):
                members = members | {actor} if want else members - {actor}
                changed = True
                steps += 1
                path.append(tuple(a for a in game.invited if a in members))
        if not changed:
            return DynamicsResult(members, True, False, tuple(path), steps)
        if members in seen:
            final = path[-1]
            start = max(i for i in range(len(path) - 1) if path[i] == final)
            cyc = tuple(path[start:-1])
            return DynamicsResult(members, False, True, tuple(path), steps, cyc)
        seen.add(members)
    return DynamicsResult(members, game.is_stable(members), False, tuple(path), steps)


@dataclass(frozen=True)
class ParticipationResult:
    """Decisions of every invited nation at the members reached, and all equilibria.

    On a cycle of the dynamics (:attr:`cycle`) there is no member set: ``members`` is empty,
    the decisions are those at the state where the cycle was found, and
    ``dynamics.cycle_sets`` lists the member sets that repeat.
    """

    members: frozenset[str]
    decisions: tuple[Decision, ...]
    dynamics: DynamicsResult
    equilibria: tuple[frozenset[str], ...] | None
    order: tuple[str, ...] = field(default_factory=tuple)
    #: each nation's decision when all the invited join (where the dynamics start); it
    #: explains the first departures when the end point is empty.
    at_start: tuple[Decision, ...] = ()

    @property
    def cycle(self) -> bool:
        """The nations' own decisions cycle: no member set is stable along the dynamics."""
        return self.dynamics.cycle

    def to_dict(self) -> dict[str, Any]:
        rank = {a: i for i, a in enumerate(self.order)}

        def ordered(s: frozenset[str]) -> list[str]:
            return sorted(s, key=lambda a: rank.get(a, len(rank)))

        return {
            "members": ordered(self.members),
            "cycle": self.cycle,
            "decisions": {d.actor: d.to_dict() for d in self.decisions},
            "dynamics": self.dynamics.to_dict(),
            "equilibria": None
            if self.equilibria is None
            else [ordered(e) for e in self.equilibria],
            "decisions_if_all_join": {d.actor: d.to_dict() for d in self.at_start},
        }


def decide(
    game: ParticipationGame,
    *,
    enumerate_all: bool = True,
    max_sweeps: int = 50,
    at_start: bool = True,
) -> ParticipationResult:
    """Run the dynamics, explain every decision at its end point, and enumerate equilibria.

    ``at_start`` also records each nation's decision when all the invited join.

    Examples:
        Every decision comes with its reason and what would flip it:

        >>> game = ParticipationGame(
        ...     ["A", "B", "C"],
        ...     lambda members, actor: Terms(0.6, 1 / len(members), 0.3),
        ...     {"A": 0.5, "B": 0.5, "C": 0.9},
        ... )
        >>> result = decide(game)
        >>> sorted(result.members), [sorted(e) for e in result.equilibria]
        (['A', 'B'], [['A', 'B']])
        >>> print(result.decisions[2].reason)
        C stays out: policy 1x0.600 + voice 1x0.333 - cost 1x0.300 = 0.633 < outside option 0.900
    """
    dyn = best_response_dynamics(game, max_sweeps=max_sweeps)
    decisions = tuple(game.decision(dyn.members, a) for a in game.invited)
    eq: tuple[frozenset[str], ...] | None = None
    if enumerate_all and len(game.invited) <= MAX_ENUMERATE:
        eq = tuple(equilibria(game))
    everyone = frozenset(game.invited)
    start = tuple(game.decision(everyone, a) for a in game.invited) if at_start else ()
    members = frozenset() if dyn.cycle else dyn.members
    return ParticipationResult(members, decisions, dyn, eq, game.invited, start)
