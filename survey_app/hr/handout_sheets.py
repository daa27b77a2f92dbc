"""One-time links shown again for a short while, to the HR user who created them.

After an invitation is created the browser is sent (303) to `/hr/invitations/handouts/<id>`,
so a refresh or the language switch shows the same links instead of posting again or
losing them. The links are kept for `HANDOUT_SHOW_MINUTES` (30) in `handout_sheets`,
sealed with AES-256-GCM under a key derived from the server's secret and the HR user's
sign-in cookie token. The database holds only a SHA-256 of that token (staff_sessions.id),
so neither a database dump nor the database plus the server's keys opens a sheet; after
the window, or when the HR user signs out, the sealed text is emptied or cannot be opened.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict
from datetime import date, datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from survey_app.hr.invitations import IssuedLink
from survey_app.models import HandoutSheet, utcnow

NONCE_BYTES = 12
WINDOW = timedelta(minutes=30)  # the default of HANDOUT_SHOW_MINUTES
KEEP_GONE = timedelta(days=1)  # an emptied sheet still says "can no longer be shown" for a day


def _key(server_secret: str, session_token: str) -> bytes:
    server = hashlib.sha256(b"handout-sheet\x00" + server_secret.encode()).digest()
    return hmac.new(server, session_token.encode(), hashlib.sha256).digest()


def _aad(sheet_id: str, user_id: int) -> bytes:
    return f"handout_sheets\x1f{sheet_id}\x1f{user_id}".encode()


def keep(db: Session, links: list[IssuedLink], *, kind: str, user_id: int, server_secret: str,
         session_token: str, window: timedelta, now: datetime | None = None) -> str:
    """Seal the links for this user and session; return the sheet's random id."""
    now = now or utcnow()
    forget_old(db, window, now)
    sheet_id = secrets.token_urlsafe(16)
    body = json.dumps({"kind": kind, "links": [
        {**asdict(link), "invitation_id": 0, "batch_created": link.batch_created.isoformat(),
         "expires_on": link.expires_on.isoformat()} for link in links]})
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(server_secret, session_token)).encrypt(
        nonce, body.encode(), _aad(sheet_id, user_id))
    db.add(HandoutSheet(id=sheet_id, user_id=user_id, created_at=now,
                        sealed="v1:" + (nonce + sealed).hex()))
    return sheet_id


class Gone(Exception):
    """The sheet's window is over (or its session ended): its links cannot be shown."""


def show(db: Session, sheet_id: str, *, user_id: int, server_secret: str, session_token: str,
         window: timedelta, now: datetime | None = None) -> tuple[str, list[IssuedLink]] | None:
    """(kind, links) for the sheet's own user within the window; None when it is not theirs
    or unknown; Gone once the window is over."""
    now = now or utcnow()
    sheet = db.get(HandoutSheet, sheet_id)
    if sheet is None or sheet.user_id != user_id:
        return None
    if sheet.sealed is None or now - sheet.created_at > window:
        sheet.sealed = None
        raise Gone
    raw = bytes.fromhex(sheet.sealed.removeprefix("v1:"))
    try:
        body = AESGCM(_key(server_secret, session_token)).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(sheet_id, user_id))
    except InvalidTag:
        sheet.sealed = None  # another sign-in: this session will never open it
        raise Gone from None
    data = json.loads(body)
    links = [IssuedLink(**{**item, "batch_created": date.fromisoformat(item["batch_created"]),
                           "expires_on": date.fromisoformat(item["expires_on"])})
             for item in data["links"]]
    return data["kind"], links


def forget_old(db: Session, window: timedelta, now: datetime | None = None) -> int:
    """Empty every sheet past its window; drop the rows a day later."""
    now = now or utcnow()
    db.execute(delete(HandoutSheet).where(HandoutSheet.created_at < now - window - KEEP_GONE))
    return db.execute(update(HandoutSheet).where(
        HandoutSheet.created_at < now - window, HandoutSheet.sealed.is_not(None))
        .values(sealed=None)).rowcount
