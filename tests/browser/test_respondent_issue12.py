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


_SCALE_JS = """(key) => {
  // Page coordinates: choosing may scroll the page, which is not the scale moving.
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {x: r.x, y: r.y + scrollY, w: r.width, h: r.height, right: r.right}; };
  const field = document.getElementById(key);
  const ends = [...field.querySelectorAll('.scale-ends span')].map((span) => {
    const range = document.createRange();  // the text itself, not the span's box
    range.selectNodeContents(span);
    const r = range.getBoundingClientRect();
    return {x: r.x, right: r.right, y: r.y + scrollY, text: span.textContent};
  });
  return {boxes: [...field.querySelectorAll('.scale .choice label')].map(box), ends};
}"""


def _to_step3(visit: Visit, live_server):
    page = _step1(visit, live_server)
    page.locator("#reasons").get_by_label("Lönen").check()
    page.get_by_role("button", name="Nästa").click()
    page.get_by_role("button", name="Nästa").click()
    assert heading(page) == "Om att stanna"
    return page


def _assert_even_grid(boxes: list[dict], per_row: int) -> None:
    assert len(boxes) == 11
    first = boxes[0]
    for number, b in enumerate(boxes):
        assert abs(b["w"] - first["w"]) < 0.5 and abs(b["h"] - first["h"]) < 0.5, (number, b, first)
        row, column = divmod(number, per_row)
        assert abs(b["x"] - boxes[column]["x"]) < 0.5, (number, b)  # columns line up
        assert abs(b["y"] - boxes[row * per_row]["y"]) < 0.5, (number, b)  # rows line up
    assert first["w"] >= 44 and first["h"] >= 44


@pytest.mark.parametrize("viewport, per_row", [
    pytest.param(SMALL_PHONE, 6, id="320px"), pytest.param(PHONE, 6, id="390px"),
    pytest.param({"width": 1024, "height": 768}, 11, id="1024px")])
def test_the_0_to_10_scale_is_an_even_grid_that_does_not_move_when_chosen(
        new_context, live_server, viewport, per_row):
    visit = Visit(new_context, viewport, "issue12-scale")
    page = _to_step3(visit, live_server)
    before = page.evaluate(_SCALE_JS, "recommend")
    _assert_even_grid(before["boxes"], per_row)
    first, last = before["boxes"][0], before["boxes"][10]
    low, high = before["ends"]
    assert low["text"] == "0 – Inte alls troligt" and high["text"] == "10 – Mycket troligt"
    # The ends sit under the ends of the scale: 0's label from the first box's left edge,
    # 10's label ending at the last box's right edge, both below the last row.
    assert abs(low["x"] - first["x"]) < 1, (low, first)
    assert abs(high["right"] - last["right"]) < 1, (high, last)
    assert low["y"] >= last["y"] + last["h"] and high["y"] >= last["y"] + last["h"]
    visit.check("1-unchosen")
    for chosen in ("10", "0", "7"):
        page.locator(f"#recommend input[value='{chosen}']").click()
        after = page.evaluate(_SCALE_JS, "recommend")
        assert after == before, f"the scale moved when {chosen} was chosen"
        assert page.locator(f"#recommend input[value='{chosen}']").is_checked()
    visit.check("2-chosen-7")
    page.locator("#recommend input[value='10']").click()
    assert page.locator("#recommend input[value='10']").is_checked()
    visit.check("3-chosen-10")
    # The chosen box looks different without relying on colour alone: bold text and a ring.
    chosen = page.locator("#recommend input[value='10'] + label")
    style = chosen.evaluate("e => [getComputedStyle(e).fontWeight, getComputedStyle(e).boxShadow]")
    assert style[0] == "700" and "inset" in style[1]


def _stored_attributes(live_server) -> list[tuple]:
    from sqlalchemy import select

    from survey_app.extensions import db as database
    from survey_app.models import Response

    with live_server.app.app_context():
        session = database.new_session()
        rows = session.execute(select(Response.occupational_group_code, Response.tenure_band,
                                      Response.answers).where(Response.source == "open_link")).all()
        session.close()
    return [(group, band, (answers or {}).get("tenure_band")) for group, band, answers in rows]


@pytest.mark.parametrize("group, band, stored", [
    pytest.param("Annan yrkesgrupp", "Vill inte svara", ("other", None, "declined"), id="other"),
    pytest.param("Vill inte svara", "2–5 år", ("unknown", "2_5y", None), id="declined")])
@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="390px"),
                                      pytest.param(SMALL_PHONE, id="320px")])
def test_open_link_about_you_offers_another_group_and_declining(new_context, live_server, viewport,
                                                               group, band, stored):
    visit = Visit(new_context, viewport, f"issue12-open-{stored[0]}")
    page = visit.page
    page.goto(live_server.open_link())
    page.get_by_role("link", name="Börja").click()
    page.locator("#reasons").get_by_label("Lönen").check()
    page.get_by_role("button", name="Nästa").click()
    page.get_by_role("button", name="Nästa").click()
    page.get_by_role("button", name="Nästa").click()
    assert heading(page) == "Om dig"
    assert page.get_by_text("Steg 4 av 4").is_visible()
    groups = page.locator("#occupational_group .choice label").all_inner_texts()
    assert groups[-2:] == ["Annan yrkesgrupp", "Vill inte svara"] and len(groups) > 2
    bands = page.locator("#tenure_band")
    assert bands.locator(".choice label").all_inner_texts()[-1] == "Vill inte svara"
    assert "(obligatorisk)" in bands.locator("legend").inner_text()
    visit.check("1-about-you")
    before = _stored_attributes(live_server)

    # The band is asked for: sending without it says so, and keeps the group chosen.
    page.locator("#occupational_group").get_by_label(group, exact=True).check()
    page.get_by_role("button", name="Skicka svaren").click()
    assert page.locator("#error-summary").is_visible()
    assert page.locator("#error-summary a").get_attribute("href") == "#tenure_band"
    assert page.locator("#occupational_group").get_by_label(group, exact=True).is_checked()
    visit.check("2-band-missing")
    assert _stored_attributes(live_server) == before

    page.locator("#tenure_band").get_by_label(band, exact=True).check()
    page.get_by_role("button", name="Skicka svaren").click()
    assert heading(page) == "Tack för dina svar"
    visit.check("3-thanks")
    after = _stored_attributes(live_server)
    assert len(after) == len(before) + 1
    assert sorted(after, key=str) == sorted([*before, stored], key=str)
