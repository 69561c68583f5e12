"""Helpers for the ``mlf serve`` tests: a real server in a thread, and browsers with cookies.

The server is the real app under uvicorn on a loopback port (so server-sent events and the
body limit are exercised over HTTP as a browser meets them); each :class:`Browser` is an HTTP
client with its own cookie jar, remembering the CSRF token of the last page it read.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
LINK = re.compile(r'data-testid="(chair-link|seat-link-[^"]+)">([^<]+)<')


@contextmanager
def running(
    database: str, token: str = "organiser-secret", *, slow: Mapping[str, float] | None = None
) -> Iterator[str]:
    """Serve the app on ``database`` at a free loopback port; yield its base URL.

    ``slow`` maps a path suffix to seconds: a POST to a path ending so waits that long before
    the app handles it (as on a loaded machine), so that a test meets the races a slow
    server opens (an action that overtakes another, sent earlier, from another browser)."""
    import uvicorn

    from mlf.web.app import create_app

    app = create_app(database, token)
    if slow:
        delays = dict(slow)

        @app.middleware("http")
        async def _slowly(request: Any, call_next: Any) -> Any:
            if request.method == "POST":
                for suffix, seconds in delays.items():
                    if request.url.path.endswith(suffix):
                        await asyncio.sleep(seconds)
            return await call_next(request)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()
        app.state.engine.dispose()


@dataclass
class Browser:
    """One person's browser: cookies, and the CSRF token of the last page read."""

    base: str
    csrf: str = ""
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base, follow_redirects=False, timeout=60)

    def _remember(self, response: httpx.Response) -> httpx.Response:
        if response.headers.get("content-type", "").startswith("text/html"):
            found = CSRF.search(response.text)
            if found:
                self.csrf = found.group(1)
        return response

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self._remember(self.client.get(path, **kw))

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kw: Any
    ) -> httpx.Response:
        body = dict(data or {})
        if csrf and self.csrf:
            body.setdefault("csrf", self.csrf)
        return self._remember(self.client.post(path, data=body, **kw))

    def open(self, link: str) -> httpx.Response:
        """Open a join/organiser link and follow it to the page it leads to."""
        r = self.client.get(link.removeprefix(self.base))
        assert r.status_code == 303, (r.status_code, r.text[:300])
        return self.get(r.headers["location"])

    def close(self) -> None:
        self.client.close()


def organiser(base: str, token: str = "organiser-secret") -> Browser:
    b = Browser(base)
    r = b.open(f"/?token={token}")
    assert r.status_code == 200, r.text[:300]
    return b


@dataclass
class Made:
    """An exercise just made: its id and the links shown once."""

    id: str
    chair: str
    seats: dict[str, str]


def make_exercise(
    org: Browser,
    seats: tuple[str, ...] = ("USA", "FRG", "ITA"),
    *,
    builtin: str = "mlf-1963",
    alternative: str = "mlf_surface",
    model: str = "compromise",
) -> Made:
    org.get("/")
    r = org.post(
        "/exercises",
        {"builtin": builtin, "alternative": alternative, "seats": list(seats), "model": model},
    )
    assert r.status_code == 200, r.text[:2000]
    links = dict(LINK.findall(r.text))
    chair = links.pop("chair-link")
    seat_links = {k.removeprefix("seat-link-"): v for k, v in links.items()}
    eid = re.search(r'href="/x/([^"]+)" data-testid="open-exercise"', r.text)
    assert eid is not None
    return Made(eid.group(1), chair, seat_links)


def sse_events(
    browser: Browser,
    exercise_id: str,
    *,
    until: Callable[[list[tuple[str, str]]], bool],
    opened: threading.Event | None = None,
    timeout: float = 30,
) -> list[tuple[str, str]]:
    """Read ``(event, data)`` pairs from the exercise's stream until ``until(events)``;
    ``opened`` is set once the first event has arrived (the stream is listening)."""
    out: list[tuple[str, str]] = []
    name, data = "message", []
    with browser.client.stream("GET", f"/x/{exercise_id}/events", timeout=timeout) as r:
        assert r.status_code == 200, r.status_code
        for line in r.iter_lines():
            if line == "":
                if data:
                    out.append((name, "\n".join(data)))
                    if opened is not None:
                        opened.set()
                    if until(out):
                        break
                name, data = "message", []
            elif line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
    return out
