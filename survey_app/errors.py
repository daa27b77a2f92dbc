"""Friendly error pages in the layout, with the security headers like any page."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: (_l("Något i förfrågan var fel"), _l("Gå tillbaka och försök igen.")),
    403: (_l("Du har inte behörighet till sidan"),
          _l("Sidan finns, men din roll ger inte tillgång till den. "
             "Kontakta HR om du behöver behörighet.")),
    404: (_l("Sidan finns inte"), _l("Kontrollera adressen eller gå till startsidan.")),
    405: (_l("Det går inte att göra så här"), _l("Gå tillbaka och försök igen.")),
    413: (_l("Det du skickade var för stort"), _l("Skicka mindre text eller en mindre fil.")),
    429: (_l("För många försök"),
          _l("Av säkerhetsskäl måste du vänta en stund, högst 15 minuter, innan du försöker igen.")),
    500: (_l("Något gick fel hos oss"),
          _l("Felet är loggat. Det du skickade just nu kanske inte sparades: gå tillbaka och "
             "försök igen om en stund.")),
    503: (_l("Vi kan inte spara just nu"),
          _l("Det du skickade just nu har inte sparats. Vänta en liten stund, gå tillbaka och "
             "försök igen.")),
}


def render_error(code: int, title=None, message=None):
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    return render_template("error.html", code=code, title=title or default_title,
                           message=message or default_message), code


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError):
        return render_error(
            400, _l("Formuläret hade gått ut"),
            _l("Av säkerhetsskäl gäller ett formulär en begränsad tid. Ladda om sidan och "
               "skicka igen."))

    @app.errorhandler(DBAPIError)
    def database_unavailable(exc: DBAPIError):
        # A database that is busy, restarting or unreachable: say so, and when to retry.
        app.logger.warning("Database unavailable: %s", type(exc.orig).__name__)
        body, code = render_error(503)
        return body, code, {"Retry-After": "10"}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return render_error(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("Unhandled error", exc_info=exc)
        return render_error(InternalServerError.code)
