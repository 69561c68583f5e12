"""Who is asking: the session behind a request's cookie, and what it may do.

Roles (docs/serve.md, "Who may do what"):

* **organiser**: whoever opened the link ``mlf serve`` printed at start. Makes, lists and
  deletes exercises, re-issues links, and acts as the chair of every exercise.
* **chair**: whoever opened one exercise's chair link. Sees everything in that exercise and
  closes rounds, reveals positions, builds the arrangement, opens a renegotiation, ends it.
* **seat**: whoever opened one seat's join link. Sees the public state and its own brief, and
  states positions and decides for that seat only.

A link's token is exchanged for a session (an HttpOnly, SameSite=Lax cookie holding another
random token); each session has its own CSRF token, which every form and htmx request sends
back (a hidden ``csrf`` field or the ``X-CSRF-Token`` header).
"""

from __future__ import annotations

from dataclasses import dataclass

from mlf.web.store import Session
from mlf.web.tokens import same_secret

COOKIE = "mlf_session"
"""The name of the session cookie."""


class Denied(Exception):
    """A request its session may not make: ``status`` (401, 403 or 404) and one line why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Viewer:
    """The person behind a request in one exercise: ``chair`` (or organiser) or a seat."""

    exercise_id: str
    role: str  # "organiser", "chair" or "seat"
    seat: str | None
    csrf: str

    @property
    def is_chair(self) -> bool:
        return self.role in ("organiser", "chair")


NO_SESSION = (
    "you are not signed in to this server: open the link your organiser gave you "
    "(a join link for a delegation, the chair link for the chair)"
)


def organiser(session: Session | None) -> Session:
    """The session if it is the organiser's; :class:`Denied` otherwise."""
    if session is None:
        raise Denied(
            401, "only the organiser may do this: open the organiser link mlf serve printed"
        )
    if session.role != "organiser":
        raise Denied(
            403, "only the organiser may do this (this browser holds a seat or chair link)"
        )
    return session


def member(session: Session | None, exercise_id: str) -> Viewer:
    """The session's viewer of ``exercise_id``; :class:`Denied` unless it belongs to it."""
    if session is None:
        raise Denied(401, NO_SESSION)
    if session.role == "organiser":
        return Viewer(exercise_id, "organiser", None, session.csrf)
    if session.exercise_id != exercise_id:
        raise Denied(403, "this browser's link is for another exercise")
    return Viewer(exercise_id, session.role, session.seat, session.csrf)


def chair(session: Session | None, exercise_id: str) -> Viewer:
    """The viewer if it chairs ``exercise_id`` (the organiser does); :class:`Denied` otherwise."""
    v = member(session, exercise_id)
    if not v.is_chair:
        raise Denied(403, "only the chair may do this")
    return v


def seat(session: Session | None, exercise_id: str) -> Viewer:
    """The viewer if it plays a seat of ``exercise_id``; :class:`Denied` otherwise."""
    v = member(session, exercise_id)
    if v.seat is None:
        raise Denied(403, "only a delegation may do this (the chair does not state positions)")
    return v


def check_csrf(session: Session, sent: str | None) -> None:
    """:class:`Denied` (403) unless ``sent`` is the session's CSRF token."""
    if not sent or not same_secret(sent, session.csrf):
        raise Denied(
            403,
            "the form's security token is missing or stale (CSRF check): reload the page and "
            "try again",
        )
