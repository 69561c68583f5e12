"""What the browser tests share: Debian's chromium and the one rule for skipping.

A browser test skips only when /usr/bin/chromium is absent (CI's ``.ci/run`` installs it);
Playwright is a dev dependency, so a missing Playwright fails the test instead of skipping it.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
]  # fmt: skip
"""Chromium's flags for every browser test: headless, no sandbox (CI runs as root), and none
of the background traffic a fresh profile would start."""
WAIT = 120_000
"""ms: the most any one step may take (a page load, an action's answer, a live update, the
report's charts): seconds on a quiet machine, realistic at load 20 on 2 cores, where
Playwright's 30 s default was not."""


def playwright_or_skip(what: str) -> Any:
    """Playwright's ``sync_playwright``, or a skip naming ``what`` when chromium is absent."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"NO BROWSER TEST: {CHROMIUM} is missing; install it with "
            f"`apt-get install chromium` (CI's .ci/run does) to run {what}"
        )
    from playwright.sync_api import sync_playwright  # a dev dependency: missing is a failure

    return sync_playwright
