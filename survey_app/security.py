"""Security headers on every response, error pages included."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
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


# Pages that take a file; every other request body is held to MAX_CONTENT_LENGTH.
UPLOAD_ENDPOINTS = frozenset({"org.import_submit", "hr.invitation_import_submit"})
FORM_BODY = "application/x-www-form-urlencoded"


def keep_raw_form() -> None:
    """First hook of all: set the body limit and keep an encoded form's raw bytes.

    Werkzeug turns undecodable bytes into `%FF` text when it parses a form, so
    `check_form_input` must see the bytes as sent. Reading them here also applies
    the size limit (413) before anything else reads the body.
    """
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["MAX_UPLOAD_LENGTH"]
    if request.mimetype == FORM_BODY:
        request.get_data(cache=True)  # the form is parsed from this cached copy


def check_form_input():
    """Refuse, with a short 400 page that repeats nothing, any form or query field that
    holds a NUL character, is not valid UTF-8, or is longer than MAX_FIELD_LENGTH.

    Runs for every request before the views (and so before anything is stored); the
    respondent pages are covered like the staff pages.
    """
    from survey_app.errors import render_error

    try:
        fields = _fields()
    except UnicodeDecodeError:
        return render_error(400, _("Det du skickade kunde inte läsas"),
                            _("Texten var inte giltig UTF-8. Inget sparades. Ladda om sidan "
                              "och försök igen."))
    limit = current_app.config["MAX_FIELD_LENGTH"]
    for name, value in fields:
        if "\x00" in name or "\x00" in value:
            return render_error(400, _("Det du skickade innehöll ett otillåtet tecken"),
                                _("Ett fält innehöll ett NUL-tecken (tecken 0), som inte kan "
                                  "sparas. Inget sparades. Skriv texten på nytt utan det "
                                  "tecknet och skicka igen."))
        if len(value) > limit:
            return render_error(400, _("Ett fält var för långt"),
                                _("Ett fält hade fler än %(n)d tecken. Inget sparades. Korta "
                                  "texten och skicka igen.", n=limit))
    return None


def _fields() -> list[tuple[str, str]]:
    """Every query and form field, decoded strictly (UnicodeDecodeError if not UTF-8)."""
    fields = _strict_pairs(request.query_string)
    if request.mimetype == FORM_BODY:
        fields += _strict_pairs(request.get_data(cache=True))
    elif request.mimetype == "multipart/form-data":
        # Werkzeug decodes each part with replacement characters: treat one as invalid.
        for name, value in request.form.items(multi=True):
            if "\ufffd" in name or "\ufffd" in value:
                raise UnicodeDecodeError("utf-8", b"", 0, 1, "invalid multipart field")
            fields.append((name, value))
    return fields


def _strict_pairs(raw: bytes) -> list[tuple[str, str]]:
    return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8",
                     errors="strict")


def register_input_checks(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, keep_raw_form)
    app.before_request(check_form_input)


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
