"""Invitations, open links, drafts and anonymous responses of the exit survey.

Unlinkability is a property of these tables: a response has no reference to an
invitation, no time finer than the quarter, a random id, and (on SQLite) no rowid,
so neither a column nor the storage order ties it to the invitation that was used.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.models.base import Base, today

SOURCES = ("invitation", "open_link")


def random_id() -> str:
    return str(uuid.uuid4())


class Invitation(Base):
    """One leaver's one-time link.

    While it can still be used it carries the coarse attributes its response will get.
    Once used (or expired) every attribute is cleared: what is left (token HMAC, used
    flag, expiry) only refuses a second use and says why.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    batch: Mapped[str | None] = mapped_column(String(36), index=True)
    position: Mapped[int | None] = mapped_column()  # the handout's number within its batch
    questionnaire_key: Mapped[str | None] = mapped_column(String(60))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    occupational_group_code: Mapped[str | None] = mapped_column(String(40))
    tenure_band: Mapped[str | None] = mapped_column(String(20))
    ending_type: Mapped[str | None] = mapped_column(String(40))
    leaving_quarter: Mapped[str | None] = mapped_column(String(7))  # e.g. 2026Q3
    created_on: Mapped[date | None] = mapped_column(default=today)
    expires_on: Mapped[date] = mapped_column()
    used: Mapped[bool] = mapped_column(default=False)


# Everything an invitation carries besides its digest, used flag and expiry: cleared
# when it is used (the claim) or has expired (housekeeping).
FORGOTTEN_WHEN_USED = {
    "batch": None, "position": None, "questionnaire_key": None, "unit_id": None,
    "occupational_group_code": None, "tenure_band": None, "ending_type": None,
    "leaving_quarter": None, "created_on": None,
}


class InvitationBatch(Base):
    """One round of handouts (a single invitation or a file): what HR may see of it."""

    __tablename__ = "invitation_batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    questionnaire_key: Mapped[str] = mapped_column(String(60))
    created_on: Mapped[date] = mapped_column(default=today)
    size: Mapped[int] = mapped_column()


class InvitationTally(Base):
    """Invited and answered counts per group: response rates without per-link history."""

    __tablename__ = "invitation_tallies"

    questionnaire_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), primary_key=True)
    tenure_band: Mapped[str] = mapped_column(String(20), primary_key=True)
    invited: Mapped[int] = mapped_column(default=0)
    used: Mapped[int] = mapped_column(default=0)


class OpenLink(Base):
    """A shared link for a unit and quarter (QR poster); respondents state their band."""

    __tablename__ = "open_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    # An open link is printed on posters, so its token is not a secret worth hashing.
    token: Mapped[str] = mapped_column(String(40), unique=True)
    questionnaire_key: Mapped[str] = mapped_column(String(60))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(7))
    expires_on: Mapped[date] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)


class Draft(Base):
    """Answers in progress ("continue later"): sealed, deleted at submission or expiry."""

    __tablename__ = "drafts"

    # HMAC of the invitation token, or of a random per-browser key for open links.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    questionnaire_key: Mapped[str] = mapped_column(String(60))
    questionnaire_version: Mapped[int] = mapped_column()
    sealed_answers: Mapped[str] = mapped_column(Text)
    expires_on: Mapped[date] = mapped_column(index=True)


class OpenLinkClaim(Base):
    """A browser's spent open-link answer: refuses its second submission, nothing else.

    The id is the HMAC of a random key in that browser's cookie, so it names no person
    and no device; it is deleted when the open link has expired.
    """

    __tablename__ = "open_link_claims"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_on: Mapped[date] = mapped_column(index=True)


class Response(Base):
    """An anonymous answer: coarse attributes and answers, nothing else."""

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint("source IN ('invitation', 'open_link')", name="source"),
        # (key, quarter, id): the mixer samples a random run of a quarter's ids in O(sample).
        Index("ix_responses_questionnaire_quarter_id", "questionnaire_key", "quarter", "id"),
        # Only the few responses that wait for the mixer: "WHERE NOT mixed" stays cheap
        # however many responses the table holds.
        Index("ix_responses_unmixed", "id", postgresql_where=text("NOT mixed"),
              sqlite_where=text("mixed = 0")),
        # Without a rowid SQLite stores rows in primary-key (random) order, not arrival order.
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=random_id)
    questionnaire_key: Mapped[str] = mapped_column(String(60))
    questionnaire_version: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    occupational_group_code: Mapped[str | None] = mapped_column(String(40))
    tenure_band: Mapped[str | None] = mapped_column(String(20))
    ending_type: Mapped[str | None] = mapped_column(String(40))
    quarter: Mapped[str] = mapped_column(String(7))
    answers: Mapped[dict] = mapped_column(JSON)  # closed answers; free text is sealed below
    sealed_texts: Mapped[str | None] = mapped_column(Text)
    # False from the submission until the mixer has rewritten it among older responses.
    mixed: Mapped[bool] = mapped_column(default=False, server_default=true())
    # Responses last written together (see respond/mixing.py); on PostgreSQL it names
    # what the shared transaction id already shows, so it adds nothing to a dump.
    mix_group: Mapped[str | None] = mapped_column(String(36), index=True)
