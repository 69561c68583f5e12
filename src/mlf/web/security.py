"""Protections around every request: a bounded body, security headers, the content policy.

* :class:`BodyLimit` refuses a request whose body is over :data:`MAX_BODY_BYTES`: at once when
  its ``Content-Length`` says so, and otherwise as soon as the streamed body passes the bound
  (a ``413`` with one clear message; nothing is read past the bound, nothing stored).
* :data:`SECURITY_HEADERS` go on every response: a Content-Security-Policy that allows only
  this server's own scripts, styles and connections (htmx is served from ``/static``; no
  inline script or style, no other origin, no framing), and the usual companions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from mlf.scenario import MAX_FILE_BYTES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = MAX_FILE_BYTES + 1024 * 1024
"""Largest request body accepted: a scenario file at its limit (5 MiB) plus the form around it."""

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""The Content-Security-Policy of every page this server makes."""

SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-store",
}


def too_large_message(limit: int = MAX_BODY_BYTES) -> str:
    """The one line a client sees for an oversize body."""
    return (
        f"request body too large: at most {limit / 2**20:.0f} MiB is accepted "
        f"(a scenario file may be at most {MAX_FILE_BYTES / 2**20:.0f} MiB)"
    )


class BodyLimit:
    """ASGI middleware: ``413`` for a body over ``limit`` bytes, read no further."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def _refuse(self, send: Send) -> None:
        body = (
            "<!doctype html><meta charset=utf-8><title>413</title>"
            f"<p role=alert>{too_large_message(self.limit)}</p>"
        ).encode()
        headers = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        headers += [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.limit:
                    await self._refuse(send)
                    return
        seen = 0
        started = False
        over = False

        async def counting_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    over = True
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # the app's reply to the aborted read is replaced by the 413 below
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)
            return
        if over and not started:
            await self._refuse(send)


class BodyTooLarge(Exception):
    """Raised inside the app when the streamed body passes the bound."""


class SecurityHeaders:
    """ASGI middleware: :data:`SECURITY_HEADERS` on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (k.encode(), v.encode())
                    for k, v in SECURITY_HEADERS.items()
                    if k.encode() not in present
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)
