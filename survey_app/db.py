"""Engine and one session per application context (SQLAlchemy 2.x)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_pragmas(busy_timeout_ms: int):
    def apply(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # Deleted rows (a mixed response's old copy, a used draft) are overwritten, not left
        # readable in free pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    return apply


def make_engine(url: str, busy_timeout_ms: int = 10000, **options) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, secure delete and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
            **options
        )
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


@contextlib.contextmanager
def write_turn(session: Session, wait_ms: int = 10000) -> Iterator[None]:
    """On a SQLite file, queue for the one write lock in the operating system's lock.

    SQLite's own busy handler sleeps in growing steps (up to 100 ms) while it waits, so
    under a burst the write lock is often free while every waiter sleeps. An flock on a
    file beside the database hands the turn on at once, across the app's processes. After
    ``wait_ms`` the caller goes on without a turn and SQLite's timeout decides; elsewhere
    (PostgreSQL, in-memory SQLite) this does nothing.
    """
    path = _sqlite_file(session)
    if path is None:
        yield
        return
    with open(path + "-writer.lock", "a") as lock:
        deadline = time.monotonic() + wait_ms / 1000
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield
                    return
                time.sleep(0.0005)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _sqlite_file(session: Session) -> str | None:
    url = session.get_bind().url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):
        return None  # URI file names (shared memory databases in tests): no turn
    return os.path.abspath(url.database)


@dataclass(frozen=True)
class _Bound:
    engine: Engine
    factory: sessionmaker[Session]


class Database:
    """Keeps one engine per app and hands out the request's session as `db.session`."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"],
                             busy_timeout_ms=app.config.get("SQLITE_BUSY_TIMEOUT_MS", 10000))
        app.extensions["database"] = _Bound(engine, sessionmaker(bind=engine, expire_on_commit=False))
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["database"].engine

    def new_session(self) -> Session:
        """A session outside the request cycle (CLI, background work)."""
        return current_app.extensions["database"].factory()

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = self.new_session()
        return g.db_session

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()
