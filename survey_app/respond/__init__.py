"""Public, anonymous pages: the exit survey answered through a one-time or open link."""

from survey_app.respond.views import bp

__all__ = ["bp"]
