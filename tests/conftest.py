"""Test settings shared by the whole suite."""

from __future__ import annotations

import os

from hypothesis import settings

# On CI the property tests draw the same examples every run (reproducible, no flaky reds);
# locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
