"""The ``mlf serve`` web application: routes, pages and the live stream (FastAPI + Jinja2 + htmx).

:func:`create_app` builds the app on one database; ``mlf serve`` (:mod:`mlf.cli.serve`) runs
it with uvicorn. Every route, who may use it and what it answers is listed in docs/serve.md;
``tests/test_web_access.py`` checks the table for every role. In short:

* pages are server-rendered Jinja2 with autoescaping on, so text from a scenario (titles,
  names, notes) is always escaped; htmx (vendored, ``/static``) makes forms post without a
  reload, and a small script of ours listens to the server-sent events of the exercise;
* each action is validated by :mod:`mlf.exercise` and stored by
  :class:`mlf.web.runtime.Exercises` (committed before the reply); an action refused by the
  exercise's rules answers ``409`` (out of turn) or ``422`` (invalid) with one line, and
  nothing is stored (to htmx: a fragment for the page's fixed ``#messages`` area; to a plain
  form post: the exercise's page as it is now, with the line in that area);
* the state each person sees comes from :func:`mlf.exercise.seat_view` or
  :func:`mlf.exercise.chair_view` only, on pages and on the live stream alike.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import URL, Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import StreamingResponse

from mlf.errors import MlfError, ScenarioErrors
from mlf.exercise import (
    ArrangementBuilt,
    DecisionMade,
    Event,
    ExerciseEnded,
    ExerciseError,
    InvalidAction,
    OutOfTurn,
    PositionsRevealed,
    RenegotiationOpened,
    RoundClosed,
    Setup,
    chair_view,
    comparison,
    comparison_tables,
    exercise_report_html,
    exercise_result,
    make_setup,
    parse_event,
    public_view,
    seat_view,
)
from mlf.exercise.setup import context
from mlf.scenario import MAX_FILE_BYTES, builtin_ids, builtin_text, parse_scenario
from mlf.web import auth, store
from mlf.web.db import make_engine, migrate
from mlf.web.live import COALESCE_SECONDS, KEEPALIVE_SECONDS, sse
from mlf.web.runtime import Exercises, Live, NoSuchExercise
from mlf.web.security import MAX_BODY_BYTES, BodyLimit, SecurityHeaders
from mlf.web.sessions import Sessions
from mlf.web.tokens import same_secret, token_hash

HERE = Path(__file__).resolve().parent

CHAIR_ACTIONS: dict[str, Callable[[], Event]] = {
    "close_round": RoundClosed,
    "reveal": PositionsRevealed,
    "build": ArrangementBuilt,
    "renegotiate": RenegotiationOpened,
    "end": ExerciseEnded,
}
"""The chair's buttons: URL name -> the event it appends."""

REPORT_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:"
)
"""The policy of the offline report page: its inline scripts run in an opaque-origin sandbox."""

RENDERED_MAX = 2048
"""Rendered fragments kept in memory at most (emptied when it grows past this)."""

MODELS = ("compromise", "median", "nash", "bdm", "smp")
"""The negotiation models an organiser may choose (mlf's five)."""


def _num(value: object) -> str:
    """A number as a person reads it (6 significant digits; integers as integers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def _pct(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return f"{100 * value:.1f}%"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates ship with the package: no stat() per render
    )
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=2, sort_keys=True, default=str)
    return env


class _Refused(Exception):
    """A request answered with an error page: status and one line."""

    def __init__(self, status: int, message: str, lines: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.lines = lines or []


def create_app(
    database: str | URL | Engine,
    organiser_token: str,
    *,
    run_migrations: bool = True,
) -> FastAPI:
    """The web app over ``database`` (a URL or an engine); ``organiser_token`` opens it.

    The migrations run first (``run_migrations``), so a new file or database is ready and an
    older one is upgraded. Only the token's hash is kept.
    """
    engine = database if isinstance(database, Engine) else make_engine(database)
    if run_migrations:
        migrate(engine)
    exercises = Exercises(engine)
    sessions = Sessions(engine)
    organiser_hash = token_hash(organiser_token)
    env = _environment()

    app = FastAPI(title="mlf serve", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = engine
    app.state.exercises = exercises
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    # ----------------------------------------------------------------- rendering and errors

    def page(
        request: Request,
        template: str,
        status: int = 200,
        session: store.Session | None = None,
        **context: Any,
    ) -> HTMLResponse:
        html = env.get_template(template).render(
            session=session, csrf=session.csrf if session else "", **context
        )
        return HTMLResponse(html, status_code=status)

    def refusal(request: Request, status: int, message: str, lines: list[str]) -> Response:
        if request.headers.get("hx-request") == "true":
            html = env.get_template("_messages.html").render(message=message, lines=lines)
            return HTMLResponse(
                html,
                status_code=status,
                headers={"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"},
            )
        return page(request, "error.html", status, message=message, lines=lines)

    @app.exception_handler(auth.Denied)
    async def _denied(request: Request, exc: auth.Denied) -> Response:
        return refusal(request, exc.status, exc.message, [])

    @app.exception_handler(_Refused)
    async def _refused(request: Request, exc: _Refused) -> Response:
        return refusal(request, exc.status, exc.message, exc.lines)

    @app.exception_handler(ExerciseError)
    async def _exercise_error(request: Request, exc: ExerciseError) -> Response:
        status = 409 if isinstance(exc, OutOfTurn) else 422
        if request.headers.get("hx-request") != "true":
            shown = await run_in_threadpool(refused_on_page, request, status, str(exc))
            if shown is not None:
                return shown
        return refusal(request, status, str(exc), [])

    @app.exception_handler(NoSuchExercise)
    async def _missing(request: Request, exc: NoSuchExercise) -> Response:
        return refusal(request, 404, "no such exercise (it may have been deleted)", [])

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query"))
        return refusal(request, 422, f"{where or 'request'}: {first.get('msg', 'invalid')}", [])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "no such page", 405: "method not allowed"}.get(
            exc.status_code, str(exc.detail)
        )
        return refusal(request, exc.status_code, message, [])

    # ----------------------------------------------------------------- sessions and forms

    def current_session(request: Request) -> store.Session | None:
        cookie = request.cookies.get(auth.COOKIE)
        return sessions.get(cookie) if cookie else None

    async def form_data(request: Request) -> FormData:
        try:
            return await request.form(max_files=1, max_fields=500, max_part_size=MAX_BODY_BYTES)
        except StarletteHTTPException as exc:
            raise _Refused(400, f"malformed form: {exc.detail}") from None

    def checked(session: store.Session | None, form: FormData) -> store.Session:
        if session is None:
            raise auth.Denied(401, auth.NO_SESSION)
        sent = form.get("csrf")
        auth.check_csrf(session, sent if isinstance(sent, str) else None)
        return session

    def start_session(
        request: Request, target: str, role: str, exercise_id: str | None, seat: str | None
    ) -> Response:
        cookie, _ = store.open_session(engine, role, exercise_id, seat)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            auth.COOKIE,
            cookie,
            max_age=store.SESSION_DAYS * 86400,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    def text(form: FormData, name: str) -> str:
        v = form.get(name)
        return v.strip() if isinstance(v, str) else ""

    # ----------------------------------------------------------------- organiser pages

    choices: list[dict[str, Any]] = []

    def builtin_choices() -> list[dict[str, Any]]:
        if choices:
            return choices
        out = []
        for sid in builtin_ids():
            sc, _ = parse_scenario(builtin_text(sid), f"{sid}.yaml")
            out.append({"id": sid, "title": sc.meta.title, "date": sc.meta.date.isoformat()})
        choices.extend(out)
        return choices

    @app.get("/", response_class=HTMLResponse)
    def home(
        request: Request,
        token: str | None = None,
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        if token is not None:
            if not same_secret(token_hash(token), organiser_hash):
                raise auth.Denied(
                    403,
                    "this organiser link is not valid: use the link mlf serve printed when it "
                    "started (a new one is made at every start)",
                )
            return start_session(request, "/", "organiser", None, None)
        if session is not None and session.role == "organiser":
            return page(
                request,
                "home.html",
                session=session,
                exercises=store.list_exercises(engine),
                builtins=builtin_choices(),
            )
        return page(request, "welcome.html", session=session)

    @app.post("/logout")
    def logout(
        request: Request,
        form: FormData = Depends(form_data),
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        checked(session, form)
        cookie = request.cookies.get(auth.COOKIE)
        if cookie:
            sessions.close(cookie)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(auth.COOKIE, path="/")
        return response

    def new_form(
        request: Request,
        session: store.Session,
        *,
        scenario_text: str,
        scenario_name: str,
        builtin: str,
        status: int = 200,
        message: str = "",
        lines: list[str] | None = None,
        chosen: Mapping[str, Any] | None = None,
    ) -> HTMLResponse:
        sc, warnings = parse_scenario(scenario_text, scenario_name)
        return page(
            request,
            "new.html",
            status,
            session=session,
            scenario=sc,
            scenario_text=scenario_text if not builtin else "",
            scenario_name=scenario_name,
            builtin=builtin,
            warnings=warnings,
            models=MODELS,
            message=message,
            lines=lines or [],
            chosen=chosen or {},
        )

    @app.get("/new", response_class=HTMLResponse)
    def new_from_builtin(
        request: Request,
        scenario: str = "",
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        s = auth.organiser(session)
        if scenario not in builtin_ids():
            raise _Refused(
                404,
                f"scenario: no built-in scenario {scenario!r} "
                f"(built-ins: {', '.join(builtin_ids())})",
            )
        text_ = builtin_text(scenario)
        return new_form(
            request, s, scenario_text=text_, scenario_name=f"{scenario}.yaml", builtin=scenario
        )

    @app.post("/new", response_class=HTMLResponse)
    def new_from_upload(
        request: Request,
        form: FormData = Depends(form_data),
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        s = checked(auth.organiser(session), form)
        upload = form.get("scenario")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise _Refused(422, "scenario: choose a scenario file (YAML) to upload")
        name = Path(upload.filename).name[:200] or "upload.yaml"
        data = upload.file.read(MAX_FILE_BYTES + 1)
        try:
            sc_text = _scenario_text(data, name)
        except ScenarioErrors as exc:
            raise _Refused(
                422, f"{name}: the scenario has {len(exc.errors)} problem(s)", exc.lines()
            ) from None
        return new_form(request, s, scenario_text=sc_text, scenario_name=name, builtin="")

    @app.post("/exercises", response_class=HTMLResponse)
    def create_exercise(
        request: Request,
        form: FormData = Depends(form_data),
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        s = checked(auth.organiser(session), form)
        builtin = text(form, "builtin")
        if builtin:
            if builtin not in builtin_ids():
                raise _Refused(422, f"builtin: no built-in scenario {builtin!r}")
            sc_text = builtin_text(builtin)
            name = f"{builtin}.yaml"
        else:
            raw = form.get("scenario_text")
            sc_text = raw if isinstance(raw, str) else ""
            name = Path(text(form, "scenario_name") or "upload.yaml").name[:200]
            if not sc_text.strip():
                raise _Refused(422, "scenario: no scenario given (choose a built-in or upload one)")
        seats = [v for v in form.getlist("seats") if isinstance(v, str) and v]
        seed_text = text(form, "seed")
        alternative = text(form, "alternative")
        model = text(form, "model")
        chosen = {"alternative": alternative, "model": model, "seats": seats, "seed": seed_text}
        try:
            seed = int(seed_text) if seed_text else None
        except ValueError:
            seed = -1
        try:
            setup = make_setup(
                sc_text,
                name,
                alternative=alternative,
                seats=seats,
                model=model or None,
                seed=seed,
                builtin=bool(builtin),
            )
        except ScenarioErrors as exc:
            raise _Refused(
                422, f"{name}: the scenario has {len(exc.errors)} problem(s)", exc.lines()
            ) from None
        except MlfError as exc:
            return new_form(
                request,
                s,
                scenario_text=sc_text,
                scenario_name=name,
                builtin=builtin,
                status=422,
                message=str(exc),
                chosen=chosen,
            )
        title = f"{setup_title(setup)}"
        links = store.create_exercise(engine, title, setup.model_dump_json(), setup.seats)
        return links_page(request, s, links, title)

    def setup_title(setup: Setup) -> str:
        sc = context(setup).scenario
        alt = sc.alternatives[setup.alternative]
        return f"{sc.meta.title}: {alt.title}"

    def links_page(
        request: Request, session: store.Session, links: store.Links, title: str
    ) -> HTMLResponse:
        base = str(request.base_url).rstrip("/")
        return page(
            request,
            "links.html",
            session=session,
            title=title,
            exercise_id=links.exercise_id,
            chair_link=f"{base}/join/{quote(links.chair)}",
            seat_links={s: f"{base}/join/{quote(t)}" for s, t in links.seats.items()},
        )

    @app.post("/x/{exercise_id}/links", response_class=HTMLResponse)
    def reissue(
        request: Request,
        exercise_id: str,
        form: FormData = Depends(form_data),
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        s = checked(auth.organiser(session), form)
        row = store.get_exercise(engine, exercise_id)
        if row is None:
            raise NoSuchExercise(exercise_id)
        links = store.reissue_links(engine, exercise_id)
        if links is None:
            raise NoSuchExercise(exercise_id)
        sessions.forget_exercise(exercise_id)
        exercises.broker.publish(exercise_id)
        return links_page(request, s, links, row.title)

    @app.post("/x/{exercise_id}/delete")
    def delete(
        request: Request,
        exercise_id: str,
        form: FormData = Depends(form_data),
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        checked(auth.organiser(session), form)
        if not store.delete_exercise(engine, exercise_id):
            raise NoSuchExercise(exercise_id)
        exercises.forget(exercise_id)
        sessions.forget_exercise(exercise_id)
        exercises.broker.publish(exercise_id)
        return RedirectResponse("/", status_code=303)

    # ----------------------------------------------------------------- joining

    @app.get("/join/{token}")
    def join(request: Request, token: str) -> Response:
        found = store.find_link(engine, token)
        if found is None:
            raise auth.Denied(
                404,
                "this link is not valid: it may have been re-issued, or its exercise deleted; "
                "ask the organiser for a new one",
            )
        role, exercise_id, seat = found
        return start_session(request, f"/x/{exercise_id}", role, exercise_id, seat)

    # ----------------------------------------------------------------- the exercise

    def view_of(viewer: auth.Viewer, live: Live) -> dict[str, Any]:
        if viewer.is_chair:
            return chair_view(live.state)
        assert viewer.seat is not None
        return seat_view(live.state, viewer.seat)

    # Rendering for the live pages. A state is named by (exercise, seq): the log is append-only.
    # Its public parts (the seats, every round) are the same for everyone and rendered once;
    # a viewer's own parts (brief, own rounds, the chair's details, the action panel) are
    # rendered again only when what they show changed (most actions change one delegation's
    # part and the public one). Each cache is bounded and emptied when full.
    public_html: dict[tuple[str, int], tuple[str, str]] = {}
    briefs_html: dict[str, tuple[Any, str]] = {}
    debriefs: dict[tuple[str, int], tuple[dict[str, Any], dict[str, Any]]] = {}
    own_html: dict[tuple[str, Any], tuple[Any, str]] = {}
    rendered: dict[tuple[str, int, auth.Viewer], dict[str, str]] = {}
    rendered_lock = threading.Lock()

    def remember(cache: dict[Any, Any], key: Any, value: Any, limit: int = RENDERED_MAX) -> None:
        with rendered_lock:
            if len(cache) >= limit:
                cache.clear()
            cache[key] = value

    def fragments(viewer: auth.Viewer, live: Live) -> dict[str, str]:
        """The viewer's ``status`` and ``action`` fragments of the exercise's state."""
        key = (live.exercise_id, live.seq, viewer)
        hit = rendered.get(key)
        if hit is None:
            hit = render_fragments(viewer, live)
            remember(rendered, key, hit)
        return hit

    def public_parts(live: Live) -> tuple[str, str]:
        key = (live.exercise_id, live.seq)
        hit = public_html.get(key)
        if hit is None:
            view = public_view(live.state)
            ctx = {"view": view, "elements": {el["id"]: el for el in view["elements"]}}
            hit = (
                env.get_template("_public_seats.html").render(**ctx),
                env.get_template("_public_rounds.html").render(**ctx),
            )
            remember(public_html, key, hit)
        return hit

    def briefs_part(exercise_id: str, briefs: Any) -> str:
        hit = briefs_html.get(exercise_id)  # the briefs never change: one per exercise
        if hit is None or hit[0] != briefs:
            hit = (briefs, env.get_template("_briefs.html").render(briefs=briefs))
            remember(briefs_html, exercise_id, hit)
        return str(hit[1])

    def own_part(name: str, basis: Any, who: Any, ctx: dict[str, Any]) -> str:
        """``name`` rendered for ``who``, again only if ``basis`` (what it shows) changed."""
        hit = own_html.get((name, who))
        if hit is not None and hit[0] == basis:
            return str(hit[1])
        html = env.get_template(name).render(**ctx)
        remember(own_html, (name, who), (basis, html))
        return html

    def chair_rounds_part(live: Live, view: dict[str, Any], elements: Any) -> str:
        rounds = view["chair_rounds"]
        out = []
        for i, r in enumerate(reversed(rounds)):
            ctx = {"r": r, "open": i == 0, "elements": elements, "view": view}
            basis = (r, i == 0, elements, view["alternative"])
            out.append(own_part("_chair_round.html", basis, (live.exercise_id, r["number"]), ctx))
        return "".join(out)

    def render_fragments(viewer: auth.Viewer, live: Live) -> dict[str, str]:
        view = view_of(viewer, live)
        ctx = {
            "view": view,
            "elements": {el["id"]: el for el in view["elements"]},
            "viewer": viewer,
            "csrf": viewer.csrf,
            "exercise_id": live.exercise_id,
            "seq": live.seq,
        }
        briefs = view.get("briefs")
        ctx["briefs_html"] = "" if briefs is None else briefs_part(live.exercise_id, briefs)
        ctx["chair_rounds_html"] = (
            chair_rounds_part(live, view, ctx["elements"]) if "chair_rounds" in view else ""
        )
        own_rounds = view.get("own_rounds") or [None]
        # what each of the viewer's own templates reads from the view (besides the viewer)
        private_basis = [
            view.get(k) for k in ("brief", "own_rounds", "chair_rounds", "elements")
        ] + [view["alternative"]]
        action_basis = [
            view.get(k) for k in ("can_state", "can_decide", "phase", "round", "elements")
        ] + [
            own_rounds[-1],
            (view.get("brief") or {}).get("positions"),
            view["rounds"][-1]["revealed_positions"],
        ]
        seats, rounds = public_parts(live)
        private = own_part("_private.html", private_basis, viewer, ctx)
        return {
            "status": env.get_template("_status.html").render(
                public_seats=seats, public_rounds=rounds, private=private, **ctx
            ),
            "action": own_part("_action.html", action_basis, viewer, ctx),
        }

    def exercise_page(
        request: Request,
        session: store.Session,
        viewer: auth.Viewer,
        live: Live,
        status: int = 200,
        message: str = "",
    ) -> HTMLResponse:
        parts = fragments(viewer, live)
        return page(
            request,
            "exercise.html",
            status,
            session=session,
            viewer=viewer,
            title=live.title,
            exercise_id=live.exercise_id,
            parts=parts,
            message=message,
        )

    def refused_on_page(request: Request, status: int, message: str) -> Response | None:
        """A refused action of a form posted without htmx (no script): the exercise's page as
        it is now, with the refusal in its message area (None: not a member's request)."""
        exercise_id = request.path_params.get("exercise_id")
        session = current_session(request)
        if not isinstance(exercise_id, str) or session is None:
            return None
        try:
            viewer = auth.member(session, exercise_id)
            live = exercises.live(exercise_id)
        except (auth.Denied, NoSuchExercise):
            return None
        return exercise_page(request, session, viewer, live, status, message)

    @app.get("/x/{exercise_id}", response_class=HTMLResponse)
    def exercise(
        request: Request,
        exercise_id: str,
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        viewer = auth.member(session, exercise_id)
        assert session is not None
        return exercise_page(request, session, viewer, exercises.live(exercise_id))

    @app.get("/x/{exercise_id}/panel", response_class=HTMLResponse)
    def panel(
        request: Request,
        exercise_id: str,
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        viewer = auth.member(session, exercise_id)
        parts = fragments(viewer, exercises.live(exercise_id))
        return HTMLResponse(
            f'<div id="status">{parts["status"]}</div><div id="action">{parts["action"]}</div>'
        )

    def acted(
        request: Request,
        session: store.Session,
        viewer: auth.Viewer,
        events: list[Event],
    ) -> Response:
        live, _stored = exercises.act(viewer.exercise_id, events)
        if request.headers.get("hx-request") == "true":
            parts = fragments(viewer, live)
            # the state's number: the page's script never swaps an older state over a newer
            return HTMLResponse(
                parts["action"], headers={"HX-Trigger": "mlf-acted", "X-MLF-Seq": str(live.seq)}
            )
        return RedirectResponse(f"/x/{viewer.exercise_id}", status_code=303)

    @app.post("/x/{exercise_id}/position")
    def position(
        request: Request,
        exercise_id: str,
        form: FormData = Depends(form_data),
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        viewer = auth.seat(session, exercise_id)
        s = checked(session, form)
        live = exercises.cached(exercise_id)  # the elements and their scales never change
        assert viewer.seat is not None
        events: list[Event] = []
        issues = live.state.ctx.scenario.issues
        for iid in live.state.elements:
            raw = form.get(f"pos.{iid}")
            if raw is None:
                continue
            if not isinstance(raw, str) or not raw.strip():
                raise InvalidAction(f"pos.{iid}: no position given for {iid}")
            value: float | str = raw.strip()
            if issues[iid].scale is not None:
                try:
                    value = float(raw)
                except ValueError:
                    raise InvalidAction(
                        f"pos.{iid}: {raw.strip()[:40]!r} is not a number"
                    ) from None
                if not math.isfinite(value):
                    raise InvalidAction(f"pos.{iid}: {raw.strip()[:40]!r} is not a finite number")
            events.append(
                parse_event({"type": "position", "seat": viewer.seat, "issue": iid, "value": value})
            )
        unknown = [k for k in form if k.startswith("pos.") and k[4:] not in live.state.elements]
        if unknown:
            raise InvalidAction(
                f"{unknown[0]}: {unknown[0][4:]!r} is not an open element of this exercise"
            )
        if not events:
            raise InvalidAction("no position given (fill in at least one element)")
        return acted(request, s, viewer, events)

    @app.post("/x/{exercise_id}/decide")
    def decide(
        request: Request,
        exercise_id: str,
        form: FormData = Depends(form_data),
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        viewer = auth.seat(session, exercise_id)
        s = checked(session, form)
        choice = text(form, "join")
        if choice not in ("yes", "no"):
            raise InvalidAction("join: choose 'yes' (join) or 'no' (stay out)")
        assert viewer.seat is not None
        return acted(request, s, viewer, [DecisionMade(seat=viewer.seat, join=choice == "yes")])

    @app.post("/x/{exercise_id}/chair/{action}")
    def chair_action(
        request: Request,
        exercise_id: str,
        action: str,
        form: FormData = Depends(form_data),
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        viewer = auth.chair(session, exercise_id)
        s = checked(session, form)
        make = CHAIR_ACTIONS.get(action)
        if make is None:
            raise _Refused(404, f"no chair action {action!r} ({', '.join(CHAIR_ACTIONS)})")
        return acted(request, s, viewer, [make()])

    @app.get("/x/{exercise_id}/log.json")
    def log_json(
        exercise_id: str, session: store.Session | None = Depends(current_session)
    ) -> Response:
        auth.chair(session, exercise_id)
        row = store.get_exercise(engine, exercise_id)
        if row is None:
            raise NoSuchExercise(exercise_id)
        body = {
            "exercise": exercise_id,
            "title": row.title,
            "setup": json.loads(row.setup),
            "events": [
                {"seq": e.seq, **json.loads(e.data)}
                for e in store.events_after(engine, exercise_id)
            ],
        }
        return JSONResponse(
            body,
            headers={"content-disposition": f'attachment; filename="{exercise_id}-log.json"'},
        )

    def ended(exercise_id: str) -> Live:
        live = exercises.live(exercise_id)
        if live.state.phase != "ended":
            raise OutOfTurn("the debrief opens when the chair ends the exercise")
        return live

    @app.get("/x/{exercise_id}/debrief", response_class=HTMLResponse)
    def debrief(
        request: Request,
        exercise_id: str,
        session: store.Session | None = Depends(current_session),
    ) -> Response:
        viewer = auth.member(session, exercise_id)
        live = ended(exercise_id)
        key = (live.exercise_id, live.seq)
        found = debriefs.get(key)
        if found is None:  # the model's own run: once per ended exercise, not per visitor
            compare = comparison(live.state)
            found = (compare, comparison_tables(live.state, compare))
            remember(debriefs, key, found, limit=32)
        return page(
            request,
            "debrief.html",
            session=session,
            viewer=viewer,
            title=live.title,
            exercise_id=exercise_id,
            view=public_view(live.state),
            compare=found[0],
            tables=found[1],
        )

    @app.get("/x/{exercise_id}/report.html", response_class=HTMLResponse)
    def report(
        exercise_id: str, session: store.Session | None = Depends(current_session)
    ) -> Response:
        auth.member(session, exercise_id)
        live = ended(exercise_id)
        html = exercise_report_html(live.state)
        # mlf's offline report carries its own inline scripts and styles (plotly): it gets its
        # own policy, sandboxed to an opaque origin (no cookies, no requests to this server).
        return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP})

    @app.get("/x/{exercise_id}/result.json")
    def result_json(
        exercise_id: str, session: store.Session | None = Depends(current_session)
    ) -> Response:
        auth.chair(session, exercise_id)
        live = exercises.live(exercise_id)
        doc = exercise_result(live.state)
        return JSONResponse(
            doc,
            headers={"content-disposition": f'attachment; filename="{exercise_id}-result.json"'},
        )

    # ----------------------------------------------------------------- live updates

    @app.get("/x/{exercise_id}/events")
    async def events(request: Request, exercise_id: str) -> Response:
        cookie = request.cookies.get(auth.COOKIE) or ""
        session = await run_in_threadpool(current_session, request)
        viewer = auth.member(session, exercise_id)
        await run_in_threadpool(exercises.live, exercise_id)  # 404 before the stream starts

        async def stream() -> AsyncIterator[str]:
            listener = exercises.broker.subscribe(exercise_id)
            sent: dict[str, str] = {}
            check = False  # ask the database (not only this process's caches) on this pass
            try:
                yield "retry: 2000\n\n"
                while True:
                    # Woken by an action of this process, the caches hold what it committed;
                    # every KEEPALIVE_SECONDS the session and the log are read again (another
                    # server process, a revocation made elsewhere).
                    still = None if check else sessions.cached(cookie)
                    if still is None:
                        still = await run_in_threadpool(sessions.get, cookie)
                    try:
                        live = None if check else exercises.peek(exercise_id)
                        if live is None:
                            live = await run_in_threadpool(exercises.live, exercise_id)
                    except NoSuchExercise:
                        live = None
                    if still is None or live is None:
                        yield sse("gone", "this exercise or this link is no longer valid")
                        return
                    for name, html in fragments(viewer, live).items():
                        if sent.get(name) != html:
                            sent[name] = html
                            yield sse(name, html, live.seq)
                    listener.wake.clear()
                    try:
                        await asyncio.wait_for(listener.wake.wait(), KEEPALIVE_SECONDS)
                        check = False
                        # a burst of actions (a class submitting at once) makes one push
                        await asyncio.sleep(COALESCE_SECONDS)
                    except TimeoutError:
                        yield ": keep-alive\n\n"
                        check = True
            finally:
                exercises.broker.unsubscribe(listener)

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit)  # outermost of ours: refuses before anything reads the body
    return app


def _scenario_text(data: bytes, name: str) -> str:
    """An uploaded scenario's text, validated (:class:`ScenarioErrors` with every problem)."""
    parse_scenario(data, name)  # size, encoding, YAML, schema, cross-checks: as mlf check
    return data.decode("utf-8").removeprefix("\ufeff")
