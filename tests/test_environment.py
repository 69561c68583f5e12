"""The test environment has what pyproject.toml promises (so no test silently loses a path)."""

from __future__ import annotations

import importlib.util
import platform


def test_numba_is_installed_where_pyproject_requires_it() -> None:
    required = platform.machine() in {"x86_64", "aarch64"}  # pyproject.toml's numba marker
    present = importlib.util.find_spec("numba") is not None
    assert present or not required, "numba is a dependency here but is not installed"
