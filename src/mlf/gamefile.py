"""YAML game files: a control rule stated in full, read within fixed bounds.

A game file holds ``players: [...]``, optional named weight vectors
``weights: {name: {actor: number}}`` and groups ``groups: {name: [actors]}``, and the rule,
either under ``rule:`` or as the rule's one key at the top level (grammar:
:mod:`mlf.games`, "Rule specs")::

    players: [USA, GBR, FRG, ITA]
    weights: {contribution: {USA: 40, GBR: 10, FRG: 40, ITA: 10}}
    rule: {all: [{veto: [USA]}, {weighted: {weights: contribution, quota: "2/3"}}]}

Everything wrong with a file, its YAML or its rule is a :class:`GameFileError` (exit code 1)
whose one-line message names the file and the field. The file is read with fixed bounds,
checked before the work they guard:

* at most :data:`MAX_GAME_FILE_BYTES` bytes, and only a regular file (a device, a FIFO or a
  symlink to one is refused before it is opened; :func:`mlf._bounded.read_bounded`);
* brackets nested at most :data:`MAX_YAML_DEPTH` deep (checked on the text before parsing:
  the YAML scanner is quadratic in the nesting), rules at most
  :data:`mlf.games.MAX_RULE_DEPTH`;
* numbers within :data:`mlf.games.MAX_MAGNITUDE` and :data:`mlf.games.MAX_DIGITS`: YAML
  decimals are read from their text, exactly, so ``0.1`` is 1/10 and a 30-digit number is
  refused rather than rounded; integers of more than 20 digits are refused before conversion;
* at most :data:`mlf.games.MAX_PLAYERS` players, unique names.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mlf.errors import GameError, MlfError
from mlf.games import MAX_PLAYERS, Game, RuleContext, game_from_spec, parse_number

__all__ = ["MAX_GAME_FILE_BYTES", "MAX_YAML_DEPTH", "GameFileError", "load_game_file"]

MAX_GAME_FILE_BYTES = 1 << 20
"""Largest game file read (1 MiB; a 10,000-player game with a weight vector is ~250 KB)."""

MAX_YAML_DEPTH = 100
"""Deepest nesting of YAML brackets (``[``/``{``) in a game file."""

_TOP_KEYS = ("players", "weights", "groups", "rule")


class GameFileError(MlfError):
    """A game file that cannot be read or states an invalid rule (exit code 1)."""

    exit_code = 1


def _flow_depth(text: str) -> int:
    """Deepest nesting of flow brackets, skipping quoted text and comments (an upper bound)."""
    depth = deepest = 0
    quote = ""
    comment = False
    prev = "\n"
    for ch in text:
        if ch == "\n":
            comment = False
        elif comment:
            pass
        elif quote:
            if ch == quote and not (quote == '"' and prev == "\\"):
                quote = ""
        elif ch in "'\"" and prev in " \t\n[{,:":
            quote = ch
        elif ch == "#" and prev in " \t\n":
            comment = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
        prev = ch
    return deepest


def _loader() -> Any:
    """ruamel's safe loader, with decimals kept exact and long integers refused."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import ConstructorError, SafeConstructor

    class _Exact(SafeConstructor):
        pass

    def decimal(self: Any, node: Any) -> Decimal:
        text = str(node.value).replace("_", "").strip()
        low = text.lower()
        if low in (".inf", "+.inf", "-.inf"):
            return Decimal("-Infinity" if low.startswith("-") else "Infinity")
        if low == ".nan":
            return Decimal("NaN")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ConstructorError(
                None, None, f"cannot read {text[:40]!r} as a number", node.start_mark
            ) from None

    def integer(self: Any, node: Any) -> Any:
        text = str(node.value).replace("_", "")
        if len(text.lstrip("+-")) > 20:
            raise ConstructorError(
                None, None, f"an integer of {len(text)} digits (at most 20)", node.start_mark
            )
        return SafeConstructor.construct_yaml_int(self, node)

    _Exact.add_constructor("tag:yaml.org,2002:float", decimal)
    _Exact.add_constructor("tag:yaml.org,2002:int", integer)
    yaml = YAML(typ="safe")
    yaml.Constructor = _Exact
    yaml.allow_duplicate_keys = False
    return yaml


def _parse_yaml(data: bytes, where: str) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GameFileError(f"{where}: not UTF-8 text (byte {e.start})") from None
    if "\x00" in text:
        raise GameFileError(f"{where}: binary file (a NUL byte): not a YAML game")
    if _flow_depth(text) > MAX_YAML_DEPTH:
        raise GameFileError(f"{where}: nested more than {MAX_YAML_DEPTH} levels deep")
    try:
        return _loader().load(text)
    except MarkedYAMLError as e:
        problem = " ".join(str(e.problem or e.context or "malformed YAML").split())
        mark = e.problem_mark or e.context_mark
        at = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise GameFileError(f"{where}{at}: not valid YAML: {problem}") from None
    except YAMLError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else "invalid YAML"
        raise GameFileError(f"{where}: not valid YAML: {first}") from None
    except RecursionError:
        raise GameFileError(f"{where}: nested more than {MAX_YAML_DEPTH} levels deep") from None
    except ValueError as e:  # e.g. a number ruamel cannot convert
        raise GameFileError(f"{where}: not valid YAML: {str(e)[:120]}") from None


def _depth(node: object, limit: int, at: int = 0) -> bool:
    """Whether ``node`` nests mappings and lists more than ``limit`` deep (block style)."""
    if at > limit:
        return True
    if isinstance(node, Mapping):
        return any(_depth(v, limit, at + 1) for v in node.values())
    if isinstance(node, list):
        return any(_depth(v, limit, at + 1) for v in node)
    return False


def game_from_data(data: object, where: str) -> Game:
    """The game a parsed game file states (``where`` prefixes every message).

    Examples:
        The US charter paper's rule: a US veto and two thirds of the contributions:

        >>> data = {
        ...     "players": ["USA", "GBR", "FRG", "ITA"],
        ...     "weights": {"contribution": {"USA": 40, "GBR": 10, "FRG": 40, "ITA": 10}},
        ...     "rule": {"all": [
        ...         {"veto": ["USA"]}, {"weighted": {"weights": "contribution", "quota": "2/3"}}
        ...     ]},
        ... }
        >>> game = game_from_data(data, "charter.yaml")
        >>> game.is_winning({"USA", "FRG"}), game.is_winning({"FRG", "GBR", "ITA"})
        (True, False)
        >>> game_from_data({"players": ["USA", "USA"], "veto": ["USA"]}, "charter.yaml")
        Traceback (most recent call last):
            ...
        mlf.gamefile.GameFileError: charter.yaml: players[1]: duplicate player 'USA'
    """

    def bad(field: str, reason: str) -> GameFileError:
        return GameFileError(f"{where}: {field}: {reason}" if field else f"{where}: {reason}")

    if not isinstance(data, Mapping):
        raise bad("", "expected a mapping with 'players' and a rule")
    if _depth(data, MAX_YAML_DEPTH):
        raise bad("", f"nested more than {MAX_YAML_DEPTH} levels deep")
    players = data.get("players")
    if not isinstance(players, list) or not players:
        raise bad("players", "expected a non-empty list of names")
    if len(players) > MAX_PLAYERS:
        raise bad("players", f"{len(players):,} players; a game has at most {MAX_PLAYERS:,}")
    for k, p in enumerate(players):
        if not isinstance(p, str) or not p.strip():
            raise bad(f"players[{k}]", f"expected a name, got {str(p)[:40]!r}")
    seen: set[str] = set()
    for k, p in enumerate(players):
        if p in seen:
            raise bad(f"players[{k}]", f"duplicate player {p[:40]!r}")
        seen.add(p)
    weights = data.get("weights", {})
    if not isinstance(weights, Mapping):
        raise bad("weights", "expected named vectors {name: {actor: number}}")
    for name, vec in weights.items():
        if not isinstance(vec, Mapping):
            raise bad(f"weights.{name}", "expected a mapping {actor: number}")
        for actor, v in vec.items():
            field = f"weights.{name}.{actor}"
            if actor not in seen:
                raise bad(field, f"{str(actor)[:40]!r} is not a player")
            try:
                w = parse_number(v, "weight", limits=True)
            except GameError as e:
                raise bad(field, e.reason.removeprefix("weight: ")) from None
            if w < 0:
                raise bad(field, "weights must be >= 0")
    groups = data.get("groups", {})
    if not isinstance(groups, Mapping):
        raise bad("groups", "expected {name: [actors]}")
    for name, members in groups.items():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise bad(f"groups.{name}", "expected a list of player names")
    if "rule" in data:
        extra = [str(k) for k in data if k not in _TOP_KEYS]
        if extra:
            raise bad(str(extra[0])[:40], f"unknown key; expected {', '.join(_TOP_KEYS)}")
        rule = data["rule"]
    else:
        rule = {k: v for k, v in data.items() if k not in _TOP_KEYS}
        if len(rule) != 1:
            raise bad("", "expected one rule (a 'rule:' key or one rule key)")
    ctx = RuleContext(members=tuple(players), groups=dict(groups), weights=dict(weights))
    try:
        return game_from_spec(rule, ctx, missing="error", impossible="error")
    except GameError as e:
        raise GameFileError(f"{where}: {e}") from None


def load_game_file(path: str | Path) -> Game:
    """Read a YAML game file within the module's bounds; :class:`GameFileError` otherwise.

    Examples:
        A game file written to a temporary directory:

        >>> import tempfile
        >>> tmp = tempfile.TemporaryDirectory()
        >>> path = Path(tmp.name) / "eec.yaml"
        >>> _ = path.write_text('''
        ... players: [FR, DE, IT, BE, NL, LU]
        ... weights: {votes: {FR: 4, DE: 4, IT: 4, BE: 2, NL: 2, LU: 1}}
        ... rule: {weighted: {weights: votes, quota: 12}}
        ... ''')
        >>> game = load_game_file(path)
        >>> from mlf.power import dummy_players
        >>> game.players, dummy_players(game)
        (('FR', 'DE', 'IT', 'BE', 'NL', 'LU'), ('LU',))
        >>> _ = path.write_text("{players: [FR, DE], veto: [UK]}")
        >>> load_game_file(path)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        mlf.gamefile.GameFileError: .../eec.yaml: rule.veto: not members: UK
        >>> tmp.cleanup()
    """
    from mlf._bounded import read_bounded

    p = Path(path)
    data = read_bounded(
        p,
        limit=MAX_GAME_FILE_BYTES,
        what="YAML game",
        limit_name="mlf.gamefile.MAX_GAME_FILE_BYTES",
    )
    data = _parse_yaml(data, str(p))
    return game_from_data(data, str(p))
