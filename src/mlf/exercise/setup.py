"""The setup of an exercise: the scenario, the alternative on the table, the model, the seats.

A :class:`Setup` is plain, JSON-serialisable data (pydantic): the scenario's own text (so that
an exercise is reproducible from its record alone, as a result is from its scenario hash), the
alternative whose talks are played, the negotiation model that settles terms, the seats people
play (every other invited nation is played by the model) and the seed. :func:`make_setup`
validates all of it: the scenario with mlf's own reader (:func:`mlf.scenario.parse_scenario`,
the same located errors as ``mlf check``), the rest with one line naming the argument.

The parsed scenario is cached per process by the text's SHA-256 (bounded), so that replaying an
exercise's event log does not parse the scenario again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mlf.bargaining import MODELS
from mlf.exercise.errors import SetupError
from mlf.scenario import (
    LoadedScenario,
    Scenario,
    builtin_ids,
    builtin_path,
    builtin_text,
    parse_scenario,
)
from mlf.seeds import MAX_SEED
from mlf.table import TableDecision, TableResult
from mlf.talks import come_to_table

SETUP_VERSION = "mlf-exercise/1"
"""The version of the setup and event formats this mlf writes and reads."""

MAX_SEATS = 64
"""Most seats people may play in one exercise (every invited nation can be a seat)."""


class Setup(BaseModel):
    """What an exercise starts from (immutable; JSON via ``model_dump_json``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal["mlf-exercise/1"] = "mlf-exercise/1"
    scenario_text: str = Field(description="the scenario file's text (YAML)")
    scenario_name: str = Field(description="the file name shown in messages")
    builtin: bool = False
    alternative: str
    model: str
    seats: tuple[str, ...] = Field(description="the invited nations people play, in order")
    seed: int = Field(ge=0)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.scenario_text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Context:
    """A setup's parsed scenario and what the exercise reads from it on every action."""

    setup: Setup
    loaded: LoadedScenario

    @property
    def scenario(self) -> Scenario:
        return self.loaded.scenario


_CACHE_LIMIT = 256
_LOADED: dict[tuple[str, str, bool], LoadedScenario] = {}


def _load(text: str, name: str, builtin: bool) -> LoadedScenario:
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    key = (sha, name, builtin)
    hit = _LOADED.get(key)
    if hit is None:
        scenario, warnings = parse_scenario(data, name)  # ScenarioErrors: located, one per line
        path = str(builtin_path(name.removesuffix(".yaml"))) if builtin else name
        hit = LoadedScenario(scenario, path, sha, tuple(warnings), builtin)
        if len(_LOADED) >= _CACHE_LIMIT:
            _LOADED.clear()
        _LOADED[key] = hit
    return hit


def context(setup: Setup) -> Context:
    """The setup with its scenario parsed (cached by the text's hash).

    Examples:
        Three nations; people play Germany (the model plays the others, and Britain, whose
        outside option is high, stays away from the table):

        >>> from mlf.exercise import make_setup
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> setup = make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"])
        >>> ctx = context(setup)
        >>> ctx.scenario.meta.title, ctx.loaded.sha256 == setup.sha256
        ('Three nations', True)
    """
    return Context(setup, _load(setup.scenario_text, setup.scenario_name, setup.builtin))


def make_setup(
    scenario_text: str | bytes,
    scenario_name: str,
    *,
    alternative: str,
    seats: Sequence[str],
    model: str | None = None,
    seed: int | None = None,
    builtin: bool = False,
) -> Setup:
    """A validated :class:`Setup`.

    ``model`` and ``seed`` default to the scenario's ``settings``. Raises
    :class:`mlf.scenario.ScenarioErrors` for an invalid scenario (every located problem) and
    :class:`SetupError` (one line naming the argument) for the rest.

    Examples:
        Three nations; people play Germany (the model plays the others, and Britain, whose
        outside option is high, stays away from the table):

        >>> from mlf.exercise import make_setup
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> setup = make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"])
        >>> setup.seats, setup.model, setup.seed
        (('DE',), 'compromise', 0)

        A seat that is not invited is refused in one line:

        >>> make_setup(text, "trio.yaml", alternative="fleet", seats=["FR"])
        Traceback (most recent call last):
            ...
        mlf.exercise.errors.SetupError: seats: 'FR' is not invited to fleet (invited: US, DE, GB)
    """
    if isinstance(scenario_text, bytes):
        try:
            text = scenario_text.decode("utf-8")
        except UnicodeDecodeError:
            # parse_scenario names the offending byte's line and column.
            parse_scenario(scenario_text, scenario_name)
            raise SetupError(f"{scenario_name}: is not UTF-8 text") from None
    else:
        text = scenario_text
    loaded = _load(text, scenario_name, builtin)
    sc = loaded.scenario
    alt = sc.alternatives.get(alternative)
    if alt is None:
        raise SetupError(
            f"alternative: unknown alternative {alternative!r} "
            f"(known: {', '.join(sc.alternatives)})"
        )
    mdl = model if model is not None else sc.settings.model
    if mdl not in MODELS:
        raise SetupError(f"model: unknown model {mdl!r} (known: {', '.join(sorted(MODELS))})")
    if seed is None:
        sd = sc.settings.seed
    elif isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < MAX_SEED:
        raise SetupError(f"seed: {seed!r} is not an integer from 0 to 2^64 - 1")
    else:
        sd = seed
    chosen = list(seats)
    if not chosen:
        raise SetupError("seats: at least one seat must be played by people")
    if len(chosen) > MAX_SEATS:
        raise SetupError(f"seats: {len(chosen)} seats; at most {MAX_SEATS}")
    seen: set[str] = set()
    for s in chosen:
        if s in seen:
            raise SetupError(f"seats: {s!r} is listed twice")
        seen.add(s)
        if s not in alt.invited:
            raise SetupError(
                f"seats: {s!r} is not invited to {alternative} (invited: {', '.join(alt.invited)})"
            )
    order = [a for a in alt.invited if a in seen]
    setup = Setup(
        scenario_text=text,
        scenario_name=scenario_name,
        builtin=builtin,
        alternative=alternative,
        model=mdl,
        seats=tuple(order),
        seed=sd,
    )
    table_of(context(setup))  # refuses a table too small for the alternative
    return setup


def table_of(ctx: Context) -> tuple[TableResult, TableResult]:
    """Who sits at the table: model seats by mlf's rule (:func:`mlf.talks.come_to_table`),
    seats people play because they came to play.

    Returns the exercise's table and the model's own (where a seat people play may stay
    away). Raises :class:`SetupError` when fewer sit at the exercise's than the alternative
    needs.

    Examples:
        Three nations; people play Germany (the model plays the others, and Britain, whose
        outside option is high, stays away from the table):

        >>> from mlf.exercise import make_setup
        >>> from mlf import examples
        >>> text = examples.text("three_nations_fleet")
        >>> setup = make_setup(text, "trio.yaml", alternative="fleet", seats=["DE"])
        >>> table, model_table = table_of(context(setup))
        >>> table.at_table, model_table.stayed_away
        (('US', 'DE'), ('GB',))
    """
    setup = ctx.setup
    sc = ctx.scenario
    alt = sc.alternatives[setup.alternative]
    model_table = come_to_table(sc, setup.alternative, alt)
    table = TableResult(
        tuple(
            TableDecision(d.actor, True, d.terms, d.outside) if d.actor in setup.seats else d
            for d in model_table.decisions
        )
    )
    at_table = table.at_table
    if len(at_table) < alt.min_members:
        raise SetupError(
            f"seats: only {len(at_table)} nation(s) sit at the table of {setup.alternative} "
            f"({', '.join(at_table) or 'none'}; the model's seats that stay away: "
            f"{', '.join(table.stayed_away) or 'none'}); it needs {alt.min_members}: "
            "give people more seats"
        )
    return table, model_table


def builtin_setup(
    scenario_id: str,
    *,
    alternative: str,
    seats: Sequence[str],
    model: str | None = None,
    seed: int | None = None,
) -> Setup:
    """:func:`make_setup` on a built-in scenario (``mlf scenarios`` lists them).

    Examples:
        ``builtin_setup("mlf-1963", alternative="mlf_surface", seats=["GBR"])`` plays
        Britain's delegation in the surface fleet's talks of July 1963. An unknown built-in
        is refused in one line that lists them:

        >>> builtin_setup("mlf-1970", alternative="mlf_surface", seats=["GBR"])
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        mlf.exercise.errors.SetupError: scenario: no built-in scenario 'mlf-1970' (built-ins: ...)
    """
    if scenario_id not in builtin_ids():
        raise SetupError(
            f"scenario: no built-in scenario {scenario_id!r} "
            f"(built-ins: {', '.join(builtin_ids())})"
        )
    text = builtin_text(scenario_id)
    return make_setup(
        text,
        f"{scenario_id}.yaml",
        alternative=alternative,
        seats=seats,
        model=model,
        seed=seed,
        builtin=True,
    )
