"""Configuration, migrations against models, CLI and demo data."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import IntegrityError

from survey_app import create_app
from survey_app.config import ConfigError
from survey_app.models import Base, OccupationalGroup, OrgUnit, User


def test_models_and_migrations_agree(database_url):
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == [], f"models differ from migrations; run flask db revision: {diff}"


def test_production_refuses_the_default_secret(monkeypatch, database_url):
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": database_url})


def test_production_refuses_dev_key_debug_and_memory_limits(monkeypatch, database_url):
    monkeypatch.setenv("APP_ENV", "production")
    base = {"DATABASE_URL": database_url, "SECRET_KEY": "s" * 40}
    with pytest.raises(ConfigError, match="ENCRYPTION_KEYS"):
        create_app(base)
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        create_app(base | {"ENCRYPTION_KEYS": "1:" + "A" * 43 + "="})


def test_min_respondents_never_below_three(database_url):
    with pytest.raises(ConfigError, match="never be below 3"):
        create_app({"DATABASE_URL": database_url, "MIN_RESPONDENTS": 2})


def test_settings_come_from_the_environment(monkeypatch, make_app):
    monkeypatch.setenv("MIN_RESPONDENTS", "7")
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    app = make_app()
    assert app.config["MIN_RESPONDENTS"] == 7 and app.config["DEFAULT_LOCALE"] == "en"
    assert app.config["DEBUG"] is False
    assert app.config["MAX_CONTENT_LENGTH"] > 0


def test_default_database_is_sqlite_in_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    app.extensions["database"].engine.dispose()
    assert app.config["DATABASE_URL"].startswith("sqlite:///")
    assert app.config["DATABASE_URL"].endswith("instance/avgang.sqlite3")


def test_foreign_keys_enforced_and_sqlite_in_wal_mode(app, db):
    db.add(OrgUnit(code="X", name="X", kind="unit", parent_id=999_999))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()
    if app.config["DATABASE_URL"].startswith("sqlite"):
        assert db.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_cli_create_admin_and_grant(runner, db):
    result = runner.invoke(args=["users", "create-admin", "--username", "Boss@Ex.se",
                                 "--name", "Boss", "--password", "Gran-Kaffe-Regnbåge-17"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "grant", "boss@ex.se", "manager"])
    assert "hr_admin, manager" in result.output
    user = db.scalar(select(User).where(User.username == "boss@ex.se"))
    assert user.roles == {"hr_admin", "manager"}


def test_cli_create_admin_refuses_weak_password(runner, db):
    result = runner.invoke(args=["users", "create-admin", "--username", "a@ex.se",
                                 "--name", "A", "--password", "password1234"])
    assert result.exit_code != 0
    assert "för vanligt" in result.output
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_demo_load_creates_exempel_kommun_and_users(runner, db, client):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    units = db.scalar(select(func.count()).select_from(OrgUnit).where(OrgUnit.kind == "unit"))
    admins = db.scalar(select(func.count()).select_from(OrgUnit).where(
        OrgUnit.kind == "administration"))
    assert 40 <= units <= 80 and 4 <= admins <= 6
    assert db.scalar(select(func.count()).select_from(OccupationalGroup)) >= 9
    assert "hr.admin@exempel.se" in result.output
    password = result.output.split("hr.admin@exempel.se")[1].split()[0]
    from tests.app.conftest import Auth

    assert Auth(client).login("hr.admin@exempel.se", password).status_code == 302
    tree = client.get("/org/").get_data(as_text=True)
    assert "Exempel kommun" in tree and "Äldreboendet Björken" in tree
    again = runner.invoke(args=["demo", "load"])
    assert "already loaded" in again.output


def test_demo_size_parameter_scales_units(runner, db):
    result = runner.invoke(args=["demo", "load", "--size", "3"])
    assert result.exit_code == 0, result.output
    units = db.scalar(select(func.count()).select_from(OrgUnit).where(OrgUnit.kind == "unit"))
    assert units == 3 * 43


def test_english_on_request(client):
    page = client.get("/auth/login?lang=en").get_data(as_text=True)
    assert 'lang="en"' in page and "Sign in" in page
    assert 'lang="en"' in client.get("/auth/login").get_data(as_text=True)  # remembered


def test_demo_history_has_two_closed_years_with_the_early_leaver_pattern(runner, db):
    from survey_app.models import Invitation, Response, today
    from survey_app.periods import quarter_of

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    rows = db.execute(select(Response.tenure_band, Response.answers, Response.quarter)).all()
    quarters = {q for _, _, q in rows}
    assert len(quarters) == 8 and max(quarters) < quarter_of(today())
    early = [a for band, a, _ in rows if band in ("lt_6m", "6_12m", "1_2y")]
    later = [a for band, a, _ in rows if band not in ("lt_6m", "6_12m", "1_2y")]

    def share(group, reason):
        return sum(reason in a["reasons"] for a in group) / len(group)

    assert share(early, "introduction") > 2 * share(later, "introduction")
    assert share(later, "pay") > share(early, "pay")
    assert share(later, "retirement") > share(early, "retirement") == 0
    invited = db.scalar(select(func.count()).select_from(Invitation))
    assert 0.5 < len(rows) / invited < 0.75  # a realistic response rate
