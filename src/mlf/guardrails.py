"""The memorandum's guardrails, each a visible check on the final outcome of an alternative.

From the memorandum "The Next Steps on the MLF" (FRUS 1961-63 XIII, doc. 206):

* **genuinely European** (:func:`is_genuinely_european`): the President would not oppose a
  European force under "political instruments of control which would make such a force
  genuinely European". mlf reads that as two conditions on the control game among the
  members, both required:

  1. no non-European member is a veto player (no outsider can stop a firing alone), and
  2. no coalition of non-European members alone is winning (no outsider, or group of
     outsiders, can fire without a European). Simple games are monotone, so this is the
     single check that the set of all non-European members is losing.

  The test reports which condition fails (both may). A rule under which no coalition can act
  at all, or a member set without a European, is not European either. Whether the European
  members together can act without any outsider is reported beside the verdict but is not
  part of it: a rule where the Europeans need one of several outsiders (none a veto player,
  none able to act without Europeans) passes, and the reason says that they need one.
* **no selling** (:func:`no_selling`): membership only from each nation's own decision. For
  each nation that stays out, the side payment that would buy it in is priced, never paid.
  When the participation game has no stable member set (a cycle), the check is not met: no
  member set came from the nations' own decisions.
* **fall-back** (:func:`fallback`): failed talks leave the status quo, never another
  alternative.
* **fixed point** (:func:`fixed_point`): the renegotiation among the members ended at a member
  set that the terms it agreed keep stable.

Every function here is pure: it reads the final outcome's pieces and returns a plain dict (the
shape ``result.json`` carries under ``guardrails``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlf.errors import GameError
from mlf.games import Game
from mlf.participation import Decision
from mlf.power import veto_players

__all__ = [
    "EuropeanTest",
    "fallback",
    "fixed_point",
    "is_genuinely_european",
    "no_selling",
]


@dataclass(frozen=True)
class EuropeanTest:
    """The result of :func:`is_genuinely_european`.

    Attributes:
        ok: both conditions hold.
        reason: one line: what holds, or which condition fails and why.
        failed: the failed conditions, by name: ``"non_european_veto"`` (condition 1) and/or
            ``"non_european_can_act"`` (condition 2); ``"no_winning_coalition"`` or
            ``"no_european_members"`` for the degenerate cases.
        non_european_vetoes: the non-European veto players.
        europeans_can_act_alone: whether the European members together are winning (shown
            for information; the definition does not require it, see the module docstring).
    """

    ok: bool
    reason: str
    failed: tuple[str, ...] = ()
    non_european_vetoes: tuple[str, ...] = ()
    europeans_can_act_alone: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "reason": self.reason,
            "failed": list(self.failed),
            "non_european_vetoes": list(self.non_european_vetoes),
            "europeans_can_act_alone": self.europeans_can_act_alone,
        }


def is_genuinely_european(game: Game, european_members: Iterable[str]) -> EuropeanTest:
    """Whether the control game is genuinely European (see the module docstring).

    Raises:
        GameError: a European member that is not a player of the game.

    Examples:
        Simple majority of three, two of them European: the Europeans can act without the
        United States, which cannot act alone and cannot stop a firing:

        >>> from mlf.games import parse_weighted
        >>> rule = parse_weighted("[2; 1, 1, 1]", ["US", "DE", "IT"])
        >>> t = is_genuinely_european(rule, ["DE", "IT"])
        >>> t.ok, t.europeans_can_act_alone
        (True, True)

        Give the United States two votes of four needed three, and it holds a veto:

        >>> rule = parse_weighted("[3; 2, 1, 1]", ["US", "DE", "IT"])
        >>> t = is_genuinely_european(rule, ["DE", "IT"])
        >>> t.ok, t.failed, t.reason
        (False, ('non_european_veto',), 'non-European veto player(s): US')
    """
    eu = set(european_members)
    unknown = sorted(eu - set(game.players))
    if unknown:
        raise GameError(f"European members not in the game: {', '.join(unknown)}")
    if not game.has_winning:
        return EuropeanTest(
            False, "no coalition can act under this rule", ("no_winning_coalition",)
        )
    if not eu:
        return EuropeanTest(False, "there are no European members", ("no_european_members",))
    outsiders = [p for p in game.players if p not in eu]
    vetoes = tuple(p for p in veto_players(game) if p not in eu)
    failed: list[str] = []
    reasons: list[str] = []
    if vetoes:
        failed.append("non_european_veto")
        reasons.append(f"non-European veto player(s): {', '.join(vetoes)}")
    if outsiders and game.is_winning(outsiders):
        failed.append("non_european_can_act")
        reasons.append(
            f"the non-European members ({', '.join(outsiders)}) can act without any European"
        )
    alone = game.is_winning(sorted(eu))
    if failed:
        return EuropeanTest(False, "; ".join(reasons), tuple(failed), vetoes, alone)
    reason = "no non-European veto player, and no non-European coalition can act alone"
    if not alone:
        reason += " (the European members need at least one non-European to act)"
    return EuropeanTest(True, reason, (), (), alone)


def no_selling(
    decisions: Sequence[Decision],
    budgets: Mapping[str, float | None],
    currency: str,
    *,
    cycle: bool = False,
) -> dict[str, Any]:
    """Membership only from each nation's own decision; price of each refusal, never paid.

    ``budgets``: each actor's annual defence budget (None if unknown), used to turn the
    utility gap of a refusal into money: ``gap / w_cost * budget`` (cost is measured as a
    share of the defence budget). ``cycle``: the participation game, or the renegotiation
    among the members, cycles: there is no member set to claim was chosen.

    Examples:
        Three nations each weigh the same terms against their own outside option; C stays
        out, and the check prices (never pays) what would buy it in:

        >>> from mlf.participation import ParticipationGame, Terms, decide
        >>> game = ParticipationGame(
        ...     ["A", "B", "C"],
        ...     lambda members, actor: Terms(0.6, 1 / len(members), 0.3),
        ...     {"A": 0.5, "B": 0.5, "C": 0.9},
        ... )
        >>> check = no_selling(decide(game).decisions, {"A": 100.0, "B": 50.0, "C": 20.0}, "USD")
        >>> check["ok"], check["detail"]
        (True, 'every member joined by its own decision; no side payments are made')
        >>> round(check["side_payments_that_would_buy_entry"]["C"]["annual_payment"], 2)
        5.33
    """
    payments: dict[str, Any] = {}
    flagged: list[str] = []
    for d in decisions:
        if d.join and d.margin < 0:
            flagged.append(d.actor)
        if not d.join and d.terms.feasible and d.terms.w_cost > 0:
            gap = -d.margin
            b = budgets.get(d.actor)
            payments[d.actor] = {
                "utility_gap": gap,
                "annual_payment": gap / d.terms.w_cost * b if b is not None else None,
                "currency": currency,
            }
    if cycle:
        return {
            "ok": False,
            "flagged": flagged,
            "detail": "not met: the nations' own decisions (or the renegotiation among them) "
            "cycle, so no member set comes from them; no side payments are made",
            "side_payments_that_would_buy_entry": payments,
        }
    return {
        "ok": not flagged,
        "flagged": flagged,
        "detail": "every member joined by its own decision; no side payments are made"
        if not flagged
        else f"{', '.join(flagged)} would leave without a side payment",
        "side_payments_that_would_buy_entry": payments,
    }


def fallback(status: str) -> dict[str, Any]:
    """Failed talks leave the status quo, never another alternative.

    Examples:
        >>> fallback("no agreement")["outcome"]
        'status quo'
        >>> fallback("agreement")["detail"]
        'an agreement was reached; the fall-back (status quo) was not needed'
    """
    agreed = status == "agreement"
    return {
        "ok": True,
        "outcome": "agreement" if agreed else "status quo",
        "detail": "an agreement was reached; the fall-back (status quo) was not needed"
        if agreed
        else "failed talks leave the status quo; no other alternative is implied",
    }


def fixed_point(detail: str) -> dict[str, Any]:
    """The renegotiation among the members reached a member set its own terms keep stable.

    ``detail`` is the renegotiation's one-line account; one starting with ``cycle`` or
    ``no fixed`` means no stable member set was reached.

    Examples:
        >>> fixed_point("stable after round 2")
        {'ok': True, 'detail': 'stable after round 2'}
        >>> fixed_point("no fixed point within 10 rounds")["ok"]
        False
    """
    return {"ok": not detail.startswith(("cycle", "no fixed")), "detail": detail}
