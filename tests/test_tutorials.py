"""The tutorials in docs/tutorials/ run as written, and print what they show.

In a tutorial, a ```python block followed directly by a ```text block shows that block's
printed output: the test runs the Python blocks of a page in order, in one namespace, and
compares each one's printed text with the ```text block after it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from markdown_code import blocks, run_python

TUTORIALS = Path(__file__).parents[1] / "docs" / "tutorials"
PAGES = sorted(TUTORIALS.glob("*.md"))


def test_there_are_tutorials() -> None:
    assert len(PAGES) >= 2, f"no tutorials found in {TUTORIALS}"


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_tutorial_runs_and_prints_what_it_shows(page: Path) -> None:
    found = blocks(page)
    namespace: dict[str, Any] = {"__name__": f"tutorial_{page.stem}"}
    checked = 0
    for i, block in enumerate(found):
        if block.lang != "python":
            continue
        where = f"{page.name}:{block.line}"
        printed, _ = run_python(block.code, namespace, where)
        following = found[i + 1] if i + 1 < len(found) else None
        if following is not None and following.lang == "text":
            assert printed == following.code, f"{where}: the output shown is not what it prints"
            checked += 1
    assert checked >= 3, f"{page.name}: fewer than 3 outputs are shown and checked"
