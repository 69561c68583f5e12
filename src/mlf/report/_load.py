"""Reading a result for the report: ``result.json``, or a sweep folder with ``summary.json``.

Result files are inputs like any other: read with a bounded reader (:mod:`mlf._bounded`:
a regular file of at most :data:`MAX_RESULT_BYTES`, UTF-8 with or without a byte-order
mark), every number checked as it is parsed (:data:`MAX_INT_DIGITS`,
:data:`MAX_FLOAT_CHARS`, finite; ``NaN`` and ``Infinity`` are not JSON) and every string
checked to be writable as UTF-8 (no lone surrogate), so that a hostile or damaged file is
one line naming the file and the field, never a traceback.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeAlias

from mlf._bounded import InputFileError, read_text
from mlf.errors import MlfError
from mlf.results import (
    ResultFile,
    ResultFileV1,
    ResultFormatError,
    validate_result,
    validate_sweep_summary,
)

MAX_RESULT_BYTES = 64 * 1024 * 1024
"""Size of a ``result.json`` or ``summary.json`` the report reads (checked before reading).
The built-in scenario's result is about 0.3 MB; reading costs about 6 times the file size."""
MAX_INT_DIGITS = 20
"""Digits of an integer in a result (a 64-bit seed has at most 20)."""
MAX_FLOAT_CHARS = 32
"""Characters of a number with a fraction or exponent (mlf writes at most 24)."""


ResultDoc: TypeAlias = ResultFile | ResultFileV1
"""A validated result, of either format version the report reads."""


class ReportError(MlfError):
    """A file the report cannot use (missing, not JSON, not an mlf result)."""


def typed_result(result: Mapping[str, Any] | ResultDoc, where: str = "result") -> ResultDoc:
    """``result`` as the validated model the report's view reads.

    A model is returned as it is; a dict (``result.json`` as read, or
    :func:`mlf.results.result_document`) is validated by :func:`mlf.results.validate_result`,
    and one of an unknown format version or not of its version's shape is :class:`ReportError`
    in one line naming ``where`` and the field."""
    if isinstance(result, ResultFile | ResultFileV1):
        return result
    try:
        return validate_result(result, where)
    except ResultFormatError as exc:
        raise ReportError(str(exc)) from None


def check_result(data: Any, where: str = "input") -> dict[str, Any]:
    """``data`` if it looks like an mlf result (a manifest and a list of alternatives)."""
    if not isinstance(data, dict):
        raise ReportError(f"{where} is not an mlf result: expected a JSON object")
    man = data.get("manifest")
    if not isinstance(man, dict) or "mlf_version" not in man:
        raise ReportError(f"{where} is not an mlf result: no manifest with an mlf_version")
    if not isinstance(data.get("alternatives"), list):
        raise ReportError(f"{where} is not an mlf result: 'alternatives' is not a list")
    return data


class _BadNumber:
    """A number the reader refuses, kept in place so that its field can be named."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason


def _int(text: str) -> Any:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return _BadNumber(text, f"an integer of {digits} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _float(text: str) -> Any:
    if len(text) > MAX_FLOAT_CHARS:
        return _BadNumber(
            text, f"a number written with {len(text)} characters: more digits than a float holds"
        )
    value = float(text)
    if not math.isfinite(value):
        return _BadNumber(text, "a number beyond the range of a float")
    return value


def _constant(text: str) -> Any:
    return _BadNumber(text, "not a number JSON allows")


def _bad_value(data: Any) -> tuple[str, str] | None:
    """The dotted path of the first refused value in ``data``, and why, if any: a number
    the parser refused (:class:`_BadNumber`), or a key or string that cannot be written as
    UTF-8 (a lone surrogate from a ``"\\ud800"`` escape: :func:`mlf._bounded.unwritable`),
    which would otherwise fail only when the report is written."""
    from mlf._bounded import shown_text, unwritable

    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, _BadNumber):
            shown = node.text if len(node.text) <= 24 else f"{node.text[:12]}...{node.text[-6:]}"
            return where or "(top)", f"{shown} is {node.reason}"
        if isinstance(node, str):
            why = unwritable(node)
            if why is not None:
                return where or "(top)", why
        if isinstance(node, dict):
            for k in node:
                why = unwritable(k)
                if why is not None:
                    return (f"{where}.{shown_text(k)}" if where else shown_text(k)), f"key: {why}"
            items = [(f"{where}.{k}" if where else str(k), v) for k, v in node.items()]
        elif isinstance(node, list):
            items = [(f"{where}[{i}]", v) for i, v in enumerate(node)]
        else:
            continue
        stack.extend(reversed(items))
    return None


def _read_json(path: Path) -> Any:
    """The JSON in ``path``, read through :func:`mlf._bounded.read_text` (a regular file of at
    most :data:`MAX_RESULT_BYTES`; a byte-order mark is allowed, as in scenarios)."""
    try:
        raw = read_text(
            path, limit=MAX_RESULT_BYTES, what="result", limit_name="mlf.report.MAX_RESULT_BYTES"
        )
    except InputFileError as exc:
        raise ReportError(str(exc)) from None
    try:
        data = json.loads(raw, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}:{exc.colno}: is not JSON: {exc.msg}") from None
    except RecursionError:
        raise ReportError(f"{path}: is not an mlf result: nested too deeply") from None
    bad = _bad_value(data)
    if bad is not None:
        where, why = bad
        raise ReportError(f"{path}: {where}: {why}")
    return data


def load_result(path: str | Path) -> dict[str, Any]:
    """The result dict from ``RESULT.json`` or from a folder holding ``result.json``.

    The result is validated against :class:`mlf.results.ResultFile`: a result of an unknown or
    missing ``format_version``, or not of that version's shape, is refused in one line naming
    the file and the field.

    In a folder, a ``summary.json`` (a sensitivity sweep's summary) is merged in as
    ``result["sensitivity"]``, validated against :class:`mlf.results.SweepSummary` (a
    misshapen one is refused in one line naming ``summary.json`` and the field).
    """
    p = Path(path)
    if not p.exists() and not p.is_symlink():
        raise ReportError(f"no such file or folder: {p}")
    summary: Any = None
    if p.is_dir():
        res = p / "result.json"
        if not res.is_file():
            raise ReportError(f"{p} holds no result.json")
        summ = p / "summary.json"
        if summ.is_file():
            summary = _read_json(summ)
        p = res
    data = check_result(_read_json(p), str(p))
    try:  # the typed result: a known format version and its exact shape
        validate_result(data, str(p))
    except ResultFormatError as exc:
        raise ReportError(str(exc)) from None
    if summary is not None:
        try:  # the sweep's summary, of its stated shape (mlf.results.SweepSummary)
            validate_sweep_summary(summary, str(p.parent / "summary.json"))
        except ResultFormatError as exc:
            raise ReportError(str(exc)) from None
        data["sensitivity"] = summary
    return data
