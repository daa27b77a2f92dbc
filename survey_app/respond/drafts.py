"""'Continue later': answers in progress, sealed, kept until submission or expiry."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import delete, insert, update
from sqlalchemy.orm import Session

from survey_app.crypto import CannotOpen, Keyring
from survey_app.models import Draft

_TABLE, _COLUMN = "drafts", "sealed_answers"


def load_draft(db: Session, keyring: Keyring,
               draft_id: str) -> tuple[int | None, dict, int | None]:
    """(questionnaire version, answers, step to resume) of a draft; (None, {}, None) if none."""
    draft = db.get(Draft, draft_id)
    if draft is None:
        return None, {}, None
    try:
        payload = json.loads(keyring.open(draft.sealed_answers, table=_TABLE, row_id=draft_id,
                                          column=_COLUMN))
    except CannotOpen:
        return None, {}, None  # a lost key means starting over, not a crash
    return draft.questionnaire_version, payload.get("answers", {}), payload.get("step")


def save_draft(db: Session, keyring: Keyring, *, draft_id: str, questionnaire_key: str,
               version: int, answers: dict, expires_on: date, step: int | None = None) -> None:
    """Write the draft with plain statements, so a parallel tap never trips the ORM."""
    payload = {"answers": answers, "step": step}
    sealed = keyring.seal(json.dumps(payload, ensure_ascii=False), table=_TABLE,
                          row_id=draft_id, column=_COLUMN)
    values = {"questionnaire_key": questionnaire_key, "questionnaire_version": version,
              "sealed_answers": sealed, "expires_on": expires_on}
    updated = db.execute(update(Draft).where(Draft.id == draft_id).values(**values)).rowcount
    if not updated:
        db.execute(insert(Draft).values(id=draft_id, **values))


def delete_draft(db: Session, draft_id: str) -> None:
    db.execute(delete(Draft).where(Draft.id == draft_id))


def purge_expired_drafts(db: Session, today: date) -> int:
    """Housekeeping: drafts past their link's expiry are deleted."""
    return db.execute(delete(Draft).where(Draft.expires_on < today)).rowcount
