"""The database of ``mlf serve``: its tables, the engine for a URL, and the migrations run at start.

One database holds every exercise: SQLite by default (a file, in WAL mode, ``synchronous=FULL``
so that a committed transaction survives the process being killed) or PostgreSQL when the
organiser names one (``--db postgresql://...``, driven by psycopg 3). The tables:

* ``exercises``: one row per exercise, with its setup (JSON, :class:`mlf.exercise.Setup`) and
  the SHA-256 of its chair token;
* ``seats``: the seats people play, each with the SHA-256 of its join token;
* ``events``: the append-only event log, the source of truth; an exercise's state is rebuilt
  by replaying its events in ``seq`` order. ``(exercise_id, seq)`` is unique, so two writers
  can never both append event ``n``;
* ``sessions``: browser sessions (the SHA-256 of the cookie's value, the role it grants and
  its CSRF token).

No token is stored in clear: a token is 256 random bits, so one SHA-256 of it cannot be
reversed or guessed (no salt or slow hash is needed for a random secret of that size).

The schema is created and upgraded by the Alembic migrations shipped in
``mlf/web/migrations`` (:func:`migrate`), never by ``metadata.create_all``; a test checks that
the migrations build exactly the tables below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError

from mlf.errors import UsageError

metadata = MetaData()

exercises = Table(
    "exercises",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("title", String(500), nullable=False),
    Column("setup", Text, nullable=False),
    Column("chair_token_hash", String(64), nullable=False, unique=True),
)

seats = Table(
    "seats",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("exercise_id", String(32), ForeignKey("exercises.id"), nullable=False, index=True),
    Column("seat", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    UniqueConstraint("exercise_id", "seat", name="uq_seats_exercise_seat"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("exercise_id", String(32), ForeignKey("exercises.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(32), nullable=False),
    Column("seat", String(200), nullable=True),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("exercise_id", "seq", name="uq_events_exercise_seq"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("exercise_id", String(32), ForeignKey("exercises.id"), nullable=True, index=True),
    Column("seat", String(200), nullable=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
"""The Alembic script folder shipped inside the package."""


def database_url(text: str) -> URL:
    """The SQLAlchemy URL for ``--db``: ``sqlite:///FILE``, ``postgresql://...`` or a file path.

    ``postgresql://`` and ``postgres://`` are driven by psycopg 3; a value with no ``://`` is
    a SQLite file. Anything else is a :class:`UsageError` naming ``--db`` (exit 2).
    """
    raw = text.strip()
    if not raw:
        raise UsageError("--db: empty database URL (use sqlite:///FILE or postgresql://...)")
    if "://" not in raw:
        return URL.create("sqlite", database=str(Path(raw)))
    try:
        url = make_url(raw)
    except ArgumentError:
        raise UsageError(f"--db: {raw!r} is not a database URL") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.get_driver_name() not in ("pysqlite", ""):
            raise UsageError(f"--db: SQLite driver {url.get_driver_name()!r} is not supported")
        if not url.database or url.database == ":memory:":
            raise UsageError("--db: a SQLite database must be a file (sqlite:///FILE)")
        return url
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    raise UsageError(
        f"--db: unsupported database {backend!r} (use sqlite:///FILE or postgresql://...)"
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is switched off (SQLAlchemy's documented recipe):
    # SQLAlchemy's "begin" event issues BEGIN itself, so PRAGMAs run outside a transaction.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(url: str | URL) -> Engine:
    """An engine for ``url`` (see :func:`database_url`), set up for safe concurrent use."""
    u = database_url(url) if isinstance(url, str) else url
    if u.get_backend_name() == "sqlite":
        engine = create_engine(
            u,
            connect_args={"check_same_thread": False, "timeout": 30},
            # as many connections as the server has worker threads (anyio's 40), kept open:
            # a connection opened per request would cost its PRAGMAs each time
            pool_size=40,
            max_overflow=0,
            pool_timeout=60,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(u, pool_pre_ping=True, pool_size=10, max_overflow=20)


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent; run at every start)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
