"""A refused action always says why, with or without the page's script (HTTP level).

With htmx (``HX-Request: true``) a refusal is one message fragment that the page's script puts
in the fixed ``#messages`` area (``HX-Retarget``); an accepted action's answer carries the
number of the state it shows (``X-MLF-Seq``), so that the script never swaps an older state
over a newer live update. Without a script (a plain form post) a refused action answers the
exercise's page as it is now, with the refusal in its message area: the person stays on the
exercise, sees why, and sees what they may do instead. The browser side of the same rules is
tests/test_exercise_browser_refusals.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from _webtest import Browser, make_exercise, organiser, running

HX = {"HX-Request": "true"}
MESSAGES = re.compile(r'<div id="messages"[^>]*>(.*?)</div>\s*<div class="exercise"', re.S)


@pytest.fixture
def base(tmp_path: Path) -> Iterator[str]:
    with running(f"sqlite:///{tmp_path / 'mlf.db'}") as url:
        yield url


def _join(base: str, link: str) -> Browser:
    b = Browser(base)
    assert b.open(link).status_code == 200
    return b


def _messages(html: str) -> str:
    """The text of the page's message area (the exercise page follows it)."""
    found = MESSAGES.search(html)
    assert found is not None, html[:2000]
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip()


def test_a_refused_plain_form_post_shows_the_exercise_page_with_the_message(base: str) -> None:
    made = make_exercise(organiser(base))
    frg = _join(base, made.seats["FRG"])
    chair = _join(base, made.chair)
    e = made.id

    # a decision before there are terms: out of turn
    r = frg.post(f"/x/{e}/decide", {"join": "yes"})
    assert r.status_code == 409
    assert 'data-testid="exercise"' in r.text  # the exercise's page, not a bare error page
    assert len(re.findall(r'data-testid="error"', r.text)) == 1
    assert "no terms yet" in _messages(r.text)
    assert 'data-testid="position-form"' in r.text  # what the delegation may do instead

    # a position off the scale: invalid, the form is still there
    r = frg.post(f"/x/{e}/position", {"pos.force_size": "401"})
    assert r.status_code == 422
    assert "off the scale" in _messages(r.text)
    assert 'data-testid="position-form"' in r.text

    # a position after the chair closed the round: the page shows the decision to make now
    assert chair.post(f"/x/{e}/chair/close_round").status_code == 303
    r = frg.post(f"/x/{e}/position", {"pos.force_size": "200"})
    assert r.status_code == 409
    assert "round 1 is closed" in _messages(r.text)
    assert 'data-testid="decide-form"' in r.text
    assert 'data-testid="position-form"' not in r.text
    assert 'data-phase="deciding"' in r.text

    # the chair too: a second close of the same round
    r = chair.post(f"/x/{e}/chair/close_round")
    assert r.status_code == 409
    assert "already closed" in _messages(r.text)
    assert 'data-testid="chair-build"' in r.text

    # the page shown after a refusal works: its token posts the next action
    assert frg.post(f"/x/{e}/decide", {"join": "yes"}).status_code == 303


def test_a_refusal_outside_an_exercise_page_is_still_the_error_page(base: str) -> None:
    made = make_exercise(organiser(base))
    frg = _join(base, made.seats["FRG"])
    other = make_exercise(organiser(base), ("USA", "FRG", "GBR"))
    # another exercise's page is not shown to this delegation: the plain error page
    r = frg.post(f"/x/{other.id}/decide", {"join": "yes"})
    assert r.status_code == 403
    assert 'data-testid="exercise"' not in r.text
    assert len(re.findall(r'data-testid="error"', r.text)) == 1


def test_htmx_answers_a_refusal_into_messages_and_an_action_with_its_state(base: str) -> None:
    made = make_exercise(organiser(base))
    frg = _join(base, made.seats["FRG"])
    chair = _join(base, made.chair)
    e = made.id
    r = frg.post(f"/x/{e}/position", {"pos.force_size": "200"}, headers=HX)
    assert r.status_code == 200
    log = chair.get(f"/x/{e}/log.json").json()
    assert r.headers["x-mlf-seq"] == str(log["events"][-1]["seq"])
    assert 'data-testid="stated-ack"' in r.text and "<html" not in r.text

    assert chair.post(f"/x/{e}/chair/close_round", headers=HX).status_code == 200
    r = frg.post(f"/x/{e}/position", {"pos.force_size": "210"}, headers=HX)
    assert r.status_code == 409
    assert r.headers["hx-retarget"] == "#messages"
    assert r.headers["hx-reswap"] == "innerHTML"
    assert "x-mlf-seq" not in r.headers  # a refusal shows no state
    assert "<html" not in r.text and len(re.findall(r'data-testid="error"', r.text)) == 1
    assert "round 1 is closed" in r.text
