"""Shared fixtures: a fresh database per test run (SQLite, or PostgreSQL when asked).

Set TEST_DATABASE_URL=postgresql://... to run against PostgreSQL: a new database is
created on that server for this run (one per xdist worker) and dropped at the end.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from survey_app.config import normalise_database_url


def _postgres_database(base_url: str, worker: str) -> Iterator[str]:
    url = make_url(normalise_database_url(base_url))
    name = f"avgang_test_{worker}_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> Iterator[str]:
    """A migrated, empty database that lives for this test run."""
    from types import SimpleNamespace

    from survey_app import migrate

    worker = re.sub(r"\W", "", worker_id) or "main"
    base = os.environ.get("TEST_DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql")):
        generator = _postgres_database(base, worker)
        url = next(generator)
    else:
        generator = None
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    migrate.upgrade(SimpleNamespace(config={"DATABASE_URL": url}))
    yield url
    if generator is not None:
        generator.close()


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """The xdist worker id ('master' without xdist)."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")
