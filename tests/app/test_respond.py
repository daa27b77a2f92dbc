"""The respondent's journey on the server, including every bad case of issue 5."""

from __future__ import annotations

import json
import logging
import threading
from datetime import date, timedelta

from sqlalchemy import func, select

from survey_app.models import Draft, Invitation, Response
from survey_app.respond.submission import open_texts
from survey_app.security import _DropRespondentLines
from tests.app.conftest import csrf_from
from tests.app.survey_helpers import (
    QUARTER,
    STEP_ANSWERS,
    answer_all,
    invite,
    open_link,
    post_step,
)


def responses(db) -> list[Response]:
    db.expire_all()
    return db.scalars(select(Response)).all()


def test_token_is_swapped_for_a_session_and_leaves_the_url(app, client, org):
    [token] = invite(app)
    response = client.get(f"/s/{token}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/"
    assert token not in response.headers["Location"]
    start = client.get("/s/")
    body = start.get_data(as_text=True)
    assert start.status_code == 200 and token not in body
    assert "Du är anonym" in body and "färre än 5" in body
    assert start.headers["Cache-Control"] == "no-store"
    assert start.headers["Referrer-Policy"] == "no-referrer"


def test_whole_survey_stores_one_anonymous_response(app, client, org, db):
    [token] = invite(app, band="6_12m", ending="own_resignation", quarter=QUARTER)
    final = answer_all(client, token)
    assert final.status_code == 302 and final.headers["Location"] == "/s/thanks"
    assert "Tack för dina svar" in client.get("/s/thanks").get_data(as_text=True)
    [stored] = responses(db)
    assert (stored.unit_id, stored.occupational_group_code, stored.tenure_band,
            stored.ending_type, stored.quarter, stored.source) == (
        org["VO01"].id, "USK", "6_12m", "own_resignation", QUARTER, "invitation")
    assert stored.answers["reasons"] == ["introduction", "workload"]
    assert stored.answers["main_reason"] == "introduction"
    assert stored.answers["cond_schedule"] == "dont_know"
    assert "comment" not in stored.answers and "Tack" not in json.dumps(stored.answers)
    assert "Tack" not in stored.sealed_texts
    with app.app_context():
        texts = open_texts(app.extensions["keyring"], stored)
    assert texts["comment"] == "<script>alert(1)</script> Tack för mig!"  # kept as text
    assert db.scalar(select(func.count()).select_from(Draft)) == 0
    assert db.scalar(select(Invitation.used)) is True


def test_used_link_says_so_kindly(app, client, org):
    [token] = invite(app)
    answer_all(client, token)
    again = app.test_client().get(f"/s/{token}")
    assert again.status_code == 410
    assert "Enkäten är redan besvarad" in again.get_data(as_text=True)


def test_expired_link(app, client, org):
    [token] = invite(app, today=date.today() - timedelta(days=61))
    response = client.get(f"/s/{token}")
    assert response.status_code == 410
    assert "Länken har gått ut" in response.get_data(as_text=True)


def test_unknown_and_malformed_links(client, org):
    for path in ("/s/AAAAAAAAAAAAAAAAAAAAAA", "/s/x", "/s/%3Cscript%3E", "/s/" + "a" * 300):
        response = client.get(path)
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert "Länken fungerar inte" in body and "Traceback" not in body


def test_double_tapped_submit_stores_one_response(app, client, org, db):
    [token] = invite(app)
    client.get(f"/s/{token}")
    for number, data in enumerate(STEP_ANSWERS[:2], start=1):
        post_step(client, number, data)
    page = client.get("/s/step/3").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "action": "next", **STEP_ANSWERS[2]}
    first = client.post("/s/step/3", data=form)
    second = client.post("/s/step/3", data=form)
    assert first.headers["Location"] == second.headers["Location"] == "/s/thanks"
    assert len(responses(db)) == 1


def test_concurrent_submits_of_one_link_store_exactly_one(app, org, db):
    [token] = invite(app)
    first = app.test_client()
    first.get(f"/s/{token}")
    for number, data in enumerate(STEP_ANSWERS[:2], start=1):
        post_step(first, number, data)
    page = first.get("/s/step/3").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "action": "next", **STEP_ANSWERS[2]}
    cookie = first.get_cookie("session").value
    clients = [app.test_client() for _ in range(4)]
    for c in clients:
        c.set_cookie("session", cookie)
    barrier = threading.Barrier(len(clients))
    results = []

    def submit(c):
        barrier.wait()
        results.append(c.post("/s/step/3", data=form))

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status_code == 302 and r.headers["Location"] == "/s/thanks" for r in results)
    assert len(responses(db)) == 1


def test_continue_later_keeps_answers_on_the_same_link(app, client, org, db):
    [token] = invite(app)
    client.get(f"/s/{token}")
    post_step(client, 1, STEP_ANSWERS[0])
    saved = post_step(client, 2, {"cond_pay": "2"}, action="later")
    assert saved.headers["Location"] == "/s/saved"
    assert "Dina svar är sparade" in client.get("/s/saved").get_data(as_text=True)
    draft = db.scalar(select(Draft))
    assert draft is not None and "introduction" not in draft.sealed_answers  # sealed
    later = app.test_client()  # a new visit, e.g. the next day
    later.get(f"/s/{token}")
    start = later.get("/s/").get_data(as_text=True)
    assert "Fortsätt där du slutade" in start and "/s/step/2" in start  # where they saved
    step1 = later.get("/s/step/1").get_data(as_text=True)
    assert 'value="introduction" checked' in step1 or 'checked id="reasons-' in step1 or \
        _checked(step1, "introduction")
    assert _checked(later.get("/s/step/2").get_data(as_text=True), "2", name="cond_pay")
    post_step(later, 3, STEP_ANSWERS[2])
    [stored] = responses(db)
    assert stored.answers["cond_pay"] == 2 and stored.answers["main_reason"] == "introduction"
    assert db.scalar(select(func.count()).select_from(Draft)) == 0


def _checked(html: str, value: str, name: str | None = None) -> bool:
    import re

    for tag in re.findall(r"<input[^>]+>", html):
        if f'value="{value}"' in tag and "checked" in tag and (name is None or
                                                                f'name="{name}"' in tag):
            return True
    return False


def test_validation_error_is_shown_and_corrected(app, client, org):
    [token] = invite(app)
    client.get(f"/s/{token}")
    ticked = post_step(client, 1, {"reasons": ["introduction", "pay"]})  # main reason asked next
    assert ticked.headers["Location"] == "/s/step/1/main"
    page = client.get("/s/step/1/main").get_data(as_text=True)
    bad = client.post("/s/step/1/main", data={"csrf_token": csrf_from(page), "action": "next"})
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    assert 'class="error-summary"' in body and 'href="#main_reason"' in body
    good = client.post("/s/step/1/main", data={"csrf_token": csrf_from(page), "action": "next",
                                               "main_reason": "pay"})
    assert good.headers["Location"] == "/s/step/2"
    assert _checked(client.get("/s/step/1").get_data(as_text=True), "pay")  # nothing lost


def test_unknown_option_out_of_range_and_oversize_text(app, client, org, db):
    [token] = invite(app)
    client.get(f"/s/{token}")
    post_step(client, 1, STEP_ANSWERS[0])
    post_step(client, 2, {})
    response = post_step(client, 3, {"recommend": "11", "come_back": "maybe",
                                     "comment": "x" * 4001, "stay_factors": "kvar"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert body.count('class="error"') >= 3
    assert "\nkvar</textarea>" in body  # the valid answer is still there
    assert responses(db) == []


def test_request_over_the_size_limit_is_a_friendly_413(app, client, org):
    [token] = invite(app)
    client.get(f"/s/{token}")
    response = client.post("/s/step/1", data={"comment": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "för stort" in response.get_data(as_text=True)


def test_expired_form_keeps_answers_and_asks_once_more(app, client, org, db):
    [token] = invite(app)
    client.get(f"/s/{token}")
    page = client.get("/s/step/1").get_data(as_text=True)
    resume = page.split('name="resume" value="')[1].split('"')[0]
    # A very long pause: the session cookie is gone and the CSRF token no longer matches.
    fresh = app.test_client()
    data = {"csrf_token": "stale", "resume": resume, "action": "next", **STEP_ANSWERS[0]}
    asked = fresh.post("/s/step/1", data=data)
    assert asked.status_code == 400
    body = asked.get_data(as_text=True)
    assert "trycka på knappen en gång till" in body
    assert _checked(body, "introduction") and _checked(body, "workload")
    again = fresh.post("/s/step/1", data=data | {"csrf_token": csrf_from(body)})
    assert again.headers["Location"] == "/s/step/2"


def test_forged_resume_field_is_refused(app, org):
    fresh = app.test_client()
    response = fresh.post("/s/step/1", data={"csrf_token": "x", "resume": "forged"})
    assert response.status_code == 400
    assert "Öppna din länk igen" in response.get_data(as_text=True)


def test_open_link_asks_tenure_and_group_and_marks_source(app, client, org, db):
    token = open_link(app)
    assert client.get(f"/s/o/{token}").status_code == 302
    for number, data in enumerate(STEP_ANSWERS, start=1):
        post_step(client, number, data)
    last = post_step(client, 4, {"tenure_band": "1_2y", "occupational_group": "USK"})
    assert last.headers["Location"] == "/s/thanks"
    [stored] = responses(db)
    assert (stored.source, stored.tenure_band, stored.occupational_group_code,
            stored.ending_type) == ("open_link", "1_2y", "USK", None)
    assert "tenure_band" not in stored.answers
    # the open link stays open for the next colleague
    assert app.test_client().get(f"/s/o/{token}").status_code == 302


def test_english_on_one_tap(app, client, org):
    [token] = invite(app)
    client.get(f"/s/{token}")
    page = client.get("/s/?lang=en").get_data(as_text=True)
    assert "You are anonymous" in page and 'lang="en"' in page
    assert "Why are you leaving?" in client.get("/s/step/1").get_data(as_text=True)


def test_respondent_pages_are_not_logged():
    record = logging.LogRecord("werkzeug", logging.INFO, "", 0,
                               '127.0.0.1 - - [23/Nov/2026 10:00:00] "GET /s/abcdefghijklmnop '
                               'HTTP/1.1" 302 -', (), None)
    staff = logging.LogRecord("werkzeug", logging.INFO, "", 0,
                              '127.0.0.1 - - [23/Nov/2026 10:00:00] "GET /hr/users HTTP/1.1" '
                              '200 -', (), None)
    assert not _DropRespondentLines().filter(record)
    assert _DropRespondentLines().filter(staff)


def test_step_without_session_explains_what_to_do(client):
    response = client.get("/s/step/1")
    assert response.status_code == 400
    assert "Öppna din länk igen" in response.get_data(as_text=True)


def test_intro_states_the_configured_minimum(app, client, org):
    app.config["MIN_RESPONDENTS"] = 7
    [token] = invite(app)
    client.get(f"/s/{token}")
    body = client.get("/s/").get_data(as_text=True)
    assert "minst 7 personer" in body and "{min_respondents}" not in body
    assert "färre än 7 har svarat" in body


def test_double_tap_on_an_open_link_stores_one_response(app, client, org, db):
    token = open_link(app)
    client.get(f"/s/o/{token}")
    for number, data in enumerate(STEP_ANSWERS, start=1):
        post_step(client, number, data)
    page = client.get("/s/step/4").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "action": "next",
            "tenure_band": "1_2y", "occupational_group": "USK"}
    cookie = client.get_cookie("session").value
    second = app.test_client()
    second.set_cookie("session", cookie)  # the same browser, before the first answer arrives
    first_result = client.post("/s/step/4", data=form)
    second_result = second.post("/s/step/4", data=form)
    assert first_result.headers["Location"] == second_result.headers["Location"] == "/s/thanks"
    assert len(responses(db)) == 1


def test_coloured_log_lines_of_redirects_and_errors_are_dropped_too():
    for status, colour in (("302", "\x1b[36m"), ("404", "\x1b[33m"), ("410", "\x1b[31m")):
        line = (f'127.0.0.1 - - [23/Nov/2026 10:00:00] "{colour}GET /s/abcdefghijklmnop '
                f'HTTP/1.1\x1b[0m" {status} -')
        record = logging.LogRecord("werkzeug", logging.INFO, "", 0, line, (), None)
        assert not _DropRespondentLines().filter(record), line
