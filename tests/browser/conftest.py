"""Browser fixtures: the app served on 127.0.0.1 with demo data, one headless Chromium.

The server gets a database file of its own (not the shared `database_url` one), because
the app tests empty every table after each test and the demo data must stay put here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from survey_app import create_app, migrate
from survey_app.extensions import db as database
from survey_app.hr.invitations import Leaver, create_open_link, issue_invitations
from survey_app.models import OrgUnit
from survey_app.periods import quarter_of
from tests.browser.checks import PHONE

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]


@dataclass(frozen=True)
class LiveServer:
    """The running app: its base URL and the Flask app (for creating invitations)."""

    url: str
    app: Flask

    def invite(self, *, unit: str = "VO01", group: str = "USK", band: str = "lt_6m",
               issued_on: date | None = None) -> str:
        """A fresh one-time link (path only), issued `issued_on` (default today)."""
        with self.app.app_context():
            session = database.new_session()
            [link] = issue_invitations(
                session, [Leaver(unit, group, band, "own_resignation", quarter_of(date.today()))],
                questionnaire_key="exit_survey",
                secret=self.app.config["TOKEN_HMAC_KEY"] or self.app.config["SECRET_KEY"],
                valid_days=self.app.config["INVITATION_VALID_DAYS"],
                collection_days=self.app.config["COLLECTION_DAYS"],
                today=issued_on or date.today())
            session.commit()
            session.close()
        return link.path

    def open_link(self, unit: str = "VO02") -> str:
        """The unit's open link for this quarter (path only), as printed on its poster."""
        with self.app.app_context():
            session = database.new_session()
            unit_row = session.scalar(select(OrgUnit).where(OrgUnit.code == unit))
            link = create_open_link(session, unit_row, quarter_of(date.today()),
                                    questionnaire_key="exit_survey", valid_days=60,
                                    collection_days=self.app.config["COLLECTION_DAYS"],
                                    today=date.today())
            session.commit()
            token = link.token
            session.close()
        return f"/s/o/{token}"

    def expired_invite(self) -> str:
        days = self.app.config["INVITATION_VALID_DAYS"] + 1
        return self.invite(issued_on=date.today() - timedelta(days=days))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """create_app on a migrated temp SQLite file, demo data loaded, served in a thread."""
    url = "sqlite:///" + str(tmp_path_factory.mktemp("browser-db") / "browser.sqlite3")
    migrate.upgrade(SimpleNamespace(config={"DATABASE_URL": url}))
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "browser-test-secret-" + "x" * 32,
        "RATELIMIT_STORAGE_URI": "memory://",
        "HTTPS": False,  # plain http on 127.0.0.1: no __Host- cookie, no HSTS
        "SQLITE_BUSY_TIMEOUT_MS": 1500,  # the not-saved page is shown after a short wait
    })
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["database"].engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run (Playwright's own download does not work here)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, live_server):
    """Factory for browser contexts on the live server; all are closed after the test."""
    made = []

    def make(viewport: dict = PHONE, *, javascript: bool = True, **options):
        context = browser.new_context(base_url=live_server.url, viewport=viewport,
                                      java_script_enabled=javascript, locale="sv-SE", **options)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def pytest_terminal_summary(terminalreporter):
    """Show the measured page weights even when every test passes (works under xdist)."""
    lines = []
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        for name, value in getattr(report, "user_properties", []):
            if name == "page_weight":
                lines.append(value)
    if lines:
        terminalreporter.write_sep("-", "respondent first-load weight (gzip -6)")
        for text in lines:
            terminalreporter.write_line(text)
