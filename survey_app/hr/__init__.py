"""HR's pages: people and roles, the audit log, invitations and open links."""

from survey_app.hr import accounts, invitation_views
from survey_app.hr.blueprint import bp

__all__ = ["accounts", "bp", "invitation_views"]
