"""The talks: one alternative through the whole path, and the comparison of all of them.

For one alternative::

    the table: each invited nation decides whether to come to the talks (mlf.table)
    negotiate the open issues among those at the table (bargaining model; observers never
      bargain, their influence is only an explicit pressure term the scenario sets)
      -> arrangement (control game, common units and units in kind, applied cost shares,
         manning)
      -> participation: each nation at the table decides for itself (a stable member set,
         or a reported cycle)
      -> members changed? renegotiate among the members, until a fixed point (or a cycle)
    final status (final_status), then analysis of an agreement only: the European test,
    power in the control game, costs, manning; guardrails (mlf.guardrails)

The comparison runs every alternative whose capability-weighted support reaches the scenario's
threshold through the same path ("alternative proposals should be tested by discussion in the
same way as the MLF itself, wherever there is apparent support for them", FRUS 1961-63 XIII
doc. 206) and lists the others with their support.

Guardrails from the memorandum, each reported for every alternative (:mod:`mlf.guardrails`):

* no selling: membership comes only from each nation's own decision; for each invited nation
  that stays out, the side payment that would buy it in is shown (and never made); on a
  cycle it is not met;
* fall-back: failed talks leave the status quo, never another alternative;
* genuinely European: no non-European veto player and no coalition of non-Europeans alone
  able to act (:func:`mlf.guardrails.is_genuinely_european`); an alternative that requires
  European control and fails the test does not count;
* the pivot-broadening question (:func:`pivot_broadening`, also ``british_question``): the
  smallest broadening of the agenda under which joining becomes the pivotal nation's (the
  United Kingdom's, in the built-ins) own best choice.

Model of a nation's value of joining: see :mod:`mlf.participation`; where the bargaining
model's own mechanics produced a term: :mod:`mlf.mechanics`.

This package is a facade: each step lives in its own module, and every public name is
re-exported here (``from mlf.talks import run_scenario`` keeps working).

* :mod:`mlf.talks.attendance`: the table step (each invited nation's terms; the rule is
  :mod:`mlf.table`);
* :mod:`mlf.talks.negotiation`: the bargaining input and the negotiation;
* :mod:`mlf.talks.arrangement`: the arrangement settings, the control game (with its caches),
  costs, voice;
* :mod:`mlf.talks.satisfaction`: a nation's policy satisfaction;
* :mod:`mlf.talks.alternative`: one alternative through the whole path, its final status and
  its result records;
* :mod:`mlf.talks.comparison`: every alternative, and the run's result (:class:`RunResult`);
* :mod:`mlf.talks.broadening`: the pivot-broadening question;
* :mod:`mlf.talks.errors`: :class:`AnalysisError`.

Imports run one way: negotiation, arrangement, satisfaction, attendance, alternative,
broadening, comparison (no circles; ``tests/test_import_graph.py``).
"""

from __future__ import annotations

from mlf.talks.alternative import (
    AlternativeOutcome,
    TalksRound,
    _manning,
    analyse_outcome,
    final_status,
    participation_game,
    run_alternative,
    support_of,
)
from mlf.talks.arrangement import (
    _COST_MODELS,
    _GAMES,
    _SPECS,
    _VOICES,
    Arrangement,
    applied_terms,
    arrangement_settings,
    build_arrangement,
    voice_of,
)
from mlf.talks.attendance import (
    come_to_table,
    is_force_alternative,
    outside_option,
    pressure_on,
)
from mlf.talks.broadening import (
    british_question,
    pivot_broadening,
)
from mlf.talks.comparison import (
    ProgressFn,
    RunResult,
    run_scenario,
)
from mlf.talks.errors import (
    AnalysisError,
)
from mlf.talks.negotiation import (
    Agreed,
    bargaining_input,
    negotiate,
)
from mlf.talks.satisfaction import (
    policy_satisfaction,
)

__all__ = [
    "_COST_MODELS",
    "_GAMES",
    "_SPECS",
    "_VOICES",
    "Agreed",
    "AlternativeOutcome",
    "AnalysisError",
    "Arrangement",
    "ProgressFn",
    "RunResult",
    "TalksRound",
    "_manning",
    "analyse_outcome",
    "applied_terms",
    "arrangement_settings",
    "bargaining_input",
    "british_question",
    "build_arrangement",
    "come_to_table",
    "final_status",
    "is_force_alternative",
    "negotiate",
    "outside_option",
    "participation_game",
    "pivot_broadening",
    "policy_satisfaction",
    "pressure_on",
    "run_alternative",
    "run_scenario",
    "support_of",
    "voice_of",
]
