"""Who may use each route of ``mlf serve``: every route for every role, with the expected status.

Roles: anonymous (no session), delegation A (FRG's join link) and delegation B (Italy's) of
exercise E, E's chair (its chair link), the chair of another exercise, and the organiser (the
link printed at start). The table below is the contract (docs/serve.md repeats it); a route
added without a row here fails :func:`test_every_route_is_in_the_table`.

Status meanings: 200 a page, 303 accepted (redirect to the page), 401 no session, 403 the
session may not, 409 allowed but out of turn (the exercise refuses it, so the role got past
the access check).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from _webtest import Browser, Made, make_exercise, organiser, running

ROLES = ("anonymous", "delegation_a", "delegation_b", "chair", "other_chair", "organiser")

SCENARIO = Path(__file__).parent.parent / "src/mlf/scenarios/mlf-1963.yaml"

#: (method, path, form) -> expected status per role, in ROLES order. ``E`` is the exercise.
TABLE: list[tuple[str, str, dict[str, object], tuple[int, ...]]] = [
    ("GET", "/", {}, (200, 200, 200, 200, 200, 200)),
    ("GET", "/static/htmx.min.js", {}, (200, 200, 200, 200, 200, 200)),
    ("GET", "/new?scenario=mlf-1963", {}, (401, 403, 403, 403, 403, 200)),
    ("POST", "/new", {"upload": True}, (401, 403, 403, 403, 403, 200)),
    (
        "POST",
        "/exercises",
        {"builtin": "mlf-1963", "alternative": "mlf_surface", "seats": ["USA", "FRG", "ITA"]},
        (401, 403, 403, 403, 403, 200),
    ),
    ("GET", "/x/E", {}, (401, 200, 200, 200, 403, 200)),
    ("GET", "/x/E/panel", {}, (401, 200, 200, 200, 403, 200)),
    ("GET", "/x/E/events", {}, (401, 200, 200, 200, 403, 200)),
    ("GET", "/x/E/log.json", {}, (401, 403, 403, 200, 403, 200)),
    ("GET", "/x/E/debrief", {}, (401, 409, 409, 409, 403, 409)),
    ("GET", "/x/E/report.html", {}, (401, 409, 409, 409, 403, 409)),
    ("GET", "/x/E/result.json", {}, (401, 403, 403, 409, 403, 409)),
    ("POST", "/x/E/position", {"pos.manning": "mixed40"}, (401, 303, 303, 403, 403, 403)),
    ("POST", "/x/E/decide", {"join": "yes"}, (401, 409, 409, 403, 403, 403)),
    ("POST", "/x/E/chair/reveal", {}, (401, 403, 403, 409, 403, 409)),
    ("POST", "/x/E/links", {}, (401, 403, 403, 403, 403, 200)),
    ("POST", "/x/NOPE/delete", {}, (401, 403, 403, 403, 403, 404)),
    ("POST", "/logout", {}, (401, 303, 303, 303, 303, 303)),
]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("access") / "mlf.db"
    with running(f"sqlite:///{db}") as url:
        yield url


@pytest.fixture(scope="module")
def world(base: str) -> tuple[dict[str, Browser], Made]:
    return _world(base)


def _world(base: str) -> tuple[dict[str, Browser], Made]:
    org = organiser(base)
    e = make_exercise(org)
    other = make_exercise(org, ("USA", "FRG", "GBR"))
    browsers = {"anonymous": Browser(base), "organiser": org}
    for role, link in (
        ("delegation_a", e.seats["FRG"]),
        ("delegation_b", e.seats["ITA"]),
        ("chair", e.chair),
        ("other_chair", other.chair),
    ):
        b = Browser(base)
        b.open(link)
        browsers[role] = b
    return browsers, e


def _request(b: Browser, method: str, path: str, form: dict[str, object]) -> int:
    if method == "GET":
        if path.endswith("/events"):
            with b.client.stream("GET", path) as r:
                return r.status_code
        return b.get(path).status_code
    if form.get("upload"):
        files = {"scenario": ("mine.yaml", SCENARIO.read_bytes(), "application/x-yaml")}
        return b.post(path, {}, files=files).status_code
    return b.post(path, dict(form)).status_code


@pytest.mark.parametrize(("method", "path", "form", "expected"), TABLE, ids=lambda v: str(v))
def test_route_for_every_role(
    base: str,
    world: tuple[dict[str, Browser], Made],
    method: str,
    path: str,
    form: dict[str, object],
    expected: tuple[int, ...],
) -> None:
    # links and logout end sessions: those rows get a world of their own
    browsers, e = _world(base) if path in ("/x/E/links", "/logout") else world
    got = {}
    for role in ROLES:
        got[role] = _request(browsers[role], method, path.replace("/x/E", f"/x/{e.id}"), form)
    assert got == dict(zip(ROLES, expected, strict=True))


def test_every_route_is_in_the_table(tmp_path: Path) -> None:
    from mlf.web.app import create_app

    app = create_app(f"sqlite:///{tmp_path / 'routes.db'}", "x")
    routes = {
        (m, r.path)  # type: ignore[attr-defined]
        for r in app.routes
        for m in getattr(r, "methods", None) or ()
        if m != "HEAD"
    }
    table = {
        (m, re.sub(r"/x/(E|NOPE)\b", "/x/{exercise_id}", p.split("?")[0])) for m, p, _, _ in TABLE
    }
    table = {(m, "/x/{exercise_id}/chair/{action}" if "/chair/" in p else p) for m, p in table}
    table.add(("GET", "/join/{token}"))  # the links themselves: tested in test_web.py
    missing = {r for r in routes if r not in table and not r[1].startswith("/static")}
    assert not missing, f"routes without a row in TABLE: {sorted(missing)}"


def test_forms_without_the_csrf_token_are_refused(base: str) -> None:
    browsers, e = _world(base)
    for role, path, form in (
        ("delegation_a", f"/x/{e.id}/position", {"pos.force_size": "200"}),
        ("chair", f"/x/{e.id}/chair/close_round", {}),
        ("organiser", "/exercises", {"builtin": "mlf-1963", "alternative": "mlf_surface"}),
        ("organiser", f"/x/{e.id}/delete", {}),
    ):
        r = browsers[role].post(path, form, csrf=False)
        assert r.status_code == 403, (role, path, r.status_code)
        assert "CSRF" in r.text
        r = browsers[role].post(path, {**form, "csrf": "forged"}, csrf=False)
        assert r.status_code == 403, (role, path)
    # nothing happened: the round is still open, the exercise still there
    page = browsers["chair"].get(f"/x/{e.id}")
    assert page.status_code == 200
    assert 'data-phase="positions"' in page.text
    assert browsers["delegation_a"].get(f"/x/{e.id}/log.json").status_code == 403
    assert '"events":[]' in browsers["organiser"].get(f"/x/{e.id}/log.json").text.replace(" ", "")
