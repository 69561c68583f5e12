"""Two-level talks: what each member's domestic ratifiers accept (pure computation).

Putnam's two-level game (Putnam, R. D. (1988). "Diplomacy and domestic politics: the logic
of two-level games". *International Organization* 42(3): 427-460) splits a negotiation into
level I, the bargaining among negotiators, and level II, each side's separate ratification.
A negotiator's **win-set** is the set of level-I agreements its ratifiers would accept; an
agreement is possible only where the members' win-sets overlap, and a narrow win-set is both a
constraint and a bargaining advantage ("tying hands").

mlf's reading (docs/models/ratification.md):

* a ratifier ``r`` of actor ``a`` (``actors.<a>.ratifiers.<r>`` in a scenario) has positions
  ``p_k`` with saliences ``s_k`` on some issues and a **reservation** ``R`` in [0, 1]. Its
  utility of the agreed terms ``x`` is the policy satisfaction of the actors
  (:func:`mlf.talks.policy_satisfaction`)::

      u_r(x) = sum_k s_k (1 - |x_k - p_k| / (hi_k - lo_k)) / sum_k s_k

  over the issues it has a position on and the agreement settles; it **ratifies** when
  ``u_r(x) >= R``. A ratifier with no position on any settled issue has nothing on record to
  object to and ratifies;
* a member ratifies when every ratifier whose ``rule`` is ``required`` ratifies (an
  ``advisory`` ratifier is reported, never decisive); a member with no ratifiers ratifies;
* the **win-set** of ratifier ``r`` on issue ``k``, given the other agreed terms ``x_-k``,
  is ``{v : u_r(v, x_-k) >= R}``. With ``A = sum_{j != k} s_j (1 - |x_j - p_j| / w_j)``,
  ``S = sum_j s_j`` and ``w_k = hi_k - lo_k`` it is the interval::

      |v - p_k| <= d,   d = w_k (1 - (R S - A) / s_k)

  clipped to the scale (empty when ``d < 0``); for an options issue (ordered options on the
  index axis ``0..m-1``) the options whose index lies in it. An issue the ratifier has no
  position on (or salience 0) does not move its utility: the win-set is the whole scale when
  it ratifies the rest, empty otherwise;
* a member's win-set is the intersection of its required ratifiers'; the **joint win-set**
  of an element is the intersection over the members. Empty means no ratifiable deal on that
  element given the other terms.

Every function here is pure: it reads the scenario and a mapping ``issue -> value`` (the
applied value on the issue's numeric axis, :attr:`mlf.talks.Agreed.value`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlf.scenario import Issue, Position, Ratifier, Scenario

__all__ = [
    "NOT_RATIFIED",
    "TOL",
    "MemberRatification",
    "Ratification",
    "RatifierVerdict",
    "WinSet",
    "anticipated_position",
    "check",
    "elements_refused",
    "has_ratifiers",
    "intersect",
    "member_winset",
    "ratifier_utility",
    "ratifier_winset",
    "refusal_detail",
]

NOT_RATIFIED = "signed, not ratified"
"""The final status of an agreement some member's required ratifier refuses."""

TOL = 1e-9
"""Tolerance of the comparisons ``u >= R`` and ``|v - p| <= d`` (floating-point sums)."""


@dataclass(frozen=True)
class WinSet:
    """The values of one issue a ratifier (or a member, or all members) would accept.

    ``lo``/``hi`` bound the accepted values on the issue's numeric axis (the option index for
    an options issue); both None when the set is empty. ``options`` lists the accepted option
    ids of an options issue (None for a scale).

    Examples:
        >>> accepted = WinSet("share", 0.0, 30.0)
        >>> accepted.contains(25.0), accepted.nearest(50.0), WinSet("share", None, None).empty
        (True, 30.0, True)
    """

    issue: str
    lo: float | None
    hi: float | None
    options: tuple[str, ...] | None = None

    @property
    def empty(self) -> bool:
        return self.lo is None or self.hi is None

    def contains(self, x: float) -> bool:
        if self.lo is None or self.hi is None:
            return False
        return self.lo - TOL <= x <= self.hi + TOL

    def nearest(self, x: float) -> float:
        """The accepted value nearest ``x`` (``x`` itself when accepted; ``x`` when empty)."""
        if self.lo is None or self.hi is None:
            return x
        return min(max(x, self.lo), self.hi)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lo": self.lo,
            "hi": self.hi,
            "options": None if self.options is None else list(self.options),
            "empty": self.empty,
        }


def _whole(iid: str, issue: Issue) -> WinSet:
    opts = None if issue.options is None else tuple(o.id for o in issue.options)
    return WinSet(iid, issue.lo, issue.hi, opts)


def _empty(iid: str, issue: Issue) -> WinSet:
    return WinSet(iid, None, None, None if issue.options is None else ())


def _from_interval(iid: str, issue: Issue, lo: float, hi: float) -> WinSet:
    """The win-set ``[lo, hi]`` clipped to the scale; for options, the indices inside."""
    # Rounded to 9 decimals: 100 (1 - 0.8) is 20, not 19.999999999999996.
    lo, hi = round(max(lo, issue.lo), 9), round(min(hi, issue.hi), 9)
    if issue.options is None:
        return WinSet(iid, lo, hi) if lo <= hi + TOL else _empty(iid, issue)
    inside = [j for j in range(len(issue.options)) if lo - TOL <= j <= hi + TOL]
    if not inside:
        return _empty(iid, issue)
    ids = tuple(issue.options[j].id for j in inside)
    return WinSet(iid, float(inside[0]), float(inside[-1]), ids)


def intersect(iid: str, issue: Issue, sets: Iterable[WinSet]) -> WinSet:
    """The intersection of win-sets of one issue (the whole scale when there are none).

    Examples:
        >>> from mlf.scenario import Issue
        >>> share = Issue.model_validate(
        ...     {"title": "A share", "scale": {"lo": 0, "hi": 100}, "status_quo": 0}
        ... )
        >>> intersect("share", share, [WinSet("share", 0, 30), WinSet("share", 20, 100)])
        WinSet(issue='share', lo=20, hi=30, options=None)
        >>> intersect("share", share, [WinSet("share", 0, 30), WinSet("share", 60, 100)]).empty
        True
    """
    out = _whole(iid, issue)
    for w in sets:
        if w.empty or out.empty:
            return _empty(iid, issue)
        assert w.lo is not None and w.hi is not None and out.lo is not None and out.hi is not None
        out = _from_interval(iid, issue, max(out.lo, w.lo), min(out.hi, w.hi))
    return out


def _terms_on(
    sc: Scenario, positions: Mapping[str, Position], terms: Mapping[str, float]
) -> list[tuple[str, float, float, float]]:
    """``(issue, salience, distance share, width)`` per settled issue with a position."""
    out: list[tuple[str, float, float, float]] = []
    for iid, x in terms.items():
        pos = positions.get(iid)
        if pos is None:
            continue
        issue = sc.issues[iid]
        w = issue.hi - issue.lo
        out.append((iid, pos.salience.value, abs(x - issue.to_number(pos.position)), w))
    return out


def ratifier_utility(sc: Scenario, ratifier: Ratifier, terms: Mapping[str, float]) -> float | None:
    """``u_r(x)`` (module docstring); None when it has no position on any settled issue.

    Examples:
        On :func:`mlf.examples.two_parliaments` (Parliament A wants the share low, B high):

        >>> from mlf import examples
        >>> scenario = examples.two_parliaments()
        >>> parliament = scenario.actors["A"].ratifiers["parl"]
        >>> ratifier_utility(scenario, parliament, {"share": 25.0})
        0.75
    """
    rows = _terms_on(sc, ratifier.positions, terms)
    den = math.fsum(s for _, s, _, _ in rows)
    if den <= 0:
        return None
    return math.fsum(s * (1.0 - d / w) for _, s, d, w in rows) / den


def ratifies(sc: Scenario, ratifier: Ratifier, terms: Mapping[str, float]) -> bool:
    """Whether ``u_r(x) >= R`` (a ratifier with nothing on record ratifies).

    Examples:
        On :func:`mlf.examples.two_parliaments` (Parliament A wants the share low, B high):

        >>> from mlf import examples
        >>> scenario = examples.two_parliaments()
        >>> ratifies(scenario, scenario.actors["A"].ratifiers["parl"], {"share": 25.0})
        True
        >>> ratifies(scenario, scenario.actors["B"].ratifiers["parl"], {"share": 25.0})
        False
    """
    u = ratifier_utility(sc, ratifier, terms)
    return u is None or u >= ratifier.reservation.value - TOL


def ratifier_winset(
    sc: Scenario, ratifier: Ratifier, iid: str, terms: Mapping[str, float]
) -> WinSet:
    """The values of ``iid`` the ratifier accepts, the other terms held (module docstring).

    ``terms`` holds the other settled issues (its own entry for ``iid``, if any, is ignored).

    Examples:
        On :func:`mlf.examples.two_parliaments` (Parliament A wants the share low, B high):

        >>> from mlf import examples
        >>> scenario = examples.two_parliaments()
        >>> ratifier_winset(scenario, scenario.actors["A"].ratifiers["parl"], "share", {})
        WinSet(issue='share', lo=0.0, hi=30.0, options=None)
        >>> ratifier_winset(scenario, scenario.actors["B"].ratifiers["parl"], "share", {})
        WinSet(issue='share', lo=60.0, hi=100.0, options=None)
    """
    issue = sc.issues[iid]
    others = {k: v for k, v in terms.items() if k != iid}
    pos = ratifier.positions.get(iid)
    if pos is None or pos.salience.value <= 0:
        full = {**others, iid: issue.lo} if pos is not None else others
        return _whole(iid, issue) if ratifies(sc, ratifier, full) else _empty(iid, issue)
    rows = _terms_on(sc, ratifier.positions, others)
    s_k = pos.salience.value
    total = math.fsum(s for _, s, _, _ in rows) + s_k
    a = math.fsum(s * (1.0 - d / w) for _, s, d, w in rows)
    width = issue.hi - issue.lo
    d = width * (1.0 - (ratifier.reservation.value * total - a) / s_k)
    if d < -TOL:
        return _empty(iid, issue)
    d = max(d, 0.0)
    p = issue.to_number(pos.position)
    return _from_interval(iid, issue, p - d, p + d)


def _required(sc: Scenario, actor: str) -> list[tuple[str, Ratifier]]:
    return [(r, x) for r, x in sc.actors[actor].ratifiers.items() if x.rule == "required"]


def member_winset(sc: Scenario, actor: str, iid: str, terms: Mapping[str, float]) -> WinSet:
    """The intersection of the actor's required ratifiers' win-sets (whole scale if none).

    Examples:
        On :func:`mlf.examples.two_parliaments` (Parliament A wants the share low, B high):

        >>> from mlf import examples
        >>> scenario = examples.two_parliaments()
        >>> member_winset(scenario, "B", "share", {})
        WinSet(issue='share', lo=60.0, hi=100.0, options=None)
    """
    issue = sc.issues[iid]
    return intersect(
        iid, issue, (ratifier_winset(sc, r, iid, terms) for _, r in _required(sc, actor))
    )


def has_ratifiers(sc: Scenario, actors: Iterable[str]) -> bool:
    """Whether any of ``actors`` has a ratifier.

    Examples:
        On :func:`mlf.examples.two_parliaments` (Parliament A wants the share low, B high):

        >>> from mlf import examples
        >>> scenario = examples.two_parliaments()
        >>> has_ratifiers(scenario, ["A", "B"])
        True
    """
    return any(sc.actors[a].ratifiers for a in actors)


@dataclass(frozen=True)
class RatifierVerdict:
    """One ratifier's verdict on the agreed terms."""

    id: str
    name: str
    rule: str
    utility: float | None
    reservation: float
    ratifies: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "rule": self.rule,
            "utility": self.utility,
            "reservation": self.reservation,
            "ratifies": self.ratifies,
        }


@dataclass(frozen=True)
class MemberRatification:
    """One member's ratification: each ratifier's verdict and the member's win-sets."""

    actor: str
    ratifies: bool
    verdicts: tuple[RatifierVerdict, ...]
    winsets: Mapping[str, WinSet]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ratifies": self.ratifies,
            "ratifiers": [v.to_dict() for v in self.verdicts],
            "winsets": {k: w.to_dict() for k, w in self.winsets.items()},
        }


@dataclass(frozen=True)
class Ratification:
    """The ratification stage of one agreement (see :func:`check`).

    ``ratified``: every member ratifies. ``not_ratified_by``: the members that do not.
    ``joint``: per settled issue, the intersection of the members' win-sets given the other
    terms; ``no_ratifiable_deal``: the issues where it is empty. ``renegotiated``: the terms
    are those of a renegotiation within the win-sets; ``anticipated``: the negotiators
    anticipated ratification (tying hands); ``detail``: one line.
    """

    members: Mapping[str, MemberRatification]
    joint: Mapping[str, WinSet]
    ratified: bool
    not_ratified_by: tuple[str, ...]
    no_ratifiable_deal: tuple[str, ...]
    detail: str = ""
    renegotiated: bool = False
    anticipated: bool = False
    attempts: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ratified": self.ratified,
            "not_ratified_by": list(self.not_ratified_by),
            "no_ratifiable_deal": list(self.no_ratifiable_deal),
            "detail": self.detail,
            "renegotiated": self.renegotiated,
            "anticipated": self.anticipated,
            "attempts": list(self.attempts),
            "members": {a: m.to_dict() for a, m in self.members.items()},
            "joint": {k: w.to_dict() for k, w in self.joint.items()},
        }


def check(sc: Scenario, members: Sequence[str], terms: Mapping[str, float]) -> Ratification:
    """Each member's ratification of ``terms`` (issue -> applied value), with the win-sets.

    The win-sets are computed for every settled issue, each given the other terms.

    Examples:
        On :func:`mlf.examples.two_parliaments` (Parliament A wants the share low, B high):

        >>> from mlf import examples
        >>> scenario = examples.two_parliaments()

        At a share of 25, Parliament A ratifies and Parliament B does not; no share would
        satisfy both:

        >>> ratification = check(scenario, ["A", "B"], {"share": 25.0})
        >>> ratification.ratified, ratification.not_ratified_by, ratification.no_ratifiable_deal
        (False, ('B',), ('share',))
        >>> [(v.name, v.utility, v.ratifies) for v in ratification.members["B"].verdicts]
        [('Parliament B', 0.25, False)]
    """
    per: dict[str, MemberRatification] = {}
    for a in members:
        verdicts = []
        for rid, r in sc.actors[a].ratifiers.items():
            u = ratifier_utility(sc, r, terms)
            ok = u is None or u >= r.reservation.value - TOL
            verdicts.append(RatifierVerdict(rid, r.name, r.rule, u, r.reservation.value, ok))
        ok_all = all(v.ratifies for v in verdicts if v.rule == "required")
        ws = {iid: member_winset(sc, a, iid, terms) for iid in terms}
        per[a] = MemberRatification(a, ok_all, tuple(verdicts), ws)
    joint = {
        iid: intersect(iid, sc.issues[iid], (m.winsets[iid] for m in per.values())) for iid in terms
    }
    refused = tuple(a for a in members if not per[a].ratifies)
    empty = tuple(iid for iid, w in joint.items() if w.empty)
    return Ratification(per, joint, not refused, refused, empty)


def anticipated_position(
    sc: Scenario, actor: str, iid: str, fixed: Mapping[str, float], settled: Sequence[str]
) -> float | None:
    """Where tying hands puts ``actor``'s position on ``iid`` (None: it does not move).

    The actor's own win-set on ``iid`` is computed with the fixed terms of the alternative
    and, on the other settled issues, the actor's own positions (the status quo where it has
    none): the most the negotiator could bring home. A position outside it is pulled to its
    nearest edge; an empty own win-set moves nothing (there is no edge to pull to).

    Examples:
        On :func:`mlf.examples.two_parliaments` (Parliament A wants the share low, B high):

        >>> from mlf import examples
        >>> scenario = examples.two_parliaments()

        Tying hands pulls Nation A's negotiator from 50 to the edge of what its parliament
        accepts; Nation B's position (100) lies inside its own win-set and does not move:

        >>> anticipated_position(scenario, "A", "share", {}, ["share"])
        30.0
        >>> anticipated_position(scenario, "B", "share", {}, ["share"]) is None
        True
    """
    pos = sc.actors[actor].positions.get(iid)
    if pos is None or not sc.actors[actor].ratifiers:
        return None
    terms: dict[str, float] = dict(fixed)
    for k in settled:
        if k in fixed:
            continue
        issue = sc.issues[k]
        own = sc.actors[actor].positions.get(k)
        terms[k] = issue.to_number(own.position if own is not None else issue.status_quo)
    ws = member_winset(sc, actor, iid, terms)
    x = sc.issues[iid].to_number(pos.position)
    if ws.empty or ws.contains(x):
        return None
    return ws.nearest(x)


def elements_refused(
    sc: Scenario, m: MemberRatification, terms: Mapping[str, float]
) -> tuple[str, ...]:
    """The settled elements on which member ``m`` refuses: those some required ratifier of it
    holds a position on (salience above 0) whose agreed value lies outside the member's
    win-set (the other terms held). An element no ratifier holds a position on is never named,
    though its win-set is empty whenever the other terms are already refused.

    Examples:
        On :func:`mlf.examples.two_parliaments` (Parliament A wants the share low, B high):

        >>> from mlf import examples
        >>> scenario = examples.two_parliaments()
        >>> ratification = check(scenario, ["A", "B"], {"share": 25.0})
        >>> elements_refused(scenario, ratification.members["B"], {"share": 25.0})
        ('share',)
    """
    held = {
        iid
        for _, r in _required(sc, m.actor)
        for iid, p in r.positions.items()
        if p.salience.value > 0
    }
    return tuple(
        iid
        for iid, x in terms.items()
        if iid in held and iid in m.winsets and not m.winsets[iid].contains(x)
    )


def refusal_detail(sc: Scenario, members: Sequence[str], rat: Ratification) -> str:
    """The one line of a signed agreement that some member does not ratify: who signed, and
    per refusing member its required ratifiers' utilities below their reservations.

    Examples:
        On :func:`mlf.examples.two_parliaments` (Parliament A wants the share low, B high):

        >>> from mlf import examples
        >>> scenario = examples.two_parliaments()
        >>> ratification = check(scenario, ["A", "B"], {"share": 25.0})
        >>> detail = refusal_detail(scenario, ["A", "B"], ratification)
        >>> print(detail)  # doctest: +NORMALIZE_WHITESPACE
        signed by A, B, not ratified by Nation B (Parliament B: 0.25 < 0.60);
        the outcome is the status quo
    """
    who = "; ".join(
        f"{sc.actors[a].name} ("
        + ", ".join(
            f"{v.name}: {v.utility:.2f} < {v.reservation:.2f}"
            for v in rat.members[a].verdicts
            if not v.ratifies and v.rule == "required" and v.utility is not None
        )
        + ")"
        for a in rat.not_ratified_by
    )
    return f"signed by {', '.join(members)}, not ratified by {who}; the outcome is the status quo"
