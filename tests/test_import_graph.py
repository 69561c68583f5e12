"""No module in ``src/mlf`` imports a module that imports it back (issue 12, Build 2).

The graph is built from the source with :mod:`ast`, not by importing: every ``import`` and
``from ... import`` anywhere in a file (at module level, inside functions, under
``TYPE_CHECKING``, in ``try`` blocks) and every ``importlib.import_module("mlf...")`` with a
literal name is an edge from that module to the ``mlf`` module it names. Imports under
``if TYPE_CHECKING:`` are not edges: they never run (they are the idiom for an annotation that
names a type from a module that imports this one). ``from pkg import
name`` is an edge to ``pkg.name`` when that is a module and to ``pkg`` otherwise. A package's
``__init__`` running before its submodules is not counted as an edge (every submodule would
then import its package), the convention of import-linter and pydeps.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"


def _modules(src: Path) -> dict[str, Path]:
    """``mlf`` module name -> file, for every ``.py`` file under ``src/mlf``."""
    out: dict[str, Path] = {}
    for path in sorted((src / "mlf").rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """Absolute name of ``from <level dots><name> import ...`` written in ``module``."""
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def import_graph(src: Path) -> dict[str, set[str]]:
    """Edges ``module -> {mlf modules it imports}`` read from the source tree ``src``."""
    mods = _modules(src)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets: list[str] = []
        typing_only = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If)
            and (
                (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
                or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
            )
            for stmt in node.body
            for n in ast.walk(stmt)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                targets += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                pkg = _resolve(mod, is_package, node.level, node.module)
                for a in node.names:
                    sub = f"{pkg}.{a.name}"
                    targets.append(sub if sub in mods else pkg)
            elif (
                isinstance(node, ast.Call)
                and (
                    (isinstance(node.func, ast.Name) and node.func.id == "import_module")
                    or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                )
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                targets.append(node.args[0].value)
        for t in targets:
            # ``import mlf.a.b`` names mlf.a.b; keep the longest prefix that is an mlf module
            while t and t not in mods:
                t = t.rpartition(".")[0]
            if t and t != mod:
                graph[mod].add(t)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle ``[a, b, ..., a]`` of ``graph`` if there is one, else None (iterative DFS)."""
    colour: dict[str, int] = dict.fromkeys(graph, 0)  # 0 new, 1 on the stack, 2 done
    for start in sorted(graph):
        if colour[start]:
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        path = [start]
        colour[start] = 1
        while stack:
            node, todo = stack[-1]
            if not todo:
                stack.pop()
                path.pop()
                colour[node] = 2
                continue
            nxt = todo.pop(0)
            if colour[nxt] == 1:
                return [*path[path.index(nxt) :], nxt]
            if colour[nxt] == 0:
                colour[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(graph[nxt])))
    return None


def test_the_import_graph_of_mlf_is_acyclic() -> None:
    graph = import_graph(SRC)
    assert len(graph) > 40 and "mlf.bargaining._smpkernels" in graph
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_smp_kernels_are_a_leaf() -> None:
    graph = import_graph(SRC)
    assert graph["mlf.bargaining._smpkernels"] == {"mlf.bargaining._smpcodes"}
    assert "mlf.bargaining._smpkernels" in graph["mlf.bargaining.smp"]


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / "mlf" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "cycle"),
    [
        # a function-level import closes the circle
        (
            {
                "__init__.py": "",
                "a.py": "import mlf.b\n",
                "b.py": "def f():\n    from mlf import a\n",
            },
            ["mlf.a", "mlf.b", "mlf.a"],
        ),
        # relative imports, through a subpackage
        (
            {
                "__init__.py": "",
                "p/__init__.py": "",
                "p/x.py": "from . import y\n",
                "p/y.py": "from ..p.x import thing\n",
            },
            ["mlf.p.x", "mlf.p.y", "mlf.p.x"],
        ),
        # a literal import_module and an attribute imported from a package
        (
            {
                "__init__.py": "import importlib\nv = importlib.import_module('mlf.t')\n",
                "t.py": "from mlf import v\n",
            },
            ["mlf", "mlf.t", "mlf"],
        ),
        # an import under TYPE_CHECKING never runs: no circle
        (
            {
                "__init__.py": "",
                "a.py": "import mlf.b\n",
                "b.py": "import typing\nif typing.TYPE_CHECKING:\n    from mlf.a import A\n",
            },
            None,
        ),
        # ... but the same import outside it is one
        (
            {
                "__init__.py": "",
                "a.py": "import mlf.b\n",
                "b.py": "import typing\nif typing.TYPE_CHECKING:\n    pass\nfrom mlf.a import A\n",
            },
            ["mlf.a", "mlf.b", "mlf.a"],
        ),
        # no circle
        ({"__init__.py": "", "a.py": "import mlf.b\n", "b.py": "import numpy\n"}, None),
    ],
)
def test_the_checker_finds_circles(
    tmp_path: Path, files: dict[str, str], cycle: list[str] | None
) -> None:
    assert find_cycle(import_graph(_write(tmp_path, files))) == cycle
