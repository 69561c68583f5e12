"""Shared by the tests that change a built-in scenario as plain data and parse it again."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML

from mlf.scenario import builtin_path


def builtin_data(sid: str) -> dict[str, Any]:
    """The built-in scenario ``sid`` as plain YAML data (no locations, no validation)."""
    data: dict[str, Any] = YAML(typ="safe").load(builtin_path(sid).read_text(encoding="utf-8"))
    return data


def dump_yaml(data: dict[str, Any]) -> str:
    """``data`` written back as YAML text, for ``parse_scenario``."""
    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    return buf.getvalue()
