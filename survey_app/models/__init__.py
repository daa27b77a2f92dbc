"""All tables. Import models from here."""

from survey_app.models.base import Base, today, utcnow
from survey_app.models.handouts import HandoutSheet
from survey_app.models.keys import KeyCheck
from survey_app.models.org import ORG_KINDS, OccupationalGroup, OrgUnit, OrgUnitPlacement
from survey_app.models.people import (
    ROLES,
    AuditEvent,
    ManagerUnit,
    StaffSession,
    User,
    UserRole,
)
from survey_app.models.releases import StoredRelease
from survey_app.models.survey import (
    FORGOTTEN_WHEN_USED,
    SOURCES,
    Draft,
    Invitation,
    InvitationBatch,
    InvitationTally,
    OpenLink,
    OpenLinkClaim,
    Response,
    random_id,
)

__all__ = [
    "StoredRelease",
    "FORGOTTEN_WHEN_USED",
    "ORG_KINDS",
    "ROLES",
    "SOURCES",
    "AuditEvent",
    "Draft",
    "Invitation",
    "KeyCheck",
    "HandoutSheet",
    "InvitationBatch",
    "InvitationTally",
    "OpenLink",
    "OpenLinkClaim",
    "Response",
    "random_id",
    "Base",
    "ManagerUnit",
    "OccupationalGroup",
    "OrgUnit",
    "OrgUnitPlacement",
    "StaffSession",
    "User",
    "UserRole",
    "today",
    "utcnow",
]
