"""In a real browser: a refused action shows as one clear message, and nothing is stored.

Debian's Chromium under Playwright, as ``tests/test_exercise_browser.py``. A delegation's page
posts with htmx; the server answers a refusal (``422`` for a position off the scale, ``409``
for a submit after the round closed) with one message that htmx swaps into the page's
``#messages`` area, leaving the position form as it was; the event log holds no position.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests._browser import ARGS, CHROMIUM, WAIT, playwright_or_skip
from tests._webtest import Browser, make_exercise, organiser, running

pytestmark = pytest.mark.browser



def _error(page: Any) -> str:
    """The one error message shown in the page's messages area (waits for it)."""
    page.wait_for_selector('#messages [data-testid="error"]', timeout=WAIT)
    assert page.locator('#messages [data-testid="error"]').count() == 1
    assert page.locator('[data-testid="error"]').count() == 1  # and nowhere else
    return str(page.inner_text('#messages [data-testid="error"]')).strip()


def test_a_refused_submit_is_swapped_in_as_one_message_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    sync_playwright = playwright_or_skip("the error-swap test")
    errors: list[str] = []
    with running(f"sqlite:///{tmp_path / 'serve.db'}") as base, sync_playwright() as pw:
        org = organiser(base)
        made = make_exercise(org, ("USA", "FRG", "ITA"))
        chair = Browser(base)
        chair.open(made.chair)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_context().new_page()
            page.set_default_timeout(WAIT)  # clicks, reads and the page load alike
            page.set_default_navigation_timeout(WAIT)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            # this page's live updates are cut (a stale page, as after a dropped connection),
            # so its position form stays up after the chair closes the round
            page.route("**/events", lambda route: route.abort())
            page.goto(made.seats["FRG"])
            page.wait_for_selector('[data-testid="position-form"]', timeout=WAIT)
            field = page.locator('[data-testid="pos-force_size"]')

            # 1. off the scale (0 to 400 missiles): the browser's own check is removed, as a
            # hand-made request would skip it; the server refuses with one line
            field.evaluate("e => { e.removeAttribute('max'); e.removeAttribute('min'); }")
            field.fill("9999")
            page.click('[data-testid="submit-position"]')
            message = _error(page)
            assert "force_size" in message and "9999" in message, message
            assert "\n" not in message
            assert page.locator('[data-testid="position-form"]').count() == 1  # left as it was
            assert page.locator('[data-testid="stated-ack"]').count() == 0

            # 2. after the round closed: out of turn, one line, replacing the first message
            assert chair.post(f"/x/{made.id}/chair/close_round").status_code == 303
            field.fill("200")
            page.click('[data-testid="submit-position"]')
            page.wait_for_function(
                "() => !document.querySelector('#messages').innerText.includes('9999')",
                timeout=WAIT,
            )
            message = _error(page)
            assert "closed" in message or "round" in message, message
            assert "\n" not in message
            assert page.locator('[data-testid="position-form"]').count() == 1

            # nothing stored: the log holds the close only
            log = chair.get(f"/x/{made.id}/log.json").json()
            assert [e["type"] for e in log["events"]] == ["close_round"]
        finally:
            browser.close()
    assert not errors, errors[:5]
