"""Issue 12 in a real browser, without JavaScript: the language switch keeps what was
ticked, and the main reason is asked among the reasons ticked."""

from __future__ import annotations

import pytest

from tests.browser.checks import PHONE, SMALL_PHONE
from tests.browser.test_respondent import Visit, heading

pytestmark = pytest.mark.browser


def _step1(visit: Visit, live_server):
    page = visit.page
    page.goto(live_server.invite())
    page.get_by_role("link", name="Börja").click()
    assert page.url.endswith("/s/step/1")
    return page


def test_switching_language_on_a_step_keeps_the_ticked_answers(new_context, live_server):
    visit = Visit(new_context, PHONE, "issue12")
    page = _step1(visit, live_server)
    page.locator("#reasons").get_by_label("Introduktionen").check()
    page.locator("#reasons").get_by_label("Lönen").check()
    page.get_by_label("Om du valde ”Annat”: vilket skäl?").fill("Flytt")
    switch = page.locator("header").get_by_role("button", name="English")
    assert switch.get_attribute("lang") == "en"
    switch.click()
    assert page.url.endswith("/s/step/1")  # the same step, not the next
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading(page) == "Why are you leaving?"
    assert page.locator("#error-summary").count() == 0  # switching is not checking
    assert page.locator("#reasons input[value='introduction']").is_checked()
    assert page.locator("#reasons input[value='pay']").is_checked()
    visit.check("1-step1-switched-en")
    page.locator("header").get_by_role("button", name="Svenska").click()
    assert heading(page) == "Varför slutar du?"
    assert page.locator("#reasons input[value='pay']").is_checked()
    # Enter in a text field still means "Nästa", not the language switch before it.
    page.get_by_label("Om du valde ”Annat”: vilket skäl?").press("Enter")
    assert page.url.endswith("/s/step/1/main")
    assert page.locator("html").get_attribute("lang") == "sv"


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="390px"),
                                      pytest.param(SMALL_PHONE, id="320px")])
def test_main_reason_is_asked_among_the_ticked_reasons(new_context, live_server, viewport):
    visit = Visit(new_context, viewport, "issue12")
    page = _step1(visit, live_server)
    assert page.locator("#reasons input[type=checkbox]").count() == 18
    assert page.locator("#main_reason").count() == 0  # no second list of eighteen
    visit.check("2-step1")
    for label in ("Introduktionen", "Arbetsbelastningen", "Lönen"):
        page.locator("#reasons").get_by_label(label).check()
    page.get_by_role("button", name="Nästa").click()
    assert page.url.endswith("/s/step/1/main")
    field = page.locator("#main_reason")
    assert field.locator("input[type=radio]").count() == 3
    legend = field.locator("legend").inner_text()
    assert legend.startswith("Vilket av skälen var det viktigaste?") and "(obligatorisk)" in legend
    visit.check("3-main-reason")
    field.get_by_label("Lönen").check()
    page.get_by_role("button", name="Nästa").click()
    assert heading(page) == "Hur fungerade det?"


def test_one_reason_needs_no_main_reason_page(new_context, live_server):
    visit = Visit(new_context, PHONE, "issue12")
    page = _step1(visit, live_server)
    page.locator("#reasons").get_by_label("Lönen").check()
    page.get_by_role("button", name="Nästa").click()
    assert page.url.endswith("/s/step/2")
