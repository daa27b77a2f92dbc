"""Load harness: one-time links submitted concurrently through the real pages (not a pytest test).

Run:  .venv/bin/python benchmarks/load_submit.py --db sqlite|postgres [--links 500] [--workers 4]
                                                 [--concurrency 100] [--prestored 10000]

What it does, on 127.0.0.1 only and bounded in count and time:

1. Creates a fresh database (a SQLite file in a temporary directory, or a PostgreSQL
   database ``avgang_load_<random>`` on ``--pg-url``, dropped at the end) and migrates it.
2. Creates a minimal organisation (one unit, one occupational group), bulk-inserts
   ``--prestored`` responses (with as many used invitations) in the current quarter of
   the exit survey, and issues ``--links`` invitations with ``issue_invitations``; the
   tokens stay in memory.
3. Starts gunicorn (``--workers``, ``deploy/gunicorn.conf.py`` with ``-c`` when it exists)
   on a free port with ``survey_app:create_app()`` and waits until it answers.
4. Walks every link through the real pages, each leaver with a cookie jar of her own:
   GET /s/<token>, GET /s/, then for each step GET /s/step/N, read csrf_token and resume,
   POST the answers with action=next, up to the last step's page. A share of the links is
   also opened on a second device (another cookie jar) before anything is submitted.
5. The final submits: ``--concurrency`` threads start together behind a barrier and keep
   that many leavers' final POSTs in flight until all are sent. Some leavers double-tap
   (two POSTs at once from the same session), some also submit from the second device at
   the same moment. Only these final POSTs are timed.
6. Stops gunicorn and counts from the database: new responses, prestored responses still
   there, used invitations, drafts left; compares with the leavers who were shown the
   thank-you page.

Exits 1 on any lost or duplicated response, lost prestored response, 5xx, connection
error or timeout, or p99 of the final submit at or above ``--max-p99`` seconds; 2 when the
harness itself could not run (set-up failed, the server did not start).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import queue
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from survey_app import create_app, migrate
from survey_app.config import DEV_ENCRYPTION_KEYS, normalise_database_url
from survey_app.demo.leavers import TENURE_WEIGHTS, answers_for
from survey_app.extensions import db as database
from survey_app.hr.invitations import Leaver, issue_invitations
from survey_app.instruments import catalogue
from survey_app.models import (
    Draft,
    Invitation,
    OccupationalGroup,
    OrgUnit,
    OrgUnitPlacement,
    Response,
    random_id,
    today,
)
from survey_app.periods import quarter_of

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
QUESTIONNAIRE = "exit_survey"
UNIT, GROUP = "LOAD01", "USK"
ENDINGS = ("own_resignation", "fixed_term_ended", "other")
BATCH = 5000

# The answers of tests/app/survey_helpers.py STEP_ANSWERS (copied: benchmarks do not import tests).
STEP_ANSWERS = [
    {"reasons": ["introduction", "workload"], "main_reason": "introduction"},
    {"cond_introduction": "1", "cond_leadership": "4", "cond_workload": "2",
     "cond_schedule": "dont_know"},
    {"stay_factors": "En bättre introduktion och mindre stress.", "recommend": "6",
     "come_back": "unsure", "comment": "<script>alert(1)</script> Tack för mig!"},
]

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
RESUME = re.compile(r'name="resume"[^>]*value="([^"]*)"')
TOTAL = re.compile(r'<progress max="(\d+)"')
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Failure|Detected|Deadlock)): ?(.*)$")


class HarnessTimeout(Exception):
    """The hard overall time limit was reached."""


class HarnessError(Exception):
    """The harness could not run (set-up, server start)."""


# --- HTTP: one device is one cookie jar ----------------------------------------------------------


@dataclass
class Reply:
    status: int  # 0: no HTTP answer (connection error or timeout)
    location: str
    body: str
    seconds: float
    error: str = ""

    @property
    def target(self) -> str:
        parts = urlsplit(self.location)
        return parts.path + (f"?{parts.query}" if parts.query else "")


class Stats:
    """Every request's status, by phase; thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: dict[str, Counter] = {}
        self.errors: Counter = Counter()

    def record(self, phase: str, reply: Reply) -> None:
        with self.lock:
            self.statuses.setdefault(phase, Counter())[reply.status] += 1
            if reply.error:
                self.errors[f"{phase}: {reply.error}"] += 1

    def count(self, phase: str | None = None, low: int = 500, high: int = 600) -> int:
        with self.lock:
            phases = [phase] if phase else list(self.statuses)
            return sum(n for p in phases for s, n in self.statuses.get(p, {}).items() if low <= s < high)

    def requests(self) -> int:
        with self.lock:
            return sum(sum(c.values()) for c in self.statuses.values())


class Browser:
    """A phone or a computer: its own cookies; a new connection per request (sync workers close them)."""

    def __init__(self, port: int, timeout: float, stats: Stats) -> None:
        self.port, self.timeout, self.stats = port, timeout, stats
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def get(self, path: str, phase: str) -> Reply:
        return self.request("GET", path, None, phase)

    def post(self, path: str, form: dict, phase: str) -> Reply:
        return self.request("POST", path, form, phase)

    def request(self, method: str, path: str, form: dict | None, phase: str) -> Reply:
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "avgang-load-harness",
                   "Accept-Language": "sv"}
        with self.lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            seconds = time.perf_counter() - started
            reply = Reply(response.status, response.getheader("Location") or "",
                          data.decode("utf-8", "replace"), seconds)
            self._store(response.headers.get_all("Set-Cookie") or [])
        except (OSError, http.client.HTTPException) as exc:
            reply = Reply(0, "", "", time.perf_counter() - started, error=type(exc).__name__)
        finally:
            conn.close()
        self.stats.record(phase, reply)
        return reply

    def _store(self, headers: list[str]) -> None:
        with self.lock:
            for header in headers:
                first, *attributes = header.split(";")
                name, _, value = first.strip().partition("=")
                attrs = {a.strip().partition("=")[0].lower(): a.strip().partition("=")[2]
                         for a in attributes}
                if not value or attrs.get("max-age") == "0" or "1970" in attrs.get("expires", ""):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value


# --- the leavers ---------------------------------------------------------------------------------


@dataclass
class User:
    index: int
    token: str
    double_tap: bool
    second_device: bool
    primary: Browser | None = None
    second: Browser | None = None
    final_path: str = ""
    forms: list[tuple[Browser, dict]] = field(default_factory=list)
    prepared: bool = False
    submitted: bool = False
    replies: list[Reply] = field(default_factory=list)
    problem: str = ""

    @property
    def saw_thanks(self) -> bool:
        return any(r.status == 302 and r.target == "/s/thanks" for r in self.replies)


def _page_fields(page: Reply) -> tuple[str, str, int]:
    csrf, resume, total = CSRF.search(page.body), RESUME.search(page.body), TOTAL.search(page.body)
    if not csrf or not total:
        raise HarnessError(f"no csrf_token or step count in the step page (HTTP {page.status})")
    return csrf.group(1) or csrf.group(2), resume.group(1) if resume else "", int(total.group(1))


def _expect(reply: Reply, status: int, what: str, target: str | None = None) -> None:
    if reply.status != status or (target is not None and reply.target != target):
        raise HarnessError(f"{what}: HTTP {reply.status} {reply.target or reply.error}".strip())


def _open(browser: Browser, token: str) -> None:
    _expect(browser.get(f"/s/{token}", "walk"), 302, "open link", "/s/")
    _expect(browser.get("/s/", "walk"), 200, "start page")


def prepare(user: User, port: int, timeout: float, stats: Stats) -> None:
    """Walk the link up to the last step's page; the second device opens the link too."""
    user.primary = Browser(port, timeout, stats)
    _open(user.primary, user.token)
    number = 1
    while True:
        page = user.primary.get(f"/s/step/{number}", "walk")
        _expect(page, 200, f"step {number} page")
        csrf, resume, total = _page_fields(page)
        if total != len(STEP_ANSWERS):
            raise HarnessError(f"the survey has {total} steps, the harness knows {len(STEP_ANSWERS)}")
        form = {"csrf_token": csrf, "resume": resume, "action": "next", **STEP_ANSWERS[number - 1]}
        if number == total:
            user.final_path = f"/s/step/{number}"
            user.forms = [(user.primary, form)] * (2 if user.double_tap else 1)
            break
        _expect(user.primary.post(f"/s/step/{number}", form, "walk"), 302, f"step {number} post",
                f"/s/step/{number + 1}")
        number += 1
    if user.second_device:
        user.second = Browser(port, timeout, stats)
        _open(user.second, user.token)
        page = user.second.get(user.final_path, "walk")
        _expect(page, 200, "second device, last step page")
        csrf, resume, _total = _page_fields(page)
        user.forms.append((user.second, {"csrf_token": csrf, "resume": resume, "action": "next",
                                         **STEP_ANSWERS[-1]}))
    user.prepared = True


def submit(user: User) -> None:
    """The final POST(s) of one leaver, all taps released at the same moment."""
    replies: list[Reply | None] = [None] * len(user.forms)
    together = threading.Barrier(len(user.forms))

    def tap(i: int) -> None:
        browser, form = user.forms[i]
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait(timeout=10)
        replies[i] = browser.post(user.final_path, form, "final")

    extra = [threading.Thread(target=tap, args=(i,), daemon=True) for i in range(1, len(user.forms))]
    for thread in extra:
        thread.start()
    tap(0)
    for thread in extra:
        thread.join(timeout=user.forms[0][0].timeout + 15)
    user.replies = [r for r in replies if r is not None]
    user.submitted = len(user.replies) == len(user.forms)


def run_pool(users: list[User], work, concurrency: int, deadline: float, together: bool = False) -> None:
    """Run work(user) on `concurrency` threads until done or the deadline; problems stay on the user."""
    todo: queue.SimpleQueue[User] = queue.SimpleQueue()
    for user in users:
        todo.put(user)
    size = max(1, min(concurrency, len(users)))
    start = threading.Barrier(size) if together else None

    def runner() -> None:
        if start is not None:
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=max(1.0, deadline - time.monotonic()))
        while time.monotonic() < deadline:
            try:
                user = todo.get_nowait()
            except queue.Empty:
                return
            try:
                work(user)
            except HarnessError as exc:
                user.problem = str(exc)
            except Exception as exc:  # keep going; reported per user
                user.problem = f"{type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=runner, daemon=True) for _ in range(size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 1)


# --- database --------------------------------------------------------------------------------------


def _local(url: str) -> None:
    host = make_url(url).host or ""
    if host not in LOCAL_HOSTS:
        raise HarnessError(f"the harness only talks to 127.0.0.1, not {host!r}")


def create_database(args, tmp: Path):
    """A fresh database URL and a function that drops it."""
    if args.db == "sqlite":
        return "sqlite:///" + str(tmp / "load.sqlite3"), lambda: None
    admin_url = make_url(normalise_database_url(args.pg_url))
    _local(admin_url.render_as_string(hide_password=False))
    name = f"avgang_load_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 10})
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def app_settings(url: str, secret: str) -> dict:
    return {"DATABASE_URL": url, "SECRET_KEY": secret, "TOKEN_HMAC_KEY": "",
            "ENCRYPTION_KEYS": DEV_ENCRYPTION_KEYS, "RATELIMIT_STORAGE_URI": "memory://",
            "APP_ENV": "development", "HTTPS": False, "TRUSTED_PROXIES": 0}


def _history_conventions():
    """What the demo loader does to stored history (survey_app/demo/survey_history.py), where the
    schema has it: responses already mixed in groups, used invitations stripped, group tallies."""
    try:
        from survey_app.models import FORGOTTEN_WHEN_USED, InvitationTally
    except ImportError:  # an older schema (the landed code before the submission fix)
        return None, None
    return InvitationTally, FORGOTTEN_WHEN_USED


def set_up(url: str, secret: str, links: int, prestored: int, seed: int):
    """Organisation, prestored responses and used invitations, then the links. Returns the lot."""
    app = create_app(app_settings(url, secret))
    rng = random.Random(seed)
    day = today()
    quarter = quarter_of(day)
    tally_model, forgotten = _history_conventions()
    columns = Response.__table__.c
    with app.app_context():
        session = database.new_session()
        try:
            root = OrgUnit(code="LOADK", name="Lastkommun", kind="municipality")
            admin = OrgUnit(code="LOAD", name="Vård och omsorg", kind="administration", parent=root)
            unit = OrgUnit(code=UNIT, name="Äldreboendet Lasten", kind="unit", parent=admin)
            session.add_all([root, admin, unit])
            session.add(OccupationalGroup(code=GROUP, name_sv="Undersköterska", name_en="Assistant nurse"))
            session.flush()
            session.add_all(OrgUnitPlacement(unit_id=u.id, parent_id=u.parent_id)
                            for u in (root, admin, unit))
            version = catalogue().current(QUESTIONNAIRE).version
            keyring = app.extensions["keyring"]
            bands = list(TENURE_WEIGHTS)
            responses, invitations, prestored_ids, per_band = [], [], set(), Counter()
            for _ in range(prestored):
                band, ending = rng.choice(bands), rng.choice(ENDINGS)
                per_band[band] += 1
                answers, texts = answers_for(rng, band, ending)
                response_id = random_id()
                prestored_ids.add(response_id)
                sealed = keyring.seal(json.dumps(texts, ensure_ascii=False), table="responses",
                                      row_id=response_id, column="sealed_texts") if texts else None
                responses.append({
                    "id": response_id, "questionnaire_key": QUESTIONNAIRE,
                    "questionnaire_version": version, "source": "invitation", "unit_id": unit.id,
                    "occupational_group_code": GROUP, "tenure_band": band, "ending_type": ending,
                    "quarter": quarter, "answers": answers, "sealed_texts": sealed})
                invitation = {
                    "token_digest": secrets.token_hex(32), "batch": "load-prestored",
                    "questionnaire_key": QUESTIONNAIRE, "unit_id": unit.id,
                    "occupational_group_code": GROUP, "tenure_band": band, "ending_type": ending,
                    "leaving_quarter": quarter, "created_on": day - timedelta(days=20),
                    "expires_on": day + timedelta(days=40), "used": True}
                if forgotten is not None:  # a used invitation keeps its digest, flag and expiry only
                    invitation.update(forgotten)
                invitations.append(invitation)
            if "mixed" in columns:  # history sits in mix groups, as the mixer leaves it
                size = app.config.get("MIX_SAMPLE", 20) + 1
                parts = max(1, len(responses) // size)
                for index in range(parts):
                    group = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                    for row in responses[index::parts]:
                        row.update(mixed=True, **({"mix_group": group} if "mix_group" in columns else {}))
            if tally_model is not None and per_band:
                session.execute(insert(tally_model), [
                    {"questionnaire_key": QUESTIONNAIRE, "unit_id": unit.id, "quarter": quarter,
                     "tenure_band": band, "invited": number, "used": number}
                    for band, number in per_band.items()])
            for start in range(0, len(invitations), BATCH):
                session.execute(insert(Invitation), invitations[start:start + BATCH])
            for start in range(0, len(responses), BATCH):
                session.execute(insert(Response), responses[start:start + BATCH])
            leavers = [Leaver(UNIT, GROUP, rng.choice(bands), rng.choice(ENDINGS), quarter)
                       for _ in range(links)]
            window = ({"collection_days": app.config["COLLECTION_DAYS"]}
                      if "COLLECTION_DAYS" in app.config else {})  # older code has no window
            issued = issue_invitations(session, leavers, questionnaire_key=QUESTIONNAIRE, secret=secret,
                                       valid_days=app.config["INVITATION_VALID_DAYS"], today=day,
                                       **window)
            session.commit()
        finally:
            session.close()
            database.engine.dispose()
    return quarter, prestored_ids, [link.token for link in issued], [link.invitation_id for link in issued]


def count(url: str, quarter: str, prestored_ids: set[str], invitation_ids: list[int]) -> dict:
    """What the database holds after the run (gunicorn stopped)."""
    table = Response.__table__
    tally_model, _forgotten = _history_conventions()
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            ids = set(conn.scalars(select(table.c.id).where(table.c.quarter == quarter,
                                                            table.c.questionnaire_key == QUESTIONNAIRE)))
            all_responses = conn.scalar(select(func.count()).select_from(table))
            used = conn.scalar(select(func.count()).select_from(Invitation).where(
                Invitation.id.in_(invitation_ids), Invitation.used.is_(True)))
            drafts = conn.scalar(select(func.count()).select_from(Draft))
            unmixed = (conn.scalar(select(func.count()).select_from(table).where(table.c.mixed.is_(False)))
                       if "mixed" in table.c else None)
            tallied = (conn.scalar(select(func.sum(tally_model.used)).where(tally_model.quarter == quarter))
                       if tally_model is not None else None)
    finally:
        engine.dispose()
    return {"new": len(ids - prestored_ids), "prestored_kept": len(ids & prestored_ids),
            "all_responses": all_responses, "used": used, "drafts": drafts, "unmixed": unmixed,
            "tallied": tallied}


# --- gunicorn --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, url: str, secret: str, workers: int, log: Path) -> None:
        self.port = free_port()
        self.log_path = log
        self.config = ROOT / "deploy" / "gunicorn.conf.py"
        self.command = [sys.executable, "-m", "gunicorn"]
        if self.config.exists():
            self.command += ["-c", str(self.config)]
        self.command += ["--workers", str(workers), "--bind", f"{HOST}:{self.port}",
                         "--error-logfile", "-", "survey_app:create_app()"]
        env = dict(os.environ)
        env.update({k: str(v) for k, v in app_settings(url, secret).items()})
        env.update({"HTTPS": "0", "FLASK_DEBUG": "0", "SMTP_HOST": "", "PUBLIC_BASE_URL": ""})
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self, ready_timeout: float) -> None:
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + ready_timeout
        probe = Browser(self.port, 5, Stats())
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            if 0 < probe.get("/s/thanks", "ready").status < 500:
                return
            time.sleep(0.25)
        raise HarnessError(f"gunicorn did not answer within {ready_timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        if self.process is None or self.log.closed:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group this harness started
                self.process.wait(timeout=10)
        self.log.close()

    def tail(self, lines: int = 30) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def exceptions(self) -> Counter:
        found: Counter = Counter()
        for line in self.log_path.read_text(errors="replace").splitlines():
            match = EXCEPTION_LINE.match(line.strip())
            if match:
                found[f"{match.group(1)}: {match.group(2)[:90]}"] += 1
        return found


# --- report ----------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(args, result: dict) -> list[str]:
    """Print the table; return the reasons to fail."""
    n, c, stats, users = args.links, result["counts"], result["stats"], result["users"]
    final = [r for u in users for r in u.replies]
    # Every final POST counts, a timed-out one with the time it waited (at least --request-timeout).
    latencies = [r.seconds for r in final]
    first_taps = [u.replies[0].seconds for u in users if u.replies]
    stored = c["new"]
    lost, duplicated = max(0, n - stored), max(0, stored - n)
    prestored_lost = args.prestored - c["prestored_kept"]
    thanks = sum(u.saw_thanks for u in users)
    five_final = stats.count("final")
    five_walk = stats.count() - five_final  # walking the steps, the thank-you page
    errors = sum(stats.errors.values())
    unprepared = [u for u in users if not u.prepared]
    unsubmitted = [u for u in users if u.prepared and not u.submitted]
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    worst = max(latencies, default=math.nan)
    conf = "deploy/gunicorn.conf.py" if result["config"] else "no config file"
    rows = [
        ("links (expected new responses)", f"{n:,}"),
        ("stored (new responses)", f"{stored:,}"),
        ("lost", f"{lost:,}"),
        ("duplicated", f"{duplicated:,}"),
        ("prestored responses kept", f"{c['prestored_kept']:,} / {args.prestored:,}"),
        ("responses in the database", f"{c['all_responses']:,}"),
        ("invitations used", f"{c['used']:,} / {n:,}"),
        ("  used, but no response stored (at least)", f"{max(0, c['used'] - stored):,}"),
        ("leavers shown the thank-you page", f"{thanks:,}"),
        ("  of them without a stored response (at least)", f"{max(0, thanks - stored):,}"),
        ("drafts left", f"{c['drafts']:,}"),
        ("responses still unmixed", "-" if c["unmixed"] is None else f"{c['unmixed']:,}"),
        ("tallied answers (prestored + links)",
         "-" if c["tallied"] is None else f"{c['tallied']:,} / {args.prestored + n:,}"),
        ("final POSTs (first taps, double taps, 2nd devices)",
         f"{len(final):,} ({sum(1 for u in users if u.replies):,}, "
         f"{sum(u.double_tap for u in users if u.replies):,}, "
         f"{sum(u.second_device for u in users if u.replies):,})"),
        ("5xx: final submit / all other requests", f"{five_final:,} / {five_walk:,}"),
        ("connection errors or timeouts", f"{errors:,}"),
        ("leavers not prepared / not submitted", f"{len(unprepared):,} / {len(unsubmitted):,}"),
        ("final submit p50 / p99 / max (all POSTs)", f"{p50:.3f} s / {p99:.3f} s / {worst:.3f} s"),
        ("first taps only p50 / p99", f"{percentile(first_taps, 0.5):.3f} s / "
                                     f"{percentile(first_taps, 0.99):.3f} s"),
        ("walk / final phase wall clock",
         f"{result['walk_seconds']:.1f} s / {result['final_seconds']:.1f} s"),
        ("final phase: submits per second, harness CPU",
         f"{len(final) / max(result['final_seconds'], 1e-9):.0f} /s, {result['final_cpu']:.1f} s CPU "
         f"({result['final_cpu'] / max(result['final_seconds'], 1e-9) / (os.cpu_count() or 1):.0%} "
         "of the machine)"),
    ]
    print(f"\nload_submit  db={args.db}  gunicorn --workers {args.workers} ({conf})  links={n:,}  "
          f"concurrency={args.concurrency}  prestored={args.prestored:,}  quarter={result['quarter']}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    outcomes = Counter(f"{r.status} {r.target}".strip() if r.status else f"no answer ({r.error})"
                       for r in final)
    print("  final POST outcomes: " + ", ".join(f"{k}: {v}" for k, v in outcomes.most_common()))
    problems = Counter(u.problem for u in users if u.problem)
    for problem, times in problems.most_common(5):
        print(f"  problem x{times}: {problem}")
    for line, times in result["exceptions"].most_common(8):
        print(f"  server log x{times}: {line}")
    failures = []
    if lost:
        failures.append(f"lost {lost}")
    if duplicated:
        failures.append(f"duplicated {duplicated}")
    if prestored_lost:
        failures.append(f"prestored lost {prestored_lost}")
    if c["tallied"] is not None and c["tallied"] != args.prestored + n:
        failures.append(f"tallied answers {c['tallied']} != {args.prestored + n}")
    if five_final or five_walk:
        failures.append(f"5xx {five_final + five_walk}")
    if errors:
        failures.append(f"connection errors {errors}")
    if unprepared or unsubmitted:
        failures.append(f"unfinished leavers {len(unprepared) + len(unsubmitted)}")
    if result["timed_out"]:
        failures.append("hit the time limit")
    if not latencies or p99 >= args.max_p99:
        failures.append(f"p99 {p99:.3f} s >= {args.max_p99} s")
    print("result: " + ("PASS" if not failures else "FAIL (" + ", ".join(failures) + ")"))
    if args.json:
        Path(args.json).write_text(json.dumps({
            "db": args.db, "links": n, "workers": args.workers, "concurrency": args.concurrency,
            "prestored": args.prestored, "stored": stored, "lost": lost, "duplicated": duplicated,
            "prestored_kept": c["prestored_kept"], "invitations_used": c["used"], "shown_thanks": thanks,
            "final_posts": len(final), "final_5xx": five_final, "walk_5xx": five_walk,
            "errors": errors, "p50": p50, "p99": p99, "max": worst, "outcomes": dict(outcomes),
            "failures": failures}, indent=2))
    return failures


# --- main ------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL server (127.0.0.1 only) on which a fresh database is created")
    parser.add_argument("--links", type=int, default=500, help="one-time links, each submitted once")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, default=100, help="leavers in flight at once")
    parser.add_argument("--prestored", type=int, default=10_000, help="responses already in the quarter")
    parser.add_argument("--double-tap", type=float, default=0.10, help="share of leavers who tap twice")
    parser.add_argument("--second-device", type=float, default=0.05,
                        help="share of leavers who also submit from a second device")
    parser.add_argument("--max-p99", type=float, default=1.0, help="fail when p99 of the final submit "
                                                                   "is at or above this (seconds)")
    parser.add_argument("--timeout", type=float, default=300, help="hard limit for the whole run (s)")
    parser.add_argument("--request-timeout", type=float, default=30, help="per request (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--server-log", help="copy gunicorn's log to this file")
    args = parser.parse_args(argv)
    if not 1 <= args.links <= 20_000 or not 1 <= args.workers <= 16 or not 1 <= args.concurrency <= 500:
        parser.error("bounded: 1-20000 links, 1-16 workers, 1-500 concurrency")
    if not 0 <= args.prestored <= 200_000 or not 0 < args.timeout <= 1800:
        parser.error("bounded: 0-200000 prestored responses, a timeout of at most 1800 s")
    return args


def _alarm(_signum, _frame):
    raise HarnessTimeout()


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    deadline = started + args.timeout
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(int(args.timeout) + 60)  # backstop; the phases stop at the deadline themselves
    secret = "load-" + secrets.token_urlsafe(32)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="avgang-load-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            url, drop = create_database(args, tmp)
        except HarnessError as exc:
            print(f"load_submit: {exc}", file=sys.stderr)
            return 2
        server = None
        try:
            print(f"setting up {args.db}: migrate, {args.prestored:,} prestored responses, "
                  f"{args.links:,} invitations ...", flush=True)
            migrate.upgrade(SimpleNamespace(config={"DATABASE_URL": url}))
            quarter, prestored_ids, tokens, invitation_ids = set_up(url, secret, args.links,
                                                                    args.prestored, args.seed)
            users = [User(i, token, rng.random() < args.double_tap, rng.random() < args.second_device)
                     for i, token in enumerate(tokens)]
            stats = Stats()
            server = Gunicorn(url, secret, args.workers, tmp / "gunicorn.log")
            print(f"set-up {time.monotonic() - started:.1f} s; starting gunicorn on {HOST}:{server.port}",
                  flush=True)
            walk_seconds = final_seconds = final_cpu = 0.0
            timed_out = False
            try:
                server.start(ready_timeout=min(60.0, max(1.0, deadline - time.monotonic())))
                t0 = time.monotonic()
                run_pool(users, lambda u: prepare(u, server.port, args.request_timeout, stats),
                         args.concurrency, deadline)
                walk_seconds = time.monotonic() - t0
                ready = [u for u in users if u.prepared]
                print(f"walked {len(ready):,} of {len(users):,} links to the last step in "
                      f"{walk_seconds:.1f} s; submitting ...", flush=True)
                t0, cpu0 = time.monotonic(), time.process_time()
                run_pool(ready, submit, args.concurrency, deadline, together=True)
                final_seconds, final_cpu = time.monotonic() - t0, time.process_time() - cpu0
                # The thank-you page itself (untimed), for leavers redirected to it.
                run_pool([u for u in users if u.saw_thanks],
                         lambda u: _expect(u.primary.get("/s/thanks", "thanks"), 200, "thank-you page"),
                         args.concurrency, deadline)
                timed_out = time.monotonic() >= deadline
            finally:
                server.stop()
            exceptions = server.exceptions()
            if args.server_log:
                Path(args.server_log).write_bytes(server.log_path.read_bytes())
            counts = count(url, quarter, prestored_ids, invitation_ids)
            signal.alarm(0)
        except HarnessError as exc:
            print(f"load_submit: {exc}", file=sys.stderr)
            return 2
        except HarnessTimeout:
            print(f"load_submit: hard time limit of {args.timeout:.0f} s (+60 s) reached", file=sys.stderr)
            return 2
        finally:
            signal.alarm(0)
            if server is not None:
                server.stop()
            drop()
    result = {"counts": counts, "stats": stats, "users": users, "quarter": quarter,
              "exceptions": exceptions, "walk_seconds": walk_seconds, "final_seconds": final_seconds,
              "final_cpu": final_cpu,
              "timed_out": timed_out, "config": server.config.exists()}
    return 1 if report(args, result) else 0


if __name__ == "__main__":
    sys.exit(main())
