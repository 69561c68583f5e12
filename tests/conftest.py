"""Test settings shared by the whole suite."""

from __future__ import annotations

import os
import platform
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# On CI the property tests draw the same examples every run (reproducible, no flaky reds);
# locally they explore new examples each run.
# No deadline anywhere: a property test is not a timing test (speed targets live in
# benchmarks/), and on a shared machine the 200 ms default fails examples at random.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.load_profile("default")
if os.environ.get("CI"):
    settings.load_profile("ci")


# numba is a dependency only where pyproject.toml installs it (x86_64 and aarch64). There a
# test of the compiled path must run, and fails if numba is missing; elsewhere the compiled
# path does not exist and its tests are marked skipped with that reason.
NUMBA_IS_A_DEPENDENCY = platform.machine() in {"x86_64", "aarch64"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if NUMBA_IS_A_DEPENDENCY:
        return
    why = f"numba is not a dependency on {platform.machine()} (see pyproject.toml)"
    for item in items:
        if item.get_closest_marker("numba") is not None:
            item.add_marker(pytest.mark.skipif(True, reason=why))


# PostgreSQL for the storage tests that run on both databases (tests/_pg.py). CI (.ci/run)
# starts one and exports MLF_TEST_PG_URL; without it, on CI the tests fail, and elsewhere this
# fixture starts a throw-away server itself from the installed binaries, failing loudly (never
# skipping) when it cannot.
@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    url = os.environ.get("MLF_TEST_PG_URL")
    if url:
        yield url
        return
    if os.environ.get("CI"):
        pytest.fail("CI is set but MLF_TEST_PG_URL is not: .ci/run must start PostgreSQL")
    import _pg

    try:
        url, folder = _pg.start()
    except _pg.PgUnavailable as exc:
        pytest.fail(f"no PostgreSQL for the storage tests: {exc}")
    try:
        yield url
    finally:
        _pg.stop(folder)


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    import uuid

    import sqlalchemy as sa

    name = f"t_{uuid.uuid4().hex}"
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield sa.make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database URL, once per backend: a SQLite file and a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mlf.db'}"
    return str(request.getfixturevalue("pg_url"))
