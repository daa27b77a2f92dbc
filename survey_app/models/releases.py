"""The frozen release of each period: every figure any page, export or report may show for it.

A row is written once, when the period opens, and never changed: database
triggers (see migrations/versions/0005_releases.py) refuse updates and
deletes, so what was shown stays what is shown, and every later release is
audited against it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.models.base import Base


class StoredRelease(Base):
    """One period's gated release: the report as JSON and the gated tables behind it."""

    __tablename__ = "releases"

    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_on: Mapped[date] = mapped_column()
    settings: Mapped[dict] = mapped_column(JSON)
    report: Mapped[str] = mapped_column(Text)
    responses: Mapped[str | None] = mapped_column(Text)
    leavers: Mapped[str | None] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
