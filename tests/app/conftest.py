"""App fixtures: `app`, `client`, `runner`, `db`, factories and a sign-in helper."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import delete, text

from survey_app import create_app
from survey_app.auth.services import assign_units, create_user
from survey_app.extensions import db as database
from survey_app.models import Base, OccupationalGroup, OrgUnit, OrgUnitPlacement

PASSWORD = "Gran-Kaffe-Regnbåge-17"  # noqa: S105  a strong test password


def wipe_releases(session) -> None:
    """Empty the releases table past its immutability triggers (tests only), then restore them."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE releases DISABLE TRIGGER releases_no_change"))
        session.execute(text("DELETE FROM releases"))
        session.execute(text("ALTER TABLE releases ENABLE TRIGGER releases_no_change"))
        return
    triggers = session.execute(text(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'releases'")).scalars().all()
    for name in ("releases_no_update", "releases_no_delete"):
        session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    session.execute(text("DELETE FROM releases"))
    for sql in triggers:
        session.execute(text(sql))


@pytest.fixture
def app(database_url):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-" + "x" * 32,
        "RATELIMIT_STORAGE_URI": "memory://",
    })
    yield app
    with app.app_context():
        session = database.new_session()
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == "releases":
                wipe_releases(session)
            else:
                session.execute(delete(table))
        session.commit()
        session.close()
        database.engine.dispose()


@pytest.fixture
def make_app(database_url):
    """Factory for extra apps (other settings, a 'redeploy'); their pools are closed after."""
    made = []

    def make(overrides: dict | None = None):
        settings = {"TESTING": True, "DATABASE_URL": database_url,
                    "SECRET_KEY": "test-secret-" + "x" * 32, **(overrides or {})}
        made.append(create_app(settings))
        return made[-1]

    yield make
    for extra in made:
        extra.extensions["database"].engine.dispose()


@pytest.fixture
def clock(monkeypatch):
    """Move the app's "today" as the HR and respondent pages see it: ``clock(date(...))``.

    Services take "today" as a parameter; the views ask `survey_app.models.today`, which
    this replaces in the view modules until the test ends, and the stored releases ask
    the server clock itself (`survey_app.models.base.today`), replaced too.
    """
    from survey_app.hr import invitation_views
    from survey_app.models import base
    from survey_app.respond import views

    def move(day: date) -> None:
        for module in (views, invitation_views, base):
            monkeypatch.setattr(module, "today", lambda: day)

    return move


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A session of the test's own; no app context stays pushed, so requests get fresh `g`."""
    with app.app_context():
        session = database.new_session()
    yield session
    session.close()


@pytest.fixture
def org(db):
    """EK > VO > (VO01 > VO01A, VO02), BU > BU01; two occupational groups."""
    root = OrgUnit(code="EK", name="Exempel kommun", kind="municipality")
    vo = OrgUnit(code="VO", name="Vård och omsorg", kind="administration", parent=root)
    bu = OrgUnit(code="BU", name="Barn och utbildning", kind="administration", parent=root)
    vo01 = OrgUnit(code="VO01", name="Äldreboendet Björken", kind="unit", parent=vo)
    vo01a = OrgUnit(code="VO01A", name="Björken natt", kind="unit", parent=vo01)
    vo02 = OrgUnit(code="VO02", name="Hemtjänst Norr", kind="unit", parent=vo)
    bu01 = OrgUnit(code="BU01", name="Förskolan Solrosen", kind="unit", parent=bu)
    units = [root, vo, bu, vo01, vo01a, vo02, bu01]
    db.add_all(units)
    db.add_all([OccupationalGroup(code="USK", name_sv="Undersköterska", name_en="Assistant nurse"),
                OccupationalGroup(code="FSL", name_sv="Förskollärare", name_en="Preschool teacher")])
    db.flush()
    db.add_all(OrgUnitPlacement(unit_id=u.id, parent_id=u.parent_id) for u in units)
    db.commit()
    return {u.code: u for u in units}


@pytest.fixture
def make_user(db):
    """Factory: make_user('name', roles=[...], units=[codes]) -> User (password PASSWORD)."""

    def make(username: str, roles=(), units=(), password: str = PASSWORD):
        user = create_user(db, username, username.split("@")[0], password, list(roles))
        if units:
            assign_units(db, user, list(units), actor=None)
        db.commit()
        return user

    return make


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)" name="csrf_token"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = PASSWORD, **extra):
        page = self.client.get("/auth/login")
        token = csrf_from(page.get_data(as_text=True))
        return self.client.post("/auth/login", data={
            "username": username, "password": password, "csrf_token": token, **extra})

    def logout(self):
        page = self.client.get("/")
        return self.client.post("/auth/logout",
                                data={"csrf_token": csrf_from(page.get_data(as_text=True))})


@pytest.fixture
def auth(client):
    return Auth(client)
