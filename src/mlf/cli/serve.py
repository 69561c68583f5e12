"""``mlf serve``: run class exercises in the browser (the web app of :mod:`mlf.web`).

Opens the database (migrating it to the newest schema), listens on ``--host``/``--port``, and
prints the organiser link with a fresh random token, as Jupyter does; whoever opens it may make
exercises. The web stack (FastAPI, uvicorn, SQLAlchemy) is imported only by this command.
"""

from __future__ import annotations

import socket

import typer

from mlf.cli._app import app, fail
from mlf.errors import MlfError, UsageError

DEFAULT_DB = "mlf-serve.db"
"""The SQLite file ``mlf serve`` uses when ``--db`` is not given (in the current folder)."""


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port), or a one-line UsageError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"--host: cannot resolve {host!r}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(512)
    except OSError as exc:
        sock.close()
        raise UsageError(f"--port: cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on (0: any free port)."),
    db: str = typer.Option(
        DEFAULT_DB,
        "--db",
        help="Database: a SQLite file (default mlf-serve.db here) or postgresql://USER@HOST/DB.",
    ),
) -> None:
    """Run class exercises in the browser: delegations play the talks, mlf referees.

    Prints the organiser link (http://HOST:PORT/?token=...); open it to make an exercise and
    get its join links. Ctrl-C stops the server; every acknowledged action is already stored.
    """
    if not 0 <= port <= 65535:
        fail(UsageError(f"--port: {port} is not a port number (0 to 65535)"))
    try:
        from sqlalchemy.exc import SQLAlchemyError

        from mlf.web.db import database_url, make_engine
        from mlf.web.tokens import new_token

        url = database_url(db)
        token = new_token()
        sock = _listen(host, port)  # flags first: a bad --host or --port makes no database
        try:
            engine = make_engine(url)
            from mlf.web.app import create_app

            web = create_app(engine, token)
        except SQLAlchemyError as exc:
            sock.close()
            orig = getattr(exc, "orig", None)
            reason = str(orig if orig is not None else exc).strip().splitlines()
            raise UsageError(
                f"--db: cannot open {url.render_as_string(hide_password=True)}: "
                f"{reason[0] if reason else type(exc).__name__}"
            ) from None
    except MlfError as error:
        fail(error)
        return
    import uvicorn

    bound = sock.getsockname()[1]
    shown = url.render_as_string(hide_password=True)
    typer.echo(f"mlf serve: database {shown}")
    typer.echo("Open this organiser link to make exercises (keep it private):")
    typer.echo(f"    http://{_url_host(host)}:{bound}/?token={token}", nl=True)
    config = uvicorn.Config(
        web,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
