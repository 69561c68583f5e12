"""Reading a result for the report: ``result.json``, or a sweep folder with ``summary.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mlf.errors import MlfError


class ReportError(MlfError):
    """A file the report cannot use (missing, not JSON, not an mlf result)."""


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


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path} is not JSON: not UTF-8 text") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{path} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None


def load_result(path: str | Path) -> dict[str, Any]:
    """The result dict from ``RESULT.json`` or from a folder holding ``result.json``.

    In a folder, a ``summary.json`` (a sensitivity sweep's summary) is merged in as
    ``result["sensitivity"]``.
    """
    p = Path(path)
    if not p.exists():
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
    if summary is not None:
        if not isinstance(summary, dict):
            raise ReportError(f"{p.parent / 'summary.json'} is not a sweep summary (not an object)")
        sens = summary.get("sensitivity", summary)
        data["sensitivity"] = sens
    return data
