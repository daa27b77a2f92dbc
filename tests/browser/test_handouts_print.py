"""Issue 12, items 7 and 8 in a real browser: the handout page can be shown again for a short
while (refresh, language switch), and the poster and handouts print as A4 pages."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from survey_app.extensions import db as database
from survey_app.models import HandoutSheet, OpenLink
from tests.browser.checks import ARTIFACTS, DESKTOP, assert_accessible, screenshot

pytestmark = pytest.mark.browser

HR_ADMIN = ("hr.admin@exempel.se", "Ekorre-Kaffe-Vinter-2026")
PDFS = ARTIFACTS / "pdf"
CM = 96 / 2.54  # CSS pixels per centimetre


def sign_in(page, account=HR_ADMIN) -> None:
    page.goto("/auth/login")
    page.get_by_label("Användarnamn").fill(account[0])
    page.get_by_label("Lösenord").fill(account[1])
    page.get_by_role("button", name="Logga in").click()
    assert urlparse(page.url).path == "/", page.url


def new_invitation(page) -> None:
    page.goto("/hr/invitations/new")
    page.get_by_label("Enhet").select_option("VO01")
    page.get_by_label("Yrkesgrupp").select_option("USK")
    page.get_by_label("Anställningstid").select_option(index=1)
    page.get_by_label("Typ av avslut").select_option(index=0)
    page.get_by_role("button", name="Skapa länk och QR-kod").click()


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def save_pdf(page, name: str) -> bytes:
    PDFS.mkdir(parents=True, exist_ok=True)
    data = page.pdf(format="A4", print_background=True)
    (PDFS / f"{name}.pdf").write_bytes(data)
    return data


def test_handout_page_survives_refresh_and_language_switch(new_context, live_server):
    page = new_context(DESKTOP).new_page()
    sign_in(page)
    new_invitation(page)
    assert re.fullmatch(r"/hr/invitations/handouts/[\w-]{20,}", urlparse(page.url).path)
    assert page.locator("h1").inner_text().strip() == "Inbjudan är skapad"
    link = page.locator(".handout-url").inner_text().strip()
    screenshot(page, "handouts-shown")
    page.reload()  # no "resend the form?" and no new link
    assert page.locator(".handout-url").inner_text().strip() == link
    page.get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text().strip() == "The invitation has been created"
    assert page.locator(".handout-url").inner_text().strip() == link
    assert "for 30 minutes" in page.locator(".notice").inner_text()
    screenshot(page, "handouts-shown-english")
    assert_accessible(page, "handout page in English")
    page.get_by_role("link", name="Svenska").click()
    assert page.locator(".handout-url").inner_text().strip() == link

    # a stranger with the address (another sign-in) sees nothing
    sheet_url = page.url.split("?")[0]
    other = new_context(DESKTOP).new_page()
    sign_in(other)
    assert other.goto(sheet_url).status == 410
    assert other.locator(".handout-url").count() == 0

    # after the window: a clear page that says how to print replacements
    with live_server.app.app_context():
        session = database.new_session()
        sheet = session.get(HandoutSheet, sheet_url.rsplit("/", 1)[1])
        sheet.created_at -= timedelta(minutes=31)
        session.commit()
        session.close()
    assert page.goto(sheet_url).status == 410
    assert page.locator("h1").inner_text().strip() == "Lapparna kan inte längre visas"
    assert page.locator(".handout-url").count() == 0
    assert "Skriv ut nya lappar" in page.locator("main").inner_text()
    screenshot(page, "handouts-gone")
    assert_accessible(page, "handouts gone")
    page.get_by_role("link", name="Till inbjudningarna").click()
    assert urlparse(page.url).path == "/hr/invitations"


def test_poster_prints_on_one_a4_page_with_a_large_qr(new_context, live_server):
    live_server.open_link("VO02")
    with live_server.app.app_context():
        session = database.new_session()
        link_id = session.scalars(select(OpenLink.id).order_by(OpenLink.id.desc())).first()
        session.close()
    page = new_context(DESKTOP).new_page()
    sign_in(page)
    assert page.goto(f"/hr/open-links/{link_id}").status == 200
    page.emulate_media(media="print")
    screenshot(page, "poster-print-media")
    box = page.locator(".poster .handout-qr svg").bounding_box()
    assert box["width"] >= 12 * CM, f"QR is {box['width'] / CM:.1f} cm wide"
    for hidden in (".top", ".foot", ".no-print"):
        assert not page.locator(hidden).first.is_visible(), f"{hidden} is printed"
    url = page.locator(".handout-url")
    line = float(page.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)",
                               url.element_handle()))
    assert url.bounding_box()["height"] < 1.6 * line, "the link wraps"
    assert pdf_pages(save_pdf(page, "poster")) == 1


def test_handouts_in_bulk_print_several_whole_cards_per_page(new_context, live_server):
    page = new_context(DESKTOP).new_page()
    sign_in(page)
    page.goto("/hr/invitations/import")
    rows = "\n".join([f"VO01,USK,2024-01-01,{date.today().isoformat()},egen uppsägning"] * 7)
    page.set_input_files("input[type=file]", files=[{
        "name": "a.csv", "mimeType": "text/csv", "buffer": (
            "unit_code,occupational_group_code,employment_start,last_working_day,ending_type\n"
            + rows + "\n").encode()}])
    page.locator("main button[type=submit]").click()
    assert page.locator(".handout").count() == 7
    page.emulate_media(media="print")
    styles = page.evaluate("""() => [...document.querySelectorAll('.handout')].map(e => {
        const s = getComputedStyle(e); return [s.breakInside, s.breakAfter]; })""")
    assert all(inside == "avoid" and after in ("auto", "") for inside, after in styles), styles
    box = page.locator(".handout-url").first
    line = float(page.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)",
                               box.element_handle()))
    assert box.bounding_box()["height"] < 1.6 * line, "the link wraps"
    pages = pdf_pages(save_pdf(page, "handouts-7"))
    assert 2 <= pages <= 3, f"7 handouts took {pages} pages"
