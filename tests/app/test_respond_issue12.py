"""Issue 12 on the server: language switch keeps answers, the main reason among those
ticked, and the error summary that takes the focus."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey_app.models import Response
from tests.app.conftest import csrf_from
from tests.app.survey_helpers import STEP_ANSWERS, invite, post_step

ALL_REASONS = 18


def _checked(html: str, value: str, name: str) -> bool:
    return any(f'value="{value}"' in tag and "checked" in tag and f'name="{name}"' in tag
               for tag in re.findall(r"<input[^>]+>", html))


def _options(html: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]+)"', html) + \
        re.findall(rf'<input[^>]*value="([^"]+)"[^>]*name="{name}"', html)


def _post(client, path: str, data: dict):
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_from(page), **data})


def _start(app, client):
    [token] = invite(app)
    assert client.get(f"/s/{token}").status_code == 302


# ------------------------------------------------------------ 1. language switch


def test_language_switch_on_a_step_keeps_what_was_ticked_without_checking_it(app, client, org):
    _start(app, client)
    step1 = client.get("/s/step/1").get_data(as_text=True)
    assert 'name="switch_lang" value="en"' in step1 and 'form="step-form"' in step1
    # Two reasons ticked, no main reason yet: a switch is not a "Nästa", so no error.
    switched = _post(client, "/s/step/1", {"reasons": ["introduction", "pay"],
                                           "switch_lang": "en"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/s/step/1"
    again = client.get("/s/step/1").get_data(as_text=True)
    assert "Why are you leaving?" in again and '<html lang="en">' in again
    assert _checked(again, "introduction", "reasons") and _checked(again, "pay", "reasons")
    assert "error-summary" not in again
    assert 'name="switch_lang" value="sv"' in again
    # And back to Swedish, still kept; the rest of the survey stays in the chosen language.
    back = _post(client, "/s/step/1", {"reasons": ["introduction", "pay"], "switch_lang": "sv"})
    assert back.headers["Location"] == "/s/step/1"
    body = client.get("/s/step/1").get_data(as_text=True)
    assert "Varför slutar du?" in body and _checked(body, "pay", "reasons")


def test_language_switch_with_a_required_answer_missing_is_no_error(app, client, org):
    _start(app, client)
    switched = _post(client, "/s/step/1", {"switch_lang": "en"})  # nothing ticked at all
    assert switched.status_code == 302 and switched.headers["Location"] == "/s/step/1"
    assert "Why are you leaving?" in client.get("/s/step/1").get_data(as_text=True)


def test_language_switch_on_the_last_step_does_not_send(app, client, org, db):
    _start(app, client)
    post_step(client, 1, STEP_ANSWERS[0])
    post_step(client, 2, STEP_ANSWERS[1])
    switched = _post(client, "/s/step/3", {"recommend": "7", "switch_lang": "en"})
    assert switched.headers["Location"] == "/s/step/3"
    assert db.scalars(select(Response)).all() == []
    assert _checked(client.get("/s/step/3").get_data(as_text=True), "7", "recommend")


def test_pages_other_than_steps_keep_the_plain_language_link(app, client, org):
    _start(app, client)
    start = client.get("/s/").get_data(as_text=True)
    assert 'class="lang" href="/s/?lang=en"' in start and "switch_lang" not in start


# ------------------------------------------------------------ 2. main reason


def test_step_one_no_longer_lists_every_reason_twice(app, client, org):
    _start(app, client)
    step1 = client.get("/s/step/1").get_data(as_text=True)
    assert len(_options(step1, "reasons")) == ALL_REASONS
    assert _options(step1, "main_reason") == []
    assert "Vilket av skälen var det viktigaste?" not in step1


def test_main_reason_is_asked_among_the_ticked_only_and_marked_required(app, client, org, db):
    _start(app, client)
    ticked = post_step(client, 1, {"reasons": ["introduction", "pay", "workload"]})
    assert ticked.headers["Location"] == "/s/step/1/main"
    page = client.get("/s/step/1/main").get_data(as_text=True)
    assert sorted(_options(page, "main_reason")) == ["introduction", "pay", "workload"]
    assert "Vilket av skälen var det viktigaste? <span class=\"req\">(obligatorisk)</span>" in page
    assert _options(page, "reasons") == []
    assert "Steg 1 av 3" in page
    # An option that was not ticked is refused.
    wrong = _post(client, "/s/step/1/main", {"main_reason": "commute", "action": "next"})
    assert wrong.status_code == 400
    chosen = _post(client, "/s/step/1/main", {"main_reason": "pay", "action": "next"})
    assert chosen.headers["Location"] == "/s/step/2"
    # Back from step 2 goes to the main-reason page, which has the choice checked.
    back = _post(client, "/s/step/2", {"action": "back"})
    assert back.headers["Location"] == "/s/step/1/main"
    assert _checked(client.get("/s/step/1/main").get_data(as_text=True), "pay", "main_reason")
    assert _post(client, "/s/step/1/main", {"action": "back"}).headers["Location"] == "/s/step/1"
    post_step(client, 2, STEP_ANSWERS[1])
    post_step(client, 3, STEP_ANSWERS[2])
    [stored] = db.scalars(select(Response)).all()
    assert set(stored.answers["reasons"]) == {"introduction", "pay", "workload"}
    assert stored.answers["main_reason"] == "pay"  # the same keys as before


def test_one_reason_is_the_main_reason_without_asking(app, client, org, db):
    _start(app, client)
    only = post_step(client, 1, {"reasons": ["workload"]})
    assert only.headers["Location"] == "/s/step/2"
    assert client.get("/s/step/1/main").headers["Location"] == "/s/step/1"  # nothing to ask
    assert _post(client, "/s/step/2", {"action": "back"}).headers["Location"] == "/s/step/1"
    post_step(client, 2, STEP_ANSWERS[1])
    post_step(client, 3, STEP_ANSWERS[2])
    [stored] = db.scalars(select(Response)).all()
    assert stored.answers["reasons"] == ["workload"] and stored.answers["main_reason"] == "workload"


def test_main_reason_no_longer_ticked_is_asked_again(app, client, org):
    _start(app, client)
    post_step(client, 1, {"reasons": ["introduction", "pay"]})
    _post(client, "/s/step/1/main", {"main_reason": "pay", "action": "next"})
    # Still among the ticked: kept, and offered again checked.
    assert post_step(client, 1, {"reasons": ["pay", "commute"]}).headers["Location"] == \
        "/s/step/1/main"
    assert _checked(client.get("/s/step/1/main").get_data(as_text=True), "pay", "main_reason")
    # No longer ticked: dropped, asked again.
    post_step(client, 1, {"reasons": ["introduction", "commute"]})
    page = client.get("/s/step/1/main").get_data(as_text=True)
    assert not re.search(r'<input[^>]+checked', page)


def test_skipping_the_main_reason_page_cannot_send_an_incomplete_answer(app, client, org, db):
    _start(app, client)
    post_step(client, 1, {"reasons": ["introduction", "pay"]})
    post_step(client, 2, STEP_ANSWERS[1])
    last = post_step(client, 3, STEP_ANSWERS[2])
    assert last.headers["Location"] == "/s/step/1/main?missing=1"
    assert db.scalars(select(Response)).all() == []
    shown = client.get("/s/step/1/main?missing=1").get_data(as_text=True)
    assert "Välj vilket som var viktigast." in shown


def test_a_page_from_before_still_sends_the_main_reason_with_the_reasons(app, client, org):
    _start(app, client)
    sent = post_step(client, 1, {"reasons": ["introduction", "pay"], "main_reason": "pay"})
    assert sent.headers["Location"] == "/s/step/2"


# ------------------------------------------------------------ 5. error summary


def test_error_summary_comes_first_in_main_and_takes_the_focus(app, client, org):
    _start(app, client)
    post_step(client, 1, {"reasons": ["introduction", "pay"]})
    bad = _post(client, "/s/step/1/main", {"action": "next"})
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    main = body[body.index('<main id="main"'):]
    first = re.search(r"<main[^>]*>\s*(<[^>]+>)", main).group(1)
    assert 'class="error-summary"' in first and "autofocus" in first
    assert 'tabindex="-1"' in first and 'role="alert"' in first
    summary = main[:main.index("</div>")]
    assert re.search(r"<h2[^>]*>Rätta följande:</h2>", summary)
    assert '<a href="#main_reason">' in summary
    assert 'id="main_reason"' in body  # the link's target: the question's fieldset
    assert body.count("autofocus") == 1
    assert "autofocus" not in client.get("/s/step/2").get_data(as_text=True)


# ------------------------------------------------- 4. open link: "Om dig" (about you)


def _about_you(app, client, db):
    """An open-link respondent through steps 1-3, on "Om dig"; its page."""
    from tests.app.survey_helpers import open_link

    assert client.get(f"/s/o/{open_link(app)}").status_code == 302
    for number, data in enumerate(STEP_ANSWERS, start=1):
        assert post_step(client, number, data).status_code == 302
    return client.get("/s/step/4").get_data(as_text=True)


def _stored(db) -> Response:
    db.rollback()
    [response] = db.scalars(select(Response)).all()
    return response


def test_open_link_offers_another_group_and_declining_and_asks_for_the_band(app, client, db, org):
    page = _about_you(app, client, db)
    assert _options(page, "occupational_group") == ["FSL", "USK", "other", "declined"]
    assert page.count(">Annan yrkesgrupp<") == 1 and page.count(">Vill inte svara<") == 2
    assert _options(page, "tenure_band")[-1] == "declined"
    legend = re.search(r'id="tenure_band".*?<legend[^>]*>(.*?)</legend>', page, re.S).group(1)
    assert "(obligatorisk)" in legend
    # Not answered: asked again, nothing stored.
    refused = post_step(client, 4, {"occupational_group": "USK"})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert 'href="#tenure_band"' in html and _checked(html, "USK", "occupational_group")
    db.rollback()
    assert db.scalars(select(Response)).all() == []


def test_declining_both_is_stored_as_declined_not_missing(app, client, db, org):
    _about_you(app, client, db)
    done = post_step(client, 4, {"tenure_band": "declined", "occupational_group": "declined"})
    assert done.headers["Location"] == "/s/thanks"
    response = _stored(db)
    assert response.source == "open_link"
    assert response.occupational_group_code == "unknown"  # counted as analysis.UNKNOWN
    assert response.tenure_band is None  # the column holds real bands only
    assert response.answers["tenure_band"] == "declined"  # declined, not forgotten
    assert "occupational_group" not in response.answers


def test_another_group_and_a_band_are_stored_as_attributes(app, client, db, org):
    _about_you(app, client, db)
    done = post_step(client, 4, {"tenure_band": "2_5y", "occupational_group": "other"})
    assert done.headers["Location"] == "/s/thanks"
    response = _stored(db)
    assert (response.occupational_group_code, response.tenure_band) == ("other", "2_5y")
    assert "tenure_band" not in response.answers and "occupational_group" not in response.answers


def test_the_analysis_counts_declined_answers(app, client, db, org):
    import analysis
    from survey_app.analysis_source import load_analysis_data
    from survey_app.respond import submission

    assert submission.UNKNOWN == analysis.UNKNOWN
    _about_you(app, client, db)
    post_step(client, 4, {"tenure_band": "declined", "occupational_group": "declined"})
    other = app.test_client()
    _about_you(app, other, db)
    post_step(other, 4, {"tenure_band": "lt_6m", "occupational_group": "other"})
    db.rollback()
    data = load_analysis_data(db, app.extensions["questionnaires"])
    responses = data.responses.set_index("occupational_group", drop=False)
    assert sorted(responses["occupational_group"].astype(str)) == ["other", "unknown"]
    assert responses.loc["unknown", "tenure_band"] != responses.loc["unknown", "tenure_band"]  # NaN
    assert responses.loc["other", "tenure_band"] == "lt_6m"
    declined = data.answers[data.answers["question"] == "tenure_band"]
    assert list(declined["option"]) == ["declined"]  # told apart from no band at all
