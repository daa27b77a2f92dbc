"""`flask` commands: database, users, organisation, demo data.

`flask questionnaires check` lives in survey_app/questionnaire_cli.py as a plugin
command, so that it runs even when broken files stop the app from starting.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from survey_app import migrate
from survey_app.auth.services import AccountError, assign_units, create_user, find_user, set_roles
from survey_app.csv_io import read_file, write_file
from survey_app.extensions import db
from survey_app.models import ROLES
from survey_app.org.csv_io import OrgImportError, export_org_csv, import_org_csv

db_cli = AppGroup("db", help="Database schema (Alembic).")
users_cli = AppGroup("users", help="Staff accounts and roles.")
org_cli = AppGroup("org", help="The organisation tree.")
demo_cli = AppGroup("demo", help="Demo data for Exempel kommun.")
survey_cli = AppGroup("survey", help="Exit-survey upkeep.")
keys_cli = AppGroup("keys", help="Encryption keys for free text at rest.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Build or update the schema."""
    migrate.upgrade(current_app, revision)


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    migrate.downgrade(current_app, revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--empty", is_flag=True, help="Do not autogenerate from the models.")
def db_revision(message: str, empty: bool) -> None:
    migrate.revision(current_app, message, autogenerate=not empty)


@db_cli.command("current")
def db_current() -> None:
    migrate.current(current_app)


@users_cli.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--name", "display_name", prompt="Name")
@click.password_option()
def users_create_admin(username: str, display_name: str, password: str) -> None:
    """Create the first HR administrator."""
    session = db.new_session()
    try:
        create_user(session, username, display_name, password, ["hr_admin"])
        session.commit()
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        session.close()
    click.echo(f"Created hr_admin {username}.")


@users_cli.command("grant")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def users_grant(username: str, role: str) -> None:
    """Give a user a role (ends their sessions)."""
    _change_roles(username, add=role)


@users_cli.command("revoke")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def users_revoke(username: str, role: str) -> None:
    """Take a role from a user (ends their sessions)."""
    _change_roles(username, remove=role)


@users_cli.command("assign-units")
@click.argument("username")
@click.argument("unit_codes", nargs=-1)
def users_assign_units(username: str, unit_codes: tuple[str, ...]) -> None:
    """Set the units a manager is responsible for."""
    session = db.new_session()
    try:
        user = find_user(session, username)
        if user is None:
            raise click.ClickException(f"No user {username}.")
        assign_units(session, user, list(unit_codes), actor=None)
        session.commit()
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        session.close()


def _change_roles(username: str, add: str | None = None, remove: str | None = None) -> None:
    session = db.new_session()
    try:
        user = find_user(session, username)
        if user is None:
            raise click.ClickException(f"No user {username}.")
        roles = (set(user.roles) | ({add} if add else set())) - ({remove} if remove else set())
        set_roles(session, user, sorted(roles), actor=None)
        session.commit()
        click.echo(f"{username}: {', '.join(sorted(roles)) or 'no roles'}")
    finally:
        session.close()


@org_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def org_import(path: Path) -> None:
    """Import the tree from CSV (code, name, parent_code, type); all or nothing."""
    session = db.new_session()
    try:
        summary = import_org_csv(session, read_file(path))
        session.commit()
    except OrgImportError as exc:
        session.rollback()
        for problem in exc.problems:
            click.echo(f"{path}: {problem}", err=True)
        raise click.ClickException("Nothing was imported.") from exc
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path} is not UTF-8 text.") from exc
    finally:
        session.close()
    click.echo(f"created {summary.created}, renamed {summary.updated}, moved {summary.moved}, "
               f"unchanged {summary.unchanged}")


@org_cli.command("export")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def org_export(path: Path | None) -> None:
    """Write the tree as CSV to PATH or standard output."""
    session = db.new_session()
    try:
        text = export_org_csv(session)
    finally:
        session.close()
    if path is None:
        sys.stdout.write(text)
    else:
        write_file(path, text)


@demo_cli.command("load")
@click.option("--size", default=1, show_default=True, type=click.IntRange(1, 10_000),
              help="Scale factor for units and people (benchmarks use large values).")
@click.option("--seed", default=2026, show_default=True)
def demo_load(size: int, seed: int) -> None:
    """Create Exempel kommun with demo users (refused in production)."""
    from survey_app.demo import load_demo

    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    session = db.new_session()
    try:
        report = load_demo(session, size=size, seed=seed, app_config=current_app.config)
        session.commit()
    finally:
        session.close()
    click.echo(report)


@survey_cli.command("housekeep")
def survey_housekeep() -> None:
    """Expired drafts, keys and links; mix waiting responses; on PostgreSQL VACUUM FULL (nightly)."""
    from survey_app.housekeeping import housekeep, vacuum_survey_tables
    from survey_app.models import today

    session = db.new_session()
    try:
        upkeep = housekeep(session, today(), mix_sample=current_app.config["MIX_SAMPLE"])
    finally:
        session.close()
    vacuumed = vacuum_survey_tables(db.engine)
    click.echo(str(upkeep) + ("; vacuumed" if vacuumed else ""))


@keys_cli.command("generate")
@click.option("--version", "version", default=1, show_default=True)
def keys_generate(version: int) -> None:
    """Print a new key entry for ENCRYPTION_KEYS."""
    from survey_app.crypto import generate_key_spec

    click.echo(generate_key_spec(version))


@keys_cli.command("reseal")
def keys_reseal() -> None:
    """Re-encrypt everything under the newest key (after adding one to ENCRYPTION_KEYS)."""
    from survey_app.housekeeping import reseal_all

    session = db.new_session()
    try:
        changed = reseal_all(session, current_app.extensions["keyring"])
        session.commit()
    finally:
        session.close()
    click.echo(f"re-sealed {changed} values with key "
               f"{current_app.extensions['keyring'].current}")


def register_cli(app: Flask) -> None:
    from survey_app.analysis_cli import analysis_cli

    for group in (db_cli, users_cli, org_cli, demo_cli, survey_cli, keys_cli, analysis_cli):
        app.cli.add_command(group)


__all__ = ["register_cli"]
