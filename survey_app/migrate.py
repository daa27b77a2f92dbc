"""Alembic wired to the app's database URL; `flask db ...` calls into this."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(app: Flask) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Percent signs in passwords would be read as interpolation by configparser.
    cfg.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    command.upgrade(alembic_config(app), revision)


def downgrade(app: Flask, revision: str) -> None:
    command.downgrade(alembic_config(app), revision)


def revision(app: Flask, message: str, autogenerate: bool = True) -> None:
    command.revision(alembic_config(app), message=message, autogenerate=autogenerate)


def current(app: Flask) -> None:
    command.current(alembic_config(app), verbose=False)
