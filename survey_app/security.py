"""Security headers on every response, error pages included."""

from __future__ import annotations

import logging
import re

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

# Respondent pages hold answers in progress; staff pages hold personal data.
NO_STORE_BLUEPRINTS = frozenset({"respond", "auth"})


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config["HTTPS"]:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if g.get("user") is not None or request.blueprint in NO_STORE_BLUEPRINTS:
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def register_headers(app: Flask) -> None:
    app.after_request(add_security_headers)


class _DropRespondentLines(logging.Filter):
    """The development server logs each request; respondent pages must leave no trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        # werkzeug colours non-200 lines with ANSI codes between the quote and the method
        message = ANSI_ESCAPE.sub("", record.getMessage())
        return RESPONDENT_REQUEST.search(message) is None


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
RESPONDENT_REQUEST = re.compile(r'"[A-Z]+ /s(/|\?|\s)')


def quiet_respondent_access_log() -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, _DropRespondentLines) for f in logger.filters):
        logger.addFilter(_DropRespondentLines())
