"""Server-side staff sessions: revocable, with idle and absolute time limits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey_app.models import StaffSession, User, utcnow

# Writing last_seen on every request would turn reads into writes; once a minute is enough.
_TOUCH_INTERVAL = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Session, user: User, now: datetime | None = None) -> str:
    """Create a session row and return the secret token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    db.add(StaffSession(id=_digest(token), user_id=user.id, created_at=now, last_seen_at=now))
    return token


def resume_session(
    db: Session, token: str, *, idle: timedelta, absolute: timedelta, now: datetime | None = None
) -> User | None:
    """The signed-in user for a cookie token, or None when unknown, revoked or timed out."""
    now = now or utcnow()
    row = db.get(StaffSession, _digest(token))
    if row is None:
        return None
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        db.delete(row)
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        db.delete(row)
        return None
    if now - row.last_seen_at > _TOUCH_INTERVAL:
        row.last_seen_at = now
    return user


def end_session(db: Session, token: str) -> None:
    db.execute(delete(StaffSession).where(StaffSession.id == _digest(token)))


def end_all_sessions(db: Session, user_id: int) -> None:
    """Sign the user out everywhere: after a password or role change."""
    db.execute(delete(StaffSession).where(StaffSession.user_id == user_id))


def count_sessions(db: Session, user_id: int) -> int:
    return len(db.scalars(select(StaffSession.id).where(StaffSession.user_id == user_id)).all())
