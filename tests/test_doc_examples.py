"""Every public function of the library, and every entry of the Python API page, shows a
doctested example.

Two rules (issue 12, build item 6):

* every ``:::`` entry of docs/api.md that is a function, or a class with methods of its own,
  carries a ``>>>`` example in its docstring (for a class: its own docstring or that of one
  of its public methods), so that the rendered API page shows how each is called;
* every public function of ``src/mlf`` (a module-level ``def`` whose name does not start with
  ``_``, in a module whose path has no ``_``-prefixed part) carries one.

``mlf.cli`` and ``mlf.web`` are left out: they are interfaces (the command line and the
server), covered by their own tests (tests/test_cli*.py, tests/test_web*.py), not a Python
API. The examples themselves are run by pytest (``--doctest-modules`` in pyproject.toml's
``addopts``), so an example that is wrong fails there; this file checks that none is missing.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "mlf"
API = ROOT / "docs" / "api.md"
INTERFACES = ("cli", "web")
"""Top-level packages of mlf that are interfaces, not API (see the module docstring)."""

_ENTRY = re.compile(r"^:::\s+([\w.]+)\s*$", re.MULTILINE)


def _public_modules(src: Path) -> list[Path]:
    out = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src)
        parts = [p for p in rel.parts if p != "__init__.py"]
        if any(p.startswith("_") for p in parts):
            continue
        if parts and parts[0] in INTERFACES:
            continue
        out.append(path)
    return out


def _functions_without_example(src: Path) -> list[str]:
    missing = []
    for path in _public_modules(src):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if node.name.startswith("_"):
                continue
            if ">>>" not in (ast.get_docstring(node) or ""):
                missing.append(f"{path.relative_to(src.parent)}:{node.lineno}: {node.name}")
    return missing


def _resolve(dotted: str) -> Any:
    """The object a mkdocstrings identifier names (a module path, then attributes)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ModuleNotFoundError(dotted)


def _own_methods(cls: type) -> list[Any]:
    """Public functions defined in the class itself (not properties, not inherited)."""
    out = []
    for name, value in vars(cls).items():
        if name.startswith("_") or isinstance(value, property):
            continue
        if isinstance(value, classmethod | staticmethod):
            value = value.__func__
        if inspect.isfunction(value):
            out.append(value)
    return out


def _has_example(obj: Any) -> bool:
    return ">>>" in (inspect.getdoc(obj) or "")


def test_the_api_page_lists_entries() -> None:
    """The page this file checks has entries (a renamed file or syntax would check nothing)."""
    entries = _ENTRY.findall(API.read_text(encoding="utf-8"))
    assert len(entries) >= 50, entries


def test_every_api_page_entry_shows_an_example() -> None:
    missing = []
    for dotted in _ENTRY.findall(API.read_text(encoding="utf-8")):
        obj = _resolve(dotted)
        if inspect.isclass(obj):
            methods = _own_methods(obj)
            if methods and not (_has_example(obj) or any(_has_example(m) for m in methods)):
                missing.append(f"{dotted} (a class with methods)")
        elif callable(obj) and not _has_example(obj):
            missing.append(dotted)
    assert not missing, "docs/api.md entries without a >>> example:\n" + "\n".join(missing)


def test_every_public_function_shows_an_example() -> None:
    missing = _functions_without_example(SRC)
    assert not missing, "public functions without a >>> example:\n" + "\n".join(missing)


def test_the_rule_finds_a_function_without_an_example(tmp_path: Path) -> None:
    """The check itself, on a made-up package: a public function without ``>>>`` is found;
    one with an example, a private one, one in a private module and one in an interface
    package are not."""
    pkg = tmp_path / "mlf"
    for sub in ("", "cli", "_private"):
        (pkg / sub).mkdir(parents=True, exist_ok=True)
    shown = 'def shown():\n    """Doc.\n\n    >>> shown()\n    """\n'
    bare = 'def bare():\n    """Doc."""\n\n\ndef _hidden():\n    pass\n'
    (pkg / "good.py").write_text(shown, encoding="utf-8")
    (pkg / "bad.py").write_text(bare, encoding="utf-8")
    (pkg / "cli" / "run.py").write_text(bare, encoding="utf-8")
    (pkg / "_private" / "x.py").write_text(bare, encoding="utf-8")
    assert _functions_without_example(pkg) == ["mlf/bad.py:1: bare"]
