"""Not one answer lost: concurrent submits, the mixer's interleavings, and truthful failures.

Every test here counts what is in the database afterwards and compares it with what the
leavers were told: a thank-you page means a stored response, anything else means none.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, func, insert, select, text

from survey_app.extensions import db as database
from survey_app.models import Invitation, OrgUnit, Response, random_id
from survey_app.respond import mixing
from survey_app.respond.mixing import mix_pending
from tests.app.conftest import csrf_from
from tests.app.survey_helpers import QUARTER, STEP_ANSWERS, invite, post_step


def answer_until_last(client, token: str) -> str:
    """Open the link, answer all but the last step; return the last step's CSRF token."""
    assert client.get(f"/s/{token}").status_code == 302
    for number, data in enumerate(STEP_ANSWERS[:-1], start=1):
        assert post_step(client, number, data).status_code == 302
    page = client.get(f"/s/step/{len(STEP_ANSWERS)}")
    return csrf_from(page.get_data(as_text=True))


def final_submit(client, csrf: str):
    return client.post(f"/s/step/{len(STEP_ANSWERS)}",
                       data={"csrf_token": csrf, "action": "next", **STEP_ANSWERS[-1]})


def stored(db) -> int:
    db.expire_all()
    db.rollback()
    return db.scalar(select(func.count()).select_from(Response))


def prestore(db, count: int, quarter: str = QUARTER) -> None:
    """Older, already mixed responses of the quarter (as many as a busy quarter holds)."""
    unit_id = db.scalar(select(OrgUnit.id).where(OrgUnit.code == "VO01"))
    db.execute(insert(Response), [{
        "id": random_id(), "questionnaire_key": "exit_survey", "questionnaire_version": 1,
        "source": "invitation", "unit_id": unit_id, "quarter": quarter, "tenure_band": "lt_6m",
        "answers": {"recommend": 5}, "mixed": True} for _ in range(count)])
    db.commit()


def test_many_concurrent_final_submits_store_exactly_what_they_claim(app, db, org):
    prestore(db, 200)
    leavers = 24
    tokens = invite(app, count=leavers)
    clients = [app.test_client() for _ in tokens]
    csrfs = [answer_until_last(c, t) for c, t in zip(clients, tokens, strict=True)]
    barrier = threading.Barrier(leavers + 4)

    def submit(index: int):
        barrier.wait(timeout=30)
        return final_submit(clients[index], csrfs[index])

    # four of them double-tap: a second, simultaneous POST from the same session
    with ThreadPoolExecutor(max_workers=leavers + 4) as pool:
        results = list(pool.map(submit, [*range(leavers), 0, 5, 10, 15]))
    assert [r.status_code for r in results] == [302] * (leavers + 4)
    assert {r.headers["Location"] for r in results} == {"/s/thanks"}
    assert stored(db) == 200 + leavers
    assert db.scalar(select(func.count()).where(Invitation.used.is_(True))) == leavers
    # everything that came in has been mixed: nothing waits with its own transaction id
    assert db.scalar(select(func.count()).where(Response.mixed.is_(False))) == 0


def test_a_response_committed_while_the_mixer_runs_is_never_deleted(app, db, org, monkeypatch):
    """The interleaving that lost answers: the mixer reads, another submission commits,
    the mixer rewrites. The mixer only ever deletes the rows it read, so both stay."""
    prestore(db, 30)
    first, second = invite(app, count=2)
    client_b = app.test_client()
    csrf_b = answer_until_last(client_b, second)
    read_done, b_done = threading.Event(), threading.Event()
    original_run = mixing._random_group

    def paused_run(*args, **kwargs):
        rows = original_run(*args, **kwargs)
        if threading.current_thread().name == "mixer":
            read_done.set()
            # PostgreSQL: B commits while we wait. SQLite: B waits for our write lock.
            b_done.wait(timeout=1.5)
        return rows

    monkeypatch.setattr(mixing, "_random_group", paused_run)
    # A: a submission stored but not yet mixed (as if its mixer had been busy)
    client_a = app.test_client()
    csrf_a = answer_until_last(client_a, first)
    from survey_app.respond import views
    monkeypatch.setattr(views, "mix_pending", lambda *a, **k: -1)
    monkeypatch.setattr(views, "mix_in_submission", lambda *a, **k: False)
    assert final_submit(client_a, csrf_a).headers["Location"] == "/s/thanks"
    monkeypatch.setattr(views, "mix_pending", mix_pending)
    monkeypatch.setattr(views, "mix_in_submission", mixing.mix_in_submission)
    assert stored(db) == 31

    outcome = {}

    def run_mixer():
        with app.app_context():
            session = database.new_session()
            outcome["mixed"] = mix_pending(session, sample=10)
            session.close()

    def submit_b():
        read_done.wait(timeout=10)
        outcome["b"] = final_submit(client_b, csrf_b)
        b_done.set()

    mixer = threading.Thread(target=run_mixer, name="mixer")
    other = threading.Thread(target=submit_b)
    mixer.start()
    other.start()
    mixer.join(timeout=30)
    other.join(timeout=30)
    assert outcome["mixed"] >= 1
    assert outcome["b"].headers["Location"] == "/s/thanks"
    assert stored(db) == 32
    db.expire_all()
    recommends = sorted(r.answers.get("recommend") for r in db.scalars(select(Response)))
    assert recommends.count(6) == 2  # both leavers' own answers, intact


def test_mixing_cost_does_not_grow_with_the_quarter(app, db, org, monkeypatch):
    rewritten = []
    original = mixing._rewrite
    monkeypatch.setattr(mixing, "_rewrite",
                        lambda session, rows, *rest: (rewritten.append(len(rows)),
                                                          original(session, rows, *rest)))
    for size in (50, 1000):
        prestore(db, size - stored(db))
        client = app.test_client()
        (token,) = invite(app)
        assert final_submit(client, answer_until_last(client, token)).status_code == 302
    sample = app.config["MIX_SAMPLE"]
    # the new response and one earlier group: the same work in a quarter of 50 or 1,000
    assert rewritten == [sample + 2, sample + 2]


def test_mix_groups_never_shrink_below_the_sample(app, db, org):
    """Each response shares its last write with at least MIX_SAMPLE others, always: groups
    are merged or split into big enough parts, never thinned out by later mixes."""
    app.config["MIX_SAMPLE"] = 4
    tokens = invite(app, count=23)
    for token in tokens:
        client = app.test_client()
        final_submit(client, answer_until_last(client, token))
    db.rollback()
    assert db.scalar(select(func.count()).where(Response.mixed.is_(False))) == 0
    groups = dict(db.execute(select(Response.mix_group, func.count()).group_by(
        Response.mix_group)).all())
    assert None not in groups
    assert len(groups) >= 2, "the quarter has been split into several groups"
    assert all(5 <= n <= 9 for n in groups.values()), groups
    if db.bind.dialect.name == "postgresql":
        # the hidden transaction ids say exactly what the groups say, and no invitation
        # shares a transaction id with any response
        # (a split writes two groups in one transaction: a larger set, never a smaller)
        pairs = db.execute(text("SELECT mix_group, xmin::text FROM responses")).all()
        xmin_of = {}
        for group, xmin in pairs:
            assert xmin_of.setdefault(group, xmin) == xmin, "a group shares one write"
        xmins = dict(db.execute(text(
            "SELECT xmin::text, count(*) FROM responses GROUP BY 1")).all())
        assert all(n >= 5 for n in xmins.values()), xmins
        shared = db.execute(text("SELECT count(*) FROM responses r JOIN invitations i "
                                 "ON r.xmin::text = i.xmin::text")).scalar()
        assert shared == 0


# --- truthful failure ---------------------------------------------------------------


@pytest.fixture
def impatient_app(make_app):
    """An app that gives up on a locked SQLite database after 0.2 s instead of 10 s."""
    return make_app({"SQLITE_BUSY_TIMEOUT_MS": 200, "RATELIMIT_STORAGE_URI": "memory://"})


@contextmanager
def database_fault(app, statement: str):
    """SQLite: another process holds the write lock. PostgreSQL: the app's connection is
    killed just before ``statement`` runs (a restart or a dropped connection)."""
    if app.config["DATABASE_URL"].startswith("sqlite"):
        blocker = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"),
                                  isolation_level=None, timeout=5)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            blocker.rollback()
            blocker.close()
        return
    killer = create_engine(app.config["DATABASE_URL"], isolation_level="AUTOCOMMIT")
    armed = {"left": 1}

    def before(conn, _cursor, sql, *_args):
        if armed["left"] and sql.lstrip().upper().startswith(statement):
            armed["left"] -= 1
            pid = conn.connection.dbapi_connection.info.backend_pid
            with killer.connect() as c:
                c.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})

    engine = app.extensions["database"].engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)
        killer.dispose()
    assert armed["left"] == 0, f"no {statement} statement ran"


@pytest.mark.parametrize("statement", ["UPDATE INVITATIONS", "INSERT INTO RESPONSES"])
def test_a_database_fault_at_the_final_submit_says_not_saved_and_keeps_answers(
        impatient_app, db, org, statement):
    app = impatient_app
    (token,) = invite(app)
    client = app.test_client()
    csrf = answer_until_last(client, token)
    with database_fault(app, statement):
        failed = final_submit(client, csrf)
    page = failed.get_data(as_text=True)
    assert failed.status_code == 503
    assert failed.headers["Retry-After"].isdigit()
    assert "Svaren sparades inte" in page and "Tack för dina svar" not in page
    assert "En bättre introduktion och mindre stress." in page  # re-rendered as typed
    assert stored(db) == 0
    assert db.scalar(select(Invitation.used)) is False
    # the session is kept: trying again from the same page stores exactly one response
    retried = final_submit(client, csrf_from(page))
    assert retried.headers["Location"] == "/s/thanks"
    assert stored(db) == 1
    assert final_submit(client, csrf_from(page)).headers["Location"] == "/s/thanks"
    assert stored(db) == 1


def test_a_database_fault_at_a_step_save_says_not_saved_and_keeps_answers(
        impatient_app, db, org):
    app = impatient_app
    (token,) = invite(app)
    client = app.test_client()
    assert client.get(f"/s/{token}").status_code == 302
    csrf = csrf_from(client.get("/s/step/1").get_data(as_text=True))
    form = {"csrf_token": csrf, "action": "next", **STEP_ANSWERS[0]}
    with database_fault(app, "INSERT INTO DRAFTS"):
        failed = client.post("/s/step/1", data=form)
    page = failed.get_data(as_text=True)
    assert failed.status_code == 503
    assert "Svaren sparades inte" in page
    assert checked_values(page, "reasons") == {"introduction", "workload"}
    saved = client.post("/s/step/1", data=form | {"csrf_token": csrf_from(page)})
    assert saved.headers["Location"] == "/s/step/2"
    assert checked_values(client.get("/s/step/1").get_data(as_text=True), "reasons") == \
        {"introduction", "workload"}


def checked_values(html: str, name: str) -> set[str]:
    inputs = re.findall(r"<input[^>]*>", html)
    return {re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs
            if f'name="{name}"' in tag and "checked" in tag}
