"""Turning a one-time or open link into the respondent's context, or a clear refusal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.crypto import token_digest
from survey_app.models import Invitation, OpenLink

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class LinkProblem(Exception):
    """Why a link cannot be used; `kind` picks the page that explains what to do."""

    kind = "unknown"


class LinkMalformed(LinkProblem):
    kind = "malformed"


class LinkUnknown(LinkProblem):
    kind = "unknown"


class LinkUsed(LinkProblem):
    kind = "used"


class LinkExpired(LinkProblem):
    kind = "expired"


@dataclass(frozen=True)
class Respondent:
    """What the respondent's session knows: never a name, never the token itself."""

    mode: str  # "invitation" or "open_link"
    link_ref: str  # token digest (invitation) or open-link id
    draft_id: str
    questionnaire_key: str
    unit_id: int
    quarter: str
    occupational_group_code: str | None = None
    tenure_band: str | None = None
    ending_type: str | None = None

    def to_session(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_session(cls, data: dict) -> Respondent:
        return cls(**data)


def resolve_invitation(db: Session, token: str, secret: str, today: date) -> Respondent:
    """The respondent for an invitation token, or a LinkProblem saying why not."""
    if not TOKEN_SHAPE.match(token or ""):
        raise LinkMalformed()
    digest = token_digest(secret, token)
    invitation = db.scalar(select(Invitation).where(Invitation.token_digest == digest))
    if invitation is None:
        raise LinkUnknown()
    if invitation.used:
        raise LinkUsed()
    if invitation.expires_on < today:
        raise LinkExpired()
    return Respondent(
        mode="invitation", link_ref=digest, draft_id=digest,
        questionnaire_key=invitation.questionnaire_key, unit_id=invitation.unit_id,
        quarter=invitation.leaving_quarter,
        occupational_group_code=invitation.occupational_group_code,
        tenure_band=invitation.tenure_band, ending_type=invitation.ending_type,
    )


def resolve_open_link(db: Session, token: str, today: date, draft_id: str) -> Respondent:
    """The respondent for a unit's open link; group and tenure come from the answers."""
    if not TOKEN_SHAPE.match(token or ""):
        raise LinkMalformed()
    link = db.scalar(select(OpenLink).where(OpenLink.token == token))
    if link is None or not link.active:
        raise LinkUnknown()
    if link.expires_on < today:
        raise LinkExpired()
    return Respondent(
        mode="open_link", link_ref=str(link.id), draft_id=draft_id,
        questionnaire_key=link.questionnaire_key, unit_id=link.unit_id, quarter=link.quarter,
    )


def still_valid(db: Session, respondent: Respondent, today: date) -> None:
    """Re-check at each step: the link may have been used or expired meanwhile."""
    if respondent.mode == "invitation":
        row = db.scalar(select(Invitation).where(Invitation.token_digest == respondent.link_ref))
        if row is None:
            raise LinkUnknown()
        if row.used:
            raise LinkUsed()
        if row.expires_on < today:
            raise LinkExpired()
    else:
        link = db.get(OpenLink, int(respondent.link_ref))
        if link is None or not link.active:
            raise LinkUnknown()
        if link.expires_on < today:
            raise LinkExpired()
