"""Fenced code blocks of a Markdown file, and running its Python blocks (README, tutorials)."""

from __future__ import annotations

import ast
import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    lang: str
    code: str
    line: int  # 1-based line of the opening fence


def blocks(path: Path) -> list[Block]:
    """Every fenced block of ``path`` in order (language tag, text, line of the fence)."""
    text = path.read_text(encoding="utf-8")
    return [
        Block(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1)
        for m in _FENCE.finditer(text)
    ]


def run_python(code: str, namespace: dict[str, Any], where: str) -> tuple[str, Any]:
    """Run ``code`` in ``namespace``; return (printed text, value of a final expression)."""
    tree = ast.parse(code, filename=where)
    last: ast.expr | None = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body.pop().value
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, where, "exec"), namespace)
        value = eval(compile(ast.Expression(last), where, "eval"), namespace) if last else None
    return out.getvalue(), value
