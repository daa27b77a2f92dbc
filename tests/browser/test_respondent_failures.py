"""What a leaver sees when the answers could not be saved, and on a shared device."""

from __future__ import annotations

import sqlite3

import pytest

from tests.browser.checks import PHONE
from tests.browser.test_respondent import Visit, heading

pytestmark = pytest.mark.browser


def test_not_saved_page_keeps_the_answers_and_a_retry_goes_through(new_context, live_server):
    visit = Visit(new_context, PHONE, "failure")
    page = visit.page
    page.goto(live_server.invite())
    page.get_by_role("link", name="Börja").click()
    page.locator("#reasons input[value='introduction']").check()
    page.locator("#reasons input[value='workload']").check()
    path = live_server.app.config["DATABASE_URL"].removeprefix("sqlite:///")
    blocker = sqlite3.connect(path, isolation_level=None, timeout=5)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the database
    try:
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Nästa").click()
    finally:
        blocker.rollback()
        blocker.close()
    assert answer.value.status == 503
    assert page.get_by_role("alert").filter(has_text="Svaren sparades inte").is_visible()
    assert page.locator("#reasons input[value='introduction']").is_checked()
    assert page.locator("#reasons input[value='workload']").is_checked()
    visit.check("not-saved")
    page.get_by_role("button", name="Nästa").click()
    assert page.url.endswith("/s/step/1/main")  # the main reason, among the two ticked


def test_a_shared_phone_is_told_it_has_answered_and_can_hand_over(new_context, live_server):
    visit = Visit(new_context, PHONE, "open")
    page = visit.page
    link = live_server.open_link()
    page.goto(link)
    page.get_by_role("link", name="Börja").click()
    page.locator("#reasons input[value='working_hours']").check()  # one: the main one
    for _step in range(6):  # conditions, staying, about you: only the band is required
        if page.url.endswith("/s/thanks"):
            break
        if heading(page) == "Om dig":
            page.locator("#tenure_band").get_by_label("Vill inte svara").check()
        page.get_by_role("button", name="Nästa").or_(
            page.get_by_role("button", name="Skicka svaren")).click()
    assert heading(page) == "Tack för dina svar"
    page.goto(link)
    assert heading(page) == "Du har redan svarat"
    visit.check("already-answered")
    page.get_by_role("button", name="Någon annan ska svara").click()
    assert page.url.endswith("/s/")
    assert page.get_by_role("link", name="Börja").is_visible()
