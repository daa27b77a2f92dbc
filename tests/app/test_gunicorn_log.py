"""A respondent's journey through a real gunicorn (deploy/gunicorn.conf.py) leaves no trace in its logs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from survey_app.crypto import token_digest
from survey_app.gunicorn_logging import RespondentSafeLogger, is_respondent_path
from tests.app.conftest import csrf_from
from tests.app.survey_helpers import STEP_ANSWERS, invite, open_link

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
READY_SECONDS = 60
REQUEST_SECONDS = 20


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the test see every 302 and follow it itself


class Browser:
    """One visitor with a cookie jar; redirects are returned, not followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())

    def request(self, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(request, timeout=REQUEST_SECONDS) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read().decode()

    def get(self, path: str):
        return self.request(path)

    def post_step(self, number: int, data: dict, action: str = "next"):
        status, _, page = self.get(f"/s/step/{number}")
        assert status == 200, (number, status)
        return self.request(f"/s/step/{number}",
                            {"csrf_token": csrf_from(page), "action": action, **data})


class Gunicorn:
    def __init__(self, app, tmp_path: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.access_log = tmp_path / "access.log"
        self.error_log = tmp_path / "error.log"
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("GUNICORN_", "FLASK_")) and key != "WEB_CONCURRENCY"}
        env.update({
            "APP_ENV": "development", "HTTPS": "0", "TRUSTED_PROXIES": "0",
            "DATABASE_URL": app.config["DATABASE_URL"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "TOKEN_HMAC_KEY": app.config["TOKEN_HMAC_KEY"],
            "ENCRYPTION_KEYS": app.config["ENCRYPTION_KEYS"],
            "RATELIMIT_STORAGE_URI": "memory://",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        })
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--workers", "2",
             "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5",
             "--access-logfile", str(self.access_log), "--error-logfile", str(self.error_log),
             "survey_app:create_app()"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.errors()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"gunicorn was not listening after {READY_SECONDS} s:\n{self.errors()}")

    def stop(self) -> None:
        """Stop gracefully (so every line is written), then for good."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def accesses(self) -> str:
        return self.access_log.read_text() if self.access_log.exists() else ""

    def errors(self) -> str:
        return self.error_log.read_text() if self.error_log.exists() else ""

    def raw(self, data: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=REQUEST_SECONDS) as sock:
            sock.sendall(data)
            return sock.recv(65536)


@pytest.fixture
def gunicorn(app, tmp_path, request):
    server = Gunicorn(app, tmp_path)
    request.addfinalizer(server.stop)
    server.wait_ready()
    return server


def test_respondent_journey_leaves_no_trace_in_gunicorn_logs(app, org, gunicorn):
    [token, malformed_token] = invite(app, count=2)
    shared = open_link(app)
    secret = app.config["TOKEN_HMAC_KEY"] or app.config["SECRET_KEY"]
    tokens = [token, shared, malformed_token]
    never_logged = tokens + [token_digest(secret, value) for value in tokens]

    staff = Browser(gunicorn.base)
    status, _, page = staff.get("/auth/login")
    assert status == 200 and "csrf_token" in page

    # An invited respondent, from the link on her handout to the thanks page.
    phone = Browser(gunicorn.base)
    status, headers, _ = phone.get(f"/s/{token}")
    assert status == 302 and headers["Location"].endswith("/s/")
    status, _, page = phone.get("/s/")
    assert status == 200 and token not in page
    *steps, last = STEP_ANSWERS
    for number, data in enumerate(steps, start=1):
        status, headers, _ = phone.post_step(number, data)
        assert (status, headers["Location"]) == (302, f"/s/step/{number + 1}"), number
    # The last step submits; what it answers is test_respond's business, the logs are this one's.
    phone.post_step(len(STEP_ANSWERS), last)
    phone.get("/s/thanks")
    assert phone.get(f"/s/{token}?utm_source=sms")[0] in (302, 410)  # a second tap, with a query

    # A colleague on the unit's shared (open) link, then some stray respondent paths.
    tablet = Browser(gunicorn.base)
    status, headers, _ = tablet.get(f"/s/o/{shared}")
    assert status == 302 and headers["Location"].endswith("/s/")
    assert tablet.get("/s/")[0] == 200
    assert tablet.get("/s/step/1?missing=1")[0] == 200
    for path in ("/s", "/s/step/99", "//s/" + token, "/%73/" + token):
        tablet.get(path)
    # A request gunicorn itself rejects, with the token in the request line it quotes.
    reply = gunicorn.raw(f"GET /s/{malformed_token}\r\n\r\n".encode())
    assert reply.startswith(b"HTTP/1.1 400")

    status, _, _ = staff.get("/auth/login?next=/hr/")
    assert status == 200
    gunicorn.stop()

    accesses, errors = gunicorn.accesses(), gunicorn.errors()
    assert '"GET /auth/login" 200' in accesses, accesses
    lines = accesses.splitlines()
    assert len(lines) == 2, accesses  # the two staff requests, nothing else
    assert "/s" not in accesses
    assert not any(is_respondent_path(line.split('"')[1].split()[1]) for line in lines)
    assert "127.0.0.1" not in accesses
    for secret_value in never_logged:
        assert secret_value not in accesses
        assert secret_value not in errors, errors
    assert "ip=127.0.0.1" not in errors
    assert "Booting worker" in errors  # the error log was written to, just not with secrets


# The logger on its own, for the variants a journey does not produce.

def _logger(tmp_path) -> tuple[RespondentSafeLogger, Path, Path]:
    cfg = Config()
    access, error = tmp_path / "a.log", tmp_path / "e.log"
    cfg.set("accesslog", str(access))
    cfg.set("errorlog", str(error))
    cfg.set("access_log_format", '%(h)s %(t)s "%(r)s" %(s)s %({x-forwarded-for}i)s %(q)s')
    return RespondentSafeLogger(cfg), access, error


def _access(logger, path: str, query: str = "", raw: str | None = None) -> None:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
               "RAW_URI": raw or (path + (f"?{query}" if query else "")),
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "192.0.2.7"}
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "198.51.100.9")], path=path,
                              uri=environ["RAW_URI"])
    logger.access(response, request, environ, timedelta(milliseconds=3))


def _close(logger) -> None:
    for log in (logger.access_log, logger.error_log):
        for handler in list(log.handlers):
            handler.close()
            log.removeHandler(handler)


def test_logger_drops_respondent_lines_and_blanks_addresses_whatever_the_format(tmp_path):
    logger, access, _ = _logger(tmp_path)
    try:
        for path, raw in [("/s", None), ("/s/", None), ("/s/AbC123", None), ("/s/o/AbC123", None),
                          ("/s/step/2", "/s/step/2?missing=1"), ("//s/AbC123", None),
                          ("/s/AbC123", "/%73/AbC123"), ("/s/AbC123", "http://avgang.se/s/AbC123"),
                          ("/x/../s/AbC123", None), ("/S/AbC123", None)]:
            _access(logger, path, raw=raw)
        _access(logger, "/static/app.css")
        _access(logger, "/auth/login", query="next=%2Fs%2FAbC123")
    finally:
        _close(logger)
    lines = access.read_text().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("- [") and '"GET /static/app.css HTTP/1.1" 200 -' in lines[0]
    assert "AbC123" not in "".join(lines) and "/s/" not in "".join(lines)
    assert "192.0.2.7" not in "".join(lines) and "198.51.100.9" not in "".join(lines)


def test_error_log_never_names_a_respondent_path_or_client(tmp_path):
    logger, _, error = _logger(tmp_path)
    try:
        logger.warning("Invalid request from ip=192.0.2.7: Invalid HTTP request line: "
                       "'GET /s/AbC123 junk'")
        try:
            raise RuntimeError("boom while serving /s/o/AbC123?x=1")
        except RuntimeError:
            logger.exception("Error handling request %s", "/s/AbC123?utm=1")
        logger.info("Listening at: %s", "http://127.0.0.1:8000")
    finally:
        _close(logger)
    text = error.read_text()
    assert "AbC123" not in text and "192.0.2.7" not in text
    assert "Error handling request [respondent path removed]" in text
    assert "RuntimeError: boom while serving [respondent path removed]" in text
    assert "Listening at: http://127.0.0.1:8000" in text


def test_shipped_config_uses_the_safe_logger():
    cfg = Config()
    namespace: dict = {"__file__": str(CONFIG)}
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), namespace)  # as gunicorn does
    for name, value in namespace.items():
        if name in cfg.settings:
            cfg.set(name, value)
    assert cfg.logger_class is RespondentSafeLogger
    assert "%(h)s" not in cfg.access_log_format
    assert cfg.bind == ["127.0.0.1:8000"] or os.environ.get("GUNICORN_BIND")
    assert cfg.workers >= 1 and cfg.timeout > 0

