"""Live updates: who listens to which exercise, and the server-sent-event wire format.

A browser on an exercise's page keeps one ``EventSource`` open (``GET /x/{id}/events``). The
stream's coroutine waits on its :class:`Listener`; :meth:`Broker.publish`, called from the
worker thread that committed an action, wakes every listener of that exercise. Each woken
stream waits :data:`COALESCE_SECONDS` (so a burst of actions makes one push), then renders *its
own viewer's* view of the newest state (a delegation's page from its seat view, the chair's
from the chair view), so no event carries anything its viewer may not see: the wake-up itself
carries no data. A stream also wakes every
:data:`KEEPALIVE_SECONDS` to send a comment and re-read the log (a second server process on the
same database is seen within that time).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

COALESCE_SECONDS = 0.25
"""After a wake-up, a stream waits this long before rendering, so that the actions of a burst
(twelve delegations submitting together) reach each page as one push of the newest state."""

KEEPALIVE_SECONDS = 15.0
"""Longest wait between two messages on a stream (a comment line keeps proxies from closing it)."""


@dataclass(eq=False)
class Listener:
    """One open stream on one exercise."""

    exercise_id: str
    loop: asyncio.AbstractEventLoop
    wake: asyncio.Event = field(default_factory=asyncio.Event)


class Broker:
    """The open streams of every exercise (thread-safe)."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[Listener]] = {}
        self._lock = threading.Lock()

    def subscribe(self, exercise_id: str) -> Listener:
        """A new listener on ``exercise_id`` (call from the stream's event loop)."""
        listener = Listener(exercise_id, asyncio.get_running_loop())
        with self._lock:
            self._listeners.setdefault(exercise_id, set()).add(listener)
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        """Forget a listener (its stream ended)."""
        with self._lock:
            group = self._listeners.get(listener.exercise_id)
            if group is not None:
                group.discard(listener)
                if not group:
                    del self._listeners[listener.exercise_id]

    def count(self, exercise_id: str) -> int:
        """How many streams are open on the exercise."""
        with self._lock:
            return len(self._listeners.get(exercise_id, ()))

    def publish(self, exercise_id: str) -> None:
        """Wake every listener of the exercise (from any thread)."""
        with self._lock:
            group = list(self._listeners.get(exercise_id, ()))
        for listener in group:
            try:
                listener.loop.call_soon_threadsafe(listener.wake.set)
            except RuntimeError:  # its loop has closed: the stream is gone
                self.unsubscribe(listener)


def sse(event: str, data: str, event_id: int | None = None) -> str:
    """One server-sent event: every line of ``data`` as its own ``data:`` line.

    >>> sse("status", "<p>a</p>\\n<p>b</p>", 3)
    'id: 3\\nevent: status\\ndata: <p>a</p>\\ndata: <p>b</p>\\n\\n'
    """
    head = f"id: {event_id}\n" if event_id is not None else ""
    body = "".join(f"data: {line}\n" for line in data.replace("\r", "").split("\n"))
    return f"{head}event: {event}\n{body}\n"
