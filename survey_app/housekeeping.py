"""Routine upkeep: expired drafts, re-sealing after a key rotation, PostgreSQL clean-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.orm import Session

from survey_app.crypto import Keyring
from survey_app.models import FORGOTTEN_WHEN_USED, Draft, Invitation, OpenLinkClaim, Response
from survey_app.respond.drafts import purge_expired_drafts
from survey_app.respond.mixing import DEFAULT_SAMPLE, mix_pending

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


@dataclass(frozen=True)
class Upkeep:
    drafts: int
    invitations: int
    claims: int
    mixed: int

    def __str__(self) -> str:
        return (f"deleted {self.drafts} expired drafts and {self.claims} spent open-link keys; "
                f"{self.invitations} expired invitations forgot their attributes; "
                f"mixed {self.mixed} waiting responses")


def housekeep(db: Session, today: date, mix_sample: int = DEFAULT_SAMPLE) -> Upkeep:
    """Expired drafts and spent keys go, expired invitations forget, waiting rows are mixed.

    Commits. The mix takes responses whose mixer was busy when they came in.
    """
    drafts = purge_expired_drafts(db, today)
    invitations = forget_expired_invitations(db, today)
    claims = db.execute(delete(OpenLinkClaim).where(OpenLinkClaim.expires_on < today)).rowcount
    from survey_app.hr.handout_sheets import WINDOW, forget_old  # handout pages past their window

    forget_old(db, WINDOW)
    db.commit()
    mixed = 0
    while (count := mix_pending(db, sample=mix_sample)) > 0:
        mixed += count
    return Upkeep(drafts, invitations, claims, mixed)


def forget_expired_invitations(db: Session, today: date) -> int:
    """An expired link can no longer be used: keep only what says so (digest, expiry)."""
    return db.execute(update(Invitation).where(
        Invitation.used.is_(False), Invitation.expires_on < today,
        Invitation.unit_id.is_not(None)).values(**FORGOTTEN_WHEN_USED)).rowcount


def vacuum_survey_tables(engine: Engine) -> bool:
    """PostgreSQL keeps old row versions until vacuumed; rewrite the survey tables.

    VACUUM FULL writes the tables anew, so old row versions of responses and
    invitations (with their transaction ids) are gone from the data files.
    """
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM FULL responses, invitations, drafts, open_link_claims"))
    return True
