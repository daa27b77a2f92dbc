"""Staff sign-in, sessions and access rules."""

from survey_app.auth.access import requires
from survey_app.auth.views import bp

__all__ = ["bp", "requires"]
