"""Overlays: a scenario given as the changes to another one, and the changes themselves.

Pure data work on plain YAML data (dicts, lists, scalars), independent of the scenario schema:
:mod:`mlf.scenario` reads the files, merges them here and validates the result.

Merge rules (docs/scenario-format.md, "Overlays"), those of a JSON merge patch (RFC 7396)
plus explicit list edits and one rule about provenance:

1. mappings merge key by key, recursively;
2. ``key: null`` removes the key (the field goes back to its default; an actor, issue or
   alternative is dropped);
3. a scalar or a plain list replaces what the parent had;
4. a list may instead be edited: ``{add: [...], remove: [...]}`` appends the ``add`` items and
   drops the ``remove`` ones (strings, or the ``key``/``id`` of a mapping item such as a
   source or an option); ``{replace: [...]}`` is a plain list said explicitly;
5. the provenance of an old value never backs a new one: a mapping with a ``value`` (a
   sourced number) or a ``code`` (a coded stance) that the overlay gives a new ``value`` or
   ``code`` is replaced whole, and a position given a new ``position`` loses the parent's
   ``sources``, ``estimate``, ``range``, ``dist``, ``stance`` and ``note`` (its salience stays).

Every merged node remembers which layer (file) set it and where in that file
(:class:`Origin`), so an error found in the merged scenario is reported in the file that set
the value (:func:`locate`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Path_ = tuple[str | int, ...]

LIST_EDIT_KEYS = frozenset({"add", "remove", "replace"})
"""Keys of a list edit (rule 4)."""

_WHOLE_KEYS = ("value", "code")
"""A mapping with one of these keys is a sourced record, replaced whole when it changes."""

_POSITION_PROVENANCE = ("sources", "estimate", "range", "dist", "stance", "note")
"""What a position drops when an overlay gives it a new ``position`` (rule 5)."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""The value of a key a mapping does not have."""


@dataclass
class Origin:
    """Which layer set a node, where in that layer (``at``), and its children's origins.

    ``children`` is None when the whole subtree comes from the one layer (then a path below
    is the same path in that layer's data); otherwise a dict (mapping) or a list (list).
    A key an overlay removed keeps an origin (a tombstone) pointing at its ``null``.
    """

    layer: int
    at: Path_
    children: dict[str, Origin] | list[Origin] | None = None


@dataclass(frozen=True)
class MergeProblem:
    """A list edit or removal that cannot apply: ``layer``/``at`` name where it was written."""

    layer: int
    at: Path_
    reason: str
    path: Path_  # the field in the merged scenario


def _child_origins(org: Origin, node: Any) -> dict[str, Origin] | list[Origin]:
    if isinstance(org.children, dict):
        return dict(org.children)
    if isinstance(org.children, list):
        return list(org.children)
    if isinstance(node, Mapping):
        return {str(k): Origin(org.layer, (*org.at, str(k))) for k in node}
    return [Origin(org.layer, (*org.at, j)) for j in range(len(node))]


def is_list_edit(v: object) -> bool:
    """Whether ``v`` is a list edit ``{add:, remove:, replace:}`` (rule 4).

    Examples:
        >>> is_list_edit({"add": ["S9"], "remove": ["S2"]}), is_list_edit({"position": 3})
        (True, False)
    """
    return isinstance(v, Mapping) and bool(v) and set(v) <= LIST_EDIT_KEYS


def _item_id(item: object) -> object:
    if isinstance(item, Mapping):
        for k in ("key", "id"):
            if k in item:
                return item[k]
    return item


def _replaces_whole(base: Mapping[str, Any], over: Mapping[str, Any]) -> bool:
    return any(k in base and k in over for k in _WHOLE_KEYS)


def merge(
    base: Any, base_origin: Origin, over: Mapping[str, Any], layer: int
) -> tuple[Any, Origin, list[MergeProblem]]:
    """``over`` (a layer's data) merged onto ``base`` by the rules of the module docstring.

    Returns the merged data (``base`` is not modified), its origins and the edits that could
    not apply (each located in ``over``).

    Examples:
        An overlay (layer 1) gives Britain a new capability and a new position on the force
        size, and edits the list of sources. The old capability's source does not back the new
        value (rule 5), nor does the old position's; the salience stays:

        >>> base = {
        ...     "actors": {"GBR": {
        ...         "capability": {"value": 0.1, "sources": ["S1"]},
        ...         "positions": {"size": {"position": 0, "salience": 0.5, "sources": ["S2"]}},
        ...     }},
        ...     "sources": ["S1", "S2"],
        ... }
        >>> over = {
        ...     "actors": {"GBR": {
        ...         "capability": {"value": 0.2}, "positions": {"size": {"position": 100}}
        ...     }},
        ...     "sources": {"remove": ["S2"], "add": ["S3"]},
        ... }
        >>> merged, origin, problems = merge(base, Origin(0, ()), over, 1)
        >>> merged["actors"]["GBR"]
        {'capability': {'value': 0.2}, 'positions': {'size': {'position': 100, 'salience': 0.5}}}
        >>> merged["sources"], problems
        (['S1', 'S3'], [])

        An edit that cannot apply is returned, located in the overlay:

        >>> edit = {"sources": {"remove": ["S7"]}}
        >>> _, _, problems = merge({"sources": ["S1"]}, Origin(0, ()), edit, 1)
        >>> [(p.at, p.reason) for p in problems]
        [(('sources', 'remove', 0), "'S7' is not in the parent's list")]
    """
    problems: list[MergeProblem] = []
    value, org = _merge(base, base_origin, over, layer, (), (), problems)
    return value, org, problems


def _merge(
    base: Any,
    borg: Origin | None,
    over: Any,
    layer: int,
    at: Path_,
    path: Path_,
    problems: list[MergeProblem],
) -> tuple[Any, Origin]:
    if is_list_edit(over) and (isinstance(base, list) or base is MISSING):
        return _edit_list([] if base is MISSING else base, borg, over, layer, at, path, problems)
    if isinstance(over, Mapping) and isinstance(base, Mapping) and borg is not None:
        if _replaces_whole(base, over):
            return _plain(over), Origin(layer, at)
        out = dict(base)
        kids = _child_origins(borg, base)
        assert isinstance(kids, dict)
        if "position" in base and "position" in over:
            for k in _POSITION_PROVENANCE:
                out.pop(k, None)
        for k, v in over.items():
            key = str(k)
            if v is None:
                if key in out:
                    del out[key]
                else:
                    problems.append(
                        MergeProblem(
                            layer, (*at, key), "removes a key the parent does not have",
                            (*path, key),
                        )
                    )  # fmt: skip
                kids[key] = Origin(layer, (*at, key))
                continue
            out[key], kids[key] = _merge(
                out.get(key, MISSING), kids.get(key), v, layer, (*at, key), (*path, key), problems
            )
        return out, Origin(borg.layer, borg.at, kids)
    if isinstance(base, list) and isinstance(over, Mapping):
        problems.append(
            MergeProblem(
                layer,
                at,
                "the parent has a list here: give a list (it replaces the parent's) or "
                "{add: [...], remove: [...]}",
                path,
            )
        )
        return base, borg if borg is not None else Origin(layer, at)
    return _plain(over), Origin(layer, at)


def _edit_list(
    base: list[Any],
    borg: Origin | None,
    edit: Mapping[str, Any],
    layer: int,
    at: Path_,
    path: Path_,
    problems: list[MergeProblem],
) -> tuple[Any, Origin]:
    for k, v in edit.items():
        if not isinstance(v, list):
            problems.append(
                MergeProblem(layer, (*at, k), f"{k}: expects a list", (*path, k))
            )  # fmt: skip
            return base, borg if borg is not None else Origin(layer, at)
    if "replace" in edit:
        if len(edit) > 1:
            problems.append(
                MergeProblem(layer, at, "replace: cannot be combined with add or remove", path)
            )
        items = list(edit["replace"])
        return _plain(items), Origin(
            layer, at, [Origin(layer, (*at, "replace", j)) for j in range(len(items))]
        )
    kids = _child_origins(borg, base) if borg is not None else [Origin(layer, at) for _ in base]
    assert isinstance(kids, list)
    pairs = list(zip(base, kids, strict=True))
    for j, gone in enumerate(edit.get("remove", [])):
        keep = [(v, o) for v, o in pairs if _item_id(v) != gone]
        if len(keep) == len(pairs):
            problems.append(
                MergeProblem(
                    layer,
                    (*at, "remove", j),
                    f"{_short(gone)} is not in the parent's list",
                    path,
                )
            )
        pairs = keep
    for j, item in enumerate(edit.get("add", [])):
        pairs.append((_plain(item), Origin(layer, (*at, "add", j))))
    return [v for v, _ in pairs], Origin(layer, at, [o for _, o in pairs])


def _plain(v: Any) -> Any:
    """A deep copy of plain data (so merged data never shares nodes with a layer's)."""
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _short(v: object) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def locate(origin: Origin, loc: Sequence[str | int]) -> tuple[int, Path_]:
    """The layer that set the field ``loc`` of the merged data, and its path in that layer.

    A field that does not exist (a missing required field) is placed with its nearest
    existing parent.

    Examples:
        The capability was set by the overlay (layer 1), the salience by the parent (layer 0):

        >>> base = {"actors": {"GBR": {"capability": 0.1, "salience": 0.5}}}
        >>> _, origin, _ = merge(base, Origin(0, ()), {"actors": {"GBR": {"capability": 0.2}}}, 1)
        >>> locate(origin, ["actors", "GBR", "capability"])
        (1, ('actors', 'GBR', 'capability'))
        >>> locate(origin, ["actors", "GBR", "salience"])
        (0, ('actors', 'GBR', 'salience'))
    """
    node = origin
    rest = list(loc)
    while rest and node.children is not None:
        part = rest[0]
        child: Origin | None = None
        if isinstance(node.children, dict):
            child = node.children.get(str(part))
        elif isinstance(part, int) and 0 <= part < len(node.children):
            child = node.children[part]
        if child is None:
            break
        node = child
        rest.pop(0)
    return node.layer, (*node.at, *rest)


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class Change:
    """One field the overlays changed: its path, the old and the new value (MISSING: absent)."""

    path: str
    old: Any
    new: Any
    path_parts: Path_ = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.old is not MISSING:
            out["old"] = _jsonable(self.old)
        if self.new is not MISSING:
            out["new"] = _jsonable(self.new)
        return out


def is_record(v: object) -> bool:
    """A sourced record (a number with provenance, a position, a coded stance): compared and
    shown as one value.

    Examples:
        >>> is_record({"value": 0.2, "sources": ["S1"]}), is_record({"policy": 1, "cost": 2})
        (True, False)
    """
    return isinstance(v, Mapping) and any(k in v for k in ("value", "code", "position"))


def diff(old: Any, new: Any, path: Path_ = ()) -> list[Change]:
    """Every change from ``old`` to ``new``: mappings are compared key by key (old keys first,
    in their order, then new ones), a sourced record (:func:`is_record`) or anything else as
    a whole value.

    Examples:
        A sourced number is one value; other mappings are compared key by key:

        >>> old = {"capability": {"value": 0.1, "sources": ["S1"]}, "weights": {"cost": 1}}
        >>> new = {"capability": {"value": 0.2}, "weights": {"cost": 2}}
        >>> [(c.path, c.old, c.new) for c in diff(old, new)]
        [('capability', {'value': 0.1, 'sources': ['S1']}, {'value': 0.2}), ('weights.cost', 1, 2)]
        >>> diff({"a": 1}, {"b": 1})[0].to_dict(), diff({"a": 1}, {"b": 1})[1].to_dict()
        ({'path': 'a', 'old': 1}, {'path': 'b', 'new': 1})
    """
    if (
        isinstance(old, Mapping)
        and isinstance(new, Mapping)
        and not (is_record(old) or is_record(new))
    ):
        out: list[Change] = []
        for k in [*old, *(k for k in new if k not in old)]:
            a, b = old.get(k, MISSING), new.get(k, MISSING)
            if a != b or (a is MISSING) != (b is MISSING):
                out.extend(diff(a, b, (*path, k)))
        return out
    if old == new and (old is MISSING) == (new is MISSING):
        return []
    return [Change(dotted(path), old, new, path)]


def brief(v: Any, limit: int = 80) -> str:
    """A value in a few words (at most ``limit`` characters): a record as its number (``*``
    an estimate), a list of sources or options as their keys or ids.

    Examples:
        >>> brief({"value": 0.2, "estimate": True}), brief({"position": 100, "salience": 0.5})
        ('0.2*', '100 (salience 0.5)')
        >>> brief([{"key": "S1", "title": "A memorandum"}, {"key": "S3"}]), brief("x" * 100, 10)
        ('[S1, S3]', 'xxxxxxx...')
    """
    text = _brief(v)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _brief(v: Any) -> str:
    if v is MISSING:
        return "(absent)"
    if isinstance(v, Mapping) and is_record(v):
        main = v.get("value", v.get("code", v.get("position")))
        text = _brief(main)
        if "position" in v and isinstance(v.get("salience"), Mapping | int | float):
            text += f" (salience {_brief(v['salience'])})"
        if v.get("estimate"):
            text += "*"
        return text
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list):
        return "[" + ", ".join(_brief(_item_id(x)) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{k}: {_brief(x)}" for k, x in v.items()) + "}"
    return str(v)


def sources_of(v: Any) -> list[str]:
    """The source keys a new value carries (a record's ``sources``), else none.

    Examples:
        >>> sources_of({"value": 0.2, "sources": ["S3"]}), sources_of(0.2)
        (['S3'], [])
    """
    if isinstance(v, Mapping) and isinstance(v.get("sources"), list):
        return [str(s) for s in v["sources"]]
    return []


def dotted(path: Sequence[str | int]) -> str:
    """``actors.GBR.support.mlf_surface`` from its parts.

    Examples:
        >>> dotted(("actors", "GBR", "support", "mlf_surface")), dotted(("meta", "sources", 0))
        ('actors.GBR.support.mlf_surface', 'meta.sources.0')
    """
    return ".".join(str(p) for p in path)


def _jsonable(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def canonical_sha256(data: Any) -> str:
    """SHA-256 of plain data as canonical JSON (keys sorted, dates ISO): the hash of a merged
    scenario, equal for equal content whatever files it was written in.

    Examples:
        The order of keys does not matter:

        >>> canonical_sha256({"b": 1, "a": 2}) == canonical_sha256({"a": 2, "b": 1})
        True
        >>> canonical_sha256({"a": 1})
        '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862'
    """
    text = json.dumps(_jsonable(data), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# --------------------------------------------------------------------------- --set PATH=VALUE


class SetPathError(ValueError):
    """A ``--set`` path that names no field: the reason, one line."""


_INDEX = re.compile(r"^(0|[1-9]\d{0,5})$")


def resolve_path(
    data: Mapping[str, Any],
    dotted_path: str,
    creates: Callable[[Path_, str], bool] | None = None,
) -> Path_:
    """The parts of a dotted path into ``data``, where ids may themselves hold dots.

    Each step takes the longest run of dotted parts that is a key of the mapping it is in (an
    index in a list). Every step but the last must exist; the last may be a new key of an
    existing mapping (a field left at its default in the file). A missing step before the last
    is created as a new mapping only where ``creates(parent_path, key)`` says so (the schema's
    answer: :func:`mlf.scenario.set_creates` names the fields that hold a mapping or a model);
    this module knows no schema, so without ``creates`` nothing is created.

    Raises:
        SetPathError: an empty part, a step into a value that is not a mapping or a list, or a
            key that is not there (and may not be created).

    Examples:
        An id may hold a dot; a list takes an index:

        >>> data = {
        ...     "actors": {"GBR": {"capability": 0.1}},
        ...     "alternatives": {"mlf.v2": {"title": "A second fleet"}},
        ...     "meta": {"sources": [{"key": "S1"}]},
        ... }
        >>> resolve_path(data, "alternatives.mlf.v2.title")
        ('alternatives', 'mlf.v2', 'title')
        >>> resolve_path(data, "meta.sources.0.key")
        ('meta', 'sources', 0, 'key')
        >>> resolve_path(data, "actors.FRA.capability")
        Traceback (most recent call last):
            ...
        mlf.overlay.SetPathError: actors has no 'FRA' (it has: GBR)

        A missing mapping is created only where ``creates`` allows it:

        >>> data = {"settings": {"seed": 1}, "actors": {"U.K": {"capability": 1}}}
        >>> resolve_path(data, "actors.U.K.capability")
        ('actors', 'U.K', 'capability')
        >>> def may_create(parent, key):
        ...     return parent == ("settings",) and key == "ratification"
        >>> resolve_path(data, "settings.ratification.anticipate", creates=may_create)
        ('settings', 'ratification', 'anticipate')
        >>> resolve_path(data, "settings.ratification.anticipate")
        Traceback (most recent call last):
        ...
        mlf.overlay.SetPathError: settings has no 'ratification' (it has: seed)
    """
    parts = dotted_path.split(".")
    if not dotted_path or any(p == "" for p in parts):
        raise SetPathError(f"{dotted_path!r} is not a dotted path (e.g. actors.GBR.capability)")
    node: Any = data
    out: list[str | int] = []
    created = False  # ``node`` is a mapping created here (absent from ``data``)
    i = 0
    while i < len(parts):
        if isinstance(node, list):
            if not _INDEX.match(parts[i]) or int(parts[i]) >= len(node):
                raise SetPathError(
                    f"{dotted(out) or 'the scenario'} is a list of {len(node)}: "
                    f"{parts[i]!r} is not an index of it"
                )
            out.append(int(parts[i]))
            node = node[int(parts[i])]
            i += 1
            continue
        if not isinstance(node, Mapping):
            raise SetPathError(
                f"{dotted(out)} is a value ({_short(node)}), it has no field {parts[i]!r}"
            )
        hit = None
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            if key in node:
                hit = (key, j)
                break
        if hit is None:
            if len(parts) - i == 1:  # a new key of an existing mapping: the schema decides
                out.append(parts[i])
                return tuple(out)
            if creates is not None and creates(tuple(out), parts[i]):
                out.append(parts[i])  # a mapping the schema names here, absent in the file
                node, created = {}, True
                i += 1
                continue
            if created:
                raise SetPathError(
                    f"{dotted(out)} is not in the scenario, and {parts[i]!r} is not a field "
                    f"of it that can be created (set it whole: {dotted(out)}="
                    f"{{{parts[i]}: ...}})"
                )
            known = ", ".join(str(k) for k in list(node)[:12])
            more = ", ..." if len(node) > 12 else ""
            raise SetPathError(
                f"{dotted(out) or 'the scenario'} has no {parts[i]!r} (it has: {known}{more})"
            )
        out.append(hit[0])
        node = node[hit[0]]
        i = hit[1]
    return tuple(out)


def nest(path: Path_, value: Any, data: Mapping[str, Any]) -> Any:
    """An overlay that sets ``path`` to ``value``: nested mappings, or for a list index the
    whole list with that item replaced (read from ``data``).

    Examples:
        >>> nest(("actors", "GBR", "capability"), 0.2, {})
        {'actors': {'GBR': {'capability': 0.2}}}

        An item of a list is set by replacing the whole list (lists merge whole):

        >>> data = {"meta": {"sources": [{"key": "S1", "title": "Old"}]}}
        >>> nest(("meta", "sources", 0, "title"), "New", data)
        {'meta': {'sources': {'replace': [{'key': 'S1', 'title': 'New'}]}}}
    """
    if not path:
        return value
    head, rest = path[0], path[1:]
    child = data.get(str(head), MISSING) if isinstance(data, Mapping) else MISSING
    if isinstance(child, list) and rest and isinstance(rest[0], int):
        items = list(child)
        sub = items[rest[0]]
        items[rest[0]] = nest(rest[1:], value, sub) if rest[1:] else value
        if rest[1:] and isinstance(sub, Mapping):
            items[rest[0]] = _apply_plain(sub, items[rest[0]])
        return {str(head): {"replace": items}}
    return {str(head): nest(rest, value, child if isinstance(child, Mapping) else {})}


def _apply_plain(base: Mapping[str, Any], over: Any) -> Any:
    merged, _, _ = merge(base, Origin(0, ()), over, 1)
    return merged


@dataclass(frozen=True)
class Request:
    """One change asked for: ``--set`` (with its text), an ``--overlay`` file or a named
    counterfactual; what :mod:`mlf.results` records beside the effective changes."""

    kind: str  # "set" | "overlay" | "counterfactual"
    text: str  # the PATH=VALUE, the file, or the counterfactual's id
    title: str | None = None
    description: str | None = None
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.title is not None:
            out["title"] = self.title
        if self.description is not None:
            out["description"] = self.description
        out["changes"] = [c.to_dict() for c in self.changes]
        return out
