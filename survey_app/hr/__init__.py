"""HR's pages: people and roles, the audit log (later: invitations, results, reports)."""

from survey_app.hr.views import bp

__all__ = ["bp"]
