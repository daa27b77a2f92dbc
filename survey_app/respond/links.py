"""Turning a one-time or open link into the respondent's context, or a clear refusal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.crypto import token_candidates, token_digest
from survey_app.models import Invitation, OpenLink
from survey_app.periods import collection_open

# Links issued before the Crockford alphabet (URL-safe base64, 22 characters) and
# current ones, typed with or without hyphens in any case.
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


class CollectionClosed(LinkProblem):
    """The link's quarter takes no more answers (its collection window has closed)."""

    kind = "closed"


def refuse_after_collection(quarter: str, collection_days: int, today: date) -> None:
    """One date comparison, no query: answers for a closed quarter are never taken."""
    if not collection_open(quarter, collection_days, today):
        raise CollectionClosed()


def _check_dates(quarter: str | None, expires_on: date, today: date,
                 collection_days: int) -> None:
    """Closed quarter first (the more telling page), then the link's own expiry. An
    expired invitation that housekeeping has made forget its quarter is just expired."""
    if quarter is not None:
        refuse_after_collection(quarter, collection_days, today)
    if expires_on < today:
        raise LinkExpired()


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


def resolve_invitation(db: Session, token: str, secret: str, today: date, *,
                       collection_days: int) -> Respondent:
    """The respondent for an invitation token, or a LinkProblem saying why not."""
    if not TOKEN_SHAPE.match(token or ""):
        raise LinkMalformed()
    # The digest of the token as given (older links) and of its current-form reading.
    digests = [token_digest(secret, form) for form in token_candidates(token)]
    invitation = db.scalar(select(Invitation).where(Invitation.token_digest.in_(digests)))
    if invitation is None:
        raise LinkUnknown()
    digest = invitation.token_digest
    if invitation.used:
        raise LinkUsed()
    _check_dates(invitation.leaving_quarter, invitation.expires_on, today, collection_days)
    return Respondent(
        mode="invitation", link_ref=digest, draft_id=digest,
        questionnaire_key=invitation.questionnaire_key, unit_id=invitation.unit_id,
        quarter=invitation.leaving_quarter,
        occupational_group_code=invitation.occupational_group_code,
        tenure_band=invitation.tenure_band, ending_type=invitation.ending_type,
    )


def resolve_open_link(db: Session, token: str, today: date, draft_id: str, *,
                      collection_days: int) -> Respondent:
    """The respondent for a unit's open link; group and tenure come from the answers."""
    if not TOKEN_SHAPE.match(token or ""):
        raise LinkMalformed()
    link = db.scalar(select(OpenLink).where(OpenLink.token.in_(token_candidates(token))))
    if link is None or not link.active:
        raise LinkUnknown()
    _check_dates(link.quarter, link.expires_on, today, collection_days)
    return Respondent(
        mode="open_link", link_ref=str(link.id), draft_id=draft_id,
        questionnaire_key=link.questionnaire_key, unit_id=link.unit_id, quarter=link.quarter,
    )


def still_valid(db: Session, respondent: Respondent, today: date, *,
                collection_days: int) -> None:
    """Re-check at each step: the link may have been used or expired meanwhile, or its
    quarter's collection window closed (even if the link itself has not expired)."""
    if respondent.mode == "invitation":
        row = db.scalar(select(Invitation).where(Invitation.token_digest == respondent.link_ref))
        if row is None:
            raise LinkUnknown()
        if row.used:
            raise LinkUsed()
        _check_dates(respondent.quarter, row.expires_on, today, collection_days)
    else:
        link = db.get(OpenLink, int(respondent.link_ref))
        if link is None or not link.active:
            raise LinkUnknown()
        _check_dates(respondent.quarter, link.expires_on, today, collection_days)
