"""Refuse a wrong encryption key at start.

A well-formed ENCRYPTION_KEYS entry that is not this deployment's key would start the
app anyway: drafts would fail to open and silently reset, and new text would be sealed
under a key the real deployment lacks. So the first time a key version is used, a known
text is sealed with it and stored in `key_checks`; at every start each configured key
must open its own check value, and the newest key that ever wrote one must be configured.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_app.config import ConfigError
from survey_app.crypto import CannotOpen, Keyring
from survey_app.models import KeyCheck

CHECK_TEXT = "avgang: the key of this deployment"
TABLE, COLUMN = KeyCheck.__tablename__, "sealed"


class KeyCheckError(ConfigError):
    """A configured key is not this deployment's, or its newest key is not configured."""


def verify_at_start(app: Flask) -> None:
    """Run `verify_keys` on a session of its own and leave no connection behind."""
    bound = app.extensions["database"]
    session = bound.factory()
    try:
        verify_keys(session, app.extensions["keyring"])
    finally:
        session.close()
        # gunicorn --preload forks workers after this: they must not share a connection.
        bound.engine.dispose()


def verify_keys(session: Session, keyring: Keyring) -> None:
    """Raise KeyCheckError unless every configured key is the one this deployment used."""
    if not inspect(session.connection()).has_table(TABLE):
        session.rollback()
        return  # not migrated yet: `flask db upgrade` has to be able to start
    stored = dict(session.execute(select(KeyCheck.version, KeyCheck.sealed)).tuples().all())
    session.rollback()
    _refuse_missing_newest(stored, keyring)
    # Every existing check first, so that nothing is written when a key is refused.
    for version in sorted(stored.keys() & keyring.keys.keys()):
        _must_open(keyring, version, stored[version])
    for version in sorted(keyring.keys.keys() - stored.keys()):
        _must_open(keyring, version, _first_use(session, keyring, version))


def seal_check(keyring: Keyring, version: int) -> str:
    return keyring.seal_with(version, CHECK_TEXT, table=TABLE, row_id=str(version), column=COLUMN)


def _first_use(session: Session, keyring: Keyring, version: int) -> str:
    """Store the check value of a key used for the first time; returns the stored value."""
    sealed = seal_check(keyring, version)
    session.add(KeyCheck(version=version, sealed=sealed))
    try:
        session.commit()
    except IntegrityError:
        # Another worker starting at the same moment stored its value first: check that one.
        session.rollback()
        return session.execute(select(KeyCheck.sealed).where(KeyCheck.version == version)).scalar_one()
    return sealed


def _must_open(keyring: Keyring, version: int, sealed: str) -> None:
    try:
        opened = keyring.open(sealed, table=TABLE, row_id=str(version), column=COLUMN)
    except CannotOpen:
        opened = None
    if not sealed.startswith(f"v{version}:") or opened != CHECK_TEXT:
        raise KeyCheckError(
            f"ENCRYPTION_KEYS key {version} is not this deployment's key {version}: it cannot open "
            f"the check value stored when key {version} was first used. Set key {version} to the "
            "value this deployment has used (docs/operations.md, Key rotation); nothing has been "
            "sealed with the wrong key."
        )


def _refuse_missing_newest(stored: dict[int, str], keyring: Keyring) -> None:
    newer = [version for version in stored if version > keyring.current]
    if newer:
        newest = max(newer)
        raise KeyCheckError(
            f"ENCRYPTION_KEYS lacks key {newest}, this deployment's newest key: a check value was "
            f"stored when key {newest} was first used, but the newest key configured is "
            f"{keyring.current}. Add key {newest} to ENCRYPTION_KEYS (docs/operations.md, Key "
            "rotation); without it text sealed since that rotation cannot be opened."
        )
