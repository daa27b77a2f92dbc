"""Issue 3 in a real browser: the staff pages on a phone and on a desktop."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.browser.checks import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    assert_quiet_console,
    screenshot,
    watch_console,
)

pytestmark = pytest.mark.browser

VIEWPORTS = [pytest.param(PHONE, id="390px"), pytest.param(DESKTOP, id="1280px")]

# Public demo accounts (survey_app/demo/people.py); the demo is refused in production.
HR_ADMIN = ("hr.admin@exempel.se", "Ekorre-Kaffe-Vinter-2026")
ANALYST = ("hr.analytiker@exempel.se", "Tallskog-Morgon-Paraply-7")
MANAGER = ("chef.bjorken@exempel.se", "Blåbär-Fönster-Cykel-42")


class Desk:
    """One member of staff at one screen size."""

    def __init__(self, new_context, viewport: dict, who: str):
        self.viewport, self.who = viewport, who
        self.page = new_context(viewport).new_page()
        self.console = watch_console(self.page)

    def check(self, name: str) -> None:
        label = f"{self.who} {name} at {self.viewport['width']} px"
        screenshot(self.page, f"staff-{self.viewport['width']}-{self.who}-{name}")
        assert_quiet_console(self.console, label)
        assert_no_horizontal_scroll(self.page, label)
        assert_accessible(self.page, label)

    def visit(self, path: str, name: str, heading: str) -> None:
        response = self.page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        assert self.page.locator("h1").inner_text().strip() == heading
        self.check(name)

    def sign_in(self, account: tuple[str, str]) -> None:
        page = self.page
        page.goto("/auth/login")
        page.get_by_label("Användarnamn").fill(account[0])
        page.get_by_label("Lösenord").fill(account[1])
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_load_state("load")  # is_visible() does not wait for the start page
        assert urlparse(page.url).path == "/", page.url
        sign_out = page.get_by_role("button", name="Logga ut")
        sign_out.wait_for(state="visible", timeout=5000)
        assert sign_out.is_visible()
        self.check("start")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_sign_in_page(new_context, viewport):
    desk = Desk(new_context, viewport, "anonymous")
    desk.visit("/auth/login", "login", "Logga in")
    page = desk.page
    page.get_by_label("Användarnamn").fill("okand@exempel.se")
    page.get_by_label("Lösenord").fill("fel-lösenord-helt-enkelt")
    page.get_by_role("button", name="Logga in").click()
    assert page.url.endswith("/auth/login")
    assert page.locator(".error-summary, .notice-error").first.is_visible()
    desk.check("login-refused")
    assert page.goto("/no/such/page").status == 404
    desk.check("not-found")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_hr_admin_pages(new_context, live_server, viewport):
    desk = Desk(new_context, viewport, "hr-admin")
    desk.sign_in(HR_ADMIN)
    desk.visit("/org/", "org-tree", "Organisationen")
    desk.visit("/org/mine", "org-mine", "Mina enheter")
    desk.visit("/org/units/VO01", "org-unit", "Äldreboendet Björken")
    desk.visit("/hr/users", "users", "Användare och roller")
    desk.visit("/hr/audit", "audit", "Säkerhetslogg")
    desk.visit("/hr/invitations", "invitations", "Inbjudningar till avgångsenkäten")
    desk.visit("/hr/open-links", "open-links", "Öppna länkar och QR-affischer")
    desk.visit("/auth/password", "password", "Byt lösenord")

    # One invitation through the form: the handout with its link and QR code.
    desk.visit("/hr/invitations/new", "invitation-new", "Ny inbjudan")
    page = desk.page
    page.get_by_label("Enhet").select_option("VO01")
    page.get_by_label("Yrkesgrupp").select_option("USK")
    page.get_by_label("Anställningstid").select_option(index=1)
    page.get_by_label("Typ av avslut").select_option(index=0)
    page.get_by_role("button", name="Skapa länk och QR-kod").click()
    assert page.locator("h1").inner_text().strip() == "Inbjudan är skapad"
    assert page.locator(".handout-qr svg").count() == 1
    desk.check("handout")
    url = page.locator(".handout-url").inner_text().strip()
    assert url.startswith(live_server.url + "/s/")

    # The printed link works for the leaver.
    opened = new_context(PHONE, javascript=False).new_page()
    opened.goto(url)
    assert opened.url == live_server.url + "/s/"
    assert opened.locator("h1").inner_text().strip() == "Enkät till dig som slutar"
    desk.visit("/hr/invitations", "invitations-with-batch", "Inbjudningar till avgångsenkäten")
    # a lost handout is replaced by its number; no batch shows its use
    assert page.get_by_role("button", name="Skriv ut nya lappar").first.is_visible()
    # The batch just made (one slip): batches of one day have no order among themselves.
    ours = page.locator("tbody tr").filter(
        has=page.locator("td[data-label='Lappar']", has_text=re.compile(r"^\s*1\s*$"))).first
    ours.get_by_label("Lappnummer (tomt = alla)").fill("1")
    ours.get_by_role("button", name="Skriv ut nya lappar").click()
    assert page.locator("h1").inner_text().strip() == "Nya lappar ersätter de gamla"
    assert page.locator(".handout").count() == 1
    assert "lapp 1 av 1" in page.locator(".handout").inner_text()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_analyst_pages(new_context, viewport):
    desk = Desk(new_context, viewport, "analyst")
    desk.sign_in(ANALYST)
    desk.visit("/org/", "org-tree", "Organisationen")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_manager_pages(new_context, viewport):
    desk = Desk(new_context, viewport, "manager")
    desk.sign_in(MANAGER)
    desk.visit("/org/mine", "org-mine", "Mina enheter")
    desk.visit("/org/units/VO01", "org-unit", "Äldreboendet Björken")
    assert desk.page.goto("/hr/users").status == 403  # HR's pages are not a manager's
    desk.check("forbidden")


@pytest.mark.parametrize("width", [320, 390])
def test_staff_tables_on_a_phone_wrap_and_keep_their_actions_in_view(new_context, width):
    """Issue 12: on a phone the users, audit and invitations tables clipped addresses and
    hid the row's action off to the right; now each row is a card that fits the screen."""
    viewport = {"width": width, "height": 800}
    desk = Desk(new_context, viewport, "hr-admin-tables")
    desk.sign_in(HR_ADMIN)
    page = desk.page
    for path, name, heading, action in (
            ("/hr/users", "users", "Användare och roller", "a"),
            ("/hr/audit", "audit", "Säkerhetslogg", None),
            ("/hr/invitations", "invitations", "Inbjudningar till avgångsenkäten", "button")):
        desk.visit(path, f"{name}-stacked", heading)
        for table in page.locator("table.stack").all():
            box = table.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, f"{name}: {box}"
            wrapper = table.evaluate("t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
            assert wrapper[0] <= wrapper[1], f"{name} scrolls sideways: {wrapper}"
            if action:
                for control in table.locator(f"td.action {action}").all()[:5]:
                    c = control.bounding_box()
                    assert c["x"] + c["width"] <= width + 0.5, f"{name}: action off screen {c}"
