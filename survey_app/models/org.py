"""The organisation: municipality, administrations, units, occupational groups."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import Base, today

ORG_KINDS = ("municipality", "administration", "unit")


class OrgUnit(Base):
    """A node of the organisation tree; `code` is stable, names and parents may change."""

    __tablename__ = "org_units"
    __table_args__ = (
        CheckConstraint("kind IN ('municipality', 'administration', 'unit')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent", order_by="OrgUnit.code")

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code} {self.kind}>"


class OrgUnitPlacement(Base):
    """Where a node sat in the tree and when: moves keep their history."""

    __tablename__ = "org_unit_placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    valid_from: Mapped[date] = mapped_column(default=today)
    valid_to: Mapped[date | None] = mapped_column()


class OccupationalGroup(Base):
    """A yrkesgrupp with a stable code (e.g. USK for undersköterska)."""

    __tablename__ = "occupational_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_sv
