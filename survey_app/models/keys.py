"""One sealed check value per encryption key version (see survey_app/key_checks.py)."""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.models.base import Base


class KeyCheck(Base):
    """A known text sealed with key `version` when that key was first used.

    At start every configured key must open its row, so a well-formed but wrong key
    is refused before anything is sealed with it.
    """

    __tablename__ = "key_checks"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sealed: Mapped[str] = mapped_column(Text)
