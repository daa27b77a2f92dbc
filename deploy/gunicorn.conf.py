"""gunicorn settings for Avgång: `gunicorn -c deploy/gunicorn.conf.py 'survey_app:create_app()'`.

The access log never gets a line for a respondent page (`/s`, `/s/…`, `/s/o/…`) and no line
names a client address; the error log has respondent paths blanked out. Both come from
`survey_app.gunicorn_logging.RespondentSafeLogger` – keep it when you change anything here
(see docs/privacy.md, "Logs"). Command-line options still override these values.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# Behind the TLS-terminating proxy, on the loopback interface only.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A fresh process now and then bounds what any leak can grow to.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# No preload: every worker opens its own database pool after the fork.
preload_app = False

# "-" is standard output / standard error; a path appends to that file.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Time, method, path without query, status, bytes, milliseconds – no client address (%(h)s),
# no query (%(q)s), no referrer, no user agent. The logger blanks %(h)s even if it is added.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
logger_class = "survey_app.gunicorn_logging.RespondentSafeLogger"
