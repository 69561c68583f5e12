"""``mlf serve`` over HTTP: links and sessions, bad input, escaping, live updates, a whole exercise.

Every test runs the real app under uvicorn on a loopback port (tests/_webtest.py) on its own
SQLite file; the storage tests in test_web_store.py run on PostgreSQL as well.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from _scenario_yaml import builtin_data, dump_yaml
from _webtest import Browser, Made, make_exercise, organiser, running, sse_events
from mlf.web.security import CSP, MAX_BODY_BYTES


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "mlf.db"


@pytest.fixture
def base(db: Path) -> Iterator[str]:
    with running(f"sqlite:///{db}") as url:
        yield url


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"select count(*) from {table}").fetchone()[0])


def _events(db: Path) -> list[tuple[int, str, str | None, str]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute("select seq, type, seat, data from events order by id"))


def _join(base: str, link: str) -> Browser:
    b = Browser(base)
    r = b.open(link)
    assert r.status_code == 200, r.text[:300]
    return b


# --------------------------------------------------------------------------- links and sessions


def test_organiser_link_opens_a_session_and_a_wrong_one_does_not(base: str) -> None:
    b = Browser(base)
    r = b.client.get("/?token=organiser-secret")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert b.get("/").status_code == 200
    assert 'data-testid="builtins"' in b.get("/").text
    wrong = Browser(base)
    r = wrong.client.get("/?token=organiser-secreT")
    assert r.status_code == 403 and "organiser link is not valid" in r.text
    assert "set-cookie" not in r.headers
    assert 'data-testid="welcome"' in wrong.get("/").text  # no organiser page


def test_tokens_are_random_long_and_stored_only_as_hashes(base: str, db: Path) -> None:
    org = organiser(base)
    made = make_exercise(org)
    tokens = [made.chair.rsplit("/", 1)[1], *(v.rsplit("/", 1)[1] for v in made.seats.values())]
    assert len(set(tokens)) == len(tokens) == 4
    for t in tokens:
        assert len(t) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    cookies = [org.client.cookies.get("mlf_session") or ""]
    raw = db.read_bytes() + b"".join(p.read_bytes() for p in db.parent.glob("mlf.db-*"))
    for secret in [*tokens, *cookies, "organiser-secret"]:
        assert secret and secret.encode() not in raw, "a token is stored in clear"


def test_join_links_open_their_own_seat_and_a_bad_link_is_refused(base: str) -> None:
    made = make_exercise(organiser(base))
    frg = _join(base, made.seats["FRG"])
    page = frg.get(f"/x/{made.id}").text
    assert 'data-seat="FRG"' in page and 'data-role="seat"' in page
    assert 'data-testid="brief"' in page
    chair = _join(base, made.chair)
    assert 'data-role="chair"' in chair.get(f"/x/{made.id}").text
    r = Browser(base).client.get("/join/" + "x" * 43)
    assert r.status_code == 404 and "not valid" in r.text


def test_new_links_disable_the_old_ones_and_their_sessions(base: str) -> None:
    org = organiser(base)
    made = make_exercise(org)
    frg = _join(base, made.seats["FRG"])
    org.get("/")
    r = org.post(f"/x/{made.id}/links")
    assert r.status_code == 200
    assert frg.get(f"/x/{made.id}").status_code == 401
    assert Browser(base).client.get(made.seats["FRG"].removeprefix(base)).status_code == 404
    new = dict(re.findall(r'data-testid="seat-link-([^"]+)">([^<]+)<', r.text))
    assert _join(base, new["FRG"]).get(f"/x/{made.id}").status_code == 200


def test_every_page_sends_the_content_security_policy(base: str) -> None:
    made = make_exercise(organiser(base))
    frg = _join(base, made.seats["FRG"])
    for b, path in (
        (Browser(base), "/"),
        (Browser(base), "/no-such-page"),
        (Browser(base), f"/x/{made.id}"),
        (frg, f"/x/{made.id}"),
        (frg, "/static/mlf.css"),
    ):
        r = b.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CSP and "'unsafe-inline'" not in CSP


def test_htmx_is_vendored_and_served_locally(base: str) -> None:
    r = Browser(base).get("/static/htmx.min.js")
    assert r.status_code == 200 and "htmx" in r.text[:2000]
    lic = Path(__file__).parent.parent / "src/mlf/web/static/htmx.LICENSE"
    assert "Zero-Clause BSD" in lic.read_text("utf-8")
    page = organiser(base).get("/").text
    assert not re.search(r'src="(https?:)?//', page), "a script from another origin"


# --------------------------------------------------------------------------- bad input


def test_a_malformed_upload_gets_one_clear_message_and_nothing_is_stored(
    base: str, db: Path
) -> None:
    org = organiser(base)
    before = _count(db, "exercises")
    for name, body, expect in (
        ("broken.yaml", b"meta: [unclosed\n", "broken.yaml:"),
        ("latin1.yaml", "meta:\n  title: Br\xfcssel\n".encode("latin-1"), "latin1.yaml"),
        ("empty.yaml", b"", "empty"),
        ("list.yaml", b"- a\n- b\n", "expected a YAML mapping"),
    ):
        r = org.post("/new", files={"scenario": (name, body, "application/x-yaml")})
        assert r.status_code == 422, (name, r.status_code)
        errors = re.findall(r'data-testid="error"', r.text)
        assert len(errors) == 1, name
        assert expect in r.text, (name, r.text[:2000])
        assert "Traceback" not in r.text
    assert _count(db, "exercises") == before


def test_an_invalid_scenario_shows_its_located_errors(base: str) -> None:
    data = builtin_data("mlf-1963")
    data["actors"]["FRG"]["capability"]["value"] = -3
    data["alternatives"]["mlf_surface"]["invited"].append("XXX")
    org = organiser(base)
    r = org.post("/new", files={"scenario": ("bad.yaml", dump_yaml(data).encode(), "text/yaml")})
    assert r.status_code == 422
    lines = re.findall(r"<li><code>([^<]+)</code></li>", r.text)
    assert len(lines) >= 2
    assert all(re.match(r"bad\.yaml:\d+:\d+: ", line) for line in lines), lines
    assert any("actors.FRG.capability" in line for line in lines)


def test_an_oversize_body_is_refused_with_413_and_nothing_is_stored(base: str, db: Path) -> None:
    org = organiser(base)
    before = _count(db, "exercises")
    big = b"# " + b"x" * (MAX_BODY_BYTES + 10) + b"\n"
    r = org.post("/new", files={"scenario": ("big.yaml", big, "text/yaml")})
    assert r.status_code == 413
    assert "request body too large" in r.text and "MiB" in r.text
    assert r.headers["content-security-policy"] == CSP
    # Without a Content-Length (chunked), the body is cut off as it streams past the bound.
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(
            b"POST /exercises HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        )
        chunk = b"a" * 65536
        try:
            for _ in range(MAX_BODY_BYTES // len(chunk) + 4):
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass  # the server answered and closed while we were still sending
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:100]
    assert _count(db, "exercises") == before


def test_a_position_off_the_scale_is_refused_and_nothing_is_stored(base: str, db: Path) -> None:
    made = make_exercise(organiser(base))
    frg = _join(base, made.seats["FRG"])
    url = f"/x/{made.id}/position"
    for form, expect in (
        ({"pos.force_size": "401"}, "off the scale"),
        ({"pos.force_size": "-1"}, "off the scale"),
        ({"pos.force_size": "nan"}, "force_size"),
        ({"pos.force_size": "lots"}, "not a number"),
        ({"pos.firing_rule": "r9_nobody"}, "firing_rule"),
        ({"pos.platform": "surface"}, "platform"),  # fixed by the alternative, not open
        # one bad element refuses the whole form: the good one is not stored either
        ({"pos.force_size": "200", "pos.cost_split": "140"}, "cost_split"),
    ):
        r = frg.post(url, form)
        assert r.status_code == 422, (form, r.status_code, r.text[:500])
        assert len(re.findall(r'data-testid="error"', r.text)) == 1
        assert expect in r.text, (form, r.text[:1500])
    assert _events(db) == []
    # the same refusal for an htmx request: one message, swapped into #messages
    r = frg.post(url, {"pos.force_size": "401"}, headers={"HX-Request": "true"})
    assert r.status_code == 422 and r.headers["hx-retarget"] == "#messages"
    assert "off the scale" in r.text
    assert _events(db) == []


def test_actions_out_of_turn_are_refused_and_nothing_is_stored(base: str, db: Path) -> None:
    made = make_exercise(organiser(base))
    frg = _join(base, made.seats["FRG"])
    chair = _join(base, made.chair)
    e = made.id
    r = frg.post(f"/x/{e}/decide", {"join": "yes"})  # a decision before terms exist
    assert r.status_code == 409 and len(re.findall(r'data-testid="error"', r.text)) == 1
    assert chair.post(f"/x/{e}/chair/build").status_code == 409  # nothing settled yet
    assert chair.post(f"/x/{e}/chair/renegotiate").status_code == 409
    assert _events(db) == []
    assert frg.post(f"/x/{e}/position", {"pos.force_size": "250"}).status_code == 303
    assert chair.post(f"/x/{e}/chair/close_round").status_code == 303
    n = len(_events(db))
    r = frg.post(f"/x/{e}/position", {"pos.force_size": "260"})  # after the round closed
    assert r.status_code == 409 and "closed" in r.text
    assert len(_events(db)) == n


def test_a_second_identical_submit_changes_nothing(base: str, db: Path) -> None:
    made = make_exercise(organiser(base))
    frg = _join(base, made.seats["FRG"])
    form = {"pos.force_size": "250", "pos.manning": "mixed40"}
    assert frg.post(f"/x/{made.id}/position", form).status_code == 303
    first = _events(db)
    assert [(s, t, seat) for s, t, seat, _ in first] == [
        (1, "position", "FRG"),
        (2, "position", "FRG"),
    ]
    assert frg.post(f"/x/{made.id}/position", form).status_code == 303
    assert _events(db) == first
    # an edit of one element stores that element only
    form["pos.force_size"] = "240"
    assert frg.post(f"/x/{made.id}/position", form).status_code == 303
    assert len(_events(db)) == 3


def test_a_seat_cannot_act_for_another_seat(base: str, db: Path) -> None:
    made = make_exercise(organiser(base))
    frg = _join(base, made.seats["FRG"])
    # a forged "seat" field is ignored: the seat comes from the session only
    r = frg.post(f"/x/{made.id}/position", {"pos.force_size": "250", "seat": "USA"})
    assert r.status_code == 303
    assert [seat for _, _, seat, _ in _events(db)] == ["FRG"]


# --------------------------------------------------------------------------- escaping


def test_text_from_a_scenario_is_escaped_everywhere(base: str) -> None:
    data = builtin_data("mlf-1963")
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    data["meta"]["title"] = "Talks " + evil
    data["actors"]["FRG"]["name"] = "Germany " + evil
    data["alternatives"]["mlf_surface"]["title"] = "Fleet " + evil
    data["issues"]["force_size"]["title"] = "Size " + evil
    text = dump_yaml(data).encode()
    org = organiser(base)
    r = org.post("/new", files={"scenario": ("evil.yaml", text, "text/yaml")})
    assert r.status_code == 200, r.text[:2000]
    pages = [r.text]
    form = re.search(r"<textarea name=\"scenario_text\" hidden>(.*?)</textarea>", r.text, re.S)
    assert form is not None
    import html as html_lib

    r = org.post(
        "/exercises",
        {
            "scenario_text": html_lib.unescape(form.group(1)),
            "scenario_name": "evil.yaml",
            "alternative": "mlf_surface",
            "seats": ["USA", "FRG", "ITA"],
        },
    )
    assert r.status_code == 200, r.text[:2000]
    pages.append(r.text)
    eid = re.search(r'href="/x/([^"]+)" data-testid="open-exercise"', r.text)
    assert eid is not None
    links = dict(re.findall(r'data-testid="seat-link-([^"]+)">([^<]+)<', r.text))
    frg = _join(base, links["FRG"])
    x = f"/x/{eid.group(1)}"
    pages += [frg.get(x).text, org.get(x).text, org.get("/").text]
    # played to the end: the debrief's comparison tables name the element and the nation
    assert frg.post(f"{x}/position", {"pos.force_size": "150"}).status_code == 303
    for action in ("close_round", "build", "end"):
        assert org.post(f"{x}/chair/{action}").status_code == 303
    debrief = frg.get(f"{x}/debrief").text
    pages.append(debrief)
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in pages[2]
    positions = _tables(debrief)["compare-positions"]
    assert any(r[1] == "Size " + evil and r[3].startswith("150") for r in positions)


# --------------------------------------------------------------------------- live updates


SENTINEL = Path(__file__).parent / "data" / "exercise-sentinel.yaml"


def _brief_numbers(seat: str) -> set[str]:
    """The distinctive numbers of ``seat``'s brief in exercise-sentinel.yaml, as pages show them."""
    from mlf.scenario import load_scenario
    from mlf.web.app import _num

    a = load_scenario(SENTINEL).scenario.actors[seat]
    nums = [a.outside_option["force"].value, a.weights.policy, a.weights.voice, a.weights.cost]
    nums += [p.salience.value for p in a.positions.values()]
    nums += [p.position for p in a.positions.values() if isinstance(p.position, float)]
    if a.defence_budget is not None:
        nums.append(a.defence_budget.value)
    shown = {_num(n) for n in nums}
    return {n for n in shown if len(n.replace(".", "").lstrip("0")) >= 4}  # distinctive ones


def test_server_sent_events_carry_no_other_delegation_s_private_data(base: str) -> None:
    """B's stream, through a whole round (positions, terms, decisions, the arrangement),
    never shows A's, C's or D's brief, nor what A and C stated; the chair's stream does."""
    org = organiser(base)
    r = org.post("/new", files={"scenario": (SENTINEL.name, SENTINEL.read_bytes(), "text/yaml")})
    assert r.status_code == 200, r.text[:1000]
    form = re.search(r'<textarea name="scenario_text" hidden>(.*?)</textarea>', r.text, re.S)
    assert form is not None
    import html as html_lib

    r = org.post(
        "/exercises",
        {
            "scenario_text": html_lib.unescape(form.group(1)),
            "scenario_name": SENTINEL.name,
            "alternative": "force",
            "seats": ["A", "B", "C"],
        },
    )
    assert r.status_code == 200, r.text[:1000]
    links = dict(re.findall(r'data-testid="(chair-link|seat-link-[^"]+)">([^<]+)<', r.text))
    eid = re.search(r'href="/x/([^"]+)" data-testid="open-exercise"', r.text)
    assert eid is not None
    e = eid.group(1)
    a, b, c = (_join(base, links[f"seat-link-{s}"]) for s in "ABC")
    chair = _join(base, links["chair-link"])
    got: dict[str, list[tuple[str, str]]] = {}
    opened = {"B": threading.Event(), "chair": threading.Event()}

    def listen(name: str, who: Browser) -> None:
        got[name] = sse_events(
            who, e, opened=opened[name], until=lambda evs: 'data-phase="built"' in evs[-1][1]
        )

    threads = [
        threading.Thread(target=listen, args=("B", b)),
        threading.Thread(target=listen, args=("chair", chair)),
    ]
    for t in threads:
        t.start()
    assert all(ev.wait(30) for ev in opened.values())
    assert a.post(f"/x/{e}/position", {"pos.size": "123.456"}).status_code == 303
    assert b.post(f"/x/{e}/position", {"pos.size": "150"}).status_code == 303
    assert c.post(f"/x/{e}/position", {"pos.size": "77.7123"}).status_code == 303
    assert chair.post(f"/x/{e}/chair/close_round").status_code == 303
    for who in (a, b, c):
        assert who.post(f"/x/{e}/decide", {"join": "yes"}).status_code == 303
    assert chair.post(f"/x/{e}/chair/build").status_code == 303
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    seen = "\n".join(d for _, d in got["B"])
    everything = "\n".join(d for _, d in got["chair"])
    assert {n for n, _ in got["B"]} <= {"status", "action"}
    assert 'data-phase="built"' in seen and "Your brief" in seen
    own = _brief_numbers("B")
    assert any(n in seen for n in own)  # its own brief is there
    for other in ("A", "C", "D"):
        for n in _brief_numbers(other) - own:
            assert n not in seen, f"B's stream shows {other}'s brief number {n}"
            assert n in everything, f"the chair's stream lacks {other}'s {n} (formatting?)"
    for stated in ("123.456", "77.7123"):
        assert stated not in seen
        assert stated in everything


# --------------------------------------------------------------------------- a whole exercise


def _tables(page: str) -> dict[str, list[list[str]]]:
    """Every table of a page with a ``data-testid``: its rows of cell texts (header first)."""
    import html as html_lib

    out: dict[str, list[list[str]]] = {}
    for testid, body in re.findall(r'<table data-testid="([^"]+)">(.*?)</table>', page, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        out[testid] = [
            [html_lib.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows
        ]
    return out


def _play(base: str, made: Made, org: Browser) -> None:
    e = made.id
    seats = {s: _join(base, link) for s, link in made.seats.items()}
    chair = _join(base, made.chair)
    assert seats["FRG"].post(f"/x/{e}/position", {"pos.force_size": "200"}).status_code == 303
    assert seats["USA"].post(f"/x/{e}/position", {"pos.cost_split": "40"}).status_code == 303
    assert chair.post(f"/x/{e}/chair/close_round").status_code == 303
    assert chair.post(f"/x/{e}/chair/reveal").status_code == 303
    for b in seats.values():
        assert b.post(f"/x/{e}/decide", {"join": "yes"}).status_code == 303
    assert chair.post(f"/x/{e}/chair/build").status_code == 303
    assert chair.post(f"/x/{e}/chair/end").status_code == 303


def test_a_whole_exercise_to_the_debrief(base: str, db: Path) -> None:
    org = organiser(base)
    made = make_exercise(org)
    _play(base, made, org)
    frg = _join(base, made.seats["FRG"])
    page = frg.get(f"/x/{made.id}").text
    assert 'data-phase="ended"' in page
    debrief = frg.get(f"/x/{made.id}/debrief")
    assert debrief.status_code == 200
    tables = _tables(debrief.text)
    positions, decisions = tables["compare-positions"], tables["compare-decisions"]
    assert positions[0][:4] == ["nation", "element", "its brief", "stated, round 1"]
    assert positions[0][-2:] == ["model: first step", "model: last step"]
    frg_size = next(r for r in positions[1:] if r[0] == "FRG" and r[1] == "Size of the force")
    assert frg_size[3].split()[0] == "200"  # as stated, beside the model's trajectory
    assert all(len(r) == len(positions[0]) for r in positions)
    assert decisions[0][-1] == "the model's own decision"
    assert {r[0] for r in decisions[1:]} == {"USA", "FRG", "ITA"}
    assert all(r[1] == "joined" for r in decisions[1:])
    assert tables["compare-terms"][0][:2] == ["element", "exercise, round 1"]
    ratification = tables["compare-ratification"]
    assert ratification[0][:2] == ["member", "ratifier"]
    assert ratification[0][-1] == "model's own run: verdict"
    assert len(ratification) > 1  # the built-in codes ratifiers for the members who joined
    assert {r[0] for r in ratification[1:]} <= {"USA", "FRG", "ITA"}
    assert re.search(
        r'data-testid="compare-summary">The model&#39;s own run \(compromise', debrief.text
    )
    report = frg.get(f"/x/{made.id}/report.html")
    assert report.status_code == 200 and "<html" in report.text.lower()
    assert report.headers["content-security-policy"].startswith("sandbox allow-scripts")
    result = org.get(f"/x/{made.id}/result.json")
    from mlf.results import FORMAT_VERSION

    assert result.status_code == 200 and result.json()["format_version"] == FORMAT_VERSION
    log = org.get(f"/x/{made.id}/log.json").json()
    assert [ev["type"] for ev in log["events"]][-2:] == ["build", "end"]
    assert [ev["seq"] for ev in log["events"]] == list(range(1, len(log["events"]) + 1))
    # the log alone rebuilds the state the server shows
    from mlf.exercise import Setup, chair_view, parse_event, replay

    events = [parse_event({k: v for k, v in ev.items() if k != "seq"}) for ev in log["events"]]
    state = replay(Setup.model_validate(log["setup"]), events)
    assert state.phase == "ended"
    assert json.dumps(chair_view(state), sort_keys=True, default=str)
    # deleting the exercise removes it and every link into it
    org.get("/")
    assert org.post(f"/x/{made.id}/delete").status_code == 303
    assert frg.get(f"/x/{made.id}").status_code == 401
    assert org.get(f"/x/{made.id}").status_code == 404
    assert _count(db, "events") == 0 and _count(db, "seats") == 0
