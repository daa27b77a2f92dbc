"""Printed handouts kept for a short while so HR can show them again (see hr/handout_sheets.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.models.base import Base, utcnow


class HandoutSheet(Base):
    """The one-time links of one handout page, sealed with a key derived from the HR
    user's sign-in cookie (never stored) and the server's secret; `sealed` is emptied
    when the short window ends."""

    __tablename__ = "handout_sheets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, in the page's URL
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sealed: Mapped[str | None] = mapped_column(Text)
