"""Small made-up scenarios for examples: written once, used by the docstrings and tutorials.

Like scikit-learn's ``load_iris``, each toy ships with the package (a YAML file next to this
module) and is returned fresh on every call, so an example can change it without touching
another. They are toys for showing how a function is called, not history: their numbers are
round and made up, and so is the one memorandum two of them cite. The built-in scenarios
(:func:`mlf.scenario.builtin_ids`) are the sourced ones.

- ``two_nations_force``: two nations, A (capability 0.6, position 80, with a range of 60 to
  100) and B (0.4, position 40), negotiate the size of a force that costs money (an equal
  split, 10 years). The talks step by step, costs, sensitivity sweeps, backtests.
- ``two_nations_fleet``: the United States (0.6, position 80) and Germany (0.4, position
  40) settle the size of a fleet both support; the United States' capability cites a
  memorandum. A whole run with its ``result.json``, reports, comparisons, sources.
- ``three_nations_fleet``: the fleet with Britain as a third nation, whose outside option
  (2) is above anything the fleet offers it. The classroom exercise.
- ``two_parliaments``: two nations whose parliaments must ratify the share they agree:
  Parliament A wants it low (0 to 100) and needs a satisfaction of 0.7, Parliament B wants
  it high and needs 0.6 (Nation A's negotiator, at 50, is more forthcoming than its
  parliament). Two-level talks (:mod:`mlf.ratification`).
- ``coded_stances``: Germany's support and outside option estimated from coded, dated
  stances (:mod:`mlf.estimates`), with the memorandum they cite.
- ``fleet_outcomes``: not a scenario but an outcomes file, what happened to the fleet of
  ``two_nations_fleet`` (no agreement; a size of 50), for backtests.

:func:`text` gives a toy's YAML, :func:`path` its file (for :func:`mlf.scenario.load_scenario`
or the command line), and one function per toy its parsed :class:`mlf.scenario.Scenario`.
Nothing here writes anything; reading the package's own files is the only I/O.

Examples:
    >>> from mlf import examples
    >>> sc = examples.two_nations_force()
    >>> sc.meta.title, list(sc.actors), list(sc.alternatives)
    ('Two nations and a force', ['A', 'B'], ['force'])
    >>> examples.two_nations_force() is sc  # a fresh scenario on every call
    False
    >>> from mlf.scenario import load_scenario
    >>> load_scenario(examples.path("two_nations_fleet")).id
    'two'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlf.backtest.outcomes import LoadedOutcomes
    from mlf.scenario import Scenario

__all__ = [
    "NAMES",
    "coded_stances",
    "fleet_outcomes",
    "path",
    "text",
    "three_nations_fleet",
    "two_nations_fleet",
    "two_nations_force",
    "two_parliaments",
]

NAMES = (
    "two_nations_force",
    "two_nations_fleet",
    "three_nations_fleet",
    "two_parliaments",
    "coded_stances",
    "fleet_outcomes",
)
"""The examples' names: each is a file ``<name>.yaml`` of this package."""


def path(name: str) -> Path:
    """The file of example ``name`` (one of :data:`NAMES`).

    Raises:
        ValueError: ``name`` is not an example (one line listing those there are).

    Examples:
        >>> from mlf.scenario import load_scenario
        >>> p = path("two_nations_fleet")
        >>> p.name, load_scenario(p).scenario.meta.title
        ('two_nations_fleet.yaml', 'Two nations')
        >>> path("iris")
        Traceback (most recent call last):
            ...
        ValueError: name: 'iris' is not an example of mlf.examples (two_nations_force, \
two_nations_fleet, three_nations_fleet, two_parliaments, coded_stances, fleet_outcomes)
    """
    if name not in NAMES:
        raise ValueError(f"name: {name!r} is not an example of mlf.examples ({', '.join(NAMES)})")
    return Path(str(resources.files(__name__) / f"{name}.yaml"))


def text(name: str) -> str:
    """The YAML text of example ``name`` (one of :data:`NAMES`).

    Examples:
        >>> print(text("two_nations_force").splitlines()[2])
        meta: {id: toy, title: Two nations and a force, date: 1963-07-15}
    """
    return path(name).read_text(encoding="utf-8")


def _scenario(name: str) -> Scenario:
    from mlf.scenario import parse_scenario

    scenario, _ = parse_scenario(text(name), f"{name}.yaml")
    return scenario


def two_nations_force() -> Scenario:
    """Two nations, A and B, negotiate the size of a force that costs money.

    One issue, ``size`` (0 to 100 units, status quo 0). A (capability 0.6, defence budget
    10) stands at 80 with salience 0.5 and a range of 60 to 100; B (0.4, budget 5) at 40. The
    one alternative, ``force``, invites both, splits its costs equally and costs 0.01 a unit
    to build and 0.001 a unit a year to run over 10 years.

    Examples:
        >>> sc = two_nations_force()
        >>> sc.actors["A"].positions["size"].range, sc.alternatives["force"].invited
        ((60.0, 80.0, 100.0), ['A', 'B'])
    """
    return _scenario("two_nations_force")


def two_nations_fleet() -> Scenario:
    """The United States and Germany settle the size of a fleet.

    One issue, ``size`` (0 to 100 units, status quo 0); the United States (capability 0.6,
    citing a memorandum, source ``S1`` coded B; not European) stands at 80, Germany (0.4,
    European) at 40, both with salience 1, and both support the one alternative, ``fleet``.
    For a whole run, load its file (:func:`path`) with :func:`mlf.scenario.load_scenario`.

    Examples:
        >>> sc = two_nations_fleet()
        >>> [(a, sc.actors[a].european) for a in sc.actors], sc.issues["size"].title
        ([('US', False), ('DE', True)], 'Size of the force')
    """
    return _scenario("two_nations_fleet")


def three_nations_fleet() -> Scenario:
    """The fleet with Britain as a third nation, whose outside option keeps it away.

    One issue, ``size`` (0 to 200 units); the United States (capability 0.6) at 200,
    Germany (0.3) at 150, both supporting the fleet; the United Kingdom (0.1) at 50, with an
    outside option of 2, above what the fleet offers it. The classroom exercise's examples
    (:mod:`mlf.exercise`) take its :func:`text`.

    Examples:
        >>> sc = three_nations_fleet()
        >>> list(sc.actors), sc.issues["size"].hi
        (['US', 'DE', 'GB'], 200.0)
    """
    return _scenario("three_nations_fleet")


def two_parliaments() -> Scenario:
    """Two nations whose parliaments must ratify the share they agree (Putnam's two-level
    talks, :mod:`mlf.ratification`).

    One issue, ``share`` (0 to 100). Nation A's negotiator stands at 50, its parliament at 0
    with a reservation of 0.7; Nation B and its parliament stand at 100, the parliament's
    reservation 0.6. Both parliaments are required ratifiers.

    Examples:
        >>> sc = two_parliaments()
        >>> [(a, r.name, r.reservation.value) for a in sc.actors
        ...  for r in sc.actors[a].ratifiers.values()]
        [('A', 'Parliament A', 0.7), ('B', 'Parliament B', 0.6)]
    """
    return _scenario("two_parliaments")


def coded_stances() -> Scenario:
    """Germany's numbers estimated from coded, dated stances (:mod:`mlf.estimates`).

    Germany demands a share in control (its ``voice`` stance) and supports the fleet, both
    coded from a memorandum (source ``S1``, dated 1963-06); its support (0.8) and outside
    option (0.6) are marked as estimates with ranges. The United States has no coded
    statement and no positions.

    Examples:
        >>> sc = coded_stances()
        >>> sc.actors["DE"].stances.voice.code, sc.actors["DE"].support["fleet"].estimate
        ('demands', True)
    """
    return _scenario("coded_stances")


def fleet_outcomes() -> LoadedOutcomes:
    """What happened to the fleet of :func:`two_nations_fleet`: the outcomes file a backtest
    scores it against (:mod:`mlf.backtest`). Made up: no fleet was agreed, and a size of 50.

    Examples:
        >>> outcomes = fleet_outcomes()
        >>> [(q.id, q.kind, q.outcome) for q in outcomes.outcomes.questions]
        [('fleet_agreed', 'agreement', False), ('fleet_size', 'value', 50.0)]
    """
    from mlf.backtest.outcomes import parse_outcomes

    return parse_outcomes(text("fleet_outcomes"), "fleet_outcomes.yaml")
