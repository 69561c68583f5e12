"""The talks' memoisation (mlf.talks.memo) changes no result: a sweep computed with it equals,
byte for byte, the same sweep computed the plain way; and the facts it relies on hold."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlf._atomic import json_text
from mlf.games import AndGame, Game, UnanimityGame, WeightedGame
from mlf.power import power_indices
from mlf.scenario import ArrangementSettings, load_scenario
from mlf.sensitivity import run_sweep, summarise
from mlf.talks import memo, run_alternative
from mlf.talks.arrangement import winning_signature

DRAWS = 8
CHUNK = 4


def _sweep(name: str, out: Path) -> tuple[dict[str, bytes], str]:
    run_sweep(load_scenario(name), out, draws=DRAWS, seed=5, chunk_size=CHUNK)
    files = {p.name: p.read_bytes() for p in sorted(out.glob("chunk-*.parquet"))}
    return files, json_text(summarise(out))


@pytest.mark.parametrize("name", ["mlf-1963", "mlf-1964-12"])
def test_sweep_with_memo_equals_the_plain_sweep(name: str, tmp_path: Path) -> None:
    with memo.plain():
        assert not memo.enabled()
        plain = _sweep(name, tmp_path / "plain")
    assert memo.enabled()
    memo.clear()
    cold = _sweep(name, tmp_path / "cold")  # caches filled as the sweep goes
    warm = _sweep(name, tmp_path / "warm")  # caches already full from the same draws
    assert len(plain[0]) == DRAWS // CHUNK
    assert cold == plain
    assert warm == plain


def test_point_run_with_memo_equals_the_plain_run() -> None:
    sc = load_scenario("mlf-1963").scenario
    with memo.plain():
        plain = [run_alternative(sc, a).to_dict(sc) for a in sc.alternatives]
    memo.clear()
    for _ in range(2):
        assert [run_alternative(sc, a).to_dict(sc) for a in sc.alternatives] == plain


def test_plain_restores_the_switch_on_error() -> None:
    with pytest.raises(RuntimeError), memo.plain():
        raise RuntimeError("boom")
    assert memo.enabled()


players = ["A", "B", "C", "D", "E", "F", "G"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=7, max_size=7),
    st.fractions(Fraction(1, 10), Fraction(1)),
    st.booleans(),
)
def test_power_floats_depend_only_on_the_winning_coalitions(
    weights: list[int], share: Fraction, veto: bool
) -> None:
    # What the voice cache keyed by winning_signature relies on: every exact algorithm gives
    # the same floats for the same simple game, and scaled weights give the same game.
    if sum(weights) == 0:
        weights[0] = 1
    quota = share * sum(weights)
    game = WeightedGame(players, weights, quota)
    scaled = WeightedGame(players, [Fraction(3, 7) * w for w in weights], Fraction(3, 7) * quota)
    if veto:
        game_v = AndGame([UnanimityGame(players, ["A"], label="veto"), game])
        scaled_v = AndGame([UnanimityGame(players, ["A"], label="veto"), scaled])
        game, scaled = game_v, scaled_v  # type: ignore[assignment]
    assert winning_signature(game) == winning_signature(scaled)
    want = ["banzhaf", "shapley_shubik", "banzhaf_absolute"]
    base = power_indices(game, want, algorithm="enumeration").indices
    assert power_indices(scaled, want, algorithm="enumeration").indices == base
    if not veto:  # a plain weighted game: the DP and the numba pass apply too
        for algo in ("generating-function", "enumeration-threshold"):
            assert power_indices(game, want, algorithm=algo).indices == base, algo


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 2**40), min_size=1, max_size=9),
    st.fractions(Fraction(0), Fraction(1)),
    st.sampled_from(["and", "or", "alone"]),
)
def test_winning_signature_is_the_winning_set(
    weights: list[int], share: Fraction, how: str
) -> None:
    import numpy as np

    from mlf.games import OrGame

    names = [f"P{i}" for i in range(len(weights))]
    game: Game = WeightedGame(names, weights, share * sum(weights))
    if how != "alone":
        veto = UnanimityGame(names, names[:1], label="veto")
        game = AndGame([veto, game]) if how == "and" else OrGame([veto, game])
    win = [game.is_winning(m) for m in range(1 << len(names))]
    assert winning_signature(game) == bytes(np.packbits(np.array(win, dtype=np.bool_)))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(ArrangementSettings.model_fields)),
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-2, 3),
              st.integers(-5, 5)),
)
def test_settings_set_directly_only_where_validation_gives_the_same(name: str, v: float) -> None:
    # The talks' shortcut past ArrangementSettings.model_validate (mlf.talks.arrangement):
    # whenever it answers, validation accepts the value and sets exactly that field to it.
    from pydantic import ValidationError

    from mlf.talks.arrangement import _fields_set_in, _set_directly

    fast = _set_directly(name, v)
    try:
        ref = _fields_set_in(ArrangementSettings.model_validate({name: v}))
    except ValidationError:
        ref = None
    if fast is not None:
        assert ref == fast
        assert type(ref[0][1]) is float
    if type(v) is float and 0 <= v <= 1 and name in ("units", "lead_share"):
        assert fast == ((name, v),)  # the shortcut is taken where the talks need it


def test_copied_builds_what_model_copy_builds() -> None:
    # mlf._modelcopy.copied stands in for pydantic's model_copy(update=...) on the sweep path.
    from mlf._modelcopy import copied, copied_one

    sc = load_scenario("mlf-1963").scenario
    issue = next(i for i in sc.issues.values() if i.options is not None)
    actor = sc.actors["USA"]
    cases = [
        (actor.capability, {"value": 1.5}),
        (actor, {"capability": actor.capability, "positions": dict(actor.positions)}),
        (issue, {"title": "another"}),  # a model with private attributes
        (sc, {"actors": dict(sc.actors)}),
    ]
    for m, update in cases:
        a, b = copied(m, update), m.model_copy(update=update)
        assert type(a) is type(b)
        assert a.__dict__ == b.__dict__
        assert a.__pydantic_fields_set__ == b.__pydantic_fields_set__
        assert a.__pydantic_extra__ == b.__pydantic_extra__
        assert a.__pydantic_private__ == b.__pydantic_private__
        assert a == b
        assert a.__dict__ is not m.__dict__
        assert a.__pydantic_fields_set__ is not m.__pydantic_fields_set__
        if len(update) == 1:
            ((name, value),) = update.items()
            c = copied_one(m, name, value)
            assert type(c) is type(b)
            assert c.__dict__ == b.__dict__
            assert c.__pydantic_fields_set__ == b.__pydantic_fields_set__
            assert c.__pydantic_extra__ == b.__pydantic_extra__
            assert c.__pydantic_private__ == b.__pydantic_private__
            assert c == b
            assert c.__pydantic_fields_set__ is not m.__pydantic_fields_set__
    assert copied(issue, {}).option_index(issue.options[1].id) == 1  # type: ignore[index]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=5, max_size=5),
    st.integers(0, 45),
    st.lists(st.sampled_from(players[:5]), max_size=3),
    st.booleans(),
)
def test_and_or_is_winning_agrees_with_the_vectorised_test(
    weights: list[int], quota: int, veto: list[str], conj: bool
) -> None:
    # AndGame/OrGame.is_winning (used by has_winning on every control game the talks build)
    # asks each component; it must agree with the membership-matrix test on every coalition.
    import numpy as np

    from mlf.games import OrGame

    ps = players[:5]
    parts: list[Game] = [WeightedGame(ps, weights, quota), UnanimityGame(ps, veto, label="veto")]
    game = AndGame(parts) if conj else OrGame(parts)
    masks = np.arange(1 << 5, dtype=np.uint64)
    want = game.winning(masks)
    assert [game.is_winning(int(m)) for m in masks] == [bool(x) for x in want]
    assert game.has_winning == bool(want[-1])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.one_of(st.integers(0, 12), st.integers(0, 10**15)), min_size=1, max_size=10),
    st.fractions(Fraction(0), Fraction(11, 10)),
)
def test_winning_signature_of_a_weighted_game_is_its_brute_force_winning_set(
    weights: list[int], share: Fraction
) -> None:
    # The voice cache keys on winning_signature; its weighted-game path (a bit matrix times
    # the weights, in int64) must give exactly the coalitions that meet the quota.
    ps = [f"p{i}" for i in range(len(weights))]
    game = WeightedGame(ps, weights, share * sum(weights))
    want = [
        sum(w for i, w in enumerate(game.int_weights) if m >> i & 1) >= game.int_quota
        for m in range(1 << game.n)
    ]
    sig = winning_signature(game)
    assert sig is not None
    import numpy as np

    got = np.unpackbits(np.frombuffer(sig, dtype=np.uint8))[: 1 << game.n]
    assert [bool(x) for x in got] == want


def test_threads_running_draws_at_once_get_the_serial_records() -> None:
    # A Dask worker with several threads runs chunks at once in one process: the talks'
    # caches scoped to "the current scenario" are per thread (mlf.talks.arrangement), so no
    # thread reads what another computed for its own draw. The switch interval is made tiny
    # so that the threads interleave inside the talks.
    import sys
    import threading

    from mlf.sensitivity import sample_chunk
    from mlf.sensitivity.sweep import ChunkTask, prepare_sweep, run_chunk

    loaded = load_scenario("mlf-1963")
    sc = loaded.scenario
    model, inputs = prepare_sweep(loaded, draws=48, seed=3, chunk_size=6, model=None,
                                  sampling="random")
    tasks = [
        ChunkTask(sc, inputs, model, sc.settings.seed, c, 6 * c,
                  sample_chunk(inputs, 3, c, 6 * c, 6 * c + 6))
        for c in range(8)
    ]
    want = [run_chunk(t) for t in tasks]
    got: list[Any] = [None] * len(tasks)

    def work(idx: range) -> None:
        for i in idx:
            got[i] = run_chunk(tasks[i])

    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        threads = [threading.Thread(target=work, args=(range(k, len(tasks), 2),))
                   for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(before)
    assert [g == w for g, w in zip(got, want, strict=True)] == [True] * len(tasks)


def test_a_finished_draw_is_not_kept_alive_by_the_caches() -> None:
    # The caches keyed by one draw's own objects are scoped to the scenario (mlf.talks.memo
    # .ScopedCache): once the thread runs the next draw, nothing of the previous draw is
    # held, so the caches neither grow with the number of draws nor give the cyclic garbage
    # collector a growing heap to scan.
    import gc
    import weakref

    from mlf.sensitivity import apply_draw, sample_chunk
    from mlf.sensitivity.sweep import draw_record, prepare_sweep

    loaded = load_scenario("mlf-1963")
    sc = loaded.scenario
    model, inputs = prepare_sweep(loaded, draws=4, seed=1, chunk_size=4, model=None,
                                  sampling="random")
    values = sample_chunk(inputs, 1, 0, 0, 3)
    memo.clear()
    first = apply_draw(sc, inputs, values[0])
    draw_record(first, model, sc.settings.seed)
    refs = [weakref.ref(a) for a in first.actors.values()]
    refs.append(weakref.ref(first))
    del first
    for row in values[1:]:
        draw_record(apply_draw(sc, inputs, row), model, sc.settings.seed)
    gc.collect()
    assert [r() is None for r in refs] == [True] * len(refs)
