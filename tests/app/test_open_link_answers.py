"""Open links: visits cost nothing, a device that answered is told so, and one address
cannot pour in answers without limit."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from survey_app.models import Draft, Response
from tests.app.conftest import csrf_from
from tests.app.survey_helpers import STEP_ANSWERS, open_link, post_step

ABOUT_YOU = {"tenure_band": "1_2y", "occupational_group": "USK"}


def count(db, model) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model))


def answer_open_link(client, token: str):
    assert client.get(f"/s/o/{token}").status_code == 302
    for number, data in enumerate(STEP_ANSWERS, start=1):
        assert post_step(client, number, data).status_code == 302
    return post_step(client, 4, ABOUT_YOU)


def test_visits_without_answers_write_nothing(app, db, org):
    token = open_link(app)
    for _ in range(25):  # cookieless visitors, scanners, link previews
        browser = app.test_client()
        assert browser.get(f"/s/o/{token}").status_code == 302
        assert browser.get("/s/").status_code == 200
    assert count(db, Draft) == 0
    browser = app.test_client()
    browser.get(f"/s/o/{token}")
    post_step(browser, 1, STEP_ANSWERS[0])
    assert count(db, Draft) == 1  # the first save is what creates the draft


def test_a_device_that_answered_is_told_so_and_can_hand_over_deliberately(app, db, org):
    token = open_link(app)
    phone = app.test_client()
    assert answer_open_link(phone, token).headers["Location"] == "/s/thanks"
    again = phone.get(f"/s/o/{token}")
    page = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "Du har redan svarat" in page and "Någon annan ska svara" in page
    assert phone.get("/s/step/1").status_code == 400  # no silent second answer
    handed_over = phone.post(f"/s/o/{token}/someone-else", data={"csrf_token": csrf_from(page)})
    assert handed_over.headers["Location"] == f"/s/o/{token}"
    assert answer_open_link(phone, token).headers["Location"] == "/s/thanks"
    assert count(db, Response) == 2


def test_handing_over_needs_the_form_not_a_link(app, db, org):
    token = open_link(app)
    phone = app.test_client()
    answer_open_link(phone, token)
    refused = phone.post(f"/s/o/{token}/someone-else", data={})
    assert refused.status_code == 400
    assert "Du har redan svarat" in phone.get(f"/s/o/{token}").get_data(as_text=True)


def test_one_address_is_limited_and_keeps_the_answers_it_could_not_send(make_app, db, org):
    app = make_app({"OPEN_LINK_SUBMIT_LIMIT": "2 per hour", "RATELIMIT_STORAGE_URI": "memory://"})
    token = open_link(app)
    for _ in range(2):
        assert answer_open_link(app.test_client(), token).headers["Location"] == "/s/thanks"
    third = app.test_client()
    refused = answer_open_link(third, token)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Svaren sparades inte" in page and "Tack för dina svar" not in page
    assert any('value="1_2y"' in tag and "checked" in tag
               for tag in re.findall(r"<input[^>]*>", page)), "the band is kept"
    assert count(db, Response) == 2
    # another address (a phone on the mobile network) is not held back
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert answer_open_link(other, token).headers["Location"] == "/s/thanks"
    assert count(db, Response) == 3


def test_new_drafts_per_address_are_limited(make_app, db, org):
    app = make_app({"OPEN_LINK_DRAFT_LIMIT": "3 per hour", "RATELIMIT_STORAGE_URI": "memory://"})
    token = open_link(app)
    for _ in range(3):
        browser = app.test_client()
        browser.get(f"/s/o/{token}")
        assert post_step(browser, 1, STEP_ANSWERS[0]).headers["Location"] == "/s/step/2"
    browser = app.test_client()
    browser.get(f"/s/o/{token}")
    assert post_step(browser, 1, STEP_ANSWERS[0]).status_code == 429
    assert count(db, Draft) == 3
