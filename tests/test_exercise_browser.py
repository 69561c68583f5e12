"""End to end: a chair and three delegations play a whole exercise in a real browser.

Debian's Chromium under Playwright (as ``tests/test_report_browser.py``), each person in their
own browser context (their own cookies), against the real app over loopback HTTP. Nobody
reloads a page after opening it: what changes arrives by server-sent events (htmx). The chair
makes the exercise with the organiser link (mlf-1963, the submarine MLF, the FRG, the United
Kingdom and Italy played by people), the delegations state positions, the chair closes the
round, reveals, the delegations decide, the chair builds, opens a renegotiation among the
members, and so again, then ends; every role reaches the debrief and mlf's report of the
exercise. Each role's page is photographed; with ``MLF_UPDATE_SCREENSHOTS=1`` the photographs
are written to ``docs/images/`` (the README and docs/serve.md show them).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from tests._browser import ARGS, CHROMIUM, WAIT, playwright_or_skip
from tests._webtest import running

pytestmark = pytest.mark.browser

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
SEATS = ("FRG", "GBR", "ITA")
SLOW = {"/position": 0.5, "/decide": 0.5}
"""Seconds the server waits before it handles these POSTs, as under load: an action that a
test sent before another must be answered before the test sends the other, or the other
may overtake it (a second identical position, still on its way when the chair closed the
round, was refused with a 409 at load 17-21)."""


def _phase(page: Any, phase: str, rnd: int) -> None:
    """Wait until the page shows ``phase`` of round ``rnd`` (arrived by a live update)."""
    page.wait_for_selector(
        f'[data-testid="status-body"][data-phase="{phase}"][data-round="{rnd}"]', timeout=WAIT
    )


def _answered(page: Any, selector: str, path: str) -> None:
    """Click ``selector`` and wait for the answer to the POST it sends to ``path`` (a path
    suffix): the action is stored, and accepted (200), before the test goes on."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(path), timeout=WAIT
    ) as answer:
        page.click(selector)
    assert answer.value.status == 200, f"{path}: {answer.value.status} {answer.value.text()}"


def _chair(page: Any, action: str) -> None:
    _answered(page, f'[data-testid="chair-{action}"]', f"/chair/{action}")


def test_a_chair_and_three_delegations_play_to_the_debrief(tmp_path: Path) -> None:
    sync_playwright = playwright_or_skip("the end-to-end exercise test")
    shots = IMAGES if os.environ.get("MLF_UPDATE_SCREENSHOTS") == "1" else tmp_path
    token = "organiser-secret-for-the-browser-test"
    errors: list[str] = []
    database = f"sqlite:///{tmp_path / 'serve.db'}"
    with running(database, token, slow=SLOW) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            contexts = {
                who: browser.new_context(viewport={"width": 1200, "height": 1000})
                for who in ("chair", *SEATS)
            }
            for ctx in contexts.values():
                ctx.set_default_timeout(WAIT)  # clicks, reads and page loads alike
                ctx.set_default_navigation_timeout(WAIT)
            pages = {who: ctx.new_page() for who, ctx in contexts.items()}
            for who, page in pages.items():
                page.on("pageerror", lambda exc, who=who: errors.append(f"{who}: {exc}"))
                page.on(
                    "console",
                    lambda m, who=who: (
                        errors.append(f"{who}: {m.text}") if m.type == "error" else None
                    ),
                )

            # --- the organiser makes the exercise and keeps the chair's seat
            chair = pages["chair"]
            chair.goto(f"{base}/?token={token}")
            chair.click('[data-testid="builtin-mlf-1963"]')
            chair.check('[data-testid="alt-mlf_submarine"]')
            for s in SEATS:
                chair.check(f'[data-testid="seat-{s}"]')
            chair.click('[data-testid="create"]')
            links = {s: chair.inner_text(f'[data-testid="seat-link-{s}"]') for s in SEATS}
            chair_link = chair.inner_text('[data-testid="chair-link"]')
            chair.goto(chair_link)
            _phase(chair, "positions", 1)
            for s in SEATS:
                pages[s].goto(links[s])
                _phase(pages[s], "positions", 1)
                brief = pages[s].inner_text('[data-testid="brief"]')
                assert "Your brief" in brief
                assert pages[s].locator('[data-testid="chair-details"]').count() == 0

            # --- round 1: positions, close, reveal, decisions, build
            plan1 = {
                "FRG": {"force_size": "200", "firing_rule": "r2_weighted"},
                "GBR": {"force_size": "50"},
                "ITA": {"manning": "fully_mixed"},
            }
            for s, values in plan1.items():
                _state(pages[s], values)
            for s in SEATS:
                chair.wait_for_selector(f'[data-testid="seat-row-{s}"] >> text=yes', timeout=WAIT)
            chair.screenshot(path=str(shots / "exercise-chair.png"), full_page=False)
            _chair(chair, "close_round")
            for page in pages.values():
                _phase(page, "deciding", 1)
            for s in SEATS:
                assert "If every nation at the table joins" in pages[s].inner_text(
                    '[data-testid="utility-1"]'
                )
                # before the reveal, nobody sees another delegation's stated positions
                assert pages[s].locator('[data-testid="revealed-1"]').count() == 0
            _chair(chair, "reveal")
            for s in SEATS:
                pages[s].wait_for_selector('[data-testid="revealed-1"]', timeout=WAIT)
            pages["FRG"].screenshot(path=str(shots / "exercise-delegation.png"), full_page=False)
            for s in SEATS:
                _answered(pages[s], '[data-testid="decide-join"]', "/decide")
                pages[s].wait_for_selector('[data-testid="decided"]', timeout=WAIT)
            _chair(chair, "build")
            for page in pages.values():
                _phase(page, "built", 1)
            members1 = pages["ITA"].inner_text('[data-testid="members-1"]')
            for s in SEATS:
                assert s in members1  # each joined by its own decision

            # --- round 2: a renegotiation among the members
            _chair(chair, "renegotiate")
            for page in pages.values():
                _phase(page, "positions", 2)
            _state(pages["GBR"], {"force_size": "80"})
            _state(pages["GBR"], {"force_size": "80"})  # a second identical submit
            _chair(chair, "close_round")
            for page in pages.values():
                _phase(page, "deciding", 2)
            _answered(pages["GBR"], '[data-testid="decide-stay-out"]', "/decide")
            pages["GBR"].wait_for_selector('[data-testid="decided"]', timeout=WAIT)
            for s in ("FRG", "ITA"):
                _answered(pages[s], '[data-testid="decide-join"]', "/decide")
                pages[s].wait_for_selector('[data-testid="decided"]', timeout=WAIT)
            _chair(chair, "build")
            for page in pages.values():
                _phase(page, "built", 2)
            assert "GBR" not in pages["FRG"].inner_text('[data-testid="members-2"]')
            _chair(chair, "end")
            for page in pages.values():
                _phase(page, "ended", 2)

            # --- the debrief, for every role
            for page in pages.values():
                page.click('[data-testid="debrief-link"]')
                page.wait_for_selector('[data-testid="comparison"]', timeout=WAIT)
                assert "Debrief" in page.inner_text('[data-testid="debrief-title"]')
                # stated positions beside the model's trajectory, decisions beside its own
                assert "stated, round 2" in page.inner_text('[data-testid="compare-positions"]')
                assert "the model's own decision" in page.inner_text(
                    '[data-testid="compare-decisions"]'
                )
            pages["chair"].screenshot(path=str(shots / "exercise-debrief.png"), full_page=False)
            report = pages["ITA"].context.new_page()
            report.goto(pages["ITA"].url.replace("/debrief", "/report.html"))
            report.wait_for_selector("h1", timeout=WAIT)
            assert "MLF with Polaris submarines" in report.inner_text("body")
            # the event log, as the chair exports it: every action once, in order
            log = chair.request.get(chair.url.replace("/debrief", "/log.json"), timeout=WAIT).json()
            kinds = [e["type"] for e in log["events"]]
            assert kinds.count("decision") == 6
            assert kinds.count("close_round") == 2 and kinds.count("build") == 2
            assert kinds[-1] == "end" and kinds.count("end") == 1
            rnd, stated = 1, []
            for e in log["events"]:
                if e["type"] == "renegotiate":
                    rnd += 1
                elif e["type"] == "position":
                    stated.append((rnd, e["seat"], e["issue"]))
            # each form submitted once per round: no element stored twice (the second,
            # identical GBR submit stored nothing); only GBR stated in round 2
            assert len(stated) == len(set(stated))
            assert {s for r, s, _ in stated if r == 1} == set(SEATS)
            assert {s for r, s, _ in stated if r == 2} == {"GBR"}
        finally:
            browser.close()
    assert not errors, errors[:5]


def _state(page: Any, values: dict[str, str]) -> None:
    """Fill in and submit the position form; wait for the acknowledgement to show them."""
    for iid, v in values.items():
        field = page.locator(f'[data-testid="pos-{iid}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(v)
        else:
            field.fill(v)
    _answered(page, '[data-testid="submit-position"]', "/position")
    ack = page.locator('[data-testid="stated-ack"]')
    for iid, v in values.items():
        ack.filter(has_text=re.compile(rf"{iid} = {re.escape(v)}\b")).wait_for(timeout=WAIT)
