"""Fragile decisions: which inputs, alone or in pairs, can flip a decision of the point run.

The decisions of an alternative are **agreement** (its final status is ``agreement``) and, for
each invited nation, **joins** (the nation is among the members its own decision selects in the
last round of talks, :mod:`mlf.participation`; a nation that stays away from the table, or
whose talks never reach a participation round, does not join). A decision is *fragile* when
moving inputs within their own ranges (written, or the default ranges of
:mod:`mlf.uncertainty.ranges`) flips it.

One at a time
    Each input is set to each end of its range, every other input held at the scenario's own
    value, and the alternatives it can touch are run again (:func:`mlf.talks.run_alternative`,
    the point run's model). An input touches only the alternatives its actor is invited to
    (observers never bargain), and an outside option only its own alternative; support is not
    tested (it decides which alternatives are analysed, never a decision inside one). Where an
    end flips a decision, bisection between the value and that end (:data:`BISECT_STEPS`
    halvings) finds the nearest flip point found on that side: "how far it must move" is the
    distance from the value to that point, also given as a share of the way to the range's end.
    An input whose decision flips only strictly inside its range and flips back before the end
    is not found: the test is at the ends (a flip found is real; the list is not proof that
    nothing else flips).

Pairs
    For each alternative, the :data:`TOP` inputs that came closest to flipping one of its
    decisions without flipping any alone (largest change of a nation's margin of joining,
    relative to that margin) are tried in pairs, both at the four corners of their ranges. A
    decision that a pair flips but neither input alone does is reported with the pair, each at
    the end it was set to (no bisection for pairs).

The model's seed is held fixed at the point run's seed in every run of the pass (the
scenario's ``settings.seed`` unless given): a flip is the input's doing, not a different random
stream of a stochastic model (bdm, smp).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations, product
from typing import Any

from mlf.scenario import Scenario
from mlf.sensitivity.draws import UncertainInput, apply_draw, current_values
from mlf.talks import AlternativeOutcome, run_alternative
from mlf.uncertainty.ranges import sweep_inputs

BISECT_STEPS = 6
"""Halvings of the interval between a value and a flipping end: the flip point is located to
1/64 of that distance."""

TOP = 4
"""Inputs per alternative tried in pairs."""

METHOD = (
    "each input at each end of its range (written, or the default by its confidence), the "
    "others at their values, the model's seed fixed; bisection to the nearest flip point; then "
    f"pairs among the {TOP} inputs closest to flipping each alternative's decisions, at the "
    "corners of their ranges"
)


@dataclass(frozen=True)
class Move:
    """One input's part in a flip: where it is, where the decision flips, from what source.

    Examples:
        An input at 100 whose range ends at 200 and whose decision flips at 179.6875 has
        moved 79.6875, about 80% of the way to the end:

        >>> m = Move("actors.NLD.positions.force_size.position", 100.0, 179.6875, 200.0,
        ...          "estimate", (), "default")
        >>> m.move, m.share
        (79.6875, 0.796875)
    """

    input: str
    value: float
    to: float
    end: float
    confidence: str | None
    sources: tuple[str, ...]
    origin: str

    @property
    def move(self) -> float:
        return self.to - self.value

    @property
    def share(self) -> float:
        """The move as a share of the way from the value to the range's end (0-1]."""
        span = self.end - self.value
        return 1.0 if span == 0 else abs(self.move / span)

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "value": self.value,
            "to": self.to,
            "end": self.end,
            "move": self.move,
            "relative": None if self.value == 0 else self.move / abs(self.value),
            "share_of_range": self.share,
            "confidence": self.confidence,
            "sources": list(self.sources),
            "origin": self.origin,
        }


@dataclass(frozen=True)
class Flip:
    """Inputs that flip a decision: one (the single pass) or two (the pair pass)."""

    moves: tuple[Move, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"moves": [m.to_dict() for m in self.moves]}


@dataclass(frozen=True)
class DecisionFragility:
    """One decision of the point run and what flips it.

    Examples:
        >>> d = DecisionFragility("nato_national", "joins", "NLD", True)
        >>> d.key, d.fragile
        ('joins:NLD', False)
    """

    alternative: str
    decision: str  # "agreement" | "joins"
    actor: str | None
    value: bool
    flips: tuple[Flip, ...] = ()
    pairs: tuple[Flip, ...] = ()

    @property
    def fragile(self) -> bool:
        return bool(self.flips or self.pairs)

    @property
    def key(self) -> str:
        return "agreement" if self.actor is None else f"joins:{self.actor}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "actor": self.actor,
            "value": self.value,
            "fragile": self.fragile,
            "flips": [f.to_dict() for f in self.flips],
            "pairs": [f.to_dict() for f in self.pairs],
        }


@dataclass(frozen=True)
class FragileResult:
    """The fragile-decision pass over a scenario (``result.json``'s ``fragile`` block).

    Examples:
        >>> m = Move("actors.NLD.positions.force_size.position", 100.0, 179.6875, 200.0,
        ...          "estimate", (), "default")
        >>> rows = (DecisionFragility("nato_national", "agreement", None, True),
        ...         DecisionFragility("nato_national", "joins", "NLD", True, flips=(Flip((m,)),)))
        >>> res = FragileResult("compromise", 1963, 13, 57, {"nato_national": rows})
        >>> res.fragile_count(), res.to_dict()["fragile"]
        (1, 1)
    """

    model: str
    seed: int
    inputs_tested: int
    runs: int
    decisions: Mapping[str, tuple[DecisionFragility, ...]] = field(default_factory=dict)

    def fragile_count(self) -> int:
        return sum(d.fragile for ds in self.decisions.values() for d in ds)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": METHOD,
            "model": self.model,
            "seed": self.seed,
            "inputs_tested": self.inputs_tested,
            "runs": self.runs,
            "fragile": self.fragile_count(),
            "alternatives": {
                a: [d.to_dict() for d in ds] for a, ds in self.decisions.items()
            },
        }


Outcome = tuple[dict[str, bool], dict[str, float]]
"""Decisions (key -> value) and each nation's margin of joining (where one was computed)."""


def decisions_of(sc: Scenario, alt_id: str, out: AlternativeOutcome) -> Outcome:
    """The decisions of one alternative's outcome, and the nations' margins.

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()

        Both join; the margins are each nation's utility of joining over its outside option:

        >>> from mlf.talks import run_alternative
        >>> out = run_alternative(sc, "force", model="compromise", seed=1)
        >>> dec, margins = decisions_of(sc, "force", out)
        >>> dec
        {'agreement': True, 'joins:A': True, 'joins:B': True}
        >>> {actor: round(m, 4) for actor, m in margins.items()}
        {'A': 0.8336, 'B': 0.7472}
    """
    alt = sc.alternatives[alt_id]
    part = out.participation
    members = set(part.members) if part is not None and out.status != "not analysed" else set()
    dec = {"agreement": out.status == "agreement"}
    for m in alt.invited:
        dec[f"joins:{m}"] = m in members
    margins: dict[str, float] = {}
    if out.table is not None:
        for t in out.table.decisions:
            if t.margin is not None:
                margins[t.actor] = t.margin
    if part is not None:
        for d in part.decisions:
            if d.margin not in (float("inf"), float("-inf")):
                margins[d.actor] = d.margin
    return dec, margins


class _Runner:
    """Runs one alternative of a patched scenario and counts the runs."""

    def __init__(self, sc: Scenario, model: str, seed: int) -> None:
        self.sc = sc
        self.model = model
        self.seed = seed
        self.runs = 0

    def outcome(
        self, alt_id: str, inputs: Sequence[UncertainInput], values: Sequence[float]
    ) -> Outcome:
        patched = apply_draw(self.sc, inputs, values) if inputs else self.sc
        self.runs += 1
        out = run_alternative(patched, alt_id, model=self.model, seed=self.seed, detail=False)
        return decisions_of(patched, alt_id, out)


def touched_alternatives(sc: Scenario, x: UncertainInput) -> list[str]:
    """The alternatives an input can change: those its actor is invited to (an outside
    option: only its own alternative); none for support.

    Examples:
        Two nations, A (capability 0.6, position 80) and B (0.4, position 40), negotiate
        the size of a force on a 0-100 scale (:func:`mlf.examples.two_nations_force`):

        >>> from mlf import examples
        >>> sc = examples.two_nations_force()
        >>> from mlf.uncertainty.ranges import sweep_inputs
        >>> by_path = {x.path: x for x in sweep_inputs(sc)}
        >>> touched_alternatives(sc, by_path["actors.A.capability"])
        ['force']
    """
    aid, name, key, _ = x.target
    if name == "support":
        return []
    alts = [a for a, alt in sc.alternatives.items() if aid in alt.invited]
    if name == "outside_option":
        return [a for a in alts if a == key]
    return alts


def fragile_decisions(
    sc: Scenario,
    *,
    model: str | None = None,
    seed: int | None = None,
    inputs: Sequence[UncertainInput] | None = None,
    alternatives: Sequence[str] | None = None,
    top: int = TOP,
) -> FragileResult:
    """The fragile-decision pass (module docstring) for the alternatives given (default all).

    ``inputs`` defaults to :func:`mlf.uncertainty.ranges.sweep_inputs`; ``seed`` to the
    scenario's; ``model`` to the scenario's.

    Examples:
        The Netherlands' numbers, one at a time and in pairs, against the NATO-national
        alternative of the built-in scenario: only the Dutch position on the force size
        flips a decision (the Dutch joining), about 80% of the way to its range's end:

        >>> from mlf.scenario import load_scenario
        >>> from mlf.uncertainty.ranges import sweep_inputs
        >>> sc = load_scenario("mlf-1963").scenario
        >>> dutch = [x for x in sweep_inputs(sc) if x.path.startswith("actors.NLD.")]
        >>> res = fragile_decisions(sc, inputs=dutch, alternatives=["nato_national"])
        >>> res.inputs_tested, res.fragile_count()
        (13, 1)
        >>> [(d.key, d.flips[0].moves[0].input, d.flips[0].moves[0].to)
        ...  for d in res.decisions["nato_national"] if d.fragile]
        [('joins:NLD', 'actors.NLD.positions.force_size.position', 179.6875)]
    """
    mdl = model or sc.settings.model
    sd = sc.settings.seed if seed is None else seed
    xs = list(sweep_inputs(sc) if inputs is None else inputs)
    alts = list(sc.alternatives) if alternatives is None else list(alternatives)
    run = _Runner(sc, mdl, sd)
    values = current_values(sc, xs)
    base = {a: run.outcome(a, (), ()) for a in alts}
    singles: dict[str, dict[str, list[Flip]]] = {a: {} for a in alts}
    # score[a][i]: how close input i came to flipping a decision of a (without flipping one)
    score: dict[str, dict[int, float]] = {a: {} for a in alts}
    flippers: dict[str, set[int]] = {a: set() for a in alts}
    tested = 0
    for i, x in enumerate(xs):
        targets = [a for a in touched_alternatives(sc, x) if a in base]
        if not targets:
            continue
        tested += 1
        v = values[i]
        for end in (x.min, x.max):
            if end == v:
                continue
            for a in targets:
                dec0, m0 = base[a]
                dec, m = run.outcome(a, (x,), (end,))
                changed = [k for k in dec0 if dec[k] != dec0[k]]
                if changed:
                    flippers[a].add(i)
                    for k in changed:
                        to = _bisect(run, a, x, v, end, k, dec0[k])
                        singles[a].setdefault(k, []).append(Flip((_move(x, v, to, end),)))
                else:
                    closeness = max(
                        (abs(m[n] - m0[n]) / max(abs(m0[n]), 1e-9) for n in m0 if n in m),
                        default=0.0,
                    )
                    score[a][i] = max(score[a].get(i, 0.0), closeness)
    pairs: dict[str, dict[str, list[Flip]]] = {a: {} for a in alts}
    for a in alts:
        cand = sorted(
            (i for i in score[a] if i not in flippers[a] and score[a][i] > 0),
            key=lambda i: (-score[a][i], i),
        )[:top]
        dec0, _ = base[a]
        for i, j in combinations(sorted(cand), 2):
            for ei, ej in product(_ends(xs[i], values[i]), _ends(xs[j], values[j])):
                dec, _ = run.outcome(a, (xs[i], xs[j]), (ei, ej))
                for k in dec0:
                    if dec[k] != dec0[k] and k not in singles[a]:
                        flip = Flip(
                            (_move(xs[i], values[i], ei, ei), _move(xs[j], values[j], ej, ej))
                        )
                        known = pairs[a].setdefault(k, [])
                        if not any(_same_inputs(f, flip) for f in known):
                            known.append(flip)
    out: dict[str, tuple[DecisionFragility, ...]] = {}
    for a in alts:
        dec0, _ = base[a]
        rows = []
        for k, val in dec0.items():
            actor = None if k == "agreement" else k.split(":", 1)[1]
            flips = sorted(singles[a].get(k, []), key=lambda f: f.moves[0].share)
            rows.append(
                DecisionFragility(
                    alternative=a,
                    decision="agreement" if actor is None else "joins",
                    actor=actor,
                    value=val,
                    flips=tuple(_dedupe(flips)),
                    pairs=tuple(pairs[a].get(k, [])),
                )
            )
        out[a] = tuple(rows)
    return FragileResult(model=mdl, seed=sd, inputs_tested=tested, runs=run.runs, decisions=out)


def _ends(x: UncertainInput, v: float) -> list[float]:
    return [e for e in (x.min, x.max) if e != v] or [v]


def _same_inputs(f: Flip, g: Flip) -> bool:
    return [m.input for m in f.moves] == [m.input for m in g.moves]


def _dedupe(flips: Sequence[Flip]) -> list[Flip]:
    """One flip per input and direction (both ends may flip a decision: both are kept)."""
    seen: set[tuple[str, bool]] = set()
    out = []
    for f in flips:
        m = f.moves[0]
        key = (m.input, m.to > m.value)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _move(x: UncertainInput, value: float, to: float, end: float) -> Move:
    return Move(x.path, value, to, end, x.confidence, x.sources, x.origin)


def _bisect(
    run: _Runner, alt: str, x: UncertainInput, v: float, end: float, key: str, was: bool
) -> float:
    """The point nearest ``v`` found (between ``v`` and ``end``) where decision ``key`` of
    ``alt`` no longer has its value ``was``: ``BISECT_STEPS`` halvings, keeping the flipping
    side."""
    keep, flip = v, end
    for _ in range(BISECT_STEPS):
        mid = (keep + flip) / 2.0
        dec, _ = run.outcome(alt, (x,), (mid,))
        if dec[key] != was:
            flip = mid
        else:
            keep = mid
    return flip


def fragile_for_run(sc: Scenario, result: Mapping[str, Any]) -> dict[str, Any]:
    """The pass for a point run's result dict (:meth:`mlf.talks.RunResult.to_dict`): its model,
    its seed and the alternatives it analysed; the ``fragile`` block of ``result.json``.

    Examples:
        >>> from mlf.scenario import load_scenario
        >>> from mlf.talks import run_scenario
        >>> loaded = load_scenario("mlf-1963")
        >>> run = run_scenario(loaded, alternative="status_quo_consultation", british=False)
        >>> block = fragile_for_run(loaded.scenario, run.to_dict())
        >>> block["model"], block["seed"], list(block["alternatives"])
        ('compromise', 1963, ['status_quo_consultation'])
    """
    man = result["manifest"]
    alts = [str(a["id"]) for a in result["alternatives"]]
    return fragile_decisions(
        sc, model=str(man["model"]), seed=int(man["seed"]), alternatives=alts
    ).to_dict()


def _num(x: float) -> str:
    return f"{x:.4g}"


def move_text(m: Mapping[str, Any]) -> str:
    """One input's move in words, e.g. ``actors.ITA.weights.cost 10 -> 5.625 (-44%, 88% of the
    way to its range's end; estimate)``.

    Examples:
        >>> m = Move("actors.NLD.positions.force_size.position", 100.0, 179.6875, 200.0,
        ...          "estimate", (), "default")
        >>> print(move_text(m.to_dict()))  # doctest: +NORMALIZE_WHITESPACE
        actors.NLD.positions.force_size.position 100 -> 179.7
        (+79.7%, 80% of the way to its range's end, estimate)
    """
    rel = m.get("relative")
    bits = [] if rel is None else [f"{rel:+.1%}"]
    bits.append(f"{m['share_of_range']:.0%} of the way to its range's end")
    bits.append(provenance(m.get("confidence"), m.get("sources") or ()))
    return f"{m['input']} {_num(m['value'])} -> {_num(m['to'])} ({', '.join(bits)})"


def fragile_lines(block: Mapping[str, Any], per_decision: int = 3) -> list[str]:
    """One line per fragile decision of a ``fragile`` block (for the CLI), naming at most
    ``per_decision`` single inputs (nearest flip first) and the first pair.

    Examples:
        >>> m = Move("actors.NLD.positions.force_size.position", 100.0, 179.6875, 200.0,
        ...          "estimate", (), "default")
        >>> rows = (DecisionFragility("nato_national", "joins", "NLD", True, flips=(Flip((m,)),)),)
        >>> block = FragileResult("compromise", 1963, 1, 8, {"nato_national": rows}).to_dict()
        >>> for line in fragile_lines(block):
        ...     print(line)  # doctest: +NORMALIZE_WHITESPACE
        fragile: nato_national: NLD joins (yes) flips if
        actors.NLD.positions.force_size.position 100 -> 179.7
        (+79.7%, 80% of the way to its range's end, estimate)
    """
    lines = []
    for a, ds in block["alternatives"].items():
        for d in ds:
            if not d["fragile"]:
                continue
            what = "agreement" if d["actor"] is None else f"{d['actor']} joins"
            state = "yes" if d["value"] else "no"
            bits = [move_text(f["moves"][0]) for f in d["flips"][:per_decision]]
            more = len(d["flips"]) - per_decision
            if more > 0:
                bits.append(f"{more} more")
            bits += [
                " together with ".join(
                    f"{m['input']} at {_num(m['to'])}" for m in f["moves"]
                ) + " (a pair)"
                for f in d["pairs"][:1]
            ]
            lines.append(f"fragile: {a}: {what} ({state}) flips if " + "; or ".join(bits))
    return lines


def provenance(confidence: str | None, sources: Sequence[str]) -> str:
    """``"estimate"`` (with the sources it is estimated from, if any) or the source keys and
    their weakest confidence code, e.g. ``"TIME-630614, F63-176 (C)"``.

    Examples:
        >>> provenance("C", ("TIME-630614", "F63-176"))
        'TIME-630614, F63-176 (C)'
        >>> provenance("estimate", ("WB-GDP",)), provenance(None, ())
        ('estimate from WB-GDP', 'estimate')
    """
    keys = ", ".join(sources)
    if confidence in (None, "estimate"):
        return f"estimate from {keys}" if keys else "estimate"
    return f"{keys} ({confidence})"
