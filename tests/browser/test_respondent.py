"""Issue 5 in a real browser: the exit survey on a phone, without JavaScript."""

from __future__ import annotations

import logging

import pytest

from tests.browser.checks import (
    PHONE,
    SMALL_PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    assert_quiet_console,
    assert_readable_text,
    assert_thumb_sized_targets,
    screenshot,
    watch_console,
)

pytestmark = pytest.mark.browser

WIDTHS = [pytest.param(PHONE, id="390px"), pytest.param(SMALL_PHONE, id="320px")]


class Visit:
    """One respondent device: a context without JavaScript, and a twin for axe to run in."""

    def __init__(self, new_context, viewport: dict, tag: str):
        self.viewport, self.tag = viewport, tag
        self.page = new_context(viewport, javascript=False).new_page()
        self.replay = new_context(viewport, javascript=True).new_page()
        self.console = watch_console(self.page)

    def check(self, name: str) -> None:
        """Everything every respondent page must pass, plus a screenshot to look at."""
        label = f"{name} at {self.viewport['width']} px"
        screenshot(self.page, f"respond-{self.tag}-{self.viewport['width']}-{name}")
        assert_quiet_console(self.console, label)
        assert self.page.locator("script").count() == 0, f"{label} ships a script"
        assert_no_horizontal_scroll(self.page, label)
        assert_thumb_sized_targets(self.page, label)
        assert_readable_text(self.page, label)
        assert_accessible(self.page, label, replay=self.replay)


def heading(page) -> str:
    return page.locator("h1").inner_text().strip()


@pytest.mark.parametrize("viewport", WIDTHS)
def test_exit_survey_end_to_end_without_javascript(new_context, live_server, viewport):
    link = live_server.invite()
    first = Visit(new_context, viewport, "journey")
    page = first.page

    # The link is swapped for a session; the token leaves the address bar.
    response = page.goto(link)
    assert response.status == 200
    assert page.url == live_server.url + "/s/"
    assert page.locator("html").get_attribute("lang") == "sv"
    assert heading(page) == "Enkät till dig som slutar"
    first.check("1-start")

    page.get_by_role("link", name="Börja").click()
    assert page.url.endswith("/s/step/1")
    assert page.get_by_text("Steg 1 av 3").is_visible()
    assert page.title().startswith("Steg 1 av 3: Varför slutar du?")
    first.check("2-step1")

    # Two reasons ticked: the main reason is asked next, among those two only.
    page.locator("#reasons").get_by_label("Introduktionen").check()
    page.locator("#reasons").get_by_label("Arbetsbelastningen").check()
    page.get_by_role("button", name="Nästa").click()
    assert page.url.endswith("/s/step/1/main")
    field = page.locator("#main_reason")
    assert field.locator("input").count() == 2
    assert "(obligatorisk)" in field.locator("legend").inner_text()
    assert page.get_by_text("Steg 1 av 3").is_visible()
    first.check("2b-step1-main")

    # Not chosen: the error summary comes first in main and has the focus.
    page.get_by_role("button", name="Nästa").click()
    assert page.url.endswith("/s/step/1/main")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    assert page.title().startswith("Fel: Steg 1 av 3")  # heard first, before any content
    assert page.locator("main > :first-child").get_attribute("id") == "error-summary"
    assert page.locator("#error-summary:focus").count() == 1  # focused without JavaScript
    assert summary.locator("h2").inner_text() == "Rätta följande:"
    error_link = summary.get_by_role("link")
    assert "Välj vilket som var viktigast." in error_link.inner_text()
    assert error_link.get_attribute("href") == "#main_reason"
    described_by = field.get_attribute("aria-describedby").split()
    assert "main_reason-error" in described_by
    assert "Välj vilket som var viktigast." in page.locator("#main_reason-error").inner_text()
    first.check("3-step1-errors")
    page.keyboard.press("Tab")  # from the summary, the keyboard goes to its first link
    assert page.locator("#error-summary a:focus").count() == 1
    page.keyboard.press("Enter")
    assert page.url.endswith("#main_reason")
    box = field.bounding_box()  # scrolled to the field (or, on a short page, it was in view)
    assert field.is_visible() and -1 <= box["y"] < viewport["height"] - 100

    # Corrected: choose the main reason among the two ticked.
    field.get_by_label("Introduktionen").check()
    page.get_by_role("button", name="Nästa").click()
    assert page.url.endswith("/s/step/2")
    assert heading(page) == "Hur fungerade det?"
    first.check("4-step2")

    # Continue later from step 2, with two answers given there.
    page.locator("#cond_introduction").get_by_label("2", exact=True).check()
    page.locator("#cond_pay").get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Spara och fortsätt senare").click()
    assert page.url.endswith("/s/saved")
    assert heading(page) == "Dina svar är sparade"
    first.check("5-saved")

    # The same link in a new context (the next day, another browser): resume.
    later = Visit(new_context, viewport, "journey")
    page = later.page
    page.goto(link)
    resume = page.get_by_role("link", name="Fortsätt där du slutade")
    assert resume.get_attribute("href") == "/s/step/2"  # where the leaver pressed save
    later.check("6-start-resume")
    resume.click()
    assert heading(page) == "Hur fungerade det?"
    assert page.locator("#cond_introduction input[value='2']").is_checked()
    page.get_by_role("button", name="Nästa").click()
    assert heading(page) == "Om att stanna"
    later.check("7-step3")
    page.get_by_role("button", name="Föregående").click()
    assert page.url.endswith("/s/step/2")
    assert page.locator("#cond_introduction input[value='2']").is_checked()
    assert page.locator("#cond_pay input[value='4']").is_checked()
    page.get_by_role("button", name="Föregående").click()
    assert page.url.endswith("/s/step/1/main")
    assert page.locator("#main_reason input[value='introduction']").is_checked()
    page.get_by_role("button", name="Föregående").click()
    assert page.locator("#reasons input[value='introduction']").is_checked()
    page.get_by_role("button", name="Nästa").click()
    assert page.url.endswith("/s/step/1/main")
    page.get_by_role("button", name="Nästa").click()
    assert page.url.endswith("/s/step/2")

    # English on one tap, remembered for the rest of the survey.
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading(page) == "How did it work?"
    assert page.get_by_text("Step 2 of 3").is_visible()
    assert page.get_by_role("button", name="Save and continue later").is_visible()
    later.check("8-step2-en")
    page.get_by_role("button", name="Next").click()
    assert heading(page) == "About staying"
    page.get_by_label("What would have made you stay?").fill("A proper introduction.")
    page.locator("#recommend").get_by_label("7", exact=True).check()
    later.check("9-step3-en")
    page.get_by_role("button", name="Send your answers").click()
    assert page.url.endswith("/s/thanks")
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading(page) == "Thank you for your answers"
    later.check("10-thanks-en")
    page.get_by_role("link", name="Svenska").click()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert heading(page) == "Tack för dina svar"
    later.check("11-thanks")

    # The link cannot be used again, and says so kindly.
    used = Visit(new_context, viewport, "links")
    assert used.page.goto(link).status == 410
    assert heading(used.page) == "Enkäten är redan besvarad"
    used.check("used")


@pytest.mark.parametrize("viewport", WIDTHS)
def test_link_problem_pages(new_context, live_server, viewport):
    visit = Visit(new_context, viewport, "links")
    page = visit.page
    assert page.goto(live_server.expired_invite()).status == 410
    assert heading(page) == "Länken har gått ut"
    visit.check("expired")
    assert page.goto("/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status == 404
    assert heading(page) == "Länken fungerar inte"
    visit.check("unknown")
    assert page.goto("/s/").status == 400
    assert heading(page) == "Öppna din länk igen"
    visit.check("no-session")


def test_development_server_log_keeps_no_respondent_path(new_context, live_server, caplog):
    link = live_server.invite()
    page = new_context(PHONE, javascript=False).new_page()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        page.goto(link)
        page.goto("/s/step/1")
    logged = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert logged, "the server logged nothing at all"
    assert not [m for m in logged if "/s/" in m], logged
