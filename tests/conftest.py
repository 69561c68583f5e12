"""Test settings shared by the whole suite."""

from __future__ import annotations

import os
import platform

import pytest
from hypothesis import settings

# On CI the property tests draw the same examples every run (reproducible, no flaky reds);
# locally they explore new examples each run.
# No deadline anywhere: a property test is not a timing test (speed targets live in
# benchmarks/), and on a shared machine the 200 ms default fails examples at random.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.load_profile("default")
if os.environ.get("CI"):
    settings.load_profile("ci")


# numba is a dependency only where pyproject.toml installs it (x86_64 and aarch64). There a
# test of the compiled path must run, and fails if numba is missing; elsewhere the compiled
# path does not exist and its tests are marked skipped with that reason.
NUMBA_IS_A_DEPENDENCY = platform.machine() in {"x86_64", "aarch64"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if NUMBA_IS_A_DEPENDENCY:
        return
    why = f"numba is not a dependency on {platform.machine()} (see pyproject.toml)"
    for item in items:
        if item.get_closest_marker("numba") is not None:
            item.add_marker(pytest.mark.skipif(True, reason=why))
