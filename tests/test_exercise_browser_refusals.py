"""In a real browser: a refused action always shows why, even when the page changed under it.

Debian's Chromium under Playwright, as ``tests/test_exercise_browser.py``. A form posts with
htmx; a refusal answers ``HX-Retarget: #messages``, which htmx looks up from the form that
sent the request. When the form left the page while its request was out (a live update
replaced the action panel, or another action's answer did), htmx 2 finds no ``#messages``
from the detached form, throws "Invalid re-target #messages" and shows nothing: the action
failed silently. Both races are made certain here, whatever the machine's load: the request
is held in the browser (Playwright's ``route``) until the page has changed, then let go.
Without a script (a plain form post), a refusal answers the exercise's page with the message.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests._browser import ARGS, CHROMIUM, WAIT, playwright_or_skip
from tests._webtest import Browser, Made, make_exercise, organiser, running

pytestmark = pytest.mark.browser


WATCH = """
(() => {
  // What the page received and what went wrong in it, for the test to wait on: each live
  // event's name and id (counted before mlf-live.js handles it), and every uncaught error.
  const Real = window.EventSource;
  window.__mlf = {events: [], errors: []};
  window.EventSource = function (url, options) {
    const source = new Real(url, options);
    ["status", "action"].forEach((name) => source.addEventListener(
      name, (event) => window.__mlf.events.push(name + ":" + event.lastEventId)));
    return source;
  };
  window.addEventListener("error", (event) => window.__mlf.errors.push(String(event.message)));
})();
"""

SHOWN_OR_FAILED = """() => document.querySelector('#messages [data-testid="error"]')
    || window.__mlf.errors.length > 0"""


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[str, Made, Browser, Any]]:
    """A running server, an exercise (USA, FRG, ITA at the table), its chair's HTTP client
    and a chromium browser."""
    sync_playwright = playwright_or_skip("the refusal-race tests")
    with running(f"sqlite:///{tmp_path / 'serve.db'}") as base, sync_playwright() as pw:
        made = make_exercise(organiser(base), ("USA", "FRG", "ITA"))
        chair = Browser(base)
        chair.open(made.chair)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield base, made, chair, browser
        finally:
            browser.close()
            chair.close()


def _page(browser: Any, link: str, errors: list[str]) -> Any:
    """A new page on ``link``, live (its event stream open), recording its uncaught errors
    (not the console's: the browser and htmx log each 409 there, as they should)."""
    page = browser.new_context().new_page()
    page.set_default_timeout(WAIT)
    page.set_default_navigation_timeout(WAIT)
    page.add_init_script(WATCH)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(link)
    page.wait_for_selector('[data-testid="exercise"][data-connected="true"]', timeout=WAIT)
    page.wait_for_function("() => window.__mlf.events.some(e => e.startsWith('action:'))")
    return page


def _received(page: Any, name: str) -> int:
    """How many ``name`` events the page's stream has delivered."""
    count = f"() => window.__mlf.events.filter(e => e.startsWith('{name}:')).length"
    return int(page.evaluate(count))


def _shown(page: Any) -> str:
    """The refusal shown in ``#messages`` (fails at once, naming it, on an error in the page)."""
    page.wait_for_function(SHOWN_OR_FAILED, timeout=WAIT)
    assert page.evaluate("() => window.__mlf.errors") == []
    assert page.locator('#messages [data-testid="error"]').count() == 1
    return str(page.inner_text('#messages [data-testid="error"]')).strip()


def _positions(chair: Browser, exercise_id: str) -> list[dict[str, Any]]:
    log = chair.get(f"/x/{exercise_id}/log.json").json()
    return [e for e in log["events"] if e["type"] == "position"]


def test_a_submit_refused_while_a_live_update_replaces_its_form_is_shown(
    world: tuple[str, Made, Browser, Any],
) -> None:
    _base, made, chair, browser = world
    errors: list[str] = []
    page = _page(browser, made.seats["FRG"], errors)
    page.wait_for_selector('[data-testid="position-form"]', timeout=WAIT)
    held: list[Any] = []
    page.route("**/position", lambda route: held.append(route))  # the submit waits
    page.fill('[data-testid="pos-force_size"]', "200")
    actions = _received(page, "action")
    with page.expect_request(lambda r: r.url.endswith("/position")):
        page.click('[data-testid="submit-position"]')

    # meanwhile the chair closes the round: the live update (a new action panel) arrives
    assert chair.post(f"/x/{made.id}/chair/close_round").status_code == 303
    page.wait_for_selector('[data-testid="status-body"][data-phase="deciding"]', timeout=WAIT)
    page.wait_for_function(
        f"() => window.__mlf.events.filter(e => e.startsWith('action:')).length > {actions}"
    )
    assert len(held) == 1
    # the update is held back while the submit is out: the form stays on the page
    assert page.get_attribute('[data-testid="exercise"]', "data-held") == "action"
    assert page.locator('[data-testid="position-form"]').count() == 1

    with page.expect_response(lambda r: r.url.endswith("/position")) as answer:
        held[0].continue_()
    assert answer.value.status == 409
    message = _shown(page)
    assert "round 1 is closed" in message, message
    # the live update is shown too: the decision the delegation now has to make
    page.wait_for_selector('[data-testid="decide-form"]', timeout=WAIT)
    assert page.locator('[data-testid="position-form"]').count() == 0
    assert _positions(chair, made.id) == []  # nothing stored
    assert not errors, errors[:5]


def test_an_action_refused_after_another_answer_replaced_its_form_is_shown(
    world: tuple[str, Made, Browser, Any],
) -> None:
    base, made, chair, browser = world
    frg = Browser(base)
    frg.open(made.seats["FRG"])
    assert frg.post(f"/x/{made.id}/position", {"pos.force_size": "200"}).status_code == 303
    assert chair.post(f"/x/{made.id}/chair/close_round").status_code == 303
    assert frg.post(f"/x/{made.id}/decide", {"join": "yes"}).status_code == 303
    assert chair.post(f"/x/{made.id}/chair/build").status_code == 303
    frg.close()

    errors: list[str] = []
    page = _page(browser, made.chair, errors)
    page.wait_for_selector('[data-testid="chair-end"]', timeout=WAIT)
    held: list[Any] = []
    page.route("**/chair/renegotiate", lambda route: held.append(route))
    with page.expect_request(lambda r: r.url.endswith("/chair/renegotiate")):
        page.click('[data-testid="chair-renegotiate"]')
    # the chair, impatient, ends the exercise: its answer replaces the action panel
    with page.expect_response(lambda r: r.url.endswith("/chair/end")) as ended:
        page.click('[data-testid="chair-end"]')
    assert ended.value.status == 200
    page.wait_for_selector('#action [data-testid="debrief-link"]', timeout=WAIT)
    assert len(held) == 1

    with page.expect_response(lambda r: r.url.endswith("/chair/renegotiate")) as answer:
        held[0].continue_()
    assert answer.value.status == 409
    message = _shown(page)
    assert "ended" in message, message
    log = chair.get(f"/x/{made.id}/log.json").json()
    assert [e["type"] for e in log["events"]][-1] == "end"
    assert "renegotiate" not in [e["type"] for e in log["events"]]
    assert not errors, errors[:5]


def test_without_a_script_a_refused_post_shows_the_page_with_the_message(
    world: tuple[str, Made, Browser, Any],
) -> None:
    _base, made, chair, browser = world
    errors: list[str] = []
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    page.set_default_navigation_timeout(WAIT)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(made.seats["ITA"])
    page.wait_for_selector('[data-testid="position-form"]', timeout=WAIT)
    # the page does not change by itself (no script): the chair closes the round meanwhile
    assert chair.post(f"/x/{made.id}/chair/close_round").status_code == 303
    with page.expect_navigation(timeout=WAIT) as answer:
        page.click('[data-testid="submit-position"]')
    assert answer.value is not None and answer.value.status == 409
    assert page.locator('#messages [data-testid="error"]').count() == 1
    message = str(page.inner_text('#messages [data-testid="error"]')).strip()
    assert "round 1 is closed" in message, message
    # the exercise's page as it is now, with what this delegation may do instead
    assert page.locator('[data-testid="decide-form"]').count() == 1
    assert page.locator('[data-testid="position-form"]').count() == 0
    with page.expect_navigation(timeout=WAIT) as answer:
        page.click('[data-testid="decide-join"]')
    assert answer.value is not None and answer.value.status == 200
    assert page.locator('[data-testid="decided"]').count() == 1
    assert page.locator('#messages [data-testid="error"]').count() == 0
    assert _positions(chair, made.id) == []
    assert not errors, errors[:5]
