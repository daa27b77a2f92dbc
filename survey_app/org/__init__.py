"""Organisation: the tree for HR, their own units for managers, CSV import and export."""

from survey_app.org.views import bp

__all__ = ["bp"]
