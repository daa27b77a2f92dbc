"""A gunicorn logger that leaves no trace of respondents (used by deploy/gunicorn.conf.py).

The access log gets no line at all for a respondent page (`/s`, `/s/…`, open links
`/s/o/…`, with or without a query), and no line carries the client's address, whatever
access format is configured. The error log has respondent paths and client addresses
blanked out of its messages and tracebacks ("Error handling request /s/<token>",
"Invalid request from ip=…: Invalid HTTP request line: 'GET /s/<token> …'").
"""

from __future__ import annotations

import logging
import posixpath
import re
from urllib.parse import unquote, urlsplit

from gunicorn.glogging import Logger

__all__ = ["RespondentSafeLogger", "is_respondent_path", "redact"]

# Atoms (and header/environ atoms) that name the client, or carry its credentials.
BLANKED_ATOMS = ("h", "u")
BLANKED_VARIABLES = frozenset({
    "{x-forwarded-for}i", "{x-real-ip}i", "{forwarded}i", "{true-client-ip}i",
    "{cf-connecting-ip}i", "{cookie}i", "{authorization}i", "{set-cookie}o",
    "{remote_addr}e", "{remote_port}e", "{http_x_forwarded_for}e", "{http_x_real_ip}e",
    "{http_forwarded}e", "{http_cookie}e", "{http_authorization}e", "{proxy_addr}e",
})
# Atoms that may quote another URI (the query, the request line, the referrer).
REDACTED_ATOMS = frozenset({"r", "q", "f", "{referer}i", "{raw_uri}e", "{query_string}e"})

# "/s" as a whole path segment, wherever it starts (absolute URIs, script prefixes, quotes);
# the rest of the URI, up to white space or a quote, goes with it.
RESPONDENT_URI = re.compile(r"""(?i)(?:https?://[^/\s'"]*)?(?:/[^\s'"?#]*)?/+(?:%73|s)(?=[/?#;\s'"]|$)"""
                            r"""[^\s'"]*""")
CLIENT_ADDRESS = re.compile(r"\bip=(?:\S*?(?=: )|\S+)")  # "Invalid request from ip=…: …"
REDACTED = "[respondent path removed]"


def _normalised(path: str) -> str:
    for _ in range(3):  # %2573 -> %73 -> s
        unquoted = unquote(path)
        if unquoted == path:
            break
        path = unquoted
    if path.lower().startswith(("http://", "https://")):
        path = urlsplit(path).path
    path = path.split("?", 1)[0].split("#", 1)[0]
    path = re.sub(r"/{2,}", "/", "/" + path.lstrip("/"))
    return posixpath.normpath(path).lower()


def is_respondent_path(path: str | None) -> bool:
    """True for `/s` and anything under `/s/` (after decoding, slash merging and `..`)."""
    if not path:
        return False
    normalised = _normalised(path)
    return normalised == "/s" or normalised.startswith("/s/")


def redact(text: str) -> str:
    """Blank respondent URIs and client addresses out of an error-log text."""
    return CLIENT_ADDRESS.sub("ip=-", RESPONDENT_URI.sub(REDACTED, text))


class _RedactErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RespondentSafeLogger(Logger):
    """gunicorn's logger, minus respondent lines and client addresses."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(f, _RedactErrors) for f in self.error_log.filters):
            self.error_log.addFilter(_RedactErrors())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in BLANKED_ATOMS:
            atoms[key] = "-"
        for key in BLANKED_VARIABLES & atoms.keys():
            atoms[key] = "-"
        for key in REDACTED_ATOMS & atoms.keys():  # e.g. "/auth/login?next=/s/<token>"
            value = unquote(str(atoms[key]))
            if RESPONDENT_URI.search(value):
                atoms[key] = redact(value)
        return atoms

    def access(self, resp, req, environ, request_time) -> None:
        candidates = (environ.get("PATH_INFO"), environ.get("RAW_URI"),
                      getattr(req, "path", None), getattr(req, "uri", None))
        if any(is_respondent_path(path) for path in candidates):
            return
        super().access(resp, req, environ, request_time)
