"""Tests of mlf.power against published/reference vectors, a brute-force Fraction oracle and
hypothesis properties."""

# ruff: noqa: E501  (the reference tables below keep one row per line, as in docs/reference/power.md)

from __future__ import annotations

import json
import math
from collections.abc import Callable
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlf import _powerkernels as K
from mlf.errors import GameError
from mlf.games import (
    AndGame,
    BlocGame,
    Game,
    MinimalWinningGame,
    OrGame,
    UnanimityGame,
    VectorWeightedGame,
    WeightedGame,
    parse_weighted,
)
from mlf.power import (
    INDEX_NAMES,
    dummy_players,
    minimal_winning_coalitions,
    power_indices,
    veto_players,
    winning_coalition_count,
)

F = Fraction

# --- reference data (docs/reference/power.md) -----------------------------------------------

UNSC = WeightedGame(
    [f"P{i}" for i in range(1, 6)] + [f"E{i}" for i in range(1, 11)], [7] * 5 + [1] * 10, 39
)

# weight, states, swings, exact SSI, Johnston, Deegan-Packel, Holler (2020 apportionment)
EC_ROWS = [
    (54, "CA", 518714817081760, "111603651861685256303/1033014834748665568800", 0.3727183386, 0.0211918025, 0.0200693975),
    (40, "TX", 357516461035922, "29994201953488676597/387380563030749588300", 0.1698406049, 0.0204143995, 0.0198313312),
    (30, "FL", 262324582416368, "29363347607194401947/516507417374332784400", 0.0831593432, 0.0201238680, 0.0197519893),
    (28, "NY", 243926123180044, "1305994543088647/24714061885913400", 0.0707070158, 0.0200651336, 0.0197355134),
    (19, "IL, PA", 163430671593954, "12130995935800665659/344338278249555189600", 0.0273562488, 0.0198202537, 0.0196684800),
    (17, "OH", 145923747401144, "868892193795479723/27670040216482113450", 0.0206435441, 0.0197680915, 0.0196543895),
    (16, "GA, NC", 137210288981154, "5713694307446772469/193690281515374794150", 0.0177205710, 0.0197422320, 0.0196474306),
    (15, "MI", 128521091703182, "247956705115486439/8982737693466657120", 0.0153862683, 0.0197165008, 0.0196405233),
    (14, "NJ", 119854418693448, "11838015875809111/460345291777480200", 0.0132693467, 0.0196908836, 0.0196336633),
    (13, "VA", 111208580205692, "12310704993465907961/516507417374332784400", 0.0113331409, 0.0196653676, 0.0196268471),
    (12, "WA", 102581928561098, "17014232751519424093/774761126061499176600", 0.0095495155, 0.0196399397, 0.0196200707),
    (11, "AZ, IN, MA, TN", 93972853943984, "62271379180741604983/3099044504245996706400", 0.0078964158, 0.0196145879, 0.0196133308),
    (10, "CO, MD, MN, MO, WI", 85379780467994, "56507332496586214153/3099044504245996706400", 0.0066113262, 0.0195892999, 0.0196066239),
    (9, "AL, SC", 76801162328032, "309539965751322289/18896612830768272600", 0.0056059319, 0.0195640640, 0.0195999469),
    (8, "KY, LA, OR", 68235480794864, "139884514074238711/9624361814428561200", 0.0046819814, 0.0195388683, 0.0195932962),
    (7, "CT, OK", 59681240815152, "39341883383094109339/3099044504245996706400", 0.0038575816, 0.0195137016, 0.0195866688),
    (6, "AR, IA, KS, MS, NV, UT", 51136968067196, "6732308423112264353/619808900849199341280", 0.0030887743, 0.0194885514, 0.0195800609),
    (5, "NE, NM", 42601206119710, "549050441867032031/60765578514627386400", 0.0024480806, 0.0194632990, 0.0195733881),
    (4, "HI, ID, ME, MT, NH, RI, WV", 34072513921886, "798634353829234987/110680160865928453800", 0.0018414903, 0.0194377038, 0.0195664612),
    (3, "AK, DC, DE, ND, SD, VT, WY", 25549462553022, "1860211297153754491/344338278249555189600", 0.0013292483, 0.0193571745, 0.0195103602),
]  # fmt: skip

# state, population, swings, norm. Banzhaf, Johnston, Deegan-Packel, Holler, Coleman prevent, initiate
EU_ROWS = [
    ("DE", 83445000, 14156186, 0.1210039476, 0.2512264961, 0.0615300296, 0.0614555897, 0.7969628211, 0.1215592178),
    ("FR", 68402000, 11854280, 0.1013277641, 0.1602912319, 0.0561015756, 0.0560324785, 0.6673704648, 0.1017927431),
    ("IT", 58989700, 10308566, 0.0881153426, 0.1214775497, 0.0524120275, 0.0523577550, 0.5803500916, 0.0885196916),
    ("ES", 48610500, 9097182, 0.0777607001, 0.0964416912, 0.0488952699, 0.0488490951, 0.5121517781, 0.0781175331),
    ("PL", 36621000, 7278248, 0.0622128545, 0.0674956253, 0.0457808038, 0.0457301310, 0.4097497065, 0.0624983406),
    ("RO", 19064400, 4593812, 0.0392668891, 0.0293082306, 0.0379405025, 0.0379377360, 0.2586217341, 0.0394470794),
    ("NL", 17942900, 4439102, 0.0379444623, 0.0273598186, 0.0375193623, 0.0375180707, 0.2499118939, 0.0381185841),
    ("BE", 11832000, 3600788, 0.0307787396, 0.0179854142, 0.0352698059, 0.0352773429, 0.2027166189, 0.0309199789),
    ("CZ", 10900600, 3471848, 0.0296765890, 0.0166864058, 0.0349209367, 0.0349298508, 0.1954575743, 0.0298127707),
    ("PT", 10639700, 3435784, 0.0293683219, 0.0163554002, 0.0348253487, 0.0348347901, 0.1934272487, 0.0295030890),
    ("SE", 10551700, 3423596, 0.0292641415, 0.0162524622, 0.0347927738, 0.0348024497, 0.1927410905, 0.0293984306),
    ("EL", 10397200, 3402230, 0.0290815097, 0.0160854796, 0.0347356808, 0.0347456108, 0.1915382306, 0.0292149607),
    ("HU", 9584600, 3289610, 0.0281188588, 0.0152657739, 0.0344314968, 0.0344426172, 0.1851979669, 0.0282478924),
    ("AT", 9158800, 3230682, 0.0276151553, 0.0148639723, 0.0342743539, 0.0342863103, 0.1818804472, 0.0277418774),
    ("BG", 6445500, 2854252, 0.0243975149, 0.0124486628, 0.0332620689, 0.0332778916, 0.1606882480, 0.0245094717),
    ("DK", 5961200, 2786594, 0.0238191893, 0.0120381351, 0.0330769208, 0.0330933629, 0.1568792481, 0.0239284922),
    ("FI", 5603900, 2736866, 0.0233941254, 0.0117518276, 0.0329413203, 0.0329582566, 0.1540796687, 0.0235014777),
    ("SK", 5424700, 2711796, 0.0231798325, 0.0116145496, 0.0328738674, 0.0328911594, 0.1526682816, 0.0232862016),
    ("IE", 5343800, 2700686, 0.0230848667, 0.0115564234, 0.0328434683, 0.0328608251, 0.1520428125, 0.0231908000),
    ("HR", 3862000, 2493180, 0.0213111513, 0.0105181357, 0.0322768517, 0.0322964790, 0.1403606710, 0.0214089452),
    ("LT", 2885900, 2356812, 0.0201455078, 0.0098638985, 0.0319123268, 0.0319337438, 0.1326834460, 0.0202379527),
    ("SI", 2123900, 2249896, 0.0192316135, 0.0093709359, 0.0316191778, 0.0316411604, 0.1266643052, 0.0193198647),
    ("LV", 1871900, 2214616, 0.0189300478, 0.0092141888, 0.0315211740, 0.0315434249, 0.1246781170, 0.0190169152),
    ("EE", 1374700, 2144586, 0.0183314469, 0.0089139224, 0.0313193302, 0.0313412670, 0.1207355787, 0.0184155673),
    ("CY", 933500, 2082430, 0.0178001512, 0.0086563576, 0.0311167687, 0.0311361760, 0.1172363296, 0.0178818336),
    ("LU", 672100, 2045560, 0.0174849945, 0.0085084532, 0.0309576867, 0.0309713129, 0.1151606279, 0.0175652307),
    ("MT", 563000, 2030268, 0.0173542819, 0.0084489577, 0.0308490708, 0.0308551124, 0.1142997212, 0.0174339183),
]  # fmt: skip

EU_SSI = {
    "DE": "545087437/3088978200", "FR": "2710839821/20078358300", "IT": "575858021/5019589575",
    "ES": "268839947/2868336900", "PL": "101712497/1544489100", "RO": "3063560303/80313433200",
    "NL": "2915053931/80313433200", "BE": "425745367/16062686640", "CZ": "1137809/45426150",
    "PT": "86000077/3491888400", "SE": "140522953/5736673800", "EL": "121730393/5019589575",
    "HU": "1847522669/80313433200", "AT": "358225951/16062686640", "BG": "723142369/40156716600",
    "DK": "346571993/20078358300", "FI": "95896963/5736673800", "SK": "1319957033/80313433200",
    "IE": "1310348561/80313433200", "HR": "1118589863/80313433200", "LT": "989223617/80313433200",
    "SI": "35667179/3212537328", "LV": "107603233/10039179150", "EE": "4202153/422702280",
    "CY": "371679001/40156716600", "LU": "355633939/40156716600", "MT": "698065097/80313433200",
}  # fmt: skip


def electoral_college() -> tuple[WeightedGame, dict[str, int]]:
    row_of: dict[str, int] = {}
    names: list[str] = []
    weights: list[int] = []
    for k, (w, states, *_rest) in enumerate(EC_ROWS):
        for st_ in states.split(", "):
            names.append(st_)
            weights.append(w)
            row_of[st_] = k
    return WeightedGame(names, weights, 270), row_of


def lisbon(clause: bool = True) -> Game:
    names = [r[0] for r in EU_ROWS]
    pop = [r[1] for r in EU_ROWS]
    n = len(names)
    dm: Game = VectorWeightedGame(
        [WeightedGame(names, [1] * n, 15), WeightedGame.of_total(names, pop, "65/100")]
    )
    return dm | WeightedGame(names, [1] * n, 24) if clause else dm


# --- an independent brute-force oracle --------------------------------------------------------


def oracle(players: tuple[str, ...], wins: Callable[[frozenset[str]], bool]) -> dict[str, object]:
    """All indices by enumerating coalitions with Fractions (definitions of docs/reference/power.md)."""
    n = len(players)
    coal = [frozenset(c) for k in range(n + 1) for c in combinations(players, k)]
    W = {s for s in coal if wins(s)}
    swings = {p: 0 for p in players}
    ssi = {p: F(0) for p in players}
    jr = {p: F(0) for p in players}
    for s in W:
        crit = [p for p in s if s - {p} not in W]
        for p in crit:
            swings[p] += 1
            ssi[p] += F(math.factorial(len(s) - 1) * math.factorial(n - len(s)), math.factorial(n))
            jr[p] += F(1, len(crit))
    M = [s for s in W if all(s - {p} not in W for p in s)]
    m = {p: sum(1 for s in M if p in s) for p in players}
    dp = {p: sum((F(1, len(s)) for s in M if p in s), F(0)) / (len(M) or 1) for p in players}
    tot_sw = sum(swings.values())
    tot_j = sum(jr.values())
    tot_m = sum(m.values())
    nW = len(W)
    return {
        "banzhaf": {p: F(swings[p], tot_sw) if tot_sw else F(0) for p in players},
        "banzhaf_absolute": {p: F(swings[p], 2 ** (n - 1)) for p in players},
        "shapley_shubik": ssi,
        "johnston": {p: jr[p] / tot_j if tot_j else F(0) for p in players},
        "deegan_packel": dp,
        "holler": {p: F(m[p], tot_m) if tot_m else F(0) for p in players},
        "coleman_prevent": {p: F(swings[p], nW) if nW else F(0) for p in players},
        "coleman_initiate": {p: F(swings[p], 2**n - nW) if 2**n - nW else F(0) for p in players},
        "coleman_act": F(nW, 2**n),
        "W": nW,
        "M": len(M),
        "veto": tuple(p for p in players if W and all(p in s for s in W)),
        "dummies": tuple(p for p in players if swings[p] == 0),
    }


def assert_matches_oracle(game: Game, ref: dict[str, object], **kw: object) -> None:
    r = power_indices(game, exact=True, **kw)  # type: ignore[arg-type]
    for name in INDEX_NAMES:
        if name == "coleman_act":
            assert r.coleman_act == ref[name]
        elif name in r.indices:
            assert r.indices[name] == ref[name], (name, r.algorithm)
        else:  # an engine may leave an index out, saying why
            assert name in r.omitted and kw.get("algorithm"), name
    assert r.winning_coalitions == ref["W"]
    if "holler" in r.indices:
        assert r.minimal_winning_count == ref["M"]
    assert r.veto_players == ref["veto"]
    assert r.dummies == ref["dummies"]


# --- reference vectors ----------------------------------------------------------------------

UNSC_P = {
    "banzhaf_absolute": F(53, 1024), "banzhaf": F(106, 635), "shapley_shubik": F(421, 2145),
    "johnston": F(283, 1590), "deegan_packel": F(1, 9), "holler": F(1, 9),
    "coleman_prevent": F(1), "coleman_initiate": F(53, 1995),
}  # fmt: skip
UNSC_E = {
    "banzhaf_absolute": F(21, 4096), "banzhaf": F(21, 1270), "shapley_shubik": F(4, 2145),
    "johnston": F(7, 636), "deegan_packel": F(2, 45), "holler": F(2, 45),
    "coleman_prevent": F(21, 212), "coleman_initiate": F(1, 380),
}  # fmt: skip


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"use_numba": False},
        {"algorithm": "generating-function"},
        {"algorithm": "generating-function", "use_numba": False},
        pytest.param({"algorithm": "enumeration-threshold"}, marks=pytest.mark.numba),
    ],
)  # fmt: skip
def test_un_security_council_exact(kw: dict[str, object]) -> None:
    r = power_indices(UNSC, exact=True, **kw)  # type: ignore[arg-type]
    for name, val in UNSC_P.items():
        assert r.indices[name]["P1"] == val, name
        assert r.indices[name]["E7"] == UNSC_E[name], name
    assert r.winning_coalitions == 848
    assert r.coleman_act == F(53, 2048)
    assert r.minimal_winning_count == 210 and len(r.minimal_winning) == 210
    assert r.veto_players == ("P1", "P2", "P3", "P4", "P5")
    assert r.dummies == ()
    # a minimal winning coalition is P5 plus 4 elected members
    assert all(len(c) == 9 and {"P1", "P2", "P3", "P4", "P5"} <= set(c) for c in r.minimal_winning)


def test_un_security_council_as_composition() -> None:
    names = UNSC.players
    comp = UnanimityGame(names, names[:5], label="veto") & WeightedGame(names, [1] * 15, 9)
    r = power_indices(comp, exact=True)
    assert r.indices["shapley_shubik"]["P2"] == F(421, 2145)
    assert r.indices["banzhaf_absolute"]["E1"] == F(21, 4096)


def test_eec_1958() -> None:
    r = power_indices(parse_weighted("[12; 4,4,4,2,2,1]"), exact=True)
    assert list(r.indices["banzhaf"].values()) == [F(5, 21)] * 3 + [F(1, 7)] * 2 + [F(0)]
    assert list(r.indices["shapley_shubik"].values()) == [F(7, 30)] * 3 + [F(3, 20)] * 2 + [F(0)]
    assert r.dummies == ("P6",)


def test_powerindices_docstring() -> None:
    r = power_indices(parse_weighted("[8; 4,4,3,2,1,1]"), ["banzhaf_absolute"], exact=True)
    vals = list(r.indices["banzhaf_absolute"].values())
    assert vals == [F(1, 2), F(1, 2), F(3, 8), F(1, 8), F(1, 8), F(1, 8)]


@pytest.mark.parametrize("use_numba", [True, False])
def test_electoral_college(use_numba: bool) -> None:
    game, row_of = electoral_college()
    assert game.n == 51 and game.total == 538
    r = power_indices(game, exact=True, use_numba=use_numba)
    assert r.algorithm == "generating-function" and r.omitted == {}
    assert r.winning_coalitions == 1117385292262622
    assert r.coleman_act == F(558692646131311, 1125899906842624)
    assert r.minimal_winning_count == 51178341131036
    for st_, k in row_of.items():
        _, _, swings, ssi, johnston, dp, holler = EC_ROWS[k]
        assert r.indices["banzhaf_absolute"][st_] * 2**50 == swings
        assert r.indices["shapley_shubik"][st_] == F(ssi)
        assert float(r.indices["johnston"][st_]) == pytest.approx(johnston, abs=1e-9)
        assert float(r.indices["deegan_packel"][st_]) == pytest.approx(dp, abs=1e-9)
        assert float(r.indices["holler"][st_]) == pytest.approx(holler, abs=1e-9)
    assert len(r.minimal_winning) == 1000
    for c in r.minimal_winning[:50]:
        s = set(c)
        assert game.is_winning(s) and all(not game.is_winning(s - {p}) for p in s)


@pytest.mark.numba
def test_eu27_lisbon() -> None:
    r = power_indices(lisbon(), exact=True)
    assert r.algorithm == "enumeration-threshold"
    assert r.winning_coalitions == 17762668
    assert r.coleman_act == F(4440667, 33554432)
    assert r.minimal_winning_count == 4370950
    assert r.veto_players == ()
    tot = sum(r.indices["banzhaf_absolute"].values()) * 2**26
    assert tot == 116989456
    for st_, _pop, swings, nb, jo, dp, ho, cp, ci in EU_ROWS:
        assert r.indices["banzhaf_absolute"][st_] * 2**26 == swings
        assert r.indices["shapley_shubik"][st_] == F(EU_SSI[st_])
        for name, val in [
            ("banzhaf", nb), ("johnston", jo), ("deegan_packel", dp), ("holler", ho),
            ("coleman_prevent", cp), ("coleman_initiate", ci),
        ]:  # fmt: skip
            assert float(r.indices[name][st_]) == pytest.approx(val, abs=1e-9), (name, st_)
    no_clause = power_indices(lisbon(False), ["banzhaf_absolute", "holler"], exact=True)
    assert no_clause.winning_coalitions == 17762645
    assert no_clause.minimal_winning_count == 4370927
    assert no_clause.indices["banzhaf_absolute"]["DE"] * 2**26 == 14156205
    assert no_clause.indices["banzhaf_absolute"]["MT"] * 2**26 == 2030245


# --- random games of every kind vs the oracle -----------------------------------------------


@st.composite
def games(draw: st.DrawFn) -> tuple[Game, Callable[[frozenset[str]], bool]]:
    """A random small game together with an independent Python predicate for it."""
    n = draw(st.integers(1, 6))
    names = tuple(f"A{i}" for i in range(n))

    def weighted() -> tuple[Game, Callable[[frozenset[str]], bool]]:
        ws = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
        q = draw(st.integers(0, sum(ws) + 1))
        wm = dict(zip(names, ws, strict=True))
        return WeightedGame(names, ws, q), lambda s: sum(wm[p] for p in s) >= q

    def leaf() -> tuple[Game, Callable[[frozenset[str]], bool]]:
        kind = draw(st.sampled_from(["weighted", "veto", "mwc", "bloc"]))
        if kind == "weighted":
            return weighted()
        if kind == "veto":
            req = frozenset(draw(st.sets(st.sampled_from(names), max_size=2)))
            return UnanimityGame(names, req), lambda s: req <= s
        if kind == "mwc":
            cs = draw(st.lists(st.frozensets(st.sampled_from(names), min_size=1), max_size=3))
            return MinimalWinningGame(names, cs), lambda s: any(c <= s for c in cs)
        bloc = tuple(sorted(draw(st.sets(st.sampled_from(names), min_size=1)), key=names.index))
        k = draw(st.integers(0, len(bloc)))
        inner = WeightedGame(bloc, [1] * len(bloc), k)
        return BlocGame(names, bloc, inner), lambda s: len(s & set(bloc)) >= k

    top = draw(st.sampled_from(["leaf", "vector", "and", "or"]))
    if top == "leaf":
        return leaf()
    if top == "vector":
        (g1, p1), (g2, p2) = weighted(), weighted()
        assert isinstance(g1, WeightedGame) and isinstance(g2, WeightedGame)
        return VectorWeightedGame([g1, g2]), lambda s: p1(s) and p2(s)
    (g1, p1), (g2, p2) = leaf(), leaf()
    if top == "and":
        return AndGame([g1, g2]), lambda s: p1(s) and p2(s)
    return OrGame([g1, g2]), lambda s: p1(s) or p2(s)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games())
def test_every_engine_equals_brute_force(gp: tuple[Game, Callable[[frozenset[str]], bool]]) -> None:
    game, pred = gp
    ref = oracle(game.players, pred)
    assert_matches_oracle(game, ref)
    assert_matches_oracle(game, ref, use_numba=False)
    for algo in ("generating-function", "enumeration-threshold", "weight-classes"):
        for nb in (True, False):
            try:
                assert_matches_oracle(game, ref, algorithm=algo, use_numba=nb)
            except GameError as e:  # not applicable to this game
                assert "needs" in str(e)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=2, max_size=9), st.data())
def test_properties_weighted(ws: list[int], data: st.DataObject) -> None:
    n = len(ws)
    q = data.draw(st.integers(1, max(1, sum(ws))))
    names = [f"X{i}" for i in range(n)] + ["NULL"]
    game = WeightedGame(names, [*ws, 0], q)
    r = power_indices(game, exact=True)
    if r.winning_coalitions:
        for name in ("banzhaf", "shapley_shubik", "johnston", "deegan_packel", "holler"):
            assert sum(r.indices[name].values()) == 1, name
    for name in r.indices:  # the zero-weight player is null
        assert r.indices[name]["NULL"] == 0, name
    assert "NULL" in r.dummies
    for i in range(n):
        for j in range(n):
            a, b = names[i], names[j]
            if ws[i] == ws[j]:
                assert all(r.indices[x][a] == r.indices[x][b] for x in r.indices)
            if ws[i] >= ws[j]:  # local monotonicity of weighted games
                assert r.indices["banzhaf"][a] >= r.indices["banzhaf"][b]
                assert r.indices["shapley_shubik"][a] >= r.indices["shapley_shubik"][b]


def test_float_dp_matches_exact_big_integers() -> None:
    rng = np.random.default_rng(7)
    ws = [int(x) for x in rng.integers(1, 25, size=70)]
    game = WeightedGame([f"X{i}" for i in range(70)], ws, sum(ws) // 2 + 1)
    want = ["banzhaf_absolute", "banzhaf", "shapley_shubik", "coleman_prevent"]
    fl = power_indices(game, want)
    ex = power_indices(game, want, exact=True)
    assert ex.algorithm == fl.algorithm == "generating-function"
    assert (
        ex.winning_coalitions == fl.winning_coalitions
        or abs(
            ex.winning_coalitions - fl.winning_coalitions  # type: ignore[operator]
        )
        < 2**70 * 1e-12
    )
    for name in want:
        for p in game.players:
            assert fl.indices[name][p] == pytest.approx(float(ex.indices[name][p]), abs=1e-13)
    ssi_np = power_indices(game, ["shapley_shubik"], use_numba=False)
    for p in game.players:
        assert ssi_np.indices["shapley_shubik"][p] == pytest.approx(
            fl.indices["shapley_shubik"][p], abs=1e-14
        )


def test_large_banzhaf_is_finite_and_sums_to_one() -> None:
    rng = np.random.default_rng(1)
    ws = [int(x) for x in rng.integers(1, 1001, size=400)]
    game = WeightedGame([f"X{i}" for i in range(400)], ws, sum(ws) // 2 + 1)
    r = power_indices(game, ["banzhaf"])
    vals = np.array(list(r.indices["banzhaf"].values()))
    assert np.all(np.isfinite(vals)) and abs(vals.sum() - 1) < 1e-12
    order = np.argsort(ws)
    assert np.all(np.diff(vals[order]) >= -1e-15)  # monotone in weight


@pytest.mark.numba
def test_kernels_numpy_equals_numba() -> None:
    rng = np.random.default_rng(3)
    w = rng.integers(0, 9, size=14)
    for dtype in (np.int64, np.float64):
        f1 = K.dp1(w, 40, dtype, True)
        f2 = K.dp1(w, 40, dtype, False)
        assert np.allclose(f1, f2, rtol=1e-14, atol=0)
        for x in (0, 1, 5):
            a = K.loo1_window(f1, x, 20 - x, 19, True)
            b = K.loo1_window(f2, x, 20 - x, 19, False)
            assert a == pytest.approx(b, rel=1e-12)
        size = int(w.sum()) + 1
        F1 = K.dp2(w, len(w), size, dtype, True)
        F2 = K.dp2(w, len(w), size, dtype, False)
        assert np.allclose(F1, F2, rtol=1e-14, atol=0)
        for x in (int(w[0]), int(w[3])):
            assert np.allclose(K.loo2(F1, x, True), K.loo2(F2, x, False), rtol=1e-9, atol=1e-15)
            lo = np.arange(len(w)) * 2
            hi = lo + 9
            a1 = K.loo2_windows(F1, x, lo, hi, size - 1 - x, True)
            a2 = K.loo2_windows(F2, x, lo, hi, size - 1 - x, False)
            assert np.allclose(a1, a2, rtol=1e-12, atol=1e-15)
            # the window sums are those of the full leave-one-out table
            G = K.loo2(F2, x, False)
            direct = [G[k, lo[k] : hi[k] + 1].sum() for k in range(len(w))]
            assert np.allclose(a2, direct, rtol=1e-12, atol=1e-15)


# --- Monte Carlo -----------------------------------------------------------------------------


def test_montecarlo_unsc_within_confidence() -> None:
    r = power_indices(UNSC, samples=20000, seed=11)
    assert r.method == "montecarlo" and r.montecarlo is not None
    assert r.montecarlo.seed == 11 and r.montecarlo.samples == 20000
    assert set(r.indices) == set(INDEX_NAMES) - {"deegan_packel", "holler", "coleman_act"}
    assert set(r.omitted) == {"deegan_packel", "holler"}
    exact = power_indices(UNSC, exact=True)
    for name, vals in r.indices.items():
        for p, v in vals.items():
            se = r.montecarlo.standard_errors[name][p]
            assert abs(float(v) - float(exact.indices[name][p])) <= 5 * se + 1e-9, (name, p)
    again = power_indices(UNSC, samples=20000, seed=11)
    assert again.indices == r.indices
    assert r.montecarlo.half_width("banzhaf", "P1") == pytest.approx(
        1.96 * r.montecarlo.standard_errors["banzhaf"]["P1"], rel=1e-3
    )


def test_montecarlo_generic_game() -> None:
    names = tuple(f"A{i}" for i in range(8))
    g = AndGame(
        [
            UnanimityGame(names, ["A0"]),
            BlocGame(names, names[1:5], WeightedGame(names[1:5], [1] * 4, 3)),
        ]
    )
    r = power_indices(g, ["shapley_shubik", "banzhaf"], samples=8000, seed=2)
    ex = power_indices(g, ["shapley_shubik", "banzhaf"], exact=True)
    assert r.montecarlo is not None
    for name in ("shapley_shubik", "banzhaf"):
        for p in names:
            se = r.montecarlo.standard_errors[name][p]
            assert abs(float(r.indices[name][p]) - float(ex.indices[name][p])) <= 5 * se + 1e-9
    assert set(r.dummies) == {"A5", "A6", "A7"}


def test_too_many_players_needs_samples() -> None:
    names = [f"A{i}" for i in range(30)]
    g = MinimalWinningGame(names, [names[:3], names[3:9]])
    with pytest.raises(GameError, match="too many for exact methods"):
        power_indices(g)
    r = power_indices(g, ["banzhaf_absolute"], samples=400, seed=0)
    assert r.method == "montecarlo"


def test_errors() -> None:
    with pytest.raises(GameError, match="unknown index"):
        power_indices(UNSC, ["banzhaf", "penrose"])
    with pytest.raises(GameError, match="exclude"):
        power_indices(UNSC, exact=True, samples=100)
    with pytest.raises(GameError, match="no Monte Carlo"):
        power_indices(UNSC, ["holler"], samples=100)


# --- helpers and results --------------------------------------------------------------------


def test_helpers() -> None:
    assert veto_players(UNSC) == ("P1", "P2", "P3", "P4", "P5")
    assert winning_coalition_count(UNSC) == 848
    assert dummy_players(parse_weighted("[12; 4,4,4,2,2,1]")) == ("P6",)
    cnt, lst = minimal_winning_coalitions(UNSC, cap=5)
    assert cnt == 210 and len(lst) == 5


def test_to_dict_is_the_cli_json() -> None:
    r = power_indices(UNSC, exact=True)
    d = r.to_dict()
    keys = "players method indices veto_players dummies winning_coalitions coleman_act"
    assert list(d) == keys.split()
    assert "coleman_act" not in d["indices"]
    assert d["indices"]["shapley_shubik"]["P1"] == pytest.approx(421 / 2145)
    json.dumps(d)
    full = r.to_full_dict()
    assert full["exact"]["shapley_shubik"]["P1"] == "421/2145"
    json.dumps(full)
    mc = power_indices(UNSC, ["banzhaf"], samples=100, seed=1).to_full_dict()
    assert mc["montecarlo"]["seed"] == 1
    json.dumps(mc)


def test_progress_callback() -> None:
    seen: list[tuple[int, int]] = []
    power_indices(UNSC, ["banzhaf"], progress=lambda a, b: seen.append((a, b)))
    assert seen and seen[-1][0] == seen[-1][1]


@pytest.mark.parametrize(
    "algorithm", ["enumeration", "generating-function", "auto", "weight-classes"]
)
def test_float_output_equals_exact(algorithm: str) -> None:
    for game in (UNSC, parse_weighted("[12; 4,4,4,2,2,1]")):
        ex = power_indices(game, exact=True, algorithm=algorithm)
        fl = power_indices(game, algorithm=algorithm)
        assert set(ex.indices) == set(fl.indices)
        for name, vals in ex.indices.items():
            for p, v in vals.items():
                assert isinstance(fl.indices[name][p], float)
                assert fl.indices[name][p] == pytest.approx(float(v), abs=1e-15)
        assert fl.coleman_act == float(ex.coleman_act)  # type: ignore[arg-type]


# --- issue 11: bounded work -------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 8, 9])
@pytest.mark.parametrize("frac", ["1/2", "1/2+", "2/3", "1"])
def test_closed_form_head_count_matches_enumeration(n: int, frac: str) -> None:
    strict = frac.endswith("+")
    f = F(frac.rstrip("+"))
    game = WeightedGame([f"X{i}" for i in range(n)], [1] * n, f * n, strict=strict)
    ref = power_indices(game, exact=True, algorithm="enumeration")
    got = power_indices(game, exact=True, algorithm="closed-form")
    assert got.indices == ref.indices
    assert got.winning_coalitions == ref.winning_coalitions
    assert got.minimal_winning_count == ref.minimal_winning_count
    assert got.coleman_act == ref.coleman_act
    assert set(got.minimal_winning) == set(ref.minimal_winning)
    assert got.dummies == ref.dummies and got.veto_players == ref.veto_players


def test_five_thousand_unit_weights_every_index_at_once() -> None:
    """Issue 11: 5,000 unit weights hung (Johnston alone took 43 s at n = 2,000)."""
    n = 5000
    game = WeightedGame([f"X{i}" for i in range(n)], [1] * n, n // 2 + 1)
    r = power_indices(game)
    assert r.algorithm == "closed-form" and r.omitted == {}
    for name in ("shapley_shubik", "johnston", "deegan_packel", "holler", "banzhaf"):
        assert r.indices[name]["X7"] == pytest.approx(1 / n)
    assert r.indices["banzhaf_absolute"]["X0"] == pytest.approx(
        math.comb(n - 1, n // 2) / 2 ** (n - 1)
    )


def test_johnston_cost_counts_the_table_updates() -> None:
    """The old estimate (levels² · n · q) let a 2,000-player Johnston DP run for minutes."""
    n = 2000
    ws = [1 + i % 2 for i in range(n)]
    game = WeightedGame([f"X{i}" for i in range(n)], ws, sum(ws) // 2 + 1)
    r = power_indices(game, ["banzhaf"])
    assert r.method == "exact"
    with pytest.raises(GameError, match="johnston: the exact Johnston DP would take"):
        power_indices(game, ["johnston"])
    assert "johnston" in power_indices(game).omitted


def test_dp_tables_are_bounded_in_memory() -> None:
    """A quota of 10^9 needs an 8 GB Banzhaf table (the old check only asked for a total
    below 2^31): refused before the work."""
    n = 2000
    ws = [1_000_000 + i for i in range(n)]
    game = WeightedGame([f"X{i}" for i in range(n)], ws, sum(ws) // 2 + 1)
    with pytest.raises(GameError, match="too many for exact methods"):
        power_indices(game, ["banzhaf"])


def test_montecarlo_budget_and_limits() -> None:
    game = WeightedGame(["A", "B", "C"], [1, 1, 2], 3)
    with pytest.raises(GameError, match="above the limit of 100,000,000"):
        power_indices(game, samples=10**12, seed=1)
    with pytest.raises(GameError, match="Monte Carlo budget"):
        power_indices(game, samples=10**8, seed=1)


def test_exact_fractions_are_limited_in_players() -> None:
    game = WeightedGame([f"X{i}" for i in range(1001)], [1] * 1001, 501)
    with pytest.raises(GameError, match="exact fractions are limited to 1,000 players"):
        power_indices(game, exact=True)


def test_long_engines_report_progress() -> None:
    """Issue 11: long computations report progress (the CLI prints it after 2 s)."""
    seen: list[tuple[int, int]] = []
    game = WeightedGame([f"X{i}" for i in range(18)], [1 + i % 3 for i in range(18)], 19)
    veto = UnanimityGame(game.players, ["X0"])
    power_indices(game & veto, ["johnston"], progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] <= seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.numba
def test_threshold_enumeration_reports_progress_between_chunks() -> None:
    seen: list[tuple[int, int]] = []
    ws = [1 + i % 5 for i in range(26)]
    game = WeightedGame([f"X{i}" for i in range(26)], ws, sum(ws) // 2 + 1)
    r = power_indices(
        game, algorithm="enumeration-threshold", progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(4 * k, 32) for k in range(1, 9)]  # 8 kernel calls of 4 chunks each
    ref = power_indices(game, algorithm="generating-function")
    assert r.indices["banzhaf"] == pytest.approx(ref.indices["banzhaf"], abs=1e-12)
    assert r.winning_coalitions == ref.winning_coalitions


@pytest.mark.numba
@pytest.mark.parametrize(
    ("top", "engine"), [(10, "generating-function"), (1000, "enumeration-threshold")]
)
def test_auto_takes_the_dp_for_a_weighted_game_of_25_when_it_is_the_cheaper(
    top: int, engine: str
) -> None:
    """25 players, numba loaded: with weights below 10 the DP's ~1e6 steps beat the 2^25
    coalitions; with weights below 1,000 its Johnston and minimal-winning tables (~3e8 steps)
    do not. Either engine gives the other's exact result, minimal winning coalitions listed
    included. (Where numba is not loaded yet, its load counts: tests/test_cli_startup.py.)"""
    import numba  # noqa: F401  (the choice counts numba's load only where it is not loaded)

    rng = np.random.default_rng(top)
    w = [int(x) for x in rng.integers(1, top, 25)]
    game = WeightedGame([f"P{i}" for i in range(25)], w, sum(w) // 2 + 1)
    auto = power_indices(game, exact=True, mwc_cap=50)
    assert auto.algorithm == engine
    other = "enumeration-threshold" if engine == "generating-function" else "generating-function"
    forced = power_indices(game, exact=True, mwc_cap=50, algorithm=other)
    assert auto.omitted == forced.omitted == {}
    assert auto.indices == forced.indices
    assert (auto.winning_coalitions, auto.minimal_winning_count) == (
        forced.winning_coalitions,
        forced.minimal_winning_count,
    )
    for c in auto.minimal_winning:
        s = set(c)
        assert game.is_winning(s) and all(not game.is_winning(s - {p}) for p in s)


def test_the_dp_step_estimate_refuses_what_the_dp_would_leave_out() -> None:
    """A part over its budget makes the estimate None (the DP would omit that index, the
    enumeration would not), so auto never trades an index for speed."""
    from mlf.power import _dp_before_enumeration, _dp_steps

    heavy = ([10**6 + i for i in range(20)], [10**7] * 20)
    assert _dp_steps(heavy, ["banzhaf"], False) is not None
    assert _dp_steps(heavy, ["johnston"], False) is None
    assert not _dp_before_enumeration(None, 30, True)
    # numba's load counts only when the process has not paid it
    assert _dp_before_enumeration(3e8, 25, False) and not _dp_before_enumeration(3e8, 25, True)
