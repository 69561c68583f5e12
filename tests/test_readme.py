"""The README's notebook example runs as written and shows what the README says it shows."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from markdown_code import blocks, run_python

README = Path(__file__).parents[1] / "README.md"


def test_readme_notebook_example_runs() -> None:
    python = [b for b in blocks(README) if b.lang == "python"]
    assert len(python) == 1, "the README has one notebook example"
    namespace: dict[str, Any] = {}
    printed, value = run_python(python[0].code, namespace, f"README.md:{python[0].line}")
    # one line per alternative of the built-in scenario: title, status, members
    alternatives = namespace["result"].to_dict()["alternatives"]
    assert len(alternatives) >= 2
    lines = printed.splitlines()
    assert len(lines) == len(alternatives)
    for line, alt in zip(lines, alternatives, strict=True):
        assert line == f"{alt['title']} {alt['status']} {alt['members']}"
    # the last line: Shapley-Shubik of the EEC Council of 1958 (Felsenthal & Machover)
    expected = [Fraction(7, 30)] * 3 + [Fraction(3, 20)] * 2 + [Fraction(0)]
    assert list(value.values()) == expected
