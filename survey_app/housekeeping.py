"""Routine upkeep: expired drafts, re-sealing after a key rotation, PostgreSQL clean-up."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from survey_app.crypto import Keyring
from survey_app.models import Draft, Response
from survey_app.respond.drafts import purge_expired_drafts

SEALED_COLUMNS = ((Response, "sealed_texts", "responses"), (Draft, "sealed_answers", "drafts"))


def reseal_all(db: Session, keyring: Keyring, batch: int = 500) -> int:
    """Re-encrypt every value sealed with an older key under the newest one."""
    changed = 0
    for model, column, table in SEALED_COLUMNS:
        attribute = getattr(model, column)
        rows = db.scalars(select(model).where(attribute.is_not(None))).all()
        for row in rows:
            value = getattr(row, column)
            if keyring.needs_reseal(value):
                plain = keyring.open(value, table=table, row_id=row.id, column=column)
                setattr(row, column, keyring.seal(plain, table=table, row_id=row.id,
                                                  column=column))
                changed += 1
                if changed % batch == 0:
                    db.flush()
    return changed


def housekeep(db: Session, today: date) -> int:
    """Delete drafts whose link has expired; returns how many."""
    return purge_expired_drafts(db, today)


def vacuum_survey_tables(engine: Engine) -> bool:
    """PostgreSQL keeps old row versions until vacuumed; rewrite the survey tables.

    VACUUM FULL writes the tables anew, so old row versions of responses and
    invitations (with their transaction ids) are gone from the data files.
    """
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM FULL responses, invitations, drafts"))
    return True
